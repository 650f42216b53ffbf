// The where/order compiler. Semantics: product.md §3.2 (decided where the
// original was ambiguous) and §3.3 (hybrid tables). Every value is a parameter.

#include "where_builder.hpp"

#include <algorithm>
#include <functional>

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

bool is_numeric_scalar(const std::string& n) {
    return n == "Int" || n == "Float" || n == "Decimal" || n == "BigInt";
}

/// LIKE pattern escaping: backslash is PostgreSQL's default LIKE escape character.
std::string like_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '\\' || c == '%' || c == '_') out += '\\';
        out += c;
    }
    return out;
}

/// A PostgreSQL array literal of text elements: {"a","b\"c",NULL}.
std::string array_literal(const std::vector<std::optional<std::string>>& items) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        if (!items[i]) {
            out += "NULL";
            continue;
        }
        out += '"';
        for (char c : *items[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    out += '}';
    return out;
}

} // namespace

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

std::string where_builder::cast_of(const std::string& n) {
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
    if (n == "JSON") return "jsonb";
    return "";
}

where_builder::location where_builder::locate(const graphql::field_def& f,
                                              const std::vector<std::string>& prefix) const {
    location loc;
    // §3.3 rule 1: the field's key is a real column (top level only).
    if (prefix.empty() && view_.has_column(f.key)) {
        loc.column = true;
        loc.column_name = f.key;
        return loc;
    }
    // §3.3 rule 2: {x: {id: ...}} with an x_id column.
    if (prefix.size() == 1 && f.key == "id" && view_.has_column(prefix[0] + "_id")) {
        loc.column = true;
        loc.column_name = prefix[0] + "_id";
        return loc;
    }
    loc.path = prefix;
    loc.path.push_back(f.key);
    return loc;
}

std::string where_builder::jsonb_expr(const location& loc) const {
    if (loc.column) return "to_jsonb(t." + quote_ident(loc.column_name) + ")";
    std::string e = view_.jsonb_column ? "t." + quote_ident(*view_.jsonb_column)
                                       : std::string("to_jsonb(t)");
    for (const auto& k : loc.path) e += "->" + quote_literal(k);
    return e;
}

std::string where_builder::text_expr(const location& loc) const {
    if (loc.column) return "t." + quote_ident(loc.column_name);
    std::string e = view_.jsonb_column ? "t." + quote_ident(*view_.jsonb_column)
                                       : std::string("to_jsonb(t)");
    for (std::size_t i = 0; i < loc.path.size(); ++i)
        e += (i + 1 == loc.path.size() ? "->>" : "->") + quote_literal(loc.path[i]);
    return e;
}

std::string where_builder::typed_expr(const location& loc, const std::string& scalar) const {
    if (loc.column) return "t." + quote_ident(loc.column_name);
    std::string cast = cast_of(scalar);
    if (cast.empty()) return text_expr(loc);
    if (cast == "jsonb") return jsonb_expr(loc);
    return "(" + text_expr(loc) + ")::" + cast;
}

std::string where_builder::scalar_param(const input_value& v, const std::string& scalar) {
    std::string cast = cast_of(scalar);
    switch (v.type()) {
    case K::string:
    case K::enum_: return param(v.as_string(), cast);
    case K::boolean: return param(v.as_bool() ? "true" : "false", cast);
    case K::integer: return param(std::to_string(v.as_int()), cast);
    default: return param(v.to_json(), cast.empty() ? "jsonb" : cast);
    }
}

std::string where_builder::equality(const graphql::field_def& f, const input_value& v) {
    location loc = locate(f, {});
    if (v.is_null()) return text_expr(loc) + " IS NULL";
    return typed_expr(loc, f.type.name) + " = " + scalar_param(v, f.type.name);
}

std::string where_builder::where(const graphql::type_def& type, const input_value& w) {
    std::string e = where_object(type, w, {}, 0);
    return e.empty() ? "TRUE" : e;
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
            if (parts.empty()) conds.push_back(name == "AND" ? "TRUE" : "FALSE");
            else conds.push_back("(" + join(parts, name == "AND" ? " AND " : " OR ") + ")");
            continue;
        }
        if (name == "NOT") {
            if (v.is_null()) {
                fail("\"NOT\" was given null; omit it or pass a filter.");
                continue;
            }
            std::string e = where_object(type, v, prefix, depth + 1);
            // "Must not match": a row whose inner condition is unknown (NULL) does
            // not match it, so NOT keeps it (docs/adr/0003-null-semantics.md).
            conds.push_back("NOT COALESCE((" + (e.empty() ? std::string("TRUE") : e) + "), FALSE)");
            continue;
        }
        const graphql::field_def* f = type.find_field(name);
        if (!f) {
            fail("Unknown filter field \"" + name + "\" on " + type.name + ".");
            continue;
        }
        if (v.is_null()) {
            fail("Filter on \"" + name + "\" was given null; use {isnull: true} to match nulls.");
            continue;
        }
        const graphql::type_def* ft = s_.find_type(f->type.name);
        if (ft && ft->kind == graphql::named_kind::object) {
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
    for (const auto& [op, v] : ops.as_object()) {
        if (v.is_null()) {
            fail("Operator \"" + op + "\" on \"" + f.name +
                 "\" was given null; to match null values use {isnull: true}.");
            continue;
        }
        std::string e;
        if (op == "isnull") {
            e = text_expr(loc) + (v.as_bool() ? " IS NULL" : " IS NOT NULL");
        } else if (f.type.is_list()) {
            e = list_op(f, op, v, loc);
        } else if (f.type.name == "JSON") {
            e = json_op(op, v, loc);
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
    static const std::pair<const char*, const char*> cmp[] = {
        {"eq", "="}, {"neq", "<>"}, {"gt", ">"}, {"gte", ">="}, {"lt", "<"}, {"lte", "<="}};
    for (const auto& [name, sqlop] : cmp)
        if (op == name) return typed_expr(loc, scalar) + " " + sqlop + " " + scalar_param(v, scalar);
    if (op == "in" || op == "nin") {
        const auto& items = v.as_list();
        if (items.empty()) return op == "in" ? "FALSE" : "TRUE";
        std::vector<std::optional<std::string>> texts;
        for (const auto& x : items) {
            if (x.is_null()) texts.emplace_back(std::nullopt);
            else if (x.type() == K::integer) texts.emplace_back(std::to_string(x.as_int()));
            else if (x.type() == K::boolean) texts.emplace_back(x.as_bool() ? "true" : "false");
            else if (x.type() == K::string || x.type() == K::enum_) texts.emplace_back(x.as_string());
            else texts.emplace_back(x.to_json());
        }
        std::string cast = cast_of(scalar);
        std::string arr = param(array_literal(texts), (cast.empty() ? std::string("text") : cast) + "[]");
        return typed_expr(loc, scalar) + (op == "in" ? " = ANY(" : " <> ALL(") + arr + ")";
    }
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
    if (op == "like") return text + " LIKE " + param(v.as_string(), "");
    if (op == "ilike") return text + " ILIKE " + param(v.as_string(), "");
    if (op == "matches") return text + " ~ " + param(v.as_string(), "");
    if (op == "imatches") return text + " ~* " + param(v.as_string(), "");
    if (op == "notMatches") return text + " !~ " + param(v.as_string(), "");
    fail("Operator \"" + op + "\" is not supported on \"" + f.name + "\" yet.");
    return "";
}

std::string where_builder::list_op(const graphql::field_def& f, const std::string& op,
                                   const input_value& v, const location& loc) {
    const std::string& scalar = f.type.name;
    auto len_expr = [&]() -> std::string {
        if (loc.column) return "cardinality(" + text_expr(loc) + ")";
        std::string a = jsonb_expr(loc);
        return "(CASE WHEN jsonb_typeof(" + a + ") = 'array' THEN jsonb_array_length(" + a + ") END)";
    };
    static const std::pair<const char*, const char*> lens[] = {
        {"lenEq", "="}, {"lenNeq", "<>"}, {"lenGt", ">"}, {"lenGte", ">="}, {"lenLt", "<"}, {"lenLte", "<="}};
    for (const auto& [name, sqlop] : lens)
        if (op == name) return len_expr() + " " + sqlop + " " + param(std::to_string(v.as_int()), "int4");
    if (loc.column) {
        // A real array column: PostgreSQL infers the parameter's array type.
        std::vector<std::optional<std::string>> texts;
        if (v.type() == K::list)
            for (const auto& x : v.as_list())
                texts.emplace_back(x.type() == K::string || x.type() == K::enum_ ? x.as_string() : x.to_json());
        std::string col = text_expr(loc);
        if (op == "eq") return col + " = " + param(array_literal(texts), "");
        if (op == "neq") return col + " <> " + param(array_literal(texts), "");
        if (op == "contains") return col + " @> " + param(array_literal(texts), "");
        if (op == "containedBy") return col + " <@ " + param(array_literal(texts), "");
        if (op == "overlaps") return col + " && " + param(array_literal(texts), "");
        if (op == "strictlyContains") {
            std::string p = param(array_literal(texts), "");
            return "(" + col + " @> " + p + " AND NOT " + col + " <@ " + p + ")";
        }
        std::string one = v.type() == K::string || v.type() == K::enum_ ? v.as_string() : v.to_json();
        if (op == "anyEq") return param(one, "") + " = ANY(" + col + ")";
        if (op == "allEq") return param(one, "") + " = ALL(" + col + ")";
    } else {
        std::string a = jsonb_expr(loc);
        if (op == "eq") return a + " = " + param(v.to_json(), "jsonb");
        if (op == "neq") return a + " <> " + param(v.to_json(), "jsonb");
        if (op == "contains") return a + " @> " + param(v.to_json(), "jsonb");
        if (op == "containedBy") return a + " <@ " + param(v.to_json(), "jsonb");
        if (op == "strictlyContains") {
            std::string p = param(v.to_json(), "jsonb");
            return "(" + a + " @> " + p + " AND NOT " + a + " <@ " + p + ")";
        }
        if (op == "overlaps")
            return "EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(" + a +
                   ") = 'array' THEN " + a + " END) AS e(v) WHERE " + param(v.to_json(), "jsonb") +
                   " @> jsonb_build_array(e.v))";
        if (op == "anyEq") return a + " @> jsonb_build_array(" + param(v.to_json(), "jsonb") + ")";
        if (op == "allEq")
            return "(jsonb_typeof(" + a + ") = 'array' AND NOT EXISTS (SELECT 1 FROM "
                   "jsonb_array_elements(" + a + ") AS e(v) WHERE e.v IS DISTINCT FROM " +
                   param(v.to_json(), "jsonb") + "))";
    }
    (void)scalar;
    fail("Operator \"" + op + "\" is not supported on list field \"" + f.name + "\".");
    return "";
}

std::string where_builder::json_op(const std::string& op, const input_value& v, const location& loc) {
    std::string a = jsonb_expr(loc);
    if (op == "eq") return a + " = " + param(v.to_json(), "jsonb");
    if (op == "neq") return a + " <> " + param(v.to_json(), "jsonb");
    if (op == "contains") return a + " @> " + param(v.to_json(), "jsonb");
    if (op == "containedBy") return a + " <@ " + param(v.to_json(), "jsonb");
    if (op == "hasKey") return a + " ? " + param(v.as_string(), "text");
    auto keys = [&]() {
        std::vector<std::optional<std::string>> t;
        for (const auto& x : v.as_list()) t.emplace_back(x.as_string());
        return array_literal(t);
    };
    if (op == "hasAnyKeys") return a + " ?| " + param(keys(), "text[]");
    if (op == "hasAllKeys") return a + " ?& " + param(keys(), "text[]");
    if (op == "pathExists") return a + " @? " + param(v.as_string(), "jsonpath");
    if (op == "pathMatch") return a + " @@ " + param(v.as_string(), "jsonpath");
    fail("Operator \"" + op + "\" is not supported on JSON fields.");
    return "";
}

std::string where_builder::order_by(const graphql::type_def& type, const input_value& list) {
    std::vector<std::string> keys;
    std::function<void(const graphql::type_def&, const input_value&, std::vector<std::string>)> walk;
    walk = [&](const graphql::type_def& t, const input_value& o, std::vector<std::string> prefix) {
        for (const auto& [name, v] : o.as_object()) {
            if (v.is_null()) continue;
            const graphql::field_def* f = t.find_field(name);
            if (!f) continue;
            const graphql::type_def* ft = s_.find_type(f->type.name);
            if (ft && ft->kind == graphql::named_kind::object) {
                auto p = prefix;
                p.push_back(f->key);
                walk(*ft, v, p);
                continue;
            }
            const std::string& dir = v.as_string();
            std::string d = dir.rfind("DESC", 0) == 0 ? " DESC" : " ASC";
            if (dir.find("NULLS_FIRST") != std::string::npos) d += " NULLS FIRST";
            else if (dir.find("NULLS_LAST") != std::string::npos) d += " NULLS LAST";
            keys.push_back(typed_expr(locate(*f, prefix), f->type.name) + d);
        }
    };
    for (const auto& item : list.as_list()) walk(type, item, {});
    return join(keys, ", ");
}

} // namespace fraiseql::sql
