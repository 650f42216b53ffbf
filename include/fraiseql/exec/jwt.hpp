#pragma once
/// \file
/// Token verification for the engine. The verifier is the auth component
/// (fraiseql/auth/jwt.hpp, library fraiseql::auth, below exec: no Asio, no engine); these
/// names stay in fraiseql::exec for programs written against 1.9
/// (docs/adr/0005-library-api-and-abi.md, docs/adr/0012-engine-stages-and-auth.md).

#include "fraiseql/auth/jwt.hpp"
#include "fraiseql/exec/config.hpp"

namespace fraiseql::exec {

using auth::jwt_config;
using auth::jwt_error;
using auth::jwt_error_code;
using auth::jwt_verifier;
using auth::max_jwt_size;
using auth::to_string;

/// The `jwt_*` keys of the server configuration, as the verifier's configuration.
jwt_config make_jwt_config(const config& cfg);

} // namespace fraiseql::exec
