#pragma once
/// \file
/// The query phase as a sans-io state machine: encodes a pipeline of statements
/// (extended protocol, one Sync) or a simple Query, then turns each backend frame
/// into an event for the driver (PostgreSQL docs "55.2.2. Simple Query",
/// "55.2.3. Extended Query", "55.2.4. Pipelining").
/// The prepared-statement cache it encodes from is statement_cache.hpp (shared with libpq).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "backend.hpp"
#include "statement_cache.hpp"
#include "fraiseql/pg/error.hpp"
#include "fraiseql/pg/row.hpp"

namespace fraiseql::pg::protocol {

/// A statement of a pipeline (the sans-io mirror of pg::statement).
struct statement_spec {
    std::string_view sql;
    std::span<const param> params;
    format result_format = format::text;
    bool cache = true;
};

struct event {
    enum class kind : std::uint8_t {
        none,         ///< bookkeeping message (ParseComplete, ...): nothing to do
        columns,      ///< `columns` of statement/result set `index` (before its rows)
        row,          ///< DataRow of `index`; `text` is the message body
        complete,     ///< `index` finished; `text` is the command tag ("" for an empty query)
        error,        ///< ErrorResponse (see last_error()); the rest of the batch is skipped
        ready,        ///< ReadyForQuery; `status` is the transaction status
        notice,       ///< NoticeResponse (see last_notice())
        notification, ///< NotificationResponse: `pid`, `text` = channel, `text2` = payload
        parameter,    ///< ParameterStatus: `text` = name, `text2` = value
        copy_in,      ///< CopyInResponse (simple query): the driver must send CopyFail
        protocol_error ///< the server violated the protocol; `text` says how
    };
    kind k = kind::none;
    std::size_t index = 0;
    std::span<const column_desc> columns;
    std::string_view text;
    std::string_view text2;
    std::int32_t pid = 0;
    char status = 0;
};

class query_machine {
public:
    explicit query_machine(std::size_t cache_capacity = 256) : cache_(cache_capacity) {}

    /// Appends Close (evicted/invalidated statements), then per statement
    /// [Parse, Describe S] Bind Execute (cache hit: Bind Execute; uncached: Parse Bind
    /// Describe P Execute), then one Sync. Fails (output and cache untouched) when a
    /// statement cannot be encoded; the message names the statement.
    fraiseql::result<void, std::string> start_pipeline(std::span<const statement_spec> stmts,
                                             std::string& out);
    /// Appends a simple Query.
    fraiseql::result<void, std::string> start_simple(std::string_view sql, std::string& out);

    /// Consumes one backend frame of the current operation.
    event on_frame(const frame& f);

    bool finished() const noexcept { return finished_; }
    /// The current operation's error dropped a statement that was served from the
    /// cache (26000/0A000): re-sending the pipeline prepares it afresh.
    bool invalidated_statement() const noexcept { return invalidated_; }
    bool failed() const noexcept { return failed_; }
    const server_message& last_error() const noexcept { return error_; }
    const server_message& last_notice() const noexcept { return notice_; }

    statement_cache& cache() noexcept { return cache_; }
    std::uint64_t cache_hits() const noexcept { return cache_.hits(); }
    std::uint64_t cache_misses() const noexcept { return cache_.misses(); }

private:
    enum class expect : std::uint8_t {
        close_complete, parse_complete, param_desc, stmt_desc, bind_complete, portal_desc,
        exec, ready
    };
    struct expectation {
        expect what;
        std::uint32_t index;
    };
    struct stmt_state {
        prepared_statement* entry; ///< nullptr: unnamed statement
        format fmt;
    };

    event fail_protocol(const char* why);
    event on_pipeline_frame(const frame& f);
    event on_simple_frame(const frame& f);
    event on_complete(const frame& f, std::size_t index);

    statement_cache cache_;
    std::vector<std::string> closes_; ///< statements to Close first in this pipeline
    std::vector<expectation> expect_;
    std::size_t head_ = 0;
    std::vector<stmt_state> stmts_;
    std::vector<column_desc> columns_;        ///< unnamed statement / simple query columns
    std::string body_;
    server_message error_;
    server_message notice_;
    std::size_t result_index_ = 0;
    bool simple_ = false;
    bool copy_out_ = false;
    bool failed_ = false;
    bool finished_ = true;
    bool invalidated_ = false;
};

} // namespace fraiseql::pg::protocol
