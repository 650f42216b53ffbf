// Root list and single-object fields of Query (product.md §3).

#include <boost/container/small_vector.hpp>

#include "context.hpp"
#include "fraiseql/sql/compiler.hpp"
#include "fraiseql/sql/plan_cache.hpp"
#include "projecting_sink.hpp"
#include "projection_builder.hpp"
#include "recycled.hpp"

namespace fraiseql::exec {

namespace {

// What run_root_query keeps across its awaits, out of its coroutine frame so that the frame
// fits Asio's frame recycling (recycled.hpp; the pipeline's statements alone are 440 bytes).
// Members in the order the function used to declare them: destroyed in reverse.
struct root_query_state {
    std::optional<sql::root_query> compiled;
    // The usual few parameters (a by-id lookup has one, a list its limit) inline; more
    // spill to the heap.
    boost::container::small_vector<pg::param, 8> params;
    std::vector<json::field_error> ferrs;
    std::optional<projecting_sink> sink;
    std::optional<session_run> run;
};

/// `t.is_list() && t.item().is_non_null()` without the copies item() makes of the type (two
/// heap blocks per request): a list, under an optional outer non-null, of non-null items.
bool items_non_null_list(const graphql::type_expr& t) noexcept {
    using wrap = graphql::type_expr::wrap;
    const std::size_t i = t.is_non_null() ? 1 : 0;
    return i + 1 < t.wrappers.size() && t.wrappers[i] == wrap::list &&
           t.wrappers[i + 1] == wrap::non_null;
}

} // namespace

boost::asio::awaitable<field_result> run_root_query(exec_context& ctx, const graphql::field_plan& fp,
                                                   const sql::bound_root* pre) {
    field_result r;
    // A plan-cache hit brings the statement compiled for the operation's shape and this
    // request's parameters (docs/adr/0017-compiled-plan-cache.md); otherwise compile here.
    recycled<root_query_state> st;
    std::optional<sql::root_query>& compiled = st->compiled;
    std::shared_ptr<const json::projection> proj;
    std::string_view text;
    auto& params = st->params;
    bool list = false;
    if (pre && pre->compiled) {
        list = pre->compiled->kind == sql::root_query::shape::list;
        text = pre->compiled->text;
        proj = pre->compiled->projection;
        if (!proj) proj = build_projection(ctx.schema, *pre->compiled->node_type, fp.selection);
        params.reserve(pre->params.size());
        for (const auto& p : pre->params)
            params.push_back(p.null ? pg::param::null_value() : pg::param::text(p.text));
    } else {
        auto c = sql::compile_root_query(ctx.schema, fp, {ctx.cfg.max_page_size});
        if (!c) {
            for (auto& e : c.error()) {
                e.path = {fp.response_key};
                r.errors.push_back(std::move(e));
            }
            r.is_null = true;
            co_return r;
        }
        compiled = std::move(*c);
        const auto& q = *compiled;
        list = q.kind == sql::root_query::shape::list;
        text = q.stmt.text;
        proj = build_projection(ctx.schema, *q.node_type, fp.selection);
        params.reserve(q.stmt.params.size());
        for (const auto& p : q.stmt.params)
            params.push_back(p ? pg::param::text(*p) : pg::param::null_value());
    }

    auto lease = co_await ctx.pool.acquire(std::min(ctx.deadline, pg::clock::now() + ctx.cfg.pool_timeout));
    if (!lease) {
        r.errors.push_back(database_error(ctx, lease.error(), fp));
        r.is_null = true;
        co_return r;
    }
    // The sink and the run end before the lease gives the connection back, as when they
    // were this frame's locals declared after it (also when the frame is destroyed early).
    struct end_before_lease {
        root_query_state& s;
        ~end_before_lease() {
            s.run.reset();
            s.sink.reset();
        }
    } end_first{*st};
    std::vector<json::field_error>& ferrs = st->ferrs;
    const bool items_non_null = items_non_null_list(fp.field->type);
    projecting_sink& sink = st->sink.emplace(*proj, list, items_non_null, r.json, ferrs);
    if (list && ctx.flush) sink.stream_to(&ctx.flush, ctx.stream_threshold, &ctx.flushed);
    pg::result<void> ran;
    // The run's client-disconnect scope ends with it (session_run's rule).
    ran = co_await st->run
              .emplace(ctx, **lease, text,
                       std::span<const pg::param>(params.data(), params.size()), &sink)
              .start();
    st->run.reset();
    append_field_errors(r.errors, ferrs, fp.response_key);
    if (!ran) {
        r.errors.push_back(database_error(ctx, ran.error(), fp));
        r.is_null = true;
        r.json.clear();
        co_return r;
    }
    if (sink.malformed()) {
        r.errors.push_back(graphql::error::at(
            "The view returned a document that is not a JSON object.", fp.loc, graphql::code::internal_error));
        r.is_null = true;
        r.json.clear();
        co_return r;
    }
    if (list) {
        if (sink.list_null()) {
            r.is_null = true;
            r.json.clear();
            co_return r;
        }
        sink.finish();
    } else if (sink.count() == 0 || sink.single_null()) {
        r.is_null = true;
        r.json.clear();
    }
    co_return r;
}

} // namespace fraiseql::exec
