#pragma once
// @auth(roles:) on types and fields (product.md §5): a forbidden field is an
// error for that field (FORBIDDEN, null at its path), not for the request.

#include <deque>
#include <vector>

#include "fraiseql/exec/auth.hpp"
#include "fraiseql/graphql/error.hpp"
#include "fraiseql/graphql/plan.hpp"
#include "fraiseql/graphql/schema.hpp"

namespace fraiseql::exec {

struct authorization {
    std::vector<graphql::error> errors;   ///< one FORBIDDEN error per forbidden selection
    std::vector<bool> root_forbidden;     ///< per root field: do not run it, answer null
    /// Stand-ins for forbidden nested fields: same type, a key no document has, so
    /// the transform writes null there (and null propagation applies as usual).
    std::deque<graphql::field_def> stand_ins;
};

/// Checks every selected field of `plan` against the caller's roles, rewriting
/// forbidden nested fields to read nothing. Call before compiling the plan.
void authorize(const graphql::schema& s, graphql::operation_plan& plan, const auth_context& who,
               authorization& out);

} // namespace fraiseql::exec
