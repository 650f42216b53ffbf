// Spec §5.6 Values.

#include "validate_schema.hpp"

namespace fraiseql::graphql::test {
namespace {

TEST(validate_5_6_1_values_of_correct_type, literals_of_the_right_type_are_valid) {
    EXPECT_VALID("{ echo(n: -2147483648, f: 1, s: \"x\", b: false, id: 4, ids: \"a\", matrix: [[1], [2, 3]], "
                 "role: ADMIN, json: {any: [1, \"x\", null]}) }");
    EXPECT_VALID("{ a: echo(f: 1.5e3) b: echo(id: \"x\") c: echo(matrix: 1) d: echo(n: null) }");
}

TEST(validate_5_6_1_values_of_correct_type, scalars_refuse_other_literals_with_graphql_js_words) {
    EXPECT_EQ(located("{ echo(n: \"1\") }"), strings{"Int cannot represent non-integer value: \"1\" @1:11"});
    EXPECT_EQ(messages("{ a: echo(n: 2147483648) b: echo(f: \"x\") c: echo(s: 1) d: echo(b: 1) e: echo(id: 1.5) }"),
              (strings{"Int cannot represent non 32-bit signed integer value: 2147483648",
                       "Float cannot represent non numeric value: \"x\"",
                       "String cannot represent a non string value: 1",
                       "Boolean cannot represent a non boolean value: 1",
                       "ID cannot represent a non-string and non-integer value: 1.5"}));
}

TEST(validate_5_6_1_values_of_correct_type, enums_refuse_strings_and_unknown_values) {
    EXPECT_EQ(messages("{ a: echo(role: \"ADMIN\") b: echo(role: ADMN) c: echo(role: 1) }"),
              (strings{"Enum \"Role\" cannot represent non-enum value: \"ADMIN\". Did you mean the enum value \"ADMIN\"?",
                       "Value \"ADMN\" does not exist in \"Role\" enum. Did you mean the enum value \"ADMIN\"?",
                       "Enum \"Role\" cannot represent non-enum value: 1."}));
}

TEST(validate_5_6_1_values_of_correct_type, null_lists_and_objects_in_the_wrong_place) {
    EXPECT_EQ(messages("{ user(id: null) { id } echo(ids: [null], n: [1], input: 1, matrix: [[[1]]]) }"),
              (strings{"Expected value of type \"ID!\", found null.",
                       "Expected value of type \"ID!\", found null.",
                       "Int cannot represent non-integer value: [1]",
                       "Expected value of type \"PostInput\", found 1.",
                       "Int cannot represent non-integer value: [1]"}));
}

TEST(validate_5_6_1_values_of_correct_type, fraiseql_scalars_take_any_literal_here) {
    // Their formats are checked by the planner's coercion, as graphql-js leaves custom
    // scalars built from SDL to their own parseLiteral.
    EXPECT_VALID("{ echo(json: 12) a: echo(json: \"x\") b: echo(json: [1, {a: ENUM}]) }");
}

TEST(validate_5_6_1_values_of_correct_type, variable_default_values_are_checked) {
    EXPECT_EQ(messages("query Q($n: Int = \"x\", $m: Int! = null) { a: echo(n: $n) b: echo(n: $m) }"),
              (strings{"Int cannot represent non-integer value: \"x\"", "Expected value of type \"Int!\", found null."}));
}

TEST(validate_5_6_2_input_object_field_names, defined_input_fields_are_valid) {
    EXPECT_VALID("{ echo(input: {title: \"t\", body: \"b\", role: ADMIN, tags: [\"x\"], "
                 "meta: {pinned: false, priority: 2}}) }");
}

TEST(validate_5_6_2_input_object_field_names, unknown_input_fields_are_refused) {
    EXPECT_EQ(located("{ echo(input: {title: \"t\", titel: \"u\"}) }"),
              strings{"Field \"titel\" is not defined by type \"PostInput\". Did you mean \"title\"? @1:28"});
}

TEST(validate_5_6_3_input_object_field_uniqueness, distinct_input_fields_are_valid) {
    // The same name at different nesting levels, or in sibling objects, is not a repeat.
    EXPECT_VALID("{ echo(json: {a: {a: 1}, b: [{a: 1}, {a: 2}]}) }");
    EXPECT_VALID("{ echo(input: {title: \"t\", meta: {pinned: true}}) }");
}

TEST(validate_5_6_3_input_object_field_uniqueness, repeated_input_fields_are_refused) {
    EXPECT_EQ(located("{ echo(input: {title: \"a\", title: \"b\"}) }"),
              strings{"There can be only one input field named \"title\". @1:16,1:28"});
    // Also inside values that are not input objects (the rule does not need the type).
    EXPECT_EQ(messages("{ echo(json: {a: 1, a: 2}) }"), strings{"There can be only one input field named \"a\"."});
}

TEST(validate_5_6_4_input_object_required_fields, required_fields_given_or_defaulted_are_valid) {
    EXPECT_VALID("{ echo(input: {title: \"t\", meta: {pinned: true}}) }");
}

TEST(validate_5_6_4_input_object_required_fields, missing_required_fields_are_refused) {
    EXPECT_EQ(located("{ echo(input: {body: \"b\", meta: {}}) }"),
              (strings{"Field \"PostInput.title\" of required type \"String!\" was not provided. @1:15",
                       "Field \"MetaInput.pinned\" of required type \"Boolean!\" was not provided. @1:33"}));
}

} // namespace
} // namespace fraiseql::graphql::test
