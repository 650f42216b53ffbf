// Native-driver-only behaviour: notices and LISTEN/NOTIFY callbacks (native_options hooks
// the libpq backend does not offer: docs/driver.md "Differences between the backends") and
// the configurable statement-cache size (libpq: fixed, libpq_query.* tests its eviction).
// ParameterStatus tracking and DEALLOCATE ALL recovery run on both backends
// (connection_query_pgtest.cpp).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "connection_fixture.hpp"
#include "fraiseql/pg/native.hpp"

namespace fraiseql::conn_test {
namespace {

class native_only : public ::testing::Test {
protected:
    std::unique_ptr<pg::connection> open(pg::native_options o) {
        auto c = pg::make_native_connector(io_.get_executor(), test::database_url(), std::move(o));
        EXPECT_TRUE(c);
        if (!c) return nullptr;
        connector_ = std::move(*c);
        auto conn = test::run(io_, connector_->connect(in(10s)));
        EXPECT_TRUE(conn) << conn.error().message;
        return conn ? std::move(*conn) : nullptr;
    }
    pg::result<void> run1(pg::connection& c, std::string_view sql, pg::row_sink* sink = nullptr) {
        pg::statement st{sql, {}, sink};
        return test::run(io_, c.run(std::span(&st, 1), in(30s)));
    }
    asio::io_context io_;
    std::unique_ptr<pg::connector> connector_;
};

TEST_F(native_only, notices_and_notifications_reach_callbacks) {
    FRAISEQL_REQUIRE_CLUSTER();
    std::vector<pg::server_message> notices;
    std::vector<std::pair<std::string, std::string>> notes;
    pg::native_options o;
    o.on_notice = [&](const pg::server_message& m) { notices.push_back(m); };
    o.on_notification = [&](std::int32_t, std::string_view ch, std::string_view payload) {
        notes.emplace_back(ch, payload);
    };
    auto c = open(std::move(o));
    ASSERT_TRUE(c);
    ASSERT_TRUE(run1(*c, "DO $$ BEGIN RAISE NOTICE 'hello %', 42 USING HINT = 'hint'; END $$"));
    ASSERT_EQ(notices.size(), 1u);
    EXPECT_EQ(notices[0].message, "hello 42");
    EXPECT_EQ(notices[0].hint, "hint");
    EXPECT_EQ(notices[0].severity, "NOTICE");
    EXPECT_EQ(notices[0].code.str(), "00000");
    ASSERT_TRUE(run1(*c, "LISTEN conn_chan"));
    ASSERT_TRUE(run1(*c, "NOTIFY conn_chan, 'payload 1'"));
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0].first, "conn_chan");
    EXPECT_EQ(notes[0].second, "payload 1");
}

TEST_F(native_only, statement_cache_evicts_and_closes) {
    FRAISEQL_REQUIRE_CLUSTER();
    pg::native_options o;
    o.statement_cache_size = 4;
    auto c = open(std::move(o));
    ASSERT_TRUE(c);
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 10; ++i) {
            copy_sink s;
            std::string sql = "SELECT " + std::to_string(i) + " AS v";
            ASSERT_TRUE(run1(*c, sql, &s));
            ASSERT_EQ(s.at(0, 0), std::to_string(i));
        }
    }
    // The server holds at most the cache size (evicted statements were closed).
    copy_sink n;
    ASSERT_TRUE(run1(*c, "SELECT count(*) FROM pg_prepared_statements", &n));
    EXPECT_LE(std::stoi(n.at(0, 0)), 5); // 4 cached + this one being prepared
    EXPECT_GE(std::stoi(n.at(0, 0)), 4);
}


// A server that resets the connection during the startup (here: after reading the SSLRequest,
// while the driver waits for its one-byte answer) fails the connect with connection_failed,
// the code of "could not connect" (pg/error.hpp) and libpq's, not connection_lost. Before,
// a write or the SSLRequest's answer meeting the reset said connection_lost, so a server that
// resets at accept gave either code by timing (chaos network.refused_connections_fail_fast…
// under ThreadSanitizer). No cluster: a listener on 127.0.0.1 plays the server.
TEST(native_startup, a_reset_during_startup_is_connection_failed) {
    asio::io_context io;
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    const auto port = acceptor.local_endpoint().port();
    bool reset = false;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            auto s = co_await acceptor.async_accept(asio::use_awaitable);
            char request[8]; // SSLRequest: length 8, code 80877103
            co_await asio::async_read(s, asio::buffer(request), asio::use_awaitable);
            s.set_option(asio::socket_base::linger(true, 0)); // close with RST
            s.close();
            reset = true;
        },
        asio::detached);
    auto c = pg::make_native_connector(
        io.get_executor(),
        "postgresql://nobody@127.0.0.1:" + std::to_string(port) + "/none?sslmode=prefer", {});
    ASSERT_TRUE(c);
    auto conn = test::run(io, (*c)->connect(in(5s)));
    EXPECT_TRUE(reset);
    ASSERT_FALSE(conn);
    EXPECT_EQ(conn.error().code, pg::errc::connection_failed) << conn.error().message;
}

} // namespace
} // namespace fraiseql::conn_test
