#pragma once
/// \file
/// The bound plan: an operation resolved against the schema. Fragments,
/// @skip/@include and variables are fully resolved here, so the SQL compiler
/// and the response pipeline never see them.

#include <cstdint>
#include <string>
#include <vector>

#include "fraiseql/graphql/schema.hpp"
#include "fraiseql/graphql/value.hpp"

namespace fraiseql::graphql {

/// What resolves a root field, decided once by the planner (bind_operation) so that
/// nothing downstream compares field names. Only root fields are marked; nested fields
/// keep `none`.
enum class root_resolver : std::uint8_t {
    none,        ///< not a root field (or a root field with no resolver: an internal error)
    typename_,   ///< `__typename` on the root type
    schema,      ///< `__schema` (introspection)
    type,        ///< `__type(name:)` (introspection)
    list,        ///< a root list field of a @view type (product.md §3)
    single,      ///< a root single-object lookup
    connection,  ///< a root Relay connection field
    mutation,    ///< a root field of Mutation (a @function)
    aggregate,   ///< `xsAggregate` of a @view type (product.md §3.6): one row of aggregates
    group_by,    ///< `xsGroupBy` of a @view type (product.md §3.6): one row per group
};

/// One selected field, with its coerced arguments and merged sub-selection.
struct field_plan {
    std::string response_key;            ///< alias, or the field name
    std::string name;                    ///< field name ("__typename" for the meta field)
    const field_def* field = nullptr;    ///< nullptr for __typename / __schema / __type
    const type_def* parent = nullptr;    ///< the object type the field is selected on
    std::vector<std::pair<std::string, input_value>> args; ///< coerced, defaults applied, in schema order
    std::vector<field_plan> selection;   ///< merged sub-selection (object-typed fields)
    /// For fields of abstract type (union/interface): the merged selection per
    /// concrete object type that can appear here.
    std::vector<std::pair<std::string, std::vector<field_plan>>> selection_by_type;
    source_location loc;
    root_resolver resolved_by = root_resolver::none; ///< set on root fields only

    const input_value* arg(std::string_view n) const noexcept {
        for (const auto& [k, v] : args) if (k == n) return &v;
        return nullptr;
    }
};

enum class operation_kind : std::uint8_t { query, mutation, subscription };

struct operation_plan {
    operation_kind kind = operation_kind::query;
    std::string name;
    std::vector<field_plan> root_fields;
};

/// Sets `resolved_by` on each root field of a bound operation of kind `kind`.
void mark_root_resolvers(operation_kind kind, std::vector<field_plan>& roots) noexcept;

} // namespace fraiseql::graphql
