#pragma once
// Private scanning primitives of the transform: validating, bounds-checked, no allocation.
// Every function takes [p, end) and returns the position after what it consumed, or nullptr
// when the input is not valid JSON there (RFC 8259 grammar). Nothing here reads outside
// [p, end): a 16- or 64-byte SIMD load is only issued when that many bytes remain, and the
// last short window of special_cursor is copied into a local buffer first.

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

/// The first three bytes at p, little-endian, in the low 24 bits (the caller guarantees that 3
/// bytes are readable). Used to recognise jsonb's fixed separators `": "` and `, "` at once.
inline std::uint32_t load3(const char* p) noexcept {
    std::uint16_t lo;
    std::memcpy(&lo, p, 2);
    return lo | (std::uint32_t{static_cast<unsigned char>(p[2])} << 16);
}
inline constexpr std::uint32_t sep3(char a, char b, char c) noexcept {
    return static_cast<unsigned char>(a) | (static_cast<unsigned>(static_cast<unsigned char>(b)) << 8) |
           (static_cast<unsigned>(static_cast<unsigned char>(c)) << 16);
}

inline bool is_digit(char c) noexcept { return static_cast<unsigned char>(c - '0') < 10; }

inline bool is_hex(char c) noexcept {
    return is_digit(c) || static_cast<unsigned char>((c | 0x20) - 'a') < 6;
}

#if defined(__SSE2__)
/// Bit i set when byte i of the 16 at p ends a run of literal string characters: '"', '\\'
/// or a control character (RFC 8259 §7: the only bytes that may not appear raw in a string).
inline unsigned string_special16(const char* p) noexcept {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
        _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v));
    return static_cast<unsigned>(_mm_movemask_epi8(hit));
}

/// string_special16 over the 64 bytes at p.
inline std::uint64_t string_special64(const char* p) noexcept {
    return std::uint64_t{string_special16(p)} | (std::uint64_t{string_special16(p + 16)} << 16) |
           (std::uint64_t{string_special16(p + 32)} << 32) |
           (std::uint64_t{string_special16(p + 48)} << 48);
}

/// Bit i set when byte i of the 16 at p is NOT an ASCII digit.
inline unsigned non_digit16(const char* p) noexcept {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
    const __m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
    return ~static_cast<unsigned>(_mm_movemask_epi8(digit)) & 0xFFFFu;
}
#endif

/// Position of the first byte in [p, end) that is '"', '\\' or a control character, or end.
/// Loads are only issued over [p, end): near the end, 16-byte windows, then bytes.
inline const char* find_string_special(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
    // Most keys and many values fit in one 16-byte window; the rest (timestamps, UUIDs, short
    // texts) mostly end within the next 64 bytes, found without a data-dependent loop branch.
    if (end - p >= 16) {
        const unsigned m = string_special16(p);
        if (m != 0) return p + __builtin_ctz(m);
        p += 16;
    }
    while (end - p >= 64) {
        const std::uint64_t m = string_special64(p);
        if (m != 0) return p + __builtin_ctzll(m);
        p += 64;
    }
    while (end - p >= 16) {
        const unsigned m = string_special16(p);
        if (m != 0) return p + __builtin_ctz(m);
        p += 16;
    }
#endif
    while (p != end) {
        const auto c = static_cast<unsigned char>(*p);
        if (c == '"' || c == '\\' || c < 0x20) break;
        ++p;
    }
    return p;
}

/// Bitmask of the bytes that end a run of literal string characters ('"', '\\', controls) over
/// a 64-byte window, kept across calls: within an object, the key's closing quote, the value's
/// quotes and the next key's quotes are usually in the same window, so each is found with a
/// mask operation instead of a dependent load-compare-movemask chain per string.
/// Windows are only loaded over [p, end); the last, short one is copied into a zeroed local
/// buffer (zero is a control character, so the first padding byte reads as "special" and a
/// search never returns a position past `end`).
struct special_cursor {
    const char* base = nullptr; ///< window start (bits describe [base, base + 64))
    std::uint64_t mask = 0;

    /// First byte at or after p that is '"', '\\' or a control character; `end` if none.
    const char* next(const char* p, const char* end) noexcept {
        const auto off = reinterpret_cast<std::uintptr_t>(p) - reinterpret_cast<std::uintptr_t>(base);
        if (off < 64) {
            const std::uint64_t m = mask & (~std::uint64_t{0} << off);
            if (m != 0) return base + __builtin_ctzll(m);
            p = base + 64; // nothing special in [p, base + 64): a full window, so base+64 <= end
        }
        return load(p, end);
    }

private:
    const char* load(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
        for (;;) {
            if (end - p >= 64) {
                base = p;
                mask = string_special64(p);
                if (mask != 0) return p + __builtin_ctzll(mask);
                p += 64;
                continue;
            }
            char buf[64] = {};
            std::memcpy(buf, p, static_cast<std::size_t>(end - p));
            base = p;
            mask = string_special64(buf); // non-zero: buf[end - p] is padding
            return p + __builtin_ctzll(mask);
        }
#else
        base = nullptr;
        mask = 0;
        return find_string_special(p, end);
#endif
    }
};

/// Validates a backslash escape at p (RFC 8259 §7) and returns the position after it, or
/// nullptr.
inline const char* scan_escape(const char* p, const char* end) noexcept {
    if (end - p < 2) return nullptr;
    switch (p[1]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        return p + 2;
    case 'u':
        if (end - p < 6 || !is_hex(p[2]) || !is_hex(p[3]) || !is_hex(p[4]) || !is_hex(p[5]))
            return nullptr;
        return p + 6;
    default:
        return nullptr;
    }
}

/// scan_string through a special_cursor (same result).
inline const char* scan_string(special_cursor& c, const char* p, const char* end,
                               bool& escaped) noexcept {
    for (;;) {
        p = c.next(p, end);
        if (p == end) return nullptr;
        if (*p == '"') return p;
        if (*p != '\\') return nullptr; // raw control character
        escaped = true;
        p = scan_escape(p, end);
        if (p == nullptr) return nullptr;
    }
}

/// p points just after the opening quote. Returns a pointer to the closing quote, or nullptr
/// (unterminated string, raw control character, invalid escape). Sets `escaped` if the string
/// contains a backslash escape.
inline const char* scan_string(const char* p, const char* end, bool& escaped) noexcept {
    for (;;) {
        p = find_string_special(p, end);
        if (p == end) return nullptr;
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

/// End of the run of ASCII digits starting at p (p itself if none).
inline const char* skip_digits(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
    while (end - p >= 16) {
        const unsigned m = non_digit16(p);
        if (m != 0) return p + __builtin_ctz(m);
        p += 16;
    }
#endif
    while (p != end && is_digit(*p)) ++p;
    return p;
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
        p = skip_digits(p + 1, end);
    } else {
        return nullptr;
    }
    if (p != end && *p == '.') {
        ++p;
        if (p == end || !is_digit(*p)) return nullptr;
        p = skip_digits(p + 1, end);
    }
    if (p != end && (*p == 'e' || *p == 'E')) {
        ++p;
        if (p != end && (*p == '+' || *p == '-')) ++p;
        if (p == end || !is_digit(*p)) return nullptr;
        p = skip_digits(p + 1, end);
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
[[gnu::always_inline]] inline const char* skip_scalar(const char* p, const char* end) noexcept {
    // An if-chain in order of frequency in row documents rather than a switch: a jump table
    // turns the value type into an indirect branch, which predicts worse.
    const char c = *p;
    if (c == '"') {
        bool esc = false;
        const char* q = scan_string(p + 1, end, esc);
        return q ? q + 1 : nullptr;
    }
    if (is_digit(c) || c == '-') {
#if defined(__SSE2__)
        // Integers and plain decimals (ids, counts, prices), when 16 bytes are readable and the
        // number ends within them: one digit mask instead of the general scanner's call and
        // per-part branches. Anything else (sign, exponent, leading zero, long numbers, the
        // end of the document near) goes to scan_number, which validates it from the start.
        if (c != '0' && c != '-' && end - p >= 16) {
            const unsigned m = non_digit16(p); // bit 0 clear: c is a digit
            if (m != 0) {
                const unsigned i = static_cast<unsigned>(__builtin_ctz(m));
                const char a = p[i];
                if (a != '.' && a != 'e' && a != 'E') return p + i;
                if (a == '.') {
                    const unsigned rest = m >> (i + 1); // bits after the dot
                    if (rest != 0 && (rest & 1u) == 0) { // at least one digit after the dot
                        const unsigned j = i + 1 + static_cast<unsigned>(__builtin_ctz(rest));
                        if (p[j] != 'e' && p[j] != 'E') return p + j;
                    }
                }
            }
        }
#endif
        return scan_number(p, end);
    }
    if (c == 'n') return scan_literal(p, end, "null", 4);
    if (c == 't') return scan_literal(p, end, "true", 4);
    if (c == 'f') return scan_literal(p, end, "false", 5);
    return nullptr;
}

/// Skips a container (p at '{' or '[') written exactly as jsonb prints it: members
/// `"key": value` and items separated by `, `, no other whitespace, strings found through the
/// caller's cursor. Returns the end of the container, or nullptr whenever the text leaves that
/// form, is invalid, nests deeper than `limit` (counting from `depth`, the depth of the
/// container holding the value) or deeper than 64 levels of its own. It reports no error: on
/// nullptr the caller re-skips the same value with skip_value, which then decides (and places
/// any error) exactly as if this fast path did not exist.
inline const char* skip_container_jsonb(const char* p, const char* end, std::size_t depth,
                                        std::size_t limit, special_cursor& cur) noexcept {
    std::uint64_t is_object = 0; // bit i: open container i (0 = outermost) is an object
    unsigned level = 0;          // open containers
    for (;;) {
        // p is at the start of a value (p < end).
        const char c = *p;
        if (c == '{' || c == '[') {
            if (level == 64 || depth + level + 1 > limit) return nullptr;
            const bool obj = c == '{';
            is_object = obj ? (is_object | (std::uint64_t{1} << level))
                            : (is_object & ~(std::uint64_t{1} << level));
            ++level;
            ++p;
            if (p == end) return nullptr;
            if (*p == (obj ? '}' : ']')) {
                ++p;
                --level;
            } else if (obj) {
                goto member;
            } else {
                continue;
            }
        } else if (c == '"') {
            bool esc = false;
            const char* q = scan_string(cur, p + 1, end, esc);
            if (q == nullptr) return nullptr;
            p = q + 1;
        } else {
            const char* q = skip_scalar(p, end); // numbers and literals
            if (q == nullptr) return nullptr;
            p = q;
        }
        // After a complete value: close containers or move to the next item/member.
        for (;;) {
            if (level == 0) return p;
            if (p == end) return nullptr;
            const bool obj = (is_object >> (level - 1)) & 1u;
            if (*p == (obj ? '}' : ']')) {
                ++p;
                --level;
                continue;
            }
            if (end - p < 3 || p[0] != ',' || p[1] != ' ') return nullptr;
            p += 2;
            if (obj) goto member;
            break; // next array item at p (end - p >= 1)
        }
        continue;
    member:
        // p at a member's key: `"key": ` then the value.
        {
            if (*p != '"') return nullptr;
            bool esc = false;
            const char* ke = scan_string(cur, p + 1, end, esc);
            if (ke == nullptr || end - ke < 4 || load3(ke) != sep3('"', ':', ' ')) return nullptr;
            p = ke + 3;
        }
    }
}

} // namespace fraiseql::json::detail
