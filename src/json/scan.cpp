#include "json/scan.hpp"

#include <cassert>

namespace fraiseql::json::detail {

// Iterative so that hostile nesting cannot overflow the stack: the only state per open
// container is one bit (object or array), kept in a fixed bit stack sized for the limit.
const char* skip_value(const char* p, const char* end, std::size_t depth, std::size_t limit,
                       scan_error& err, const char*& err_at) noexcept {
    constexpr std::size_t stack_bits = 256;
    assert(limit <= stack_bits);
    if (*p != '{' && *p != '[') {
        const char* q = skip_scalar(p, end);
        if (q == nullptr) {
            err = scan_error::malformed;
            err_at = p;
        }
        return q;
    }
    std::uint64_t is_object[stack_bits / 64] = {};
    std::size_t level = 0; // containers opened by this call and not yet closed
    auto bad = [&](const char* at, scan_error e = scan_error::malformed) -> const char* {
        err = e;
        err_at = at;
        return nullptr;
    };
    // Reads `"key" :` and the whitespace after it; returns the value start or nullptr.
    auto member_key = [&](const char* q) -> const char* {
        if (*q != '"') return nullptr;
        bool esc = false;
        q = scan_string(q + 1, end, esc);
        if (q == nullptr) return nullptr;
        q = skip_ws(q + 1, end);
        if (q == end || *q != ':') return nullptr;
        q = skip_ws(q + 1, end);
        return q == end ? nullptr : q;
    };
    for (;;) {
        // p is at the start of a value.
        bool value_done = false;
        if (*p == '{' || *p == '[') {
            if (depth + level + 1 > limit) return bad(p, scan_error::too_deep);
            const bool obj = *p == '{';
            if (obj) {
                is_object[level / 64] |= std::uint64_t{1} << (level % 64);
            } else {
                is_object[level / 64] &= ~(std::uint64_t{1} << (level % 64));
            }
            ++level;
            const char* q = skip_ws(p + 1, end);
            if (q == end) return bad(q);
            if (*q == (obj ? '}' : ']')) {
                p = q + 1;
                --level;
                value_done = true;
            } else if (obj) {
                const char* v = member_key(q);
                if (v == nullptr) return bad(q);
                p = v;
            } else {
                p = q;
            }
        } else {
            const char* q = skip_scalar(p, end);
            if (q == nullptr) return bad(p);
            p = q;
            value_done = true;
        }
        // After a complete value: close containers or move to the next member.
        while (value_done) {
            if (level == 0) return p;
            p = skip_ws(p, end);
            if (p == end) return bad(p);
            const bool obj = (is_object[(level - 1) / 64] >> ((level - 1) % 64)) & 1u;
            if (*p == ',') {
                const char* q = skip_ws(p + 1, end);
                if (q == end) return bad(q);
                if (obj) {
                    const char* v = member_key(q);
                    if (v == nullptr) return bad(q);
                    p = v;
                } else {
                    p = q;
                }
                value_done = false;
            } else if (*p == (obj ? '}' : ']')) {
                ++p;
                --level;
            } else {
                return bad(p);
            }
        }
    }
}

} // namespace fraiseql::json::detail
