// Deadlines, abandoned streams and lost connections.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "connection_fixture.hpp"

namespace fraiseql::conn_test {
namespace {

class cancel : public connection_test {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        c_ = must_connect();
        ASSERT_TRUE(c_);
    }
    void expect_usable() {
        copy_sink s;
        auto r = run1(*c_, "SELECT 41 + 1", &s);
        ASSERT_TRUE(r) << describe(r);
        EXPECT_EQ(s.at(0, 0), "42");
    }
    std::unique_ptr<pg::connection> c_;
};

TEST_P(cancel, deadline_cancels_and_connection_is_reusable) {
    const auto t0 = pg::clock::now();
    auto r = run1(*c_, "SELECT pg_sleep(30)", nullptr, {}, 300ms);
    const auto took = pg::clock::now() - t0;
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, pg::errc::timeout) << describe(r);
    EXPECT_LT(took, 5s);
    EXPECT_FALSE(c_->broken());
    expect_usable();
}

TEST_P(cancel, deadline_in_simple_query) {
    auto r = simple(*c_, "SELECT 1; SELECT pg_sleep(30)", nullptr, 300ms);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, pg::errc::timeout) << describe(r);
    EXPECT_FALSE(c_->broken());
    expect_usable();
}

TEST_P(cancel, deadline_while_streaming) {
    count_sink s;
    auto r = run1(*c_, "SELECT g, pg_sleep(0.001) FROM generate_series(1, 100000) g", &s,
                  {}, 400ms);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, pg::errc::timeout) << describe(r);
    EXPECT_LT(s.rows, 100000u);
    EXPECT_FALSE(c_->broken());
    expect_usable();
}

TEST_P(cancel, abandoned_stream_is_cancelled_and_connection_reusable) {
    count_sink s;
    s.stop_after = 1000;
    auto r = run1(*c_, "SELECT g, repeat('y', 200) FROM generate_series(1, 1000000) g", &s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, pg::errc::cancelled) << describe(r);
    EXPECT_LT(s.rows, 1000000u);
    EXPECT_FALSE(c_->broken());
    expect_usable();
}

TEST_P(cancel, cancel_by_someone_else_is_cancelled) {
    auto other = must_connect();
    ASSERT_TRUE(other);
    // The other session cancels us as soon as we are running the sleep.
    const std::string sql =
        "SELECT pg_cancel_backend(" + std::to_string(c_->backend_pid()) + ")";
    bool cancelled_other = false;
    auto killer = [&]() -> asio::awaitable<void> {
        asio::steady_timer t(io_, 300ms);
        co_await t.async_wait(asio::use_awaitable);
        pg::statement st{sql, {}, nullptr};
        auto r = co_await other->run(std::span(&st, 1), in(5s));
        cancelled_other = bool(r);
    };
    asio::co_spawn(io_, killer(), asio::detached);
    auto r = run1(*c_, "SELECT pg_sleep(30)", nullptr, {}, 20s);
    io_.run_for(1s);
    ASSERT_FALSE(r);
    EXPECT_TRUE(cancelled_other);
    EXPECT_EQ(r.error().code, pg::errc::cancelled) << describe(r);
    EXPECT_EQ(r.error().server().code, pg::sqlstate::query_canceled());
    EXPECT_FALSE(c_->broken());
    expect_usable();
}

TEST_P(cancel, terminated_backend_is_connection_lost_and_broken) {
    auto admin = must_connect();
    ASSERT_TRUE(admin);
    copy_sink s;
    const std::string sql = "SELECT pg_terminate_backend(" + std::to_string(c_->backend_pid()) +
                            ", 5000)"; // waits until the backend is gone
    ASSERT_TRUE(run1(*admin, sql, &s));
    EXPECT_EQ(s.at(0, 0), "t");
    auto r = run1(*c_, "SELECT 1");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, pg::errc::connection_lost) << describe(r);
    // The server was gone before the statement was sent: it answered nothing of it, so a
    // read may be run again elsewhere (error::unanswered).
    EXPECT_TRUE(r.error().unanswered) << describe(r);
    EXPECT_TRUE(c_->broken());
    auto again = run1(*c_, "SELECT 1");
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, pg::errc::connection_lost);
}

TEST_P(cancel, server_closing_an_idle_connection_is_noticed_without_a_round_trip) {
    // What the pool relies on to drop a terminated connection before handing it out.
    EXPECT_FALSE(c_->broken());
    auto admin = must_connect();
    ASSERT_TRUE(admin);
    copy_sink s;
    ASSERT_TRUE(run1(*admin,
                     "SELECT pg_terminate_backend(" + std::to_string(c_->backend_pid()) +
                         ", 5000)",
                     &s));
    EXPECT_EQ(s.at(0, 0), "t");
    // The FIN follows the FATAL message at once; allow the loopback a moment.
    bool noticed = false;
    for (int i = 0; i < 100 && !noticed; ++i) {
        noticed = c_->peer_closed();
        if (!noticed) io_.run_for(10ms);
    }
    EXPECT_TRUE(noticed);
    EXPECT_TRUE(c_->broken()) << "once found closed, broken() says so too";
    EXPECT_EQ(c_->transaction_status(), pg::transaction_state::unknown);
}

TEST_P(cancel, idle_connection_is_not_broken_and_stays_usable) {
    // The zero-timeout poll must not mistake a quiet healthy connection for a closed one.
    for (int i = 0; i < 3; ++i) {
        EXPECT_FALSE(c_->peer_closed());
        EXPECT_FALSE(c_->broken());
        io_.run_for(20ms);
    }
    expect_usable();
    EXPECT_EQ(c_->transaction_status(), pg::transaction_state::idle);
}

INSTANTIATE_TEST_SUITE_P(backends, cancel, test::all_backends(), test::backend_name());

} // namespace
} // namespace fraiseql::conn_test
