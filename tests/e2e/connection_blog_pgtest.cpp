// End to end over loopback: a Relay connection of the blog demo through the real
// fraiseql binary, both backends.

#include <gtest/gtest.h>

#include <memory>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "support/cluster.hpp"
#include "support/server_process.hpp"

namespace fraiseql::test {
namespace {

std::string e2e_url() {
    return "postgres://postgres@127.0.0.1:" + cluster_env("FRAISEQL_TEST_PORT") + "/fraiseql_e2e";
}

class connection_e2e : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        server_ = std::make_unique<server_process>(std::vector<std::string>{
            "--schema", std::string(FRAISEQL_SOURCE_DIR) + "/examples/blog/schema.graphql",
            "--database-url", e2e_url(), "--backend", std::string(pg::to_string(GetParam()))});
        ASSERT_TRUE(server_->ok()) << server_->log();
    }
    boost::json::value query(const std::string& q) {
        auto r = post_graphql(server_->port(), "{\"query\":" + boost::json::serialize(boost::json::string(q)) + "}");
        EXPECT_EQ(r.status, 200) << r.error << r.body;
        last_ = r.body;
        return boost::json::parse(r.body);
    }
    std::unique_ptr<server_process> server_;
    std::string last_;
};

TEST_P(connection_e2e, posts_connection_pages_through_alices_posts) {
    const std::string filter = R"(where: {author: {id: {eq: "24c9e15e-52af-c47c-225b-757e7bee1f9d"}}}, orderBy: [{publishedAt: DESC}])";
    auto p1 = query("{ postsConnection(first: 3, " + filter +
                    ") { totalCount edges { cursor node { title } } pageInfo { hasNextPage hasPreviousPage endCursor } } }");
    ASSERT_FALSE(p1.as_object().contains("errors")) << last_;
    const auto& c1 = p1.at("data").at("postsConnection");
    EXPECT_EQ(c1.at("totalCount"), 4);
    const auto& e1 = c1.at("edges").as_array();
    ASSERT_EQ(e1.size(), 3u);
    EXPECT_EQ(e1[0].at("node").at("title"), "Post 2971: Views all the way down");
    EXPECT_EQ(e1[1].at("node").at("title"), "Post 1981: Views all the way down");
    EXPECT_EQ(e1[2].at("node").at("title"), "Post 991: Views all the way down");
    EXPECT_EQ(boost::json::serialize(c1.at("pageInfo").at("hasNextPage")), "true");
    EXPECT_EQ(boost::json::serialize(c1.at("pageInfo").at("hasPreviousPage")), "false");
    EXPECT_EQ(c1.at("pageInfo").at("endCursor"), e1[2].at("cursor"));

    const std::string after = std::string(c1.at("pageInfo").at("endCursor").as_string());
    auto p2 = query("{ postsConnection(first: 3, after: \"" + after + "\", " + filter +
                    ") { edges { node { title } } pageInfo { hasNextPage hasPreviousPage } } }");
    EXPECT_EQ(boost::json::serialize(p2.at("data")),
              R"({"postsConnection":{"edges":[{"node":{"title":"Post 1: Views all the way down"}}],)"
              R"("pageInfo":{"hasNextPage":false,"hasPreviousPage":true}}})")
        << last_;
}

TEST_P(connection_e2e, a_bad_cursor_is_bad_user_input) {
    auto v = query(R"({ postsConnection(first: 2, after: "bm9wZQ") { edges { cursor } } })");
    EXPECT_TRUE(v.at("data").is_null()) << last_;
    EXPECT_NE(last_.find("BAD_USER_INPUT"), std::string::npos) << last_;
}

INSTANTIATE_TEST_SUITE_P(backends, connection_e2e, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test
