#include "root_runner.hpp"

#include <algorithm>
#include <atomic>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "fraiseql/json/writer.hpp"
#include "introspection.hpp"

namespace fraiseql::exec {

namespace asio = boost::asio;
using graphql::error;
using graphql::root_resolver;

bool reads_database(const graphql::field_plan& root) noexcept {
    switch (root.resolved_by) {
    case root_resolver::list:
    case root_resolver::single:
    case root_resolver::connection:
    case root_resolver::aggregate:
    case root_resolver::group_by:
    case root_resolver::mutation: return true;
    case root_resolver::none:
    case root_resolver::typename_:
    case root_resolver::schema:
    case root_resolver::type: return false;
    }
    return false;
}

bool streams(const graphql::operation_plan& plan, const std::vector<bool>& forbidden) noexcept {
    return plan.root_fields.size() == 1 && !forbidden_at(forbidden, 0) &&
           plan.root_fields[0].resolved_by == root_resolver::list;
}

namespace {

/// A value known at once, as an awaitable (the fields answered from the schema).
asio::awaitable<field_result> ready(field_result r) { co_return r; }

} // namespace

asio::awaitable<field_result> run_root(exec_context& ctx, const graphql::field_plan& root,
                                       graphql::operation_kind kind, const sql::bound_root* pre) {
    // The database runners' awaitables are returned as they are: the caller awaits them
    // at once, while `ctx`, `root` and `pre` are alive in its frame.
    field_result r;
    switch (root.resolved_by) {
    case root_resolver::typename_: {
        const bool mutation = kind == graphql::operation_kind::mutation;
        json::append_json_string(r.json, mutation ? ctx.schema.mutation_type_name()
                                                  : ctx.schema.query_type_name());
        return ready(std::move(r));
    }
    case root_resolver::schema:
    case root_resolver::type:
        write_introspection(ctx.schema, root, r.json);
        if (r.json == "null") r.is_null = true, r.json.clear();
        return ready(std::move(r));
    case root_resolver::mutation: return run_mutation(ctx, root);
    case root_resolver::connection: return run_connection(ctx, root, pre);
    case root_resolver::list:
    case root_resolver::single:
    case root_resolver::aggregate: // product.md §3.6: compiled and projected like a read
    case root_resolver::group_by: return run_root_query(ctx, root, pre);
    case root_resolver::none: break;
    }
    r.is_null = true;
    r.errors.push_back(error::at("Field \"" + root.name + "\" has no resolver.", root.loc,
                                 graphql::code::internal_error));
    return ready(std::move(r));
}

asio::awaitable<void> run_roots(exec_context& ctx, const graphql::operation_plan& plan,
                                const std::vector<bool>& forbidden, response_stream* stream,
                                roots_outcome& out) {
    const auto& roots = plan.root_fields;
    out = roots_outcome{};
    out.results.resize(roots.size());
    auto& results = out.results;

    // Streaming: a single root list field is written to the client as its rows arrive,
    // once it outgrows the threshold (docs/http.md). The first chunk carries the head, made
    // only then: most lists never stream, and the function captures one pointer, which
    // std::function keeps inline (a larger capture, or a head made ahead, is a heap block
    // per request).
    struct flusher {
        roots_outcome& out;
        response_stream& stream;
        const std::string& key;
    };
    std::optional<flusher> fl;
    if (stream && streams(plan, forbidden)) {
        fl.emplace(flusher{out, *stream, roots[0].response_key});
        ctx.flush = [f = &*fl](std::string& pending) -> asio::awaitable<bool> {
            if (!f->out.stream_started) {
                f->out.stream_started = true;
                std::string head = "{\"data\":{";
                json::append_json_string(head, f->key);
                head += ':';
                pending.insert(0, head);
            }
            bool ok = co_await f->stream.write(pending);
            pending.clear();
            co_return ok;
        };
    }
    // The flush function refers to this frame: it must not outlive it.
    struct clear_flush {
        exec_context& ctx;
        ~clear_flush() { ctx.flush = nullptr; }
    } clear{ctx};

    const bool is_mutation = plan.kind == graphql::operation_kind::mutation;
    std::size_t db_fields = 0;
    for (std::size_t i = 0; i < roots.size(); ++i)
        db_fields += reads_database(roots[i]) && !forbidden_at(forbidden, i);
    if (is_mutation || db_fields <= 1) {
        // Mutations run serially, in order (GraphQL spec §6.2.2).
        bool data_nulled = false;
        for (std::size_t i = 0; i < roots.size(); ++i) {
            // A forbidden mutation does not run; nor does any after a non-null
            // field's failure has nulled `data` (spec §6.4.4 propagation).
            if (forbidden_at(forbidden, i) || data_nulled) results[i].is_null = true;
            else results[i] = co_await run_root(ctx, roots[i], plan.kind, ctx.precompiled_at(i));
            if (results[i].is_null && roots[i].field && roots[i].field->type.is_non_null())
                data_nulled = true;
        }
        co_return;
    }
    // Several root queries: one statement each, run concurrently, merged in selection
    // order. At most `lanes` run at once, each on its own connection (the rest queue
    // behind them inside this request): a request with max_aliases root fields must not
    // take the whole pool while other clients wait for it (product.md §9). Each lane
    // takes the next root field until none is left.
    const std::size_t lanes = std::min<std::size_t>(
        {roots.size(), std::size_t{4}, std::max<std::size_t>(1, (ctx.cfg.pool_size + 1) / 2)});
    auto ex = co_await asio::this_coro::executor;
    std::atomic<std::size_t> next{0};
    auto lane = [&]() -> asio::awaitable<void> {
        for (std::size_t i = next++; i < roots.size(); i = next++) {
            if (forbidden_at(forbidden, i)) {
                results[i].is_null = true;
                continue;
            }
            try {
                results[i] = co_await run_root(ctx, roots[i], plan.kind, ctx.precompiled_at(i));
            } catch (const std::exception& e) {
                spdlog::error("request {}: root field {} failed: {}", ctx.request_id,
                              roots[i].response_key, e.what());
                results[i] = field_result{};
                results[i].is_null = true;
                results[i].errors.push_back(
                    error::at("Internal error.", roots[i].loc, graphql::code::internal_error));
            }
        }
    };
    using op_t = decltype(asio::co_spawn(ex, lane(), asio::deferred));
    std::vector<op_t> ops;
    ops.reserve(lanes);
    for (std::size_t k = 0; k < lanes; ++k)
        ops.push_back(asio::co_spawn(ex, lane(), asio::deferred));
    (void)co_await asio::experimental::make_parallel_group(std::move(ops))
        .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
}

} // namespace fraiseql::exec
