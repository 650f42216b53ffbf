#include "metrics.hpp"

#include <utility>

#include <fmt/format.h>

namespace fraiseql::exec {

void metrics::observe(std::chrono::steady_clock::duration d, const std::vector<graphql::error>& errors) {
    const double s = std::chrono::duration<double>(d).count();
    std::lock_guard lk(mu_);
    ++requests_;
    sum_seconds_ += s;
    for (std::size_t i = 0; i < bounds_.size(); ++i)
        if (s <= bounds_[i]) ++buckets_[i];
    for (const auto& e : errors) ++errors_by_code_[e.code.empty() ? "NONE" : e.code];
}

namespace {

void append_routing(std::string& out, const pg::pool_metrics& primary, const routing_report& r) {
    out += "# HELP fraiseql_db_pool_connections Connections of each database pool by state.\n"
           "# TYPE fraiseql_db_pool_connections gauge\n";
    auto pool_lines = [&](const std::string& name, const char* role, const pg::pool_metrics& m) {
        out += fmt::format("fraiseql_db_pool_connections{{pool=\"{}\",role=\"{}\",state=\"in_use\"}} {}\n",
                           name, role, m.in_use);
        out += fmt::format("fraiseql_db_pool_connections{{pool=\"{}\",role=\"{}\",state=\"idle\"}} {}\n",
                           name, role, m.idle);
    };
    pool_lines("primary", "primary", primary);
    for (std::size_t i = 0; i < r.replicas.size(); ++i)
        pool_lines("replica" + std::to_string(i + 1), "replica", r.replicas[i].pool);
    out += "# HELP fraiseql_db_reads_total Read operations routed to each database pool.\n"
           "# TYPE fraiseql_db_reads_total counter\n";
    out += fmt::format("fraiseql_db_reads_total{{pool=\"primary\",role=\"primary\"}} {}\n",
                       r.primary_reads);
    for (std::size_t i = 0; i < r.replicas.size(); ++i)
        out += fmt::format("fraiseql_db_reads_total{{pool=\"replica{}\",role=\"replica\"}} {}\n",
                           i + 1, r.replicas[i].status.routed);
    // Health as the monitor saw it at its last check (every 250 ms).
    auto gauge = [&](const char* name, const char* help, auto value) {
        out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
        for (std::size_t i = 0; i < r.replicas.size(); ++i)
            out += fmt::format("{}{{replica=\"{}\"}} {}\n", name, i + 1, value(r.replicas[i].status));
    };
    gauge("fraiseql_replica_up", "The replica answered its last check.",
          [](const pg::replica_status& s) { return s.reachable ? 1 : 0; });
    gauge("fraiseql_replica_in_recovery", "The replica is still a standby (0: promoted).",
          [](const pg::replica_status& s) { return s.in_recovery ? 1 : 0; });
    gauge("fraiseql_replica_eligible", "Reads may be routed to the replica now.",
          [](const pg::replica_status& s) { return s.eligible ? 1 : 0; });
    gauge("fraiseql_replica_lag_seconds",
          "How long the primary has had WAL the replica has not replayed.",
          [](const pg::replica_status& s) { return std::chrono::duration<double>(s.lag).count(); });
    out += "# HELP fraiseql_replica_retries_total Reads that failed on a replica and ran on the "
           "primary.\n# TYPE fraiseql_replica_retries_total counter\n";
    out += fmt::format("fraiseql_replica_retries_total {}\n", r.retries);
    out += "# HELP fraiseql_read_your_writes_clients Clients whose commit position is "
           "remembered.\n# TYPE fraiseql_read_your_writes_clients gauge\n";
    out += fmt::format("fraiseql_read_your_writes_clients {}\n", r.read_your_writes_clients);
    out += "# HELP fraiseql_read_your_writes_evicted_total Positions evicted by the client "
           "limit before their window ended.\n# TYPE fraiseql_read_your_writes_evicted_total "
           "counter\n";
    out += fmt::format("fraiseql_read_your_writes_evicted_total {}\n", r.read_your_writes_evicted);
}

} // namespace

std::string metrics::text(const std::string& backend, const pg::pool_metrics& pool,
                          const routing_report* routing) const {
    std::string out;
    std::lock_guard lk(mu_);
    out += "# HELP fraiseql_build_info The running FraiseQL version.\n# TYPE fraiseql_build_info gauge\n";
    out += fmt::format("fraiseql_build_info{{version=\"{}\"}} 1\n", FRAISEQL_VERSION);
    out += "# HELP fraiseql_backend_info The database backend in use.\n# TYPE fraiseql_backend_info gauge\n";
    out += fmt::format("fraiseql_backend_info{{backend=\"{}\"}} 1\n", backend);
    out += "# HELP fraiseql_requests_total GraphQL requests executed.\n# TYPE fraiseql_requests_total counter\n";
    out += fmt::format("fraiseql_requests_total {}\n", requests_);
    out += "# HELP fraiseql_errors_total GraphQL errors by code.\n# TYPE fraiseql_errors_total counter\n";
    for (const auto& [code, n] : errors_by_code_)
        out += fmt::format("fraiseql_errors_total{{code=\"{}\"}} {}\n", code, n);
    out += "# HELP fraiseql_request_duration_seconds GraphQL request latency.\n# TYPE fraiseql_request_duration_seconds histogram\n";
    for (std::size_t i = 0; i < bounds_.size(); ++i)
        out += fmt::format("fraiseql_request_duration_seconds_bucket{{le=\"{}\"}} {}\n", bounds_[i], buckets_[i]);
    out += fmt::format("fraiseql_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", requests_);
    out += fmt::format("fraiseql_request_duration_seconds_sum {}\n", sum_seconds_);
    out += fmt::format("fraiseql_request_duration_seconds_count {}\n", requests_);
    out += "# HELP fraiseql_plan_cache_hits_total Operations served from the plan cache.\n# TYPE fraiseql_plan_cache_hits_total counter\n";
    out += fmt::format("fraiseql_plan_cache_hits_total {}\n", plan_cache_hits.load());
    out += "# HELP fraiseql_plan_cache_misses_total Operations planned from scratch.\n# TYPE fraiseql_plan_cache_misses_total counter\n";
    out += fmt::format("fraiseql_plan_cache_misses_total {}\n", plan_cache_misses.load());
    // The compiled-plan cache (docs/adr/0017-compiled-plan-cache.md): hits bind values into
    // a shape's precompiled SQL; declines take the uncached road (bind + compile), by reason.
    const binding_counters& b = process_binding_counters();
    out += "# HELP fraiseql_compiled_plan_hits_total Requests bound into a known shape's "
           "precompiled SQL (nothing compiled).\n# TYPE fraiseql_compiled_plan_hits_total counter\n";
    out += fmt::format("fraiseql_compiled_plan_hits_total {}\n", b.compiled.load());
    out += "# HELP fraiseql_compiled_plan_shapes_total Requests that compiled a new shape "
           "of their operation's variables.\n# TYPE fraiseql_compiled_plan_shapes_total "
           "counter\n";
    out += fmt::format("fraiseql_compiled_plan_shapes_total {}\n", b.shape_compiled.load());
    out += "# HELP fraiseql_compiled_plan_declines_total Requests bound and compiled on the "
           "uncached road, by reason.\n# TYPE fraiseql_compiled_plan_declines_total "
           "counter\n";
    const std::pair<const char*, const std::atomic<std::uint64_t>*> reasons[] = {
        {"variables", &b.variables}, {"not_cacheable", &b.not_cacheable}, {"value", &b.value},
        {"bind", &b.bind},           {"respelt", &b.respelt}};
    for (const auto& [reason, n] : reasons)
        out += fmt::format("fraiseql_compiled_plan_declines_total{{reason=\"{}\"}} {}\n", reason,
                           n->load());
    out += "# HELP fraiseql_stale_connection_retries_total Reads run again on another "
           "connection because the pooled one had been closed by the server while idle.\n"
           "# TYPE fraiseql_stale_connection_retries_total counter\n";
    out += fmt::format("fraiseql_stale_connection_retries_total {}\n",
                       stale_connection_retries.load());
    out += "# HELP fraiseql_pool_connections Database connections by state.\n# TYPE fraiseql_pool_connections gauge\n";
    out += fmt::format("fraiseql_pool_connections{{state=\"in_use\"}} {}\n", pool.in_use);
    out += fmt::format("fraiseql_pool_connections{{state=\"idle\"}} {}\n", pool.idle);
    out += "# HELP fraiseql_pool_waiting Requests waiting for a connection.\n# TYPE fraiseql_pool_waiting gauge\n";
    out += fmt::format("fraiseql_pool_waiting {}\n", pool.waiting);
    out += "# HELP fraiseql_pool_events_total Pool events.\n# TYPE fraiseql_pool_events_total counter\n";
    out += fmt::format("fraiseql_pool_events_total{{event=\"created\"}} {}\n", pool.created);
    out += fmt::format("fraiseql_pool_events_total{{event=\"failed\"}} {}\n", pool.failed);
    out += fmt::format("fraiseql_pool_events_total{{event=\"discarded\"}} {}\n", pool.discarded);
    out += fmt::format("fraiseql_pool_events_total{{event=\"acquired\"}} {}\n", pool.acquired);
    out += fmt::format("fraiseql_pool_events_total{{event=\"timeout\"}} {}\n", pool.timeouts);
    if (routing) append_routing(out, pool, *routing);
    return out;
}

} // namespace fraiseql::exec
