#pragma once
// Shared by tests/chaos/subscription_*_pgtest.cpp (docs/subscriptions.md "Failures"): a
// graphql-transport-ws client over loopback whose reads have timeouts, the live query of the
// chaos schema, /metrics and the server's RSS.

#include <sys/socket.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <regex>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include "pgchaos_support.hpp"

namespace fraiseql::test::chaos {

/// The live query of the chaos schema: the rows of one group, in key order.
inline const std::string rows_of_group =
    "subscription($g: String!) { chaosRows(where: {grp: {eq: $g}}, orderBy: [{key: ASC}]) "
    "{ key grp val } }";

/// The rows of group `grp` as the live query answers them (its `data`), read by SQL: what a
/// push must equal.
inline std::string expected_rows(const std::string& grp) {
    const auto text = sql1("SELECT json_build_object('chaosRows', coalesce(json_agg(json_build_object("
                "'key', key, 'grp', grp, 'val', val) ORDER BY key), '[]'))::text FROM chaos_write "
                "WHERE grp = " +
                quote(grp));
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    return ec ? "not JSON: " + text : boost::json::serialize(v);
}

/// A WebSocket client of /graphql (graphql-transport-ws). Reads run the client's own
/// io_context for at most their timeout; a read that did not complete stays pending for the
/// next call. `receive_buffer` > 0 sets SO_RCVBUF before connecting (a small window makes a
/// client that stops reading fill up quickly).
class ws_client {
public:
    explicit ws_client(unsigned short port, int receive_buffer = 0) {
        namespace asio = boost::asio;
        namespace beast = boost::beast;
        boost::system::error_code ec;
        auto& sock = beast::get_lowest_layer(ws_).socket();
        sock.open(asio::ip::tcp::v4(), ec);
        if (!ec && receive_buffer > 0)
            sock.set_option(asio::socket_base::receive_buffer_size(receive_buffer), ec);
        if (!ec)
            sock.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
        if (ec) {
            error_ = "connect: " + ec.message();
            return;
        }
        ws_.set_option(
            boost::beast::websocket::stream_base::decorator([](boost::beast::websocket::request_type& r) {
                r.set(boost::beast::http::field::sec_websocket_protocol, "graphql-transport-ws");
            }));
        ws_.read_message_max(64 << 20);
        ws_.handshake("127.0.0.1", "/graphql", ec);
        if (ec) {
            error_ = "handshake: " + ec.message();
            return;
        }
        ws_.text(true);
        ok_ = true;
    }

    bool ok() const { return ok_; }
    const std::string& error() const { return error_; }

    void send(const std::string& text) {
        boost::system::error_code ec;
        ws_.write(boost::asio::buffer(text), ec);
    }
    /// connection_init and its connection_ack.
    bool init() {
        send(R"({"type":"connection_init","payload":{}})");
        auto ack = read_json();
        return ack.is_object() && ack.at("type") == "connection_ack";
    }
    void subscribe(const std::string& id, const std::string& query,
                   const boost::json::object& variables) {
        boost::json::object payload{{"query", query}, {"variables", variables}};
        send(boost::json::serialize(
            boost::json::object{{"type", "subscribe"}, {"id", id}, {"payload", payload}}));
    }

    /// The next message within `timeout`; nullopt on timeout or when the socket closed
    /// (then closed() is true and close_code() is the server's code, 0 without a close frame).
    std::optional<std::string> read(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        if (closed_)
            return std::nullopt;
        if (!pending_) {
            pending_ = true;
            done_ = false;
            ws_.async_read(buffer_, [this](boost::system::error_code ec, std::size_t) {
                pending_ = false;
                done_ = true;
                ec_ = ec;
            });
        }
        ioc_.restart();
        ioc_.run_for(timeout);
        if (!done_)
            return std::nullopt;
        done_ = false;
        if (ec_) {
            closed_ = true;
            close_code_ = ws_.reason().code;
            close_reason_ = std::string(ws_.reason().reason.c_str());
            error_ = ec_.message();
            return std::nullopt;
        }
        std::string out = boost::beast::buffers_to_string(buffer_.data());
        buffer_.consume(buffer_.size());
        return out;
    }
    boost::json::value read_json(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        auto m = read(timeout);
        if (!m)
            return nullptr;
        boost::system::error_code ec;
        auto v = boost::json::parse(*m, ec);
        return ec ? boost::json::value(nullptr) : v;
    }
    /// The protocol's ping answered by a pong within `timeout`; messages read meanwhile
    /// are appended to `other`.
    bool ping(std::vector<std::string>& other,
              std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        send(R"({"type":"ping"})");
        const auto until = steady::now() + timeout;
        while (steady::now() < until) {
            auto m = read(std::chrono::duration_cast<std::chrono::milliseconds>(until - steady::now()));
            if (!m)
                return false;
            if (*m == R"({"type":"pong"})")
                return true;
            other.push_back(std::move(*m));
        }
        return false;
    }
    /// Reads until the socket closes (within `timeout`): the close code (0: no close frame,
    /// the connection was cut), -1 on timeout. `bytes` counts what was read meanwhile.
    int wait_close(std::chrono::milliseconds timeout, std::size_t* bytes = nullptr) {
        const auto until = steady::now() + timeout;
        while (!closed_ && steady::now() < until) {
            auto m = read(std::chrono::duration_cast<std::chrono::milliseconds>(until - steady::now()));
            if (m && bytes)
                *bytes += m->size();
        }
        return closed_ ? close_code_ : -1;
    }
    bool closed() const { return closed_; }
    int close_code() const { return close_code_; }
    const std::string& close_reason() const { return close_reason_; }

private:
    boost::asio::io_context ioc_;
    boost::beast::websocket::stream<boost::beast::tcp_stream> ws_{ioc_};
    boost::beast::flat_buffer buffer_;
    bool ok_ = false, pending_ = false, done_ = false, closed_ = false;
    boost::system::error_code ec_;
    int close_code_ = 0;
    std::string error_, close_reason_;
};

/// A metric's value from /metrics (-1 when absent).
inline double metric(unsigned short port, const std::string& name) {
    auto r = http_request(port, "GET", "/metrics");
    std::smatch m;
    std::regex re("\n" + name + " ([0-9.e+-]+)\n");
    if (!std::regex_search(r.body, m, re))
        return -1;
    return std::stod(m[1]);
}

/// Resident set size of process `pid`, KiB (VmRSS; 0 when unreadable).
inline long rss_kib(pid_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    for (std::string l; std::getline(f, l);)
        if (l.rfind("VmRSS:", 0) == 0)
            return std::atol(l.c_str() + 6);
    return 0;
}

/// The payload's `data` of a `next` message as JSON text ("" when `m` is not a next).
inline std::string next_data(const boost::json::value& m) {
    if (!m.is_object() || m.at("type") != "next")
        return {};
    return boost::json::serialize(m.at("payload").at("data"));
}

} // namespace fraiseql::test::chaos
