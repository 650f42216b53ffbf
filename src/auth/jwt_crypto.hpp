#pragma once
/// \file
/// Private building blocks of the JWT verifier: strict base64url (RFC 7515 §2 / RFC 4648 §5),
/// public keys from PEM and JWKS (RFC 7517, RFC 7518 §6), and the three signature checks
/// (RFC 7518 §3.2–3.4) on OpenSSL 3 EVP. No function here throws on bad input or logs; none
/// leaves entries on the calling thread's OpenSSL error queue (that queue is shared with the
/// TLS code running on the same thread, which reads it to classify its own errors).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/types.h>

#include "fraiseql/result.hpp"

namespace fraiseql::auth::jwt_detail {

/// Decodes unpadded base64url. Refuses padding, characters outside [A-Za-z0-9_-], a length of
/// 1 mod 4 and non-zero unused trailing bits, so every byte string has exactly one accepted
/// encoding (no signature or token malleability through alternative encodings).
bool base64url_decode(std::string_view in, std::string& out);

/// Encodes as unpadded base64url.
std::string base64url_encode(std::string_view in);

/// The key types the verifier accepts; each verifies exactly one JWS algorithm.
enum class key_kind {
    rsa,     ///< RSA >= 2048 bits: RS256 only
    ec_p256, ///< EC on P-256: ES256 only
};

using pkey_ptr = std::shared_ptr<EVP_PKEY>; ///< shared by the key-set snapshots

struct public_key {
    key_kind kind = key_kind::rsa;
    std::string kid; ///< "" when the key has none (PEM file, or JWKS entry without `kid`)
    pkey_ptr pkey;
};

/// Classifies an EVP_PKEY (takes ownership): RSA (2048..16384 bits, passes the public check)
/// or EC P-256; anything else is an error message.
fraiseql::result<public_key, std::string> classify_key(EVP_PKEY* pkey);

/// A public key from PEM text ("PUBLIC KEY" or "RSA PUBLIC KEY").
fraiseql::result<public_key, std::string> load_pem_public_key(std::string_view pem);

/// The result of reading a JWKS document.
struct jwks_keys {
    std::vector<public_key> keys;
    std::size_t skipped = 0; ///< entries ignored (other kty/crv/use/alg, or no `verify` op)
};

/// Parses a JWKS document. Entries of a type this verifier cannot use are skipped; an entry of
/// a usable type with broken or private key material refuses the whole document (a
/// misconfiguration must be loud). Zero usable keys is an error.
fraiseql::result<jwks_keys, std::string> parse_jwks(std::string_view json);

/// HMAC-SHA256 of `input` with `secret`, compared in constant time with `sig`.
bool verify_hs256(std::string_view secret, std::string_view input, std::string_view sig);

/// RSASSA-PKCS1-v1_5 with SHA-256.
bool verify_rs256(EVP_PKEY* key, std::string_view input, std::string_view sig);

/// ECDSA P-256 with SHA-256; `sig` is the JWS form R||S (exactly 64 bytes, RFC 7518 §3.4).
bool verify_es256(EVP_PKEY* key, std::string_view input, std::string_view sig);

/// R||S (64 bytes) to the DER ECDSA-Sig-Value EVP_DigestVerify expects; "" if not 64 bytes.
std::string es256_raw_to_der(std::string_view raw);

} // namespace fraiseql::auth::jwt_detail
