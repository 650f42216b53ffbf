// Type predicates and source scanning shared by the validation rules (spec §5).

#include "context.hpp"

#include <algorithm>

namespace fraiseql::graphql::detail {

bool vtype::same(const vtype& o) const noexcept {
    if (named != o.named || n != o.n) return false;
    for (std::size_t i = 0; i < n; ++i)
        if (wraps[i] != o.wraps[i]) return false;
    return true;
}

std::string vtype::str() const {
    std::string out = named ? named->name : std::string();
    for (std::size_t i = n; i-- > 0;) {
        if (wraps[i] == type_expr::wrap::non_null) out += '!';
        else out = "[" + out + "]";
    }
    return out;
}

vtype resolve(const schema& s, const type_expr& t) {
    const type_def* d = s.find_type(t.name);
    if (!d) return {};
    return vtype{d, t.wrappers.data(), t.wrappers.size()};
}

bool is_composite(const type_def* t) noexcept {
    return t && (t->kind == named_kind::object || t->kind == named_kind::interface ||
                 t->kind == named_kind::union_);
}
bool is_leaf(const type_def* t) noexcept {
    return t && (t->kind == named_kind::scalar || t->kind == named_kind::enum_);
}
bool is_input(const type_def* t) noexcept {
    return t && (is_leaf(t) || t->kind == named_kind::input_object);
}
bool is_abstract(const type_def* t) noexcept {
    return t && (t->kind == named_kind::interface || t->kind == named_kind::union_);
}

bool is_sub_type(const type_def* abstract, const type_def* maybe) noexcept {
    if (!abstract || !maybe) return false;
    if (abstract->kind == named_kind::union_)
        return std::find(abstract->possible_types.begin(), abstract->possible_types.end(),
                         maybe->name) != abstract->possible_types.end();
    if (abstract->kind != named_kind::interface) return false;
    if (maybe->kind != named_kind::object && maybe->kind != named_kind::interface) return false;
    return std::find(maybe->interfaces.begin(), maybe->interfaces.end(), abstract->name) !=
           maybe->interfaces.end();
}

std::vector<const type_def*> possible_types(const schema& s, const type_def* abstract) {
    std::vector<const type_def*> out;
    if (!abstract) return out;
    if (abstract->kind == named_kind::union_) {
        for (const auto& n : abstract->possible_types)
            if (const auto* t = s.find_type(n)) out.push_back(t);
    } else if (abstract->kind == named_kind::interface) {
        for (const auto& t : s.types())
            if (t->kind == named_kind::object && is_sub_type(abstract, t.get())) out.push_back(t.get());
    }
    return out;
}

bool types_overlap(const schema& s, const type_def* a, const type_def* b) {
    if (a == b) return true;
    if (is_abstract(a)) {
        if (is_abstract(b)) {
            for (const auto* t : possible_types(s, a))
                if (is_sub_type(b, t)) return true;
            return false;
        }
        return is_sub_type(a, b);
    }
    if (is_abstract(b)) return is_sub_type(b, a);
    return false;
}

// ---- source scanning ---------------------------------------------------------------

void source_scanner::index() {
    if (!lines_.empty()) return;
    lines_.push_back(0);
    for (std::size_t i = 0; i < src_.size(); ++i) {
        if (src_[i] == '\n') lines_.push_back(i + 1);
        else if (src_[i] == '\r') {
            if (i + 1 < src_.size() && src_[i + 1] == '\n') ++i;
            lines_.push_back(i + 1);
        }
    }
}

// Columns count code points (see ast.hpp): advance over UTF-8 sequences.
std::size_t source_scanner::offset(source_location loc) {
    index();
    if (loc.line == 0 || loc.line > lines_.size()) return src_.size();
    std::size_t i = lines_[loc.line - 1];
    for (std::uint32_t c = 1; c < loc.column && i < src_.size(); ++c) {
        ++i;
        while (i < src_.size() && (static_cast<unsigned char>(src_[i]) & 0xc0) == 0x80) ++i;
    }
    return i;
}

source_location source_scanner::location(std::size_t off) {
    index();
    auto it = std::upper_bound(lines_.begin(), lines_.end(), off);
    std::size_t line = static_cast<std::size_t>(it - lines_.begin());
    std::size_t col = 1;
    for (std::size_t i = lines_[line - 1]; i < off && i < src_.size(); ++i)
        if ((static_cast<unsigned char>(src_[i]) & 0xc0) != 0x80) ++col;
    return {static_cast<std::uint32_t>(line), static_cast<std::uint32_t>(col)};
}

std::size_t source_scanner::skip_ignored(std::size_t i) const {
    while (i < src_.size()) {
        char c = src_[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',') {
            ++i;
        } else if (c == '#') {
            while (i < src_.size() && src_[i] != '\n' && src_[i] != '\r') ++i;
        } else if (src_.compare(i, 3, "\xEF\xBB\xBF") == 0) {
            i += 3; // U+FEFF is ignored (§2.1.1)
        } else {
            break;
        }
    }
    return i;
}

std::size_t source_scanner::skip_name(std::size_t i) const {
    while (i < src_.size() && (src_[i] == '_' || (src_[i] >= 'a' && src_[i] <= 'z') ||
                               (src_[i] >= 'A' && src_[i] <= 'Z') || (src_[i] >= '0' && src_[i] <= '9')))
        ++i;
    return i;
}

// From an opening bracket to just past its match, skipping strings and comments.
std::size_t source_scanner::skip_balanced(std::size_t i) const {
    std::size_t depth = 0;
    while (i < src_.size()) {
        char c = src_[i];
        if (c == '(' || c == '[' || c == '{') {
            ++depth;
            ++i;
        } else if (c == ')' || c == ']' || c == '}') {
            ++i;
            if (--depth == 0) return i;
        } else if (c == '#') {
            while (i < src_.size() && src_[i] != '\n' && src_[i] != '\r') ++i;
        } else if (src_.compare(i, 3, "\"\"\"") == 0) {
            i += 3;
            while (i < src_.size() && src_.compare(i, 3, "\"\"\"") != 0)
                i += src_.compare(i, 4, "\\\"\"\"") == 0 ? 4 : 1;
            i += 3;
        } else if (c == '"') {
            ++i;
            while (i < src_.size() && src_[i] != '"') i += src_[i] == '\\' ? 2 : 1;
            ++i;
        } else {
            ++i;
        }
    }
    return i;
}

source_location source_scanner::name_after(source_location loc, std::size_t token_len) {
    std::size_t i = offset(loc);
    i = token_len ? i + token_len : skip_name(i);
    return location(skip_ignored(i));
}

source_location source_scanner::selection_set_of_field(source_location loc) {
    std::size_t i = skip_ignored(skip_name(offset(loc)));
    if (i < src_.size() && src_[i] == ':') i = skip_ignored(skip_name(skip_ignored(i + 1)));
    if (i < src_.size() && src_[i] == '(') i = skip_ignored(skip_balanced(i));
    while (i < src_.size() && src_[i] == '@') {
        i = skip_ignored(skip_name(skip_ignored(i + 1)));
        if (i < src_.size() && src_[i] == '(') i = skip_ignored(skip_balanced(i));
    }
    return location(i);
}

} // namespace fraiseql::graphql::detail
