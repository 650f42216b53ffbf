#include "support/fault_proxy.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <future>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace fraiseql::test {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Index of a pump direction in the per-direction arrays.
constexpr std::size_t up = 0;   // client -> upstream
constexpr std::size_t down = 1; // upstream -> client

// Per-direction settings, written by the test thread and read by the pumps.
struct dir_settings {
    std::atomic<fault_mode> mode{fault_mode::pass};
    std::atomic<std::int64_t> latency_ms{0};
    std::atomic<std::size_t> bandwidth{0};
};

// RST rather than FIN on close (RFC 793 §3.5 "abort"; SO_LINGER with a zero timeout).
void abort_socket(tcp::socket& s) {
    boost::system::error_code ec;
    if (!s.is_open()) return;
    s.set_option(asio::socket_base::linger(true, 0), ec);
    s.close(ec);
}

} // namespace

struct fault_proxy::impl {
    // One proxied connection: the accepted client socket and the upstream socket. Owned
    // by its two pumps and by `conns` (for the control calls); touched only on the
    // proxy's thread.
    struct conn {
        explicit conn(asio::io_context& io)
            : client(io), upstream(io), timers{asio::steady_timer(io), asio::steady_timer(io)} {}
        tcp::socket client;
        tcp::socket upstream;
        std::array<asio::steady_timer, 2> timers; // latency / bandwidth waits per direction
        std::array<bool, 2> shut{false, false};   // half-closed: discard further bytes
        bool closed = false;
        int pumps_done = 0;
        bool writing_down = false; // the down pump has a write in flight
        std::string pending_inject;

        tcp::socket& source(std::size_t d) { return d == up ? client : upstream; }
        tcp::socket& sink(std::size_t d) { return d == up ? upstream : client; }
    };

    explicit impl(std::uint16_t upstream)
        : upstream_port(upstream), work(asio::make_work_guard(io)), acceptor(io) {}

    // Runs `fn` on the proxy's thread and waits for it; runs it inline when already there
    // (a trigger's `then` calls reset_all from a pump).
    template <class F> void exec(F&& fn) {
        if (io.get_executor().running_in_this_thread()) {
            fn();
            return;
        }
        std::promise<void> done;
        auto f = done.get_future();
        asio::post(io, [&] {
            fn();
            done.set_value();
        });
        f.wait();
    }

    void close_conn(const std::shared_ptr<conn>& c, bool rst) {
        if (c->closed) return;
        c->closed = true;
        for (auto& t : c->timers) t.cancel();
        if (rst) {
            abort_socket(c->client);
            abort_socket(c->upstream);
        } else {
            boost::system::error_code ec;
            c->client.shutdown(tcp::socket::shutdown_both, ec);
            c->upstream.shutdown(tcp::socket::shutdown_both, ec);
            c->client.close(ec);
            c->upstream.close(ec);
        }
    }

    void pump_finished(const std::shared_ptr<conn>& c) {
        if (++c->pumps_done == 2) {
            close_conn(c, false);
            conns.erase(c);
            live.store(conns.size());
        }
    }

    // Flips one bit in every `corrupt_every`th byte, counted across all connections.
    void corrupt(std::string_view in, std::string& out) {
        out.assign(in);
        const std::size_t every = std::max<std::size_t>(1, corrupt_every.load());
        for (auto& ch : out)
            if (++corrupt_counter % every == 0) ch = char(static_cast<unsigned char>(ch) ^ 0x01);
    }

    // Waits `d` on the direction's timer; false when the connection was closed meanwhile.
    asio::awaitable<bool> wait(std::shared_ptr<conn> c, std::size_t d,
                               std::chrono::nanoseconds dur) {
        c->timers[d].expires_after(dur);
        co_await c->timers[d].async_wait(use_tuple);
        co_return !c->closed;
    }

    void count_write(std::size_t d) { (d == up ? writes_up : writes_down).fetch_add(1); }

    // Writes `data` towards the direction's sink as the current mode and bandwidth say.
    asio::awaitable<bool> forward(std::shared_ptr<conn> c, std::size_t d, std::string_view data,
                                  fault_mode mode) {
        auto& dst = c->sink(d);
        const std::size_t bps = settings[d].bandwidth.load();
        if (mode == fault_mode::fragment) {
            // One byte per write with TCP_NODELAY set: one byte per TCP segment.
            for (std::size_t i = 0; i < data.size(); ++i) {
                auto [ec, n] = co_await asio::async_write(dst, asio::buffer(data.data() + i, 1),
                                                          use_tuple);
                count_write(d);
                if (ec || c->closed) co_return false;
                if (bps != 0 && !co_await wait(c, d, std::chrono::nanoseconds(1'000'000'000 / bps)))
                    co_return false;
            }
            co_return true;
        }
        if (bps == 0) {
            auto [ec, n] = co_await asio::async_write(dst, asio::buffer(data), use_tuple);
            count_write(d);
            co_return !ec && !c->closed;
        }
        // Token pacing: slices of 1/50 s worth of bytes, each followed by its time share.
        const std::size_t slice = std::max<std::size_t>(1, bps / 50);
        for (std::size_t off = 0; off < data.size(); off += slice) {
            const std::size_t len = std::min(slice, data.size() - off);
            auto [ec, n] = co_await asio::async_write(dst, asio::buffer(data.data() + off, len),
                                                      use_tuple);
            count_write(d);
            if (ec || c->closed) co_return false;
            const auto share = std::chrono::nanoseconds(
                static_cast<std::int64_t>(1'000'000'000.0 * double(len) / double(bps)));
            if (!co_await wait(c, d, share)) co_return false;
        }
        co_return true;
    }

    // Injected bytes go out in one synchronous write on the proxy's thread, never while the
    // down pump has a write in flight, so they never land inside a forwarded message.
    void flush_inject(const std::shared_ptr<conn>& c) {
        if (c->pending_inject.empty() || c->closed || c->shut[down]) return;
        std::string bytes = std::move(c->pending_inject);
        c->pending_inject.clear();
        boost::system::error_code ec;
        asio::write(c->client, asio::buffer(bytes), ec);
    }

    asio::awaitable<void> pump(std::shared_ptr<conn> c, std::size_t d) {
        std::vector<char> buf(64 * 1024);
        std::string scratch;
        for (;;) {
            auto [ec, n] = co_await c->source(d).async_read_some(asio::buffer(buf), use_tuple);
            if (c->closed) break;
            if (ec) {
                if (ec == asio::error::eof) {
                    // Pass the FIN on (also in blackhole mode: the upstream backend must not
                    // outlive the client that left, the cluster is shared).
                    boost::system::error_code ignored;
                    c->sink(d).shutdown(tcp::socket::shutdown_send, ignored);
                } else {
                    close_conn(c, true); // a reset on one side resets the other
                }
                break;
            }
            std::string_view chunk(buf.data(), n);
            if (d == up && trigger_fn) {
                if (trigger_fn(chunk)) {
                    auto then = std::move(trigger_then);
                    const bool after = trigger_after;
                    trigger_fn = nullptr;
                    trigger_then = nullptr;
                    if (after) {
                        if (!co_await forward_chunk(c, d, chunk, scratch)) break;
                        if (then) then();
                        if (c->closed) break;
                        continue;
                    }
                    if (then) then();
                    if (c->closed) break;
                }
            }
            if (!co_await forward_chunk(c, d, chunk, scratch)) break;
        }
        pump_finished(c);
    }

    // Applies the direction's current mode to one chunk; false when the connection is gone.
    asio::awaitable<bool> forward_chunk(std::shared_ptr<conn> c, std::size_t d,
                                        std::string_view chunk, std::string& scratch) {
        const fault_mode mode = settings[d].mode.load();
        if (c->shut[d] || mode == fault_mode::blackhole) co_return true; // read and drop
        if (const auto ms = settings[d].latency_ms.load(); ms > 0) {
            if (!co_await wait(c, d, std::chrono::milliseconds(ms))) co_return false;
            if (c->shut[d] || settings[d].mode.load() == fault_mode::blackhole) co_return true;
        }
        if (mode == fault_mode::corrupt) {
            corrupt(chunk, scratch);
            chunk = scratch;
        }
        if (d == down) c->writing_down = true;
        const bool ok = co_await forward(c, d, chunk, mode);
        if (d == down) c->writing_down = false;
        if (!ok) {
            close_conn(c, true);
            co_return false;
        }
        (d == up ? bytes_up : bytes_down).fetch_add(chunk.size());
        if (d == down) flush_inject(c);
        co_return !c->closed;
    }

    asio::awaitable<void> start_conn(std::shared_ptr<conn> c) {
        auto [ec] = co_await c->upstream.async_connect(
            tcp::endpoint(asio::ip::address_v4::loopback(), upstream_port), use_tuple);
        if (ec || c->closed) {
            close_conn(c, true);
            conns.erase(c);
            live.store(conns.size());
            co_return;
        }
        boost::system::error_code ignored;
        // Every write goes out at once: fragment mode depends on it, latency figures too.
        c->client.set_option(tcp::no_delay(true), ignored);
        c->upstream.set_option(tcp::no_delay(true), ignored);
        asio::co_spawn(io, pump(c, up), asio::detached);
        asio::co_spawn(io, pump(c, down), asio::detached);
    }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto c = std::make_shared<conn>(io);
            auto [ec] = co_await acceptor.async_accept(c->client, use_tuple);
            if (ec) {
                if (!acceptor.is_open()) co_return;
                continue;
            }
            accepted.fetch_add(1);
            if (refuse_new.load()) {
                abort_socket(c->client);
                continue;
            }
            conns.insert(c);
            live.store(conns.size());
            asio::co_spawn(io, start_conn(c), asio::detached);
        }
    }

    std::uint16_t upstream_port;
    std::uint16_t listen_port = 0;
    asio::io_context io{1};
    asio::executor_work_guard<asio::io_context::executor_type> work;
    tcp::acceptor acceptor;
    std::thread thread;

    std::array<dir_settings, 2> settings;
    std::atomic<bool> refuse_new{false};
    std::atomic<std::size_t> corrupt_every{1};
    std::uint64_t corrupt_counter = 0; // proxy thread only

    std::set<std::shared_ptr<conn>> conns; // proxy thread only
    std::function<bool(std::string_view)> trigger_fn;
    std::function<void()> trigger_then;
    bool trigger_after = false;

    std::atomic<std::uint64_t> accepted{0};
    std::atomic<std::uint64_t> live{0};
    std::atomic<std::uint64_t> bytes_up{0};
    std::atomic<std::uint64_t> bytes_down{0};
    std::atomic<std::uint64_t> writes_up{0};
    std::atomic<std::uint64_t> writes_down{0};
};

namespace {
template <class F> void for_dirs(direction dir, F&& f) {
    if (dir != direction::to_client) f(up);
    if (dir != direction::to_server) f(down);
}
} // namespace

fault_proxy::fault_proxy(std::uint16_t upstream_port)
    : impl_(std::make_shared<impl>(upstream_port)) {
    auto& i = *impl_;
    tcp::endpoint ep(asio::ip::address_v4::loopback(), 0);
    i.acceptor.open(ep.protocol());
    i.acceptor.set_option(asio::socket_base::reuse_address(true));
    i.acceptor.bind(ep);
    i.acceptor.listen();
    i.listen_port = i.acceptor.local_endpoint().port();
    asio::co_spawn(i.io, i.accept_loop(), asio::detached);
    i.thread = std::thread([&i] { i.io.run(); });
}

fault_proxy::~fault_proxy() {
    auto& i = *impl_;
    i.exec([&i] {
        boost::system::error_code ec;
        i.acceptor.close(ec);
        for (const auto& c : i.conns) i.close_conn(c, false);
        i.trigger_fn = nullptr;
        i.trigger_then = nullptr;
    });
    // Every coroutine now ends (its socket or timer was cancelled): let run() drain them.
    i.work.reset();
    i.thread.join();
}

std::uint16_t fault_proxy::port() const noexcept { return impl_->listen_port; }

void fault_proxy::set_mode(fault_mode m, direction dir) {
    if (m == fault_mode::refuse) {
        // New connections are refused; live ones pass.
        impl_->refuse_new.store(true);
        for_dirs(dir, [&](std::size_t d) { impl_->settings[d].mode.store(fault_mode::pass); });
        return;
    }
    impl_->refuse_new.store(false);
    for_dirs(dir, [&](std::size_t d) { impl_->settings[d].mode.store(m); });
}

void fault_proxy::set_refuse_new(bool refuse) { impl_->refuse_new.store(refuse); }

void fault_proxy::set_latency(std::chrono::milliseconds latency, direction dir) {
    for_dirs(dir, [&](std::size_t d) { impl_->settings[d].latency_ms.store(latency.count()); });
}

void fault_proxy::set_bandwidth(std::size_t bytes_per_second, direction dir) {
    for_dirs(dir, [&](std::size_t d) { impl_->settings[d].bandwidth.store(bytes_per_second); });
}

void fault_proxy::set_corrupt_every(std::size_t n) { impl_->corrupt_every.store(n == 0 ? 1 : n); }

void fault_proxy::reset_all() {
    auto& i = *impl_;
    i.exec([&i] {
        for (const auto& c : i.conns) i.close_conn(c, true);
    });
}

void fault_proxy::half_close_all(direction dir) {
    auto& i = *impl_;
    i.exec([&i, dir] {
        for (const auto& c : i.conns) {
            if (c->closed) continue;
            for_dirs(dir, [&](std::size_t d) {
                boost::system::error_code ec;
                c->shut[d] = true;
                c->sink(d).shutdown(tcp::socket::shutdown_send, ec);
            });
        }
    });
}

void fault_proxy::close_all() {
    auto& i = *impl_;
    i.exec([&i] {
        for (const auto& c : i.conns) i.close_conn(c, false);
    });
}

void fault_proxy::inject_to_client(std::string bytes) {
    auto& i = *impl_;
    i.exec([&i, &bytes] {
        for (const auto& c : i.conns) {
            if (c->closed || c->shut[down]) continue;
            c->pending_inject += bytes;
            // A write in flight flushes it when done; otherwise start the write now.
            if (!c->writing_down) i.flush_inject(c);
        }
    });
}

void fault_proxy::on_to_server(std::function<bool(std::string_view chunk)> fn,
                               std::function<void()> then, bool after_forward) {
    auto& i = *impl_;
    i.exec([&] {
        i.trigger_fn = std::move(fn);
        i.trigger_then = std::move(then);
        i.trigger_after = after_forward;
    });
}

fault_stats fault_proxy::stats() const {
    const auto& i = *impl_;
    return fault_stats{i.accepted.load(),   i.live.load(),      i.bytes_up.load(),
                       i.bytes_down.load(), i.writes_up.load(), i.writes_down.load()};
}

std::string pg_fatal_message(std::string_view sqlstate, std::string_view message) {
    // ErrorResponse (protocol-message-formats): Byte1('E'), Int32 length (itself included),
    // then fields (Byte1 code, String value) and a final zero byte.
    std::string body;
    auto field = [&](char code, std::string_view v) {
        body += code;
        body += v;
        body += '\0';
    };
    field('S', "FATAL");
    field('V', "FATAL");
    field('C', sqlstate);
    field('M', message);
    body += '\0';
    const auto len = static_cast<std::uint32_t>(body.size() + 4);
    std::string out;
    out += 'E';
    out += char((len >> 24) & 0xff);
    out += char((len >> 16) & 0xff);
    out += char((len >> 8) & 0xff);
    out += char(len & 0xff);
    out += body;
    return out;
}

} // namespace fraiseql::test
