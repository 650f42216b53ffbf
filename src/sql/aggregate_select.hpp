#pragma once
// Private to the compiler: xsAggregate and xsGroupBy -> one SELECT each (product.md §3.6,
// docs/aggregates.md for the SQL, docs/adr/0015-aggregates.md for the decisions).

#include <vector>

#include "fraiseql/graphql/error.hpp"
#include "fraiseql/graphql/plan.hpp"
#include "fraiseql/graphql/schema.hpp"
#include "fraiseql/result.hpp"
#include "fraiseql/sql/compiler.hpp"

namespace fraiseql::sql {

/// An aggregate (root_kind::aggregate: one row, shape single) or group_by (one row per group,
/// shape list) root field. Each row is one JSON object whose keys are the GraphQL names of the
/// generated XAggregate / XGroup fields the selection reads; node_type is that type, so the
/// response is projected like any other read. Errors are BAD_USER_INPUT.
fraiseql::result<root_query, std::vector<graphql::error>>
compile_aggregate_query(const graphql::schema& s, const graphql::field_plan& field,
                        const compile_options& opts);

} // namespace fraiseql::sql
