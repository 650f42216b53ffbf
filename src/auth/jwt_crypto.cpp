#include "jwt_crypto.hpp"

#include <array>
#include <cstdint>
#include <cstring>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

namespace fraiseql::auth::jwt_detail {
namespace {

/// Restores the thread's OpenSSL error queue on scope exit: whatever we pushed is dropped,
/// whatever was there before stays (see the file comment in jwt_crypto.hpp).
class error_queue_guard {
public:
    error_queue_guard() { ERR_set_mark(); }
    ~error_queue_guard() { ERR_pop_to_mark(); }
    error_queue_guard(const error_queue_guard&) = delete;
    error_queue_guard& operator=(const error_queue_guard&) = delete;
};

int base64url_value(unsigned char c) noexcept {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

const unsigned char* bytes(std::string_view s) noexcept {
    return reinterpret_cast<const unsigned char*>(s.data());
}

// Fetched once: fetching per call takes a lock on the provider's method store. Both objects
// are reference counted and safe to use from many threads at once (OpenSSL 3 threading
// model, openssl-threads(7)). They live until exit on purpose.
const EVP_MD* sha256() {
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return md;
}
EVP_MAC* hmac() {
    static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    return mac;
}

struct bn_free {
    void operator()(BIGNUM* b) const noexcept { BN_free(b); }
};
using bn_ptr = std::unique_ptr<BIGNUM, bn_free>;
struct param_bld_free {
    void operator()(OSSL_PARAM_BLD* b) const noexcept { OSSL_PARAM_BLD_free(b); }
};
struct param_free {
    void operator()(OSSL_PARAM* p) const noexcept { OSSL_PARAM_free(p); }
};
struct pkey_ctx_free {
    void operator()(EVP_PKEY_CTX* c) const noexcept { EVP_PKEY_CTX_free(c); }
};
using pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, pkey_ctx_free>;

/// EVP_PKEY_fromdata for a public key of `type` ("RSA" or "EC") from the built parameters.
EVP_PKEY* key_from_params(const char* type, OSSL_PARAM_BLD* bld) {
    std::unique_ptr<OSSL_PARAM, param_free> params(OSSL_PARAM_BLD_to_param(bld));
    if (!params)
        return nullptr;
    pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1)
        return nullptr;
    EVP_PKEY* key = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        return nullptr;
    return key;
}

fraiseql::result<public_key, std::string> rsa_from_jwk(const boost::json::object& o) {
    // RFC 7518 §6.3.1: n and e are base64url big-endian unsigned integers.
    std::string n;
    std::string e;
    const auto* nv = o.if_contains("n");
    const auto* ev = o.if_contains("e");
    if (!nv || !nv->is_string() || !ev || !ev->is_string())
        return failure{std::string("RSA key needs string members n and e")};
    if (!base64url_decode(nv->get_string(), n) || n.empty() ||
        !base64url_decode(ev->get_string(), e) || e.empty())
        return failure{std::string("RSA key has invalid base64url in n or e")};
    bn_ptr bn_n(BN_bin2bn(bytes(n), static_cast<int>(n.size()), nullptr));
    bn_ptr bn_e(BN_bin2bn(bytes(e), static_cast<int>(e.size()), nullptr));
    std::unique_ptr<OSSL_PARAM_BLD, param_bld_free> bld(OSSL_PARAM_BLD_new());
    if (!bn_n || !bn_e || !bld ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1)
        return failure{std::string("RSA key could not be built")};
    EVP_PKEY* key = key_from_params("RSA", bld.get());
    if (!key)
        return failure{std::string("RSA key was refused by OpenSSL")};
    return classify_key(key);
}

fraiseql::result<public_key, std::string> ec_from_jwk(const boost::json::object& o) {
    // RFC 7518 §6.2.1: x and y are the full-length (32 bytes for P-256) coordinates.
    std::string x;
    std::string y;
    const auto* xv = o.if_contains("x");
    const auto* yv = o.if_contains("y");
    if (!xv || !xv->is_string() || !yv || !yv->is_string())
        return failure{std::string("EC key needs string members x and y")};
    if (!base64url_decode(xv->get_string(), x) || !base64url_decode(yv->get_string(), y))
        return failure{std::string("EC key has invalid base64url in x or y")};
    if (x.size() != 32 || y.size() != 32)
        return failure{std::string("EC P-256 key coordinates must be 32 bytes each")};
    // Uncompressed SEC1 point: 0x04 || X || Y.
    std::array<unsigned char, 65> point{};
    point[0] = 0x04;
    std::memcpy(point.data() + 1, x.data(), 32);
    std::memcpy(point.data() + 33, y.data(), 32);
    std::unique_ptr<OSSL_PARAM_BLD, param_bld_free> bld(OSSL_PARAM_BLD_new());
    if (!bld ||
        OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
            1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                         point.size()) != 1)
        return failure{std::string("EC key could not be built")};
    EVP_PKEY* key = key_from_params("EC", bld.get());
    if (!key)
        return failure{std::string("EC key is not a point on P-256")};
    return classify_key(key);
}

/// The member `name` if it is a string.
bool string_member(const boost::json::object& o, std::string_view name, std::string_view& out) {
    const auto* v = o.if_contains(name);
    if (!v || !v->is_string())
        return false;
    out = v->get_string();
    return true;
}

bool digest_verify(EVP_PKEY* key, bool rsa, std::string_view input, std::string_view sig) {
    const EVP_MD* md = sha256();
    if (!key || !md)
        return false;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (!ctx)
        return false;
    EVP_PKEY_CTX* pctx = nullptr; // owned by ctx
    // EVP_DigestVerifyInit does not modify the key: concurrent use of one EVP_PKEY with a
    // context per call is safe.
    bool ok = EVP_DigestVerifyInit(ctx, &pctx, md, nullptr, key) == 1;
    // RFC 7518 §3.3: RSASSA-PKCS1-v1_5 — the default, but said explicitly so that a provider
    // or key default can never turn this into PSS.
    if (ok && rsa)
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
    ok = ok && EVP_DigestVerify(ctx, bytes(sig), sig.size(), bytes(input), input.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

} // namespace

bool base64url_decode(std::string_view in, std::string& out) {
    out.clear();
    if (in.size() % 4 == 1)
        return false; // 6 bits cannot make a byte
    out.reserve(in.size() / 4 * 3 + 2);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char ch : in) {
        const int v = base64url_value(static_cast<unsigned char>(ch));
        if (v < 0)
            return false; // includes '=' padding, '+', '/', whitespace
        acc = ((acc << 6) | static_cast<std::uint32_t>(v)) & 0xFFFFFFu;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFFu));
        }
    }
    // RFC 4648 §3.5: the unused bits of the last character must be zero; refusing otherwise
    // makes the encoding canonical.
    return bits == 0 || (acc & ((1u << bits) - 1u)) == 0;
}

std::string base64url_encode(std::string_view in) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char ch : in) {
        acc = ((acc << 8) | static_cast<unsigned char>(ch)) & 0xFFFFFFu;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(alphabet[(acc >> bits) & 0x3Fu]);
        }
    }
    if (bits > 0)
        out.push_back(alphabet[(acc << (6 - bits)) & 0x3Fu]);
    return out;
}

fraiseql::result<public_key, std::string> classify_key(EVP_PKEY* raw) {
    error_queue_guard guard;
    pkey_ptr key(raw, EVP_PKEY_free);
    if (!key)
        return failure{std::string("no key")};
    public_key out;
    if (EVP_PKEY_is_a(raw, "RSA")) {
        const int bits = EVP_PKEY_get_bits(raw);
        // 2048: NIST SP 800-131A minimum; 16384: OpenSSL's own verification limit, and a bound
        // on the cost an oversized key could impose per request.
        if (bits < 2048)
            return failure{"RSA key has " + std::to_string(bits) +
                           " bits; at least 2048 are required"};
        if (bits > 16384)
            return failure{"RSA key has " + std::to_string(bits) + " bits; at most 16384"};
        out.kind = key_kind::rsa;
    } else if (EVP_PKEY_is_a(raw, "EC")) {
        std::array<char, 80> group{};
        std::size_t len = 0;
        if (EVP_PKEY_get_utf8_string_param(raw, OSSL_PKEY_PARAM_GROUP_NAME, group.data(),
                                           group.size(), &len) != 1)
            return failure{std::string("EC key without a named curve; only P-256 is supported")};
        const std::string_view name(group.data(), len);
        if (name != "prime256v1" && name != "P-256")
            return failure{"EC key is on curve " + std::string(name) +
                           "; only P-256 (ES256) is supported"};
        out.kind = key_kind::ec_p256;
    } else {
        return failure{std::string("unsupported key type; RSA (RS256) or EC P-256 (ES256) "
                                   "expected")};
    }
    // Point on the curve / sane modulus and exponent: keys from JWKS are built from raw
    // numbers, so OpenSSL has not validated them yet.
    pkey_ctx_ptr check(EVP_PKEY_CTX_new_from_pkey(nullptr, raw, nullptr));
    if (!check || EVP_PKEY_public_check(check.get()) != 1)
        return failure{std::string("public key failed OpenSSL's validity check")};
    out.pkey = std::move(key);
    return out;
}

fraiseql::result<public_key, std::string> load_pem_public_key(std::string_view pem) {
    error_queue_guard guard;
    EVP_PKEY* key = nullptr;
    OSSL_DECODER_CTX* dctx = OSSL_DECODER_CTX_new_for_pkey(&key, "PEM", nullptr, nullptr,
                                                           EVP_PKEY_PUBLIC_KEY, nullptr, nullptr);
    if (!dctx)
        return failure{std::string("OpenSSL has no PEM decoder")};
    const unsigned char* data = bytes(pem);
    std::size_t len = pem.size();
    const int ok = OSSL_DECODER_from_data(dctx, &data, &len);
    OSSL_DECODER_CTX_free(dctx);
    if (ok != 1 || !key) {
        EVP_PKEY_free(key);
        return failure{std::string("not a PEM public key (expected -----BEGIN PUBLIC KEY-----)")};
    }
    return classify_key(key);
}

fraiseql::result<jwks_keys, std::string> parse_jwks(std::string_view json) {
    error_queue_guard guard;
    boost::system::error_code ec;
    const boost::json::value doc = boost::json::parse(json, ec);
    if (ec)
        return failure{std::string("not valid JSON")};
    const auto* top = doc.if_object();
    const auto* keys_v = top ? top->if_contains("keys") : nullptr;
    const auto* keys = keys_v ? keys_v->if_array() : nullptr;
    if (!keys)
        return failure{std::string("expected an object with a \"keys\" array")};

    jwks_keys out;
    for (std::size_t i = 0; i < keys->size(); ++i) {
        const std::string where = "key #" + std::to_string(i) + ": ";
        const auto* o = (*keys)[i].if_object();
        if (!o)
            return failure{where + "not an object"};
        std::string_view kty;
        if (!string_member(*o, "kty", kty))
            return failure{where + "no string \"kty\""};

        // RFC 7517 §4.2/4.3: a key meant for something else than verifying signatures is not
        // ours to use.
        if (const auto* use = o->if_contains("use")) {
            if (!use->is_string())
                return failure{where + "\"use\" is not a string"};
            if (use->get_string() != "sig") {
                ++out.skipped;
                continue;
            }
        }
        if (const auto* ops = o->if_contains("key_ops")) {
            const auto* arr = ops->if_array();
            if (!arr)
                return failure{where + "\"key_ops\" is not an array"};
            bool verify = false;
            for (const auto& op : *arr)
                verify = verify || (op.is_string() && op.get_string() == "verify");
            if (!verify) {
                ++out.skipped;
                continue;
            }
        }
        std::string_view alg;
        const bool has_alg = o->contains("alg");
        if (has_alg && !string_member(*o, "alg", alg))
            return failure{where + "\"alg\" is not a string"};

        bool rsa = false;
        if (kty == "RSA") {
            if (has_alg && alg != "RS256") {
                ++out.skipped; // e.g. PS256/RS512: not a key for RS256 (RFC 7517 §4.4)
                continue;
            }
            rsa = true;
        } else if (kty == "EC") {
            std::string_view crv;
            if (!string_member(*o, "crv", crv))
                return failure{where + "EC key without \"crv\""};
            if (crv != "P-256" || (has_alg && alg != "ES256")) {
                ++out.skipped;
                continue;
            }
        } else {
            // "oct" included: HS256 uses jwt_secret only, never a key from a file that is
            // usually published.
            ++out.skipped;
            continue;
        }
        // A private member means the private key was published: refuse rather than use it.
        if (o->contains("d") || o->contains("p") || o->contains("q"))
            return failure{where + "contains private key material"};

        std::string kid;
        if (const auto* k = o->if_contains("kid")) {
            if (!k->is_string())
                return failure{where + "\"kid\" is not a string"};
            kid = std::string(k->get_string());
        }
        auto key = rsa ? rsa_from_jwk(*o) : ec_from_jwk(*o);
        if (!key)
            return failure{where + key.error()};
        key->kid = std::move(kid);
        out.keys.push_back(std::move(*key));
    }
    if (out.keys.empty())
        return failure{"no usable key (RSA or EC P-256 signature keys) among " +
                       std::to_string(keys->size()) + " entries"};
    return out;
}

bool verify_hs256(std::string_view secret, std::string_view input, std::string_view sig) {
    error_queue_guard guard;
    if (sig.size() != 32 || secret.empty())
        return false;
    EVP_MAC* mac = hmac();
    if (!mac)
        return false;
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
    if (!ctx)
        return false;
    char digest_name[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
        OSSL_PARAM_construct_end()};
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    std::size_t out_len = 0;
    bool ok = EVP_MAC_init(ctx, bytes(secret), secret.size(), params) == 1 &&
              EVP_MAC_update(ctx, bytes(input), input.size()) == 1 &&
              EVP_MAC_final(ctx, out.data(), &out_len, out.size()) == 1 && out_len == 32;
    EVP_MAC_CTX_free(ctx);
    // Constant time: the comparison must not reveal how many leading bytes matched.
    ok = ok && CRYPTO_memcmp(out.data(), sig.data(), 32) == 0;
    OPENSSL_cleanse(out.data(), out.size());
    return ok;
}

bool verify_rs256(EVP_PKEY* key, std::string_view input, std::string_view sig) {
    error_queue_guard guard;
    return digest_verify(key, true, input, sig);
}

std::string es256_raw_to_der(std::string_view raw) {
    error_queue_guard guard;
    if (raw.size() != 64)
        return {};
    ECDSA_SIG* s = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(bytes(raw), 32, nullptr);
    BIGNUM* sv = BN_bin2bn(bytes(raw) + 32, 32, nullptr);
    std::string der;
    if (s && r && sv && ECDSA_SIG_set0(s, r, sv) == 1) {
        r = sv = nullptr; // owned by s now
        unsigned char* buf = nullptr;
        const int len = i2d_ECDSA_SIG(s, &buf);
        if (len > 0)
            der.assign(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(len));
        OPENSSL_free(buf);
    }
    BN_free(r);
    BN_free(sv);
    ECDSA_SIG_free(s);
    return der;
}

bool verify_es256(EVP_PKEY* key, std::string_view input, std::string_view sig) {
    // RFC 7518 §3.4: the JWS signature is R||S, 32 bytes each, not DER. Any other length is
    // refused before OpenSSL sees it.
    if (sig.size() != 64)
        return false;
    const std::string der = es256_raw_to_der(sig);
    if (der.empty())
        return false;
    error_queue_guard guard;
    return digest_verify(key, false, input, der);
}

} // namespace fraiseql::auth::jwt_detail
