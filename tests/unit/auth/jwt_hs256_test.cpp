// HS256 tokens, the JWS structure and header checks (RFC 7515), and the registered claims
// (RFC 7519 §4.1). Every token here is really signed.

#include <gtest/gtest.h>

#include "fraiseql/auth/jwt.hpp"
#include "jwt_test_util.hpp"

namespace {

using namespace fraiseql_test::jwt;
using fraiseql::auth::jwt_config;
using fraiseql::auth::jwt_error_code;
using fraiseql::auth::jwt_verifier;

std::shared_ptr<jwt_verifier> make(jwt_config cfg) {
    auto v = jwt_verifier::create(cfg);
    EXPECT_TRUE(v) << (v ? "" : v.error());
    return v ? *v : nullptr;
}
std::shared_ptr<jwt_verifier> hs_verifier(std::string issuer = "", std::string audience = "",
                                          std::chrono::seconds leeway = {}) {
    jwt_config cfg;
    cfg.secret = secret;
    cfg.issuer = std::move(issuer);
    cfg.audience = std::move(audience);
    cfg.leeway = leeway;
    return make(cfg);
}

/// The refusal code, or a test failure if the token was accepted.
jwt_error_code refusal(const jwt_verifier& v, std::string_view token,
                       std::chrono::system_clock::time_point t = now()) {
    auto r = v.verify(token, t);
    EXPECT_FALSE(r) << "token was accepted";
    return r ? jwt_error_code{} : r.error().code;
}

// RFC 7515 Appendix A.1: the HS256 example, byte for byte (header and payload contain CR LF,
// and the key is the JWK "k" value of A.1.1).
const std::string rfc7515_a1_token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
                                     ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9l"
                                     "eGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
                                     ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const std::string rfc7515_a1_key_b64 =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

TEST(jwt_hs256, rfc7515_appendix_a1_known_answer) {
    std::string key;
    ASSERT_TRUE(fraiseql::auth::jwt_detail::base64url_decode(rfc7515_a1_key_b64, key));
    ASSERT_EQ(key.size(), 64u);
    jwt_config cfg;
    cfg.secret = key;
    auto v = make(cfg);
    ASSERT_TRUE(v);
    // exp is 1300819380 (2011-03-22T18:43:00Z): verify one second before it.
    auto r = v->verify(rfc7515_a1_token, at(1300819379));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->at("iss").as_string(), "joe");
    EXPECT_EQ(r->at("exp").as_int64(), 1300819380);
    EXPECT_EQ(r->at("http://example.com/is_root").as_bool(), true);
    // …and it is expired at exp itself.
    EXPECT_EQ(refusal(*v, rfc7515_a1_token, at(1300819380)), jwt_error_code::expired);
    // Our own signer agrees with the RFC's signature.
    const auto dot = rfc7515_a1_token.rfind('.');
    EXPECT_EQ(b64(hs256(key, rfc7515_a1_token.substr(0, dot))), rfc7515_a1_token.substr(dot + 1));
}

TEST(jwt_hs256, valid_token_returns_the_claims) {
    auto v = hs_verifier();
    auto r = v->verify(hs_token(secret, R"({"sub":"u1","tenant_id":7,"exp":1700000100})"), now());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->at("sub").as_string(), "u1");
    EXPECT_EQ(r->at("tenant_id").as_int64(), 7);
}

TEST(jwt_hs256, header_without_typ_is_accepted_and_jwt_media_types_too) {
    auto v = hs_verifier();
    for (const char* h :
         {R"({"alg":"HS256"})", R"({"alg":"HS256","typ":"jwt"})",
          R"({"alg":"HS256","typ":"application/jwt"})", R"({"alg":"HS256","typ":"at+jwt"})"}) {
        auto r = v->verify(hs_token(secret, R"({"sub":"a"})", h), now());
        EXPECT_TRUE(r) << h;
    }
}

TEST(jwt_hs256, other_typ_is_refused) {
    auto v = hs_verifier();
    for (const char* h : {R"({"alg":"HS256","typ":"dpop+jwt"})", R"({"alg":"HS256","typ":"JWE"})",
                          R"({"alg":"HS256","typ":7})"})
        EXPECT_EQ(refusal(*v, hs_token(secret, R"({"sub":"a"})", h)), jwt_error_code::malformed)
            << h;
}

TEST(jwt_hs256, wrong_secret_is_bad_signature) {
    auto v = hs_verifier();
    EXPECT_EQ(refusal(*v, hs_token(secret + "x", R"({"sub":"a"})")), jwt_error_code::bad_signature);
}

TEST(jwt_hs256, flipped_byte_in_each_part_is_refused) {
    auto v = hs_verifier();
    const std::string good = hs_token(secret, R"({"sub":"alice","admin":false})");
    ASSERT_TRUE(v->verify(good, now()));
    const auto d1 = good.find('.');
    const auto d2 = good.find('.', d1 + 1);
    // One character changed in the middle of each part, keeping the alphabet valid.
    for (std::size_t pos : {d1 / 2, (d1 + d2) / 2, (d2 + good.size()) / 2}) {
        std::string bad = good;
        bad[pos] = bad[pos] == 'A' ? 'B' : 'A';
        auto r = v->verify(bad, now());
        ASSERT_FALSE(r) << "position " << pos;
        // A changed header may no longer parse; payload and signature changes fail the MAC.
        if (pos > d1) {
            EXPECT_EQ(r.error().code, jwt_error_code::bad_signature);
        }
    }
    // Signature truncated or extended by one byte.
    const std::string sig = good.substr(d2 + 1);
    std::string raw;
    ASSERT_TRUE(fraiseql::auth::jwt_detail::base64url_decode(sig, raw));
    EXPECT_EQ(refusal(*v, good.substr(0, d2 + 1) + b64(raw.substr(0, 31))),
              jwt_error_code::bad_signature);
    EXPECT_EQ(refusal(*v, good.substr(0, d2 + 1) + b64(raw + "x")), jwt_error_code::bad_signature);
    EXPECT_EQ(refusal(*v, good.substr(0, d2 + 1)), jwt_error_code::bad_signature);
}

TEST(jwt_hs256, alg_none_is_refused) {
    auto v = hs_verifier();
    const std::string payload = R"({"sub":"admin"})";
    const std::string none = b64(R"({"alg":"none","typ":"JWT"})") + "." + b64(payload) + ".";
    EXPECT_EQ(refusal(*v, none), jwt_error_code::unsupported_algorithm);
    // Also with a signature that would be valid for HS256 over the same input.
    const auto in = signing_input(R"({"alg":"none"})", payload);
    EXPECT_EQ(refusal(*v, in + "." + b64(hs256(secret, in))),
              jwt_error_code::unsupported_algorithm);
    for (const char* alg : {"None", "NONE", "hs256", "HS384", "HS512", "RS512", "PS256", ""})
        EXPECT_EQ(refusal(*v, hs_token(secret, payload, std::string(R"({"alg":")") + alg + "\"}")),
                  jwt_error_code::unsupported_algorithm)
            << alg;
}

TEST(jwt_hs256, header_shape_errors_are_malformed) {
    auto v = hs_verifier();
    const char* payload = R"({"sub":"a"})";
    for (const char* h :
         {R"({"typ":"JWT"})", R"({"alg":null})", R"({"alg":["HS256"]})", R"(["HS256"])",
          R"("HS256")", R"({"alg":"HS256")", R"({"alg":"HS256","kid":5})",
          R"({"alg":"HS256","crit":["exp"]})", R"({"alg":"HS256","crit":[]})"})
        EXPECT_EQ(refusal(*v, hs_token(secret, payload, h)), jwt_error_code::malformed) << h;
}

TEST(jwt_hs256, non_json_or_non_object_payload_is_malformed_even_when_signed) {
    auto v = hs_verifier();
    for (const char* p : {"not json", "[1,2]", "\"sub\"", "42", "{\"sub\":", "", "{} {}"})
        EXPECT_EQ(refusal(*v, hs_token(secret, p)), jwt_error_code::malformed) << p;
}

TEST(jwt_hs256, structure_and_base64_errors_are_malformed) {
    auto v = hs_verifier();
    const std::string good = hs_token(secret, R"({"sub":"a"})");
    const auto d1 = good.find('.');
    const auto d2 = good.find('.', d1 + 1);
    const std::string cases[] = {
        "",
        "abc",
        "a.b",
        good + ".",
        good + "." + good.substr(d2 + 1), // five-part (JWE) shape is 4 dots; any extra dot
        "." + good.substr(d1 + 1),        // empty header
        good.substr(0, d1) + "=" + good.substr(d1),         // padding in the header
        good.substr(0, d2) + "=" + good.substr(d2),         // padding in the payload
        good + "=",                                         // padding in the signature
        good.substr(0, d1 + 1) + "*" + good.substr(d1 + 1), // foreign char
        good.substr(0, 3) + "+" + good.substr(4),           // standard alphabet
        " " + good,
        good.substr(0, d2 + 1) + "A", // impossible signature length (1 mod 4)
    };
    for (const auto& t : cases) {
        auto r = v->verify(t, now());
        ASSERT_FALSE(r) << t;
        // A bad payload encoding is found after the MAC check (it covers the encoded text).
        EXPECT_TRUE(r.error().code == jwt_error_code::malformed ||
                    r.error().code == jwt_error_code::bad_signature)
            << t;
    }
    EXPECT_EQ(refusal(*v, good.substr(0, d1) + "=" + good.substr(d1)), jwt_error_code::malformed);
    EXPECT_EQ(refusal(*v, good + "="), jwt_error_code::malformed);
    EXPECT_EQ(refusal(*v, "abc"), jwt_error_code::malformed);
}

TEST(jwt_hs256, payload_with_bad_base64_is_refused_even_with_a_valid_mac) {
    auto v = hs_verifier();
    const std::string in = b64(R"({"alg":"HS256"})") + ".e30=";
    EXPECT_EQ(refusal(*v, in + "." + b64(hs256(secret, in))), jwt_error_code::malformed);
}

TEST(jwt_hs256, huge_tokens_are_refused_before_decoding) {
    auto v = hs_verifier();
    // A 1 MiB token with a valid signature: still refused, on size alone.
    const std::string big_payload = R"({"sub":"a","pad":")" + std::string(1 << 20, 'x') + "\"}";
    const std::string huge = hs_token(secret, big_payload);
    ASSERT_GT(huge.size(), 1u << 20);
    auto r = v->verify(huge, now());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, jwt_error_code::malformed);
    EXPECT_NE(r.error().message.find("16 KiB"), std::string::npos);

    // The limit is inclusive: 16384 characters are decoded, 16385 are not.
    const std::size_t limit = fraiseql::auth::max_jwt_size;
    auto at_limit = v->verify(std::string(limit, 'A'), now());
    ASSERT_FALSE(at_limit);
    EXPECT_EQ(at_limit.error().message.find("16 KiB"), std::string::npos);
    auto over = v->verify(std::string(limit + 1, 'A'), now());
    ASSERT_FALSE(over);
    EXPECT_NE(over.error().message.find("16 KiB"), std::string::npos);

    // The largest valid token below the limit verifies.
    const std::string head = R"({"sub":"a","pad":")";
    std::string pad(limit / 4 * 3 - 200, 'y');
    std::string below = hs_token(secret, head + pad + "\"}");
    ASSERT_LT(below.size(), limit);
    for (;;) {
        pad += 'y';
        auto next = hs_token(secret, head + pad + "\"}");
        if (next.size() > limit)
            break;
        below = std::move(next);
    }
    ASSERT_GT(below.size(), limit - 4);
    auto ok = v->verify(below, now());
    EXPECT_TRUE(ok) << (ok ? "" : ok.error().message);
}

TEST(jwt_claims, expired_with_and_without_leeway) {
    const auto token = hs_token(secret, R"({"exp":1700000000})");
    auto strict = hs_verifier();
    EXPECT_TRUE(strict->verify(token, at(now_s - 1)));
    EXPECT_EQ(refusal(*strict, token, at(now_s)), jwt_error_code::expired); // exp is exclusive
    EXPECT_EQ(refusal(*strict, token, at(now_s + 1)), jwt_error_code::expired);
    auto lenient = hs_verifier("", "", std::chrono::seconds(30));
    EXPECT_TRUE(lenient->verify(token, at(now_s + 29)));
    EXPECT_EQ(refusal(*lenient, token, at(now_s + 30)), jwt_error_code::expired);
}

TEST(jwt_claims, fractional_exp) {
    auto v = hs_verifier();
    const auto token = hs_token(secret, R"({"exp":1700000000.5})");
    EXPECT_TRUE(v->verify(token, at(now_s)));
    EXPECT_EQ(refusal(*v, token, at(now_s + 1)), jwt_error_code::expired);
}

TEST(jwt_claims, not_yet_valid_with_and_without_leeway) {
    const auto token = hs_token(secret, R"({"nbf":1700000000,"exp":1700009999})");
    auto strict = hs_verifier();
    EXPECT_TRUE(strict->verify(token, at(now_s)));
    EXPECT_EQ(refusal(*strict, token, at(now_s - 1)), jwt_error_code::not_yet_valid);
    auto lenient = hs_verifier("", "", std::chrono::seconds(30));
    EXPECT_TRUE(lenient->verify(token, at(now_s - 30)));
    EXPECT_EQ(refusal(*lenient, token, at(now_s - 31)), jwt_error_code::not_yet_valid);
}

TEST(jwt_claims, missing_exp_is_accepted) {
    auto v = hs_verifier();
    EXPECT_TRUE(v->verify(hs_token(secret, R"({"sub":"a"})"), now()));
}

TEST(jwt_claims, non_numeric_dates_are_malformed) {
    auto v = hs_verifier();
    for (const char* p : {R"({"exp":"1800000000"})", R"({"exp":null})", R"({"exp":true})",
                          R"({"nbf":"0"})", R"({"nbf":[1]})"})
        EXPECT_EQ(refusal(*v, hs_token(secret, p)), jwt_error_code::malformed) << p;
}

TEST(jwt_claims, huge_exp_values_do_not_overflow) {
    auto v = hs_verifier("", "", std::chrono::seconds(60));
    EXPECT_TRUE(v->verify(hs_token(secret, R"({"exp":18446744073709551615})"), now()));
    EXPECT_TRUE(v->verify(hs_token(secret, R"({"exp":1e300})"), now()));
    EXPECT_EQ(refusal(*v, hs_token(secret, R"({"exp":-9223372036854775808})")),
              jwt_error_code::expired);
    EXPECT_EQ(refusal(*v, hs_token(secret, R"({"nbf":1e300})")), jwt_error_code::not_yet_valid);
}

TEST(jwt_claims, issuer_must_match_exactly_when_configured) {
    auto v = hs_verifier("https://auth.example.com/");
    EXPECT_TRUE(v->verify(hs_token(secret, R"({"iss":"https://auth.example.com/"})"), now()));
    for (const char* p :
         {R"({"iss":"https://auth.example.com"})", R"({"iss":"HTTPS://AUTH.EXAMPLE.COM/"})",
          R"({"iss":"evil"})", R"({"iss":["https://auth.example.com/"]})", R"({"sub":"no iss"})"})
        EXPECT_EQ(refusal(*v, hs_token(secret, p)), jwt_error_code::wrong_issuer) << p;
    // Not configured: any issuer.
    EXPECT_TRUE(hs_verifier()->verify(hs_token(secret, R"({"iss":"anyone"})"), now()));
}

TEST(jwt_claims, audience_string_or_array_when_configured) {
    auto v = hs_verifier("", "fraiseql-api");
    EXPECT_TRUE(v->verify(hs_token(secret, R"({"aud":"fraiseql-api"})"), now()));
    EXPECT_TRUE(v->verify(hs_token(secret, R"({"aud":["other","fraiseql-api"]})"), now()));
    for (const char* p : {R"({"aud":"other"})", R"({"aud":["other","x"]})", R"({"aud":[]})",
                          R"({"aud":"fraiseql-api "})", R"({"aud":{"fraiseql-api":1}})",
                          R"({"aud":[["fraiseql-api"]]})", R"({"sub":"no aud"})"})
        EXPECT_EQ(refusal(*v, hs_token(secret, p)), jwt_error_code::wrong_audience) << p;
}

TEST(jwt_claims, expiry_is_checked_before_issuer_and_audience) {
    auto v = hs_verifier("iss", "aud");
    EXPECT_EQ(refusal(*v, hs_token(secret, R"({"exp":1,"iss":"x","aud":"y"})")),
              jwt_error_code::expired);
    EXPECT_TRUE(
        v->verify(hs_token(secret, R"({"exp":1800000000,"iss":"iss","aud":"aud"})"), now()));
}

TEST(jwt_create, refuses_short_secret_and_missing_keys) {
    jwt_config cfg;
    auto none = jwt_verifier::create(cfg);
    ASSERT_FALSE(none);
    EXPECT_NE(none.error().find("no key"), std::string::npos);

    cfg.secret = "secret"; // jwt.io's example key: too short for HS256 (RFC 7518 §3.2)
    auto short_secret = jwt_verifier::create(cfg);
    ASSERT_FALSE(short_secret);
    EXPECT_NE(short_secret.error().find("jwt_secret"), std::string::npos);
    EXPECT_EQ(short_secret.error().find("secret\""), std::string::npos);
    cfg.secret = std::string(31, 'k');
    EXPECT_FALSE(jwt_verifier::create(cfg));
    cfg.secret = std::string(32, 'k');
    EXPECT_TRUE(jwt_verifier::create(cfg));
    cfg.leeway = std::chrono::seconds(-1);
    EXPECT_FALSE(jwt_verifier::create(cfg));
}

TEST(jwt_errors, messages_never_contain_the_token_or_the_secret) {
    auto v = hs_verifier("iss", "aud");
    const std::string marker = "SENSITIVEMARKER";
    const std::string tokens[] = {
        hs_token(secret, R"({"sub":")" + marker + R"("})"),
        hs_token(secret + "x", R"({"sub":")" + marker + R"("})"),
        hs_token(secret, R"({"iss":")" + marker + R"("})"),
        hs_token(secret, R"({"sub":"a"})", R"({"alg":")" + marker + R"("})"),
        hs_token(secret, R"({"sub":"a"})", R"({"alg":"HS256","typ":")" + marker + R"("})"),
        marker,
    };
    for (const auto& t : tokens) {
        auto r = v->verify(t, now());
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().message.find(marker), std::string::npos) << r.error().message;
        EXPECT_EQ(r.error().message.find(secret), std::string::npos);
        EXPECT_EQ(r.error().message.find(t.substr(0, 10)), std::string::npos);
    }
}

TEST(jwt_errors, codes_have_names) {
    EXPECT_EQ(fraiseql::auth::to_string(jwt_error_code::bad_signature), "bad_signature");
    EXPECT_EQ(fraiseql::auth::to_string(jwt_error_code::unknown_key), "unknown_key");
}

} // namespace
