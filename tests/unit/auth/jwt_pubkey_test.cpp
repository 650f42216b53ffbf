// RS256 and ES256 with a PEM public key file (jwt_public_key_file), and algorithm confusion
// (RFC 8725 §2.1, §3.1).

#include <gtest/gtest.h>
#include <openssl/encoder.h>
#include <openssl/err.h>

#include "fraiseql/auth/jwt.hpp"
#include "jwt_test_util.hpp"

namespace {

using namespace fraiseql_test::jwt;
using fraiseql::auth::jwt_config;
using fraiseql::auth::jwt_error_code;
using fraiseql::auth::jwt_verifier;

std::shared_ptr<jwt_verifier> pem_verifier(const temp_file& f, std::string hs_secret = "") {
    jwt_config cfg;
    cfg.public_key_file = f.path();
    cfg.secret = std::move(hs_secret);
    auto v = jwt_verifier::create(cfg);
    EXPECT_TRUE(v) << (v ? "" : v.error());
    return v ? *v : nullptr;
}

jwt_error_code refusal(const jwt_verifier& v, std::string_view token) {
    auto r = v.verify(token, now());
    EXPECT_FALSE(r) << "token was accepted";
    return r ? jwt_error_code{} : r.error().code;
}

std::string create_error(const std::string& path) {
    jwt_config cfg;
    cfg.public_key_file = path;
    auto v = jwt_verifier::create(cfg);
    EXPECT_FALSE(v);
    return v ? std::string() : v.error();
}

const char* payload = R"({"sub":"u1","exp":1800000000})";

TEST(jwt_rs256, valid_token_with_pem_key) {
    temp_file pem(public_pem(rsa_a()));
    auto v = pem_verifier(pem);
    auto r = v->verify(rs_token(rsa_a(), payload), now());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->at("sub").as_string(), "u1");
}

TEST(jwt_rs256, other_key_or_tampering_is_bad_signature) {
    temp_file pem(public_pem(rsa_a()));
    auto v = pem_verifier(pem);
    EXPECT_EQ(refusal(*v, rs_token(rsa_b(), payload)), jwt_error_code::bad_signature);
    const std::string good = rs_token(rsa_a(), payload);
    const auto d1 = good.find('.');
    const auto d2 = good.find('.', d1 + 1);
    for (std::size_t pos : {(d1 + d2) / 2, (d2 + good.size()) / 2}) {
        std::string bad = good;
        bad[pos] = bad[pos] == 'A' ? 'B' : 'A';
        EXPECT_EQ(refusal(*v, bad), jwt_error_code::bad_signature) << pos;
    }
    // A flipped header byte: either no longer JSON, or a different signing input.
    std::string bad = good;
    bad[d1 / 2] = bad[d1 / 2] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(v->verify(bad, now()));
}

TEST(jwt_rs256, pss_signature_is_refused) {
    // Same key, RSASSA-PSS instead of PKCS#1 v1.5: PS256 is not RS256.
    temp_file pem(public_pem(rsa_a()));
    auto v = pem_verifier(pem);
    const auto in = signing_input(R"({"alg":"RS256"})", payload);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    ASSERT_EQ(EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), nullptr, rsa_a().get()), 1);
    ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
    std::size_t len = 0;
    EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(in.data()),
                   in.size());
    std::string sig(len, '\0');
    ASSERT_EQ(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                             reinterpret_cast<const unsigned char*>(in.data()), in.size()),
              1);
    EVP_MD_CTX_free(ctx);
    EXPECT_EQ(refusal(*v, in + "." + b64(sig)), jwt_error_code::bad_signature);
}

TEST(jwt_es256, valid_token_with_pem_key) {
    temp_file pem(public_pem(ec_a()));
    auto v = pem_verifier(pem);
    // ECDSA is randomised: several signatures, all valid.
    for (int i = 0; i < 5; ++i) {
        auto r = v->verify(es_token(ec_a(), payload), now());
        ASSERT_TRUE(r) << r.error().message;
    }
    EXPECT_EQ(refusal(*v, es_token(ec_b(), payload)), jwt_error_code::bad_signature);
}

TEST(jwt_es256, signature_must_be_raw_64_bytes) {
    temp_file pem(public_pem(ec_a()));
    auto v = pem_verifier(pem);
    const auto in = signing_input(R"({"alg":"ES256"})", payload);
    const std::string der = digest_sign(ec_a(), in);
    const std::string raw = der_to_raw(der);
    ASSERT_TRUE(v->verify(in + "." + b64(raw), now()));
    // The DER form OpenSSL produces is a valid signature, but not the JWS encoding.
    EXPECT_EQ(refusal(*v, in + "." + b64(der)), jwt_error_code::bad_signature);
    EXPECT_EQ(refusal(*v, in + "." + b64(raw.substr(0, 63))), jwt_error_code::bad_signature);
    EXPECT_EQ(refusal(*v, in + "." + b64(raw + '\0')), jwt_error_code::bad_signature);
    EXPECT_EQ(refusal(*v, in + "." + b64(std::string(1, '\0') + raw)),
              jwt_error_code::bad_signature);
    EXPECT_EQ(refusal(*v, in + "." + b64(std::string(64, '\0'))), jwt_error_code::bad_signature);
    // S replaced by n - S is also a valid ECDSA signature; flipping one bit of R is not.
    std::string flipped = raw;
    flipped[5] = static_cast<char>(flipped[5] ^ 0x01);
    EXPECT_EQ(refusal(*v, in + "." + b64(flipped)), jwt_error_code::bad_signature);
}

TEST(jwt_confusion, hs256_signed_with_the_public_key_pem_is_refused) {
    // The classic attack: the verifier holds an RSA public key; the attacker signs an HS256
    // token with the PEM text (public!) as HMAC secret.
    const std::string pem_text = public_pem(rsa_a());
    temp_file pem(pem_text);
    auto v = pem_verifier(pem);
    const auto forged = hs_token(pem_text, R"({"sub":"admin"})", R"({"alg":"HS256"})");
    EXPECT_EQ(refusal(*v, forged), jwt_error_code::unsupported_algorithm);
    // Also the DER bytes of the key, and with trailing newline stripped.
    std::string trimmed = pem_text;
    while (!trimmed.empty() && trimmed.back() == '\n')
        trimmed.pop_back();
    EXPECT_EQ(refusal(*v, hs_token(trimmed, R"({"sub":"admin"})", R"({"alg":"HS256"})")),
              jwt_error_code::unsupported_algorithm);

    // With an HS256 secret configured too, the PEM still is not an HMAC key.
    auto both = pem_verifier(pem, secret);
    EXPECT_EQ(refusal(*both, forged), jwt_error_code::bad_signature);
    EXPECT_TRUE(both->verify(hs_token(secret, payload), now()));
    EXPECT_TRUE(both->verify(rs_token(rsa_a(), payload), now()));
}

TEST(jwt_confusion, hs256_signed_with_the_ec_public_key_pem_is_refused) {
    const std::string pem_text = public_pem(ec_a());
    temp_file pem(pem_text);
    auto v = pem_verifier(pem);
    EXPECT_EQ(refusal(*v, hs_token(pem_text, R"({"sub":"admin"})", R"({"alg":"HS256"})")),
              jwt_error_code::unsupported_algorithm);
}

TEST(jwt_confusion, key_type_decides_the_algorithm) {
    temp_file rsa_pem(public_pem(rsa_a()));
    temp_file ec_pem(public_pem(ec_a()));
    auto rsa_v = pem_verifier(rsa_pem);
    auto ec_v = pem_verifier(ec_pem);
    // An ES256 token cannot use an RSA key, an RS256 token cannot use an EC key.
    EXPECT_EQ(refusal(*rsa_v, es_token(ec_a(), payload)), jwt_error_code::unsupported_algorithm);
    EXPECT_EQ(refusal(*ec_v, rs_token(rsa_a(), payload)), jwt_error_code::unsupported_algorithm);
    // A valid RS256 signature relabelled ES256 (and the reverse) is refused.
    const auto rs = rs_token(rsa_a(), payload);
    const auto relabelled = b64(R"({"alg":"ES256"})") + rs.substr(rs.find('.'));
    EXPECT_EQ(refusal(*rsa_v, relabelled), jwt_error_code::unsupported_algorithm);
    // HS256 with no secret configured.
    EXPECT_EQ(refusal(*rsa_v, hs_token(secret, payload)), jwt_error_code::unsupported_algorithm);
}

TEST(jwt_confusion, embedded_jwk_in_the_header_is_ignored) {
    // The token carries its own key (RFC 7515 §4.1.3): it must not be trusted.
    temp_file pem(public_pem(rsa_a()));
    auto v = pem_verifier(pem);
    const std::string header = R"({"alg":"RS256","jwk":)" + jwk(rsa_b(), "") + "}";
    EXPECT_EQ(refusal(*v, rs_token(rsa_b(), payload, header)), jwt_error_code::bad_signature);
}

TEST(jwt_pem, key_file_errors_name_the_key) {
    EXPECT_NE(create_error("/nonexistent/key.pem").find("jwt_public_key_file"), std::string::npos);

    temp_file garbage("-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n");
    const auto e1 = create_error(garbage.path());
    EXPECT_NE(e1.find("jwt_public_key_file"), std::string::npos) << e1;

    temp_file empty("");
    EXPECT_NE(create_error(empty.path()).find("jwt_public_key_file"), std::string::npos);

    // Short RSA keys are refused (NIST SP 800-131A).
    temp_file small(public_pem(rsa_key(1024)));
    const auto e2 = create_error(small.path());
    EXPECT_NE(e2.find("1024"), std::string::npos) << e2;

    // Only P-256 is ES256.
    temp_file p384(public_pem(ec_key("P-384")));
    const auto e3 = create_error(p384.path());
    EXPECT_NE(e3.find("P-256"), std::string::npos) << e3;

    // Ed25519 is not supported.
    temp_file ed(public_pem(wrap(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"))));
    EXPECT_NE(create_error(ed.path()).find("unsupported key type"), std::string::npos);
}

TEST(jwt_pem, a_private_key_file_is_refused) {
    // The server only verifies: holding the signing key is a misconfiguration.
    temp_file rsa(private_pem(rsa_a()));
    EXPECT_NE(create_error(rsa.path()).find("jwt_public_key_file"), std::string::npos);
    temp_file ec(private_pem(ec_a()));
    EXPECT_NE(create_error(ec.path()).find("jwt_public_key_file"), std::string::npos);
}

TEST(jwt_pem, error_messages_do_not_echo_the_file_content) {
    const std::string content =
        "-----BEGIN PUBLIC KEY-----\nSECRETISHCONTENT\n-----END PUBLIC KEY-----\n";
    temp_file f(content);
    EXPECT_EQ(create_error(f.path()).find("SECRETISHCONTENT"), std::string::npos);
}

TEST(jwt_pem, pkcs1_rsa_public_key_is_accepted) {
    // "-----BEGIN RSA PUBLIC KEY-----" (PKCS#1), as some tools write it.
    // Produce PKCS#1 through the encoder API (the RSA_* functions are deprecated).
    std::string pkcs1;
    {
        OSSL_ENCODER_CTX* ctx = OSSL_ENCODER_CTX_new_for_pkey(rsa_a().get(), EVP_PKEY_PUBLIC_KEY,
                                                              "PEM", "type-specific", nullptr);
        ASSERT_NE(ctx, nullptr);
        unsigned char* data = nullptr;
        std::size_t len = 0;
        ASSERT_EQ(OSSL_ENCODER_to_data(ctx, &data, &len), 1);
        pkcs1.assign(reinterpret_cast<char*>(data), len);
        OPENSSL_free(data);
        OSSL_ENCODER_CTX_free(ctx);
    }
    ASSERT_NE(pkcs1.find("BEGIN RSA PUBLIC KEY"), std::string::npos) << pkcs1;
    temp_file pem(pkcs1);
    auto v = pem_verifier(pem);
    ASSERT_TRUE(v);
    EXPECT_TRUE(v->verify(rs_token(rsa_a(), payload), now()));
}

TEST(jwt_openssl, refusals_leave_the_thread_error_queue_as_they_found_it) {
    // The TLS code on the same I/O thread reads this queue to classify its own errors.
    temp_file rsa_pem(public_pem(rsa_a()));
    temp_file ec_pem(public_pem(ec_a()));
    auto rsa_v = pem_verifier(rsa_pem);
    auto ec_v = pem_verifier(ec_pem);
    ERR_clear_error();
    const auto rs = rs_token(rsa_a(), payload);
    EXPECT_FALSE(rsa_v->verify(rs.substr(0, rs.size() - 4) + "AAAA", now()));
    EXPECT_FALSE(rsa_v->verify(rs_token(rsa_b(), payload), now()));
    EXPECT_FALSE(ec_v->verify(es_token(ec_b(), payload), now()));
    const auto in = signing_input(R"({"alg":"ES256"})", payload);
    EXPECT_FALSE(ec_v->verify(in + "." + b64(std::string(64, '\xff')), now()));
    const std::string zero = b64(std::string(32, '\0'));
    EXPECT_FALSE(fraiseql::auth::jwt_detail::parse_jwks(
        R"({"keys":[{"kty":"EC","crv":"P-256","x":")" + zero + R"(","y":")" + zero + "\"}]}"));
    temp_file garbage("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    jwt_config cfg;
    cfg.public_key_file = garbage.path();
    EXPECT_FALSE(jwt_verifier::create(cfg));
    EXPECT_EQ(ERR_peek_error(), 0ul);
}

} // namespace
