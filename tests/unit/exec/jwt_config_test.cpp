// The jwt_* keys of the server configuration become the verifier's configuration
// (make_jwt_config, exec; the verifier itself is the auth component).

#include <gtest/gtest.h>

#include "fraiseql/exec/jwt.hpp"

namespace {

TEST(jwt_config_mapping, takes_the_jwt_keys_of_the_server_config) {
    fraiseql::exec::config c;
    c.jwt_secret = "s";
    c.jwt_public_key_file = "/k.pem";
    c.jwt_jwks_file = "/k.json";
    c.jwt_issuer = "i";
    c.jwt_audience = "a";
    c.jwt_leeway = std::chrono::seconds(5);
    const auto j = fraiseql::exec::make_jwt_config(c);
    EXPECT_EQ(j.secret, "s");
    EXPECT_EQ(j.public_key_file, "/k.pem");
    EXPECT_EQ(j.jwks_file, "/k.json");
    EXPECT_EQ(j.issuer, "i");
    EXPECT_EQ(j.audience, "a");
    EXPECT_EQ(j.leeway, std::chrono::seconds(5));
    EXPECT_TRUE(j.has_key());
}

} // namespace
