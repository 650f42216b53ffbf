// The bound plan's execution input, named after spec §6 (Execution): §6.1.1 GetOperation
// (operationName among several operations), §6.1.2 CoerceVariableValues (defaults,
// nullability, BAD_USER_INPUT), §6.3.2 CollectFields (fragments, type conditions,
// @skip/@include, aliases, merging) and §6.4.1 CoerceArgumentValues, checked on the plan
// that plan_operation gives (validate → prepare → bind, the road the server takes).

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/graphql/schema_builder.hpp"

namespace fraiseql::graphql {
namespace {

constexpr const char* uuid = "7a3b6f0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f";

const schema& blog() {
    static const std::shared_ptr<schema> s = [] {
        auto r =
            load_schema_file(std::string(FRAISEQL_SOURCE_DIR) + "/examples/blog/schema.graphql");
        EXPECT_TRUE(r);
        return r ? *r : std::make_shared<schema>();
    }();
    return *s;
}

using object = input_value::object_t;

fraiseql::result<operation_plan, std::vector<error>>
plan(const std::string& src, const input_value& vars = input_value::null(),
     std::string_view op = {}) {
    auto doc = parse_executable(src);
    EXPECT_TRUE(doc) << src;
    if (!doc)
        return failure{std::vector<error>{}};
    return plan_operation(blog(), *doc, op, vars);
}

std::vector<std::string> keys(const std::vector<field_plan>& fs) {
    std::vector<std::string> out;
    for (const auto& f : fs)
        out.push_back(f.response_key + (f.response_key != f.name ? "=" + f.name : ""));
    return out;
}

// "message [CODE]" for each error.
std::vector<std::string> errors_of(const fraiseql::result<operation_plan, std::vector<error>>& r) {
    std::vector<std::string> out;
    if (r)
        return out;
    for (const auto& e : r.error())
        out.push_back(e.message + " [" + e.code + "]");
    return out;
}

using strings = std::vector<std::string>;

TEST(plan_6_1_1_get_operation, the_named_operation_is_selected) {
    const std::string doc = "query A { users { id } } query B { posts { id } } "
                            "mutation C { createPost(input: {authorId: \"" +
                            std::string(uuid) + "\", title: \"t\", body: \"b\"}) { id } }";
    auto b = plan(doc, input_value::null(), "B");
    ASSERT_TRUE(b) << errors_of(b)[0];
    EXPECT_EQ(b->name, "B");
    EXPECT_EQ(b->kind, operation_kind::query);
    EXPECT_EQ(keys(b->root_fields), strings{"posts"});
    auto c = plan(doc, input_value::null(), "C");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->kind, operation_kind::mutation);
    EXPECT_EQ(keys(c->root_fields), strings{"createPost"});
    EXPECT_EQ(errors_of(plan(doc)),
              strings{"Must provide operation name if query contains multiple operations. "
                      "[GRAPHQL_VALIDATION_FAILED]"});
    EXPECT_EQ(errors_of(plan(doc, input_value::null(), "D")),
              strings{"Unknown operation named \"D\". [GRAPHQL_VALIDATION_FAILED]"});
    // One operation: no name needed, and its own name works too.
    EXPECT_TRUE(plan("query A { users { id } }"));
    EXPECT_TRUE(plan("query A { users { id } }", input_value::null(), "A"));
}

TEST(plan_6_1_2_coerce_variable_values, defaults_nullability_and_bad_user_input) {
    const std::string q =
        "query ($id: UUID!, $n: Int = 5) { user(id: $id) { id } users(limit: $n) { id } }";
    auto ok = plan(q, input_value::object({{"id", input_value::string(uuid)}}));
    ASSERT_TRUE(ok) << errors_of(ok)[0];
    ASSERT_EQ(ok->root_fields.size(), 2u);
    ASSERT_NE(ok->root_fields[0].arg("id"), nullptr);
    EXPECT_EQ(ok->root_fields[0].arg("id")->as_string(), uuid);
    // The variable's default applies when the variable is not provided.
    ASSERT_NE(ok->root_fields[1].arg("limit"), nullptr);
    EXPECT_EQ(ok->root_fields[1].arg("limit")->as_int(), 5);
    // A provided value wins over the default.
    auto three = plan(q, input_value::object(
                             {{"id", input_value::string(uuid)}, {"n", input_value::integer(3)}}));
    ASSERT_TRUE(three);
    EXPECT_EQ(three->root_fields[1].arg("limit")->as_int(), 3);

    // An explicit null is a value: it is kept, not replaced by the default (§6.1.2 3.h-i).
    auto null_n = plan(
        q, input_value::object({{"id", input_value::string(uuid)}, {"n", input_value::null()}}));
    ASSERT_TRUE(null_n);
    ASSERT_NE(null_n->root_fields[1].arg("limit"), nullptr);
    EXPECT_TRUE(null_n->root_fields[1].arg("limit")->is_null());

    // Missing, null and malformed values of a non-null variable are the client's fault.
    auto missing = errors_of(plan(q, input_value::object({})));
    EXPECT_EQ(
        missing,
        strings{"Variable \"$id\" of required type \"UUID!\" was not provided. [BAD_USER_INPUT]"});
    EXPECT_EQ(errors_of(plan(q, input_value::null())), missing);
    auto null = errors_of(plan(q, input_value::object({{"id", input_value::null()}})));
    ASSERT_EQ(null.size(), 1u);
    EXPECT_EQ(null[0].rfind("Variable \"$id\" got invalid value null; ", 0), 0u) << null[0];
    EXPECT_NE(null[0].find("[BAD_USER_INPUT]"), std::string::npos);
    auto bad = errors_of(plan(q, input_value::object({{"id", input_value::string("nope")},
                                                      {"n", input_value::string("2")}})));
    ASSERT_EQ(bad.size(), 2u) << bad[0];
    EXPECT_EQ(bad[0].rfind("Variable \"$id\" got invalid value \"nope\"; ", 0), 0u) << bad[0];
    EXPECT_EQ(bad[1].rfind("Variable \"$n\" got invalid value \"2\"; ", 0), 0u) << bad[1];
    for (const auto& e : bad)
        EXPECT_NE(e.find("[BAD_USER_INPUT]"), std::string::npos) << e;
    // Variables must be an object.
    EXPECT_EQ(errors_of(plan(q, input_value::list({}))),
              strings{"Variables must be provided as an object. [BAD_USER_INPUT]"});
}

TEST(plan_6_1_2_coerce_variable_values, input_objects_lists_and_enums) {
    const std::string m = "mutation ($in: CreatePostInput!) { createPost(input: $in) { id } }";
    auto ok = plan(m, input_value::object(
                          {{"in", input_value::object({{"authorId", input_value::string(uuid)},
                                                       {"title", input_value::string("t")},
                                                       {"body", input_value::string("b")}})}}));
    ASSERT_TRUE(ok) << errors_of(ok)[0];
    const input_value* in = ok->root_fields[0].arg("input");
    ASSERT_NE(in, nullptr);
    ASSERT_NE(in->find("title"), nullptr);
    EXPECT_EQ(in->find("title")->as_string(), "t");
    // A missing required field and an unknown field: BAD_USER_INPUT naming the variable.
    for (const auto& vars :
         {input_value::object({{"in", input_value::object({{"authorId", input_value::string(uuid)},
                                                           {"title", input_value::string("t")}})}}),
          input_value::object(
              {{"in", input_value::object({{"authorId", input_value::string(uuid)},
                                           {"title", input_value::string("t")},
                                           {"body", input_value::string("b")},
                                           {"tilte", input_value::string("x")}})}})}) {
        auto e = errors_of(plan(m, vars));
        ASSERT_EQ(e.size(), 1u);
        EXPECT_EQ(e[0].rfind("Variable \"$in\" got invalid value {", 0), 0u) << e[0];
        EXPECT_NE(e[0].find("[BAD_USER_INPUT]"), std::string::npos) << e[0];
    }
    // §3.11 input coercion: a single value where a list is expected is a list of one.
    auto one = plan("query ($d: [String!]) { posts(where: {title: {in: $d}}) { id } }",
                    input_value::object({{"d", input_value::string("x")}}));
    ASSERT_TRUE(one) << errors_of(one)[0];
    const input_value* where = one->root_fields[0].arg("where");
    ASSERT_NE(where, nullptr);
    const input_value* in_list = where->find("title") ? where->find("title")->find("in") : nullptr;
    ASSERT_NE(in_list, nullptr);
    ASSERT_EQ(in_list->type(), input_value::kind::list);
    ASSERT_EQ(in_list->as_list().size(), 1u);
    EXPECT_EQ(in_list->as_list()[0].as_string(), "x");
    // Enums from variables are strings naming a value; anything else is refused.
    const std::string o = "query ($d: OrderDirection) { posts(orderBy: [{title: $d}]) { id } }";
    auto asc = plan(o, input_value::object({{"d", input_value::string("ASC")}}));
    ASSERT_TRUE(asc) << errors_of(asc)[0];
    auto bad = errors_of(plan(o, input_value::object({{"d", input_value::string("UP")}})));
    ASSERT_EQ(bad.size(), 1u);
    EXPECT_EQ(bad[0].rfind("Variable \"$d\" got invalid value \"UP\"; ", 0), 0u) << bad[0];
    EXPECT_NE(bad[0].find("[BAD_USER_INPUT]"), std::string::npos);
}

TEST(plan_6_3_2_collect_fields, fragments_type_conditions_aliases_and_merging) {
    auto p = plan("{ users { ...F ... on User { email } id a: age ... { b: id } } }\n"
                  "fragment F on User { id firstName address { city } ...G }\n"
                  "fragment G on User { address { zip } }");
    ASSERT_TRUE(p) << errors_of(p)[0];
    ASSERT_EQ(p->root_fields.size(), 1u);
    const auto& users = p->root_fields[0];
    // First occurrence order; the second `id` merges into the first; no fragment is left.
    EXPECT_EQ(keys(users.selection),
              (strings{"id", "firstName", "address", "email", "a=age", "b=id"}));
    // `address` selected twice: the sub-selections merge.
    EXPECT_EQ(keys(users.selection[2].selection), (strings{"city", "zip"}));
    ASSERT_NE(users.selection[2].field, nullptr);
    EXPECT_EQ(users.selection[2].field->name, "address");
    // Aliases at the root: one plan field per response key.
    auto roots = plan("{ a: users { id } b: users { x: id } __typename }");
    ASSERT_TRUE(roots);
    EXPECT_EQ(keys(roots->root_fields), (strings{"a=users", "b=users", "__typename"}));
    EXPECT_EQ(keys(roots->root_fields[1].selection), strings{"x=id"});
}

TEST(plan_6_3_2_collect_fields, skip_and_include_on_fields_spreads_and_inline_fragments) {
    const std::string q =
        "query ($v: Boolean!, $w: Boolean = true) { users { "
        "id @skip(if: $v) email @include(if: $v) ...F @include(if: $w) "
        "... on User @skip(if: $w) { age } lastName @skip(if: false) @include(if: $v) } } "
        "fragment F on User { firstName }";
    auto t = plan(q, input_value::object({{"v", input_value::boolean(true)}}));
    ASSERT_TRUE(t) << errors_of(t)[0];
    EXPECT_EQ(keys(t->root_fields[0].selection), (strings{"email", "firstName", "lastName"}));
    auto f = plan(q, input_value::object(
                         {{"v", input_value::boolean(false)}, {"w", input_value::boolean(false)}}));
    ASSERT_TRUE(f) << errors_of(f)[0];
    EXPECT_EQ(keys(f->root_fields[0].selection), (strings{"id", "age"}));
    // A field kept under one condition and skipped under another is kept.
    auto both = plan("{ users { id @skip(if: true) id } }");
    ASSERT_TRUE(both);
    EXPECT_EQ(keys(both->root_fields[0].selection), strings{"id"});
}

TEST(plan_6_4_1_coerce_argument_values, literals_are_coerced_and_bad_literals_refused) {
    auto p = plan("{ posts(limit: 2, offset: 1, orderBy: {title: DESC}) { id } }");
    ASSERT_TRUE(p) << errors_of(p)[0];
    const auto& posts = p->root_fields[0];
    ASSERT_NE(posts.arg("limit"), nullptr);
    EXPECT_EQ(posts.arg("limit")->as_int(), 2);
    EXPECT_EQ(posts.arg("offset")->as_int(), 1);
    // A single object where a list of them is expected is a list of one (§3.11).
    const input_value* order = posts.arg("orderBy");
    ASSERT_NE(order, nullptr);
    ASSERT_EQ(order->type(), input_value::kind::list);
    ASSERT_EQ(order->as_list().size(), 1u);
    ASSERT_NE(order->as_list()[0].find("title"), nullptr);
    EXPECT_EQ(order->as_list()[0].find("title")->as_string(), "DESC");
    // A literal the scalar refuses is an error of the document, located at the literal.
    auto bad = plan("{ user(id: \"not-a-uuid\") { id } }");
    ASSERT_FALSE(bad);
    ASSERT_EQ(bad.error().size(), 1u);
    ASSERT_EQ(bad.error()[0].locations.size(), 1u);
    EXPECT_EQ(bad.error()[0].locations[0], (source_location{1, 12}));
    EXPECT_NE(bad.error()[0].message.find("UUID"), std::string::npos) << bad.error()[0].message;
}

// The planner decides once what resolves each root field (plan.hpp root_resolver), so the
// engine never compares field names.
TEST(Plan_RootResolver, EachRootFieldIsMarkedOnce) {
    auto q = plan(std::string("{ __typename users { id } u: user(id: \"") + uuid +
                  "\") { id } __schema { queryType { name } } __type(name: \"User\") { name } }");
    ASSERT_TRUE(q) << errors_of(q)[0];
    std::vector<root_resolver> got;
    for (const auto& f : q->root_fields) got.push_back(f.resolved_by);
    EXPECT_EQ(got, (std::vector<root_resolver>{root_resolver::typename_, root_resolver::list,
                                               root_resolver::single, root_resolver::schema,
                                               root_resolver::type}));
    for (const auto& f : q->root_fields)
        for (const auto& n : f.selection) EXPECT_EQ(n.resolved_by, root_resolver::none);

    auto m = plan(std::string("mutation { __typename createPost(input: {authorId: \"") + uuid +
                  "\", title: \"t\", body: \"b\"}) { id } }");
    ASSERT_TRUE(m) << errors_of(m)[0];
    ASSERT_EQ(m->root_fields.size(), 2u);
    EXPECT_EQ(m->root_fields[0].resolved_by, root_resolver::typename_);
    EXPECT_EQ(m->root_fields[1].resolved_by, root_resolver::mutation);
}

} // namespace
} // namespace fraiseql::graphql
