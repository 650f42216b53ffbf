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
#include "introspection.hpp"
#include "metrics.hpp"
#include "projection_builder.hpp"

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

/// Collects rows of one statement and projects them into the response as they arrive.
class projecting_sink final : public pg::row_sink {
public:
    projecting_sink(const json::projection& p, bool list, bool items_non_null, std::string& out,
                    std::vector<json::field_error>& errors)
        : p_(p), list_(list), items_non_null_(items_non_null), out_(out), errors_(errors) {}

    asio::awaitable<bool> on_rows(std::span<const pg::row_view> rows) override {
        for (const auto& row : rows) {
            if (failed_ || (!list_ && count_ > 0)) break;
            std::string_view doc = row.size() ? row[0].text() : std::string_view{};
            if (list_) out_ += count_ ? "," : "[";
            std::size_t mark = out_.size();
            std::size_t err_mark = errors_.size();
            json::transform_status st = row.size() && !row[0].is_null()
                                            ? tr_.project_object(doc, p_, out_, errors_)
                                            : json::transform_status::null_document;
            if (list_)
                for (std::size_t i = err_mark; i < errors_.size(); ++i)
                    errors_[i].path.insert(errors_[i].path.begin(), count_);
            switch (st) {
            case json::transform_status::ok: break;
            case json::transform_status::null_propagated:
            case json::transform_status::null_document:
                if (list_ && items_non_null_) {
                    if (st == json::transform_status::null_document)
                        errors_.push_back({"Cannot return null for non-nullable field " +
                                               p_.type_name() + " item.",
                                           {count_}, 0, 0});
                    list_null_ = true;
                }
                out_.resize(mark);
                out_ += "null";
                if (!list_) single_null_ = true;
                break;
            case json::transform_status::malformed:
            case json::transform_status::too_deep:
                out_.resize(mark);
                malformed_ = true;
                failed_ = true;
                break;
            }
            ++count_;
        }
        co_return !failed_;
    }

    std::size_t count() const noexcept { return count_; }
    bool malformed() const noexcept { return malformed_; }
    bool list_null() const noexcept { return list_null_; }
    bool single_null() const noexcept { return single_null_; }

private:
    const json::projection& p_;
    bool list_;
    bool items_non_null_;
    std::string& out_;
    std::vector<json::field_error>& errors_;
    json::transformer tr_;
    std::size_t count_ = 0;
    bool malformed_ = false;
    bool failed_ = false;
    bool list_null_ = false;
    bool single_null_ = false;
};

} // namespace

struct engine::impl {
    std::shared_ptr<const graphql::schema> schema;
    std::shared_ptr<pg::pool> pool;
    config cfg;
    metrics m;

    bool production() const { return cfg.environment == environment_kind::production; }

    error db_error(const pg::error& e, graphql::source_location loc, const std::string& request_id,
                   std::vector<graphql::path_element> path) {
        error out;
        out.path = std::move(path);
        if (loc.line) out.locations.push_back(loc);
        if (e.code == pg::errc::timeout) {
            out.code = graphql::code::timeout;
            out.message = "The statement exceeded statement_timeout and was cancelled.";
        } else {
            out.code = graphql::code::database_error;
            if (production()) {
                out.message = "A database error occurred (request id " + request_id + ").";
            } else if (e.code == pg::errc::server_error) {
                out.message = e.server.message;
                if (!e.server.detail.empty()) out.message += " (" + e.server.detail + ")";
            } else {
                out.message = std::string(pg::to_string(e.code)) + ": " + e.message;
            }
        }
        spdlog::warn("database error id={} code={} sqlstate={} message={}", request_id,
                     pg::to_string(e.code), e.server.code.str(),
                     e.code == pg::errc::server_error ? e.server.message : e.message);
        return out;
    }

    struct field_result {
        std::string json;     ///< the value, or empty when null
        bool is_null = false;
    };

    asio::awaitable<field_result> run_root_query(const graphql::field_plan& fp,
                                                 std::vector<error>& errors,
                                                 const std::string& request_id,
                                                 pg::deadline dl) {
        field_result r;
        auto compiled = sql::compile_root_query(*schema, fp, {cfg.max_page_size});
        if (!compiled) {
            for (auto& e : compiled.error()) {
                e.path = {fp.response_key};
                errors.push_back(std::move(e));
            }
            r.is_null = true;
            co_return r;
        }
        const auto& q = *compiled;
        if (q.kind == sql::root_query::shape::connection) {
            errors.push_back(error::at("Connections are not implemented yet.", fp.loc,
                                       graphql::code::internal_error));
            r.is_null = true;
            co_return r;
        }
        const bool list = q.kind == sql::root_query::shape::list;
        auto proj = build_projection(*schema, *q.node_type, fp.selection);
        std::vector<pg::param> params;
        params.reserve(q.stmt.params.size());
        for (const auto& p : q.stmt.params)
            params.push_back(p ? pg::param::text(*p) : pg::param::null_value());

        auto lease = co_await pool->acquire(std::min(dl, pg::clock::now() + cfg.pool_timeout));
        if (!lease) {
            errors.push_back(db_error(lease.error(), fp.loc, request_id, {fp.response_key}));
            r.is_null = true;
            co_return r;
        }
        std::vector<json::field_error> ferrs;
        std::string out;
        const bool items_non_null = fp.field->type.is_list() && fp.field->type.item().is_non_null();
        projecting_sink sink(*proj, list, items_non_null, out, ferrs);
        pg::statement st{q.stmt.text, params, &sink};
        auto ran = co_await (*lease)->run(std::span<const pg::statement>(&st, 1),
                                          std::min(dl, pg::clock::now() + cfg.statement_timeout));
        for (auto& fe : ferrs) {
            error e;
            e.message = std::move(fe.message);
            e.path.push_back(fp.response_key);
            for (auto& seg : fe.path) {
                if (auto* s = std::get_if<std::string>(&seg)) e.path.emplace_back(std::move(*s));
                else e.path.emplace_back(static_cast<std::int64_t>(std::get<std::size_t>(seg)));
            }
            if (fe.line) e.locations.push_back({fe.line, fe.column});
            errors.push_back(std::move(e));
        }
        if (!ran) {
            errors.push_back(db_error(ran.error(), fp.loc, request_id, {fp.response_key}));
            r.is_null = true;
            co_return r;
        }
        if (sink.malformed()) {
            errors.push_back(error::at("The view returned a document that is not a JSON object.",
                                       fp.loc, graphql::code::internal_error));
            r.is_null = true;
            co_return r;
        }
        if (list) {
            if (sink.list_null()) {
                r.is_null = true;
                co_return r;
            }
            if (sink.count() == 0) out = "[";
            out += ']';
            r.json = std::move(out);
        } else if (sink.count() == 0 || sink.single_null()) {
            r.is_null = true;
        } else {
            r.json = std::move(out);
        }
        co_return r;
    }
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

    std::string data = "{";
    bool data_null = false;
    bool first = true;
    for (const auto& fp : plan->root_fields) {
        std::string value;
        bool is_null = false;
        if (fp.name == "__typename") {
            value = plan->kind == graphql::operation_kind::mutation ? "\"" + I.schema->mutation_type_name() + "\""
                                                                    : "\"" + I.schema->query_type_name() + "\"";
        } else if (fp.name == "__schema" || fp.name == "__type") {
            write_introspection(*I.schema, fp, value);
            if (value == "null") is_null = true, value.clear();
        } else if (plan->kind == graphql::operation_kind::query && fp.field &&
                   fp.field->root != graphql::field_def::root_kind::none) {
            auto r = co_await I.run_root_query(fp, errors, req.request_id, dl);
            is_null = r.is_null;
            value = std::move(r.json);
        } else {
            errors.push_back(error::at("Field \"" + fp.name + "\" cannot be resolved (mutations are not implemented yet).",
                                       fp.loc, graphql::code::internal_error));
            is_null = true;
        }
        if (is_null && fp.field && fp.field->type.is_non_null()) data_null = true;
        data += first ? "" : ",";
        first = false;
        json::append_json_string(data, fp.response_key);
        data += ':';
        data += is_null ? "null" : value;
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
