// Soak (docs/reliability.md §5): the real server (threads = 2) under mixed reads and writes
// from 4 client threads for a bounded time (FRAISEQL_TEST_SOAK_SECONDS, default 30 s per
// backend; the server ignores FRAISEQL_TEST_* variables, unlike other FRAISEQL_* ones)
// while faults are injected in turn every 2.5 s: one random backend terminated, every
// backend terminated, running statements cancelled, a fast restart, kill -9 of a backend
// (crash recovery), read-only for a second. At the end:
// - zero lost writes: every write a client was told succeeded is committed;
// - zero duplicates: the soak's table (chaos_log) has no unique key, so a write applied
//   twice would show as two rows;
// - only clear answers: no transport failure (the server never crashed or hung);
// - memory: the server's VmRSS at the end is within 16 MiB of its value after warm-up.
//
// Private cluster (restarted and killed here; left running and reset).

#include <random>

#include "pgchaos_support.hpp"

namespace fraiseql::test::chaos {
namespace {

int soak_seconds() {
    const char* s = std::getenv("FRAISEQL_TEST_SOAK_SECONDS");
    const int n = s ? std::atoi(s) : 0;
    return n > 0 ? n : 30;
}

class soak : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        ASSERT_TRUE(wait_until(pg_accepting, 30s)) << "the private cluster is not up";
        ASSERT_EQ(load_fixture(), "");
        // The test clusters run with synchronous_commit = off (tools/pg-test-cluster.sh),
        // which acknowledges a commit before its WAL is written: a PostgreSQL crash (the
        // kill -9 below) then loses acknowledged transactions by design (PostgreSQL docs,
        // "Asynchronous Commit"). A durable server is what the ledger is checked against.
        ASSERT_EQ(alter_system("SET synchronous_commit = on"), "");
        app_ = app_name(GetParam());
    }
    cluster_restorer restore_;
    std::string app_;
};

TEST_P(soak, mixed_load_under_rotating_faults) {
    auto server = start_server(
        GetParam(), e2e_url("?application_name=" + app_),
        {"FRAISEQL_THREADS=2", "FRAISEQL_POOL_SIZE=8", "FRAISEQL_STATEMENT_TIMEOUT=5s"});
    ASSERT_TRUE(server->ok()) << server->log();
    log_drainer drain(*server);
    const std::string grp = unique_key("soak");
    load clients(server->port(), 4, grp, "chaosLog");
    std::this_thread::sleep_for(3s);
    const long rss_warm = proc_status_kb(server->pid(), "VmRSS");
    const std::size_t warm_requests = clients.count();

    const char* const names[] = {"terminate one", "terminate all",   "cancel",
                                 "restart",       "kill -9 backend", "read-only"};
    std::map<std::string, int> injected;
    std::mt19937 rng(42);
    const auto until = steady::now() + std::chrono::seconds(soak_seconds());
    for (int n = 0; steady::now() < until; ++n) {
        const int kind = n % 6;
        ++injected[names[kind]];
        switch (kind) {
        case 0:
            (void)sql1("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                       "application_name = " +
                       quote(app_) + " ORDER BY random() LIMIT 1");
            break;
        case 1:
            (void)terminate(app_);
            break;
        case 2:
            (void)sql1("SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity WHERE "
                       "application_name = " +
                       quote(app_) + " AND state = 'active'");
            break;
        case 3:
            EXPECT_EQ(pg_ctl("restart"), 0);
            break;
        case 4: {
            const pid_t victim = std::atoi(
                sql1("SELECT pid FROM pg_stat_activity WHERE application_name = " + quote(app_) +
                     " ORDER BY random() LIMIT 1")
                    .c_str());
            if (victim > 0)
                (void)::kill(victim, SIGKILL);
            (void)wait_until(pg_accepting, 20s);
            break;
        }
        case 5:
            (void)alter_system("SET default_transaction_read_only = on");
            std::this_thread::sleep_for(1s);
            (void)alter_system("RESET default_transaction_read_only");
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2000 + rng() % 1000));
    }
    // Faults over: the server recovers by itself, then a second of clean traffic.
    ASSERT_TRUE(wait_until(pg_accepting, 20s));
    const auto calm = steady::now();
    std::this_thread::sleep_for(2s);
    clients.stop();
    const long rss_end = proc_status_kb(server->pid(), "VmRSS");
    const auto os = clients.outcomes();

    int transport = 0, unclear = 0, ok_after_calm = 0;
    std::string first_unclear;
    for (const auto& o : os) {
        if (o.ok && o.start > calm)
            ++ok_after_calm;
        if (o.ok)
            continue;
        if (o.code == "transport")
            ++transport;
        else if (!o.clear) {
            ++unclear;
            if (first_unclear.empty())
                first_unclear = o.detail;
        }
    }
    const auto l = check_writes(os, "chaos_log", grp);
    std::string faults;
    for (const auto& [k, v] : injected)
        faults += (faults.empty() ? "" : ", ") + k + " " + std::to_string(v);
    std::printf("[ measured ] soak %s %d s: %zu requests (%zu in warm-up); %s\n"
                "[ measured ] faults: %s\n"
                "[ measured ] writes told ok %d, told error %d (%d of those committed), lost %d, "
                "duplicated %d\n"
                "[ measured ] VmRSS after warm-up %ld KiB, at the end %ld KiB (%+ld KiB)\n",
                std::string(pg::to_string(GetParam())).c_str(), soak_seconds(), os.size(),
                warm_requests, by_code(os).c_str(), faults.c_str(), l.told_ok, l.told_error,
                l.committed_after_error, l.lost, l.duplicated, rss_warm, rss_end,
                rss_end - rss_warm);
    EXPECT_EQ(::kill(server->pid(), 0), 0) << "the server died";
    EXPECT_EQ(transport, 0) << "requests without an HTTP answer";
    EXPECT_EQ(unclear, 0) << first_unclear;
    EXPECT_EQ(l.lost, 0) << l.first_problem;
    EXPECT_EQ(l.duplicated, 0) << l.first_problem;
    EXPECT_EQ(l.phantom, 0);
    EXPECT_GT(l.told_ok, 100) << "too little traffic to mean anything";
    EXPECT_GT(ok_after_calm, 10) << "not serving after the faults";
    ASSERT_GT(rss_warm, 0);
    EXPECT_LT(rss_end - rss_warm, 16 * 1024) << "VmRSS grew by " << (rss_end - rss_warm) << " KiB";
    drain.stop();
    EXPECT_EQ(server->stop(), 0);
}

INSTANTIATE_TEST_SUITE_P(backends, soak, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test::chaos
