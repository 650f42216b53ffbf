// The SDL checks: what graphql-js buildSchema's SDL rules and validateSchema refuse (type
// references, directive uses, interface implementations, unions, input cycles), so that every
// schema we accept is one graphql-js accepts too. GraphQL spec §3, §5.7.

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "graphql/schema/builder.hpp"
#include "graphql/validate/suggest.hpp"

namespace fraiseql::graphql::detail {

void builder::check_type_exists(const type_expr& t, source_location loc, bool want_input,
                                const std::string& where) {
    const type_def* td = s->find_type(t.name);
    if (!td) {
        fail("Unknown type \"" + t.name + "\" (in " + where + ").", loc);
        return;
    }
    bool is_input = td->kind == named_kind::scalar || td->kind == named_kind::enum_ ||
                    td->kind == named_kind::input_object;
    bool is_output = td->kind != named_kind::input_object;
    if (want_input && !is_input)
        fail("The type of " + where + " must be Input Type but got: " + t.to_string() + ".", loc);
    if (!want_input && !is_output)
        fail("The type of " + where + " must be Output Type but got: " + t.to_string() + ".", loc);
}

void builder::check_references() {
    for (const auto& tp : s->types()) {
        const type_def& t = *tp;
        if (t.builtin || t.generated) continue;
        for (const auto& f : t.fields) {
            check_type_exists(f.type, f.loc, false, t.name + "." + f.name);
            for (const auto& a : f.args)
                check_type_exists(a.type, a.loc, true, t.name + "." + f.name + "(" + a.name + ":)");
        }
        for (const auto& f : t.input_fields)
            check_type_exists(f.type, f.loc, true, t.name + "." + f.name);
        for (const auto& i : t.interfaces) {
            const auto* it = s->find_type(i);
            if (!it) fail("Unknown type \"" + i + "\" (implemented by " + t.name + ").", t.loc);
            else if (it->kind != named_kind::interface)
                fail("Type " + t.name + " must only implement Interface types, it cannot implement " + i + ".", t.loc);
        }
        if (t.kind == named_kind::union_)
            for (const auto& m : t.possible_types) {
                const auto* mt = s->find_type(m);
                if (!mt) fail("Unknown type \"" + m + "\" (member of union " + t.name + ").", t.loc);
                else if (mt->kind != named_kind::object)
                    fail("Union type " + t.name + " can only include Object types, it cannot include " + m + ".", t.loc);
            }
        if ((t.kind == named_kind::object || t.kind == named_kind::interface) && t.fields.empty())
            fail("Type " + t.name + " must define one or more fields.", t.loc);
        if (t.kind == named_kind::input_object && t.input_fields.empty())
            fail("Input Object type " + t.name + " must define one or more fields.", t.loc);
        if (t.kind == named_kind::enum_ && t.enum_values.empty())
            fail("Enum type " + t.name + " must define one or more values.", t.loc);
    }
}

// refuse, so that every schema we accept is one graphql-js accepts too) ----------------
const char* builder::location_name(type_definition_kind k) {
    switch (k) {
    case type_definition_kind::scalar: return "SCALAR";
    case type_definition_kind::object: return "OBJECT";
    case type_definition_kind::interface: return "INTERFACE";
    case type_definition_kind::union_type: return "UNION";
    case type_definition_kind::enum_type: return "ENUM";
    case type_definition_kind::input_object: return "INPUT_OBJECT";
    }
    return "OBJECT";
}

bool builder::has_error_at(source_location loc) const {
    for (const auto& e : errors)
        if (!e.locations.empty() && e.locations[0] == loc) return true;
    return false;
}

bool builder::has_error(const std::string& msg, source_location loc) const {
    for (const auto& e : errors)
        if (e.message == msg && !e.locations.empty() && e.locations[0] == loc) return true;
    return false;
}

// §5.7.1-5.7.3 and §5.4 applied to directive uses in the SDL (graphql-js's
// KnownDirectives, UniqueDirectivesPerLocation, KnownArgumentNamesOnDirectives,
// UniqueArgumentNames, ProvidedRequiredArgumentsOnDirectives).
void builder::check_directive_uses(const std::vector<directive>& ds, const char* location) {
    std::set<std::string_view> used;
    for (const auto& d : ds) {
        const std::string name(d.name);
        const directive_def* def = s->find_directive(d.name);
        if (!def) {
            fail("Unknown directive \"@" + name + "\".", d.loc);
            continue;
        }
        // One error per misplaced use: FraiseQL's own message (e.g. "@view is only
        // allowed on object types") may have said it already.
        if (std::find(def->locations.begin(), def->locations.end(), location) ==
                def->locations.end() &&
            !has_error_at(d.loc))
            fail("Directive \"@" + name + "\" may not be used on " + location + ".", d.loc);
        if (!def->repeatable && !used.insert(d.name).second)
            fail("The directive \"@" + name + "\" can only be used once at this location.", d.loc);
        std::set<std::string_view> given;
        for (const auto& a : d.arguments) {
            const bool known = std::any_of(def->args.begin(), def->args.end(),
                                           [&](const argument_def& x) { return x.name == a.name; });
            if (!known) {
                std::vector<std::string_view> names;
                for (const auto& x : def->args) names.push_back(x.name);
                fail("Unknown argument \"" + std::string(a.name) + "\" on directive \"@" + name + "\"." +
                         detail::did_you_mean(detail::suggestion_list(a.name, names)),
                     a.loc);
            }
            if (!given.insert(a.name).second)
                fail("There can be only one argument named \"" + std::string(a.name) + "\".", a.loc);
        }
        for (const auto& x : def->args) {
            if (!x.type.is_non_null() || x.default_value || given.count(x.name)) continue;
            std::string msg = "Directive \"@" + name + "\" argument \"" + x.name + "\" of type \"" +
                              x.type.to_string() + "\" is required, but it was not provided.";
            // string_arg() may have said so already.
            if (!has_error(msg, d.loc)) fail(std::move(msg), d.loc);
        }
    }
}

void builder::check_argument_definitions(const std::vector<input_value_definition>& args,
                                         const std::string& parent) {
    std::set<std::string_view> names;
    for (const auto& a : args) {
        if (!names.insert(a.name).second)
            fail("Argument \"" + parent + "(" + std::string(a.name) + ":)\" can only be defined once.",
                 a.loc);
        check_directive_uses(a.directives, "ARGUMENT_DEFINITION");
    }
}

void builder::check_sdl(const document& doc) {
    for (const auto& d : doc.definitions) {
        if (const auto* sd = std::get_if<schema_definition>(&d)) {
            check_directive_uses(sd->directives, "SCHEMA");
        } else if (const auto* dd = std::get_if<directive_definition>(&d)) {
            check_argument_definitions(dd->arguments, "@" + std::string(dd->name));
        } else if (const auto* td = std::get_if<type_definition>(&d)) {
            const std::string tn(td->name);
            check_directive_uses(td->directives, location_name(td->kind));
            for (const auto& f : td->fields) {
                check_directive_uses(f.directives, "FIELD_DEFINITION");
                check_argument_definitions(f.arguments, tn + "." + std::string(f.name));
            }
            for (const auto& f : td->input_fields)
                check_directive_uses(f.directives, "INPUT_FIELD_DEFINITION");
            std::set<std::string_view> values;
            for (const auto& v : td->enum_values) {
                check_directive_uses(v.directives, "ENUM_VALUE");
                if (!values.insert(v.name).second)
                    fail("Enum value \"" + tn + "." + std::string(v.name) + "\" can only be defined once.",
                         v.loc);
            }
        }
    }
}

// graphql-js isTypeSubTypeOf (spec §3.6 IsValidImplementationFieldType).
bool builder::is_subtype(const type_expr& sub, const type_expr& super) const {
    if (super.is_non_null())
        return sub.is_non_null() && is_subtype(sub.of_type(), super.of_type());
    if (sub.is_non_null()) return is_subtype(sub.of_type(), super);
    if (!super.is_named()) return !sub.is_named() && is_subtype(sub.of_type(), super.of_type());
    if (!sub.is_named()) return false;
    if (sub.name == super.name) return true;
    const type_def* sup = s->find_type(super.name);
    const type_def* sb = s->find_type(sub.name);
    if (!sup || !sb) return false;
    if (sup->kind == named_kind::union_)
        return std::find(sup->possible_types.begin(), sup->possible_types.end(), sub.name) !=
               sup->possible_types.end();
    if (sup->kind == named_kind::interface)
        return std::find(sb->interfaces.begin(), sb->interfaces.end(), super.name) !=
               sb->interfaces.end();
    return false;
}

// Spec §3.6 IsValidImplementation, with graphql-js validateSchema's messages.
void builder::check_implementations() {
    for (const auto& tp : s->types()) {
        const type_def& t = *tp;
        if (t.builtin || t.generated) continue;
        if (t.kind != named_kind::object && t.kind != named_kind::interface) continue;
        std::set<std::string> seen;
        for (const auto& iname : t.interfaces) {
            const type_def* it = s->find_type(iname);
            if (!it || it->kind != named_kind::interface) continue; // check_references said so
            if (iname == t.name) {
                fail("Type " + t.name + " cannot implement itself because it would create a "
                                        "circular reference.",
                     t.loc);
                continue;
            }
            if (!seen.insert(iname).second) {
                fail("Type " + t.name + " can only implement " + iname + " once.", t.loc);
                continue;
            }
            for (const auto& transitive : it->interfaces)
                if (std::find(t.interfaces.begin(), t.interfaces.end(), transitive) == t.interfaces.end())
                    fail("Type " + t.name + " must implement " + transitive +
                             " because it is implemented by " + iname + ".",
                         t.loc);
            for (const auto& ifield : it->fields) {
                const field_def* f = t.find_field(ifield.name);
                const std::string iwhere = iname + "." + ifield.name;
                const std::string where = t.name + "." + ifield.name;
                if (!f) {
                    fail("Interface field " + iwhere + " expected but " + t.name +
                             " does not provide it.",
                         t.loc);
                    continue;
                }
                if (!is_subtype(f->type, ifield.type))
                    fail("Interface field " + iwhere + " expects type " + ifield.type.to_string() +
                             " but " + where + " is type " + f->type.to_string() + ".",
                         f->loc);
                for (const auto& iarg : ifield.args) {
                    const argument_def* a = f->find_arg(iarg.name);
                    if (!a) {
                        fail("Interface field argument " + iwhere + "(" + iarg.name +
                                 ":) expected but " + where + " does not provide it.",
                             f->loc);
                        continue;
                    }
                    // Arguments are invariant (spec §3.6 IsValidImplementation 2.d.ii).
                    if (!(a->type == iarg.type))
                        fail("Interface field argument " + iwhere + "(" + iarg.name + ":) expects type " +
                                 iarg.type.to_string() + " but " + where + "(" + a->name +
                                 ":) is type " + a->type.to_string() + ".",
                             a->loc);
                }
                for (const auto& a : f->args)
                    if (a.type.is_non_null() && !a.default_value && !ifield.find_arg(a.name))
                        fail("Object field " + where + " includes required argument " + a.name +
                                 " that is missing from the Interface field " + iwhere + ".",
                             a.loc);
            }
        }
    }
}

void builder::check_unions_and_input_cycles() {
    for (const auto& tp : s->types()) {
        const type_def& t = *tp;
        if (t.builtin || t.generated || t.kind != named_kind::union_) continue;
        std::set<std::string> seen;
        for (const auto& m : t.possible_types)
            if (!seen.insert(m).second)
                fail("Union type " + t.name + " can only include type " + m + " once.", t.loc);
    }
    // graphql-js validateInputObjectCircularRefs: a cycle through non-null (not list)
    // input fields can never be satisfied by a finite value.
    std::set<std::string> visited;
    for (const auto& tp : s->types()) {
        if (tp->builtin || tp->generated || tp->kind != named_kind::input_object) continue;
        std::vector<std::string> path_names; // field names
        std::vector<const type_def*> path_types;
        find_input_cycle(*tp, visited, path_types, path_names);
    }
}

void builder::find_input_cycle(const type_def& t, std::set<std::string>& visited,
                               std::vector<const type_def*>& stack, std::vector<std::string>& fields) {
    if (!visited.insert(t.name).second) return;
    stack.push_back(&t);
    for (const auto& f : t.input_fields) {
        if (!f.type.is_non_null() || !f.type.of_type().is_named()) continue;
        const type_def* ft = s->find_type(f.type.name);
        if (!ft || ft->kind != named_kind::input_object) continue;
        fields.push_back(f.name);
        auto at = std::find(stack.begin(), stack.end(), ft);
        if (at != stack.end()) {
            std::string names;
            for (std::size_t i = std::size_t(at - stack.begin()); i < fields.size(); ++i)
                names += (names.empty() ? "" : ".") + fields[i];
            fail("Cannot reference Input Object \"" + ft->name +
                     "\" within itself through a series of non-null fields: \"" + names + "\".",
                 ft->loc);
        } else {
            find_input_cycle(*ft, visited, stack, fields);
        }
        fields.pop_back();
    }
    stack.pop_back();
}

} // namespace fraiseql::graphql::detail
