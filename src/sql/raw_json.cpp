// Raw-slice JSON readers (RFC 8259 grammar), see raw_json.hpp.

#include "raw_json.hpp"

namespace fraiseql::sql::raw_json {
namespace {

constexpr std::size_t max_depth = 128;
constexpr std::size_t npos = std::string_view::npos;

bool is_ws(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::size_t skip_ws(std::string_view s, std::size_t i) noexcept {
    while (i < s.size() && is_ws(s[i])) ++i;
    return i;
}

bool is_hex(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/// End of the string token starting at s[i] == '"', or npos.
std::size_t scan_string(std::string_view s, std::size_t i) noexcept {
    ++i;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '"') return i + 1;
        if (c < 0x20) return npos;
        if (c == '\\') {
            if (i + 1 >= s.size()) return npos;
            const char e = s[i + 1];
            if (e == 'u') {
                if (i + 5 >= s.size()) return npos;
                for (std::size_t k = 2; k < 6; ++k)
                    if (!is_hex(s[i + k])) return npos;
                i += 6;
                continue;
            }
            if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' &&
                e != 't')
                return npos;
            i += 2;
            continue;
        }
        ++i;
    }
    return npos;
}

std::size_t scan_number(std::string_view s, std::size_t i) noexcept {
    const std::size_t start = i;
    auto digit = [&](std::size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
    if (i < s.size() && s[i] == '-') ++i;
    if (!digit(i)) return npos;
    if (s[i] == '0') ++i;
    else
        while (digit(i)) ++i;
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (!digit(i)) return npos;
        while (digit(i)) ++i;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (!digit(i)) return npos;
        while (digit(i)) ++i;
    }
    return i > start ? i : npos;
}

/// End of the value starting at s[i] (no leading whitespace), or npos.
std::size_t scan_value(std::string_view s, std::size_t i, std::size_t depth) noexcept {
    if (i >= s.size() || depth > max_depth) return npos;
    const char c = s[i];
    if (c == '"') return scan_string(s, i);
    if (c == '{' || c == '[') {
        const char close = c == '{' ? '}' : ']';
        i = skip_ws(s, i + 1);
        if (i < s.size() && s[i] == close) return i + 1;
        while (true) {
            if (c == '{') {
                if (i >= s.size() || s[i] != '"') return npos;
                i = scan_string(s, i);
                if (i == npos) return npos;
                i = skip_ws(s, i);
                if (i >= s.size() || s[i] != ':') return npos;
                i = skip_ws(s, i + 1);
            }
            i = scan_value(s, i, depth + 1);
            if (i == npos) return npos;
            i = skip_ws(s, i);
            if (i >= s.size()) return npos;
            if (s[i] == close) return i + 1;
            if (s[i] != ',') return npos;
            i = skip_ws(s, i + 1);
        }
    }
    for (std::string_view lit : {std::string_view("true"), std::string_view("false"),
                                 std::string_view("null")})
        if (s.substr(i, lit.size()) == lit) return i + lit.size();
    return scan_number(s, i);
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::uint32_t hex4(std::string_view s) noexcept {
    std::uint32_t v = 0;
    for (char c : s) {
        v <<= 4;
        if (c >= '0' && c <= '9') v |= static_cast<std::uint32_t>(c - '0');
        else if (c >= 'a' && c <= 'f') v |= static_cast<std::uint32_t>(c - 'a' + 10);
        else v |= static_cast<std::uint32_t>(c - 'A' + 10);
    }
    return v;
}

} // namespace

std::optional<std::vector<member>> split_object(std::string_view doc) {
    std::size_t i = skip_ws(doc, 0);
    if (i >= doc.size() || doc[i] != '{') return std::nullopt;
    const std::size_t end = scan_value(doc, i, 0);
    if (end == npos || skip_ws(doc, end) != doc.size()) return std::nullopt;
    std::vector<member> out;
    i = skip_ws(doc, i + 1);
    while (i < end - 1) {
        const std::size_t kend = scan_string(doc, i);
        member m;
        m.key = doc.substr(i + 1, kend - i - 2);
        i = skip_ws(doc, skip_ws(doc, kend) + 1); // past ':'
        const std::size_t vend = scan_value(doc, i, 1);
        m.value = doc.substr(i, vend - i);
        out.push_back(m);
        i = skip_ws(doc, vend);
        if (doc[i] == ',') i = skip_ws(doc, i + 1);
        else break;
    }
    return out;
}

std::optional<std::vector<std::string_view>> split_array(std::string_view doc) {
    std::size_t i = skip_ws(doc, 0);
    if (i >= doc.size() || doc[i] != '[') return std::nullopt;
    const std::size_t end = scan_value(doc, i, 0);
    if (end == npos || skip_ws(doc, end) != doc.size()) return std::nullopt;
    std::vector<std::string_view> out;
    i = skip_ws(doc, i + 1);
    while (i < end - 1) {
        const std::size_t vend = scan_value(doc, i, 1);
        out.push_back(doc.substr(i, vend - i));
        i = skip_ws(doc, vend);
        if (doc[i] == ',') i = skip_ws(doc, i + 1);
        else break;
    }
    return out;
}

std::optional<std::string> decode_string(std::string_view raw) {
    if (raw.size() < 2 || raw.front() != '"' || scan_string(raw, 0) != raw.size())
        return std::nullopt;
    std::string out;
    out.reserve(raw.size() - 2);
    for (std::size_t i = 1; i + 1 < raw.size(); ++i) {
        const char c = raw[i];
        if (c != '\\') {
            out += c;
            continue;
        }
        const char e = raw[++i];
        switch (e) {
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
            std::uint32_t cp = hex4(raw.substr(i + 1, 4));
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                // A high surrogate must be followed by \u and a low surrogate (RFC 8259 §7).
                if (i + 6 < raw.size() && raw[i + 1] == '\\' && raw[i + 2] == 'u') {
                    const std::uint32_t lo = hex4(raw.substr(i + 3, 4));
                    if (lo >= 0xDC00 && lo <= 0xDFFF) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        i += 6;
                    } else {
                        return std::nullopt;
                    }
                } else {
                    return std::nullopt;
                }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return std::nullopt;
            }
            append_utf8(out, cp);
            break;
        }
        default: out += e; break; // " \ /
        }
    }
    return out;
}

bool is_number(std::string_view raw) noexcept {
    return !raw.empty() && scan_number(raw, 0) == raw.size();
}

std::optional<std::string_view> find(const std::vector<member>& members, std::string_view key) {
    for (const auto& m : members)
        if (m.key == key) return m.value;
    return std::nullopt;
}

} // namespace fraiseql::sql::raw_json
