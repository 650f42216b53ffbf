// Syntactic grammar (GraphQL spec October 2021, §2 Language and §3 Type System), with the
// spec's own examples. Error messages follow graphql-js (16.x) without "Syntax Error: ".

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "parse_helpers.hpp"

namespace fraiseql::graphql::test {
namespace {

const operation_definition& op_at(const document& d, std::size_t i = 0) {
    return std::get<operation_definition>(d.definitions.at(i));
}
const field& field_of(const selection& s) { return std::get<field>(s.node); }

// §2.2 Document
TEST(parser_2_2_document, empty_document_is_an_error) {
    EXPECT_EQ(parse_err(""), "1:1: Unexpected <EOF>.");
    EXPECT_EQ(parse_err("   \n  "), "2:3: Unexpected <EOF>.");
}

TEST(parser_2_2_document, several_definitions) {
    const auto d = parse_ok("query A { a } query B { b } fragment F on T { c }");
    ASSERT_EQ(d.definitions.size(), 3u);
    EXPECT_EQ(op_at(d, 1).name, "B");
    EXPECT_EQ(std::get<fragment_definition>(d.definitions[2]).type_condition.value, "T");
}

TEST(parser_2_2_document, unknown_definition_keyword) {
    EXPECT_EQ(parse_err("notanoperation Foo { field }"), "1:1: Unexpected Name \"notanoperation\".");
    EXPECT_EQ(parse_err("...F"), "1:1: Unexpected \"...\".");
    EXPECT_EQ(parse_err("{ a } 1"), "1:7: Unexpected Int \"1\".");
    EXPECT_EQ(parse_err("{ a } \"s\""), "1:10: Unexpected <EOF>.");
}

// §2.3 Operations
TEST(parser_2_3_operations, spec_example_mutation) {
    const auto d = parse_ok("mutation {\n  likeStory(storyID: 12345) {\n    story {\n      likeCount\n"
                            "    }\n  }\n}");
    const auto& op = op_at(d);
    EXPECT_EQ(op.operation, operation_type::mutation);
    EXPECT_TRUE(op.name.empty());
    EXPECT_FALSE(op.shorthand);
    const auto& like = field_of(op.selections.at(0));
    EXPECT_EQ(like.name, "likeStory");
    EXPECT_EQ(like.arguments.at(0).name, "storyID");
    EXPECT_EQ(like.arguments.at(0).value.text, "12345");
    EXPECT_EQ(field_of(field_of(like.selections.at(0)).selections.at(0)).name, "likeCount");
    EXPECT_EQ(like.loc, (source_location{2, 3}));
}

TEST(parser_2_3_operations, shorthand_and_kinds) {
    const auto d = parse_ok("{ field } query Q { a } mutation M { b } subscription S { c }");
    EXPECT_TRUE(op_at(d, 0).shorthand);
    EXPECT_EQ(op_at(d, 0).operation, operation_type::query);
    EXPECT_EQ(op_at(d, 1).name, "Q");
    EXPECT_EQ(op_at(d, 2).operation, operation_type::mutation);
    EXPECT_EQ(op_at(d, 3).operation, operation_type::subscription);
}

TEST(parser_2_3_operations, errors) {
    EXPECT_EQ(parse_err("query"), "1:6: Expected \"{\", found <EOF>.");
    EXPECT_EQ(parse_err("query Q ["), "1:9: Expected \"{\", found \"[\".");
    EXPECT_EQ(parse_err("query Q { }"), "1:11: Expected Name, found \"}\".");
    EXPECT_EQ(parse_err("{"), "1:2: Expected Name, found <EOF>.");
    EXPECT_EQ(parse_err("{ a"), "1:4: Expected Name, found <EOF>.");
    EXPECT_EQ(parse_err("\"desc\" query { a }"),
              "1:1: Unexpected description, descriptions are supported only on type definitions.");
}

// §2.4 Selection sets, §2.5 Fields
TEST(parser_2_4_selection_sets, spec_example_nested) {
    const auto d = parse_ok("{\n  me {\n    id\n    firstName\n    lastName\n    birthday {\n"
                            "      month\n      day\n    }\n    friends {\n      name\n    }\n  }\n}");
    const auto& me = first_field(d);
    ASSERT_EQ(me.selections.size(), 5u);
    EXPECT_EQ(field_of(me.selections[3]).selections.size(), 2u);
    EXPECT_EQ(field_of(me.selections[4]).loc, (source_location{10, 5}));
}

// §2.6 Arguments, §2.7 Field alias
TEST(parser_2_6_arguments, spec_examples) {
    const auto d = parse_ok("{\n  user(id: 4) {\n    id\n    name\n    smallPic: profilePic(size: 64)\n"
                            "    bigPic: profilePic(size: 1024)\n    pic: profilePic(width: 100, "
                            "height: 50)\n  }\n}");
    const auto& user = first_field(d);
    const auto& small = field_of(user.selections.at(2));
    EXPECT_EQ(small.alias, "smallPic");
    EXPECT_EQ(small.name, "profilePic");
    EXPECT_EQ(small.response_key(), "smallPic");
    EXPECT_EQ(field_of(user.selections.at(0)).response_key(), "id");
    const auto& pic = field_of(user.selections.at(4));
    ASSERT_EQ(pic.arguments.size(), 2u);
    EXPECT_EQ(pic.arguments[1].name, "height");
    EXPECT_EQ(pic.arguments[1].loc, (source_location{7, 33}));
}

TEST(parser_2_6_arguments, errors) {
    EXPECT_EQ(parse_err("{ a() }"), "1:5: Expected Name, found \")\".");
    EXPECT_EQ(parse_err("{ a(b) }"), "1:6: Expected \":\", found \")\".");
    EXPECT_EQ(parse_err("{ a(b:) }"), "1:7: Unexpected \")\".");
    EXPECT_EQ(parse_err("{ a(b: 1 }"), "1:10: Expected Name, found \"}\".");
    EXPECT_EQ(parse_err("{ a: }"), "1:6: Expected Name, found \"}\".");
    EXPECT_EQ(parse_err("{ a(b: \"s\" c: \"t\"\n   d) }"), "2:5: Expected \":\", found \")\".");
}

// §2.8 Fragments
TEST(parser_2_8_fragments, spec_example_named_fragments) {
    const auto d = parse_ok("query withFragments {\n  user(id: 4) {\n    friends(first: 10) {\n"
                            "      ...friendFields\n    }\n  }\n}\n\nfragment friendFields on User "
                            "@d {\n  id\n  profilePic(size: 50)\n}");
    const auto& friends = field_of(first_field(d).selections.at(0));
    const auto& spread = std::get<fragment_spread>(friends.selections.at(0).node);
    EXPECT_EQ(spread.name, "friendFields");
    EXPECT_EQ(spread.loc, (source_location{4, 7}));
    const auto& frag = std::get<fragment_definition>(d.definitions.at(1));
    EXPECT_EQ(frag.name, "friendFields");
    EXPECT_EQ(frag.type_condition.value, "User");
    EXPECT_EQ(frag.type_condition.loc, (source_location{9, 26}));
    EXPECT_EQ(frag.directives.at(0).name, "d");
}

TEST(parser_2_8_fragments, spec_example_inline_fragments) {
    const auto d = parse_ok(
        "query inlineFragmentTyping {\n  profiles(handles: [\"zuck\", \"coca-cola\"]) {\n"
        "    handle\n    ... on User {\n      friends {\n        count\n      }\n    }\n"
        "    ... on Page {\n      likers {\n        count\n      }\n    }\n  }\n}\n"
        "query inlineFragmentNoType($expandedInfo: Boolean) {\n  user(handle: \"zuck\") {\n"
        "    id\n    ... @include(if: $expandedInfo) {\n      firstName\n    }\n  }\n}");
    const auto& profiles = first_field(d);
    const auto& on_user = std::get<inline_fragment>(profiles.selections.at(1).node);
    EXPECT_EQ(on_user.type_condition.value, "User");
    EXPECT_EQ(on_user.loc, (source_location{4, 5}));
    const auto& no_type =
        std::get<inline_fragment>(field_of(op_at(d, 1).selections.at(0)).selections.at(1).node);
    EXPECT_TRUE(no_type.type_condition.value.empty());
    EXPECT_EQ(no_type.directives.at(0).name, "include");
    EXPECT_EQ(no_type.directives.at(0).arguments.at(0).value.kind, value_kind::variable);
    EXPECT_EQ(no_type.directives.at(0).arguments.at(0).value.text, "expandedInfo");
}

TEST(parser_2_8_fragments, errors) {
    EXPECT_EQ(parse_err("fragment on on T { a }"), "1:10: Unexpected Name \"on\".");
    EXPECT_EQ(parse_err("fragment F T { a }"), "1:12: Expected \"on\", found Name \"T\".");
    EXPECT_EQ(parse_err("fragment F on T"), "1:16: Expected \"{\", found <EOF>.");
    EXPECT_EQ(parse_err("{ ...on }"), "1:9: Expected Name, found \"}\".");
    EXPECT_EQ(parse_err("{ ... }"), "1:7: Expected \"{\", found \"}\".");
    EXPECT_EQ(parse_err("{ ...F { a } }"), "1:8: Expected Name, found \"{\".");
}

// §2.9 Values
TEST(parser_2_9_values, every_kind) {
    const auto d = parse_ok("{ f(i: -1, f: 1.5, s: \"x\", b: \"\"\"y\"\"\", t: true, fa: false, n: null, "
                            "e: ENUM_V, on: on, l: [1, [2]], o: {a: {b: $v}}, v: $var, el: [], eo: {}) }");
    const auto& args = first_field(d).arguments;
    ASSERT_EQ(args.size(), 14u);
    EXPECT_EQ(args[0].value.kind, value_kind::int_value);
    EXPECT_EQ(args[1].value.kind, value_kind::float_value);
    EXPECT_EQ(args[2].value.kind, value_kind::string_value);
    EXPECT_FALSE(args[2].value.block);
    EXPECT_TRUE(args[3].value.block);
    EXPECT_EQ(args[4].value.kind, value_kind::boolean_value);
    EXPECT_TRUE(args[4].value.boolean);
    EXPECT_FALSE(args[5].value.boolean);
    EXPECT_EQ(args[6].value.kind, value_kind::null_value);
    EXPECT_EQ(args[7].value.kind, value_kind::enum_value);
    EXPECT_EQ(args[7].value.text, "ENUM_V");
    EXPECT_EQ(args[8].value.kind, value_kind::enum_value) << "`on` is a valid enum value";
    EXPECT_EQ(args[9].value.kind, value_kind::list_value);
    EXPECT_EQ(args[9].value.list.at(1).list.at(0).text, "2");
    EXPECT_EQ(args[10].value.kind, value_kind::object_value);
    EXPECT_EQ(args[10].value.fields.at(0).value.fields.at(0).value.text, "v");
    EXPECT_EQ(args[11].value.kind, value_kind::variable);
    EXPECT_TRUE(args[12].value.list.empty());
    EXPECT_EQ(args[12].value.kind, value_kind::list_value);
    EXPECT_EQ(args[13].value.kind, value_kind::object_value);
    EXPECT_TRUE(args[13].value.fields.empty());
    EXPECT_EQ(args[10].value.loc, (source_location{1, 104}));
}

TEST(parser_2_9_values, spec_example_object_value) {
    const auto d = parse_ok("{ nearestThing(location: { lon: 12.43, lat: -53.211 }) }");
    const auto& o = first_field(d).arguments.at(0).value;
    ASSERT_EQ(o.fields.size(), 2u);
    EXPECT_EQ(o.fields[1].name, "lat");
    EXPECT_EQ(o.fields[1].value.text, "-53.211");
}

TEST(parser_2_9_values, errors) {
    EXPECT_EQ(parse_err("{ f(a: [1, 2) }"), "1:13: Unexpected \")\".");
    EXPECT_EQ(parse_err("{ f(a: {b}) }"), "1:10: Expected \":\", found \"}\".");
    EXPECT_EQ(parse_err("{ f(a: {b: 1) }"), "1:13: Expected Name, found \")\".");
    EXPECT_EQ(parse_err("{ f(a: $) }"), "1:9: Expected Name, found \")\".");
    EXPECT_EQ(parse_err("{ f(a: $ 1) }"), "1:10: Expected Name, found Int \"1\".");
}

// §2.10 Variables: definitions, default values must be constant.
TEST(parser_2_10_variables, definitions_and_defaults) {
    const auto d = parse_ok("query getZuckProfile($devicePicSize: Int = 50 @d, $ids: [ID!]!, $o: In "
                            "= {a: [1, \"x\"]}) {\n  user(id: 4) {\n    profilePic(size: "
                            "$devicePicSize)\n  }\n}");
    const auto& op = op_at(d);
    ASSERT_EQ(op.variables.size(), 3u);
    EXPECT_EQ(op.variables[0].name, "devicePicSize");
    EXPECT_EQ(op.variables[0].type.name, "Int");
    EXPECT_EQ(op.variables[0].default_value->text, "50");
    EXPECT_EQ(op.variables[0].directives.at(0).name, "d");
    EXPECT_EQ(op.variables[1].type.kind, type_kind::non_null);
    EXPECT_EQ(op.variables[1].type.of->kind, type_kind::list);
    EXPECT_EQ(op.variables[1].type.of->of->kind, type_kind::non_null);
    EXPECT_EQ(op.variables[1].type.named_type(), "ID");
    EXPECT_FALSE(op.variables[1].default_value.has_value());
    EXPECT_EQ(op.variables[1].loc, (source_location{1, 51}));
}

TEST(parser_2_10_variables, variables_are_not_allowed_in_constant_values) {
    EXPECT_EQ(parse_err("query Q($a: Int = $b) { f }"),
              "1:19: Unexpected variable \"$b\" in constant value.");
    EXPECT_EQ(parse_err("query Q($a: In = {x: [$b]}) { f }"),
              "1:23: Unexpected variable \"$b\" in constant value.");
    EXPECT_EQ(parse_err("query Q($a: Int @d(x: $b)) { f }"),
              "1:23: Unexpected variable \"$b\" in constant value.");
    EXPECT_EQ(parse_err("type T { f(a: Int = $x): Int }"),
              "1:21: Unexpected variable \"$x\" in constant value.");
    EXPECT_EQ(parse_err("type T @d(a: $x) { f: Int }"),
              "1:14: Unexpected variable \"$x\" in constant value.");
    EXPECT_EQ(parse_err("query Q($a: Int = $) { f }"), "1:19: Unexpected \"$\".");
    EXPECT_EQ(parse_err("query Q($a Int) { f }"), "1:12: Expected \":\", found Name \"Int\".");
    EXPECT_EQ(parse_err("query Q() { f }"), "1:9: Expected \"$\", found \")\".");
}

// §2.11 Type references
TEST(parser_2_11_type_references, wrappers) {
    const auto d = parse_ok("query Q($a: [[String!]]!) { f }");
    const type_ref& t = op_at(d).variables.at(0).type;
    EXPECT_EQ(print(t), "[[String!]]!");
    EXPECT_EQ(t.named_type(), "String");
    const type_ref copy = t; // deep copy
    EXPECT_EQ(print(copy), "[[String!]]!");
    EXPECT_EQ(parse_err("query Q($a: [String) { f }"), "1:20: Expected \"]\", found \")\".");
    EXPECT_EQ(parse_err("query Q($a: !) { f }"), "1:13: Expected Name, found \"!\".");
    EXPECT_EQ(parse_err("query Q($a: String!!) { f }"), "1:20: Expected \"$\", found \"!\".");
}

// §2.12 Directives
TEST(parser_2_12_directives, spec_example) {
    const auto d = parse_ok("query myQuery($someTest: Boolean!) {\n  experimentalField @skip(if: "
                            "$someTest) @a @b(x: 1)\n}");
    const auto& f = first_field(d);
    ASSERT_EQ(f.directives.size(), 3u);
    EXPECT_EQ(f.directives[0].name, "skip");
    EXPECT_EQ(f.directives[0].loc, (source_location{2, 21}));
    EXPECT_TRUE(f.directives[1].arguments.empty());
    EXPECT_EQ(parse_err("{ a @ }"), "1:7: Expected Name, found \"}\".");
    EXPECT_EQ(parse_err("query @ { a }"), "1:9: Expected Name, found \"{\".");
}

// The standard introspection query (as GraphiQL sends it) must parse.
TEST(parser_2_introspection, graphiql_introspection_query) {
    const std::string q = R"(
    query IntrospectionQuery {
      __schema {
        queryType { name }
        mutationType { name }
        subscriptionType { name }
        types {
          ...FullType
        }
        directives {
          name
          description
          locations
          args {
            ...InputValue
          }
        }
      }
    }

    fragment FullType on __Type {
      kind
      name
      description
      fields(includeDeprecated: true) {
        name
        description
        args {
          ...InputValue
        }
        type {
          ...TypeRef
        }
        isDeprecated
        deprecationReason
      }
      inputFields {
        ...InputValue
      }
      interfaces {
        ...TypeRef
      }
      enumValues(includeDeprecated: true) {
        name
        description
        isDeprecated
        deprecationReason
      }
      possibleTypes {
        ...TypeRef
      }
    }

    fragment InputValue on __InputValue {
      name
      description
      type { ...TypeRef }
      defaultValue
    }

    fragment TypeRef on __Type {
      kind
      name
      ofType {
        kind
        name
        ofType {
          kind
          name
          ofType {
            kind
            name
            ofType {
              kind
              name
              ofType {
                kind
                name
                ofType {
                  kind
                  name
                  ofType {
                    kind
                    name
                  }
                }
              }
            }
          }
        }
      }
    }
  )";
    auto r = parse_executable(q);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->definitions.size(), 4u);
    EXPECT_EQ(op_at(*r).name, "IntrospectionQuery");
    EXPECT_EQ(std::get<fragment_definition>(r->definitions[3]).name, "TypeRef");
}

// §3 Type system: every definition kind, with descriptions and directives.
const char* const every_kind_sdl = R"("""
The schema's own description.
"""
schema @schemaDir(a: 1) {
  query: Query
  mutation: Mutation
  subscription: Subscription
}

"A custom scalar"
scalar DateTime @specifiedBy(url: "https://tools.ietf.org/html/rfc3339")

"""
An object type
  with an indented second line.
"""
type Query implements & Node & Named @view(name: "v_query") {
  "The id"
  id: ID!
  """
  Paginated users.
  """
  users(
    "how many"
    first: Int = 10 @deprecated(reason: "no")
    after: String
    where: UserWhere = {name: {eq: "x"}, tags: ["a", "b"], n: null, e: ENUM}
  ): [User!]! @auth(roles: ["admin"])
  named: String @deprecated
}

interface Node {
  id: ID!
}

interface Named implements Node @i {
  id: ID!
  name: String
}

union SearchResult @u = | Query | User

union Single = User

enum Direction @e {
  "north" NORTH
  EAST @deprecated(reason: "x")
  SOUTH
  WEST
}

input UserWhere @inp {
  "a field"
  name: StringFilter = {eq: "y"} @x
  tags: [String!]
}

"A directive"
directive @view(name: String!, jsonbColumn: String = "data", columns: [String!]) on OBJECT | FIELD_DEFINITION

directive @rep repeatable on
  | QUERY
  | MUTATION
  | SUBSCRIPTION
  | FIELD
  | FRAGMENT_DEFINITION
  | FRAGMENT_SPREAD
  | INLINE_FRAGMENT
  | VARIABLE_DEFINITION
  | SCHEMA
  | SCALAR
  | OBJECT
  | FIELD_DEFINITION
  | ARGUMENT_DEFINITION
  | INTERFACE
  | UNION
  | ENUM
  | ENUM_VALUE
  | INPUT_OBJECT
  | INPUT_FIELD_DEFINITION

extend schema @more

extend schema {
  subscription: Sub2
}

extend scalar DateTime @x

extend type Query implements Other

extend type Query @y

extend type Query {
  more: Int
}

extend interface Node @z

extend interface Node implements Base {
  extra: Int
}

extend union SearchResult = Other

extend union SearchResult @w

extend enum Direction {
  UP
}

extend enum Direction @v

extend input UserWhere {
  more: Int
}

extend input UserWhere @q)";

TEST(parser_3_type_system, every_definition_kind) {
    auto r = parse_schema(every_kind_sdl);
    ASSERT_TRUE(r) << r.error().message << " at " << r.error().line << ":" << r.error().column;
    const auto& defs = r->definitions;
    ASSERT_EQ(defs.size(), 25u);

    const auto& schema = std::get<schema_definition>(defs[0]);
    EXPECT_FALSE(schema.extension);
    EXPECT_EQ(schema.description->text, "The schema's own description.");
    EXPECT_TRUE(schema.description->block);
    EXPECT_EQ(schema.loc, (source_location{1, 1}));
    ASSERT_EQ(schema.operation_types.size(), 3u);
    EXPECT_EQ(schema.operation_types[2].operation, operation_type::subscription);
    EXPECT_EQ(schema.operation_types[2].type.value, "Subscription");

    const auto& scalar = std::get<type_definition>(defs[1]);
    EXPECT_EQ(scalar.kind, type_definition_kind::scalar);
    EXPECT_EQ(scalar.description->text, "A custom scalar");
    EXPECT_FALSE(scalar.description->block);

    const auto& query = std::get<type_definition>(defs[2]);
    EXPECT_EQ(query.kind, type_definition_kind::object);
    EXPECT_EQ(query.description->text, "An object type\n  with an indented second line.");
    ASSERT_EQ(query.interfaces.size(), 2u);
    EXPECT_EQ(query.interfaces[1].value, "Named");
    ASSERT_EQ(query.fields.size(), 3u);
    EXPECT_EQ(query.fields[0].description->text, "The id");
    const auto& users = query.fields[1];
    EXPECT_EQ(users.description->text, "Paginated users.");
    ASSERT_EQ(users.arguments.size(), 3u);
    EXPECT_EQ(users.arguments[0].description->text, "how many");
    EXPECT_EQ(users.arguments[0].default_value->text, "10");
    EXPECT_EQ(users.arguments[0].directives.at(0).name, "deprecated");
    EXPECT_EQ(users.arguments[2].default_value->fields.size(), 4u);
    EXPECT_EQ(print(users.type), "[User!]!");
    EXPECT_EQ(users.directives.at(0).name, "auth");

    const auto& named = std::get<type_definition>(defs[4]);
    EXPECT_EQ(named.kind, type_definition_kind::interface);
    EXPECT_EQ(named.interfaces.at(0).value, "Node");

    const auto& uni = std::get<type_definition>(defs[5]);
    EXPECT_EQ(uni.kind, type_definition_kind::union_type);
    ASSERT_EQ(uni.union_members.size(), 2u);
    EXPECT_EQ(uni.union_members[1].value, "User");

    const auto& en = std::get<type_definition>(defs[7]);
    EXPECT_EQ(en.kind, type_definition_kind::enum_type);
    ASSERT_EQ(en.enum_values.size(), 4u);
    EXPECT_EQ(en.enum_values[0].description->text, "north");
    EXPECT_EQ(en.enum_values[1].directives.at(0).name, "deprecated");

    const auto& inp = std::get<type_definition>(defs[8]);
    EXPECT_EQ(inp.kind, type_definition_kind::input_object);
    ASSERT_EQ(inp.input_fields.size(), 2u);
    EXPECT_EQ(inp.input_fields[0].default_value->kind, value_kind::object_value);

    const auto& view = std::get<directive_definition>(defs[9]);
    EXPECT_EQ(view.name, "view");
    EXPECT_FALSE(view.repeatable);
    EXPECT_EQ(view.arguments.size(), 3u);
    EXPECT_EQ(view.locations.size(), 2u);
    const auto& rep = std::get<directive_definition>(defs[10]);
    EXPECT_TRUE(rep.repeatable);
    EXPECT_EQ(rep.locations.size(), 19u);

    const auto& ext_schema = std::get<schema_definition>(defs[11]);
    EXPECT_TRUE(ext_schema.extension);
    EXPECT_EQ(ext_schema.directives.at(0).name, "more");
    for (std::size_t i = 13; i < defs.size(); ++i) {
        const auto& t = std::get<type_definition>(defs[i]);
        EXPECT_TRUE(t.extension) << i;
        EXPECT_FALSE(t.description.has_value()) << i;
    }
    EXPECT_EQ(std::get<type_definition>(defs[15]).kind, type_definition_kind::object);
    EXPECT_EQ(std::get<type_definition>(defs[18]).interfaces.at(0).value, "Base");
}

TEST(parser_3_type_system, spec_examples) {
    EXPECT_EQ(parse_err("type Person {\n  name: String\n  age: Int\n  picture: Url\n}"), "OK");
    EXPECT_EQ(parse_err("type Business implements NamedEntity & ValuedEntity & Node {\n"
                        "  name: String\n}"),
              "OK");
    EXPECT_EQ(parse_err("interface Resource implements Node {\n  id: ID!\n  url: String\n}"),
              "OK");
    EXPECT_EQ(parse_err("union SearchResult = Photo | Person"), "OK");
    EXPECT_EQ(parse_err("input Point2D {\n  x: Float\n  y: Float\n}"), "OK");
    EXPECT_EQ(parse_err("directive @example on\n  | FIELD\n  | FRAGMENT_SPREAD\n"
                        "  | INLINE_FRAGMENT"),
              "OK");
    EXPECT_EQ(parse_err("type ExampleType {\n  oldField: String @deprecated\n}"), "OK");
    EXPECT_EQ(parse_err("extend type Story {\n  isHiddenLocally: Boolean\n}"), "OK");
    EXPECT_EQ(parse_err("scalar UUID @specifiedBy(url: \"https://tools.ietf.org/html/rfc4122\")"),
              "OK");
    // Type definitions without bodies are allowed by the grammar.
    EXPECT_EQ(parse_err("type Empty\ninterface I\nunion U\nenum E\ninput In"), "OK");
}

TEST(parser_3_type_system, errors) {
    EXPECT_EQ(parse_err("type T {}"), "1:9: Expected Name, found \"}\".");
    EXPECT_EQ(parse_err("type T { f }"), "1:12: Expected \":\", found \"}\".");
    EXPECT_EQ(parse_err("type T { f(): Int }"), "1:12: Expected Name, found \")\".");
    EXPECT_EQ(parse_err("type T implements { f: Int }"), "1:19: Expected Name, found \"{\".");
    EXPECT_EQ(parse_err("type T implements A & { f: Int }"), "1:23: Expected Name, found \"{\".");
    EXPECT_EQ(parse_err("enum E { true }"),
              "1:10: Name \"true\" is reserved and cannot be used for an enum value.");
    EXPECT_EQ(parse_err("enum E { A null }"),
              "1:12: Name \"null\" is reserved and cannot be used for an enum value.");
    EXPECT_EQ(parse_err("union U = "), "1:11: Expected Name, found <EOF>.");
    EXPECT_EQ(parse_err("union U = A |"), "1:14: Expected Name, found <EOF>.");
    EXPECT_EQ(parse_err("directive @d on FOO"), "1:17: Unexpected Name \"FOO\".");
    EXPECT_EQ(parse_err("directive @d"), "1:13: Expected \"on\", found <EOF>.");
    EXPECT_EQ(parse_err("directive d on FIELD"), "1:11: Expected \"@\", found Name \"d\".");
    EXPECT_EQ(parse_err("schema { query Q }"), "1:16: Expected \":\", found Name \"Q\".");
    EXPECT_EQ(parse_err("schema { foo: Q }"), "1:10: Unexpected Name \"foo\".");
    EXPECT_EQ(parse_err("schema {}"), "1:9: Expected Name, found \"}\".");
    EXPECT_EQ(parse_err("\"d\" extend type T @d"),
              "1:1: Unexpected description, descriptions are supported only on type definitions.");
    EXPECT_EQ(parse_err("input I { a: Int = }"), "1:20: Unexpected \"}\".");
}

TEST(parser_3_type_system, extensions_must_add_something) {
    EXPECT_EQ(parse_err("extend schema"), "1:14: Unexpected <EOF>.");
    EXPECT_EQ(parse_err("extend scalar S"), "1:16: Unexpected <EOF>.");
    EXPECT_EQ(parse_err("extend type T"), "1:14: Unexpected <EOF>.");
    EXPECT_EQ(parse_err("extend interface I"), "1:19: Unexpected <EOF>.");
    EXPECT_EQ(parse_err("extend union U"), "1:15: Unexpected <EOF>.");
    EXPECT_EQ(parse_err("extend enum E"), "1:14: Unexpected <EOF>.");
    EXPECT_EQ(parse_err("extend input I { a: Int } extend input J"), "1:41: Unexpected <EOF>.");
    EXPECT_EQ(parse_err("extend foo T"), "1:8: Unexpected Name \"foo\".");
    EXPECT_EQ(parse_err("extend"), "1:7: Unexpected <EOF>.");
}

// Document kinds: an executable document refuses type-system definitions (the §5.1.1 rule,
// reported after a successful parse); a schema document refuses operations and fragments.
TEST(parser_2_2_document, executable_and_type_system_goals) {
    EXPECT_EQ(parse_err("{ a } type T { f: Int }", document_kind::executable),
              "1:7: The \"T\" definition is not executable.");
    EXPECT_EQ(parse_err("schema { query: Q }", document_kind::executable),
              "1:1: The schema definition is not executable.");
    EXPECT_EQ(parse_err("{ a } extend type T @d { b", document_kind::executable),
              "1:27: Expected \":\", found <EOF>.")
        << "a syntax error anywhere wins over the definition kind";
    EXPECT_EQ(parse_err("type T { f: Int } fragment F on T { a }", document_kind::type_system),
              "1:19: Unexpected executable definition in a type system document.");
    EXPECT_EQ(parse_err("{ a } fragment F on T { a }", document_kind::executable), "OK");
    EXPECT_EQ(parse_err("type T { f: Int } directive @d on FIELD", document_kind::type_system),
              "OK");
}

// The example blog schema, when present (written by another engineer).
TEST(parser_3_type_system, example_blog_schema) {
    std::ifstream in(std::string(FRAISEQL_SOURCE_DIR) + "/examples/blog/schema.graphql");
    if (!in) GTEST_SKIP() << "examples/blog/schema.graphql does not exist yet";
    std::stringstream ss;
    ss << in.rdbuf();
    auto r = parse_schema(ss.str());
    ASSERT_TRUE(r) << r.error().message << " at " << r.error().line << ":" << r.error().column;
    EXPECT_FALSE(r->definitions.empty());
}

// The document owns its source: views survive moves and copies of the document.
TEST(parser_2_2_document, views_stay_valid_after_moves_and_copies) {
    std::string src = "{ aliasName: fieldName(s: \"esc\\u0041ped\") }";
    auto r = parse(src);
    ASSERT_TRUE(r);
    document moved = std::move(*r);
    document copy = moved;
    moved = document{};
    src.assign(src.size(), 'x');
    EXPECT_EQ(first_field(copy).alias, "aliasName");
    EXPECT_EQ(first_field(copy).arguments.at(0).value.text, "escAped");
    EXPECT_EQ(copy.source().substr(0, 3), "{ a");
}

} // namespace
} // namespace fraiseql::graphql::test
