#pragma once
/// \file
/// The one interface both PostgreSQL backends (native, libpq) implement.
///
/// Threading: a connection is used by one coroutine at a time (the pool's lease
/// guarantees it). Every operation takes a deadline; on expiry the backend sends
/// a CancelRequest, reports errc::timeout and either returns the connection to a
/// clean state or marks it broken().

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "fraiseql/pg/error.hpp"
#include "fraiseql/pg/row.hpp"

namespace fraiseql::pg {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;
using deadline = clock::time_point;

/// Receives the results of one statement. Row views are valid only during the
/// on_rows call (they point into the backend's receive buffer); copy what must
/// outlive it.
class row_sink {
public:
    virtual ~row_sink() = default;
    /// Once per statement that returns rows, before the first on_rows.
    virtual void on_columns(std::span<const column_desc> /*columns*/) {}
    /// Consecutive rows (one or more). Return false to abandon the statement
    /// (the consumer is gone): the backend then cancels/drains and the
    /// operation reports errc::cancelled. Awaiting here is the backpressure.
    virtual asio::awaitable<bool> on_rows(std::span<const row_view> rows) = 0;
    /// When the statement completes, with the CommandComplete tag ("SELECT 3").
    virtual void on_complete(std::string_view /*command_tag*/) {}
};

/// One statement of a pipeline.
struct statement {
    std::string_view sql;
    std::span<const param> params;
    row_sink* sink = nullptr;            ///< nullptr: rows are discarded
    format result_format = format::text; ///< format requested for every result column
    bool cache = true;                   ///< use the per-connection prepared-statement cache
};

/// Counters a backend keeps per connection (for metrics and tests).
struct connection_stats {
    std::uint64_t statements = 0;
    std::uint64_t prepared_cache_hits = 0;
    std::uint64_t prepared_cache_misses = 0;
    std::uint64_t bytes_received = 0;
    /// Largest receive buffer the backend held (bytes); 0 when not tracked (libpq).
    std::uint64_t max_receive_buffer = 0;
};

/// The session's transaction state, as reported by the last ReadyForQuery
/// (PostgreSQL docs "55.7. Message Formats", ReadyForQuery: 'I', 'T', 'E').
enum class transaction_state : std::uint8_t {
    idle,           ///< 'I': not inside a transaction block
    in_transaction, ///< 'T': inside BEGIN … (statements succeed)
    failed,         ///< 'E': inside a failed transaction block (only ROLLBACK helps)
    unknown,        ///< the connection is lost, or an operation is in flight
};

std::string_view to_string(transaction_state) noexcept;

/// A live session with the server.
class connection {
public:
    virtual ~connection() = default;

    /// Runs the statements in order, pipelined in one round trip and as one
    /// implicit transaction (extended protocol, a single Sync): either all
    /// succeed or none has an effect. The first failing statement stops the
    /// rest and its error is returned (code server_error with the fields).
    ///
    /// Prepared-statement cache: a cached statement the server can no longer use
    /// (SQLSTATE 0A000 "cached plan must not change result type" after a schema
    /// change, 26000 after a DEALLOCATE behind the driver's back) is dropped from the
    /// cache. When it was the first statement of the pipeline and the session was not
    /// inside a transaction block, nothing ran and no sink was called, so the pipeline
    /// is re-sent once, transparently, with the statement prepared afresh; otherwise
    /// the caller sees the error once and the next run() prepares it again. Both
    /// backends behave the same.
    virtual asio::awaitable<result<void>> run(std::span<const statement> statements,
                                              deadline dl) = 0;

    /// Runs a script through the simple query protocol (several statements,
    /// no parameters). Rows, if any, go to `sink` (may be nullptr).
    virtual asio::awaitable<result<void>> simple_query(std::string_view sql, deadline dl,
                                                       row_sink* sink = nullptr) = 0;

    /// True when the connection must not be reused as it is (lost, protocol error,
    /// cancelled mid-flight without resynchronising, found closed by peer_closed(), or left
    /// inside a transaction block). What the connection already knows: no system call, no
    /// round trip. Both backends alike.
    virtual bool broken() const noexcept = 0;

    /// broken(), or the server has closed the idle session since the last operation (FATAL
    /// 57P01 after pg_terminate_backend or a shutdown, then EOF; a reset): one zero-timeout
    /// poll(2) of the socket, never blocks, consumes nothing the next operation needs. Once
    /// true, broken() is true too. The pool asks at checkout, for a connection that sat idle
    /// long enough (pool_options::liveness_check_after). Both backends alike.
    virtual bool peer_closed() const noexcept = 0;

    /// Stops the operation in flight, or the next one when none is: a CancelRequest is
    /// sent as on deadline expiry ("55.2.8. Canceling Requests in Progress") and the
    /// operation reports errc::cancelled. From then on broken() is true, so the pool
    /// replaces the connection rather than risk a late cancel hitting a later statement.
    /// Thread-safe (pg::cancel_signal calls it from the transport's thread).
    virtual void cancel() noexcept = 0;

    /// The transaction state after the last operation; `unknown` when broken by
    /// anything other than an open transaction block.
    virtual transaction_state transaction_status() const noexcept = 0;

    /// Asks for a ROLLBACK before the next statement on this connection, when the
    /// session is then still inside a transaction block. For code that cannot await
    /// (pg::transaction's destructor). run() and simple_query() send the ROLLBACK as
    /// a separate round trip first; if it fails they return its error and do not run
    /// the statements. The pool rolls back a connection returned inside a transaction
    /// block itself (see pool.hpp), so a pooled lease never leaks a transaction.
    void request_rollback() noexcept { rollback_requested_ = true; }
    bool rollback_requested() const noexcept { return rollback_requested_; }

    /// A server parameter reported by ParameterStatus ("server_version", ...).
    virtual std::string parameter(std::string_view name) const = 0;

    /// The server process id (BackendKeyData), e.g. for pg_terminate_backend in tests.
    virtual std::int32_t backend_pid() const noexcept = 0;

    virtual const connection_stats& stats() const noexcept = 0;

    /// "native" or "libpq".
    virtual std::string_view backend_name() const noexcept = 0;

protected:
    /// For backends: true (once) when a ROLLBACK was requested.
    bool take_rollback_request() noexcept { return std::exchange(rollback_requested_, false); }

private:
    bool rollback_requested_ = false;
};

/// Makes connections: one per backend kind, holding the parsed connection settings.
class connector {
public:
    virtual ~connector() = default;
    virtual asio::awaitable<result<std::unique_ptr<connection>>> connect(deadline dl) = 0;
    virtual std::string_view backend_name() const noexcept = 0;
};

/// The backend kinds; `rust` and `psycopg` are accepted as aliases of native and libpq.
enum class backend_kind { native, libpq };

/// Parses "native" | "libpq" | "rust" | "psycopg"; fails with a message listing the valid values.
fraiseql::result<backend_kind, std::string> parse_backend_kind(std::string_view s);
std::string_view to_string(backend_kind) noexcept;

/// How a connection sends statements (the server's `statement_cache` key, product.md §6.1,
/// docs/adr/0013-replicas-and-poolers.md "Poolers and the APQ store").
enum class statement_mode : std::uint8_t {
    /// Named prepared statements, kept per connection (LRU of statement_cache_size): a
    /// repeated statement costs Bind/Execute only. They live in the server session, so a
    /// pooler that hands a client's transactions to different sessions breaks them; such a
    /// pooler is detected at the first connection and refused (connector_options).
    named,
    /// Only the unnamed prepared statement: Parse, Bind, Describe, Execute per statement and
    /// one Sync per pipeline (PostgreSQL docs "55.2.3. Extended Query"), on both backends.
    /// Nothing outlives the pipeline's implicit transaction, so PgBouncer in
    /// pool_mode=transaction works.
    unnamed,
};

/// Parses "named" | "unnamed"; fails with a message listing the valid values.
fraiseql::result<statement_mode, std::string> parse_statement_mode(std::string_view s);
std::string_view to_string(statement_mode) noexcept;

/// Settings both backends honour alike.
struct connector_options {
    /// Prepared statements kept per connection (LRU, keyed by SQL text and parameter
    /// types); 0 disables the cache, every statement then goes unnamed.
    std::size_t statement_cache_size = 256;
    /// `unnamed` ignores statement_cache_size (and statement::cache): nothing is prepared
    /// under a name.
    statement_mode statements = statement_mode::named;
    /// With `named` statements and a cache: make_connector checks the first connection it
    /// opens. When the session's pg_backend_pid() differs from the process id of the
    /// BackendKeyData the server sent, something between us and PostgreSQL (PgBouncer,
    /// another pooler) shares sessions between clients, where a named statement would be
    /// missing or, worse, another client's statement of the same name. That connection and
    /// every later connect() then fail with errc::unsupported and a message that says to set
    /// statement_cache = unnamed. One extra round trip per connector, none per statement.
    /// The server turns it on; off by default for library users who pool by session.
    bool refuse_pooler = false;
};

/// Creates the connector for `kind`. Fails on a malformed connection string
/// (errc::bad_connection_string, the message names the bad part).
result<std::unique_ptr<connector>> make_connector(backend_kind kind, asio::any_io_executor ex,
                                                  std::string_view connection_string);
result<std::unique_ptr<connector>> make_connector(backend_kind kind, asio::any_io_executor ex,
                                                  std::string_view connection_string,
                                                  const connector_options& options);

} // namespace fraiseql::pg
