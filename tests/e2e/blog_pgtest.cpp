// End to end over loopback: the real fraiseql binary serving examples/blog
// (loaded into the fraiseql_e2e database by the e2e_blog_db CTest fixture), on
// both backends.

#include <gtest/gtest.h>

#include <memory>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "support/cluster.hpp"
#include "support/server_process.hpp"

namespace fraiseql::test {
namespace {

std::string e2e_url() {
    return "postgres://postgres@127.0.0.1:" + cluster_env("FRAISEQL_TEST_PORT") + "/fraiseql_e2e";
}

/// Normalises JSON text so comparisons ignore insignificant whitespace.
std::string canon(const std::string& json) {
    boost::system::error_code ec;
    auto v = boost::json::parse(json, ec);
    return ec ? "<invalid JSON: " + json + ">" : boost::json::serialize(v);
}

class blog_e2e : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        server_ = std::make_unique<server_process>(std::vector<std::string>{
            "--schema", std::string(FRAISEQL_SOURCE_DIR) + "/examples/blog/schema.graphql",
            "--database-url", e2e_url(), "--backend", std::string(pg::to_string(GetParam()))});
        ASSERT_TRUE(server_->ok()) << server_->log();
    }
    unsigned short port() const { return server_->port(); }
    std::unique_ptr<server_process> server_;
};

TEST_P(blog_e2e, query_with_nested_fields_returns_exact_json) {
    auto r = post_graphql(port(), R"({"query":"{ users(where: {email: {eq: \"alice@example.com\"}}) { id email firstName posts { title } } }"})");
    ASSERT_EQ(r.status, 200) << r.error << r.body;
    EXPECT_EQ(canon(r.body), canon(R"({"data":{"users":[{"id":"24c9e15e-52af-c47c-225b-757e7bee1f9d","email":"alice@example.com","firstName":"Alice","posts":[{"title":"Post 1: Views all the way down"},{"title":"Post 991: Views all the way down"},{"title":"Post 1981: Views all the way down"},{"title":"Post 2971: Views all the way down"}]}]}})"));
}

TEST_P(blog_e2e, limit_and_order_by_a_real_column) {
    auto r = post_graphql(port(), R"({"query":"{ users(limit: 3, orderBy: [{email: ASC}]) { email } }"})");
    ASSERT_EQ(r.status, 200) << r.error << r.body;
    auto v = boost::json::parse(r.body);
    const auto& users = v.at("data").at("users").as_array();
    ASSERT_EQ(users.size(), 3u);
    EXPECT_EQ(users[0].at("email"), "alice@example.com");
    EXPECT_LT(std::string(users[0].at("email").as_string()), std::string(users[1].at("email").as_string()));
    EXPECT_LT(std::string(users[1].at("email").as_string()), std::string(users[2].at("email").as_string()));
}

TEST_P(blog_e2e, variables_aliases_and_typename) {
    auto r = post_graphql(port(), R"({"query":"query Q($e: String!) { me: users(where: {email: {eq: $e}}) { __typename name: firstName address { __typename city } } }","variables":{"e":"alice@example.com"}})");
    ASSERT_EQ(r.status, 200) << r.error << r.body;
    EXPECT_EQ(canon(r.body), canon(R"({"data":{"me":[{"__typename":"User","name":"Alice","address":{"__typename":"Address","city":"Berlin"}}]}})"));
}

TEST_P(blog_e2e, single_object_and_missing_row) {
    auto r = post_graphql(port(), R"({"query":"{ a: user(id: \"24c9e15e-52af-c47c-225b-757e7bee1f9d\") { firstName } b: user(id: \"00000000-0000-0000-0000-000000000000\") { firstName } }"})");
    ASSERT_EQ(r.status, 200) << r.error << r.body;
    EXPECT_EQ(canon(r.body), canon(R"({"data":{"a":{"firstName":"Alice"},"b":null}})"));
}

TEST_P(blog_e2e, malformed_body_is_400_and_server_keeps_serving) {
    auto r = post_graphql(port(), R"({"query": )");
    EXPECT_EQ(r.status, 400) << r.body;
    auto q = post_graphql(port(), R"({"query":"{ users(limit: 1) { email "})");
    EXPECT_EQ(q.status, 400) << q.body;
    EXPECT_NE(q.body.find("GRAPHQL_PARSE_FAILED"), std::string::npos) << q.body;
    auto ok = post_graphql(port(), R"({"query":"{ users(limit: 1) { email } }"})");
    EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_P(blog_e2e, unknown_field_is_a_validation_error_with_location) {
    auto r = post_graphql(port(), R"({"query":"{ users { nope } }"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(canon(r.body), canon(R"({"errors":[{"message":"Cannot query field \"nope\" on type \"User\".","locations":[{"line":1,"column":11}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]})"));
}

TEST_P(blog_e2e, health_reports_the_backend) {
    auto r = http_request(port(), "GET", "/health");
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find(std::string(pg::to_string(GetParam()))), std::string::npos) << r.body;
    auto ready = http_request(port(), "GET", "/ready");
    EXPECT_EQ(ready.status, 200) << ready.body;
}

INSTANTIATE_TEST_SUITE_P(backends, blog_e2e, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test
