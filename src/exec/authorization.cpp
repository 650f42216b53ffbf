#include "authorization.hpp"

#include "fraiseql/graphql/aggregates.hpp"

namespace fraiseql::exec {
namespace {

bool allowed_by(const std::vector<std::string>& roles, const auth_context& who) {
    if (roles.empty()) return true;
    for (const auto& r : roles)
        if (who.has_role(r)) return true;
    return false;
}

bool allowed(const graphql::schema& s, const graphql::field_def& f, const auth_context& who) {
    if (!allowed_by(f.auth_roles, who)) return false;
    const graphql::type_def* t = s.find_type(f.type.name);
    return !t || allowed_by(t->auth_roles, who);
}

graphql::error forbidden(const graphql::field_plan& fp, std::vector<graphql::path_element> path) {
    graphql::error e = graphql::error::at("Not authorized to access field \"" + fp.name + "\".", fp.loc,
                                          graphql::code::forbidden);
    e.path = std::move(path);
    return e;
}

void walk(const graphql::schema& s, std::vector<graphql::field_plan>& selection, const auth_context& who,
          std::vector<graphql::path_element>& path, authorization& out) {
    for (auto& fp : selection) {
        if (!fp.field) continue;
        path.emplace_back(fp.response_key);
        if (!allowed(s, *fp.field, who)) {
            out.errors.push_back(forbidden(fp, path));
            graphql::field_def stand_in = *fp.field;
            stand_in.key = "\x01forbidden"; // no JSON document can hold this key
            out.stand_ins.push_back(std::move(stand_in));
            fp.field = &out.stand_ins.back();
            fp.selection.clear();
            fp.selection_by_type.clear();
        } else {
            walk(s, fp.selection, who, path, out);
            for (auto& [type, sel] : fp.selection_by_type) walk(s, sel, who, path, out);
        }
        path.pop_back();
    }
}

/// The first field named in a `where` / `orderBy` value over `t` that the caller may not
/// read, or nullptr. Filtering or ordering on a field is reading it: `where: {secret: {eq: x}}`
/// (or `startswith`, one character at a time) and `orderBy: [{secret: ASC}]` would answer
/// what the selection hides. AND/OR/NOT repeat the type; embedded objects recurse into theirs.
const graphql::field_def* forbidden_in_arg(const graphql::schema& s, const graphql::type_def* t,
                                           const graphql::input_value& v, const auth_context& who,
                                           int depth = 0) {
    if (!t || depth > 64) return nullptr;
    if (v.type() == graphql::input_value::kind::list) {
        for (const auto& item : v.as_list())
            if (const auto* f = forbidden_in_arg(s, t, item, who, depth + 1)) return f;
        return nullptr;
    }
    if (v.type() != graphql::input_value::kind::object) return nullptr;
    for (const auto& [key, value] : v.as_object()) {
        if (key == "AND" || key == "OR" || key == "NOT") {
            if (const auto* f = forbidden_in_arg(s, t, value, who, depth + 1)) return f;
            continue;
        }
        const graphql::field_def* f = t->find_field(key);
        if (!f) continue;
        if (!allowed(s, *f, who)) return f;
        const graphql::type_def* ft = s.find_type(f->type.name);
        if (ft && ft->kind == graphql::named_kind::object)
            if (const auto* g = forbidden_in_arg(s, ft, value, who, depth + 1)) return g;
    }
    return nullptr;
}

/// Whether a root field reads rows of a @view (its where/orderBy name fields of them).
bool reads_rows(graphql::root_resolver r) noexcept {
    return r == graphql::root_resolver::list || r == graphql::root_resolver::single ||
           r == graphql::root_resolver::connection || r == graphql::root_resolver::aggregate ||
           r == graphql::root_resolver::group_by;
}

/// The object type whose rows a root field reads (T of [T], T, or TConnection's edges.node).
const graphql::type_def* node_type(const graphql::schema& s, const graphql::field_plan& root) {
    if (!root.field->aggregate_of.empty()) return s.find_type(root.field->aggregate_of);
    const graphql::type_def* t = s.find_type(root.field->type.name);
    if (t && root.resolved_by == graphql::root_resolver::connection) {
        const auto* edges = t->find_field("edges");
        const auto* edge = edges ? s.find_type(edges->type.name) : nullptr;
        const auto* node = edge ? edge->find_field("node") : nullptr;
        t = node ? s.find_type(node->type.name) : nullptr;
    }
    return t;
}

/// The field of a `where` / `orderBy` / grouping argument of root `fp` the caller may not
/// read, or nullptr (filtering, ordering or grouping on a field reads it).
const graphql::field_def* hidden_field(const graphql::schema& s, const graphql::field_plan& fp,
                                       const auth_context& who) {
    if (!reads_rows(fp.resolved_by)) return nullptr;
    const graphql::type_def* t = node_type(s, fp);
    const graphql::field_def* hidden = nullptr;
    const bool aggregates = !fp.field->aggregate_of.empty();
    for (const char* arg : {"where", "orderBy"})
        if (const auto* v = fp.arg(arg); v && !hidden && !(aggregates && arg[0] == 'o'))
            hidden = forbidden_in_arg(s, t, *v, who);
    // Grouping by, filtering groups on or ordering them by a field reads it (§3.6).
    if (aggregates && t)
        for (const auto& name : graphql::aggregate_arg_fields(fp))
            if (const auto* f = t->find_field(name); f && !hidden && !allowed(s, *f, who))
                hidden = f;
    return hidden;
}

/// Whether `walk` would replace anything under `selection` for this caller.
bool forbidden_below(const graphql::schema& s, const std::vector<graphql::field_plan>& selection,
                     const auth_context& who) {
    for (const auto& fp : selection) {
        if (!fp.field) continue;
        if (!allowed(s, *fp.field, who)) return true;
        if (forbidden_below(s, fp.selection, who)) return true;
        for (const auto& [type, sel] : fp.selection_by_type)
            if (forbidden_below(s, sel, who)) return true;
    }
    return false;
}

/// Authorization editing `plan` itself: the road of a caller for whom some nested field is
/// forbidden (on its own copy of the plan). Errors in selection order, as they always were.
void authorize_in_place(const graphql::schema& s, graphql::operation_plan& plan,
                        const auth_context& who, authorization& out) {
    out.root_forbidden.assign(plan.root_fields.size(), false);
    std::vector<graphql::path_element> path;
    for (std::size_t i = 0; i < plan.root_fields.size(); ++i) {
        auto& fp = plan.root_fields[i];
        if (!fp.field) continue;
        path.assign({fp.response_key});
        if (!allowed(s, *fp.field, who)) {
            out.root_forbidden[i] = true;
            out.errors.push_back(forbidden(fp, path));
            continue;
        }
        if (const graphql::field_def* hidden = hidden_field(s, fp, who)) {
            // The whole root field is refused (it does not run): a filtered or reordered
            // answer would disclose the hidden field.
            out.root_forbidden[i] = true;
            graphql::error e = graphql::error::at(
                "Not authorized to filter or order by field \"" + hidden->name + "\".", fp.loc,
                graphql::code::forbidden);
            e.path = path;
            out.errors.push_back(std::move(e));
            continue;
        }
        walk(s, fp.selection, who, path, out);
        for (auto& [type, sel] : fp.selection_by_type) walk(s, sel, who, path, out);
    }
}

} // namespace

bool uses_auth(const graphql::schema& s) noexcept {
    for (const auto& t : s.types()) {
        if (!t->auth_roles.empty()) return true;
        for (const auto& f : t->fields)
            if (!f.auth_roles.empty()) return true;
    }
    return false;
}

void authorize(const graphql::schema& s, const graphql::operation_plan& plan,
               const auth_context& who, authorization& out) {
    // One read-only pass over the shared plan. Nothing is allocated unless something is
    // forbidden: a caller allowed everything (the common case) runs the plan as it is.
    bool rewrite = false;
    const auto& roots = plan.root_fields;
    for (std::size_t i = 0; i < roots.size() && !rewrite; ++i) {
        const auto& fp = roots[i];
        if (!fp.field) continue;
        if (!allowed(s, *fp.field, who) || hidden_field(s, fp, who)) {
            // A forbidden root is refused whole; the editing road words every error, in
            // selection order.
            rewrite = true;
            break;
        }
        if (forbidden_below(s, fp.selection, who)) rewrite = true;
        for (const auto& [type, sel] : fp.selection_by_type)
            if (forbidden_below(s, sel, who)) rewrite = true;
    }
    if (!rewrite) return;
    // Something is forbidden: the caller's own copy, edited (stand-ins for forbidden nested
    // fields). Rare; the cost of a copy is the refused caller's.
    out = authorization{};
    out.rewritten.emplace(plan);
    authorize_in_place(s, *out.rewritten, who, out);
}

refusal unauthenticated(const auth_failure& why) {
    refusal r = refusal::of(graphql::error::at(std::string(auth_failure::client_message), {},
                                               graphql::code::unauthenticated),
                            auth_failure::http_status);
    r.www_authenticate = std::string(why.www_authenticate());
    return r;
}

std::optional<refusal> check_introspection(const graphql::operation_plan& plan,
                                           const auth_context& who, introspection_policy policy) {
    if (policy == introspection_policy::public_ ||
        (policy == introspection_policy::authenticated && who.authenticated))
        return std::nullopt;
    for (const auto& fp : plan.root_fields) {
        if (fp.resolved_by != graphql::root_resolver::schema &&
            fp.resolved_by != graphql::root_resolver::type)
            continue;
        // Disabled: nobody may (FORBIDDEN, 400). Authenticated: a token would do, so it is
        // the same 401 + UNAUTHENTICATED as any other missing credential.
        if (policy == introspection_policy::disabled)
            return refusal::of(graphql::error::at("Introspection is not allowed.", fp.loc,
                                                  graphql::code::forbidden),
                               400);
        return refusal::of(
            graphql::error::at("Introspection is not allowed without authentication.", fp.loc,
                               graphql::code::unauthenticated),
            401);
    }
    return std::nullopt;
}

} // namespace fraiseql::exec
