#pragma once
// What one request's root-field runners share (private to exec).

#include <atomic>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "fraiseql/exec/config.hpp"
#include "fraiseql/graphql/error.hpp"
#include "fraiseql/graphql/plan.hpp"
#include "fraiseql/graphql/schema.hpp"
#include "fraiseql/pg/cancel_signal.hpp"
#include "fraiseql/pg/pool.hpp"
#include "fraiseql/pg/replica_set.hpp"
#include "fraiseql/sql/plan_cache.hpp"

namespace fraiseql::exec {

/// The per-request state handed to each root-field runner.
struct exec_context {
    const graphql::schema& schema;
    pg::pool& pool;
    const config& cfg;
    std::string request_id;
    pg::deadline deadline;
    /// PostgreSQL settings to apply with set_config(name, value, true) in the
    /// statement's transaction (session_variables, product.md §5). Values are
    /// parameters; names were validated at start-up.
    std::vector<std::pair<std::string, std::string>> session;
    /// When set, a runner may hand complete rows of its value to this function
    /// once they exceed `stream_threshold` bytes (the engine writes them to the
    /// client and clears the buffer). Returns false when the client is gone.
    std::function<boost::asio::awaitable<bool>(std::string&)> flush;
    std::size_t stream_threshold = 64 * 1024;
    /// Set by a runner once it has flushed: later failures can no longer null the value.
    bool flushed = false;
    /// The request's cancel signal (request::cancel), or nullptr.
    pg::cancel_signal* cancel = nullptr;
    /// Read replicas (docs/scaling.md). `pool` is a replica's: a failure the primary could
    /// answer instead (the replica went away, a recovery conflict, …) sets `replica_failed`
    /// (database_error does), and the engine runs the operation again on the primary.
    bool on_replica = false;
    mutable std::atomic<bool> replica_failed{false};
    /// …and the failure says the replica itself is unusable (connection refused or lost).
    mutable std::atomic<bool> replica_down{false};
    /// A statement met a pooled connection that was already gone (connection_lost with
    /// pg::error::unanswered; set by database_error): the engine runs a read again, once.
    mutable std::atomic<bool> stale_connection{false};
    /// Mutations with replicas configured: the call runs in BEGIN … COMMIT and the same
    /// pipeline then reads pg_current_wal_insert_lsn() into `commit_lsn` (the latest of the
    /// operation's mutations), for read-your-writes.
    bool capture_commit_lsn = false;
    pg::lsn commit_lsn = 0;
    /// Per root field of the plan: its statement precompiled for the plan-cache shape, with
    /// this request's parameters (bound_operation::binding; docs/adr/0017); empty on the
    /// uncached road, and an entry with no `compiled` is compiled from the plan.
    std::span<const sql::bound_root> precompiled{};

    const sql::bound_root* precompiled_at(std::size_t root) const noexcept {
        return root < precompiled.size() && precompiled[root].compiled ? &precompiled[root]
                                                                       : nullptr;
    }
};

/// The JSON value of one root field, or null.
struct field_result {
    std::string json; ///< the value's JSON text (empty when is_null)
    bool is_null = false;
    std::vector<graphql::error> errors;
};

/// Turns a backend error into a GraphQL error (TIMEOUT, DATABASE_ERROR; details
/// masked in production and logged with the request id).
graphql::error database_error(const exec_context& ctx, const pg::error& e,
                              const graphql::field_plan& fp);

/// The deadline for one statement: the request deadline bounded by statement_timeout.
pg::deadline statement_deadline(const exec_context& ctx);

/// Runs `sql` with `params` after the session settings, in one implicit
/// transaction (one pipeline, one Sync): the prelude `SELECT set_config(...)`
/// statement is added only when there are settings to apply. With `reset_session`
/// (mutations: the statement runs user code that may `SET` session state), the same
/// pipeline ends with `SET SESSION AUTHORIZATION DEFAULT` and `RESET ALL`, so nothing the
/// statement set outlives it on the pooled connection (docs/mutations.md). With
/// `commit_lsn`, the pipeline is BEGIN … COMMIT followed by
/// `SELECT pg_current_wal_insert_lsn()::text` into that sink: a position at or past the
/// end of the commit record (read-your-writes, docs/adr/0013-replicas-and-poolers.md).
///
/// Not a coroutine of its own (issue 15: one frame less per request): the pipeline's
/// statements and the client-disconnect scope live in this object, in the caller's frame,
/// and start() hands back the connection's own awaitable. Await start() at once, once, in
/// a block that ends with the run, so that the scope ends with it:
///     { session_run run(ctx, conn, sql, params, &sink); ran = co_await run.start(); }
class session_run {
public:
    session_run(const exec_context& ctx, pg::connection& conn, std::string_view sql,
                std::span<const pg::param> params, pg::row_sink* sink,
                bool reset_session = false, pg::row_sink* commit_lsn = nullptr);
    session_run(const session_run&) = delete;
    session_run& operator=(const session_run&) = delete;

    boost::asio::awaitable<pg::result<void>> start();

private:
    const exec_context& ctx_;
    pg::connection& conn_;
    std::string prelude_;
    std::vector<pg::param> prelude_params_;
    pg::statement stmts_[7];
    std::size_t n_ = 0;
    /// While it runs, a client that goes away cancels it on the server (docs/http.md
    /// "Client disconnect"); once gone, nothing new starts.
    pg::cancel_scope scope_;
};

/// A root list / single field of the Query type; `pre`: its precompiled statement
/// (exec_context::precompiled_at), or nullptr to compile it from `fp`.
boost::asio::awaitable<field_result> run_root_query(exec_context& ctx, const graphql::field_plan& fp,
                                                   const sql::bound_root* pre);

/// A root xConnection field (Relay); `pre`: its precompiled statement
/// (exec_context::precompiled_at), or nullptr to compile it from `fp`.
boost::asio::awaitable<field_result> run_connection(exec_context& ctx, const graphql::field_plan& fp,
                                                   const sql::bound_root* pre);

/// A Mutation field with @function.
boost::asio::awaitable<field_result> run_mutation(exec_context& ctx, const graphql::field_plan& fp);

} // namespace fraiseql::exec
