// The where/order compiler. Semantics: product.md §3.2 (decided where the original was
// ambiguous) and §3.3 (hybrid tables); the SQL of every operator is listed in
// docs/filtering.md, the null rules in docs/adr/0003-null-semantics.md. Every value is a
// parameter; keys and identifiers come from the schema only.

#include "where_builder.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>

#include "fraiseql/json/writer.hpp"
#include "fraiseql/sql/compiler.hpp"

namespace fraiseql::sql {

using graphql::input_value;
using K = input_value::kind;

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i) out += sep;
        out += parts[i];
    }
    return out;
}

namespace {

/// Shortest text that reads back as the same double (so 0.1 is "0.1", not the 17-digit
/// expansion, which as a numeric would not equal a stored 0.1).
std::string shortest(double d) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    return std::string(buf, r.ptr);
}

/// The text of a scalar value as PostgreSQL's input functions read it.
std::string value_text(const input_value& v);

/// JSON text of a value (floats in shortest form; Decimal/BigInt arrive as strings and stay
/// strings here: numeric JSON is built on the SQL side with to_jsonb(...::numeric)).
void append_json(std::string& out, const input_value& v) {
    switch (v.type()) {
    case K::null: out += "null"; break;
    case K::boolean: out += v.as_bool() ? "true" : "false"; break;
    case K::integer: out += std::to_string(v.as_int()); break;
    case K::floating: out += shortest(v.as_double()); break;
    case K::string:
    case K::enum_: json::append_json_string(out, v.as_string()); break;
    case K::list: {
        out += '[';
        bool first = true;
        for (const auto& x : v.as_list()) {
            if (!first) out += ',';
            first = false;
            append_json(out, x);
        }
        out += ']';
        break;
    }
    case K::object: {
        out += '{';
        bool first = true;
        for (const auto& [k, x] : v.as_object()) {
            if (!first) out += ',';
            first = false;
            json::append_json_key(out, k);
            append_json(out, x);
        }
        out += '}';
        break;
    }
    }
}

std::string json_of(const input_value& v) {
    std::string out;
    append_json(out, v);
    return out;
}

std::string value_text(const input_value& v) {
    switch (v.type()) {
    case K::string:
    case K::enum_: return v.as_string();
    case K::boolean: return v.as_bool() ? "true" : "false";
    case K::integer: return std::to_string(v.as_int());
    case K::floating: return shortest(v.as_double());
    default: return json_of(v);
    }
}

/// LIKE pattern escaping: backslash is PostgreSQL's default LIKE escape character
/// (§9.7.1), so `%`, `_` and `\` in the value are matched literally.
std::string like_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '\\' || c == '%' || c == '_') out += '\\';
        out += c;
    }
    return out;
}

/// One element of a PostgreSQL array literal of text elements (§8.15.2): {"a","b\"c",NULL}.
/// Every element is double-quoted, so commas, braces, spaces and the word NULL inside values
/// are data.
void append_array_element(std::string& out, std::string_view text) {
    out += '"';
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    out += '"';
}

/// The array literal of a list value, written in one pass into one string: an `in` list
/// may hold tens of thousands of values (one condition, product.md §9), and this runs on
/// an I/O thread, so no per-element vector.
std::string array_of(const input_value& list, bool as_json) {
    std::string out = "{";
    const auto& items = list.as_list();
    out.reserve(2 + items.size() * 8);
    bool first = true;
    for (const auto& x : items) {
        if (!first) out += ',';
        first = false;
        if (x.is_null()) {
            out += "NULL";
        } else if (!as_json && x.type() == K::integer) {
            char buf[24];
            auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x.as_int());
            out += '"';
            out.append(buf, end);
            out += '"';
        } else if (!as_json && (x.type() == K::string || x.type() == K::enum_)) {
            append_array_element(out, x.as_string());
        } else {
            append_array_element(out, as_json ? json_of(x) : value_text(x));
        }
    }
    out += '}';
    return out;
}

/// Valid UTF-8 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF) without NUL.
/// PostgreSQL refuses both in text (22021, 22P05): we refuse them first, cleanly.
enum class text_problem { none, nul, utf8 };
text_problem check_utf8(std::string_view s) {
    std::size_t i = 0;
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    // Eight bytes at a time while they are ASCII without NUL (a UUID, an email: issue 15).
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        if ((w & highs) != 0 || ((w - ones) & ~w & highs) != 0) break;
    }
    while (i < s.size()) {
        unsigned char c = p[i];
        if (c == 0) return text_problem::nul;
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t n = 0;
        std::uint32_t cp = 0;
        if (c >= 0xC2 && c <= 0xDF) n = 1, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF) n = 2, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4) n = 3, cp = c & 0x07;
        else return text_problem::utf8;
        for (std::size_t k = 1; k <= n; ++k) {
            if (i + k >= s.size() || (p[i + k] & 0xC0) != 0x80) return text_problem::utf8;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return text_problem::utf8;
        i += n + 1;
    }
    return text_problem::none;
}

const char* direction_sql(bool desc) { return desc ? " DESC" : " ASC"; }

} // namespace

std::string scalar_param_text(const input_value& v) { return value_text(v); }
std::string json_param_text(const input_value& v) { return json_of(v); }
bool storable_string(std::string_view s) { return check_utf8(s) == text_problem::none; }
bool storable_text(const input_value& v) {
    switch (v.type()) {
    case K::string:
    case K::enum_: return storable_string(v.as_string());
    case K::list:
        for (const auto& x : v.as_list())
            if (!storable_text(x)) return false;
        return true;
    case K::object:
        for (const auto& [k, x] : v.as_object())
            if (check_utf8(k) != text_problem::none || !storable_text(x)) return false;
        return true;
    default: return true;
    }
}

std::string param_text(param_source::use as, const input_value& v) {
    using U = param_source::use;
    switch (as) {
    case U::json: return json_of(v);
    case U::array: return array_of(v, false);
    case U::array_json: return array_of(v, true);
    case U::like_contains: return "%" + like_escape(v.as_string()) + "%";
    case U::like_prefix: return like_escape(v.as_string()) + "%";
    case U::like_suffix: return "%" + like_escape(v.as_string());
    default: return value_text(v);
    }
}

std::string where_builder::order_term::sql() const {
    std::string out = expr + direction_sql(desc);
    if (nulls_at == nulls::first) out += " NULLS FIRST";
    else if (nulls_at == nulls::last) out += " NULLS LAST";
    return out;
}

std::string where_builder::param(std::string text, std::string_view cast) {
    params_.emplace_back(std::move(text));
    std::string p = "$" + std::to_string(params_.size());
    if (!cast.empty()) p += "::" + std::string(cast);
    return p;
}

std::string where_builder::operand_param(const input_value& v, param_source::use as,
                                        std::string_view cast) {
    if (sources_) sources_->push_back({{}, as, params_.size(), 1, &v});
    return param(param_text(as, v), cast);
}

std::string where_builder::null_param(std::string_view cast) {
    params_.emplace_back(std::nullopt);
    std::string p = "$" + std::to_string(params_.size());
    if (!cast.empty()) p += "::" + std::string(cast);
    return p;
}

void where_builder::fail(std::string message) {
    errors_.push_back(graphql::error::at(std::move(message), loc_, graphql::code::bad_user_input));
}

bool where_builder::check_text(const input_value& v, const std::string& where) {
    auto bad = [&](text_problem p) {
        if (p == text_problem::nul)
            fail("The value at \"" + where +
                 "\" contains the NUL character (U+0000), which PostgreSQL text cannot store.");
        else
            fail("The value at \"" + where + "\" is not valid UTF-8.");
        return false;
    };
    switch (v.type()) {
    case K::string:
    case K::enum_:
        if (auto p = check_utf8(v.as_string()); p != text_problem::none) return bad(p);
        return true;
    case K::list: {
        std::size_t i = 0;
        for (const auto& x : v.as_list())
            if (!check_text(x, where + "[" + std::to_string(i++) + "]")) return false;
        return true;
    }
    case K::object:
        for (const auto& [k, x] : v.as_object()) {
            if (auto p = check_utf8(k); p != text_problem::none) return bad(p);
            if (!check_text(x, where + "." + k)) return false;
        }
        return true;
    default: return true;
    }
}

std::string where_builder::cast_of(const std::string& n) const {
    if (auto builtin = graphql::builtin_sql_type(n)) return std::string(*builtin);
    // A scalar declared in the SDL: any JSON value, compared as JSON.
    const graphql::type_def* t = s_.find_type(n);
    if (t && t->kind == graphql::named_kind::scalar && !graphql::schema::is_builtin_scalar(n))
        return "jsonb";
    return ""; // enums: their names, as text
}

where_builder::location where_builder::locate(const graphql::field_def& f,
                                              const std::vector<std::string>& prefix) const {
    location loc;
    // §3.3 rule 1: the field's key is a real column (top level).
    if (prefix.empty() && view_.has_column(f.key)) {
        loc.column = true;
        loc.column_name = f.key;
        return loc;
    }
    // §3.3 rule 2: {x: {id: ...}} with an x_id column; other keys of x stay in the document.
    if (prefix.size() == 1 && f.key == "id" && view_.has_column(prefix[0] + "_id")) {
        loc.column = true;
        loc.column_name = prefix[0] + "_id";
        return loc;
    }
    // A plain relation (jsonbColumn: null) has no document: a nested path starts at the
    // real column holding the embedded object (json, jsonb or a composite: to_jsonb reads
    // all three).
    if (!view_.jsonb_column && !prefix.empty() && view_.has_column(prefix[0])) {
        loc.root_column = prefix[0];
        loc.path.assign(prefix.begin() + 1, prefix.end());
        loc.path.push_back(f.key);
        return loc;
    }
    // §3.3 rule 3: the JSONB path.
    loc.path = prefix;
    loc.path.push_back(f.key);
    return loc;
}

std::string where_builder::column_ref(const location& loc) const {
    return loc.expr.empty() ? "t." + quote_ident(loc.column_name) : loc.expr;
}

std::string where_builder::base_expr(const location& loc) const {
    if (!loc.root_column.empty()) return "to_jsonb(t." + quote_ident(loc.root_column) + ")";
    if (view_.jsonb_column) return "t." + quote_ident(*view_.jsonb_column);
    return "to_jsonb(t)";
}

std::string where_builder::jsonb_expr(const location& loc) const {
    if (loc.column) return "to_jsonb(" + column_ref(loc) + ")";
    std::string e = base_expr(loc);
    for (const auto& k : loc.path) e += "->" + quote_literal(k);
    return e;
}

std::string where_builder::jsonb_value(const location& loc) const {
    // A JSON null is null (§3.2): without NULLIF, `'null'::jsonb <> '[1]'` would be true and
    // neq / NOT-free operators would match it.
    if (loc.column) return jsonb_expr(loc);
    return "NULLIF(" + jsonb_expr(loc) + ", 'null'::jsonb)";
}

std::string where_builder::text_expr(const location& loc) const {
    if (loc.column) return column_ref(loc);
    std::string e = base_expr(loc);
    for (std::size_t i = 0; i < loc.path.size(); ++i)
        e += (i + 1 == loc.path.size() ? "->>" : "->") + quote_literal(loc.path[i]);
    return e;
}

std::string where_builder::typed_expr(const location& loc, const std::string& scalar) const {
    std::string cast = cast_of(scalar);
    if (cast == "jsonb") return jsonb_value(loc);
    if (loc.column) return column_ref(loc);
    if (cast.empty()) return text_expr(loc);
    return "(" + text_expr(loc) + ")::" + cast;
}

std::string where_builder::typed_param(const location& loc, const input_value& v,
                                       const std::string& scalar) {
    using U = param_source::use;
    std::string cast = cast_of(scalar);
    if (cast == "jsonb") return operand_param(v, U::json, "jsonb");
    if (loc.column) return operand_param(v, U::scalar, "");
    return operand_param(v, U::scalar, cast);
}

std::string where_builder::containment_eq(const location& loc, const input_value& v,
                                          const std::string& scalar) {
    // `doc @> {"a": {"b": v}}` is what a GIN index on the document serves (measured in
    // docs/schema-design.md). It equals `doc->'a'->>'b' = v` exactly when the stored value
    // has the declared JSON type: a string for String and enums, a number for numbers
    // (compared by value: 1.50 = 1.5), true/false for Boolean. UUID, ID (numbers or
    // strings), dates and times have several spellings of one value: typed comparison.
    if (loc.column || !loc.root_column.empty() || !view_.jsonb_column || loc.path.empty())
        return {};
    std::string cast = cast_of(scalar);
    const graphql::type_def* t = s_.find_type(scalar);
    if (scalar == "String" || (t && t->kind == graphql::named_kind::enum_)) cast = "text";
    else if (cast != "boolean" && cast != "numeric") return {};
    std::string obj = operand_param(v, param_source::use::scalar, cast);
    for (std::size_t i = loc.path.size(); i-- > 0;)
        obj = "jsonb_build_object(" + quote_literal(loc.path[i]) + ", " + obj + ")";
    return "t." + quote_ident(*view_.jsonb_column) + " @> " + obj;
}

std::string where_builder::equality(const graphql::field_def& f, const input_value& v) {
    if (v.is_null()) {
        fail("Argument \"" + f.name + "\" was given null; it is an equality filter on \"" + f.name +
             "\" and matches no null: omit it, or use the list field with {isnull: true}.");
        return "FALSE";
    }
    if (!check_text(v, f.name)) return "FALSE";
    location loc = locate(f, {});
    if (f.type.is_list())
        return render(*graphql::find_filter_operator(graphql::filter_family::list, "eq"), f, v, loc);
    if (std::string c = containment_eq(loc, v, f.type.name); !c.empty()) return c;
    return typed_expr(loc, f.type.name) + " = " + typed_param(loc, v, f.type.name);
}

std::string where_builder::where(const graphql::type_def& type, const input_value& w) {
    if (!check_text(w, "where")) return "FALSE";
    return where_object(type, w, {}, 0);
}

std::string where_builder::where_object(const graphql::type_def& type, const input_value& w,
                                        const std::vector<std::string>& prefix, int depth) {
    if (depth > 32) {
        fail("The where filter is nested too deeply (more than 32 levels).");
        return "FALSE";
    }
    std::vector<std::string> conds;
    for (const auto& [name, v] : w.as_object()) {
        if (name == "AND" || name == "OR") {
            if (v.is_null()) {
                fail("\"" + name + "\" was given null; omit it or pass a list.");
                continue;
            }
            std::vector<std::string> parts;
            for (const auto& item : v.as_list()) {
                std::string e = where_object(type, item, prefix, depth + 1);
                parts.push_back(e.empty() ? "TRUE" : e);
            }
            // §3.2: AND: [] is true, OR: [] is false; grouping is kept as written.
            if (parts.empty()) conds.push_back(name == "AND" ? "TRUE" : "FALSE");
            else if (parts.size() == 1) conds.push_back(parts[0]);
            else conds.push_back("(" + join(parts, name == "AND" ? " AND " : " OR ") + ")");
            continue;
        }
        if (name == "NOT") {
            if (v.is_null()) {
                fail("\"NOT\" was given null; omit it or pass a filter.");
                continue;
            }
            std::string e = where_object(type, v, prefix, depth + 1);
            // "Must not match": a row whose inner condition is unknown (NULL) does not
            // match it, so NOT keeps it (docs/adr/0003-null-semantics.md).
            conds.push_back(e.empty() ? "FALSE" : "NOT COALESCE(" + e + ", FALSE)");
            continue;
        }
        const graphql::field_def* f = type.find_field(name);
        if (!f) {
            fail("Unknown filter field \"" + name + "\" on " + type.name + ".");
            continue;
        }
        const graphql::type_def* ft = s_.find_type(f->type.name);
        const bool object = ft && ft->kind == graphql::named_kind::object;
        if (v.is_null()) {
            // §3.2: never drop a filter silently (the original returned every row).
            if (object)
                fail("Filter on \"" + name + "\" was given null; omit it, or filter on its fields "
                     "(e.g. {" + name + ": {" + (ft->fields.empty() ? std::string("id") : ft->fields[0].name) +
                     ": {isnull: true}}}).");
            else
                fail("Filter on \"" + name + "\" was given null; to match null values use {" +
                     name + ": {isnull: true}}.");
            continue;
        }
        if (object) {
            std::vector<std::string> p = prefix;
            p.push_back(f->key);
            std::string e = where_object(*ft, v, p, depth + 1);
            if (!e.empty()) conds.push_back(e);
            continue;
        }
        std::string e = field_filter(*f, v, locate(*f, prefix));
        if (!e.empty()) conds.push_back(e);
    }
    if (conds.empty()) return "";
    if (conds.size() == 1) return conds[0];
    return "(" + join(conds, " AND ") + ")";
}

std::string where_builder::field_filter(const graphql::field_def& f, const input_value& ops,
                                        const location& loc) {
    std::vector<std::string> conds;
    // The field's family decides which operators its filter input has (one lookup per field;
    // the operator catalogue, include/fraiseql/graphql/operators.hpp).
    const auto family = graphql::filter_family_of(s_, f.type, f.search);
    for (const auto& [op, v] : ops.as_object()) {
        if (v.is_null()) {
            fail("Operator \"" + op + "\" on \"" + f.name +
                 "\" was given null; to match null values use {isnull: true}.");
            continue;
        }
        const graphql::filter_operator* entry =
            family ? graphql::find_filter_operator(*family, op) : nullptr;
        if (!entry) {
            fail("Operator \"" + op + "\" is not supported on \"" + f.name + "\".");
            continue;
        }
        if (std::string e = render(*entry, f, v, loc); !e.empty()) conds.push_back(std::move(e));
    }
    if (conds.empty()) return "";
    if (conds.size() == 1) return conds[0];
    return "(" + join(conds, " AND ") + ")";
}

std::string where_builder::cast_subject(const location& loc, const std::string& scalar) const {
    // A no-op cast on a column of the type (its indexes still apply); a JSONB value is text.
    const std::string cast = cast_of(scalar);
    return loc.column ? text_expr(loc) + "::" + cast : "(" + text_expr(loc) + ")::" + cast;
}

std::string where_builder::render(const graphql::filter_operator& op, const graphql::field_def& f,
                                  const input_value& v, const location& loc) {
    using form = graphql::sql_form;
    const std::string& scalar = f.type.name;
    const std::string sql(op.sql);
    // String operators read a real column as text (a no-op for text columns, so their indexes
    // still apply).
    auto text = [&] { return loc.column ? text_expr(loc) + "::text" : text_expr(loc); };
    using U = param_source::use;
    auto like = [&](U as) { return text() + " " + sql + " " + operand_param(v, as, ""); };
    switch (op.form) {
    case form::is_null:
        // §3.2: a JSON null and a missing key are both null (->> yields SQL NULL for both).
        return text_expr(loc) + (v.as_bool() ? " IS NULL" : " IS NOT NULL");
    case form::equal:
        if (std::string c = containment_eq(loc, v, scalar); !c.empty()) return c;
        [[fallthrough]];
    case form::compare:
        return typed_expr(loc, scalar) + " " + sql + " " + typed_param(loc, v, scalar);
    case form::member: {
        // §3.2: in: [] matches nothing, nin: [] matches everything.
        if (v.as_list().empty()) return op.negated ? "TRUE" : "FALSE";
        const std::string cast = cast_of(scalar);
        std::string arr;
        if (cast == "jsonb") arr = operand_param(v, U::array_json, "jsonb[]");
        else if (loc.column) arr = operand_param(v, U::array, "");
        else arr = operand_param(v, U::array, (cast.empty() ? std::string("text") : cast) + "[]");
        return typed_expr(loc, scalar) + sql + arr + ")";
    }
    // contains / startswith / endswith escape the value; like / ilike take the pattern as
    // given (§3.2); ~, ~*, !~ are POSIX regular expressions.
    case form::text_contains: return like(U::like_contains);
    case form::text_prefix: return like(U::like_prefix);
    case form::text_suffix: return like(U::like_suffix);
    case form::text_match: return text() + " " + sql + " " + operand_param(v, U::scalar, "");
    case form::cast_operator:
        return cast_subject(loc, scalar) + " " + sql + " " + operand_param(v, U::scalar, op.cast);
    case form::ltree_level:
        return "nlevel(" + cast_subject(loc, scalar) + ") " + sql + " " +
               operand_param(v, U::scalar, op.cast);
    case form::inet_range: {
        const auto* from = v.find("from");
        const auto* to = v.find("to");
        if (!from || !to) {
            fail("inRange needs both \"from\" and \"to\".");
            return "";
        }
        const std::string a = cast_subject(loc, scalar);
        // Two statements: the parameters must be numbered in the order they appear.
        std::string lo = operand_param(*from, U::scalar, op.cast);
        std::string hi = operand_param(*to, U::scalar, op.cast);
        return "(" + a + " >= " + lo + " AND " + a + " <= " + hi + ")";
    }
    case form::inet_private: {
        // §3.2: RFC 1918 plus IPv6 unique-local fc00::/7. Constants, not user values.
        const std::string a = cast_subject(loc, scalar);
        const std::string priv = "(" + a + " <<= '10.0.0.0/8'::inet OR " + a +
                                 " <<= '172.16.0.0/12'::inet OR " + a +
                                 " <<= '192.168.0.0/16'::inet OR " + a + " <<= 'fc00::/7'::inet)";
        // isPublic is the negation for non-null addresses: NOT (NULL) stays NULL, no match.
        return v.as_bool() != op.negated ? priv : "NOT " + priv;
    }
    case form::inet_family:
        return "family(" + cast_subject(loc, scalar) + ")" + (v.as_bool() ? " = " : " <> ") + sql;
    case form::jsonb_operator: {
        // The parameter's SQL type decides its text: JSON, an array literal, or the string.
        const U as = op.cast == "jsonb"          ? U::json
                     : op.cast.ends_with("[]") ? U::array
                                               : U::scalar;
        return jsonb_value(loc) + " " + sql + " " + operand_param(v, as, op.cast);
    }
    case form::text_search: {
        // A real column is a tsvector (or text: `text @@ tsquery` exists too); a JSONB value
        // is text, turned into a tsvector by `text @@ tsquery`. Both sides use the database's
        // default_text_search_config (docs/filtering.md, "Full-text search").
        const std::string doc = loc.column ? text_expr(loc) : "(" + text_expr(loc) + ")";
        return doc + " @@ " + sql + "(" + operand_param(v, U::scalar, "") + ")";
    }
    case form::vector_distance: return vector_distance(op, f, v, loc);
    case form::list_length:
    case form::list_compare:
    case form::list_strict:
    case form::list_overlaps:
    case form::list_any:
    case form::list_all: return list_operator(op, scalar, v, loc);
    }
    fail("Operator \"" + std::string(op.name) + "\" is not supported on \"" + f.name + "\".");
    return "";
}

std::string where_builder::vector_distance(const graphql::filter_operator& op,
                                           const graphql::field_def& f, const input_value& v,
                                           const location& loc) {
    const input_value* vec = v.find("vector");
    if (!vec) {
        fail("Operator \"" + std::string(op.name) + "\" is not supported on \"" + f.name + "\".");
        return "";
    }
    const std::string a = loc.column ? text_expr(loc) : "(" + text_expr(loc) + ")::vector";
    const std::string dist =
        "(" + a + " " + std::string(op.sql) + " " +
        operand_param(*vec, param_source::use::json, op.cast) + ")";
    std::vector<std::string> conds;
    // The bounds of VectorDistanceInput (operators.cpp).
    static const std::pair<const char*, const char*> bounds[] = {{"lt", "<"}, {"lte", "<="}, {"gt", ">"}};
    for (const auto& [name, cmp] : bounds)
        if (const auto* b = v.find(name); b && !b->is_null())
            conds.push_back(dist + " " + cmp + " " +
                            operand_param(*b, param_source::use::scalar, "float8"));
    if (conds.empty()) {
        fail("Operator \"" + std::string(op.name) + "\" on \"" + f.name +
             "\" needs a bound: lt, lte or gt.");
        return "";
    }
    if (conds.size() == 1) return conds[0];
    return "(" + join(conds, " AND ") + ")";
}

std::string where_builder::list_operator(const graphql::filter_operator& op,
                                         const std::string& scalar, const input_value& v,
                                         const location& loc) {
    using form = graphql::sql_form;
    using U = param_source::use;
    const std::string sql(op.sql);
    if (op.form == form::list_length) {
        // §3.2: lengths count elements; an empty list has length 0 (cardinality, not
        // array_length, which is NULL for '{}').
        std::string len;
        if (loc.column) {
            len = "cardinality(" + text_expr(loc) + ")";
        } else {
            std::string a = jsonb_expr(loc);
            len = "jsonb_array_length(CASE WHEN jsonb_typeof(" + a + ") = 'array' THEN " + a + " END)";
        }
        return len + " " + sql + " " + operand_param(v, U::scalar, op.cast);
    }
    if (loc.column) {
        // A real array column: PostgreSQL infers the parameter's array type from it.
        const std::string col = text_expr(loc);
        switch (op.form) {
        case form::list_any: return operand_param(v, U::scalar, "") + " = ANY(" + col + ")";
        case form::list_all: return operand_param(v, U::scalar, "") + " = ALL(" + col + ")";
        case form::list_strict: {
            std::string p = operand_param(v, U::array, "");
            return "(" + col + " @> " + p + " AND NOT " + col + " <@ " + p + ")";
        }
        default: return col + " " + sql + " " + operand_param(v, U::array, "");
        }
    }
    // A JSONB array. The filter's values become a typed JSON array on the SQL side (to_jsonb
    // of numeric[] gives numbers, of text[] strings), so that containment compares numbers as
    // numbers.
    const std::string a = jsonb_value(loc);
    const std::string cast = cast_of(scalar);
    const bool as_json = cast == "jsonb";
    const std::string elem = (cast == "numeric" || cast == "boolean") ? cast : "text";
    auto list_param = [&] {
        if (as_json) return operand_param(v, U::json, "jsonb");
        return "to_jsonb(" + operand_param(v, U::array, elem + "[]") + ")";
    };
    auto one_param = [&] {
        if (as_json) return operand_param(v, U::json, "jsonb");
        return "to_jsonb(" + operand_param(v, U::scalar, elem) + ")";
    };
    switch (op.form) {
    case form::list_strict: {
        std::string p = list_param();
        return "(" + a + " @> " + p + " AND NOT " + a + " <@ " + p + ")";
    }
    case form::list_overlaps:
        return "EXISTS (SELECT 1 FROM jsonb_array_elements(" + list_param() +
               ") AS x(v) WHERE " + a + " @> jsonb_build_array(x.v))";
    case form::list_any: return a + " @> jsonb_build_array(" + one_param() + ")";
    case form::list_all:
        return "(jsonb_typeof(" + a + ") = 'array' AND NOT EXISTS (SELECT 1 FROM "
               "jsonb_array_elements(" + a + ") AS e(v) WHERE e.v <> " + one_param() + "))";
    default: return a + " " + sql + " " + list_param();
    }
}

std::string where_builder::id_expr(const graphql::type_def& type) const {
    const graphql::field_def* id = type.find_field("id");
    if (!id || id->type.is_list()) return {};
    return typed_expr(locate(*id, {}), id->type.name);
}

std::vector<where_builder::order_term> where_builder::order_terms(const graphql::type_def& type,
                                                                  const input_value& list) {
    std::vector<order_term> terms;
    // Recursion over embedded objects, bounded by the schema's nesting (inputs are finite).
    struct walker {
        where_builder& self;
        std::vector<order_term>& out;
        void walk(const graphql::type_def& t, const input_value& o,
                  const std::vector<std::string>& prefix, int depth) {
            if (depth > 32) {
                self.fail("orderBy is nested too deeply (more than 32 levels).");
                return;
            }
            for (const auto& [name, v] : o.as_object()) {
                if (v.is_null()) continue; // no direction: not a key
                const graphql::field_def* f = t.find_field(name);
                if (!f) {
                    self.fail("Unknown orderBy field \"" + name + "\" on " + t.name + ".");
                    continue;
                }
                const graphql::type_def* ft = self.s_.find_type(f->type.name);
                if (ft && ft->kind == graphql::named_kind::object) {
                    auto p = prefix;
                    p.push_back(f->key);
                    walk(*ft, v, p, depth + 1);
                    continue;
                }
                const std::string& dir = v.as_string();
                order_term term;
                term.desc = dir.rfind("DESC", 0) == 0;
                if (dir.find("NULLS_FIRST") != std::string::npos) term.nulls_at = order_term::nulls::first;
                else if (dir.find("NULLS_LAST") != std::string::npos) term.nulls_at = order_term::nulls::last;
                // Typed (§3.1): numbers numerically, timestamps as timestamps; ->> makes a
                // JSON null and a missing key both SQL NULL, so NULLS FIRST/LAST see both.
                term.expr = self.typed_expr(self.locate(*f, prefix), f->type.name);
                out.push_back(std::move(term));
            }
        }
    } w{*this, terms};
    for (const auto& item : list.as_list()) w.walk(type, item, {}, 0);
    return terms;
}

std::string where_builder::order_by(const graphql::type_def& type, const input_value& list) {
    std::vector<order_term> terms = order_terms(type, list);
    if (terms.empty()) return {};
    std::vector<std::string> keys;
    bool has_id = false;
    const std::string id = id_expr(type);
    for (const auto& t : terms) {
        keys.push_back(t.sql());
        if (t.expr == id) has_id = true;
    }
    // Ties are broken by id so that limit/offset pages neither repeat nor skip rows. The id
    // runs in the last key's direction, so that one (key, id) index serves the order both
    // ways with no sort step (ASC: a forward scan; DESC: a backward one) — an `id ASC` after
    // `key DESC` would need an index built (key DESC, id) or an Incremental Sort.
    if (!id.empty() && !has_id) keys.push_back(id + (terms.back().desc ? " DESC" : " ASC"));
    return join(keys, ", ");
}

} // namespace fraiseql::sql
