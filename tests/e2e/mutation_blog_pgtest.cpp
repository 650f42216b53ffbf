// End to end over loopback: mutations of the blog demo (createPost, the entity form;
// updatePostTitle, the union form) through the real fraiseql binary, both backends.
// Posts are created by user 77 (never asserted on by other e2e tests) with unique titles.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "support/cluster.hpp"
#include "support/server_process.hpp"

namespace fraiseql::test {
namespace {

const char* const author77 = "f330353f-8c4c-c942-05ec-099bead3053c"; // md5('user77')::uuid

std::string e2e_url() {
    return "postgres://postgres@127.0.0.1:" + cluster_env("FRAISEQL_TEST_PORT") + "/fraiseql_e2e";
}

std::string unique(const std::string& prefix) {
    return prefix + " " + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

class mutation_e2e : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        server_ = std::make_unique<server_process>(std::vector<std::string>{
            "--schema", std::string(FRAISEQL_SOURCE_DIR) + "/examples/blog/schema.graphql",
            "--database-url", e2e_url(), "--backend", std::string(pg::to_string(GetParam()))});
        ASSERT_TRUE(server_->ok()) << server_->log();
    }
    boost::json::value post(const std::string& body) {
        auto r = post_graphql(server_->port(), body);
        EXPECT_EQ(r.status, 200) << r.error << r.body;
        last_ = r.body;
        boost::system::error_code ec;
        auto v = boost::json::parse(r.body, ec);
        EXPECT_FALSE(ec) << r.body;
        return v;
    }
    /// POST {"query": q}.
    boost::json::value query(const std::string& q) {
        return post("{\"query\":" + boost::json::serialize(boost::json::string(q)) + "}");
    }
    std::string create_post(const std::string& title) {
        auto v = post(R"({"query":"mutation($i: CreatePostInput!) { createPost(input: $i) { id title body author { id firstName } comments { id } } }","variables":{"i":{"authorId":")" +
                      std::string(author77) + R"(","title":")" + title + R"(","body":"Hello from e2e"}}})");
        EXPECT_FALSE(v.as_object().contains("errors")) << last_;
        const auto& p = v.at("data").at("createPost");
        EXPECT_EQ(p.at("title"), title.c_str());
        EXPECT_EQ(p.at("body"), "Hello from e2e");
        EXPECT_EQ(p.at("author").at("id"), author77);
        EXPECT_EQ(boost::json::serialize(p.at("comments")), "[]");
        return std::string(p.at("id").as_string());
    }
    std::unique_ptr<server_process> server_;
    std::string last_;
};

TEST_P(mutation_e2e, create_post_end_to_end) {
    const std::string title = unique("e2e createPost");
    const std::string id = create_post(title);
    // Readable right away through the query side.
    auto q = query("{ post(id: \"" + id + "\") { title author { id } } }");
    EXPECT_EQ(boost::json::serialize(q.at("data")),
              R"({"post":{"title":")" + title + R"(","author":{"id":")" + author77 + R"("}}})");
}

TEST_P(mutation_e2e, create_post_with_unknown_author_is_a_database_error) {
    const std::string title = unique("e2e orphan");
    auto v = query("mutation { createPost(input: {authorId: \"00000000-0000-0000-0000-000000000000\", title: \"" +
                   title + "\", body: \"x\"}) { id } }");
    EXPECT_TRUE(v.at("data").at("createPost").is_null()) << last_;
    EXPECT_NE(last_.find("DATABASE_ERROR"), std::string::npos) << last_;
    EXPECT_NE(last_.find("does not exist"), std::string::npos) << last_;
    // That the transaction rolls back is proved by tests/integration/exec (fn_fail).
}

TEST_P(mutation_e2e, update_post_title_union_success_and_errors) {
    const std::string id = create_post(unique("e2e before"));
    const std::string renamed = unique("e2e after");
    auto update = [&](const std::string& post_id, const std::string& title) {
        return query("mutation { updatePostTitle(input: {id: \"" + post_id + "\", title: \"" + title +
                     "\"}) { __typename ... on UpdatePostTitleSuccess { status updatedFields post { id title } }"
                     " ... on UpdatePostTitleError { status code errors { identifier code } } } }");
    };
    auto ok = update(id, renamed);
    EXPECT_EQ(boost::json::serialize(ok.at("data")),
              R"({"updatePostTitle":{"__typename":"UpdatePostTitleSuccess","status":"updated","updatedFields":["title"],"post":{"id":")" +
                  id + R"(","title":")" + renamed + R"("}}})")
        << last_;
    auto noop = update(id, renamed);
    EXPECT_EQ(boost::json::serialize(noop.at("data")),
              R"({"updatePostTitle":{"__typename":"UpdatePostTitleError","status":"noop:unchanged","code":422,"errors":[{"identifier":"unchanged","code":422}]}})")
        << last_;
    auto missing = update("00000000-0000-0000-0000-000000000000", "x");
    EXPECT_EQ(boost::json::serialize(missing.at("data")),
              R"({"updatePostTitle":{"__typename":"UpdatePostTitleError","status":"not_found:post","code":404,"errors":[{"identifier":"post","code":404}]}})")
        << last_;
    auto empty = update(id, "  ");
    EXPECT_EQ(boost::json::serialize(empty.at("data")),
              R"({"updatePostTitle":{"__typename":"UpdatePostTitleError","status":"validation:title","code":422,"errors":[{"identifier":"title","code":422}]}})")
        << last_;
}

INSTANTIATE_TEST_SUITE_P(backends, mutation_e2e, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test
