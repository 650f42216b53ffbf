#pragma once
/// \file
/// The per-connection prepared-statement cache policy of both backends (the native driver
/// encodes Parse/Close from it, libpq sends PQsendPrepare/DEALLOCATE): keyed by SQL text +
/// parameter type OIDs, named `fq_<n>`, bounded LRU (PostgreSQL docs "55.2.3. Extended
/// Query", "PREPARE", "DISCARD").

#include <cstdint>
#include <list>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fraiseql/pg/error.hpp"
#include "fraiseql/pg/row.hpp"

namespace fraiseql::pg::protocol {

struct prepared_statement {
    std::string key;
    std::string name;
    std::vector<column_desc> columns; ///< the native driver's Describe Statement result
    bool described = false;  ///< the server confirmed the preparation
    std::uint64_t batch = 0; ///< last pipeline that used it (pinned while in use)
};

/// How one statement of a pipeline is sent.
enum class send_mode : std::uint8_t {
    unnamed, ///< not cached (caller's choice, cache disabled or full of pinned entries)
    cached,  ///< a prepared statement already known (or prepared earlier in this pipeline)
    prepare, ///< prepared under `entry->name` in this pipeline, then executed
};

struct cache_slot {
    send_mode how = send_mode::unnamed;
    prepared_statement* entry = nullptr; ///< null for unnamed
};

/// Bounded LRU of prepared statements. Entry pointers stay valid until the entry is
/// erased (evicted, invalidated, dropped unconfirmed or cleared).
class statement_cache {
public:
    explicit statement_cache(std::size_t capacity) : capacity_(capacity) {}

    /// Starts building a pipeline: what lookup() touches from now on is pinned.
    void begin_pipeline() noexcept { ++batch_; }
    /// Chooses how to send one statement (see send_mode). A miss evicts the least recently
    /// used entry when the cache is full and that entry is not pinned; the evicted name is
    /// appended to `closes` (close it before this pipeline's statements).
    cache_slot lookup(std::string_view sql, std::span<const param> params, bool use_cache,
                      std::vector<std::string>& closes);
    /// The server confirmed the preparation of `e` (ParseComplete and its description).
    static void confirm(prepared_statement& e) noexcept { e.described = true; }
    /// The statement served by `e` failed with `code`. When the server can no longer use
    /// a confirmed statement (26000, 0A000) the entry is erased (0A000: the statement still
    /// exists there and is closed before the next pipeline) and true is returned.
    bool invalidate(prepared_statement* e, sqlstate code);
    /// Erases the entries this pipeline added whose preparation was not confirmed (the
    /// pipeline failed before or at their Parse).
    void drop_unconfirmed();
    /// Moves the names queued for closing (invalidated, or evictions whose pipeline was not
    /// sent) to `out`.
    void take_closes(std::vector<std::string>& out);
    /// Queues `name` to be closed before the next pipeline.
    void close_later(std::string name) { closes_.push_back(std::move(name)); }
    /// A statement completed with `tag`: DISCARD ALL / DEALLOCATE ALL make the server forget
    /// every prepared statement, so the cache is emptied at the end of the operation.
    void on_command_tag(std::string_view tag) noexcept {
        if (tag == "DISCARD ALL" || tag == "DEALLOCATE ALL") clear_at_end_ = true;
    }
    /// The operation is over (ReadyForQuery): applies a pending on_command_tag() clear.
    void end_operation() {
        if (clear_at_end_) clear();
        clear_at_end_ = false;
    }
    void clear();

    std::size_t size() const noexcept { return list_.size(); }
    std::size_t capacity() const noexcept { return capacity_; }
    std::uint64_t hits() const noexcept { return hits_; }
    std::uint64_t misses() const noexcept { return misses_; }

private:
    prepared_statement* find(std::string_view key); ///< and marks it most recently used
    void erase(prepared_statement* e);

    std::size_t capacity_;
    std::list<prepared_statement> list_; ///< front = most recently used
    std::unordered_map<std::string_view, std::list<prepared_statement>::iterator> map_;
    std::vector<std::string> closes_;
    std::string key_;
    std::uint64_t batch_ = 0;
    std::uint64_t next_name_ = 0;
    std::uint64_t hits_ = 0;
    std::uint64_t misses_ = 0;
    bool clear_at_end_ = false;
};

} // namespace fraiseql::pg::protocol
