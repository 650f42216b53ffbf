// HTTP front end: one coroutine per connection (Beast), GraphQL over HTTP
// (https://graphql.github.io/graphql-over-http/draft/), health, readiness, metrics.

#include "fraiseql/http/server.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <iterator>
#include <list>
#include <mutex>
#include <span>
#include <unordered_map>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "fraiseql/ascii.hpp"
#include "fraiseql/json/buffer_pool.hpp"
#include "graphiql.hpp"
#include "net/write_now.hpp"
#include "request_parsing.hpp"
#include "response_head.hpp"
#include "websocket_session.hpp"

namespace fraiseql::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using asio::use_awaitable;
constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);

namespace {

/// Accept failures (EMFILE, ENFILE, ENOBUFS, ...) back off from the first to the last
/// value, doubling; a success resets it (docs/http.md "Connections").
constexpr std::chrono::milliseconds accept_backoff_min{10};
constexpr std::chrono::milliseconds accept_backoff_max{1000};
/// After an error response, unread request bytes are discarded for at most this long
/// (and this many bytes) before the close, so that the close does not turn into a reset
/// that destroys the response in the client's receive buffer (RFC 9112 §9.6).
constexpr std::chrono::milliseconds linger_time{1000};
constexpr std::size_t linger_bytes = 256 * 1024;

/// What a session is waiting for when its deadline expires (docs/http.md "Timeouts").
enum class phase : std::uint8_t { none, header, body, write, keepalive };

/// The one deadline of a session, re-armed for each phase. On expiry it cancels the
/// socket's pending operations (they complete with operation_aborted) and records the
/// phase; the socket stays open, so a 408 can still be written.
///
/// Lazy (issue 15, CPU per request): arm() and disarm() only write the deadline; the timer
/// is not cancelled and restarted for each of a request's four phases. One wait is pending at
/// a time, for at most `step` (the shortest of the session's timeouts) from when it started;
/// when it completes, the handler compares the clock with the deadline then current: past it,
/// it expires the phase; before it, it waits again until min(deadline, now + step); disarmed,
/// it stops. Any later arm(d) with d >= step therefore lands at or after the pending wait's
/// expiry and needs no timer operation; a shorter one re-arms. A deadline still expires at its
/// exact time (the last wait of the chain ends on it), and an armed session wakes at most
/// once per `step`. The handler shares `state` (not the session), so a handler queued as the
/// session ends is harmless; it runs on the socket's executor, like the session.
class session_deadline {
public:
    session_deadline(tcp::socket& socket, std::chrono::milliseconds step)
        : state_(std::make_shared<state>(socket.get_executor())),
          step_(std::max(step, std::chrono::milliseconds(1))) {
        state_->socket = &socket;
    }
    ~session_deadline() {
        state_->socket = nullptr;
        state_->timer.cancel();
    }
    session_deadline(const session_deadline&) = delete;
    session_deadline& operator=(const session_deadline&) = delete;

    void arm(std::chrono::milliseconds d, phase p) {
        auto& st = *state_;
        st.expired = phase::none;
        st.armed = true;
        st.current = p;
        st.deadline = clock::now() + d;
        if (!st.waiting || st.deadline < st.expiry) start_wait(state_, st.deadline, step_);
    }
    void disarm() noexcept { state_->armed = false; }
    /// The phase whose deadline expired since the last arm(), or none.
    phase expired() const noexcept { return state_->expired; }

private:
    using clock = asio::steady_timer::clock_type;
    struct state {
        explicit state(const asio::any_io_executor& ex) : timer(ex) {}
        asio::steady_timer timer;
        tcp::socket* socket = nullptr;
        clock::time_point deadline{};
        clock::time_point expiry{};  ///< of the pending wait
        std::uint64_t generation = 0; ///< of the pending wait: an older handler is stale
        bool armed = false;
        bool waiting = false;
        phase current = phase::none;
        phase expired = phase::none;
    };

    static void start_wait(const std::shared_ptr<state>& st, clock::time_point at,
                           std::chrono::milliseconds step) {
        st->waiting = true;
        st->expiry = at;
        const auto generation = ++st->generation;
        st->timer.expires_at(at); // a pending wait completes as aborted: stale by generation
        st->timer.async_wait([st, generation, step](boost::system::error_code ec) {
            if (st->generation != generation) return;
            st->waiting = false;
            if (ec || !st->socket || !st->armed) return;
            const auto now = clock::now();
            if (now < st->deadline) {
                start_wait(st, std::min(st->deadline, now + step), step);
                return;
            }
            st->armed = false;
            st->expired = st->current;
            st->socket->cancel(ec);
        });
    }

    std::shared_ptr<state> state_;
    std::chrono::milliseconds step_;
};

/// The shortest of the HTTP timeouts: how long a session's deadline timer waits at most
/// before it looks at the deadline again (session_deadline).
std::chrono::milliseconds deadline_step(const exec::config& cfg) {
    return std::min({cfg.header_timeout, cfg.body_timeout, cfg.write_timeout,
                     cfg.keepalive_timeout});
}

/// The request id's counter and the process's seed (its low 32 bits start every id).
std::uint64_t next_request_number() noexcept {
    static std::atomic<std::uint64_t> counter{0};
    return ++counter;
}
std::uint64_t request_id_seed() noexcept {
    static const auto seed = static_cast<std::uint64_t>(
        std::chrono::steady_clock::now().time_since_epoch().count());
    return seed;
}

/// The Access-Control-Allow-Origin value for a request's Origin, or "" when the
/// origin is not allowed (or CORS is not configured). A view of `origin` (the request's
/// field, alive as long as the request) or a constant: no copy per request (issue 15).
std::string_view allowed_origin(const std::vector<std::string>& allowed,
                                std::string_view origin) {
    if (origin.empty()) return {};
    for (const auto& a : allowed) {
        if (a == "*") return "*";
        if (a == origin) return origin;
    }
    return {};
}

} // namespace

/// Writes a response body in chunks (Transfer-Encoding: chunked, RFC 9112 §7.1) as the
/// engine produces it; the status line and headers go out with the first chunk, in the same
/// write. Each write is one gather of constant buffers (size line, data, CRLF): no per-chunk
/// allocation (Beast's chunk encoder holds its size line in a shared_ptr).
class chunked_writer final : public exec::response_stream {
public:
    chunked_writer(tcp::socket& socket, session_deadline& deadline,
                   std::chrono::milliseconds write_timeout, std::string& head,
                   std::string_view content_type, head_options opt)
        : socket_(socket), deadline_(deadline), write_timeout_(write_timeout), head_(head),
          content_type_(content_type), opt_(opt) {
        opt_.chunked = true;
    }

    /// Each write must complete within write_timeout: a client that stops reading is
    /// cut, and `false` makes the engine abandon the statement (its connection returns
    /// to the pool).
    asio::awaitable<bool> write(std::string_view chunk) override {
        return write_chunks(chunk, false); // not a coroutine itself: one frame per write
    }

    /// The last piece and the terminating chunk (RFC 9112 §7.1: `0`, CRLF, no trailers,
    /// CRLF), in one write.
    asio::awaitable<bool> finish(std::string_view tail) { return write_chunks(tail, true); }

    bool started() const noexcept { return started_; }
    /// A write failed because write_timeout expired.
    bool timed_out() const noexcept { return timed_out_; }

private:
    asio::awaitable<bool> write_chunks(std::string_view chunk, bool last) {
        if (failed_) co_return false;
        static constexpr std::string_view crlf = "\r\n";
        static constexpr std::string_view last_chunk = "0\r\n\r\n";
        std::array<asio::const_buffer, 5> bufs;
        std::size_t n = 0;
        if (!started_) {
            started_ = true;
            head_.clear();
            response r(200, content_type_);
            append_head(head_, r, opt_);
            bufs[n++] = asio::buffer(head_);
        }
        char size_line[20];
        if (!chunk.empty()) {
            bufs[n++] = asio::buffer(size_line, chunk_size_line(size_line, chunk.size()));
            bufs[n++] = asio::buffer(chunk.data(), chunk.size());
            bufs[n++] = asio::buffer(crlf.data(), crlf.size());
        }
        if (last) bufs[n++] = asio::buffer(last_chunk.data(), last_chunk.size());
        if (n == 0) co_return true;
        const std::span<const asio::const_buffer> all(bufs.data(), n);
        // As the whole response's write: at once when the send buffer takes it.
        beast::buffers_suffix<std::span<const asio::const_buffer>> rest(all);
        rest.consume(net::write_now(socket_, all));
        if (beast::buffer_bytes(rest) == 0) co_return true;
        deadline_.arm(write_timeout_, phase::write);
        auto [ec, written] = co_await asio::async_write(socket_, rest, as_tuple_awaitable);
        deadline_.disarm();
        if (ec) {
            failed_ = true;
            timed_out_ = deadline_.expired() == phase::write;
        }
        co_return !failed_;
    }

    tcp::socket& socket_;
    session_deadline& deadline_;
    std::chrono::milliseconds write_timeout_;
    std::string& head_;
    std::string_view content_type_;
    head_options opt_;
    bool started_ = false;
    bool failed_ = false;
    bool timed_out_ = false;
};

struct connection_entry {
    beast::tcp_stream* stream = nullptr;
    bool busy = false;
    // The disconnect watch (server::impl::watch_hangups), guarded by server::impl::mu:
    std::uint64_t id = 0;                  ///< the connection's key in the hang-up set
    std::uint32_t hangup = 0;              ///< epoll events not yet judged (judge_hangup)
    pg::cancel_signal* watching = nullptr; ///< the running /graphql request's signal
    bool pipelined = false;                ///< ... which has the next request buffered
    bool gone = false;                     ///< its client went away (the signal fired)
};

/// The HTTP layer's own counters, appended to the engine's /metrics text.
struct http_counters {
    std::atomic<std::int64_t> open{0};
    std::atomic<std::uint64_t> accepted{0};
    std::atomic<std::uint64_t> rejected{0};
    std::atomic<std::uint64_t> accept_errors{0};
    std::atomic<std::uint64_t> timeout_header{0};
    std::atomic<std::uint64_t> timeout_body{0};
    std::atomic<std::uint64_t> timeout_write{0};
    std::atomic<std::uint64_t> timeout_keepalive{0};
    std::atomic<std::uint64_t> client_gone{0};

    void count_timeout(phase p) {
        switch (p) {
        case phase::header: ++timeout_header; break;
        case phase::body: ++timeout_body; break;
        case phase::write: ++timeout_write; break;
        case phase::keepalive: ++timeout_keepalive; break;
        case phase::none: break;
        }
    }

    std::string text() const {
        std::string out;
        out += "# HELP fraiseql_http_connections Open HTTP connections.\n"
               "# TYPE fraiseql_http_connections gauge\n";
        out += fmt::format("fraiseql_http_connections {}\n", open.load());
        out += "# HELP fraiseql_http_connections_accepted_total HTTP connections accepted.\n"
               "# TYPE fraiseql_http_connections_accepted_total counter\n";
        out += fmt::format("fraiseql_http_connections_accepted_total {}\n", accepted.load());
        out += "# HELP fraiseql_http_connections_rejected_total Connections closed at once "
               "because max_connections were open.\n"
               "# TYPE fraiseql_http_connections_rejected_total counter\n";
        out += fmt::format("fraiseql_http_connections_rejected_total {}\n", rejected.load());
        out += "# HELP fraiseql_http_accept_errors_total Failed accepts (EMFILE, ...), each "
               "followed by a back-off.\n"
               "# TYPE fraiseql_http_accept_errors_total counter\n";
        out += fmt::format("fraiseql_http_accept_errors_total {}\n", accept_errors.load());
        out += "# HELP fraiseql_http_timeouts_total Connections closed by a timeout, by phase.\n"
               "# TYPE fraiseql_http_timeouts_total counter\n";
        const std::pair<const char*, std::uint64_t> by_phase[] = {
            {"header", timeout_header.load()},
            {"body", timeout_body.load()},
            {"write", timeout_write.load()},
            {"keepalive", timeout_keepalive.load()}};
        for (const auto& [name, n] : by_phase)
            out += fmt::format("fraiseql_http_timeouts_total{{phase=\"{}\"}} {}\n", name, n);
        out += "# HELP fraiseql_http_client_disconnects_total Requests whose client went away "
               "while they ran (their statements were cancelled).\n"
               "# TYPE fraiseql_http_client_disconnects_total counter\n";
        out += fmt::format("fraiseql_http_client_disconnects_total {}\n", client_gone.load());
        return out;
    }
};

/// Logs at most one line per `period`, with the number of lines held back since.
class rate_limited_log {
public:
    explicit rate_limited_log(std::chrono::seconds period) : period_(period) {}
    template <class F> void operator()(F&& emit) {
        std::lock_guard lk(mu_);
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < period_) {
            ++suppressed_;
            return;
        }
        emit(suppressed_);
        last_ = now;
        suppressed_ = 0;
    }

private:
    std::mutex mu_;
    std::chrono::seconds period_;
    std::chrono::steady_clock::time_point last_{};
    std::uint64_t suppressed_ = 0;
};

/// What a request handler needs of its connection.
struct request_io {
    beast::tcp_stream& stream;
    session_deadline& deadline;
    /// Fired when the client goes away while the request runs.
    std::shared_ptr<pg::cancel_signal> cancel;
    /// The connection's buffer for response heads (kept across its requests: no allocation
    /// once it has grown to a head's size).
    std::string& head;
    /// The connection's vector the request's operations are parsed into (kept across its
    /// requests: no allocation for a single operation once it has held one).
    std::vector<exec::request>& requests;
    /// The connection's memory for the POST bodies' JSON values (json_arena).
    json_arena& json;
    bool write_timed_out = false;
    /// Set by begin_request(): what every response of the request carries (X-Request-Id,
    /// CORS), and when it began (the access log). The id is formatted into `id_buf`.
    std::string_view request_id;
    std::string_view cors_origin;
    std::chrono::steady_clock::time_point started{};
    char id_buf[32];
    /// The header fields the server reads (find_known_headers), viewing the request's.
    known_headers hdr;
};

/// A /graphql request between its parse and its response: what begin_graphql() found and what
/// the response needs. Issue 15 (a coroutine frame per request): it lives in the session's
/// frame, made once per connection, and a single operation runs from there — the roads that
/// need a coroutine of their own (a batch, a streamed response's end) are not taken by it.
struct graphql_exchange {
    std::string_view media;  ///< the response's media type (negotiated from Accept)
    bool json_only = false;  ///< Accept lists application/json only: a request error is 200
    bool is_batch = false;
    std::optional<chunked_writer> writer; ///< for a streamed response
};

struct server::impl : std::enable_shared_from_this<impl> {
    impl(asio::io_context& ctx, exec::engine& eng)
        : ioc(ctx), engine(eng), acceptor(ctx), hangup_strand(asio::make_strand(ctx)), hangups(ctx),
          websockets(ctx, eng) {
        const auto& cfg = eng.settings();
        engine_reads_headers =
            cfg.read_your_writes_client.source == exec::client_identity::source_kind::header ||
            std::any_of(cfg.session_variables.begin(), cfg.session_variables.end(),
                        [](const exec::session_variable& v) {
                            return v.source == exec::session_variable::source_kind::header;
                        });
        // Without it (no descriptor left), each request watches its socket itself.
        const int fd = ::epoll_create1(EPOLL_CLOEXEC);
        boost::system::error_code ec;
        if (fd >= 0) hangups.assign(fd, ec);
        if (fd >= 0 && !ec) hangup_fd = fd;
        else if (fd >= 0) ::close(fd);
    }

    asio::io_context& ioc;
    exec::engine& engine;
    tcp::acceptor acceptor;
    std::atomic<bool> stopping{false};
    std::mutex mu;
    std::list<connection_entry> connections;
    /// Client disconnects without a system call per request (docs/http.md "Client
    /// disconnect", issue 15): each connection's socket joins this epoll set once, at the
    /// accept, for EPOLLRDHUP (the client closed its side; EPOLLHUP and EPOLLERR, a reset,
    /// come unasked), edge-triggered and keyed by connection_entry::id. One long-lived wait
    /// on the set (watch_hangups) judges what arrives against the request running then. A
    /// socket leaves the set when it is closed; a late event's id is no longer in by_id.
    /// The watcher runs on this strand, and shutdown closes `hangups` on it: an Asio object is
    /// not safe to close on one thread while another starts a wait on it (ThreadSanitizer).
    asio::strand<asio::io_context::executor_type> hangup_strand;
    asio::posix::stream_descriptor hangups;
    /// Its descriptor (-1: none or closed). After start() it is read and closed only under
    /// `mu` (the watcher's epoll_wait, a session's epoll_ctl, shutdown's close), so no thread
    /// uses the number after another closed it (ThreadSanitizer saw a close racing the
    /// watcher's epoll_wait). A session that finds it closed watches its client itself.
    int hangup_fd = -1;
    std::uint64_t next_id = 0;                                 // guarded by mu
    std::unordered_map<std::uint64_t, connection_entry*> by_id; // guarded by mu
    http_counters counters;
    rate_limited_log accept_log{std::chrono::seconds(5)};
    rate_limited_log reject_log{std::chrono::seconds(5)};
    /// GraphQL over WebSocket on /graphql (websocket_session.hpp).
    websocket_hub websockets;

    asio::awaitable<void> accept_loop();
    asio::awaitable<void> watch_hangups();
    /// With mu held: the hang-up events seen on `e`'s socket, judged for its running request.
    void judge_hangup(connection_entry& e);
    void reject(tcp::socket& socket);
    asio::awaitable<void> session(tcp::socket socket);
    asio::awaitable<void> linger(beast::tcp_stream& stream, beast::flat_buffer& buffer);
    /// The response, or nullopt when it was already written (streamed); then
    /// `keep` says whether the connection may be reused.
    /// Whether a GraphQL request's headers are read by the engine (session_variables or
    /// read_your_writes_client from a header): else they are not copied into the request.
    bool engine_reads_headers = false;

    /// Its id, CORS origin (from the known headers) and start time.
    void begin_request(request_io& io) const;
    asio::awaitable<std::optional<response>>
    handle(const http_request& req, request_io& io, bool& keep);
    asio::awaitable<std::optional<response>>
    handle_graphql(const http_request& req, std::string_view query_string,
                   request_io& io, bool& keep);
    /// A /graphql request up to its execution: parses it into io.requests and prepares them
    /// and `x`. Returns the response when there is nothing to execute (an error, GraphiQL).
    std::optional<response> begin_graphql(const http_request& req, std::string_view query_string,
                                          request_io& io, bool keep, graphql_exchange& x);
    /// The response to one executed operation that was not streamed.
    static std::optional<response> graphql_reply(exec::response& r, const graphql_exchange& x);
    /// A streamed response's last chunk (or, when it failed, the connection's end).
    static asio::awaitable<void> finish_streamed(exec::response& r, graphql_exchange& x,
                                                 request_io& io, bool& keep);
    /// The operations of a batch, one after another, and their array of results.
    asio::awaitable<std::optional<response>> run_batch(request_io& io, graphql_exchange& x);
    /// After a request: its operations and their JSON memory are released.
    static void end_requests(request_io& io) noexcept;
};

server::server(asio::io_context& ioc, exec::engine& engine)
    : impl_(std::make_shared<impl>(ioc, engine)) {}

server::~server() {
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
    impl_->hangups.close(ec);
}

fraiseql::result<std::uint16_t, std::string> server::listen() {
    const auto& cfg = impl_->engine.settings();
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(cfg.host, ec);
    if (ec) return failure<std::string>{"host: invalid address \"" + cfg.host + "\""};
    tcp::endpoint ep(addr, cfg.port);
    auto& a = impl_->acceptor;
    a.open(ep.protocol(), ec);
    if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) a.bind(ep, ec);
    if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        return failure<std::string>{"cannot listen on " + cfg.host + ":" +
                                    std::to_string(cfg.port) + ": " + ec.message()};
    return a.local_endpoint().port();
}

void server::start() {
    impl_->websockets.start();
    asio::co_spawn(impl_->ioc, [self = impl_]() { return self->accept_loop(); }, asio::detached);
    if (impl_->hangup_fd >= 0)
        asio::co_spawn(impl_->hangup_strand, [self = impl_]() { return self->watch_hangups(); },
                       asio::detached);
}

std::string server::metrics_text() const {
    return impl_->counters.text() + impl_->websockets.metrics_text();
}

asio::awaitable<void> server::shutdown(std::chrono::milliseconds grace) {
    auto self = impl_;
    self->stopping = true;
    boost::system::error_code ec;
    self->acceptor.close(ec);
    asio::post(self->hangup_strand, [self] {
        std::lock_guard lk(self->mu);
        boost::system::error_code ignored;
        self->hangups.close(ignored);
        self->hangup_fd = -1;
    });
    // WebSockets are closed with 1001 (RFC 6455 §7.4.1 "going away"); their sessions end when
    // the close handshake does, within the grace period like busy requests.
    self->websockets.shutdown();
    // Idle keep-alive connections are closed now; busy ones finish their request
    // (the session closes after writing because `stopping` is set).
    auto close_idle = [&](bool all) {
        std::lock_guard lk(self->mu);
        for (auto& c : self->connections)
            if (all || !c.busy) c.stream->socket().cancel(ec);
        return self->connections.size();
    };
    close_idle(false);
    asio::steady_timer t(co_await asio::this_coro::executor);
    auto until = std::chrono::steady_clock::now() + grace;
    while (std::chrono::steady_clock::now() < until) {
        {
            std::lock_guard lk(self->mu);
            if (self->connections.empty()) break;
        }
        close_idle(false);
        t.expires_after(std::chrono::milliseconds(20));
        co_await t.async_wait(as_tuple_awaitable);
    }
    close_idle(true);
}

void server::impl::reject(tcp::socket& socket) {
    ++counters.rejected;
    // Best effort, never waiting: one non-blocking send of a minimal 503 (RFC 9110
    // §15.6.4) into the fresh socket's empty send buffer, then close. Holding the
    // socket any longer is what max_connections protects against.
    static constexpr std::string_view busy =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n"
        "Retry-After: 1\r\n\r\n";
    (void)::send(socket.native_handle(), busy.data(), busy.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    boost::system::error_code ec;
    socket.shutdown(tcp::socket::shutdown_send, ec);
    socket.close(ec);
    const auto limit = engine.settings().max_connections;
    reject_log([&](std::uint64_t held_back) {
        spdlog::warn("max_connections ({}) reached: new connections are closed at once "
                     "({} more since the last report)",
                     limit, held_back);
    });
}

asio::awaitable<void> server::impl::accept_loop() {
    auto self = shared_from_this();
    const auto max_connections = static_cast<std::int64_t>(engine.settings().max_connections);
    asio::steady_timer pause(ioc);
    std::chrono::milliseconds backoff{0};
    // With threads > 1 each connection gets a strand: its session, the disconnect watcher
    // and its deadline timer never run at the same time. With one thread the io_context runs
    // them one at a time anyway, and a strand would only cost a mutex and a type-erased
    // strand executor per handler (issue 15): the connection uses the io_context's executor.
    // Other threads (the CPU worker, libpq's blocking pool, the LISTEN thread) reach a
    // session only through that executor's post/dispatch, which is thread-safe either way.
    const bool one_thread = exec::effective_threads(engine.settings()) == 1;
    while (!stopping) {
        // A named executor, not a conditional expression inside the co_await: with the
        // executor built by `?:` in the co_await's full-expression the server crashed under
        // threads = 2 (a strand's reference count went wrong; GCC 12's handling of such
        // temporaries in coroutines is the suspect). Bisected; this form runs clean.
        asio::any_io_executor ex;
        if (one_thread) ex = ioc.get_executor();
        else ex = asio::make_strand(ioc);
        auto [ec, socket] = co_await acceptor.async_accept(ex, as_tuple_awaitable);
        if (ec) {
            if (stopping || ec == asio::error::operation_aborted) break;
            // EMFILE/ENFILE/ENOBUFS leave the pending connection in the backlog, so an
            // immediate retry fails again at once: a busy loop. Back off instead; the
            // pending connections are accepted once descriptors are free again.
            ++counters.accept_errors;
            backoff = backoff.count() == 0 ? accept_backoff_min
                                           : std::min(backoff * 2, accept_backoff_max);
            accept_log([&](std::uint64_t held_back) {
                spdlog::warn("accept failed: {}; retrying in {} ms ({} more failures since the "
                             "last report)",
                             ec.message(), backoff.count(), held_back);
            });
            pause.expires_after(backoff);
            co_await pause.async_wait(as_tuple_awaitable);
            continue;
        }
        backoff = std::chrono::milliseconds{0};
        if (counters.open.load() >= max_connections) {
            reject(socket);
            continue;
        }
        ++counters.open;
        ++counters.accepted;
        socket.set_option(tcp::no_delay(true), ec);
        asio::co_spawn(
            socket.get_executor(), [self, s = std::move(socket)]() mutable { return self->session(std::move(s)); },
            asio::detached);
    }
}

namespace {

/// Waits, beside a running request, for the client to go away, and fires `cancel` when it
/// does (docs/http.md "Client disconnect"). Never completes by itself: the request's
/// completion cancels it (awaitable operator ||), so it can never cut the request short.
/// A readable socket is peeked, not read: bytes of a pipelined next request stay in the
/// kernel for the next parse, and the watch ends (they hide a later end-of-stream).
/// End-of-stream counts as gone unless a pipelined request is already buffered (a client
/// may half-close after pipelining); a reset always does.
///
/// The wait is a one-byte MSG_PEEK receive, not socket.async_wait(wait_read): Asio's epoll
/// reactor re-arms the descriptor (epoll_ctl EPOLL_CTL_MOD) for every wait operation, but
/// starts a receive without one — speculatively, and only when the socket may hold unread
/// bytes (the request's last read left it drained). Arming the watch therefore costs no
/// system call; cancelling it costs none either (issue 15, docs/benchmarks.md).
asio::awaitable<void> watch_client(tcp::socket& socket, bool pipelined, pg::cancel_signal& cancel,
                                   bool& gone) {
    char byte;
    auto [ec, n] = co_await socket.async_receive(asio::buffer(&byte, 1),
                                                 tcp::socket::message_peek, as_tuple_awaitable);
    if (ec == asio::error::operation_aborted) {
        // The request is done (this coroutine was cancelled): return. Otherwise a deadline
        // cancelled the socket's operations: park, never end the request.
        auto state = co_await asio::this_coro::cancellation_state;
        if (state.cancelled() != asio::cancellation_type::none) co_return;
    } else if (!ec && n > 0) {
        // A pipelined request: stop watching.
    } else if (ec == asio::error::eof && pipelined) {
        // Half-closed after pipelining: the buffered request is still answered.
    } else {
        gone = true;
        cancel.fire();
    }
    // Parked until the request completes and cancels this wait.
    if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none)
        co_return;
    asio::steady_timer park(co_await asio::this_coro::executor, std::chrono::hours(24 * 365));
    co_await park.async_wait(as_tuple_awaitable);
}

/// Feeds what `buffer` holds to `parser` (up to the end of the head, or with `body` to the
/// end of the message) without reading, as Beast's read operations do (eager for the body).
/// `ec` is set on a parse error (bad request, header or body limit); it stays clear when the
/// parser needs more bytes, which the caller then reads with Beast's async_read(_header).
void parse_buffered(request_parser& parser, beast::flat_buffer& buffer,
                    boost::system::error_code& ec, bool body) {
    if (body) parser.eager(true);
    while (buffer.size() > 0 && !(body ? parser.is_done() : parser.is_header_done())) {
        const auto used = parser.put(buffer.data(), ec);
        buffer.consume(used);
        if (ec == bhttp::error::need_more) {
            ec = {};
            return;
        }
        if (ec || used == 0) return;
    }
}

/// The upgrade request with its own memory (the WebSocket outlives the connection's arena's
/// next reset, and websocket_hub takes Beast's default request type). Once per WebSocket.
bhttp::request<bhttp::string_body> plain_request(const http_request& req) {
    bhttp::request<bhttp::string_body> out;
    out.method_string(req.method_string());
    out.target(req.target());
    out.version(req.version());
    for (const auto& f : req) out.insert(f.name(), f.name_string(), f.value());
    out.body().assign(req.body().data(), req.body().size());
    return out;
}

bool is_quiet_close(const boost::system::error_code& ec) {
    return ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
           ec == asio::error::eof || ec == asio::error::connection_reset ||
           ec == bhttp::error::partial_message || ec == beast::error::timeout;
}

} // namespace

asio::awaitable<void> server::impl::watch_hangups() {
    auto self = shared_from_this();
    epoll_event events[64];
    for (;;) {
        // Ends when the set is closed (shutdown, ~server).
        auto [ec] = co_await hangups.async_wait(asio::posix::stream_descriptor::wait_read,
                                                as_tuple_awaitable);
        if (ec) co_return;
        int n = 0;
        do {
            std::lock_guard lk(mu);
            if (hangup_fd < 0) co_return; // closed by shutdown meanwhile
            n = ::epoll_wait(hangup_fd, events, 64, 0);
            for (int i = 0; i < n; ++i) {
                auto it = by_id.find(events[i].data.u64);
                if (it == by_id.end()) continue; // the session has ended
                it->second->hangup |= events[i].events;
                judge_hangup(*it->second);
            }
        } while (n == 64);
    }
}

void server::impl::judge_hangup(connection_entry& e) {
    // Not watched now: kept for the next /graphql request of the connection, which judges it
    // when it starts (a client may send a request and close at once).
    if (!e.watching || e.gone || e.hangup == 0) return;
    // A reset always means gone (as in watch_client).
    if ((e.hangup & (EPOLLERR | EPOLLHUP)) == 0) {
        // The client closed its side. A pipelined request already buffered, or unread bytes
        // of one, hide the end-of-stream: kept for the request after them, which peeks again.
        if (e.pipelined) return;
        char byte;
        const auto n = ::recv(e.stream->socket().native_handle(), &byte, 1,
                              MSG_PEEK | MSG_DONTWAIT);
        if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)))
            return;
    }
    e.hangup = 0;
    e.gone = true;
    e.watching->fire();
}

asio::awaitable<void> server::impl::linger(beast::tcp_stream& stream, beast::flat_buffer& buffer) {
    boost::system::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    session_deadline dl(stream.socket(), linger_time);
    dl.arm(linger_time, phase::none);
    std::size_t drained = 0;
    while (drained < linger_bytes) {
        buffer.clear();
        auto [rec, n] =
            co_await stream.async_read_some(buffer.prepare(16 * 1024), as_tuple_awaitable);
        if (rec) break;
        drained += n;
    }
    dl.disarm();
}

asio::awaitable<void> server::impl::session(tcp::socket socket) {
    auto self = shared_from_this();
    struct open_guard {
        std::atomic<std::int64_t>& n;
        ~open_guard() { --n; }
    } guard{counters.open};
    const auto& cfg = engine.settings();
    beast::tcp_stream stream(std::move(socket));
    session_deadline deadline(stream.socket(), deadline_step(cfg));
    std::list<connection_entry>::iterator entry;
    std::uint64_t id = 0;
    {
        std::lock_guard lk(mu);
        entry = connections.insert(connections.end(), connection_entry{&stream, false});
        id = entry->id = ++next_id;
        by_id.emplace(id, &*entry);
    }
    // Into the hang-up set once per connection (server::impl::hangups); if that fails, each
    // /graphql request watches the socket itself (watch_client).
    bool in_hangup_set = false;
    if (!stopping) {
        std::lock_guard lk(mu);
        epoll_event ev{};
        ev.events = EPOLLRDHUP | EPOLLET;
        ev.data.u64 = id;
        in_hangup_set = hangup_fd >= 0 &&
                         ::epoll_ctl(hangup_fd, EPOLL_CTL_ADD,
                                     stream.socket().native_handle(), &ev) == 0;
    }
    beast::flat_buffer buffer;
    // The parser's fields, target and body, reset per request (request_parsing.hpp).
    connection_arena arena;
    std::string head_buf; // response heads, reused (append_head)
    std::vector<exec::request> requests; // a request's operations, reused (handle_graphql)
    json_arena json_values; // their JSON values (request_parsing.hpp)
    std::shared_ptr<pg::cancel_signal> cancel;
    const auto max_body = cfg.max_body_size;
    bool first = true;
    for (;;) {
        // The previous request, its parser and everything viewing them are gone (they
        // lived in the previous iteration): its memory serves this one.
        arena.reset();
        auto parser = make_request_parser(arena);
        parser.body_limit(max_body);
        parser.header_limit(header_limit);
        boost::system::error_code ec;
        std::size_t n = 0;
        // Timeouts (docs/http.md "Timeouts"): a new connection must deliver its request
        // line and headers within header_timeout of the accept. Between requests a
        // connection may idle for keepalive_timeout; from the first byte of the next
        // request its head has header_timeout. Then the body has body_timeout.
        //
        // System calls (issue 15): one recv of up to 4 KiB takes a typical request whole,
        // head and body, the first one too (Beast's own first read into an empty buffer asks
        // for 512 bytes). A response written at once yields before this read (below, where
        // it is written); an asynchronous write's completion yields by itself.
        // The read is the socket's own, not beast::tcp_stream's: the stream's transfer
        // operation adds a composed-operation layer (work guards on a copied executor, its
        // timeout state) around the same recv, and its timeouts are not used here
        // (session_deadline cancels the socket's operations; issue 15, CPU per request).
        if (buffer.size() == 0) {
            if (first) deadline.arm(cfg.header_timeout, phase::header);
            else deadline.arm(cfg.keepalive_timeout, phase::keepalive);
            std::tie(ec, n) = co_await stream.socket().async_read_some(buffer.prepare(4096),
                                                                      as_tuple_awaitable);
            buffer.commit(n);
        }
        // What the buffer already holds is parsed in place; Beast's composed reads run only
        // when more bytes are needed (issue 15: each completes through a post, a scheduler
        // round trip, even when it read nothing).
        if (!ec) {
            // A new connection's head has header_timeout from the accept (armed above).
            if (!first) deadline.arm(cfg.header_timeout, phase::header);
            parse_buffered(parser, buffer, ec, false);
            if (!ec && !parser.is_header_done())
                std::tie(ec, n) =
                    co_await bhttp::async_read_header(stream, buffer, parser, as_tuple_awaitable);
        }
        first = false;
        known_headers hdr;
        if (!ec) {
            {
                std::lock_guard lk(mu);
                entry->busy = true;
            }
            deadline.arm(cfg.body_timeout, phase::body);
            hdr = find_known_headers(parser.get());
            // RFC 9110 §10.1.1: a client that sent `Expect: 100-continue` waits for an
            // interim 100 before the body (curl waits one second, then sends anyway). A body
            // already announced as too large is refused by the read below without it.
            if (ascii::iequals(ascii::trim_ows(hdr.expect), "100-continue") &&
                !(parser.content_length() && *parser.content_length() > max_body)) {
                bhttp::response<bhttp::empty_body> cont(bhttp::status::continue_,
                                                        parser.get().version());
                std::tie(ec, n) = co_await bhttp::async_write(stream, cont, as_tuple_awaitable);
            }
            if (!ec) parse_buffered(parser, buffer, ec, true);
            if (!ec && !parser.is_done())
                std::tie(ec, n) =
                    co_await bhttp::async_read(stream, buffer, parser, as_tuple_awaitable);
            // A chunked body's trailer may add fields (as `req[field]` after the read saw).
            if (!ec && parser.chunked()) hdr = find_known_headers(parser.get());
        }
        const phase expired = deadline.expired();
        deadline.disarm();
        if (ec) {
            std::optional<bhttp::status> status;
            std::string why;
            if (expired != phase::none) {
                counters.count_timeout(expired);
                // RFC 9110 §15.5.9: 408 for a request that started but did not complete
                // in time; an idle connection (nothing of a request yet) just closes.
                if (buffer.size() > 0 || parser.got_some() || expired == phase::body) {
                    status = bhttp::status::request_timeout;
                    why = expired == phase::body
                              ? "request body not received within body_timeout"
                              : "request headers not received within header_timeout";
                }
            } else if (ec == bhttp::error::body_limit) {
                status = bhttp::status::payload_too_large;
                why = "request body larger than max_body_size";
            } else if (ec == bhttp::error::header_limit) {
                status = bhttp::status::request_header_fields_too_large;
                why = "request headers too large";
            } else if (!is_quiet_close(ec)) {
                status = bhttp::status::bad_request;
                why = "malformed HTTP request: " + ec.message();
            }
            if (status) {
                auto res = error_response(*status, why, 11);
                res.keep_alive(false);
                res.prepare_payload();
                deadline.arm(cfg.write_timeout, phase::write);
                auto [wec, wn] = co_await bhttp::async_write(stream, res, as_tuple_awaitable);
                deadline.disarm();
                if (!wec) co_await linger(stream, buffer);
            }
            break;
        }
        // The parser's flags already say it (RFC 9112 §9.3); req.keep_alive() would look up
        // and parse the Connection field again.
        const bool keep_alive = parser.keep_alive();
        auto req = parser.release();
        // GraphQL over WebSocket (product.md §3.7): an upgrade of /graphql becomes a
        // WebSocket for the rest of the connection's life.
        if (beast::websocket::is_upgrade(req) &&
            std::string_view(req.target().data(), req.target().size()).substr(
                0, req.target().find('?')) == "/graphql") {
            deadline.disarm();
            if (!stopping && websockets.admit()) {
                co_await websockets.serve(stream, plain_request(req));
                break;
            }
            auto res = error_response(bhttp::status::service_unavailable,
                                      "max_websocket_connections reached", req.version());
            res.set(bhttp::field::retry_after, "1");
            res.keep_alive(false);
            res.prepare_payload();
            deadline.arm(cfg.write_timeout, phase::write);
            co_await bhttp::async_write(stream, res, as_tuple_awaitable);
            deadline.disarm();
            break;
        }
        bool keep = keep_alive && !stopping;
        // The connection's cancel signal serves its next request too, unless it fired or the
        // last request's work still holds it (no allocation per request).
        if (!cancel || cancel.use_count() > 1 || cancel->fired())
            cancel = std::make_shared<pg::cancel_signal>();
        request_io io{stream, deadline, cancel, head_buf, requests, json_values,
                      false, {}, {}, {}, {}, hdr};
        begin_request(io);
        bool gone = false;
        std::optional<response> res;
        // Only /graphql requests do database work worth cancelling; the others are not
        // worth the watcher's coroutine. A GraphQL request runs handle_graphql directly:
        // one coroutine frame fewer than through handle().
        const std::string_view target(req.target().data(), req.target().size());
        const auto qpos = target.find('?');
        const std::string_view path = target.substr(0, qpos);
        const bool graphql_request = path == "/graphql" && req.method() != bhttp::verb::options;
        if (graphql_request && in_hangup_set) {
            // Watched through the hang-up set: no system call per request.
            {
                std::lock_guard lk(mu);
                entry->watching = io.cancel.get();
                entry->pipelined = buffer.size() > 0;
                entry->gone = false;
                judge_hangup(*entry); // a hang-up that came with the request
            }
            const auto query_string =
                qpos == std::string_view::npos ? std::string_view() : target.substr(qpos + 1);
            // handle_graphql()'s road, run in this frame (issue 15: a frame of its own per
            // request was the HTTP layer's last heap allocation; this one is the connection's).
            graphql_exchange x;
            res = begin_graphql(req, query_string, io, keep, x);
            if (!res && x.is_batch) {
                res = co_await run_batch(io, x);
            } else if (!res) {
                auto r = co_await engine.execute(std::move(io.requests.front()), &*x.writer);
                if (r.streamed || r.aborted) co_await finish_streamed(r, x, io, keep);
                else res = graphql_reply(r, x);
            }
            std::lock_guard lk(mu);
            entry->watching = nullptr;
            gone = entry->gone;
        } else if (graphql_request) {
            using namespace asio::experimental::awaitable_operators;
            const bool pipelined = buffer.size() > 0;
            const auto query_string =
                qpos == std::string_view::npos ? std::string_view() : target.substr(qpos + 1);
            auto both = co_await (handle_graphql(req, query_string, io, keep) ||
                                  watch_client(stream.socket(), pipelined, *io.cancel, gone));
            if (both.index() == 0) res = std::move(std::get<0>(both));
        } else {
            res = co_await handle(req, io, keep);
        }
        end_requests(io);
        if (!gone) {
            const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - io.started)
                                .count();
            spdlog::info("{} {} {} {}us id={}{}", std::string_view(req.method_string()), path,
                         res ? res->status : 200u, us, io.request_id,
                         res ? "" : (keep ? " streamed" : " streamed (connection closed)"));
        }
        if (io.write_timed_out) counters.count_timeout(phase::write);
        boost::system::error_code wec;
        if (gone) {
            ++counters.client_gone;
            spdlog::info("client went away during a request; its database work was cancelled");
            break;
        }
        if (res) {
            // The head goes into the connection's buffer and out with the body in one
            // gathered write (docs/http.md "Response writing"): no header map, no copy.
            head_buf.clear();
            append_head(head_buf, *res, head_options{req.version(), keep, io.request_id,
                                                 io.cors_origin, false});
            const std::array<asio::const_buffer, 2> bufs{asio::buffer(head_buf),
                                                         asio::buffer(res->body)};
            // What the send buffer takes now goes out without a reactor round trip
            // (net/write_now.hpp); only a rest waits, under write_timeout.
            beast::buffers_suffix<std::array<asio::const_buffer, 2>> rest(bufs);
            rest.consume(net::write_now(stream.socket(), bufs));
            if (beast::buffer_bytes(rest) == 0 && keep) {
                // Written at once: yield before the next request's read, as an asynchronous
                // write's completion did. Read at once, the recv nearly always finds nothing
                // yet (the client has only just been sent this answer) and costs an EAGAIN
                // and an epoll registration: by id 4.5–5.0 system calls per request instead
                // of 4.3 (bench/counts.sh); the post costs ~750 instructions, the
                // asynchronous write it replaces ~1,500.
                co_await asio::post(asio::use_awaitable);
            } else if (beast::buffer_bytes(rest) > 0) {
                deadline.arm(cfg.write_timeout, phase::write);
                std::size_t wn;
                std::tie(wec, wn) =
                    co_await asio::async_write(stream.socket(), rest, as_tuple_awaitable);
                if (wec && deadline.expired() == phase::write) counters.count_timeout(phase::write);
                deadline.disarm();
            }
            // The body's memory serves a later request's JSON (json/buffer_pool.hpp).
            json::give_back(res->body);
        }
        {
            std::lock_guard lk(mu);
            entry->busy = false;
        }
        if (wec || !keep) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    std::lock_guard lk(mu);
    by_id.erase(id);
    connections.erase(entry);
}

namespace {

/// A JSON error body (`{"errors":[…]}`, code BAD_REQUEST) with `status`.
response error_reply(bhttp::status status, std::string_view message) {
    return response(static_cast<unsigned>(status), json_media,
                    graphql_error_body(message, "BAD_REQUEST"));
}

} // namespace

void server::impl::begin_request(request_io& io) const {
    io.started = std::chrono::steady_clock::now();
    io.request_id = std::string_view(
        io.id_buf, format_request_id(io.id_buf, request_id_seed(), next_request_number()));
    io.cors_origin = allowed_origin(engine.settings().cors_origins, io.hdr.origin);
}

asio::awaitable<std::optional<response>>
server::impl::handle(const http_request& req, request_io& io, bool& keep) {
    std::string_view target(req.target().data(), req.target().size());
    auto qpos = target.find('?');
    std::string_view path = target.substr(0, qpos);
    std::string_view query_string = qpos == std::string_view::npos ? "" : target.substr(qpos + 1);

    response res;
    const std::string_view cors = io.cors_origin;
    if (path == "/graphql" && req.method() == bhttp::verb::options) {
        // CORS preflight (Fetch standard): allowed origins get the methods and headers.
        res.status = static_cast<unsigned>(cors.empty() ? bhttp::status::forbidden
                                                        : bhttp::status::no_content);
        if (!cors.empty()) {
            res.set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
            auto asked = req[bhttp::field::access_control_request_headers];
            res.set("Access-Control-Allow-Headers",
                    asked.empty() ? std::string("Content-Type, Authorization") : std::string(asked));
            res.set("Access-Control-Max-Age", "600");
        }
    } else if (path == "/graphql") {
        co_return co_await handle_graphql(req, query_string, io, keep);
    } else if (path == "/health" && req.method() == bhttp::verb::get) {
        res = response(200, json_media,
                       std::string(R"({"status":"ok","version":")") + FRAISEQL_VERSION +
                           R"(","backend":")" + std::string(engine.settings().backend) + "\"}");
    } else if (const auto* asset = find_graphiql_asset(path);
               asset && req.method() == bhttp::verb::get &&
               engine.settings().environment == exec::environment_kind::development) {
        // GraphiQL's own files, embedded (src/http/graphiql.hpp); development only, like the page.
        res = response(200, asset->content_type, std::string(asset->body));
        res.set("Cache-Control", std::string(graphiql_asset_cache_control));
        res.set("X-Content-Type-Options", "nosniff");
    } else if (path == "/ready" && req.method() == bhttp::verb::get) {
        auto r = co_await engine.readiness_report();
        res = response(r.ok ? 200 : 503, json_media, std::move(r.body));
    } else if (path == "/metrics" && req.method() == bhttp::verb::get) {
        res = response(200, "text/plain; version=0.0.4; charset=utf-8",
                       engine.metrics_text() + counters.text() + websockets.metrics_text());
    } else if (path == "/health" || path == "/ready" || path == "/metrics") {
        res = error_reply(bhttp::status::method_not_allowed, "method not allowed");
        res.set("Allow", "GET");
    } else {
        res = error_reply(bhttp::status::not_found, "not found");
    }
    co_return res;
}

std::optional<response> server::impl::begin_graphql(const http_request& req,
                                                    std::string_view query_string,
                                                    request_io& io, bool keep,
                                                    graphql_exchange& x) {
    const auto& cfg = engine.settings();
    const std::string_view accept_header = io.hdr.accept;
    const bool graphql_response_json = accepts(accept_header, "application/graphql-response+json");
    x.media = graphql_response_json ? graphql_response_media : json_media;
    // GraphQL-over-HTTP §"application/json": a client that accepts only application/json
    // (legacy) gets 200 for a request error too, since it cannot tell a 400 of the server
    // from one of an intermediary; with application/graphql-response+json a request error
    // is 400. Without Accept (or with */* only) the status stays 400, as before.
    x.json_only = !graphql_response_json && accepts(accept_header, "application/json");

    // The operations stay in io.requests until the session calls end_requests().
    std::vector<exec::request>& batch = io.requests;
    batch.clear();
    x.is_batch = false;
    std::string parse_problem;

    if (req.method() == bhttp::verb::get) {
        if (query_string.find("query=") == std::string_view::npos &&
            query_string.find("query%") == std::string_view::npos) {
            if (cfg.environment == exec::environment_kind::development &&
                accepts(accept_header, "text/html")) {
                response page(200, "text/html; charset=utf-8", graphiql_page("/graphql"));
                page.set("Content-Security-Policy", std::string(graphiql_content_security_policy()));
                page.set("Cache-Control", "no-cache");
                page.set("X-Content-Type-Options", "nosniff");
                return page;
            }
        }
        auto r = parse_get_request(query_string);
        if (!r) parse_problem = r.error();
        else batch.push_back(std::move(*r));
    } else if (req.method() == bhttp::verb::post) {
        const std::string_view ctype = io.hdr.content_type;
        if (!media_type_is(ctype, "application/json") &&
            !media_type_is(ctype, "application/graphql-response+json")) {
            return error_reply(bhttp::status::unsupported_media_type,
                               "Content-Type must be application/json");
        }
        // The values go into the connection's arena (json_arena: emptied for this request
        // unless a value of an earlier one is still alive).
        auto r = parse_post_body_into(std::string_view(req.body().data(), req.body().size()),
                                      cfg.max_batch_size, batch, io.json.next());
        if (!r) parse_problem = r.error();
        else x.is_batch = *r;
    } else {
        auto res = error_reply(bhttp::status::method_not_allowed,
                               "only GET and POST are supported on /graphql");
        res.set("Allow", "GET, POST");
        return res;
    }
    if (!parse_problem.empty())
        return response(400, x.media, graphql_error_body(parse_problem, "BAD_REQUEST"));

    // product.md §9: a batch shares one deadline, not request_timeout per operation.
    const auto batch_deadline = pg::clock::now() + cfg.request_timeout;
    const bool via_get = req.method() == bhttp::verb::get;
    std::vector<std::pair<std::string, std::string>> headers;
    if (engine_reads_headers) {
        headers.reserve(static_cast<std::size_t>(std::distance(req.begin(), req.end())));
        for (const auto& h : req) {
            headers.emplace_back(ascii::to_lower(std::string(h.name_string())),
                                 std::string(h.value().data(), h.value().size()));
        }
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
        auto& one = batch[i];
        one.deadline = batch_deadline;
        one.authorization = pooled_copy(io.hdr.authorization);
        // The last operation takes the header copies; the others get copies of them.
        if (i + 1 == batch.size()) one.headers = std::move(headers);
        else one.headers = headers;
        one.via_get = via_get;
        one.request_id = io.request_id;
        one.cancel = io.cancel;
    }

    head_options opt;
    opt.version = req.version();
    opt.keep_alive = keep;
    opt.request_id = io.request_id;
    opt.cors_origin = io.cors_origin;
    x.writer.emplace(io.stream.socket(), io.deadline, cfg.write_timeout, io.head, x.media, opt);
    return std::nullopt;
}

std::optional<response> server::impl::graphql_reply(exec::response& r,
                                                    const graphql_exchange& x) {
    response res(r.status, x.media, std::move(r.body));
    if (r.mutation_over_get) {
        res.status = 405;
        res.set("Allow", "POST");
    } else if (r.request_error && x.json_only) {
        res.status = 200;
    }
    if (!r.www_authenticate.empty()) res.set("WWW-Authenticate", std::move(r.www_authenticate));
    // RFC 9110 §15.5.2: a 401 carries a challenge, also when the engine refuses an
    // anonymous request for a reason of its own (introspection = authenticated).
    else if (res.status == 401) res.set("WWW-Authenticate", "Bearer");
    return res;
}

asio::awaitable<void> server::impl::finish_streamed(exec::response& r, graphql_exchange& x,
                                                    request_io& io, bool& keep) {
    if (r.aborted || !co_await x.writer->finish(r.body)) {
        // The client must be able to tell the body is incomplete: no last
        // chunk, and the connection is closed (docs/http.md).
        keep = false;
        io.write_timed_out = x.writer->timed_out();
        boost::system::error_code ec;
        io.stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    }
    json::give_back(r.body);
}

void server::impl::end_requests(request_io& io) noexcept {
    // The vector's memory stays for the connection's next request unless it held a batch (up
    // to max_batch_size operations). Then the JSON arena is emptied if no value of this
    // request lives on, so that a large body's memory is not kept until the next request.
    auto& v = io.requests;
    if (v.capacity() > 1) std::vector<exec::request>().swap(v);
    else v.clear();
    io.json.recycle();
}

asio::awaitable<std::optional<response>>
server::impl::handle_graphql(const http_request& req,
                             std::string_view query_string, request_io& io, bool& keep) {
    // The same roads as the session's own (issue 15: there, without this frame), for the
    // requests that do not take it: through handle() and beside watch_client.
    graphql_exchange x;
    if (auto early = begin_graphql(req, query_string, io, keep, x)) co_return early;
    if (x.is_batch) co_return co_await run_batch(io, x);
    auto r = co_await engine.execute(std::move(io.requests.front()), &*x.writer);
    if (r.streamed || r.aborted) {
        co_await finish_streamed(r, x, io, keep);
        co_return std::nullopt;
    }
    co_return graphql_reply(r, x);
}

asio::awaitable<std::optional<response>> server::impl::run_batch(request_io& io,
                                                                 graphql_exchange& x) {
    auto& batch = io.requests;
    std::vector<exec::response> results;
    results.reserve(batch.size());
    for (auto& one : batch) results.push_back(co_await engine.execute(std::move(one), nullptr));
    response res(200, x.media);
    std::string body = "[";
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (i) body += ',';
        body += results[i].body;
    }
    body += ']';
    res.body = std::move(body);
    // The batch shares one Authorization header: when it is refused, every operation
    // is, and the client gets the same 401 and challenge as for one operation
    // (product.md §5, RFC 6750 §3). A batch where only some operations are refused
    // (introspection = authenticated) has data for the others: 200.
    const bool all_refused = std::all_of(results.begin(), results.end(),
                                         [](const exec::response& r) { return r.status == 401; });
    if (all_refused) {
        res.status = 401;
        const auto& challenge = results.front().www_authenticate;
        res.set("WWW-Authenticate", challenge.empty() ? std::string("Bearer") : challenge);
    }
    co_return res;
}

} // namespace fraiseql::http
