#pragma once
// Test helpers for the JWT tests: real keys generated with OpenSSL, real signatures, tokens
// assembled from literal JSON, temporary key files. Signing is done here, independently of the
// verifier (only base64url encoding is shared, and it has its own known-answer tests).

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "auth/jwt_crypto.hpp"

namespace fraiseql_test::jwt {

using pkey = std::shared_ptr<EVP_PKEY>;

inline pkey wrap(EVP_PKEY* k) {
    if (!k)
        throw std::runtime_error("key generation failed");
    return pkey(k, EVP_PKEY_free);
}
inline pkey rsa_key(unsigned bits = 2048) {
    return wrap(EVP_RSA_gen(bits));
}
inline pkey ec_key(const char* curve = "P-256") {
    return wrap(EVP_EC_gen(curve));
}

// Key generation is slow under sanitizers: each test binary makes these once.
inline const pkey& rsa_a() {
    static const pkey k = rsa_key();
    return k;
}
inline const pkey& rsa_b() {
    static const pkey k = rsa_key();
    return k;
}
inline const pkey& ec_a() {
    static const pkey k = ec_key();
    return k;
}
inline const pkey& ec_b() {
    static const pkey k = ec_key();
    return k;
}

inline std::string b64(std::string_view s) {
    return fraiseql::auth::jwt_detail::base64url_encode(s);
}

inline std::string public_pem(const pkey& k) {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, k.get());
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(len));
    BIO_free(bio);
    return out;
}

inline std::string private_pem(const pkey& k) {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, k.get(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(len));
    BIO_free(bio);
    return out;
}

inline std::string bn_param(const pkey& k, const char* name, int pad = 0) {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(k.get(), name, &bn) != 1)
        throw std::runtime_error(name);
    std::string out(static_cast<std::size_t>(pad ? pad : BN_num_bytes(bn)), '\0');
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
    BN_free(bn);
    return out;
}

/// The JWK members (without braces) of a public key: kty and its numbers, plus `extra`.
inline std::string jwk(const pkey& k, std::string_view kid, std::string_view extra = "") {
    std::string out = "{";
    if (!kid.empty())
        out += "\"kid\":\"" + std::string(kid) + "\",";
    if (EVP_PKEY_is_a(k.get(), "RSA")) {
        out += "\"kty\":\"RSA\",\"n\":\"" + b64(bn_param(k, OSSL_PKEY_PARAM_RSA_N)) +
               "\",\"e\":\"" + b64(bn_param(k, OSSL_PKEY_PARAM_RSA_E)) + "\"";
    } else {
        out += "\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" +
               b64(bn_param(k, OSSL_PKEY_PARAM_EC_PUB_X, 32)) + "\",\"y\":\"" +
               b64(bn_param(k, OSSL_PKEY_PARAM_EC_PUB_Y, 32)) + "\"";
    }
    if (!extra.empty())
        out += "," + std::string(extra);
    return out + "}";
}

inline std::string hs256(std::string_view secret, std::string_view input) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(input.data()), input.size(), md, &len);
    return std::string(reinterpret_cast<char*>(md), len);
}

/// EVP_DigestSign with SHA-256: PKCS#1 v1.5 for RSA, DER ECDSA for EC.
inline std::string digest_sign(const pkey& k, std::string_view input) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t len = 0;
    std::string sig;
    if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, k.get()) == 1 &&
        EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) == 1) {
        sig.resize(len);
        EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size());
        sig.resize(len);
    }
    EVP_MD_CTX_free(ctx);
    if (sig.empty())
        throw std::runtime_error("signing failed");
    return sig;
}

inline std::string rs256(const pkey& k, std::string_view input) {
    return digest_sign(k, input);
}

/// ECDSA DER signature -> JWS R||S (RFC 7518 §3.4).
inline std::string der_to_raw(std::string_view der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    ECDSA_SIG* s = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
    if (!s)
        throw std::runtime_error("bad DER signature");
    std::string raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(s), reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(s), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
    ECDSA_SIG_free(s);
    return raw;
}

inline std::string es256(const pkey& k, std::string_view input) {
    return der_to_raw(digest_sign(k, input));
}

/// header.payload (the JWS signing input) from literal JSON.
inline std::string signing_input(std::string_view header, std::string_view payload) {
    return b64(header) + "." + b64(payload);
}

inline std::string hs_token(std::string_view secret, std::string_view payload,
                            std::string_view header = R"({"alg":"HS256","typ":"JWT"})") {
    const auto in = signing_input(header, payload);
    return in + "." + b64(hs256(secret, in));
}
inline std::string rs_token(const pkey& k, std::string_view payload,
                            std::string_view header = R"({"alg":"RS256","typ":"JWT"})") {
    const auto in = signing_input(header, payload);
    return in + "." + b64(rs256(k, in));
}
inline std::string es_token(const pkey& k, std::string_view payload,
                            std::string_view header = R"({"alg":"ES256","typ":"JWT"})") {
    const auto in = signing_input(header, payload);
    return in + "." + b64(es256(k, in));
}

/// A file that is removed when the object goes away.
class temp_file {
public:
    explicit temp_file(std::string_view content = "") {
        std::string tmpl = "/tmp/fraiseql_jwt_test_XXXXXX";
        const int fd = ::mkstemp(tmpl.data());
        if (fd < 0)
            throw std::runtime_error("mkstemp failed");
        ::close(fd);
        path_ = tmpl;
        write(content);
    }
    ~temp_file() { std::remove(path_.c_str()); }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;

    /// Rewrites the file in place (same inode): what an editor or `cat >` does.
    void write(std::string_view content) const {
        std::ofstream out(path_, std::ios::binary | std::ios::trunc);
        out << content;
    }
    /// Replaces the file atomically (new inode), as a key rotation job should.
    void replace(std::string_view content) const {
        const std::string tmp = path_ + ".new";
        {
            std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
            out << content;
        }
        std::rename(tmp.c_str(), path_.c_str());
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

/// A fixed "now" in 2023, and helpers to place claims around it.
inline constexpr std::int64_t now_s = 1'700'000'000;
inline std::chrono::system_clock::time_point at(std::int64_t s) {
    return std::chrono::system_clock::time_point(std::chrono::seconds(s));
}
inline std::chrono::system_clock::time_point now() {
    return at(now_s);
}

inline const std::string secret = "0123456789abcdef0123456789abcdef-test-secret";

} // namespace fraiseql_test::jwt
