// The plan cache's key (product.md §5): a request text reduced to its significant
// tokens by the GraphQL lexer (spec §2.1 Source Text), without building a tree.

#include <algorithm>
#include <deque>

#include "fraiseql/graphql/planner.hpp"
#include "graphql/syntax/lexer.hpp"

namespace fraiseql::graphql {
namespace {

// §2.1.8 Punctuators of one character lex as themselves whatever touches them, and end
// any Name, number or string before them; every other pair of neighbouring tokens needs
// a separator, or it could lex differently (`a b` vs `ab`, `1 2` vs `12`, `"" "a"` vs
// `"""a"`, `1 ...` vs `1...`).
bool self_delimiting(syntax::token_kind k) noexcept {
    using syntax::token_kind;
    switch (k) {
    case token_kind::bang:
    case token_kind::dollar:
    case token_kind::amp:
    case token_kind::paren_l:
    case token_kind::paren_r:
    case token_kind::colon:
    case token_kind::equals:
    case token_kind::at:
    case token_kind::bracket_l:
    case token_kind::bracket_r:
    case token_kind::brace_l:
    case token_kind::pipe:
    case token_kind::brace_r:
        return true;
    default:
        return false;
    }
}

} // namespace

std::optional<normalized_text> normalize_operation_text(std::string_view source,
                                                        const parse_limits& limits) {
    if (limits.max_bytes && source.size() > limits.max_bytes)
        return std::nullopt;
    std::deque<std::string> decoded; // the lexer's store for decoded strings; unused here
    syntax::lexer lex(source, decoded);
    normalized_text out;
    out.text.reserve(source.size());
    bool need_space = false;
    std::size_t count = 0;
    for (;;) {
        const syntax::token t = lex.next();
        if (t.kind == syntax::token_kind::error)
            return std::nullopt;
        if (t.kind == syntax::token_kind::eof)
            break;
        if (limits.max_tokens && ++count > limits.max_tokens)
            return std::nullopt;
        const bool delimiting = self_delimiting(t.kind);
        if (need_space && !delimiting)
            out.text += ' ';
        // Verbatim: strings keep their escapes and block strings their inner layout, so
        // two spellings of one value get two entries (never one entry for two values).
        out.text.append(source.substr(t.start, t.end - t.start));
        out.token_locations.push_back({t.line, t.column});
        need_space = !delimiting;
        if (decoded.size() > 16)
            decoded.clear(); // views into it are not kept
    }
    return out;
}

source_location location_map::operator()(source_location loc) const noexcept {
    if (!loc.line || from.size() != to.size())
        return loc;
    auto less = [](source_location a, source_location b) {
        return a.line != b.line ? a.line < b.line : a.column < b.column;
    };
    auto it = std::lower_bound(from.begin(), from.end(), loc, less);
    if (it == from.end() || !(*it == loc))
        return loc;
    return to[static_cast<std::size_t>(it - from.begin())];
}

} // namespace fraiseql::graphql
