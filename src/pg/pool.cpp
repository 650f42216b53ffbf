// The connection pool: one implementation over any pg::connector (native or libpq).
//
// State lives behind one mutex (the io_context may be run by several threads); nothing
// awaits while holding it, and connections are closed after it is released. Waiters are
// a FIFO of small objects, each with a one-slot concurrent_channel: a returned connection
// (or a freed slot) is handed to the oldest waiter under the mutex and the waiter is woken
// through its channel, racing its own deadline timer. Semantics: include/fraiseql/pg/pool.hpp.

#include "fraiseql/pg/pool.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace fraiseql::pg {

namespace {

using boost::system::error_code;
using std::chrono::milliseconds;

constexpr milliseconds backoff_initial{50};
constexpr milliseconds backoff_cap{2000};
/// Waiters kept for reuse (pool::impl::spare): more than a saturated pool queues at once
/// under the benchmark's load (16 clients, 10 connections), few enough to be negligible.
constexpr std::size_t max_spare_waiters = 64;

struct waiter {
    explicit waiter(const asio::any_io_executor& ex) : wake(ex, 1), timer(ex) {}
    asio::experimental::concurrent_channel<void(error_code)> wake;
    /// The wait's deadline: a message into `wake` when it expires. Here, reused with the
    /// waiter, rather than in the frame of the acquire that waits (issue 15: that frame must
    /// stay within Asio's recycling limit). Used by the waiting acquire only.
    asio::steady_timer timer;
    // Guarded by the pool mutex:
    std::unique_ptr<connection> conn; ///< handed over by give_back
    clock::time_point created{};
    bool slot = false;   ///< a free slot was reserved for this waiter: it connects itself
    bool probe = false;  ///< ... and its attempt is the one probe of an outage
    bool retry = false;  ///< woken to look again (a probe failed): not served, not timed out
    bool closed = false; ///< the pool was closed
};

/// What one round of the slow acquire decided (pool::impl::round, pool::impl::after_wait).
enum class step : unsigned char {
    take,    ///< acquisition::conn is the caller's
    check,   ///< acquisition::conn was idle long (or a sibling was found broken): ping it first
    connect, ///< a slot is reserved for a new connection (acquisition::probe: an outage's probe)
    sleep,   ///< an outage's backoff: look again at acquisition::until
    wait,    ///< queued: wait on acquisition::w (its timer armed for the deadline)
    again,   ///< woken to look again (a failed attempt): another round
    fail,    ///< acquisition::last says why
};

/// The slow acquire's state across its rounds. It lives in that coroutine's frame, which must
/// stay within Asio's 1,020-byte recycling limit (issue 15: a larger frame is malloc'ed on
/// every acquire that waits, and each such miss makes Asio drop a cached block too): the work
/// under the lock is done by plain functions, and the rare awaits (connect, health check,
/// backoff sleep) are coroutines of their own, so that only this is kept across awaits.
struct acquisition {
    explicit acquisition(deadline l) : limit(l) {}
    const deadline limit;
    std::unique_ptr<connection> conn; ///< the connection to hand out (take, check)
    clock::time_point created{};      ///< ... and when it was opened
    clock::time_point until{};        ///< sleep: the end of the backoff
    std::shared_ptr<waiter> w;        ///< wait: the queued waiter
    /// Why the last round produced no connection (a failed health ping), the error to report
    /// if the deadline passes before another round does; on fail, the error.
    std::optional<error> last;
    bool probe = false; ///< connect: the attempt is the outage's one probe
    /// Woken by a failed attempt to look again: it keeps its turn (no queueing behind
    /// newcomers) in the rounds that follow.
    bool retried = false;
    bool first_round = true;
};

struct idle_connection {
    std::unique_ptr<connection> conn;
    clock::time_point created;
    clock::time_point since; ///< returned to the pool at
    bool suspect = false;    ///< ping before handing out (a sibling was found broken)
};

void wake(const std::shared_ptr<waiter>& w) {
    if (w)
        w->wake.try_send(error_code{});
}

void wake_all(std::vector<std::shared_ptr<waiter>>& ws) {
    for (auto& w : ws)
        wake(w);
    ws.clear();
}

/// The FIFO of queued acquires: a vector and the index of its front. Unlike std::deque, which
/// takes a block from the heap each time its tail crosses a block boundary and frees one each
/// time its head does (every 32 waits of a pool short of connections: issue 15, heap
/// allocations per request), it keeps its storage: a queue as long as it has ever been costs
/// no allocation. The front's gap is closed when the vector is full, or when the queue empties.
class waiter_queue {
public:
    using value_type = std::shared_ptr<waiter>;
    bool empty() const noexcept { return head_ == v_.size(); }
    std::size_t size() const noexcept { return v_.size() - head_; }
    value_type& front() noexcept { return v_[head_]; }
    void pop_front() noexcept {
        v_[head_].reset();
        if (++head_ == v_.size()) clear();
    }
    void push_back(value_type w) {
        if (head_ > 0 && v_.size() == v_.capacity()) {
            v_.erase(v_.begin(), v_.begin() + static_cast<std::ptrdiff_t>(head_));
            head_ = 0;
        }
        v_.push_back(std::move(w));
    }
    auto begin() noexcept { return v_.begin() + static_cast<std::ptrdiff_t>(head_); }
    auto end() noexcept { return v_.end(); }
    void erase(std::vector<value_type>::iterator it) {
        v_.erase(it);
        if (empty()) clear();
    }
    void clear() noexcept {
        v_.clear();
        head_ = 0;
    }

private:
    std::vector<value_type> v_;
    std::size_t head_ = 0;
};

} // namespace

struct pool::impl {
    impl(asio::any_io_executor e, std::unique_ptr<connector> c, pool_options o)
        : ex(std::move(e)), make(std::move(c)), opts(o), upkeep(asio::make_strand(ex)),
          upkeep_timer(std::make_shared<asio::steady_timer>(upkeep)) {
        // Its whole bound at once: a list that grew as more waiters came back than before
        // would allocate after warm-up (issue 15).
        spare.reserve(max_spare_waiters);
    }

    asio::any_io_executor ex;
    std::unique_ptr<connector> make;
    pool_options opts;
    asio::strand<asio::any_io_executor> upkeep;
    std::shared_ptr<asio::steady_timer> upkeep_timer;

    mutable std::mutex m;
    std::vector<idle_connection> idle; // back = most recently returned (a stack: no block churn)
    waiter_queue waiters;              // front = oldest
    /// Waiters done with, for the next acquire that must queue (issue 15: no channel on the
    /// heap per wait). One is reused only once nothing else refers to it (its deadline
    /// handler has run): nothing can wake it late.
    std::vector<std::shared_ptr<waiter>> spare;
    std::size_t total = 0;  // idle + in use + being connected
    std::size_t in_use = 0; // leased, or being connected for a caller
    bool closed = false;
    pool_metrics counts;                 // the cumulative counters
    unsigned failures = 0;               // consecutive failed connection attempts
    clock::time_point retry_at{};        // no new connection before this
    bool probing = false;                // the outage's one attempt is in flight
    clock::time_point last_failure_at{}; // when the last attempt failed
    error last_error;

    // All below: call with `m` held.

    /// A waiter for an acquire about to queue: a spare one nobody else refers to, else new.
    std::shared_ptr<waiter> take_waiter() {
        for (auto it = spare.rbegin(); it != spare.rend(); ++it) {
            // Only `spare` holds it and the lock is held: nobody can take a new reference,
            // and the fence orders the last holder's use (a wake-up) before the reuse.
            if (it->use_count() != 1)
                continue;
            std::atomic_thread_fence(std::memory_order_acquire);
            auto w = std::move(*it);
            spare.erase(std::next(it).base());
            // A wake-up that lost the race with the deadline (or the reverse) may be left
            // in the channel: drop it, so that the next wait waits.
            while (w->wake.try_receive([](error_code) {})) {
            }
            w->conn.reset();
            w->created = {};
            w->slot = w->probe = w->retry = w->closed = false;
            return w;
        }
        return std::make_shared<waiter>(ex);
    }

    /// A waiter whose acquire is done with it (out of `waiters`, handed nothing it kept).
    void return_waiter(std::shared_ptr<waiter> w) {
        // Bounded: past a burst of waiters, the extra ones are freed.
        if (spare.size() < max_spare_waiters)
            spare.push_back(std::move(w));
    }

    bool expired(const idle_connection& c, clock::time_point now) const {
        return now - c.since >= opts.idle_timeout || now - c.created >= opts.max_lifetime;
    }

    /// Moves expired idle connections to `out` (closed by the caller, unlocked).
    void reap(clock::time_point now, std::vector<std::unique_ptr<connection>>& out) {
        for (auto it = idle.begin(); it != idle.end();) {
            if (expired(*it, now)) {
                out.push_back(std::move(it->conn));
                it = idle.erase(it);
                --total;
                ++counts.discarded;
            } else {
                ++it;
            }
        }
    }

    /// A healthy connection became available: to the oldest waiter, else idle.
    /// `in_use` must not count it. Returns the waiter to wake (after unlocking).
    std::shared_ptr<waiter> place(std::unique_ptr<connection> c, clock::time_point created,
                                  clock::time_point now) {
        if (!waiters.empty()) {
            auto w = std::move(waiters.front());
            waiters.pop_front();
            w->conn = std::move(c);
            w->created = created;
            ++in_use;
            return w;
        }
        idle.push_back(idle_connection{std::move(c), created, now, false});
        return nullptr;
    }

    /// May a new connection attempt start now? Not during the backoff after a failure, and
    /// while the server looks down (failures > 0) only one attempt at a time — the probe —
    /// so that a crowd of waiters makes one attempt per backoff step, not one each.
    bool may_connect(clock::time_point now) const {
        return !closed && total < opts.max_size && now >= retry_at && !probing;
    }

    /// Reserves a slot for a connection attempt; true when it is the outage's probe.
    bool begin_attempt() {
        ++total;
        ++in_use;
        if (failures == 0)
            return false;
        probing = true;
        return true;
    }

    /// A slot was freed: let the oldest waiter connect with it (when attempts are allowed).
    std::shared_ptr<waiter> grant_slot(clock::time_point now) {
        if (waiters.empty() || !may_connect(now))
            return nullptr;
        auto w = std::move(waiters.front());
        waiters.pop_front();
        w->slot = true;
        w->probe = begin_attempt();
        return w;
    }

    /// Every waiter, told to look again: after a failed attempt each one either fails at
    /// once (the backoff outlasts its deadline) or sleeps until the next attempt is allowed.
    void retry_all(std::vector<std::shared_ptr<waiter>>& out) {
        for (auto& w : waiters) {
            w->retry = true;
            out.push_back(std::move(w));
        }
        waiters.clear();
    }

    /// `started`: when the failed attempt began. Attempts that were already under way when
    /// an earlier one failed (a burst of concurrent connects as the server went away) are
    /// one failure for the backoff, not one each: the backoff doubles per round of attempts.
    void connect_failed(const error& e, clock::time_point now, clock::time_point started,
                        bool probe, std::vector<std::shared_ptr<waiter>>& to_wake) {
        if (probe)
            probing = false;
        ++counts.failed;
        if (failures == 0 || started >= last_failure_at)
            ++failures;
        last_failure_at = now;
        auto delay = backoff_initial * (1 << std::min(failures - 1, 6u));
        retry_at = now + std::min<clock::duration>(delay, backoff_cap);
        last_error = e;
        retry_all(to_wake);
    }

    void connect_succeeded(bool probe, clock::time_point now,
                           std::vector<std::shared_ptr<waiter>>& to_wake) {
        if (probe)
            probing = false;
        failures = 0;
        retry_at = {};
        // The server is back: the waiters held back by the probe may connect now.
        while (auto g = grant_slot(now))
            to_wake.push_back(std::move(g));
    }

    /// The error of an acquire that cannot connect before its deadline in an outage.
    error outage_error() const {
        error e = last_error;
        if (e.code == errc::ok)
            e.code = errc::connection_failed;
        e.message = "cannot connect (retrying after backoff): " + e.message;
        return e;
    }

    // The slow acquire's synchronous parts (pool::acquire): they take the lock themselves
    // and close and wake outside it.

    /// One round: the deadline, then an idle connection (most recently returned first), else
    /// a new one, else the backoff, else the queue (the waiter's timer armed for the deadline).
    /// Every round re-checks the deadline first: whatever the previous one did (a health ping
    /// that failed, a backoff sleep, a wake-up to look again), the acquire never outlives
    /// `limit` and never spins — each round either ends it or awaits something bounded by it.
    step round(acquisition& s);

    /// After the queued wait: what the state under the lock says happened (a connection handed
    /// over, a slot granted, the pool closed, a wake-up to look again, else the deadline).
    /// The waiter goes back to `spare`.
    step after_wait(acquisition& s);
};

step pool::impl::round(acquisition& s) {
    std::vector<std::unique_ptr<connection>> to_close;
    std::vector<std::shared_ptr<waiter>> to_wake;
    step next = step::take;
    {
        std::lock_guard lock(m);
        const auto now = clock::now();
        if (closed) {
            s.last = error{errc::pool_closed, "the pool is closed"};
            return step::fail;
        }
        if (!s.first_round && now >= s.limit) {
            if (!s.last) {
                ++counts.timeouts;
                s.last = error{errc::pool_exhausted, "no connection available before the deadline"};
            }
            return step::fail;
        }
        s.first_round = false;
        reap(now, to_close);
        // Most recently returned first: it is the warmest, and the others age out.
        bool check = false;
        while (!idle.empty()) {
            idle_connection ic = std::move(idle.back());
            idle.pop_back();
            // A poll(2) only for a connection idle long enough to have died unnoticed, or
            // whose sibling did (pool.hpp: liveness_check_after).
            const bool look = ic.suspect || now - ic.since >= opts.liveness_check_after;
            if (look ? ic.conn->peer_closed() : ic.conn->broken()) {
                to_close.push_back(std::move(ic.conn));
                --total;
                ++counts.discarded;
                continue;
            }
            check = ic.suspect || now - ic.since >= opts.health_check_after;
            s.conn = std::move(ic.conn);
            s.created = ic.created;
            ++in_use;
            break;
        }
        // Slots freed above go to earlier waiters first (FIFO).
        while (auto g = grant_slot(now))
            to_wake.push_back(std::move(g));
        if (s.conn) {
            if (check)
                next = step::check;
            else
                ++counts.acquired;
        } else {
            const bool my_turn = waiters.empty() || s.retried;
            if (total < opts.max_size && my_turn && now < retry_at) {
                // Backoff after a failed attempt: wait for the next one if the deadline
                // allows, else fail now (the request fails before its deadline).
                if (retry_at >= s.limit) {
                    s.last = outage_error();
                    next = step::fail;
                } else {
                    s.until = retry_at;
                    next = step::sleep;
                }
            } else if (my_turn && may_connect(now)) {
                s.probe = begin_attempt();
                next = step::connect;
            } else {
                // Every connection in use, or the outage's probe in flight: queue.
                s.w = take_waiter();
                waiters.push_back(s.w);
                next = step::wait;
            }
        }
    }
    to_close.clear(); // closed outside the lock
    wake_all(to_wake);
    if (next == step::wait) {
        // One wait, on the waiter's channel; the deadline is a message into the same channel
        // (a full channel drops it: something woke the waiter first). Cheaper than racing two
        // awaitables (`||` spawns both, with a parallel group and their cancellation states:
        // about ten heap blocks per wait, issue 15), and what woke it does not matter: the
        // state under the lock says what happened (after_wait). The handler's reference keeps
        // the waiter out of reuse until it has run (take_waiter).
        s.w->timer.expires_at(s.limit);
        s.w->timer.async_wait([w = s.w](const error_code& ec) {
            if (!ec)
                w->wake.try_send(error_code(asio::error::timed_out));
        });
    }
    return next;
}

step pool::impl::after_wait(acquisition& s) {
    s.w->timer.cancel();
    std::lock_guard lock(m);
    auto& w = *s.w;
    step next = step::fail;
    if (w.conn) {
        s.conn = std::move(w.conn);
        s.created = w.created;
        ++counts.acquired;
        next = step::take;
    } else if (w.slot) {
        s.probe = w.probe;
        next = step::connect;
    } else if (w.closed) {
        s.last = error{errc::pool_closed, "the pool is closed"};
    } else if (w.retry) {
        s.retried = true;
        next = step::again;
    } else {
        // Timed out; leave the queue (a hand-over after this point cannot happen).
        auto it = std::find(waiters.begin(), waiters.end(), s.w);
        if (it != waiters.end())
            waiters.erase(it);
        if (failures > 0) {
            s.last = outage_error();
        } else {
            ++counts.timeouts;
            s.last =
                error{errc::pool_exhausted, "no connection available within the acquire timeout (" +
                                                std::to_string(opts.max_size) + " in use)"};
        }
    }
    // Out of `waiters` on every road here, and handed nothing it kept: back to the spares.
    return_waiter(std::move(s.w));
    return next;
}

namespace {

/// A lease known at once, as an awaitable (a small frame, within Asio's recycling limit).
asio::awaitable<result<lease>> ready_lease(result<lease> r) {
    co_return r;
}

// The slow acquire's rare awaits, each a coroutine of its own so that its state is not in the
// frame of every acquire that waits (pool::acquire). They work on the caller's acquisition,
// which lives in the caller's frame while they run.

/// A new connection in the slot reserved for this acquire (a pool below its size, a dropped
/// connection replaced, an outage's probe). True: s.conn is the caller's; false: s.last says
/// why not.
asio::awaitable<bool> open_connection(pool::impl& d, acquisition& s) {
    const auto started = clock::now();
    auto r = co_await d.make->connect(std::min(s.limit, started + d.opts.connect_timeout));
    std::vector<std::shared_ptr<waiter>> to_wake;
    {
        std::lock_guard lock(d.m);
        const auto now = clock::now();
        if (!r) {
            --d.total;
            --d.in_use;
            d.connect_failed(r.error(), now, started, s.probe, to_wake);
        } else {
            d.connect_succeeded(s.probe, now, to_wake);
            ++d.counts.created;
            ++d.counts.acquired;
        }
    }
    wake_all(to_wake);
    if (!r) {
        s.last = std::move(r).error();
        co_return false;
    }
    s.conn = std::move(*r);
    s.created = clock::now();
    co_return true;
}

/// Idle for a while (or a sibling was found dead): make sure the server still answers before
/// handing s.conn out. Bounded by health_check_timeout as well as the deadline, so that one
/// dead connection (a half-open socket that swallows the ping) leaves time to replace it.
/// False: the connection is dropped, s.last says why, and the acquire goes on.
asio::awaitable<bool> health_check(pool::impl& d, acquisition& s) {
    const statement ping{"SELECT 1", {}, nullptr, format::text, false};
    const auto ping_limit = std::min(s.limit, clock::now() + d.opts.health_check_timeout);
    auto ok = co_await s.conn->run(std::span<const statement>(&ping, 1), ping_limit);
    if (ok) {
        std::lock_guard lock(d.m);
        ++d.counts.acquired;
        co_return true;
    }
    s.last = std::move(ok).error();
    s.last->message = "health check of an idle connection failed: " + s.last->message;
    const auto dead = std::move(s.conn); // closed at the end, outside the lock
    std::vector<std::shared_ptr<waiter>> to_wake;
    {
        std::lock_guard lock(d.m);
        --d.in_use;
        --d.total;
        ++d.counts.discarded;
        // Its siblings are suspect too (same reasoning as in give_back).
        for (auto& ic : d.idle)
            ic.suspect = true;
        // The freed slot goes to the oldest waiter (FIFO).
        while (auto g = d.grant_slot(clock::now()))
            to_wake.push_back(std::move(g));
    }
    wake_all(to_wake);
    co_return false;
}

/// An outage's backoff: nothing to do until `until`.
asio::awaitable<void> sleep_until(const asio::any_io_executor& ex, clock::time_point until) {
    asio::steady_timer t(ex, until);
    (void)co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

} // namespace

// ---------------------------------------------------------------------------------------
// lease

lease::lease(std::shared_ptr<pool> p, std::unique_ptr<connection> c, clock::time_point created)
    : pool_(std::move(p)), conn_(std::move(c)), created_(created) {}

lease::lease(lease&& o) noexcept
    : pool_(std::move(o.pool_)), conn_(std::move(o.conn_)), created_(o.created_) {}

lease& lease::operator=(lease&& o) noexcept {
    if (this != &o) {
        release();
        pool_ = std::move(o.pool_);
        conn_ = std::move(o.conn_);
        created_ = o.created_;
    }
    return *this;
}

lease::~lease() {
    release();
}

void lease::release() noexcept {
    if (pool_ && conn_)
        pool_->give_back(std::move(conn_), created_, true);
    pool_.reset();
    conn_.reset();
}

void lease::discard() noexcept {
    if (pool_ && conn_)
        pool_->give_back(std::move(conn_), created_, false);
    pool_.reset();
    conn_.reset();
}

// ---------------------------------------------------------------------------------------
// pool

pool::pool(std::unique_ptr<impl> i) : impl_(std::move(i)) {}

pool::~pool() {
    auto t = impl_->upkeep_timer;
    asio::post(impl_->upkeep, [t] { t->cancel(); });
}

std::shared_ptr<pool> pool::create(asio::any_io_executor ex, std::unique_ptr<connector> conn,
                                   pool_options opts) {
    opts.max_size = std::max<std::size_t>(opts.max_size, 1);
    opts.min_size = std::min(opts.min_size, opts.max_size);
    auto p = std::shared_ptr<pool>(
        new pool(std::make_unique<impl>(std::move(ex), std::move(conn), opts)));
    asio::co_spawn(p->impl_->upkeep, maintain(p), asio::detached);
    return p;
}

const pool_options& pool::options() const noexcept {
    return impl_->opts;
}

std::string_view pool::backend_name() const noexcept {
    return impl_->make->backend_name();
}

pool_metrics pool::metrics() const {
    std::lock_guard lock(impl_->m);
    pool_metrics out = impl_->counts;
    out.in_use = impl_->in_use;
    out.idle = impl_->idle.size();
    out.waiting = impl_->waiters.size();
    return out;
}

void pool::close() {
    std::vector<std::unique_ptr<connection>> to_close;
    std::vector<std::shared_ptr<waiter>> to_wake;
    {
        std::lock_guard lock(impl_->m);
        impl_->closed = true;
        for (auto& c : impl_->idle)
            to_close.push_back(std::move(c.conn));
        impl_->total -= impl_->idle.size();
        impl_->idle.clear();
        for (auto& w : impl_->waiters) {
            w->closed = true;
            to_wake.push_back(std::move(w));
        }
        impl_->waiters.clear();
    }
    for (auto& w : to_wake)
        wake(w);
    auto t = impl_->upkeep_timer;
    asio::post(impl_->upkeep, [t] { t->cancel(); });
}

void pool::give_back(std::unique_ptr<connection> c, clock::time_point created,
                     bool reuse) noexcept {
    // Inside a transaction block: ROLLBACK before anyone else gets it. Cheaper than a new
    // connection, and it releases the transaction's locks and snapshot at once instead of
    // waiting for a close. The slot stays counted in use until roll_back() returns it.
    if (reuse) {
        const auto st = c->transaction_status();
        bool roll = st == transaction_state::in_transaction || st == transaction_state::failed;
        if (roll) {
            std::lock_guard lock(impl_->m);
            roll = !impl_->closed && clock::now() - created < impl_->opts.max_lifetime;
        }
        if (roll) {
            asio::co_spawn(impl_->ex, roll_back(shared_from_this(), std::move(c), created),
                           asio::detached);
            return;
        }
    }
    std::shared_ptr<waiter> w;
    std::vector<std::shared_ptr<waiter>> retry;
    {
        std::lock_guard lock(impl_->m);
        auto& d = *impl_;
        const auto now = clock::now();
        --d.in_use;
        const bool is_broken = c->broken();
        const bool keep = reuse && !d.closed && now - created < d.opts.max_lifetime && !is_broken;
        // One connection found dead (server restart, failover, network cut) says the idle
        // ones are likely dead too: ping them at checkout whatever their idle time, so that
        // at most this one request sees the failure, whichever backend is in use.
        if (is_broken)
            for (auto& ic : d.idle)
                ic.suspect = true;
        if (keep) {
            w = d.place(std::move(c), created, now);
        } else {
            --d.total;
            ++d.counts.discarded;
            w = d.grant_slot(now);
            // In an outage's backoff nobody may connect yet: the waiters decide for
            // themselves (fail before their deadline, or sleep until the next attempt).
            if (!w && d.failures > 0 && !d.probing)
                d.retry_all(retry);
        }
    }
    wake(w);
    wake_all(retry);
    // `c`, if not kept, is closed here, outside the lock.
}

asio::awaitable<void> pool::roll_back(std::shared_ptr<pool> self, std::unique_ptr<connection> c,
                                      clock::time_point created) {
    // Through the connection's own request (connection.hpp): run() sends the ROLLBACK
    // and nothing else, exactly once even if an abandoned pg::transaction asked too.
    c->request_rollback();
    auto r = co_await c->run({}, clock::now() + self->impl_->opts.rollback_timeout);
    const bool ok = r && c->transaction_status() == transaction_state::idle;
    if (ok) {
        std::lock_guard lock(self->impl_->m);
        ++self->impl_->counts.rollbacks;
    }
    self->give_back(std::move(c), created, ok);
}

asio::awaitable<result<void>> pool::warm_up() {
    auto self = shared_from_this();
    auto& d = *impl_;
    for (;;) {
        {
            std::lock_guard lock(d.m);
            if (d.closed)
                co_return make_error(errc::pool_closed, "the pool is closed");
            if (d.total >= d.opts.min_size)
                co_return result<void>{};
            ++d.total;
        }
        const auto started = clock::now();
        auto c = co_await d.make->connect(started + d.opts.connect_timeout);
        std::shared_ptr<waiter> w;
        std::vector<std::shared_ptr<waiter>> to_wake;
        {
            std::lock_guard lock(d.m);
            const auto now = clock::now();
            if (!c) {
                --d.total;
                d.connect_failed(c.error(), now, started, false, to_wake);
            } else {
                d.connect_succeeded(false, now, to_wake);
                ++d.counts.created;
                w = d.place(std::move(*c), now, now);
            }
        }
        wake(w);
        wake_all(to_wake);
        if (!c)
            co_return failure{c.error()};
    }
}

asio::awaitable<void> pool::maintain(std::weak_ptr<pool> weak) {
    std::shared_ptr<asio::steady_timer> timer;
    milliseconds tick{1000};
    if (auto p = weak.lock()) {
        timer = p->impl_->upkeep_timer;
        auto shortest = std::min(p->impl_->opts.idle_timeout, p->impl_->opts.max_lifetime);
        tick = std::clamp(shortest / 4, milliseconds(10), milliseconds(1000));
    }
    while (timer) {
        timer->expires_after(tick);
        auto [ec] = co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
        auto p = weak.lock();
        if (!p || ec)
            co_return;
        auto& d = *p->impl_;
        std::vector<std::unique_ptr<connection>> to_close;
        std::vector<std::shared_ptr<waiter>> to_wake;
        bool top_up = false;
        bool probe = false;
        {
            std::lock_guard lock(d.m);
            if (d.closed)
                co_return;
            const auto now = clock::now();
            d.reap(now, to_close);
            // Also the timer of an outage: once the backoff has passed, the oldest waiter
            // gets the slot and makes the next attempt.
            while (auto g = d.grant_slot(now))
                to_wake.push_back(std::move(g));
            if (d.total < d.opts.min_size && d.may_connect(now)) {
                ++d.total; // an idle connection to be: not in use
                probe = d.failures > 0;
                d.probing = d.probing || probe;
                top_up = true;
            }
        }
        to_close.clear();
        wake_all(to_wake);
        if (!top_up)
            continue;
        const auto started = clock::now();
        auto c = co_await d.make->connect(started + d.opts.connect_timeout);
        std::shared_ptr<waiter> w;
        {
            std::lock_guard lock(d.m);
            const auto now = clock::now();
            if (!c) {
                --d.total;
                d.connect_failed(c.error(), now, started, probe, to_wake);
            } else {
                d.connect_succeeded(probe, now, to_wake);
                ++d.counts.created;
                if (d.closed) {
                    --d.total;
                    to_close.push_back(std::move(*c));
                } else {
                    w = d.place(std::move(*c), now, now);
                }
            }
        }
        wake(w);
        wake_all(to_wake);
    }
}

asio::awaitable<result<lease>> pool::acquire(deadline dl) {
    {
        auto& d = *impl_;
        // The usual case under load: the most recently returned connection, back within
        // liveness_check_after and health_check_after (neither a poll nor a ping due), with
        // nobody queued. Handed over as a ready value, without the frame of the full acquire
        // below (issue 15: a coroutine frame over Asio's recycling limit per request).
        std::unique_lock lock(d.m);
        const auto now = clock::now();
        if (!d.closed && d.waiters.empty() && !d.idle.empty()) {
            auto& ic = d.idle.back();
            if (!ic.suspect && !d.expired(ic, now) &&
                now - ic.since < d.opts.liveness_check_after &&
                now - ic.since < d.opts.health_check_after && !ic.conn->broken()) {
                auto c = std::move(ic.conn);
                const auto created = ic.created;
                d.idle.pop_back();
                ++d.in_use;
                ++d.counts.acquired;
                lock.unlock();
                return ready_lease(lease(shared_from_this(), std::move(c), created));
            }
        }
    }
    // Every other case: rounds until a connection or an error (pool::impl::round). A lambda,
    // to reach what the pool may reach (the lease's constructor). Its frame holds `self`, the
    // acquisition and the awaits' temporaries: within Asio's recycling limit (issue 15).
    return [](std::shared_ptr<pool> self, deadline until) -> asio::awaitable<result<lease>> {
        auto& d = *self->impl_;
        acquisition s(std::min(until, clock::now() + d.opts.acquire_timeout));
        for (;;) {
            auto next = d.round(s);
            if (next == step::wait) {
                (void)co_await s.w->wake.async_receive(asio::as_tuple(asio::use_awaitable));
                next = d.after_wait(s);
            }
            switch (next) {
            case step::again:
                continue;
            case step::sleep:
                co_await sleep_until(d.ex, s.until);
                continue;
            case step::check:
                if (!co_await health_check(d, s))
                    continue;
                break;
            case step::connect:
                if (!co_await open_connection(d, s))
                    co_return failure{std::move(*s.last)};
                break;
            case step::take:
                break;
            case step::wait:
            case step::fail:
                co_return failure{std::move(*s.last)};
            }
            co_return lease(self, std::move(s.conn), s.created);
        }
    }(shared_from_this(), dl);
}

} // namespace fraiseql::pg
