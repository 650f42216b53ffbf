// The schema built from SDL (spec §3 Type System): descriptions, extensions, @deprecated,
// and the schema validation errors, each at its line and column (and file:line:column from
// load_schema_file), as graphql-js buildSchema + validateSchema refuse the same schemas.

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "fraiseql/graphql/schema_builder.hpp"

namespace fraiseql::graphql {
namespace {

using strings = std::vector<std::string>;

// "message @line:column" of every error, or {} when the schema builds.
strings errors_of(const std::string& sdl) {
    auto r = build_schema(sdl);
    strings out;
    if (r)
        return out;
    for (const auto& e : r.error()) {
        std::string s = e.message;
        if (!e.locations.empty())
            s += " @" + std::to_string(e.locations[0].line) + ":" +
                 std::to_string(e.locations[0].column);
        out.push_back(s);
    }
    return out;
}

constexpr const char* query = "type Query { dogs: [Dog!]! }\n";

TEST(schema_3_descriptions_extensions_deprecation, are_kept_in_the_model) {
    auto r = build_schema(R"(
"The schema." schema { query: Query }
"""
A dog.
"""
type Dog @view(name: "v_dog") {
  "Its name." name: String!
  old: Int @deprecated
  older(a: Int @deprecated(reason: "use b"), b: Int): Int @deprecated(reason: "gone")
}
enum Size { SMALL BIG @deprecated(reason: "too big") }
extend type Dog { size: Size }
extend enum Size { HUGE }
type Query { dogs: [Dog!]! }
)");
    ASSERT_TRUE(r) << r.error()[0].message;
    const schema& s = **r;
    EXPECT_EQ(s.description(), "The schema.");
    const type_def* dog = s.find_type("Dog");
    ASSERT_NE(dog, nullptr);
    EXPECT_EQ(dog->description, "A dog.");
    ASSERT_NE(dog->find_field("name"), nullptr);
    EXPECT_EQ(dog->find_field("name")->description, "Its name.");
    EXPECT_EQ(dog->find_field("old")->deprecation_reason, "No longer supported");
    EXPECT_EQ(dog->find_field("older")->deprecation_reason, "gone");
    EXPECT_EQ(dog->find_field("older")->find_arg("a")->deprecation_reason, "use b");
    EXPECT_FALSE(dog->find_field("older")->find_arg("b")->deprecation_reason);
    ASSERT_NE(dog->find_field("size"), nullptr); // from the extension
    const type_def* size = s.find_type("Size");
    ASSERT_EQ(size->enum_values.size(), 3u);
    EXPECT_EQ(size->enum_values[1].deprecation_reason, "too big");
    EXPECT_EQ(size->enum_values[2].name, "HUGE");
}

TEST(schema_3_errors, fraiseql_mapping_errors_are_located) {
    EXPECT_EQ(errors_of("input I @view(name: \"v\") { a: Int }\n" + std::string(query) +
                        "type Dog @view(name: \"v_dog\") { a: Int }"),
              strings{"@view is only allowed on object types; \"I\" is not one. @1:9"});
    EXPECT_EQ(errors_of("type Dog @view(name: \"v_dog\") { a: Cat }\n" + std::string(query)),
              strings{"Unknown type \"Cat\" (in Dog.a). @1:33"});
    EXPECT_EQ(errors_of("type Dog @view(name: \"v_dog\") { a: Int }\ntype Dog { b: Int }\n" +
                        std::string(query)),
              strings{"There can be only one type named \"Dog\". @2:1"});
    EXPECT_EQ(errors_of("type __Dog { a: Int }\ntype Dog @view(name: \"v_dog\") { a: Int }\n" +
                        std::string(query)),
              strings{"Name \"__Dog\" must not begin with \"__\", which is reserved by GraphQL "
                      "introspection. @1:1"});
    EXPECT_EQ(errors_of("extend type Cat { a: Int }\ntype Dog @view(name: \"v_dog\") { a: Int }\n" +
                        std::string(query)),
              strings{"Cannot extend type \"Cat\" because it is not defined. @1:1"});
}

TEST(schema_3_errors, load_schema_file_prefixes_file_line_column) {
    const std::string path = ::testing::TempDir() + "schema_3_errors.graphql";
    {
        std::ofstream out(path);
        out << "type Query { dogs: [Dog!]! }\n\ntype Dog @view(name: \"v_dog\") {\n  a: Catt\n}\n";
    }
    auto r = load_schema_file(path);
    std::remove(path.c_str());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), strings{path + ":4:3: Unknown type \"Catt\" (in Dog.a)."});
    auto missing = load_schema_file(path);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error(), strings{path + ": cannot read the schema file"});
}

// graphql-js buildSchema's SDL rules: directives known, in their locations, not repeated,
// with known, unique and required arguments; enum values and argument definitions unique.
TEST(schema_3_errors, directive_uses_are_checked_like_graphql_js) {
    EXPECT_EQ(
        errors_of(std::string(query) + "type Dog @view(name: \"v_dog\") {\n"
                                       "  a: Int @foo\n"
                                       "  b: Int @skip(if: true)\n"
                                       "  c: Int @key(name: \"x\") @key(name: \"y\")\n"
                                       "  d: Int @key(nam: \"x\")\n"
                                       "  e: Int @deprecated(reason: \"x\", reason: \"y\")\n"
                                       "}\n"),
        (strings{"Unknown directive \"@foo\". @3:10",
                 "Directive \"@skip\" may not be used on FIELD_DEFINITION. @4:10",
                 "The directive \"@key\" can only be used once at this location. @5:26",
                 "Directive \"@key\" argument \"name\" of type \"String!\" is required, but it "
                 "was not provided. @6:10",
                 "Unknown argument \"nam\" on directive \"@key\". Did you mean \"name\"? @6:15",
                 "There can be only one argument named \"reason\". @7:35"}));
    EXPECT_EQ(errors_of(std::string(query) +
                        "type Dog @view(name: \"v_dog\") @key(name: \"k\") { a: Int }\n"
                        "enum E @deprecated { A @foo }\n"),
              (strings{"Directive \"@key\" may not be used on OBJECT. @2:31",
                       "Directive \"@deprecated\" may not be used on ENUM. @3:8",
                       "Unknown directive \"@foo\". @3:24"}));
    // A repeatable directive defined in the schema may repeat; its own arguments count.
    EXPECT_EQ(
        errors_of(
            std::string(query) +
            "directive @tag(n: String!) repeatable on FIELD_DEFINITION\n"
            "type Dog @view(name: \"v_dog\") { a: Int @tag(n: \"x\") @tag(n: \"y\") @tag }\n"),
        strings{"Directive \"@tag\" argument \"n\" of type \"String!\" is required, but it was "
                "not provided. @3:66"});
}

TEST(schema_3_errors, extensions_cannot_redefine_enum_values) {
    EXPECT_EQ(errors_of(std::string(query) + "type Dog @view(name: \"v_dog\") { a: Int }\n"
                                             "enum E { A B }\nextend enum E { C A }\n"),
              strings{"Enum value \"E.A\" already exists in the schema. It cannot also be defined "
                      "in this type extension. @4:19"});
}

TEST(schema_3_errors, duplicate_enum_values_and_argument_definitions) {
    EXPECT_EQ(errors_of(std::string(query) +
                        "type Dog @view(name: \"v_dog\") { a(x: Int, x: Int): Int }\n"
                        "enum E { A B A }\n"
                        "directive @d(y: Int, y: Int) on FIELD\n"),
              (strings{"Argument \"Dog.a(x:)\" can only be defined once. @2:43",
                       "Enum value \"E.A\" can only be defined once. @3:14",
                       "Argument \"@d(y:)\" can only be defined once. @4:22"}));
}

// graphql-js validateSchema: §3.6 IsValidImplementation, unions, input object cycles.
TEST(schema_3_errors, objects_must_implement_their_interfaces) {
    const std::string pet = "interface Pet { name: String! owner(full: Boolean): Named }\n"
                            "interface Named { name: String }\n";
    // A valid implementation: covariant field types, extra optional arguments.
    EXPECT_EQ(errors_of(std::string(query) + pet +
                        "type Dog implements Pet & Named @view(name: \"v_dog\") { name: String! "
                        "owner(full: Boolean, x: Int): Dog }\n"),
              strings{});
    EXPECT_EQ(
        errors_of(
            std::string(query) + pet +
            "type Dog implements Pet @view(name: \"v_dog\") { owner(full: Int, y: Int!): Named }\n"
            "type Cat implements Pet { name: String owner: Named }\n"),
        (strings{
            "Interface field Pet.name expected but Dog does not provide it. @4:1",
            "Interface field argument Pet.owner(full:) expects type Boolean but Dog.owner(full:) "
            "is type Int. @4:54",
            "Object field Dog.owner includes required argument y that is missing from the "
            "Interface field Pet.owner. @4:65",
            "Interface field Pet.name expects type String! but Cat.name is type String. @5:27",
            "Interface field argument Pet.owner(full:) expected but Cat.owner does not provide "
            "it. @5:40"}));
    EXPECT_EQ(errors_of(std::string(query) +
                        "interface A { a: Int }\ninterface B implements A { a: Int }\n"
                        "type Dog implements B @view(name: \"v_dog\") { a: Int }\n"),
              strings{"Type Dog must implement A because it is implemented by B. @4:1"});
    EXPECT_EQ(errors_of(std::string(query) +
                        "interface A { a: Int }\n"
                        "type Dog implements A & A @view(name: \"v_dog\") { a: Int }\n"),
              strings{"Type Dog can only implement A once. @3:1"});
}

TEST(schema_3_errors, unions_and_input_object_cycles) {
    EXPECT_EQ(errors_of(std::string(query) + "type Dog @view(name: \"v_dog\") { a: Int }\n"
                                             "union U = Dog | Dog\n"),
              strings{"Union type U can only include type Dog once. @3:1"});
    EXPECT_EQ(errors_of(std::string(query) + "type Dog @view(name: \"v_dog\") { a(i: I): Int }\n"
                                             "input I { j: J! }\ninput J { i: I! k: [I!] }\n"),
              strings{"Cannot reference Input Object \"I\" within itself through a series of "
                      "non-null fields: \"j.i\". @3:1"});
    // Nullable or list links break the cycle.
    EXPECT_EQ(errors_of(std::string(query) + "type Dog @view(name: \"v_dog\") { a(i: I): Int }\n"
                                             "input I { j: J i: [I!]! }\ninput J { i: I! }\n"),
              strings{});
}

} // namespace
} // namespace fraiseql::graphql
