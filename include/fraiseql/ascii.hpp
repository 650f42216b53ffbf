#pragma once
/// \file
/// ASCII text helpers for protocol tokens (HTTP header values, media types, auth schemes, JOSE
/// header values). Locale-independent on purpose: RFC 9110 §5.6.2 tokens and RFC 7235
/// auth-schemes compare case-insensitively in ASCII only, never by the C locale. Header-only,
/// in the lowest layer, so that auth, exec and http share one definition. Not part of the
/// supported API (docs/adr/0005-library-api-and-abi.md).

#include <string>
#include <string_view>

namespace fraiseql::ascii {

/// `c` in lower case if it is an ASCII capital letter, else `c`.
constexpr char to_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// `s` with its ASCII capital letters in lower case.
inline std::string to_lower(std::string s) {
    for (auto& c : s) c = to_lower(c);
    return s;
}

/// ASCII case-insensitive equality.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (to_lower(a[i]) != to_lower(b[i])) return false;
    return true;
}

/// Optional whitespace (RFC 9110 §5.6.3 OWS): space or horizontal tab.
constexpr bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

/// `s` without leading and trailing OWS.
constexpr std::string_view trim_ows(std::string_view s) noexcept {
    while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
    return s;
}

} // namespace fraiseql::ascii
