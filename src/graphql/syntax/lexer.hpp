#pragma once
// Private: the GraphQL lexer (spec October 2021, §2.1 Source Text).
//
// Bytes in, tokens out, one token at a time (the parser needs at most one token of
// lookahead). The source is UTF-8; it is validated where non-ASCII bytes may legally
// appear (strings, block strings, comments, the BOM) and refused anywhere else.
// Allocation happens only for string values whose decoded form differs from the source
// text (escapes, block-string dedent); they are appended to the caller's string store.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "fraiseql/graphql/parser.hpp"

namespace fraiseql::graphql::syntax {

enum class token_kind : std::uint8_t {
    sof,
    eof,
    bang,
    dollar,
    amp,
    paren_l,
    paren_r,
    spread,
    colon,
    equals,
    at,
    bracket_l,
    bracket_r,
    brace_l,
    pipe,
    brace_r,
    name,
    int_value,
    float_value,
    string_value,
    block_string,
    error ///< a lexical error; the lexer's error() says which
};

struct token {
    token_kind kind = token_kind::sof;
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    std::size_t start = 0; ///< byte offsets into the source
    std::size_t end = 0;
    /// Name text, numeric lexeme, or decoded string value; empty for punctuators.
    std::string_view value;
};

/// How graphql-js names a token kind in messages: `Name`, `"{"`, `<EOF>`, ...
std::string_view token_kind_description(token_kind kind) noexcept;

/// How graphql-js describes a token in messages: `Name "foo"`, `"}"`, `<EOF>`.
std::string token_description(const token& t);

/// Applies the spec's BlockStringValue() (§2.9.4) to a raw block string whose line
/// terminators are already normalised to '\n' and whose `\"""` escapes are already
/// replaced. Exposed for tests.
std::string block_string_value(std::string_view raw);

class lexer {
public:
    lexer(std::string_view source, std::deque<std::string>& strings) noexcept
        : src_(source), strings_(strings) {}

    /// The next significant token (whitespace, commas, comments and the BOM skipped);
    /// `eof` at the end, repeatedly. On a lexical error returns a token of kind `error`
    /// and error() describes it; the lexer must not be used after that.
    token next();

    const syntax_error& error() const noexcept { return error_; }

    /// Line and column (code points, 1-based) of byte offset `pos`, which must not lie
    /// before the start of the most recently returned token.
    std::uint32_t column_at(std::size_t pos) noexcept;

    void note_multibyte(std::size_t pos) noexcept {
        if (first_multibyte_ == static_cast<std::size_t>(-1) || first_multibyte_ < line_start_) {
            first_multibyte_ = pos;
        }
    }

private:
    token make(token_kind kind, std::size_t start, std::size_t end, std::string_view value = {});
    token fail(std::size_t pos, std::string message);
    token read_number(std::size_t start);
    token read_string(std::size_t start);
    token read_block_string(std::size_t start);
    token read_name(std::size_t start);
    std::string describe_code_point_at(std::size_t pos) const;
    /// Length in bytes of the valid UTF-8 sequence at pos, 0 if invalid or at the end.
    std::size_t utf8_length_at(std::size_t pos) const noexcept;

    std::string_view src_;
    std::deque<std::string>& strings_;
    std::size_t pos_ = 0;
    std::uint32_t line_ = 1;
    std::size_t line_start_ = 0;
    // Incremental column counter: column of byte offset col_pos_ on the current line.
    std::size_t col_pos_ = 0;
    std::uint32_t col_ = 1;
    // Offset of the first non-ASCII byte seen on the current line (npos if none): before
    // it, columns are plain byte distances and need no counting.
    std::size_t first_multibyte_ = static_cast<std::size_t>(-1);
    syntax_error error_;
    std::string scratch_;
};

} // namespace fraiseql::graphql::syntax
