#pragma once
/// \file
/// Binding an executable document to the schema: operation selection, variable
/// coercion (spec §6.1.2), field collection with fragments and @skip/@include
/// (§6.3.2), argument coercion (§6.4.1), and the checks that need the schema
/// (unknown fields/arguments, leaf and composite selections, required arguments),
/// plus the configured limits (depth, aliases).

#include <string_view>
#include <vector>

#include "fraiseql/graphql/ast.hpp"
#include "fraiseql/graphql/error.hpp"
#include "fraiseql/graphql/plan.hpp"
#include "fraiseql/graphql/schema.hpp"
#include "fraiseql/result.hpp"

namespace fraiseql::graphql {

struct plan_options {
    std::uint32_t max_depth = 15;    ///< 0: unlimited
    std::uint32_t max_aliases = 30;  ///< fields written with an alias; 0: unlimited
};

/// Plans the operation. `variables` is the raw JSON of the request's variables
/// (an object, or null) as an input_value tree where JSON strings are `string`.
/// Errors carry codes: GRAPHQL_VALIDATION_FAILED, BAD_USER_INPUT, QUERY_TOO_COMPLEX.
fraiseql::result<operation_plan, std::vector<error>>
plan_operation(const schema& s, const document& doc, std::string_view operation_name,
               const input_value& variables, const plan_options& opts = {});

/// The operation kind that `operation_name` selects in `doc` (for the GET rule),
/// or nullopt when it cannot be determined.
std::optional<operation_kind> selected_operation_kind(const document& doc,
                                                      std::string_view operation_name);

/// Coerces a raw value (JSON-like) to an input type (spec §3.x Input Coercion);
/// `what` names the value in the error message.
fraiseql::result<input_value, std::string> coerce_input(const schema& s, const input_value& raw,
                                                        const type_expr& type);

} // namespace fraiseql::graphql
