#pragma once
// Request metrics in the Prometheus text exposition format.

#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "fraiseql/graphql/error.hpp"
#include "fraiseql/pg/pool.hpp"
#include "fraiseql/pg/replica_set.hpp"

namespace fraiseql::exec {

/// The read routing's state at one moment (replicas configured; docs/scaling.md).
struct routing_report {
    struct replica {
        pg::pool_metrics pool;
        pg::replica_status status;
    };
    std::uint64_t primary_reads = 0;
    std::vector<replica> replicas; ///< in replica_urls order; labelled replica="1", "2", …
    std::uint64_t retries = 0;     ///< reads that failed on a replica and ran on the primary
    std::size_t read_your_writes_clients = 0;
    std::uint64_t read_your_writes_evicted = 0;
};

/// How requests were bound (docs/http.md "Plan cache"; /metrics): through the compiled-plan
/// cache, or on the uncached road and why (sql::uncached_reason; `respelt`: a request that
/// spells a cached operation differently, whose locations are remapped by bind_operation).
struct binding_counters {
    std::atomic<std::uint64_t> compiled{0};      ///< a known shape: nothing compiled
    std::atomic<std::uint64_t> shape_compiled{0}; ///< a new shape, compiled by this request
    std::atomic<std::uint64_t> variables{0};
    std::atomic<std::uint64_t> not_cacheable{0};
    std::atomic<std::uint64_t> value{0};
    std::atomic<std::uint64_t> bind{0};
    std::atomic<std::uint64_t> respelt{0};
};

/// The counters of every bind_request since start (all resolvers of the process; defined in
/// document_resolver.cpp).
binding_counters& process_binding_counters() noexcept;

class metrics {
public:
    void observe(std::chrono::steady_clock::duration d, const std::vector<graphql::error>& errors);
    /// `pool` is the primary's pool; `routing`, when replicas are configured, adds a series
    /// per pool (role, connections, reads) and per replica (health, lag).
    std::string text(const std::string& backend, const pg::pool_metrics& pool,
                     const routing_report* routing = nullptr) const;

    std::atomic<std::uint64_t> plan_cache_hits{0};
    std::atomic<std::uint64_t> plan_cache_misses{0};
    /// Reads run again because a pooled connection had been closed by the server while idle
    /// (pg::error::unanswered; the engine's one retry road).
    std::atomic<std::uint64_t> stale_connection_retries{0};

private:
    static constexpr std::array<double, 12> bounds_{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                    0.05,   0.1,   0.25,   0.5,   1.0,  5.0};
    mutable std::mutex mu_;
    std::uint64_t requests_ = 0;
    double sum_seconds_ = 0;
    std::array<std::uint64_t, 12> buckets_{};
    std::map<std::string, std::uint64_t> errors_by_code_;
};

} // namespace fraiseql::exec
