// JWT verification: compact JWS parsing (RFC 7515 §7.1), header checks (§4.1), key selection,
// JWKS rotation, and the registered claims of RFC 7519 §4.1. The cryptography is in
// jwt_crypto.cpp. Decisions are documented in docs/security.md.

#include "fraiseql/auth/jwt.hpp"

#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <spdlog/spdlog.h>

#include "fraiseql/ascii.hpp"
#include "jwt_crypto.hpp"

namespace fraiseql::auth {

using jwt_detail::key_kind;
using jwt_detail::public_key;

namespace {

// A key file larger than this is a misconfiguration, not a key.
constexpr std::size_t max_key_file_size = 1 << 20;

using key_list = std::vector<public_key>;

/// What identifies one version of the JWKS file: a rewrite changes mtime and usually size; an
/// atomic replace (rename) changes the inode.
struct file_identity {
    std::int64_t mtime_sec = -1;
    std::int64_t mtime_nsec = 0;
    std::int64_t size = -1;
    std::uint64_t inode = 0;
    std::uint64_t device = 0;
    bool operator==(const file_identity&) const = default;
};

std::optional<file_identity> identify(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return std::nullopt;
    return file_identity{
        static_cast<std::int64_t>(st.st_mtim.tv_sec), static_cast<std::int64_t>(st.st_mtim.tv_nsec),
        static_cast<std::int64_t>(st.st_size), static_cast<std::uint64_t>(st.st_ino),
        static_cast<std::uint64_t>(st.st_dev)};
}

/// Reads a small file; the error says why (without the content).
fraiseql::result<std::string, std::string> read_small_file(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f)
        return failure{std::string("cannot open file")};
    std::string data;
    char buf[8192];
    bool too_big = false;
    for (;;) {
        const std::size_t n = std::fread(buf, 1, sizeof buf, f);
        data.append(buf, n);
        if (data.size() > max_key_file_size) {
            too_big = true;
            break;
        }
        if (n < sizeof buf)
            break;
    }
    const bool read_error = std::ferror(f) != 0;
    std::fclose(f);
    if (too_big)
        return failure{std::string("file larger than 1 MiB")};
    if (read_error)
        return failure{std::string("read error")};
    return data;
}

fraiseql::result<jwt_detail::jwks_keys, std::string> load_jwks_file(const std::string& path) {
    auto text = read_small_file(path);
    if (!text)
        return failure{std::move(text.error())};
    return jwt_detail::parse_jwks(*text);
}

enum class jws_alg { hs256, rs256, es256 };

jwt_error fail(jwt_error_code code, std::string message) {
    return jwt_error{code, std::move(message)};
}

/// A NumericDate (RFC 7519 §2): any JSON number, possibly non-integer.
std::optional<double> numeric_date(const boost::json::value& v) {
    double d = 0;
    if (v.is_int64())
        d = static_cast<double>(v.get_int64());
    else if (v.is_uint64())
        d = static_cast<double>(v.get_uint64());
    else if (v.is_double())
        d = v.get_double();
    else
        return std::nullopt;
    if (!std::isfinite(d))
        return std::nullopt;
    return d;
}

/// `typ` (RFC 7515 §4.1.9, RFC 7519 §5.1, RFC 9068 §2.1): absent or a JWT media type. Other
/// values ("dpop+jwt", "secevent+jwt", …) are tokens meant for another purpose that happen to
/// be signed by the same issuer; accepting them would allow cross-JWT confusion (RFC 8725
/// §3.11).
bool acceptable_typ(std::string_view typ) noexcept {
    if (typ.size() > 12 && ascii::iequals(typ.substr(0, 12), "application/"))
        typ.remove_prefix(12);
    return ascii::iequals(typ, "JWT") || ascii::iequals(typ, "at+jwt");
}

} // namespace

struct jwt_verifier::impl {
    jwt_config cfg;
    std::optional<public_key> pem_key;

    // JWKS state. `keys` is an immutable snapshot replaced on reload; readers copy the
    // shared_ptr under `state_mu` and verify without holding any lock.
    std::mutex state_mu;
    std::shared_ptr<const key_list> jwks;
    file_identity jwks_id;
    std::chrono::steady_clock::time_point last_check;
    /// The last re-read forced by an unknown `kid`. Rate-limited on a clock of its own: the
    /// plain look that precedes a forced one in verify() sets `last_check` microseconds
    /// earlier, and sharing that clock would rate-limit away every forced re-read.
    std::chrono::steady_clock::time_point last_forced;
    std::mutex reload_mu; // one reloader at a time; others keep using the current snapshot

    std::shared_ptr<const key_list> current_jwks() {
        std::lock_guard lk(state_mu);
        return jwks;
    }

    /// Looks at the JWKS file if the reload interval has passed: re-reads it when its identity
    /// changed, or unconditionally when `force` (a token named an unknown `kid`). A file that
    /// fails to load keeps the previous keys (logged).
    std::shared_ptr<const key_list> refresh_jwks(bool force) {
        const auto now = std::chrono::steady_clock::now();
        auto& last = force ? last_forced : last_check;
        {
            std::lock_guard lk(state_mu);
            if (now - last < cfg.jwks_reload_interval)
                return jwks;
        }
        std::unique_lock reload(reload_mu, std::try_to_lock);
        if (!reload.owns_lock())
            return current_jwks();
        file_identity previous;
        {
            std::lock_guard lk(state_mu);
            if (now - last < cfg.jwks_reload_interval)
                return jwks; // raced another thread
            last_check = now;
            if (force)
                last_forced = now;
            previous = jwks_id;
        }
        const auto id = identify(cfg.jwks_file);
        if (!id) {
            if (previous.mtime_sec != -1 || force)
                spdlog::warn("jwt_jwks_file {}: cannot stat; keeping the previous keys",
                             cfg.jwks_file);
            std::lock_guard lk(state_mu);
            jwks_id = file_identity{};
            return jwks;
        }
        if (*id == previous && !force)
            return current_jwks();
        auto loaded = load_jwks_file(cfg.jwks_file);
        std::lock_guard lk(state_mu);
        jwks_id = *id; // a broken version is not re-parsed until it changes (or a forced look)
        if (!loaded) {
            spdlog::warn("jwt_jwks_file {}: {}; keeping the previous keys", cfg.jwks_file,
                         loaded.error());
            return jwks;
        }
        spdlog::info("jwt_jwks_file {}: loaded {} key(s), skipped {}", cfg.jwks_file,
                     loaded->keys.size(), loaded->skipped);
        jwks = std::make_shared<const key_list>(std::move(loaded->keys));
        return jwks;
    }

    fraiseql::result<boost::json::object, jwt_error>
    verify(std::string_view token, std::chrono::system_clock::time_point now);

    fraiseql::result<boost::json::object, jwt_error>
    check_claims(boost::json::object claims, std::chrono::system_clock::time_point now) const;
};

fraiseql::result<boost::json::object, jwt_error>
jwt_verifier::impl::verify(std::string_view token, std::chrono::system_clock::time_point now) {
    // Bound all work before decoding anything: a size check costs nothing.
    if (token.size() > max_jwt_size)
        return failure{fail(jwt_error_code::malformed, "token larger than 16 KiB")};

    // RFC 7515 §7.1: BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(signature). Five
    // parts would be a JWE (RFC 7516), which is not supported.
    const auto dot1 = token.find('.');
    const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
        return failure{fail(jwt_error_code::malformed, "not a compact JWS (three parts)")};
    const auto header_b64 = token.substr(0, dot1);
    const auto payload_b64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
    const auto signature_b64 = token.substr(dot2 + 1);
    const auto signing_input = token.substr(0, dot2);

    std::string header_json;
    if (header_b64.empty() || !jwt_detail::base64url_decode(header_b64, header_json))
        return failure{fail(jwt_error_code::malformed, "header is not base64url")};
    boost::system::error_code ec;
    // Duplicate member names (RFC 7515 §4): Boost.JSON keeps the last one, which is one of the
    // two behaviours the RFC allows.
    boost::json::value header_v = boost::json::parse(header_json, ec);
    const auto* header = ec ? nullptr : header_v.if_object();
    if (!header)
        return failure{fail(jwt_error_code::malformed, "header is not a JSON object")};

    const auto* alg_v = header->if_contains("alg");
    if (!alg_v || !alg_v->is_string())
        return failure{fail(jwt_error_code::malformed, "header has no string \"alg\"")};
    const std::string_view alg_name = alg_v->get_string();
    jws_alg alg{};
    // Case-sensitive (RFC 7515 §4.1.1). "none" and everything else is refused here.
    if (alg_name == "HS256")
        alg = jws_alg::hs256;
    else if (alg_name == "RS256")
        alg = jws_alg::rs256;
    else if (alg_name == "ES256")
        alg = jws_alg::es256;
    else
        return failure{fail(jwt_error_code::unsupported_algorithm, "unsupported \"alg\"")};

    // RFC 7515 §4.1.11: extensions listed in "crit" must be understood; we understand none.
    if (header->contains("crit"))
        return failure{fail(jwt_error_code::malformed, "\"crit\" header is not supported")};
    if (const auto* typ = header->if_contains("typ")) {
        if (!typ->is_string() || !acceptable_typ(typ->get_string()))
            return failure{fail(jwt_error_code::malformed, "\"typ\" is not a JWT media type")};
    }
    std::optional<std::string_view> kid;
    if (const auto* k = header->if_contains("kid")) {
        if (!k->is_string())
            return failure{fail(jwt_error_code::malformed, "\"kid\" not a string")};
        kid = k->get_string();
    }
    // "jwk", "jku", "x5u", "x5c" are ignored on purpose: a key that the token carries or points
    // to is chosen by whoever made the token (RFC 8725 §3.10).

    std::string signature;
    if (!jwt_detail::base64url_decode(signature_b64, signature))
        return failure{fail(jwt_error_code::malformed, "signature is not base64url")};

    // Key selection. Each algorithm has its own key type, so algorithm confusion is structural:
    // HS256 only ever uses jwt_secret, RS256 only RSA keys, ES256 only P-256 keys.
    if (alg == jws_alg::hs256) {
        if (cfg.secret.empty())
            return failure{fail(jwt_error_code::unsupported_algorithm,
                                "HS256 token but no jwt_secret configured")};
        if (!jwt_detail::verify_hs256(cfg.secret, signing_input, signature))
            return failure{fail(jwt_error_code::bad_signature, "HS256 signature mismatch")};
    } else {
        const key_kind want = alg == jws_alg::rs256 ? key_kind::rsa : key_kind::ec_p256;
        std::vector<jwt_detail::pkey_ptr> candidates;
        bool any_of_kind = false;
        if (pem_key && pem_key->kind == want) {
            // The PEM key has no kid: it is the default key, tried whatever the token names.
            any_of_kind = true;
            candidates.push_back(pem_key->pkey);
        }
        if (!cfg.jwks_file.empty()) {
            auto collect = [&](const key_list& keys) {
                bool matched = false;
                for (const auto& k : keys) {
                    if (k.kind != want)
                        continue;
                    any_of_kind = true;
                    if (kid && k.kid != *kid)
                        continue;
                    matched = true;
                    candidates.push_back(k.pkey);
                }
                return matched;
            };
            auto keys = refresh_jwks(false);
            // An unknown kid is the signal that the keys were rotated: look again (the
            // reload interval rate-limits this, so random kids cannot make us re-read the
            // file on every request).
            if (!collect(*keys) && kid) {
                auto again = refresh_jwks(true);
                if (again != keys)
                    collect(*again);
            }
        }
        if (candidates.empty()) {
            if (any_of_kind)
                return failure{fail(jwt_error_code::unknown_key, "no key with the token's kid")};
            return failure{fail(jwt_error_code::unsupported_algorithm,
                                std::string(alg_name) + " token but no such key configured")};
        }
        bool ok = false;
        for (const auto& key : candidates) {
            ok = alg == jws_alg::rs256
                     ? jwt_detail::verify_rs256(key.get(), signing_input, signature)
                     : jwt_detail::verify_es256(key.get(), signing_input, signature);
            if (ok)
                break;
        }
        if (!ok)
            return failure{fail(jwt_error_code::bad_signature,
                                std::string(alg_name) + " signature does not verify")};
    }

    // Only now, with the signature verified, is the payload decoded and parsed.
    std::string payload_json;
    if (!jwt_detail::base64url_decode(payload_b64, payload_json))
        return failure{fail(jwt_error_code::malformed, "payload is not base64url")};
    boost::json::value payload_v = boost::json::parse(payload_json, ec);
    auto* claims = ec ? nullptr : payload_v.if_object();
    if (!claims)
        return failure{fail(jwt_error_code::malformed, "payload is not a JSON object")};
    return check_claims(std::move(*claims), now);
}

fraiseql::result<boost::json::object, jwt_error>
jwt_verifier::impl::check_claims(boost::json::object claims,
                                 std::chrono::system_clock::time_point now) const {
    const double now_s = std::chrono::duration<double>(now.time_since_epoch()).count();
    const auto leeway = static_cast<double>(cfg.leeway.count());
    // RFC 7519 §4.1.4: the current time must be before exp. A missing exp is accepted (the
    // product has no key to require it; documented in docs/security.md).
    if (const auto* v = claims.if_contains("exp")) {
        const auto exp = numeric_date(*v);
        if (!exp)
            return failure{fail(jwt_error_code::malformed, "\"exp\" is not a number")};
        if (now_s >= *exp + leeway)
            return failure{fail(jwt_error_code::expired, "token expired")};
    }
    // RFC 7519 §4.1.5: not accepted before nbf.
    if (const auto* v = claims.if_contains("nbf")) {
        const auto nbf = numeric_date(*v);
        if (!nbf)
            return failure{fail(jwt_error_code::malformed, "\"nbf\" is not a number")};
        if (now_s < *nbf - leeway)
            return failure{fail(jwt_error_code::not_yet_valid, "token not yet valid (nbf)")};
    }
    // RFC 7519 §4.1.1: StringOrURI compared as a case-sensitive string.
    if (!cfg.issuer.empty()) {
        const auto* iss = claims.if_contains("iss");
        if (!iss || !iss->is_string() || iss->get_string() != cfg.issuer)
            return failure{
                fail(jwt_error_code::wrong_issuer, "\"iss\" is not the configured issuer")};
    }
    // RFC 7519 §4.1.3: a string or an array of strings, one of which must identify us.
    if (!cfg.audience.empty()) {
        bool found = false;
        if (const auto* aud = claims.if_contains("aud")) {
            if (aud->is_string()) {
                found = aud->get_string() == cfg.audience;
            } else if (const auto* arr = aud->if_array()) {
                for (const auto& a : *arr)
                    found = found || (a.is_string() && a.get_string() == cfg.audience);
            }
        }
        if (!found)
            return failure{fail(jwt_error_code::wrong_audience,
                                "\"aud\" does not contain the configured audience")};
    }
    return claims;
}

std::string_view to_string(jwt_error_code c) noexcept {
    switch (c) {
    case jwt_error_code::malformed:
        return "malformed";
    case jwt_error_code::bad_signature:
        return "bad_signature";
    case jwt_error_code::expired:
        return "expired";
    case jwt_error_code::not_yet_valid:
        return "not_yet_valid";
    case jwt_error_code::wrong_issuer:
        return "wrong_issuer";
    case jwt_error_code::wrong_audience:
        return "wrong_audience";
    case jwt_error_code::unsupported_algorithm:
        return "unsupported_algorithm";
    case jwt_error_code::unknown_key:
        return "unknown_key";
    }
    return "unknown";
}

jwt_verifier::jwt_verifier(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
jwt_verifier::~jwt_verifier() = default;

fraiseql::result<std::shared_ptr<jwt_verifier>, std::string>
jwt_verifier::create(const jwt_config& cfg) {
    if (!cfg.has_key())
        return failure{std::string(
            "JWT: no key configured (set jwt_secret, jwt_public_key_file or jwt_jwks_file)")};
    if (cfg.leeway.count() < 0)
        return failure{std::string("jwt_leeway: must not be negative")};
    // RFC 7518 §3.2: "A key of the same size as the hash output (for instance, 256 bits for
    // "HS256") or larger MUST be used with this algorithm."
    if (!cfg.secret.empty() && cfg.secret.size() < 32)
        return failure{"jwt_secret: too short (" + std::to_string(cfg.secret.size()) +
                       " bytes); HS256 needs at least 32 bytes (RFC 7518 section 3.2)"};

    auto p = std::make_unique<impl>();
    p->cfg = cfg;
    if (!cfg.public_key_file.empty()) {
        auto text = read_small_file(cfg.public_key_file);
        if (!text)
            return failure{"jwt_public_key_file " + cfg.public_key_file + ": " + text.error()};
        auto key = jwt_detail::load_pem_public_key(*text);
        if (!key)
            return failure{"jwt_public_key_file " + cfg.public_key_file + ": " + key.error()};
        p->pem_key = std::move(*key);
    }
    if (!cfg.jwks_file.empty()) {
        // The identity is taken before reading, so a rewrite racing this read is seen later.
        const auto id = identify(cfg.jwks_file);
        auto keys = load_jwks_file(cfg.jwks_file);
        if (!id || !keys) {
            return failure{"jwt_jwks_file " + cfg.jwks_file + ": " +
                           (keys ? std::string("cannot stat") : keys.error())};
        }
        p->jwks = std::make_shared<const key_list>(std::move(keys->keys));
        p->jwks_id = *id;
        p->last_check = p->last_forced = std::chrono::steady_clock::now();
    }
    return std::shared_ptr<jwt_verifier>(new jwt_verifier(std::move(p)));
}

fraiseql::result<boost::json::object, jwt_error>
jwt_verifier::verify(std::string_view token, std::chrono::system_clock::time_point now) const {
    try {
        return impl_->verify(token, now);
    } catch (const std::exception&) {
        // Only allocation failure can get here (Boost.JSON and std containers); the contract
        // is "never throws", and a refusal is the safe answer.
        return failure{fail(jwt_error_code::malformed, "internal error while verifying")};
    }
}

} // namespace fraiseql::auth
