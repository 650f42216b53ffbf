// Spec §5.4 Arguments and §5.5 Fragments.

#include "validate_schema.hpp"

namespace fraiseql::graphql::test {
namespace {

TEST(validate_5_4_1_argument_names, known_arguments_are_valid) {
    EXPECT_VALID("{ users { name(upper: true) friends(first: 1) { id } id @skip(if: false) } }");
    EXPECT_VALID("{ __type(name: \"User\") { fields(includeDeprecated: true) { name } } }");
}

TEST(validate_5_4_1_argument_names, unknown_field_and_directive_arguments_are_refused) {
    EXPECT_EQ(located("{ users { name(uper: true) } }"),
              strings{"Unknown argument \"uper\" on field \"User.name\". Did you mean \"upper\"? @1:16"});
    EXPECT_EQ(messages("{ users { id @include(if: true, unless: false) } }"),
              strings{"Unknown argument \"unless\" on directive \"@include\"."});
    EXPECT_EQ(messages("{ __typename(x: 1) }"), strings{"Unknown argument \"x\" on field \"Query.__typename\"."});
}

TEST(validate_5_4_2_argument_uniqueness, distinct_arguments_are_valid) {
    // The same argument name on different fields and directives is not a repetition.
    EXPECT_VALID("{ users { name(upper: true) friends(first: 1) { name(upper: false) } "
                 "id @skip(if: false) @include(if: true) } echo(n: 1, s: \"x\") }");
}

TEST(validate_5_4_2_argument_uniqueness, repeated_arguments_are_refused) {
    EXPECT_EQ(located("{ users { name(upper: true, upper: false) } }"),
              strings{"There can be only one argument named \"upper\". @1:16,1:29"});
    EXPECT_EQ(messages("{ users { id @skip(if: true, if: false) } }"),
              strings{"There can be only one argument named \"if\"."});
}

TEST(validate_5_4_2_1_required_arguments, required_arguments_given_or_defaulted_are_valid) {
    EXPECT_VALID("{ user(id: 1) { avatar(size: 2) } echo }"); // echo(req: Int! = 3) has a default
}

TEST(validate_5_4_2_1_required_arguments, missing_required_arguments_are_refused) {
    EXPECT_EQ(located("{ user { id } need }"),
              (strings{"Field \"user\" argument \"id\" of type \"ID!\" is required, but it was not provided. @1:3",
                       "Field \"need\" argument \"n\" of type \"Int!\" is required, but it was not provided. @1:15"}));
    EXPECT_EQ(messages("{ users { id @include } }"),
              strings{"Directive \"@include\" argument \"if\" of type \"Boolean!\" is required, but it was not "
                      "provided."});
}

TEST(validate_5_5_1_1_fragment_name_uniqueness, distinct_fragment_names_are_valid) {
    EXPECT_VALID("{ users { ...F ...G } } fragment F on User { id } fragment G on User { name }");
    // A fragment spread twice is still one fragment.
    EXPECT_VALID("{ users { ...F friends { ...F } } } fragment F on User { id }");
}

TEST(validate_5_5_1_1_fragment_name_uniqueness, duplicate_fragment_names_are_refused) {
    EXPECT_EQ(located("{ users { ...F } }\nfragment F on User { id }\nfragment F on User { name }"),
              strings{"There can be only one fragment named \"F\". @2:10,3:10"});
}

TEST(validate_5_5_1_2_fragment_spread_type_existence, known_type_conditions_are_valid) {
    EXPECT_VALID("{ users { ...F ... on User { id } ... on Node { id } ... { email } } } "
                 "fragment F on Named { name }");
}

TEST(validate_5_5_1_2_fragment_spread_type_existence, unknown_type_conditions_are_refused) {
    EXPECT_EQ(located("{ users { ...F ... on Usr { id } } }\nfragment F on Uzer { id }"),
              (strings{"Unknown type \"Usr\". Did you mean \"User\"? @1:23",
                       "Unknown type \"Uzer\". Did you mean \"User\"? @2:15"}));
}

TEST(validate_5_5_1_3_fragments_on_composite_types, composite_conditions_are_valid) {
    EXPECT_VALID("{ pets { ... on Dog { name } ...P } } fragment P on CatOrDog { __typename }");
}

TEST(validate_5_5_1_3_fragments_on_composite_types, scalar_enum_and_input_conditions_are_refused) {
    EXPECT_EQ(messages("{ users { ...F ... on Role { id } } } fragment F on String { id }"),
              (strings{"Fragment cannot condition on non composite type \"Role\".",
                       "Fragment \"F\" cannot condition on non composite type \"String\"."}));
}

TEST(validate_5_5_1_4_fragments_must_be_used, unused_fragments_are_refused) {
    EXPECT_EQ(located("{ users { id } }\nfragment Unused on User { id }"),
              strings{"Fragment \"Unused\" is never used. @2:1"});
    // Used through another fragment counts.
    EXPECT_VALID("{ users { ...A } } fragment A on User { ...B } fragment B on User { id }");
}

TEST(validate_5_5_2_1_fragment_spread_target_defined, defined_fragments_are_valid) {
    // Defined after its use, and spread from another fragment.
    EXPECT_VALID("{ users { ...A } } fragment A on User { ...B } fragment B on User { id }");
}

TEST(validate_5_5_2_1_fragment_spread_target_defined, unknown_fragments_are_refused) {
    EXPECT_EQ(located("{ users { ...   Missing } }"), strings{"Unknown fragment \"Missing\". @1:17"});
}

TEST(validate_5_5_2_2_fragment_spreads_must_not_form_cycles, cycles_are_refused_once) {
    EXPECT_EQ(located("{ users { ...A } }\nfragment A on User { friends { ...A } }"),
              strings{"Cannot spread fragment \"A\" within itself. @2:32"});
    EXPECT_EQ(messages("{ users { ...A } } fragment A on User { ...B } fragment B on User { ...C } "
                       "fragment C on User { ...A ...B }"),
              (strings{"Cannot spread fragment \"A\" within itself via \"B\", \"C\".",
                       "Cannot spread fragment \"B\" within itself via \"C\"."}));
}

TEST(validate_5_5_2_2_fragment_spreads_must_not_form_cycles, a_long_chain_is_fine) {
    std::string doc = "{ users { ...F0 } }";
    for (int i = 0; i < 2000; ++i)
        doc += " fragment F" + std::to_string(i) + " on User { id" +
               (i + 1 < 2000 ? " ...F" + std::to_string(i + 1) : std::string()) + " }";
    EXPECT_EQ(messages(doc), strings{});
}

TEST(validate_5_5_2_3_fragment_spread_is_possible, overlapping_types_are_valid) {
    EXPECT_VALID("{ pets { ... on Dog { name } ... on Pet { name } } }");
    EXPECT_VALID("{ catOrDog { ... on Pet { name } } search { ... on Pet { name } ... on Node { id } } }");
    EXPECT_VALID("{ node(id: 1) { ... on Named { name } } named(id: 1) { ... on Node { id } } }");
}

TEST(validate_5_5_2_3_fragment_spread_is_possible, impossible_spreads_are_refused) {
    EXPECT_EQ(located("{ users { ... on Dog { name } ...P } }\nfragment P on Pet { name }"),
              (strings{"Fragment cannot be spread here as objects of type \"User\" can never be of type \"Dog\". @1:11",
                       "Fragment \"P\" cannot be spread here as objects of type \"User\" can never be of type \"Pet\". @1:31"}));
    EXPECT_EQ(messages("{ pets { ... on Node { id } } }"),
              strings{"Fragment cannot be spread here as objects of type \"Pet\" can never be of type \"Node\"."});
}

} // namespace
} // namespace fraiseql::graphql::test
