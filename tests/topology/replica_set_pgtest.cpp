// Read routing over real streaming standbys (include/fraiseql/pg/replica_set.hpp), on both
// backends, against the pg_topology fixture (tests/topology/CMakeLists.txt): a primary and two
// hot standbys. Replay is paused and resumed on the standbys (pg_wal_replay_pause), which is
// why these tests hold the topology's resource lock; each test resumes what it paused.

#include <chrono>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "fraiseql/pg/pool.hpp"
#include "fraiseql/pg/replica_set.hpp"
#include "support/cluster.hpp"
#include "support/collect_sink.hpp"
#include "support/fault_proxy.hpp"
#include "support/run.hpp"

namespace fraiseql::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

pg::deadline in(std::chrono::milliseconds d) { return pg::clock::now() + d; }

TEST(replica_lsn, parses_and_formats_pg_lsn_text) {
    EXPECT_EQ(pg::parse_lsn("0/0"), pg::lsn(0));
    EXPECT_EQ(pg::parse_lsn("0/16B3748"), pg::lsn(0x16B3748));
    EXPECT_EQ(pg::parse_lsn("1/0"), pg::lsn(1) << 32);
    EXPECT_EQ(pg::parse_lsn("FFFFFFFF/FFFFFFFF"), ~pg::lsn(0));
    for (const char* bad : {"", "/", "0/", "/0", "0x1/0", "1/2/3", "G/0", "100000000/0", "0/1 "})
        EXPECT_FALSE(pg::parse_lsn(bad)) << bad;
    EXPECT_EQ(pg::format_lsn(0x1'0000ABCDull), "1/ABCD");
    EXPECT_EQ(pg::parse_lsn(pg::format_lsn(0x12345678'9ABCDEF0ull)), 0x12345678'9ABCDEF0ull);
    // Ordering as numbers, not as text ("0/9" < "0/10").
    EXPECT_LT(*pg::parse_lsn("0/9"), *pg::parse_lsn("0/10"));
}

class replica_set_test : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        ASSERT_EQ(cluster_env("FRAISEQL_TEST_STANDBYS"), "2")
            << "needs the pg_topology fixture (tools/pg-test-topology.sh)";
        primary_ = make_pool(database_url());
        standby_urls_ = {cluster_env("FRAISEQL_TEST_STANDBY1_URL"),
                         cluster_env("FRAISEQL_TEST_STANDBY2_URL")};
        for (const auto& u : standby_urls_) replicas_.push_back(make_pool(u));
    }
    void TearDown() override {
        // Never leave a standby paused for the next test.
        for (const auto& u : standby_urls_) (void)query(*make_pool(u), "SELECT pg_wal_replay_resume()");
        if (set_) set_->close();
        io_.run_for(50ms);
    }

    std::shared_ptr<pg::pool> make_pool(const std::string& url) {
        auto c = pg::make_connector(GetParam(), io_.get_executor(), url);
        EXPECT_TRUE(c) << (c ? "" : c.error().message);
        pg::pool_options o;
        o.max_size = 4;
        o.acquire_timeout = 3s;
        o.connect_timeout = 2s;
        return pg::pool::create(io_.get_executor(), std::move(*c), o);
    }

    /// The first field of the first row of `sql` on a connection of `p` ("" on error, and the
    /// test fails).
    std::string query(pg::pool& p, std::string_view sql) {
        return run(io_, [&]() -> asio::awaitable<std::string> {
            auto l = co_await p.acquire(in(5s));
            if (!l) {
                ADD_FAILURE() << "acquire: " << l.error().message;
                co_return std::string();
            }
            collect_sink s;
            pg::statement st{sql, {}, &s, pg::format::text, false};
            auto r = co_await (*l)->run(std::span<const pg::statement>(&st, 1), in(5s));
            if (!r) {
                ADD_FAILURE() << sql << ": " << r.error().message;
                co_return std::string();
            }
            co_return s.rows.empty() ? std::string() : s.at(0, 0);
        }());
    }

    pg::lsn write_on_primary() {
        (void)query(*primary_, "CREATE TABLE IF NOT EXISTS replica_probe(v bigint)");
        (void)query(*primary_, "INSERT INTO replica_probe SELECT 1");
        auto l = pg::parse_lsn(query(*primary_, "SELECT pg_current_wal_insert_lsn()::text"));
        EXPECT_TRUE(l);
        return l.value_or(0);
    }

    std::shared_ptr<pg::replica_set> make_set(pg::replica_options o,
                                              std::vector<std::shared_ptr<pg::pool>> rs = {}) {
        set_ = pg::replica_set::create(io_.get_executor(), primary_,
                                       rs.empty() ? replicas_ : std::move(rs), o);
        return set_;
    }
    void check(pg::replica_set& s) { run(io_, s.check_now()); }

    /// Checks until `done(status)` or `within` passes.
    template <class F> bool check_until(pg::replica_set& s, F done, std::chrono::milliseconds within) {
        const auto stop = pg::clock::now() + within;
        for (;;) {
            check(s);
            if (done(s.status())) return true;
            if (pg::clock::now() > stop) return false;
            std::this_thread::sleep_for(50ms);
        }
    }

    std::string port_of(pg::pool& p) { return query(p, "SELECT inet_server_port()::text"); }

    asio::io_context io_;
    std::shared_ptr<pg::pool> primary_;
    std::vector<std::string> standby_urls_;
    std::vector<std::shared_ptr<pg::pool>> replicas_;
    std::shared_ptr<pg::replica_set> set_;
};

TEST_P(replica_set_test, reads_go_round_robin_to_the_standbys_and_land_there) {
    auto s = make_set({});
    check(*s);
    for (const auto& st : s->status()) {
        EXPECT_TRUE(st.reachable && st.in_recovery && st.eligible) << st.last_error;
        EXPECT_LT(st.lag, 1s);
    }
    std::vector<std::string> ports;
    for (int i = 0; i < 6; ++i) {
        auto r = s->route_read();
        ASSERT_TRUE(r) << r.error().message;
        EXPECT_EQ(r->role, pg::route_role::replica);
        ports.push_back(port_of(*r->target));
        // Where it landed is a standby: in recovery.
        EXPECT_EQ(query(*r->target, "SELECT pg_is_in_recovery()::text"), "true");
    }
    const auto s1 = cluster_env("FRAISEQL_TEST_STANDBY1_PORT");
    const auto s2 = cluster_env("FRAISEQL_TEST_STANDBY2_PORT");
    EXPECT_EQ(std::count(ports.begin(), ports.end(), s1), 3);
    EXPECT_EQ(std::count(ports.begin(), ports.end(), s2), 3);
    EXPECT_EQ(s->primary_reads(), 0u);
    EXPECT_EQ(s->status()[0].routed + s->status()[1].routed, 6u);
    EXPECT_EQ(port_of(*s->primary()), cluster_env("FRAISEQL_TEST_PORT"));
}

TEST_P(replica_set_test, read_your_writes_waits_for_the_replay_of_the_callers_commit) {
    auto s = make_set({});
    for (auto& r : replicas_) (void)query(*r, "SELECT pg_wal_replay_pause()");
    const pg::lsn mine = write_on_primary();
    check(*s);
    // Replay is paused below our commit: our read goes to the primary, anyone else's to a replica.
    for (const auto& st : s->status()) EXPECT_LT(st.replay_lsn, mine);
    auto r = s->route_read(mine);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->role, pg::route_role::primary);
    EXPECT_EQ(query(*r->target, "SELECT count(*) > 0 FROM replica_probe")
                  , "t");
    auto other = s->route_read();
    ASSERT_TRUE(other);
    EXPECT_EQ(other->role, pg::route_role::replica);

    for (auto& rp : replicas_) (void)query(*rp, "SELECT pg_wal_replay_resume()");
    ASSERT_TRUE(check_until(*s, [&](const auto& v) {
        return v[0].replay_lsn >= mine && v[1].replay_lsn >= mine;
    }, 10s)) << "standbys did not replay " << pg::format_lsn(mine);
    auto again = s->route_read(mine);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->role, pg::route_role::replica);
    EXPECT_EQ(query(*again->target, "SELECT count(*) > 0 FROM replica_probe"), "t");
}

TEST_P(replica_set_test, a_replica_past_max_lag_is_skipped_until_it_catches_up) {
    pg::replica_options o;
    o.max_lag = 400ms;
    auto s = make_set(o);
    (void)query(*replicas_[0], "SELECT pg_wal_replay_pause()");
    check(*s);
    (void)write_on_primary();
    // The lag is counted from the first check that saw the primary past the replica.
    ASSERT_TRUE(check_until(*s, [](const auto& v) { return !v[0].eligible; }, 5s))
        << "a paused standby stayed eligible; lag " << s->status()[0].lag.count() << " ms";
    const auto v = s->status();
    EXPECT_TRUE(v[0].reachable && v[0].in_recovery);
    EXPECT_GT(v[0].lag, o.max_lag);
    EXPECT_TRUE(v[1].eligible);
    for (int i = 0; i < 4; ++i) {
        auto r = s->route_read();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->replica_index, 1u);
    }
    (void)query(*replicas_[0], "SELECT pg_wal_replay_resume()");
    EXPECT_TRUE(check_until(*s, [](const auto& w) { return w[0].eligible; }, 10s))
        << "lag " << s->status()[0].lag.count() << " ms after resume";
    EXPECT_EQ(s->status()[0].lag, 0ms);
}

TEST_P(replica_set_test, an_idle_primary_reports_no_lag) {
    pg::replica_options o;
    o.max_lag = 200ms;
    auto s = make_set(o);
    (void)write_on_primary();
    ASSERT_TRUE(check_until(*s, [](const auto& v) { return v[0].eligible && v[1].eligible; }, 10s));
    // Nothing written for longer than max_lag: pg_last_xact_replay_timestamp() ages, we do not.
    std::this_thread::sleep_for(500ms);
    check(*s);
    for (const auto& st : s->status()) {
        EXPECT_TRUE(st.eligible);
        EXPECT_EQ(st.lag, 0ms);
    }
}

TEST_P(replica_set_test, unreachable_and_stalled_replicas_are_skipped_within_the_check_timeout) {
    // One standby behind a proxy that stops forwarding (a stalled network), one address where
    // nothing listens, one healthy standby.
    fault_proxy stalled(std::uint16_t(std::stoi(cluster_env("FRAISEQL_TEST_STANDBY2_PORT"))));
    auto via_proxy = make_pool("postgres://postgres@127.0.0.1:" + std::to_string(stalled.port()) +
                               "/fraiseql_test");
    auto nowhere = make_pool("postgres://postgres@127.0.0.1:1/fraiseql_test");
    pg::replica_options o;
    o.check_timeout = 500ms;
    auto s = make_set(o, {replicas_[0], via_proxy, nowhere});
    check(*s);
    auto v = s->status();
    ASSERT_EQ(v.size(), 3u);
    EXPECT_TRUE(v[0].eligible);
    EXPECT_TRUE(v[1].eligible) << v[1].last_error; // the proxy forwards for now
    EXPECT_FALSE(v[2].reachable);
    EXPECT_FALSE(v[2].eligible);
    EXPECT_FALSE(v[2].last_error.empty());

    stalled.set_mode(fault_mode::blackhole);
    const auto t0 = pg::clock::now();
    check(*s);
    const auto took = pg::clock::now() - t0;
    EXPECT_LT(took, 3s) << "a stalled replica held the check round";
    v = s->status();
    EXPECT_TRUE(v[0].eligible);
    EXPECT_FALSE(v[1].eligible);
    for (int i = 0; i < 5; ++i) {
        auto r = s->route_read();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->role, pg::route_role::replica);
        EXPECT_EQ(r->replica_index, 0u);
    }
}

TEST_P(replica_set_test, with_no_usable_replica_reads_fall_back_or_fail_as_configured) {
    auto nowhere = make_pool("postgres://postgres@127.0.0.1:1/fraiseql_test");
    pg::replica_options o;
    o.check_timeout = 500ms;
    auto fallback = make_set(o, {nowhere});
    check(*fallback);
    auto r = fallback->route_read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->role, pg::route_role::primary);
    EXPECT_EQ(fallback->primary_reads(), 1u);

    o.fallback = pg::replica_fallback::error;
    auto strict = make_set(o, {make_pool("postgres://postgres@127.0.0.1:1/fraiseql_test")});
    check(*strict);
    auto e = strict->route_read();
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, pg::errc::connection_failed);
    EXPECT_NE(e.error().message.find("no replica"), std::string::npos) << e.error().message;
}

TEST_P(replica_set_test, the_monitor_keeps_the_view_current_on_its_own) {
    pg::replica_options o;
    o.check_interval = 50ms;
    o.max_lag = 300ms;
    auto s = make_set(o);
    s->start();
    // The first round connects to every member: on a loaded machine that can take longer
    // than a few check intervals, so wait for it (5 s at most) rather than for a fixed time.
    const auto first = pg::clock::now() + 5s;
    auto all_checked = [&] {
        for (const auto& st : s->status())
            if (!st.checked || !st.eligible) return false;
        return s->primary_lsn() > 0;
    };
    while (!all_checked() && pg::clock::now() < first) io_.run_for(50ms);
    for (const auto& st : s->status()) EXPECT_TRUE(st.checked && st.eligible) << st.last_error;
    EXPECT_GT(s->primary_lsn(), 0u);
    (void)query(*replicas_[1], "SELECT pg_wal_replay_pause()");
    (void)write_on_primary();
    const auto stop = pg::clock::now() + 5s;
    while (s->status()[1].eligible && pg::clock::now() < stop) io_.run_for(50ms);
    EXPECT_FALSE(s->status()[1].eligible) << "the monitor did not notice a paused standby";
    s->close();
}

// A standby that is promoted leaves its timeline: it is never read from again. A throwaway
// third standby (pg_basebackup of the fixture's primary) is promoted, so the fixture's two
// standbys stay as they are.
TEST_P(replica_set_test, a_promoted_replica_is_never_read_from) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(FRAISEQL_BINARY_DIR) /
                         ("pgtopology-promote-" + std::string(pg::to_string(GetParam())));
    const fs::path primary_dir = fs::path(cluster_env("FRAISEQL_TEST_PGDATA")).parent_path();
    const std::string script = std::string(FRAISEQL_SOURCE_DIR) + "/tools/pg-test-cluster.sh";
    std::error_code ec;
    fs::remove_all(dir, ec);
    ASSERT_EQ(std::system((script + " start '" + dir.string() + "' --standby-of '" +
                           primary_dir.string() + "' >/dev/null 2>&1").c_str()), 0);
    std::string port;
    {
        std::ifstream env(dir / "env");
        for (std::string line; std::getline(env, line);)
            if (line.rfind("FRAISEQL_TEST_PORT=", 0) == 0) port = line.substr(19);
    }
    ASSERT_FALSE(port.empty());
    auto third = make_pool("postgres://postgres@127.0.0.1:" + port + "/fraiseql_test");
    auto s = make_set({}, {third});
    check(*s);
    EXPECT_TRUE(s->status()[0].eligible) << s->status()[0].last_error;
    EXPECT_EQ(query(*third, "SELECT pg_promote(true, 30)::text"), "true");
    check(*s);
    const auto v = s->status();
    EXPECT_TRUE(v[0].reachable);
    EXPECT_FALSE(v[0].in_recovery);
    EXPECT_FALSE(v[0].eligible);
    auto r = s->route_read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->role, pg::route_role::primary);
    s->close();
    third->close();
    EXPECT_EQ(std::system((script + " stop '" + dir.string() + "' >/dev/null 2>&1").c_str()), 0);
    fs::remove_all(dir, ec);
}

INSTANTIATE_TEST_SUITE_P(backends, replica_set_test, all_backends(), backend_name{});

} // namespace
} // namespace fraiseql::test
