#pragma once
/// \file
/// Plan -> SQL text and bind parameters. Every user value travels as a
/// parameter ($n); identifiers come only from the schema, quoted.

#include <cstdint>
#include <optional>
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

/// Compiles a root list / single / connection field of the Query type.
/// Errors are BAD_USER_INPUT (e.g. an operator given an explicit null).
fraiseql::result<root_query, std::vector<graphql::error>>
compile_root_query(const graphql::schema& s, const graphql::field_plan& field,
                   const compile_options& opts);

/// Double-quotes an identifier ("a""b"); a dotted relation name is quoted per part.
std::string quote_ident(std::string_view ident);
std::string quote_relation(std::string_view relation);
/// Single-quotes a string literal ('it''s') — only for schema-derived text (JSONB keys).
std::string quote_literal(std::string_view s);

} // namespace fraiseql::sql
