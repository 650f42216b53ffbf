#pragma once
// Private helper of the compilers: the node selections of a connection field.

#include <optional>
#include <vector>

#include "fraiseql/graphql/plan.hpp"
#include "fraiseql/graphql/schema.hpp"

namespace fraiseql::sql {

/// The selections on the node type of a root `xConnection` field: one per `node` under any
/// `edges` (aliases may select either several times). Pointers into `connection`.
std::vector<const std::vector<graphql::field_plan>*>
connection_node_selections(const graphql::field_plan& connection);

/// What a root field reads: its node type (T of `[T]`, `T`, or `TConnection`) and the relation
/// — the type's @view, with the field's own `@view(name:)` overriding the name; a type without
/// @view read through a field's `@view(name:)` gets the defaults (`jsonbColumn: "data"`, columns
/// from nowhere: JSONB paths). nullopt when there is neither.
struct root_source {
    const graphql::type_def* node = nullptr;
    graphql::view_def view;
};
std::optional<root_source> root_source_of(const graphql::schema& s, const graphql::field_def& fd);

} // namespace fraiseql::sql
