// Mutations through PostgreSQL functions (product.md §4). The call and the
// interpretation of its result live in sql/mutation; here: the context values,
// the run (session prelude and call in one implicit transaction, so a database
// error inside the function rolls everything back), and the projection.

#include "fraiseql/sql/mutation.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "context.hpp"
#include "fraiseql/json/transform.hpp"
#include "projection_builder.hpp"
#include "projecting_sink.hpp"

namespace fraiseql::exec {

namespace {

/// Keeps the first row's two columns (the result's JSON text and "is json").
class first_row_sink final : public pg::row_sink {
public:
    boost::asio::awaitable<bool> on_rows(std::span<const pg::row_view> rows) override {
        for (const auto& row : rows) {
            if (seen_) break;
            seen_ = true;
            if (row.size() > 0 && !row[0].is_null()) doc_ = std::string(row[0].text());
            is_json_ = row.size() > 1 && row[1].text() == "t";
        }
        co_return true;
    }
    std::optional<std::string_view> doc() const {
        return doc_ ? std::optional<std::string_view>(*doc_) : std::nullopt;
    }
    bool is_json() const noexcept { return is_json_; }

private:
    bool seen_ = false;
    std::optional<std::string> doc_;
    bool is_json_ = false;
};

/// The first field of the first row, as an LSN (pg_current_wal_insert_lsn()::text).
class lsn_sink final : public pg::row_sink {
public:
    boost::asio::awaitable<bool> on_rows(std::span<const pg::row_view> rows) override {
        if (!rows.empty() && rows[0].size() > 0 && !rows[0][0].is_null())
            position = pg::parse_lsn(rows[0][0].text()).value_or(0);
        co_return true;
    }
    pg::lsn position = 0;
};

/// The session setting a `@function(context:)` name designates: the configured
/// session variable whose setting is that name ("app.tenant_id"), whose last
/// dotted part is that name ("tenant_id" → "app.tenant_id"), or whose source is
/// the claim/header of that name. nullptr when none.
const session_variable* context_variable(const config& cfg, std::string_view name) {
    for (const auto& sv : cfg.session_variables)
        if (sv.setting == name) return &sv;
    for (const auto& sv : cfg.session_variables) {
        const auto dot = sv.setting.rfind('.');
        if (dot != std::string::npos && std::string_view(sv.setting).substr(dot + 1) == name) return &sv;
    }
    for (const auto& sv : cfg.session_variables)
        if (sv.name == name) return &sv;
    return nullptr;
}

} // namespace

boost::asio::awaitable<field_result> run_mutation(exec_context& ctx, const graphql::field_plan& fp) {
    field_result r;
    r.is_null = true;
    auto fail = [&](graphql::error e) {
        // product.md §3.5: in production internal details (schema/function mismatches)
        // are logged with the request id, never shown to the client.
        if (e.code == graphql::code::internal_error) {
            spdlog::warn("internal error id={} field={} message={}", ctx.request_id, fp.response_key,
                         e.message);
            if (ctx.cfg.environment == environment_kind::production)
                e.message = "An internal error occurred (request id " + ctx.request_id + ").";
        }
        e.path = {fp.response_key};
        if (e.locations.empty() && fp.loc.line) e.locations.push_back(fp.loc);
        r.errors.push_back(std::move(e));
    };
    if (!fp.field || !fp.field->function) {
        fail(graphql::error::at("Mutation \"" + fp.name + "\" has no @function.", fp.loc,
                                graphql::code::internal_error));
        co_return r;
    }
    // Context values: what the request's session variables hold (the same values the
    // prelude sets with set_config, so the function and RLS policies agree).
    std::vector<std::optional<std::string>> context_values;
    for (const auto& name : fp.field->function->context) {
        const session_variable* sv = context_variable(ctx.cfg, name);
        if (!sv) {
            fail(graphql::error::at("Mutation \"" + fp.name + "\": @function(context:) names \"" + name +
                                        "\", which is not a configured session variable.",
                                    fp.loc, graphql::code::internal_error));
            co_return r;
        }
        // A source the request does not provide (no such claim or header) is set as ''
        // in the session, but passed to the function as NULL (docs/mutations.md): a
        // uuid or int parameter would otherwise fail on '' instead of letting the
        // function decide.
        std::optional<std::string> value;
        for (const auto& [setting, v] : ctx.session)
            if (setting == sv->setting && !v.empty()) value = v;
        context_values.push_back(std::move(value));
    }
    auto call = sql::compile_mutation(ctx.schema, fp, context_values);
    if (!call) {
        for (auto& e : call.error()) fail(std::move(e));
        co_return r;
    }
    std::vector<pg::param> params;
    params.reserve(call->stmt.params.size());
    for (const auto& p : call->stmt.params) params.push_back(p ? pg::param::text(*p) : pg::param::null_value());

    auto lease = co_await ctx.pool.acquire(std::min(ctx.deadline, pg::clock::now() + ctx.cfg.pool_timeout));
    if (!lease) {
        r.errors.push_back(database_error(ctx, lease.error(), fp));
        co_return r;
    }
    first_row_sink sink;
    lsn_sink committed; // read-your-writes (replicas configured): where the commit ended
    // reset_session: the function may leave session state behind (docs/mutations.md).
    pg::result<void> ran;
    {
        session_run run(ctx, **lease, call->stmt.text, params, &sink, true,
                        ctx.capture_commit_lsn ? &committed : nullptr);
        ran = co_await run.start();
    }
    if (!ran) {
        r.errors.push_back(database_error(ctx, ran.error(), fp));
        co_return r;
    }
    ctx.commit_lsn = std::max(ctx.commit_lsn, committed.position);
    auto outcome = sql::interpret_mutation_result(ctx.schema, call->shape, sink.doc(), sink.is_json());
    if (outcome.field_error) {
        fail(std::move(*outcome.field_error));
        co_return r;
    }
    if (!outcome.type) co_return r; // a null entity
    const std::vector<graphql::field_plan>* selection = &fp.selection;
    if (call->shape.kind == sql::mutation_shape::form::union_) {
        selection = nullptr;
        for (const auto& [type, sel] : fp.selection_by_type)
            if (type == outcome.type->name) selection = &sel;
        if (!selection) {
            fail(graphql::error::at("Mutation \"" + fp.name + "\": no selection for \"" + outcome.type->name + "\".",
                                    fp.loc, graphql::code::internal_error));
            co_return r;
        }
    }
    auto proj = build_projection(ctx.schema, *outcome.type, *selection);
    std::vector<json::field_error> ferrs;
    const auto st = json::project_object(outcome.document, *proj, r.json, ferrs);
    append_field_errors(r.errors, ferrs, fp.response_key);
    switch (st) {
    case json::transform_status::ok: r.is_null = false; break;
    case json::transform_status::null_propagated:
    case json::transform_status::null_document: r.json.clear(); break;
    case json::transform_status::malformed:
    case json::transform_status::too_deep:
        r.json.clear();
        fail(graphql::error::at("The function \"" + fp.field->function->name +
                                    "\" returned a document that is not a JSON object.",
                                fp.loc, graphql::code::internal_error));
        break;
    }
    co_return r;
}

} // namespace fraiseql::exec
