// xsAggregate / xsGroupBy -> SQL (product.md §3.6). One statement per root field:
//
//   SELECT jsonb_build_object('count', count(*), 'sum', jsonb_build_object('price',
//          sum(t."price")::numeric))::text FROM "v_device" AS t WHERE …
//   SELECT jsonb_build_object('key', jsonb_build_object('purchasedOn', date_trunc('month',
//          (t."data"->>'purchased_on')::timestamptz, $1::text)), 'count', count(*))::text
//     FROM … WHERE … GROUP BY <keys> HAVING … ORDER BY …, <keys> LIMIT $n OFFSET $m
//
// Fields are read as filters read them (where_builder::locate, §3.3: a real column, else the
// JSONB value cast by its GraphQL type: numbers are aggregated as numeric, never as text). The
// functions, result casts and bucket units come from the aggregate catalogue
// (include/fraiseql/graphql/aggregates.hpp). Every user value is a parameter; the time zone
// too. Only what the selection reads is computed.

#include "aggregate_select.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "fraiseql/graphql/aggregates.hpp"
#include "where_builder.hpp"

namespace fraiseql::sql {
namespace {

using graphql::input_value;
using K = input_value::kind;
using errors_t = std::vector<graphql::error>;

/// jsonb_build_object over (key, expression) pairs; at most 50 pairs per call (PostgreSQL's
/// 100 arguments), longer lists concatenated with ||.
std::string build_object(const std::vector<std::pair<std::string, std::string>>& pairs) {
    if (pairs.empty())
        return "jsonb_build_object()";
    std::string out;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        if (i % 50 == 0)
            out += i ? ") || jsonb_build_object(" : "jsonb_build_object(";
        else
            out += ", ";
        out += quote_literal(pairs[i].first) + ", " + pairs[i].second;
    }
    return out + ")";
}

struct compiler {
    const graphql::schema& s;
    const graphql::type_def& x;   ///< the @view type aggregated
    const graphql::type_def& out; ///< XAggregate or XGroup
    where_builder& wb;

    /// The SQL of `fn` over X's field `f`, or "" (and an error) when it does not apply.
    std::string aggregate(const graphql::aggregate_function& fn, const graphql::field_def& f) {
        const auto r = graphql::aggregate_result_of(s, fn, f);
        if (!r) {
            wb.fail("\"" + std::string(fn.field) + "\" does not apply to \"" + f.name + "\" of " +
                    x.name + ".");
            return "";
        }
        std::string e = wb.typed_expr(wb.locate(f, {}), f.type.name);
        const std::string sql(fn.sql);
        if (fn.distinct)
            return sql + "(DISTINCT " + e + ")";
        if (r->via_text)
            return sql + "((" + e + ")::text COLLATE \"C\")::" + std::string(r->result_cast);
        e = sql + "(" + e + ")";
        if (!r->result_cast.empty())
            e += "::" + std::string(r->result_cast);
        return e;
    }

    /// The pairs of one per-field function object (`sum { price total: price }`): each X field
    /// once, named as it is; a field authorization replaced by a stand-in reads nothing (its
    /// projection writes null, exec/authorization.cpp).
    std::string function_object(const graphql::aggregate_function& fn,
                                const graphql::field_plan& sel) {
        const graphql::type_def* obj = s.find_type(sel.field->type.name);
        std::vector<std::pair<std::string, std::string>> pairs;
        for (const auto& sub : sel.selection) {
            if (!sub.field || !obj || obj->find_field(sub.name) != sub.field)
                continue;
            if (std::any_of(pairs.begin(), pairs.end(),
                            [&](const auto& p) { return p.first == sub.name; }))
                continue;
            const graphql::field_def* f = x.find_field(sub.name);
            if (!f)
                continue;
            std::string e = aggregate(fn, *f);
            if (!e.empty())
                pairs.emplace_back(sub.name, std::move(e));
        }
        return build_object(pairs);
    }

    /// The aggregate pairs of an XAggregate / XGroup selection (all but `key`).
    void aggregates(const std::vector<graphql::field_plan>& selection,
                    std::vector<std::pair<std::string, std::string>>& pairs) {
        for (const auto& fp : selection) {
            if (!fp.field || out.find_field(fp.name) != fp.field || fp.name == "key")
                continue;
            if (std::any_of(pairs.begin(), pairs.end(),
                            [&](const auto& p) { return p.first == fp.name; })) {
                // Two aliases of one function object may select different fields: merge
                // them by selecting every field under one key.
                continue;
            }
            const graphql::aggregate_function* fn = graphql::find_aggregate_function(fp.name);
            if (!fn)
                continue;
            if (!fn->per_field) {
                pairs.emplace_back(fp.name, "count(*)");
                continue;
            }
            // Every selection of this function (aliases), merged.
            graphql::field_plan merged = fp;
            for (const auto& other : selection)
                if (&other != &fp && other.name == fp.name && other.field == fp.field)
                    merged.selection.insert(merged.selection.end(), other.selection.begin(),
                                            other.selection.end());
            pairs.emplace_back(fp.name, function_object(*fn, merged));
        }
    }
};

/// One key of the grouping: the X field and its SQL expression.
struct group_key {
    const graphql::field_def* field = nullptr;
    std::string expr;
};

bool desc_of(const std::string& dir) {
    return dir.rfind("DESC", 0) == 0;
}
where_builder::order_term::nulls nulls_of(const std::string& dir) {
    using N = where_builder::order_term::nulls;
    if (dir.find("NULLS_FIRST") != std::string::npos)
        return N::first;
    if (dir.find("NULLS_LAST") != std::string::npos)
        return N::last;
    return N::default_;
}

} // namespace

fraiseql::result<root_query, errors_t> compile_aggregate_query(const graphql::schema& s,
                                                               const graphql::field_plan& field,
                                                               const compile_options& opts) {
    const graphql::field_def& fd = *field.field;
    const graphql::type_def* x = s.find_type(fd.aggregate_of);
    const graphql::type_def* out_type = s.find_type(fd.type.name);
    if (!x || !out_type || (!x->view && fd.view_override.empty()))
        return failure{
            errors_t{graphql::error::at("Field \"" + fd.name + "\" has no @view to aggregate.",
                                        field.loc, graphql::code::internal_error)}};
    graphql::view_def view = x->view ? *x->view : graphql::view_def{};
    if (!fd.view_override.empty())
        view.name = fd.view_override;

    root_query q;
    q.node_type = out_type;
    const bool grouped = fd.root == graphql::field_def::root_kind::group_by;
    q.kind = grouped ? root_query::shape::list : root_query::shape::single;
    where_builder wb(s, view, q.stmt.params, field.loc);
    compiler c{s, *x, *out_type, wb};

    std::string where;
    if (const auto* w = field.arg("where"); w && !w->is_null())
        where = wb.where(*x, *w);

    std::vector<std::pair<std::string, std::string>> pairs;
    std::vector<group_key> keys;
    std::string having, order, limit_clause;
    if (grouped) {
        // The zone is one parameter, shared by every bucketed DateTime key.
        std::string zone;
        auto zone_param = [&] {
            if (zone.empty()) {
                const auto* z = field.arg("timezone");
                zone = wb.param(z && !z->is_null() ? z->as_string() : std::string("UTC"), "text");
            }
            return zone;
        };
        const auto* by = field.arg("by");
        if (!by || by->type() != K::list || by->as_list().empty())
            wb.fail("The by argument of \"" + field.response_key +
                    "\" is empty: give at least one "
                    "field to group by.");
        else
            for (const auto& item : by->as_list()) {
                const auto* fname = item.find("field");
                const graphql::field_def* f =
                    fname && !fname->is_null() ? x->find_field(fname->as_string()) : nullptr;
                if (!f || !graphql::groupable(s, *f)) {
                    wb.fail("Cannot group " + x->name + " by \"" +
                            (fname && !fname->is_null() ? fname->as_string() : std::string()) +
                            "\": not a groupable field.");
                    continue;
                }
                std::string e = wb.typed_expr(wb.locate(*f, {}), f->type.name);
                if (const auto* b = item.find("bucket"); b && !b->is_null()) {
                    const graphql::time_bucket* tb = graphql::find_time_bucket(b->as_string());
                    const bool date = f->type.name == "Date";
                    if (!tb || !graphql::bucketable(f->type.name) || (date && !tb->dates)) {
                        wb.fail("Cannot bucket \"" + f->name + "\" (" + f->type.name + ") by " +
                                b->as_string() + ".");
                        continue;
                    }
                    const std::string unit = quote_literal(tb->unit);
                    // A date is truncated as a timestamp without zone (no session TimeZone
                    // involved); a timestamptz in the request's zone (PostgreSQL 12+'s
                    // three-argument date_trunc handles DST), UTC by default.
                    if (date)
                        e = "date_trunc(" + unit + ", (" + e + ")::timestamp)::date";
                    else
                        e = "date_trunc(" + unit + ", " + e + ", " + zone_param() + ")";
                }
                keys.push_back({f, std::move(e)});
            }
        // The key object: the selected key fields that are grouped by (the others are null).
        std::vector<std::pair<std::string, std::string>> key_pairs;
        bool key_selected = false;
        for (const auto& fp : field.selection) {
            if (fp.name != "key" || !fp.field || out_type->find_field("key") != fp.field)
                continue;
            key_selected = true;
            const graphql::type_def* kt = s.find_type(fp.field->type.name);
            for (const auto& sub : fp.selection) {
                if (!sub.field || !kt || kt->find_field(sub.name) != sub.field)
                    continue;
                if (std::any_of(key_pairs.begin(), key_pairs.end(),
                                [&](const auto& p) { return p.first == sub.name; }))
                    continue;
                for (const auto& k : keys)
                    if (k.field->name == sub.name)
                        key_pairs.emplace_back(sub.name, k.expr);
            }
        }
        if (key_selected)
            pairs.emplace_back("key", build_object(key_pairs));

        // having: the scalar filters of the aggregates' result types, on the aggregates.
        struct having_walker {
            compiler& c;
            where_builder& wb;
            const graphql::type_def& out;
            std::string walk(const input_value& h, int depth) {
                if (depth > static_cast<int>(graphql::max_having_depth)) {
                    wb.fail("having is nested too deeply (more than " +
                            std::to_string(graphql::max_having_depth) + " levels).");
                    return "FALSE";
                }
                std::vector<std::string> conds;
                for (const auto& [name, v] : h.as_object()) {
                    if (v.is_null()) {
                        wb.fail("\"" + name + "\" in having was given null; omit it.");
                        continue;
                    }
                    if (name == "AND" || name == "OR") {
                        std::vector<std::string> parts;
                        for (const auto& item : v.as_list()) {
                            std::string e = walk(item, depth + 1);
                            parts.push_back(e.empty() ? "TRUE" : e);
                        }
                        if (parts.empty())
                            conds.push_back(name == "AND" ? "TRUE" : "FALSE");
                        else
                            conds.push_back("(" + join(parts, name == "AND" ? " AND " : " OR ") +
                                            ")");
                        continue;
                    }
                    if (name == "NOT") {
                        std::string e = walk(v, depth + 1);
                        conds.push_back(e.empty() ? "FALSE" : "NOT COALESCE(" + e + ", FALSE)");
                        continue;
                    }
                    const graphql::aggregate_function* fn = graphql::find_aggregate_function(name);
                    if (!fn) {
                        wb.fail("Unknown having field \"" + name + "\".");
                        continue;
                    }
                    if (!fn->per_field) {
                        where_builder::location loc;
                        loc.column = true;
                        loc.expr = "count(*)";
                        std::string e = wb.field_filter(*out.find_field("count"), v, loc);
                        if (!e.empty())
                            conds.push_back(std::move(e));
                        continue;
                    }
                    // {sum: {price: {gt: 100}}}: the XSum field gives the filter's type.
                    const graphql::field_def* fobj = out.find_field(name);
                    const graphql::type_def* obj = fobj ? c.s.find_type(fobj->type.name) : nullptr;
                    for (const auto& [fname, ops] : v.as_object()) {
                        const graphql::field_def* rf = obj ? obj->find_field(fname) : nullptr;
                        const graphql::field_def* f = c.x.find_field(fname);
                        if (!rf || !f) {
                            wb.fail("Unknown having field \"" + name + "." + fname + "\".");
                            continue;
                        }
                        if (ops.is_null()) {
                            wb.fail("\"" + name + "." + fname +
                                    "\" in having was given null; "
                                    "omit it.");
                            continue;
                        }
                        where_builder::location loc;
                        loc.column = true;
                        loc.expr = c.aggregate(*fn, *f);
                        if (loc.expr.empty())
                            continue;
                        std::string e = wb.field_filter(*rf, ops, loc);
                        if (!e.empty())
                            conds.push_back(std::move(e));
                    }
                }
                if (conds.empty())
                    return "";
                if (conds.size() == 1)
                    return conds[0];
                return "(" + join(conds, " AND ") + ")";
            }
        } hw{c, wb, *out_type};
        if (const auto* h = field.arg("having"); h && !h->is_null()) {
            if (wb.check_text(*h, "having"))
                having = hw.walk(*h, 0);
        }

        // orderBy: key fields (grouped by) and aggregates; then every key, so that pages of
        // groups are stable (the groups are unique by their key).
        std::vector<std::string> terms, ordered; // ordered: the expressions already keys
        auto term = [&](std::string expr, const input_value& dir) {
            where_builder::order_term t;
            ordered.push_back(expr);
            t.expr = std::move(expr);
            t.desc = desc_of(dir.as_string());
            t.nulls_at = nulls_of(dir.as_string());
            terms.push_back(t.sql());
        };
        if (const auto* ob = field.arg("orderBy"); ob && !ob->is_null())
            for (const auto& item : ob->as_list())
                for (const auto& [name, v] : item.as_object()) {
                    if (v.is_null())
                        continue;
                    if (name == "key") {
                        for (const auto& [kname, dir] : v.as_object()) {
                            if (dir.is_null())
                                continue;
                            auto k =
                                std::find_if(keys.begin(), keys.end(), [&](const group_key& g) {
                                    return g.field->name == kname;
                                });
                            if (k == keys.end())
                                wb.fail("Cannot order groups by key field \"" + kname +
                                        "\": it is not in by.");
                            else
                                term(k->expr, dir);
                        }
                        continue;
                    }
                    const graphql::aggregate_function* fn = graphql::find_aggregate_function(name);
                    if (!fn) {
                        wb.fail("Unknown orderBy field \"" + name + "\".");
                        continue;
                    }
                    if (!fn->per_field) {
                        term("count(*)", v);
                        continue;
                    }
                    for (const auto& [fname, dir] : v.as_object()) {
                        if (dir.is_null())
                            continue;
                        const graphql::field_def* f = x->find_field(fname);
                        std::string e = f ? c.aggregate(*fn, *f) : std::string();
                        if (!f)
                            wb.fail("Unknown orderBy field \"" + name + "." + fname + "\".");
                        if (!e.empty())
                            term(std::move(e), dir);
                    }
                }
        for (const auto& k : keys)
            if (std::find(ordered.begin(), ordered.end(), k.expr) == ordered.end())
                terms.push_back(k.expr + " ASC");
        order = join(terms, ", ");

        std::int64_t limit = opts.max_page_size;
        if (const auto* l = field.arg("limit"); l && !l->is_null()) {
            if (l->as_int() < 0)
                wb.fail("\"limit\" must not be negative.");
            limit = std::min<std::int64_t>(l->as_int(), opts.max_page_size);
        }
        limit_clause = " LIMIT " + wb.param(std::to_string(limit), "int8");
        if (const auto* o = field.arg("offset"); o && !o->is_null()) {
            if (o->as_int() < 0)
                wb.fail("\"offset\" must not be negative.");
            limit_clause += " OFFSET " + wb.param(std::to_string(o->as_int()), "int8");
        }
    }
    c.aggregates(field.selection, pairs);
    if (!wb.errors().empty())
        return failure{wb.take_errors()};

    std::string& sql = q.stmt.text;
    sql = "SELECT " + build_object(pairs) + "::text FROM " + quote_relation(view.name) + " AS t";
    if (!where.empty())
        sql += " WHERE " + where;
    if (grouped) {
        std::vector<std::string> group_exprs;
        for (const auto& k : keys)
            group_exprs.push_back(k.expr);
        sql += " GROUP BY " + join(group_exprs, ", ");
        if (!having.empty())
            sql += " HAVING " + having;
        sql += " ORDER BY " + order;
        sql += limit_clause;
    }
    return q;
}

} // namespace fraiseql::sql
