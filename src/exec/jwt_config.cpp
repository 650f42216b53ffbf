// The server configuration's jwt_* keys for the verifier of the auth component, which knows
// nothing of exec::config (it sits below exec).

#include "fraiseql/exec/jwt.hpp"

namespace fraiseql::exec {

jwt_config make_jwt_config(const config& cfg) {
    jwt_config j;
    j.secret = cfg.jwt_secret;
    j.public_key_file = cfg.jwt_public_key_file;
    j.jwks_file = cfg.jwt_jwks_file;
    j.issuer = cfg.jwt_issuer;
    j.audience = cfg.jwt_audience;
    j.leeway = cfg.jwt_leeway;
    return j;
}

} // namespace fraiseql::exec
