#include "fraiseql/json/writer.hpp"
#include "graphql/syntax/lexer.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace fraiseql::graphql::syntax {
namespace {

constexpr bool is_digit(int c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_name_start(int c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
constexpr bool is_name_continue(int c) noexcept { return is_name_start(c) || is_digit(c); }
constexpr int hex_value(int c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}
constexpr bool is_scalar_value(std::uint32_t cp) noexcept {
    return cp <= 0xD7FF || (cp >= 0xE000 && cp <= 0x10FFFF);
}
constexpr bool is_leading_surrogate(std::uint32_t cp) noexcept {
    return cp >= 0xD800 && cp <= 0xDBFF;
}
constexpr bool is_trailing_surrogate(std::uint32_t cp) noexcept {
    return cp >= 0xDC00 && cp <= 0xDFFF;
}


// Reads 4 hex digits at pos; -1 if any is missing or not a hex digit.
int read_hex4(std::string_view s, std::size_t pos) noexcept {
    if (pos + 4 > s.size()) return -1;
    int v = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const int h = hex_value(static_cast<unsigned char>(s[pos + i]));
        if (h < 0) return -1;
        v = (v << 4) | h;
    }
    return v;
}

constexpr std::string_view invalid_utf8 = "Invalid UTF-8 byte sequence.";

} // namespace

std::string_view token_kind_description(token_kind kind) noexcept {
    switch (kind) {
    case token_kind::sof: return "<SOF>";
    case token_kind::eof: return "<EOF>";
    case token_kind::bang: return "\"!\"";
    case token_kind::dollar: return "\"$\"";
    case token_kind::amp: return "\"&\"";
    case token_kind::paren_l: return "\"(\"";
    case token_kind::paren_r: return "\")\"";
    case token_kind::spread: return "\"...\"";
    case token_kind::colon: return "\":\"";
    case token_kind::equals: return "\"=\"";
    case token_kind::at: return "\"@\"";
    case token_kind::bracket_l: return "\"[\"";
    case token_kind::bracket_r: return "\"]\"";
    case token_kind::brace_l: return "\"{\"";
    case token_kind::pipe: return "\"|\"";
    case token_kind::brace_r: return "\"}\"";
    case token_kind::name: return "Name";
    case token_kind::int_value: return "Int";
    case token_kind::float_value: return "Float";
    case token_kind::string_value: return "String";
    case token_kind::block_string: return "BlockString";
    case token_kind::error: return "<error>";
    }
    return "<error>";
}

std::string token_description(const token& t) {
    std::string out(token_kind_description(t.kind));
    switch (t.kind) {
    case token_kind::name:
    case token_kind::int_value:
    case token_kind::float_value:
    case token_kind::string_value:
    case token_kind::block_string:
        out += " \"";
        out += t.value;
        out += '"';
        break;
    default: break;
    }
    return out;
}

// §2.9.4 BlockStringValue(rawValue): split into lines, remove the common indentation of
// all lines but the first (only lines that are not entirely WhiteSpace count towards
// it), then drop leading and trailing lines that are entirely WhiteSpace.
std::string block_string_value(std::string_view raw) {
    constexpr std::size_t none = std::string_view::npos;
    std::size_t common_indent = none;
    std::size_t first_non_blank = none; // line indices
    std::size_t last_non_blank = none;
    std::size_t line_index = 0;
    for (std::size_t begin = 0;; ++line_index) {
        std::size_t end = raw.find('\n', begin);
        if (end == none) end = raw.size();
        std::size_t indent = 0;
        while (begin + indent < end && (raw[begin + indent] == ' ' || raw[begin + indent] == '\t')) {
            ++indent;
        }
        if (begin + indent < end) {
            if (first_non_blank == none) first_non_blank = line_index;
            last_non_blank = line_index;
            if (line_index != 0 && (common_indent == none || indent < common_indent)) {
                common_indent = indent;
            }
        }
        if (end == raw.size()) break;
        begin = end + 1;
    }
    std::string out;
    if (first_non_blank == none) return out;
    out.reserve(raw.size());
    line_index = 0;
    for (std::size_t begin = 0;; ++line_index) {
        std::size_t end = raw.find('\n', begin);
        if (end == none) end = raw.size();
        if (line_index >= first_non_blank && line_index <= last_non_blank) {
            std::string_view line = raw.substr(begin, end - begin);
            if (line_index != 0 && common_indent != none) {
                line.remove_prefix(std::min(common_indent, line.size()));
            }
            if (line_index != first_non_blank) out.push_back('\n');
            out.append(line);
        }
        if (end == raw.size() || line_index >= last_non_blank) break;
        begin = end + 1;
    }
    return out;
}

std::uint32_t lexer::column_at(std::size_t pos) noexcept {
    if (first_multibyte_ < line_start_) first_multibyte_ = static_cast<std::size_t>(-1);
    if (pos <= first_multibyte_) return static_cast<std::uint32_t>(pos - line_start_ + 1);
    if (col_pos_ < line_start_ || col_pos_ > pos) {
        col_pos_ = line_start_;
        col_ = 1;
    }
    // Count code points, i.e. bytes that are not UTF-8 continuation bytes.
    for (; col_pos_ < pos && col_pos_ < src_.size(); ++col_pos_) {
        if ((static_cast<unsigned char>(src_[col_pos_]) & 0xC0) != 0x80) ++col_;
    }
    return col_;
}

token lexer::make(token_kind kind, std::size_t start, std::size_t end, std::string_view value) {
    token t;
    t.kind = kind;
    t.line = line_;
    t.column = column_at(start);
    t.start = start;
    t.end = end;
    t.value = value;
    pos_ = end;
    return t;
}

token lexer::fail(std::size_t pos, std::string message) {
    error_.message = std::move(message);
    error_.line = line_;
    error_.column = column_at(pos);
    token t;
    t.kind = token_kind::error;
    t.line = error_.line;
    t.column = error_.column;
    t.start = t.end = pos;
    pos_ = src_.size();
    return t;
}

std::size_t lexer::utf8_length_at(std::size_t pos) const noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(src_.data());
    const std::size_t n = src_.size();
    if (pos >= n) return 0;
    const unsigned c = p[pos];
    if (c < 0x80) return 1;
    auto cont = [&](std::size_t i, unsigned lo = 0x80, unsigned hi = 0xBF) {
        return pos + i < n && p[pos + i] >= lo && p[pos + i] <= hi;
    };
    // Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c == 0xE0) return cont(1, 0xA0, 0xBF) && cont(2) ? 3 : 0;
    if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
    if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
    if (c == 0xF0) return cont(1, 0x90, 0xBF) && cont(2) && cont(3) ? 4 : 0;
    if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
    if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
    return 0;
}

// graphql-js printCodePointAt(): <EOF>, printable ASCII quoted, otherwise U+XXXX.
std::string lexer::describe_code_point_at(std::size_t pos) const {
    if (pos >= src_.size()) return "<EOF>";
    const auto c = static_cast<unsigned char>(src_[pos]);
    if (c >= 0x20 && c <= 0x7E) {
        return c == '"' ? std::string("'\"'") : fmt::format("\"{}\"", static_cast<char>(c));
    }
    std::uint32_t cp = c;
    const std::size_t len = utf8_length_at(pos);
    if (len == 2) cp = c & 0x1F;
    if (len == 3) cp = c & 0x0F;
    if (len == 4) cp = c & 0x07;
    for (std::size_t i = 1; i < len; ++i) {
        cp = (cp << 6) | (static_cast<unsigned char>(src_[pos + i]) & 0x3F);
    }
    return fmt::format("U+{:04X}", cp);
}

token lexer::next() {
    const std::size_t n = src_.size();
    std::size_t pos = pos_;
    while (pos < n) {
        const auto c = static_cast<unsigned char>(src_[pos]);
        switch (c) {
        // §2.1.2–2.1.5 Ignored: WhiteSpace, LineTerminator, Comment, Comma (BOM below).
        case '\t':
        case ' ':
        case ',': ++pos; continue;
        case '\n':
            ++pos;
            ++line_;
            line_start_ = pos;
            continue;
        case '\r':
            pos += (pos + 1 < n && src_[pos + 1] == '\n') ? 2 : 1;
            ++line_;
            line_start_ = pos;
            continue;
        case '#': {
            // §2.1.4 Comment :: # CommentChar*, CommentChar :: SourceCharacter but not
            // LineTerminator.
            ++pos;
            while (pos < n) {
                const auto d = static_cast<unsigned char>(src_[pos]);
                if (d == '\n' || d == '\r') break;
                if (d < 0x80) {
                    ++pos;
                    continue;
                }
                const std::size_t len = utf8_length_at(pos);
                if (len == 0) return fail(pos, std::string(invalid_utf8));
                note_multibyte(pos);
                pos += len;
            }
            continue;
        }
        case 0xEF: // §2.1.1 UnicodeBOM (U+FEFF = EF BB BF) is ignored anywhere.
            if (pos + 2 < n && static_cast<unsigned char>(src_[pos + 1]) == 0xBB &&
                static_cast<unsigned char>(src_[pos + 2]) == 0xBF) {
                note_multibyte(pos);
                pos += 3;
                continue;
            }
            break;
        // §2.1.8 Punctuator :: one of ! $ & ( ) ... : = @ [ ] { | }
        case '!': return make(token_kind::bang, pos, pos + 1);
        case '$': return make(token_kind::dollar, pos, pos + 1);
        case '&': return make(token_kind::amp, pos, pos + 1);
        case '(': return make(token_kind::paren_l, pos, pos + 1);
        case ')': return make(token_kind::paren_r, pos, pos + 1);
        case '.':
            if (pos + 2 < n && src_[pos + 1] == '.' && src_[pos + 2] == '.') {
                return make(token_kind::spread, pos, pos + 3);
            }
            break;
        case ':': return make(token_kind::colon, pos, pos + 1);
        case '=': return make(token_kind::equals, pos, pos + 1);
        case '@': return make(token_kind::at, pos, pos + 1);
        case '[': return make(token_kind::bracket_l, pos, pos + 1);
        case ']': return make(token_kind::bracket_r, pos, pos + 1);
        case '{': return make(token_kind::brace_l, pos, pos + 1);
        case '|': return make(token_kind::pipe, pos, pos + 1);
        case '}': return make(token_kind::brace_r, pos, pos + 1);
        case '"':
            if (pos + 2 < n && src_[pos + 1] == '"' && src_[pos + 2] == '"') {
                return read_block_string(pos);
            }
            return read_string(pos);
        default: break;
        }
        if (is_digit(c) || c == '-') return read_number(pos);
        if (is_name_start(c)) return read_name(pos);
        if (c == '\'') {
            return fail(pos, "Unexpected single quote character ('), did you mean to use a "
                             "double quote (\")?");
        }
        if (c >= 0x80) note_multibyte(pos);
        if (c >= 0x80 && utf8_length_at(pos) == 0) return fail(pos, std::string(invalid_utf8));
        return fail(pos, fmt::format("Unexpected character: {}.", describe_code_point_at(pos)));
    }
    return make(token_kind::eof, n, n);
}

// §2.9.1–2.9.2 IntValue / FloatValue, including the lookahead restrictions: a number may
// not be followed by a Digit, `.` or NameStart (`0x`, `1.`, `1e`, `00`, `1a` are errors).
token lexer::read_number(std::size_t start) {
    const std::size_t n = src_.size();
    auto at = [&](std::size_t p) -> int {
        return p < n ? static_cast<unsigned char>(src_[p]) : -1;
    };
    std::size_t pos = start;
    bool is_float = false;
    auto read_digits = [&](std::size_t& p) -> bool {
        if (!is_digit(at(p))) return false;
        while (is_digit(at(p))) ++p;
        return true;
    };
    auto expected_digit = [&](std::size_t p) {
        return fail(p, fmt::format("Invalid number, expected digit but got: {}.",
                                   describe_code_point_at(p)));
    };
    if (at(pos) == '-') ++pos;
    if (at(pos) == '0') {
        ++pos;
        if (is_digit(at(pos))) {
            return fail(pos, fmt::format("Invalid number, unexpected digit after 0: {}.",
                                         describe_code_point_at(pos)));
        }
    } else if (!read_digits(pos)) {
        return expected_digit(pos);
    }
    if (at(pos) == '.') {
        is_float = true;
        ++pos;
        if (!read_digits(pos)) return expected_digit(pos);
    }
    if (at(pos) == 'e' || at(pos) == 'E') {
        is_float = true;
        ++pos;
        if (at(pos) == '+' || at(pos) == '-') ++pos;
        if (!read_digits(pos)) return expected_digit(pos);
    }
    if (at(pos) == '.' || is_name_start(at(pos))) return expected_digit(pos);
    return make(is_float ? token_kind::float_value : token_kind::int_value, start, pos,
                src_.substr(start, pos - start));
}

token lexer::read_name(std::size_t start) {
    std::size_t pos = start + 1;
    while (pos < src_.size() && is_name_continue(static_cast<unsigned char>(src_[pos]))) ++pos;
    return make(token_kind::name, start, pos, src_.substr(start, pos - start));
}

// §2.9.4 StringValue (single-quoted form) with EscapedUnicode (4 hex digits, or
// `{HexDigit+}`), JSON-style surrogate pairs, and EscapedCharacter.
token lexer::read_string(std::size_t start) {
    const std::size_t n = src_.size();
    std::size_t pos = start + 1;
    std::size_t chunk = pos;
    bool decoded = false;
    scratch_.clear();
    // The text of an invalid escape for the message: `len` characters (code points) from
    // p, clamped to the source.
    auto slice = [&](std::size_t p, std::size_t len) {
        std::size_t end = p;
        for (std::size_t k = 0; k < len && end < n; ++k) {
            ++end;
            while (end < n && (static_cast<unsigned char>(src_[end]) & 0xC0) == 0x80) ++end;
        }
        return src_.substr(p, end - p);
    };
    while (pos < n) {
        const auto c = static_cast<unsigned char>(src_[pos]);
        if (c == '"') {
            std::string_view value;
            if (decoded) {
                scratch_.append(src_.substr(chunk, pos - chunk));
                value = strings_.emplace_back(scratch_);
            } else {
                value = src_.substr(start + 1, pos - start - 1);
            }
            return make(token_kind::string_value, start, pos + 1, value);
        }
        if (c == '\\') {
            scratch_.append(src_.substr(chunk, pos - chunk));
            decoded = true;
            const int e = pos + 1 < n ? static_cast<unsigned char>(src_[pos + 1]) : -1;
            if (e == 'u' && pos + 2 < n && src_[pos + 2] == '{') {
                // Variable width: \u{X...}; at most 12 characters in all, as graphql-js.
                std::uint32_t point = 0;
                std::size_t size = 3;
                bool ok = false;
                while (size < 12) {
                    const int d = pos + size < n ? static_cast<unsigned char>(src_[pos + size]) : -1;
                    ++size;
                    if (d == '}') {
                        ok = size >= 5 && is_scalar_value(point);
                        break;
                    }
                    const int h = hex_value(d);
                    if (h < 0) break;
                    point = (point << 4) | static_cast<std::uint32_t>(h);
                    if (point > 0x7FFFFFFF) break; // graphql-js overflows to negative here
                }
                if (!ok) {
                    return fail(pos, fmt::format("Invalid Unicode escape sequence: \"{}\".",
                                                 slice(pos, size)));
                }
                json::append_utf8(scratch_, point);
                pos += size;
            } else if (e == 'u') {
                const int code = read_hex4(src_, pos + 2);
                std::size_t size = 6;
                std::uint32_t cp = 0;
                bool ok = false;
                if (code >= 0 && is_scalar_value(static_cast<std::uint32_t>(code))) {
                    cp = static_cast<std::uint32_t>(code);
                    ok = true;
                } else if (code >= 0 && is_leading_surrogate(static_cast<std::uint32_t>(code)) &&
                           pos + 7 < n && src_[pos + 6] == '\\' && src_[pos + 7] == 'u') {
                    // A surrogate pair written as two escapes encodes one supplementary
                    // code point; a lone surrogate is not a Unicode scalar value.
                    const int trail = read_hex4(src_, pos + 8);
                    if (trail >= 0 && is_trailing_surrogate(static_cast<std::uint32_t>(trail))) {
                        cp = 0x10000 + ((static_cast<std::uint32_t>(code) - 0xD800) << 10) +
                             (static_cast<std::uint32_t>(trail) - 0xDC00);
                        size = 12;
                        ok = true;
                    }
                }
                if (!ok) {
                    return fail(pos, fmt::format("Invalid Unicode escape sequence: \"{}\".",
                                                 slice(pos, 6)));
                }
                json::append_utf8(scratch_, cp);
                pos += size;
            } else {
                char out = 0;
                switch (e) {
                case '"': out = '"'; break;
                case '\\': out = '\\'; break;
                case '/': out = '/'; break;
                case 'b': out = '\b'; break;
                case 'f': out = '\f'; break;
                case 'n': out = '\n'; break;
                case 'r': out = '\r'; break;
                case 't': out = '\t'; break;
                default:
                    return fail(pos, fmt::format("Invalid character escape sequence: \"{}\".",
                                                 slice(pos, 2)));
                }
                scratch_.push_back(out);
                pos += 2;
            }
            chunk = pos;
            continue;
        }
        if (c == '\n' || c == '\r') break;
        if (c < 0x80) {
            ++pos;
            continue;
        }
        const std::size_t len = utf8_length_at(pos);
        if (len == 0) return fail(pos, std::string(invalid_utf8));
        note_multibyte(pos);
        pos += len;
    }
    return fail(pos, "Unterminated string.");
}

// §2.9.4 Block strings: `"""` ... `"""`, where `\"""` stands for `"""` and nothing else
// is an escape; the value is BlockStringValue() of the raw text.
token lexer::read_block_string(std::size_t start) {
    const std::size_t n = src_.size();
    const std::uint32_t start_line = line_;
    const std::uint32_t start_column = column_at(start);
    std::size_t pos = start + 3;
    std::size_t chunk = pos;
    scratch_.clear();
    bool multi_line = false;
    bool escaped = false;
    while (pos < n) {
        const auto c = static_cast<unsigned char>(src_[pos]);
        if (c == '"' && pos + 2 < n && src_[pos + 1] == '"' && src_[pos + 2] == '"') {
            std::string_view raw = src_.substr(start + 3, pos - start - 3);
            std::string_view value;
            const bool blank_or_indented =
                !raw.empty() && (raw.front() == ' ' || raw.front() == '\t' ||
                                 raw.back() == ' ' || raw.back() == '\t');
            if (!multi_line && !escaped && !blank_or_indented) {
                value = raw; // a one-line block string is its own value
            } else {
                scratch_.append(src_.substr(chunk, pos - chunk));
                value = strings_.emplace_back(block_string_value(scratch_));
            }
            token t;
            t.kind = token_kind::block_string;
            t.line = start_line;
            t.column = start_column;
            t.start = start;
            t.end = pos + 3;
            t.value = value;
            pos_ = pos + 3;
            return t;
        }
        if (c == '\\' && pos + 3 < n && src_[pos + 1] == '"' && src_[pos + 2] == '"' &&
            src_[pos + 3] == '"') {
            scratch_.append(src_.substr(chunk, pos - chunk));
            scratch_.append("\"\"\"");
            escaped = true;
            pos += 4;
            chunk = pos;
            continue;
        }
        if (c == '\n' || c == '\r') {
            // Normalise \r\n and \r to \n; lines are what BlockStringValue() splits on.
            scratch_.append(src_.substr(chunk, pos - chunk));
            scratch_.push_back('\n');
            pos += (c == '\r' && pos + 1 < n && src_[pos + 1] == '\n') ? 2 : 1;
            chunk = pos;
            multi_line = true;
            ++line_;
            line_start_ = pos;
            continue;
        }
        if (c < 0x80) {
            ++pos;
            continue;
        }
        const std::size_t len = utf8_length_at(pos);
        if (len == 0) return fail(pos, std::string(invalid_utf8));
        note_multibyte(pos);
        pos += len;
    }
    return fail(pos, "Unterminated string.");
}

} // namespace fraiseql::graphql::syntax
