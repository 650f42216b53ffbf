// Read routing over a primary and its streaming replicas (include/fraiseql/pg/replica_set.hpp).

#include "fraiseql/pg/replica_set.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <deque>
#include <mutex>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace fraiseql::pg {

std::optional<lsn> parse_lsn(std::string_view text) noexcept {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) return {};
    std::uint32_t hi = 0, lo = 0;
    const char* const b = text.data();
    auto r1 = std::from_chars(b, b + slash, hi, 16);
    auto r2 = std::from_chars(b + slash + 1, b + text.size(), lo, 16);
    if (r1.ec != std::errc{} || r1.ptr != b + slash || r2.ec != std::errc{} ||
        r2.ptr != b + text.size())
        return {};
    return (lsn(hi) << 32) | lo;
}

std::string format_lsn(lsn position) {
    char buf[32];
    auto* p = std::to_chars(buf, buf + 16, std::uint32_t(position >> 32), 16).ptr;
    *p++ = '/';
    p = std::to_chars(p, buf + sizeof buf, std::uint32_t(position), 16).ptr;
    std::string s(buf, p);
    for (auto& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

namespace {

// The first row's fields as text (the checks return one row).
struct first_row : row_sink {
    std::vector<std::optional<std::string>> fields;
    asio::awaitable<bool> on_rows(std::span<const row_view> rows) override {
        if (fields.empty() && !rows.empty())
            for (const auto& f : rows[0])
                fields.push_back(f.is_null() ? std::nullopt
                                             : std::optional<std::string>(std::string(f.text())));
        co_return true;
    }
};

// Runs one statement on a connection of `p`, bounded by `timeout`.
asio::awaitable<result<first_row>> query_one(pool& p, std::string_view sql,
                                             std::chrono::milliseconds timeout) {
    const deadline dl = clock::now() + timeout;
    auto l = co_await p.acquire(dl);
    if (!l) co_return failure<error>{std::move(l.error())};
    first_row sink;
    // Not cached: a check must work through a transaction-mode pooler too.
    statement st{sql, {}, &sink, format::text, false};
    auto r = co_await (*l)->run(std::span<const statement>(&st, 1), dl);
    if (!r) co_return failure<error>{std::move(r.error())};
    co_return sink;
}

} // namespace

struct replica_set::impl {
    asio::any_io_executor ex;
    std::shared_ptr<pool> primary;
    std::vector<std::shared_ptr<pool>> replicas;
    replica_options opts;

    mutable std::mutex mu;
    std::vector<replica_status> state; // guarded by mu
    // (time, primary position) at each successful primary check, oldest first; bounded.
    std::deque<std::pair<clock::time_point, lsn>> samples; // guarded by mu
    std::atomic<std::uint64_t> next{0};
    std::atomic<std::uint64_t> primary_reads{0};
    std::atomic<lsn> primary_lsn{0};
    std::atomic<bool> closed{false};
    std::shared_ptr<asio::steady_timer> timer;

    // How long a replica that has replayed `replayed` has been stale: since the first sample
    // of the primary's position beyond it. Caller holds mu.
    std::chrono::milliseconds staleness(lsn replayed, clock::time_point now) const {
        for (const auto& [t, pos] : samples)
            if (pos > replayed)
                return std::chrono::duration_cast<std::chrono::milliseconds>(now - t);
        return std::chrono::milliseconds{0};
    }

    void refresh_eligibility(replica_status& s, clock::time_point now) const {
        if (s.reachable && s.in_recovery) s.lag = staleness(s.replay_lsn, now);
        s.eligible = s.checked && s.reachable && s.in_recovery && s.lag <= opts.max_lag;
    }

    void record_primary(lsn pos, clock::time_point now) {
        std::lock_guard g(mu);
        // Only a new position matters: staleness is counted from when one was first seen.
        if (samples.empty() || samples.back().second != pos) samples.emplace_back(now, pos);
        // Keep enough history to tell any lag up to twice max_lag, and never more than 1,024.
        const auto keep = opts.max_lag * 2 + opts.check_interval * 4;
        while (samples.size() > 2 && (samples.size() > 1024 || now - samples[1].first > keep))
            samples.pop_front();
        for (auto& s : state) refresh_eligibility(s, now);
    }

    asio::awaitable<void> check_primary() {
        auto r = co_await query_one(*primary, "SELECT pg_current_wal_lsn()::text", opts.check_timeout);
        if (!r || r->fields.size() != 1 || !r->fields[0]) co_return; // keep the last view
        if (auto pos = parse_lsn(*r->fields[0])) {
            primary_lsn.store(*pos);
            record_primary(*pos, clock::now());
        }
    }

    asio::awaitable<void> check_replica(std::size_t i) {
        auto r = co_await query_one(*replicas[i],
                                    "SELECT pg_is_in_recovery(), "
                                    "COALESCE(pg_last_wal_replay_lsn(), '0/0'::pg_lsn)::text",
                                    opts.check_timeout);
        const auto now = clock::now();
        std::lock_guard g(mu);
        auto& s = state[i];
        s.checked = true;
        if (!r || r->fields.size() != 2 || !r->fields[0] || !r->fields[1]) {
            s.reachable = false;
            s.last_error = r ? std::string("unexpected answer to the replica check")
                             : r.error().message;
        } else {
            s.reachable = true;
            s.in_recovery = *r->fields[0] == "t";
            if (auto pos = parse_lsn(*r->fields[1])) s.replay_lsn = *pos;
            if (!s.in_recovery) s.last_error = "not in recovery (promoted?)";
        }
        refresh_eligibility(s, now);
    }
};

replica_set::replica_set(std::unique_ptr<impl> i) : impl_(std::move(i)) {}
replica_set::~replica_set() { close(); }

std::shared_ptr<replica_set> replica_set::create(asio::any_io_executor ex,
                                                 std::shared_ptr<pool> primary,
                                                 std::vector<std::shared_ptr<pool>> replicas,
                                                 replica_options opts) {
    auto i = std::make_unique<impl>();
    // One strand for the monitor's coroutines: check_now's completion timer is touched by
    // all of them, so they must never run at once on a multi-threaded io_context.
    i->ex = asio::make_strand(ex);
    i->primary = std::move(primary);
    i->replicas = std::move(replicas);
    i->opts = opts;
    i->state.resize(i->replicas.size());
    i->timer = std::make_shared<asio::steady_timer>(ex);
    return std::shared_ptr<replica_set>(new replica_set(std::move(i)));
}

// Coroutines take what they use as parameters (copied into their frames), never as lambda
// captures, which live in a function object that co_spawn need not keep.
namespace {

struct round_state {
    std::atomic<std::size_t> left;
    asio::steady_timer done;
    round_state(std::size_t n, asio::any_io_executor ex)
        : left(n), done(std::move(ex), clock::time_point::max()) {}
    // expires_at rather than cancel: a wait that starts after the last check still ends.
    void finish() {
        if (--left == 0) done.expires_at(clock::time_point::min());
    }
};

} // namespace

asio::awaitable<void> replica_set::check_member(std::shared_ptr<replica_set> self,
                                                std::size_t index,
                                                std::shared_ptr<void> round) {
    auto& I = *self->impl_;
    if (index == I.replicas.size()) co_await I.check_primary();
    else co_await I.check_replica(index);
    static_cast<round_state*>(round.get())->finish();
}

asio::awaitable<void> replica_set::check_round(std::shared_ptr<replica_set> self) {
    // Every member at once, so a replica that hangs costs one check_timeout, not one each.
    auto& I = *self->impl_;
    const std::size_t n = I.replicas.size() + 1;
    auto round = std::make_shared<round_state>(n, I.ex);
    for (std::size_t k = 0; k < n; ++k)
        asio::co_spawn(I.ex, check_member(self, k, round), asio::detached);
    while (round->left.load() != 0) {
        boost::system::error_code ec;
        co_await round->done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

asio::awaitable<void> replica_set::check_now() {
    // The round runs on the set's strand whatever the caller's executor.
    co_await asio::co_spawn(impl_->ex, check_round(shared_from_this()), asio::use_awaitable);
}

asio::awaitable<void> replica_set::monitor(std::weak_ptr<replica_set> weak,
                                           std::shared_ptr<asio::steady_timer> timer) {
    for (;;) {
        auto self = weak.lock();
        if (!self || self->impl_->closed.load()) co_return;
        const auto interval = self->impl_->opts.check_interval;
        co_await check_round(self);
        self.reset(); // the set may go away while we sleep
        timer->expires_after(interval);
        boost::system::error_code ec;
        co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

void replica_set::start() {
    asio::co_spawn(impl_->ex, monitor(weak_from_this(), impl_->timer), asio::detached);
}

result<route> replica_set::route_read(lsn min_lsn) {
    auto& I = *impl_;
    if (!I.replicas.empty()) {
        std::lock_guard g(I.mu);
        const std::size_t n = I.replicas.size();
        const std::uint64_t start = I.next.fetch_add(1, std::memory_order_relaxed);
        for (std::size_t k = 0; k < n; ++k) {
            const std::size_t i = std::size_t((start + k) % n);
            auto& s = I.state[i];
            if (s.eligible && s.replay_lsn >= min_lsn) {
                ++s.routed;
                return route{I.replicas[i], route_role::replica, i};
            }
        }
        // Read-your-writes on a replica that has not caught up is the primary's to answer
        // whatever the fallback: only the absence of any usable replica is an error.
        const bool any_eligible =
            std::any_of(I.state.begin(), I.state.end(), [](const auto& s) { return s.eligible; });
        if (!any_eligible && I.opts.fallback == replica_fallback::error)
            return make_error(errc::connection_failed,
                              "no replica is available for reads (replica_fallback = error)");
    }
    I.primary_reads.fetch_add(1, std::memory_order_relaxed);
    return route{I.primary, route_role::primary, 0};
}

void replica_set::report_failure(std::size_t index, std::string why) {
    std::lock_guard g(impl_->mu);
    if (index >= impl_->state.size()) return;
    auto& s = impl_->state[index];
    s.reachable = false;
    s.eligible = false;
    s.last_error = std::move(why);
}

const std::shared_ptr<pool>& replica_set::primary() const noexcept { return impl_->primary; }
const std::vector<std::shared_ptr<pool>>& replica_set::replicas() const noexcept {
    return impl_->replicas;
}
const replica_options& replica_set::options() const noexcept { return impl_->opts; }
std::size_t replica_set::replica_count() const noexcept { return impl_->replicas.size(); }
std::uint64_t replica_set::primary_reads() const noexcept { return impl_->primary_reads.load(); }
lsn replica_set::primary_lsn() const noexcept { return impl_->primary_lsn.load(); }

std::vector<replica_status> replica_set::status() const {
    std::lock_guard g(impl_->mu);
    return impl_->state;
}

void replica_set::close() {
    if (!impl_ || impl_->closed.exchange(true)) return;
    impl_->timer->cancel();
}

} // namespace fraiseql::pg
