#pragma once
// Answers __schema / __type / __typename from the schema (GraphQL spec §4.2),
// without the database.

#include <string>
#include <vector>

#include "fraiseql/graphql/error.hpp"
#include "fraiseql/graphql/plan.hpp"
#include "fraiseql/graphql/schema.hpp"

namespace fraiseql::exec {

/// Appends the JSON value of an introspection root field (__schema or __type).
void write_introspection(const graphql::schema& s, const graphql::field_plan& f, std::string& out);

/// A value in GraphQL literal syntax, for __InputValue.defaultValue.
std::string graphql_literal(const graphql::input_value& v, const graphql::schema& s,
                            const graphql::type_expr& t);

} // namespace fraiseql::exec
