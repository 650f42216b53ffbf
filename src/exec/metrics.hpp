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

namespace fraiseql::exec {

class metrics {
public:
    void observe(std::chrono::steady_clock::duration d, const std::vector<graphql::error>& errors);
    std::string text(const std::string& backend, const pg::pool_metrics& pool) const;

    std::atomic<std::uint64_t> plan_cache_hits{0};
    std::atomic<std::uint64_t> plan_cache_misses{0};

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
