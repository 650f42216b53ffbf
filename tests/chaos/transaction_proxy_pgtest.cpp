// The commit request and its answer, cut by the fault proxy (docs/reliability.md §4.3):
// a mutation runs as one pipeline ending with Sync, and the Sync is what commits it.
// - cut before the pipeline reaches PostgreSQL: nothing committed, the client gets an error;
// - cut right after it was forwarded (PostgreSQL commits, its answer is lost): the row is
//   committed exactly once and the client is told an error — never "success" — and a retry
//   with the same key is refused by the unique key instead of applying the write twice;
// - the answer stalls (to_client blackhole) until FraiseQL's deadline: TIMEOUT, committed once.
//
// Shared cluster, non-destructive: the proxy stands between this test's server and
// PostgreSQL (sslmode=disable so that the proxy sees the protocol in clear).

#include <mutex>

#include "pgchaos_support.hpp"
#include "support/fault_proxy.hpp"

namespace fraiseql::test::chaos {
namespace {

/// The Sync message (protocol-message-formats: 'S', int32 length 4).
const std::string sync_message("S\0\0\0\4", 5);

class transaction_proxy : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        ASSERT_EQ(load_fixture(), "");
        app_ = app_name(GetParam());
        proxy_ = std::make_unique<fault_proxy>(
            static_cast<std::uint16_t>(std::stoi(cluster_env("FRAISEQL_TEST_PORT"))));
    }
    void start(std::vector<std::string> settings = {}) {
        const std::string url = "postgres://postgres@127.0.0.1:" + std::to_string(proxy_->port()) +
                                "/fraiseql_e2e?sslmode=disable&application_name=" + app_;
        server_ = start_server(GetParam(), url, std::move(settings));
        ASSERT_TRUE(server_->ok()) << server_->log();
    }
    unsigned short port() const { return server_->port(); }
    /// Arms the proxy: once a chunk towards PostgreSQL has carried `key` (the mutation's
    /// Bind), the first chunk that carries a Sync fires `then` (before or after forwarding).
    void cut_at_sync_of(const std::string& key, std::function<void()> then, bool after_forward) {
        auto seen = std::make_shared<bool>(false);
        auto fired = fired_;
        proxy_->on_to_server(
            [key, seen, fired](std::string_view chunk) {
                if (chunk.find(key) != std::string_view::npos)
                    *seen = true;
                const bool hit = *seen && chunk.find(sync_message) != std::string_view::npos;
                if (hit)
                    *fired = true;
                return hit;
            },
            std::move(then), after_forward);
    }

    std::string app_;
    std::unique_ptr<fault_proxy> proxy_;
    std::unique_ptr<server_process> server_;
    std::shared_ptr<std::atomic<bool>> fired_ = std::make_shared<std::atomic<bool>>(false);
};

// RST before the pipeline (call + Sync) reaches PostgreSQL: not committed, a clear error.
TEST_P(transaction_proxy, connection_lost_before_the_commit_request) {
    start();
    const std::string key = unique_key("cut-before");
    cut_at_sync_of(
        key, [p = proxy_.get()] { p->reset_all(); }, false);
    auto a = insert(port(), with_key(key));
    EXPECT_TRUE(*fired_) << "the trigger did not fire";
    EXPECT_TRUE(a.clear_error()) << a.describe();
    EXPECT_EQ(a.code(), "DATABASE_ERROR") << a.describe();
    EXPECT_EQ(rows_with_key(key), 0);
    // The retry (a new connection) commits it once.
    auto retry = insert(port(), with_key(key));
    EXPECT_TRUE(retry.ok()) << retry.describe();
    EXPECT_EQ(rows_with_key(key), 1);
}

// RST right after the pipeline was forwarded: PostgreSQL commits, the answer is lost. The
// client is told an error (never success); the row is committed exactly once; a retry with
// the same key gets a unique violation instead of a second row.
TEST_P(transaction_proxy, connection_lost_after_the_commit_request) {
    start();
    const std::string key = unique_key("cut-after");
    cut_at_sync_of(
        key, [p = proxy_.get()] { p->reset_all(); }, true);
    auto a = insert(port(), with_key(key));
    EXPECT_TRUE(*fired_) << "the trigger did not fire";
    EXPECT_FALSE(a.ok()) << "told success although the answer never arrived: " << a.describe();
    EXPECT_TRUE(a.clear_error()) << a.describe();
    EXPECT_EQ(a.code(), "DATABASE_ERROR") << a.describe();
    EXPECT_TRUE(wait_until([&] { return rows_with_key(key) == 1; }, 5s))
        << "the forwarded commit did not commit";
    auto retry = insert(port(), with_key(key));
    EXPECT_TRUE(retry.clear_error()) << retry.describe();
    EXPECT_NE(retry.message().find("duplicate key"), std::string::npos) << retry.describe();
    EXPECT_EQ(rows_with_key(key), 1) << "the write was applied twice";
}

// The answer to the commit stalls (blackhole towards FraiseQL): at FraiseQL's deadline the
// client gets TIMEOUT — the write is committed once (PostgreSQL had it) — and once the
// network is back the server writes again on fresh connections.
TEST_P(transaction_proxy, commit_answer_stalls_until_the_deadline) {
    start({"FRAISEQL_STATEMENT_TIMEOUT=1s"});
    const std::string key = unique_key("stall-after");
    cut_at_sync_of(
        key, [p = proxy_.get()] { p->set_mode(fault_mode::blackhole, direction::to_client); },
        true);
    auto a = insert(port(), with_key(key));
    EXPECT_TRUE(*fired_) << "the trigger did not fire";
    EXPECT_FALSE(a.ok()) << a.describe();
    EXPECT_EQ(a.code(), "TIMEOUT") << a.describe();
    EXPECT_LT(a.ms, 4000.0);
    EXPECT_EQ(rows_with_key(key), 1);
    proxy_->set_mode(fault_mode::pass, direction::to_client);
    const std::string k2 = unique_key("stall-after2");
    answer w;
    (void)wait_until([&] { return (w = insert(port(), with_key(k2))).ok(); }, 10s);
    EXPECT_TRUE(w.ok()) << w.describe();
    EXPECT_EQ(rows_with_key(k2), 1);
}

INSTANTIATE_TEST_SUITE_P(backends, transaction_proxy, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test::chaos
