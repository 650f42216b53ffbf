// The blog demo's tenants (examples/blog/schema.sql, "Multi-tenancy"), end to end: served
// as fraiseql_app like `make demo` does, anonymous requests see the default tenant 'demo',
// a token with tenant_id 'acme' sees only acme's users, and a write for another tenant's
// author is refused. Both backends.

#include "security_support.hpp"

namespace fraiseql::test::security {
namespace {

using boost::json::serialize;

const char* const alice = "24c9e15e-52af-c47c-225b-757e7bee1f9d"; // user 1, tenant demo

class blog_tenancy_e2e : public security_e2e {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        server_ = std::make_unique<server_process>(
            std::vector<std::string>{
                "--schema", std::string(FRAISEQL_SOURCE_DIR) + "/examples/blog/schema.graphql",
                "--database-url", app_url(), "--backend", std::string(pg::to_string(GetParam()))},
            std::vector<std::string>{"FRAISEQL_JWT_SECRET=" + secret,
                                     "FRAISEQL_SESSION_VARIABLES=app.tenant_id=claim:tenant_id"});
        ASSERT_TRUE(server_->ok()) << server_->log();
    }
};

TEST_P(blog_tenancy_e2e, anonymous_sees_the_demo_tenant_and_a_token_its_own) {
    const std::string acme_id =
        query_column(admin_url(), "SELECT md5('user991')::uuid::text").at(0);
    // The superuser sees both tenants (RLS does not apply to it): the data is there.
    EXPECT_EQ(query_column(admin_url(), "SELECT count(*) FROM v_user"),
              std::vector<std::string>{"1000"});

    auto anon = query("{ users(orderBy: [{email: ASC}], limit: 2000) { id } }");
    EXPECT_EQ(anon.at("data").at("users").as_array().size(), 990u) << last_.body.substr(0, 300);
    EXPECT_EQ(serialize(query("{ user(id: \"" + acme_id + "\") { email } }").at("data")),
              R"({"user":null})");
    EXPECT_EQ(query("{ user(id: \"" + std::string(alice) + "\") { email } }")
                  .at("data")
                  .at("user")
                  .at("email"),
              "alice@example.com");

    const auto acme = token("acme");
    auto users = query("{ users(limit: 2000) { email posts { id } } }", acme);
    const auto& list = users.at("data").at("users").as_array();
    ASSERT_EQ(list.size(), 10u) << last_.body;
    for (const auto& u : list) {
        const std::string email(u.at("email").as_string());
        const int n = std::stoi(email.substr(4, email.find('@') - 4));
        EXPECT_TRUE(n >= 991 && n <= 1000) << email;
    }
    EXPECT_EQ(serialize(query("{ posts(limit: 5) { id } }", acme).at("data")), R"({"posts":[]})");
    EXPECT_EQ(serialize(query("{ postsConnection(first: 5) { totalCount } }", acme).at("data")),
              R"({"postsConnection":{"totalCount":0}})");
    EXPECT_EQ(
        serialize(query("{ user(id: \"" + std::string(alice) + "\") { email } }", acme).at("data")),
        R"({"user":null})");
    EXPECT_EQ(query("{ user(id: \"" + acme_id + "\") { email } }", acme)
                  .at("data")
                  .at("user")
                  .at("email"),
              "user991@example.com");
}

TEST_P(blog_tenancy_e2e, writes_stay_inside_the_tenant) {
    // acme cannot post as alice (of tenant demo): to acme, alice does not exist.
    const std::string m = "mutation($i: CreatePostInput!) { createPost(input: $i) { id } }";
    const std::string title = "acme-as-alice-" + std::to_string(now_s());
    auto v = post(body(m, R"({"i":{"authorId":")" + std::string(alice) + R"(","title":")" + title +
                              R"(","body":"x"}})"),
                  bearer(token("acme")));
    EXPECT_TRUE(v.at("data").at("createPost").is_null()) << last_.body;
    EXPECT_EQ(error_codes(v), std::vector<std::string>{"DATABASE_ERROR"});
    EXPECT_EQ(
        query_column(admin_url(), "SELECT count(*) FROM tb_post WHERE title = '" + title + "'"),
        std::vector<std::string>{"0"});
    // acme cannot rename a demo post either (not found for acme, nothing changes).
    const std::string post1 = query_column(admin_url(), "SELECT md5('post1')::uuid::text").at(0);
    auto r = post(
        body("mutation($i: UpdatePostTitleInput!) { updatePostTitle(input: $i) { "
             "... on UpdatePostTitleError { status } ... on UpdatePostTitleSuccess { status } } }",
             R"({"i":{"id":")" + post1 + R"(","title":"pwned"}})"),
        bearer(token("acme")));
    EXPECT_EQ(serialize(r.at("data")), R"({"updatePostTitle":{"status":"not_found:post"}})")
        << last_.body;
    EXPECT_EQ(query_column(admin_url(), "SELECT title FROM tb_post WHERE id = '" + post1 + "'"),
              std::vector<std::string>{"Post 1: Views all the way down"});
}

INSTANTIATE_TEST_SUITE_P(backends, blog_tenancy_e2e, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test::security
