// FraiseQL's root fields (product.md §2-§4): list, single-object and Relay connection fields
// on Query (with their arguments and connection types), and the checks of Mutation fields and
// their result types.

#include <set>
#include <string>
#include <vector>

#include "fraiseql/graphql/planner.hpp"
#include "graphql/schema/builder.hpp"

namespace fraiseql::graphql::detail {

const type_def* builder::view_type_of(const field_def& f) {
    const type_def* t = s->find_type(f.type.name);
    if (!t || t->kind != named_kind::object) return nullptr;
    if (t->view || !f.view_override.empty()) return t;
    return nullptr;
}

void builder::pregenerate_view_inputs() {
    const type_def* q = s->find_type(s->query_type_name());
    if (!q) return;
    std::set<std::string> seen;
    for (const auto& f : q->fields)
        if (const type_def* vt = view_type_of(f)) {
            // In generate_root_fields' order, so introspection lists the types as before.
            ensure_where_and_order(vt->name, seen);
            ensure_order_direction();
            if (f.type.is_list() && opts.generate_connections && !q->find_field(f.name + "Connection"))
                ensure_connection_types(*vt);
        }
}

void builder::ensure_connection_types(const type_def& node) {
    const auto N = [](std::string n) { return type_expr::named(std::move(n)); };
    if (!s->find_type("PageInfo")) {
        type_def p;
        p.kind = named_kind::object;
        p.name = "PageInfo";
        p.description = "Relay page information.";
        p.generated = true;
        auto fld = [](std::string n, type_expr t) {
            field_def f;
            f.name = std::move(n);
            f.type = std::move(t);
            f.key = field_key(f.name);
            return f;
        };
        p.fields = {fld("hasNextPage", N("Boolean").non_null_of()),
                    fld("hasPreviousPage", N("Boolean").non_null_of()),
                    fld("startCursor", N("String")), fld("endCursor", N("String"))};
        s->add_type(std::move(p));
    }
    std::string edge = node.name + "Edge", conn = node.name + "Connection";
    if (!s->find_type(edge)) {
        type_def e;
        e.kind = named_kind::object;
        e.name = edge;
        e.description = "An edge of a " + conn + ".";
        e.generated = true;
        field_def c; c.name = "cursor"; c.type = N("String").non_null_of(); c.key = "cursor";
        field_def n; n.name = "node"; n.type = N(node.name).non_null_of(); n.key = "node";
        e.fields = {c, n};
        s->add_type(std::move(e));
    }
    if (!s->find_type(conn)) {
        type_def c;
        c.kind = named_kind::object;
        c.name = conn;
        c.description = "A Relay connection of " + node.name + ".";
        c.generated = true;
        field_def e; e.name = "edges"; e.type = N(edge).non_null_of().list_of().non_null_of(); e.key = "edges";
        field_def p; p.name = "pageInfo"; p.type = N("PageInfo").non_null_of(); p.key = "page_info";
        field_def t; t.name = "totalCount"; t.type = N("Int").non_null_of(); t.key = "total_count";
        c.fields = {e, p, t};
        s->add_type(std::move(c));
    }
}

void builder::generate_root_fields() {
    type_def* q = s->find_type_mut(s->query_type_name());
    if (!q) {
        fail("The schema has no Query type.", {});
        return;
    }
    std::set<std::string> seen;
    std::vector<field_def> extra;
    const auto N = [](std::string n) { return type_expr::named(std::move(n)); };
    for (auto& f : q->fields) {
        const type_def* vt = view_type_of(f);
        const type_def* named = s->find_type(f.type.name);
        if (!vt) {
            if (named && named->kind == named_kind::object && f.type.is_list())
                fail("Root field \"" + f.name + "\" returns a list of \"" + named->name +
                         "\", which has no @view: add @view(name: \"...\") to the type or "
                         "the field.",
                     f.loc);
            else if (named && named->kind == named_kind::object)
                fail("Root field \"" + f.name + "\" returns \"" + named->name +
                         "\", which has no @view.",
                     f.loc);
            continue;
        }
        ensure_where_and_order(vt->name, seen);
        ensure_order_direction();
        if (f.type.is_list()) {
            f.root = field_def::root_kind::list;
            if (!f.find_arg("where")) f.args.push_back(in("where", N(vt->name + "WhereInput"), "Filter."));
            if (!f.find_arg("orderBy"))
                f.args.push_back(in("orderBy", N(vt->name + "OrderByInput").non_null_of().list_of(),
                                    "Sort keys, most significant first."));
            if (!f.find_arg("limit")) f.args.push_back(in("limit", N("Int"), "At most this many (capped by max_page_size)."));
            if (!f.find_arg("offset")) f.args.push_back(in("offset", N("Int"), "Skip this many."));
            for (const auto& a : f.args) {
                if (a.name == "where" || a.name == "orderBy" || a.name == "limit" ||
                    a.name == "offset")
                    continue;
                const field_def* target = vt->find_field(a.name);
                const type_def* tt = target ? s->find_type(target->type.name) : nullptr;
                if (!tt || target->type.is_list() ||
                    (tt->kind != named_kind::scalar && tt->kind != named_kind::enum_))
                    fail("Argument \"" + a.name + "\" of root list field \"" + f.name +
                             "\" is not a scalar field of \"" + vt->name +
                             "\" (a list field's own arguments are equality filters on the "
                             "field of that name, besides where, orderBy, limit and offset).",
                         a.loc);
            }
            if (opts.generate_connections) {
                std::string cname = f.name + "Connection";
                if (!q->find_field(cname)) {
                    ensure_connection_types(*vt);
                    field_def c;
                    c.name = cname;
                    c.description = "Relay connection over " + f.name + ".";
                    c.type = N(vt->name + "Connection").non_null_of();
                    c.key = field_key(cname);
                    c.view_override = f.view_override;
                    c.root = field_def::root_kind::connection;
                    c.auth_roles = f.auth_roles;
                    c.args = {in("first", N("Int")), in("after", N("String")),
                              in("last", N("Int")), in("before", N("String")),
                              in("where", N(vt->name + "WhereInput")),
                              in("orderBy", N(vt->name + "OrderByInput").non_null_of().list_of())};
                    c.loc = f.loc;
                    extra.push_back(std::move(c));
                }
            }
            generate_aggregate_fields(f, *vt, extra);
        } else {
            f.root = field_def::root_kind::single;
            for (const auto& a : f.args) {
                if (!vt->find_field(a.name))
                    fail("Argument \"" + a.name + "\" of root field \"" + f.name +
                             "\" is not a field of \"" + vt->name +
                             "\" (single-object arguments are equality filters).",
                         a.loc);
            }
        }
    }
    for (auto& e : extra) q->fields.push_back(std::move(e));
    // A declared default is coerced now, against the generated inputs: a wrong one would
    // otherwise fail every request that omits the argument.
    for (const auto& f : q->fields)
        for (const auto& a : f.args) {
            if (!a.default_value || f.root == field_def::root_kind::none) continue;
            auto r = coerce_input(*s, *a.default_value, a.type);
            if (!r)
                fail("Default value of argument \"" + a.name + "\" of root field \"" + f.name +
                         "\" is invalid: " + r.error(),
                     a.loc);
        }
    if (auto* m = s->find_type_mut(s->mutation_type_name()); m && !s->mutation_type_name().empty()) {
        for (const auto& f : m->fields) {
            if (!f.function)
                fail("Mutation field \"" + f.name + "\" needs @function(name: \"...\").", f.loc);
            else
                check_mutation_result(f);
        }
    }
    generate_subscription_fields();
}

/// Error members of a result union are named ...Error or ...Failure (the
/// original's `XResult = XSuccess | XError`); sql::is_error_type_name is the same rule.
bool builder::is_error_member(std::string_view n) {
    auto ends = [&](std::string_view suf) {
        return n.size() >= suf.size() && n.substr(n.size() - suf.size()) == suf;
    };
    return ends("Error") || ends("Failure");
}

/// A mutation returns its entity (an object type) or a union with exactly one
/// success member and at least one error member; the success member carries at
/// most one entity (object-typed) field besides `errors`.
void builder::check_mutation_result(const field_def& f) {
    const type_def* t = s->find_type(f.type.name);
    if (!t) return; // reported by check_references
    const std::string hint = " Return the entity (an object type) or a union XSuccess | XError.";
    if (f.type.is_list()) {
        fail("Mutation field \"" + f.name + "\" returns a list." + hint, f.loc);
        return;
    }
    if (t->kind == named_kind::object) return;
    if (t->kind != named_kind::union_) {
        fail("Mutation field \"" + f.name + "\" returns \"" + t->name + "\"." + hint, f.loc);
        return;
    }
    const type_def* success = nullptr;
    bool has_error = false;
    for (const auto& m : t->possible_types) {
        const type_def* mt = s->find_type(m);
        if (!mt) continue;
        if (is_error_member(m)) {
            has_error = true;
        } else if (success) {
            fail("Union \"" + t->name + "\" (result of mutation \"" + f.name +
                     "\") has two success members, \"" + success->name + "\" and \"" + m +
                     "\"; name error members ...Error or ...Failure.",
                 f.loc);
            return;
        } else {
            success = mt;
        }
    }
    if (!success || !has_error) {
        fail("Union \"" + t->name + "\" (result of mutation \"" + f.name +
                 "\") needs one success member and at least one error member named ...Error "
                 "or ...Failure.",
             f.loc);
        return;
    }
    int entity_fields = 0;
    for (const auto& sf : success->fields) {
        const type_def* ft = s->find_type(sf.type.name);
        if (sf.name != "errors" && ft && ft->kind == named_kind::object) ++entity_fields;
    }
    if (entity_fields > 1)
        fail("Success type \"" + success->name + "\" of mutation \"" + f.name +
                 "\" has several object-typed fields; the entity goes into exactly one.",
             success->loc);
}

} // namespace fraiseql::graphql::detail
