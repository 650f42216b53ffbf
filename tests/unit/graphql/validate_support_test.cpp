// The "did you mean" suggestions (ranked as graphql-js ranks them) and print_schema.

#include "graphql/validate/suggest.hpp"
#include "validate_schema.hpp"

namespace fraiseql::graphql::test {
namespace {

using detail::did_you_mean;
using detail::natural_compare;
using detail::suggestion_list;

TEST(validate_suggestions, natural_order_compares_digit_runs_as_numbers) {
    EXPECT_LT(natural_compare("a2", "a10"), 0);
    EXPECT_GT(natural_compare("b", "a10"), 0);
    EXPECT_EQ(natural_compare("abc", "abc"), 0);
    EXPECT_LT(natural_compare("ab", "abc"), 0);
}

TEST(validate_suggestions, nearest_first_and_case_insensitive) {
    std::vector<std::string_view> options{"name", "email", "names", "Name", "age", "id"};
    EXPECT_EQ(suggestion_list("nmae", options), (std::vector<std::string_view>{"Name", "name", "names"}));
    EXPECT_EQ(suggestion_list("NAME", options), (std::vector<std::string_view>{"Name", "name", "names", "age"}));
    EXPECT_TRUE(suggestion_list("zzzzzz", options).empty());
}

TEST(validate_suggestions, worded_like_graphql_js) {
    EXPECT_EQ(did_you_mean({}), "");
    EXPECT_EQ(did_you_mean({"a"}), " Did you mean \"a\"?");
    EXPECT_EQ(did_you_mean({"a", "b"}), " Did you mean \"a\" or \"b\"?");
    EXPECT_EQ(did_you_mean({"a", "b", "c", "d", "e", "f"}, "the enum value"),
              " Did you mean the enum value \"a\", \"b\", \"c\", \"d\", or \"e\"?");
}

TEST(validate_print_schema, prints_sdl_that_builds_the_same_schema) {
    const std::string sdl = print_schema(validate_schema());
    EXPECT_NE(sdl.find("scalar UUID"), std::string::npos);
    EXPECT_EQ(sdl.find("scalar String"), std::string::npos);
    EXPECT_EQ(sdl.find("__Schema"), std::string::npos);
    EXPECT_NE(sdl.find("directive @view(\n"), std::string::npos);
    EXPECT_EQ(sdl.find("directive @skip"), std::string::npos);
    EXPECT_NE(sdl.find("input UserWhereInput {"), std::string::npos);
    // It parses as a type-system document with one definition per printed type.
    auto doc = parse_schema(sdl);
    ASSERT_TRUE(doc.has_value()) << (doc ? "" : doc.error().message);
    std::size_t printed = 0;
    for (const auto& t : validate_schema().types())
        if (t->name.rfind("__", 0) != 0 && !(t->kind == named_kind::scalar &&
                                             (t->name == "Int" || t->name == "Float" || t->name == "String" ||
                                              t->name == "Boolean" || t->name == "ID")))
            ++printed;
    std::size_t types = 0;
    for (const auto& d : doc->definitions) types += std::holds_alternative<type_definition>(d) ? 1 : 0;
    EXPECT_EQ(types, printed);
}

} // namespace
} // namespace fraiseql::graphql::test
