#pragma once
/// \file
/// JWT verification (RFC 7519) of compact JWS tokens (RFC 7515) signed with HS256, RS256 or
/// ES256 (RFC 7518 §3), with keys from the configuration: a shared secret, a PEM public key
/// file, and/or a JWKS file (RFC 7517) that is re-read when it changes. See docs/security.md
/// for the model and every decision (what is refused and why).

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "fraiseql/result.hpp"

namespace fraiseql::auth {

/// The verifier's configuration (the server's config keys `jwt_*`, product.md §5, which
/// exec::make_jwt_config maps).
struct jwt_config {
    /// HS256 shared secret, used as raw bytes. Empty: HS256 is not accepted. At least 32 bytes
    /// (RFC 7518 §3.2: the key must be at least as long as the hash output).
    std::string secret;
    /// PEM public key (SubjectPublicKeyInfo or PKCS#1 RSA): RSA >= 2048 bits (RS256) or EC
    /// P-256 (ES256). The key type decides the one algorithm it verifies.
    std::string public_key_file;
    /// JWKS file (`{"keys":[...]}`): RSA (`n`,`e`) and EC P-256 (`x`,`y`) keys, selected by
    /// `kid`. Re-read when its modification time/size/inode changes, or when a token names an
    /// unknown `kid` — both at most once per `jwks_reload_interval`.
    std::string jwks_file;
    std::string issuer;             ///< non-empty: `iss` must be exactly this string
    std::string audience;           ///< non-empty: `aud` (string or array) must contain this string
    std::chrono::seconds leeway{0}; ///< clock skew tolerated for `exp` and `nbf`
    /// Minimum time between two looks at the JWKS file (stat or forced re-read). Not a config
    /// key; tests set it to zero.
    std::chrono::milliseconds jwks_reload_interval{1000};

    /// Whether any key is configured (if not, there is nothing to verify tokens with).
    bool has_key() const noexcept {
        return !secret.empty() || !public_key_file.empty() || !jwks_file.empty();
    }
};

/// Why a token was refused. The codes are for logs and metrics; clients only ever see a
/// generic UNAUTHENTICATED (see auth.hpp).
enum class jwt_error_code {
    malformed,             ///< not a compact JWS, bad base64url, not JSON, bad header/claim type
    bad_signature,         ///< the signature does not verify with the selected key(s)
    expired,               ///< now >= exp + leeway
    not_yet_valid,         ///< now < nbf - leeway
    wrong_issuer,          ///< `iss` missing or different from the configured issuer
    wrong_audience,        ///< `aud` missing or not containing the configured audience
    unsupported_algorithm, ///< `alg` is none/unknown, or no key for it is configured
    unknown_key,           ///< keys for `alg` exist but none has the token's `kid`
};

std::string_view to_string(jwt_error_code) noexcept;

/// A refusal: a code plus an internal message for logs. The message never contains the token,
/// any part of it, or key material.
struct jwt_error {
    jwt_error_code code = jwt_error_code::malformed;
    std::string message;
};

/// Tokens longer than this are refused before any decoding.
inline constexpr std::size_t max_jwt_size = 16 * 1024;

/// Verifies tokens. Created once at start-up, then shared: `verify` may be called from any
/// number of threads at once (the JWKS key set is swapped atomically on reload).
class jwt_verifier {
public:
    /// Loads the keys. Errors (missing/unreadable/invalid key file, unusable JWKS, short secret,
    /// no key at all) are messages that name the configuration key; never key material.
    static fraiseql::result<std::shared_ptr<jwt_verifier>, std::string>
    create(const jwt_config& cfg);

    ~jwt_verifier();
    jwt_verifier(const jwt_verifier&) = delete;
    jwt_verifier& operator=(const jwt_verifier&) = delete;

    /// Verifies a compact JWS and its registered claims at time `now`; returns the claims.
    /// Never throws. May read the JWKS file (small, local, rate-limited) on the calling thread.
    fraiseql::result<boost::json::object, jwt_error>
    verify(std::string_view token, std::chrono::system_clock::time_point now) const;

private:
    struct impl;
    explicit jwt_verifier(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

} // namespace fraiseql::auth
