// authenticate(): the Authorization header (RFC 7235 §2.1, RFC 6750 §2.1) to an auth_context;
// roles and claim_text for session variables.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "fraiseql/auth/authenticate.hpp"
#include "jwt_test_util.hpp"

namespace {

using namespace fraiseql_test::jwt;
using fraiseql::auth::auth_failure;
using fraiseql::auth::authenticate;
using fraiseql::auth::claim_text;
using fraiseql::auth::jwt_config;
using fraiseql::auth::jwt_error_code;
using fraiseql::auth::jwt_verifier;
using fraiseql::auth::roles_from_claims;
using reason = auth_failure::reason;

std::shared_ptr<jwt_verifier> verifier() {
    jwt_config cfg;
    cfg.secret = secret;
    cfg.audience = "api";
    auto v = jwt_verifier::create(cfg);
    EXPECT_TRUE(v);
    return *v;
}

auth_failure failure_of(std::string_view header, bool allow_anonymous = true,
                        const jwt_verifier* v = nullptr) {
    auto r = authenticate(header, v, allow_anonymous, now());
    EXPECT_FALSE(r) << "authenticated: " << header;
    return r ? auth_failure{} : r.error();
}

boost::json::object obj(std::string_view json) {
    return boost::json::parse(json).as_object();
}

TEST(auth_authenticate, no_header_is_anonymous_when_allowed) {
    auto v = verifier();
    for (std::string_view h : {"", "   ", "\t"}) {
        auto r = authenticate(h, v.get(), true, now());
        ASSERT_TRUE(r);
        EXPECT_FALSE(r->authenticated);
        EXPECT_TRUE(r->claims.empty());
        EXPECT_TRUE(r->roles.empty());
    }
    // Without any verifier configured too.
    EXPECT_TRUE(authenticate("", nullptr, true, now()));
}

TEST(auth_authenticate, no_header_is_an_error_when_anonymous_is_not_allowed) {
    auto v = verifier();
    const auto f = failure_of("", false, v.get());
    EXPECT_EQ(f.why, reason::missing_credentials);
    EXPECT_EQ(f.www_authenticate(), "Bearer");
    EXPECT_EQ(auth_failure::http_status, 401);
}

TEST(auth_authenticate, valid_bearer_token) {
    auto v = verifier();
    const auto token =
        hs_token(secret, R"({"sub":"u1","aud":"api","roles":["editor","admin"],"tenant_id":7})");
    for (const std::string prefix : {"Bearer ", "bearer ", "BEARER  ", " Bearer\t"}) {
        auto r = authenticate(prefix + token + " ", v.get(), false, now());
        ASSERT_TRUE(r) << prefix << ": " << r.error().log_message;
        EXPECT_TRUE(r->authenticated);
        EXPECT_EQ(r->claims.at("sub").as_string(), "u1");
        EXPECT_EQ(r->roles, (std::vector<std::string>{"editor", "admin"}));
        EXPECT_TRUE(r->has_role("admin"));
        EXPECT_FALSE(r->has_role("Admin"));
    }
}

TEST(auth_authenticate, invalid_token_never_degrades_to_anonymous) {
    auto v = verifier();
    const auto wrong_aud = hs_token(secret, R"({"sub":"u1","aud":"other"})");
    for (bool allow : {true, false}) {
        const auto f = failure_of("Bearer " + wrong_aud, allow, v.get());
        EXPECT_EQ(f.why, reason::invalid_token);
        ASSERT_TRUE(f.jwt_code);
        EXPECT_EQ(*f.jwt_code, jwt_error_code::wrong_audience);
        EXPECT_EQ(f.www_authenticate(), "Bearer error=\"invalid_token\"");
        EXPECT_NE(f.log_message.find("wrong_audience"), std::string::npos);
        EXPECT_EQ(f.log_message.find(wrong_aud.substr(0, 20)), std::string::npos);
    }
    const auto expired = hs_token(secret, R"({"aud":"api","exp":1})");
    EXPECT_EQ(*failure_of("Bearer " + expired, true, v.get()).jwt_code, jwt_error_code::expired);
    const auto none = b64(R"({"alg":"none"})") + "." + b64(R"({"aud":"api"})") + ".";
    EXPECT_EQ(*failure_of("Bearer " + none, true, v.get()).jwt_code,
              jwt_error_code::unsupported_algorithm);
}

TEST(auth_authenticate, other_schemes_are_refused) {
    auto v = verifier();
    for (std::string_view h : {"Basic dXNlcjpwYXNz", "Token abc", "Bearerabc.def.ghi",
                               "abc.def.ghi", "Digest username=\"u\""}) {
        const auto f = failure_of(h, true, v.get());
        EXPECT_EQ(f.why, reason::unsupported_scheme) << h;
    }
}

TEST(auth_authenticate, bearer_without_a_single_token_is_malformed) {
    auto v = verifier();
    for (std::string_view h : {"Bearer", "Bearer ", "bearer\t", "Bearer a.b.c d.e.f"}) {
        const auto f = failure_of(h, true, v.get());
        EXPECT_EQ(f.why, reason::malformed_header) << h;
        EXPECT_EQ(f.www_authenticate(), "Bearer error=\"invalid_request\"");
    }
}

TEST(auth_authenticate, bearer_without_a_configured_verifier_is_refused) {
    const auto f = failure_of("Bearer " + hs_token(secret, "{}"), true, nullptr);
    EXPECT_EQ(f.why, reason::not_configured);
}

TEST(auth_authenticate, client_message_is_generic) {
    // Whatever the reason, the client is told the same thing.
    EXPECT_EQ(auth_failure::client_message, "Authentication required");
    EXPECT_EQ(fraiseql::auth::to_string(reason::invalid_token), "invalid_token");
}

TEST(auth_roles, array_string_and_role_claims) {
    EXPECT_EQ(roles_from_claims(obj(R"({"roles":["a","b","a"]})")),
              (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(roles_from_claims(obj(R"({"roles":"a b,c , d"})")),
              (std::vector<std::string>{"a", "b", "c", "d"}));
    EXPECT_EQ(roles_from_claims(obj(R"({"role":"admin"})")), (std::vector<std::string>{"admin"}));
    EXPECT_EQ(roles_from_claims(obj(R"({"roles":["x"],"role":"y"})")),
              (std::vector<std::string>{"x", "y"}));
    EXPECT_EQ(roles_from_claims(obj(R"({"roles":["x", 1, null, {"a":1}, ""],"role":["y","x"]})")),
              (std::vector<std::string>{"x", "y"}));
    EXPECT_TRUE(roles_from_claims(obj(R"({"roles":5,"role":true})")).empty());
    EXPECT_TRUE(roles_from_claims(obj(R"({"sub":"a"})")).empty());
}

TEST(auth_claim_text, every_json_kind) {
    const auto c = obj(R"({"s":"t-1","i":-42,"u":18446744073709551615,"d":1.5,"d2":100.0,
        "b":true,"f":false,"n":null,"o":{"a":[1,"x"]},"a":[1,2],"e":""})");
    EXPECT_EQ(claim_text(c, "s"), "t-1");
    EXPECT_EQ(claim_text(c, "i"), "-42");
    EXPECT_EQ(claim_text(c, "u"), "18446744073709551615");
    EXPECT_EQ(claim_text(c, "d"), "1.5");
    EXPECT_EQ(claim_text(c, "d2"), "100");
    EXPECT_EQ(claim_text(c, "b"), "true");
    EXPECT_EQ(claim_text(c, "f"), "false");
    EXPECT_EQ(claim_text(c, "n"), "");
    EXPECT_EQ(claim_text(c, "o"), R"({"a":[1,"x"]})");
    EXPECT_EQ(claim_text(c, "a"), "[1,2]");
    EXPECT_EQ(claim_text(c, "e"), "");
    EXPECT_EQ(claim_text(c, "missing"), "");
}

} // namespace
