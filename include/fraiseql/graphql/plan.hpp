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

} // namespace fraiseql::graphql
