// Asio transport for the native driver: TCP / unix socket / TLS.
#include "transport.hpp"

#include "net/write_now.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace fraiseql::pg::wire {

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

/// TCP keepalive and user timeout as libpq sets them (fe-connect.c: SO_KEEPALIVE, then
/// TCP_KEEPIDLE / TCP_KEEPINTVL / TCP_KEEPCNT, TCP_USER_TIMEOUT), so that a peer that
/// vanished without a FIN or RST — a partition, a dead host — is noticed by the kernel and
/// the next read fails instead of waiting forever. 0 leaves a value to the OS. Failures are
/// ignored: keepalive is a safety net, not a reason to refuse a working connection.
void apply_keepalive(int fd, const conninfo& ci) {
    const int on = ci.keepalives ? 1 : 0;
    ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
    if (ci.keepalives) {
        if (const int idle = int(ci.keepalives_idle.count()); idle > 0)
            ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
        if (const int intvl = int(ci.keepalives_interval.count()); intvl > 0)
            ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl);
        if (const int cnt = ci.keepalives_count; cnt > 0)
            ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt);
    }
    if (const auto ut = static_cast<unsigned>(ci.tcp_user_timeout.count()); ut > 0)
        ::setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ut, sizeof ut);
}
} // namespace

transport::transport(asio::any_io_executor ex) : tcp_(ex), local_(ex), resolver_(ex) {}

transport::~transport() { close(false); }

asio::awaitable<error_code> transport::connect(const conninfo& ci) {
    if (ci.is_unix_socket() && ci.hostaddr.empty()) {
        unix_ = true;
        target_.unix_socket = true;
        target_.path = ci.unix_socket_path();
        auto [ec] = co_await local_.async_connect(
            asio::local::stream_protocol::endpoint(target_.path), use_tuple);
        co_return ec;
    }
    error_code ec;
    if (!ci.hostaddr.empty()) {
        auto addr = asio::ip::make_address(ci.hostaddr, ec);
        if (ec) co_return ec;
        asio::ip::tcp::endpoint ep(addr, ci.port);
        auto [cec] = co_await tcp_.async_connect(ep, use_tuple);
        if (cec) co_return cec;
        target_.tcp = ep;
    } else {
        auto [rec, results] =
            co_await resolver_.async_resolve(ci.host, std::to_string(ci.port), use_tuple);
        if (rec) co_return rec;
        auto [cec, ep] = co_await asio::async_connect(tcp_, results, use_tuple);
        if (cec) co_return cec;
        target_.tcp = ep;
    }
    tcp_.set_option(asio::ip::tcp::no_delay(true), ec); // small request/response round trips
    apply_keepalive(tcp_.native_handle(), ci);
    co_return error_code{};
}

asio::awaitable<error_code> transport::handshake(asio::ssl::context& ctx, const conninfo& ci) {
    tls_ = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(tcp_, ctx);
    SSL* ssl = tls_->native_handle();
    // Asio's engine sets SSL_MODE_RELEASE_BUFFERS, which frees a connection's record buffers
    // whenever they drain and allocates them again for the next record: a few heap
    // allocations per round trip (issue 15). A pooled database connection is busy and few
    // (pool_size), so it keeps its buffers (about 34 KiB) for its life instead.
    SSL_clear_mode(ssl, SSL_MODE_RELEASE_BUFFERS);
    error_code ec;
    (void)asio::ip::make_address(ci.host, ec);
    const bool host_is_ip = !ec;
    if (!host_is_ip) SSL_set_tlsext_host_name(ssl, ci.host.c_str()); // SNI, names only
    const bool verify =
        ci.sslmode == ssl_mode::verify_ca || ci.sslmode == ssl_mode::verify_full ||
        (ci.sslmode == ssl_mode::require && !ci.sslrootcert.empty());
    if (verify) {
        SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
        if (ci.sslmode == ssl_mode::verify_full) {
            X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
            int ok = host_is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, ci.host.c_str())
                                : X509_VERIFY_PARAM_set1_host(param, ci.host.c_str(), 0);
            if (ok != 1) co_return asio::error::make_error_code(asio::error::invalid_argument);
        }
    } else {
        SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
    }
    auto [hec] = co_await tls_->async_handshake(asio::ssl::stream_base::client, use_tuple);
    co_return hec;
}

asio::awaitable<transport::io_result> transport::read_some(asio::mutable_buffer b) {
    if (tls_) return tls_->async_read_some(b, use_tuple);
    if (unix_) return local_.async_read_some(b, use_tuple);
    return tcp_.async_read_some(b, use_tuple);
}

asio::awaitable<transport::io_result> transport::write(asio::const_buffer b) {
    if (tls_) return asio::async_write(*tls_, b, use_tuple);
    if (unix_) return asio::async_write(local_, b, use_tuple);
    return asio::async_write(tcp_, b, use_tuple);
}

bool transport::write_now(asio::const_buffer b) noexcept {
    if (!tls_) b += unix_ ? net::write_now(local_, b) : net::write_now(tcp_, b);
    rest_ = b;
    return b.size() == 0;
}

bool transport::closed_by_peer() const noexcept {
    // Same test as libpq's backend (libpq_connection::closed_by_peer): poll(2) with
    // POLLRDHUP. An idle session that is not LISTENing (pooled connections never are) hears
    // nothing from the server unless it is being closed: a FATAL (57P01 after
    // pg_terminate_backend, idle_session_timeout, a shutdown) whose FIN may still be on the
    // way — under TLS, or on a plain socket, the record arrives first. Readable therefore
    // means closed; treating it as such costs at most one reconnect, and it spares the next
    // request the FATAL.
    auto& tcp = const_cast<asio::ip::tcp::socket&>(tcp_);
    auto& local = const_cast<asio::local::stream_protocol::socket&>(local_);
    const int fd = unix_ ? local.native_handle() : tcp.native_handle();
    if (fd < 0) return true;
    pollfd p{fd, POLLIN | POLLRDHUP, 0};
    if (::poll(&p, 1, 0) <= 0) return false;
    return (p.revents & (POLLIN | POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

void transport::cancel() noexcept {
    error_code ec;
    resolver_.cancel();
    if (unix_) local_.cancel(ec);
    else tcp_.cancel(ec);
}

void transport::close(bool send_terminate) noexcept {
    error_code ec;
    // Terminate ('X', length 4) tells the server this is an orderly exit. Only on a
    // plain socket: writing raw bytes under TLS would corrupt the record stream.
    static constexpr char terminate[] = {'X', 0, 0, 0, 4};
    if (unix_) {
        if (local_.is_open()) {
            if (send_terminate) {
                local_.non_blocking(true, ec);
                local_.write_some(asio::buffer(terminate), ec);
            }
            local_.close(ec);
        }
    } else if (tcp_.is_open()) {
        if (send_terminate && !tls_) {
            tcp_.non_blocking(true, ec);
            tcp_.write_some(asio::buffer(terminate), ec);
        }
        tcp_.close(ec);
    }
}

std::string transport::tls_server_end_point() const {
    if (!tls_) return {};
    X509* cert = SSL_get1_peer_certificate(tls_->native_handle());
    if (!cert) return {};
    std::string out;
    int md_nid = NID_undef;
    if (OBJ_find_sigid_algs(X509_get_signature_nid(cert), &md_nid, nullptr) == 1) {
        // RFC 5929 §4.1: MD5 and SHA-1 are replaced by SHA-256.
        if (md_nid == NID_md5 || md_nid == NID_sha1) md_nid = NID_sha256;
        if (const EVP_MD* md = EVP_get_digestbynid(md_nid)) {
            unsigned char buf[EVP_MAX_MD_SIZE];
            unsigned int len = 0;
            if (X509_digest(cert, md, buf, &len) == 1)
                out.assign(reinterpret_cast<const char*>(buf), len);
        }
    }
    X509_free(cert);
    return out;
}

} // namespace fraiseql::pg::wire
