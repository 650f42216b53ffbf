// JWKS files (RFC 7517, key parameters of RFC 7518 §6): kid selection, what is skipped and
// what is refused, and rotation (re-read on change / on unknown kid, rate-limited).

#include <atomic>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "fraiseql/auth/jwt.hpp"
#include "jwt_test_util.hpp"

namespace {

using namespace fraiseql_test::jwt;
using fraiseql::auth::jwt_config;
using fraiseql::auth::jwt_error_code;
using fraiseql::auth::jwt_verifier;
using fraiseql::auth::jwt_detail::parse_jwks;

std::string jwks(std::initializer_list<std::string> keys) {
    std::string out = R"({"keys":[)";
    bool first = true;
    for (const auto& k : keys) {
        if (!first)
            out += ",";
        out += k;
        first = false;
    }
    return out + "]}";
}

std::shared_ptr<jwt_verifier> jwks_verifier(const temp_file& f,
                                            std::chrono::milliseconds interval) {
    jwt_config cfg;
    cfg.jwks_file = f.path();
    cfg.jwks_reload_interval = interval;
    auto v = jwt_verifier::create(cfg);
    EXPECT_TRUE(v) << (v ? "" : v.error());
    return v ? *v : nullptr;
}

std::string kid_header(const char* alg, const char* kid) {
    return std::string(R"({"alg":")") + alg + R"(","kid":")" + kid + "\"}";
}

jwt_error_code refusal(const jwt_verifier& v, std::string_view token) {
    auto r = v.verify(token, now());
    EXPECT_FALSE(r) << "token was accepted";
    return r ? jwt_error_code{} : r.error().code;
}

const char* payload = R"({"sub":"u1"})";

TEST(jwt_jwks, two_rsa_keys_selected_by_kid) {
    temp_file f(jwks({jwk(rsa_a(), "a"), jwk(rsa_b(), "b")}));
    auto v = jwks_verifier(f, std::chrono::hours(1));
    EXPECT_TRUE(v->verify(rs_token(rsa_a(), payload, kid_header("RS256", "a")), now()));
    EXPECT_TRUE(v->verify(rs_token(rsa_b(), payload, kid_header("RS256", "b")), now()));
    // Key b's signature presented under kid a: only key a is tried.
    EXPECT_EQ(refusal(*v, rs_token(rsa_b(), payload, kid_header("RS256", "a"))),
              jwt_error_code::bad_signature);
    EXPECT_EQ(refusal(*v, rs_token(rsa_a(), payload, kid_header("RS256", "c"))),
              jwt_error_code::unknown_key);
    // kid comparison is case-sensitive.
    EXPECT_EQ(refusal(*v, rs_token(rsa_a(), payload, kid_header("RS256", "A"))),
              jwt_error_code::unknown_key);
    // No kid: every RSA key is a candidate.
    EXPECT_TRUE(v->verify(rs_token(rsa_b(), payload, R"({"alg":"RS256"})"), now()));
}

TEST(jwt_jwks, rsa_and_ec_keys_side_by_side) {
    temp_file f(jwks({jwk(rsa_a(), "r1"), jwk(ec_a(), "e1", R"("alg":"ES256","use":"sig")")}));
    auto v = jwks_verifier(f, std::chrono::hours(1));
    EXPECT_TRUE(v->verify(es_token(ec_a(), payload, kid_header("ES256", "e1")), now()));
    EXPECT_TRUE(v->verify(rs_token(rsa_a(), payload, kid_header("RS256", "r1")), now()));
    // A kid that exists but names a key of the other type: that key is never used for alg.
    EXPECT_EQ(refusal(*v, es_token(ec_a(), payload, kid_header("ES256", "r1"))),
              jwt_error_code::unknown_key);
    EXPECT_EQ(refusal(*v, hs_token(secret, payload)), jwt_error_code::unsupported_algorithm);
}

TEST(jwt_jwks, keys_for_other_uses_or_algorithms_are_skipped) {
    auto r = parse_jwks(jwks({
        jwk(rsa_a(), "enc", R"("use":"enc")"),
        jwk(rsa_a(), "ps", R"("alg":"PS256")"),
        jwk(ec_a(), "rs", R"("alg":"RS256")"),
        jwk(rsa_a(), "ops", R"("key_ops":["encrypt"])"),
        R"({"kty":"oct","kid":"sym","k":"c2VjcmV0"})",
        R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})",
        R"({"kty":"EC","crv":"P-384","x":"AA","y":"AA"})",
        jwk(rsa_b(), "ok", R"("use":"sig","alg":"RS256","key_ops":["verify"])"),
    }));
    ASSERT_TRUE(r) << r.error();
    ASSERT_EQ(r->keys.size(), 1u);
    EXPECT_EQ(r->keys[0].kid, "ok");
    EXPECT_EQ(r->skipped, 7u);
}

TEST(jwt_jwks, symmetric_keys_in_jwks_never_verify_hs256) {
    // An "oct" key in a (usually public) JWKS file must not become an HMAC key.
    const std::string k = "0123456789abcdef0123456789abcdef";
    temp_file f(jwks({jwk(rsa_a(), "r"), R"({"kty":"oct","kid":"sym","k":")" + b64(k) + "\"}"}));
    auto v = jwks_verifier(f, std::chrono::hours(1));
    EXPECT_EQ(refusal(*v, hs_token(k, payload, kid_header("HS256", "sym"))),
              jwt_error_code::unsupported_algorithm);
}

TEST(jwt_jwks, broken_documents_are_refused_with_the_key_name) {
    const std::string cases[] = {
        "not json",
        "[]",
        R"({"keys":{}})",
        R"({"keys":[]})",
        R"({"keys":[1]})",
        R"({"keys":[{"n":"AQAB"}]})",
        R"({"keys":[{"kty":"RSA","n":"AQAB"}]})",
        R"({"keys":[{"kty":"RSA","n":"AQ==","e":"AQAB"}]})",
        R"({"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]})", // 17-bit modulus
        R"({"keys":[{"kty":"EC","crv":"P-256","x":"AQ","y":"AQ"}]})",
        R"({"keys":[{"kty":"EC","x":"AQ","y":"AQ"}]})",
        jwks({jwk(rsa_a(), "", R"("use":1)")}),
        jwks({jwk(rsa_a(), "", R"("alg":1)")}),
        jwks({jwk(rsa_a(), "", R"("key_ops":"verify")")}),
        jwks({R"({"kid":7,"kty":"RSA","n":"AQAB","e":"AQAB"})"}),
        jwks({R"({"kty":"oct","k":"AA"})"}), // nothing usable
    };
    for (const auto& doc : cases) {
        temp_file f(doc);
        jwt_config cfg;
        cfg.jwks_file = f.path();
        auto v = jwt_verifier::create(cfg);
        ASSERT_FALSE(v) << doc;
        EXPECT_NE(v.error().find("jwt_jwks_file"), std::string::npos) << v.error();
    }
    jwt_config missing;
    missing.jwks_file = "/nonexistent/jwks.json";
    auto v = jwt_verifier::create(missing);
    ASSERT_FALSE(v);
    EXPECT_NE(v.error().find("jwt_jwks_file"), std::string::npos);
}

TEST(jwt_jwks, ec_point_not_on_the_curve_is_refused) {
    std::string good = jwk(ec_a(), "e");
    // Change the last character of y: (x, y') is (almost certainly) not on P-256.
    const auto ypos = good.find("\"y\":\"") + 5;
    const auto yend = good.find('"', ypos);
    std::string y = good.substr(ypos, yend - ypos);
    std::string raw;
    ASSERT_TRUE(fraiseql::auth::jwt_detail::base64url_decode(y, raw));
    raw[31] = static_cast<char>(raw[31] ^ 0x01);
    const std::string bad = good.substr(0, ypos) + b64(raw) + good.substr(yend);
    auto r = parse_jwks(jwks({bad}));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("key #0"), std::string::npos) << r.error();
}

TEST(jwt_jwks, private_key_material_is_refused) {
    auto r = parse_jwks(jwks({jwk(rsa_a(), "a", R"("d":"AQAB")")}));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("private"), std::string::npos);
    EXPECT_FALSE(parse_jwks(jwks({jwk(ec_a(), "e", R"("d":"AQAB")")})));
}

TEST(jwt_jwks, short_rsa_key_is_refused) {
    auto r = parse_jwks(jwks({jwk(rsa_key(1024), "small")}));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("2048"), std::string::npos) << r.error();
}

TEST(jwt_jwks, rotation_new_kid_verifies_after_rewrite) {
    temp_file f(jwks({jwk(rsa_a(), "2023")}));
    auto v = jwks_verifier(f, std::chrono::milliseconds(0));
    const auto old_token = rs_token(rsa_a(), payload, kid_header("RS256", "2023"));
    const auto new_token = es_token(ec_a(), payload, kid_header("ES256", "2024"));
    EXPECT_TRUE(v->verify(old_token, now()));
    EXPECT_EQ(refusal(*v, new_token), jwt_error_code::unsupported_algorithm); // no EC key yet

    // Rewrite in place (same inode, maybe same mtime tick): the unknown kid forces a re-read.
    f.write(jwks({jwk(rsa_a(), "2023"), jwk(ec_a(), "2024")}));
    EXPECT_TRUE(v->verify(new_token, now()));
    EXPECT_TRUE(v->verify(old_token, now()));

    // Retire the old key with an atomic replace: its tokens stop verifying.
    f.replace(jwks({jwk(ec_a(), "2024")}));
    EXPECT_EQ(refusal(*v, old_token), jwt_error_code::unsupported_algorithm);
    EXPECT_TRUE(v->verify(new_token, now()));
}

TEST(jwt_jwks, rotation_of_a_known_kid_is_seen_through_the_file_identity) {
    // Same kid, new key material: no unknown kid to trigger a re-read, so the change must be
    // detected from the file itself.
    temp_file f(jwks({jwk(rsa_a(), "k")}));
    auto v = jwks_verifier(f, std::chrono::milliseconds(0));
    EXPECT_TRUE(v->verify(rs_token(rsa_a(), payload, kid_header("RS256", "k")), now()));
    f.replace(jwks({jwk(rsa_b(), "k")}));
    EXPECT_TRUE(v->verify(rs_token(rsa_b(), payload, kid_header("RS256", "k")), now()));
    EXPECT_EQ(refusal(*v, rs_token(rsa_a(), payload, kid_header("RS256", "k"))),
              jwt_error_code::bad_signature);
}

TEST(jwt_jwks, an_unknown_kid_forces_a_reread_even_when_the_file_looks_unchanged) {
    // Issue 8: "re-read on change or on unknown kid". Rewrite the file in place with the same
    // size and put its mtime back, so its identity (mtime, size, inode) is unchanged: only the
    // unknown kid can make the verifier look again. The interval is not zero (as in production,
    // default 1 s): the plain look that precedes the forced one must not use up the rate limit.
    temp_file f(jwks({jwk(ec_a(), "a")}));
    auto v = jwks_verifier(f, std::chrono::milliseconds(200));
    const auto mtime = std::filesystem::last_write_time(f.path());
    const auto size = std::filesystem::file_size(f.path());
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    f.write(jwks({jwk(ec_b(), "b")}));
    std::filesystem::last_write_time(f.path(), mtime);
    ASSERT_EQ(std::filesystem::file_size(f.path()), size);
    EXPECT_TRUE(v->verify(es_token(ec_b(), payload, kid_header("ES256", "b")), now()));
    // A known kid does not force anything: key "a" is gone from the re-read file.
    EXPECT_EQ(refusal(*v, es_token(ec_a(), payload, kid_header("ES256", "a"))),
              jwt_error_code::unknown_key);
}

TEST(jwt_jwks, reloads_are_rate_limited) {
    temp_file f(jwks({jwk(rsa_a(), "a")}));
    auto v = jwks_verifier(f, std::chrono::hours(1));
    f.replace(jwks({jwk(rsa_a(), "a"), jwk(rsa_b(), "b")}));
    // Within the interval neither the file change nor the unknown kid makes us look again.
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(refusal(*v, rs_token(rsa_b(), payload, kid_header("RS256", "b"))),
                  jwt_error_code::unknown_key);
}

TEST(jwt_jwks, rate_limit_expires) {
    temp_file f(jwks({jwk(rsa_a(), "a")}));
    auto v = jwks_verifier(f, std::chrono::milliseconds(200));
    f.replace(jwks({jwk(rsa_a(), "a"), jwk(rsa_b(), "b")}));
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    EXPECT_TRUE(v->verify(rs_token(rsa_b(), payload, kid_header("RS256", "b")), now()));
}

TEST(jwt_jwks, a_broken_rewrite_keeps_the_previous_keys) {
    temp_file f(jwks({jwk(rsa_a(), "a")}));
    auto v = jwks_verifier(f, std::chrono::milliseconds(0));
    const auto token = rs_token(rsa_a(), payload, kid_header("RS256", "a"));
    f.write(R"({"keys":[)"); // e.g. a half-written file
    EXPECT_TRUE(v->verify(token, now()));
    std::remove(f.path().c_str()); // or a deleted one
    EXPECT_TRUE(v->verify(token, now()));
    f.write(jwks({jwk(rsa_b(), "b")})); // and it recovers
    EXPECT_TRUE(v->verify(rs_token(rsa_b(), payload, kid_header("RS256", "b")), now()));
    EXPECT_EQ(refusal(*v, token), jwt_error_code::unknown_key);
}

TEST(jwt_jwks, pem_key_and_jwks_together) {
    temp_file pem(public_pem(ec_b()));
    temp_file f(jwks({jwk(rsa_a(), "a")}));
    jwt_config cfg;
    cfg.public_key_file = pem.path();
    cfg.jwks_file = f.path();
    auto v = jwt_verifier::create(cfg);
    ASSERT_TRUE(v) << v.error();
    EXPECT_TRUE((*v)->verify(rs_token(rsa_a(), payload, kid_header("RS256", "a")), now()));
    // The PEM key has no kid: it is tried whatever kid the token names.
    EXPECT_TRUE((*v)->verify(es_token(ec_b(), payload, kid_header("ES256", "zzz")), now()));
    EXPECT_TRUE((*v)->verify(es_token(ec_b(), payload), now()));
}

TEST(jwt_jwks, concurrent_verification_during_rotation) {
    temp_file f(jwks({jwk(ec_a(), "a")}));
    auto v = jwks_verifier(f, std::chrono::milliseconds(0));
    const auto token = es_token(ec_a(), payload, kid_header("ES256", "a"));
    std::atomic<int> failures{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 200 && !stop; ++i)
                if (!v->verify(token, now()))
                    ++failures;
        });
    }
    // Key "a" stays in every version written by atomic replace.
    for (int i = 0; i < 50; ++i)
        f.replace(i % 2 ? jwks({jwk(ec_a(), "a"), jwk(ec_b(), "b")}) : jwks({jwk(ec_a(), "a")}));
    stop = true;
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(failures.load(), 0);
}

} // namespace
