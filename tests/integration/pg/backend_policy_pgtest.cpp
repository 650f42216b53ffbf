// The backend policy written once above both mechanisms (src/pg/policy_connection.hpp,
// docs/adr/0011-one-backend-policy.md): the statement-cache size honoured by both, and
// one error code and wording per situation whichever backend reads the results.
#include <string>

#include "connection_fixture.hpp"

namespace fraiseql::conn_test {
namespace {

class backend_policy : public connection_test {
protected:
    /// A connection whose cache holds `size` prepared statements.
    std::unique_ptr<pg::connection> open_with_cache(std::size_t size) {
        pg::connector_options o;
        o.statement_cache_size = size;
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
};

TEST_P(backend_policy, statement_cache_size_is_honoured) {
    FRAISEQL_REQUIRE_CLUSTER();
    auto c = open_with_cache(4);
    ASSERT_TRUE(c);
    for (int i = 0; i < 10; ++i)
        ASSERT_TRUE(run1(*c, "SELECT " + std::to_string(i)));
    EXPECT_EQ(c->stats().prepared_cache_misses, 10u);
    // Evicted statements were closed (native: Close; libpq: DEALLOCATE) before the next
    // pipeline: the server holds exactly the four most recent.
    EXPECT_EQ(server_side_statements(*c), 4);
    for (int i = 6; i < 10; ++i)
        ASSERT_TRUE(run1(*c, "SELECT " + std::to_string(i)));
    EXPECT_EQ(c->stats().prepared_cache_hits, 4u);
    EXPECT_EQ(c->stats().prepared_cache_misses, 10u);
}

TEST_P(backend_policy, statement_cache_size_zero_prepares_nothing) {
    FRAISEQL_REQUIRE_CLUSTER();
    auto c = open_with_cache(0);
    ASSERT_TRUE(c);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(run1(*c, "SELECT 1"));
    EXPECT_EQ(server_side_statements(*c), 0);
    EXPECT_EQ(c->stats().prepared_cache_hits, 0u);
    EXPECT_EQ(c->stats().prepared_cache_misses, 0u);
}

TEST_P(backend_policy, the_same_sqlstate_gives_the_same_error) {
    FRAISEQL_REQUIRE_CLUSTER();
    auto c = must_connect();
    ASSERT_TRUE(c);
    auto check = [](const pg::result<void>& r) {
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, pg::errc::server_error);
        EXPECT_EQ(r.error().message, "ERROR: division by zero");
        EXPECT_EQ(r.error().server().code, pg::sqlstate::division_by_zero());
        EXPECT_EQ(r.error().server().severity, "ERROR");
    };
    check(run1(*c, "SELECT 1/0"));
    check(simple(*c, "SELECT 1; SELECT 1/0"));
    // RAISE with a detail: the message is the primary text alone on both backends.
    auto raised = run1(*c, "DO $$ BEGIN RAISE EXCEPTION 'boom' USING DETAIL = 'why'; END $$");
    ASSERT_FALSE(raised);
    EXPECT_EQ(raised.error().message, "ERROR: boom");
    EXPECT_EQ(raised.error().server().detail, "why");
    EXPECT_FALSE(c->broken());
}

TEST_P(backend_policy, cancel_before_an_operation_refuses_it) {
    FRAISEQL_REQUIRE_CLUSTER();
    auto c = must_connect();
    ASSERT_TRUE(c);
    c->cancel();
    EXPECT_TRUE(c->broken());
    auto r = run1(*c, "SELECT 1");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, pg::errc::cancelled);
    EXPECT_EQ(r.error().message, "the operation was cancelled");
}

TEST_P(backend_policy, an_abandoned_stream_has_one_wording) {
    FRAISEQL_REQUIRE_CLUSTER();
    auto c = must_connect();
    ASSERT_TRUE(c);
    count_sink s;
    s.stop_after = 100;
    auto r = run1(*c, "SELECT g FROM generate_series(1, 1000000) g", &s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, pg::errc::cancelled);
    EXPECT_EQ(r.error().message, "the consumer abandoned the result");
    EXPECT_FALSE(c->broken());
    EXPECT_TRUE(run1(*c, "SELECT 1"));
}

TEST_P(backend_policy, a_rollback_request_is_settled_before_the_next_statement) {
    FRAISEQL_REQUIRE_CLUSTER();
    auto c = must_connect();
    ASSERT_TRUE(c);
    ASSERT_TRUE(simple(*c, "BEGIN; SET LOCAL statement_timeout = '123s'"));
    EXPECT_EQ(c->transaction_status(), pg::transaction_state::in_transaction);
    EXPECT_TRUE(c->broken()) << "not reusable as it is: inside a transaction block";
    c->request_rollback();
    copy_sink s;
    ASSERT_TRUE(run1(*c, "SELECT current_setting('statement_timeout')", &s));
    EXPECT_NE(s.at(0, 0), "123s") << "the statement ran outside the abandoned block";
    EXPECT_EQ(c->transaction_status(), pg::transaction_state::idle);
    EXPECT_FALSE(c->broken());
}

TEST_P(backend_policy, only_peer_closed_looks_at_the_idle_socket) {
    // broken() is what the connection knows (no system call: the pool asks it at every
    // release and checkout, issue 15); peer_closed() polls the idle socket and notices a
    // session the server closed.
    FRAISEQL_REQUIRE_CLUSTER();
    auto c = must_connect();
    auto admin = must_connect();
    ASSERT_TRUE(c && admin);
    ASSERT_TRUE(run1(*c, "SELECT 1"));
    copy_sink s;
    ASSERT_TRUE(run1(*admin,
                     "SELECT pg_terminate_backend(" + std::to_string(c->backend_pid()) + ", 5000)",
                     &s));
    EXPECT_EQ(s.at(0, 0), "t");
    io_.run_for(50ms);
    EXPECT_FALSE(c->broken()) << "broken() does not look at the socket";
    bool noticed = false;
    for (int i = 0; i < 100 && !noticed; ++i) {
        noticed = c->peer_closed();
        if (!noticed) io_.run_for(10ms);
    }
    EXPECT_TRUE(noticed);
    EXPECT_TRUE(c->broken());
}

INSTANTIATE_TEST_SUITE_P(backends, backend_policy, test::all_backends(), test::backend_name());

} // namespace
} // namespace fraiseql::conn_test
