// The schema as SDL (GraphQL spec §3), for tools that rebuild it (graphql-js
// `buildSchema` in the differential test): what our introspection shows, as text.

#include <cstdio>
#include <string>

#include "fraiseql/graphql/validate.hpp"

namespace fraiseql::graphql {
namespace {

bool standard_scalar(std::string_view n) {
    return n == "Int" || n == "Float" || n == "String" || n == "Boolean" || n == "ID";
}
bool standard_directive(std::string_view n) {
    return n == "skip" || n == "include" || n == "deprecated" || n == "specifiedBy";
}

// A string literal (§2.9.4) that reads back exactly: descriptions are printed as plain
// strings, not block strings, whose indentation rules could change the text.
void string_literal(std::string& out, std::string_view s) {
    out += '"';
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        switch (ch) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04X", c);
                out += buf;
            } else {
                out += ch;
            }
        }
    }
    out += '"';
}

void print_description(std::string& out, const std::string& d, const char* indent) {
    if (d.empty()) return;
    out += indent;
    string_literal(out, d);
    out += '\n';
}

void literal(std::string& out, const input_value& v) {
    using K = input_value::kind;
    switch (v.type()) {
    case K::null: out += "null"; break;
    case K::boolean: out += v.as_bool() ? "true" : "false"; break;
    case K::integer: out += std::to_string(v.as_int()); break;
    case K::floating: {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", v.as_double());
        out += buf;
        break;
    }
    case K::string: string_literal(out, v.as_string()); break;
    case K::enum_: out += v.as_string(); break;
    case K::list:
        out += '[';
        for (std::size_t i = 0; i < v.as_list().size(); ++i) {
            if (i) out += ", ";
            literal(out, v.as_list()[i]);
        }
        out += ']';
        break;
    case K::object:
        out += '{';
        for (std::size_t i = 0; i < v.as_object().size(); ++i) {
            if (i) out += ", ";
            out += v.as_object()[i].first + ": ";
            literal(out, v.as_object()[i].second);
        }
        out += '}';
        break;
    }
}

void deprecated(std::string& out, const std::optional<std::string>& reason) {
    if (!reason) return;
    out += " @deprecated(reason: ";
    string_literal(out, *reason);
    out += ')';
}

void input_value_def(std::string& out, const argument_def& a, const char* indent) {
    print_description(out, a.description, indent);
    out += indent + a.name + ": " + a.type.to_string();
    if (a.default_value) {
        out += " = ";
        literal(out, *a.default_value);
    }
    deprecated(out, a.deprecation_reason);
    out += '\n';
}

void arguments(std::string& out, const std::vector<argument_def>& args) {
    if (args.empty()) return;
    out += "(\n";
    for (const auto& a : args) input_value_def(out, a, "    ");
    out += "  )";
}

void type(std::string& out, const type_def& t) {
    print_description(out, t.description, "");
    switch (t.kind) {
    case named_kind::scalar:
        out += "scalar " + t.name;
        if (t.specified_by_url) {
            out += " @specifiedBy(url: ";
            string_literal(out, *t.specified_by_url);
            out += ')';
        }
        out += "\n\n";
        return;
    case named_kind::union_:
        out += "union " + t.name + " =";
        for (std::size_t i = 0; i < t.possible_types.size(); ++i) out += (i ? " | " : " ") + t.possible_types[i];
        out += "\n\n";
        return;
    case named_kind::enum_:
        out += "enum " + t.name + " {\n";
        for (const auto& v : t.enum_values) {
            print_description(out, v.description, "  ");
            out += "  " + v.name;
            deprecated(out, v.deprecation_reason);
            out += '\n';
        }
        out += "}\n\n";
        return;
    case named_kind::input_object:
        out += "input " + t.name + " {\n";
        for (const auto& f : t.input_fields) input_value_def(out, f, "  ");
        out += "}\n\n";
        return;
    case named_kind::object:
    case named_kind::interface:
        out += (t.kind == named_kind::object ? "type " : "interface ") + t.name;
        for (std::size_t i = 0; i < t.interfaces.size(); ++i)
            out += (i ? " & " : " implements ") + t.interfaces[i];
        out += " {\n";
        for (const auto& f : t.fields) {
            print_description(out, f.description, "  ");
            out += "  " + f.name;
            arguments(out, f.args);
            out += ": " + f.type.to_string();
            deprecated(out, f.deprecation_reason);
            out += '\n';
        }
        out += "}\n\n";
        return;
    }
}

} // namespace

std::string print_schema(const schema& s) {
    std::string out;
    // A schema block when the root types are not found by their default names (§3.3.1):
    // another name, a type called Mutation that is not the mutation root, or any type
    // called Subscription that is not the subscription root.
    const bool needs_block = s.query_type_name() != "Query" ||
                             (s.mutation_type_name().empty() ? s.find_type("Mutation") != nullptr
                                                             : s.mutation_type_name() != "Mutation") ||
                             (s.subscription_type_name().empty()
                                  ? s.find_type("Subscription") != nullptr
                                  : s.subscription_type_name() != "Subscription") ||
                             !s.description().empty();
    if (needs_block) {
        print_description(out, s.description(), "");
        out += "schema {\n  query: " + s.query_type_name() + "\n";
        if (!s.mutation_type_name().empty()) out += "  mutation: " + s.mutation_type_name() + "\n";
        if (!s.subscription_type_name().empty())
            out += "  subscription: " + s.subscription_type_name() + "\n";
        out += "}\n\n";
    }
    for (const auto& d : s.directives()) {
        if (standard_directive(d.name)) continue;
        print_description(out, d.description, "");
        out += "directive @" + d.name;
        arguments(out, d.args);
        if (d.repeatable) out += " repeatable";
        out += " on";
        for (std::size_t i = 0; i < d.locations.size(); ++i) out += (i ? " | " : " ") + d.locations[i];
        out += "\n\n";
    }
    for (const auto& t : s.types()) {
        if (t->name.rfind("__", 0) == 0 || (t->kind == named_kind::scalar && standard_scalar(t->name))) continue;
        type(out, *t);
    }
    if (!out.empty()) out.pop_back(); // one final newline
    return out;
}

} // namespace fraiseql::graphql
