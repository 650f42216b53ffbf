// The where/order compiler. Semantics: product.md §3.2 (decided where the original was
// ambiguous) and §3.3 (hybrid tables); the SQL of every operator is listed in
// docs/filtering.md, the null rules in docs/adr/0003-null-semantics.md. Every value is a
// parameter; keys and identifiers come from the schema only.

#include "where_builder.hpp"

#include <charconv>

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

bool is_numeric_scalar(std::string_view n) {
    return n == "Int" || n == "Float" || n == "Decimal" || n == "BigInt";
}

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
    if (is_numeric_scalar(n)) return "numeric";
    if (n == "DateTime") return "timestamptz";
    if (n == "Date") return "date";
    if (n == "Time") return "time";
    if (n == "Boolean") return "boolean";
    if (n == "UUID") return "uuid";
    if (n == "IpAddress" || n == "CIDR") return "inet";
    if (n == "MacAddress") return "macaddr";
    if (n == "LTree") return "ltree";
    if (n == "DateRange") return "daterange";
    if (n == "Vector") return "vector";
    if (n == "JSON") return "jsonb";
    if (n == "String" || n == "ID") return "";
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

std::string where_builder::base_expr(const location& loc) const {
    if (!loc.root_column.empty()) return "to_jsonb(t." + quote_ident(loc.root_column) + ")";
    if (view_.jsonb_column) return "t." + quote_ident(*view_.jsonb_column);
    return "to_jsonb(t)";
}

std::string where_builder::jsonb_expr(const location& loc) const {
    if (loc.column) return "to_jsonb(t." + quote_ident(loc.column_name) + ")";
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
    if (loc.column) return "t." + quote_ident(loc.column_name);
    std::string e = base_expr(loc);
    for (std::size_t i = 0; i < loc.path.size(); ++i)
        e += (i + 1 == loc.path.size() ? "->>" : "->") + quote_literal(loc.path[i]);
    return e;
}

std::string where_builder::typed_expr(const location& loc, const std::string& scalar) const {
    std::string cast = cast_of(scalar);
    if (cast == "jsonb") return jsonb_value(loc);
    if (loc.column) return "t." + quote_ident(loc.column_name);
    if (cast.empty()) return text_expr(loc);
    return "(" + text_expr(loc) + ")::" + cast;
}

std::string where_builder::typed_param(const location& loc, const input_value& v,
                                       const std::string& scalar) {
    std::string cast = cast_of(scalar);
    if (cast == "jsonb") return param(json_of(v), "jsonb");
    if (loc.column) return param(value_text(v), "");
    return param(value_text(v), cast);
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
    std::string cast;
    const graphql::type_def* t = s_.find_type(scalar);
    if (scalar == "String" || (t && t->kind == graphql::named_kind::enum_)) cast = "text";
    else if (scalar == "Boolean") cast = "boolean";
    else if (is_numeric_scalar(scalar)) cast = "numeric";
    else return {};
    std::string obj = param(value_text(v), cast);
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
    if (f.type.is_list()) return list_op(f, "eq", v, loc);
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
    const std::string& scalar = f.type.name;
    for (const auto& [op, v] : ops.as_object()) {
        if (v.is_null()) {
            fail("Operator \"" + op + "\" on \"" + f.name +
                 "\" was given null; to match null values use {isnull: true}.");
            continue;
        }
        std::string e;
        if (op == "isnull") {
            // §3.2: a JSON null and a missing key are both null (->> yields SQL NULL for both).
            e = text_expr(loc) + (v.as_bool() ? " IS NULL" : " IS NOT NULL");
        } else if (f.search) {
            e = search_op(op, v, loc);
        } else if (f.type.is_list()) {
            e = list_op(f, op, v, loc);
        } else if (scalar == "JSON") {
            e = json_op(op, v, loc);
        } else if (scalar == "Vector") {
            e = vector_op(f, op, v, loc);
        } else if ((scalar == "IpAddress" || scalar == "CIDR") &&
                   (op == "inSubnet" || op == "inRange" || op.rfind("is", 0) == 0)) {
            e = inet_op(op, v, loc);
        } else if (scalar == "LTree" && (op == "ancestorOf" || op == "descendantOf" ||
                                         op.rfind("matches", 0) == 0 || op.rfind("nlevel", 0) == 0)) {
            e = ltree_op(op, v, loc);
        } else if (scalar == "DateRange" && op != "eq" && op != "neq") {
            e = range_op(op, v, loc);
        } else {
            e = scalar_op(f, op, v, loc);
        }
        if (!e.empty()) conds.push_back(std::move(e));
    }
    if (conds.empty()) return "";
    if (conds.size() == 1) return conds[0];
    return "(" + join(conds, " AND ") + ")";
}

std::string where_builder::scalar_op(const graphql::field_def& f, const std::string& op,
                                     const input_value& v, const location& loc) {
    const std::string& scalar = f.type.name;
    if (op == "eq")
        if (std::string c = containment_eq(loc, v, scalar); !c.empty()) return c;
    static const std::pair<const char*, const char*> cmp[] = {
        {"eq", "="}, {"neq", "<>"}, {"gt", ">"}, {"gte", ">="}, {"lt", "<"}, {"lte", "<="}};
    for (const auto& [name, sqlop] : cmp)
        if (op == name) return typed_expr(loc, scalar) + " " + sqlop + " " + typed_param(loc, v, scalar);
    if (op == "in" || op == "nin") {
        // §3.2: in: [] matches nothing, nin: [] matches everything.
        if (v.as_list().empty()) return op == "in" ? "FALSE" : "TRUE";
        std::string cast = cast_of(scalar);
        std::string arr;
        if (cast == "jsonb") arr = param(array_of(v, true), "jsonb[]");
        else if (loc.column) arr = param(array_of(v, false), "");
        else arr = param(array_of(v, false), (cast.empty() ? std::string("text") : cast) + "[]");
        return typed_expr(loc, scalar) + (op == "in" ? " = ANY(" : " <> ALL(") + arr + ")";
    }
    // String operators. A real column is read as text (a no-op for text columns, so their
    // indexes still apply).
    const std::string text = loc.column ? text_expr(loc) + "::text" : text_expr(loc);
    struct like_op { const char* name; const char* sql; const char* pre; const char* post; };
    static const like_op likes[] = {
        {"contains", "LIKE", "%", "%"},    {"icontains", "ILIKE", "%", "%"},
        {"startswith", "LIKE", "", "%"},   {"istartswith", "ILIKE", "", "%"},
        {"endswith", "LIKE", "%", ""},     {"iendswith", "ILIKE", "%", ""}};
    for (const auto& l : likes)
        if (op == l.name)
            return text + " " + l.sql + " " +
                   param(std::string(l.pre) + like_escape(v.as_string()) + l.post, "");
    // like / ilike take the pattern as given (§3.2); matches* are POSIX regular expressions.
    if (op == "like") return text + " LIKE " + param(v.as_string(), "");
    if (op == "ilike") return text + " ILIKE " + param(v.as_string(), "");
    if (op == "matches") return text + " ~ " + param(v.as_string(), "");
    if (op == "imatches") return text + " ~* " + param(v.as_string(), "");
    if (op == "notMatches") return text + " !~ " + param(v.as_string(), "");
    fail("Operator \"" + op + "\" is not supported on \"" + f.name + "\".");
    return "";
}

std::string where_builder::inet_op(const std::string& op, const input_value& v,
                                   const location& loc) {
    // The address as inet (a no-op cast on an inet column). CIDR values are read as inet
    // too: cidr refuses host bits, inet stores both.
    const std::string a = loc.column ? text_expr(loc) + "::inet" : "(" + text_expr(loc) + ")::inet";
    if (op == "inSubnet") return a + " <<= " + param(v.as_string(), "inet");
    if (op == "inRange") {
        const auto* from = v.find("from");
        const auto* to = v.find("to");
        if (!from || !to) {
            fail("inRange needs both \"from\" and \"to\".");
            return "";
        }
        // Two statements: the parameters must be numbered in the order they appear.
        std::string lo = param(from->as_string(), "inet");
        std::string hi = param(to->as_string(), "inet");
        return "(" + a + " >= " + lo + " AND " + a + " <= " + hi + ")";
    }
    // §3.2: RFC 1918 plus IPv6 unique-local fc00::/7. Constants, not user values.
    const std::string priv = "(" + a + " <<= '10.0.0.0/8'::inet OR " + a +
                             " <<= '172.16.0.0/12'::inet OR " + a + " <<= '192.168.0.0/16'::inet OR " +
                             a + " <<= 'fc00::/7'::inet)";
    const bool yes = v.as_bool();
    // isPublic is the negation for non-null addresses: NOT (NULL) stays NULL, no match.
    if (op == "isPrivate") return yes ? priv : "NOT " + priv;
    if (op == "isPublic") return yes ? "NOT " + priv : priv;
    if (op == "isIPv4") return "family(" + a + ")" + (yes ? " = 4" : " <> 4");
    if (op == "isIPv6") return "family(" + a + ")" + (yes ? " = 6" : " <> 6");
    fail("Operator \"" + op + "\" is not supported on network addresses.");
    return "";
}

std::string where_builder::ltree_op(const std::string& op, const input_value& v,
                                    const location& loc) {
    const std::string a = loc.column ? text_expr(loc) + "::ltree" : "(" + text_expr(loc) + ")::ltree";
    if (op == "ancestorOf") return a + " @> " + param(v.as_string(), "ltree");
    if (op == "descendantOf") return a + " <@ " + param(v.as_string(), "ltree");
    if (op == "matchesLquery") return a + " ~ " + param(v.as_string(), "lquery");
    if (op == "matchesLtxtquery") return a + " @ " + param(v.as_string(), "ltxtquery");
    static const std::pair<const char*, const char*> lv[] = {
        {"nlevelEq", "="}, {"nlevelGt", ">"}, {"nlevelGte", ">="}, {"nlevelLt", "<"}, {"nlevelLte", "<="}};
    for (const auto& [name, sqlop] : lv)
        if (op == name)
            return "nlevel(" + a + ") " + sqlop + " " + param(std::to_string(v.as_int()), "int4");
    fail("Operator \"" + op + "\" is not supported on LTree.");
    return "";
}

std::string where_builder::range_op(const std::string& op, const input_value& v,
                                    const location& loc) {
    const std::string a =
        loc.column ? text_expr(loc) + "::daterange" : "(" + text_expr(loc) + ")::daterange";
    if (op == "containsDate") return a + " @> " + param(v.as_string(), "date");
    static const std::pair<const char*, const char*> ops[] = {
        {"overlaps", "&&"},     {"adjacent", "-|-"}, {"strictlyLeft", "<<"},
        {"strictlyRight", ">>"}, {"notLeft", "&>"},  {"notRight", "&<"}};
    for (const auto& [name, sqlop] : ops)
        if (op == name) return a + " " + sqlop + " " + param(v.as_string(), "daterange");
    fail("Operator \"" + op + "\" is not supported on DateRange.");
    return "";
}

std::string where_builder::search_op(const std::string& op, const input_value& v,
                                     const location& loc) {
    // A real column is a tsvector (or text: `text @@ tsquery` exists too); a JSONB value is
    // text, turned into a tsvector by `text @@ tsquery`. Both sides use the database's
    // default_text_search_config (docs/filtering.md, "Full-text search").
    const std::string doc = loc.column ? text_expr(loc) : "(" + text_expr(loc) + ")";
    static const std::pair<const char*, const char*> fns[] = {
        {"matches", "to_tsquery"}, {"plainQuery", "plainto_tsquery"},
        {"phraseQuery", "phraseto_tsquery"}, {"websearchQuery", "websearch_to_tsquery"}};
    for (const auto& [name, fn] : fns)
        if (op == name) return doc + " @@ " + fn + "(" + param(v.as_string(), "") + ")";
    fail("Operator \"" + op + "\" is not supported on a @search field.");
    return "";
}

std::string where_builder::vector_op(const graphql::field_def& f, const std::string& op,
                                     const input_value& v, const location& loc) {
    // pgvector: <=> cosine distance, <-> L2, <+> L1, <#> negative inner product.
    static const std::pair<const char*, const char*> ops[] = {
        {"cosineDistance", "<=>"}, {"l2Distance", "<->"}, {"l1Distance", "<+>"}, {"innerProduct", "<#>"}};
    const char* sqlop = nullptr;
    for (const auto& [name, o] : ops)
        if (op == name) sqlop = o;
    const input_value* vec = v.find("vector");
    if (!sqlop || !vec) {
        fail("Operator \"" + op + "\" is not supported on \"" + f.name + "\".");
        return "";
    }
    const std::string a = loc.column ? text_expr(loc) : "(" + text_expr(loc) + ")::vector";
    const std::string dist = "(" + a + " " + sqlop + " " + param(json_of(*vec), "vector") + ")";
    std::vector<std::string> conds;
    static const std::pair<const char*, const char*> bounds[] = {{"lt", "<"}, {"lte", "<="}, {"gt", ">"}};
    for (const auto& [name, cmp] : bounds)
        if (const auto* b = v.find(name); b && !b->is_null())
            conds.push_back(dist + " " + cmp + " " + param(value_text(*b), "float8"));
    if (conds.empty()) {
        fail("Operator \"" + op + "\" on \"" + f.name + "\" needs a bound: lt, lte or gt.");
        return "";
    }
    if (conds.size() == 1) return conds[0];
    return "(" + join(conds, " AND ") + ")";
}

std::string where_builder::list_op(const graphql::field_def& f, const std::string& op,
                                   const input_value& v, const location& loc) {
    const std::string& scalar = f.type.name;
    static const std::pair<const char*, const char*> lens[] = {
        {"lenEq", "="}, {"lenNeq", "<>"}, {"lenGt", ">"}, {"lenGte", ">="}, {"lenLt", "<"}, {"lenLte", "<="}};
    for (const auto& [name, sqlop] : lens) {
        if (op != name) continue;
        // §3.2: lengths count elements; an empty list has length 0 (cardinality, not
        // array_length, which is NULL for '{}').
        std::string len;
        if (loc.column) {
            len = "cardinality(" + text_expr(loc) + ")";
        } else {
            std::string a = jsonb_expr(loc);
            len = "jsonb_array_length(CASE WHEN jsonb_typeof(" + a + ") = 'array' THEN " + a + " END)";
        }
        return len + " " + sqlop + " " + param(std::to_string(v.as_int()), "int4");
    }
    if (loc.column) {
        // A real array column: PostgreSQL infers the parameter's array type from it.
        const std::string col = text_expr(loc);
        if (op == "anyEq") return param(value_text(v), "") + " = ANY(" + col + ")";
        if (op == "allEq") return param(value_text(v), "") + " = ALL(" + col + ")";
        static const std::pair<const char*, const char*> ops[] = {
            {"eq", "="}, {"neq", "<>"}, {"contains", "@>"}, {"containedBy", "<@"}, {"overlaps", "&&"}};
        for (const auto& [name, sqlop] : ops)
            if (op == name) return col + " " + sqlop + " " + param(array_of(v, false), "");
        if (op == "strictlyContains") {
            std::string p = param(array_of(v, false), "");
            return "(" + col + " @> " + p + " AND NOT " + col + " <@ " + p + ")";
        }
    } else {
        // A JSONB array. The filter's values become a typed JSON array on the SQL side
        // (to_jsonb of numeric[] gives numbers, of text[] strings), so that containment
        // compares numbers as numbers.
        const std::string a = jsonb_value(loc);
        std::string cast = cast_of(scalar);
        const bool as_json = cast == "jsonb";
        std::string elem = (cast == "numeric" || cast == "boolean") ? cast : "text";
        auto list_param = [&] {
            if (as_json) return param(json_of(v), "jsonb");
            return "to_jsonb(" + param(array_of(v, false), elem + "[]") + ")";
        };
        auto one_param = [&] {
            if (as_json) return param(json_of(v), "jsonb");
            return "to_jsonb(" + param(value_text(v), elem) + ")";
        };
        static const std::pair<const char*, const char*> ops[] = {
            {"eq", "="}, {"neq", "<>"}, {"contains", "@>"}, {"containedBy", "<@"}};
        for (const auto& [name, sqlop] : ops)
            if (op == name) return a + " " + sqlop + " " + list_param();
        if (op == "strictlyContains") {
            std::string p = list_param();
            return "(" + a + " @> " + p + " AND NOT " + a + " <@ " + p + ")";
        }
        if (op == "overlaps")
            return "EXISTS (SELECT 1 FROM jsonb_array_elements(" + list_param() +
                   ") AS x(v) WHERE " + a + " @> jsonb_build_array(x.v))";
        if (op == "anyEq") return a + " @> jsonb_build_array(" + one_param() + ")";
        if (op == "allEq")
            return "(jsonb_typeof(" + a + ") = 'array' AND NOT EXISTS (SELECT 1 FROM "
                   "jsonb_array_elements(" + a + ") AS e(v) WHERE e.v <> " + one_param() + "))";
    }
    fail("Operator \"" + op + "\" is not supported on list field \"" + f.name + "\".");
    return "";
}

std::string where_builder::json_op(const std::string& op, const input_value& v, const location& loc) {
    const std::string a = jsonb_value(loc);
    static const std::pair<const char*, const char*> ops[] = {
        {"eq", "="}, {"neq", "<>"}, {"contains", "@>"}, {"containedBy", "<@"}};
    for (const auto& [name, sqlop] : ops)
        if (op == name) return a + " " + sqlop + " " + param(json_of(v), "jsonb");
    if (op == "hasKey") return a + " ? " + param(v.as_string(), "text");
    if (op == "hasAnyKeys") return a + " ?| " + param(array_of(v, false), "text[]");
    if (op == "hasAllKeys") return a + " ?& " + param(array_of(v, false), "text[]");
    if (op == "pathExists") return a + " @? " + param(v.as_string(), "jsonpath");
    if (op == "pathMatch") return a + " @@ " + param(v.as_string(), "jsonpath");
    fail("Operator \"" + op + "\" is not supported on JSON fields.");
    return "";
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
    // Ties are broken by id so that limit/offset pages neither repeat nor skip rows.
    if (!id.empty() && !has_id) keys.push_back(id + " ASC");
    return join(keys, ", ");
}

} // namespace fraiseql::sql
