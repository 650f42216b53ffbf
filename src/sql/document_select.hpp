#pragma once
// Private helper of the compilers: the node selections of a connection field.

#include <vector>

#include "fraiseql/graphql/plan.hpp"

namespace fraiseql::sql {

/// The selections on the node type of a root `xConnection` field: one per `node` under any
/// `edges` (aliases may select either several times). Pointers into `connection`.
std::vector<const std::vector<graphql::field_plan>*>
connection_node_selections(const graphql::field_plan& connection);

} // namespace fraiseql::sql
