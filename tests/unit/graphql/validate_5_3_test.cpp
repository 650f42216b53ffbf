// Spec §5.3 Fields: 5.3.1 field selections, 5.3.2 field selection merging, 5.3.3 leaf
// field selections.

#include <chrono>

#include "validate_schema.hpp"

namespace fraiseql::graphql::test {
namespace {

TEST(validate_5_3_1_field_selections, fields_of_objects_interfaces_and_meta_fields_are_valid) {
    EXPECT_VALID("{ users { id name email } pets { name owner { id } } __typename }");
    EXPECT_VALID("{ catOrDog { __typename ... on Dog { barkVolume } } }");
    EXPECT_VALID("{ __schema { types { name } } __type(name: \"User\") { name } }");
}

TEST(validate_5_3_1_field_selections, unknown_fields_are_refused_with_suggestions) {
    EXPECT_EQ(located("{ users { idd nmae unknownThing } }"),
              (strings{"Cannot query field \"idd\" on type \"User\". Did you mean \"id\"? @1:11",
                       "Cannot query field \"nmae\" on type \"User\". Did you mean \"name\"? @1:15",
                       "Cannot query field \"unknownThing\" on type \"User\". @1:20"}));
}

TEST(validate_5_3_1_field_selections, fields_of_union_members_suggest_an_inline_fragment) {
    EXPECT_EQ(messages("{ catOrDog { name barkVolume } }"),
              (strings{"Cannot query field \"name\" on type \"CatOrDog\". Did you mean to use an inline "
                       "fragment on \"Pet\", \"Cat\", or \"Dog\"?",
                       "Cannot query field \"barkVolume\" on type \"CatOrDog\". Did you mean to use an "
                       "inline fragment on \"Dog\"?"}));
    EXPECT_EQ(messages("{ pets { barkVolume } }"),
              strings{"Cannot query field \"barkVolume\" on type \"Pet\". Did you mean to use an inline "
                      "fragment on \"Dog\"?"});
}

TEST(validate_5_3_1_field_selections, meta_fields_only_on_the_query_root) {
    EXPECT_EQ(messages("{ users { __schema { types { name } } } }"),
              strings{"Cannot query field \"__schema\" on type \"User\"."});
}

TEST(validate_5_3_2_field_selection_merging, identical_fields_merge) {
    EXPECT_VALID("{ users { id id name(upper: true) name(upper: true) friends { id } friends { name } } }");
    EXPECT_VALID("query Q { users { ...A ...B } } fragment A on User { x: id } fragment B on User { x: id }");
}

TEST(validate_5_3_2_field_selection_merging, argument_order_and_object_field_order_do_not_matter) {
    EXPECT_VALID("{ a: echo(n: 1, s: \"x\") a: echo(s: \"x\", n: 1) }");
    EXPECT_VALID("{ a: echo(input: {title: \"t\", body: \"b\"}) a: echo(input: {body: \"b\", title: \"t\"}) }");
}

TEST(validate_5_3_2_field_selection_merging, different_fields_under_one_name_conflict) {
    EXPECT_EQ(located("{ users { x: id\n x: email } }"),
              strings{"Fields \"x\" conflict because \"id\" and \"email\" are different fields. Use different "
                      "aliases on the fields to fetch both if this was intentional. @1:11,2:2"});
}

TEST(validate_5_3_2_field_selection_merging, differing_arguments_conflict) {
    EXPECT_EQ(messages("{ users { name(upper: true) name(upper: false) } }"),
              strings{"Fields \"name\" conflict because they have differing arguments. Use different aliases "
                      "on the fields to fetch both if this was intentional."});
    EXPECT_EQ(messages("query Q($n: Int) { echo(n: $n) echo(n: 1) }"),
              strings{"Fields \"echo\" conflict because they have differing arguments. Use different aliases "
                      "on the fields to fetch both if this was intentional."});
}

TEST(validate_5_3_2_field_selection_merging, conflicts_through_fragments_and_subfields) {
    EXPECT_EQ(messages("query { users { ...A ...B } } fragment A on User { x: id } fragment B on User { x: name }"),
              strings{"Fields \"x\" conflict because \"id\" and \"name\" are different fields. Use different "
                      "aliases on the fields to fetch both if this was intentional."});
    EXPECT_EQ(messages("{ users { bestFriend { x: id y: id } bestFriend { x: name y: email } } }"),
              strings{"Fields \"bestFriend\" conflict because subfields \"x\" conflict because \"id\" and "
                      "\"name\" are different fields and subfields \"y\" conflict because \"id\" and \"email\" "
                      "are different fields. Use different aliases on the fields to fetch both if this was "
                      "intentional."});
}

TEST(validate_5_3_2_field_selection_merging, different_parents_may_differ_but_shapes_must_agree) {
    // Mutually exclusive parents (two object types): different fields are fine...
    EXPECT_VALID("{ pets { ... on Dog { v: barkVolume } ... on Cat { v: meowVolume } } }");
    // ...but not different response shapes (SameResponseShape).
    EXPECT_EQ(messages("{ pets { ... on Dog { v: barkVolume } ... on Cat { v: name } } }"),
              strings{"Fields \"v\" conflict because they return conflicting types \"Int\" and \"String!\". "
                      "Use different aliases on the fields to fetch both if this was intentional."});
    EXPECT_EQ(messages("{ pets { ... on Dog { v: name } ... on Cat { v: lives } } }"),
              strings{"Fields \"v\" conflict because they return conflicting types \"String!\" and \"Int!\". "
                      "Use different aliases on the fields to fetch both if this was intentional."});
    // An interface and an object are not exclusive.
    EXPECT_EQ(messages("{ pets { name ... on Dog { name: barkVolume } } }"),
              strings{"Fields \"name\" conflict because \"name\" and \"barkVolume\" are different fields. Use "
                      "different aliases on the fields to fetch both if this was intentional."});
}

TEST(validate_5_3_2_field_selection_merging, hostile_documents_are_bounded) {
    // 3,000 copies of one field compare ~4.5 million pairs: over the budget, refused fast.
    std::string doc = "{ users {";
    for (int i = 0; i < 3000; ++i) doc += " friends { id }";
    doc += " } }";
    auto start = std::chrono::steady_clock::now();
    auto parsed = parse(doc);
    ASSERT_TRUE(parsed.has_value());
    auto errors = validate(validate_schema(), *parsed);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].code, code::query_too_complex);
    EXPECT_LT(ms.count(), 5000);
    // Within the budget, the same shape is valid.
    validate_options o;
    o.max_overlap_comparisons = 0;
    std::string small = "{ users {";
    for (int i = 0; i < 200; ++i) small += " friends { id }";
    small += " } }";
    EXPECT_EQ(messages(small, o), strings{});
}

TEST(validate_5_3_2_field_selection_merging, fragment_cycles_do_not_loop) {
    auto m = messages("query { users { ...A } } fragment A on User { friends { ...A } x: id ...A } ");
    ASSERT_FALSE(m.empty());
    EXPECT_EQ(m[0], "Cannot spread fragment \"A\" within itself.");
}

TEST(validate_5_3_3_leaf_field_selections, leaves_without_and_composites_with_selections_are_valid) {
    EXPECT_VALID("{ users { id role tags } catOrDog { __typename } }");
}

TEST(validate_5_3_3_leaf_field_selections, selection_on_a_leaf_is_refused_at_the_selection_set) {
    EXPECT_EQ(located("{ users { name(upper: true) @include(if: true) { x } } }"),
              strings{"Field \"name\" must not have a selection since type \"String\" has no subfields. @1:48"});
    EXPECT_EQ(messages("{ __typename { x } }"),
              strings{"Field \"__typename\" must not have a selection since type \"String!\" has no subfields."});
}

TEST(validate_5_3_3_leaf_field_selections, composite_without_selection_is_refused) {
    EXPECT_EQ(located("{ users }"),
              strings{"Field \"users\" of type \"[User!]!\" must have a selection of subfields. Did you mean "
                      "\"users { ... }\"? @1:3"});
    EXPECT_EQ(messages("{ catOrDog }"),
              strings{"Field \"catOrDog\" of type \"CatOrDog\" must have a selection of subfields. Did you mean "
                      "\"catOrDog { ... }\"?"});
}

TEST(validate_errors, every_error_is_coded_and_the_count_is_capped_like_graphql_js) {
    std::string doc = "{ users {";
    for (int i = 0; i < 150; ++i) doc += " f" + std::to_string(i);
    doc += " } }";
    auto parsed = parse(doc);
    ASSERT_TRUE(parsed.has_value());
    auto errors = validate(validate_schema(), *parsed);
    ASSERT_EQ(errors.size(), 101u);
    EXPECT_EQ(errors.back().message, "Too many validation errors, error limit reached. Validation aborted.");
    for (const auto& e : errors) EXPECT_EQ(e.code, code::validation_failed);
}

} // namespace
} // namespace fraiseql::graphql::test
