#pragma once
// field_plan selection -> json::projection (the transform's compiled selection).

#include <memory>
#include <vector>

#include "fraiseql/graphql/plan.hpp"
#include "fraiseql/graphql/schema.hpp"
#include "fraiseql/json/projection.hpp"

namespace fraiseql::exec {

/// Builds the projection of `selection` on object type `type`: source keys from the
/// schema (the §2 rule or @key), response keys from aliases, non-null flags from the
/// declared types, `__typename` literals.
std::shared_ptr<const json::projection> build_projection(const graphql::schema& s,
                                                         const graphql::type_def& type,
                                                         const std::vector<graphql::field_plan>& selection);

} // namespace fraiseql::exec
