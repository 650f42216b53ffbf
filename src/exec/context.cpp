#include "context.hpp"

#include <spdlog/spdlog.h>

namespace fraiseql::exec {

namespace {

/// A read on a replica that failed for a reason the primary does not share: the replica is
/// gone or refuses (connection errors, 57P01-57P03 shutdown/starting up, 53300 too many
/// connections), replay cancelled the statement (recovery conflicts: 40001, 40P01, 57P04),
/// or it was asked to write (25006: a view calling a writing function). §6.1: no client
/// sees an error the primary could have answered.
enum class replica_failure { none, statement, replica };

replica_failure classify_on_replica(const pg::error& e) noexcept {
    switch (e.code) {
    case pg::errc::connection_failed:
    case pg::errc::connection_lost:
    case pg::errc::protocol_error:
    case pg::errc::pool_closed: return replica_failure::replica;
    case pg::errc::pool_exhausted: return replica_failure::statement; // busy, not broken
    case pg::errc::server_error: {
        const auto c = e.server().code.str();
        const auto k = e.server().code.class_code();
        if (k == "08" || k == "53" || c == "57P01" || c == "57P02" || c == "57P03")
            return replica_failure::replica;
        if (c == "57P04" || c == "40001" || c == "40P01" || c == "25006")
            return replica_failure::statement;
        return replica_failure::none;
    }
    default: return replica_failure::none; // timeouts, cancellations: no better on the primary
    }
}

} // namespace

graphql::error database_error(const exec_context& ctx, const pg::error& e,
                              const graphql::field_plan& fp) {
    const bool stale = e.code == pg::errc::connection_lost && e.unanswered;
    if (stale) ctx.stale_connection.store(true);
    if (ctx.on_replica && !(ctx.cancel && ctx.cancel->fired())) {
        const auto f = classify_on_replica(e);
        if (f != replica_failure::none) ctx.replica_failed.store(true);
        // A pooled connection found dead says nothing of the replica now: the next acquire
        // looks at its other connections (pool.hpp).
        if (f == replica_failure::replica && !stale) ctx.replica_down.store(true);
    }
    graphql::error out;
    out.path = {fp.response_key};
    if (fp.loc.line) out.locations.push_back(fp.loc);
    const bool production = ctx.cfg.environment == environment_kind::production;
    if (e.code == pg::errc::timeout) {
        out.code = graphql::code::timeout;
        out.message = "The statement exceeded its deadline and was cancelled.";
    } else {
        out.code = graphql::code::database_error;
        if (production) {
            out.message = "A database error occurred (request id " + ctx.request_id + ").";
        } else if (e.code == pg::errc::server_error) {
            out.message = e.server().message;
            if (!e.server().detail.empty()) out.message += " (" + e.server().detail + ")";
        } else {
            out.message = std::string(pg::to_string(e.code)) + ": " + e.message;
        }
    }
    spdlog::warn("database error id={} field={} code={} sqlstate={} message={}", ctx.request_id,
                 fp.response_key, pg::to_string(e.code), e.server().code.str(),
                 e.code == pg::errc::server_error ? e.server().message : e.message);
    return out;
}

pg::deadline statement_deadline(const exec_context& ctx) {
    return std::min(ctx.deadline, pg::clock::now() + ctx.cfg.statement_timeout);
}

session_run::session_run(const exec_context& ctx, pg::connection& conn, std::string_view sql,
                         std::span<const pg::param> params, pg::row_sink* sink,
                         bool reset_session, pg::row_sink* commit_lsn)
    : ctx_(ctx), conn_(conn), scope_(ctx.cancel, conn) {
    if (!ctx.session.empty()) {
        // One statement sets every variable; `true` makes each setting local to
        // the implicit transaction that the pipeline's single Sync delimits.
        prelude_ = "SELECT ";
        for (std::size_t i = 0; i < ctx.session.size(); ++i) {
            if (i) prelude_ += ", ";
            prelude_ += "set_config($" + std::to_string(2 * i + 1) + ", $" +
                        std::to_string(2 * i + 2) + ", true)";
            prelude_params_.push_back(pg::param::text(ctx.session[i].first));
            prelude_params_.push_back(pg::param::text(ctx.session[i].second));
        }
    }
    // An explicit block, so that the position is read after COMMIT: inside the transaction
    // pg_current_wal_insert_lsn() precedes the commit record, and a replica that replayed
    // up to it could still lack the commit. An error skips the rest of the pipeline and
    // leaves the block failed; the pool rolls a returned connection back (pool.hpp).
    if (commit_lsn) stmts_[n_++] = pg::statement{"BEGIN", {}, nullptr};
    if (!prelude_.empty()) stmts_[n_++] = pg::statement{prelude_, prelude_params_, nullptr};
    stmts_[n_++] = pg::statement{sql, params, sink};
    if (reset_session) {
        // A function may run SET (not SET LOCAL), set_config(..., false) or SET ROLE: that
        // state survives the transaction and would leak into the next request served on
        // this pooled connection. Undoing it inside the same implicit transaction costs no
        // round trip, and commits or rolls back together with the function's writes.
        // RESET ALL restores every setting to its session start value (startup packet,
        // ALTER ROLE/DATABASE, postgresql.conf) but skips role and session_authorization
        // (GUC_NO_RESET_ALL), which SET SESSION AUTHORIZATION DEFAULT restores — the same
        // pair DISCARD ALL begins with; DISCARD ALL itself would also drop the driver's
        // prepared statements (PostgreSQL docs, DISCARD and RESET).
        stmts_[n_++] = pg::statement{"SET SESSION AUTHORIZATION DEFAULT", {}, nullptr};
        stmts_[n_++] = pg::statement{"RESET ALL", {}, nullptr};
    }
    if (commit_lsn) {
        stmts_[n_++] = pg::statement{"COMMIT", {}, nullptr};
        stmts_[n_++] = pg::statement{"SELECT pg_current_wal_insert_lsn()::text", {}, commit_lsn};
    }
}

namespace {
boost::asio::awaitable<pg::result<void>> refused_gone() {
    co_return pg::make_error(pg::errc::cancelled, "the client went away");
}
} // namespace

boost::asio::awaitable<pg::result<void>> session_run::start() {
    if (scope_.already_fired()) return refused_gone();
    return conn_.run(std::span<const pg::statement>(stmts_, n_), statement_deadline(ctx_));
}

} // namespace fraiseql::exec
