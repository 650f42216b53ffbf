// The where / orderBy / limit / offset compiler against a real PostgreSQL, on both backends:
// every operator is proved by the rows it returns (product.md §3.2-§3.4), not by SQL text.
//
// The data lives in a schema of this process (sqltest_<pid>) so that concurrent test binaries
// on the shared database never see it: a JSONB-only view `items` with ten hand-made rows
// (nulls, missing keys, unicode, `%`/`_`/`\` in values, numbers beyond 2^53, decimals,
// timestamps in several time zones), a hybrid table `tv_machine` of 1,000 rows whose filter
// columns (status, priority, model_id, location_id, ...) are NOT in its document — so a filter
// routed to the wrong place returns no rows instead of the right ones — and a plain relation.
// Queries go through the real parser, planner and compiler (sql::compile_root_query).

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/graphql/schema_builder.hpp"
#include "fraiseql/pg/connection.hpp"
#include "fraiseql/sql/compiler.hpp"
#include "support/cluster.hpp"
#include "support/input_json.hpp"
#include "support/run.hpp"
#include "support/sql.hpp"
#include "support/sql_schema_fixture.hpp"

namespace {

namespace asio = boost::asio;
namespace pg = fraiseql::pg;
namespace gql = fraiseql::graphql;
using namespace std::chrono_literals;
using ids_t = std::vector<long>;

std::string substitute(std::string text) {
    return fraiseql::test::with_private_schema(std::move(text), "sqltest_where_");
}

// Ten JSONB rows. Keys absent from a row are "missing"; explicit nulls are JSON nulls.
const char* const setup_sql = R"sql(
SELECT pg_advisory_xact_lock(72170003); -- held to the script's commit (one transaction)
CREATE EXTENSION IF NOT EXISTS ltree;
DROP SCHEMA IF EXISTS @S@ CASCADE;
CREATE SCHEMA @S@;
CREATE TABLE @S@.tb_item (data jsonb NOT NULL);
CREATE INDEX ON @S@.tb_item USING gin (data jsonb_path_ops);
CREATE VIEW @S@.items AS SELECT data FROM @S@.tb_item;
INSERT INTO @S@.tb_item (data) VALUES
($j${"n": 1, "id": "00000000-0000-0000-0000-000000000001", "name": "Alice", "code": "A-1",
  "count": 1, "price": 9.5, "amount": 0.1, "big": 9007199254740993, "active": true,
  "uid": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "day": "2024-02-29",
  "at": "2024-03-10T23:30:00-05:00", "clock": "08:30:00",
  "meta": {"a": 1, "b": [true, null], "k'ey": "v"}, "ip": "10.1.2.3", "net": "10.0.0.0/8",
  "mac": "08:00:2b:01:02:03", "path": "top.science.astronomy",
  "period": "[2024-01-01,2024-02-01)", "status": "ACTIVE", "tags": ["a", "b"],
  "scores": [1, 2, 3], "address": {"city": "Paris", "zip": "75001",
  "geo": {"lat": 48.85, "country": {"code": "FR"}}}, "body": "The fat rats ate the cat",
  "address_line1": "1 Main St", "it's a \\ ünï key": "odd"}$j$),
($j${"n": 2, "id": "00000000-0000-0000-0000-000000000002", "name": "bob", "code": 42,
  "count": 10, "price": 10, "amount": 12345678901234567890.123456789, "big": 1,
  "active": false, "uid": "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A12", "day": "2024-01-01",
  "at": "2024-03-11T04:30:00Z", "clock": "23:59:59", "meta": {"a": 2}, "ip": "192.168.1.1",
  "net": "192.168.0.0/16", "mac": "08-00-2b-01-02-04", "path": "top.science",
  "period": "[2024-02-01,2024-03-01)", "status": "INACTIVE", "tags": [], "scores": [3],
  "address": {"city": "Berlin", "zip": "10115", "geo": {"lat": 52.52, "country": {"code": "DE"}}},
  "body": "A dog barks at night"}$j$),
($j${"n": 3, "id": "00000000-0000-0000-0000-000000000003", "name": "Zoë", "code": "z",
  "count": 100, "price": 100, "amount": 2.50, "big": -5, "active": null, "day": "2023-12-31",
  "at": "2024-01-01T00:00:00+02:00", "clock": "00:00:00", "meta": null, "ip": "8.8.8.8",
  "net": "2001:db8::/32", "mac": "0800.2b01.0205", "path": "top", "period": "empty",
  "status": "ARCHIVED", "tags": ["a"], "scores": [], "address": {"city": null, "zip": "00000"},
  "body": "Fat cats sleep"}$j$),
($j${"n": 4, "id": "00000000-0000-0000-0000-000000000004", "name": "50%_off\\x", "count": null,
  "price": null, "active": true, "ip": "fd12::1", "path": "other.science",
  "period": "[2024-01-20,2024-01-25)", "tags": ["b", "c", "a"], "address": null, "body": null}$j$),
($j${"n": 5, "id": "00000000-0000-0000-0000-000000000005", "name": "O'Brien", "count": -3,
  "price": 0.1, "ip": "2001:4860::8888", "tags": null, "scores": [3, 3],
  "address": {"city": "paris"}, "status": "ACTIVE"}$j$),
($j${"n": 6, "id": "00000000-0000-0000-0000-000000000006", "name": "太郎 🎉", "count": 0,
  "price": 1e-7, "amount": -1.5, "ip": "172.16.5.4", "tags": ["x,y", "{z}"]}$j$),
($j${"n": 7, "id": "00000000-0000-0000-0000-000000000007", "name": "A_b%c", "ip": "172.32.0.1",
  "big": 9223372036854775807}$j$),
($j${"n": 8, "id": "00000000-0000-0000-0000-000000000008", "name": "'; DROP TABLE x; --"}$j$),
($j${"n": 9, "id": "00000000-0000-0000-0000-000000000009", "name": "$1"}$j$),
($j${"n": 10, "id": "00000000-0000-0000-0000-000000000010", "name": "back\\slash", "count": null,
  "price": null, "amount": null, "big": null, "active": null, "uid": null, "day": null,
  "at": null, "clock": null, "ip": null, "tags": null, "address": null, "status": null}$j$);

-- 1,000 machines. status, priority, created_at, labels, model_id and location_id are real
-- columns only; the document has the model without its id (only the FK column has it).
CREATE TABLE @S@.tv_machine (
    id uuid PRIMARY KEY, n int NOT NULL, name text NOT NULL, status text, priority int,
    created_at timestamptz, labels text[], model_id uuid, location_id uuid, data jsonb NOT NULL);
INSERT INTO @S@.tv_machine
SELECT md5('m' || n)::uuid, n, 'M-' || n,
       CASE n % 3 WHEN 0 THEN 'ACTIVE' WHEN 1 THEN 'INACTIVE' END,
       CASE WHEN n % 10 = 0 THEN NULL ELSE n % 7 END,
       timestamptz '2024-01-01 00:00:00+00' + n * interval '1 hour',
       CASE WHEN n % 5 = 0 THEN '{}'::text[] WHEN n % 11 = 0 THEN NULL
            ELSE ARRAY['l' || (n % 4), 'common'] END,
       CASE WHEN n % 4 = 0 THEN NULL ELSE md5('model' || (n % 2))::uuid END,
       CASE WHEN n % 6 = 0 THEN NULL ELSE md5('loc' || (n % 5))::uuid END,
       jsonb_build_object(
           'n', n, 'id', md5('m' || n)::uuid, 'name', 'M-' || n,
           'notes', CASE WHEN n % 2 = 0 THEN 'has a leak #' || n END,
           'rating', (n % 50) / 10.0,
           'model', CASE WHEN n % 4 <> 0 THEN jsonb_build_object('name', 'Model_' || (n % 2)) END,
           'location', CASE WHEN n % 6 <> 0 THEN jsonb_build_object(
               'id', md5('loc' || (n % 5))::uuid, 'name', 'Loc ' || (n % 5)) END)
FROM generate_series(1, 1000) AS n;

CREATE TABLE @S@.plain_rel (id int PRIMARY KEY, label text, qty int, info jsonb);
INSERT INTO @S@.plain_rel VALUES
    (1, 'a', 5, '{"kind": "x", "level": 2}'), (2, 'b', 1, '{"kind": "y", "level": 10}'),
    (3, NULL, NULL, NULL), (4, 'a', 3, '{"kind": "x", "level": 9}');
)sql";

const char* const sdl = R"graphql(
enum Status { ACTIVE INACTIVE ARCHIVED }
type Item @view(name: "@S@.items") {
  id: UUID!
  n: Int
  name: String
  code: ID
  count: Int
  price: Float
  amount: Decimal
  big: BigInt
  active: Boolean
  uid: UUID
  day: Date
  at: DateTime
  clock: Time
  meta: JSON
  ip: IpAddress
  net: CIDR
  mac: MacAddress
  path: LTree
  period: DateRange
  status: Status
  tags: [String!]
  scores: [Int!]
  address: Address
  body: String @search
  addressLine1: String
  odd: String @key(name: "it's a \\ ünï key")
}
type Address { city: String zip: String geo: Geo }
type Geo { lat: Float country: Country }
type Country { code: String }
type Machine @view(name: "@S@.tv_machine", columns: ["id", "n", "name", "status", "priority", "created_at", "labels", "model_id", "location_id"]) {
  id: UUID!
  n: Int!
  name: String!
  status: Status
  priority: Int
  createdAt: DateTime
  notes: String
  rating: Float
  labels: [String!]
  model: Model
  location: Location
}
type Model { id: UUID name: String }
type Location { id: UUID name: String }
type Plain @view(name: "@S@.plain_rel", jsonbColumn: null, columns: ["id", "label", "qty", "info"]) {
  id: Int!
  label: String
  qty: Int
  info: Info
}
type Info { kind: String level: Int }
type Query {
  items: [Item!]!
  item(id: UUID!): Item
  machines: [Machine!]!
  plains: [Plain!]!
}
)graphql";

gql::input_value from_json(const boost::json::value& v) {
    return fraiseql::test::input_from_json(v);
}

/// Keeps the first column of every row.
struct first_column_sink : pg::row_sink {
    std::vector<std::optional<std::string>> values;
    asio::awaitable<bool> on_rows(std::span<const pg::row_view> rows) override {
        for (const auto& r : rows)
            for (const auto& f : r) {
                values.push_back(f.is_null() ? std::nullopt : std::optional<std::string>(std::string(f.text())));
                break;
            }
        co_return true;
    }
};

ids_t all_items() { return {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}; }

class where_pg : public fraiseql::test::sql_schema_fixture<where_pg> {
public:
    static std::string setup_script() { return substitute(setup_sql); }
    static std::string graphql_sdl() { return substitute(sdl); }
    static std::string teardown_script() { return substitute("DROP SCHEMA IF EXISTS @S@ CASCADE"); }

protected:
    struct outcome {
        ids_t ids;
        std::vector<std::string> errors; ///< "CODE: message" (planner and compiler)
        std::string db_error;
        std::string sql;
        std::vector<std::optional<std::string>> params;
    };

    /// Plans, compiles and runs the first root field of `query`; ids are the documents'
    /// "n" (or "id" for plain relations), in the order of the rows.
    outcome run(const std::string& query, const std::string& variables = "") {
        outcome out;
        gql::input_value vars;
        if (!variables.empty()) vars = from_json(boost::json::parse(variables));
        // Ids are read from the documents' "n", so it is selected beside `id`: large enough
        // documents are projected to the selected keys (docs/adr/0004-sql-side-projection.md).
        std::string text = query;
        if (text.find("plains") == std::string::npos)
            for (std::size_t p = 0; (p = text.find("{ id }", p)) != std::string::npos; p += 8)
                text.replace(p, 6, "{ id n }");
        auto doc = gql::parse_executable(text);
        if (!doc) {
            out.errors.push_back("parse: " + doc.error().message);
            return out;
        }
        auto plan = gql::plan_operation(*schema_, *doc, "", vars);
        if (!plan) {
            for (const auto& e : plan.error()) out.errors.push_back(e.code + ": " + e.message);
            return out;
        }
        auto compiled = fraiseql::sql::compile_root_query(*schema_, plan->root_fields.at(0), {1000});
        if (!compiled) {
            for (const auto& e : compiled.error()) out.errors.push_back(e.code + ": " + e.message);
            return out;
        }
        out.sql = compiled->stmt.text;
        out.params = compiled->stmt.params;
        std::vector<pg::param> params;
        for (const auto& p : out.params) params.push_back(p ? pg::param::text(*p) : pg::param::null_value());
        first_column_sink sink;
        pg::statement st{out.sql, params, &sink};
        auto r = fraiseql::test::run(io_, conn_->run(std::span(&st, 1), pg::clock::now() + 30s));
        if (!r) {
            out.db_error = r.error().message + " " + r.error().server().message;
            return out;
        }
        for (const auto& v : sink.values) {
            auto doc_json = boost::json::parse(v.value_or("null"));
            const auto& o = doc_json.as_object();
            const auto* n = o.if_contains("n");
            if (!n) n = o.if_contains("id");
            out.ids.push_back(n ? static_cast<long>(n->to_number<double>()) : -1);
        }
        return out;
    }

    /// Row ids in result order; any error fails the test.
    ids_t ordered(const std::string& query, const std::string& variables = "") {
        outcome o = run(query, variables);
        EXPECT_TRUE(o.errors.empty() && o.db_error.empty())
            << query << "\n" << (o.errors.empty() ? "" : o.errors[0]) << o.db_error << "\n" << o.sql;
        return o.ids;
    }
    /// Row ids, sorted (for filters, whose order is unspecified).
    ids_t ids(const std::string& query, const std::string& variables = "") {
        ids_t v = ordered(query, variables);
        std::sort(v.begin(), v.end());
        return v;
    }
    /// `items(where: <w>)`.
    ids_t items(const std::string& w) { return ids("{ items(where: " + w + ") { id } }"); }
    ids_t machines(const std::string& w) { return ids("{ machines(where: " + w + ") { id } }"); }

    /// The independent oracle: n of tv_machine rows matching a hand-written SQL condition.
    ids_t oracle(const std::string& condition, const std::string& order = "n") {
        first_column_sink sink;
        std::string sql = substitute("SELECT n FROM @S@.tv_machine WHERE " + condition + " ORDER BY " + order);
        pg::statement st{sql, {}, &sink};
        auto r = fraiseql::test::run(io_, conn_->run(std::span(&st, 1), pg::clock::now() + 30s));
        EXPECT_TRUE(r) << sql << ": " << (r ? "" : r.error().server().message);
        ids_t out;
        for (const auto& v : sink.values) out.push_back(std::stol(v.value_or("-1")));
        return out;
    }

    std::vector<std::string> errors(const std::string& query, const std::string& variables = "") {
        outcome o = run(query, variables);
        EXPECT_TRUE(o.db_error.empty()) << "a database error instead of a clean one: " << o.db_error;
        return o.errors;
    }

};

ids_t minus(ids_t all, const ids_t& drop) {
    std::erase_if(all, [&](long x) { return std::find(drop.begin(), drop.end(), x) != drop.end(); });
    return all;
}

TEST_P(where_pg, string_operators) {
    EXPECT_EQ(items(R"~({name: {eq: "Alice"}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({name: {eq: "alice"}})~"), (ids_t{}));
    EXPECT_EQ(items(R"~({name: {neq: "Alice"}})~"), minus(all_items(), {1}));
    EXPECT_EQ(items(R"~({name: {in: ["Alice", "bob", "nobody"]}})~"), (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({name: {nin: ["Alice", "bob"]}})~"), minus(all_items(), {1, 2}));
    EXPECT_EQ(items(R"~({name: {isnull: true}})~"), (ids_t{}));
    EXPECT_EQ(items(R"~({name: {isnull: false}})~"), all_items());
    // %, _ and \ in contains/startswith/endswith are literal (§3.2).
    EXPECT_EQ(items(R"~({name: {contains: "%_"}})~"), (ids_t{4}));
    EXPECT_EQ(items(R"~({name: {contains: "\\"}})~"), (ids_t{4, 10}));
    EXPECT_EQ(items(R"~({name: {icontains: "ALI"}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({name: {startswith: "A_"}})~"), (ids_t{7}));
    EXPECT_EQ(items(R"~({name: {istartswith: "a_"}})~"), (ids_t{7}));
    EXPECT_EQ(items(R"~({name: {endswith: "%c"}})~"), (ids_t{7}));
    EXPECT_EQ(items(R"~({name: {iendswith: "RIEN"}})~"), (ids_t{5}));
    // like/ilike take the pattern as given.
    EXPECT_EQ(items(R"~({name: {like: "A%"}})~"), (ids_t{1, 7}));
    EXPECT_EQ(items(R"~({name: {ilike: "a%"}})~"), (ids_t{1, 7}));
    EXPECT_EQ(items(R"~({name: {like: "A_b\\%c"}})~"), (ids_t{7}));
    // matches/imatches/notMatches: POSIX regular expressions.
    EXPECT_EQ(items(R"~({name: {matches: "^[A-Z]"}})~"), (ids_t{1, 3, 5, 7}));
    EXPECT_EQ(items(R"~({name: {imatches: "^b"}})~"), (ids_t{2, 10}));
    EXPECT_EQ(items(R"~({name: {notMatches: "^[A-Z]"}})~"), (ids_t{2, 4, 6, 8, 9, 10}));
    EXPECT_EQ(items(R"~({name: {eq: "Zoë"}})~"), (ids_t{3}));
    EXPECT_EQ(items(R"~({name: {eq: "太郎 🎉"}})~"), (ids_t{6}));
    EXPECT_EQ(items(R"~({name: {startswith: "太"}})~"), (ids_t{6}));
}

TEST_P(where_pg, id_compares_as_text_whatever_the_json_type) {
    EXPECT_EQ(items(R"~({code: {eq: "42"}})~"), (ids_t{2})); // stored as the number 42
    EXPECT_EQ(items(R"~({code: {eq: 42}})~"), (ids_t{2}));
    EXPECT_EQ(items(R"~({code: {in: ["A-1", "42"]}})~"), (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({code: {isnull: true}})~"), minus(all_items(), {1, 2, 3}));
    EXPECT_EQ(items(R"~({code: {startswith: "A-"}})~"), (ids_t{1}));
}

TEST_P(where_pg, numbers_compare_numerically) {
    EXPECT_EQ(items(R"~({count: {eq: 10}})~"), (ids_t{2}));
    EXPECT_EQ(items(R"~({count: {neq: 10}})~"), (ids_t{1, 3, 5, 6}));
    EXPECT_EQ(items(R"~({count: {gt: 9}})~"), (ids_t{2, 3})); // text would put "100" < "9"
    EXPECT_EQ(items(R"~({count: {gte: 0}})~"), (ids_t{1, 2, 3, 6}));
    EXPECT_EQ(items(R"~({count: {lt: 1}})~"), (ids_t{5, 6}));
    EXPECT_EQ(items(R"~({count: {lte: -3}})~"), (ids_t{5}));
    EXPECT_EQ(items(R"~({count: {in: [1, 100]}})~"), (ids_t{1, 3}));
    EXPECT_EQ(items(R"~({count: {nin: [1, 100]}})~"), (ids_t{2, 5, 6}));
    EXPECT_EQ(items(R"~({count: {in: []}})~"), (ids_t{}));
    EXPECT_EQ(items(R"~({count: {nin: []}})~"), all_items());
    EXPECT_EQ(items(R"~({count: {isnull: true}})~"), (ids_t{4, 7, 8, 9, 10}));
    EXPECT_EQ(items(R"~({count: {isnull: false}})~"), (ids_t{1, 2, 3, 5, 6}));
    EXPECT_EQ(items(R"~({count: {gt: 5, lt: 3}})~"), (ids_t{}));
    // Float: 0.1 is 0.1 (not its 17-digit expansion); 1e-7 and 100 numerically.
    EXPECT_EQ(items(R"~({price: {eq: 0.1}})~"), (ids_t{5}));
    EXPECT_EQ(items(R"~({price: {eq: 1e-7}})~"), (ids_t{6}));
    EXPECT_EQ(items(R"~({price: {gt: 9.75}})~"), (ids_t{2, 3}));
    EXPECT_EQ(items(R"~({price: {lt: 1}})~"), (ids_t{5, 6}));
    EXPECT_EQ(items(R"~({price: {in: [0.1, 100]}})~"), (ids_t{3, 5}));
    // Decimal: exact, 2.50 = 2.5, beyond double precision.
    EXPECT_EQ(items(R"~({amount: {eq: "12345678901234567890.123456789"}})~"), (ids_t{2}));
    EXPECT_EQ(items(R"~({amount: {eq: "12345678901234567890.12345678"}})~"), (ids_t{}));
    EXPECT_EQ(items(R"~({amount: {eq: "2.5"}})~"), (ids_t{3}));
    EXPECT_EQ(items(R"~({amount: {gt: "1"}})~"), (ids_t{2, 3}));
    EXPECT_EQ(items(R"~({amount: {lt: 0}})~"), (ids_t{6}));
    EXPECT_EQ(items(R"~({amount: {in: ["0.10", "-1.5"]}})~"), (ids_t{1, 6}));
    // BigInt above 2^53: 9007199254740993 is not 9007199254740992.
    EXPECT_EQ(items(R"~({big: {eq: "9007199254740993"}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({big: {eq: "9007199254740992"}})~"), (ids_t{}));
    EXPECT_EQ(items(R"~({big: {gt: "9007199254740992"}})~"), (ids_t{1, 7}));
    EXPECT_EQ(items(R"~({big: {gte: "9223372036854775807"}})~"), (ids_t{7}));
    EXPECT_EQ(items(R"~({big: {lt: 0}})~"), (ids_t{3}));
}

TEST_P(where_pg, booleans_and_uuids) {
    EXPECT_EQ(items(R"~({active: {eq: true}})~"), (ids_t{1, 4}));
    EXPECT_EQ(items(R"~({active: {eq: false}})~"), (ids_t{2}));
    EXPECT_EQ(items(R"~({active: {neq: true}})~"), (ids_t{2}));
    EXPECT_EQ(items(R"~({active: {isnull: true}})~"), (ids_t{3, 5, 6, 7, 8, 9, 10}));
    // UUIDs compare as UUIDs: case does not matter on either side.
    EXPECT_EQ(items(R"~({uid: {eq: "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({uid: {eq: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12"}})~"), (ids_t{2}));
    EXPECT_EQ(items(R"~({uid: {in: ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12"]}})~"),
              (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({uid: {nin: ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"]}})~"), (ids_t{2}));
    EXPECT_EQ(items(R"~({uid: {neq: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}})~"), (ids_t{2}));
    EXPECT_EQ(items(R"~({uid: {isnull: false}})~"), (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({id: {eq: "00000000-0000-0000-0000-000000000007"}})~"), (ids_t{7}));
}

TEST_P(where_pg, dates_times_and_time_zones) {
    EXPECT_EQ(items(R"~({day: {eq: "2024-02-29"}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({day: {gt: "2024-01-01"}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({day: {gte: "2024-01-01"}})~"), (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({day: {lt: "2024-01-01"}})~"), (ids_t{3}));
    EXPECT_EQ(items(R"~({day: {in: ["2023-12-31", "2024-02-29"]}})~"), (ids_t{1, 3}));
    EXPECT_EQ(items(R"~({day: {nin: ["2023-12-31"]}})~"), (ids_t{1, 2}));
    // 2024-03-10T23:30:00-05:00 and 2024-03-11T04:30:00Z are the same instant.
    EXPECT_EQ(items(R"~({at: {eq: "2024-03-11T04:30:00Z"}})~"), (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({at: {eq: "2024-03-11T06:30:00+02:00"}})~"), (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({at: {neq: "2024-03-11T04:30:00Z"}})~"), (ids_t{3}));
    // Row 3 is 2023-12-31T22:00Z, although its text starts with "2024-01-01".
    EXPECT_EQ(items(R"~({at: {gt: "2023-12-31T23:00:00Z"}})~"), (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({at: {lt: "2023-12-31T23:00:00Z"}})~"), (ids_t{3}));
    EXPECT_EQ(items(R"~({at: {lte: "2023-12-31T22:00:00Z"}})~"), (ids_t{3}));
    EXPECT_EQ(items(R"~({at: {gte: "2024-03-10T23:30:00-05:00"}})~"), (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({at: {in: ["2023-12-31T22:00:00Z"]}})~"), (ids_t{3}));
    EXPECT_EQ(items(R"~({clock: {eq: "08:30"}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({clock: {gt: "08:00"}})~"), (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({clock: {lt: "08:30:00"}})~"), (ids_t{3}));
    EXPECT_EQ(items(R"~({clock: {isnull: true}})~"), minus(all_items(), {1, 2, 3}));
}

TEST_P(where_pg, json_operators) {
    EXPECT_EQ(items(R"~({meta: {eq: {a: 2}}})~"), (ids_t{2}));
    EXPECT_EQ(items(R"~({meta: {neq: {a: 2}}})~"), (ids_t{1})); // a JSON null is null: not 3
    EXPECT_EQ(items(R"~({meta: {isnull: true}})~"), minus(all_items(), {1, 2}));
    EXPECT_EQ(items(R"~({meta: {contains: {a: 1}}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({meta: {containedBy: {a: 2, c: 3}}})~"), (ids_t{2}));
    EXPECT_EQ(items(R"~({meta: {hasKey: "k'ey"}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({meta: {hasKey: "a"}})~"), (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({meta: {hasAnyKeys: ["zz", "b"]}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({meta: {hasAllKeys: ["a", "b"]}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({meta: {pathExists: "$.b[*] ? (@ == true)"}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({meta: {pathMatch: "$.a > 1"}})~"), (ids_t{2}));
}

TEST_P(where_pg, network_addresses) {
    EXPECT_EQ(items(R"~({ip: {isPrivate: true}})~"), (ids_t{1, 2, 4, 6}));
    EXPECT_EQ(items(R"~({ip: {isPrivate: false}})~"), (ids_t{3, 5, 7}));
    EXPECT_EQ(items(R"~({ip: {isPublic: true}})~"), (ids_t{3, 5, 7})); // 172.32.0.1 is outside 172.16/12
    EXPECT_EQ(items(R"~({ip: {isPublic: false}})~"), (ids_t{1, 2, 4, 6}));
    EXPECT_EQ(items(R"~({ip: {isIPv4: true}})~"), (ids_t{1, 2, 3, 6, 7}));
    EXPECT_EQ(items(R"~({ip: {isIPv4: false}})~"), (ids_t{4, 5}));
    EXPECT_EQ(items(R"~({ip: {isIPv6: true}})~"), (ids_t{4, 5}));
    EXPECT_EQ(items(R"~({ip: {isIPv6: false}})~"), (ids_t{1, 2, 3, 6, 7}));
    EXPECT_EQ(items(R"~({ip: {inSubnet: "10.0.0.0/8"}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({ip: {inSubnet: "172.16.0.0/12"}})~"), (ids_t{6}));
    EXPECT_EQ(items(R"~({ip: {inSubnet: "fc00::/7"}})~"), (ids_t{4}));
    EXPECT_EQ(items(R"~({ip: {inRange: {from: "172.16.0.0", to: "172.31.255.255"}}})~"), (ids_t{6}));
    EXPECT_EQ(items(R"~({ip: {inRange: {from: "8.8.8.8", to: "192.168.1.1"}}})~"), (ids_t{1, 2, 3, 6, 7}));
    EXPECT_EQ(items(R"~({ip: {eq: "192.168.1.1"}})~"), (ids_t{2}));
    EXPECT_EQ(items(R"~({ip: {neq: "192.168.1.1"}})~"), (ids_t{1, 3, 4, 5, 6, 7}));
    EXPECT_EQ(items(R"~({ip: {in: ["8.8.8.8", "fd12:0::1"]}})~"), (ids_t{3, 4}));
    EXPECT_EQ(items(R"~({ip: {nin: ["8.8.8.8"]}})~"), (ids_t{1, 2, 4, 5, 6, 7}));
    EXPECT_EQ(items(R"~({ip: {isnull: true}})~"), (ids_t{8, 9, 10}));
    EXPECT_EQ(items(R"~({net: {eq: "10.0.0.0/8"}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({net: {inSubnet: "10.0.0.0/7"}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({net: {inSubnet: "192.168.0.0/16"}})~"), (ids_t{2}));
    EXPECT_EQ(items(R"~({net: {isIPv6: true}})~"), (ids_t{3}));
    EXPECT_EQ(items(R"~({mac: {eq: "08002b010204"}})~"), (ids_t{2}));
    EXPECT_EQ(items(R"~({mac: {neq: "08:00:2b:01:02:03"}})~"), (ids_t{2, 3}));
    EXPECT_EQ(items(R"~({mac: {in: ["08:00:2b:01:02:03", "08:00:2b:01:02:05"]}})~"), (ids_t{1, 3}));
    EXPECT_EQ(items(R"~({mac: {nin: ["08:00:2b:01:02:03"]}})~"), (ids_t{2, 3}));
}

TEST_P(where_pg, ltree_and_date_ranges) {
    EXPECT_EQ(items(R"~({path: {eq: "top"}})~"), (ids_t{3}));
    EXPECT_EQ(items(R"~({path: {neq: "top"}})~"), (ids_t{1, 2, 4}));
    EXPECT_EQ(items(R"~({path: {gt: "top"}})~"), (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({path: {lt: "top"}})~"), (ids_t{4}));
    EXPECT_EQ(items(R"~({path: {in: ["top", "other.science"]}})~"), (ids_t{3, 4}));
    EXPECT_EQ(items(R"~({path: {descendantOf: "top.science"}})~"), (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({path: {ancestorOf: "top.science.astronomy"}})~"), (ids_t{1, 2, 3}));
    EXPECT_EQ(items(R"~({path: {matchesLquery: "*.science.*"}})~"), (ids_t{1, 2, 4}));
    EXPECT_EQ(items(R"~({path: {matchesLtxtquery: "astronomy"}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({path: {nlevelEq: 2}})~"), (ids_t{2, 4}));
    EXPECT_EQ(items(R"~({path: {nlevelGt: 1}})~"), (ids_t{1, 2, 4}));
    EXPECT_EQ(items(R"~({path: {nlevelLte: 2}})~"), (ids_t{2, 3, 4}));
    EXPECT_EQ(items(R"~({period: {eq: "[2024-01-01,2024-01-31]"}})~"), (ids_t{1})); // canonical form
    EXPECT_EQ(items(R"~({period: {eq: "empty"}})~"), (ids_t{3}));
    EXPECT_EQ(items(R"~({period: {containsDate: "2024-01-22"}})~"), (ids_t{1, 4}));
    EXPECT_EQ(items(R"~({period: {overlaps: "[2024-01-31,2024-02-02)"}})~"), (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({period: {adjacent: "[2024-03-01,2024-04-01)"}})~"), (ids_t{2}));
    EXPECT_EQ(items(R"~({period: {strictlyLeft: "[2024-02-01,)"}})~"), (ids_t{1, 4}));
    EXPECT_EQ(items(R"~({period: {strictlyRight: "(,2024-01-10)"}})~"), (ids_t{2, 4}));
    EXPECT_EQ(items(R"~({period: {notLeft: "[2024-01-15,2024-01-16)"}})~"), (ids_t{2, 4}));
    EXPECT_EQ(items(R"~({period: {notRight: "[2024-01-15,2024-01-31)"}})~"), (ids_t{4}));
}

TEST_P(where_pg, full_text_search) {
    EXPECT_EQ(items(R"~({body: {matches: "fat & cat"}})~"), (ids_t{1, 3}));
    EXPECT_EQ(items(R"~({body: {plainQuery: "fat rats"}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({body: {phraseQuery: "fat rats"}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({body: {phraseQuery: "fat cats"}})~"), (ids_t{3}));
    EXPECT_EQ(items(R"~({body: {websearchQuery: "cat -dog"}})~"), (ids_t{1, 3}));
    EXPECT_EQ(items(R"~({body: {websearchQuery: "\"barks at\""}})~"), (ids_t{2}));
    // Not a regular expression: "^The" finds nothing special.
    EXPECT_EQ(items(R"~({body: {plainQuery: "^The"}})~"), (ids_t{}));
}

TEST_P(where_pg, enums) {
    EXPECT_EQ(items(R"~({status: {eq: ACTIVE}})~"), (ids_t{1, 5}));
    EXPECT_EQ(items(R"~({status: {neq: ACTIVE}})~"), (ids_t{2, 3}));
    EXPECT_EQ(items(R"~({status: {in: [INACTIVE, ARCHIVED]}})~"), (ids_t{2, 3}));
    EXPECT_EQ(items(R"~({status: {nin: [ACTIVE]}})~"), (ids_t{2, 3}));
    EXPECT_EQ(items(R"~({status: {isnull: true}})~"), (ids_t{4, 6, 7, 8, 9, 10}));
}

TEST_P(where_pg, jsonb_lists) {
    EXPECT_EQ(items(R"~({tags: {contains: ["a"]}})~"), (ids_t{1, 3, 4}));
    EXPECT_EQ(items(R"~({tags: {contains: ["a", "b"]}})~"), (ids_t{1, 4}));
    EXPECT_EQ(items(R"~({tags: {contains: []}})~"), (ids_t{1, 2, 3, 4, 6}));
    EXPECT_EQ(items(R"~({tags: {containedBy: ["a", "b"]}})~"), (ids_t{1, 2, 3}));
    EXPECT_EQ(items(R"~({tags: {strictlyContains: ["a"]}})~"), (ids_t{1, 4}));
    EXPECT_EQ(items(R"~({tags: {overlaps: ["c", "x,y"]}})~"), (ids_t{4, 6}));
    EXPECT_EQ(items(R"~({tags: {overlaps: []}})~"), (ids_t{}));
    EXPECT_EQ(items(R"~({tags: {eq: ["a", "b"]}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({tags: {neq: ["a", "b"]}})~"), (ids_t{2, 3, 4, 6})); // not the JSON null of 5
    EXPECT_EQ(items(R"~({tags: {lenEq: 0}})~"), (ids_t{2}));
    EXPECT_EQ(items(R"~({tags: {lenNeq: 0}})~"), (ids_t{1, 3, 4, 6}));
    EXPECT_EQ(items(R"~({tags: {lenGt: 1}})~"), (ids_t{1, 4, 6}));
    EXPECT_EQ(items(R"~({tags: {lenGte: 3}})~"), (ids_t{4}));
    EXPECT_EQ(items(R"~({tags: {lenLt: 2}})~"), (ids_t{2, 3}));
    EXPECT_EQ(items(R"~({tags: {lenLte: 1}})~"), (ids_t{2, 3}));
    EXPECT_EQ(items(R"~({tags: {anyEq: "{z}"}})~"), (ids_t{6}));
    EXPECT_EQ(items(R"~({tags: {allEq: "a"}})~"), (ids_t{2, 3})); // [] vacuously
    EXPECT_EQ(items(R"~({tags: {isnull: true}})~"), (ids_t{5, 7, 8, 9, 10}));
    EXPECT_EQ(items(R"~({scores: {anyEq: 3}})~"), (ids_t{1, 2, 5}));
    EXPECT_EQ(items(R"~({scores: {allEq: 3}})~"), (ids_t{2, 3, 5}));
    EXPECT_EQ(items(R"~({scores: {contains: [3]}})~"), (ids_t{1, 2, 5}));
    EXPECT_EQ(items(R"~({scores: {overlaps: [2, 9]}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({scores: {lenEq: 2}})~"), (ids_t{5}));
}

TEST_P(where_pg, nested_objects_and_key_rule) {
    EXPECT_EQ(items(R"~({address: {city: {eq: "Paris"}}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({address: {city: {icontains: "PAR"}}})~"), (ids_t{1, 5}));
    EXPECT_EQ(items(R"~({address: {city: {isnull: true}}})~"), (ids_t{3, 4, 6, 7, 8, 9, 10}));
    EXPECT_EQ(items(R"~({address: {geo: {country: {code: {in: ["FR"]}}}}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({address: {geo: {lat: {gt: 50}}}})~"), (ids_t{2}));
    EXPECT_EQ(items(R"~({address: {zip: {startswith: "0"}}})~"), (ids_t{3}));
    EXPECT_EQ(items(R"~({address: {OR: [{city: {eq: "Paris"}}, {geo: {country: {code: {eq: "DE"}}}}]}})~"),
              (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({address: {NOT: {city: {eq: "Paris"}}}})~"), minus(all_items(), {1}));
    EXPECT_EQ(items(R"~({addressLine1: {eq: "1 Main St"}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({odd: {eq: "odd"}})~"), (ids_t{1}));
}

TEST_P(where_pg, logic_and_null_semantics) {
    EXPECT_EQ(items("{}"), all_items());
    EXPECT_EQ(items("{AND: []}"), all_items());
    EXPECT_EQ(items("{OR: []}"), (ids_t{}));
    EXPECT_EQ(items("{NOT: {}}"), (ids_t{}));
    EXPECT_EQ(items(R"~({NOT: {count: {gt: 9}}})~"), (ids_t{1, 4, 5, 6, 7, 8, 9, 10}));
    EXPECT_EQ(items(R"~({NOT: {NOT: {name: {startswith: "A"}}}})~"), (ids_t{1, 7}));
    EXPECT_EQ(items(R"~({NOT: {NOT: {count: {gt: 9}}}})~"), (ids_t{2, 3}));
    EXPECT_EQ(items(R"~({OR: [{AND: [{count: {eq: 10}}, {active: {eq: false}}]}, {AND: [{count: {eq: 1}}, {status: {eq: ACTIVE}}]}]})~"),
              (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({AND: [{OR: [{count: {eq: 1}}, {count: {eq: 0}}]}, {active: {eq: true}}]})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({name: {startswith: "A"}, OR: [{count: {eq: 1}}, {count: {isnull: true}}]})~"), (ids_t{1, 7}));
    EXPECT_EQ(items(R"~({AND: [{status: {eq: ACTIVE}}, {status: {eq: INACTIVE}}]})~"), (ids_t{}));
}

TEST_P(where_pg, not_is_the_complement) {
    // docs/adr/0003-null-semantics.md: f and NOT f partition the rows, nulls included.
    const char* filters[] = {
        R"~({count: {gt: 9}})~", R"~({count: {eq: 10}})~", R"~({price: {lt: 1}})~",
        R"~({active: {eq: true}})~", R"~({name: {contains: "o"}})~", R"~({tags: {contains: ["a"]}})~",
        R"~({tags: {neq: ["a"]}})~", R"~({ip: {isPrivate: true}})~", R"~({ip: {isPublic: true}})~",
        R"~({address: {city: {eq: "Paris"}}})~", R"~({meta: {hasKey: "a"}})~",
        R"~({at: {gt: "2024-01-01T00:00:00Z"}})~", R"~({status: {in: [ACTIVE]}})~",
        R"~({OR: [{count: {gt: 9}}, {active: {eq: true}}]})~"};
    for (const char* f : filters) {
        ids_t yes = items(f), no = items(std::string("{NOT: ") + f + "}");
        ids_t both = yes;
        both.insert(both.end(), no.begin(), no.end());
        std::sort(both.begin(), both.end());
        EXPECT_EQ(both, all_items()) << f;
        EXPECT_EQ(ids(std::string("{ items(where: {NOT: {NOT: ") + f + "}}) { id } }"), yes) << f;
    }
}

TEST_P(where_pg, ordering_is_typed_with_nulls_placed) {
    auto order = [&](const std::string& ob) { return ordered("{ items(orderBy: " + ob + ") { id } }"); };
    EXPECT_EQ(order("[{count: ASC}]"), (ids_t{5, 6, 1, 2, 3, 4, 7, 8, 9, 10}));
    EXPECT_EQ(order("[{count: DESC}]"), (ids_t{10, 9, 8, 7, 4, 3, 2, 1, 6, 5}));
    EXPECT_EQ(order("[{count: ASC_NULLS_FIRST}]"), (ids_t{4, 7, 8, 9, 10, 5, 6, 1, 2, 3}));
    EXPECT_EQ(order("[{count: DESC_NULLS_LAST}]"), (ids_t{3, 2, 1, 6, 5, 10, 9, 8, 7, 4}));
    EXPECT_EQ(order("[{price: ASC}]"), (ids_t{6, 5, 1, 2, 3, 4, 7, 8, 9, 10}));
    EXPECT_EQ(order("[{amount: DESC_NULLS_LAST}]"), (ids_t{2, 3, 1, 6, 10, 9, 8, 7, 5, 4}));
    EXPECT_EQ(order("[{big: ASC_NULLS_LAST}]"), (ids_t{3, 2, 1, 7, 4, 5, 6, 8, 9, 10}));
    // Same instant for 1 and 2: the id breaks the tie, in the last key's direction (ties
    // under a DESC key run id DESC above: one (key, id) index serves both directions).
    EXPECT_EQ(order("[{at: ASC}]"), (ids_t{3, 1, 2, 4, 5, 6, 7, 8, 9, 10}));
    EXPECT_EQ(order("[{address: {geo: {lat: DESC_NULLS_LAST}}}]"), (ids_t{2, 1, 10, 9, 8, 7, 6, 5, 4, 3}));
    EXPECT_EQ(order("[{active: DESC_NULLS_LAST}, {count: DESC}]"), (ids_t{4, 1, 2, 10, 9, 8, 7, 3, 6, 5}));
    EXPECT_EQ(order("[{id: DESC}]"), (ids_t{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}));
}

TEST_P(where_pg, pagination_boundaries) {
    auto page = [&](const std::string& args) {
        return ordered("{ items(orderBy: [{count: ASC}]" + args + ") { id } }");
    };
    const ids_t full = page("");
    ASSERT_EQ(full.size(), 10u);
    ids_t joined;
    for (int off = 0; off < 12; off += 3) {
        ids_t p = page(", limit: 3, offset: " + std::to_string(off));
        EXPECT_EQ(p.size(), off < 9 ? 3u : 1u) << off;
        joined.insert(joined.end(), p.begin(), p.end());
    }
    EXPECT_EQ(joined, full);
    EXPECT_EQ(page(", limit: 0"), (ids_t{}));
    EXPECT_EQ(page(", offset: 10"), (ids_t{}));
    EXPECT_EQ(page(", offset: 2147483647"), (ids_t{}));
    EXPECT_EQ(page(", limit: 1, offset: 9"), (ids_t{10}));
    // max_page_size (1000 here) caps the limit; no limit means max_page_size.
    EXPECT_EQ(ids("{ machines(limit: 5000) { id } }").size(), 1000u);
    EXPECT_EQ(ids("{ machines { id } }").size(), 1000u);
    auto neg = errors("{ items(limit: -1) { id } }");
    ASSERT_EQ(neg.size(), 1u);
    EXPECT_NE(neg[0].find("BAD_USER_INPUT"), std::string::npos);
}

TEST_P(where_pg, single_object_root_field) {
    EXPECT_EQ(ids(R"~({ item(id: "00000000-0000-0000-0000-000000000003") { id } })~"), (ids_t{3}));
    EXPECT_EQ(ids(R"~({ item(id: "00000000-0000-0000-0000-0000000000ff") { id } })~"), (ids_t{}));
}

TEST_P(where_pg, injection_strings_are_data) {
    EXPECT_EQ(items(R"~({name: {eq: "O'Brien"}})~"), (ids_t{5}));
    EXPECT_EQ(items(R"~({name: {eq: "'; DROP TABLE x; --"}})~"), (ids_t{8}));
    EXPECT_EQ(items(R"~({name: {eq: "$1"}})~"), (ids_t{9}));
    EXPECT_EQ(items(R"~({name: {in: ["$1", "'; DROP TABLE x; --", "\\\\"]}})~"), (ids_t{8, 9}));
    EXPECT_EQ(items(R"~({name: {eq: "back\\slash"}})~"), (ids_t{10}));
    EXPECT_EQ(items(R"~({name: {contains: "' OR '1'='1"}})~"), (ids_t{}));
    EXPECT_EQ(items(R"~({name: {like: "%' OR '1'='1"}})~"), (ids_t{}));
    EXPECT_EQ(items(R"~({name: {matches: "'; SELECT 1; --"}})~"), (ids_t{}));
    // A value PostgreSQL rejects (an unbalanced regular expression) fails cleanly with the
    // server's message: it is a parameter, it cannot change the statement.
    outcome bad = run(R"~({ items(where: {name: {matches: "'); SELECT 1; --"}}) { id } })~");
    EXPECT_TRUE(bad.errors.empty());
    EXPECT_NE(bad.db_error.find("invalid regular expression"), std::string::npos) << bad.db_error;
    EXPECT_EQ(items(R"~({name: {eq: "\"},{NULL}"}})~"), (ids_t{}));
    EXPECT_EQ(items(R"~({tags: {anyEq: "x,y"}})~"), (ids_t{6}));
    EXPECT_EQ(items(R"~({tags: {contains: ["{z}", "x,y"]}})~"), (ids_t{6}));
    EXPECT_EQ(items(R"~({meta: {hasKey: "'); --"}})~"), (ids_t{}));
    EXPECT_EQ(items(R"~({address: {city: {eq: "Paris' OR 1=1 --"}}})~"), (ids_t{}));
    EXPECT_EQ(items(R"~({code: {in: ["a,b", "{c}", "NULL", " d "]}})~"), (ids_t{}));
    EXPECT_EQ(items(R"~({name: {eq: "Zo\u00eb"}})~"), (ids_t{3}));
    // Variables carry the same strings.
    EXPECT_EQ(ids("query ($n: [String!]) { items(where: {name: {in: $n}}) { id } }",
                  R"~({"n": ["O'Brien", "$1", "太郎 🎉", "back\\slash"]})~"),
              (ids_t{5, 6, 9, 10}));
    // NUL cannot be stored in PostgreSQL text: a clean BAD_USER_INPUT, not a database error.
    for (const char* q : {R"~({ items(where: {name: {eq: "a\u0000b"}}) { id } })~",
                          R"~({ items(where: {tags: {contains: ["\u0000"]}}) { id } })~",
                          R"~({ items(where: {meta: {contains: {k: "\u0000"}}}) { id } })~"}) {
        auto e = errors(q);
        ASSERT_EQ(e.size(), 1u) << q;
        EXPECT_NE(e[0].find("BAD_USER_INPUT"), std::string::npos) << e[0];
        EXPECT_NE(e[0].find("NUL"), std::string::npos) << e[0];
    }
    auto e = errors("query ($w: ItemWhereInput) { items(where: $w) { id } }",
                    R"~({"w": {"meta": {"contains": {"k\u0000": 1}}}})~");
    ASSERT_EQ(e.size(), 1u);
    EXPECT_NE(e[0].find("BAD_USER_INPUT"), std::string::npos) << e[0];
    // An explicit null operator points to isnull instead of matching everything.
    e = errors(R"~({ items(where: {name: {eq: null}}) { id } })~");
    ASSERT_EQ(e.size(), 1u);
    EXPECT_NE(e[0].find("isnull"), std::string::npos) << e[0];
    e = errors(R"~(query ($v: String) { items(where: {name: {eq: $v}}) { id } })~", R"~({"v": null})~");
    ASSERT_EQ(e.size(), 1u);
    EXPECT_NE(e[0].find("isnull"), std::string::npos) << e[0];
    // The data survived all of the above.
    EXPECT_EQ(items("{}"), all_items());
}

// ---- the hybrid table (product.md §3.3, the original's issue #124 family) -------------------

TEST_P(where_pg, hybrid_columns_and_foreign_keys) {
    // The UUIDs of the seed, fetched from the server.
    first_column_sink sink;
    pg::statement st{"SELECT md5('model1')::uuid::text UNION ALL SELECT md5('model0')::uuid::text "
                     "UNION ALL SELECT md5('loc2')::uuid::text UNION ALL SELECT md5('loc1')::uuid::text",
                     {}, &sink};
    ASSERT_TRUE(fraiseql::test::run(io_, conn_->run(std::span(&st, 1), pg::clock::now() + 10s)));
    ASSERT_EQ(sink.values.size(), 4u);
    const std::string M1 = *sink.values[0], M0 = *sink.values[1], L2 = *sink.values[2], L1 = *sink.values[3];
    auto q = [](const std::string& s) { return "\"" + s + "\""; };

    ids_t r = machines("{model: {id: {eq: " + q(M1) + "}}}");
    EXPECT_EQ(r, oracle("model_id = md5('model1')::uuid"));
    EXPECT_FALSE(r.empty());
    // Two FK columns on one table.
    r = machines("{model: {id: {eq: " + q(M1) + "}}, location: {id: {eq: " + q(L2) + "}}}");
    EXPECT_EQ(r, oracle("model_id = md5('model1')::uuid AND location_id = md5('loc2')::uuid"));
    EXPECT_FALSE(r.empty());
    // FK IS NULL / IS NOT NULL.
    EXPECT_EQ(machines("{model: {id: {isnull: true}}}"), oracle("model_id IS NULL"));
    EXPECT_EQ(machines("{location: {id: {isnull: false}}}"), oracle("location_id IS NOT NULL"));
    EXPECT_EQ(machines("{model: {id: {in: [" + q(M0) + ", " + q(M1) + "]}}}"),
              oracle("model_id IN (md5('model0')::uuid, md5('model1')::uuid)"));
    EXPECT_EQ(machines("{model: {id: {nin: [" + q(M0) + "]}}}"), oracle("model_id <> md5('model0')::uuid"));
    // FK + a regular column.
    r = machines("{model: {id: {eq: " + q(M1) + "}}, status: {eq: ACTIVE}}");
    EXPECT_EQ(r, oracle("model_id = md5('model1')::uuid AND status = 'ACTIVE'"));
    EXPECT_FALSE(r.empty());
    // FK + another key of the same nested object (that one from the document).
    r = machines("{model: {id: {eq: " + q(M1) + "}, name: {eq: \"Model_1\"}}}");
    EXPECT_EQ(r, oracle("model_id = md5('model1')::uuid AND n % 2 = 1 AND n % 4 <> 0"));
    EXPECT_FALSE(r.empty());
    // Complex AND/OR with FKs and columns at depth.
    r = machines("{OR: [{AND: [{model: {id: {eq: " + q(M0) + "}}}, {status: {eq: ACTIVE}}]}, "
                 "{AND: [{location: {id: {eq: " + q(L1) + "}}}, {priority: {gte: 5}}]}]}");
    EXPECT_EQ(r, oracle("(model_id = md5('model0')::uuid AND status = 'ACTIVE') OR "
                        "(location_id = md5('loc1')::uuid AND priority >= 5)"));
    EXPECT_GT(r.size(), 100u);
    // Impossible conditions: no rows.
    EXPECT_EQ(machines("{priority: {gt: 5, lt: 3}}"), (ids_t{}));
    EXPECT_EQ(machines("{AND: [{status: {eq: ACTIVE}}, {status: {eq: INACTIVE}}]}"), (ids_t{}));
    EXPECT_EQ(machines("{model: {id: {eq: " + q(M1) + "}}, AND: [{model: {id: {isnull: true}}}]}"), (ids_t{}));
    // String operators on nested JSONB (with `_` taken literally).
    EXPECT_EQ(machines("{model: {name: {startswith: \"Model_1\"}}}"), oracle("n % 2 = 1 AND n % 4 <> 0"));
    EXPECT_EQ(machines("{location: {name: {icontains: \"LOC 3\"}}}"), oracle("n % 5 = 3 AND n % 6 <> 0"));
    EXPECT_EQ(machines("{notes: {contains: \"#10\"}}"), oracle("n % 2 = 0 AND n::text LIKE '10%'"));
    // Double NOT, and NOT over an FK (nulls included: "must not match").
    EXPECT_EQ(machines("{NOT: {NOT: {model: {id: {eq: " + q(M1) + "}}}}}"), oracle("model_id = md5('model1')::uuid"));
    EXPECT_EQ(machines("{NOT: {model: {id: {eq: " + q(M1) + "}}}}"),
              oracle("model_id IS DISTINCT FROM md5('model1')::uuid"));
    // Array column operators.
    EXPECT_EQ(machines("{labels: {contains: [\"l1\"]}}"), oracle("labels @> '{l1}'"));
    EXPECT_EQ(machines("{labels: {lenEq: 0}}"), oracle("labels = '{}'"));
    EXPECT_EQ(machines("{labels: {isnull: true}}"), oracle("labels IS NULL"));
    EXPECT_EQ(machines("{labels: {anyEq: \"l2\"}}"), oracle("'l2' = ANY(labels)"));
    EXPECT_EQ(machines("{labels: {overlaps: [\"l0\", \"l3\"]}}"), oracle("labels && '{l0,l3}'"));
    EXPECT_EQ(machines("{labels: {eq: [\"l1\", \"common\"]}}"), oracle("labels = '{l1,common}'"));
    EXPECT_EQ(machines("{labels: {lenGt: 1}}"), oracle("cardinality(labels) > 1"));
    // Columns typed by PostgreSQL, JSONB values typed by the schema.
    EXPECT_EQ(machines("{createdAt: {gte: \"2024-01-02T00:00:00+01:00\", lt: \"2024-01-02T03:00:00Z\"}}"),
              oracle("created_at >= '2024-01-01 23:00+00' AND created_at < '2024-01-02 03:00+00'"));
    EXPECT_EQ(machines("{rating: {gt: 4.8}}"), oracle("n % 50 = 49"));
    EXPECT_EQ(machines("{priority: {isnull: true}, n: {lt: 35}}"), oracle("priority IS NULL AND n < 35"));
}

TEST_P(where_pg, hybrid_literal_and_variables_agree) {
    first_column_sink sink;
    pg::statement st{"SELECT md5('model1')::uuid::text", {}, &sink};
    ASSERT_TRUE(fraiseql::test::run(io_, conn_->run(std::span(&st, 1), pg::clock::now() + 10s)));
    const std::string M1 = *sink.values.at(0);
    const std::string lit = "{ machines(where: {OR: [{model: {id: {eq: \"" + M1 +
                            "\"}}, priority: {gt: 4}}, {NOT: {status: {in: [ACTIVE, INACTIVE]}}}]}) { id } }";
    const std::string var = "query ($m: UUID!, $p: Int, $s: [Status!]) { machines(where: {OR: [{model: "
                            "{id: {eq: $m}}, priority: {gt: $p}}, {NOT: {status: {in: $s}}}]}) { id } }";
    const std::string vars = R"~({"m": ")~" + M1 + R"~(", "p": 4, "s": ["ACTIVE", "INACTIVE"]})~";
    outcome a = run(lit), b = run(var, vars);
    EXPECT_EQ(a.sql, b.sql);
    EXPECT_EQ(a.params, b.params);
    EXPECT_EQ(a.ids, b.ids);
    EXPECT_EQ(ids(lit), oracle("(model_id = md5('model1')::uuid AND priority > 4) OR status IS NULL"));
    // The whole where as one variable.
    const std::string whole = "query ($w: MachineWhereInput) { machines(where: $w) { id } }";
    const std::string wvars = R"~({"w": {"OR": [{"model": {"id": {"eq": ")~" + M1 +
                              R"~("}}, "priority": {"gt": 4}}, {"NOT": {"status": {"in": ["ACTIVE", "INACTIVE"]}}}]}})~";
    outcome c = run(whole, wvars);
    EXPECT_EQ(a.sql, c.sql);
    EXPECT_EQ(a.params, c.params);
    EXPECT_EQ(a.ids, c.ids);
}

TEST_P(where_pg, hybrid_ordering_and_pages_over_1000_rows) {
    const ids_t expected = oracle("TRUE", "priority DESC NULLS LAST, id DESC");
    ASSERT_EQ(expected.size(), 1000u);
    ids_t joined;
    for (int off = 0; off < 1000; off += 90) {
        ids_t p = ordered("{ machines(orderBy: [{priority: DESC_NULLS_LAST}], limit: 90, offset: " +
                          std::to_string(off) + ") { id } }");
        joined.insert(joined.end(), p.begin(), p.end());
    }
    EXPECT_EQ(joined, expected);
    // Nested orderBy through the FK column, then a JSONB number.
    EXPECT_EQ(ordered("{ machines(where: {n: {lte: 40}}, orderBy: [{model: {id: ASC_NULLS_FIRST}}, {rating: DESC}]) { id } }"),
              oracle("n <= 40", "model_id ASC NULLS FIRST, (n % 50) DESC, id DESC"));
    EXPECT_EQ(ordered("{ machines(where: {status: {eq: ACTIVE}}, orderBy: [{createdAt: DESC}], limit: 3) { id } }"),
              (ids_t{999, 996, 993}));
}

// Every operator of §3.2 on every type it applies to, by rows: the operators the tests above
// do not already prove one by one (ID beyond the basics, the remaining number, date/time,
// CIDR, MacAddress, LTree, DateRange and typed-list operators, and the array-column ones).
TEST_P(where_pg, every_remaining_operator_of_every_type) {
    // ID: the String operators, on text and on a document number (42) alike.
    EXPECT_EQ(items(R"~({code: {neq: "z"}})~"), (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({code: {nin: ["z"]}})~"), (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({code: {contains: "-"}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({code: {icontains: "a-"}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({code: {istartswith: "a"}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({code: {endswith: "2"}})~"), (ids_t{2}));
    EXPECT_EQ(items(R"~({code: {iendswith: "Z"}})~"), (ids_t{3}));
    EXPECT_EQ(items(R"~({code: {like: "4_"}})~"), (ids_t{2}));
    EXPECT_EQ(items(R"~({code: {ilike: "a%"}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({code: {matches: "^[0-9]+$"}})~"), (ids_t{2}));
    EXPECT_EQ(items(R"~({code: {imatches: "^Z$"}})~"), (ids_t{3}));
    EXPECT_EQ(items(R"~({code: {notMatches: "^[0-9]+$"}})~"), (ids_t{1, 3}));
    // Float.
    EXPECT_EQ(items(R"~({price: {neq: 10}})~"), (ids_t{1, 3, 5, 6}));
    EXPECT_EQ(items(R"~({price: {gte: 10}})~"), (ids_t{2, 3}));
    EXPECT_EQ(items(R"~({price: {lte: 0.1}})~"), (ids_t{5, 6}));
    EXPECT_EQ(items(R"~({price: {nin: [0.1, 100]}})~"), (ids_t{1, 2, 6}));
    EXPECT_EQ(items(R"~({price: {isnull: true}})~"), (ids_t{4, 7, 8, 9, 10}));
    EXPECT_EQ(items(R"~({price: {isnull: false}})~"), (ids_t{1, 2, 3, 5, 6}));
    // Decimal, exact beyond double precision.
    EXPECT_EQ(items(R"~({amount: {neq: "2.5"}})~"), (ids_t{1, 2, 6}));
    EXPECT_EQ(items(R"~({amount: {gte: "2.50"}})~"), (ids_t{2, 3}));
    EXPECT_EQ(items(R"~({amount: {lte: "0.1"}})~"), (ids_t{1, 6}));
    EXPECT_EQ(items(R"~({amount: {lt: "12345678901234567890.123456789"}})~"), (ids_t{1, 3, 6}));
    EXPECT_EQ(items(R"~({amount: {gt: "12345678901234567890.123456788"}})~"), (ids_t{2}));
    EXPECT_EQ(items(R"~({amount: {nin: ["0.1", "2.50"]}})~"), (ids_t{2, 6}));
    EXPECT_EQ(items(R"~({amount: {isnull: true}})~"), (ids_t{4, 5, 7, 8, 9, 10}));
    // BigInt at the int8 extremes.
    EXPECT_EQ(items(R"~({big: {neq: "9007199254740993"}})~"), (ids_t{2, 3, 7}));
    EXPECT_EQ(items(R"~({big: {lte: 1}})~"), (ids_t{2, 3}));
    EXPECT_EQ(items(R"~({big: {lt: "9007199254740993"}})~"), (ids_t{2, 3}));
    EXPECT_EQ(items(R"~({big: {eq: "9223372036854775807"}})~"), (ids_t{7}));
    EXPECT_EQ(items(R"~({big: {in: ["9007199254740993", "-5"]}})~"), (ids_t{1, 3}));
    EXPECT_EQ(items(R"~({big: {nin: ["9007199254740993"]}})~"), (ids_t{2, 3, 7}));
    EXPECT_EQ(items(R"~({big: {isnull: true}})~"), (ids_t{4, 5, 6, 8, 9, 10}));
    // Boolean.
    EXPECT_EQ(items(R"~({active: {isnull: false}})~"), (ids_t{1, 2, 4}));
    // Date, DateTime (offsets honoured), Time.
    EXPECT_EQ(items(R"~({day: {neq: "2024-01-01"}})~"), (ids_t{1, 3}));
    EXPECT_EQ(items(R"~({day: {lte: "2024-01-01"}})~"), (ids_t{2, 3}));
    EXPECT_EQ(items(R"~({day: {isnull: true}})~"), minus(all_items(), {1, 2, 3}));
    EXPECT_EQ(items(R"~({day: {isnull: false}})~"), (ids_t{1, 2, 3}));
    EXPECT_EQ(items(R"~({at: {gte: "2024-01-01T00:00:00+02:00"}})~"), (ids_t{1, 2, 3}));
    EXPECT_EQ(items(R"~({at: {gt: "2024-01-01T00:00:00+02:00"}})~"), (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({at: {nin: ["2024-03-11T05:30:00+01:00"]}})~"), (ids_t{3}));
    EXPECT_EQ(items(R"~({at: {isnull: true}})~"), minus(all_items(), {1, 2, 3}));
    EXPECT_EQ(items(R"~({clock: {neq: "08:30"}})~"), (ids_t{2, 3}));
    EXPECT_EQ(items(R"~({clock: {gte: "08:30"}})~"), (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({clock: {lte: "08:30:00"}})~"), (ids_t{1, 3}));
    EXPECT_EQ(items(R"~({clock: {in: ["00:00", "23:59:59"]}})~"), (ids_t{2, 3}));
    EXPECT_EQ(items(R"~({clock: {nin: ["00:00"]}})~"), (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({clock: {isnull: false}})~"), (ids_t{1, 2, 3}));
    // CIDR: every IpAddress operator.
    EXPECT_EQ(items(R"~({net: {neq: "10.0.0.0/8"}})~"), (ids_t{2, 3}));
    EXPECT_EQ(items(R"~({net: {in: ["10.0.0.0/8", "2001:db8::/32"]}})~"), (ids_t{1, 3}));
    EXPECT_EQ(items(R"~({net: {nin: ["10.0.0.0/8"]}})~"), (ids_t{2, 3}));
    EXPECT_EQ(items(R"~({net: {isnull: true}})~"), minus(all_items(), {1, 2, 3}));
    EXPECT_EQ(items(R"~({net: {inRange: {from: "9.0.0.0", to: "11.0.0.0"}}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({net: {isPrivate: true}})~"), (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({net: {isPublic: true}})~"), (ids_t{3}));
    EXPECT_EQ(items(R"~({net: {isIPv4: true}})~"), (ids_t{1, 2}));
    EXPECT_EQ(items(R"~({net: {isIPv6: false}})~"), (ids_t{1, 2}));
    // MacAddress.
    EXPECT_EQ(items(R"~({mac: {isnull: true}})~"), minus(all_items(), {1, 2, 3}));
    EXPECT_EQ(items(R"~({mac: {isnull: false}})~"), (ids_t{1, 2, 3}));
    // LTree.
    EXPECT_EQ(items(R"~({path: {gte: "top"}})~"), (ids_t{1, 2, 3}));
    EXPECT_EQ(items(R"~({path: {lte: "top"}})~"), (ids_t{3, 4}));
    EXPECT_EQ(items(R"~({path: {nin: ["top"]}})~"), (ids_t{1, 2, 4}));
    EXPECT_EQ(items(R"~({path: {isnull: true}})~"), (ids_t{5, 6, 7, 8, 9, 10}));
    EXPECT_EQ(items(R"~({path: {nlevelGte: 2}})~"), (ids_t{1, 2, 4}));
    EXPECT_EQ(items(R"~({path: {nlevelLt: 2}})~"), (ids_t{3}));
    EXPECT_EQ(items(R"~({path: {nlevelEq: 3}})~"), (ids_t{1}));
    // DateRange.
    EXPECT_EQ(items(R"~({period: {neq: "empty"}})~"), (ids_t{1, 2, 4}));
    EXPECT_EQ(items(R"~({period: {isnull: true}})~"), (ids_t{5, 6, 7, 8, 9, 10}));
    // A list of Int in the document: every list operator.
    EXPECT_EQ(items(R"~({scores: {eq: [3, 3]}})~"), (ids_t{5}));
    EXPECT_EQ(items(R"~({scores: {neq: [3]}})~"), (ids_t{1, 3, 5}));
    EXPECT_EQ(items(R"~({scores: {isnull: true}})~"), (ids_t{4, 6, 7, 8, 9, 10}));
    EXPECT_EQ(items(R"~({scores: {containedBy: [1, 2, 3]}})~"), (ids_t{1, 2, 3, 5}));
    EXPECT_EQ(items(R"~({scores: {strictlyContains: [3]}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({scores: {lenNeq: 1}})~"), (ids_t{1, 3, 5}));
    EXPECT_EQ(items(R"~({scores: {lenGt: 1}})~"), (ids_t{1, 5}));
    EXPECT_EQ(items(R"~({scores: {lenGte: 2}})~"), (ids_t{1, 5}));
    EXPECT_EQ(items(R"~({scores: {lenLt: 1}})~"), (ids_t{3}));
    EXPECT_EQ(items(R"~({scores: {lenLte: 1}})~"), (ids_t{2, 3}));
    // A real text[] column: the list operators the hybrid test does not cover.
    EXPECT_EQ(machines(R"~({labels: {neq: ["l1", "common"]}})~"), oracle("labels <> '{l1,common}'"));
    EXPECT_EQ(machines(R"~({labels: {containedBy: ["l1", "common"]}})~"), oracle("labels <@ '{l1,common}'"));
    EXPECT_EQ(machines(R"~({labels: {strictlyContains: ["common"]}})~"),
              oracle("labels @> '{common}' AND NOT labels <@ '{common}'"));
    EXPECT_EQ(machines(R"~({labels: {lenNeq: 0}})~"), oracle("cardinality(labels) <> 0"));
    EXPECT_EQ(machines(R"~({labels: {lenGte: 2}})~"), oracle("cardinality(labels) >= 2"));
    EXPECT_EQ(machines(R"~({labels: {lenLt: 2}})~"), oracle("cardinality(labels) < 2"));
    EXPECT_EQ(machines(R"~({labels: {lenLte: 0}})~"), oracle("cardinality(labels) <= 0"));
    EXPECT_EQ(machines(R"~({labels: {allEq: "common"}})~"), oracle("'common' = ALL(labels)"));
    EXPECT_FALSE(machines(R"~({labels: {lenLte: 0}})~").empty());
}

TEST_P(where_pg, injection_in_key_names_and_more_value_positions) {
    // JSON keys are values too: quotes, backslashes and unicode in keys of a JSON filter.
    EXPECT_EQ(ids(R"~(query ($m: JSON) { items(where: {meta: {contains: $m}}) { id } })~",
                  R"~({"m": {"k'ey": "v"}})~"),
              (ids_t{1}));
    EXPECT_EQ(ids(R"~(query ($k: [String!]) { items(where: {meta: {hasAnyKeys: $k}}) { id } })~",
                  R"~({"k": ["'; DROP TABLE x; --", "$1", "ünï\\", "k'ey"]})~"),
              (ids_t{1}));
    EXPECT_EQ(ids(R"~(query ($m: JSON) { items(where: {meta: {eq: $m}}) { id } })~",
                  R"~({"m": {"a\"); --": "$1"}})~"),
              (ids_t{}));
    // Field names of the where input come only from the schema: an unknown one, whatever its
    // spelling, is a clean error (never SQL).
    for (const char* w : {R"~({"w": {"name'; --": {"eq": "x"}}})~", R"~({"w": {"nämé": {"eq": "x"}}})~",
                          R"~({"w": {"name": {"eq\"": "x"}}})~", R"~({"w": {"$1": {"eq": "x"}}})~"}) {
        auto e = errors("query ($w: ItemWhereInput) { items(where: $w) { id } }", w);
        EXPECT_EQ(e.size(), 1u) << w;
    }
    // Quotes, backslashes, $1, ;-- and unicode in the other value positions.
    EXPECT_EQ(items(R"~({code: {eq: "'; DROP TABLE x; --"}})~"), (ids_t{}));
    EXPECT_EQ(items(R"~({address: {city: {in: ["Paris", "\\'", "$1"]}}})~"), (ids_t{1}));
    EXPECT_EQ(items(R"~({body: {websearchQuery: "'; DROP TABLE x; -- \\ $1 ünï"}})~"), (ids_t{}));
    EXPECT_EQ(items(R"~({tags: {allEq: "'); --"}})~"), (ids_t{2})); // [] vacuously
    EXPECT_EQ(items(R"~({name: {ilike: "%\\\\%"}})~"), (ids_t{4, 10}));
    EXPECT_EQ(items(R"~({name: {endswith: "🎉"}})~"), (ids_t{6}));
    EXPECT_EQ(items(R"~({name: {icontains: "ZOË"}})~"), (ids_t{3}));
    // NUL in further positions: clean BAD_USER_INPUT.
    for (const char* q : {R"~({ items(where: {name: {like: "a\u0000"}}) { id } })~",
                          R"~({ items(where: {code: {in: ["x", "\u0000"]}}) { id } })~",
                          R"~({ items(where: {meta: {hasKey: "\u0000"}}) { id } })~",
                          R"~({ items(where: {address: {city: {startswith: "\u0000"}}}) { id } })~",
                          R"~({ items(where: {body: {plainQuery: "a\u0000"}}) { id } })~"}) {
        auto e = errors(q);
        ASSERT_EQ(e.size(), 1u) << q;
        EXPECT_NE(e[0].find("BAD_USER_INPUT"), std::string::npos) << e[0];
    }
    EXPECT_EQ(items("{}"), all_items());
}

TEST_P(where_pg, plain_relation) {
    EXPECT_EQ(ids(R"~({ plains(where: {label: {eq: "a"}}) { id } })~"), (ids_t{1, 4}));
    EXPECT_EQ(ids(R"~({ plains(where: {qty: {gt: 2}}) { id } })~"), (ids_t{1, 4}));
    EXPECT_EQ(ids(R"~({ plains(where: {info: {kind: {eq: "x"}, level: {gt: 5}}}) { id } })~"), (ids_t{4}));
    EXPECT_EQ(ids(R"~({ plains(where: {info: {level: {isnull: true}}}) { id } })~"), (ids_t{3}));
    EXPECT_EQ(ordered(R"~({ plains(orderBy: [{info: {level: DESC_NULLS_LAST}}]) { id } })~"), (ids_t{2, 4, 1, 3}));
}

INSTANTIATE_TEST_SUITE_P(backends, where_pg, fraiseql::test::all_backends(), fraiseql::test::backend_name{});

} // namespace
