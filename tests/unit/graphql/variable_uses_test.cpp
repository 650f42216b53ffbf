// What the compiled-plan cache learns from the planner (docs/adr/0017-compiled-plan-cache.md):
// where an operation uses each variable (graphql::variable_uses), and variable coercion alone
// (graphql::coerce_variables, spec §6.1.2) giving exactly bind_operation's errors.

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/graphql/schema_builder.hpp"
#include "fraiseql/graphql/validate.hpp"

namespace fraiseql::graphql {
namespace {

const schema& golden() {
    static std::shared_ptr<schema> s = [] {
        auto r = load_schema_file(std::string(FRAISEQL_SOURCE_DIR) + "/tests/golden/sql/schema.graphql");
        return r ? *r : nullptr;
    }();
    return *s;
}

std::shared_ptr<const prepared_operation> prepare(const std::string& text) {
    auto doc = parse_executable(text);
    EXPECT_TRUE(doc) << text;
    auto shared = std::make_shared<const document>(std::move(*doc));
    EXPECT_TRUE(validate(golden(), *shared).empty()) << text;
    auto op = prepare_operation(golden(), shared, "");
    EXPECT_TRUE(op) << text;
    return *op;
}

TEST(variable_uses, whole_root_arguments_conditions_and_nested_values) {
    auto op = prepare(R"(query ($id: UUID!, $l: Int, $b: Boolean!, $w: ItemWhereInput,
                                $n: Boolean!, $d: OrderDirection!) {
        a: item(id: $id) { id name @include(if: $b) }
        b: item(id: $id) { id }
        items(limit: $l, where: $w, orderBy: [{name: $d}]) { id }
        machines(where: {priority: {isnull: $n}}) { id }
    })");
    ASSERT_TRUE(op);
    auto uses = variable_uses(*op);
    ASSERT_EQ(uses.size(), 6u);
    EXPECT_EQ(uses[0].name, "id");
    ASSERT_EQ(uses[0].root_args.size(), 2u); // two root fields, one argument each
    EXPECT_EQ(uses[0].root_args[0].first, "a");
    EXPECT_EQ(uses[0].root_args[1].first, "b");
    EXPECT_EQ(uses[0].root_args[0].second, "id");
    EXPECT_FALSE(uses[0].nested);
    EXPECT_FALSE(uses[0].condition);
    ASSERT_EQ(uses[1].root_args.size(), 1u);
    EXPECT_EQ(uses[1].root_args[0].second, "limit");
    EXPECT_TRUE(uses[2].condition); // $b: @include
    EXPECT_TRUE(uses[2].root_args.empty());
    ASSERT_EQ(uses[3].root_args.size(), 1u); // $w: the whole `where`
    EXPECT_EQ(uses[3].root_args[0].second, "where");
    EXPECT_FALSE(uses[4].nested); // $n: inside a literal object, reached through its fields
    EXPECT_TRUE(uses[4].root_args.empty());
    ASSERT_EQ(uses[4].paths.size(), 1u);
    EXPECT_EQ(uses[4].paths[0].root_key, "machines");
    EXPECT_EQ(uses[4].paths[0].arg, "where");
    EXPECT_EQ(uses[4].paths[0].path, (std::vector<std::string_view>{"priority", "isnull"}));
    EXPECT_TRUE(uses[5].nested); // $d: inside a literal list
    EXPECT_TRUE(uses[5].paths.empty());
    EXPECT_EQ(uses[5].type->name, "OrderDirection");
}

TEST(variable_uses, a_list_on_the_way_is_no_path) {
    auto op = prepare(R"(query ($a: String, $b: String) {
        items(where: {OR: [{name: {eq: $a}}], NOT: {name: {startswith: $b}}}) { id }
    })");
    ASSERT_TRUE(op);
    auto uses = variable_uses(*op);
    ASSERT_EQ(uses.size(), 2u);
    EXPECT_TRUE(uses[0].nested); // under OR's list: not addressable by keys
    EXPECT_TRUE(uses[0].paths.empty());
    EXPECT_FALSE(uses[1].nested);
    ASSERT_EQ(uses[1].paths.size(), 1u);
    EXPECT_EQ(uses[1].paths[0].path,
              (std::vector<std::string_view>{"NOT", "name", "startswith"}));
}

TEST(variable_uses, a_nested_fields_argument_is_not_a_root_argument) {
    // The golden schema's nested fields take no arguments; __type(name:) at the root does.
    auto op = prepare(R"(query ($t: String!) { __type(name: $t) { name } })");
    ASSERT_TRUE(op);
    auto uses = variable_uses(*op);
    ASSERT_EQ(uses.size(), 1u);
    ASSERT_EQ(uses[0].root_args.size(), 1u);
    EXPECT_EQ(uses[0].root_args[0].first, "__type");
}

TEST(coerce_variables, errors_are_bind_operations) {
    auto op = prepare(R"(query ($id: UUID!, $l: Int) { item(id: $id) { id } items(limit: $l) { id } })");
    ASSERT_TRUE(op);
    auto vars = [](std::initializer_list<std::pair<std::string, input_value>> f) {
        input_value::object_t o;
        for (const auto& p : f) o.emplace_back(p.first, p.second);
        return input_value::object(std::move(o));
    };
    const input_value cases[] = {
        vars({}),                                              // $id missing
        vars({{"id", input_value::string("not-a-uuid")}}),     // refused by UUID
        vars({{"id", input_value::string("11111111-1111-1111-1111-111111111111")},
              {"l", input_value::string("3")}}),               // a string for an Int
        input_value::list({}),                                 // not an object
    };
    for (const auto& v : cases) {
        auto c = coerce_variables(*op, v);
        auto b = bind_operation(*op, v);
        ASSERT_FALSE(c) << v.to_json();
        ASSERT_FALSE(b) << v.to_json();
        ASSERT_EQ(c.error().size(), b.error().size());
        for (std::size_t i = 0; i < c.error().size(); ++i) {
            EXPECT_EQ(c.error()[i].message, b.error()[i].message);
            EXPECT_EQ(c.error()[i].code, b.error()[i].code);
        }
    }
    auto ok = coerce_variables(
        *op, vars({{"id", input_value::string("11111111-1111-1111-1111-111111111111")}}));
    ASSERT_TRUE(ok);
    ASSERT_EQ(ok->size(), 2u);
    ASSERT_TRUE((*ok)[0]);
    EXPECT_EQ((*ok)[0]->as_string(), "11111111-1111-1111-1111-111111111111");
    EXPECT_FALSE((*ok)[1]); // absent, no default
}

} // namespace
} // namespace fraiseql::graphql
