#include "fraiseql/json/writer.hpp"

#include <charconv>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace fraiseql::json {

namespace {

/// Length of the valid UTF-8 sequence starting at p (non-ASCII lead byte), or 0 if it is not
/// valid (RFC 3629 §4: no overlongs, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence(const unsigned char* p, const unsigned char* end) noexcept {
    const unsigned c = p[0];
    const std::size_t left = static_cast<std::size_t>(end - p);
    auto cont = [&](std::size_t i) { return i < left && (p[i] & 0xC0u) == 0x80u; };
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (left < 2) return 0;
        const unsigned c1 = p[1];
        if (c == 0xE0 && c1 < 0xA0) return 0; // overlong
        if (c == 0xED && c1 > 0x9F) return 0; // surrogate
        return cont(1) && cont(2) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (left < 2) return 0;
        const unsigned c1 = p[1];
        if (c == 0xF0 && c1 < 0x90) return 0; // overlong
        if (c == 0xF4 && c1 > 0x8F) return 0; // > U+10FFFF
        return cont(1) && cont(2) && cont(3) ? 4 : 0;
    }
    return 0;
}

void append_uint(std::string& out, std::uint64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void append_path_segment(std::string& out, const path_segment& s) {
    if (const auto* key = std::get_if<std::string>(&s)) {
        append_json_string(out, *key);
    } else {
        append_uint(out, std::get<std::size_t>(s));
    }
}

} // namespace

void append_json_string(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* const end = p + s.size();
    out.reserve(out.size() + s.size() + 2);
    out.push_back('"');
    while (p != end) {
        // Copy the longest run of bytes that need nothing: printable ASCII except " and \.
        const unsigned char* run = p;
#if defined(__SSE2__)
        const __m128i space = _mm_set1_epi8(0x20);
        const __m128i quote = _mm_set1_epi8('"');
        const __m128i bslash = _mm_set1_epi8('\\');
        while (end - p >= 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            // Signed compare: bytes >= 0x80 are negative, so this catches controls and
            // non-ASCII (which goes through UTF-8 validation) at once.
            const __m128i hit =
                _mm_or_si128(_mm_cmplt_epi8(v, space),
                             _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
            const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
            if (mask != 0) {
                p += __builtin_ctz(mask);
                goto special;
            }
            p += 16;
        }
#endif
        while (p != end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') ++p;
#if defined(__SSE2__)
    special:
#endif
        out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
        if (p == end) break;
        const unsigned char c = *p;
        if (c >= 0x80) {
            const std::size_t n = utf8_sequence(p, end);
            if (n == 0) {
                out.append("\xEF\xBF\xBD"); // U+FFFD REPLACEMENT CHARACTER
                ++p;
            } else {
                out.append(reinterpret_cast<const char*>(p), n);
                p += n;
            }
            continue;
        }
        switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\b': out.append("\\b"); break;
        case '\f': out.append("\\f"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        default: {
            const char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
            out.append(esc, 6);
        }
        }
        ++p;
    }
    out.push_back('"');
}

void append_json_key(std::string& out, std::string_view key) {
    append_json_string(out, key);
    out.push_back(':');
}

void append_field_error(std::string& out, const field_error& e,
                        std::span<const path_segment> prefix) {
    out.append("{\"message\":");
    append_json_string(out, e.message);
    if (e.line != 0) {
        out.append(",\"locations\":[{\"line\":");
        append_uint(out, e.line);
        out.append(",\"column\":");
        append_uint(out, e.column);
        out.append("}]");
    }
    out.append(",\"path\":[");
    bool first = true;
    for (const auto& seg : prefix) {
        if (!first) out.push_back(',');
        first = false;
        append_path_segment(out, seg);
    }
    for (const auto& seg : e.path) {
        if (!first) out.push_back(',');
        first = false;
        append_path_segment(out, seg);
    }
    out.append("]}");
}

void end_data(std::string& out, std::span<const field_error> errors) {
    out.push_back('}');
    if (!errors.empty()) {
        out.append(",\"errors\":[");
        for (std::size_t i = 0; i < errors.size(); ++i) {
            if (i != 0) out.push_back(',');
            append_field_error(out, errors[i]);
        }
        out.push_back(']');
    }
    out.push_back('}');
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

} // namespace fraiseql::json
