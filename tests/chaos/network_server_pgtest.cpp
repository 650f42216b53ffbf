// The real server (`fraiseql serve`, blog example in database fraiseql_e2e) with its
// database behind the fault proxy: what an HTTP client sees when the network to
// PostgreSQL stalls or resets, and that the server recovers without a restart
// (docs/reliability.md §4.1, product spec §9).

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "network_support.hpp"
#include "support/server_process.hpp"
#include "support/sql.hpp"

namespace fraiseql::net_test {
namespace {

using test::fault_mode;
using test::http_response;

constexpr const char* users_query = R"({"query":"{ users(limit: 2) { email } }"})";

/// Runs a blocking HTTP call on its own thread and waits at most `limit`: a server that
/// hangs fails the test instead of hanging it (the thread is left to finish when the
/// server process is stopped).
template <class F> std::optional<http_response> bounded(F f, ms limit) {
    auto task = std::make_shared<std::packaged_task<http_response()>>(std::move(f));
    auto fut = task->get_future();
    std::thread([task] { (*task)(); }).detach();
    if (fut.wait_for(limit) != std::future_status::ready)
        return std::nullopt;
    return fut.get();
}

class network_server : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        const auto port = std::stoi(test::cluster_env("FRAISEQL_TEST_PORT"));
        proxy_ = std::make_unique<test::fault_proxy>(static_cast<std::uint16_t>(port));
        const auto url = with(proxied(test::database_url_for("fraiseql_e2e"), proxy_->port()),
                              "sslmode=disable");
        server_ = std::make_unique<test::server_process>(
            std::vector<std::string>{
                "--schema", std::string(FRAISEQL_SOURCE_DIR) + "/examples/blog/schema.graphql",
                "--database-url", url, "--backend", std::string(pg::to_string(GetParam()))},
            std::vector<std::string>{"FRAISEQL_REQUEST_TIMEOUT=2s", "FRAISEQL_POOL_SIZE=4"});
        ASSERT_TRUE(server_->ok()) << server_->log();
    }
    void TearDown() override {
        // Heal first: the server's shutdown must not wait on a stalled network.
        if (proxy_)
            proxy_->set_mode(fault_mode::pass);
        if (server_) {
            const auto t0 = steady::now();
            // A clean, prompt exit — also after a CancelRequest went into the black hole
            // (libpq's PQcancel has no timeout; it must not hold the process).
            const int rc = server_->stop();
            measured("server stop", since(t0));
            EXPECT_EQ(rc, 0) << server_->log();
            EXPECT_LT(since(t0), 5s);
        }
    }
    std::optional<http_response> graphql(ms limit = 20s) {
        const auto port = server_->port();
        return bounded([port] { return test::post_graphql(port, users_query); }, limit);
    }
    std::optional<http_response> get(const char* path, ms limit = 20s) {
        const auto port = server_->port();
        std::string p = path;
        return bounded([port, p] { return test::http_request(port, "GET", p); }, limit);
    }
    static bool has_users(const http_response& r) {
        return r.status == 200 && r.body.find("\"users\":[{\"email\":") != std::string::npos;
    }
    /// Native ends a stalled statement at deadline + grace (2 s); libpq at deadline + 1 s.
    /// Plus slack for a loaded machine.
    ms overshoot() const {
        return GetParam() == pg::backend_kind::native ? 2000ms + 2000ms : 1000ms + 2000ms;
    }

    std::unique_ptr<test::fault_proxy> proxy_;
    std::unique_ptr<test::server_process> server_;
};

TEST_P(network_server, blackholed_database_gives_timeout_errors_health_stays_up_and_recovers) {
    auto ok = graphql();
    ASSERT_TRUE(ok);
    ASSERT_TRUE(has_users(*ok)) << ok->status << " " << ok->body;

    proxy_->set_mode(fault_mode::blackhole);
    auto t0 = steady::now();
    auto r = graphql();
    auto took = since(t0);
    measured("GraphQL error after (request_timeout 2 s)", took);
    ASSERT_TRUE(r) << "no answer: the request hung";
    EXPECT_NE(r->body.find("\"TIMEOUT\""), std::string::npos) << r->status << " " << r->body;
    EXPECT_EQ(r->body.find("\"email\""), std::string::npos) << "no data";
    EXPECT_LT(took, 2s + overshoot());

    // Liveness does not depend on the database; readiness says it is unreachable.
    t0 = steady::now();
    auto health = get("/health", 5s);
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    EXPECT_LT(since(t0), 1s);
    t0 = steady::now();
    auto ready = get("/ready");
    took = since(t0);
    measured("/ready 503 after", took);
    ASSERT_TRUE(ready) << "/ready hung";
    EXPECT_EQ(ready->status, 503) << ready->body;
    EXPECT_LT(took, 2s + overshoot());

    // A second request during the stall: also an error, also bounded.
    t0 = steady::now();
    r = graphql();
    took = since(t0);
    measured("second GraphQL error after", took);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body.find("\"email\""), std::string::npos);
    EXPECT_NE(r->body.find("\"errors\""), std::string::npos) << r->body;
    EXPECT_LT(took, 2s + overshoot());

    // Heal: queries succeed again without a restart.
    proxy_->set_mode(fault_mode::pass);
    const auto t1 = steady::now();
    bool recovered = false;
    while (since(t1) < 10s) {
        auto again = graphql(10s);
        if (again && has_users(*again)) {
            recovered = true;
            break;
        }
        std::this_thread::sleep_for(50ms);
    }
    measured("recovery after heal", since(t1));
    EXPECT_TRUE(recovered) << server_->log();
    auto ready_again = get("/ready");
    ASSERT_TRUE(ready_again);
    EXPECT_EQ(ready_again->status, 200);
}

TEST_P(network_server, reset_connections_are_replaced_without_a_failed_request) {
    auto ok = graphql();
    ASSERT_TRUE(ok);
    ASSERT_TRUE(has_users(*ok)) << ok->body;
    // Every database connection reset while idle: the pool notices at checkout and
    // reconnects; the client sees no error at all.
    proxy_->reset_all();
    for (int i = 0; i < 5; ++i) {
        auto r = graphql();
        ASSERT_TRUE(r);
        EXPECT_TRUE(has_users(*r)) << "request " << i << ": " << r->status << " " << r->body;
    }
    EXPECT_GE(proxy_->stats().accepted, 2u) << "the server reconnected";
}

INSTANTIATE_TEST_SUITE_P(backends, network_server, test::all_backends(), test::backend_name{});

} // namespace
} // namespace fraiseql::net_test
