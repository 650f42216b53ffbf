// Read replicas wired into the server (product.md §6.1, docs/scaling.md): the real fraiseql
// binary over loopback, serving the blog example from the pg_topology fixture (a primary and
// two streaming standbys, tests/topology/CMakeLists.txt), on both backends.
//
// Where a read landed is told by the data, not by the server's word: replay is paused on a
// standby (pg_wal_replay_pause) so that it holds an older title than the primary, and each
// answer names the server that gave it. The per-pool counters of /metrics are checked too.
// Every test resumes what it paused (TearDown), and promotion happens only on a throwaway
// third standby, so the fixture stays as it was.

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <gtest/gtest.h>

#include "e2e/security_support.hpp"
#include "support/cluster.hpp"
#include "support/fault_proxy.hpp"
#include "support/server_process.hpp"
#include "support/sql.hpp"

namespace fraiseql::test {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

const char* const author77 = "f330353f-8c4c-c942-05ec-099bead3053c"; // md5('user77')::uuid

std::string url_on(const std::string& port) {
    return "postgres://postgres@127.0.0.1:" + port + "/fraiseql_e2e";
}

std::string unique(const std::string& prefix) {
    return prefix + " " + std::to_string(clock_type::now().time_since_epoch().count());
}

std::string one(const std::string& url, const std::string& sql) {
    auto col = query_column(url, sql);
    return col.empty() ? std::string("<no row>") : col[0];
}

std::string token_for(const std::string& sub) {
    return "Bearer " + security::hs256(R"({"sub":")" + sub + R"(","exp":)" +
                                       std::to_string(security::now_s() + 3600) + "}");
}

class read_routing : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        ASSERT_EQ(cluster_env("FRAISEQL_TEST_STANDBYS"), "2")
            << "needs the pg_topology fixture (tools/pg-test-topology.sh)";
        primary_ = url_on(cluster_env("FRAISEQL_TEST_PORT"));
        standby_ = {url_on(cluster_env("FRAISEQL_TEST_STANDBY1_PORT")),
                    url_on(cluster_env("FRAISEQL_TEST_STANDBY2_PORT"))};
        for (const auto& s : standby_) resume(s);
    }
    void TearDown() override {
        server_.reset();
        // Never leave a standby paused for the next test.
        for (const auto& s : standby_) resume(s);
    }

    void pause(const std::string& standby) {
        ASSERT_EQ(exec_script(standby, "SELECT pg_wal_replay_pause()"), "");
        // Pausing is asynchronous: wait until replay has actually stopped.
        const auto stop = clock_type::now() + 10s;
        while (one(standby, "SELECT pg_get_wal_replay_pause_state()") != "paused") {
            ASSERT_LT(clock_type::now(), stop) << "replay did not pause";
            std::this_thread::sleep_for(20ms);
        }
    }
    void resume(const std::string& standby) {
        EXPECT_EQ(exec_script(standby, "SELECT pg_wal_replay_resume()"), "");
    }
    /// Waits (10 s at most) until `standby` has replayed everything the primary has written.
    void wait_replayed(const std::string& standby) {
        const auto target = one(primary_, "SELECT pg_current_wal_insert_lsn()::text");
        const auto stop = clock_type::now() + 10s;
        while (one(standby, "SELECT pg_last_wal_replay_lsn() >= '" + target + "'::pg_lsn") != "t") {
            ASSERT_LT(clock_type::now(), stop) << "standby did not replay " << target;
            std::this_thread::sleep_for(20ms);
        }
    }

    /// Starts the server over the primary with `replicas` and FRAISEQL_* settings `env`.
    void start(const std::vector<std::string>& replicas, std::vector<std::string> env = {}) {
        std::string list;
        for (const auto& r : replicas) list += (list.empty() ? "" : ",") + r;
        env.push_back("FRAISEQL_REPLICA_URLS=" + list);
        env.push_back("FRAISEQL_JWT_SECRET=" + security::secret);
        server_ = std::make_unique<server_process>(
            std::vector<std::string>{"--schema",
                                     std::string(FRAISEQL_SOURCE_DIR) +
                                         "/examples/blog/schema.graphql",
                                     "--database-url", primary_, "--backend",
                                     std::string(pg::to_string(GetParam()))},
            env);
        ASSERT_TRUE(server_->ok()) << server_->log();
    }

    /// POSTs `body` as `who` ("" anonymous); returns the parsed answer (null when not JSON).
    boost::json::value post(const std::string& body, const std::string& who = {},
                            int expect_status = 200) {
        std::map<std::string, std::string> h;
        if (!who.empty()) h["Authorization"] = token_for(who);
        auto r = post_graphql(server_->port(), body, h);
        EXPECT_EQ(r.status, expect_status) << r.error << r.body;
        last_ = r.body;
        boost::system::error_code ec;
        auto v = boost::json::parse(r.body, ec);
        return ec ? boost::json::value() : v;
    }
    static std::string q(const std::string& text) {
        return "{\"query\":" + boost::json::serialize(boost::json::string(text)) + "}";
    }

    std::string create_post(const std::string& who, const std::string& title) {
        auto v = post(q("mutation { createPost(input: {authorId: \"" + std::string(author77) +
                        "\", title: \"" + title + "\", body: \"replica e2e\"}) { id title } }"),
                      who);
        EXPECT_FALSE(v.is_object() && v.as_object().contains("errors")) << last_;
        if (!v.is_object() || !v.as_object().contains("data")) return {};
        return std::string(v.at("data").at("createPost").at("id").as_string());
    }
    /// Renames the post through the server; the answer must be a success with the new title.
    void rename(const std::string& who, const std::string& id, const std::string& title) {
        auto v = post(q("mutation { updatePostTitle(input: {id: \"" + id + "\", title: \"" +
                        title + "\"}) { __typename ... on UpdatePostTitleSuccess { post { title } } } }"),
                      who);
        EXPECT_EQ(boost::json::serialize(v.at("data")),
                  R"({"updatePostTitle":{"__typename":"UpdatePostTitleSuccess","post":{"title":")" +
                      title + "\"}}}")
            << last_;
    }
    /// The post's title as `who` reads it through the server; "<error>" on any error.
    std::string read_title(const std::string& id, const std::string& who = {}) {
        auto v = post(q("{ post(id: \"" + id + "\") { title } }"), who);
        if (!v.is_object() || v.as_object().contains("errors")) {
            ADD_FAILURE() << "a read failed: " << last_;
            return "<error>";
        }
        return std::string(v.at("data").at("post").at("title").as_string());
    }
    std::string title_on(const std::string& url, const std::string& id) {
        return one(url, "SELECT title FROM tb_post WHERE id = '" + id + "'");
    }

    /// The value of one /metrics series (the whole line before the value), or -1.
    double metric(const std::string& series) { return test::metric(server_->port(), series); }
    static std::string reads(const std::string& pool) {
        return "fraiseql_db_reads_total{pool=\"" + pool + "\",role=\"" +
               (pool == "primary" ? "primary" : "replica") + "\"}";
    }
    /// Polls `series` until it equals `value`; the time it took, or nullopt after `within`.
    std::optional<std::chrono::milliseconds> wait_metric(const std::string& series, double value,
                                                         std::chrono::milliseconds within) {
        const auto t0 = clock_type::now();
        for (;;) {
            if (metric(series) == value)
                return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0);
            if (clock_type::now() - t0 > within) return std::nullopt;
            std::this_thread::sleep_for(25ms);
        }
    }

    std::string primary_;
    std::vector<std::string> standby_;
    std::unique_ptr<server_process> server_;
    std::string last_;
};

TEST_P(read_routing, reads_go_round_robin_to_the_replicas_and_writes_to_the_primary) {
    // Paused standbys stay usable here: the test is about where reads land, not about lag.
    start({standby_[0], standby_[1]}, {"FRAISEQL_REPLICA_MAX_LAG=60s"});
    const std::string t0 = unique("rr zero"), t1 = unique("rr one"), t2 = unique("rr two");
    const std::string id = create_post("writer", t0);
    ASSERT_FALSE(id.empty());
    wait_replayed(standby_[0]);
    wait_replayed(standby_[1]);
    // standby1 holds t0, standby2 t1, the primary t2.
    pause(standby_[0]);
    rename("writer", id, t1);
    wait_replayed(standby_[1]);
    pause(standby_[1]);
    rename("writer", id, t2);
    ASSERT_EQ(title_on(primary_, id), t2); // the writes went to the primary
    ASSERT_EQ(title_on(standby_[0], id), t0);
    ASSERT_EQ(title_on(standby_[1], id), t1);

    std::map<std::string, int> seen;
    for (int i = 0; i < 8; ++i) ++seen[read_title(id)]; // anonymous: no read-your-writes
    EXPECT_EQ(seen[t0], 4) << "reads on standby1";
    EXPECT_EQ(seen[t1], 4) << "reads on standby2";
    EXPECT_EQ(seen[t2], 0) << "reads on the primary";
    EXPECT_EQ(metric(reads("replica1")), 4);
    EXPECT_EQ(metric(reads("replica2")), 4);
    EXPECT_EQ(metric(reads("primary")), 0);
    EXPECT_EQ(metric("fraiseql_replica_eligible{replica=\"1\"}"), 1);
}

TEST_P(read_routing, a_client_reads_its_own_write_at_once_while_others_read_the_replica) {
    start({standby_[0], standby_[1]}, {"FRAISEQL_REPLICA_MAX_LAG=60s"});
    const std::string before = unique("ryw before");
    const std::string id = create_post("alice", before);
    ASSERT_FALSE(id.empty());
    wait_replayed(standby_[0]);
    wait_replayed(standby_[1]);
    pause(standby_[0]);
    pause(standby_[1]);
    std::string mine;
    for (int k = 0; k < 5; ++k) {
        mine = unique("ryw mine " + std::to_string(k));
        rename("alice", id, mine);
        // At once, from the same client: her write, though no replica has it.
        EXPECT_EQ(read_title(id, "alice"), mine) << "round " << k;
        // Another client reads a replica, which still has the older value.
        EXPECT_EQ(read_title(id, "bob"), before) << "round " << k;
    }
    EXPECT_EQ(metric(reads("primary")), 5) << "alice's reads went to the primary";
    EXPECT_EQ(metric(reads("replica1")) + metric(reads("replica2")), 5);
    EXPECT_EQ(metric("fraiseql_read_your_writes_clients"), 1);

    // By LSN, not by time: once the replicas have replayed her commit (well within the 5 s
    // window), her reads go to them again.
    resume(standby_[0]);
    resume(standby_[1]);
    wait_replayed(standby_[0]);
    wait_replayed(standby_[1]);
    std::this_thread::sleep_for(600ms); // two rounds of the monitor (250 ms)
    EXPECT_EQ(read_title(id, "alice"), mine);
    EXPECT_EQ(metric(reads("primary")), 5) << "her read went to the primary after the replay";
}

TEST_P(read_routing, a_replica_past_max_lag_is_skipped_in_time_and_reads_stay_correct) {
    start({standby_[0], standby_[1]}, {"FRAISEQL_REPLICA_MAX_LAG=1s"});
    const std::string old_title = unique("lag old"), new_title = unique("lag new");
    const std::string id = create_post("writer", old_title);
    ASSERT_FALSE(id.empty());
    wait_replayed(standby_[0]);
    wait_replayed(standby_[1]);
    pause(standby_[0]);
    const auto t0 = clock_type::now();
    rename("writer", id, new_title);
    // Until the lag passes 1 s standby1 may serve the old title (bounded staleness, never an
    // error); afterwards it is skipped.
    std::optional<std::chrono::milliseconds> took;
    while (!took && clock_type::now() - t0 < 5s) {
        const auto t = read_title(id);
        EXPECT_TRUE(t == old_title || t == new_title) << t;
        if (metric("fraiseql_replica_eligible{replica=\"1\"}") == 0)
            took = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0);
    }
    ASSERT_TRUE(took) << "a replica 5 s behind stayed eligible with replica_max_lag = 1s";
    EXPECT_GE(*took, 900ms) << "skipped before it lagged by max_lag";
    // The bound: max_lag 1 s + check interval 250 ms + one check (bounded by check_timeout,
    // 1 s — a loaded 2-core machine measured 2.3 s here) + this loop's own polling.
    EXPECT_LE(*took, 3000ms) << "max_lag 1 s + check interval 250 ms + check_timeout 1 s";
    EXPECT_GT(metric("fraiseql_replica_lag_seconds{replica=\"1\"}"), 1.0);
    EXPECT_EQ(metric("fraiseql_replica_up{replica=\"1\"}"), 1);
    const double on_lagging = metric(reads("replica1"));
    for (int i = 0; i < 6; ++i) EXPECT_EQ(read_title(id), new_title);
    EXPECT_EQ(metric(reads("replica1")), on_lagging);
    resume(standby_[0]);
    EXPECT_TRUE(wait_metric("fraiseql_replica_eligible{replica=\"1\"}", 1, 5s))
        << "the replica did not come back after catching up";
}

TEST_P(read_routing, a_replica_that_goes_down_costs_no_client_an_error) {
    // standby1 behind a proxy that can reset every connection and refuse new ones: a crash.
    fault_proxy proxy(std::uint16_t(std::stoi(cluster_env("FRAISEQL_TEST_STANDBY1_PORT"))));
    start({url_on(std::to_string(proxy.port())), standby_[1]});
    const std::string title = unique("down");
    const std::string id = create_post("writer", title);
    ASSERT_FALSE(id.empty());
    wait_replayed(standby_[0]);
    wait_replayed(standby_[1]);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(read_title(id), title); // both replicas have pooled conns
    ASSERT_EQ(metric(reads("replica1")), 2);

    proxy.set_refuse_new(true);
    proxy.reset_all();
    const auto t0 = clock_type::now();
    for (int i = 0; i < 20; ++i) EXPECT_EQ(read_title(id), title) << "read " << i;
    EXPECT_TRUE(wait_metric("fraiseql_replica_up{replica=\"1\"}", 0, 2s))
        << "the monitor did not see the replica go down";
    EXPECT_LT(clock_type::now() - t0, 5s);
    EXPECT_EQ(metric("fraiseql_replica_eligible{replica=\"1\"}"), 0);
    // Every read routed to the dead replica after the reset (usually the first one, unless
    // the monitor noticed first) ran again on the primary; the rest went to standby2.
    EXPECT_EQ(metric("fraiseql_replica_retries_total"), metric(reads("replica1")) - 2);
    EXPECT_GE(metric(reads("replica2")), 10);

    proxy.set_refuse_new(false);
    EXPECT_TRUE(wait_metric("fraiseql_replica_eligible{replica=\"1\"}", 1, 5s))
        << "the replica did not come back";
}

// The primary becomes unreachable (its connections reset, new ones refused — a crash or a
// partition, seen from the server) while both standbys stay up: docs/scaling.md promises
// that reads continue on the replicas, mutations fail with a clear DATABASE_ERROR (and
// nothing is half-done), /ready turns 503, and everything serves again once the primary is
// back — without restarting the server.
TEST_P(read_routing, with_the_primary_down_reads_continue_on_the_replicas) {
    fault_proxy proxy(std::uint16_t(std::stoi(cluster_env("FRAISEQL_TEST_PORT"))));
    const std::string direct_primary = primary_;
    primary_ = url_on(std::to_string(proxy.port())); // what the server is given
    start({standby_[0], standby_[1]});
    primary_ = direct_primary;
    const std::string title = unique("primary down");
    const std::string id = create_post("writer", title);
    ASSERT_FALSE(id.empty());
    wait_replayed(standby_[0]);
    wait_replayed(standby_[1]);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(read_title(id), title);
    ASSERT_EQ(http_request(server_->port(), "GET", "/ready").status, 200);

    proxy.set_refuse_new(true);
    proxy.reset_all();
    // Reads: every one answered from a replica, none an error.
    const double primary_reads = metric(reads("primary"));
    for (int i = 0; i < 20; ++i) EXPECT_EQ(read_title(id), title) << "read " << i;
    EXPECT_EQ(metric(reads("primary")), primary_reads);
    EXPECT_GE(metric(reads("replica1")) + metric(reads("replica2")), 24);
    // Mutations: a clear error, and no row appears anywhere.
    const std::string lost = unique("never written");
    auto w = post(q("mutation { createPost(input: {authorId: \"" + std::string(author77) +
                    "\", title: \"" + lost + "\", body: \"x\"}) { id } }"),
                  "writer");
    EXPECT_NE(last_.find("DATABASE_ERROR"), std::string::npos) << last_;
    EXPECT_FALSE(w.is_object() && w.as_object().contains("data") &&
                 w.at("data").is_object() && w.at("data").at("createPost").is_object())
        << last_;
    EXPECT_EQ(one(direct_primary, "SELECT count(*) FROM tb_post WHERE title = '" + lost + "'"),
              "0");
    // /ready is about the primary: 503, and its body says which pool is down.
    const auto down = http_request(server_->port(), "GET", "/ready");
    EXPECT_EQ(down.status, 503) << down.body;
    EXPECT_NE(down.body.find(R"("pool":"primary","role":"primary","up":false)"),
              std::string::npos)
        << down.body;
    // The replicas are still eligible: lag is measured against the primary's last known
    // position, so it does not grow while the primary cannot be asked.
    EXPECT_EQ(metric("fraiseql_replica_eligible{replica=\"1\"}"), 1);
    EXPECT_EQ(metric("fraiseql_replica_eligible{replica=\"2\"}"), 1);

    proxy.set_refuse_new(false);
    const auto t0 = clock_type::now();
    std::string back;
    while (back.empty() && clock_type::now() - t0 < 10s) {
        back = create_post("writer", unique("primary back"));
        if (back.empty()) std::this_thread::sleep_for(100ms);
    }
    ASSERT_FALSE(back.empty()) << "writes did not resume within 10 s: " << last_;
    std::optional<std::chrono::milliseconds> ready_again;
    for (const auto t1 = clock_type::now(); !ready_again && clock_type::now() - t1 < 5s;
         std::this_thread::sleep_for(50ms))
        if (http_request(server_->port(), "GET", "/ready").status == 200)
            ready_again = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t1);
    EXPECT_TRUE(ready_again) << "/ready stayed 503 after the primary came back";
}

TEST_P(read_routing, a_promoted_replica_is_never_read_from_again) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(FRAISEQL_BINARY_DIR) /
                         ("pgtopology-promote-e2e-" + std::string(pg::to_string(GetParam())));
    const fs::path primary_dir = fs::path(cluster_env("FRAISEQL_TEST_PGDATA")).parent_path();
    const std::string script = std::string(FRAISEQL_SOURCE_DIR) + "/tools/pg-test-cluster.sh";
    std::error_code ec;
    fs::remove_all(dir, ec);
    ASSERT_EQ(std::system((script + " start '" + dir.string() + "' --standby-of '" +
                           primary_dir.string() + "' >/dev/null 2>&1")
                              .c_str()),
              0);
    struct cleanup {
        std::string script, dir;
        ~cleanup() {
            (void)std::system((script + " stop '" + dir + "' >/dev/null 2>&1").c_str());
            std::error_code e;
            std::filesystem::remove_all(dir, e);
        }
    } drop{script, dir.string()};
    std::string port;
    {
        std::ifstream env(dir / "env");
        for (std::string line; std::getline(env, line);)
            if (line.rfind("FRAISEQL_TEST_PORT=", 0) == 0) port = line.substr(19);
    }
    ASSERT_FALSE(port.empty());
    const std::string third = url_on(port);
    start({third, standby_[0]});
    const std::string old_title = unique("promote old"), new_title = unique("promote new");
    const std::string id = create_post("writer", old_title);
    ASSERT_FALSE(id.empty());
    wait_replayed(third);
    wait_replayed(standby_[0]);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(read_title(id), old_title);
    EXPECT_EQ(metric(reads("replica1")), 2);

    ASSERT_EQ(one(third, "SELECT pg_promote(true, 30)::text"), "true");
    const auto took = wait_metric("fraiseql_replica_in_recovery{replica=\"1\"}", 0, 3s);
    ASSERT_TRUE(took) << "the server did not notice the promotion";
    EXPECT_LE(*took, 1000ms) << "check interval 250 ms, with slack";
    EXPECT_EQ(metric("fraiseql_replica_eligible{replica=\"1\"}"), 0);
    // The promoted server is on a timeline of its own: the primary's next write never
    // reaches it, and no read may come from it.
    rename("writer", id, new_title);
    wait_replayed(standby_[0]);
    EXPECT_EQ(title_on(third, id), old_title);
    const double on_promoted = metric(reads("replica1"));
    for (int i = 0; i < 6; ++i) EXPECT_EQ(read_title(id), new_title);
    EXPECT_EQ(metric(reads("replica1")), on_promoted);
}

TEST_P(read_routing, mutations_never_reach_a_replica) {
    // A write routed to a read-only standby would fail with SQLSTATE 25006 (read-only
    // transaction); with replicas configured every mutation must still commit on the primary.
    start({standby_[0], standby_[1]});
    for (int i = 0; i < 6; ++i) {
        const std::string who = "writer" + std::to_string(i);
        const std::string title = unique("w" + std::to_string(i));
        const std::string id = create_post(who, title);
        ASSERT_FALSE(id.empty()) << last_;
        EXPECT_EQ(last_.find("read-only"), std::string::npos) << last_;
        EXPECT_EQ(title_on(primary_, id), title);
        rename(who, id, title + " renamed");
        EXPECT_EQ(title_on(primary_, id), title + " renamed");
        // Read back at once by the writer: read-your-writes.
        EXPECT_EQ(read_title(id, who), title + " renamed");
    }
    const auto log = server_->log();
    EXPECT_EQ(log.find("25006"), std::string::npos) << log;
    EXPECT_EQ(log.find("DATABASE_ERROR"), std::string::npos) << log;
    EXPECT_EQ(metric("fraiseql_replica_retries_total"), 0);
}

TEST_P(read_routing, a_failed_mutation_leaves_no_transaction_behind) {
    // With replicas the mutation runs in BEGIN … COMMIT (to read its commit position after
    // COMMIT): a failing function leaves that block failed, and the pool must roll it back
    // before the connection serves anyone else. One connection, so the next requests get it.
    start({standby_[0]}, {"FRAISEQL_POOL_SIZE=1"});
    for (int i = 0; i < 3; ++i) {
        auto bad = post(q("mutation { createPost(input: {authorId: "
                          "\"00000000-0000-0000-0000-000000000000\", title: \"x\", body: \"x\"}) "
                          "{ id } }"),
                        "writer");
        EXPECT_TRUE(bad.at("data").at("createPost").is_null()) << last_;
        EXPECT_NE(last_.find("does not exist"), std::string::npos) << last_; // the function's error
        const std::string title = unique("after failure " + std::to_string(i));
        const std::string id = create_post("writer", title);
        ASSERT_FALSE(id.empty()) << last_;
        EXPECT_EQ(title_on(primary_, id), title);
        EXPECT_EQ(read_title(id, "writer"), title);
    }
    EXPECT_EQ(server_->log().find("25P02"), std::string::npos) << server_->log();
}

TEST_P(read_routing, with_no_usable_replica_reads_fall_back_or_fail_as_configured) {
    const std::string nowhere = "postgres://postgres@127.0.0.1:1/fraiseql_e2e";
    start({nowhere});
    const std::string title = unique("fallback");
    const std::string id = create_post("writer", title);
    ASSERT_FALSE(id.empty());
    EXPECT_EQ(read_title(id), title); // from the primary
    EXPECT_EQ(metric(reads("primary")), 1);
    EXPECT_EQ(metric("fraiseql_replica_up{replica=\"1\"}"), 0);
    // /ready is about the primary: the server can answer everything. Its body shows each
    // pool: the primary up, the unreachable replica down and not eligible.
    const auto ready = http_request(server_->port(), "GET", "/ready");
    EXPECT_EQ(ready.status, 200);
    EXPECT_EQ(ready.body,
              R"({"status":"ready","pools":[{"pool":"primary","role":"primary","up":true,)"
              R"("in_use":0,"idle":)" +
                  std::to_string(boost::json::parse(ready.body)
                                     .at("pools").at(0).at("idle").as_int64()) +
                  R"(},{"pool":"replica1","role":"replica","up":false,"in_recovery":false,)"
                  R"("eligible":false,"lag_ms":0,"in_use":0,"idle":0}]})");

    start({nowhere}, {"FRAISEQL_REPLICA_FALLBACK=error"});
    (void)post(q("{ post(id: \"" + id + "\") { title } }"), {}, 503);
    EXPECT_NE(last_.find("DATABASE_ERROR"), std::string::npos) << last_;
    EXPECT_NE(last_.find("replica_fallback"), std::string::npos) << last_;
    // Writes need no replica.
    rename("writer", id, title + " again");
    EXPECT_EQ(title_on(primary_, id), title + " again");
    EXPECT_EQ(http_request(server_->port(), "GET", "/ready").status, 200);
}

INSTANTIATE_TEST_SUITE_P(backends, read_routing, all_backends(), backend_name{});

} // namespace
} // namespace fraiseql::test
