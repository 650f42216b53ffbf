// Spec §5.7 Directives and §5.8 Variables.

#include "validate_schema.hpp"

namespace fraiseql::graphql::test {
namespace {

TEST(validate_5_7_1_directives_are_defined, known_directives_are_valid) {
    EXPECT_VALID("query Q($v: Boolean!) { users { id @skip(if: $v) ...F @include(if: true) } } fragment F on User { name }");
}

TEST(validate_5_7_1_directives_are_defined, unknown_directives_are_refused) {
    EXPECT_EQ(located("{ users @live { id } }"), strings{"Unknown directive \"@live\". @1:9"});
}

TEST(validate_5_7_2_directives_are_in_valid_locations, directives_in_their_locations_are_valid) {
    // FIELD, FRAGMENT_SPREAD and INLINE_FRAGMENT are @skip/@include's locations.
    EXPECT_VALID("{ users { id @skip(if: false) ...F @include(if: true) "
                 "... on User @skip(if: false) { name } } } fragment F on User { email }");
}

TEST(validate_5_7_2_directives_are_in_valid_locations, misplaced_directives_are_refused) {
    EXPECT_EQ(messages("query Q @skip(if: true) { users @deprecated { id } } "),
              (strings{"Directive \"@skip\" may not be used on QUERY.",
                       "Directive \"@deprecated\" may not be used on FIELD."}));
    EXPECT_EQ(messages("query Q($v: Int @include(if: true)) { echo(n: $v) }"),
              strings{"Directive \"@include\" may not be used on VARIABLE_DEFINITION."});
    EXPECT_EQ(messages("{ users { ...F } } fragment F on User @skip(if: true) { id }"),
              strings{"Directive \"@skip\" may not be used on FRAGMENT_DEFINITION."});
}

TEST(validate_5_7_3_directives_are_unique_per_location, repeated_directives_are_refused) {
    EXPECT_EQ(located("{ users { id @skip(if: true) @skip(if: false) } }"),
              strings{"The directive \"@skip\" can only be used once at this location. @1:14,1:30"});
    // The same directive at different locations is fine.
    EXPECT_VALID("{ users @skip(if: false) { id @skip(if: false) } }");
}

TEST(validate_5_8_1_variable_uniqueness, distinct_variables_are_valid) {
    // The same variable name in two operations is not a repeat.
    EXPECT_VALID("query A($a: Int, $b: String) { echo(n: $a, s: $b) } "
                 "query B($a: Int) { echo(n: $a) }");
}

TEST(validate_5_8_1_variable_uniqueness, repeated_variables_are_refused) {
    EXPECT_EQ(located("query Q($a: Int, $a: Int, $ a: String) { echo(n: $a) }"),
              (strings{"There can be only one variable named \"$a\". @1:10,1:19,1:29",
                       "Variable \"$a\" of type \"String\" used in position expecting type \"Int\". @1:27,1:50"}));
}

TEST(validate_5_8_2_variables_are_input_types, input_types_are_valid) {
    EXPECT_VALID("query Q($a: Int, $b: [ID!]!, $c: PostInput, $d: JSON) { echo(n: $a, json: $d) r: echo(role: ADMIN, "
                 "input: $c) s: echo(ids: $b) }");
}

TEST(validate_5_8_2_variables_are_input_types, output_types_are_refused) {
    EXPECT_EQ(located("query Q($u: User, $p: [Pet!]) { echo(json: $u) e: echo(json: $p) }"),
              (strings{"Variable \"$u\" cannot be non-input type \"User\". @1:13",
                       "Variable \"$p\" cannot be non-input type \"[Pet!]\". @1:23",
                       "Variable \"$u\" of type \"User\" used in position expecting type \"JSON\". @1:9,1:44",
                       "Variable \"$p\" of type \"[Pet!]\" used in position expecting type \"JSON\". @1:19,1:62"}));
    EXPECT_EQ(messages("query Q($u: Strng) { echo(s: $u) }"),
              strings{"Unknown type \"Strng\". Did you mean \"String\" or \"LTree\"?"});
}

TEST(validate_5_8_3_all_variable_uses_defined, uses_in_fragments_count) {
    EXPECT_VALID("query Q($n: Int) { ...F } fragment F on Query { echo(n: $n) }");
}

TEST(validate_5_8_3_all_variable_uses_defined, undefined_variables_are_refused) {
    EXPECT_EQ(located("query Q { ...F }\nfragment F on Query { echo(n: $n) }"),
              strings{"Variable \"$n\" is not defined by operation \"Q\". @2:31,1:1"});
    EXPECT_EQ(messages("{ echo(n: $n) }"), strings{"Variable \"$n\" is not defined."});
}

TEST(validate_5_8_4_all_variables_used, variables_used_anywhere_are_valid) {
    // Used in a directive, a nested list/object value, or through a fragment.
    EXPECT_VALID("query Q($v: Boolean!, $t: String!, $n: Int) { users { id @include(if: $v) } "
                 "echo(input: {title: $t, tags: [$t]}) ...F } fragment F on Query { e: echo(n: $n) }");
}

TEST(validate_5_8_4_all_variables_used, unused_variables_are_refused) {
    EXPECT_EQ(located("query Q($n: Int, $s: String) { echo(n: $n) }"),
              strings{"Variable \"$s\" is never used in operation \"Q\". @1:18"});
    EXPECT_EQ(messages("query ($n: Int) { users { id } }"), strings{"Variable \"$n\" is never used."});
}

TEST(validate_5_8_5_all_variable_usages_are_allowed, compatible_usages_are_valid) {
    EXPECT_VALID("query Q($id: ID!, $n: Int = 1, $m: Int, $ids: [ID!]!) { user(id: $id) { id } "
                 "need(n: $n) echo(req: $m, ids: $ids, id: $id) }");
    EXPECT_VALID("query Q($id: ID!) { echo(ids: [$id, \"x\"]) }");
}

TEST(validate_5_8_5_all_variable_usages_are_allowed, incompatible_usages_are_refused) {
    EXPECT_EQ(located("query Q($id: ID) { user(id: $id) { id } }"),
              strings{"Variable \"$id\" of type \"ID\" used in position expecting type \"ID!\". @1:9,1:29"});
    EXPECT_EQ(messages("query Q($s: String, $ids: ID, $b: String, $x: Int = null) { echo(n: $s, ids: $ids) "
                       "need(n: $x) users { id @include(if: $b) } }"),
              (strings{"Variable \"$s\" of type \"String\" used in position expecting type \"Int\".",
                       "Variable \"$ids\" of type \"ID\" used in position expecting type \"[ID!]\".",
                       "Variable \"$x\" of type \"Int\" used in position expecting type \"Int!\".",
                       "Variable \"$b\" of type \"String\" used in position expecting type \"Boolean!\"."}));
}

} // namespace
} // namespace fraiseql::graphql::test
