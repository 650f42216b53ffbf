// The native connection: drives the sans-io protocol machines (src/pg/protocol) over a
// transport, with rows handed out as views into the receive buffer.
//
// Deadlines: one steady_timer per connection acts as a watchdog. When it fires it
// cancels the pending socket operation (or, while the sink is awaited, only sets a
// flag checked before the next read). The operation then sends a CancelRequest on a
// fresh connection ("55.2.8. Canceling Requests in Progress"), re-arms the watchdog for a
// grace period and keeps reading to ReadyForQuery; if that does not arrive in time the
// connection is marked broken.
#include "native_connection.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "../protocol/backend.hpp"
#include "../protocol/frontend.hpp"
#include "../protocol/query.hpp"
#include "../protocol/startup.hpp"
#include "../policy_connection.hpp"
#include "transport.hpp"

namespace fraiseql::pg::wire {
namespace {

namespace proto = fraiseql::pg::protocol;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t initial_buffer = 64 * 1024;
constexpr std::size_t shrink_above = 1024 * 1024;

failure<error> fail_with(errc c, std::string msg) {
    return failure<error>{error{c, std::move(msg)}};
}

/// Shared with the timer's completion handler so that a late handler never touches a
/// destroyed connection or a newer operation. The handler runs on the connection's
/// executor, which may be a multi-threaded io_context: it can run on another thread at
/// the same time as the operation's coroutine, hence the mutex (`t`, `generation`) and
/// the atomic flag the coroutine polls.
struct watchdog_state {
    std::mutex m;
    transport* t = nullptr;       ///< guarded by m
    std::uint64_t generation = 0; ///< guarded by m
    std::atomic<bool> fired{false};
};

/// Connects, writes the CancelRequest `msg` and reads until the server closes (by then the
/// postmaster has signalled the backend). `msg` outlives the coroutine (the caller's frame).
template <class Socket>
asio::awaitable<void> cancel_exchange(Socket s, typename Socket::endpoint_type to,
                                      const std::string& msg) {
    char sink[16];
    auto [ec] = co_await s.async_connect(to, use_tuple);
    if (ec) co_return;
    auto [wec, wn] = co_await asio::async_write(s, asio::buffer(msg), use_tuple);
    if (wec) co_return;
    for (;;) {
        auto [rec, rn] = co_await s.async_read_some(asio::buffer(sink), use_tuple);
        if (rec) co_return;
    }
}

/// Sends a CancelRequest on a fresh plain connection ("55.2.8. Canceling Requests in
/// Progress"), bounded by `limit`.
asio::awaitable<void> send_cancel_request(cancel_target target, std::int32_t pid,
                                          std::int32_t secret,
                                          std::chrono::milliseconds limit) {
    using namespace asio::experimental::awaitable_operators;
    using local = asio::local::stream_protocol;
    auto ex = co_await asio::this_coro::executor;
    std::string msg;
    proto::append_cancel_request(msg, pid, secret);
    asio::steady_timer timer(ex, limit);
    if (target.unix_socket)
        co_await (cancel_exchange(local::socket(ex), local::endpoint(target.path), msg) ||
                  timer.async_wait(use_tuple));
    else
        co_await (cancel_exchange(asio::ip::tcp::socket(ex), target.tcp, msg) ||
                  timer.async_wait(use_tuple));
}

class native_connection final : public detail::policy_connection {
public:
    native_connection(asio::any_io_executor ex, std::shared_ptr<const native_config> cfg)
        : ex_(ex), cfg_(std::move(cfg)), t_(ex), timer_(ex),
          wd_(std::make_shared<watchdog_state>()),
          qm_(cfg_->options.statements == statement_mode::unnamed
                  ? 0
                  : cfg_->options.statement_cache_size),
          buf_(initial_buffer) {
        wd_->t = &t_;
        stats_.max_receive_buffer = buf_.size();
    }

    ~native_connection() override {
        {
            std::lock_guard lock(wd_->m);
            wd_->t = nullptr;
            ++wd_->generation;
        }
        t_.close(!broken_ && !in_flight_);
    }

    asio::awaitable<result<void>> open(deadline dl);

    std::string parameter(std::string_view name) const override {
        auto it = params_.find(name);
        return it == params_.end() ? std::string() : it->second;
    }
    std::int32_t backend_pid() const noexcept override { return pid_; }
    std::string_view backend_name() const noexcept override { return "native"; }

protected:
    // Plain functions, not coroutines: a request costs no extra coroutine frame here.
    asio::awaitable<detail::exchange> send_pipeline(std::span<const statement> statements,
                                                    deadline dl) override {
        return execute(statements, nullptr, dl, false, {});
    }
    asio::awaitable<detail::exchange> send_simple(std::string_view sql, row_sink* sink,
                                                  deadline dl) override {
        return execute({}, sink, dl, true, sql);
    }
    char last_status() const noexcept override { return tx_status_; }
    bool closed_by_peer() const noexcept override { return t_.closed_by_peer(); }
    void interrupt() noexcept override {
        // Acts like the watchdog firing (see the top of this file), so the operation takes
        // the deadline path: CancelRequest, drain to ReadyForQuery within the grace period.
        std::lock_guard lock(wd_->m);
        wd_->fired = true;
        if (wd_->t) wd_->t->cancel();
    }


private:
    enum class abort_reason : std::uint8_t { none, timeout, cancelled };
    /// Why the watchdog fired: the deadline, or cancel().
    abort_reason expiry_reason() const noexcept {
        return cancel_requested_ ? abort_reason::cancelled : abort_reason::timeout;
    }

    void arm(deadline dl) {
        std::uint64_t g = 0;
        {
            std::lock_guard lock(wd_->m);
            g = ++wd_->generation;
            wd_->fired = false;
        }
        timer_.expires_at(dl);
        timer_.async_wait([w = std::weak_ptr<watchdog_state>(wd_), g](const error_code& ec) {
            if (ec) return;
            auto s = w.lock();
            if (!s) return;
            std::lock_guard lock(s->m);
            if (s->generation != g) return;
            s->fired = true;
            if (s->t) s->t->cancel();
        });
    }
    void disarm() {
        {
            std::lock_guard lock(wd_->m);
            ++wd_->generation;
        }
        timer_.cancel();
    }
    /// Makes room for a message of `need` bytes (from the decoder) and reads more. Not a
    /// coroutine (the transport's read, handed back): await it at once and pass what it
    /// completes with to received().
    asio::awaitable<transport::io_result> read_more(std::size_t need);
    /// Accounts for the bytes a read_more() brought; its error (eof for a closed stream).
    error_code received(const transport::io_result& r) {
        auto [ec, n] = r;
        if (!ec && n == 0) ec = asio::error::eof;
        end_ += n;
        stats_.bytes_received += n;
        return ec;
    }
    /// Encodes the operation (a pipeline, or the simple query `sql`), sends it and reads
    /// its results to ReadyForQuery.
    asio::awaitable<detail::exchange> execute(std::span<const statement> stmts,
                                              row_sink* simple, deadline dl, bool is_simple,
                                              std::string_view sql);
    /// Hands the rows collected in fields_/marks_ to `sink`: its own awaitable (no frame here).
    asio::awaitable<bool> flush_rows(row_sink* sink);
    asio::awaitable<void> cancel_on_server() {
        co_await send_cancel_request(t_.target(), pid_, secret_,
                                     std::chrono::milliseconds(1000));
    }
    // What execute() hands back on its rarer ways out, built here rather than in its frame
    // (issue 15: each local of a coroutine is a slot of its frame, over Asio's
    // 1020-byte recycling limit otherwise).
    /// The sink of statement / result set `i` (simple queries have one for all).
    static row_sink* sink_for(std::span<const statement> stmts, row_sink* simple, bool is_simple,
                              std::size_t i) noexcept {
        if (is_simple) return simple;
        return i < stmts.size() ? stmts[i].sink : nullptr;
    }
    /// Deadline or abandoned stream: cancel on the server and give it cancel_grace to
    /// answer.
    /// `reason` and `cancel_sent` are execute()'s, alive in its frame while it awaits this.
    asio::awaitable<void> start_cancel(abort_reason why, abort_reason& reason,
                                       bool& cancel_sent);
    /// A deadline or cancel() interrupted the sending of the request.
    detail::exchange send_interrupted() {
        end_operation();
        return detail::exchange::failed(detail::send_interrupted(cancel_requested_));
    }
    /// The server's CancelRequest path gives up: the stream is out of step.
    detail::exchange stuck(abort_reason reason) {
        broken_ = true;
        end_operation();
        return detail::exchange::failed(detail::no_resync(
            reason == abort_reason::cancelled ? errc::cancelled : errc::timeout));
    }
    /// The session went away while the results were read (`first_error`: a FATAL error
    /// explains the hang-up).
    detail::exchange lost_reading(const error_code& ec, server_message_box first_error,
                                  bool answered) {
        auto x = lost(ec);
        x.first_error = std::move(first_error);
        x.answered = answered;
        end_operation();
        return x;
    }
    /// The operation reached ReadyForQuery.
    detail::exchange finished(server_message_box first_error, std::size_t error_index,
                              bool delivered, bool answered, abort_reason reason) {
        end_operation();
        detail::exchange x;
        x.first_error = std::move(first_error);
        x.error_index = error_index;
        x.delivered = delivered;
        x.answered = answered;
        x.invalidated = qm_.invalidated_statement();
        if (reason != abort_reason::none)
            x.aborted = reason == abort_reason::timeout ? errc::timeout : errc::cancelled;
        return x;
    }
    /// The session is gone (the policy adds the server's reason after a FATAL error).
    detail::exchange lost(const error_code& ec) {
        broken_ = true;
        disarm();
        return detail::exchange::failed(errc::connection_lost, "connection lost: " + ec.message());
    }
    detail::exchange broke(errc c, std::string msg) {
        broken_ = true;
        end_operation();
        return detail::exchange::failed(c, std::move(msg));
    }
    void end_operation() {
        disarm();
        in_flight_ = false;
        if (begin_ == end_) {
            begin_ = end_ = 0;
            if (buf_.size() > shrink_above) std::vector<char>(initial_buffer).swap(buf_);
        }
    }

    asio::any_io_executor ex_;
    std::shared_ptr<const native_config> cfg_;
    transport t_;
    asio::steady_timer timer_;
    std::shared_ptr<watchdog_state> wd_;
    proto::query_machine qm_;

    std::vector<char> buf_;
    std::size_t begin_ = 0; ///< first unconsumed byte
    std::size_t end_ = 0;   ///< end of received bytes
    std::string out_;

    std::vector<proto::statement_spec> specs_;
    std::vector<field_view> fields_;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> marks_; ///< (first field, count) per row
    std::vector<row_view> rows_;

    std::map<std::string, std::string, std::less<>> params_;
    std::int32_t pid_ = 0;
    std::int32_t secret_ = 0;
    char tx_status_ = 'I';
};

asio::awaitable<transport::io_result> native_connection::read_more(std::size_t need) {
    if (begin_ == end_) begin_ = end_ = 0;
    // Compact when the pending message would not fit behind begin_, or no space is left.
    if (need > buf_.size() - begin_ || end_ == buf_.size()) {
        if (begin_ > 0) {
            std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
            end_ -= begin_;
            begin_ = 0;
        }
        // Grow only to the largest single message (the decoder refused > 1 GiB).
        if (need > buf_.size()) {
            buf_.resize((need + 4095) / 4096 * 4096);
            stats_.max_receive_buffer = std::max<std::uint64_t>(stats_.max_receive_buffer,
                                                                buf_.size());
        }
    }
    return t_.read_some(asio::buffer(buf_.data() + end_, buf_.size() - end_));
}

asio::awaitable<bool> native_connection::flush_rows(row_sink* sink) {
    rows_.clear();
    const std::span<const field_view> all(fields_);
    for (auto [first, count] : marks_) rows_.emplace_back(all.subspan(first, count));
    fields_.clear();
    marks_.clear();
    // The views stay valid while the caller awaits this: nothing touches buf_ (nor rows_)
    // until it returns.
    return sink->on_rows(rows_);
}

asio::awaitable<result<void>> native_connection::open(deadline dl) {
    const conninfo& ci = cfg_->info;
    if (ci.connect_timeout.count() > 0) dl = std::min(dl, clock::now() + ci.connect_timeout);
    in_flight_ = true;
    arm(dl);
    const std::string where = ci.is_unix_socket() ? ci.unix_socket_path()
                                                  : ci.host + ":" + std::to_string(ci.port);
    // Every failure leaves the connection unusable (it is then destroyed).
    auto give_up = [&](auto&&... e) {
        broken_ = true;
        disarm();
        if constexpr (sizeof...(e) == 1) return failure<error>{error(std::move(e)...)};
        else return fail_with(std::forward<decltype(e)>(e)...);
    };
    auto timed_out = [&] {
        return give_up(errc::timeout, "connecting to " + where + ": deadline expired");
    };
    // A read or write that fails before the session is ready: the connection was never made
    // (errc::connection_failed, as libpq reports it), whichever step of the startup met the
    // reset. It was connection_lost for a write (or the SSLRequest's answer), so a server that
    // resets at accept gave either code by timing: the reset reached the socket before or
    // after the startup message was written (seen under ThreadSanitizer, chaos
    // network.refused_connections_fail_fast_and_recover).
    auto closed_in_startup = [&](const boost::system::error_code& ec) {
        return give_up(errc::connection_failed,
                       "server " + where + " closed the connection during startup: " +
                           ec.message());
    };
    if (auto ec = co_await t_.connect(ci)) {
        if (wd_->fired) co_return timed_out();
        co_return give_up(errc::connection_failed,
                            "cannot connect to " + where + ": " + ec.message());
    }

    // TLS negotiation ("55.2.10. SSL Session Encryption"). `allow` is treated as
    // plain-only (no retry with TLS). Unix sockets never use TLS, like libpq.
    if (t_.is_tcp() && ci.sslmode >= ssl_mode::prefer) {
        if (!cfg_->tls_setup_error.empty())
            co_return give_up(errc::tls_error, cfg_->tls_setup_error);
        out_.clear();
        proto::append_ssl_request(out_);
        if (auto [ec, sent] = co_await t_.write(asio::buffer(out_)); ec) {
            if (wd_->fired) co_return timed_out();
            co_return closed_in_startup(ec);
        }
        // Exactly one byte: anything the server sent after 'S' and before the TLS
        // handshake must not be trusted (CVE-2021-23222), so it is never buffered.
        char answer = 0;
        auto [ec, n] = co_await t_.read_some(asio::buffer(&answer, 1));
        if (ec || n != 1) {
            if (wd_->fired) co_return timed_out();
            co_return closed_in_startup(ec ? ec : asio::error::eof);
        }
        if (answer == 'S') {
            if (auto hec = co_await t_.handshake(*cfg_->tls, ci)) {
                if (wd_->fired) co_return timed_out();
                co_return give_up(errc::tls_error,
                                    "TLS handshake with " + where + " failed: " + hec.message());
            }
        } else if (answer == 'N') {
            if (ci.sslmode >= ssl_mode::require) {
                co_return give_up(errc::tls_error, "server " + where +
                                                         " does not support TLS, sslmode=" +
                                                         std::string(to_string(ci.sslmode)));
            }
        } else {
            co_return give_up(errc::protocol_error,
                                "unexpected answer to SSLRequest from " + where);
        }
    }

    proto::startup_options so;
    so.user = ci.user;
    so.password = ci.password;
    so.database = ci.dbname;
    so.application_name = ci.application_name;
    so.options = ci.options;
    so.tls = t_.is_tls();
    if (so.tls) so.tls_server_end_point = t_.tls_server_end_point();
    so.channel_binding = static_cast<proto::channel_binding_mode>(ci.channel_binding);
    proto::startup_machine sm(std::move(so));
    out_.clear();
    if (auto r = sm.startup_message(out_); !r)
        co_return give_up(std::move(r).error());
    if (auto [ec, sent] = co_await t_.write(asio::buffer(out_)); ec) {
        if (wd_->fired) co_return timed_out();
        co_return closed_in_startup(ec);
    }
    for (;;) {
        auto d = proto::decode({buf_.data() + begin_, end_ - begin_});
        if (d.status == proto::decode_status::error)
            co_return give_up(errc::protocol_error, std::string("during startup: ") + d.error);
        if (d.status == proto::decode_status::need_more) {
            if (auto ec = received(co_await read_more(d.needed))) {
                if (wd_->fired) co_return timed_out();
                co_return closed_in_startup(ec);
            }
            continue;
        }
        begin_ += d.consumed;
        out_.clear();
        auto step = sm.on_frame(d.msg, out_);
        if (step == proto::startup_machine::step::failed)
            co_return give_up(sm.failure());
        if (step == proto::startup_machine::step::write) {
            if (auto [ec, sent] = co_await t_.write(asio::buffer(out_)); ec) {
                if (wd_->fired) co_return timed_out();
                co_return closed_in_startup(ec);
            }
        }
        if (step == proto::startup_machine::step::done) break;
    }
    for (const auto& [k, v] : sm.parameters()) params_[k] = v;
    if (cfg_->options.on_notice)
        for (const auto& n : sm.notices()) cfg_->options.on_notice(n);
    pid_ = sm.backend_pid();
    secret_ = sm.backend_secret();
    tx_status_ = sm.transaction_status();
    end_operation();
    co_return result<void>{};
}

asio::awaitable<detail::exchange> native_connection::execute(std::span<const statement> stmts,
                                                             row_sink* simple, deadline dl,
                                                             bool is_simple, std::string_view sql) {
    out_.clear();
    if (is_simple) {
        if (auto r = qm_.start_simple(sql, out_); !r) // nothing was sent
            co_return detail::exchange::failed(errc::server_error, std::move(r).error());
    } else {
        specs_.clear();
        for (const auto& s : stmts)
            specs_.push_back(proto::statement_spec{s.sql, s.params, s.result_format, s.cache});
        const auto hits = qm_.cache_hits(), misses = qm_.cache_misses();
        if (auto r = qm_.start_pipeline(specs_, out_); !r)
            co_return detail::exchange::failed(errc::server_error, std::move(r).error());
        stats_.prepared_cache_hits += qm_.cache_hits() - hits;
        stats_.prepared_cache_misses += qm_.cache_misses() - misses;
    }
    in_flight_ = true;
    arm(dl);
    if (cancel_requested_) wd_->fired = true; // cancel() came before arm() reset the flag
    bool delivered = false;        // a sink saw something of this pipeline
    bool answered = false;         // the server said something of it (exchange::answered)
    std::size_t error_index = 0;   // statement of first_error
    abort_reason reason = abort_reason::none;
    bool cancel_sent = false;

    // The request's messages go out in one non-blocking write when the send buffer takes
    // them (nearly always): no reactor round trip (net/write_now.hpp); the rest, if any,
    // asynchronously under the watchdog as before.
    if (!t_.write_now(asio::buffer(out_))) {
        if (auto [ec, sent] = co_await t_.write_rest(); ec) {
            if (wd_->fired) {
                // A partial write leaves the stream unusable; still stop the server's work.
                broken_ = true;
                co_await cancel_on_server();
                co_return send_interrupted();
            }
            co_return lost(ec);
        }
    }

    row_sink* row_target = nullptr; // sink of the rows collected in fields_/marks_
    server_message_box first_error;
    fields_.clear();
    marks_.clear();

    for (;;) {
        std::size_t need = 5;
        bool ready = false;
        while (!ready) {
            auto d = proto::decode({buf_.data() + begin_, end_ - begin_});
            if (d.status == proto::decode_status::need_more) {
                need = d.needed;
                break;
            }
            if (d.status == proto::decode_status::error)
                co_return broke(errc::protocol_error, d.error);
            begin_ += d.consumed; // the bytes stay in place until the next read_more
            const proto::event ev = qm_.on_frame(d.msg);
            using k = proto::event::kind;
            // What a server closing an idle session sends unasked (57P01 after
            // pg_terminate_backend) is not an answer; anything else is.
            if (ev.k != k::notice && ev.k != k::notification && ev.k != k::parameter &&
                !(ev.k == k::error && (qm_.last_error().severity == "FATAL" ||
                                       qm_.last_error().severity == "PANIC")))
                answered = true;
            if (ev.k == k::row) {
                row_sink* s = sink_for(stmts, simple, is_simple, ev.index);
                if (reason != abort_reason::none || !s) continue;
                const auto first = fields_.size();
                if (!proto::parse_data_row(ev.text, fields_))
                    co_return broke(errc::protocol_error, "malformed DataRow");
                marks_.emplace_back(static_cast<std::uint32_t>(first),
                                    static_cast<std::uint32_t>(fields_.size() - first));
                row_target = s;
                continue;
            }
            if (!marks_.empty()) {
                delivered = true;
                if (!co_await flush_rows(row_target))
                    co_await start_cancel(abort_reason::cancelled, reason, cancel_sent);
            }
            row_sink* s = nullptr;
            if (reason == abort_reason::none) s = sink_for(stmts, simple, is_simple, ev.index);
            switch (ev.k) {
            case k::columns:
                if (s) s->on_columns(ev.columns);
                delivered = delivered || s;
                break;
            case k::complete:
                ++stats_.statements;
                if (s) s->on_complete(ev.text);
                delivered = true; // a statement ran (its effect is undone, but it ran)
                break;
            case k::error:
                if (!first_error) {
                    first_error = qm_.last_error();
                    error_index = ev.index;
                }
                break;
            case k::notice:
                if (cfg_->options.on_notice) cfg_->options.on_notice(qm_.last_notice());
                break;
            case k::notification:
                if (cfg_->options.on_notification)
                    cfg_->options.on_notification(ev.pid, ev.text, ev.text2);
                break;
            case k::parameter:
                params_[std::string(ev.text)] = std::string(ev.text2);
                break;
            case k::copy_in: {
                // COPY FROM STDIN cannot be fed through this interface: refuse it so
                // the server errors out and the session stays in sync.
                // (out_ was sent: free to hold the CopyFail.)
                out_.clear();
                (void)proto::append_copy_fail(out_, "COPY FROM STDIN is not supported by "
                                                    "the FraiseQL driver");
                if (auto [ec, sent] = co_await t_.write(asio::buffer(out_)); ec)
                    co_return lost_reading(ec, {}, true); // answered: CopyInResponse
                break;
            }
            case k::ready:
                tx_status_ = ev.status;
                ready = true;
                break;
            case k::protocol_error:
                co_return broke(errc::protocol_error, std::string(ev.text));
            case k::none:
            case k::row:
                break;
            }
        }
        if (ready) break;
        if (!marks_.empty()) {
            delivered = true;
            if (!co_await flush_rows(row_target))
                co_await start_cancel(abort_reason::cancelled, reason, cancel_sent);
        }
        if (wd_->fired) {
            // Fired while the sink was being awaited (no read pending to abort).
            if (cancel_sent) co_return stuck(reason);
            co_await start_cancel(expiry_reason(), reason, cancel_sent);
        }
        if (auto ec = received(co_await read_more(need))) {
            if (ec == asio::error::operation_aborted && wd_->fired) {
                if (cancel_sent) co_return stuck(reason);
                co_await start_cancel(expiry_reason(), reason, cancel_sent);
                continue;
            }
            co_return lost_reading(ec, std::move(first_error), answered);
        }
    }
    co_return finished(std::move(first_error), error_index, delivered, answered, reason);
}

asio::awaitable<void> native_connection::start_cancel(abort_reason why, abort_reason& reason,
                                                      bool& cancel_sent) {
    if (reason == abort_reason::none) reason = why;
    if (cancel_sent) co_return;
    cancel_sent = true;
    // The grace period runs from now, alongside the CancelRequest exchange (as in the
    // libpq backend): on a network that delivers nothing, the error comes at deadline +
    // grace, not deadline + the exchange's own bound + grace.
    arm(clock::now() + cfg_->options.cancel_grace);
    co_await cancel_on_server();
}

} // namespace

asio::awaitable<result<std::unique_ptr<connection>>>
open_native_connection(asio::any_io_executor ex, std::shared_ptr<const native_config> cfg,
                       deadline dl) {
    auto c = std::make_unique<native_connection>(ex, std::move(cfg));
    auto r = co_await c->open(dl);
    if (!r) co_return failure<error>{std::move(r).error()};
    co_return std::unique_ptr<connection>(std::move(c));
}

} // namespace fraiseql::pg::wire
