#pragma once
/// \file
/// The request's authentication context. Implemented by the auth component
/// (fraiseql/auth/authenticate.hpp); these names stay in fraiseql::exec for programs written
/// against 1.9 (docs/adr/0012-engine-stages-and-auth.md).

#include "fraiseql/auth/authenticate.hpp"
#include "fraiseql/exec/jwt.hpp"

namespace fraiseql::exec {

using auth::auth_context;
using auth::auth_failure;
using auth::authenticate;
using auth::claim_text;
using auth::roles_from_claims;

} // namespace fraiseql::exec
