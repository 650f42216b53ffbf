// Validation (GraphQL spec October 2021, §5) in one walk over the document.
//
// The walk mirrors graphql-js 16.8's `validate`: a TypeInfo-like set of stacks (parent
// type, output type, field definition, input type, default value, directive) and, at each
// node, the rules in graphql-js's `specifiedRules` order, so that errors come out in the
// same order with the same words. Rules that need the whole document (unused fragments,
// variables across fragments) run when their operation or the document is left.

#include "fraiseql/graphql/validate.hpp"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "context.hpp"
#include "meta_fields.hpp"
#include "fraiseql/graphql/parser.hpp"
#include "overlap.hpp"
#include "suggest.hpp"

namespace fraiseql::graphql {

// §4.2 meta-fields, as graphql-js's TypeInfo knows them (also used by the planner).
const detail::meta_fields& detail::meta() {
    static const meta_fields m = [] {
        meta_fields f;
        f.schema_field.name = "__schema";
        f.schema_field.type = type_expr::named("__Schema").non_null_of();
        f.type_field.name = "__type";
        f.type_field.type = type_expr::named("__Type");
        argument_def a;
        a.name = "name";
        a.type = type_expr::named("String").non_null_of();
        f.type_field.args.push_back(a);
        f.typename_field.name = "__typename";
        f.typename_field.type = type_expr::named("String").non_null_of();
        return f;
    }();
    return m;
}

namespace {

using namespace detail;

std::string q(std::string_view s) { return "\"" + std::string(s) + "\""; }

const char* operation_location(operation_type t) {
    switch (t) {
    case operation_type::query: return "QUERY";
    case operation_type::mutation: return "MUTATION";
    case operation_type::subscription: return "SUBSCRIPTION";
    }
    return "QUERY";
}

struct usage {
    const value* var;
    vtype type;
    bool has_default;
};

class validator {
public:
    validator(const schema& s, const document& doc, const validate_options& opts)
        : s_(s), doc_(doc), opts_(opts), scan_(doc.source()), overlap_(s, fragments_, opts.max_overlap_comparisons) {
        for (const auto& d : doc_.definitions) {
            if (const auto* f = std::get_if<fragment_definition>(&d)) fragments_[f->name] = f; // last wins
            else if (std::holds_alternative<operation_definition>(d)) ++operation_count_;
        }
    }

    std::vector<error> run() {
        executable_definitions();
        for (const auto& d : doc_.definitions) {
            if (aborted_) break;
            if (const auto* op = std::get_if<operation_definition>(&d)) walk_operation(*op);
            else if (const auto* f = std::get_if<fragment_definition>(&d)) walk_fragment_definition(*f);
        }
        if (!aborted_) no_unused_fragments();
        return std::move(errors_);
    }

private:
    const schema& s_;
    const document& doc_;
    const validate_options& opts_;
    std::vector<error> errors_;
    bool aborted_ = false;
    bool rules_ = true; // false while collecting variable usages of a fragment
    std::size_t operation_count_ = 0;
    source_scanner scan_;
    fragment_map fragments_;
    overlap_checker overlap_;
    bool overlap_budget_reported_ = false;
    std::deque<type_expr> owned_types_;
    std::vector<std::string_view> type_names_;

    // TypeInfo.
    std::vector<vtype> type_stack_;
    std::vector<const type_def*> parent_stack_;
    std::vector<const field_def*> field_def_stack_;
    std::vector<vtype> input_stack_;
    std::vector<bool> default_stack_;
    const directive_def* directive_ = nullptr;
    bool in_directive_ = false;

    // Per operation / per document rule state.
    std::unordered_map<std::string_view, const operation_definition*> operation_names_;
    std::unordered_map<std::string_view, const fragment_definition*> fragment_names_;
    std::vector<const variable_definition*> var_defs_;
    std::vector<usage>* usages_ = nullptr;
    std::unordered_map<const selection_set*, std::vector<const fragment_spread*>> spreads_cache_;
    std::unordered_map<const fragment_definition*, std::vector<usage>> fragment_usages_;
    std::unordered_set<std::string_view> cycle_visited_;

    // ---- reporting -----------------------------------------------------------------

    void report(std::string message, std::vector<source_location> locs,
                const char* code = code::validation_failed) {
        if (aborted_) return;
        if (opts_.max_errors && errors_.size() >= opts_.max_errors) {
            error e;
            e.message = "Too many validation errors, error limit reached. Validation aborted.";
            e.code = code::validation_failed;
            errors_.push_back(std::move(e));
            aborted_ = true;
            return;
        }
        error e;
        e.message = std::move(message);
        for (auto l : locs)
            if (l.line) e.locations.push_back(l);
        e.code = code;
        errors_.push_back(std::move(e));
    }

    // ---- helpers ---------------------------------------------------------------------

    const std::vector<std::string_view>& type_names() {
        if (type_names_.empty())
            for (const auto& t : s_.types()) type_names_.push_back(t->name);
        return type_names_;
    }

    vtype type_from_ast(const type_ref& t) {
        type_expr e;
        const type_ref* cur = &t;
        while (cur && cur->kind != type_kind::named) {
            e.wrappers.push_back(cur->kind == type_kind::list ? type_expr::wrap::list : type_expr::wrap::non_null);
            cur = cur->of.get();
        }
        if (!cur) return {};
        const type_def* d = s_.find_type(cur->name);
        if (!d) return {};
        if (e.wrappers.empty()) return vtype::of_named(d);
        owned_types_.push_back(std::move(e));
        return vtype{d, owned_types_.back().wrappers.data(), owned_types_.back().wrappers.size()};
    }

    static vtype output_only(vtype t) {
        return t.named && t.named->kind == named_kind::input_object ? vtype{} : t;
    }
    static vtype input_only(vtype t) { return is_input(t.named) ? t : vtype{}; }

    const type_def* root_type(operation_type t) const {
        switch (t) {
        case operation_type::query: return s_.query_type();
        case operation_type::mutation: return s_.mutation_type();
        case operation_type::subscription:
            return opts_.subscription_type.empty() ? s_.subscription_type()
                                                   : s_.find_type(opts_.subscription_type);
        }
        return nullptr;
    }

    // graphql-js `getFieldDef` (TypeInfo): meta-fields included.
    const field_def* field_def_for(const type_def* parent, std::string_view name) const {
        if (!parent) return nullptr;
        if (name == "__schema" && parent == s_.query_type()) return &meta().schema_field;
        if (name == "__type" && parent == s_.query_type()) return &meta().type_field;
        if (name == "__typename" && is_composite(parent)) return &meta().typename_field;
        if (parent->kind == named_kind::object || parent->kind == named_kind::interface)
            return parent->find_field(name);
        return nullptr;
    }

    // graphql-js `ValidationContext.getFragmentSpreads`: spreads of a selection set, not
    // following fragments, in its stack order (which decides the order of cycle reports).
    const std::vector<const fragment_spread*>& fragment_spreads(const selection_set& set) {
        auto it = spreads_cache_.find(&set);
        if (it != spreads_cache_.end()) return it->second;
        std::vector<const fragment_spread*> spreads;
        std::vector<const selection_set*> stack{&set};
        while (!stack.empty()) {
            const selection_set* cur = stack.back();
            stack.pop_back();
            for (const auto& sel : *cur) {
                if (const auto* sp = std::get_if<fragment_spread>(&sel.node)) spreads.push_back(sp);
                else if (const auto* f = std::get_if<field>(&sel.node)) {
                    if (!f->selections.empty()) stack.push_back(&f->selections);
                } else if (const auto* in = std::get_if<inline_fragment>(&sel.node)) {
                    stack.push_back(&in->selections);
                }
            }
        }
        return spreads_cache_.emplace(&set, std::move(spreads)).first->second;
    }

    const fragment_definition* fragment(std::string_view name) const {
        auto it = fragments_.find(name);
        return it == fragments_.end() ? nullptr : it->second;
    }

    // graphql-js `getRecursivelyReferencedFragments`.
    std::vector<const fragment_definition*> referenced_fragments(const operation_definition& op) {
        std::vector<const fragment_definition*> out;
        std::unordered_set<std::string_view> collected;
        std::vector<const selection_set*> stack{&op.selections};
        while (!stack.empty()) {
            const selection_set* cur = stack.back();
            stack.pop_back();
            for (const auto* sp : fragment_spreads(*cur)) {
                if (!collected.insert(sp->name).second) continue;
                if (const auto* fd = fragment(sp->name)) {
                    out.push_back(fd);
                    stack.push_back(&fd->selections);
                }
            }
        }
        return out;
    }

    // Variable usages of a fragment with their expected types (graphql-js
    // `getVariableUsages`): a walk of the fragment with the rules switched off.
    const std::vector<usage>& fragment_usages(const fragment_definition& fd) {
        auto it = fragment_usages_.find(&fd);
        if (it != fragment_usages_.end()) return it->second;
        std::vector<usage> found;
        const bool saved_rules = rules_;
        auto* saved_usages = usages_;
        rules_ = false;
        usages_ = &found;
        walk_fragment_definition(fd);
        rules_ = saved_rules;
        usages_ = saved_usages;
        return fragment_usages_.emplace(&fd, std::move(found)).first->second;
    }

    // ---- the walk --------------------------------------------------------------------

    void walk_operation(const operation_definition& op) {
        type_stack_.push_back(vtype::of_named(root_type(op.operation)));
        if (rules_) {
            unique_operation_names(op);
            lone_anonymous_operation(op);
            single_field_subscriptions(op);
            unique_variable_names(op);
            var_defs_.clear();
            unique_directives(op.directives);
        }
        std::vector<usage> usages;
        usages_ = &usages;
        for (const auto& vd : op.variables) walk_variable_definition(vd);
        for (const auto& d : op.directives) walk_directive(d, operation_location(op.operation));
        walk_selection_set(op.selections);
        usages_ = nullptr;
        type_stack_.pop_back();
        if (!rules_ || aborted_) return;
        // Leave: the rules over all usages, the operation's and its fragments'.
        std::vector<const std::vector<usage>*> all{&usages};
        for (const auto* fd : referenced_fragments(op)) all.push_back(&fragment_usages(*fd));
        no_undefined_variables(op, all);
        no_unused_variables(op, all);
        variables_in_allowed_position(op, all);
    }

    void walk_variable_definition(const variable_definition& vd) {
        auto* saved = usages_;
        usages_ = nullptr; // not usages (graphql-js skips variable definitions)
        vtype t = type_from_ast(vd.type);
        input_stack_.push_back(input_only(t));
        default_stack_.push_back(false);
        if (rules_) {
            if (t.defined() && !is_input(t.named))
                report("Variable \"$" + std::string(vd.name) + "\" cannot be non-input type \"" +
                           print(vd.type) + "\".",
                       {vd.type.loc});
            var_defs_.push_back(&vd);
            unique_directives(vd.directives);
            const type_ref* named = &vd.type;
            while (named->kind != type_kind::named && named->of) named = named->of.get();
            known_type_name(named->name, named->loc);
        }
        if (vd.default_value) walk_value(*vd.default_value, true);
        for (const auto& d : vd.directives) walk_directive(d, "VARIABLE_DEFINITION");
        input_stack_.pop_back();
        default_stack_.pop_back();
        usages_ = saved;
    }

    void walk_selection_set(const selection_set& set) {
        const type_def* t = type_stack_.empty() ? nullptr : type_stack_.back().named;
        const type_def* parent = is_composite(t) ? t : nullptr;
        parent_stack_.push_back(parent);
        if (rules_) overlapping_fields(parent, set);
        for (const auto& sel : set) {
            if (aborted_) break;
            if (const auto* f = std::get_if<field>(&sel.node)) walk_field(*f);
            else if (const auto* sp = std::get_if<fragment_spread>(&sel.node)) walk_fragment_spread(*sp);
            else if (const auto* in = std::get_if<inline_fragment>(&sel.node)) walk_inline_fragment(*in);
        }
        parent_stack_.pop_back();
    }

    void walk_field(const field& f) {
        const type_def* parent = parent_stack_.back();
        const field_def* def = field_def_for(parent, f.name);
        vtype t = def ? output_only(resolve(s_, def->type)) : vtype{};
        field_def_stack_.push_back(def);
        type_stack_.push_back(t);
        if (rules_) {
            scalar_leafs(f, t);
            fields_on_correct_type(f, parent, def);
            unique_directives(f.directives);
            unique_argument_names(f.arguments);
        }
        for (const auto& a : f.arguments) walk_argument(a);
        for (const auto& d : f.directives) walk_directive(d, "FIELD");
        if (!f.selections.empty()) walk_selection_set(f.selections);
        if (rules_) provided_required_arguments(f, def);
        type_stack_.pop_back();
        field_def_stack_.pop_back();
    }

    void walk_argument(const argument& a) {
        // graphql-js TypeInfo: the directive's argument, else (also for an unknown
        // directive) the current field's.
        const field_def* fd = field_def_stack_.empty() ? nullptr : field_def_stack_.back();
        const std::vector<argument_def>* defs = directive_ ? &directive_->args : fd ? &fd->args : nullptr;
        const argument_def* ad = nullptr;
        if (defs)
            for (const auto& x : *defs)
                if (x.name == a.name) {
                    ad = &x;
                    break;
                }
        input_stack_.push_back(ad ? input_only(resolve(s_, ad->type)) : vtype{});
        default_stack_.push_back(ad && ad->default_value.has_value());
        if (rules_ && !in_directive_ && !ad && fd && parent_stack_.back()) {
            // §5.4.1 Argument Names (fields).
            std::vector<std::string_view> names;
            for (const auto& x : fd->args) names.push_back(x.name);
            report("Unknown argument \"" + std::string(a.name) + "\" on field \"" + parent_stack_.back()->name +
                       "." + fd->name + "\"." + did_you_mean(suggestion_list(a.name, names)),
                   {a.loc});
        }
        walk_value(a.value, true);
        input_stack_.pop_back();
        default_stack_.pop_back();
    }

    void walk_directive(const directive& d, const char* location) {
        const directive_def* dd = s_.find_directive(d.name);
        directive_ = dd;
        in_directive_ = true;
        if (rules_) {
            // §5.7.1 Directives Are Defined, §5.7.2 Directives Are In Valid Locations.
            if (!dd) {
                report("Unknown directive \"@" + std::string(d.name) + "\".", {d.loc});
            } else if (std::find(dd->locations.begin(), dd->locations.end(), location) == dd->locations.end()) {
                report("Directive \"@" + std::string(d.name) + "\" may not be used on " + location + ".", {d.loc});
            }
            // §5.4.1 Argument Names (directives).
            if (dd) {
                std::vector<std::string_view> names;
                for (const auto& x : dd->args) names.push_back(x.name);
                for (const auto& a : d.arguments)
                    if (std::find(names.begin(), names.end(), a.name) == names.end())
                        report("Unknown argument \"" + std::string(a.name) + "\" on directive \"@" +
                                   std::string(d.name) + "\"." + did_you_mean(suggestion_list(a.name, names)),
                               {a.loc});
            }
            unique_argument_names(d.arguments);
        }
        for (const auto& a : d.arguments) walk_argument(a);
        if (rules_ && dd) {
            // §5.4.2.1 Required Arguments (directives).
            for (const auto& ad : dd->args) {
                if (!ad.type.is_non_null() || ad.default_value) continue;
                bool given = false;
                for (const auto& a : d.arguments) given = given || a.name == ad.name;
                if (!given)
                    report("Directive \"@" + std::string(d.name) + "\" argument \"" + ad.name + "\" of type \"" +
                               ad.type.to_string() + "\" is required, but it was not provided.",
                           {d.loc});
            }
        }
        directive_ = nullptr;
        in_directive_ = false;
    }

    void walk_fragment_spread(const fragment_spread& sp) {
        if (rules_) {
            // §5.5.2.1 Fragment spread target defined.
            const fragment_definition* fd = fragment(sp.name);
            if (!fd) report("Unknown fragment \"" + std::string(sp.name) + "\".", {scan_.name_after(sp.loc, 3)});
            // §5.5.2.3 Fragment spread is possible.
            const type_def* frag_type = fd ? s_.find_type(fd->type_condition.value) : nullptr;
            const type_def* parent = parent_stack_.back();
            if (is_composite(frag_type) && parent && !types_overlap(s_, frag_type, parent))
                report("Fragment \"" + std::string(sp.name) + "\" cannot be spread here as objects of type \"" +
                           parent->name + "\" can never be of type \"" + frag_type->name + "\".",
                       {sp.loc});
            unique_directives(sp.directives);
        }
        for (const auto& d : sp.directives) walk_directive(d, "FRAGMENT_SPREAD");
    }

    void walk_inline_fragment(const inline_fragment& in) {
        const bool has_condition = !in.type_condition.value.empty();
        vtype t = has_condition ? vtype::of_named(s_.find_type(in.type_condition.value))
                                : (type_stack_.empty() ? vtype{} : type_stack_.back().named_only());
        t = output_only(t);
        type_stack_.push_back(t);
        if (rules_) {
            // §5.5.1.3 Fragments On Composite Types.
            // typeFromAST, not TypeInfo's type (which drops input types).
            const type_def* condition = has_condition ? s_.find_type(in.type_condition.value) : nullptr;
            if (condition && !is_composite(condition))
                report("Fragment cannot condition on non composite type \"" + std::string(in.type_condition.value) +
                           "\".",
                       {in.type_condition.loc});
            // §5.5.2.3 Fragment spread is possible.
            const type_def* parent = parent_stack_.back();
            if (is_composite(t.named) && is_composite(parent) && !types_overlap(s_, t.named, parent))
                report("Fragment cannot be spread here as objects of type \"" + parent->name +
                           "\" can never be of type \"" + t.named->name + "\".",
                       {in.loc});
            unique_directives(in.directives);
            if (has_condition) known_type_name(in.type_condition.value, in.type_condition.loc);
        }
        for (const auto& d : in.directives) walk_directive(d, "INLINE_FRAGMENT");
        walk_selection_set(in.selections);
        type_stack_.pop_back();
    }

    void walk_fragment_definition(const fragment_definition& fd) {
        vtype t = output_only(vtype::of_named(s_.find_type(fd.type_condition.value)));
        type_stack_.push_back(t);
        if (rules_) {
            const type_def* condition = s_.find_type(fd.type_condition.value);
            if (condition && !is_composite(condition))
                report("Fragment \"" + std::string(fd.name) + "\" cannot condition on non composite type \"" +
                           std::string(fd.type_condition.value) + "\".",
                       {fd.type_condition.loc});
            unique_fragment_names(fd);
            no_fragment_cycles(fd);
            unique_directives(fd.directives);
            known_type_name(fd.type_condition.value, fd.type_condition.loc);
        }
        for (const auto& d : fd.directives) walk_directive(d, "FRAGMENT_DEFINITION");
        walk_selection_set(fd.selections);
        type_stack_.pop_back();
    }

    void walk_value(const value& v, bool check) {
        switch (v.kind) {
        case value_kind::variable:
            if (usages_) usages_->push_back({&v, input_stack_.back(), default_stack_.back()});
            return;
        case value_kind::list_value: {
            vtype list_type = input_stack_.back().nullable();
            vtype item = list_type.list() ? list_type.inner() : list_type;
            input_stack_.push_back(item);
            default_stack_.push_back(false);
            bool child_check = check;
            if (rules_ && check && !list_type.list()) {
                valid_value_node(v);
                child_check = false;
            }
            for (const auto& x : v.list) walk_value(x, child_check);
            input_stack_.pop_back();
            default_stack_.pop_back();
            return;
        }
        case value_kind::object_value: walk_object(v, check); return;
        case value_kind::null_value:
            // §5.6.1: null where a non-null type is expected.
            if (rules_ && check && input_stack_.back().non_null())
                report("Expected value of type \"" + input_stack_.back().str() + "\", found null.", {v.loc});
            return;
        default:
            if (rules_ && check) valid_value_node(v);
            return;
        }
    }

    void walk_object(const value& v, bool check) {
        const type_def* t = input_stack_.back().named;
        const bool input_object = t && t->kind == named_kind::input_object;
        bool child_check = check;
        if (rules_ && check) {
            if (!input_object) {
                valid_value_node(v);
                child_check = false;
            } else {
                // §5.6.4 Input Object Required Fields.
                for (const auto& fd : t->input_fields) {
                    if (!fd.type.is_non_null() || fd.default_value) continue;
                    bool given = false;
                    for (const auto& f : v.fields) given = given || f.name == fd.name;
                    if (!given)
                        report("Field \"" + t->name + "." + fd.name + "\" of required type \"" +
                                   fd.type.to_string() + "\" was not provided.",
                               {v.loc});
                }
            }
        }
        for (std::size_t i = 0; i < v.fields.size(); ++i) {
            const argument& f = v.fields[i];
            const argument_def* fd = input_object ? t->find_input_field(f.name) : nullptr;
            input_stack_.push_back(fd ? input_only(resolve(s_, fd->type)) : vtype{});
            default_stack_.push_back(fd && fd->default_value.has_value());
            if (rules_) {
                // §5.6.2 Input Object Field Names.
                if (child_check && !fd && input_object) {
                    std::vector<std::string_view> names;
                    for (const auto& x : t->input_fields) names.push_back(x.name);
                    report("Field \"" + std::string(f.name) + "\" is not defined by type \"" + t->name + "\"." +
                               did_you_mean(suggestion_list(f.name, names)),
                           {f.loc});
                }
                // §5.6.3 Input Object Field Uniqueness.
                for (std::size_t j = 0; j < i; ++j)
                    if (v.fields[j].name == f.name) {
                        report("There can be only one input field named \"" + std::string(f.name) + "\".",
                               {v.fields[j].loc, f.loc});
                        break;
                    }
            }
            walk_value(f.value, child_check);
            input_stack_.pop_back();
            default_stack_.pop_back();
        }
    }

    // ---- §5.6.1 Values of Correct Type: leaf literals --------------------------------

    void valid_value_node(const value& v) {
        const vtype location = input_stack_.back();
        if (!location.defined()) return;
        const type_def* t = location.named;
        if (!is_leaf(t)) {
            report("Expected value of type \"" + location.str() + "\", found " + print(v) + ".", {v.loc});
            return;
        }
        std::string msg;
        if (t->kind == named_kind::enum_) {
            std::string text = print(v);
            std::vector<std::string_view> names;
            for (const auto& e : t->enum_values) names.push_back(e.name);
            if (v.kind != value_kind::enum_value)
                msg = "Enum \"" + t->name + "\" cannot represent non-enum value: " + text + "." +
                      did_you_mean(suggestion_list(text, names), "the enum value");
            else if (!t->has_enum_value(v.text))
                msg = "Value \"" + text + "\" does not exist in \"" + t->name + "\" enum." +
                      did_you_mean(suggestion_list(text, names), "the enum value");
        } else if (t->name == "Int") {
            if (v.kind != value_kind::int_value) {
                msg = "Int cannot represent non-integer value: " + print(v);
            } else {
                double x = std::strtod(std::string(v.text).c_str(), nullptr);
                if (x > 2147483647.0 || x < -2147483648.0)
                    msg = "Int cannot represent non 32-bit signed integer value: " + std::string(v.text);
            }
        } else if (t->name == "Float") {
            if (v.kind != value_kind::float_value && v.kind != value_kind::int_value)
                msg = "Float cannot represent non numeric value: " + print(v);
        } else if (t->name == "String") {
            if (v.kind != value_kind::string_value) msg = "String cannot represent a non string value: " + print(v);
        } else if (t->name == "Boolean") {
            if (v.kind != value_kind::boolean_value)
                msg = "Boolean cannot represent a non boolean value: " + print(v);
        } else if (t->name == "ID") {
            if (v.kind != value_kind::string_value && v.kind != value_kind::int_value)
                msg = "ID cannot represent a non-string and non-integer value: " + print(v);
        }
        // Other scalars (FraiseQL's) take any literal here; the planner coerces them.
        if (!msg.empty()) report(std::move(msg), {v.loc});
    }

    // ---- the rules -------------------------------------------------------------------

    // §5.1.1 Executable Definitions.
    void executable_definitions() {
        for (const auto& d : doc_.definitions) {
            if (const auto* sd = std::get_if<schema_definition>(&d))
                report("The schema definition is not executable.", {sd->loc});
            else if (const auto* td = std::get_if<type_definition>(&d))
                report("The \"" + std::string(td->name) + "\" definition is not executable.", {td->loc});
            else if (const auto* dd = std::get_if<directive_definition>(&d))
                report("The \"" + std::string(dd->name) + "\" definition is not executable.", {dd->loc});
        }
    }

    // §5.2.1.1 Operation Name Uniqueness.
    void unique_operation_names(const operation_definition& op) {
        if (op.name.empty()) return;
        auto [it, inserted] = operation_names_.emplace(op.name, &op);
        if (!inserted)
            report("There can be only one operation named \"" + std::string(op.name) + "\".",
                   {scan_.name_after(it->second->loc, 0), scan_.name_after(op.loc, 0)});
    }

    // §5.2.2.1 Lone Anonymous Operation.
    void lone_anonymous_operation(const operation_definition& op) {
        if (op.name.empty() && operation_count_ > 1)
            report("This anonymous operation must be the only defined operation.", {op.loc});
    }

    // §5.2.3.1 Single root field: CollectFields(subscriptionType, selectionSet, {}).
    void single_field_subscriptions(const operation_definition& op) {
        if (op.operation != operation_type::subscription) return;
        const type_def* root = root_type(op.operation);
        if (!root) return;
        std::vector<std::pair<std::string_view, std::vector<const field*>>> groups;
        std::unordered_set<std::string_view> visited;
        collect_root_fields(root, op.selections, groups, visited, 0);
        const std::string who =
            op.name.empty() ? "Anonymous Subscription" : "Subscription \"" + std::string(op.name) + "\"";
        if (groups.size() > 1) {
            std::vector<source_location> locs;
            for (std::size_t i = 1; i < groups.size(); ++i)
                for (const auto* f : groups[i].second) locs.push_back(f->loc);
            report(who + " must select only one top level field.", std::move(locs));
        }
        for (const auto& [key, fields] : groups) {
            if (fields.front()->name.substr(0, 2) != "__") continue;
            std::vector<source_location> locs;
            for (const auto* f : fields) locs.push_back(f->loc);
            report(who + " must not select an introspection top level field.", std::move(locs));
        }
    }

    static bool literal_true(const directive& d) {
        for (const auto& a : d.arguments)
            if (a.name == "if" && a.value.kind == value_kind::boolean_value) return a.value.boolean;
        return false;
    }
    static bool literal_false(const directive& d) {
        for (const auto& a : d.arguments)
            if (a.name == "if" && a.value.kind == value_kind::boolean_value) return !a.value.boolean;
        return false;
    }
    static bool included(const std::vector<directive>& ds) {
        for (const auto& d : ds) {
            if (d.name == "skip" && literal_true(d)) return false;
            if (d.name == "include" && literal_false(d)) return false;
        }
        return true;
    }

    void collect_root_fields(const type_def* root, const selection_set& set,
                             std::vector<std::pair<std::string_view, std::vector<const field*>>>& groups,
                             std::unordered_set<std::string_view>& visited, std::size_t depth) {
        if (depth > 64) return;
        auto applies = [&](std::string_view cond) {
            if (cond.empty()) return true;
            const type_def* c = s_.find_type(cond);
            return c == root || (is_abstract(c) && is_sub_type(c, root));
        };
        for (const auto& sel : set) {
            if (const auto* f = std::get_if<field>(&sel.node)) {
                if (!included(f->directives)) continue;
                auto it = std::find_if(groups.begin(), groups.end(),
                                       [&](const auto& g) { return g.first == f->response_key(); });
                if (it == groups.end()) groups.push_back({f->response_key(), {f}});
                else it->second.push_back(f);
            } else if (const auto* sp = std::get_if<fragment_spread>(&sel.node)) {
                if (!included(sp->directives) || !visited.insert(sp->name).second) continue;
                const fragment_definition* fd = fragment(sp->name);
                if (!fd || !applies(fd->type_condition.value)) continue;
                collect_root_fields(root, fd->selections, groups, visited, depth + 1);
            } else if (const auto* in = std::get_if<inline_fragment>(&sel.node)) {
                if (!included(in->directives) || !applies(in->type_condition.value)) continue;
                collect_root_fields(root, in->selections, groups, visited, depth + 1);
            }
        }
    }

    // §5.3.1 Field Selections.
    void fields_on_correct_type(const field& f, const type_def* parent, const field_def* def) {
        if (!parent || def) return;
        std::string suggestion = did_you_mean(suggested_types(parent, f.name), "to use an inline fragment on");
        if (suggestion.empty() && (parent->kind == named_kind::object || parent->kind == named_kind::interface)) {
            std::vector<std::string_view> names;
            for (const auto& x : parent->fields) names.push_back(x.name);
            suggestion = did_you_mean(suggestion_list(f.name, names));
        }
        report("Cannot query field \"" + std::string(f.name) + "\" on type \"" + parent->name + "\"." + suggestion,
               {f.loc});
    }

    // Types under an abstract type that have the field: the most used first, interfaces
    // before their implementations (graphql-js `getSuggestedTypeNames`).
    std::vector<std::string_view> suggested_types(const type_def* t, std::string_view field_name) {
        std::vector<std::string_view> out;
        if (!is_abstract(t)) return out;
        std::vector<const type_def*> found;
        std::unordered_map<const type_def*, int> usage_count;
        for (const auto* p : possible_types(s_, t)) {
            if (!p->find_field(field_name)) continue;
            if (std::find(found.begin(), found.end(), p) == found.end()) found.push_back(p);
            usage_count[p] = 1;
            for (const auto& iname : p->interfaces) {
                const type_def* i = s_.find_type(iname);
                if (!i || !i->find_field(field_name)) continue;
                if (std::find(found.begin(), found.end(), i) == found.end()) found.push_back(i);
                ++usage_count[i];
            }
        }
        std::stable_sort(found.begin(), found.end(), [&](const type_def* a, const type_def* b) {
            int d = usage_count[b] - usage_count[a];
            if (d != 0) return d < 0;
            if (a->kind == named_kind::interface && is_sub_type(a, b)) return true;
            if (b->kind == named_kind::interface && is_sub_type(b, a)) return false;
            return natural_compare(a->name, b->name) < 0;
        });
        for (const auto* x : found) out.push_back(x->name);
        return out;
    }

    // §5.3.2 Field Selection Merging.
    void overlapping_fields(const type_def* parent, const selection_set& set) {
        std::vector<overlap_conflict> found;
        overlap_.check(parent, set, found);
        for (auto& c : found) {
            std::vector<source_location> locs;
            for (const auto* f : c.fields) locs.push_back(f->loc);
            report(std::move(c.message), std::move(locs));
        }
        if (overlap_.exhausted() && !overlap_budget_reported_) {
            overlap_budget_reported_ = true;
            report("The document is too complex to validate: checking that its fields can be merged "
                   "needs more than " + std::to_string(opts_.max_overlap_comparisons) + " comparisons.",
                   {}, code::query_too_complex);
        }
    }

    // §5.3.3 Leaf Field Selections.
    void scalar_leafs(const field& f, vtype t) {
        if (!t.defined()) return;
        if (is_leaf(t.named)) {
            if (!f.selections.empty())
                report("Field \"" + std::string(f.name) + "\" must not have a selection since type \"" + t.str() +
                           "\" has no subfields.",
                       {scan_.selection_set_of_field(f.loc)});
        } else if (f.selections.empty()) {
            report("Field \"" + std::string(f.name) + "\" of type \"" + t.str() +
                       "\" must have a selection of subfields. Did you mean \"" + std::string(f.name) +
                       " { ... }\"?",
                   {f.loc});
        }
    }

    // §5.4.2 Argument Uniqueness.
    void unique_argument_names(const std::vector<argument>& args) {
        for (std::size_t i = 0; i < args.size(); ++i) {
            bool first = true;
            for (std::size_t j = 0; j < i; ++j) first = first && args[j].name != args[i].name;
            if (!first) continue;
            std::vector<source_location> locs{args[i].loc};
            for (std::size_t j = i + 1; j < args.size(); ++j)
                if (args[j].name == args[i].name) locs.push_back(args[j].loc);
            if (locs.size() > 1)
                report("There can be only one argument named \"" + std::string(args[i].name) + "\".", std::move(locs));
        }
    }

    // §5.4.2.1 Required Arguments (fields), on leaving the field.
    void provided_required_arguments(const field& f, const field_def* def) {
        if (!def) return;
        for (const auto& ad : def->args) {
            if (!ad.type.is_non_null() || ad.default_value) continue;
            bool given = false;
            for (const auto& a : f.arguments) given = given || a.name == ad.name;
            if (!given)
                report("Field \"" + def->name + "\" argument \"" + ad.name + "\" of type \"" + ad.type.to_string() +
                           "\" is required, but it was not provided.",
                       {f.loc});
        }
    }

    // §5.5.1.1 Fragment Name Uniqueness.
    void unique_fragment_names(const fragment_definition& fd) {
        auto [it, inserted] = fragment_names_.emplace(fd.name, &fd);
        if (!inserted)
            report("There can be only one fragment named \"" + std::string(fd.name) + "\".",
                   {scan_.name_after(it->second->loc, 0), scan_.name_after(fd.loc, 0)});
    }

    // §5.5.1.2 Fragment Spread Type Existence (and the other named types of a document).
    void known_type_name(std::string_view name, source_location loc) {
        if (s_.find_type(name)) return;
        report("Unknown type \"" + std::string(name) + "\"." + did_you_mean(suggestion_list(name, type_names())),
               {loc});
    }

    // §5.5.1.4 Fragments Must Be Used.
    void no_unused_fragments() {
        std::unordered_set<std::string_view> used;
        for (const auto& d : doc_.definitions)
            if (const auto* op = std::get_if<operation_definition>(&d))
                for (const auto* fd : referenced_fragments(*op)) used.insert(fd->name);
        for (const auto& d : doc_.definitions)
            if (const auto* fd = std::get_if<fragment_definition>(&d))
                if (!used.count(fd->name)) report("Fragment \"" + std::string(fd->name) + "\" is never used.", {fd->loc});
    }

    // §5.5.2.2 Fragment spreads must not form cycles. Depth-first like graphql-js (which
    // decides which cycles are reported), with an explicit stack: a long chain of
    // fragments must not exhaust the native one.
    void no_fragment_cycles(const fragment_definition& start) {
        if (!cycle_visited_.insert(start.name).second) return;
        struct frame {
            std::string_view name;
            const std::vector<const fragment_spread*>* spreads;
            std::size_t next;
        };
        std::vector<const fragment_spread*> path;
        std::unordered_map<std::string_view, std::size_t> index_of;
        std::vector<frame> stack;
        const auto* first = &fragment_spreads(start.selections);
        if (first->empty()) return;
        index_of[start.name] = 0;
        stack.push_back({start.name, first, 0});
        while (!stack.empty()) {
            frame& top = stack.back();
            if (top.next == top.spreads->size()) {
                index_of.erase(top.name);
                stack.pop_back();
                if (!stack.empty()) path.pop_back();
                continue;
            }
            const fragment_spread* sp = (*top.spreads)[top.next++];
            auto cycle = index_of.find(sp->name);
            path.push_back(sp);
            if (cycle == index_of.end()) {
                const fragment_definition* fd = fragment(sp->name);
                if (fd && cycle_visited_.insert(fd->name).second) {
                    const auto* spreads = &fragment_spreads(fd->selections);
                    if (!spreads->empty()) {
                        index_of[fd->name] = path.size();
                        stack.push_back({fd->name, spreads, 0});
                        continue;
                    }
                }
            } else {
                std::string via;
                std::vector<source_location> locs;
                for (std::size_t i = cycle->second; i < path.size(); ++i) {
                    locs.push_back(path[i]->loc);
                    if (i + 1 < path.size()) via += (via.empty() ? "" : ", ") + q(path[i]->name);
                }
                report("Cannot spread fragment \"" + std::string(sp->name) + "\" within itself" +
                           (via.empty() ? std::string(".") : " via " + via + "."),
                       std::move(locs));
            }
            path.pop_back();
        }
    }

    // §5.7.3 Directives Are Unique Per Location.
    void unique_directives(const std::vector<directive>& ds) {
        for (std::size_t i = 0; i < ds.size(); ++i) {
            const directive_def* dd = s_.find_directive(ds[i].name);
            if (!dd || dd->repeatable) continue;
            for (std::size_t j = 0; j < i; ++j)
                if (ds[j].name == ds[i].name) {
                    report("The directive \"@" + std::string(ds[i].name) + "\" can only be used once at this location.",
                           {ds[j].loc, ds[i].loc});
                    break;
                }
        }
    }

    // §5.8.1 Variable Uniqueness.
    void unique_variable_names(const operation_definition& op) {
        const auto& vs = op.variables;
        for (std::size_t i = 0; i < vs.size(); ++i) {
            bool first = true;
            for (std::size_t j = 0; j < i; ++j) first = first && vs[j].name != vs[i].name;
            if (!first) continue;
            std::vector<source_location> locs{scan_.name_after(vs[i].loc, 1)};
            for (std::size_t j = i + 1; j < vs.size(); ++j)
                if (vs[j].name == vs[i].name) locs.push_back(scan_.name_after(vs[j].loc, 1));
            if (locs.size() > 1)
                report("There can be only one variable named \"$" + std::string(vs[i].name) + "\".", std::move(locs));
        }
    }

    // §5.8.3 All Variable Uses Defined.
    void no_undefined_variables(const operation_definition& op, const std::vector<const std::vector<usage>*>& all) {
        std::unordered_set<std::string_view> defined;
        for (const auto* vd : var_defs_) defined.insert(vd->name);
        for (const auto* list : all)
            for (const auto& u : *list) {
                if (defined.count(u.var->text)) continue;
                report(op.name.empty()
                           ? "Variable \"$" + std::string(u.var->text) + "\" is not defined."
                           : "Variable \"$" + std::string(u.var->text) + "\" is not defined by operation \"" +
                                 std::string(op.name) + "\".",
                       {u.var->loc, op.loc});
            }
    }

    // §5.8.4 All Variables Used.
    void no_unused_variables(const operation_definition& op, const std::vector<const std::vector<usage>*>& all) {
        std::unordered_set<std::string_view> used;
        for (const auto* list : all)
            for (const auto& u : *list) used.insert(u.var->text);
        for (const auto* vd : var_defs_) {
            if (used.count(vd->name)) continue;
            report(op.name.empty() ? "Variable \"$" + std::string(vd->name) + "\" is never used."
                                   : "Variable \"$" + std::string(vd->name) + "\" is never used in operation \"" +
                                         std::string(op.name) + "\".",
                   {vd->loc});
        }
    }

    // graphql-js `isTypeSubTypeOf`.
    static bool sub_type(vtype maybe, vtype super) {
        if (maybe.same(super)) return true;
        if (super.non_null()) return maybe.non_null() && sub_type(maybe.inner(), super.inner());
        if (maybe.non_null()) return sub_type(maybe.inner(), super);
        if (super.list()) return maybe.list() && sub_type(maybe.inner(), super.inner());
        if (maybe.list()) return false;
        return is_abstract(super.named) && maybe.named &&
               (maybe.named->kind == named_kind::interface || maybe.named->kind == named_kind::object) &&
               is_sub_type(super.named, maybe.named);
    }

    // §5.8.5 All Variable Usages Are Allowed.
    void variables_in_allowed_position(const operation_definition&, const std::vector<const std::vector<usage>*>& all) {
        std::unordered_map<std::string_view, const variable_definition*> defs;
        for (const auto* vd : var_defs_) defs[vd->name] = vd; // the last one, as graphql-js
        for (const auto* list : all)
            for (const auto& u : *list) {
                auto it = defs.find(u.var->text);
                if (it == defs.end() || !u.type.defined()) continue;
                const variable_definition* vd = it->second;
                vtype var_type = type_from_ast(vd->type);
                if (!var_type.defined()) continue;
                bool allowed;
                if (u.type.non_null() && !var_type.non_null()) {
                    // AreTypesCompatible with the default-value allowance of §5.8.5.
                    const bool var_default = vd->default_value && vd->default_value->kind != value_kind::null_value;
                    allowed = (var_default || u.has_default) && sub_type(var_type, u.type.inner());
                } else {
                    allowed = sub_type(var_type, u.type);
                }
                if (!allowed)
                    report("Variable \"$" + std::string(u.var->text) + "\" of type \"" + var_type.str() +
                               "\" used in position expecting type \"" + u.type.str() + "\".",
                           {vd->loc, u.var->loc});
            }
    }
};

} // namespace

std::vector<error> validate(const schema& s, const document& doc, const validate_options& opts) {
    validator v(s, doc, opts);
    return v.run();
}

} // namespace fraiseql::graphql
