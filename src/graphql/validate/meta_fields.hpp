#pragma once
// Private to the graphql component: the meta-fields of spec §4.2 (`__schema` and
// `__type(name:)` on the query root, `__typename` on every composite type) as field
// definitions, defined once for the validator (graphql-js's TypeInfo) and the planner.

#include "fraiseql/graphql/schema.hpp"

namespace fraiseql::graphql::detail {

struct meta_fields {
    field_def schema_field, type_field, typename_field;
};

/// The one instance, built on first use (thread-safe static initialisation).
const meta_fields& meta();

} // namespace fraiseql::graphql::detail
