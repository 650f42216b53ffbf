// Queries through pg::connection on a real server, both backends (issue #4: one body, two
// backends). Named libpq_* because they were written with the libpq backend; they are the
// same contract for the native one.
#include <cstring>

#include "libpq_fixture.hpp"

namespace fraiseql::test {
namespace {

using pg::errc;

class libpq_query : public backend_test {};

TEST_P(libpq_query, connects_and_reports_session_facts) {
    auto c = connect();
    ASSERT_TRUE(c);
    EXPECT_EQ(c->backend_name(), pg::to_string(GetParam()));
    EXPECT_FALSE(c->broken());
    EXPECT_EQ(c->parameter("server_version").substr(0, 2), "15");
    EXPECT_EQ(c->parameter("client_encoding"), "UTF8");
    EXPECT_EQ(c->parameter("no_such_parameter"), "");
    EXPECT_GT(c->backend_pid(), 0);
    EXPECT_EQ(scalar(*c, "SELECT pg_backend_pid()"), std::to_string(c->backend_pid()));
}

TEST_P(libpq_query, types_round_trip_as_text) {
    auto c = connect();
    ASSERT_TRUE(c);
    ASSERT_TRUE(simple(*c, "SET TimeZone = 'UTC'"));
    collect_sink s;
    std::vector<pg::param> p{
        pg::param::text("42"),
        pg::param::text("9223372036854775807"),
        pg::param::text("12345.678900"),
        pg::param::text("h\xc3\xa9llo 'quoted' \\ back"),
        pg::param::text("true"),
        pg::param::text("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
        pg::param::text("2024-02-29 12:34:56.789+02"),
        pg::param::text(R"({"b": [1, 2, null], "a": "x"})"),
        pg::param::text("{1,2,NULL}"),
        pg::param::null_value(pg::oid::text),
        pg::param::text("", pg::oid::text),
    };
    auto r = exec(*c,
                  "SELECT $1::int4, $2::int8, $3::numeric, $4::text, $5::bool, $6::uuid, "
                  "$7::timestamptz, $8::jsonb, $9::int4[], $10, $11",
                  p, &s);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(s.rows.size(), 1u);
    ASSERT_EQ(s.rows[0].size(), 11u);
    EXPECT_EQ(s.at(0, 0), "42");
    EXPECT_EQ(s.at(0, 1), "9223372036854775807");
    EXPECT_EQ(s.at(0, 2), "12345.678900");
    EXPECT_EQ(s.at(0, 3), "h\xc3\xa9llo 'quoted' \\ back");
    EXPECT_EQ(s.at(0, 4), "t");
    EXPECT_EQ(s.at(0, 5), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    EXPECT_EQ(s.at(0, 6), "2024-02-29 10:34:56.789+00");
    EXPECT_EQ(s.at(0, 7), R"({"a": "x", "b": [1, 2, null]})");
    EXPECT_EQ(s.at(0, 8), "{1,2,NULL}");
    EXPECT_FALSE(s.rows[0][9].has_value());
    ASSERT_TRUE(s.rows[0][10].has_value());
    EXPECT_EQ(*s.rows[0][10], "");
    const std::uint32_t oids[] = {pg::oid::int4, pg::oid::int8, pg::oid::numeric, pg::oid::text,
                                  pg::oid::bool_, pg::oid::uuid, pg::oid::timestamptz,
                                  pg::oid::jsonb, pg::oid::int4_array, pg::oid::text,
                                  pg::oid::text};
    ASSERT_EQ(s.columns.size(), 11u);
    for (std::size_t i = 0; i < 11; ++i) EXPECT_EQ(s.columns[i].type_oid, oids[i]) << i;
    EXPECT_EQ(s.tags, std::vector<std::string>{"SELECT 1"});
}

TEST_P(libpq_query, binary_parameters_and_results) {
    auto c = connect();
    ASSERT_TRUE(c);
    const char be[4] = {0, 0, 0x01, 0x02}; // 258, network byte order
    std::vector<pg::param> p{pg::param{std::string_view(be, 4), false, pg::oid::int4,
                                       pg::format::binary}};
    collect_sink s;
    pg::statement st{"SELECT $1::int4 + 1, 'x'::text", p, &s, pg::format::binary};
    auto r = run(io_, c->run(std::span<const pg::statement>(&st, 1), in(5s)));
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(s.rows.size(), 1u);
    const std::string v = s.at(0, 0);
    ASSERT_EQ(v.size(), 4u);
    EXPECT_EQ(std::string(v), std::string("\0\0\x01\x03", 4));
    EXPECT_EQ(s.at(0, 1), "x");
    EXPECT_EQ(s.columns.at(0).fmt, pg::format::binary);
}

TEST_P(libpq_query, one_mebibyte_value) {
    auto c = connect();
    ASSERT_TRUE(c);
    std::string big(1 << 20, 'y');
    big[12345] = 'z';
    collect_sink s;
    ASSERT_TRUE(exec(*c, "SELECT $1::text, length($1::text)", {pg::param::text(big)}, &s));
    ASSERT_EQ(s.rows.size(), 1u);
    EXPECT_EQ(s.at(0, 0), big);
    EXPECT_EQ(s.at(0, 1), std::to_string(1 << 20));
}

TEST_P(libpq_query, server_error_fields) {
    auto c = connect();
    ASSERT_TRUE(c);
    auto r = exec(*c, "SELECT 1/0");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::server_error);
    EXPECT_EQ(r.error().server().code, pg::sqlstate::division_by_zero());
    EXPECT_EQ(r.error().server().severity, "ERROR");
    EXPECT_EQ(r.error().server().message, "division by zero");
    EXPECT_FALSE(r.error().server().file.empty());
    EXPECT_GT(r.error().server().line, 0);
    EXPECT_FALSE(r.error().server().routine.empty());

    auto syntax = exec(*c, "SELECT * FRM nowhere");
    ASSERT_FALSE(syntax);
    EXPECT_EQ(syntax.error().server().code, pg::sqlstate::syntax_error());
    EXPECT_EQ(syntax.error().server().position, 10);

    ASSERT_TRUE(simple(*c, "CREATE TEMP TABLE t_err (id int CONSTRAINT t_err_pk PRIMARY KEY, "
                           "n int CONSTRAINT n_pos CHECK (n > 0))"));
    ASSERT_TRUE(exec(*c, "INSERT INTO t_err VALUES (1, 1)"));
    auto dup = exec(*c, "INSERT INTO t_err VALUES (1, 1)");
    ASSERT_FALSE(dup);
    const auto& m = dup.error().server();
    EXPECT_EQ(m.code, pg::sqlstate::unique_violation());
    EXPECT_EQ(m.constraint_name, "t_err_pk");
    EXPECT_EQ(m.table_name, "t_err");
    EXPECT_FALSE(m.schema_name.empty());
    EXPECT_EQ(m.detail, "Key (id)=(1) already exists.");

    auto notnull = exec(*c, "INSERT INTO t_err VALUES (NULL, 1)");
    ASSERT_FALSE(notnull);
    EXPECT_EQ(notnull.error().server().code, pg::sqlstate::not_null_violation());
    EXPECT_EQ(notnull.error().server().column_name, "id");

    auto raised = simple(*c, "DO $$ BEGIN RAISE EXCEPTION 'boom' USING DETAIL = 'd', "
                             "HINT = 'h'; END $$");
    ASSERT_FALSE(raised);
    EXPECT_EQ(raised.error().server().code, pg::sqlstate::raise_exception());
    EXPECT_EQ(raised.error().server().message, "boom");
    EXPECT_EQ(raised.error().server().detail, "d");
    EXPECT_EQ(raised.error().server().hint, "h");
    EXPECT_NE(raised.error().server().where.find("PL/pgSQL"), std::string::npos);

    auto internal = simple(*c, "DO $$ BEGIN PERFORM nosuchcol FROM (SELECT 1) s; END $$");
    ASSERT_FALSE(internal);
    EXPECT_GT(internal.error().server().internal_position, 0);
    EXPECT_FALSE(internal.error().server().internal_query.empty());

    // Still usable after every error.
    EXPECT_FALSE(c->broken());
    EXPECT_EQ(scalar(*c, "SELECT 'ok'"), "ok");
}

TEST_P(libpq_query, pipeline_of_100_in_order) {
    auto c = connect();
    ASSERT_TRUE(c);
    std::vector<collect_sink> sinks(100);
    std::vector<std::string> values(100);
    std::vector<std::vector<pg::param>> params(100);
    std::vector<pg::statement> st;
    for (int i = 0; i < 100; ++i) {
        values[i] = std::to_string(i * 7);
        params[i] = {pg::param::text(values[i])};
        // Two alternating texts: cached statements reused inside one pipeline.
        st.push_back(pg::statement{i % 2 ? "SELECT $1::int * 2" : "SELECT $1::int + 0", params[i],
                                   &sinks[i]});
    }
    auto r = run(io_, c->run(st, in(10s)));
    ASSERT_TRUE(r) << r.error().message;
    for (int i = 0; i < 100; ++i) {
        ASSERT_EQ(sinks[i].rows.size(), 1u) << i;
        EXPECT_EQ(sinks[i].at(0, 0), std::to_string(i % 2 ? i * 14 : i * 7)) << i;
        EXPECT_EQ(sinks[i].tags, std::vector<std::string>{"SELECT 1"}) << i;
    }
    EXPECT_GE(c->stats().statements, 100u);
}

TEST_P(libpq_query, pipeline_is_one_implicit_transaction) {
    auto c = connect();
    ASSERT_TRUE(c);
    ASSERT_TRUE(simple(*c, "CREATE TEMP TABLE t_tx (v int)"));
    const pg::statement st[] = {{"INSERT INTO t_tx VALUES (1)", {}},
                                {"INSERT INTO t_tx VALUES (2)", {}},
                                {"SELECT 1/0", {}},
                                {"INSERT INTO t_tx VALUES (3)", {}}};
    auto r = run(io_, c->run(st, in(5s)));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().server().code, pg::sqlstate::division_by_zero());
    EXPECT_EQ(scalar(*c, "SELECT count(*) FROM t_tx"), "0");

    const pg::statement ok[] = {{"INSERT INTO t_tx VALUES (1)", {}},
                                {"INSERT INTO t_tx VALUES (2)", {}}};
    ASSERT_TRUE(run(io_, c->run(ok, in(5s))));
    EXPECT_EQ(scalar(*c, "SELECT count(*) FROM t_tx"), "2");
}

TEST_P(libpq_query, error_mid_pipeline_skips_the_rest_and_connection_is_reusable) {
    auto c = connect();
    ASSERT_TRUE(c);
    std::vector<collect_sink> sinks(10);
    std::vector<pg::statement> st;
    for (int i = 0; i < 10; ++i)
        st.push_back(pg::statement{i == 5 ? "SELECT 1/0" : "SELECT 1", {}, &sinks[i]});
    auto r = run(io_, c->run(st, in(5s)));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::server_error);
    EXPECT_EQ(r.error().server().code, pg::sqlstate::division_by_zero());
    for (int i = 0; i < 5; ++i) EXPECT_EQ(sinks[i].rows.size(), 1u) << i;
    for (int i = 5; i < 10; ++i) {
        EXPECT_TRUE(sinks[i].rows.empty()) << i;
        EXPECT_TRUE(sinks[i].tags.empty()) << i;
    }
    EXPECT_FALSE(c->broken());
    // The same texts again (now cached) and something new.
    EXPECT_EQ(scalar(*c, "SELECT 1"), "1");
    auto again = exec(*c, "SELECT 1/0");
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().server().code, pg::sqlstate::division_by_zero());
    EXPECT_EQ(scalar(*c, "SELECT 2"), "2");
}

TEST_P(libpq_query, simple_query_runs_scripts) {
    auto c = connect();
    ASSERT_TRUE(c);
    collect_sink s;
    auto r = simple(*c, "CREATE TEMP TABLE t_s (v int); INSERT INTO t_s VALUES (1), (2); "
                        "SELECT v FROM t_s ORDER BY v; SELECT 'a' AS x, NULL AS y",
                    &s);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(s.column_sets, 2u);
    ASSERT_EQ(s.rows.size(), 3u);
    EXPECT_EQ(s.at(0, 0), "1");
    EXPECT_EQ(s.at(1, 0), "2");
    EXPECT_EQ(s.at(2, 0), "a");
    EXPECT_FALSE(s.rows[2][1].has_value());
    ASSERT_EQ(s.columns.size(), 2u);
    EXPECT_EQ(s.columns[0].name, "x");
    EXPECT_EQ(s.tags, (std::vector<std::string>{"CREATE TABLE", "INSERT 0 2", "SELECT 2",
                                                "SELECT 1"}));
    auto bad = simple(*c, "SELECT 1; SELEC 2; SELECT 3");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().server().code, pg::sqlstate::syntax_error());
    EXPECT_EQ(scalar(*c, "SELECT 3"), "3");
}

TEST_P(libpq_query, prepared_statement_cache_hits_and_evicts) {
    auto c = connect();
    ASSERT_TRUE(c);
    const auto before = c->stats();
    for (int i = 0; i < 3; ++i) EXPECT_EQ(scalar(*c, "SELECT $1::int", {pg::param::text("5")}), "5");
    EXPECT_GE(c->stats().prepared_cache_hits - before.prepared_cache_hits, 2u);
    // More distinct statements than any sane cache holds: still correct, and the server
    // does not accumulate them without bound.
    for (int i = 0; i < 600; ++i) {
        const std::string sql = "SELECT " + std::to_string(i) + " + $1::int";
        ASSERT_EQ(scalar(*c, sql, {pg::param::text("1")}), std::to_string(i + 1)) << i;
    }
    const auto held = std::stoi(scalar(*c, "SELECT count(*) FROM pg_prepared_statements"));
    EXPECT_LE(held, 520);
    // Uncached statements never show up there.
    pg::statement once{"SELECT 'uncached'", {}, nullptr, pg::format::text, false};
    ASSERT_TRUE(run(io_, c->run(std::span<const pg::statement>(&once, 1), in(5s))));
    EXPECT_EQ(scalar(*c, "SELECT count(*) FROM pg_prepared_statements WHERE statement = "
                         "'SELECT ''uncached'''"),
              "0");
}

TEST_P(libpq_query, connect_errors_are_classified) {
    {
        auto bad = pg::make_connector(GetParam(), io_.get_executor(), "postgres://[::1:5432");
        ASSERT_FALSE(bad);
        EXPECT_EQ(bad.error().code, errc::bad_connection_string);
    }
    {
        auto url = cluster_env("FRAISEQL_TEST_URL_SCRAM");
        ASSERT_FALSE(url.empty());
        url.replace(url.find("scram_pass_1"), 12, "wrong_pass");
        auto k = pg::make_connector(GetParam(), io_.get_executor(), url);
        ASSERT_TRUE(k);
        auto r = run(io_, (*k)->connect(in(5s)));
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, errc::auth_failed) << r.error().message;
    }
    {
        // A closed port on loopback: refused.
        auto k = pg::make_connector(GetParam(), io_.get_executor(),
                                    "postgres://postgres@127.0.0.1:1/x?connect_timeout=2");
        ASSERT_TRUE(k);
        auto r = run(io_, (*k)->connect(in(5s)));
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, errc::connection_failed) << r.error().message;
    }
}

INSTANTIATE_TEST_SUITE_P(backends, libpq_query, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test
