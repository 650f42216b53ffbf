#pragma once
// @auth(roles:) on types and fields (product.md §5): a forbidden field is an
// error for that field (FORBIDDEN, null at its path), not for the request.

#include <deque>
#include <optional>
#include <vector>

#include "fraiseql/exec/auth.hpp"
#include "fraiseql/exec/config.hpp"
#include "fraiseql/graphql/error.hpp"
#include "fraiseql/graphql/plan.hpp"
#include "fraiseql/graphql/schema.hpp"
#include "refusal.hpp"

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

/// The refusal of a request whose credentials were refused (product.md §5, RFC 6750 §3):
/// 401, UNAUTHENTICATED, the generic message and the failure's challenge.
refusal unauthenticated(const auth_failure& why);

/// The introspection policy (product.md §5) for an operation that selects __schema or
/// __type: `disabled` refuses it for everybody (FORBIDDEN, 400); `authenticated` refuses
/// it to an anonymous caller like any missing credential (UNAUTHENTICATED, 401).
std::optional<refusal> check_introspection(const graphql::operation_plan& plan,
                                           const auth_context& who, introspection_policy policy);

} // namespace fraiseql::exec
