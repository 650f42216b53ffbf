// The request pipeline (docs/architecture.md): parse -> plan (validation,
// coercion) -> sql -> backend -> streaming transform -> response JSON.

#include "fraiseql/exec/engine.hpp"

#include <atomic>
#include <map>
#include <mutex>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/json/transform.hpp"
#include "fraiseql/json/writer.hpp"
#include "fraiseql/sql/compiler.hpp"
#include "context.hpp"
#include "introspection.hpp"
#include "metrics.hpp"

namespace fraiseql::exec {

namespace asio = boost::asio;
using graphql::error;
using graphql::input_value;

namespace {

input_value from_json(const boost::json::value& v, int depth = 0) {
    if (depth > 64) return input_value::null();
    switch (v.kind()) {
    case boost::json::kind::null: return input_value::null();
    case boost::json::kind::bool_: return input_value::boolean(v.get_bool());
    case boost::json::kind::int64: return input_value::integer(v.get_int64());
    case boost::json::kind::uint64:
        if (v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
            return input_value::integer(static_cast<std::int64_t>(v.get_uint64()));
        return input_value::floating(static_cast<double>(v.get_uint64()));
    case boost::json::kind::double_: return input_value::floating(v.get_double());
    case boost::json::kind::string: return input_value::string(std::string(v.get_string()));
    case boost::json::kind::array: {
        input_value::list_t items;
        for (const auto& x : v.get_array()) items.push_back(from_json(x, depth + 1));
        return input_value::list(std::move(items));
    }
    case boost::json::kind::object: {
        input_value::object_t fields;
        for (const auto& [k, x] : v.get_object()) fields.emplace_back(std::string(k), from_json(x, depth + 1));
        return input_value::object(std::move(fields));
    }
    }
    return input_value::null();
}

std::string errors_body(const std::vector<error>& errors) {
    std::string out = "{\"errors\":[";
    for (std::size_t i = 0; i < errors.size(); ++i) {
        if (i) out += ',';
        graphql::append_error_json(out, errors[i]);
    }
    out += "]}";
    return out;
}

} // namespace

struct engine::impl {
    std::shared_ptr<const graphql::schema> schema;
    std::shared_ptr<pg::pool> pool;
    config cfg;
    metrics m;

    bool production() const { return cfg.environment == environment_kind::production; }

};

engine::engine(std::shared_ptr<const graphql::schema> schema, std::shared_ptr<pg::pool> pool,
               config cfg)
    : impl_(std::make_unique<impl>()) {
    impl_->schema = std::move(schema);
    impl_->pool = std::move(pool);
    impl_->cfg = std::move(cfg);
}

engine::~engine() = default;

const config& engine::settings() const noexcept { return impl_->cfg; }
const graphql::schema& engine::schema() const noexcept { return *impl_->schema; }

asio::awaitable<response> engine::execute(request req) {
    auto& I = *impl_;
    const auto started = pg::clock::now();
    const auto dl = started + I.cfg.request_timeout;
    response res;
    std::vector<error> errors;
    auto finish = [&](response&& r) {
        I.m.observe(pg::clock::now() - started, errors);
        return std::move(r);
    };

    auto doc = graphql::parse_executable(std::move(req.query));
    if (!doc) {
        errors.push_back(error::at("Syntax Error: " + doc.error().message,
                                   {doc.error().line, doc.error().column},
                                   graphql::code::parse_failed));
        res.status = 400;
        res.body = errors_body(errors);
        co_return finish(std::move(res));
    }
    if (req.via_get) {
        auto kind = graphql::selected_operation_kind(*doc, req.operation_name);
        if (kind && *kind != graphql::operation_kind::query) {
            errors.push_back(error::at("Only queries can be sent with GET; use POST for mutations.",
                                       {}, graphql::code::bad_user_input));
            res.status = 405;
            res.mutation_over_get = true;
            res.body = errors_body(errors);
            co_return finish(std::move(res));
        }
    }
    graphql::plan_options popts{I.cfg.max_query_depth, I.cfg.max_aliases};
    auto plan = graphql::plan_operation(*I.schema, *doc, req.operation_name,
                                        from_json(req.variables), popts);
    if (!plan) {
        errors = std::move(plan.error());
        res.status = 400;
        res.body = errors_body(errors);
        co_return finish(std::move(res));
    }

    exec_context ctx{*I.schema, *I.pool, I.cfg, req.request_id, dl, {}};
    std::string data = "{";
    bool data_null = false;
    bool first = true;
    for (const auto& fp : plan->root_fields) {
        field_result r;
        if (fp.name == "__typename") {
            r.json = "\"" + (plan->kind == graphql::operation_kind::mutation ? I.schema->mutation_type_name()
                                                                            : I.schema->query_type_name()) + "\"";
        } else if (fp.name == "__schema" || fp.name == "__type") {
            write_introspection(*I.schema, fp, r.json);
            if (r.json == "null") r.is_null = true, r.json.clear();
        } else if (plan->kind == graphql::operation_kind::mutation) {
            r = co_await run_mutation(ctx, fp);
        } else if (fp.field && fp.field->root == graphql::field_def::root_kind::connection) {
            r = co_await run_connection(ctx, fp);
        } else if (fp.field && fp.field->root != graphql::field_def::root_kind::none) {
            r = co_await run_root_query(ctx, fp);
        } else {
            r.is_null = true;
            r.errors.push_back(error::at("Field \"" + fp.name + "\" has no resolver.", fp.loc,
                                         graphql::code::internal_error));
        }
        for (auto& e : r.errors) errors.push_back(std::move(e));
        if (r.is_null && fp.field && fp.field->type.is_non_null()) data_null = true;
        data += first ? "" : ",";
        first = false;
        json::append_json_string(data, fp.response_key);
        data += ':';
        data += r.is_null ? "null" : r.json;
    }
    data += '}';
    std::string& body = res.body;
    body.reserve(data.size() + 32);
    body = "{\"data\":";
    body += data_null ? "null" : data;
    if (!errors.empty()) {
        body += ",\"errors\":[";
        for (std::size_t i = 0; i < errors.size(); ++i) {
            if (i) body += ',';
            graphql::append_error_json(body, errors[i]);
        }
        body += ']';
    }
    body += '}';
    co_return finish(std::move(res));
}

std::string engine::explain(const std::string& query, const boost::json::value& variables,
                            const std::string& operation_name) const {
    auto& I = *impl_;
    auto doc = graphql::parse_executable(query);
    if (!doc)
        return errors_body({error::at("Syntax Error: " + doc.error().message,
                                      {doc.error().line, doc.error().column},
                                      graphql::code::parse_failed)});
    graphql::plan_options popts{I.cfg.max_query_depth, I.cfg.max_aliases};
    auto plan = graphql::plan_operation(*I.schema, *doc, operation_name, from_json(variables), popts);
    if (!plan) return errors_body(plan.error());
    std::string out;
    for (const auto& fp : plan->root_fields) {
        if (!fp.field || fp.field->root == graphql::field_def::root_kind::none) continue;
        auto c = sql::compile_root_query(*I.schema, fp, {I.cfg.max_page_size});
        out += "-- " + fp.response_key + "\n";
        if (!c) {
            out += errors_body(c.error()) + "\n";
            continue;
        }
        out += c->stmt.text + ";\n";
        for (std::size_t i = 0; i < c->stmt.params.size(); ++i) {
            out += "-- $" + std::to_string(i + 1) + " = ";
            out += c->stmt.params[i] ? *c->stmt.params[i] : "NULL";
            out += "\n";
        }
    }
    return out;
}

asio::awaitable<bool> engine::ready() {
    if (!impl_->pool) co_return false;
    auto lease = co_await impl_->pool->acquire(pg::clock::now() + std::chrono::seconds(2));
    if (!lease) co_return false;
    pg::statement st{"SELECT 1", {}, nullptr};
    auto r = co_await (*lease)->run(std::span<const pg::statement>(&st, 1),
                                    pg::clock::now() + std::chrono::seconds(2));
    co_return r.has_value();
}

std::string engine::metrics_text() const {
    return impl_->m.text(impl_->cfg.backend, impl_->pool ? impl_->pool->metrics() : pg::pool_metrics{});
}

} // namespace fraiseql::exec
