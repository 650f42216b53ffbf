// sql::document_select without a database: which top-level keys a read fetches and when it
// keeps the whole document (docs/adr/0004-sql-side-projection.md). That the two forms give
// the same responses is proved against PostgreSQL in
// tests/integration/sql/projection_pgtest.cpp.

#include <gtest/gtest.h>

#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/graphql/schema_builder.hpp"
#include "fraiseql/sql/compiler.hpp"
#include "fraiseql/sql/connection.hpp"

namespace fraiseql::sql {
namespace {

const char* const sdl = R"GQL(
scalar JSON
type Author { id: ID! firstName: String }
type Doc @view(name: "v_doc") {
  id: ID!
  firstName: String
  title: String @key(name: "headline")
  meta: JSON
  author: Author
  tags: [String!]
  a1: Int a2: Int a3: Int
}
type Row @view(name: "v_row", jsonbColumn: null, columns: ["id", "label"]) { id: Int! label: String }
"No @view of its own: read through root fields' @view(name:)."
type Note { id: ID! text: String }
type Query {
  docs: [Doc!]! doc(id: ID!): Doc rows: [Row!]!
  notes: [Note!]! @view(name: "app.v_note")
  note(id: ID!): Note @view(name: "app.v_note")
  archived: [Doc!]! @view(name: "v_doc_archive")
  "By first name and title, each optional: bound arguments."
  byName(firstName: String, title: String): [Doc!]! @view(name: "v_doc")
  "Newest first unless the client orders otherwise; only documents with a title by default."
  recent(orderBy: [DocOrderByInput!] = [{firstName: DESC}, {id: ASC}],
         where: DocWhereInput = {title: {isnull: false}}, limit: Int = 5): [Doc!]!
    @view(name: "v_doc")
}
)GQL";

class document_select_test : public ::testing::Test {
protected:
    void SetUp() override {
        auto r = graphql::build_schema(sdl);
        ASSERT_TRUE(r) << r.error().front().message;
        s_ = *r;
    }
    /// The SQL text of the first root field of `q`.
    std::string sql(const std::string& q) {
        auto doc = graphql::parse_executable(q);
        EXPECT_TRUE(doc);
        if (!doc)
            return {};
        auto p = graphql::plan_operation(*s_, *doc, "", graphql::input_value::null());
        EXPECT_TRUE(p) << (p ? "" : p.error().front().message);
        if (!p)
            return {};
        plan_ = std::move(*p);
        const auto& f = plan_.root_fields.at(0);
        if (f.field->root == graphql::field_def::root_kind::connection) {
            auto c = compile_connection(*s_, f, 50);
            EXPECT_TRUE(c);
            return c ? c->stmt.text : std::string();
        }
        auto c = compile_root_query(*s_, f, {100});
        EXPECT_TRUE(c);
        return c ? c->stmt.text : std::string();
    }
    static std::size_t count(const std::string& text, const std::string& what) {
        std::size_t n = 0;
        for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1))
            ++n;
        return n;
    }
    std::shared_ptr<graphql::schema> s_;
    graphql::operation_plan plan_;
};

TEST_F(document_select_test, the_threshold_grows_with_the_keys_and_starts_at_zero) {
    EXPECT_EQ(sql_projection_min_bytes(0), 0u);
    EXPECT_EQ(sql_projection_min_bytes(1), 140u);
    for (std::size_t k = 1; k < 60; ++k)
        EXPECT_LT(sql_projection_min_bytes(k), sql_projection_min_bytes(k + 1));
}

TEST_F(document_select_test, fetches_the_selected_source_keys_once_each) {
    const std::string q = sql("{ docs { a: firstName b: firstName __typename title } }");
    EXPECT_EQ(
        q,
        "SELECT CASE WHEN pg_column_size(p.d) >= " + std::to_string(sql_projection_min_bytes(2)) +
            " AND pg_typeof(p.d) = 'jsonb'::regtype AND jsonb_typeof(p.d::jsonb) = 'object' "
            "THEN jsonb_build_object('first_name', p.d->'first_name', 'headline', "
            "p.d->'headline')::text ELSE p.d::text END "
            "FROM (SELECT t.\"data\" AS d FROM \"v_doc\" AS t LIMIT $1::int8) AS p");
    EXPECT_EQ(count(q, "->'first_name'"), 1u) << "two aliases of one key: fetched once";
    EXPECT_EQ(count(q, "'title'"), 0u) << "the @key name is read, not the field name";
}

TEST_F(document_select_test, nested_selections_fetch_their_whole_top_level_value) {
    const std::string q =
        sql("query { docs { ...F } } fragment F on Doc { author { id firstName } }");
    EXPECT_NE(q.find("jsonb_build_object('author', p.d->'author')::text"), std::string::npos) << q;
    EXPECT_EQ(count(q, "first_name"), 0u) << "keys inside a nested value are the transform's job";
}

TEST_F(document_select_test, typename_alone_builds_an_empty_object) {
    const std::string q = sql("{ docs { __typename } }");
    EXPECT_NE(q.find(">= 0 AND "), std::string::npos) << q;
    EXPECT_NE(q.find("THEN jsonb_build_object()::text"), std::string::npos) << q;
}

TEST_F(document_select_test, three_or_four_keys_are_projected_only_below_the_toast_threshold) {
    const std::string three = sql("{ docs { id firstName title } }");
    EXPECT_NE(three.find("pg_column_size(p.d) BETWEEN " +
                         std::to_string(sql_projection_min_bytes(3)) + " AND 2000 AND "),
              std::string::npos)
        << three;
    const std::string four = sql("{ docs { id firstName title meta } }");
    EXPECT_NE(four.find(" BETWEEN " + std::to_string(sql_projection_min_bytes(4)) + " AND 2000 "),
              std::string::npos)
        << four;
}

TEST_F(document_select_test, five_keys_and_more_keep_the_whole_document) {
    EXPECT_EQ(sql("{ docs { id firstName title meta tags } }"),
              "SELECT t.\"data\"::text FROM \"v_doc\" AS t LIMIT $1::int8");
    EXPECT_EQ(sql("{ doc(id: \"x\") { id firstName title meta tags a1 a2 a3 author { id } } }")
                  .rfind("SELECT t.\"data\"::text FROM", 0),
              0u);
}

TEST_F(document_select_test, relations_without_a_document_keep_row_to_json) {
    EXPECT_EQ(sql("{ rows { id } }").rfind("SELECT row_to_json(t)::text FROM \"v_row\"", 0), 0u);
}

TEST_F(document_select_test, a_single_object_read_is_projected_too) {
    const std::string q = sql("{ doc(id: \"x\") { firstName } }");
    EXPECT_EQ(q.rfind("SELECT CASE WHEN pg_column_size(p.d) >= 140 AND ", 0), 0u) << q;
    EXPECT_NE(q.find("jsonb_build_object('first_name', p.d->'first_name')::text"),
              std::string::npos);
    EXPECT_NE(q.find(" FROM (SELECT t.\"data\" AS d FROM \"v_doc\" AS t WHERE "), std::string::npos)
        << q;
    EXPECT_EQ(q.substr(q.size() - 14), " LIMIT 1) AS p") << q;
}

TEST_F(document_select_test, a_connection_fetches_the_union_of_its_node_selections) {
    const std::string q =
        sql("{ docsConnection(first: 2) { totalCount e1: edges { cursor node { firstName } } "
            "e2: edges { node { id } n2: node { firstName title } } pageInfo { hasNextPage } } }");
    EXPECT_NE(q.find("jsonb_build_object('first_name', p.d->'first_name', 'id', p.d->'id', "
                     "'headline', p.d->'headline')::text"),
              std::string::npos)
        << q;
    EXPECT_EQ(count(q, "jsonb_build_object("), 1u);
    // The cursor keys are computed by SQL beside the document, never read from it.
    EXPECT_NE(q.find("jsonb_build_array(t.\"data\"->>'id')"), std::string::npos) << q;
    const std::string no_node = sql("{ docsConnection(first: 2) { edges { cursor } } }");
    EXPECT_NE(no_node.find("THEN jsonb_build_object()::text"), std::string::npos) << no_node;
}

TEST_F(document_select_test, the_document_is_named_once_in_the_statement) {
    // A view that builds `data` is inlined by PostgreSQL: every mention of t."data" would build
    // the document again (ADR 0004). The CASE reads p.d; only the derived table names t."data".
    for (const char* q : {"{ docs { firstName } }", "{ doc(id: \"x\") { firstName title } }",
                          "{ docsConnection(first: 2) { edges { node { firstName } } } }",
                          "{ docsConnection(first: 2) { totalCount edges { node { id } } } }"}) {
        const std::string text = sql(q);
        // The projection, before the derived table: p.d only (four conditions and the ELSE,
        // plus one per key); the derived table selects the document once.
        const auto inner = text.find("(SELECT t.\"data\" AS d");
        ASSERT_NE(inner, std::string::npos) << text;
        const std::string outer = text.substr(0, inner);
        EXPECT_EQ(count(outer, "t."), 0u) << text;
        EXPECT_EQ(count(outer, "p.d"), 4u + count(outer, "', p.d->'")) << text;
        EXPECT_EQ(count(text, "t.\"data\" AS d"), 1u) << text;
    }
}

TEST_F(document_select_test, connection_pages_are_derived_tables_when_projected) {
    const std::string page = sql("{ docsConnection(first: 2) { edges { node { firstName } } } }");
    EXPECT_EQ(page.rfind("SELECT NULL::int8, NULL::bool, CASE WHEN pg_column_size(p.d) >= 140 ", 0),
              0u)
        << page;
    EXPECT_NE(page.find(" ELSE p.d::text END, p.k FROM (SELECT t.\"data\" AS d, "
                        "jsonb_build_array(t.\"data\"->>'id')::text AS k FROM \"v_doc\" AS t "
                        "ORDER BY "),
              std::string::npos)
        << page;
    EXPECT_EQ(page.substr(page.size() - 6), ") AS p") << page;
    const std::string total =
        sql("{ docsConnection(first: 2) { totalCount edges { node { firstName } } } }");
    EXPECT_EQ(total.rfind("SELECT h.c, h.o, CASE WHEN pg_column_size(p.d) >= 140 ", 0), 0u)
        << total;
    EXPECT_NE(total.find("LEFT JOIN LATERAL (SELECT t.\"data\" AS d, "), std::string::npos)
        << total;
    // Whole documents keep the plain statements.
    const std::string whole =
        sql("{ docsConnection(first: 2) { edges { node { id firstName title meta tags } } } }");
    EXPECT_EQ(whole.rfind("SELECT NULL::int8, NULL::bool, t.\"data\"::text, jsonb_build_array(", 0),
              0u)
        << whole;
}

TEST_F(document_select_test, keys_are_quoted_as_literals) {
    auto r = graphql::build_schema(R"GQL(
type T @view(name: "v_t") { odd: String @key(name: "it's a \\ key") }
type Query { ts: [T!]! }
)GQL");
    ASSERT_TRUE(r) << r.error().front().message;
    s_ = *r;
    const std::string q = sql("{ ts { odd } }");
    EXPECT_NE(q.find("jsonb_build_object(E'it''s a \\\\ key', p.d->E'it''s a \\\\ key')"),
              std::string::npos)
        << q;
}

// product.md §2: "@view(name:) on a root field overrides the source relation for that field"
// — also for a type with no @view of its own (then jsonbColumn "data"), and for the
// generated connection of such a list field (python/ exports schemas of that shape).
TEST_F(document_select_test, a_root_fields_view_is_read_with_or_without_a_view_on_the_type) {
    EXPECT_NE(sql("{ notes { id text } }").find("FROM \"app\".\"v_note\" AS t"), std::string::npos);
    EXPECT_NE(sql("{ note(id: \"1\") { text } }").find("FROM \"app\".\"v_note\" AS t"),
              std::string::npos);
    const auto c = sql("{ notesConnection(first: 2) { edges { node { id } } } }");
    EXPECT_NE(c.find("FROM \"app\".\"v_note\" AS t"), std::string::npos) << c;
    EXPECT_NE(c.find("t.\"data\""), std::string::npos) << c;
    EXPECT_NE(sql("{ archived { id } }").find("FROM \"v_doc_archive\" AS t"), std::string::npos);
    EXPECT_NE(sql("{ archivedConnection(first: 1) { edges { node { id } } } }").find("\"v_doc_archive\""),
              std::string::npos);
}

// A root list field may declare its generated arguments itself, with defaults
// (docs/schema-design.md "Defaults on root fields"); a client's own value replaces the default.
TEST_F(document_select_test, declared_defaults_of_where_order_by_and_limit_apply) {
    const auto d = sql("{ recent { id } }");
    EXPECT_NE(d.find("ORDER BY t.\"data\"->>'first_name' DESC, t.\"data\"->>'id' ASC"),
              std::string::npos) << d;
    EXPECT_NE(d.find("WHERE t.\"data\"->>'headline' IS NOT NULL"), std::string::npos) << d;
    const auto& limit = plan_.root_fields.at(0).arg("limit");
    ASSERT_TRUE(limit);
    EXPECT_EQ(limit->as_int(), 5);
    const auto o = sql("{ recent(orderBy: [{title: ASC}], where: null, limit: 2) { id } }");
    EXPECT_NE(o.find("ORDER BY t.\"data\"->>'headline' ASC"), std::string::npos) << o;
    EXPECT_EQ(o.find("first_name"), std::string::npos) << o;
    EXPECT_EQ(o.find("IS NOT NULL"), std::string::npos) << o;
}

TEST(root_field_defaults, a_wrong_default_is_refused_when_the_schema_loads) {
    auto r = graphql::build_schema(R"GQL(
type Doc @view(name: "v_doc") { id: ID! title: String }
type Query {
  docs(where: DocWhereInput = {title: {isNull: false}}): [Doc!]!
}
)GQL");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().front().message,
              "Default value of argument \"where\" of root field \"docs\" is invalid: In field "
              "\"title\": Field \"isNull\" is not defined by type \"StringFilter\".");
    ASSERT_FALSE(r.error().front().locations.empty());
    EXPECT_EQ(r.error().front().locations[0].line, 4u);
    auto bad_order = graphql::build_schema(R"GQL(
type Doc @view(name: "v_doc") { id: ID! title: String }
type Query { docs(orderBy: [DocOrderByInput!] = [{title: SIDEWAYS}]): [Doc!]! }
)GQL");
    ASSERT_FALSE(bad_order);
    EXPECT_NE(bad_order.error().front().message.find("orderBy"), std::string::npos);
}

// A list field's own arguments are equality filters on the fields of those names, ANDed with
// `where` when given, nothing when omitted (docs/filtering.md "Bound arguments").
TEST_F(document_select_test, bound_arguments_of_a_list_filter_when_given) {
    const auto none = sql("{ byName { id } }");
    EXPECT_EQ(none.find("WHERE"), std::string::npos) << none;
    const auto one = sql("{ byName(firstName: \"Ada\") { id } }");
    EXPECT_NE(one.find("WHERE t.\"data\" @> jsonb_build_object('first_name', $1::text)"),
              std::string::npos) << one;
    const auto both = sql("{ byName(firstName: \"Ada\", title: null, where: {id: {eq: \"7\"}}) { id } }");
    EXPECT_NE(both.find("AND t.\"data\" @> jsonb_build_object('first_name'"), std::string::npos) << both;
    EXPECT_EQ(both.find("headline"), std::string::npos) << "a null bound argument filters nothing";
}

TEST(root_field_defaults, a_list_argument_that_is_no_scalar_field_is_refused) {
    auto r = graphql::build_schema(R"GQL(
type Doc @view(name: "v_doc") { id: ID! tags: [String!] }
type Query { docs(nope: Int, tags: String): [Doc!]! }
)GQL");
    ASSERT_FALSE(r);
    ASSERT_EQ(r.error().size(), 2u);
    EXPECT_NE(r.error()[0].message.find("Argument \"nope\" of root list field \"docs\" is not a "
                                        "scalar field of \"Doc\""), std::string::npos);
    EXPECT_NE(r.error()[1].message.find("\"tags\""), std::string::npos);
}

} // namespace
} // namespace fraiseql::sql
