// Relay connections (product.md §3.4): one keyset statement (sql/connection),
// then the connection object written in selection order. A page is bounded by
// max_page_size, so its rows are copied and assembled once complete (pageInfo
// may be selected before edges and needs the whole page).

#include "fraiseql/sql/connection.hpp"

#include <algorithm>

#include "context.hpp"
#include "fraiseql/json/transform.hpp"
#include "fraiseql/json/writer.hpp"
#include "projecting_sink.hpp"
#include "projection_builder.hpp"

namespace fraiseql::exec {

namespace {

using opt_text = std::optional<std::string>;

struct page_row {
    std::string doc;
    std::string key;
};

/// Copies the page (column 2 document, column 3 cursor key) and the header
/// columns of the first row (count, other-side check).
class page_sink final : public pg::row_sink {
public:
    explicit page_sink(std::size_t max_rows) : max_rows_(max_rows) {}
    boost::asio::awaitable<bool> on_rows(std::span<const pg::row_view> rows) override {
        for (const auto& row : rows) {
            if (row.size() < 4) continue;
            if (!header_seen_) {
                header_seen_ = true;
                if (!row[0].is_null()) total = std::string(row[0].text());
                if (!row[1].is_null()) other = row[1].text() == "t";
            }
            if (row[2].is_null() || rows_.size() >= max_rows_) continue;
            rows_.push_back({std::string(row[2].text()), std::string(row[3].text())});
        }
        co_return true;
    }
    std::vector<page_row>& rows() noexcept { return rows_; }
    opt_text total;
    bool other = false;

private:
    std::size_t max_rows_;
    bool header_seen_ = false;
    std::vector<page_row> rows_;
};

} // namespace

boost::asio::awaitable<field_result> run_connection(exec_context& ctx, const graphql::field_plan& fp,
                                                   const sql::bound_root* pre) {
    field_result r;
    r.is_null = true;
    // The page's statement and what its assembly needs: precompiled for the operation's
    // shape with this request's parameters (a plan-cache hit, docs/adr/0017), or compiled
    // here. Views into `pre` or `compiled`.
    std::optional<sql::connection_query> compiled;
    std::string_view text;
    std::vector<pg::param> params;
    std::uint32_t page_size = 0;
    bool backward = false, other_side_checked = false;
    std::string_view signature;
    const graphql::type_def* node_type = nullptr;
    const std::vector<std::shared_ptr<const json::projection>>* node_projections = nullptr;
    if (pre && pre->compiled && pre->compiled->connection) {
        const auto& cn = *pre->compiled->connection;
        text = pre->compiled->text;
        params.reserve(pre->params.size());
        for (const auto& p : pre->params)
            params.push_back(p.null ? pg::param::null_value() : pg::param::text(p.text));
        page_size = pre->page_size;
        backward = cn.backward;
        other_side_checked = cn.other_side_checked;
        signature = cn.signature;
        node_type = pre->compiled->node_type;
        if (!cn.node_projections.empty()) node_projections = &cn.node_projections;
    } else {
        auto q = sql::compile_connection(ctx.schema, fp, ctx.cfg.max_page_size);
        if (!q) {
            for (auto& e : q.error()) {
                e.path = {fp.response_key};
                r.errors.push_back(std::move(e));
            }
            co_return r;
        }
        compiled = std::move(*q);
        text = compiled->stmt.text;
        params.reserve(compiled->stmt.params.size());
        for (const auto& p : compiled->stmt.params)
            params.push_back(p ? pg::param::text(*p) : pg::param::null_value());
        page_size = compiled->page_size;
        backward = compiled->backward;
        other_side_checked = compiled->other_side_checked;
        signature = compiled->signature;
        node_type = compiled->node_type;
    }

    auto lease = co_await ctx.pool.acquire(std::min(ctx.deadline, pg::clock::now() + ctx.cfg.pool_timeout));
    if (!lease) {
        r.errors.push_back(database_error(ctx, lease.error(), fp));
        co_return r;
    }
    page_sink sink(std::size_t(page_size) + 1);
    pg::result<void> ran;
    {
        session_run run(ctx, **lease, text, params, &sink);
        ran = co_await run.start();
    }
    if (!ran) {
        r.errors.push_back(database_error(ctx, ran.error(), fp));
        co_return r;
    }
    *lease = pg::lease(); // give the connection back before the assembly
    auto& rows = sink.rows();
    const bool more = rows.size() > page_size;
    if (more) rows.pop_back(); // the extra row only says that there is more
    if (backward) std::reverse(rows.begin(), rows.end());
    const bool has_next = backward ? (other_side_checked && sink.other) : more;
    const bool has_previous = backward ? more : (other_side_checked && sink.other);
    std::vector<std::string> cursors;
    cursors.reserve(rows.size());
    for (const auto& row : rows) cursors.push_back(sql::encode_cursor(signature, row.key));

    const graphql::type_def* conn_type = ctx.schema.find_type(fp.field->type.name);
    std::string& out = r.json;
    out = "{";
    bool first = true;
    auto key = [&](const std::string& k) {
        if (!first) out += ',';
        first = false;
        json::append_json_key(out, k);
    };
    bool nulled = false; // a non-null violation reached the connection object
    std::vector<json::field_error> ferrs;
    std::size_t edge_fields = 0; // node_projections' index of the next `edges` field's first
    for (const auto& f : fp.selection) {
        key(f.response_key);
        if (f.name == "__typename") {
            json::append_json_string(out, conn_type ? conn_type->name : std::string());
        } else if (f.name == "totalCount") {
            out += sink.total ? *sink.total : "0";
        } else if (f.name == "pageInfo") {
            out += '{';
            bool pf = true;
            for (const auto& p : f.selection) {
                if (!pf) out += ',';
                pf = false;
                json::append_json_key(out, p.response_key);
                if (p.name == "__typename") json::append_json_string(out, "PageInfo");
                else if (p.name == "hasNextPage") out += has_next ? "true" : "false";
                else if (p.name == "hasPreviousPage") out += has_previous ? "true" : "false";
                else if (p.name == "startCursor" || p.name == "endCursor") {
                    if (cursors.empty()) out += "null";
                    else json::append_json_string(out, p.name == "startCursor" ? cursors.front() : cursors.back());
                } else {
                    out += "null";
                }
            }
            out += '}';
        } else if (f.name == "edges") {
            const graphql::type_def* edge_type =
                f.field ? ctx.schema.find_type(f.field->type.name) : nullptr;
            // One projection per selected `node` (aliases may select it differently): the
            // shape's, or built here.
            std::vector<std::shared_ptr<const json::projection>> node_proj;
            for (std::size_t j = 0; j < f.selection.size(); ++j) {
                const auto& e = f.selection[j];
                std::shared_ptr<const json::projection> p;
                if (e.name == "node") {
                    if (node_projections && edge_fields + j < node_projections->size())
                        p = (*node_projections)[edge_fields + j];
                    if (!p) p = build_projection(ctx.schema, *node_type, e.selection);
                }
                node_proj.push_back(std::move(p));
            }
            edge_fields += f.selection.size();
            out += '[';
            for (std::size_t i = 0; i < rows.size() && !nulled; ++i) {
                if (i) out += ',';
                out += '{';
                for (std::size_t j = 0; j < f.selection.size(); ++j) {
                    const auto& e = f.selection[j];
                    if (j) out += ',';
                    json::append_json_key(out, e.response_key);
                    if (e.name == "__typename") {
                        json::append_json_string(out, edge_type ? edge_type->name : std::string());
                    } else if (e.name == "cursor") {
                        json::append_json_string(out, cursors[i]);
                    } else if (e.name == "node") {
                        const std::size_t mark = ferrs.size();
                        auto st = json::project_object(rows[i].doc, *node_proj[j], out, ferrs);
                        for (std::size_t k = mark; k < ferrs.size(); ++k) {
                            auto& path = ferrs[k].path;
                            path.insert(path.begin(), {f.response_key, i, e.response_key});
                        }
                        if (st == json::transform_status::null_document)
                            ferrs.push_back({"Cannot return null for non-nullable field " +
                                                 (edge_type ? edge_type->name : std::string("Edge")) + ".node.",
                                             {f.response_key, i, e.response_key}, e.loc.line, e.loc.column});
                        if (st == json::transform_status::malformed || st == json::transform_status::too_deep) {
                            r.errors.push_back(graphql::error::at(
                                "The view returned a document that is not a JSON object.", fp.loc,
                                graphql::code::internal_error));
                            r.errors.back().path = {fp.response_key};
                            r.json.clear();
                            co_return r;
                        }
                        // node is T!, edges are [TEdge!]! and the connection is TConnection!:
                        // a null node nulls the whole field (GraphQL spec §6.4.4).
                        if (st != json::transform_status::ok) nulled = true;
                    } else {
                        out += "null";
                    }
                }
                out += '}';
            }
            out += ']';
        } else {
            out += "null";
        }
    }
    out += '}';
    append_field_errors(r.errors, ferrs, fp.response_key);
    if (nulled) {
        r.json.clear();
        co_return r;
    }
    r.is_null = false;
    co_return r;
}

} // namespace fraiseql::exec
