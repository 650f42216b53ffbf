#pragma once
// Shared by tests/e2e/security_*_pgtest.cpp: the multi-tenant fixture
// (tests/e2e/fixtures/security.{sql,graphql}), a server that connects as the
// non-superuser fraiseql_app (RLS applies to it), and HS256 tokens minted here with
// OpenSSL's HMAC so that every token the server sees is really signed.

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "support/cluster.hpp"
#include "support/server_process.hpp"
#include "support/sql.hpp"

namespace fraiseql::test::security {

/// 48 bytes: RFC 7518 §3.2 wants at least 32 for HS256 (the server refuses less).
inline const std::string secret = "e2e-security-secret-0123456789-abcdefghijklmnopq";

inline std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// base64url without padding (RFC 7515 §2).
inline std::string b64url(const std::string& in) {
    static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::size_t i = 0;
    const auto* p = reinterpret_cast<const unsigned char*>(in.data());
    for (; i + 2 < in.size(); i += 3) {
        unsigned v = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
        out += abc[v >> 18], out += abc[(v >> 12) & 63], out += abc[(v >> 6) & 63],
            out += abc[v & 63];
    }
    if (in.size() - i == 1) {
        unsigned v = p[i] << 16;
        out += abc[v >> 18], out += abc[(v >> 12) & 63];
    } else if (in.size() - i == 2) {
        unsigned v = (p[i] << 16) | (p[i + 1] << 8);
        out += abc[v >> 18], out += abc[(v >> 12) & 63], out += abc[(v >> 6) & 63];
    }
    return out;
}

inline std::string hmac_sha256(const std::string& key, const std::string& data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
    return std::string(reinterpret_cast<char*>(mac), len);
}

/// A compact JWS with `header` and `payload` (JSON texts) signed with HMAC-SHA256 and `key`.
inline std::string hs256(const std::string& payload, const std::string& key = secret,
                         const std::string& header = R"({"alg":"HS256","typ":"JWT"})") {
    const std::string signing_input = b64url(header) + "." + b64url(payload);
    return signing_input + "." + b64url(hmac_sha256(key, signing_input));
}

inline long long now_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// A valid token for `tenant` (no tenant_id claim when empty) with `sub` and `roles`.
inline std::string token(const std::string& tenant, const std::string& sub = "user-1",
                         const std::vector<std::string>& roles = {}) {
    boost::json::object claims;
    claims["sub"] = sub;
    if (!tenant.empty())
        claims["tenant_id"] = tenant;
    claims["exp"] = now_s() + 3600;
    boost::json::array r;
    for (const auto& x : roles)
        r.emplace_back(x);
    if (!roles.empty())
        claims["roles"] = std::move(r);
    return hs256(boost::json::serialize(claims));
}

inline std::map<std::string, std::string> bearer(const std::string& jwt) {
    return {{"Authorization", "Bearer " + jwt}};
}

/// {"query": q} (and "variables" when given) as JSON text.
inline std::string body(const std::string& q, const std::string& variables = "") {
    std::string out = "{\"query\":" + boost::json::serialize(boost::json::string(q));
    if (!variables.empty())
        out += ",\"variables\":" + variables;
    return out + "}";
}

/// The database as the superuser (setup and checks that bypass RLS).
inline std::string admin_url() {
    return database_url_for("fraiseql_e2e");
}

/// The database as fraiseql_app: NOSUPERUSER NOBYPASSRLS (tools/pg-test-cluster.sh).
inline std::string app_url() {
    return "postgres://fraiseql_app:app_pass_1@127.0.0.1:" + cluster_env("FRAISEQL_TEST_PORT") +
           "/fraiseql_e2e";
}

/// The session variables every security test server uses.
inline const char* const session_variables =
    "FRAISEQL_SESSION_VARIABLES=app.tenant_id=claim:tenant_id,app.user_id=claim:sub,"
    "app.locale=header:x-locale";

/// Base fixture: loads security.sql once per process, starts servers on demand.
class security_e2e : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    static void SetUpTestSuite() {
        if (!cluster_available())
            return;
        setup_error_ = exec_script(admin_url(), read_text(std::string(FRAISEQL_SOURCE_DIR) +
                                                          "/tests/e2e/fixtures/security.sql"));
    }
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        ASSERT_EQ(setup_error_, "");
    }
    /// Starts a server on the security schema as fraiseql_app with `env` (KEY=VALUE) added
    /// to the JWT secret and the session variables.
    void start(std::vector<std::string> env = {}) {
        std::vector<std::string> all = {"FRAISEQL_JWT_SECRET=" + secret, session_variables};
        for (auto& e : env)
            all.push_back(std::move(e));
        server_.reset();
        server_ = std::make_unique<server_process>(
            std::vector<std::string>{
                "--schema",
                std::string(FRAISEQL_SOURCE_DIR) + "/tests/e2e/fixtures/security.graphql",
                "--database-url", app_url(), "--backend", std::string(pg::to_string(GetParam()))},
            std::move(all));
        ASSERT_TRUE(server_->ok()) << server_->log();
    }
    unsigned short port() const { return server_->port(); }

    /// POSTs `json` with `headers`; the parsed body (null when not JSON, with a failure).
    boost::json::value post(const std::string& json,
                            const std::map<std::string, std::string>& headers = {},
                            int expected_status = 200) {
        auto r = post_graphql(port(), json, headers);
        last_ = r;
        EXPECT_EQ(r.status, expected_status) << r.error << r.body;
        boost::system::error_code ec;
        auto v = boost::json::parse(r.body, ec);
        EXPECT_FALSE(ec) << "not JSON: " << r.body;
        return ec ? boost::json::value() : v;
    }
    boost::json::value query(const std::string& q, const std::string& jwt = "",
                             std::map<std::string, std::string> headers = {}) {
        if (!jwt.empty())
            headers["Authorization"] = "Bearer " + jwt;
        return post(body(q), headers);
    }

    std::unique_ptr<server_process> server_;
    http_response last_;
    static inline std::string setup_error_;
};

/// The error codes of a response (extensions.code), in order.
inline std::vector<std::string> error_codes(const boost::json::value& v) {
    std::vector<std::string> out;
    if (!v.is_object() || !v.as_object().contains("errors"))
        return out;
    for (const auto& e : v.at("errors").as_array())
        out.emplace_back(e.at("extensions").at("code").as_string());
    return out;
}

/// Every `tenantId` in a list of objects equals `tenant`; the list is not empty.
inline ::testing::AssertionResult all_of_tenant(const boost::json::value& list,
                                                const std::string& tenant) {
    if (!list.is_array())
        return ::testing::AssertionFailure() << "not a list: " << boost::json::serialize(list);
    if (list.as_array().empty())
        return ::testing::AssertionFailure() << "empty list";
    for (const auto& x : list.as_array())
        if (x.at("tenantId") != tenant.c_str())
            return ::testing::AssertionFailure()
                   << "a row of another tenant: " << boost::json::serialize(x);
    return ::testing::AssertionSuccess();
}

} // namespace fraiseql::test::security
