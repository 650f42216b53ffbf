// SIGTERM while the database is unreachable in the worst way: the network to it stalls
// (fault proxy blackhole), so in-flight requests hang on their statements. The server must
// still exit with status 0 within shutdown_timeout (docs/reliability.md §4.6).
//
// Shared cluster, non-destructive: only the proxy between this test's server and PostgreSQL.

#include "pgchaos_support.hpp"
#include "support/fault_proxy.hpp"

namespace fraiseql::test::chaos {
namespace {

class lifecycle_proxy : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        ASSERT_EQ(load_fixture(), "");
        proxy_ = std::make_unique<fault_proxy>(
            static_cast<std::uint16_t>(std::stoi(cluster_env("FRAISEQL_TEST_PORT"))));
    }
    std::unique_ptr<fault_proxy> proxy_;
};

TEST_P(lifecycle_proxy, sigterm_while_the_database_network_stalls) {
    auto server =
        start_server(GetParam(),
                     "postgres://postgres@127.0.0.1:" + std::to_string(proxy_->port()) +
                         "/fraiseql_e2e?sslmode=disable&application_name=" + app_name(GetParam()),
                     {"FRAISEQL_THREADS=2", "FRAISEQL_SHUTDOWN_TIMEOUT=2s",
                      "FRAISEQL_STATEMENT_TIMEOUT=30s", "FRAISEQL_POOL_SIZE=4"});
    ASSERT_TRUE(server->ok()) << server->log();
    ASSERT_TRUE(graphql(server->port(), "{ chaosSession { pid } }").ok());
    proxy_->set_mode(fault_mode::blackhole);
    std::vector<answer> hung(3);
    std::vector<std::thread> ts;
    for (int i = 0; i < 3; ++i)
        ts.emplace_back([&, i] { hung[i] = graphql(server->port(), "{ chaosSession { pid } }"); });
    std::this_thread::sleep_for(500ms); // the requests are stuck on the stalled network
    const auto t0 = steady::now();
    const int status = server->stop(15000);
    const double ms = ms_since(t0);
    for (auto& t : ts)
        t.join();
    EXPECT_EQ(status, 0) << server->log();
    EXPECT_LT(ms, 2000.0 + 2000.0) << "not within shutdown_timeout";
    for (const auto& a : hung)
        EXPECT_FALSE(a.ok()) << a.describe();
    std::printf("[ measured ] SIGTERM with a stalled database network: exit %d after %.0f ms "
                "(shutdown_timeout 2 s)\n",
                status, ms);
}

INSTANTIATE_TEST_SUITE_P(backends, lifecycle_proxy, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test::chaos
