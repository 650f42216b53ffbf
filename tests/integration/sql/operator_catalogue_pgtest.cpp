// The operator catalogue (include/fraiseql/graphql/operators.hpp) walked against a real
// PostgreSQL, on both backends: every operator, on a field of every family it declares, is
// planned, compiled and run — twice, once over a JSONB document (the §3.3 path route) and
// once over the same values as typed columns (the column route). The two routes must return
// the same rows, `op` and `NOT op` must partition the table (docs/adr/0003-null-semantics.md),
// and every operator must match at least one row for one of its sample values. An entry added
// without a renderer, or a renderer that produces SQL PostgreSQL refuses or that never matches,
// fails here.
//
// Vector (pgvector, not packaged by Debian 12, product.md §3.2) is compiled only, unless the
// extension is available.

#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fraiseql/graphql/operators.hpp"
#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/sql/compiler.hpp"
#include "support/cluster.hpp"
#include "support/run.hpp"
#include "support/sql.hpp"
#include "support/sql_schema_fixture.hpp"

namespace {

namespace asio = boost::asio;
namespace pg = fraiseql::pg;
namespace gql = fraiseql::graphql;
using namespace std::chrono_literals;
using family = gql::filter_family;

std::string substitute(std::string text) {
    return fraiseql::test::with_private_schema(std::move(text), "sqltest_ops_");
}

// Row 1 holds the sample values below; row 2 larger or different ones; row 3 only nulls;
// row 4 smaller ones. The document view is the same rows as JSONB (to_jsonb: numbers stay
// numbers, other types their text), the search field as text there and as a tsvector column.
const char* const setup_sql = R"sql(
SELECT pg_advisory_xact_lock(72170011); -- held to the script's commit (one transaction)
CREATE EXTENSION IF NOT EXISTS ltree;
DROP SCHEMA IF EXISTS @S@ CASCADE;
CREATE SCHEMA @S@;
CREATE TABLE @S@.tb_all (
    n int PRIMARY KEY, s text, code text, i int, f float8, d numeric, b bigint, da date,
    dt timestamptz, ti time, bo boolean, u uuid, m macaddr, color text, money jsonb, j jsonb,
    ip inet, c cidr, l ltree, r daterange, ls text[], li int[], lc text[], body text,
    txt tsvector);
INSERT INTO @S@.tb_all VALUES
(1, 'alpha', 'A-1', 5, 9.5, 12.50, 9007199254740993, '2024-02-29', '2024-03-10T23:30:00-05:00',
 '08:30:00', true, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '08:00:2b:01:02:03', 'RED', '"EUR5"',
 '{"a": 1, "b": [true, null]}', '10.1.2.3', '10.0.0.0/8', 'top.science',
 '[2024-01-01,2024-02-01)', '{a,b}', '{1,2}', '{RED,GREEN}', 'The fat rats ate the cat', NULL),
(2, 'beta_%', 'B-2', 10, 20.25, 100, 9007199254740999, '2024-06-01', '2024-06-01T00:00:00Z',
 '23:59:59', false, 'b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12', '08:00:2b:01:02:04', 'GREEN',
 '{"amount": 7}', '{"c": "x"}', '2001:db8::1', '192.168.0.0/16', 'top.science.astronomy',
 '[2024-02-01,2024-03-01)', '{b,c,a}', '{}', '{}', 'A dog barks at night', NULL),
(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
(4, 'Alpha\x', '7', -3, 0.1, -1.5, -5, '2023-12-31', '2024-01-01T00:00:00+02:00', '00:00:00',
 true, 'c0eebc99-9c0b-4ef8-bb6d-6bb9bd380a13', '08:00:2b:01:02:05', 'BLUE', '5', '[1, 2]',
 '172.16.5.4', '2001:db8::/32', 'other', '[2023-01-01,2023-02-01)', '{a}', '{3,3}', '{RED}',
 'Fat cats sleep', NULL);
UPDATE @S@.tb_all SET txt = to_tsvector(body);
CREATE VIEW @S@.v_doc AS
    SELECT to_jsonb(t) - 'txt' - 'body' || jsonb_build_object('txt', t.body) AS data
    FROM @S@.tb_all AS t;
)sql";

const char* const fields_sdl = R"graphql(
  n: Int! s: String code: ID i: Int f: Float d: Decimal b: BigInt da: Date dt: DateTime
  ti: Time bo: Boolean u: UUID m: MacAddress color: Color money: Money j: JSON ip: IpAddress
  c: CIDR l: LTree r: DateRange ls: [String!] li: [Int!] lc: [Color!] txt: String @search
  v: Vector
)graphql";

std::string sdl() {
    return std::string("enum Color { RED GREEN BLUE }\nscalar Money\n") +
           "type Doc @view(name: \"@S@.v_doc\") {" + fields_sdl + "}\n" +
           "type Col @view(name: \"@S@.tb_all\", jsonbColumn: null, columns: [\"n\", \"s\", "
           "\"code\", \"i\", \"f\", \"d\", \"b\", \"da\", \"dt\", \"ti\", \"bo\", \"u\", \"m\", "
           "\"color\", \"money\", \"j\", \"ip\", \"c\", \"l\", \"r\", \"ls\", \"li\", \"lc\", "
           "\"txt\"]) {" + fields_sdl + "}\n" +
           "type Query { docs: [Doc!]! cols: [Col!]! }\n";
}

/// The fields under test and the sample value (a GraphQL literal) of each, matching row 1.
struct field_sample {
    const char* field;
    family fam;
    const char* value;   ///< for "T"
    const char* element; ///< lists: for "T" (an element); "[T!]" is `value`
};
const field_sample fields[] = {
    {"s", family::text, "\"alpha\"", nullptr},
    {"code", family::text, "\"A-1\"", nullptr},
    {"i", family::ordered, "5", nullptr},
    {"f", family::ordered, "9.5", nullptr},
    {"d", family::ordered, "12.5", nullptr},
    {"b", family::ordered, "\"9007199254740993\"", nullptr},
    {"da", family::ordered, "\"2024-02-29\"", nullptr},
    {"dt", family::ordered, "\"2024-03-10T23:30:00-05:00\"", nullptr},
    {"ti", family::ordered, "\"08:30:00\"", nullptr},
    {"bo", family::boolean, "true", nullptr},
    {"u", family::equality, "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"", nullptr},
    {"m", family::equality, "\"08:00:2b:01:02:03\"", nullptr},
    {"color", family::equality, "RED", nullptr},
    {"money", family::equality, "\"EUR5\"", nullptr},
    {"j", family::json, "{a: 1, b: [true, null]}", nullptr},
    {"ip", family::inet, "\"10.1.2.3\"", nullptr},
    {"c", family::inet, "\"10.0.0.0/8\"", nullptr},
    {"l", family::ltree, "\"top.science\"", nullptr},
    {"r", family::date_range, "\"[2024-01-01,2024-02-01)\"", nullptr},
    {"ls", family::list, "[\"a\", \"b\"]", "\"a\""},
    {"li", family::list, "[1, 2]", "1"},
    {"lc", family::list, "[RED, GREEN]", "RED"},
    {"txt", family::full_text, nullptr, nullptr},
    {"v", family::vector, nullptr, nullptr},
};

/// Sample operands of an operator on a field: GraphQL literals. Empty: no sample known (a
/// new operand type needs one here).
std::vector<std::string> samples(const gql::filter_operator& op, const field_sample& f) {
    const std::string_view operand = op.operand;
    if (operand == "Boolean") return {"true", "false"};
    if (operand == "Int") return {"2"};
    if (operand == "T") return {f.element ? f.element : f.value};
    if (operand == "[T!]") {
        if (f.fam == family::list) return {f.value, "[]"};
        return {std::string("[") + f.value + "]", "[]"};
    }
    if (operand == "String") {
        if (f.fam == family::text) return {f.value};
        if (f.fam == family::full_text) return {"\"fat\""};
        static const std::map<std::string_view, const char*> by_name = {
            {"hasKey", "\"a\""},        {"pathExists", "\"$.a\""},
            {"pathMatch", "\"$.a == 1\""}, {"matchesLquery", "\"top.*\""},
            {"matchesLtxtquery", "\"science\""}};
        if (auto it = by_name.find(op.name); it != by_name.end()) return {it->second};
        return {};
    }
    if (operand == "[String!]") return {"[\"a\", \"zz\"]", "[\"a\", \"b\"]"};
    if (operand == "CIDR") return {"\"10.0.0.0/8\""};
    if (operand == "Date") return {"\"2024-01-15\""};
    if (operand == "IpRangeInput") return {"{from: \"10.0.0.0\", to: \"10.255.255.255\"}"};
    if (operand == "VectorDistanceInput") return {"{vector: [1, 2, 3], lt: 0.5}"};
    return {};
}

struct count_sink : pg::row_sink {
    std::size_t rows = 0;
    asio::awaitable<bool> on_rows(std::span<const pg::row_view> r) override {
        rows += r.size();
        co_return true;
    }
};

class operator_catalogue_pg : public fraiseql::test::sql_schema_fixture<operator_catalogue_pg> {
public:
    static std::string setup_script() { return substitute(setup_sql); }
    static std::string graphql_sdl() { return substitute(sdl()); }
    static std::string teardown_script() { return substitute("DROP SCHEMA IF EXISTS @S@ CASCADE"); }

protected:
    struct outcome {
        std::string error; ///< planning, compiling or the database; "" when it ran
        std::string sql;
        std::size_t rows = 0;
    };

    fraiseql::result<fraiseql::sql::root_query, std::string> compile(const std::string& query) {
        auto doc = gql::parse_executable(query);
        if (!doc) return fraiseql::failure{"parse: " + doc.error().message};
        auto plan = gql::plan_operation(*schema_, *doc, "", {});
        if (!plan) return fraiseql::failure{"plan: " + plan.error()[0].message};
        auto compiled = fraiseql::sql::compile_root_query(*schema_, plan->root_fields.at(0), {1000});
        if (!compiled) return fraiseql::failure{"compile: " + compiled.error()[0].message};
        return std::move(*compiled);
    }

    outcome run(const std::string& query) {
        outcome out;
        auto compiled = compile(query);
        if (!compiled) {
            out.error = compiled.error();
            return out;
        }
        out.sql = compiled->stmt.text;
        std::vector<pg::param> params;
        for (const auto& p : compiled->stmt.params)
            params.push_back(p ? pg::param::text(*p) : pg::param::null_value());
        count_sink sink;
        pg::statement st{out.sql, params, &sink};
        auto r = fraiseql::test::run(io_, conn_->run(std::span(&st, 1), pg::clock::now() + 30s));
        if (!r) out.error = "database: " + r.error().message + " " + r.error().server().message;
        out.rows = sink.rows;
        return out;
    }

    bool has_pgvector() {
        count_sink sink;
        pg::statement st{"SELECT 1 FROM pg_extension WHERE extname = 'vector'", {}, &sink};
        auto r = fraiseql::test::run(io_, conn_->run(std::span(&st, 1), pg::clock::now() + 10s));
        return r && sink.rows == 1;
    }
};

TEST_P(operator_catalogue_pg, every_operator_runs_on_both_routes_and_they_agree) {
    constexpr std::size_t total_rows = 4;
    const bool vector_runs = has_pgvector();
    std::set<const gql::filter_operator*> matched, tried;
    std::size_t cases = 0;
    for (std::size_t fi = 0; fi < gql::filter_family_count; ++fi) {
        const auto fam = static_cast<family>(fi);
        bool field_of_family = false;
        for (const auto& f : fields) {
            if (f.fam != fam) continue;
            field_of_family = true;
            for (const gql::filter_operator* op : gql::filter_operators(fam)) {
                const auto values = samples(*op, f);
                ASSERT_FALSE(values.empty()) << "no sample operand for " << op->name << " ("
                                             << op->operand << ") on " << f.field;
                tried.insert(op);
                for (const auto& value : values) {
                    ++cases;
                    const std::string cond =
                        "{" + std::string(f.field) + ": {" + std::string(op->name) + ": " + value + "}}";
                    const std::string where = std::string(f.field) + "." + std::string(op->name) +
                                              ": " + value;
                    if (fam == family::vector && !vector_runs) {
                        // Compiled only: the distance operator and its bound, as parameters.
                        for (const char* root : {"docs", "cols"}) {
                            auto c = compile("{ " + std::string(root) + "(where: " + cond + ") { n } }");
                            ASSERT_TRUE(c) << where << ": " << c.error();
                            EXPECT_NE(c->stmt.text.find(" " + std::string(op->sql) + " $"),
                                      std::string::npos) << c->stmt.text;
                            EXPECT_NE(c->stmt.text.find(") < $2::float8"), std::string::npos)
                                << c->stmt.text;
                        }
                        matched.insert(op);
                        continue;
                    }
                    std::size_t rows[2] = {0, 0};
                    int route = 0;
                    for (const char* root : {"docs", "cols"}) {
                        outcome yes = run("{ " + std::string(root) + "(where: " + cond + ") { n } }");
                        outcome no = run("{ " + std::string(root) + "(where: {NOT: " + cond + "}) { n } }");
                        ASSERT_EQ(yes.error, "") << root << " " << where << "\n" << yes.sql;
                        ASSERT_EQ(no.error, "") << root << " NOT " << where << "\n" << no.sql;
                        // Each row matches, or is kept by NOT (null semantics, ADR 0003).
                        EXPECT_EQ(yes.rows + no.rows, total_rows) << root << " " << where << "\n"
                                                                  << yes.sql << "\n" << no.sql;
                        rows[route++] = yes.rows;
                        if (yes.rows > 0) matched.insert(op);
                    }
                    EXPECT_EQ(rows[0], rows[1]) << "the JSONB and the column route disagree on "
                                                << where;
                }
            }
        }
        EXPECT_TRUE(field_of_family) << "no field of family " << gql::filter_family_name(fam);
    }
    for (const auto& op : gql::filter_operators()) {
        EXPECT_TRUE(tried.count(&op)) << op.name << " was not tried";
        EXPECT_TRUE(matched.count(&op)) << op.name << " (" << op.operand
                                        << ") never matched a row of its samples";
    }
    EXPECT_GT(cases, 200u);
}

INSTANTIATE_TEST_SUITE_P(backends, operator_catalogue_pg, fraiseql::test::all_backends(),
                         fraiseql::test::backend_name{});

} // namespace
