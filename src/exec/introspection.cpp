#include "introspection.hpp"

#include "fraiseql/json/writer.hpp"

namespace fraiseql::exec {

using namespace fraiseql::graphql;

namespace {

struct ctx {
    const schema& s;
    std::string& out;
};

void key(std::string& out, const std::string& k, bool& first) {
    out += first ? "" : ",";
    first = false;
    json::append_json_string(out, k);
    out += ':';
}

void str_or_null(std::string& out, const std::string& v, bool null_when_empty = true) {
    if (v.empty() && null_when_empty) out += "null";
    else json::append_json_string(out, v);
}

void opt_str(std::string& out, const std::optional<std::string>& v) {
    if (v) json::append_json_string(out, *v);
    else out += "null";
}

bool include_deprecated(const field_plan& f) {
    const input_value* v = f.arg("includeDeprecated");
    return v && v->type() == input_value::kind::boolean && v->as_bool();
}

const char* kind_name(named_kind k) {
    switch (k) {
    case named_kind::scalar: return "SCALAR";
    case named_kind::object: return "OBJECT";
    case named_kind::interface: return "INTERFACE";
    case named_kind::union_: return "UNION";
    case named_kind::enum_: return "ENUM";
    case named_kind::input_object: return "INPUT_OBJECT";
    }
    return "SCALAR";
}

void write_type(ctx& c, const type_expr& t, const std::vector<field_plan>& sel);
void write_named(ctx& c, const type_def* t, const std::vector<field_plan>& sel) {
    if (!t) {
        c.out += "null";
        return;
    }
    write_type(c, type_expr::named(t->name), sel);
}

template <class F> void write_list(std::string& out, std::size_t n, F&& item) {
    out += '[';
    for (std::size_t i = 0; i < n; ++i) {
        if (i) out += ',';
        item(i);
    }
    out += ']';
}

void write_input_value(ctx& c, const argument_def& a, const std::vector<field_plan>& sel) {
    std::string& out = c.out;
    out += '{';
    bool first = true;
    for (const auto& f : sel) {
        key(out, f.response_key, first);
        if (f.name == "__typename") json::append_json_string(out, "__InputValue");
        else if (f.name == "name") json::append_json_string(out, a.name);
        else if (f.name == "description") str_or_null(out, a.description);
        else if (f.name == "type") write_type(c, a.type, f.selection);
        else if (f.name == "defaultValue") {
            if (a.default_value) json::append_json_string(out, graphql_literal(*a.default_value, c.s, a.type));
            else out += "null";
        } else if (f.name == "isDeprecated") out += a.deprecation_reason ? "true" : "false";
        else if (f.name == "deprecationReason") opt_str(out, a.deprecation_reason);
        else out += "null";
    }
    out += '}';
}

void write_args(ctx& c, const std::vector<argument_def>& args, const field_plan& f) {
    bool all = include_deprecated(f);
    std::vector<const argument_def*> v;
    for (const auto& a : args)
        if (all || !a.deprecation_reason) v.push_back(&a);
    write_list(c.out, v.size(), [&](std::size_t i) { write_input_value(c, *v[i], f.selection); });
}

void write_field(ctx& c, const field_def& fd, const std::vector<field_plan>& sel) {
    std::string& out = c.out;
    out += '{';
    bool first = true;
    for (const auto& f : sel) {
        key(out, f.response_key, first);
        if (f.name == "__typename") json::append_json_string(out, "__Field");
        else if (f.name == "name") json::append_json_string(out, fd.name);
        else if (f.name == "description") str_or_null(out, fd.description);
        else if (f.name == "args") write_args(c, fd.args, f);
        else if (f.name == "type") write_type(c, fd.type, f.selection);
        else if (f.name == "isDeprecated") out += fd.deprecation_reason ? "true" : "false";
        else if (f.name == "deprecationReason") opt_str(out, fd.deprecation_reason);
        else out += "null";
    }
    out += '}';
}

void write_type(ctx& c, const type_expr& t, const std::vector<field_plan>& sel) {
    std::string& out = c.out;
    const type_def* td = t.is_named() ? c.s.find_type(t.name) : nullptr;
    if (t.is_named() && !td) {
        out += "null";
        return;
    }
    out += '{';
    bool first = true;
    for (const auto& f : sel) {
        key(out, f.response_key, first);
        if (f.name == "__typename") {
            json::append_json_string(out, "__Type");
        } else if (f.name == "kind") {
            if (!t.is_named()) out += t.wrappers[0] == type_expr::wrap::list ? "\"LIST\"" : "\"NON_NULL\"";
            else json::append_json_string(out, kind_name(td->kind));
        } else if (f.name == "name") {
            if (td) json::append_json_string(out, td->name);
            else out += "null";
        } else if (f.name == "description") {
            if (td) str_or_null(out, td->description);
            else out += "null";
        } else if (f.name == "specifiedByURL") {
            if (td) opt_str(out, td->specified_by_url);
            else out += "null";
        } else if (f.name == "fields") {
            if (!td || (td->kind != named_kind::object && td->kind != named_kind::interface)) {
                out += "null";
                continue;
            }
            bool all = include_deprecated(f);
            std::vector<const field_def*> v;
            for (const auto& x : td->fields)
                if (all || !x.deprecation_reason) v.push_back(&x);
            write_list(out, v.size(), [&](std::size_t i) { write_field(c, *v[i], f.selection); });
        } else if (f.name == "interfaces") {
            if (!td || (td->kind != named_kind::object && td->kind != named_kind::interface)) {
                out += "null";
                continue;
            }
            write_list(out, td->interfaces.size(), [&](std::size_t i) {
                write_named(c, c.s.find_type(td->interfaces[i]), f.selection);
            });
        } else if (f.name == "possibleTypes") {
            if (!td || (td->kind != named_kind::union_ && td->kind != named_kind::interface)) {
                out += "null";
                continue;
            }
            write_list(out, td->possible_types.size(), [&](std::size_t i) {
                write_named(c, c.s.find_type(td->possible_types[i]), f.selection);
            });
        } else if (f.name == "enumValues") {
            if (!td || td->kind != named_kind::enum_) {
                out += "null";
                continue;
            }
            bool all = include_deprecated(f);
            std::vector<const enum_value_def*> v;
            for (const auto& x : td->enum_values)
                if (all || !x.deprecation_reason) v.push_back(&x);
            write_list(out, v.size(), [&](std::size_t i) {
                out += '{';
                bool first2 = true;
                for (const auto& g : f.selection) {
                    key(out, g.response_key, first2);
                    if (g.name == "__typename") json::append_json_string(out, "__EnumValue");
                    else if (g.name == "name") json::append_json_string(out, v[i]->name);
                    else if (g.name == "description") str_or_null(out, v[i]->description);
                    else if (g.name == "isDeprecated") out += v[i]->deprecation_reason ? "true" : "false";
                    else if (g.name == "deprecationReason") opt_str(out, v[i]->deprecation_reason);
                    else out += "null";
                }
                out += '}';
            });
        } else if (f.name == "inputFields") {
            if (!td || td->kind != named_kind::input_object) {
                out += "null";
                continue;
            }
            write_args(c, td->input_fields, f);
        } else if (f.name == "ofType") {
            if (t.is_named()) out += "null";
            else write_type(c, t.of_type(), f.selection);
        } else {
            out += "null";
        }
    }
    out += '}';
}

void write_directive(ctx& c, const directive_def& d, const std::vector<field_plan>& sel) {
    std::string& out = c.out;
    out += '{';
    bool first = true;
    for (const auto& f : sel) {
        key(out, f.response_key, first);
        if (f.name == "__typename") json::append_json_string(out, "__Directive");
        else if (f.name == "name") json::append_json_string(out, d.name);
        else if (f.name == "description") str_or_null(out, d.description);
        else if (f.name == "isRepeatable") out += d.repeatable ? "true" : "false";
        else if (f.name == "locations")
            write_list(out, d.locations.size(), [&](std::size_t i) { json::append_json_string(out, d.locations[i]); });
        else if (f.name == "args") write_args(c, d.args, f);
        else out += "null";
    }
    out += '}';
}

void write_schema(ctx& c, const std::vector<field_plan>& sel) {
    std::string& out = c.out;
    out += '{';
    bool first = true;
    for (const auto& f : sel) {
        key(out, f.response_key, first);
        if (f.name == "__typename") json::append_json_string(out, "__Schema");
        else if (f.name == "description") str_or_null(out, c.s.description());
        else if (f.name == "types")
            write_list(out, c.s.types().size(), [&](std::size_t i) {
                write_named(c, c.s.types()[i].get(), f.selection);
            });
        else if (f.name == "queryType") write_named(c, c.s.query_type(), f.selection);
        else if (f.name == "mutationType") write_named(c, c.s.mutation_type(), f.selection);
        else if (f.name == "subscriptionType") write_named(c, c.s.subscription_type(), f.selection);
        else if (f.name == "directives")
            write_list(out, c.s.directives().size(), [&](std::size_t i) {
                write_directive(c, c.s.directives()[i], f.selection);
            });
        else out += "null";
    }
    out += '}';
}

} // namespace

std::string graphql_literal(const input_value& v, const schema& s, const type_expr& t) {
    using K = input_value::kind;
    switch (v.type()) {
    case K::null: return "null";
    case K::boolean: return v.as_bool() ? "true" : "false";
    case K::integer: return std::to_string(v.as_int());
    case K::floating: return v.to_json();
    case K::enum_: return v.as_string();
    case K::string: {
        std::string out;
        json::append_json_string(out, v.as_string());
        return out;
    }
    case K::list: {
        std::string out = "[";
        type_expr item = t.is_list() ? t.item() : t;
        for (std::size_t i = 0; i < v.as_list().size(); ++i) {
            if (i) out += ", ";
            out += graphql_literal(v.as_list()[i], s, item);
        }
        return out + "]";
    }
    case K::object: {
        std::string out = "{";
        const type_def* td = s.find_type(t.name);
        for (std::size_t i = 0; i < v.as_object().size(); ++i) {
            const auto& [k, x] = v.as_object()[i];
            if (i) out += ", ";
            const argument_def* fd = td ? td->find_input_field(k) : nullptr;
            out += k + ": " + graphql_literal(x, s, fd ? fd->type : type_expr::named("String"));
        }
        return out + "}";
    }
    }
    return "null";
}

void write_introspection(const schema& s, const field_plan& f, std::string& out) {
    ctx c{s, out};
    if (f.resolved_by == root_resolver::schema) {
        write_schema(c, f.selection);
    } else {
        const input_value* n = f.arg("name");
        const type_def* td = n ? s.find_type(n->as_string()) : nullptr;
        write_named(c, td, f.selection);
    }
}

} // namespace fraiseql::exec
