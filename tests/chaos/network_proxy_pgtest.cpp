// The fault proxy itself (tests/support/fault_proxy.hpp), verified against an echo server
// on 127.0.0.1 before the network scenarios rely on it: each mode does what it says, and
// only that.

#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "support/fault_proxy.hpp"

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using fraiseql::test::direction;
using fraiseql::test::fault_mode;
using fraiseql::test::fault_proxy;
using steady = std::chrono::steady_clock;

// Echoes every byte back; counts connections, reads and bytes.
class echo_server {
public:
    echo_server() : acceptor_(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {
        asio::co_spawn(io_, accept_loop(), asio::detached);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~echo_server() {
        io_.stop();
        thread_.join();
    }
    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

    std::atomic<int> accepted{0};
    std::atomic<int> reads{0};
    std::atomic<std::size_t> bytes{0};

private:
    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, s] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
            ++accepted;
            asio::co_spawn(io_, echo(std::move(s)), asio::detached);
        }
    }
    asio::awaitable<void> echo(tcp::socket s) {
        char buf[65536];
        for (;;) {
            auto [ec, n] = co_await s.async_read_some(asio::buffer(buf),
                                                      asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
            ++reads;
            bytes += n;
            auto [wec, w] = co_await asio::async_write(s, asio::buffer(buf, n),
                                                       asio::as_tuple(asio::use_awaitable));
            if (wec) co_return;
        }
    }

    asio::io_context io_;
    tcp::acceptor acceptor_;
    std::thread thread_;
};

// A blocking client socket with bounded reads.
struct client {
    explicit client(std::uint16_t port) : sock(io) {
        sock.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port));
    }
    void send(std::string_view s) { asio::write(sock, asio::buffer(s)); }

    enum class outcome { data, timeout, eof, reset, error };
    struct read_result {
        outcome what;
        std::string data;
    };
    // Reads until `n` bytes arrived, the peer closed or `limit` passed.
    read_result read(std::size_t n, std::chrono::milliseconds limit) {
        std::string out;
        const auto end = steady::now() + limit;
        while (out.size() < n) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(end - steady::now());
            if (left <= 0ms) return {outcome::timeout, out};
            pollfd p{sock.native_handle(), POLLIN, 0};
            if (::poll(&p, 1, int(left.count())) == 0) return {outcome::timeout, out};
            char buf[65536];
            const auto r = ::recv(sock.native_handle(), buf, std::min(sizeof buf, n - out.size()),
                                  0);
            if (r == 0) return {outcome::eof, out};
            if (r < 0) return {errno == ECONNRESET ? outcome::reset : outcome::error, out};
            out.append(buf, std::size_t(r));
        }
        return {outcome::data, out};
    }

    asio::io_context io;
    tcp::socket sock;
};

std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = char('a' + i % 26);
    return s;
}

TEST(fault_proxy, pass_forwards_both_ways_and_counts) {
    echo_server echo;
    fault_proxy proxy(echo.port());
    client c(proxy.port());
    const auto msg = pattern(100'000);
    c.send(msg);
    auto r = c.read(msg.size(), 5s);
    ASSERT_EQ(r.what, client::outcome::data);
    EXPECT_EQ(r.data, msg);
    // The counters move after the write completes: the client may read first.
    for (int i = 0; i < 200 && proxy.stats().bytes_to_client < msg.size(); ++i)
        std::this_thread::sleep_for(5ms);
    const auto st = proxy.stats();
    EXPECT_EQ(st.accepted, 1u);
    EXPECT_EQ(st.live, 1u);
    EXPECT_EQ(st.bytes_to_server, msg.size());
    EXPECT_EQ(st.bytes_to_client, msg.size());
}

TEST(fault_proxy, fragment_delivers_intact_in_one_byte_writes) {
    echo_server echo;
    fault_proxy proxy(echo.port());
    proxy.set_mode(fault_mode::fragment, direction::to_server);
    client c(proxy.port());
    const auto msg = pattern(200);
    c.send(msg); // one write of 200 bytes
    auto r = c.read(msg.size(), 5s);
    ASSERT_EQ(r.what, client::outcome::data);
    EXPECT_EQ(r.data, msg);
    // One write per byte towards the upstream (the receiver may coalesce them on reading),
    // and the echo back in ordinary chunks.
    for (int i = 0; i < 200 && proxy.stats().bytes_to_client < msg.size(); ++i)
        std::this_thread::sleep_for(5ms);
    const auto st = proxy.stats();
    EXPECT_EQ(st.writes_to_server, msg.size());
    EXPECT_LT(st.writes_to_client, msg.size());
    EXPECT_GE(echo.reads.load(), 2);
}

TEST(fault_proxy, blackhole_reads_and_drops_then_pass_resumes) {
    echo_server echo;
    fault_proxy proxy(echo.port());
    client c(proxy.port());
    c.send("ping");
    ASSERT_EQ(c.read(4, 5s).data, "ping");
    proxy.set_mode(fault_mode::blackhole);
    c.send("lost");
    auto r = c.read(1, 300ms);
    EXPECT_EQ(r.what, client::outcome::timeout);
    EXPECT_EQ(echo.bytes.load(), 4u) << "nothing reached the upstream";
    proxy.set_mode(fault_mode::pass);
    c.send("back");
    r = c.read(4, 5s);
    ASSERT_EQ(r.what, client::outcome::data);
    EXPECT_EQ(r.data, "back");
}

TEST(fault_proxy, blackhole_one_direction_only) {
    echo_server echo;
    fault_proxy proxy(echo.port());
    proxy.set_mode(fault_mode::blackhole, direction::to_client);
    client c(proxy.port());
    c.send("abc");
    EXPECT_EQ(c.read(1, 300ms).what, client::outcome::timeout);
    // The request went through; only the reply was swallowed.
    for (int i = 0; i < 100 && echo.bytes.load() < 3; ++i) std::this_thread::sleep_for(10ms);
    EXPECT_EQ(echo.bytes.load(), 3u);
}

TEST(fault_proxy, reset_all_sends_rst) {
    echo_server echo;
    fault_proxy proxy(echo.port());
    client c(proxy.port());
    c.send("x");
    ASSERT_EQ(c.read(1, 5s).data, "x");
    proxy.reset_all();
    auto r = c.read(1, 5s);
    EXPECT_EQ(r.what, client::outcome::reset) << "an RST, not a FIN";
    for (int i = 0; i < 100 && proxy.stats().live != 0; ++i) std::this_thread::sleep_for(10ms);
    EXPECT_EQ(proxy.stats().live, 0u);
}

TEST(fault_proxy, close_all_sends_fin) {
    echo_server echo;
    fault_proxy proxy(echo.port());
    client c(proxy.port());
    c.send("x");
    ASSERT_EQ(c.read(1, 5s).data, "x");
    proxy.close_all();
    EXPECT_EQ(c.read(1, 5s).what, client::outcome::eof);
}

TEST(fault_proxy, refuse_new_connections_keeps_live_ones) {
    echo_server echo;
    fault_proxy proxy(echo.port());
    client live(proxy.port());
    live.send("a");
    ASSERT_EQ(live.read(1, 5s).data, "a");
    proxy.set_mode(fault_mode::refuse);
    {
        client refused(proxy.port());
        const auto t0 = steady::now();
        auto r = refused.read(1, 5s);
        EXPECT_TRUE(r.what == client::outcome::reset || r.what == client::outcome::eof);
        EXPECT_LT(steady::now() - t0, 2s);
    }
    live.send("b");
    EXPECT_EQ(live.read(1, 5s).data, "b");
    EXPECT_EQ(echo.accepted.load(), 1) << "the refused one never reached the upstream";
    proxy.set_mode(fault_mode::pass);
    client again(proxy.port());
    again.send("c");
    EXPECT_EQ(again.read(1, 5s).data, "c");
    EXPECT_EQ(proxy.stats().accepted, 3u);
}

TEST(fault_proxy, latency_delays_each_direction) {
    echo_server echo;
    fault_proxy proxy(echo.port());
    client c(proxy.port());
    c.send("warm");
    ASSERT_EQ(c.read(4, 5s).data, "warm");
    proxy.set_latency(200ms);
    const auto t0 = steady::now();
    c.send("slow");
    auto r = c.read(4, 5s);
    const auto rtt = steady::now() - t0;
    ASSERT_EQ(r.data, "slow");
    EXPECT_GE(rtt, 400ms) << "200 ms each way";
    EXPECT_LT(rtt, 3s);
    proxy.set_latency(0ms);
    const auto t1 = steady::now();
    c.send("fast");
    ASSERT_EQ(c.read(4, 5s).data, "fast");
    EXPECT_LT(steady::now() - t1, 300ms);
}

TEST(fault_proxy, bandwidth_caps_throughput) {
    echo_server echo;
    fault_proxy proxy(echo.port());
    proxy.set_bandwidth(100'000, direction::to_client);
    client c(proxy.port());
    const auto msg = pattern(50'000);
    const auto t0 = steady::now();
    c.send(msg);
    auto r = c.read(msg.size(), 10s);
    const auto took = steady::now() - t0;
    ASSERT_EQ(r.what, client::outcome::data);
    EXPECT_EQ(r.data, msg);
    EXPECT_GE(took, 400ms) << "50 kB at 100 kB/s";
    EXPECT_LT(took, 5s);
}

TEST(fault_proxy, corrupt_flips_bits) {
    echo_server echo;
    fault_proxy proxy(echo.port());
    proxy.set_mode(fault_mode::corrupt, direction::to_server);
    proxy.set_corrupt_every(2);
    client c(proxy.port());
    c.send("aaaa");
    auto r = c.read(4, 5s);
    ASSERT_EQ(r.what, client::outcome::data);
    EXPECT_EQ(r.data, "a`a`"); // every 2nd byte: 'a' ^ 0x01 == '`'
}

TEST(fault_proxy, half_close_to_client_keeps_upstream_open) {
    echo_server echo;
    fault_proxy proxy(echo.port());
    client c(proxy.port());
    c.send("x");
    ASSERT_EQ(c.read(1, 5s).data, "x");
    proxy.half_close_all(direction::to_client);
    EXPECT_EQ(c.read(1, 5s).what, client::outcome::eof);
    c.send("still");
    for (int i = 0; i < 100 && echo.bytes.load() < 6; ++i) std::this_thread::sleep_for(10ms);
    EXPECT_EQ(echo.bytes.load(), 6u) << "the upstream direction still forwards";
}

TEST(fault_proxy, inject_to_client_writes_raw_bytes) {
    echo_server echo;
    fault_proxy proxy(echo.port());
    client c(proxy.port());
    c.send("x");
    ASSERT_EQ(c.read(1, 5s).data, "x");
    const auto fatal = fraiseql::test::pg_fatal_message("57P01", "terminating");
    proxy.inject_to_client(fatal);
    auto r = c.read(fatal.size(), 5s);
    ASSERT_EQ(r.what, client::outcome::data);
    EXPECT_EQ(r.data, fatal);
    EXPECT_EQ(echo.bytes.load(), 1u);
    // 'E', length 4 + "SFATAL\0" "VFATAL\0" "C57P01\0" "Mterminating\0" "\0"
    ASSERT_GE(fatal.size(), 5u);
    EXPECT_EQ(fatal[0], 'E');
    EXPECT_EQ(std::size_t(std::uint8_t(fatal[4])), fatal.size() - 1);
    EXPECT_NE(fatal.find("C57P01"), std::string::npos);
}

TEST(fault_proxy, trigger_before_forward_cuts_the_message) {
    echo_server echo;
    fault_proxy proxy(echo.port());
    client c(proxy.port());
    c.send("ok");
    ASSERT_EQ(c.read(2, 5s).data, "ok");
    std::atomic<int> fired{0};
    proxy.on_to_server([](std::string_view chunk) { return chunk.find("CUT") != chunk.npos; },
                       [&] {
                           ++fired;
                           proxy.reset_all();
                       });
    c.send("CUT");
    EXPECT_EQ(c.read(1, 5s).what, client::outcome::reset);
    EXPECT_EQ(fired.load(), 1);
    EXPECT_EQ(echo.bytes.load(), 2u) << "the triggering chunk was not forwarded";
}

TEST(fault_proxy, trigger_after_forward_loses_only_the_reply) {
    echo_server echo;
    fault_proxy proxy(echo.port());
    client c(proxy.port());
    proxy.on_to_server([](std::string_view chunk) { return chunk.find("CUT") != chunk.npos; },
                       [&] { proxy.reset_all(); }, true);
    c.send("CUT");
    auto r = c.read(3, 5s);
    EXPECT_NE(r.what, client::outcome::data);
    for (int i = 0; i < 100 && echo.bytes.load() < 3; ++i) std::this_thread::sleep_for(10ms);
    EXPECT_EQ(echo.bytes.load(), 3u) << "the upstream got the chunk";
    // The trigger fired once: a new connection passes.
    client c2(proxy.port());
    c2.send("CUT");
    EXPECT_EQ(c2.read(3, 5s).data, "CUT");
}

TEST(fault_proxy, destructor_with_live_stalled_connections_does_not_hang) {
    echo_server echo;
    const auto t0 = steady::now();
    {
        fault_proxy proxy(echo.port());
        proxy.set_mode(fault_mode::blackhole);
        proxy.set_latency(10s);
        client a(proxy.port());
        client b(proxy.port());
        a.send("x");
        std::this_thread::sleep_for(50ms);
    }
    EXPECT_LT(steady::now() - t0, 3s);
}

} // namespace
