#pragma once
/// \file
/// A connection pool over any pg::connector (native or libpq).
///
/// Fair FIFO waiting, acquire timeout (errc::pool_exhausted, never a hang), idle
/// timeout, max lifetime, health check on checkout after idle, broken connections
/// dropped and replaced, reconnect with backoff. Thread-safe: acquire may be
/// called from any thread running the executor.
///
/// Connection health: the pool trusts connection::broken(). It asks on every
/// return and every checkout; a broken connection is closed and its slot freed
/// (a replacement is connected lazily, by the next acquire that needs one). A connection
/// the server has closed while it was idle (pg_terminate_backend, restart, a reset) is
/// found at checkout by connection::peer_closed() — one poll(2), no round trip — when it
/// sat idle for liveness_check_after or a sibling was found broken; younger ones are handed
/// out unlooked at (no system call), and a dead one then fails its first operation with
/// connection_lost and error::unanswered, which a caller may retry on another connection
/// when the operation only reads (the server's engine does: docs/architecture.md).
///
/// Transactions: a lease returned while its session is inside a transaction block
/// (an abandoned pg::transaction, a BEGIN without COMMIT) is rolled back by the pool
/// (ROLLBACK, bounded by rollback_timeout) before anyone else can acquire it; the
/// slot stays in use meanwhile, and the connection is dropped if the ROLLBACK fails.
/// No transaction ever leaks to the next user.
///
/// Server outage: a failed connection attempt starts an exponential backoff (50 ms
/// doubling, capped at 2 s). While it runs, an acquire that needs a new connection
/// waits for the retry time if its deadline allows, else fails at once with
/// errc::connection_failed and the last connection error; so the first request
/// after the server is back succeeds, and requests during the outage fail before
/// their deadline. While the server looks down, one attempt at a time is made (the
/// probe); the other acquires wait for its outcome instead of connecting too, so a crowd
/// of requests makes one attempt per backoff step, not one each (no reconnect storm).
///
/// Health check: a connection idle for health_check_after (or whose sibling was found
/// broken) is pinged (SELECT 1) before it is handed out, bounded by health_check_timeout
/// and the deadline; a failed ping drops it and the acquire goes on with another
/// connection. Every round of acquire re-checks the deadline: it never spins, and it ends
/// by the deadline with the last error seen (the ping's, the connection attempt's) or
/// pool_exhausted.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "fraiseql/pg/connection.hpp"

namespace fraiseql::pg {

struct pool_options {
    std::size_t min_size = 0;
    std::size_t max_size = 10;
    std::chrono::milliseconds acquire_timeout{5000};
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds idle_timeout{std::chrono::minutes(10)};
    std::chrono::milliseconds max_lifetime{std::chrono::hours(1)};
    /// A connection idle for longer than this is pinged before being handed out.
    std::chrono::milliseconds health_check_after{std::chrono::seconds(30)};
    /// Bound on that ping (and the deadline): a dead connection is replaced, not waited on.
    std::chrono::milliseconds health_check_timeout{2000};
    /// A connection idle for at least this long is looked at (connection::peer_closed(), one
    /// poll(2)) before being handed out; 0: every checkout. Callers that retry a read which
    /// meets a dead connection (error::unanswered) can raise it to save the system call per
    /// checkout under load (issue 15): the server uses liveness_check_for_retrying_callers.
    std::chrono::milliseconds liveness_check_after{0};
    /// Bound on the ROLLBACK of a connection returned inside a transaction block.
    std::chrono::milliseconds rollback_timeout{2000};
};

/// liveness_check_after for a caller that retries reads on connection_lost + unanswered: a
/// pooled connection reused within a second is handed out without a look (under load every
/// connection is), one idle longer is polled first.
inline constexpr std::chrono::milliseconds liveness_check_for_retrying_callers{1000};

struct pool_metrics {
    std::size_t in_use = 0;
    std::size_t idle = 0;
    std::size_t waiting = 0;
    std::uint64_t created = 0;
    std::uint64_t failed = 0;   ///< connection attempts that failed
    std::uint64_t discarded = 0; ///< broken or expired connections dropped
    std::uint64_t acquired = 0;
    std::uint64_t timeouts = 0; ///< acquires that ended in pool_exhausted
    std::uint64_t rollbacks = 0; ///< connections returned inside a transaction, rolled back
};

class pool;

/// Exclusive use of one connection. Move-only; returns the connection to the
/// pool on destruction (or drops it when broken()).
class lease {
public:
    lease() = default;
    lease(lease&&) noexcept;
    lease& operator=(lease&&) noexcept;
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    ~lease();

    connection* operator->() const noexcept { return conn_.get(); }
    connection& operator*() const noexcept { return *conn_; }
    explicit operator bool() const noexcept { return conn_ != nullptr; }

    /// Drops the connection instead of returning it to the pool.
    void discard() noexcept;

private:
    friend class pool;
    lease(std::shared_ptr<pool> p, std::unique_ptr<connection> c, clock::time_point created);
    void release() noexcept;

    std::shared_ptr<pool> pool_;
    std::unique_ptr<connection> conn_;
    clock::time_point created_{};
};

/// Create with pool::create; keep the shared_ptr for the pool's lifetime.
class pool : public std::enable_shared_from_this<pool> {
public:
    static std::shared_ptr<pool> create(asio::any_io_executor ex,
                                        std::unique_ptr<connector> conn, pool_options opts);
    ~pool();

    /// Waits for a connection until `dl` (bounded by acquire_timeout too). Errors:
    /// pool_exhausted (every connection stayed in use until the deadline),
    /// connection_failed / auth_failed / tls_error (a new connection was needed and
    /// could not be opened, or the server is down and the backoff outlasts the
    /// deadline), pool_closed. Waiters are served first come, first served.
    asio::awaitable<result<lease>> acquire(deadline dl);

    /// Opens min_size connections; optional (acquire connects lazily, and a
    /// background task keeps min_size open once the pool has been used).
    asio::awaitable<result<void>> warm_up();

    /// Stops handing out connections, fails waiters with pool_closed, closes idle ones.
    void close();

    pool_metrics metrics() const;
    std::string_view backend_name() const noexcept;
    const pool_options& options() const noexcept;

    struct impl;

private:
    friend class lease;
    explicit pool(std::unique_ptr<impl> i);
    void give_back(std::unique_ptr<connection> c, clock::time_point created, bool reuse) noexcept;
    /// Background upkeep: closes idle/expired connections, keeps min_size open.
    static asio::awaitable<void> maintain(std::weak_ptr<pool> self);
    /// ROLLBACK of a connection returned inside a transaction block, then give_back.
    static asio::awaitable<void> roll_back(std::shared_ptr<pool> self,
                                           std::unique_ptr<connection> c,
                                           clock::time_point created);
    std::unique_ptr<impl> impl_;
};

} // namespace fraiseql::pg
