// Root query fields -> one SELECT each (product.md §3).

#include "fraiseql/sql/compiler.hpp"

#include "aggregate_select.hpp"
#include "document_select.hpp"
#include "where_builder.hpp"

namespace fraiseql::sql {

std::string quote_ident(std::string_view ident) {
    std::string out = "\"";
    for (char c : ident) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string quote_relation(std::string_view relation) {
    std::string out;
    while (true) {
        auto dot = relation.find('.');
        out += quote_ident(relation.substr(0, dot));
        if (dot == std::string_view::npos) break;
        out += '.';
        relation.remove_prefix(dot + 1);
    }
    return out;
}

std::string quote_literal(std::string_view s) {
    // Like PostgreSQL's quote_literal(): with a backslash in the text, the E'' form with
    // doubled backslashes reads the same whatever standard_conforming_strings says.
    const bool escape = s.find('\\') != std::string_view::npos;
    std::string out = escape ? "E'" : "'";
    for (char c : s) {
        if (c == '\'' || (escape && c == '\\')) out += c;
        out += c;
    }
    out += '\'';
    return out;
}

namespace {

using errors_t = std::vector<graphql::error>;

} // namespace

fraiseql::result<root_query, errors_t>
compile_root_query(const graphql::schema& s, const graphql::field_plan& field,
                   const compile_options& opts) {
    return compile_root_query(s, field, opts, nullptr);
}

fraiseql::result<root_query, errors_t>
compile_root_query(const graphql::schema& s, const graphql::field_plan& field,
                   const compile_options& opts, std::vector<param_source>* sources) {
    errors_t errors;
    const graphql::field_def& fd = *field.field;
    if (fd.root == graphql::field_def::root_kind::aggregate ||
        fd.root == graphql::field_def::root_kind::group_by)
        return compile_aggregate_query(s, field, opts); // product.md §3.6
    const auto src = root_source_of(s, fd);
    if (!src) {
        errors.push_back(graphql::error::at("Field \"" + fd.name + "\" has no @view to read from.",
                                            field.loc, graphql::code::internal_error));
        return failure{std::move(errors)};
    }
    const graphql::type_def* node = src->node;
    const graphql::view_def& view = src->view;

    root_query out;
    out.node_type = node;
    where_builder wb(s, view, out.stmt.params, field.loc);
    // The parameters [first, end) just made from argument `arg`'s whole value.
    auto note = [&](std::string_view arg, param_source::use as, std::size_t first) {
        if (sources)
            sources->push_back({arg, as, first, out.stmt.params.size() - first});
    };
    std::string where;
    std::string order;
    std::string limit_clause;

    if (fd.root == graphql::field_def::root_kind::single) {
        out.kind = root_query::shape::single;
        std::vector<std::string> conds;
        for (const auto& [name, v] : field.args) {
            const auto* f = node->find_field(name);
            if (!f) continue;
            const std::size_t first = out.stmt.params.size();
            conds.push_back(wb.equality(*f, v));
            note(name, param_source::use::equality, first);
        }
        where = conds.empty() ? "" : join(conds, " AND ");
        limit_clause = " LIMIT 1";
    } else {
        out.kind = fd.root == graphql::field_def::root_kind::connection ? root_query::shape::connection
                                                                        : root_query::shape::list;
        if (const auto* w = field.arg("where"); w && !w->is_null()) {
            // Each operand parameter is recorded with the operand it was made from (the
            // compiled-plan cache's where slots, param_source).
            wb.record_operands(sources);
            where = wb.where(*node, *w);
            wb.record_operands(nullptr);
        }
        // Bound arguments (docs/filtering.md "Defaults on root fields"): any other argument of
        // a list field names a field of the node and, when given, is an equality filter ANDed
        // with `where`; omitted or null, it filters nothing.
        for (const auto& [name, v] : field.args) {
            if (v.is_null() || name == "where" || name == "orderBy" || name == "limit" ||
                name == "offset")
                continue;
            if (const auto* f = node->find_field(name)) {
                const std::size_t first = out.stmt.params.size();
                const std::string eq = wb.equality(*f, v);
                note(name, param_source::use::equality, first);
                where = where.empty() ? eq : "(" + where + ") AND " + eq;
            }
        }
        if (const auto* ob = field.arg("orderBy"); ob && !ob->is_null()) order = wb.order_by(*node, *ob);
        std::int64_t limit = opts.max_page_size;
        if (const auto* l = field.arg("limit"); l && !l->is_null()) {
            if (l->as_int() < 0) wb.fail("\"limit\" must not be negative.");
            limit = std::min<std::int64_t>(l->as_int(), opts.max_page_size);
        }
        const std::size_t limit_at = out.stmt.params.size();
        limit_clause = " LIMIT " + wb.param(std::to_string(limit), "int8");
        if (const auto* l = field.arg("limit"); l && !l->is_null())
            note("limit", param_source::use::limit, limit_at);
        if (const auto* o = field.arg("offset"); o && !o->is_null()) {
            if (o->as_int() < 0) wb.fail("\"offset\" must not be negative.");
            const std::size_t first = out.stmt.params.size();
            limit_clause += " OFFSET " + wb.param(std::to_string(o->as_int()), "int8");
            note("offset", param_source::use::offset, first);
        }
    }
    if (!wb.errors().empty()) return failure{wb.take_errors()};

    std::string& sql = out.stmt.text;
    // A connection's rows are its nodes (the selection under `edges { node }`).
    std::vector<const std::vector<graphql::field_plan>*> sel{&field.selection};
    if (out.kind == root_query::shape::connection) sel = connection_node_selections(field);
    const document_expr doc = document_select(view, sel);
    // Projecting in SQL: the read is a derived table selecting the document once per row
    // (document_expr, ADR 0004); the outer scan keeps the derived table's row order.
    sql = "SELECT " + (doc.inner.empty() ? doc.outer : doc.inner + " AS d") + " FROM " +
          quote_relation(view.name) + " AS t";
    if (!where.empty()) sql += " WHERE " + where;
    if (!order.empty()) sql += " ORDER BY " + order;
    sql += limit_clause;
    if (!doc.inner.empty()) sql = "SELECT " + doc.outer + " FROM (" + sql + ") AS p";
    return out;
}

} // namespace fraiseql::sql
