#include "context.hpp"

#include <spdlog/spdlog.h>

namespace fraiseql::exec {

graphql::error database_error(const exec_context& ctx, const pg::error& e,
                              const graphql::field_plan& fp) {
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
            out.message = e.server.message;
            if (!e.server.detail.empty()) out.message += " (" + e.server.detail + ")";
        } else {
            out.message = std::string(pg::to_string(e.code)) + ": " + e.message;
        }
    }
    spdlog::warn("database error id={} field={} code={} sqlstate={} message={}", ctx.request_id,
                 fp.response_key, pg::to_string(e.code), e.server.code.str(),
                 e.code == pg::errc::server_error ? e.server.message : e.message);
    return out;
}

pg::deadline statement_deadline(const exec_context& ctx) {
    return std::min(ctx.deadline, pg::clock::now() + ctx.cfg.statement_timeout);
}

boost::asio::awaitable<pg::result<void>> run_with_session(const exec_context& ctx,
                                                         pg::connection& conn,
                                                         std::string_view sql,
                                                         std::span<const pg::param> params,
                                                         pg::row_sink* sink,
                                                         bool reset_session) {
    std::string prelude;
    std::vector<pg::param> prelude_params;
    if (!ctx.session.empty()) {
        // One statement sets every variable; `true` makes each setting local to
        // the implicit transaction that the pipeline's single Sync delimits.
        prelude = "SELECT ";
        for (std::size_t i = 0; i < ctx.session.size(); ++i) {
            if (i) prelude += ", ";
            prelude += "set_config($" + std::to_string(2 * i + 1) + ", $" + std::to_string(2 * i + 2) +
                       ", true)";
            prelude_params.push_back(pg::param::text(ctx.session[i].first));
            prelude_params.push_back(pg::param::text(ctx.session[i].second));
        }
    }
    pg::statement stmts[4];
    std::size_t n = 0;
    if (!prelude.empty()) stmts[n++] = pg::statement{prelude, prelude_params, nullptr};
    stmts[n++] = pg::statement{sql, params, sink};
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
        stmts[n++] = pg::statement{"SET SESSION AUTHORIZATION DEFAULT", {}, nullptr};
        stmts[n++] = pg::statement{"RESET ALL", {}, nullptr};
    }
    // While it runs, a client that goes away cancels it on the server (docs/http.md
    // "Client disconnect"); once gone, nothing new starts.
    pg::cancel_scope scope(ctx.cancel, conn);
    if (scope.already_fired())
        co_return pg::make_error(pg::errc::cancelled, "the client went away");
    co_return co_await conn.run(std::span<const pg::statement>(stmts, n), statement_deadline(ctx));
}

} // namespace fraiseql::exec
