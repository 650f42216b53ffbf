// `statement_cache = unnamed` (product.md §6.1, docs/driver.md "Unnamed statements"): only the
// unnamed prepared statement, on both backends, so nothing outlives a pipeline's transaction;
// and the pooler check of `named` on a direct connection (the refusal through PgBouncer is
// tests/topology/pgbouncer_pgtest.cpp).
#include <string>

#include "connection_fixture.hpp"

namespace fraiseql::conn_test {
namespace {

class statement_mode : public connection_test {
protected:
    std::unique_ptr<pg::connection> open(pg::statement_mode mode, bool refuse_pooler = false) {
        pg::connector_options o;
        o.statements = mode;
        o.refuse_pooler = refuse_pooler;
        auto c = pg::make_connector(GetParam(), io_.get_executor(), test::database_url(), o);
        EXPECT_TRUE(c);
        if (!c) return nullptr;
        connector_ = std::move(*c);
        auto conn = test::run(io_, connector_->connect(in(10s)));
        EXPECT_TRUE(conn) << (conn ? "" : conn.error().message);
        return conn ? std::move(*conn) : nullptr;
    }
    /// Prepared statements the server holds for this session (asked for uncached).
    int server_side_statements(pg::connection& c) {
        copy_sink s;
        pg::statement st{"SELECT count(*) FROM pg_prepared_statements", {}, &s,
                         pg::format::text, false};
        auto r = run(c, std::span(&st, 1));
        EXPECT_TRUE(r) << describe(r);
        return r && s.rows.size() == 1 ? std::stoi(s.at(0, 0)) : -1;
    }
    /// Runs three statements (one pipeline) `times` times; every result is checked.
    void run_mix(pg::connection& c, int times) {
        for (int i = 0; i < times; ++i) {
            copy_sink a, b, d;
            const std::string n = std::to_string(i);
            const pg::param p[] = {pg::param::text(n, pg::oid::int4)};
            const pg::statement st[] = {
                {"SELECT $1::int4 + 1", p, &a},
                {"SELECT upper('x') || $1::text", p, &b},
                {"SELECT count(*) FROM generate_series(1, $1::int4 + 2)", p, &d}};
            auto r = run(c, st);
            ASSERT_TRUE(r) << describe(r);
            ASSERT_EQ(a.at(0, 0), std::to_string(i + 1));
            ASSERT_EQ(b.at(0, 0), "X" + n);
            ASSERT_EQ(d.at(0, 0), std::to_string(i + 2));
        }
    }
};

TEST(statement_mode_names, parse_and_print) {
    EXPECT_EQ(*pg::parse_statement_mode("named"), pg::statement_mode::named);
    EXPECT_EQ(*pg::parse_statement_mode("unnamed"), pg::statement_mode::unnamed);
    auto bad = pg::parse_statement_mode("session");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().find("named, unnamed"), std::string::npos) << bad.error();
    EXPECT_EQ(pg::to_string(pg::statement_mode::unnamed), "unnamed");
}

TEST_P(statement_mode, unnamed_never_prepares_a_named_statement) {
    FRAISEQL_REQUIRE_CLUSTER();
    auto c = open(pg::statement_mode::unnamed);
    ASSERT_TRUE(c);
    run_mix(*c, 20);
    EXPECT_EQ(server_side_statements(*c), 0) << "the session holds no prepared statement";
    EXPECT_EQ(c->stats().prepared_cache_hits, 0u);
    EXPECT_EQ(c->stats().prepared_cache_misses, 0u);
    EXPECT_GE(c->stats().statements, 60u);
}

TEST_P(statement_mode, named_prepares_each_statement_once) {
    FRAISEQL_REQUIRE_CLUSTER();
    auto c = open(pg::statement_mode::named);
    ASSERT_TRUE(c);
    run_mix(*c, 20);
    EXPECT_EQ(server_side_statements(*c), 3);
    EXPECT_EQ(c->stats().prepared_cache_misses, 3u);
    EXPECT_EQ(c->stats().prepared_cache_hits, 57u);
}

TEST_P(statement_mode, unnamed_pipeline_is_still_one_transaction) {
    // One Sync per pipeline: a failing statement undoes the ones before it, and a setting
    // made local with set_config(…, true) is gone after the pipeline.
    FRAISEQL_REQUIRE_CLUSTER();
    auto c = open(pg::statement_mode::unnamed);
    ASSERT_TRUE(c);
    ASSERT_TRUE(simple(*c, "DROP TABLE IF EXISTS unnamed_atomic_" + std::string(pg::to_string(GetParam())) +
                               "; CREATE TABLE unnamed_atomic_" +
                               std::string(pg::to_string(GetParam())) + " (x int)"));
    const std::string table = "unnamed_atomic_" + std::string(pg::to_string(GetParam()));
    const std::string ins = "INSERT INTO " + table + " VALUES (1)";
    const pg::statement st[] = {{"SELECT set_config('app.tenant_id', 'tenant-a', true)", {}, nullptr},
                                {ins, {}, nullptr},
                                {"SELECT 1/0", {}, nullptr}};
    auto r = run(*c, st);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().server().code, pg::sqlstate("22012"));
    copy_sink rows, setting;
    const std::string count = "SELECT count(*) FROM " + table;
    const pg::statement check[] = {{count, {}, &rows},
                                   {"SELECT coalesce(current_setting('app.tenant_id', true), '')",
                                    {}, &setting}};
    ASSERT_TRUE(run(*c, check));
    EXPECT_EQ(rows.at(0, 0), "0") << "the INSERT was rolled back with the failing statement";
    EXPECT_EQ(setting.at(0, 0), "") << "set_config(…, true) ended with its transaction";
    EXPECT_EQ(c->transaction_status(), pg::transaction_state::idle);
    ASSERT_TRUE(simple(*c, "DROP TABLE " + table));
}

TEST_P(statement_mode, pooler_check_accepts_a_direct_connection) {
    // PostgreSQL itself: the cancel key's process id is the session's pg_backend_pid(), so
    // `named` with refuse_pooler connects (again and again, the check ran once).
    FRAISEQL_REQUIRE_CLUSTER();
    auto c = open(pg::statement_mode::named, true);
    ASSERT_TRUE(c);
    copy_sink pid;
    ASSERT_TRUE(run1(*c, "SELECT pg_backend_pid()", &pid));
    EXPECT_EQ(pid.at(0, 0), std::to_string(c->backend_pid()));
    for (int i = 0; i < 3; ++i) {
        auto again = test::run(io_, connector_->connect(in(10s)));
        ASSERT_TRUE(again) << again.error().message;
        run_mix(**again, 2);
    }
}

INSTANTIATE_TEST_SUITE_P(backends, statement_mode, test::all_backends(), test::backend_name{});

} // namespace
} // namespace fraiseql::conn_test
