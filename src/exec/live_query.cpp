// Live queries multiplexed by cohort (src/exec/live_query.hpp).

#include "live_query.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "fraiseql/graphql/error.hpp"

namespace fraiseql::exec {

namespace asio = boost::asio;
using pg::clock;

namespace {

struct cohort {
    request req;
    std::shared_ptr<const std::string> last; ///< the last result delivered (null: none yet)
    bool in_flight = false;
    bool repoll = false; ///< poked while in flight: the change may postdate the running fetch
    clock::time_point next_due{};
    std::map<std::uint64_t, std::shared_ptr<live_subscriber>> subs;
};

// The "errors" array of a response body, or one error naming the status.
std::string errors_of(const response& r) {
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);
    if (!ec && v.is_object())
        if (const auto* e = v.get_object().if_contains("errors"); e && e->is_array())
            return boost::json::serialize(*e);
    return "[{\"message\":\"The subscription's operation failed (status " +
           std::to_string(r.status) + ").\",\"extensions\":{\"code\":\"INTERNAL_SERVER_ERROR\"}}]";
}

// A request error (GraphQL over HTTP: no "data" entry) whatever the status the transport
// convention gave it: validation, coercion, authorization of the whole operation.
bool request_error(const response& r) {
    if (r.request_error || r.status >= 400) return true;
    if (r.body.rfind("{\"errors\"", 0) != 0) return false;
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);
    return !ec && v.is_object() && !v.get_object().contains("data");
}

// A result the database could not produce this time: one of its errors is DATABASE_ERROR
// (unreachable, connection lost, shutting down, too many connections, …) or TIMEOUT. Such a
// refetch is a field error inside a 200 answer (GraphQL over HTTP §7.1.2), not a new result
// of the live query: pushing it would replace the subscriber's last good result with a null
// during an outage (docs/subscriptions.md "Failures").
bool database_failure(const response& r) {
    if (r.body.find("\"DATABASE_ERROR\"") == std::string::npos &&
        r.body.find("\"TIMEOUT\"") == std::string::npos)
        return false; // the common case: no parse
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);
    if (ec || !v.is_object()) return false;
    const auto* errors = v.get_object().if_contains("errors");
    if (!errors || !errors->is_array()) return false;
    for (const auto& e : errors->get_array()) {
        if (!e.is_object()) continue;
        const auto* ext = e.get_object().if_contains("extensions");
        if (!ext || !ext->is_object()) continue;
        const auto* code = ext->get_object().if_contains("code");
        if (code && code->is_string() &&
            (code->get_string() == graphql::code::database_error ||
             code->get_string() == graphql::code::timeout))
            return true;
    }
    return false;
}

constexpr std::string_view expired_errors =
    "[{\"message\":\"The subscription's credentials have expired.\","
    "\"extensions\":{\"code\":\"UNAUTHENTICATED\"}}]";

} // namespace

struct live_query_hub::impl {
    asio::any_io_executor ex; // a strand: the loop and the refetches
    fetch_fn fetch;
    live_query_options opts;
    asio::steady_timer wake;

    mutable std::mutex mu;
    std::map<std::string, cohort, std::less<>> cohorts;           // guarded by mu
    std::unordered_map<std::uint64_t, std::string> key_of;        // guarded by mu
    std::uint64_t next_handle = 1;                                // guarded by mu
    std::size_t in_flight = 0;                                    // guarded by mu
    bool poked = false;                                           // guarded by mu
    std::atomic<bool> closed{false};

    std::atomic<std::uint64_t> refetches{0}, pushes{0}, unchanged{0}, failures{0}, dropped{0},
        expired{0}, refetch_micros{0};

    impl(asio::any_io_executor strand, fetch_fn f, live_query_options o)
        : ex(strand), fetch(std::move(f)), opts(o), wake(strand, clock::time_point::max()) {}

    // Called with mu held: drops one subscription.
    void remove_locked(std::uint64_t handle) {
        auto k = key_of.find(handle);
        if (k == key_of.end()) return;
        if (auto c = cohorts.find(k->second); c != cohorts.end()) {
            c->second.subs.erase(handle);
            if (c->second.subs.empty() && !c->second.in_flight) cohorts.erase(c);
        }
        key_of.erase(k);
    }
};

live_query_hub::live_query_hub(std::unique_ptr<impl> i) : impl_(std::move(i)) {}
live_query_hub::~live_query_hub() = default;

std::shared_ptr<live_query_hub> live_query_hub::create(asio::any_io_executor ex, fetch_fn fetch,
                                                       live_query_options opts) {
    if (opts.max_concurrent_refetches == 0) opts.max_concurrent_refetches = 1;
    auto strand = asio::make_strand(std::move(ex));
    return std::shared_ptr<live_query_hub>(
        new live_query_hub(std::make_unique<impl>(strand, std::move(fetch), opts)));
}

std::uint64_t live_query_hub::subscribe(std::string key, request req,
                                        std::shared_ptr<live_subscriber> s) {
    auto& I = *impl_;
    std::shared_ptr<const std::string> current;
    std::uint64_t handle;
    bool fresh = false;
    {
        std::lock_guard g(I.mu);
        handle = I.next_handle++;
        auto [it, inserted] = I.cohorts.try_emplace(key);
        if (inserted) {
            it->second.req = std::move(req);
            it->second.next_due = clock::now(); // fetched at once, not at the next interval
            fresh = true;
        }
        it->second.subs.emplace(handle, s);
        I.key_of.emplace(handle, std::move(key));
        current = it->second.last;
    }
    if (current) {
        if (s->deliver(current)) ++I.pushes;
        else {
            ++I.dropped;
            std::lock_guard g(I.mu);
            I.remove_locked(handle);
        }
    }
    if (fresh) asio::post(I.ex, [self = shared_from_this()] { self->impl_->wake.cancel(); });
    return handle;
}

void live_query_hub::unsubscribe(std::uint64_t handle) {
    std::lock_guard g(impl_->mu);
    impl_->remove_locked(handle);
}

void live_query_hub::poke() {
    {
        std::lock_guard g(impl_->mu);
        impl_->poked = true;
    }
    asio::post(impl_->ex, [self = shared_from_this()] { self->impl_->wake.cancel(); });
}

void live_query_hub::start() {
    asio::co_spawn(impl_->ex, loop(shared_from_this()), asio::detached);
}

void live_query_hub::close() {
    if (impl_->closed.exchange(true)) return;
    asio::post(impl_->ex, [self = shared_from_this()] { self->impl_->wake.cancel(); });
}

live_query_metrics live_query_hub::metrics() const {
    const auto& I = *impl_;
    live_query_metrics m;
    {
        std::lock_guard g(I.mu);
        m.subscribers = I.key_of.size();
        m.cohorts = I.cohorts.size();
    }
    m.refetches = I.refetches;
    m.pushes = I.pushes;
    m.unchanged = I.unchanged;
    m.failures = I.failures;
    m.dropped = I.dropped;
    m.expired = I.expired;
    m.refetch_micros = I.refetch_micros;
    return m;
}

// The scheduler: starts the refetches that are due (at most max_concurrent_refetches at a
// time), then sleeps until the next one is due, a new cohort appears, poke(), a refetch ends,
// or close(). Coroutines take what they use as parameters, never as lambda captures.
asio::awaitable<void> live_query_hub::loop(std::shared_ptr<live_query_hub> self) {
    auto& I = *self->impl_;
    while (!I.closed) {
        std::vector<std::string> start;
        clock::time_point next = clock::now() + I.opts.interval;
        {
            std::lock_guard g(I.mu);
            const auto now = clock::now();
            const bool all = I.poked;
            I.poked = false;
            for (auto& [key, c] : I.cohorts) {
                if (c.in_flight) {
                    if (all) c.repoll = true;
                    continue;
                }
                if (all || c.next_due <= now) {
                    if (I.in_flight + start.size() < I.opts.max_concurrent_refetches) {
                        c.in_flight = true;
                        start.push_back(key);
                        continue;
                    }
                    if (all) I.poked = true; // the rest of the poke after a slot frees
                    next = now;              // due but no slot: a finishing refetch wakes us
                } else if (c.next_due < next) {
                    next = c.next_due;
                }
            }
            I.in_flight += start.size();
        }
        for (auto& key : start) asio::co_spawn(I.ex, refetch(self, std::move(key)), asio::detached);
        if (I.closed) break;
        I.wake.expires_at(next > clock::now() ? next : clock::now() + I.opts.interval);
        boost::system::error_code ec;
        co_await I.wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

asio::awaitable<void> live_query_hub::refetch(std::shared_ptr<live_query_hub> self, std::string key) {
    auto& I = *self->impl_;
    request req;
    {
        std::lock_guard g(I.mu);
        auto c = I.cohorts.find(key);
        if (c != I.cohorts.end()) {
            req = c->second.req;
            const live_subscriber* longest = nullptr;
            for (const auto& [h, s] : c->second.subs)
                if (!longest || s->expires_at() > longest->expires_at()) longest = s.get();
            if (longest)
                if (auto a = longest->authorization(); !a.empty()) req.authorization = std::move(a);
        }
    }
    const auto t0 = clock::now();
    response r = co_await I.fetch(std::move(req));
    const auto now = clock::now();
    ++I.refetches;
    I.refetch_micros += std::uint64_t(
        std::chrono::duration_cast<std::chrono::microseconds>(now - t0).count());

    std::shared_ptr<const std::string> result;
    std::vector<std::pair<std::uint64_t, std::shared_ptr<live_subscriber>>> deliver_to, expire, end;
    std::string end_errors;
    {
        std::lock_guard g(I.mu);
        --I.in_flight;
        auto c = I.cohorts.find(key);
        if (c != I.cohorts.end()) {
            auto& co = c->second;
            co.in_flight = false;
            co.next_due = co.repoll ? now : now + I.opts.interval;
            co.repoll = false;
            for (auto& [h, s] : co.subs) {
                if (s->expires_at() <= now) expire.emplace_back(h, s);
            }
            for (auto& [h, s] : expire) {
                co.subs.erase(h);
                I.key_of.erase(h);
            }
            // Transient: the last result stands, retried at the next interval. A cohort
            // that has no result yet gets the failure as its first one instead (its
            // subscribers are not left without an answer; the next success replaces it).
            if (r.status >= 500 || (co.last && database_failure(r))) {
                ++I.failures;
            } else if (r.status != 200 || request_error(r)) {
                end_errors = errors_of(r);
                for (auto& [h, s] : co.subs) {
                    end.emplace_back(h, s);
                    I.key_of.erase(h);
                }
                co.subs.clear();
            } else if (co.last && *co.last == r.body) {
                ++I.unchanged;
            } else {
                co.last = std::make_shared<const std::string>(std::move(r.body));
                result = co.last;
                deliver_to.assign(co.subs.begin(), co.subs.end());
            }
            if (co.subs.empty()) I.cohorts.erase(c);
        }
    }
    for (auto& [h, s] : expire) {
        ++I.expired;
        s->end(expired_errors);
    }
    for (auto& [h, s] : end) s->end(end_errors);
    std::vector<std::uint64_t> slow;
    for (auto& [h, s] : deliver_to) {
        if (s->deliver(result)) ++I.pushes;
        else slow.push_back(h);
    }
    if (!slow.empty()) {
        std::lock_guard g(I.mu);
        for (auto h : slow) {
            ++I.dropped;
            I.remove_locked(h);
        }
    }
    I.wake.cancel(); // a slot is free: the scheduler looks again
}

} // namespace fraiseql::exec
