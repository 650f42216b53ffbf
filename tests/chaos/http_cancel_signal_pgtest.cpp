// The mechanism behind "a client that goes away cancels its database work" (docs/http.md
// "Client disconnect"), at the driver level on both backends: pg::cancel_signal fired from
// another thread than the one running the statement, connection::cancel before and during
// an operation, and a signal that no longer reaches a detached connection.

#include <thread>

#include "connection_fixture.hpp"
#include "fraiseql/pg/cancel_signal.hpp"
#include "support/sql.hpp"

namespace fraiseql::conn_test {
namespace {

class cancel_signal_test : public connection_test {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        c_ = must_connect();
        ASSERT_TRUE(c_);
    }
    /// Whether the backend of `pid` is running a statement now.
    std::string backend_state(std::int32_t pid) {
        auto v =
            test::query_column(test::database_url(),
                               "SELECT coalesce((SELECT state FROM pg_stat_activity WHERE pid = " +
                                   std::to_string(pid) + "), 'gone')");
        return v.empty() ? "?" : v.front();
    }
    std::unique_ptr<pg::connection> c_;
};

// The HTTP session fires the signal on its own strand while the statement's coroutine
// waits on the database socket: the statement is cancelled on the server (the backend is
// idle at once afterwards), reported as `cancelled`, and the connection is not reused.
TEST_P(cancel_signal_test, fired_from_another_thread_cancels_the_running_statement) {
    pg::cancel_signal signal;
    const auto pid = c_->backend_pid();
    std::thread firer([&] {
        std::this_thread::sleep_for(300ms);
        signal.fire();
    });
    const auto t0 = pg::clock::now();
    pg::result<void> r;
    {
        pg::cancel_scope scope(&signal, *c_);
        ASSERT_FALSE(scope.already_fired());
        r = run1(*c_, "SELECT pg_sleep(30)");
    }
    const auto took = pg::clock::now() - t0;
    firer.join();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, pg::errc::cancelled) << describe(r);
    EXPECT_GE(took, 250ms);
    EXPECT_LT(took, 3s);
    EXPECT_TRUE(c_->broken());
    EXPECT_NE(backend_state(pid), "active");
}

// Rows are streaming into a sink (the HTTP response) when the signal fires.
TEST_P(cancel_signal_test, fired_while_rows_stream_cancels_the_statement) {
    pg::cancel_signal signal;
    count_sink sink;
    std::thread firer([&] {
        std::this_thread::sleep_for(300ms);
        signal.fire();
    });
    pg::result<void> r;
    const auto t0 = pg::clock::now();
    {
        pg::cancel_scope scope(&signal, *c_);
        r = run1(*c_, "SELECT g, pg_sleep(0.001) FROM generate_series(1, 100000) g", &sink);
    }
    const auto took = pg::clock::now() - t0;
    firer.join();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, pg::errc::cancelled) << describe(r);
    EXPECT_LT(sink.rows, 100000u);
    EXPECT_LT(took, 5s);
    EXPECT_TRUE(c_->broken());
}

// A cancel that comes before the operation: nothing is sent, the operation fails at once,
// and a fired signal refuses to attach (the engine then does not start the statement).
TEST_P(cancel_signal_test, a_cancel_before_the_operation_fails_it_at_once) {
    pg::cancel_signal signal;
    signal.fire();
    pg::cancel_scope scope(&signal, *c_);
    EXPECT_TRUE(scope.already_fired());
    EXPECT_FALSE(c_->broken()); // the signal never reached the connection
    c_->cancel();
    const auto t0 = pg::clock::now();
    auto r = run1(*c_, "SELECT pg_sleep(30)");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, pg::errc::cancelled) << describe(r);
    EXPECT_LT(pg::clock::now() - t0, 500ms);
    EXPECT_TRUE(c_->broken());
    EXPECT_EQ(backend_state(c_->backend_pid()), "idle");
}

// Once the scope has ended, firing the signal leaves the connection alone: it goes back to
// the pool usable.
TEST_P(cancel_signal_test, a_detached_connection_is_not_cancelled) {
    pg::cancel_signal signal;
    {
        pg::cancel_scope scope(&signal, *c_);
        auto r = run1(*c_, "SELECT 1");
        ASSERT_TRUE(r) << describe(r);
    }
    signal.fire();
    EXPECT_TRUE(signal.fired());
    EXPECT_FALSE(c_->broken());
    copy_sink s;
    auto r = run1(*c_, "SELECT 41 + 1", &s);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(s.at(0, 0), "42");
}

INSTANTIATE_TEST_SUITE_P(backends, cancel_signal_test, test::all_backends(), test::backend_name());

} // namespace
} // namespace fraiseql::conn_test
