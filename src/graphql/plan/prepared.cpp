// The planner (product.md §5, docs/adr/0009-one-planner.md): an operation of a validated
// document in two halves. prepare_operation() does, once per document, everything that does
// not depend on the request's variables; bind_operation() does, per request, what does:
//   - §6.1.2 CoerceVariableValues (the values, and the defaults when a value is absent);
//   - @skip/@include whose `if` is a variable (§3.13), hence which fields CollectFields
//     (§6.3.2) keeps, in which order, and which occurrences of a response key merge;
//   - argument values that contain a variable (§6.4.1 CoerceArgumentValues);
//   - the alias count and the depth error, which only count fields that are kept.
// Fragments are expanded, fields resolved, argument definitions and defaults looked up
// and literal arguments coerced here, once. A literal that validation accepts but its
// scalar refuses (a malformed UUID: FraiseQL's scalars are checked by coercion, see
// validate.hpp) is kept at its place in the prepared tree and reported by bind, so the
// errors come in document order and only for fields the request keeps.
//
// The rules of spec §5 are validate()'s alone (src/graphql/validate): this file assumes
// they hold and does not check them again. Where a document that skipped validation
// reaches something the planner cannot resolve (an unknown field, fragment, type or
// variable type, a missing required argument, a selection that does not fit its type),
// one guard error refuses the document; anything else it plans as best it can. Either
// way it never crashes or loops: the fuzz targets feed it unvalidated documents.

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <set>
#include <unordered_map>

#include "fraiseql/graphql/planner.hpp"
#include "../validate/meta_fields.hpp"
#include "budget.hpp"

namespace fraiseql::graphql {
namespace {

/// A `$name` the operation does not define (§5.8.3 refuses it): always absent.
constexpr std::int32_t undefined_variable = -1;

/// An argument value with its variables left as holes; the parts without a variable
/// are folded into constants.
struct value_template {
    enum class kind : std::uint8_t { constant, variable, list, object };
    kind k = kind::constant;
    std::int32_t var = undefined_variable;
    input_value constant;
    std::vector<value_template> items;
    std::vector<std::pair<std::string, value_template>> fields;
};

/// One @skip or @include (§3.13).
struct condition {
    enum class kind : std::uint8_t { literal, variable };
    kind k = kind::literal;
    bool skip = false;  ///< @skip, else @include
    bool value = false; ///< literal
    std::int32_t var = undefined_variable;
    source_location loc; ///< of the directive
};

/// One argument definition of a field, for one occurrence of the field.
struct prepared_arg {
    enum class kind : std::uint8_t { skip, constant, fail, variable, templated };
    kind k = kind::skip;
    const argument_def* def = nullptr;
    input_value value;         ///< constant
    error err;                 ///< fail: a literal its scalar refuses
    value_template tmpl;       ///< variable (tmpl.k == variable), templated
    source_location given_loc; ///< of the argument
    source_location value_loc; ///< of its value
};

struct occurrence {
    const field* f = nullptr;
    std::vector<prepared_arg> args;
};

/// A selection of a selection set after fragment resolution for one object type: a
/// field, or a fragment (spread or inline) whose selections are `children`.
struct node {
    std::vector<condition> conds;
    std::int32_t group = -1;      ///< a field: its group in the selection_plan
    std::uint32_t occurrence = 0; ///< a field: its index among the group's occurrences
    std::uint32_t origin = 0;     ///< top level: the parent occurrence it comes from
    std::vector<node> children;   ///< a fragment
};

struct group;

/// A (merged) selection set prepared for one object type.
struct selection_plan {
    const type_def* type = nullptr;
    std::vector<node> nodes;
    std::vector<group> groups;          ///< one per response key, first appearance first
    std::vector<std::uint32_t> offsets; ///< of each group's occurrences in one flat array
    std::uint32_t occurrences = 0;
};

/// Every field under one response key (§6.3.2 groupedFieldSet), all occurrences, kept
/// or not: bind picks the ones its conditions keep.
struct group {
    std::vector<occurrence> occ;
    bool is_typename = false;
    const field_def* fd = nullptr;
    bool drop = false; ///< the result type is unknown: arguments reported, field dropped
    bool composite = false;
    bool abstract = false;
    bool too_deep = false;
    std::vector<std::string> type_names; ///< abstract: the concrete type of each `sub`
    std::vector<selection_plan> sub;
};

struct variable_plan {
    std::string name;
    type_expr type;
    source_location loc;
    bool has_default = false;
    input_value default_value; ///< coerced
    std::string default_error; ///< when the default does not coerce
};

using vars_t = std::vector<std::optional<input_value>>;

/// The value with variables substituted. False when the whole
/// value is an absent variable; an absent variable in a list is null, in an object absent.
bool substitute(const value_template& t, const vars_t& vars, input_value& out) {
    switch (t.k) {
    case value_template::kind::constant:
        out = t.constant;
        return true;
    case value_template::kind::variable:
        if (t.var < 0 || static_cast<std::size_t>(t.var) >= vars.size() || !vars[t.var])
            return false;
        out = *vars[t.var];
        return true;
    case value_template::kind::list: {
        input_value::list_t items;
        items.reserve(t.items.size());
        for (const auto& x : t.items) {
            input_value item;
            if (!substitute(x, vars, item))
                item = input_value::null();
            items.push_back(std::move(item));
        }
        out = input_value::list(std::move(items));
        return true;
    }
    case value_template::kind::object: {
        input_value::object_t fields;
        fields.reserve(t.fields.size());
        for (const auto& [k, x] : t.fields) {
            input_value item;
            if (substitute(x, vars, item))
                fields.emplace_back(k, std::move(item));
        }
        out = input_value::object(std::move(fields));
        return true;
    }
    }
    return false;
}

} // namespace

class prepared_operation {
public:
    const schema* s = nullptr;
    std::shared_ptr<const document> doc;
    plan_options opts;
    operation_kind kind = operation_kind::query;
    std::string name;
    source_location loc;
    std::vector<variable_plan> vars;
    selection_plan root;
};

namespace {

using set_list = std::vector<std::pair<std::uint32_t, const selection_set*>>;
using fragment_map = std::map<std::string_view, const fragment_definition*>;

/// §6.1.1 GetOperation and the operation's root type: what a request runs. Fragments
/// are indexed by name (the last definition wins: names are unique in a valid document).
struct selected_operation {
    fragment_map fragments;
    const operation_definition* op = nullptr;
    operation_kind kind = operation_kind::query;
    const type_def* root = nullptr;
};

fraiseql::result<selected_operation, std::vector<error>>
select_operation(const schema& s, const document& doc, std::string_view operation_name) {
    auto fail = [](std::string msg, source_location loc = {}) {
        return failure{std::vector<error>{error::at(std::move(msg), loc, code::validation_failed)}};
    };
    selected_operation out;
    std::size_t operations = 0;
    for (const auto& d : doc.definitions) {
        if (const auto* o = std::get_if<operation_definition>(&d)) {
            ++operations;
            if (operation_name.empty() || o->name == operation_name)
                out.op = o;
        } else if (const auto* f = std::get_if<fragment_definition>(&d)) {
            out.fragments[f->name] = f;
        }
    }
    if (operations == 0)
        return fail("Must provide an operation.");
    if (operation_name.empty() && operations > 1)
        return fail("Must provide operation name if query contains multiple operations.");
    if (!out.op)
        return fail("Unknown operation named \"" + std::string(operation_name) + "\".");
    switch (out.op->operation) {
    case operation_type::query:
        out.kind = operation_kind::query;
        out.root = s.query_type();
        break;
    case operation_type::mutation:
        // graphql-js 16 leaves this to execution; validation has no rule for it.
        out.kind = operation_kind::mutation;
        out.root = s.mutation_type();
        if (!out.root)
            return fail("Schema is not configured for mutations.", out.op->loc);
        break;
    case operation_type::subscription:
        // A live query (product.md §3.7): planned as the Query field it mirrors; the
        // transport refetches it (src/exec/live_query.hpp). Validation (§5.2.3.1) already
        // required exactly one root field.
        out.kind = operation_kind::subscription;
        out.root = s.subscription_type();
        if (!out.root)
            return fail("Schema is not configured for subscriptions.", out.op->loc);
        break;
    }
    if (!out.root)
        return fail("Schema has no query type.", out.op->loc);
    return out;
}

struct preparer {
    const schema& s;
    const plan_options& opts;
    fragment_map fragments;
    std::map<std::string_view, std::int32_t> var_index;
    std::vector<error> errors;
    bool guarded = false;
    /// Response key -> group of the selection_plan being collected.
    std::unordered_map<std::string_view, std::int32_t>* group_index = nullptr;

    void fail(std::string msg, source_location loc, const char* c = code::validation_failed) {
        errors.push_back(error::at(std::move(msg), loc, c));
    }

    /// The precondition guard (see the top of this file): once per document.
    void unvalidated(source_location loc) {
        if (!guarded)
            fail("The document has not passed validation; it cannot be planned.", loc);
        guarded = true;
    }

    std::int32_t variable(std::string_view name) const {
        auto it = var_index.find(name);
        return it == var_index.end() ? undefined_variable : it->second;
    }

    value_template make_template(const value& v) {
        value_template t;
        switch (v.kind) {
        case value_kind::variable:
            t.k = value_template::kind::variable;
            t.var = variable(v.text);
            return t;
        case value_kind::int_value: {
            // An Int literal beyond 64 bits becomes a Float (its scalar then refuses it).
            const std::string text(v.text);
            errno = 0;
            long long x = std::strtoll(text.c_str(), nullptr, 10);
            t.constant = errno == ERANGE ? input_value::floating(std::strtod(text.c_str(), nullptr))
                                         : input_value::integer(x);
            return t;
        }
        case value_kind::float_value:
            t.constant = input_value::floating(std::strtod(std::string(v.text).c_str(), nullptr));
            return t;
        case value_kind::string_value:
            t.constant = input_value::string(std::string(v.text));
            return t;
        case value_kind::boolean_value:
            t.constant = input_value::boolean(v.boolean);
            return t;
        case value_kind::null_value:
            t.constant = input_value::null();
            return t;
        case value_kind::enum_value:
            t.constant = input_value::enum_(std::string(v.text));
            return t;
        case value_kind::list_value: {
            bool constant = true;
            for (const auto& x : v.list) {
                t.items.push_back(make_template(x));
                constant = constant && t.items.back().k == value_template::kind::constant;
            }
            if (!constant) {
                t.k = value_template::kind::list;
                return t;
            }
            input_value::list_t items;
            for (auto& x : t.items)
                items.push_back(std::move(x.constant));
            t.items.clear();
            t.constant = input_value::list(std::move(items));
            return t;
        }
        case value_kind::object_value: {
            bool constant = true;
            for (const auto& f : v.fields) {
                t.fields.emplace_back(std::string(f.name), make_template(f.value));
                constant = constant && t.fields.back().second.k == value_template::kind::constant;
            }
            if (!constant) {
                t.k = value_template::kind::object;
                return t;
            }
            input_value::object_t fields;
            for (auto& [k, x] : t.fields)
                fields.emplace_back(std::move(k), std::move(x.constant));
            t.fields.clear();
            t.constant = input_value::object(std::move(fields));
            return t;
        }
        }
        return t;
    }

    /// The @skip/@include of a selection (other directives were checked by validation and
    /// do not change what is selected). False when literals exclude it for good.
    bool conditions(const std::vector<directive>& ds, std::vector<condition>& out) {
        bool all_literal = true;
        for (const auto& d : ds) {
            if (d.name != "skip" && d.name != "include")
                continue;
            const value* cond = nullptr;
            for (const auto& a : d.arguments)
                if (a.name == "if")
                    cond = &a.value;
            condition c;
            c.skip = d.name == "skip";
            c.loc = d.loc;
            if (cond && cond->kind == value_kind::variable) {
                c.k = condition::kind::variable;
                c.var = variable(cond->text);
                all_literal = false;
            } else if (cond && cond->kind == value_kind::boolean_value) {
                c.value = cond->boolean;
            } else {
                unvalidated(d.loc); // §5.4.2.1, §5.6.1
                continue;
            }
            out.push_back(c);
        }
        if (!all_literal)
            return true;
        // Literals only: decided now, for every request.
        bool keep = true;
        for (const auto& c : out)
            if (c.skip == c.value)
                keep = false;
        out.clear();
        return keep;
    }

    bool type_applies(const type_def& object_type, std::string_view condition) const {
        if (condition.empty() || condition == object_type.name)
            return true;
        const type_def* c = s.find_type(condition);
        if (!c)
            return false;
        if (c->kind == named_kind::interface || c->kind == named_kind::union_)
            for (const auto& p : c->possible_types)
                if (p == object_type.name)
                    return true;
        return false;
    }

    // §6.3.2 CollectFields, for every condition at once.
    void collect(selection_plan& sp, const selection_set& set, std::uint32_t origin,
                 std::vector<node>& out, std::set<std::string_view>& visited, std::size_t depth) {
        // A guard: check_expansion bounds how deep fragment spreads nest (product.md §9).
        if (depth > 64) {
            fail("Fragment nesting is too deep.", {}, code::query_too_complex);
            return;
        }
        const type_def& object_type = *sp.type;
        for (const auto& sel : set) {
            node n;
            n.origin = origin;
            if (const auto* f = std::get_if<field>(&sel.node)) {
                if (!conditions(f->directives, n.conds))
                    continue;
                // A hash lookup, not a scan of the groups: a selection set of n distinct
                // keys would otherwise cost n²/2 comparisons (product.md §9).
                auto [slot, added] = group_index->try_emplace(
                    f->response_key(), static_cast<std::int32_t>(sp.groups.size()));
                if (added)
                    sp.groups.emplace_back();
                auto it = sp.groups.begin() + slot->second;
                n.group = slot->second;
                n.occurrence = static_cast<std::uint32_t>(it->occ.size());
                it->occ.push_back({f, {}});
                out.push_back(std::move(n));
            } else if (const auto* spread = std::get_if<fragment_spread>(&sel.node)) {
                if (!conditions(spread->directives, n.conds))
                    continue;
                auto fit = fragments.find(spread->name);
                if (fit == fragments.end() || !s.find_type(fit->second->type_condition.value)) {
                    unvalidated(spread->loc); // §5.5.2.1, §5.5.1.2
                    continue;
                }
                // A spread within itself (§5.5.2.2) is not followed again.
                const auto* fd = fit->second;
                if (!visited.count(spread->name) &&
                    type_applies(object_type, fd->type_condition.value)) {
                    visited.insert(spread->name);
                    collect(sp, fd->selections, origin, n.children, visited, depth + 1);
                    visited.erase(spread->name);
                }
                // Kept even without fields when its conditions can report errors.
                if (!n.conds.empty() || !n.children.empty())
                    out.push_back(std::move(n));
            } else if (const auto* in = std::get_if<inline_fragment>(&sel.node)) {
                if (!conditions(in->directives, n.conds))
                    continue;
                if (!in->type_condition.value.empty() && !s.find_type(in->type_condition.value)) {
                    unvalidated(in->type_condition.loc); // §5.5.1.2
                    continue;
                }
                if (type_applies(object_type, in->type_condition.value))
                    collect(sp, in->selections, origin, n.children, visited, depth + 1);
                if (!n.conds.empty() || !n.children.empty())
                    out.push_back(std::move(n));
            }
        }
    }

    selection_plan prepare_selection(const type_def& object_type, const set_list& sets,
                                     std::uint32_t depth) {
        selection_plan sp;
        sp.type = &object_type;
        std::set<std::string_view> visited;
        std::unordered_map<std::string_view, std::int32_t> index;
        group_index = &index; // collect() finishes before resolve() recurses
        for (const auto& [origin, set] : sets)
            collect(sp, *set, origin, sp.nodes, visited, 0);
        group_index = nullptr;
        sp.offsets.reserve(sp.groups.size());
        for (auto& g : sp.groups) {
            sp.offsets.push_back(sp.occurrences);
            sp.occurrences += static_cast<std::uint32_t>(g.occ.size());
            resolve(object_type, g, depth);
        }
        return sp;
    }

    // §6.4.1 CoerceArgumentValues for what does not depend on variables: defaults, and
    // literals coerced once (validation checked names, uniqueness and required ones).
    std::vector<prepared_arg> prepare_args(const field_def& fd, const field& f) {
        std::vector<prepared_arg> out;
        out.reserve(fd.args.size());
        for (const auto& ad : fd.args) {
            prepared_arg pa;
            pa.def = &ad;
            const argument* given = nullptr;
            for (const auto& a : f.arguments)
                if (a.name == ad.name)
                    given = &a;
            if (!given) {
                if (ad.default_value) {
                    pa.k = prepared_arg::kind::constant;
                    pa.value = *ad.default_value;
                } else if (ad.type.is_non_null()) {
                    unvalidated(f.loc); // §5.4.2.1
                }
                out.push_back(std::move(pa));
                continue;
            }
            pa.given_loc = given->loc;
            pa.value_loc = given->value.loc;
            pa.tmpl = make_template(given->value);
            if (pa.tmpl.k == value_template::kind::variable) {
                pa.k = prepared_arg::kind::variable;
            } else if (pa.tmpl.k == value_template::kind::constant) {
                auto r = coerce_input(s, pa.tmpl.constant, ad.type);
                if (r) {
                    pa.k = prepared_arg::kind::constant;
                    pa.value = std::move(*r);
                } else {
                    pa.k = prepared_arg::kind::fail;
                    pa.err = error::at("Argument \"" + ad.name + "\" has invalid value " +
                                           pa.tmpl.constant.to_json() + ": " + r.error(),
                                       given->value.loc, code::validation_failed);
                }
                pa.tmpl = {};
            } else {
                pa.k = prepared_arg::kind::templated;
            }
            out.push_back(std::move(pa));
        }
        return out;
    }

    // Resolves a response key's field against its parent type. Validation made every
    // occurrence the same field (§5.3.2) and its selection fit its type (§5.3.3).
    void resolve(const type_def& parent, group& g, std::uint32_t depth) {
        const field& f = *g.occ.front().f;
        if (f.name == "__typename") {
            g.is_typename = true;
            return;
        }
        const bool is_root_query = &parent == s.query_type();
        const field_def* fd = nullptr;
        if (is_root_query && f.name == "__schema")
            fd = &detail::meta().schema_field;
        else if (is_root_query && f.name == "__type")
            fd = &detail::meta().type_field;
        else
            fd = parent.find_field(f.name);
        if (!fd) {
            unvalidated(f.loc); // §5.3.1
            return;
        }
        g.fd = fd;
        for (auto& o : g.occ)
            o.args = prepare_args(*fd, *o.f);
        const type_def* ft = s.find_type(fd->type.name);
        if (!ft) {
            g.drop = true;
            return;
        }
        g.abstract = ft->kind == named_kind::interface || ft->kind == named_kind::union_;
        g.composite = ft->kind == named_kind::object || g.abstract;
        for (const auto& o : g.occ)
            if (g.composite == o.f->selections.empty() || o.f->name != f.name)
                unvalidated(o.f->loc); // §5.3.3, §5.3.2
        if (!g.composite)
            return;
        if (opts.max_depth && depth + 1 > opts.max_depth) {
            g.too_deep = true; // reported by bind if the field is kept
            return;
        }
        set_list sets;
        sets.reserve(g.occ.size());
        for (std::size_t k = 0; k < g.occ.size(); ++k)
            sets.emplace_back(static_cast<std::uint32_t>(k), &g.occ[k].f->selections);
        if (!g.abstract) {
            g.sub.push_back(prepare_selection(*ft, sets, depth + 1));
            return;
        }
        for (const auto& pt : ft->possible_types)
            if (const auto* ot = s.find_type(pt)) {
                g.type_names.push_back(pt);
                g.sub.push_back(prepare_selection(*ot, sets, depth + 1));
            }
    }

    void prepare_variables(const operation_definition& op, prepared_operation& out) {
        for (const auto& vd : op.variables) {
            variable_plan vp;
            vp.name = std::string(vd.name);
            vp.loc = vd.loc;
            const type_ref* cur = &vd.type;
            while (cur->kind != type_kind::named) {
                vp.type.wrappers.push_back(cur->kind == type_kind::list
                                               ? type_expr::wrap::list
                                               : type_expr::wrap::non_null);
                cur = cur->of.get();
            }
            vp.type.name = std::string(cur->name);
            const type_def* td = s.find_type(vp.type.name);
            if (!td || (td->kind != named_kind::scalar && td->kind != named_kind::enum_ &&
                        td->kind != named_kind::input_object)) {
                unvalidated(vd.type.loc); // §5.8.2
                continue;
            }
            if (vd.default_value) {
                // A default is a constant (the parser refuses variables in it), so it is
                // coerced once; it is used, or its error reported, when no value is given.
                vp.has_default = true;
                input_value raw_default;
                substitute(make_template(*vd.default_value), {}, raw_default);
                auto r = coerce_input(s, raw_default, vp.type);
                if (r)
                    vp.default_value = std::move(*r);
                else
                    vp.default_error = "Variable \"$" + vp.name +
                                       "\" has an invalid default value: " + r.error();
            }
            var_index[vd.name] = static_cast<std::int32_t>(out.vars.size());
            out.vars.push_back(std::move(vp));
        }
    }
};

struct binder {
    const prepared_operation& p;
    const location_map* remap;
    vars_t vars;
    std::vector<error> errors;
    std::uint32_t aliases = 0;
    bool too_deep = false;

    source_location at(source_location loc) const { return remap ? (*remap)(loc) : loc; }
    void fail(std::string msg, source_location loc, const char* c) {
        errors.push_back(error::at(std::move(msg), at(loc), c));
    }
    void emit(const error& e) {
        errors.push_back(e);
        if (remap)
            for (auto& l : errors.back().locations)
                l = (*remap)(l);
    }
    const input_value* var(std::int32_t i) const {
        return i < 0 || static_cast<std::size_t>(i) >= vars.size() || !vars[i] ? nullptr
                                                                               : &*vars[i];
    }

    void coerce_variables(const input_value& given) {
        if (!given.is_null() && given.type() != input_value::kind::object) {
            fail("Variables must be provided as an object.", {}, code::bad_user_input);
            return;
        }
        vars.resize(p.vars.size());
        for (std::size_t i = 0; i < p.vars.size(); ++i) {
            const auto& vp = p.vars[i];
            const input_value* provided = given.find(vp.name);
            if (!provided) {
                if (vp.has_default) {
                    if (!vp.default_error.empty())
                        fail(vp.default_error, vp.loc, code::validation_failed);
                    else
                        vars[i] = vp.default_value;
                } else if (vp.type.is_non_null()) {
                    fail("Variable \"$" + vp.name + "\" of required type \"" + vp.type.to_string() +
                             "\" was not provided.",
                         vp.loc, code::bad_user_input);
                }
                continue;
            }
            auto r = coerce_input(*p.s, *provided, vp.type);
            if (!r) {
                fail("Variable \"$" + vp.name + "\" got invalid value " + provided->to_json() +
                         "; " + r.error(),
                     vp.loc, code::bad_user_input);
                continue;
            }
            vars[i] = std::move(*r);
        }
    }

    bool included(const std::vector<condition>& cs) {
        for (const auto& c : cs) {
            bool b = c.value;
            if (c.k == condition::kind::variable) {
                // A nullable variable with a default, given null (§5.8.5 allows it).
                const input_value* v = var(c.var);
                if (!v || v->type() != input_value::kind::boolean) {
                    fail(std::string("Directive \"@") + (c.skip ? "skip" : "include") +
                             "\" argument \"if\" must be a Boolean.",
                         c.loc, code::validation_failed);
                    continue;
                }
                b = v->as_bool();
            }
            if (c.skip == b)
                return false;
        }
        return true;
    }

    struct walk_state {
        const selection_plan& sp;
        std::vector<char> in;   ///< per occurrence: kept
        std::vector<char> seen; ///< per group
        std::vector<std::uint32_t> order;
    };

    void walk(walk_state& w, const std::vector<node>& nodes, const std::vector<char>* parent_in) {
        for (const auto& n : nodes) {
            if (parent_in && !(*parent_in)[n.origin])
                continue;
            if (!n.conds.empty() && !included(n.conds))
                continue;
            if (n.group < 0) {
                walk(w, n.children, nullptr);
                continue;
            }
            const auto g = static_cast<std::size_t>(n.group);
            w.in[w.sp.offsets[g] + n.occurrence] = 1;
            if (!w.seen[g]) {
                w.seen[g] = 1;
                w.order.push_back(static_cast<std::uint32_t>(g));
            }
        }
    }

    std::vector<std::pair<std::string, input_value>>
    bind_args(const field_def& fd, const std::vector<prepared_arg>& args) {
        std::vector<std::pair<std::string, input_value>> out;
        out.reserve(args.size());
        for (const auto& pa : args) {
            switch (pa.k) {
            case prepared_arg::kind::skip:
                break;
            case prepared_arg::kind::constant:
                out.emplace_back(pa.def->name, pa.value);
                break;
            case prepared_arg::kind::fail:
                emit(pa.err);
                break;
            case prepared_arg::kind::variable: {
                const input_value* v = var(pa.tmpl.var);
                if (!v) {
                    if (pa.def->default_value)
                        out.emplace_back(pa.def->name, *pa.def->default_value);
                    else if (pa.def->type.is_non_null())
                        fail("Field \"" + fd.name + "\" argument \"" + pa.def->name +
                                 "\" of type \"" + pa.def->type.to_string() +
                                 "\" is required, but it was not provided.",
                             pa.given_loc, code::bad_user_input);
                    break;
                }
                auto r = coerce_input(*p.s, *v, pa.def->type);
                if (!r)
                    fail("Argument \"" + pa.def->name + "\" has invalid value " + v->to_json() +
                             ": " + r.error(),
                         pa.value_loc, code::bad_user_input);
                else
                    out.emplace_back(pa.def->name, std::move(*r));
                break;
            }
            case prepared_arg::kind::templated: {
                input_value raw;
                substitute(pa.tmpl, vars, raw);
                auto r = coerce_input(*p.s, raw, pa.def->type);
                if (!r)
                    fail("Argument \"" + pa.def->name + "\" has invalid value " + raw.to_json() +
                             ": " + r.error(),
                         pa.value_loc, code::validation_failed);
                else
                    out.emplace_back(pa.def->name, std::move(*r));
                break;
            }
            }
        }
        return out;
    }

    std::vector<field_plan> bind_selection(const selection_plan& sp,
                                           const std::vector<char>* parent_in) {
        walk_state w{
            sp, std::vector<char>(sp.occurrences, 0), std::vector<char>(sp.groups.size(), 0), {}};
        w.order.reserve(sp.groups.size());
        walk(w, sp.nodes, parent_in);
        std::vector<field_plan> out;
        out.reserve(w.order.size());
        for (const auto gi : w.order) {
            const group& g = sp.groups[gi];
            const std::uint32_t off = sp.offsets[gi];
            std::size_t first = 0;
            while (!w.in[off + first])
                ++first;
            const occurrence& o = g.occ[first];
            const field& f = *o.f;
            field_plan fp;
            fp.response_key = std::string(f.response_key());
            fp.name = std::string(f.name);
            fp.parent = sp.type;
            fp.loc = at(f.loc);
            if (!f.alias.empty())
                ++aliases;
            if (g.is_typename) {
                out.push_back(std::move(fp));
                continue;
            }
            if (!g.fd)
                continue; // refused by prepare; not reached
            fp.field = g.fd;
            fp.args = bind_args(*g.fd, o.args);
            if (g.drop)
                continue;
            if (!g.composite) {
                out.push_back(std::move(fp));
                continue;
            }
            if (g.too_deep) {
                if (!too_deep)
                    fail("Query depth exceeds the maximum of " + std::to_string(p.opts.max_depth) +
                             ".",
                         f.loc, code::query_too_complex);
                too_deep = true;
                continue;
            }
            const std::vector<char> kept(w.in.begin() + off, w.in.begin() + off + g.occ.size());
            if (!g.abstract) {
                fp.selection = bind_selection(g.sub.front(), &kept);
            } else {
                fp.selection_by_type.reserve(g.sub.size());
                for (std::size_t i = 0; i < g.sub.size(); ++i)
                    fp.selection_by_type.emplace_back(g.type_names[i],
                                                      bind_selection(g.sub[i], &kept));
            }
            out.push_back(std::move(fp));
        }
        return out;
    }
};

} // namespace

fraiseql::result<std::shared_ptr<const prepared_operation>, std::vector<error>>
prepare_operation(const schema& s, std::shared_ptr<const document> doc,
                  std::string_view operation_name, const plan_options& opts) {
    if (!doc)
        return failure{
            std::vector<error>{error::at("Must provide a document.", {}, code::validation_failed)}};
    // product.md §9: the expansion is counted before it is done.
    if (auto e = check_expansion(*doc, operation_name, {opts.max_fields, 64}))
        return failure{std::vector<error>{std::move(*e)}};
    auto sel = select_operation(s, *doc, operation_name);
    if (!sel)
        return failure{std::move(sel.error())};
    auto out = std::make_shared<prepared_operation>();
    out->s = &s;
    out->opts = opts;
    out->kind = sel->kind;
    out->name = std::string(sel->op->name);
    out->loc = sel->op->loc;
    preparer p{s, opts, std::move(sel->fragments), {}, {}, false, nullptr};
    p.prepare_variables(*sel->op, *out);
    if (!p.errors.empty())
        return failure{std::move(p.errors)};
    out->root = p.prepare_selection(*sel->root, {{0u, &sel->op->selections}}, 1);
    if (!p.errors.empty())
        return failure{std::move(p.errors)};
    out->doc = std::move(doc);
    return std::shared_ptr<const prepared_operation>(std::move(out));
}

void mark_root_resolvers(operation_kind kind, std::vector<field_plan>& roots) noexcept {
    for (auto& fp : roots) {
        if (fp.name == "__typename") fp.resolved_by = root_resolver::typename_;
        else if (fp.name == "__schema") fp.resolved_by = root_resolver::schema;
        else if (fp.name == "__type") fp.resolved_by = root_resolver::type;
        else if (!fp.field) fp.resolved_by = root_resolver::none;
        else if (kind == operation_kind::mutation) fp.resolved_by = root_resolver::mutation;
        else switch (fp.field->root) {
            case field_def::root_kind::list: fp.resolved_by = root_resolver::list; break;
            case field_def::root_kind::single: fp.resolved_by = root_resolver::single; break;
            case field_def::root_kind::connection: fp.resolved_by = root_resolver::connection; break;
            case field_def::root_kind::aggregate: fp.resolved_by = root_resolver::aggregate; break;
            case field_def::root_kind::group_by: fp.resolved_by = root_resolver::group_by; break;
            case field_def::root_kind::none: fp.resolved_by = root_resolver::none; break;
        }
    }
}

operation_kind prepared_kind(const prepared_operation& op) noexcept {
    return op.kind;
}

fraiseql::result<std::vector<std::optional<input_value>>, std::vector<error>>
coerce_variables(const prepared_operation& op, const input_value& variables) {
    binder b{op, nullptr, {}, {}};
    b.coerce_variables(variables);
    if (!b.errors.empty())
        return failure{std::move(b.errors)};
    return std::move(b.vars);
}

namespace {

/// `path`: the object keys from the root argument's value down to `t`, or nullptr when `t`
/// is not addressable that way (inside a list literal, or an argument of a nested field).
void note_template(const value_template& t, std::vector<std::string_view>* path,
                   std::string_view root_key, std::string_view arg,
                   std::vector<variable_use>& out) {
    switch (t.k) {
    case value_template::kind::constant:
        return;
    case value_template::kind::variable: {
        if (t.var < 0 || static_cast<std::size_t>(t.var) >= out.size())
            return;
        auto& u = out[static_cast<std::size_t>(t.var)];
        if (!path || root_key.empty()) {
            u.nested = true;
            return;
        }
        if (!path->empty()) {
            variable_use::path_use use{root_key, arg, *path};
            if (std::find(u.paths.begin(), u.paths.end(), use) == u.paths.end())
                u.paths.push_back(std::move(use));
            return;
        }
        const std::pair<std::string_view, std::string_view> use{root_key, arg};
        if (std::find(u.root_args.begin(), u.root_args.end(), use) == u.root_args.end())
            u.root_args.push_back(use);
        return;
    }
    case value_template::kind::list:
        for (const auto& x : t.items)
            note_template(x, nullptr, root_key, arg, out);
        return;
    case value_template::kind::object:
        for (const auto& [k, x] : t.fields) {
            if (!path) {
                note_template(x, nullptr, root_key, arg, out);
                continue;
            }
            path->push_back(k);
            note_template(x, path, root_key, arg, out);
            path->pop_back();
        }
        return;
    }
}

void note_nodes(const std::vector<node>& nodes, std::vector<variable_use>& out) {
    for (const auto& n : nodes) {
        for (const auto& c : n.conds)
            if (c.k == condition::kind::variable && c.var >= 0 &&
                static_cast<std::size_t>(c.var) < out.size())
                out[static_cast<std::size_t>(c.var)].condition = true;
        note_nodes(n.children, out);
    }
}

void note_selection(const selection_plan& sp, bool root, std::vector<variable_use>& out) {
    note_nodes(sp.nodes, out);
    for (const auto& g : sp.groups) {
        for (const auto& o : g.occ) {
            const std::string_view key = root && o.f ? o.f->response_key() : std::string_view{};
            for (const auto& a : o.args)
                if (a.k == prepared_arg::kind::variable || a.k == prepared_arg::kind::templated) {
                    std::vector<std::string_view> path;
                    note_template(a.tmpl, &path, key,
                                  a.def ? std::string_view(a.def->name) : std::string_view{},
                                  out);
                }
        }
        for (const auto& sub : g.sub)
            note_selection(sub, false, out);
    }
}

} // namespace

std::vector<variable_use> variable_uses(const prepared_operation& op) {
    std::vector<variable_use> out(op.vars.size());
    for (std::size_t i = 0; i < op.vars.size(); ++i) {
        out[i].name = op.vars[i].name;
        out[i].type = &op.vars[i].type;
        out[i].has_default = op.vars[i].has_default;
    }
    note_selection(op.root, true, out);
    return out;
}

fraiseql::result<operation_plan, std::vector<error>> bind_operation(const prepared_operation& op,
                                                                    const input_value& variables,
                                                                    const location_map* remap) {
    binder b{op, remap, {}, {}};
    b.coerce_variables(variables);
    if (!b.errors.empty())
        return failure{std::move(b.errors)};
    operation_plan plan;
    plan.kind = op.kind;
    plan.name = op.name;
    plan.root_fields = b.bind_selection(op.root, nullptr);
    mark_root_resolvers(plan.kind, plan.root_fields);
    if (op.opts.max_aliases && b.aliases > op.opts.max_aliases)
        b.fail("Operation uses " + std::to_string(b.aliases) + " aliases; the maximum is " +
                   std::to_string(op.opts.max_aliases) + ".",
               op.loc, code::query_too_complex);
    // product.md §9: counted on the bound values (literals and variables), before any SQL.
    if (b.errors.empty())
        detail::check_filter_budget(*op.s, plan.root_fields, op.opts.max_filter_conditions,
                                    b.errors);
    // product.md §3.6 / §9: the grouping arguments, refused before any SQL (aggregate_args.cpp).
    if (b.errors.empty())
        detail::check_aggregate_args(*op.s, plan.root_fields, op.opts.max_filter_conditions,
                                     b.errors);
    if (!b.errors.empty())
        return failure{std::move(b.errors)};
    return plan;
}

} // namespace fraiseql::graphql
