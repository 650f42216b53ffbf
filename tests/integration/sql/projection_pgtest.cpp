// SQL-side projection (docs/adr/0004-sql-side-projection.md) against a real PostgreSQL, on
// both backends: for every read, the statement the compiler emits and the same statement
// fetching the whole document (`t.data::text`, what FraiseQL did before) give the same
// response once the transform has projected them — value for value, byte for byte (JSON
// scalars verbatim), with the same non-null violations at the same paths — over documents
// small and large, TOASTed, NULL, not objects, with missing keys and JSON nulls, and over a
// `json` (not `jsonb`) column. It also checks that the large rows really were projected.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/graphql/schema_builder.hpp"
#include "fraiseql/json/projection.hpp"
#include "fraiseql/json/transform.hpp"
#include "fraiseql/pg/connection.hpp"
#include "fraiseql/sql/compiler.hpp"
#include "fraiseql/sql/connection.hpp"
#include "support/cluster.hpp"
#include "support/collect_sink.hpp"
#include "support/run.hpp"
#include "support/sql.hpp"
#include "support/sql_schema_fixture.hpp"

namespace {

namespace asio = boost::asio;
namespace pg = fraiseql::pg;
namespace gql = fraiseql::graphql;
namespace json = fraiseql::json;
using namespace std::chrono_literals;

std::string substitute(std::string text) {
    return fraiseql::test::with_private_schema(std::move(text), "sqltest_proj_");
}

// Row sizes matter: the rule projects a row by its stored size (ADR 0004). 1 and 8 are small
// (whole document for two keys or more), 2, 3, 4 and 7 are inline and large enough for up to
// four keys, 5 is TOASTed (out of line: projected for one or two keys only), 6 is NULL.
const char* const setup_sql = R"sql(
DROP SCHEMA IF EXISTS @S@ CASCADE;
CREATE SCHEMA @S@;
CREATE TABLE @S@.tb_doc (n int PRIMARY KEY, data jsonb);
INSERT INTO @S@.tb_doc VALUES
(1, $j${"n": 1, "id": "d1", "first_name": "Ann", "headline": "T1", "meta": {"x": [1, 2.50, "é"]},
     "author": {"id": "a1", "first_name": "Al"}, "tags": ["a"]}$j$),
(2, jsonb_build_object('n', 2, 'id', 'd2', 'first_name', 'Bo "quoted" \ ünï', 'headline', 'T2',
     'meta', '{"k''ey": [true, null, {"deep": 1.0}], "num": 1e3}'::jsonb,
     'author', '{"id": "a2", "first_name": null}'::jsonb, 'tags', '["x", "y"]'::jsonb,
     'pad', repeat('p', 1600))),
(3, jsonb_build_object('n', 3, 'id', 'd3', 'pad', repeat('q', 1600))),
(4, jsonb_build_object('n', 4, 'id', 'd4', 'first_name', null, 'headline', null, 'meta', null,
     'author', null, 'tags', null, 'pad', repeat('r', 1600))),
(5, (SELECT jsonb_build_object('n', 5, 'id', 'd5', 'first_name', 'Huge', 'headline', 'T5',
            'meta', 12345678901234567890.123, 'tags', '[]'::jsonb,
            'pad', string_agg(md5(i::text), '')) FROM generate_series(1, 400) i)),
(6, NULL),
(7, jsonb_build_object('n', 7, 'id', 'd7', 'headline', 'T7', 'meta', '"just a string"'::jsonb,
     'author', '{"id": null, "first_name": "NoId"}'::jsonb, 'tags', '["z", null]'::jsonb,
     'pad', repeat('s', 1600))),
(8, '{"n": 8, "id": "d8"}');
CREATE VIEW @S@.docs AS SELECT n, data FROM @S@.tb_doc;
CREATE VIEW @S@.jdocs AS SELECT n, data::json AS data FROM @S@.tb_doc;
-- A view that builds its document, as FraiseQL views do (jsonb_build_object over sub-selects):
-- PostgreSQL inlines it, so each mention of its `data` in a statement builds the document
-- again. counted() is STABLE (the view is still inlined) and counts how often it runs.
CREATE FUNCTION @S@.counted(d jsonb) RETURNS jsonb LANGUAGE plpgsql STABLE AS $f$
BEGIN
    PERFORM set_config('fraiseql.doc_builds',
        (coalesce(nullif(current_setting('fraiseql.doc_builds', true), ''), '0')::int + 1)::text,
        false);
    RETURN d;
END
$f$;
CREATE VIEW @S@.built_docs AS SELECT n, data->>'id' AS id, @S@.counted(data) AS data FROM @S@.tb_doc;
CREATE VIEW @S@.bad_docs AS SELECT n, CASE WHEN n = 2 THEN jsonb_build_array(data) ELSE data END AS data
    FROM @S@.tb_doc WHERE n IN (1, 2);
)sql";

const char* const sdl = R"graphql(
scalar JSON
type Author { id: ID! firstName: String }
type Doc @view(name: "@S@.docs", columns: ["n"]) {
  n: Int!
  id: ID
  firstName: String
  title: String! @key(name: "headline")
  meta: JSON
  author: Author
  tags: [String!]
}
type Bad @view(name: "@S@.bad_docs", columns: ["n"]) { n: Int! firstName: String }
type Built @view(name: "@S@.built_docs", columns: ["n", "id"]) {
  n: Int!
  id: ID
  firstName: String
  title: String @key(name: "headline")
}
type JDoc @view(name: "@S@.jdocs", columns: ["n"]) {
  n: Int!
  firstName: String
  title: String! @key(name: "headline")
}
type Query {
  docs: [Doc!]! doc(n: Int!): Doc bads: [Bad!]! jdocs: [JDoc!]! builts: [Built!]! built(n: Int!): Built
}
)graphql";

struct read_case {
    const char* query;
    std::vector<std::string> keys; ///< top-level source keys the read needs
    std::size_t projected_rows;    ///< rows that come back projected (the others whole)
    bool projects = true;          ///< the statement projects (at least some rows)
};

// Rows: 1 ~250 B, 2/3/4/7 1.6-1.9 kB inline, 5 TOASTed, 6 NULL, 8 tiny. Thresholds (ADR 0004):
// 0 B for no key, 140 B for one, 610 B for two, 1080-2000 B for three, 1550-2000 B for four.
const read_case cases[] = {
    {"{ docs(orderBy: [{n: ASC}]) { n } }", {"n"}, 6},
    {"{ docs(orderBy: [{n: ASC}]) { firstName title } }", {"first_name", "headline"}, 5},
    {"{ docs(orderBy: [{n: ASC}]) { a: firstName b: firstName __typename n } }",
     {"first_name", "n"},
     5},
    {"query { docs(orderBy: [{n: ASC}]) { ...F meta } } fragment F on Doc { author { firstName } "
     "title }",
     {"author", "headline", "meta"},
     4},
    {"{ docs(orderBy: [{n: ASC}]) { n firstName title tags } }",
     {"n", "first_name", "headline", "tags"},
     4},
    {"{ docs(orderBy: [{n: ASC}]) { n firstName title meta author { id } } }",
     {"n", "first_name", "headline", "meta", "author"},
     0,
     false},
    {"{ docs(orderBy: [{n: ASC}]) { __typename } }", {}, 7},
    {"{ doc(n: 7) { meta tags author { id } } }", {"meta", "tags", "author"}, 1},
    {"{ doc(n: 6) { title } }", {"headline"}, 0},
    {"{ docsConnection(first: 20, orderBy: [{n: ASC}]) { edges { node { firstName } n2: node { "
     "title } } } }",
     {"first_name", "headline"},
     5},
    // Not objects: kept whole, so the transform still reports them as malformed.
    {"{ bads(orderBy: [{n: ASC}]) { n firstName } }", {"n", "first_name"}, 0},
    // A json column: kept whole (its text costs nothing).
    {"{ jdocs(orderBy: [{n: ASC}]) { firstName title } }", {"first_name", "headline"}, 0},
    // A view that builds its document.
    {"{ builts(orderBy: [{n: DESC}]) { firstName } }", {"first_name"}, 6},
    {"{ builtsConnection(first: 3, orderBy: [{n: ASC}]) { totalCount edges { node { title } } } }",
     {"headline"},
     4}, // three nodes and the one that tells whether there is a next page
};

/// What projecting one row gives.
struct projected {
    json::transform_status status;
    std::string out;
    std::string errors; ///< "message @ path" lines
};

projected project(const std::optional<std::string>& doc, const json::projection& p) {
    projected r{json::transform_status::null_document, {}, {}};
    if (!doc)
        return r;
    std::vector<json::field_error> errs;
    r.status = json::project_object(*doc, p, r.out, errs);
    for (const auto& e : errs) {
        r.errors += e.message + " @";
        for (const auto& seg : e.path) {
            if (const auto* s = std::get_if<std::string>(&seg))
                r.errors += " " + *s;
            else
                r.errors += " " + std::to_string(std::get<std::size_t>(seg));
        }
        r.errors += "\n";
    }
    return r;
}

class projection_pg : public fraiseql::test::sql_schema_fixture<projection_pg> {
public:
    static std::string setup_script() { return substitute(setup_sql); }
    static std::string graphql_sdl() { return substitute(sdl); }
    static std::string teardown_script() { return substitute("DROP SCHEMA IF EXISTS @S@ CASCADE"); }

protected:
    /// Runs `sql` and returns column `column` of every row.
    std::vector<std::optional<std::string>> fetch(const std::string& sql,
                                                  const std::vector<std::optional<std::string>>& ps,
                                                  std::size_t column) {
        std::vector<pg::param> params;
        for (const auto& p : ps)
            params.push_back(p ? pg::param::text(*p) : pg::param::null_value());
        fraiseql::test::collect_sink sink;
        pg::statement st{sql, params, &sink};
        auto r = fraiseql::test::run(io_, conn_->run(std::span(&st, 1), pg::clock::now() + 30s));
        EXPECT_TRUE(r) << sql << "\n"
                       << (r ? "" : r.error().message + " " + r.error().server().message);
        std::vector<std::optional<std::string>> out;
        for (auto& row : sink.rows)
            out.push_back(row.size() > column ? row[column] : std::nullopt);
        return out;
    }

};

TEST_P(projection_pg, every_read_answers_as_the_whole_document_does) {
    for (const auto& c : cases) {
        SCOPED_TRACE(c.query);
        auto doc = gql::parse_executable(c.query);
        ASSERT_TRUE(doc);
        auto plan = gql::plan_operation(*schema_, *doc, "", gql::input_value::null());
        ASSERT_TRUE(plan) << plan.error().front().message;
        const gql::field_plan& root = plan->root_fields.at(0);

        // The statement, the node type and the selections its rows are projected with.
        fraiseql::sql::statement stmt;
        const gql::type_def* node = nullptr;
        std::vector<const std::vector<gql::field_plan>*> selections;
        std::size_t column = 0;
        if (root.field->root == gql::field_def::root_kind::connection) {
            auto q = fraiseql::sql::compile_connection(*schema_, root, 100);
            ASSERT_TRUE(q);
            stmt = q->stmt;
            node = q->node_type;
            column = 2;
            for (const auto& e : root.selection)
                for (const auto& n : e.selection)
                    if (n.name == "node")
                        selections.push_back(&n.selection);
        } else {
            auto q = fraiseql::sql::compile_root_query(*schema_, root, {100});
            ASSERT_TRUE(q);
            stmt = q->stmt;
            node = q->node_type;
            selections.push_back(&root.selection);
        }
        // The reference: the same statement reading the whole document (through the same
        // derived table, whose `d` is the document column).
        const auto selected = fraiseql::sql::document_select(*node->view, selections);
        const std::string& expr = selected.outer;
        const std::string whole = c.projects ? "p.d::text" : "t.\"data\"::text";
        EXPECT_EQ(!selected.inner.empty(), c.projects) << expr;
        if (c.projects)
            EXPECT_EQ(selected.inner, "t.\"data\"");
        else
            EXPECT_EQ(expr, whole);
        std::string reference = stmt.text;
        const auto at = reference.find(expr);
        ASSERT_NE(at, std::string::npos) << stmt.text;
        if (c.projects) {
            reference.replace(at, expr.size(), whole);
            ASSERT_EQ(reference.find(expr), std::string::npos) << "the document is selected once";
        }

        const auto got = fetch(stmt.text, stmt.params, column);
        const auto want = fetch(reference, stmt.params, column);
        ASSERT_EQ(got.size(), want.size());
        ASSERT_FALSE(got.empty());

        // The transform's view of each row: every needed key, nullable and non-null (so that
        // violations and their paths are compared too), values copied verbatim.
        std::vector<json::projected_field> nullable;
        std::vector<json::projected_field> non_null;
        for (const auto& k : c.keys) {
            nullable.push_back(json::value_field(k, k));
            non_null.push_back(json::value_field(k, k, true));
        }
        const json::projection p_nullable("T", nullable);
        const json::projection p_non_null("T", non_null);

        std::size_t projected_rows = 0;
        for (std::size_t i = 0; i < got.size(); ++i) {
            SCOPED_TRACE("row " + std::to_string(i));
            ASSERT_EQ(got[i].has_value(), want[i].has_value());
            for (const auto* p : {&p_nullable, &p_non_null}) {
                const projected a = project(got[i], *p);
                const projected b = project(want[i], *p);
                EXPECT_EQ(a.status, b.status);
                EXPECT_EQ(a.out, b.out);
                EXPECT_EQ(a.errors, b.errors);
            }
            if (!got[i] || *got[i] == *want[i])
                continue;
            // A projected row holds the needed keys and nothing else.
            ++projected_rows;
            auto v = boost::json::parse(*got[i]);
            ASSERT_TRUE(v.is_object()) << *got[i];
            EXPECT_EQ(v.as_object().size(), c.keys.size()) << *got[i];
            for (const auto& k : c.keys)
                EXPECT_TRUE(v.as_object().contains(k)) << k << " in " << *got[i];
        }
        EXPECT_EQ(projected_rows, c.projected_rows) << stmt.text;
    }
}

TEST_P(projection_pg, toasted_documents_are_projected_for_one_or_two_keys_only) {
    auto rows = [&](const std::string& sel) {
        auto doc = gql::parse_executable("{ doc(n: 5) { " + sel + " } }");
        EXPECT_TRUE(doc);
        auto plan = gql::plan_operation(*schema_, *doc, "", gql::input_value::null());
        EXPECT_TRUE(plan);
        auto q = fraiseql::sql::compile_root_query(*schema_, plan->root_fields.at(0), {100});
        EXPECT_TRUE(q);
        return fetch(q->stmt.text, q->stmt.params, 0);
    };
    const auto two = rows("firstName title");
    ASSERT_EQ(two.size(), 1u);
    EXPECT_EQ(two[0], R"({"headline": "T5", "first_name": "Huge"})");
    const auto three = rows("firstName title meta");
    ASSERT_EQ(three.size(), 1u);
    ASSERT_TRUE(three[0]);
    EXPECT_GT(three[0]->size(), 12800u) << "three keys: the whole TOASTed document";
}

TEST_P(projection_pg, a_view_that_builds_its_document_builds_it_once_per_row) {
    // ADR 0004: the projection names the document five times; through a derived table each
    // row's document is built once, as the whole-document read does, and only for the rows
    // the LIMIT keeps.
    const struct {
        const char* query;
        std::size_t rows; ///< rows the statement returns (a connection fetches one more)
    } reads[] = {
        {"{ builts(orderBy: [{n: ASC}]) { firstName } }", 8},
        {"{ builts(orderBy: [{n: DESC}], limit: 3) { firstName title } }", 3},
        {"{ built(n: 2) { title } }", 1},
        {"{ builtsConnection(first: 3, orderBy: [{n: ASC}]) { edges { node { title } } } }", 4},
        {"{ builtsConnection(first: 2) { totalCount edges { node { firstName } } } }", 3},
    };
    for (const auto& r : reads) {
        SCOPED_TRACE(r.query);
        auto doc = gql::parse_executable(r.query);
        ASSERT_TRUE(doc);
        auto plan = gql::plan_operation(*schema_, *doc, "", gql::input_value::null());
        ASSERT_TRUE(plan) << plan.error().front().message;
        const gql::field_plan& root = plan->root_fields.at(0);
        fraiseql::sql::statement stmt;
        if (root.field->root == gql::field_def::root_kind::connection) {
            auto q = fraiseql::sql::compile_connection(*schema_, root, 100);
            ASSERT_TRUE(q);
            stmt = q->stmt;
        } else {
            auto q = fraiseql::sql::compile_root_query(*schema_, root, {100});
            ASSERT_TRUE(q);
            stmt = q->stmt;
        }
        ASSERT_NE(stmt.text.find("jsonb_build_object("), std::string::npos) << stmt.text;
        fetch("SELECT set_config('fraiseql.doc_builds', '0', false)", {}, 0);
        const auto rows = fetch(stmt.text, stmt.params, 0);
        EXPECT_EQ(rows.size(), r.rows) << stmt.text;
        const auto builds = fetch("SELECT current_setting('fraiseql.doc_builds')", {}, 0);
        ASSERT_EQ(builds.size(), 1u);
        EXPECT_EQ(builds[0], std::to_string(r.rows)) << stmt.text;
    }
}

INSTANTIATE_TEST_SUITE_P(backends, projection_pg, fraiseql::test::all_backends(),
                         fraiseql::test::backend_name{});

} // namespace
