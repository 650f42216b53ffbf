// Spec §5.1 Documents and §5.2 Operations.

#include "validate_schema.hpp"

namespace fraiseql::graphql::test {
namespace {

TEST(validate_5_1_1_executable_definitions, operations_and_fragments_are_executable) {
    EXPECT_VALID("query Q { users { ...F } } fragment F on User { id }");
}

TEST(validate_5_1_1_executable_definitions, type_system_definitions_are_refused) {
    EXPECT_EQ(messages("{ users { id } } type Foo { a: Int } extend type User { b: Int } "
                       "schema { query: Query } directive @d on FIELD"),
              (strings{"The \"Foo\" definition is not executable.",
                       "The \"User\" definition is not executable.",
                       "The schema definition is not executable.",
                       "The \"d\" definition is not executable."}));
}

TEST(validate_5_2_1_1_operation_name_uniqueness, distinct_names_are_valid) {
    EXPECT_VALID("query A { users { id } } query B { users { id } } mutation C { createPost(input: {title: \"t\"}) { id } }");
}

TEST(validate_5_2_1_1_operation_name_uniqueness, duplicate_names_are_refused_even_across_kinds) {
    EXPECT_EQ(located("query A { users { id } }\nmutation A { createPost(input: {title: \"t\"}) { id } }"),
              strings{"There can be only one operation named \"A\". @1:7,2:10"});
}

TEST(validate_5_2_2_1_lone_anonymous_operation, one_anonymous_operation_is_valid) {
    EXPECT_VALID("{ users { id } }");
    EXPECT_VALID("query { users { id } }");
}

TEST(validate_5_2_2_1_lone_anonymous_operation, anonymous_with_another_operation_is_refused) {
    EXPECT_EQ(located("{ users { id } }\nquery B { users { id } }"),
              strings{"This anonymous operation must be the only defined operation. @1:1"});
    EXPECT_EQ(messages("{ users { id } } { users { name } }"),
              (strings{"This anonymous operation must be the only defined operation.",
                       "This anonymous operation must be the only defined operation."}));
}

TEST(validate_5_2_3_1_single_root_field, applies_to_the_generated_subscription_root) {
    // The schema's generated Subscription root mirrors Query's @view list and single-object
    // fields (product.md §3.7): users is there, pets (an interface list) is not.
    EXPECT_EQ(messages("subscription { users { id } pets { name } }"),
              (strings{"Anonymous Subscription must select only one top level field.",
                       "Cannot query field \"pets\" on type \"Subscription\"."}));
    EXPECT_EQ(messages("subscription { users { id } }"), strings{});
}

TEST(validate_5_2_3_1_single_root_field, one_root_field_is_valid) {
    validate_options o;
    o.subscription_type = "Query";
    EXPECT_EQ(messages("subscription S { users { id } }", o), strings{});
    EXPECT_EQ(messages("subscription S { users { id } ... on Query { users { name } } }", o), strings{});
    // A field skipped with a literal does not count (CollectFields with no variables).
    EXPECT_EQ(messages("subscription S { users { id } pets @skip(if: true) { name } }", o), strings{});
}

TEST(validate_5_2_3_1_single_root_field, several_root_fields_are_refused) {
    validate_options o;
    o.subscription_type = "Query";
    EXPECT_EQ(messages("subscription S { users { id } pets { name } }", o),
              strings{"Subscription \"S\" must select only one top level field."});
    EXPECT_EQ(messages("subscription { ...F } fragment F on Query { users { id } pets { name } }", o),
              strings{"Anonymous Subscription must select only one top level field."});
}

TEST(validate_5_2_3_1_single_root_field, introspection_root_field_is_refused) {
    validate_options o;
    o.subscription_type = "Query";
    EXPECT_EQ(messages("subscription S { __typename }", o),
              strings{"Subscription \"S\" must not select an introspection top level field."});
}

} // namespace
} // namespace fraiseql::graphql::test
