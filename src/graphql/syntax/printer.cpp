// The printer: canonical GraphQL text in the layout of graphql-js `print` (16.x). It is
// built bottom-up from small strings with the same join/wrap/indent/block combinators, so
// that the layout rules (when argument lists wrap, where descriptions go) are the same.
// Recursion depth is bounded by the document's nesting, itself bounded by parse_limits.

#include <algorithm>
#include <fmt/format.h>
#include <string>
#include <vector>

#include "fraiseql/graphql/parser.hpp"

namespace fraiseql::graphql {
namespace {

using strings = std::vector<std::string>;

constexpr std::size_t max_line_length = 80;

std::string join(const strings& parts, std::string_view separator = "") {
    std::string out;
    bool first = true;
    for (const auto& p : parts) {
        if (p.empty()) continue;
        if (!first) out += separator;
        out += p;
        first = false;
    }
    return out;
}

std::string wrap(std::string_view start, const std::string& s, std::string_view end = "") {
    if (s.empty()) return {};
    std::string out;
    out.reserve(start.size() + s.size() + end.size());
    out += start;
    out += s;
    out += end;
    return out;
}

std::string indent(const std::string& s) {
    if (s.empty()) return {};
    std::string out = "  ";
    out.reserve(s.size() + 16);
    for (char c : s) {
        out.push_back(c);
        if (c == '\n') out += "  ";
    }
    return out;
}

std::string block(const strings& items) {
    if (items.empty()) return {};
    return "{\n" + indent(join(items, "\n")) + "\n}";
}

bool has_multiline_items(const strings& items) {
    return std::any_of(items.begin(), items.end(),
                       [](const std::string& s) { return s.find('\n') != std::string::npos; });
}

// Decodes one UTF-8 code point at s[i] (the parser only stores valid UTF-8).
std::uint32_t code_point_at(std::string_view s, std::size_t i, std::size_t& len) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
        len = 1;
        return c;
    }
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        cp = c & 0x0F;
    } else {
        len = 4;
        cp = c & 0x07;
    }
    len = std::min(len, s.size() - i);
    for (std::size_t k = 1; k < len; ++k) {
        cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    return cp;
}

// graphql-js printString(): a JSON-style string; C0 controls, `"`, `\` and U+007F–U+009F
// are escaped (\b \t \n \f \r short forms, otherwise \uXXXX in upper case).
std::string print_string(std::string_view s) {
    std::string out = "\"";
    out.reserve(s.size() + 2);
    for (std::size_t i = 0; i < s.size();) {
        std::size_t len = 1;
        const std::uint32_t cp = code_point_at(s, i, len);
        switch (cp) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\f': out += "\\f"; break;
        case '\r': out += "\\r"; break;
        default:
            if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
                out += fmt::format("\\u{:04X}", cp);
            } else {
                out.append(s.substr(i, len));
            }
        }
        i += len;
    }
    out += '"';
    return out;
}

bool is_white_space(char c) { return c == ' ' || c == '\t'; }

// graphql-js printBlockString() (16.x): chooses between the one-line and the multi-line
// layout so that parsing the result with BlockStringValue() gives back `value`.
std::string print_block_string(std::string_view value) {
    std::string escaped;
    escaped.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value.compare(i, 3, "\"\"\"") == 0) {
            escaped += "\\\"\"\"";
            i += 2;
        } else {
            escaped.push_back(value[i]);
        }
    }
    // Values from the parser contain only '\n' as line terminator, but a string built by
    // a caller may hold '\r'; treat it like graphql-js does (\r\n, \n and \r split lines).
    strings lines;
    {
        std::size_t begin = 0;
        for (std::size_t i = 0; i < escaped.size(); ++i) {
            if (escaped[i] == '\n' || escaped[i] == '\r') {
                lines.emplace_back(escaped.substr(begin, i - begin));
                if (escaped[i] == '\r' && i + 1 < escaped.size() && escaped[i + 1] == '\n') ++i;
                begin = i + 1;
            }
        }
        lines.emplace_back(escaped.substr(begin));
    }
    const bool is_single_line = lines.size() == 1;
    const bool force_leading_new_line =
        lines.size() > 1 && std::all_of(lines.begin() + 1, lines.end(), [](const std::string& l) {
            return l.empty() || is_white_space(l[0]);
        });
    const bool has_trailing_triple_quotes =
        escaped.size() >= 4 && escaped.compare(escaped.size() - 4, 4, "\\\"\"\"") == 0;
    const bool has_trailing_quote = !value.empty() && value.back() == '"' &&
                                    !has_trailing_triple_quotes;
    const bool has_trailing_slash = !value.empty() && value.back() == '\\';
    const bool force_trailing_new_line = has_trailing_quote || has_trailing_slash;
    const bool print_as_multiple_lines = !is_single_line || value.size() > 70 ||
                                         force_trailing_new_line || force_leading_new_line ||
                                         has_trailing_triple_quotes;
    const bool skip_leading_new_line =
        is_single_line && !value.empty() && is_white_space(value[0]);
    std::string out = "\"\"\"";
    if ((print_as_multiple_lines && !skip_leading_new_line) || force_leading_new_line) {
        out += '\n';
    }
    out += escaped;
    if (print_as_multiple_lines || force_trailing_new_line) out += '\n';
    out += "\"\"\"";
    return out;
}

std::string_view operation_name(operation_type op) {
    switch (op) {
    case operation_type::query: return "query";
    case operation_type::mutation: return "mutation";
    case operation_type::subscription: return "subscription";
    }
    return "query";
}

class printer {
public:
    std::string value(const graphql::value& v) {
        switch (v.kind) {
        case value_kind::variable: return "$" + std::string(v.text);
        case value_kind::int_value:
        case value_kind::float_value:
        case value_kind::enum_value: return std::string(v.text);
        case value_kind::string_value: return v.block ? print_block_string(v.text)
                                                      : print_string(v.text);
        case value_kind::boolean_value: return v.boolean ? "true" : "false";
        case value_kind::null_value: return "null";
        case value_kind::list_value: {
            strings items;
            items.reserve(v.list.size());
            for (const auto& item : v.list) items.push_back(value(item));
            return "[" + join(items, ", ") + "]";
        }
        case value_kind::object_value: {
            strings items;
            items.reserve(v.fields.size());
            for (const auto& f : v.fields) items.push_back(argument(f));
            return "{" + join(items, ", ") + "}";
        }
        }
        return {};
    }

    std::string type(const type_ref& t) {
        // Iterative: build the wrappers around the innermost name.
        std::string prefix;
        std::string suffix;
        const type_ref* cur = &t;
        while (cur->kind != type_kind::named && cur->of) {
            if (cur->kind == type_kind::list) {
                prefix += '[';
                suffix.insert(suffix.begin(), ']');
            } else {
                suffix.insert(suffix.begin(), '!');
            }
            cur = cur->of.get();
        }
        return prefix + std::string(cur->name) + suffix;
    }

    std::string argument(const graphql::argument& a) {
        return std::string(a.name) + ": " + value(a.value);
    }

    strings arguments(const std::vector<graphql::argument>& args) {
        strings out;
        out.reserve(args.size());
        for (const auto& a : args) out.push_back(argument(a));
        return out;
    }

    std::string directive(const graphql::directive& d) {
        return "@" + std::string(d.name) + wrap("(", join(arguments(d.arguments), ", "), ")");
    }

    std::string directives(const std::vector<graphql::directive>& ds) {
        strings out;
        out.reserve(ds.size());
        for (const auto& d : ds) out.push_back(directive(d));
        return join(out, " ");
    }

    std::string selection_set(const graphql::selection_set& set) {
        strings items;
        items.reserve(set.size());
        for (const auto& s : set) items.push_back(selection(s));
        return block(items);
    }

    std::string selection(const graphql::selection& s) {
        if (const auto* f = std::get_if<field>(&s.node)) {
            const std::string prefix = wrap("", std::string(f->alias), ": ") + std::string(f->name);
            const strings args = arguments(f->arguments);
            std::string args_line = prefix + wrap("(", join(args, ", "), ")");
            if (args_line.size() > max_line_length) {
                args_line = prefix + wrap("(\n", indent(join(args, "\n")), "\n)");
            }
            return join({args_line, directives(f->directives), selection_set(f->selections)},
                        " ");
        }
        if (const auto* spread = std::get_if<fragment_spread>(&s.node)) {
            return "..." + std::string(spread->name) + wrap(" ", directives(spread->directives));
        }
        const auto& inl = std::get<inline_fragment>(s.node);
        return join({"...", wrap("on ", std::string(inl.type_condition.value)),
                     directives(inl.directives), selection_set(inl.selections)},
                    " ");
    }

    std::string description(const std::optional<graphql::description>& d) {
        if (!d) return {};
        return (d->block ? print_block_string(d->text) : print_string(d->text)) + "\n";
    }

    std::string input_value(const input_value_definition& v) {
        return description(v.description) +
               join({std::string(v.name) + ": " + type(v.type),
                     v.default_value ? "= " + value(*v.default_value) : std::string(),
                     directives(v.directives)},
                    " ");
    }

    std::string argument_definitions(const std::vector<input_value_definition>& args) {
        strings items;
        items.reserve(args.size());
        for (const auto& a : args) items.push_back(input_value(a));
        if (has_multiline_items(items)) return wrap("(\n", indent(join(items, "\n")), "\n)");
        return wrap("(", join(items, ", "), ")");
    }

    static std::string names(const std::vector<name_ref>& ns, std::string_view separator) {
        std::string out;
        for (std::size_t i = 0; i < ns.size(); ++i) {
            if (i != 0) out += separator;
            out += ns[i].value;
        }
        return out;
    }

    std::string definition(const graphql::definition& def) {
        if (const auto* op = std::get_if<operation_definition>(&def)) return operation(*op);
        if (const auto* frag = std::get_if<fragment_definition>(&def)) {
            return "fragment " + std::string(frag->name) + " on " +
                   std::string(frag->type_condition.value) + " " +
                   wrap("", directives(frag->directives), " ") + selection_set(frag->selections);
        }
        if (const auto* s = std::get_if<schema_definition>(&def)) {
            strings ops;
            for (const auto& r : s->operation_types) {
                ops.push_back(std::string(operation_name(r.operation)) + ": " +
                              std::string(r.type.value));
            }
            if (s->extension) return join({"extend schema", directives(s->directives), block(ops)}, " ");
            return description(s->description) +
                   join({"schema", directives(s->directives), block(ops)}, " ");
        }
        if (const auto* t = std::get_if<type_definition>(&def)) return print_type_definition(*t);
        const auto& d = std::get<directive_definition>(def);
        return description(d.description) + "directive @" + std::string(d.name) +
               argument_definitions(d.arguments) + (d.repeatable ? " repeatable" : "") + " on " +
               names(d.locations, " | ");
    }

    std::string operation(const operation_definition& op) {
        std::string set = selection_set(op.selections);
        // The shorthand form is used for an anonymous query without variables/directives.
        if (op.operation == operation_type::query && op.name.empty() && op.variables.empty() &&
            op.directives.empty()) {
            return set;
        }
        strings vars;
        for (const auto& v : op.variables) {
            vars.push_back("$" + std::string(v.name) + ": " + type(v.type) +
                           (v.default_value ? " = " + value(*v.default_value) : std::string()) +
                           wrap(" ", directives(v.directives)));
        }
        const std::string var_defs = wrap("(", join(vars, ", "), ")");
        const std::string prefix =
            join({std::string(operation_name(op.operation)), join({std::string(op.name), var_defs}),
                  directives(op.directives)},
                 " ");
        return prefix + " " + set;
    }

    std::string print_type_definition(const graphql::type_definition& t) {
        static constexpr std::string_view keywords[] = {"scalar", "type",  "interface",
                                                        "union",  "enum",  "input"};
        std::string keyword(keywords[static_cast<int>(t.kind)]);
        if (t.extension) keyword = "extend " + keyword;
        const std::string name(t.name);
        std::string body;
        switch (t.kind) {
        case type_definition_kind::scalar:
            body = join({keyword, name, directives(t.directives)}, " ");
            break;
        case type_definition_kind::object:
        case type_definition_kind::interface: {
            strings fields;
            for (const auto& f : t.fields) {
                fields.push_back(description(f.description) + std::string(f.name) +
                                 argument_definitions(f.arguments) + ": " + type(f.type) +
                                 wrap(" ", directives(f.directives)));
            }
            body = join({keyword, name, wrap("implements ", names(t.interfaces, " & ")),
                         directives(t.directives), block(fields)},
                        " ");
            break;
        }
        case type_definition_kind::union_type:
            body = join({keyword, name, directives(t.directives),
                         wrap("= ", names(t.union_members, " | "))},
                        " ");
            break;
        case type_definition_kind::enum_type: {
            strings values;
            for (const auto& v : t.enum_values) {
                values.push_back(description(v.description) +
                                 join({std::string(v.name), directives(v.directives)}, " "));
            }
            body = join({keyword, name, directives(t.directives), block(values)}, " ");
            break;
        }
        case type_definition_kind::input_object: {
            strings fields;
            for (const auto& f : t.input_fields) fields.push_back(input_value(f));
            body = join({keyword, name, directives(t.directives), block(fields)}, " ");
            break;
        }
        }
        return (t.extension ? std::string() : description(t.description)) + body;
    }
};

} // namespace

std::string print(const document& doc) {
    printer p;
    strings defs;
    defs.reserve(doc.definitions.size());
    for (const auto& d : doc.definitions) defs.push_back(p.definition(d));
    return join(defs, "\n\n");
}

std::string print(const value& v) { return printer{}.value(v); }

std::string print(const type_ref& t) { return printer{}.type(t); }

} // namespace fraiseql::graphql
