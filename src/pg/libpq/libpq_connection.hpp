#pragma once
// The libpq backend's connection (private header). See libpq_connection.cpp for the
// design; the contract is pg::connection's (include/fraiseql/pg/connection.hpp).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <libpq-fe.h>

#include "../policy_connection.hpp"
#include "../protocol/statement_cache.hpp"

namespace fraiseql::pg::libpq_backend {

class libpq_connection final : public detail::policy_connection {
public:
    /// Non-blocking connect (PQconnectStart + PQconnectPoll driven by Asio waits).
    /// `cache_capacity`: prepared statements kept (LRU); 0 disables the cache.
    static asio::awaitable<result<std::unique_ptr<connection>>>
    open(asio::any_io_executor ex, std::string conninfo, std::size_t cache_capacity, deadline dl);

    libpq_connection(const libpq_connection&) = delete;
    libpq_connection& operator=(const libpq_connection&) = delete;
    ~libpq_connection() override;

    std::string parameter(std::string_view name) const override;
    std::int32_t backend_pid() const noexcept override;
    std::string_view backend_name() const noexcept override { return "libpq"; }

    /// Most single-row results handed to one on_rows call.
    static constexpr std::size_t max_batch_rows = 256;

    struct item; // one expected group of results (see libpq_connection.cpp)
    struct read_state;

protected:
    asio::awaitable<detail::exchange> send_pipeline(std::span<const statement> statements,
                                                    deadline dl) override;
    asio::awaitable<detail::exchange> send_simple(std::string_view sql, row_sink* sink,
                                                  deadline dl) override;
    char last_status() const noexcept override;
    bool closed_by_peer() const noexcept override;
    void interrupt() noexcept override;

private:
    libpq_connection(asio::any_io_executor ex, PGconn* conn, std::size_t cache_capacity);

    asio::awaitable<result<void>> flush(deadline dl);
    asio::awaitable<detail::exchange> read_results(std::span<const item> items, deadline dl);
    asio::awaitable<PGresult*> next_result(read_state& st);
    asio::awaitable<void> deliver_batch(row_sink* sink, read_state& st);
    asio::awaitable<void> finish_cancel(read_state& st);
    void send_columns(row_sink* sink, const PGresult* res);
    void start_cancel(read_state& st, errc reason);
    bool result_ready();
    void clear_batch() noexcept;
    void leave_pipeline();
    asio::awaitable<void> skip_copy(read_state& st);
    error lost(std::string_view what);

    asio::any_io_executor ex_;
    PGconn* conn_;
    bool fatal_notice_ = false;          ///< an idle-time FATAL arrived (closed_by_peer)
    std::shared_ptr<PGcancel> cancel_;
    asio::posix::stream_descriptor sock_;
    protocol::statement_cache cache_;
    std::vector<protocol::cache_slot> slots_; ///< how each statement of the pipeline is sent
    std::vector<std::string> closes_;        ///< statements to DEALLOCATE first
    // Per-batch scratch space, reused so that a steady stream allocates nothing here.
    std::vector<PGresult*> batch_;
    std::vector<field_view> fields_;
    std::vector<row_view> rows_;
    std::vector<column_desc> columns_;
};

} // namespace fraiseql::pg::libpq_backend
