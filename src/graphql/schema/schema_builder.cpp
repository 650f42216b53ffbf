// SDL -> schema model, plus FraiseQL's generated inputs and root fields.
// GraphQL spec §3 (Type System); FraiseQL directives: product.md §2-§4.

#include "fraiseql/graphql/schema_builder.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>

#include "fraiseql/graphql/operators.hpp"
#include "fraiseql/graphql/parser.hpp"
#include "graphql/validate/suggest.hpp"

namespace fraiseql::graphql {
namespace {

using errors_t = std::vector<error>;

// The introspection types of GraphQL spec §4.2 (October 2021), as SDL. The spec gives
// them no descriptions; these are graphql-js's (the reference implementation), so that
// an introspection result and GraphiQL's documentation read the same as there.
constexpr const char* introspection_sdl = R"GQL(
"A GraphQL Schema defines the capabilities of a GraphQL server. It exposes all available types and directives on the server, as well as the entry points for query, mutation, and subscription operations."
type __Schema {
  description: String
  "A list of all types supported by this server."
  types: [__Type!]!
  "The type that query operations will be rooted at."
  queryType: __Type!
  "If this server supports mutation, the type that mutation operations will be rooted at."
  mutationType: __Type
  "If this server support subscription, the type that subscription operations will be rooted at."
  subscriptionType: __Type
  "A list of all directives supported by this server."
  directives: [__Directive!]!
}
"The fundamental unit of any GraphQL Schema is the type. There are many kinds of types in GraphQL as represented by the `__TypeKind` enum.\n\nDepending on the kind of a type, certain fields describe information about that type. Scalar types provide no information beyond a name, description and optional `specifiedByURL`, while Enum types provide their values. Object and Interface types provide the fields they describe. Abstract types, Union and Interface, provide the Object types possible at runtime. List and NonNull types compose other types."
type __Type {
  kind: __TypeKind!
  name: String
  description: String
  specifiedByURL: String
  fields(includeDeprecated: Boolean = false): [__Field!]
  interfaces: [__Type!]
  possibleTypes: [__Type!]
  enumValues(includeDeprecated: Boolean = false): [__EnumValue!]
  inputFields(includeDeprecated: Boolean = false): [__InputValue!]
  ofType: __Type
}
"Object and Interface types are described by a list of Fields, each of which has a name, potentially a list of arguments, and a return type."
type __Field {
  name: String!
  description: String
  args(includeDeprecated: Boolean = false): [__InputValue!]!
  type: __Type!
  isDeprecated: Boolean!
  deprecationReason: String
}
"Arguments provided to Fields or Directives and the input fields of an InputObject are represented as Input Values which describe their type and optionally a default value."
type __InputValue {
  name: String!
  description: String
  type: __Type!
  "A GraphQL-formatted string representing the default value for this input value."
  defaultValue: String
  isDeprecated: Boolean!
  deprecationReason: String
}
"One possible value for a given Enum. Enum values are unique values, not a placeholder for a string or numeric value. However an Enum value is returned in a JSON response as a string."
type __EnumValue {
  name: String!
  description: String
  isDeprecated: Boolean!
  deprecationReason: String
}
"A Directive provides a way to describe alternate runtime execution and type validation behavior in a GraphQL document.\n\nIn some cases, you need to provide options to alter GraphQL's execution behavior in ways field arguments will not suffice, such as conditionally including or skipping a field. Directives provide this by describing additional information to the executor."
type __Directive {
  name: String!
  description: String
  isRepeatable: Boolean!
  locations: [__DirectiveLocation!]!
  args(includeDeprecated: Boolean = false): [__InputValue!]!
}
"An enum describing what kind of type a given `__Type` is."
enum __TypeKind {
  "Indicates this type is a scalar."
  SCALAR
  "Indicates this type is an object. `fields` and `interfaces` are valid fields."
  OBJECT
  "Indicates this type is an interface. `fields`, `interfaces`, and `possibleTypes` are valid fields."
  INTERFACE
  "Indicates this type is a union. `possibleTypes` is a valid field."
  UNION
  "Indicates this type is an enum. `enumValues` is a valid field."
  ENUM
  "Indicates this type is an input object. `inputFields` is a valid field."
  INPUT_OBJECT
  "Indicates this type is a list. `ofType` is a valid field."
  LIST
  "Indicates this type is a non-null. `ofType` is a valid field."
  NON_NULL
}
"A Directive can be adjacent to many parts of the GraphQL language, a __DirectiveLocation describes one such possible adjacencies."
enum __DirectiveLocation {
  "Location adjacent to a query operation."
  QUERY
  "Location adjacent to a mutation operation."
  MUTATION
  "Location adjacent to a subscription operation."
  SUBSCRIPTION
  "Location adjacent to a field."
  FIELD
  "Location adjacent to a fragment definition."
  FRAGMENT_DEFINITION
  "Location adjacent to a fragment spread."
  FRAGMENT_SPREAD
  "Location adjacent to an inline fragment."
  INLINE_FRAGMENT
  "Location adjacent to a variable definition."
  VARIABLE_DEFINITION
  "Location adjacent to a schema definition."
  SCHEMA
  "Location adjacent to a scalar definition."
  SCALAR
  "Location adjacent to an object type definition."
  OBJECT
  "Location adjacent to a field definition."
  FIELD_DEFINITION
  "Location adjacent to an argument definition."
  ARGUMENT_DEFINITION
  "Location adjacent to an interface definition."
  INTERFACE
  "Location adjacent to a union definition."
  UNION
  "Location adjacent to an enum definition."
  ENUM
  "Location adjacent to an enum value definition."
  ENUM_VALUE
  "Location adjacent to an input object type definition."
  INPUT_OBJECT
  "Location adjacent to an input object field definition."
  INPUT_FIELD_DEFINITION
}
)GQL";

struct builder {
    errors_t errors;
    std::shared_ptr<schema> s = std::make_shared<schema>();
    schema_build_options opts;

    void fail(std::string msg, source_location loc) {
        errors.push_back(error::at(std::move(msg), loc, code::validation_failed));
    }

    // ---- conversions ----------------------------------------------------

    type_expr convert(const type_ref& t) {
        type_expr out;
        const type_ref* cur = &t;
        while (cur->kind != type_kind::named) {
            out.wrappers.push_back(cur->kind == type_kind::list ? type_expr::wrap::list
                                                                 : type_expr::wrap::non_null);
            cur = cur->of.get();
        }
        out.name = std::string(cur->name);
        return out;
    }

    static input_value convert_const(const value& v) {
        switch (v.kind) {
        case value_kind::int_value: {
            errno = 0;
            long long x = std::strtoll(std::string(v.text).c_str(), nullptr, 10);
            if (errno == ERANGE) return input_value::floating(std::strtod(std::string(v.text).c_str(), nullptr));
            return input_value::integer(x);
        }
        case value_kind::float_value:
            return input_value::floating(std::strtod(std::string(v.text).c_str(), nullptr));
        case value_kind::string_value: return input_value::string(std::string(v.text));
        case value_kind::boolean_value: return input_value::boolean(v.boolean);
        case value_kind::null_value: return input_value::null();
        case value_kind::enum_value: return input_value::enum_(std::string(v.text));
        case value_kind::list_value: {
            input_value::list_t items;
            for (const auto& x : v.list) items.push_back(convert_const(x));
            return input_value::list(std::move(items));
        }
        case value_kind::object_value: {
            input_value::object_t fields;
            for (const auto& f : v.fields) fields.emplace_back(std::string(f.name), convert_const(f.value));
            return input_value::object(std::move(fields));
        }
        case value_kind::variable: return input_value::null();
        }
        return input_value::null();
    }

    std::string desc(const std::optional<description>& d) {
        return d ? std::string(d->text) : std::string();
    }

    static const directive* find_dir(const std::vector<directive>& ds, std::string_view name) {
        for (const auto& d : ds)
            if (d.name == name) return &d;
        return nullptr;
    }
    static const value* find_arg(const directive& d, std::string_view name) {
        for (const auto& a : d.arguments)
            if (a.name == name) return &a.value;
        return nullptr;
    }

    std::optional<std::string> deprecation(const std::vector<directive>& ds) {
        if (const auto* d = find_dir(ds, "deprecated")) {
            if (const auto* r = find_arg(*d, "reason"); r && r->kind == value_kind::string_value)
                return std::string(r->text);
            return std::string("No longer supported");
        }
        return std::nullopt;
    }

    std::optional<std::string> string_arg(const directive& d, std::string_view name,
                                          bool required) {
        const value* v = find_arg(d, name);
        if (!v || v->kind == value_kind::null_value) {
            if (required)
                fail("Directive \"@" + std::string(d.name) + "\" argument \"" + std::string(name) +
                         "\" of type \"String!\" is required, but it was not provided.",
                     d.loc);
            return std::nullopt;
        }
        if (v->kind != value_kind::string_value) {
            fail("Directive \"@" + std::string(d.name) + "\" argument \"" + std::string(name) +
                     "\" must be a string.",
                 v->loc);
            return std::nullopt;
        }
        return std::string(v->text);
    }

    std::vector<std::string> string_list_arg(const directive& d, std::string_view name) {
        std::vector<std::string> out;
        const value* v = find_arg(d, name);
        if (!v || v->kind == value_kind::null_value) return out;
        auto one = [&](const value& x) {
            if (x.kind != value_kind::string_value)
                fail("Directive \"@" + std::string(d.name) + "\" argument \"" + std::string(name) +
                         "\" must be a list of strings.",
                     x.loc);
            else
                out.emplace_back(x.text);
        };
        if (v->kind == value_kind::list_value)
            for (const auto& x : v->list) one(x);
        else
            one(*v); // single value -> list (spec §3.11 input coercion)
        return out;
    }

    argument_def convert_input_value(const input_value_definition& iv) {
        argument_def a;
        a.name = std::string(iv.name);
        a.description = desc(iv.description);
        a.type = convert(iv.type);
        if (iv.default_value) a.default_value = convert_const(*iv.default_value);
        a.deprecation_reason = deprecation(iv.directives);
        a.loc = iv.loc;
        return a;
    }

    field_def convert_field(const field_definition& fd) {
        field_def f;
        f.name = std::string(fd.name);
        f.description = desc(fd.description);
        f.type = convert(fd.type);
        f.loc = fd.loc;
        for (const auto& a : fd.arguments) f.args.push_back(convert_input_value(a));
        f.deprecation_reason = deprecation(fd.directives);
        f.key = field_key(f.name);
        if (const auto* k = find_dir(fd.directives, "key"))
            if (auto n = string_arg(*k, "name", true)) f.key = *n;
        if (find_dir(fd.directives, "search")) f.search = true;
        if (const auto* a = find_dir(fd.directives, "auth")) f.auth_roles = string_list_arg(*a, "roles");
        if (const auto* v = find_dir(fd.directives, "view"))
            if (auto n = string_arg(*v, "name", true)) f.view_override = *n;
        if (const auto* fn = find_dir(fd.directives, "function")) {
            function_def def;
            if (auto n = string_arg(*fn, "name", true)) def.name = *n;
            if (auto sc = string_arg(*fn, "schema", false)) def.schema = *sc;
            def.context = string_list_arg(*fn, "context");
            f.function = std::move(def);
        }
        return f;
    }

    // ---- built-ins --------------------------------------------------------

    void add_scalar(std::string name, std::string description) {
        type_def t;
        t.kind = named_kind::scalar;
        t.name = std::move(name);
        t.description = std::move(description);
        t.builtin = true;
        s->add_type(std::move(t));
    }

    void add_builtins() {
        add_scalar("Int", "The `Int` scalar type represents non-fractional signed whole numeric "
                          "values. Int can represent values between -(2^31) and 2^31 - 1.");
        add_scalar("Float", "The `Float` scalar type represents signed double-precision fractional "
                            "values as specified by [IEEE 754](https://en.wikipedia.org/wiki/IEEE_floating_point).");
        add_scalar("String", "The `String` scalar type represents textual data, represented as "
                             "UTF-8 character sequences. The String type is most often used by "
                             "GraphQL to represent free-form human-readable text.");
        add_scalar("Boolean", "The `Boolean` scalar type represents `true` or `false`.");
        add_scalar("ID", "The `ID` scalar type represents a unique identifier, often used to "
                         "refetch an object or as key for a cache. The ID type appears in a JSON "
                         "response as a String; however, it is not intended to be human-readable. "
                         "When expected as an input type, any string (such as `\"4\"`) or integer "
                         "(such as `4`) input value will be accepted as an ID.");
        add_scalar("UUID", "A UUID (RFC 4122), as a string.");
        add_scalar("DateTime", "An ISO 8601 timestamp with time zone.");
        add_scalar("Date", "An ISO 8601 calendar date (YYYY-MM-DD).");
        add_scalar("Time", "An ISO 8601 time of day.");
        add_scalar("JSON", "Any JSON value, passed through verbatim.");
        add_scalar("Decimal", "An exact decimal number (PostgreSQL numeric), as a string or number.");
        add_scalar("BigInt", "A 64-bit integer.");
        add_scalar("IpAddress", "An IPv4 or IPv6 address.");
        add_scalar("CIDR", "An IPv4 or IPv6 network in CIDR notation.");
        add_scalar("MacAddress", "A MAC address.");
        add_scalar("LTree", "A PostgreSQL ltree label path (a.b.c).");
        add_scalar("DateRange", "A PostgreSQL daterange ([2024-01-01,2024-02-01)).");
        add_scalar("Vector", "A pgvector embedding, as a list of floats.");

        auto arg = [](std::string n, type_expr t, std::string d = {},
                      std::optional<input_value> def = std::nullopt) {
            argument_def a;
            a.name = std::move(n);
            a.type = std::move(t);
            a.description = std::move(d);
            a.default_value = std::move(def);
            return a;
        };
        auto T = [](std::string n) { return type_expr::named(std::move(n)); };
        auto dir = [&](std::string name, std::string d, std::vector<argument_def> args,
                       std::vector<std::string> locs) {
            directive_def x;
            x.name = std::move(name);
            x.description = std::move(d);
            x.args = std::move(args);
            x.locations = std::move(locs);
            x.builtin = true;
            s->add_directive(std::move(x));
        };
        dir("include", "Directs the executor to include this field or fragment only when the `if` argument is true.",
            {arg("if", T("Boolean").non_null_of(), "Included when true.")},
            {"FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT"});
        dir("skip", "Directs the executor to skip this field or fragment when the `if` argument is true.",
            {arg("if", T("Boolean").non_null_of(), "Skipped when true.")},
            {"FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT"});
        dir("deprecated", "Marks an element of a GraphQL schema as no longer supported.",
            {arg("reason", T("String"),
                 "Explains why this element was deprecated, usually also including a suggestion for how to access supported similar data. Formatted using the Markdown syntax, as specified by [CommonMark](https://commonmark.org/).",
                 input_value::string("No longer supported"))},
            {"FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INPUT_FIELD_DEFINITION", "ENUM_VALUE"});
        dir("specifiedBy", "Exposes a URL that specifies the behavior of this scalar.",
            {arg("url", T("String").non_null_of(), "The URL that specifies the behavior of this scalar.")},
            {"SCALAR"});
        dir("view", "FraiseQL: the relation (view or table) a type or root field reads.",
            {arg("name", T("String").non_null_of()),
             arg("jsonbColumn", T("String"), "", input_value::string("data")),
             arg("columns", T("String").non_null_of().list_of())},
            {"OBJECT", "FIELD_DEFINITION"});
        dir("key", "FraiseQL: the JSONB key a field reads, when the naming rule does not fit.",
            {arg("name", T("String").non_null_of())}, {"FIELD_DEFINITION"});
        dir("function", "FraiseQL: the PostgreSQL function a mutation calls.",
            {arg("name", T("String").non_null_of()),
             arg("schema", T("String"), "", input_value::string("public")),
             arg("context", T("String").non_null_of().list_of())},
            {"FIELD_DEFINITION"});
        dir("search", "FraiseQL: a tsvector field, filtered with full-text operators.", {},
            {"FIELD_DEFINITION"});
        dir("auth", "FraiseQL: roles allowed to read this type or field.",
            {arg("roles", T("String").non_null_of().list_of().non_null_of())},
            {"OBJECT", "FIELD_DEFINITION"});
    }

    // ---- declared types ------------------------------------------------------

    static named_kind convert_kind(type_definition_kind k) {
        switch (k) {
        case type_definition_kind::scalar: return named_kind::scalar;
        case type_definition_kind::object: return named_kind::object;
        case type_definition_kind::interface: return named_kind::interface;
        case type_definition_kind::union_type: return named_kind::union_;
        case type_definition_kind::enum_type: return named_kind::enum_;
        case type_definition_kind::input_object: return named_kind::input_object;
        }
        return named_kind::scalar;
    }

    void fill(type_def& t, const type_definition& d) {
        for (const auto& i : d.interfaces) t.interfaces.emplace_back(i.value);
        for (const auto& f : d.fields) {
            if (t.find_field(f.name)) {
                fail("Field \"" + t.name + "." + std::string(f.name) + "\" can only be defined once.", f.loc);
                continue;
            }
            t.fields.push_back(convert_field(f));
        }
        for (const auto& m : d.union_members) t.possible_types.emplace_back(m.value);
        for (const auto& e : d.enum_values) {
            if (t.has_enum_value(e.name)) {
                // A repeat inside one definition is check_sdl()'s "can only be defined once".
                if (d.extension)
                    fail("Enum value \"" + t.name + "." + std::string(e.name) +
                             "\" already exists in the schema. It cannot also be defined in this "
                             "type extension.",
                         e.loc);
                continue;
            }
            enum_value_def ev;
            ev.name = std::string(e.name);
            ev.description = desc(e.description);
            ev.deprecation_reason = deprecation(e.directives);
            if (ev.name == "true" || ev.name == "false" || ev.name == "null")
                fail("Enum \"" + t.name + "\" cannot include value: " + ev.name + ".", e.loc);
            t.enum_values.push_back(std::move(ev));
        }
        for (const auto& f : d.input_fields) {
            if (t.find_input_field(f.name)) {
                fail("Field \"" + t.name + "." + std::string(f.name) + "\" can only be defined once.", f.loc);
                continue;
            }
            t.input_fields.push_back(convert_input_value(f));
        }
        if (const auto* v = find_dir(d.directives, "view")) {
            if (t.kind != named_kind::object) {
                fail("@view is only allowed on object types; \"" + t.name + "\" is not one.", v->loc);
            } else {
                view_def view;
                if (auto n = string_arg(*v, "name", true)) view.name = *n;
                if (const auto* jc = find_arg(*v, "jsonbColumn")) {
                    if (jc->kind == value_kind::null_value) view.jsonb_column.reset();
                    else if (jc->kind == value_kind::string_value) view.jsonb_column = std::string(jc->text);
                    else fail("@view(jsonbColumn:) must be a string or null.", jc->loc);
                }
                if (find_arg(*v, "columns")) {
                    view.columns = string_list_arg(*v, "columns");
                    view.columns_declared = true;
                }
                t.view = std::move(view);
            }
        }
        if (const auto* a = find_dir(d.directives, "auth")) t.auth_roles = string_list_arg(*a, "roles");
        if (const auto* sb = find_dir(d.directives, "specifiedBy"))
            t.specified_by_url = string_arg(*sb, "url", true);
    }

    void check_type_exists(const type_expr& t, source_location loc, bool want_input,
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

    void check_references() {
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

    // ---- SDL validation (what graphql-js buildSchema's SDL rules and validateSchema
    // refuse, so that every schema we accept is one graphql-js accepts too) ----------------

    static const char* location_name(type_definition_kind k) {
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

    bool has_error_at(source_location loc) const {
        for (const auto& e : errors)
            if (!e.locations.empty() && e.locations[0] == loc) return true;
        return false;
    }

    bool has_error(const std::string& msg, source_location loc) const {
        for (const auto& e : errors)
            if (e.message == msg && !e.locations.empty() && e.locations[0] == loc) return true;
        return false;
    }

    // §5.7.1-5.7.3 and §5.4 applied to directive uses in the SDL (graphql-js's
    // KnownDirectives, UniqueDirectivesPerLocation, KnownArgumentNamesOnDirectives,
    // UniqueArgumentNames, ProvidedRequiredArgumentsOnDirectives).
    void check_directive_uses(const std::vector<directive>& ds, const char* location) {
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

    void check_argument_definitions(const std::vector<input_value_definition>& args,
                                    const std::string& parent) {
        std::set<std::string_view> names;
        for (const auto& a : args) {
            if (!names.insert(a.name).second)
                fail("Argument \"" + parent + "(" + std::string(a.name) + ":)\" can only be defined once.",
                     a.loc);
            check_directive_uses(a.directives, "ARGUMENT_DEFINITION");
        }
    }

    void check_sdl(const document& doc) {
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
    bool is_subtype(const type_expr& sub, const type_expr& super) const {
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
    void check_implementations() {
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

    void check_unions_and_input_cycles() {
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

    void find_input_cycle(const type_def& t, std::set<std::string>& visited,
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

    void compute_possible_types() {
        for (const auto& tp : s->types()) {
            if (tp->kind != named_kind::object) continue;
            for (const auto& i : tp->interfaces)
                if (auto* it = s->find_type_mut(i); it && it->kind == named_kind::interface)
                    it->possible_types.push_back(tp->name);
        }
    }

    // ---- generated inputs (product.md §3.1, §3.2) -----------------------------

    type_def& input_type(const std::string& name, const std::string& description) {
        if (auto* t = s->find_type_mut(name)) return *t;
        type_def t;
        t.kind = named_kind::input_object;
        t.name = name;
        t.description = description;
        t.generated = true;
        return s->add_type(std::move(t));
    }

    static argument_def in(std::string n, type_expr t, std::string d = {}) {
        argument_def a;
        a.name = std::move(n);
        a.type = std::move(t);
        a.description = std::move(d);
        return a;
    }

    void ensure_order_direction() {
        if (s->find_type("OrderDirection")) return;
        type_def t;
        t.kind = named_kind::enum_;
        t.name = "OrderDirection";
        t.description = "Sort direction, with explicit placement of nulls.";
        t.generated = true;
        for (const char* v : {"ASC", "DESC", "ASC_NULLS_FIRST", "ASC_NULLS_LAST", "DESC_NULLS_FIRST",
                              "DESC_NULLS_LAST"})
            t.enum_values.push_back({v, {}, std::nullopt});
        s->add_type(std::move(t));
    }

    /// An operand input object of the catalogue (IpRangeInput, ...), once.
    void ensure_operand_input(const operand_input& oi) {
        if (s->find_type(oi.name)) return;
        auto& t = input_type(std::string(oi.name), std::string(oi.description));
        for (const auto& f : oi.fields)
            t.input_fields.push_back(in(std::string(f.name), operand_type(f.type, {})));
    }

    /// The filter input of a field (product.md §3.2): its family's operators, in catalogue
    /// order (include/fraiseql/graphql/operators.hpp). "" when the field has none.
    std::string ensure_filter(const field_def& field) {
        const auto family = filter_family_of(*s, field.type, field.search);
        if (!family) return {};
        std::string fname = filter_type_name(*s, field.type, field.search);
        if (s->find_type(fname)) return fname;
        const std::string& name = field.type.name;
        std::vector<argument_def> ops;
        for (const filter_operator* op : filter_operators(*family)) {
            // Operand inputs come first: types are listed in the order they are added.
            if (const operand_input* oi = find_operand_input(op->operand)) ensure_operand_input(*oi);
            ops.push_back(in(std::string(op->name), operand_type(op->operand, name),
                             std::string(op->description)));
        }
        std::string description;
        if (*family == filter_family::full_text)
            description = "Full-text search operators on a tsvector field.";
        else if (*family == filter_family::list)
            description = "Operators on a list of " + name + ".";
        else if (s->find_type(name)->kind == named_kind::enum_)
            description = "Operators on the " + name + " enum.";
        else
            description = "Operators on " + name + " values.";
        input_type(fname, description).input_fields = std::move(ops);
        return fname;
    }

    /// TWhereInput / TOrderByInput for an object type (recursing into embedded objects).
    void ensure_where_and_order(const std::string& type_name, std::set<std::string>& seen) {
        if (!seen.insert(type_name).second) return;
        const type_def* t = s->find_type(type_name);
        if (!t || t->kind != named_kind::object) return;
        std::string where = type_name + "WhereInput";
        std::string order = type_name + "OrderByInput";
        input_type(where, "Filter on " + type_name + " (fields ANDed; AND / OR / NOT combine).");
        input_type(order, "Order " + type_name + " by one field (give a list for several keys).");
        std::vector<argument_def> wf, of;
        // Copy the fields first: recursion may add types (and reallocate nothing in
        // the schema's vector of pointers, but keep the logic simple).
        std::vector<field_def> fields = t->fields;
        for (const auto& f : fields) {
            const type_def* ft = s->find_type(f.type.name);
            if (!ft) continue;
            bool list = f.type.is_list();
            if (ft->kind == named_kind::object) {
                if (list) continue; // arrays of objects: no filter operators (documented)
                ensure_where_and_order(ft->name, seen);
                wf.push_back(in(f.name, type_expr::named(ft->name + "WhereInput"), f.description));
                of.push_back(in(f.name, type_expr::named(ft->name + "OrderByInput"), f.description));
                continue;
            }
            if (ft->kind != named_kind::scalar && ft->kind != named_kind::enum_) continue;
            std::string filter = ensure_filter(f);
            if (!filter.empty()) wf.push_back(in(f.name, type_expr::named(filter), f.description));
            if (!list && !f.search && ft->name != "JSON" && ft->name != "Vector")
                of.push_back(in(f.name, type_expr::named("OrderDirection"), f.description));
        }
        wf.push_back(in("AND", type_expr::named(where).non_null_of().list_of(), "All must match."));
        wf.push_back(in("OR", type_expr::named(where).non_null_of().list_of(), "At least one must match."));
        wf.push_back(in("NOT", type_expr::named(where), "Must not match."));
        s->find_type_mut(where)->input_fields = std::move(wf);
        if (of.empty()) {
            // An input object needs a field; a type with nothing orderable still gets one
            // harmless entry so that the schema stays valid.
            of.push_back(in("_", type_expr::named("OrderDirection"), "Unused: nothing orderable."));
        }
        s->find_type_mut(order)->input_fields = std::move(of);
    }

    const type_def* view_type_of(const field_def& f) {
        const type_def* t = s->find_type(f.type.name);
        if (!t || t->kind != named_kind::object) return nullptr;
        if (t->view || !f.view_override.empty()) return t;
        return nullptr;
    }

    void ensure_connection_types(const type_def& node) {
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

    void generate_root_fields() {
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
        if (auto* m = s->find_type_mut(s->mutation_type_name()); m && !s->mutation_type_name().empty()) {
            for (const auto& f : m->fields) {
                if (!f.function)
                    fail("Mutation field \"" + f.name + "\" needs @function(name: \"...\").", f.loc);
                else
                    check_mutation_result(f);
            }
        }
    }

    // ---- mutation results (product.md §4) -------------------------------------------

    /// Error members of a result union are named ...Error or ...Failure (the
    /// original's `XResult = XSuccess | XError`); sql::is_error_type_name is the same rule.
    static bool is_error_member(std::string_view n) {
        auto ends = [&](std::string_view suf) {
            return n.size() >= suf.size() && n.substr(n.size() - suf.size()) == suf;
        };
        return ends("Error") || ends("Failure");
    }

    /// A mutation returns its entity (an object type) or a union with exactly one
    /// success member and at least one error member; the success member carries at
    /// most one entity (object-typed) field besides `errors`.
    void check_mutation_result(const field_def& f) {
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

    void add_introspection_types() {
        auto doc = parse_schema(introspection_sdl);
        if (!doc) {
            fail("internal: introspection SDL: " + doc.error().message, {doc.error().line, doc.error().column});
            return;
        }
        for (const auto& d : doc->definitions) {
            const auto* td = std::get_if<type_definition>(&d);
            if (!td) continue;
            type_def t;
            t.kind = convert_kind(td->kind);
            t.name = std::string(td->name);
            t.description = desc(td->description);
            t.builtin = true;
            type_def& ref = s->add_type(std::move(t));
            fill(ref, *td);
        }
        // The document's views die with it: fill() copied everything into strings.
    }

    void run(const document& doc) {
        add_builtins();
        add_introspection_types();
        std::vector<const type_definition*> defs, exts;
        const schema_definition* schema_def = nullptr;
        for (const auto& d : doc.definitions) {
            if (const auto* t = std::get_if<type_definition>(&d)) {
                (t->extension ? exts : defs).push_back(t);
            } else if (const auto* sd = std::get_if<schema_definition>(&d)) {
                if (!sd->extension) {
                    if (schema_def) fail("Must provide only one schema definition.", sd->loc);
                    schema_def = sd;
                }
                for (const auto& op : sd->operation_types) {
                    if (op.operation == operation_type::query) s->set_query_type(std::string(op.type.value));
                    else if (op.operation == operation_type::mutation) s->set_mutation_type(std::string(op.type.value));
                }
                if (sd->description) s->set_description(std::string(sd->description->text));
            } else if (const auto* dd = std::get_if<directive_definition>(&d)) {
                directive_def x;
                x.name = std::string(dd->name);
                if (s->find_directive(x.name)) {
                    fail("Directive \"@" + x.name + "\" already exists in the schema.", dd->loc);
                    continue;
                }
                x.description = desc(dd->description);
                for (const auto& a : dd->arguments) x.args.push_back(convert_input_value(a));
                for (const auto& l : dd->locations) x.locations.emplace_back(l.value);
                x.repeatable = dd->repeatable;
                s->add_directive(std::move(x));
            }
        }
        for (const auto* d : defs) {
            std::string name(d->name);
            if (name.rfind("__", 0) == 0) {
                fail("Name \"" + name + "\" must not begin with \"__\", which is reserved by GraphQL introspection.", d->loc);
                continue;
            }
            if (const auto* existing = s->find_type(name)) {
                // Re-declaring one of FraiseQL's built-in scalars is harmless.
                if (existing->builtin && d->kind == type_definition_kind::scalar &&
                    !(name == "Int" || name == "Float" || name == "String" || name == "Boolean" || name == "ID"))
                    continue;
                fail("There can be only one type named \"" + name + "\".", d->loc);
                continue;
            }
            type_def t;
            t.kind = convert_kind(d->kind);
            t.name = name;
            t.description = desc(d->description);
            t.loc = d->loc;
            s->add_type(std::move(t));
        }
        for (const auto* d : defs) {
            type_def* t = s->find_type_mut(d->name);
            if (t && !t->builtin && t->loc == d->loc) fill(*t, *d);
        }
        for (const auto* d : exts) {
            type_def* t = s->find_type_mut(d->name);
            if (!t) {
                fail("Cannot extend type \"" + std::string(d->name) + "\" because it is not defined.", d->loc);
                continue;
            }
            if (t->kind != convert_kind(d->kind)) {
                fail("Cannot extend non-matching type \"" + t->name + "\".", d->loc);
                continue;
            }
            fill(*t, *d);
        }
        check_sdl(doc);
        if (!schema_def) {
            if (s->find_type("Mutation")) s->set_mutation_type("Mutation");
        }
        if (!s->mutation_type_name().empty() && !s->find_type(s->mutation_type_name()))
            fail("Unknown mutation type \"" + s->mutation_type_name() + "\".", {});
        check_references();
        if (!errors.empty()) return;
        check_implementations();
        check_unions_and_input_cycles();
        if (!errors.empty()) return;
        compute_possible_types();
        generate_root_fields();
    }
};

} // namespace

fraiseql::result<std::shared_ptr<schema>, std::vector<error>>
build_schema(std::string sdl, const schema_build_options& opts) {
    auto doc = parse_schema(std::move(sdl));
    if (!doc) {
        error e;
        e.message = "Syntax Error: " + doc.error().message;
        e.locations.push_back({doc.error().line, doc.error().column});
        e.code = code::parse_failed;
        return failure{std::vector<error>{std::move(e)}};
    }
    builder b;
    b.opts = opts;
    b.run(*doc);
    if (!b.errors.empty()) {
        // In source order (the checks run in several passes), unlocated errors last.
        std::stable_sort(b.errors.begin(), b.errors.end(), [](const error& x, const error& y) {
            auto key = [](const error& e) {
                if (e.locations.empty() || e.locations[0].line == 0)
                    return std::pair<std::uint32_t, std::uint32_t>(UINT32_MAX, 0);
                return std::pair<std::uint32_t, std::uint32_t>(e.locations[0].line, e.locations[0].column);
            };
            return key(x) < key(y);
        });
        return failure{std::move(b.errors)};
    }
    return b.s;
}

fraiseql::result<std::shared_ptr<schema>, std::vector<std::string>>
load_schema_file(const std::string& path, const schema_build_options& opts) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return failure{std::vector<std::string>{path + ": cannot read the schema file"}};
    std::ostringstream ss;
    ss << in.rdbuf();
    auto r = build_schema(ss.str(), opts);
    if (r) return std::move(*r);
    std::vector<std::string> msgs;
    for (const auto& e : r.error()) {
        std::string loc = path;
        if (!e.locations.empty())
            loc += ":" + std::to_string(e.locations[0].line) + ":" + std::to_string(e.locations[0].column);
        msgs.push_back(loc + ": " + e.message);
    }
    return failure{std::move(msgs)};
}

std::string filter_type_name(const schema& s, const type_expr& t, bool search) {
    const type_def* td = s.find_type(t.name);
    if (!td) return {};
    if (search) return "FullTextFilter";
    if (t.is_list()) return t.name + "ListFilter";
    if (td->kind == named_kind::object) return t.name + "WhereInput";
    return t.name + "Filter";
}

} // namespace fraiseql::graphql
