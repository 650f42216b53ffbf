// PostgreSQL restarting while clients are subscribed (docs/subscriptions.md "Failures",
// issue 19): the designed behaviour is "resumes". Through the real fraiseql binary and
// graphql-transport-ws over loopback, on both backends:
// - pg_ctl restart -m fast, and a kill -9 of the whole cluster with crash recovery: the
//   sockets stay open and answer pings, nothing was pushed while the database was away (no
//   error, no empty or partial result: anything pushed would still be waiting in the
//   socket), and once PostgreSQL is back a change is pushed within a stated bound, equal to
//   what PostgreSQL holds; an unchanged cohort gets nothing;
// - the NOTIFY listener (subscription_notify_channel) reconnects by itself, and a NOTIFY
//   sent after the restart refetches at once (the refetch interval is far longer).
//
// The cluster is never left down for long: while it is down its port is free, and on a
// machine shared with other test runs another cluster may take it (seen: "could not bind
// IPv4 address"), so each test restarts it at once instead of waiting.
//
// Private cluster (FRAISEQL_TEST_CLUSTER_DIR = build/…/pgchaos, one test at a time): each
// test stops, kills or restarts it and leaves it running (cluster_restorer).

#include "subscription_support.hpp"

namespace fraiseql::test::chaos {
namespace {

class subscription_outage : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        ASSERT_TRUE(wait_until(pg_accepting, 30s)) << "the private cluster is not up";
        ASSERT_EQ(load_fixture(), "");
        app_ = app_name(GetParam());
        grp_a_ = unique_key("sub-a");
        grp_b_ = unique_key("sub-b");
    }
    void start(std::vector<std::string> settings = {}) {
        settings.push_back("FRAISEQL_THREADS=2");
        settings.push_back("FRAISEQL_POOL_SIZE=4");
        server_ =
            start_server(GetParam(), e2e_url("?application_name=" + app_), std::move(settings));
        ASSERT_TRUE(server_->ok()) << server_->log();
    }
    unsigned short port() const { return server_->port(); }
    static void insert_row(const std::string& key, const std::string& grp) {
        ASSERT_EQ(exec_script(e2e_url(), "INSERT INTO chaos_write (key, grp) VALUES (" +
                                             quote(key) + ", " + quote(grp) + ")"),
                  "");
    }
    /// `n` sockets subscribed to group A and `n` to group B, each with its first result
    /// checked against PostgreSQL.
    void subscribe_both(int n) {
        for (int i = 0; i < n; ++i)
            for (auto* g : {&grp_a_, &grp_b_}) {
                auto c = std::make_unique<ws_client>(port());
                ASSERT_TRUE(c->ok()) << c->error();
                ASSERT_TRUE(c->init());
                c->subscribe("s", rows_of_group, {{"g", *g}});
                auto first = c->read_json(10s);
                ASSERT_EQ(next_data(first), expected_rows(*g)) << boost::json::serialize(first);
                (g == &grp_a_ ? a_ : b_).push_back(std::move(c));
            }
    }
    /// While PostgreSQL is away: every socket is open and answers the protocol's ping, and
    /// nothing else reaches it (no next, no error).
    void expect_quiet_and_alive(const char* when) {
        for (auto* side : {&a_, &b_})
            for (auto& c : *side) {
                std::vector<std::string> other;
                EXPECT_TRUE(c->ping(other, 5s)) << when << ": no pong, closed " << c->closed()
                                                << " code " << c->close_code();
                EXPECT_TRUE(other.empty()) << when << ": pushed " << other.front();
            }
    }
    /// After a change of group A: every A socket gets one `next` equal to PostgreSQL's rows
    /// within `bound` of `since`; no B socket gets anything. The slowest push, ms.
    double expect_push_to_a_only(steady::time_point since, std::chrono::milliseconds bound) {
        const std::string want = expected_rows(grp_a_);
        double slowest = 0;
        for (auto& c : a_) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                since + bound - steady::now());
            auto m = c->read_json(std::max(left, 1ms));
            EXPECT_EQ(next_data(m), want) << "closed " << c->closed() << " code "
                                          << c->close_code() << " " << boost::json::serialize(m);
            slowest = std::max(slowest, ms_since(since));
        }
        for (auto& c : b_)
            EXPECT_EQ(c->read(300ms), std::nullopt) << "an unchanged cohort was pushed";
        for (auto& c : a_)
            EXPECT_EQ(c->read(50ms), std::nullopt) << "pushed twice";
        return slowest;
    }

    cluster_restorer restore_; // destroyed after server_ (declared first)
    std::string app_, grp_a_, grp_b_;
    std::unique_ptr<server_process> server_;
    std::vector<std::unique_ptr<ws_client>> a_, b_;
};

// pg_ctl restart -m fast (every session gets 57P01, the pooled connections die): the
// subscribers stay connected and get nothing from the outage; a row written after the
// restart is pushed within 5 s (the pool's reconnect backoff is capped at 2 s, plus one
// 250 ms interval and slack for a loaded machine), to the changed cohort only.
TEST_P(subscription_outage, fast_restart_while_subscribed_resumes) {
    start({"FRAISEQL_SUBSCRIPTION_REFETCH_INTERVAL=250ms"});
    log_drainer drain(*server_);
    insert_row(grp_a_ + "-0", grp_a_);
    insert_row(grp_b_ + "-0", grp_b_);
    subscribe_both(3);
    const double failures0 = metric(port(), "fraiseql_subscription_refetch_failures_total");

    ASSERT_EQ(pg_ctl("restart"), 0) << postgres_log_tail();
    std::this_thread::sleep_for(1s); // refetches meet the dead pooled connections
    expect_quiet_and_alive("after the restart");
    EXPECT_EQ(metric(port(), "fraiseql_websocket_connections"), 6);
    EXPECT_EQ(metric(port(), "fraiseql_subscription_subscribers"), 6);
    const double failed = metric(port(), "fraiseql_subscription_refetch_failures_total") - failures0;

    insert_row(grp_a_ + "-1", grp_a_);
    const auto t0 = steady::now();
    const double ms = expect_push_to_a_only(t0, 5s);
    EXPECT_LT(ms, 5000.0);
    expect_quiet_and_alive("after the push");
    EXPECT_EQ(::kill(server_->pid(), 0), 0) << "the server died";
    std::printf("[ measured ] subscriptions across pg_ctl restart: %.0f refetches failed, "
                "a change after it pushed in %.0f ms\n",
                failed, ms);
}

// kill -9 of the postmaster and every backend (a crash), then a start that replays the WAL:
// the same as a clean restart, from the subscriber's side.
TEST_P(subscription_outage, crash_and_recovery_while_subscribed_resumes) {
    start({"FRAISEQL_SUBSCRIPTION_REFETCH_INTERVAL=250ms"});
    log_drainer drain(*server_);
    insert_row(grp_a_ + "-0", grp_a_);
    insert_row(grp_b_ + "-0", grp_b_);
    subscribe_both(2);
    const double failures0 = metric(port(), "fraiseql_subscription_refetch_failures_total");

    ASSERT_TRUE(crash_cluster()) << postgres_log_tail();
    ASSERT_EQ(pg_ctl("start"), 0) << postgres_log_tail();
    std::this_thread::sleep_for(1s);
    expect_quiet_and_alive("after crash recovery");
    const double failed = metric(port(), "fraiseql_subscription_refetch_failures_total") - failures0;

    insert_row(grp_a_ + "-1", grp_a_);
    const auto t0 = steady::now();
    const double ms = expect_push_to_a_only(t0, 5s);
    EXPECT_LT(ms, 5000.0);
    expect_quiet_and_alive("after the push");
    std::printf("[ measured ] subscriptions across kill -9 and crash recovery: %.0f refetches "
                "failed, a change after it pushed in %.0f ms\n",
                failed, ms);
}

// subscription_notify_channel across pg_ctl restart, with a 30 s refetch interval (so that
// every push within the test is a notification's): the listener's session comes back by
// itself (a LISTEN session of this server in pg_stat_activity, the gauge at 1), and a row
// written and notified after that is pushed within 1.5 s.
TEST_P(subscription_outage, the_notify_listener_reconnects_after_a_restart) {
    const std::string channel = "fraiseql_sub_" + std::to_string(::getpid()) + "_" +
                                std::string(pg::to_string(GetParam()));
    start({"FRAISEQL_SUBSCRIPTION_REFETCH_INTERVAL=30s",
           "FRAISEQL_SUBSCRIPTION_NOTIFY_CHANNEL=" + channel});
    log_drainer drain(*server_);
    auto listening = [&] {
        return sessions_of(app_, "query LIKE 'LISTEN%'") == 1 &&
               metric(port(), "fraiseql_subscription_notify_connected") == 1;
    };
    ASSERT_TRUE(wait_until(listening, 10s)) << "the listener did not connect";
    insert_row(grp_a_ + "-0", grp_a_);
    subscribe_both(2);
    // Before the restart: a notification refetches at once.
    insert_row(grp_a_ + "-1", grp_a_);
    auto t0 = steady::now();
    (void)sql1("SELECT pg_notify(" + quote(channel) + ", '')");
    expect_push_to_a_only(t0, 1500ms);

    ASSERT_EQ(pg_ctl("restart"), 0);
    const auto up = steady::now();
    EXPECT_TRUE(wait_until(listening, 15s)) << "the listener did not reconnect";
    const double reconnect_ms = ms_since(up);
    // The listener refetches everything once it is back (notifications sent while it was
    // away are lost); wait until requests are served so that this refetch is over.
    ASSERT_TRUE(wait_until([&] { return graphql(port(), "{ chaosRows { key } }").ok(); }, 10s));
    std::this_thread::sleep_for(500ms);
    expect_quiet_and_alive("after the restart");

    insert_row(grp_a_ + "-2", grp_a_);
    t0 = steady::now();
    (void)sql1("SELECT pg_notify(" + quote(channel) + ", '')");
    const double ms = expect_push_to_a_only(t0, 1500ms);
    EXPECT_LT(ms, 1500.0);
    EXPECT_GE(metric(port(), "fraiseql_subscription_notifications_total"), 2);
    std::printf("[ measured ] NOTIFY listener: listening again %.0f ms after pg_ctl restart "
                "returned; a notification after it pushed in %.0f ms\n",
                reconnect_ms, ms);
}

INSTANTIATE_TEST_SUITE_P(backends, subscription_outage, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test::chaos
