#pragma once
// The libpq backend's connection (private header). See libpq_connection.cpp for the
// design; the contract is pg::connection's (include/fraiseql/pg/connection.hpp).

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <libpq-fe.h>

#include "fraiseql/pg/connection.hpp"

namespace fraiseql::pg::libpq_backend {

/// Bounded LRU of the statements this connection has prepared, keyed by SQL text plus
/// parameter type OIDs. Entries touched by the current run() (same generation) are never
/// evicted, so a statement cannot lose its server-side name while the pipeline uses it.
class statement_cache {
public:
    explicit statement_cache(std::size_t capacity) : capacity_(capacity) {}

    /// The server-side name for `key`, marking it most recently used by `gen`; nullptr if absent.
    const std::string* find(std::string_view key, std::uint64_t gen);
    void insert(std::string key, std::string name, std::uint64_t gen);
    /// Forgets `key` (the server invalidated or dropped the statement); false if absent.
    bool erase(std::string_view key);
    /// Removes the least recently used entry not used by `gen`; returns its name.
    std::optional<std::string> evict_one(std::uint64_t gen);
    std::size_t size() const noexcept { return lru_.size(); }
    std::size_t capacity() const noexcept { return capacity_; }

private:
    struct entry {
        std::string key;
        std::string name;
        std::uint64_t gen;
    };
    std::size_t capacity_;
    std::list<entry> lru_; // front = most recently used
    std::unordered_map<std::string_view, std::list<entry>::iterator> index_;
};

class libpq_connection final : public connection {
public:
    /// Non-blocking connect (PQconnectStart + PQconnectPoll driven by Asio waits).
    static asio::awaitable<result<std::unique_ptr<connection>>>
    open(asio::any_io_executor ex, std::string conninfo, deadline dl);

    libpq_connection(const libpq_connection&) = delete;
    libpq_connection& operator=(const libpq_connection&) = delete;
    ~libpq_connection() override;

    asio::awaitable<result<void>> run(std::span<const statement> statements,
                                      deadline dl) override;
    asio::awaitable<result<void>> simple_query(std::string_view sql, deadline dl,
                                               row_sink* sink) override;
    bool broken() const noexcept override;
    transaction_state transaction_status() const noexcept override;
    std::string parameter(std::string_view name) const override;
    std::int32_t backend_pid() const noexcept override;
    void cancel() noexcept override;
    const connection_stats& stats() const noexcept override { return stats_; }
    std::string_view backend_name() const noexcept override { return "libpq"; }

    /// Capacity of the prepared-statement cache (statements; LRU beyond it).
    static constexpr std::size_t cache_capacity = 256;
    /// Most single-row results handed to one on_rows call.
    static constexpr std::size_t max_batch_rows = 256;

    struct item; // one expected group of results (see libpq_connection.cpp)
    struct read_state;
    struct planned; // how one statement of a run() is sent

private:
    libpq_connection(asio::any_io_executor ex, PGconn* conn);

    std::optional<error> check_usable();
    asio::awaitable<result<void>> run_once(std::span<const statement> statements, deadline dl);
    asio::awaitable<result<void>> simple_once(std::string_view sql, deadline dl, row_sink* sink);
    /// Sends the ROLLBACK asked for by request_rollback() (see connection.hpp).
    asio::awaitable<result<void>> settle(deadline dl);
    asio::awaitable<result<void>> flush(deadline dl);
    asio::awaitable<result<void>> read_results(std::span<const item> items, deadline dl);
    asio::awaitable<PGresult*> next_result(read_state& st);
    asio::awaitable<void> deliver_batch(row_sink* sink, read_state& st);
    asio::awaitable<void> finish_cancel(read_state& st);
    void send_columns(row_sink* sink, const PGresult* res);
    void start_cancel(read_state& st, errc reason);
    bool result_ready();
    void clear_batch() noexcept;
    void leave_pipeline();
    void invalidated(const item& it, sqlstate code, read_state& st);
    asio::awaitable<void> skip_copy(read_state& st);
    error lost(std::string_view what);

    asio::any_io_executor ex_;
    PGconn* conn_;
    std::shared_ptr<PGcancel> cancel_;
    asio::posix::stream_descriptor sock_;
    mutable bool broken_ = false;
    /// Set by cancel() (any thread), never cleared: the connection is not reused.
    std::atomic<bool> cancel_requested_{false};
    connection_stats stats_;
    statement_cache cache_{cache_capacity};
    std::uint64_t generation_ = 0;
    std::uint64_t next_statement_id_ = 0;
    std::vector<planned> plans_;
    /// Statements invalidated by the server (0A000) that still exist there: deallocated
    /// at the start of the next run(), like evicted ones.
    std::vector<std::string> to_deallocate_;
    /// Set by read_results(): the pipeline failed only because its first statement's
    /// cached plan was invalidated, before anything ran (see connection::run).
    bool retry_fresh_ = false;
    // Per-batch scratch space, reused so that a steady stream allocates nothing here.
    std::vector<PGresult*> batch_;
    std::vector<field_view> fields_;
    std::vector<row_view> rows_;
    std::vector<column_desc> columns_;
};

} // namespace fraiseql::pg::libpq_backend
