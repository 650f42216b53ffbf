// SDL -> schema model: conversions from the AST, the built-ins, declared types and the order
// of the passes. The SDL checks, the generated inputs and the root fields are beside this file
// (builder.hpp). GraphQL spec §3 (Type System); FraiseQL directives: product.md §2-§4.

#include "fraiseql/graphql/schema_builder.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>

#include "fraiseql/graphql/parser.hpp"
#include "graphql/schema/builder.hpp"

namespace fraiseql::graphql {
namespace {

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

} // namespace

namespace detail {

void builder::fail(std::string msg, source_location loc) {
    errors.push_back(error::at(std::move(msg), loc, code::validation_failed));
}

type_expr builder::convert(const type_ref& t) {
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

input_value builder::convert_const(const value& v) {
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

std::string builder::desc(const std::optional<description>& d) {
    return d ? std::string(d->text) : std::string();
}

const directive* builder::find_dir(const std::vector<directive>& ds, std::string_view name) {
    for (const auto& d : ds)
        if (d.name == name) return &d;
    return nullptr;
}

const value* builder::find_arg(const directive& d, std::string_view name) {
    for (const auto& a : d.arguments)
        if (a.name == name) return &a.value;
    return nullptr;
}

std::optional<std::string> builder::deprecation(const std::vector<directive>& ds) {
    if (const auto* d = find_dir(ds, "deprecated")) {
        if (const auto* r = find_arg(*d, "reason"); r && r->kind == value_kind::string_value)
            return std::string(r->text);
        return std::string("No longer supported");
    }
    return std::nullopt;
}

std::optional<std::string> builder::string_arg(const directive& d, std::string_view name,
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

bool builder::bool_arg(const directive& d, std::string_view name, bool otherwise) {
    const value* v = find_arg(d, name);
    if (!v || v->kind == value_kind::null_value) return otherwise;
    if (v->kind != value_kind::boolean_value) {
        fail("Directive \"@" + std::string(d.name) + "\" argument \"" + std::string(name) +
                 "\" must be a boolean.",
             v->loc);
        return otherwise;
    }
    return v->boolean;
}

std::vector<std::string> builder::string_list_arg(const directive& d, std::string_view name) {
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

argument_def builder::convert_input_value(const input_value_definition& iv) {
    argument_def a;
    a.name = std::string(iv.name);
    a.description = desc(iv.description);
    a.type = convert(iv.type);
    if (iv.default_value) a.default_value = convert_const(*iv.default_value);
    a.deprecation_reason = deprecation(iv.directives);
    a.loc = iv.loc;
    return a;
}

field_def builder::convert_field(const field_definition& fd) {
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
    if (const auto* v = find_dir(fd.directives, "view")) {
        if (auto n = string_arg(*v, "name", true)) f.view_override = *n;
        f.aggregates = bool_arg(*v, "aggregates", true);
    }
    if (const auto* fn = find_dir(fd.directives, "function")) {
        function_def def;
        if (auto n = string_arg(*fn, "name", true)) def.name = *n;
        if (auto sc = string_arg(*fn, "schema", false)) def.schema = *sc;
        def.context = string_list_arg(*fn, "context");
        f.function = std::move(def);
    }
    return f;
}

void builder::add_scalar(std::string name, std::string description) {
    type_def t;
    t.kind = named_kind::scalar;
    t.name = std::move(name);
    t.description = std::move(description);
    t.builtin = true;
    s->add_type(std::move(t));
}

void builder::add_builtins() {
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
         arg("columns", T("String").non_null_of().list_of()),
         arg("aggregates", T("Boolean"), "Generate xsAggregate and xsGroupBy (product.md §3.6).",
             input_value::boolean(true))},
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

named_kind builder::convert_kind(type_definition_kind k) {
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

void builder::fill(type_def& t, const type_definition& d) {
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
            view.aggregates = bool_arg(*v, "aggregates", true);
            t.view = std::move(view);
        }
    }
    if (const auto* a = find_dir(d.directives, "auth")) t.auth_roles = string_list_arg(*a, "roles");
    if (const auto* sb = find_dir(d.directives, "specifiedBy"))
        t.specified_by_url = string_arg(*sb, "url", true);
}

void builder::compute_possible_types() {
    for (const auto& tp : s->types()) {
        if (tp->kind != named_kind::object) continue;
        for (const auto& i : tp->interfaces)
            if (auto* it = s->find_type_mut(i); it && it->kind == named_kind::interface)
                it->possible_types.push_back(tp->name);
    }
}

void builder::add_introspection_types() {
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

void builder::run(const document& doc) {
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
                else if (op.operation == operation_type::subscription) s->set_subscription_type(std::string(op.type.value));
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
    // The generated inputs exist before anything is checked, so a root field may declare its
    // own `where`/`orderBy` argument with a default (docs/schema-design.md "Defaults on root
    // fields"): `users(orderBy: [UserOrderByInput!] = [{createdAt: DESC}]): [User!]!`.
    pregenerate_view_inputs();
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

} // namespace detail

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
    detail::builder b;
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
