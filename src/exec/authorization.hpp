#pragma once
// @auth(roles:) on types and fields (product.md §5): a forbidden field is an
// error for that field (FORBIDDEN, null at its path), not for the request.

#include <list>
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
    /// Per root field: do not run it, answer null. Empty when no root field is forbidden
    /// (the common case allocates nothing): read it with forbidden().
    std::vector<bool> root_forbidden;
    /// The caller's own copy of the plan, made only when a forbidden *nested* field must
    /// read nothing (a stand-in replaces it); otherwise the shared plan (a plan-cache
    /// shape's, docs/adr/0017-compiled-plan-cache.md) is run as it is, never copied.
    std::optional<graphql::operation_plan> rewritten;
    /// Stand-ins for forbidden nested fields: same type, a key no document has, so
    /// the transform writes null there (and null propagation applies as usual). A list:
    /// stable addresses, and nothing allocated while empty (a deque allocates at once).
    std::list<graphql::field_def> stand_ins;

    bool forbidden(std::size_t root) const noexcept {
        return root < root_forbidden.size() && root_forbidden[root];
    }
    /// The plan to run: `rewritten` when authorization had to edit it, else `shared`.
    const graphql::operation_plan& plan(const graphql::operation_plan& shared) const noexcept {
        return rewritten ? *rewritten : shared;
    }
};

/// Whether any type or field of `s` has @auth. Without any, authorize() has nothing to
/// check for any caller (the engine asks once, at start-up, and skips it).
bool uses_auth(const graphql::schema& s) noexcept;

/// Checks every selected field of `plan` against the caller's roles. `plan` itself is
/// never edited: when a forbidden nested field must read nothing, `out.rewritten` gets a
/// copy with the stand-in in its place. Call before compiling the plan.
void authorize(const graphql::schema& s, const graphql::operation_plan& plan,
               const auth_context& who, authorization& out);

/// The refusal of a request whose credentials were refused (product.md §5, RFC 6750 §3):
/// 401, UNAUTHENTICATED, the generic message and the failure's challenge.
refusal unauthenticated(const auth_failure& why);

/// The introspection policy (product.md §5) for an operation that selects __schema or
/// __type: `disabled` refuses it for everybody (FORBIDDEN, 400); `authenticated` refuses
/// it to an anonymous caller like any missing credential (UNAUTHENTICATED, 401).
std::optional<refusal> check_introspection(const graphql::operation_plan& plan,
                                           const auth_context& who, introspection_policy policy);

} // namespace fraiseql::exec
