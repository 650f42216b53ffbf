#pragma once
// Private scanning primitives of the transform: validating, bounds-checked, no allocation.
// Every function takes [p, end) and returns the position after what it consumed, or nullptr
// when the input is not valid JSON there (RFC 8259 grammar). Nothing here reads outside
// [p, end): SIMD loads are only issued when 16 bytes remain.

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace fraiseql::json::detail {

inline bool is_ws(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

inline const char* skip_ws(const char* p, const char* end) noexcept {
    // Every structural character and value start is above 0x20, every whitespace at or below:
    // one compare decides the common case (jsonb text: none or exactly one space).
    while (p != end && static_cast<unsigned char>(*p) <= 0x20 && is_ws(*p)) ++p;
    return p;
}

inline bool is_digit(char c) noexcept { return static_cast<unsigned char>(c - '0') < 10; }

inline bool is_hex(char c) noexcept {
    return is_digit(c) || static_cast<unsigned char>((c | 0x20) - 'a') < 6;
}

/// p points just after the opening quote. Returns a pointer to the closing quote, or nullptr
/// (unterminated string, raw control character, invalid escape). Sets `escaped` if the string
/// contains a backslash escape.
inline const char* scan_string(const char* p, const char* end, bool& escaped) noexcept {
    for (;;) {
#if defined(__SSE2__)
        // Look for '"', '\\' or a byte <= 0x1F, 16 bytes at a time (RFC 8259 §7: those are the
        // only bytes that end the run of literal characters).
        const __m128i quote = _mm_set1_epi8('"');
        const __m128i bslash = _mm_set1_epi8('\\');
        const __m128i ctrl = _mm_set1_epi8(0x1F);
        while (end - p >= 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            const __m128i hit =
                _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                             _mm_cmpeq_epi8(_mm_min_epu8(v, ctrl), v));
            const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
            if (mask != 0) {
                p += __builtin_ctz(mask);
                goto found;
            }
            p += 16;
        }
#endif
        for (;;) {
            if (p == end) return nullptr;
            const auto c = static_cast<unsigned char>(*p);
            if (c == '"' || c == '\\' || c < 0x20) break;
            ++p;
        }
#if defined(__SSE2__)
    found:
#endif
        if (*p == '"') return p;
        if (*p != '\\') return nullptr; // raw control character
        escaped = true;
        if (end - p < 2) return nullptr;
        switch (p[1]) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            p += 2;
            break;
        case 'u':
            if (end - p < 6 || !is_hex(p[2]) || !is_hex(p[3]) || !is_hex(p[4]) || !is_hex(p[5]))
                return nullptr;
            p += 6;
            break;
        default:
            return nullptr;
        }
    }
}

/// p points at '-' or a digit. RFC 8259 §6: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
inline const char* scan_number(const char* p, const char* end) noexcept {
    if (*p == '-') {
        ++p;
        if (p == end) return nullptr;
    }
    if (*p == '0') {
        ++p;
    } else if (is_digit(*p)) {
        ++p;
        while (p != end && is_digit(*p)) ++p;
    } else {
        return nullptr;
    }
    if (p != end && *p == '.') {
        ++p;
        if (p == end || !is_digit(*p)) return nullptr;
        ++p;
        while (p != end && is_digit(*p)) ++p;
    }
    if (p != end && (*p == 'e' || *p == 'E')) {
        ++p;
        if (p != end && (*p == '+' || *p == '-')) ++p;
        if (p == end || !is_digit(*p)) return nullptr;
        ++p;
        while (p != end && is_digit(*p)) ++p;
    }
    return p;
}

inline const char* scan_literal(const char* p, const char* end, const char* lit,
                                std::size_t n) noexcept {
    if (static_cast<std::size_t>(end - p) < n || std::memcmp(p, lit, n) != 0) return nullptr;
    return p + n;
}

/// Why a skip failed.
enum class scan_error : std::uint8_t { none, malformed, too_deep };

/// Skips one JSON value starting at p (no leading whitespace), validating it. `depth` is the
/// nesting depth of the container holding the value (0 at top level); containers deeper than
/// `limit` fail with too_deep. Iterative: no recursion, whatever the input.
/// On failure sets `err` and `err_at` (where the problem was found).
const char* skip_value(const char* p, const char* end, std::size_t depth, std::size_t limit,
                       scan_error& err, const char*& err_at) noexcept;

/// Skips a scalar (string, number, literal) at p, or returns nullptr. Containers are not
/// handled here (returns nullptr for '{' and '[').
inline const char* skip_scalar(const char* p, const char* end) noexcept {
    switch (*p) {
    case '"': {
        bool esc = false;
        const char* q = scan_string(p + 1, end, esc);
        return q ? q + 1 : nullptr;
    }
    case 't': return scan_literal(p, end, "true", 4);
    case 'f': return scan_literal(p, end, "false", 5);
    case 'n': return scan_literal(p, end, "null", 4);
    default:
        if (*p == '-' || is_digit(*p)) return scan_number(p, end);
        return nullptr;
    }
}

} // namespace fraiseql::json::detail
