// Input coercion of scalars (GraphQL spec §3.5 Scalars; FraiseQL's built-in
// scalars in product.md §2) and of lists, input objects and enums (§3.9-§3.11).

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "fraiseql/graphql/planner.hpp"

namespace fraiseql::graphql {
namespace {

using R = fraiseql::result<input_value, std::string>;

std::string show(const input_value& v) { return v.to_json(); }

R bad(std::string msg) { return failure<std::string>{std::move(msg)}; }

// ASCII classes, independent of the C locale (and inline: `std::isxdigit` is a libc call per
// character, ~18 instructions of a UUID's per-request coercion each — issue 15).
constexpr bool ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool ascii_hex(char c) noexcept {
    return ascii_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!ascii_digit(c)) return false;
    return true;
}

// Which bytes are hexadecimal digits: one load per character of a UUID (issue 15: the
// by-id request coerces one per request).
constexpr auto hex_table = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c) t[static_cast<std::size_t>(c)] = ascii_hex(static_cast<char>(c));
    return t;
}();

bool is_uuid(std::string_view s) {
    if (s.size() != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
        return false;
    bool ok = true;
    for (std::size_t i = 0; i < 36; ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) continue;
        ok &= hex_table[static_cast<unsigned char>(s[i])];
    }
    return ok;
}

bool is_date(std::string_view s) {
    // YYYY-MM-DD
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    if (!all_digits(s.substr(0, 4)) || !all_digits(s.substr(5, 2)) || !all_digits(s.substr(8, 2)))
        return false;
    int m = std::stoi(std::string(s.substr(5, 2))), d = std::stoi(std::string(s.substr(8, 2)));
    return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

bool is_time(std::string_view s) {
    // HH:MM[:SS[.fff]][Z|±HH[:MM]]
    if (s.size() < 5 || s[2] != ':' || !all_digits(s.substr(0, 2)) || !all_digits(s.substr(3, 2)))
        return false;
    if (std::stoi(std::string(s.substr(0, 2))) > 24 || std::stoi(std::string(s.substr(3, 2))) > 59)
        return false;
    std::size_t i = 5;
    if (i < s.size() && s[i] == ':') {
        if (i + 3 > s.size() || !all_digits(s.substr(i + 1, 2))) return false;
        i += 3;
        if (i < s.size() && s[i] == '.') {
            ++i;
            std::size_t st = i;
            while (i < s.size() && ascii_digit(s[i])) ++i;
            if (i == st) return false;
        }
    }
    if (i == s.size()) return true;
    if (s[i] == 'Z' || s[i] == 'z') return i + 1 == s.size();
    if (s[i] == '+' || s[i] == '-') {
        auto tz = s.substr(i + 1);
        return (tz.size() == 2 && all_digits(tz)) ||
               (tz.size() == 5 && tz[2] == ':' && all_digits(tz.substr(0, 2)) && all_digits(tz.substr(3, 2))) ||
               (tz.size() == 4 && all_digits(tz));
    }
    return false;
}

bool is_datetime(std::string_view s) {
    if (s.size() < 16 || !is_date(s.substr(0, 10))) return false;
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return false;
    return is_time(s.substr(11));
}

bool is_decimal(std::string_view s) {
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t digits = 0;
    while (i < s.size() && ascii_digit(s[i])) ++i, ++digits;
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && ascii_digit(s[i])) ++i, ++digits;
    }
    if (digits == 0) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
        std::size_t e = 0;
        while (i < s.size() && ascii_digit(s[i])) ++i, ++e;
        if (!e) return false;
    }
    return i == s.size();
}

bool is_ip(std::string_view s) {
    std::string z(s);
    unsigned char buf[16];
    return inet_pton(AF_INET, z.c_str(), buf) == 1 || inet_pton(AF_INET6, z.c_str(), buf) == 1;
}

bool is_cidr(std::string_view s) {
    auto slash = s.find('/');
    if (slash == std::string_view::npos) return is_ip(s);
    auto addr = s.substr(0, slash), bits = s.substr(slash + 1);
    if (!all_digits(bits) || bits.size() > 3) return false;
    int n = std::stoi(std::string(bits));
    std::string z(addr);
    unsigned char buf[16];
    if (inet_pton(AF_INET, z.c_str(), buf) == 1) return n <= 32;
    if (inet_pton(AF_INET6, z.c_str(), buf) == 1) return n <= 128;
    return false;
}

bool is_mac(std::string_view s) {
    // PostgreSQL macaddr accepts several spellings; check the common ones:
    // 08:00:2b:01:02:03, 08-00-2b-01-02-03, 08002b:010203, 08002b-010203,
    // 0800.2b01.0203, 08002b010203.
    std::string hex;
    for (char c : s) {
        if (ascii_hex(c)) hex += c;
        else if (c != ':' && c != '-' && c != '.') return false;
    }
    return hex.size() == 12;
}

bool is_ltree(std::string_view s) {
    if (s.empty()) return true; // the empty path is valid ltree
    std::size_t label = 0;
    for (char c : s) {
        if (c == '.') {
            if (label == 0) return false;
            label = 0;
        } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') {
            ++label;
        } else {
            return false;
        }
    }
    return label > 0;
}

bool is_daterange(std::string_view s) {
    if (s == "empty") return true;
    if (s.size() < 3) return false;
    if ((s.front() != '[' && s.front() != '(') || (s.back() != ']' && s.back() != ')')) return false;
    auto inner = s.substr(1, s.size() - 2);
    auto comma = inner.find(',');
    if (comma == std::string_view::npos) return false;
    auto lo = inner.substr(0, comma), hi = inner.substr(comma + 1);
    auto ok = [](std::string_view d) { return d.empty() || is_date(d) || d == "infinity" || d == "-infinity"; };
    return ok(lo) && ok(hi);
}

} // namespace

scalar_coercion coerce_scalar(const type_def& t, const scalar_input& v) {
    using K = input_value::kind;
    using O = scalar_coercion::outcome;
    auto made = [](O o, std::int64_t i = 0, double d = 0) {
        scalar_coercion r;
        r.o = o;
        r.i = i;
        r.d = d;
        return r;
    };
    auto refused = [](std::string_view prefix, std::string_view suffix = {}) {
        scalar_coercion r;
        r.o = O::refused;
        r.prefix = prefix;
        r.suffix = suffix;
        return r;
    };
    const std::string& n = t.name;
    if (n == "Int") {
        if (v.k == K::integer) {
            if (v.i < std::numeric_limits<std::int32_t>::min() ||
                v.i > std::numeric_limits<std::int32_t>::max())
                return refused(" cannot represent non 32-bit signed integer value: ");
            return {};
        }
        if (v.k == K::floating && std::floor(v.d) == v.d && std::abs(v.d) <= 2147483647.0)
            return made(O::integer, static_cast<std::int64_t>(v.d));
        return refused(" cannot represent non-integer value: ");
    }
    if (n == "Float") {
        if (v.k == K::integer) return made(O::floating, 0, static_cast<double>(v.i));
        if (v.k == K::floating && std::isfinite(v.d)) return {};
        return refused(" cannot represent non numeric value: ");
    }
    if (n == "String") {
        if (v.k == K::string) return {};
        return refused(" cannot represent a non string value: ");
    }
    if (n == "Boolean") {
        if (v.k == K::boolean) return {};
        return refused(" cannot represent a non boolean value: ");
    }
    if (n == "ID") {
        if (v.k == K::string) return {};
        if (v.k == K::integer) return made(O::int_text);
        return refused(" cannot represent value: ");
    }
    if (n == "JSON") return {}; // any value, verbatim
    if (n == "BigInt") {
        if (v.k == K::integer) return made(O::int_text);
        if (v.k == K::string) {
            const std::string_view s = v.s;
            const std::string_view d = (!s.empty() && s[0] == '-') ? s.substr(1) : s;
            std::int64_t parsed = 0;
            // Digits only (no sign but a leading '-'), so from_chars reads all of them; out of
            // range is what strtoll's ERANGE was.
            if (all_digits(d) && d.size() <= 19 &&
                std::from_chars(s.data(), s.data() + s.size(), parsed).ec == std::errc{})
                return {};
        }
        return refused(" cannot represent value: ", " (expected a 64-bit integer)");
    }
    if (n == "Decimal") {
        if (v.k == K::integer) return made(O::int_text);
        if (v.k == K::floating) return made(O::float_text);
        if (v.k == K::string && is_decimal(v.s)) return {};
        return refused(" cannot represent value: ");
    }
    if (n == "Vector") {
        auto r = refused(" cannot represent value: ", " (expected a list of floats)");
        if (v.k == K::list) r.o = O::vector; // each item: an Int or a Float, else `r`'s error
        return r;
    }
    // The remaining built-ins are strings with a format.
    struct fmt { const char* name; bool (*check)(std::string_view); const char* expected; };
    static const fmt formats[] = {
        {"UUID", is_uuid, " (expected a UUID such as \"123e4567-e89b-12d3-a456-426614174000\")"},
        {"DateTime", is_datetime, " (expected an ISO 8601 date-time such as \"2024-01-31T12:00:00Z\")"},
        {"Date", is_date, " (expected an ISO 8601 date such as \"2024-01-31\")"},
        {"Time", is_time, " (expected an ISO 8601 time such as \"12:30:00\")"},
        {"IpAddress", is_ip, " (expected an IPv4 or IPv6 address)"},
        {"CIDR", is_cidr, " (expected a network in CIDR notation such as \"10.0.0.0/8\")"},
        {"MacAddress", is_mac, " (expected a MAC address such as \"08:00:2b:01:02:03\")"},
        {"LTree", is_ltree, " (expected an ltree path such as \"top.science\")"},
        {"DateRange", is_daterange, " (expected a date range such as \"[2024-01-01,2024-02-01)\")"},
    };
    for (const auto& f : formats) {
        if (n != f.name) continue;
        if (v.k != K::string || !f.check(v.s)) return refused(" cannot represent value: ", f.expected);
        return {};
    }
    // A custom scalar declared in the SDL: accepted as given (serialised to JSON for SQL).
    if (v.k == K::null) {
        auto r = refused(" cannot represent null");
        r.show_value = false;
        return r;
    }
    return {};
}

namespace {

/// coerce_scalar's verdict on an input_value, made one.
R coerce_scalar_value(const type_def& t, const input_value& v) {
    using O = scalar_coercion::outcome;
    const scalar_input in{v.type(), v.as_bool(), v.as_int(), v.as_double(), v.as_string()};
    const scalar_coercion r = coerce_scalar(t, in);
    auto refusal = [&] {
        std::string msg = t.name;
        msg += r.prefix;
        if (r.show_value) msg += show(v);
        msg += r.suffix;
        return bad(std::move(msg));
    };
    switch (r.o) {
    case O::same: return v;
    case O::integer: return input_value::integer(r.i);
    case O::floating: return input_value::floating(r.d);
    case O::int_text: return input_value::string(std::to_string(v.as_int()));
    case O::float_text: return input_value::string(v.to_json());
    case O::vector: {
        input_value::list_t items;
        for (const auto& x : v.as_list()) {
            if (x.type() != input_value::kind::integer && x.type() != input_value::kind::floating)
                return refusal();
            items.push_back(input_value::floating(x.as_double()));
        }
        return input_value::list(std::move(items));
    }
    case O::refused: return refusal();
    }
    return refusal();
}

} // namespace

namespace {
R coerce_named(const schema& s, const input_value& v, const std::string& name);
} // namespace

fraiseql::result<input_value, std::string> coerce_input(const schema& s, const input_value& v,
                                                        const type_expr& type) {
    if (type.is_non_null()) {
        if (v.is_null()) return bad("Expected non-nullable type \"" + type.to_string() + "\" not to be null.");
        // `T!`: the named type's rules, without a copy of the type (of_type() copies its
        // wrappers: a heap block per value, issue 15).
        if (type.wrappers.size() == 1) return coerce_named(s, v, type.name);
        return coerce_input(s, v, type.of_type());
    }
    if (v.is_null()) return input_value::null();
    if (!type.wrappers.empty()) { // list
        type_expr item = type.of_type();
        if (v.type() == input_value::kind::list) {
            input_value::list_t out;
            out.reserve(v.as_list().size());
            for (std::size_t i = 0; i < v.as_list().size(); ++i) {
                auto r = coerce_input(s, v.as_list()[i], item);
                if (!r) return bad("at index " + std::to_string(i) + ": " + r.error());
                out.push_back(std::move(*r));
            }
            return input_value::list(std::move(out));
        }
        auto r = coerce_input(s, v, item); // single value -> list of one (§3.11)
        if (!r) return r;
        return input_value::list({std::move(*r)});
    }
    return coerce_named(s, v, type.name);
}

namespace {

/// A non-null value to the named input type `name` (scalar, enum, input object).
R coerce_named(const schema& s, const input_value& v, const std::string& name) {
    const type_def* t = s.find_type(name);
    if (!t) return bad("Unknown type \"" + name + "\".");
    switch (t->kind) {
    case named_kind::scalar: return coerce_scalar_value(*t, v);
    case named_kind::enum_: {
        if ((v.type() == input_value::kind::enum_ || v.type() == input_value::kind::string) &&
            t->has_enum_value(v.as_string()))
            return input_value::enum_(v.as_string());
        return bad("Value " + show(v) + " does not exist in \"" + t->name + "\" enum.");
    }
    case named_kind::input_object: {
        if (v.type() != input_value::kind::object)
            return bad("Expected type \"" + t->name + "\" to be an object.");
        for (const auto& [k, x] : v.as_object())
            if (!t->find_input_field(k))
                return bad("Field \"" + k + "\" is not defined by type \"" + t->name + "\".");
        input_value::object_t out;
        // Keep the caller's order: AND/OR grouping and orderBy keys depend on it.
        for (const auto& [k, x] : v.as_object()) {
            const argument_def* f = t->find_input_field(k);
            auto r = coerce_input(s, x, f->type);
            if (!r) return bad("In field \"" + k + "\": " + r.error());
            out.emplace_back(k, std::move(*r));
        }
        for (const auto& f : t->input_fields) {
            if (v.find(f.name)) continue;
            if (f.default_value) out.emplace_back(f.name, *f.default_value);
            else if (f.type.is_non_null())
                return bad("Field \"" + t->name + "." + f.name + "\" of required type \"" +
                           f.type.to_string() + "\" was not provided.");
        }
        return input_value::object(std::move(out));
    }
    default: return bad("\"" + t->name + "\" is not an input type.");
    }
}

} // namespace

} // namespace fraiseql::graphql
