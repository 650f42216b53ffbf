#pragma once
/// \file
/// Live queries multiplexed by cohort (product.md §3.7; docs/adr/0014-live-queries.md).
///
/// Subscribers whose results must be identical — same operation, same variables, same
/// session-variable values: the caller builds that into the cohort `key` — share one cohort.
/// Each cohort is refetched through the one request road (`fetch`, the engine's execute:
/// authentication, session variables, RLS, authorization, the plan cache all apply exactly as
/// to an HTTP request) once per `interval`, or at once when a new cohort appears or poke() is
/// called (a NOTIFY), and its result is delivered to every subscriber only when it differs from
/// the last one delivered. So N subscribers in C cohorts cost C statements per interval, not N.
///
/// Failures: a refetch answered with HTTP status ≥ 500 (database down, timeout, overload) is
/// transient — nothing is delivered, the last result stands and the cohort is refetched at the
/// next interval, so subscriptions resume by themselves after a restart of PostgreSQL. A
/// request error (an answer without "data": validation, coercion, authorization; whatever HTTP
/// status the transport convention gave it) ends every subscriber of the cohort with the
/// errors. A subscriber whose credentials expire is ended before it is delivered anything
/// newer. A subscriber that cannot take a result (deliver() returns false: gone, or its
/// bounded buffer is full) is dropped; the others are not held up.
///
/// Thread-safe: subscribe/unsubscribe/poke from any thread; the refetch loop runs on a strand.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "fraiseql/exec/engine.hpp"

namespace fraiseql::exec {

class live_subscriber {
public:
    virtual ~live_subscriber() = default;
    /// A new result of the subscriber's operation (an ExecutionResult JSON object, shared by
    /// the whole cohort). False: the subscriber cannot take it and is removed.
    virtual bool deliver(const std::shared_ptr<const std::string>& result) = 0;
    /// The subscription ends with these GraphQL errors (a JSON array); nothing follows.
    virtual void end(std::string_view errors) = 0;
    /// When the subscriber's credentials stop being valid (max(): never).
    virtual pg::clock::time_point expires_at() const { return pg::clock::time_point::max(); }
    /// The subscriber's credentials (an Authorization header value; "" keeps the cohort
    /// request's). A cohort is refetched with those of its subscriber whose credentials last
    /// longest, so that one member's expiring token never ends the others.
    virtual std::string authorization() const { return {}; }
};

struct live_query_options {
    std::chrono::milliseconds interval{1000}; ///< subscription_refetch_interval
    /// Cohorts refetched at the same time (each takes a pool connection while it runs).
    std::size_t max_concurrent_refetches = 4;
};

struct live_query_metrics {
    std::uint64_t subscribers = 0;
    std::uint64_t cohorts = 0;
    std::uint64_t refetches = 0;      ///< fetches run
    std::uint64_t pushes = 0;         ///< results delivered (per subscriber)
    std::uint64_t unchanged = 0;      ///< refetches whose result had not changed
    std::uint64_t failures = 0;       ///< transient refetch failures (status >= 500)
    std::uint64_t dropped = 0;        ///< subscribers removed because they could not keep up
    std::uint64_t expired = 0;        ///< subscribers ended because their credentials expired
    std::uint64_t refetch_micros = 0; ///< total time spent in refetches
};

class live_query_hub : public std::enable_shared_from_this<live_query_hub> {
public:
    using fetch_fn = std::function<boost::asio::awaitable<response>(request)>;

    static std::shared_ptr<live_query_hub> create(boost::asio::any_io_executor ex, fetch_fn fetch,
                                                  live_query_options opts = {});
    ~live_query_hub();

    /// Adds `s` to cohort `key` (made with `req` when new). It receives the cohort's current
    /// result at once when there is one, else right after the cohort's first fetch. Returns
    /// the subscription's handle for unsubscribe().
    std::uint64_t subscribe(std::string key, request req, std::shared_ptr<live_subscriber> s);
    /// Removes a subscription (nothing more is delivered to it); an emptied cohort goes.
    void unsubscribe(std::uint64_t handle);
    /// Refetches every cohort now instead of at its next interval (a change was notified).
    void poke();

    /// Starts the refetch loop; close() stops it (subscribers are not ended: the transport
    /// closes its sockets).
    void start();
    void close();

    live_query_metrics metrics() const;

    struct impl;

private:
    explicit live_query_hub(std::unique_ptr<impl> i);
    static boost::asio::awaitable<void> loop(std::shared_ptr<live_query_hub> self);
    static boost::asio::awaitable<void> refetch(std::shared_ptr<live_query_hub> self,
                                                std::string key);
    std::unique_ptr<impl> impl_;
};

} // namespace fraiseql::exec
