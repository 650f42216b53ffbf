// Suggestions for unknown names, as graphql-js 16.8 computes them: its messages are what
// clients and tests compare against, so the ranking must be the same, not just similar.

#include "suggest.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>

namespace fraiseql::graphql::detail {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Code points of a UTF-8 string (invalid bytes are taken one by one): graphql-js splits
// into code points before measuring.
std::vector<std::uint32_t> code_points(std::string_view s) {
    std::vector<std::uint32_t> out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        if (i + n > s.size()) n = 1;
        std::uint32_t cp = n == 1 ? static_cast<unsigned char>(lower(s[i])) : c & (0x7f >> n);
        for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
        out.push_back(cp);
        i += n;
    }
    return out;
}

// JavaScript's String.length: UTF-16 code units.
std::size_t utf16_length(std::string_view s) {
    std::size_t n = 0;
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if ((c & 0xc0) != 0x80) n += (c >> 3) == 30 ? 2 : 1;
    }
    return n;
}

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = lower(c);
    return out;
}

// Optimal string alignment distance, abandoned once it exceeds `threshold`.
std::optional<std::size_t> distance(std::string_view input, const std::string& input_lower,
                                    const std::vector<std::uint32_t>& input_cps,
                                    std::string_view option, std::size_t threshold) {
    if (input == option) return 0;
    std::string option_lower = lower_ascii(option);
    if (input_lower == option_lower) return 1;
    std::vector<std::uint32_t> a = code_points(option_lower);
    const std::vector<std::uint32_t>* bp = &input_cps;
    std::vector<std::uint32_t> b_swapped;
    if (a.size() < bp->size()) {
        b_swapped = std::move(a);
        a = input_cps;
        bp = &b_swapped;
    }
    const auto& b = *bp;
    if (a.size() - b.size() > threshold) return std::nullopt;
    std::vector<std::size_t> rows[3];
    for (auto& r : rows) r.assign(b.size() + 1, 0);
    for (std::size_t j = 0; j <= b.size(); ++j) rows[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        auto& up = rows[(i - 1) % 3];
        auto& cur = rows[i % 3];
        std::size_t smallest = cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            std::size_t cell = std::min({up[j] + 1, cur[j - 1] + 1, up[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                cell = std::min(cell, rows[(i - 2) % 3][j - 2] + 1);
            smallest = std::min(smallest, cell);
            cur[j] = cell;
        }
        if (smallest > threshold) return std::nullopt;
    }
    std::size_t d = rows[a.size() % 3][b.size()];
    if (d <= threshold) return d;
    return std::nullopt;
}

} // namespace

int natural_compare(std::string_view a, std::string_view b) noexcept {
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (is_digit(a[i]) && is_digit(b[j])) {
            // Like graphql-js: a run stops after a leading zero ("0" then "1" in "01").
            std::uint64_t x = 0, y = 0;
            do {
                x = x * 10 + static_cast<std::uint64_t>(a[i] - '0');
                ++i;
            } while (i < a.size() && is_digit(a[i]) && x > 0);
            do {
                y = y * 10 + static_cast<std::uint64_t>(b[j] - '0');
                ++j;
            } while (j < b.size() && is_digit(b[j]) && y > 0);
            if (x != y) return x < y ? -1 : 1;
        } else {
            auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[j]);
            if (x != y) return x < y ? -1 : 1;
            ++i;
            ++j;
        }
    }
    // graphql-js compares the full lengths here, not the remainders.
    if (a.size() == b.size()) return 0;
    return a.size() < b.size() ? -1 : 1;
}

std::vector<std::string_view> suggestion_list(std::string_view input,
                                              const std::vector<std::string_view>& options) {
    const std::size_t threshold = utf16_length(input) * 2 / 5 + 1; // floor(length * 0.4) + 1
    const std::string input_lower = lower_ascii(input);
    const std::vector<std::uint32_t> input_cps = code_points(input_lower);
    std::vector<std::pair<std::size_t, std::string_view>> found;
    for (auto option : options) {
        bool dup = false;
        for (const auto& f : found) dup = dup || f.second == option;
        if (dup) continue;
        if (auto d = distance(input, input_lower, input_cps, option, threshold))
            found.emplace_back(*d, option);
    }
    std::stable_sort(found.begin(), found.end(), [](const auto& x, const auto& y) {
        if (x.first != y.first) return x.first < y.first;
        return natural_compare(x.second, y.second) < 0;
    });
    std::vector<std::string_view> out;
    out.reserve(found.size());
    for (const auto& f : found) out.push_back(f.second);
    return out;
}

std::string did_you_mean(const std::vector<std::string_view>& suggestions,
                         std::string_view sub_message) {
    if (suggestions.empty()) return {};
    std::string msg = " Did you mean ";
    if (!sub_message.empty()) {
        msg += sub_message;
        msg += ' ';
    }
    auto quoted = [](std::string_view s) { return "\"" + std::string(s) + "\""; };
    if (suggestions.size() == 1) return msg + quoted(suggestions[0]) + "?";
    if (suggestions.size() == 2) return msg + quoted(suggestions[0]) + " or " + quoted(suggestions[1]) + "?";
    std::size_t n = std::min<std::size_t>(suggestions.size(), 5);
    for (std::size_t i = 0; i + 1 < n; ++i) msg += quoted(suggestions[i]) + ", ";
    return msg + "or " + quoted(suggestions[n - 1]) + "?";
}

} // namespace fraiseql::graphql::detail
