// Binding an operation to the schema (GraphQL spec §6.1-§6.4), with the checks
// that need the schema from §5 (Validation) and the configured limits.

#include "fraiseql/graphql/planner.hpp"

#include "plan_support.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

namespace fraiseql::graphql {
namespace detail {

// The meta-fields of the query root (spec §4.2 "__schema", "__type").
const field_def& meta_schema_field() {
    static const field_def f = [] {
        field_def d;
        d.name = "__schema";
        d.type = type_expr::named("__Schema").non_null_of();
        return d;
    }();
    return f;
}
const field_def& meta_type_field() {
    static const field_def f = [] {
        field_def d;
        d.name = "__type";
        d.type = type_expr::named("__Type");
        argument_def a;
        a.name = "name";
        a.type = type_expr::named("String").non_null_of();
        d.args.push_back(a);
        return d;
    }();
    return f;
}

bool literal_kinds_ok(const schema& s, const value& v, const type_expr& t, std::string& why) {
    if (v.kind == value_kind::variable || v.kind == value_kind::null_value) return true;
    type_expr inner = t.nullable();
    if (!inner.wrappers.empty()) {
        type_expr item = inner.of_type();
        if (v.kind == value_kind::list_value) {
            for (const auto& x : v.list)
                if (!literal_kinds_ok(s, x, item, why)) return false;
            return true;
        }
        return literal_kinds_ok(s, v, item, why);
    }
    const type_def* td = s.find_type(inner.name);
    if (!td) return true;
    if (td->kind == named_kind::enum_ && v.kind == value_kind::string_value) {
        why = "Enum \"" + td->name + "\" cannot represent non-enum value: \"" + std::string(v.text) +
              "\". Did you mean the enum value \"" + std::string(v.text) + "\"?";
        return false;
    }
    if (td->kind == named_kind::scalar && v.kind == value_kind::enum_value) {
        why = td->name + " cannot represent an enum value: " + std::string(v.text);
        return false;
    }
    if (td->kind == named_kind::input_object && v.kind == value_kind::object_value) {
        for (const auto& f : v.fields)
            if (const auto* fd = td->find_input_field(f.name))
                if (!literal_kinds_ok(s, f.value, fd->type, why)) return false;
    }
    return true;
}

namespace {

// §5.5.2.2 Fragments must not form cycles.
void check_fragment_cycles(const fragment_map& fragments, std::vector<error>& errors) {
    std::map<std::string_view, int> state; // 0 new, 1 visiting, 2 done
    std::function<void(const fragment_definition*)> visit;
    std::function<void(const selection_set&)> walk;
    walk = [&](const selection_set& set) {
        for (const auto& sel : set) {
            if (const auto* f = std::get_if<field>(&sel.node)) walk(f->selections);
            else if (const auto* in = std::get_if<inline_fragment>(&sel.node)) walk(in->selections);
            else if (const auto* sp = std::get_if<fragment_spread>(&sel.node)) {
                auto it = fragments.find(sp->name);
                if (it == fragments.end()) continue;
                if (state[sp->name] == 1) {
                    errors.push_back(error::at("Cannot spread fragment \"" + std::string(sp->name) +
                                                   "\" within itself.",
                                               sp->loc, code::validation_failed));
                    continue;
                }
                if (state[sp->name] == 0) visit(it->second);
            }
        }
    };
    visit = [&](const fragment_definition* fd) {
        state[fd->name] = 1;
        walk(fd->selections);
        state[fd->name] = 2;
    };
    for (const auto& [n, fd] : fragments)
        if (state[n] == 0) visit(fd);
}

} // namespace

fraiseql::result<selected_operation, std::vector<error>>
select_operation(const schema& s, const document& doc, std::string_view operation_name) {
    std::vector<error> errors;
    auto fail = [&](std::string msg, source_location loc) {
        errors.push_back(error::at(std::move(msg), loc, code::validation_failed));
    };
    selected_operation out;
    std::vector<const operation_definition*> ops;
    for (const auto& d : doc.definitions) {
        if (const auto* o = std::get_if<operation_definition>(&d)) ops.push_back(o);
        else if (const auto* f = std::get_if<fragment_definition>(&d)) {
            if (out.fragments.count(f->name))
                fail("There can be only one fragment named \"" + std::string(f->name) + "\".", f->loc);
            out.fragments[f->name] = f;
        }
    }
    // §5.2.1.1 Operation Name Uniqueness, §5.2.2.1 Lone Anonymous Operation.
    std::set<std::string_view> names;
    for (const auto* o : ops) {
        if (!o->name.empty() && !names.insert(o->name).second)
            fail("There can be only one operation named \"" + std::string(o->name) + "\".", o->loc);
        if (o->name.empty() && ops.size() > 1)
            fail("This anonymous operation must be the only defined operation.", o->loc);
    }
    check_fragment_cycles(out.fragments, errors);
    if (!errors.empty()) return failure{std::move(errors)};
    if (ops.empty()) {
        fail("Must provide an operation.", {});
        return failure{std::move(errors)};
    }
    if (operation_name.empty()) {
        if (ops.size() > 1) {
            fail("Must provide operation name if query contains multiple operations.", {});
            return failure{std::move(errors)};
        }
        out.op = ops.front();
    } else {
        for (const auto* o : ops)
            if (o->name == operation_name) out.op = o;
        if (!out.op) {
            fail("Unknown operation named \"" + std::string(operation_name) + "\".", {});
            return failure{std::move(errors)};
        }
    }
    switch (out.op->operation) {
    case operation_type::query:
        out.kind = operation_kind::query;
        out.root = s.query_type();
        break;
    case operation_type::mutation:
        out.kind = operation_kind::mutation;
        out.root = s.mutation_type();
        if (!out.root) fail("Schema is not configured for mutations.", out.op->loc);
        break;
    case operation_type::subscription:
        out.kind = operation_kind::subscription;
        fail("Subscriptions are not supported.", out.op->loc);
        break;
    }
    if (!errors.empty()) return failure{std::move(errors)};
    return out;
}

} // namespace detail

namespace {

using errors_t = std::vector<error>;

struct planner {
    const schema& s;
    const document& doc;
    const plan_options& opts;
    errors_t errors;
    detail::fragment_map fragments;
    /// Response key -> index in the groups being collected.
    std::unordered_map<std::string_view, std::size_t> group_index;
    std::map<std::string, input_value> vars; ///< coerced; absent = not provided, no default
    const operation_definition* op = nullptr;
    std::uint32_t aliases = 0;
    bool too_deep = false;

    void fail(std::string msg, source_location loc, const char* c = code::validation_failed) {
        errors.push_back(error::at(std::move(msg), loc, c));
    }

    // ---- values ------------------------------------------------------------

    /// AST literal -> raw input_value with variables substituted. Returns false
    /// when the whole value is an absent variable.
    bool raw(const value& v, input_value& out) {
        switch (v.kind) {
        case value_kind::variable: {
            auto it = vars.find(std::string(v.text));
            if (it == vars.end()) return false;
            out = it->second;
            return true;
        }
        case value_kind::int_value: {
            errno = 0;
            long long x = std::strtoll(std::string(v.text).c_str(), nullptr, 10);
            out = errno == ERANGE ? input_value::floating(std::strtod(std::string(v.text).c_str(), nullptr))
                                  : input_value::integer(x);
            return true;
        }
        case value_kind::float_value:
            out = input_value::floating(std::strtod(std::string(v.text).c_str(), nullptr));
            return true;
        case value_kind::string_value: out = input_value::string(std::string(v.text)); return true;
        case value_kind::boolean_value: out = input_value::boolean(v.boolean); return true;
        case value_kind::null_value: out = input_value::null(); return true;
        case value_kind::enum_value: out = input_value::enum_(std::string(v.text)); return true;
        case value_kind::list_value: {
            input_value::list_t items;
            for (const auto& x : v.list) {
                input_value item;
                if (!raw(x, item)) item = input_value::null(); // absent variable in a list is null
                items.push_back(std::move(item));
            }
            out = input_value::list(std::move(items));
            return true;
        }
        case value_kind::object_value: {
            input_value::object_t fields;
            std::set<std::string_view> seen;
            for (const auto& f : v.fields) {
                if (!seen.insert(f.name).second)
                    fail("There can be only one input field named \"" + std::string(f.name) + "\".", f.loc);
                input_value item;
                if (raw(f.value, item)) fields.emplace_back(std::string(f.name), std::move(item));
            }
            out = input_value::object(std::move(fields));
            return true;
        }
        }
        return false;
    }

    // ---- variables (§6.1.2 CoerceVariableValues) ----------------------------

    void coerce_variables(const input_value& given) {
        if (!given.is_null() && given.type() != input_value::kind::object) {
            fail("Variables must be provided as an object.", {}, code::bad_user_input);
            return;
        }
        std::set<std::string_view> names;
        for (const auto& vd : op->variables) {
            std::string name(vd.name);
            if (!names.insert(vd.name).second) {
                fail("There can be only one variable named \"$" + name + "\".", vd.loc);
                continue;
            }
            type_expr t;
            {
                const type_ref* cur = &vd.type;
                while (cur->kind != type_kind::named) {
                    t.wrappers.push_back(cur->kind == type_kind::list ? type_expr::wrap::list
                                                                       : type_expr::wrap::non_null);
                    cur = cur->of.get();
                }
                t.name = std::string(cur->name);
            }
            const type_def* td = s.find_type(t.name);
            if (!td) {
                fail("Unknown type \"" + t.name + "\".", vd.type.loc);
                continue;
            }
            if (td->kind != named_kind::scalar && td->kind != named_kind::enum_ &&
                td->kind != named_kind::input_object) {
                fail("Variable \"$" + name + "\" cannot be non-input type \"" + t.to_string() + "\".",
                     vd.type.loc);
                continue;
            }
            const input_value* provided = given.find(name);
            if (!provided) {
                if (vd.default_value) {
                    input_value raw_default;
                    raw(*vd.default_value, raw_default);
                    auto r = coerce_input(s, raw_default, t);
                    if (!r) fail("Variable \"$" + name + "\" has an invalid default value: " + r.error(), vd.loc);
                    else vars[name] = std::move(*r);
                } else if (t.is_non_null()) {
                    fail("Variable \"$" + name + "\" of required type \"" + t.to_string() +
                             "\" was not provided.",
                         vd.loc, code::bad_user_input);
                }
                continue;
            }
            auto r = coerce_input(s, *provided, t);
            if (!r) {
                fail("Variable \"$" + name + "\" got invalid value " + provided->to_json() + "; " +
                         r.error(),
                     vd.loc, code::bad_user_input);
                continue;
            }
            vars[name] = std::move(*r);
        }
    }

    // ---- directives (@skip / @include, §3.13) ------------------------------

    bool included(const std::vector<directive>& ds) {
        for (const auto& d : ds) {
            if (d.name != "skip" && d.name != "include") {
                if (!s.find_directive(d.name)) fail("Unknown directive \"@" + std::string(d.name) + "\".", d.loc);
                continue;
            }
            const value* cond = nullptr;
            for (const auto& a : d.arguments)
                if (a.name == "if") cond = &a.value;
                else fail("Unknown argument \"" + std::string(a.name) + "\" on directive \"@" + std::string(d.name) + "\".", a.loc);
            if (!cond) {
                fail("Directive \"@" + std::string(d.name) + "\" argument \"if\" of type \"Boolean!\" is required, but it was not provided.", d.loc);
                continue;
            }
            input_value v;
            if (!raw(*cond, v) || v.type() != input_value::kind::boolean) {
                fail("Directive \"@" + std::string(d.name) + "\" argument \"if\" must be a Boolean.", d.loc);
                continue;
            }
            if (d.name == "skip" && v.as_bool()) return false;
            if (d.name == "include" && !v.as_bool()) return false;
        }
        return true;
    }

    // ---- field collection (§6.3.2 CollectFields) --------------------------

    bool type_applies(const type_def& object_type, std::string_view condition) {
        if (condition.empty() || condition == object_type.name) return true;
        const type_def* c = s.find_type(condition);
        if (!c) return false;
        if (c->kind == named_kind::interface || c->kind == named_kind::union_) {
            for (const auto& p : c->possible_types)
                if (p == object_type.name) return true;
        }
        return false;
    }

    void collect(const type_def& object_type, const selection_set& set,
                 std::vector<std::pair<std::string_view, std::vector<const field*>>>& groups,
                 std::set<std::string_view>& visited, std::size_t depth) {
        if (depth > 64) {
            fail("Fragment nesting is too deep.", {}, code::query_too_complex);
            return;
        }
        for (const auto& sel : set) {
            if (const auto* f = std::get_if<field>(&sel.node)) {
                if (!included(f->directives)) continue;
                // A hash lookup, not a scan of the groups (n distinct keys would cost n²/2).
                auto key = f->response_key();
                auto [slot, added] = group_index.try_emplace(key, groups.size());
                if (added) groups.push_back({key, {f}});
                else groups[slot->second].second.push_back(f);
            } else if (const auto* sp = std::get_if<fragment_spread>(&sel.node)) {
                if (!included(sp->directives)) continue;
                auto fit = fragments.find(sp->name);
                if (fit == fragments.end()) {
                    fail("Unknown fragment \"" + std::string(sp->name) + "\".", sp->loc);
                    continue;
                }
                if (visited.count(sp->name)) continue; // cycles are reported by validation
                const auto* fd = fit->second;
                if (!s.find_type(fd->type_condition.value)) {
                    fail("Unknown type \"" + std::string(fd->type_condition.value) + "\".", fd->type_condition.loc);
                    continue;
                }
                if (!type_applies(object_type, fd->type_condition.value)) continue;
                visited.insert(sp->name);
                collect(object_type, fd->selections, groups, visited, depth + 1);
                visited.erase(sp->name);
            } else if (const auto* in = std::get_if<inline_fragment>(&sel.node)) {
                if (!included(in->directives)) continue;
                if (!in->type_condition.value.empty() && !s.find_type(in->type_condition.value)) {
                    fail("Unknown type \"" + std::string(in->type_condition.value) + "\".", in->type_condition.loc);
                    continue;
                }
                if (!type_applies(object_type, in->type_condition.value)) continue;
                collect(object_type, in->selections, groups, visited, depth + 1);
            }
        }
    }

    // ---- fields ------------------------------------------------------------

    std::vector<field_plan> plan_selection(const type_def& object_type, const selection_set& set,
                                           std::uint32_t depth) {
        std::vector<std::pair<std::string_view, std::vector<const field*>>> groups;
        std::set<std::string_view> visited;
        group_index.clear(); // collect() finishes before plan_field() recurses
        collect(object_type, set, groups, visited, 0);
        group_index.clear();
        std::vector<field_plan> out;
        out.reserve(groups.size());
        for (const auto& [key, fields] : groups) {
            field_plan fp;
            if (plan_field(object_type, fields, depth, fp)) out.push_back(std::move(fp));
        }
        return out;
    }

    std::vector<std::pair<std::string, input_value>> plan_args(const field_def& fd, const field& f) {
        std::vector<std::pair<std::string, input_value>> out;
        std::set<std::string_view> seen;
        for (const auto& a : f.arguments) {
            if (!seen.insert(a.name).second)
                fail("There can be only one argument named \"" + std::string(a.name) + "\".", a.loc);
            if (!fd.find_arg(a.name))
                fail("Unknown argument \"" + std::string(a.name) + "\" on field \"" +
                         (current_type_ ? current_type_->name : std::string()) + "." + fd.name + "\".",
                     a.loc);
        }
        for (const auto& ad : fd.args) {
            const argument* given = nullptr;
            for (const auto& a : f.arguments)
                if (a.name == ad.name) given = &a;
            input_value rawv;
            bool present = given && raw(given->value, rawv);
            if (!present) {
                if (ad.default_value) out.emplace_back(ad.name, *ad.default_value);
                else if (ad.type.is_non_null())
                    fail("Field \"" + fd.name + "\" argument \"" + ad.name + "\" of type \"" +
                             ad.type.to_string() + "\" is required, but it was not provided.",
                         given ? given->loc : f.loc, given ? code::bad_user_input : code::validation_failed);
                continue;
            }
            std::string why;
            if (!detail::literal_kinds_ok(s, given->value, ad.type, why)) {
                fail(why, given->value.loc);
                continue;
            }
            auto r = coerce_input(s, rawv, ad.type);
            if (!r) {
                bool from_variable = given->value.kind == value_kind::variable;
                fail("Argument \"" + ad.name + "\" has invalid value " + rawv.to_json() + ": " + r.error(),
                     given->value.loc, from_variable ? code::bad_user_input : code::validation_failed);
                continue;
            }
            out.emplace_back(ad.name, std::move(*r));
        }
        return out;
    }

    const type_def* current_type_ = nullptr;

    bool plan_field(const type_def& parent, const std::vector<const field*>& fields,
                    std::uint32_t depth, field_plan& fp) {
        const field& f = *fields.front();
        fp.response_key = std::string(f.response_key());
        fp.name = std::string(f.name);
        fp.parent = &parent;
        fp.loc = f.loc;
        if (!f.alias.empty()) ++aliases;
        // Merge rule (§5.3.2 simplified): fields under one response key must be the same field.
        for (const auto* other : fields)
            if (other->name != f.name)
                fail("Fields \"" + fp.response_key + "\" conflict because \"" + std::string(f.name) +
                         "\" and \"" + std::string(other->name) +
                         "\" are different fields. Use different aliases on the fields to fetch both if this was intentional.",
                     other->loc);
        if (f.name == "__typename") {
            if (!f.selections.empty())
                fail("Field \"__typename\" must not have a selection since type \"String!\" has no subfields.", f.loc);
            return true;
        }
        const bool is_root_query = &parent == s.query_type();
        const field_def* fd = nullptr;
        if (is_root_query && f.name == "__schema") fd = &detail::meta_schema_field();
        else if (is_root_query && f.name == "__type") fd = &detail::meta_type_field();
        else fd = parent.find_field(f.name);
        if (!fd) {
            fail("Cannot query field \"" + std::string(f.name) + "\" on type \"" + parent.name + "\".", f.loc);
            return false;
        }
        fp.field = fd;
        const type_def* prev = current_type_;
        current_type_ = &parent;
        fp.args = plan_args(*fd, f);
        current_type_ = prev;
        const type_def* ft = s.find_type(fd->type.name);
        if (!ft) return false;
        const bool composite = ft->kind == named_kind::object || ft->kind == named_kind::interface ||
                               ft->kind == named_kind::union_;
        // Merge the sub-selections of every field under this response key.
        selection_set merged;
        for (const auto* x : fields)
            merged.insert(merged.end(), x->selections.begin(), x->selections.end());
        if (composite && merged.empty()) {
            fail("Field \"" + std::string(f.name) + "\" of type \"" + fd->type.to_string() +
                     "\" must have a selection of subfields. Did you mean \"" + std::string(f.name) + " { ... }\"?",
                 f.loc);
            return false;
        }
        if (!composite && !merged.empty()) {
            fail("Field \"" + std::string(f.name) + "\" must not have a selection since type \"" +
                     fd->type.to_string() + "\" has no subfields.",
                 f.loc);
            return false;
        }
        if (!composite) return true;
        if (opts.max_depth && depth + 1 > opts.max_depth) {
            if (!too_deep)
                fail("Query depth exceeds the maximum of " + std::to_string(opts.max_depth) + ".", f.loc,
                     code::query_too_complex);
            too_deep = true;
            return false;
        }
        if (ft->kind == named_kind::object) {
            fp.selection = plan_selection(*ft, merged, depth + 1);
        } else {
            for (const auto& pt : ft->possible_types)
                if (const auto* ot = s.find_type(pt))
                    fp.selection_by_type.emplace_back(pt, plan_selection(*ot, merged, depth + 1));
        }
        return true;
    }
};

} // namespace

std::optional<operation_kind> selected_operation_kind(const document& doc,
                                                      std::string_view operation_name) {
    const operation_definition* found = nullptr;
    std::size_t count = 0;
    for (const auto& d : doc.definitions)
        if (const auto* o = std::get_if<operation_definition>(&d)) {
            ++count;
            if (operation_name.empty() || o->name == operation_name) found = o;
        }
    if (!found || (operation_name.empty() && count != 1)) return std::nullopt;
    switch (found->operation) {
    case operation_type::query: return operation_kind::query;
    case operation_type::mutation: return operation_kind::mutation;
    case operation_type::subscription: return operation_kind::subscription;
    }
    return std::nullopt;
}

fraiseql::result<operation_plan, std::vector<error>>
plan_operation(const schema& s, const document& doc, std::string_view operation_name,
               const input_value& variables, const plan_options& opts) {
    // product.md §9: the expansion is counted before it is done.
    if (auto e = check_expansion(doc, operation_name, {opts.max_fields, 64}))
        return failure{std::vector<error>{std::move(*e)}};
    planner p{s, doc, opts, {}, {}, {}, {}};
    auto sel = detail::select_operation(s, doc, operation_name);
    if (!sel) return failure{std::move(sel.error())};
    p.fragments = std::move(sel->fragments);
    p.op = sel->op;
    const type_def* root = sel->root;
    operation_plan plan;
    plan.name = std::string(p.op->name);
    plan.kind = sel->kind;
    p.coerce_variables(variables);
    if (!p.errors.empty()) return failure{std::move(p.errors)};
    plan.root_fields = p.plan_selection(*root, p.op->selections, 1);
    mark_root_resolvers(plan.kind, plan.root_fields);
    if (opts.max_aliases && p.aliases > opts.max_aliases)
        p.fail("Operation uses " + std::to_string(p.aliases) + " aliases; the maximum is " +
                   std::to_string(opts.max_aliases) + ".",
               p.op->loc, code::query_too_complex);
    // product.md §9: counted on the bound values (literals and variables), before any SQL.
    if (p.errors.empty())
        detail::check_filter_budget(s, plan.root_fields, opts.max_filter_conditions, p.errors);
    if (!p.errors.empty()) return failure{std::move(p.errors)};
    return plan;
}

} // namespace fraiseql::graphql
