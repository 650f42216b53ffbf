#pragma once
/// \file
/// The byte stream under a native connection: TCP, unix-domain socket, or TLS over
/// TCP (asio::ssl / OpenSSL). Errors are returned as values; cancel() aborts the
/// pending operation (used by the connection's deadline watchdog).

#include <cstddef>
#include <memory>
#include <string>
#include <tuple>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "fraiseql/pg/conninfo.hpp"

namespace fraiseql::pg::wire {

namespace asio = boost::asio;
using error_code = boost::system::error_code;

/// Where a CancelRequest goes: a fresh plain connection to the same server.
struct cancel_target {
    bool unix_socket = false;
    asio::ip::tcp::endpoint tcp;
    std::string path;
};

class transport {
public:
    explicit transport(asio::any_io_executor ex);
    ~transport();
    transport(const transport&) = delete;
    transport& operator=(const transport&) = delete;

    /// Connects to the unix socket or resolves and connects over TCP (TCP_NODELAY).
    asio::awaitable<error_code> connect(const conninfo& ci);
    /// TLS handshake on the connected TCP socket (after the server accepted SSLRequest).
    /// verify-ca/verify-full (and require with an explicit sslrootcert) verify the chain;
    /// verify-full also checks the host name / IP address against the certificate.
    asio::awaitable<error_code> handshake(asio::ssl::context& ctx, const conninfo& ci);

    /// What a read or a write completed with: the error and the bytes transferred.
    using io_result = std::tuple<error_code, std::size_t>;
    /// Not coroutines: each hands back the stream's own operation, awaited by the caller at
    /// once (issue 15: no frame of their own per read and per write).
    asio::awaitable<io_result> read_some(asio::mutable_buffer b);
    /// All of `b` (asio::async_write), or the error that stopped it.
    asio::awaitable<io_result> write(asio::const_buffer b);
    /// Writes what of `b` the socket takes without waiting (net::write_now; nothing under TLS,
    /// where only the TLS stream may write); true when that was all of it. Otherwise the rest
    /// is kept for write_rest(). Two calls rather than one coroutine: the caller's frame gains
    /// no variable (a frame above Asio's 1,020-byte recycling limit comes from the heap).
    bool write_now(asio::const_buffer b) noexcept;
    /// The rest write_now() left, written with write().
    asio::awaitable<io_result> write_rest() { return write(rest_); }

    /// Aborts pending operations (they complete with operation_aborted).
    void cancel() noexcept;
    /// Best-effort Terminate on a plain socket without blocking, then close.
    void close(bool send_terminate) noexcept;

    /// Zero-timeout check of an idle connection: true when the peer has closed it
    /// (EOF, hang-up or error pending). Never blocks and consumes nothing.
    bool closed_by_peer() const noexcept;

    bool is_tcp() const noexcept { return !unix_; }
    bool is_tls() const noexcept { return tls_ != nullptr; }
    const cancel_target& target() const noexcept { return target_; }
    /// RFC 5929 tls-server-end-point: hash of the server certificate with its signature
    /// digest (SHA-256 when that is MD5/SHA-1). Empty when unavailable.
    std::string tls_server_end_point() const;

private:
    asio::ip::tcp::socket tcp_;
    asio::local::stream_protocol::socket local_;
    asio::ip::tcp::resolver resolver_;
    std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket&>> tls_;
    cancel_target target_;
    bool unix_ = false;
    asio::const_buffer rest_; ///< what write_now() left for write_rest()
};

} // namespace fraiseql::pg::wire
