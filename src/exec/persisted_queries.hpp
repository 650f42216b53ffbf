#pragma once
// Automatic persisted queries (Apollo's protocol, docs/http.md): the first stage that
// touches the document, before the plan cache. Two stores (`apq_store`, docs/scaling.md
// "Many instances", docs/adr/0013-replicas-and-poolers.md "Poolers and the APQ store"):
// `memory`, each process its own LRU; `postgres`, a table every server process on the
// database shares, with the same LRU in front of it as a local cache.

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "fraiseql/exec/config.hpp"
#include "fraiseql/exec/engine.hpp"
#include "fraiseql/pg/pool.hpp"
#include "lru_cache.hpp"
#include "refusal.hpp"

namespace fraiseql::exec {

/// The persisted-query hash of a text (SHA-256, lower-case hex), as Apollo computes it.
std::string sha256_hex(std::string_view text);

/// The table of `apq_store = postgres` and its DDL (docs/scaling.md prints the same text):
/// created when missing by the first request that needs it, if the role may create tables
/// in the first schema of its search_path; otherwise an administrator runs it.
inline constexpr std::string_view apq_table = "fraiseql_persisted_queries";
inline constexpr std::string_view apq_table_ddl =
    "CREATE TABLE IF NOT EXISTS fraiseql_persisted_queries (\n"
    "    hash         text PRIMARY KEY CHECK (hash ~ '^[0-9a-f]{64}$'),\n"
    "    query        text NOT NULL,\n"
    "    created_at   timestamptz NOT NULL DEFAULT now(),\n"
    "    last_used_at timestamptz NOT NULL DEFAULT now()\n"
    ")";
inline constexpr std::string_view apq_index_ddl =
    "CREATE INDEX IF NOT EXISTS fraiseql_persisted_queries_last_used\n"
    "    ON fraiseql_persisted_queries (last_used_at)";

/// sha256 -> query text, bounded (LRU), optionally backed by a shared table. Thread-safe.
class persisted_queries {
public:
    /// A store in memory only.
    explicit persisted_queries(apq_mode mode, std::size_t capacity = 10'000);
    /// The store `cfg` asks for (apq_mode, apq_store, apq_store_size; statement_timeout and
    /// max_body_size bound the table's use). `pool` serves the postgres store: the primary's
    /// (lookups refresh last_used_at, registrations insert). Unused with `memory`.
    persisted_queries(const config& cfg, std::shared_ptr<pg::pool> pool);

    /// Gives `req.query` its text from memory: when the request sends only
    /// `extensions.persistedQuery.sha256Hash`, from the store; a text it sends with its hash
    /// is registered. Refuses (PERSISTED_QUERY_NOT_FOUND, _NOT_SUPPORTED: 200; a malformed
    /// or mismatching hash: BAD_USER_INPUT, 400) or returns nothing. Never touches the
    /// database, whatever the store.
    std::optional<refusal> resolve(request& req);

    /// The same with the configured store. With `postgres`, a hash missing from the local
    /// cache is looked up in the table, and a text registered here for the first time is
    /// stored there (after its hash was checked: a client's hash is never trusted). A table
    /// that cannot be read (database down, deadline, no privilege) refuses the request with
    /// DATABASE_ERROR (TIMEOUT on a deadline), HTTP 503, and says so in the log; one that
    /// cannot be written is logged and the request goes on with its text. `dl` bounds the
    /// database work (further bounded by statement_timeout).
    boost::asio::awaitable<std::optional<refusal>> resolve(request& req, pg::deadline dl);

    /// True when resolve(req, dl) may need the table: `apq_store = postgres` and the request
    /// carries extensions.persistedQuery. Otherwise resolve(req) gives the same answer.
    bool may_need_table(const request& req) const noexcept;

    /// Entries of the local cache.
    std::size_t size() const { return texts_.size(); }

private:
    /// What resolve() leaves to the table.
    enum class next_step { none, lookup, store };
    std::optional<refusal> resolve_locally(request& req, next_step& next, std::string& hash);
    boost::asio::awaitable<std::optional<refusal>> look_up(request& req, std::string hash,
                                                           pg::deadline dl);
    boost::asio::awaitable<void> store(const std::string& hash, const std::string& text,
                                       pg::deadline dl);
    /// Runs `stmts` on a pooled connection; creates the table once when it is missing (42P01)
    /// and runs them again.
    boost::asio::awaitable<pg::result<void>> run(std::span<const pg::statement> stmts,
                                                 pg::deadline dl);
    boost::asio::awaitable<pg::result<void>> create_table(pg::connection& c, pg::deadline dl);
    refusal unavailable(const request& req, const pg::error& e) const;

    apq_mode mode_;
    apq_store_kind kind_ = apq_store_kind::memory;
    std::size_t capacity_;
    std::size_t max_document_ = 0;
    std::chrono::milliseconds statement_timeout_{30000};
    bool production_ = false;
    std::shared_ptr<pg::pool> pool_;
    lru_cache<std::string> texts_;
};

} // namespace fraiseql::exec
