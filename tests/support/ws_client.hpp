#pragma once
// A graphql-transport-ws client of the real server's /graphql over loopback, for the e2e and
// chaos tiers (tests/e2e/subscriptions_pgtest.cpp, tests/chaos/subscription_*_pgtest.cpp):
// a Beast WebSocket whose reads have timeouts — the client's own io_context runs for at most
// the timeout; a read that did not complete stays pending for the next call.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace fraiseql::test {

class ws_client {
public:
    struct options {
        std::string protocol = "graphql-transport-ws"; ///< offered subprotocol ("" offers none)
        int receive_buffer = 0; ///< > 0: SO_RCVBUF before connecting (a client that stops
                                ///< reading then fills up quickly)
    };

    explicit ws_client(unsigned short port) : ws_client(port, options{}) {}
    ws_client(unsigned short port, const std::string& protocol)
        : ws_client(port, options{protocol, 0}) {}
    ws_client(unsigned short port, const options& o) {
        namespace asio = boost::asio;
        namespace beast = boost::beast;
        namespace websocket = boost::beast::websocket;
        boost::system::error_code ec;
        auto& sock = beast::get_lowest_layer(ws_).socket();
        sock.open(asio::ip::tcp::v4(), ec);
        if (!ec && o.receive_buffer > 0)
            sock.set_option(asio::socket_base::receive_buffer_size(o.receive_buffer), ec);
        if (!ec) sock.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
        if (ec) {
            error_ = "connect: " + ec.message();
            return;
        }
        ws_.set_option(websocket::stream_base::decorator([p = o.protocol](websocket::request_type& r) {
            if (!p.empty()) r.set(beast::http::field::sec_websocket_protocol, p);
        }));
        ws_.read_message_max(64 << 20);
        websocket::response_type res;
        ws_.handshake(res, "127.0.0.1", "/graphql", ec);
        status_ = res.result_int();
        if (ec) {
            error_ = "handshake: " + ec.message();
            return;
        }
        protocol_ = std::string(res[beast::http::field::sec_websocket_protocol]);
        ws_.text(true);
        ok_ = true;
    }

    bool ok() const { return ok_; }
    const std::string& error() const { return error_; }
    int status() const { return status_; }
    const std::string& protocol() const { return protocol_; }

    void send(const std::string& text) {
        boost::system::error_code ec;
        ws_.write(boost::asio::buffer(text), ec);
    }
    void send_json(const boost::json::value& v) { send(boost::json::serialize(v)); }

    /// The next message within `timeout`; nullopt on timeout or when the socket closed
    /// (then closed() is true and close_code() is the server's code, 0 without a close frame).
    std::optional<std::string> read(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        if (closed_) return std::nullopt;
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
        if (!done_) return std::nullopt;
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
    /// The next message parsed; null on timeout, close or a message that is not JSON.
    boost::json::value read_json(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        auto m = read(timeout);
        if (!m) return nullptr;
        boost::system::error_code ec;
        auto v = boost::json::parse(*m, ec);
        return ec ? boost::json::value(nullptr) : v;
    }
    /// Reads until the socket closes (within `timeout`): the close code (0: no close frame,
    /// the connection was cut), -1 on timeout. `bytes` counts what was read meanwhile.
    int wait_close(std::chrono::milliseconds timeout = std::chrono::seconds(5),
                   std::size_t* bytes = nullptr) {
        const auto until = std::chrono::steady_clock::now() + timeout;
        while (!closed_ && std::chrono::steady_clock::now() < until) {
            auto m = read(std::chrono::duration_cast<std::chrono::milliseconds>(
                until - std::chrono::steady_clock::now()));
            if (m && bytes) *bytes += m->size();
        }
        return closed_ ? close_code_ : -1;
    }
    /// The protocol's ping answered by a pong within `timeout`; messages read meanwhile are
    /// appended to `other`.
    bool ping(std::vector<std::string>& other,
              std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        send(R"({"type":"ping"})");
        const auto until = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < until) {
            auto m = read(std::chrono::duration_cast<std::chrono::milliseconds>(
                until - std::chrono::steady_clock::now()));
            if (!m) return false;
            if (*m == R"({"type":"pong"})") return true;
            other.push_back(std::move(*m));
        }
        return false;
    }
    bool closed() const { return closed_; }
    int close_code() const { return close_code_; }
    const std::string& close_reason() const { return close_reason_; }

    /// connection_init (with `jwt` as its Authorization when given) and the connection_ack;
    /// false (with a test failure) otherwise.
    bool init(const std::string& jwt = "") {
        boost::json::object payload;
        if (!jwt.empty()) payload["Authorization"] = "Bearer " + jwt;
        send_json({{"type", "connection_init"}, {"payload", payload}});
        auto ack = read_json();
        const bool acked = ack.is_object() && ack.at("type") == "connection_ack";
        EXPECT_TRUE(acked) << boost::json::serialize(ack) << " close " << close_code_ << " "
                           << close_reason_;
        return acked;
    }
    void subscribe(const std::string& id, const std::string& query,
                   const boost::json::value& variables = nullptr) {
        boost::json::object payload{{"query", query}};
        if (!variables.is_null()) payload["variables"] = variables;
        send_json({{"type", "subscribe"}, {"id", id}, {"payload", payload}});
    }
    /// Cuts the TCP connection without a close frame (a vanished client).
    void drop() {
        boost::system::error_code ec;
        boost::beast::get_lowest_layer(ws_).socket().close(ec);
        closed_ = true;
    }

private:
    boost::asio::io_context ioc_;
    boost::beast::websocket::stream<boost::beast::tcp_stream> ws_{ioc_};
    boost::beast::flat_buffer buffer_;
    bool ok_ = false, pending_ = false, done_ = false, closed_ = false;
    boost::system::error_code ec_;
    int status_ = 0, close_code_ = 0;
    std::string error_, protocol_, close_reason_;
};

} // namespace fraiseql::test
