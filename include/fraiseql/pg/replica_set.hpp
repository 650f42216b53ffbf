#pragma once
/// \file
/// Read routing over a primary and its streaming-replication standbys (product.md §6.1).
///
/// A replica_set holds the primary's pool and one pool per replica, and a monitor that
/// checks every member each `check_interval`: on the primary `pg_current_wal_lsn()`, on each
/// replica `pg_is_in_recovery()` and `pg_last_wal_replay_lsn()`. Reads are routed round-robin
/// over the *eligible* replicas — reachable at the last check, still in recovery (a promoted
/// replica is on another timeline and is never read from again until it is a standby once
/// more), and no further behind than `max_lag` — and, for a caller that must see its own
/// writes, only to a replica whose replayed position has passed the caller's commit LSN
/// (read-your-writes by LSN; docs/adr/0013-replicas-and-poolers.md). With no eligible
/// replica the read goes to the primary, or fails when `fallback` is `error`.
///
/// Lag is measured in time without trusting the replicas' clocks or
/// pg_last_xact_replay_timestamp() (which ages while the primary is idle): the monitor keeps
/// the primary's WAL position at each check, and a replica that has replayed R is stale since
/// the first sample whose position passed R. So an idle system reports no lag, and a lag is
/// known to within one check_interval.
///
/// Thread-safe: route_read() and status() may be called from any thread.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "fraiseql/pg/pool.hpp"

namespace fraiseql::pg {

/// A WAL position (pg_lsn), written "X/Y" with X and Y the high and low 32 bits in hex.
using lsn = std::uint64_t;
std::optional<lsn> parse_lsn(std::string_view text) noexcept;
std::string format_lsn(lsn position);

enum class replica_fallback : std::uint8_t { primary, error };

struct replica_options {
    /// A replica further behind than this is skipped until it catches up.
    std::chrono::milliseconds max_lag{10'000};
    /// How often every member is checked (and the primary's position sampled).
    std::chrono::milliseconds check_interval{250};
    /// Bound on one check (acquire + query); a replica that does not answer is unreachable.
    std::chrono::milliseconds check_timeout{1'000};
    /// What a read does when no replica is eligible.
    replica_fallback fallback = replica_fallback::primary;
};

/// One replica as of its last check.
struct replica_status {
    bool checked = false;     ///< at least one check has completed
    bool reachable = false;   ///< the last check answered
    bool in_recovery = false; ///< still a standby (false: promoted, or not a standby at all)
    bool eligible = false;    ///< reads may be routed to it now
    lsn replay_lsn = 0;
    std::chrono::milliseconds lag{0};
    std::uint64_t routed = 0; ///< reads routed to it
    std::string last_error;   ///< of the last failed check
};

enum class route_role : std::uint8_t { primary, replica };

struct route {
    std::shared_ptr<pool> target;
    route_role role = route_role::primary;
    std::size_t replica_index = 0; ///< meaningful for route_role::replica
};

class replica_set : public std::enable_shared_from_this<replica_set> {
public:
    static std::shared_ptr<replica_set> create(asio::any_io_executor ex,
                                               std::shared_ptr<pool> primary,
                                               std::vector<std::shared_ptr<pool>> replicas,
                                               replica_options opts = {});
    ~replica_set();

    /// Starts the monitor (checks at once, then every check_interval) until close().
    void start();
    /// One round of checks of every member, concurrently; returns when all have answered or
    /// failed (each bounded by check_timeout). The monitor calls it; tests may too.
    asio::awaitable<void> check_now();

    /// Where a read goes: the next eligible replica (round-robin) whose replayed position is
    /// at least `min_lsn` (0: no requirement), else the primary; with fallback = error and
    /// replicas configured but none eligible, errc::connection_failed ("no replica …").
    /// Never blocks.
    result<route> route_read(lsn min_lsn = 0);
    /// A read routed to replica `index` failed in a way that says the replica is unusable
    /// (connection refused or lost, shutting down): it is skipped until a check of the
    /// monitor succeeds again, instead of failing more reads for up to check_interval.
    void report_failure(std::size_t index, std::string why);
    /// Writes, and everything in a write's transaction.
    const std::shared_ptr<pool>& primary() const noexcept;
    /// The replicas' pools, in the order given to create().
    const std::vector<std::shared_ptr<pool>>& replicas() const noexcept;
    std::size_t replica_count() const noexcept;
    const replica_options& options() const noexcept;
    std::vector<replica_status> status() const;
    std::uint64_t primary_reads() const noexcept;
    /// The primary's position at the last successful check (0 before one).
    lsn primary_lsn() const noexcept;

    /// Stops the monitor; routing keeps its last view.
    void close();

    struct impl;

private:
    explicit replica_set(std::unique_ptr<impl> i);
    static asio::awaitable<void> check_round(std::shared_ptr<replica_set> self);
    static asio::awaitable<void> check_member(std::shared_ptr<replica_set> self,
                                              std::size_t index, std::shared_ptr<void> round);
    static asio::awaitable<void> monitor(std::weak_ptr<replica_set> weak,
                                         std::shared_ptr<asio::steady_timer> timer);
    std::unique_ptr<impl> impl_;
};

} // namespace fraiseql::pg
