#pragma once
/// \file
/// The query phase as a sans-io state machine: encodes a pipeline of statements
/// (extended protocol, one Sync) or a simple Query, then turns each backend frame
/// into an event for the driver (PostgreSQL docs "55.2.2. Simple Query",
/// "55.2.3. Extended Query", "55.2.4. Pipelining").
///
/// Also owns the per-connection prepared-statement cache policy: statements are
/// keyed by SQL text + parameter type OIDs, named `fq_<n>`, bounded LRU; evicted
/// entries are closed at the start of the next pipeline (before anything can fail,
/// so the Close is never skipped); a statement whose Parse failed is not kept;
/// 26000/0A000 errors ("prepared statement does not exist", "cached plan must not
/// change result type") drop the entry.

#include <cstdint>
#include <list>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "backend.hpp"
#include "fraiseql/pg/error.hpp"
#include "fraiseql/pg/row.hpp"

namespace fraiseql::pg::protocol {

struct prepared_statement {
    std::string key;
    std::string name;
    std::vector<column_desc> columns;
    bool described = false;  ///< RowDescription/NoData for the statement received
    std::uint64_t batch = 0; ///< last pipeline that used it (pinned while in use)
};

/// Bounded LRU of prepared statements. Pointers stay valid until erase/clear.
class statement_cache {
public:
    explicit statement_cache(std::size_t capacity) : capacity_(capacity) {}
    /// Finds and marks most recently used.
    prepared_statement* find(std::string_view key);
    /// Least recently used entry (eviction candidate) or nullptr.
    prepared_statement* lru() noexcept;
    /// Inserts a new most-recently-used entry; the caller made room first.
    prepared_statement* insert(std::string key, std::string name);
    void erase(prepared_statement* e);
    void clear();
    std::size_t size() const noexcept { return list_.size(); }
    std::size_t capacity() const noexcept { return capacity_; }

private:
    std::size_t capacity_;
    std::list<prepared_statement> list_;
    std::unordered_map<std::string_view, std::list<prepared_statement>::iterator> map_;
};

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
    std::uint64_t cache_hits() const noexcept { return hits_; }
    std::uint64_t cache_misses() const noexcept { return misses_; }

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
    std::uint64_t batch_ = 0;
    std::uint64_t next_name_ = 0;
    std::uint64_t hits_ = 0;
    std::uint64_t misses_ = 0;
    std::vector<std::string> close_queue_; ///< invalidated statements to Close next time
    std::vector<expectation> expect_;
    std::size_t head_ = 0;
    std::vector<stmt_state> stmts_;
    std::vector<prepared_statement*> pending_; ///< parsed in this batch, not yet described
    std::vector<column_desc> columns_;        ///< unnamed statement / simple query columns
    std::string body_;
    std::string key_;
    server_message error_;
    server_message notice_;
    std::size_t result_index_ = 0;
    bool simple_ = false;
    bool copy_out_ = false;
    bool failed_ = false;
    bool finished_ = true;
    bool clear_cache_at_ready_ = false;
    bool invalidated_ = false;
};

} // namespace fraiseql::pg::protocol
