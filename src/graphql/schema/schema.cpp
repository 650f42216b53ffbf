#include "fraiseql/graphql/schema.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <string>

#include "fraiseql/graphql/error.hpp"
#include "fraiseql/json/keys.hpp"
#include "fraiseql/json/writer.hpp"

namespace fraiseql::graphql {

std::string type_expr::to_string() const {
    std::string out = name;
    for (auto it = wrappers.rbegin(); it != wrappers.rend(); ++it) {
        if (*it == wrap::non_null) out += '!';
        else out = "[" + out + "]";
    }
    return out;
}

const type_def* schema::find_type(std::string_view name) const noexcept {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : it->second;
}

type_def* schema::find_type_mut(std::string_view name) noexcept {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : it->second;
}

const directive_def* schema::find_directive(std::string_view name) const noexcept {
    for (const auto& d : directives_)
        if (d.name == name) return &d;
    return nullptr;
}

type_def& schema::add_type(type_def t) {
    auto p = std::make_unique<type_def>(std::move(t));
    type_def& ref = *p;
    by_name_[ref.name] = p.get();
    types_.push_back(std::move(p));
    return ref;
}

bool schema::is_builtin_scalar(std::string_view n) noexcept {
    static constexpr std::string_view names[] = {
        "Int",  "Float",   "String", "Boolean",   "ID",   "UUID",       "DateTime",
        "Date", "Time",    "JSON",   "Decimal",   "BigInt", "IpAddress", "CIDR",
        "MacAddress", "LTree", "DateRange", "Vector"};
    for (auto x : names)
        if (x == n) return true;
    return false;
}

std::string field_key(std::string_view name) { return json::to_snake_key(name); }

void append_error_json(std::string& out, const error& e) {
    out += "{\"message\":";
    json::append_json_string(out, e.message);
    if (!e.locations.empty()) {
        out += ",\"locations\":[";
        for (std::size_t i = 0; i < e.locations.size(); ++i) {
            if (i) out += ',';
            out += "{\"line\":" + std::to_string(e.locations[i].line) +
                   ",\"column\":" + std::to_string(e.locations[i].column) + "}";
        }
        out += ']';
    }
    if (!e.path.empty()) {
        out += ",\"path\":[";
        for (std::size_t i = 0; i < e.path.size(); ++i) {
            if (i) out += ',';
            if (const auto* s = std::get_if<std::string>(&e.path[i])) json::append_json_string(out, *s);
            else out += std::to_string(std::get<std::int64_t>(e.path[i]));
        }
        out += ']';
    }
    if (!e.code.empty()) {
        out += ",\"extensions\":{\"code\":";
        json::append_json_string(out, e.code);
        out += '}';
    }
    out += '}';
}

std::string input_value::to_json() const {
    std::string out;
    switch (k_) {
    case kind::null: out = "null"; break;
    case kind::boolean: out = b_ ? "true" : "false"; break;
    case kind::integer: out = std::to_string(i_); break;
    case kind::floating: {
        // Shortest text that reads back as the same double: 0.1 stays "0.1"
        // (a Decimal compared in SQL must not become 0.10000000000000001).
        char buf[64];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d_);
        out.assign(buf, ec == std::errc() ? end : buf);
        if (out.empty() || out.find_first_of("0123456789") == std::string::npos) out = "null";
        break;
    }
    case kind::string:
    case kind::enum_: json::append_json_string(out, s_); break;
    case kind::list:
        out = "[";
        for (std::size_t i = 0; i < as_list().size(); ++i) {
            if (i) out += ',';
            out += as_list()[i].to_json();
        }
        out += ']';
        break;
    case kind::object:
        out = "{";
        for (std::size_t i = 0; i < as_object().size(); ++i) {
            if (i) out += ',';
            json::append_json_string(out, as_object()[i].first);
            out += ':';
            out += as_object()[i].second.to_json();
        }
        out += '}';
        break;
    }
    return out;
}

} // namespace fraiseql::graphql
