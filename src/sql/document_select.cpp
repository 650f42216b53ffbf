// Which part of each row's document a read fetches (docs/adr/0004-sql-side-projection.md).
//
// Serialising a whole JSONB document to text is most of PostgreSQL's work on a read of large
// documents with few selected fields; building an object of just the selected top-level keys
// costs a fixed amount per key instead. The choice is made per row, by stored size, because
// the schema does not know how large the documents are and a wrong guess either way costs up
// to 2x (ADR 0004, measurements).

#include "document_select.hpp"

#include <algorithm>

#include "fraiseql/sql/compiler.hpp"

namespace fraiseql::sql {

std::vector<const std::vector<graphql::field_plan>*>
connection_node_selections(const graphql::field_plan& connection) {
    std::vector<const std::vector<graphql::field_plan>*> out;
    for (const auto& f : connection.selection)
        if (f.name == "edges")
            for (const auto& e : f.selection)
                if (e.name == "node")
                    out.push_back(&e.selection);
    return out;
}

std::size_t sql_projection_min_bytes(std::size_t keys) noexcept {
    // The measured break-even on flat documents of strings, the cheapest to serialise per
    // byte, so the rule is conservative for documents with nested objects, arrays and numbers
    // (ADR 0004): whole-document text costs ~4.5 ns a byte, projection ~1.2-2 us a key.
    constexpr std::size_t per_key = 470;
    constexpr std::size_t discount = 330;
    const std::size_t raw = keys * per_key;
    return raw > discount ? raw - discount : 0;
}

document_expr document_select(const graphql::view_def& v,
                              std::span<const std::vector<graphql::field_plan>* const> selections) {
    if (!v.jsonb_column)
        return {"row_to_json(t)::text", {}};
    const std::string column = "t." + quote_ident(*v.jsonb_column);

    // The top-level source keys the transform reads: those of every selected field but
    // `__typename` (a literal, reads nothing), as projection_builder.cpp maps them. Several
    // aliases of one key, or one key under several `node` aliases, are fetched once.
    std::vector<std::string_view> keys;
    for (const auto* sel : selections) {
        if (!sel)
            continue;
        for (const auto& fp : *sel) {
            if (fp.name == "__typename" || !fp.field)
                continue;
            const std::string_view k = fp.field->key;
            if (std::find(keys.begin(), keys.end(), k) == keys.end())
                keys.push_back(k);
        }
    }
    // A TOASTed document (compressed, or out of line) is fetched and decompressed again by
    // every `->`: with three keys or more that costs more than its text (ADR 0004). A stored
    // document larger than this is TOASTed (PostgreSQL's TOAST_TUPLE_THRESHOLD is ~2 kB a row).
    constexpr std::size_t inline_max = 2000;
    const std::size_t min_bytes = sql_projection_min_bytes(keys.size());
    const bool few_keys = keys.size() <= 2;
    // (This also keeps jsonb_build_object within its 100 arguments: at most 4 keys here.)
    if (!few_keys && min_bytes > inline_max)
        return {column + "::text", {}};

    // The CASE names the document five times. It reads `p.d`, a column of the derived table
    // that holds the read (document_expr): were it `t."data"` and `t` a view that builds its
    // document (jsonb_build_object over sub-selects, the FraiseQL style), PostgreSQL would
    // inline the view and build the document once per mention (ADR 0004, "Building the
    // document once").
    // Built with appends into one buffer: this runs for every read of every request.
    constexpr std::string_view doc = "p.d";
    std::string out;
    out.reserve(256 + keys.size() * 48);

    // - pg_column_size first: one header read, and it is what the rule is about. It is the
    //   stored size, so a compressed document counts as its compressed size.
    // - pg_typeof: a `json` column (accepted by `fraiseql check`) keeps its text as it is,
    //   which costs nothing; the other conditions and the projection are never evaluated.
    // - jsonb_typeof: a document that is not an object keeps its text, so the transform still
    //   reports it as malformed rather than reading nulls out of it.
    // A NULL document makes the condition NULL: the ELSE branch keeps it NULL (a null row).
    out += "CASE WHEN pg_column_size(";
    out += doc;
    out += ")";
    if (few_keys) {
        out += " >= ";
        out += std::to_string(min_bytes);
    } else {
        out += " BETWEEN ";
        out += std::to_string(min_bytes);
        out += " AND ";
        out += std::to_string(inline_max);
    }
    out += " AND pg_typeof(";
    out += doc;
    out += ") = 'jsonb'::regtype AND jsonb_typeof(";
    out += doc;
    out += "::jsonb) = 'object' THEN jsonb_build_object(";
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (i)
            out += ", ";
        const std::string lit = quote_literal(keys[i]);
        out += lit;
        out += ", ";
        out += doc;
        out += "->";
        out += lit;
    }
    out += ")::text ELSE ";
    out += doc;
    out += "::text END";
    return {std::move(out), column};
}

std::optional<root_source> root_source_of(const graphql::schema& s, const graphql::field_def& fd) {
    const graphql::type_def* node = s.find_type(fd.type.name);
    if (node && fd.root == graphql::field_def::root_kind::connection) {
        // xConnection: the node type is T of TConnection.
        const auto* edges = node->find_field("edges");
        const auto* edge = edges ? s.find_type(edges->type.name) : nullptr;
        const auto* n = edge ? edge->find_field("node") : nullptr;
        node = n ? s.find_type(n->type.name) : nullptr;
    }
    if (!node || (!node->view && fd.view_override.empty())) return std::nullopt;
    root_source out{node, node->view ? *node->view : graphql::view_def{}};
    if (!fd.view_override.empty()) out.view.name = fd.view_override;
    return out;
}

} // namespace fraiseql::sql
