// Relay connections with keyset cursors (product.md §3.4). See
// include/fraiseql/sql/connection.hpp and docs/pagination.md.

#include "fraiseql/sql/connection.hpp"

#include <algorithm>
#include <cstdio>

#include "document_select.hpp"
#include "raw_json.hpp"
#include "where_builder.hpp"

namespace fraiseql::sql {

using graphql::input_value;
using errors_t = std::vector<graphql::error>;

namespace {

/// One sort key: an SQL expression over `t` and its placement.
struct sort_key {
    std::string expr;
    bool desc = false;
    bool nulls_first = false;
};

std::string direction_sql(const sort_key& k, bool reverse) {
    const bool desc = k.desc != reverse;
    const bool nulls_first = k.nulls_first != reverse;
    return std::string(desc ? " DESC" : " ASC") + (nulls_first ? " NULLS FIRST" : " NULLS LAST");
}

/// "Row comes strictly later than the cursor value in this key's order" (or
/// earlier, with `reverse`), never NULL for a non-null cursor value. `non_null`:
/// the key is the `id` tie-breaker, taken as never NULL, so that the condition is
/// a plain comparison an index can serve.
std::string strictly_after(const sort_key& k, const std::optional<std::string>& p, bool reverse,
                           bool non_null) {
    const bool desc = k.desc != reverse;
    const bool nulls_first = k.nulls_first != reverse;
    if (!p) return nulls_first ? "(" + k.expr + ") IS NOT NULL" : "FALSE";
    const std::string base = k.expr + (desc ? " < " : " > ") + *p;
    if (non_null) return base;
    return nulls_first ? "((" + k.expr + ") IS NOT NULL AND " + base + ")"
                       : "((" + k.expr + ") IS NULL OR " + base + ")";
}

std::string equal_to(const sort_key& k, const std::optional<std::string>& p) {
    return p ? k.expr + " = " + *p : "(" + k.expr + ") IS NULL";
}

/// The keyset condition over all keys: rows after (or, with `reverse`, before) the
/// cursor; `inclusive` also accepts the cursor row itself. The last key is the `id`
/// tie-breaker (non-null). When the leading key places NULLs before the cursor side,
/// a redundant `k >= v` (`<=` descending) is added so that an index on the leading
/// key serves the page as a range scan (docs/pagination.md, "Limits").
std::string keyset(const std::vector<sort_key>& keys, const std::vector<std::optional<std::string>>& p,
                   bool reverse, bool inclusive) {
    std::string out;
    std::string close;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const bool last = i + 1 == keys.size();
        if (last) {
            std::string tail = strictly_after(keys[i], p[i], reverse, true);
            if (inclusive) tail = "(" + tail + " OR " + equal_to(keys[i], p[i]) + ")";
            out += tail;
        } else {
            out += "(" + strictly_after(keys[i], p[i], reverse, false) + " OR (" + equal_to(keys[i], p[i]) +
                   " AND ";
            close += "))";
        }
    }
    out += close;
    const sort_key& lead = keys.front();
    if (keys.size() > 1 && p.front() && (lead.nulls_first != reverse))
        out = lead.expr + ((lead.desc != reverse) ? " <= " : " >= ") + *p.front() + " AND " + out;
    return out;
}

std::string hex32(std::uint32_t v) {
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", v);
    return buf;
}

/// FNV-1a: a cursor made for one ordering is refused by another.
std::uint32_t fnv1a(std::string_view s) {
    std::uint32_t h = 2166136261u;
    for (unsigned char c : s) {
        h ^= c;
        h *= 16777619u;
    }
    return h;
}

bool selected(const std::vector<graphql::field_plan>& sel, std::string_view name) {
    for (const auto& f : sel)
        if (f.name == name) return true;
    return false;
}

bool page_info_selected(const std::vector<graphql::field_plan>& sel, std::string_view name) {
    for (const auto& f : sel)
        if (f.name == "pageInfo" && selected(f.selection, name)) return true;
    return false;
}

constexpr std::string_view b64chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

} // namespace

std::string base64url_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const std::uint32_t v = (std::uint32_t(std::uint8_t(bytes[i])) << 16) |
                                (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) |
                                std::uint32_t(std::uint8_t(bytes[i + 2]));
        out += b64chars[(v >> 18) & 63];
        out += b64chars[(v >> 12) & 63];
        out += b64chars[(v >> 6) & 63];
        out += b64chars[v & 63];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest) {
        std::uint32_t v = std::uint32_t(std::uint8_t(bytes[i])) << 16;
        if (rest == 2) v |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
        out += b64chars[(v >> 18) & 63];
        out += b64chars[(v >> 12) & 63];
        if (rest == 2) out += b64chars[(v >> 6) & 63];
    }
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        const auto pos = b64chars.find(c);
        if (pos == std::string_view::npos) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xFF);
        }
    }
    // Leftover bits must be zero (a canonical encoding), so each cursor has one spelling.
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

std::string encode_cursor(std::string_view signature, std::string_view key_array_json) {
    std::string payload(signature);
    payload += ':';
    payload += key_array_json;
    return base64url_encode(payload);
}

namespace {

/// A cursor's payload split: its signature and its raw JSON values, views into `payload`
/// (the decoded bytes, the caller's).
struct cursor_parts {
    std::string_view signature;
    std::vector<std::string_view> items;
};

std::optional<cursor_parts> split_cursor(std::string_view cursor, std::string& payload) {
    if (cursor.size() > 64 * 1024) return std::nullopt;
    auto decoded = base64url_decode(cursor);
    if (!decoded) return std::nullopt;
    payload = std::move(*decoded);
    const std::string_view p(payload);
    const auto colon = p.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    auto items = raw_json::split_array(p.substr(colon + 1));
    if (!items) return std::nullopt;
    return cursor_parts{p.substr(0, colon), std::move(*items)};
}

} // namespace

bool cursor_nulls(std::string_view cursor, std::string& out) {
    std::string payload;
    auto parts = split_cursor(cursor, payload);
    if (!parts) return false;
    for (auto raw : parts->items) out += raw == "null" ? 'n' : 'v';
    return true;
}

std::optional<std::vector<std::optional<std::string>>>
decode_cursor(std::string_view cursor, std::string_view signature, std::size_t expected_values) {
    std::string payload;
    auto parts = split_cursor(cursor, payload);
    if (!parts || parts->signature != signature) return std::nullopt;
    const auto* items = &parts->items;
    if (items->size() != expected_values) return std::nullopt;
    std::vector<std::optional<std::string>> out;
    for (auto raw : *items) {
        if (raw == "null") out.emplace_back(std::nullopt);
        else if (raw.front() == '"') {
            auto s = raw_json::decode_string(raw);
            if (!s || s->find('\0') != std::string::npos) return std::nullopt;
            out.emplace_back(std::move(*s));
        } else if (raw == "true" || raw == "false" || raw_json::is_number(raw)) {
            out.emplace_back(std::string(raw));
        } else {
            return std::nullopt;
        }
    }
    return out;
}

std::uint32_t page_size_of(std::int64_t requested, std::uint32_t max_page_size) noexcept {
    return static_cast<std::uint32_t>(
        std::clamp<std::int64_t>(requested, 0, std::int64_t{max_page_size}));
}

std::string page_limit_text(std::uint32_t page_size) {
    return std::to_string(std::int64_t{page_size} + 1);
}

fraiseql::result<connection_query, errors_t>
compile_connection(const graphql::schema& s, const graphql::field_plan& field,
                   std::uint32_t max_page_size) {
    return compile_connection(s, field, max_page_size, nullptr);
}

fraiseql::result<connection_query, errors_t>
compile_connection(const graphql::schema& s, const graphql::field_plan& field,
                   std::uint32_t max_page_size, std::vector<param_source>* sources) {
    auto internal = [&](std::string msg) {
        return failure{errors_t{graphql::error::at(std::move(msg), field.loc, graphql::code::internal_error)}};
    };
    const graphql::field_def& fd = *field.field;
    const auto src = root_source_of(s, fd);
    if (!src) return internal("Field \"" + fd.name + "\" has no @view to read from.");
    const graphql::type_def* node = src->node;
    if (!node->find_field("id"))
        return internal("Connection \"" + fd.name + "\" needs an \"id\" field on \"" + node->name +
                        "\" to break ties between equal sort keys.");
    const graphql::view_def& view = src->view;

    connection_query out;
    out.node_type = node;
    where_builder wb(s, view, out.stmt.params, field.loc);

    // ---- page size and direction (Relay cursor connections spec §4.3) ----
    const input_value* first = field.arg("first");
    const input_value* last = field.arg("last");
    const bool has_first = first && !first->is_null();
    const bool has_last = last && !last->is_null();
    if (has_first && has_last) wb.fail("Passing both \"first\" and \"last\" is not supported.");
    out.page_size = max_page_size;
    if (has_first) {
        if (first->as_int() < 0) wb.fail("\"first\" must not be negative.");
        out.page_size = page_size_of(first->as_int(), max_page_size);
    } else if (has_last) {
        if (last->as_int() < 0) wb.fail("\"last\" must not be negative.");
        out.page_size = page_size_of(last->as_int(), max_page_size);
    }
    out.backward = has_last;

    // ---- where and the sort keys ----
    std::string where;
    if (const auto* w = field.arg("where"); w && !w->is_null()) {
        // Each operand parameter recorded with its operand, as for a list field
        // (compile_root_query; the compiled-plan cache's where slots).
        wb.record_operands(sources);
        where = wb.where(*node, *w);
        wb.record_operands(nullptr);
    }
    // The keys come from the filter compiler (the same typed expressions, real columns
    // when present), then `id` as the tie-breaker unless it is already a key.
    std::vector<sort_key> keys;
    if (const auto* ob = field.arg("orderBy"); ob && !ob->is_null()) {
        for (auto& t : wb.order_terms(*node, *ob)) {
            sort_key k;
            k.desc = t.desc;
            // PostgreSQL's defaults, made explicit: ASC NULLS LAST, DESC NULLS FIRST.
            using nulls = where_builder::order_term::nulls;
            k.nulls_first = t.nulls_at == nulls::default_ ? t.desc : t.nulls_at == nulls::first;
            k.expr = std::move(t.expr);
            keys.push_back(std::move(k));
        }
    }
    {
        std::string id = wb.id_expr(*node);
        if (id.empty()) return internal("Connection \"" + fd.name + "\": cannot order by \"id\".");
        bool dup = false;
        for (const auto& k : keys) dup = dup || k.expr == id;
        if (!dup) keys.push_back(sort_key{std::move(id), false, false});
    }
    std::string sig_src;
    for (const auto& k : keys) sig_src += k.expr + direction_sql(k, false) + ";";
    out.signature = hex32(fnv1a(sig_src));

    // ---- cursors ----
    auto cursor_params = [&](const char* name) -> std::optional<std::vector<std::optional<std::string>>> {
        const input_value* c = field.arg(name);
        if (!c || c->is_null()) return std::nullopt;
        auto values = decode_cursor(c->as_string(), out.signature, keys.size());
        if (!values) {
            wb.fail(std::string("Invalid cursor in \"") + name +
                    "\": it was not issued by this connection with this orderBy.");
            return std::nullopt;
        }
        // One parameter per non-null value, in order (a null one compiles to IS NULL / IS NOT
        // NULL): recorded as the argument's `cursor` parameters.
        const std::size_t at = out.stmt.params.size();
        std::vector<std::optional<std::string>> ps;
        for (auto& v : *values) ps.push_back(v ? std::optional<std::string>(wb.param(std::move(*v), "")) : std::nullopt);
        if (sources)
            sources->push_back({name, param_source::use::cursor, at, out.stmt.params.size() - at});
        return ps;
    };
    auto after = cursor_params("after");
    auto before = cursor_params("before");
    out.has_after = after.has_value();
    out.has_before = before.has_value();
    if (!wb.errors().empty()) return failure{wb.take_errors()};

    std::vector<std::string> conds;
    if (!where.empty()) conds.push_back(where);
    if (after) conds.push_back(keyset(keys, *after, false, false));
    if (before) conds.push_back(keyset(keys, *before, true, false));

    // ---- the statement ----
    const std::string rel = quote_relation(view.name) + " AS t";
    // The node documents, projected to what every `edges { node }` (under any alias) selects.
    // When it projects in SQL, the page is a derived table `p` selecting the document column
    // as `d`, read by the projection outside it (document_expr, ADR 0004).
    const document_expr doc = document_select(view, connection_node_selections(field));
    const bool derived = !doc.inner.empty();
    const std::string inner_doc = derived ? doc.inner : doc.outer;
    std::string cur = "jsonb_build_array(";
    std::string order;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (i) cur += ", ", order += ", ";
        cur += keys[i].expr;
        order += keys[i].expr + direction_sql(keys[i], out.backward);
    }
    cur += ")::text";
    const std::string page_where = conds.empty() ? "" : " WHERE " + join(conds, " AND ");
    const std::size_t limit_at = out.stmt.params.size();
    const std::string limit = wb.param(page_limit_text(out.page_size), "int8");
    if (sources && (has_first || has_last))
        sources->push_back({has_first ? "first" : "last", param_source::use::page_size, limit_at, 1});

    const bool want_total = selected(field.selection, "totalCount");
    // Rows on the other side of the cursor: before `after` (forward) or from `before`
    // on (backward); without that cursor there are none.
    std::string other;
    if (!out.backward && after && page_info_selected(field.selection, "hasPreviousPage"))
        other = keyset(keys, *after, true, true);
    else if (out.backward && before && page_info_selected(field.selection, "hasNextPage"))
        other = keyset(keys, *before, false, true);
    out.other_side_checked = !other.empty();

    std::string& sql = out.stmt.text;
    if (!want_total && other.empty()) {
        const std::string page =
            " FROM " + rel + page_where + " ORDER BY " + order + " LIMIT " + limit;
        if (derived)
            sql = "SELECT NULL::int8, NULL::bool, " + doc.outer + ", p.k FROM (SELECT " +
                  inner_doc + " AS d, " + cur + " AS k" + page + ") AS p";
        else
            sql = "SELECT NULL::int8, NULL::bool, " + doc.outer + ", " + cur + page;
        return out;
    }
    // One statement (one snapshot): a one-row header with the count and the other-side
    // check, joined to the page; the header row survives an empty page.
    const std::string total = want_total ? "(SELECT count(*) FROM " + rel +
                                               (where.empty() ? "" : " WHERE " + where) + ")"
                                         : std::string("NULL::int8");
    const std::string exists = other.empty() ? std::string("NULL::bool")
                                             : "EXISTS (SELECT 1 FROM " + rel + " WHERE " +
                                                   (where.empty() ? "" : where + " AND ") + other + ")";
    sql = "SELECT h.c, h.o, " + (derived ? doc.outer : std::string("p.d")) +
          ", p.k FROM (SELECT " + total + " AS c, " + exists +
          " AS o) AS h LEFT JOIN LATERAL (SELECT " + inner_doc + " AS d, " + cur +
          " AS k, row_number() OVER (ORDER BY " + order + ") AS n FROM " + rel + page_where +
          " ORDER BY " + order + " LIMIT " + limit + ") AS p ON TRUE ORDER BY p.n";
    return out;
}

} // namespace fraiseql::sql
