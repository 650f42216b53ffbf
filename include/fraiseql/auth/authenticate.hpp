#pragma once
/// \file
/// The authentication context of a request: who the caller is (verified JWT claims, roles) or
/// that the caller is anonymous. Built once per request from the `Authorization` header
/// (RFC 6750 §2.1 bearer tokens); see docs/security.md.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "fraiseql/auth/jwt.hpp"
#include "fraiseql/result.hpp"

namespace fraiseql::auth {

/// What the rest of the pipeline sees about the caller.
struct auth_context {
    bool authenticated = false;
    boost::json::object claims; ///< the verified JWT claims; empty when anonymous
    /// From the `roles` claim (array of strings, or one string separated by spaces/commas) and
    /// the `role` claim (string or array), de-duplicated, in order of appearance.
    std::vector<std::string> roles;

    /// Whether `roles` contains `role` (exact, case-sensitive).
    bool has_role(std::string_view role) const noexcept;
};

/// Why authentication failed. Every reason maps to the same client-visible answer: GraphQL
/// error code UNAUTHENTICATED, HTTP 401, `client_message`, and a `WWW-Authenticate` header
/// (`www_authenticate()`); the details are for logs only.
struct auth_failure {
    enum class reason {
        missing_credentials, ///< no Authorization header and anonymous access is not allowed
        unsupported_scheme,  ///< not "Bearer" (e.g. "Basic")
        malformed_header,    ///< "Bearer" without a token, or more than one token
        not_configured,      ///< a bearer token, but no JWT key is configured to verify it
        invalid_token,       ///< the verifier refused the token (see `jwt_code`)
    };
    reason why = reason::missing_credentials;
    std::optional<jwt_error_code> jwt_code; ///< set when `why == invalid_token`
    std::string log_message; ///< internal detail; never contains the token or key material

    static constexpr int http_status = 401;
    static constexpr std::string_view client_message = "Authentication required";

    /// The RFC 6750 §3 challenge: `Bearer` when no credentials were sent, otherwise
    /// `Bearer error="invalid_token"` (or `invalid_request` for a malformed header).
    std::string_view www_authenticate() const noexcept;
};

std::string_view to_string(auth_failure::reason) noexcept;

/// Authenticates a request from its Authorization header value (`""` = no header; surrounding
/// whitespace is ignored). No header: anonymous if `allow_anonymous`, else an error.
/// `Bearer <jwt>` (scheme case-insensitive, RFC 7235 §2.1): verified with `verifier` at `now`
/// (a null verifier refuses every token). Anything else is an error — an invalid credential
/// never degrades to anonymous access. Never throws.
fraiseql::result<auth_context, auth_failure>
authenticate(std::string_view authorization_header, const jwt_verifier* verifier,
             bool allow_anonymous, std::chrono::system_clock::time_point now);

/// The roles carried by `claims` (see auth_context::roles).
std::vector<std::string> roles_from_claims(const boost::json::object& claims);

/// The value of claim `name` as text for a session variable: "" when absent or null; strings
/// as is; integers in decimal; other numbers in the shortest round-trip form; `true`/`false`;
/// objects and arrays as compact JSON.
std::string claim_text(const boost::json::object& claims, std::string_view name);

} // namespace fraiseql::auth
