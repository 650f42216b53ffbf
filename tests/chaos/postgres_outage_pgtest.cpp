// PostgreSQL outages (docs/reliability.md §4.2): restart under concurrent load, kill -9 of
// the postmaster and crash recovery (57P03 while not accepting connections), kill -9 of
// one backend, a fast shutdown during a write (57P01), read-only after a failover (25006:
// ALTER SYSTEM default_transaction_read_only, and a hot standby promoted), /ready across an
// outage, and a server started while the database is down. Through the real fraiseql
// binary, on both backends.
//
// Private cluster (FRAISEQL_TEST_CLUSTER_DIR = build/…/pgchaos, one test at a time): each
// test may stop, kill or reconfigure it and leaves it running and reset (cluster_restorer).

#include "pgchaos_support.hpp"

namespace fraiseql::test::chaos {
namespace {

class postgres_outage : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        ASSERT_TRUE(wait_until(pg_accepting, 30s)) << "the private cluster is not up";
        ASSERT_EQ(load_fixture(), "");
        app_ = app_name(GetParam());
    }
    void start(std::vector<std::string> settings = {}) {
        settings.push_back("FRAISEQL_THREADS=2");
        server_ =
            start_server(GetParam(), e2e_url("?application_name=" + app_), std::move(settings));
        ASSERT_TRUE(server_->ok()) << server_->log();
    }
    unsigned short port() const { return server_->port(); }
    answer read() { return graphql(port(), "{ chaosSession { pid } }"); }
    /// Polls until a read succeeds; the time it took (ms), or -1.
    double until_served(std::chrono::milliseconds within = 15s) {
        const auto t0 = steady::now();
        return wait_until([&] { return read().ok(); }, within) ? ms_since(t0) : -1;
    }
    void expect_no_lost_or_duplicated_write(const std::vector<outcome>& os,
                                            const std::string& grp) {
        const auto l = check_writes(os, "chaos_write", grp);
        EXPECT_EQ(l.lost, 0) << l.first_problem;
        EXPECT_EQ(l.duplicated, 0) << l.first_problem;
        EXPECT_EQ(l.phantom, 0);
        std::printf("[ measured ] writes: %d told ok, %d told error (%d of them committed)\n",
                    l.told_ok, l.told_error, l.committed_after_error);
    }
    /// Every answer is either a success or a clear GraphQL error; never a crash or garbage.
    void expect_only_clear_errors(const std::vector<outcome>& os) {
        for (const auto& o : os)
            if (!o.ok) {
                EXPECT_TRUE(o.clear) << o.detail;
                if (!o.clear)
                    break;
            }
    }

    cluster_restorer restore_; // destroyed after server_ (declared first)
    std::string app_;
    std::unique_ptr<server_process> server_;
};

// pg_ctl restart -m fast while 6 clients read and write through the server: requests hit by
// the restart get clear DATABASE_ERRORs, the server recovers by itself (measured from the
// moment PostgreSQL accepts connections again), and no write is lost or applied twice.
TEST_P(postgres_outage, restart_under_concurrent_load) {
    start({"FRAISEQL_POOL_SIZE=8"});
    log_drainer drain(*server_);
    const std::string grp = unique_key("restart");
    load l(port(), 6, grp);
    std::this_thread::sleep_for(1s);
    ASSERT_EQ(pg_ctl("restart"), 0);
    const auto up = steady::now();
    std::this_thread::sleep_for(3s);
    l.stop();
    const auto os = l.outcomes();
    double recovery_ms = -1; // the first success that started after PostgreSQL was back
    int errors = 0;
    for (const auto& o : os) {
        if (!o.ok)
            ++errors;
        const double end_ms = std::chrono::duration<double, std::milli>(o.end - up).count();
        if (o.ok && o.start >= up && (recovery_ms < 0 || end_ms < recovery_ms))
            recovery_ms = end_ms;
    }
    EXPECT_TRUE(server_->ok());
    EXPECT_EQ(::kill(server_->pid(), 0), 0) << "the server died";
    expect_only_clear_errors(os);
    ASSERT_GE(recovery_ms, 0) << "nothing succeeded after the restart: " << by_code(os);
    // The pool's reconnect backoff is capped at 2 s (pool.hpp); 5 s leaves room for a
    // loaded machine.
    EXPECT_LT(recovery_ms, 5000.0);
    expect_no_lost_or_duplicated_write(os, grp);
    std::printf("[ measured ] restart under load: %zu requests (%s), %d errors, first success "
                "%.0f ms after PostgreSQL was back\n",
                os.size(), by_code(os).c_str(), errors, recovery_ms);
}

// kill -9 of the postmaster and all its processes (a crash), then a start that replays
// the WAL and stays out of service (hot_standby = off while in recovery, as a primary that
// is still recovering or a standby being rebuilt): every request gets a clear error naming
// the condition (57P03 "not accepting connections"), /ready is 503; once recovery ends
// (pg_ctl promote) the server serves again without a restart.
TEST_P(postgres_outage, kill9_postmaster_then_recovery_57P03) {
    start({"FRAISEQL_POOL_SIZE=4"});
    ASSERT_TRUE(read().ok());
    ASSERT_GT(postmaster_pid(), 0);
    ASSERT_TRUE(crash_cluster()) << postgres_log_tail();
    ASSERT_TRUE(wait_until([] { return !pg_running(); }, 10s));
    auto down = read();
    EXPECT_TRUE(down.clear_error()) << down.describe();
    EXPECT_EQ(down.code(), "DATABASE_ERROR") << down.describe();
    EXPECT_LT(down.ms, 6000.0);
    // Crash recovery, held in recovery.
    { std::ofstream(pgdata() + "/standby.signal"); }
    ASSERT_EQ(pg_ctl("start", "-w -t 60 -o \"-c hot_standby=off\""), 0) << postgres_log_tail();
    bool saw_57p03 = false;
    answer recovering;
    for (int i = 0; i < 20 && !saw_57p03; ++i) {
        recovering = read();
        saw_57p03 = recovering.message().find("not accepting connections") != std::string::npos;
        if (!saw_57p03)
            std::this_thread::sleep_for(100ms);
    }
    EXPECT_TRUE(saw_57p03) << recovering.describe();
    EXPECT_TRUE(recovering.clear_error()) << recovering.describe();
    EXPECT_EQ(recovering.code(), "DATABASE_ERROR");
    EXPECT_EQ(ready_status(port()), 503);
    ASSERT_EQ(pg_ctl("promote"), 0);
    const double recovery_ms = until_served();
    EXPECT_GE(recovery_ms, 0);
    EXPECT_LT(recovery_ms, 5000.0);
    EXPECT_EQ(ready_status(port()), 200);
    const std::string key = unique_key("after-crash");
    EXPECT_TRUE(insert(port(), with_key(key)).ok());
    EXPECT_EQ(rows_with_key(key), 1);
    std::printf("[ measured ] kill -9 postmaster: served %.0f ms after recovery ended\n",
                recovery_ms);
    // A normal restart drops the -c hot_standby=off of this start.
    EXPECT_EQ(pg_ctl("restart"), 0);
}

// kill -9 of the backend running a write: PostgreSQL resets every session and replays the
// WAL; the write's client gets a clear error, the row is not committed, and the server
// serves again once the cluster is back (measured from the kill).
TEST_P(postgres_outage, kill9_of_a_backend_mid_write) {
    start();
    const std::string key = unique_key("kill9");
    auto in = with_key(key);
    in["sleep"] = 30.0;
    answer a;
    std::thread t([&] { a = insert(port(), in); });
    ASSERT_TRUE(wait_until(
        [&] {
            return sessions_of(app_, "state = 'active' AND query LIKE '%fn_chaos_insert%'") == 1;
        },
        10s));
    const pid_t victim =
        std::atoi(sql1("SELECT pid FROM pg_stat_activity WHERE application_name = " + quote(app_) +
                       " AND query LIKE '%fn_chaos_insert%'")
                      .c_str());
    ASSERT_GT(victim, 0);
    const auto t0 = steady::now();
    ASSERT_EQ(::kill(victim, SIGKILL), 0);
    t.join();
    EXPECT_TRUE(a.clear_error()) << a.describe();
    EXPECT_EQ(a.code(), "DATABASE_ERROR");
    const double recovery_ms = until_served();
    EXPECT_GE(recovery_ms, 0);
    EXPECT_EQ(rows_with_key(key), 0) << "the killed transaction is committed";
    std::printf("[ measured ] kill -9 backend: served again %.0f ms after the kill\n",
                ms_since(t0));
}

// pg_ctl stop -m fast while a write runs (57P01 admin_shutdown): a clear error, nothing
// committed; after the start the server writes again without a restart.
TEST_P(postgres_outage, fast_shutdown_mid_write_57P01) {
    start();
    const std::string key = unique_key("shutdown");
    auto in = with_key(key);
    in["sleep"] = 30.0;
    answer a;
    std::thread t([&] { a = insert(port(), in); });
    ASSERT_TRUE(wait_until(
        [&] {
            return sessions_of(app_, "state = 'active' AND query LIKE '%fn_chaos_insert%'") == 1;
        },
        10s));
    ASSERT_EQ(pg_ctl("stop"), 0);
    t.join();
    EXPECT_TRUE(a.clear_error()) << a.describe();
    EXPECT_EQ(a.code(), "DATABASE_ERROR");
    // native reports the server's FATAL (57P01 "terminating connection due to administrator
    // command"); libpq, over TLS, the closed connection that follows it.
    EXPECT_TRUE(a.message().find("terminating connection") != std::string::npos ||
                a.message().find("connection lost") != std::string::npos)
        << a.describe();
    ASSERT_EQ(pg_ctl("start"), 0);
    const auto t0 = steady::now();
    const std::string k2 = unique_key("shutdown-after");
    answer w;
    (void)wait_until([&] { return (w = insert(port(), with_key(k2))).ok(); }, 10s);
    EXPECT_TRUE(w.ok()) << w.describe();
    EXPECT_EQ(rows_with_key(key), 0);
    EXPECT_EQ(rows_with_key(k2), 1);
    std::printf("[ measured ] fast shutdown: writes again %.0f ms after the start\n", ms_since(t0));
}

// Failover to a node that is read-only for now (ALTER SYSTEM default_transaction_read_only
// = on + reload; the pooled connections stay up): writes get a clear error (25006), reads
// are still served; when writes are allowed again they succeed without a restart.
TEST_P(postgres_outage, read_only_after_failover_25006) {
    start();
    ASSERT_TRUE(insert(port(), with_key(unique_key("ro-before"))).ok());
    ASSERT_EQ(alter_system("SET default_transaction_read_only = on"), "");
    ASSERT_TRUE(wait_until([] { return sql1("SHOW default_transaction_read_only") == "on"; }, 5s));
    const std::string key = unique_key("ro");
    answer w;
    // The pooled session applies the reload before its next statement.
    (void)wait_until([&] { return (w = insert(port(), with_key(key))).has_errors(); }, 5s);
    EXPECT_TRUE(w.clear_error()) << w.describe();
    EXPECT_EQ(w.code(), "DATABASE_ERROR");
    EXPECT_NE(w.message().find("read-only transaction"), std::string::npos) << w.describe();
    EXPECT_EQ(rows_with_key(key), 0);
    auto r = read();
    EXPECT_TRUE(r.ok()) << r.describe();
    EXPECT_EQ(ready_status(port()), 200) << "a read-only node still serves reads";
    ASSERT_EQ(alter_system("RESET default_transaction_read_only"), "");
    const auto t0 = steady::now();
    answer back;
    (void)wait_until([&] { return (back = insert(port(), with_key(key))).ok(); }, 5s);
    EXPECT_TRUE(back.ok()) << back.describe();
    EXPECT_EQ(rows_with_key(key), 1);
    std::printf("[ measured ] read-only failover: writes again %.0f ms after the reset\n",
                ms_since(t0));
}

// The primary restarts as a hot standby (what a demoted old primary is): reads are
// served, writes get a clear error (25006: a standby's transactions are read-only); after
// pg_ctl promote the same server writes again, without a restart.
TEST_P(postgres_outage, hot_standby_then_promotion) {
    start();
    ASSERT_EQ(pg_ctl("stop"), 0);
    { std::ofstream(pgdata() + "/standby.signal"); }
    ASSERT_EQ(pg_ctl("start"), 0);
    ASSERT_TRUE(wait_until([] { return sql1("SELECT pg_is_in_recovery()") == "t"; }, 10s));
    EXPECT_GE(until_served(), 0) << "reads on the standby";
    const std::string key = unique_key("standby");
    auto w = insert(port(), with_key(key));
    EXPECT_TRUE(w.clear_error()) << w.describe();
    EXPECT_NE(w.message().find("read-only transaction"), std::string::npos) << w.describe();
    ASSERT_EQ(pg_ctl("promote"), 0);
    const auto t0 = steady::now();
    answer back;
    (void)wait_until([&] { return (back = insert(port(), with_key(key))).ok(); }, 10s);
    EXPECT_TRUE(back.ok()) << back.describe();
    EXPECT_EQ(rows_with_key(key), 1);
    std::printf("[ measured ] promotion: writes again %.0f ms after pg_ctl promote\n",
                ms_since(t0));
}

// /ready follows the database: 200, then 503 (answered within its 2 s probe deadline)
// while PostgreSQL is stopped, then 200 again after the start without a restart.
TEST_P(postgres_outage, ready_across_an_outage) {
    start();
    EXPECT_EQ(ready_status(port()), 200);
    ASSERT_EQ(pg_ctl("stop"), 0);
    const auto t_down = steady::now();
    EXPECT_EQ(ready_status(port()), 503);
    EXPECT_LT(ms_since(t_down), 3000.0);
    auto r = read();
    EXPECT_TRUE(r.clear_error()) << r.describe();
    EXPECT_EQ(r.code(), "DATABASE_ERROR");
    EXPECT_EQ(::kill(server_->pid(), 0), 0);
    ASSERT_EQ(pg_ctl("start"), 0);
    const auto t_up = steady::now();
    EXPECT_TRUE(wait_until([&] { return ready_status(port()) == 200; }, 10s));
    const double ms = ms_since(t_up);
    EXPECT_LT(ms, 5000.0);
    std::printf("[ measured ] /ready: 200 again %.0f ms after PostgreSQL started\n", ms);
}

// fraiseql serve while the database is down: it starts (and says why it cannot connect),
// /ready is 503, requests fail with a clear error; once PostgreSQL starts, the same
// process serves reads and writes.
TEST_P(postgres_outage, server_started_while_the_database_is_down) {
    ASSERT_EQ(pg_ctl("stop"), 0);
    start();
    EXPECT_NE(server_->log().find("unreachable at start-up"), std::string::npos) << server_->log();
    EXPECT_EQ(ready_status(port()), 503);
    auto r = read();
    EXPECT_TRUE(r.clear_error()) << r.describe();
    EXPECT_EQ(r.code(), "DATABASE_ERROR");
    EXPECT_LT(r.ms, 6000.0);
    ASSERT_EQ(pg_ctl("start"), 0);
    const double ms = until_served(10s);
    EXPECT_GE(ms, 0);
    EXPECT_LT(ms, 5000.0);
    const std::string key = unique_key("late-start");
    auto w = insert(port(), with_key(key));
    EXPECT_TRUE(w.ok()) << w.describe();
    EXPECT_EQ(rows_with_key(key), 1);
    EXPECT_EQ(ready_status(port()), 200);
    std::printf("[ measured ] started without database: served %.0f ms after it came up\n", ms);
}

INSTANTIATE_TEST_SUITE_P(backends, postgres_outage, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test::chaos
