#pragma once
/// \file
/// Plan -> SQL text and bind parameters. Every user value travels as a
/// parameter ($n); identifiers come only from the schema, quoted.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fraiseql/graphql/error.hpp"
#include "fraiseql/graphql/plan.hpp"
#include "fraiseql/graphql/schema.hpp"
#include "fraiseql/result.hpp"

namespace fraiseql::sql {

/// A compiled statement. Parameters are text (NULL = nullopt); their types are
/// given by casts in the SQL text.
struct statement {
    std::string text;
    std::vector<std::optional<std::string>> params;
};

struct compile_options {
    std::uint32_t max_page_size = 1000;
};

/// What a root field compiles to.
struct root_query {
    enum class shape : std::uint8_t { list, single, connection } kind = shape::list;
    statement stmt;          ///< one row per object: the JSON document as text
    const graphql::type_def* node_type = nullptr; ///< the @view type read
};

/// Compiles a root list / single / connection field of the Query type, or an aggregate
/// (`xsAggregate`: shape single) or group_by (`xsGroupBy`: shape list) field (§3.6), whose
/// node_type is the generated XAggregate / XGroup its one JSON object per row has the fields of.
/// Errors are BAD_USER_INPUT (e.g. an operator given an explicit null).
fraiseql::result<root_query, std::vector<graphql::error>>
compile_root_query(const graphql::schema& s, const graphql::field_plan& field,
                   const compile_options& opts);

/// The parameters a root field's compiler made from the whole value of one of its arguments,
/// recorded for the compiled-plan cache (include/fraiseql/sql/plan_cache.hpp), which refills
/// them from a later request's values without compiling again. Only the uses whose SQL text
/// does not depend on the value (given its null-ness) are recorded: an equality filter of a
/// single-object field or a bound argument of a list field, `limit` and `offset`.
///
/// Inside a `where` object (docs/adr/0017-compiled-plan-cache.md, "where slots") the record
/// is per operand instead: `value` points at the operand in the bound plan's `where` value
/// and `as` names the function of it that made the parameter's text (param_text in
/// where_builder.hpp, which the cache shares). Only operands whose SQL around the parameter
/// does not depend on the value (given its kind, null-ness and, for lists, emptiness) are
/// recorded; a Boolean operand (`isnull`, `isPrivate`) never is.
struct param_source {
    enum class use : std::uint8_t {
        equality, limit, offset,                 ///< a whole root argument
        scalar, json, array, array_json,         ///< an operand in `where`
        like_contains, like_prefix, like_suffix, ///< an operand in `where`, LIKE-escaped
        /// A connection's `first`/`last` (page_limit_text: clamped, plus the look-ahead row)
        /// and `after`/`before` (the cursor's non-null key values, `count` of them, in order:
        /// decode_cursor under the statement's signature). include/fraiseql/sql/connection.hpp.
        page_size, cursor,
    };
    std::string_view argument; ///< the argument's name (the plan's storage); empty in `where`
    use as = use::equality;
    std::size_t first = 0;     ///< the first of its parameters (index into stmt.params)
    std::size_t count = 0;     ///< how many (1 when recorded today)
    const graphql::input_value* value = nullptr; ///< the operand, inside `where`
};

/// compile_root_query, also recording in `sources` (when not null) which parameters came
/// from which argument's whole value. Same SQL and parameters as without it.
fraiseql::result<root_query, std::vector<graphql::error>>
compile_root_query(const graphql::schema& s, const graphql::field_plan& field,
                   const compile_options& opts, std::vector<param_source>* sources);

/// How a read selects each row's document (docs/adr/0004-sql-side-projection.md).
struct document_expr {
    /// The select-list expression that yields one row's document as JSON text (NULL when the
    /// document is NULL). With `inner` empty it reads the relation as `t` directly. Otherwise
    /// it reads `p.d`: the caller wraps the read (its FROM, WHERE, ORDER BY and LIMIT) in a
    /// derived table `p` selecting `inner AS d`, and selects `outer` from `p` — so the
    /// document is evaluated once per row even when `t` is a view that builds it, and only
    /// for the rows the LIMIT keeps (a derived table with a LIMIT is never inlined).
    std::string outer;
    /// The document column (`t."data"`) the derived table selects as `d`; empty when the
    /// read does not project in SQL.
    std::string inner;
};

/// The document expression of a read whose rows are projected with `selections` (one or more
/// selections on the view's type: a connection may select `node` under several aliases).
///
/// Without a JSONB column (`row_to_json`), or when the rows are too small for it to pay
/// whatever their size, this is the whole document, read from `t`. Otherwise each row whose
/// stored size is in the range where it pays (sql_projection_min_bytes, and not TOASTed when
/// three keys or more are read) is projected in SQL to the selected top-level keys
/// (`jsonb_build_object('k', p.d->'k', …)`, nested values whole); other rows, documents
/// that are not objects and `json` (not `jsonb`) columns keep the whole text.
/// docs/adr/0004-sql-side-projection.md has the measurements behind the rule. Both forms give
/// the same response once the transform has projected them: a missing key and a JSON null
/// are both null there, and the selected values are PostgreSQL's text of the same values.
document_expr document_select(const graphql::view_def& v,
                              std::span<const std::vector<graphql::field_plan>* const> selections);

/// The smallest stored document size (pg_column_size, bytes) at which a row read for `keys`
/// distinct top-level keys is projected in SQL (ADR 0004).
std::size_t sql_projection_min_bytes(std::size_t keys) noexcept;

/// Double-quotes an identifier ("a""b"); a dotted relation name is quoted per part.
std::string quote_ident(std::string_view ident);
std::string quote_relation(std::string_view relation);
/// Single-quotes a string literal ('it''s') — only for schema-derived text (JSONB keys).
std::string quote_literal(std::string_view s);

} // namespace fraiseql::sql
