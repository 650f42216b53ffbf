// Connection fields on the compiled-plan road over loopback (docs/adr/0017, "connections"):
// a paginated walk with `first: $n, after: $c` (and `last: $n, before: $c`) over every page
// gives the same edges, page info and counts as a server without the cache, compiles one
// shape per cursor null-ness and then only binds (read from /metrics); a cursor the compiler
// refuses still gets today's error on a warm shape. Both backends, the example blog.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "fraiseql/sql/connection.hpp"
#include "support/cluster.hpp"
#include "support/server_process.hpp"
#include "support/sql.hpp"

namespace fraiseql::test {
namespace {

namespace bj = boost::json;

/// The value of a Prometheus counter in /metrics text, or -1.
long counter(const std::string& metrics, const std::string& name) {
    auto pos = metrics.find("\n" + name + " ");
    if (pos == std::string::npos) return -1;
    return std::stol(metrics.substr(pos + name.size() + 2));
}

// Posts 28, 208..298 and 2008..2998 whose number ends in 8 (111 of them; those divisible by 7
// are not rated), by rating DESC (NULLS FIRST): the walk crosses from null ratings to values.
const char* const forward =
    "query Walk($n: Int, $c: String, $s: String!) { postsConnection(first: $n, after: $c, "
    "where: {title: {startswith: $s, endswith: \"Pagination\"}}, orderBy: [{rating: DESC}]) "
    "{ totalCount edges { cursor node { id title rating } } "
    "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";
const char* const backward =
    "query Back($n: Int, $c: String, $s: String!) { postsConnection(last: $n, before: $c, "
    "where: {title: {startswith: $s, endswith: \"Pagination\"}}, orderBy: [{rating: DESC}]) "
    "{ edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor } } }";

class connection_plan_cache_e2e : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override { FRAISEQL_REQUIRE_CLUSTER(); }
    static std::unique_ptr<server_process> start(std::vector<std::string> env = {}) {
        auto s = std::make_unique<server_process>(
            std::vector<std::string>{
                "--schema", std::string(FRAISEQL_SOURCE_DIR) + "/examples/blog/schema.graphql",
                "--database-url", database_url_for("fraiseql_e2e"), "--backend",
                std::string(pg::to_string(GetParam()))},
            std::move(env));
        EXPECT_TRUE(s->ok()) << s->log();
        return s;
    }
    /// The response body (parsed) of `query` with `variables` on `server`.
    static bj::value graphql(const server_process& server, const char* query, const bj::object& variables) {
        bj::object body{{"query", query}, {"variables", variables}};
        auto r = post_graphql(server.port(), bj::serialize(body));
        EXPECT_EQ(r.status, 200) << r.body;
        boost::system::error_code ec;
        auto v = bj::parse(r.body, ec);
        EXPECT_FALSE(ec) << r.body;
        return v;
    }
    struct counters {
        long hits, shapes, value;
    };
    static counters read(const server_process& server) {
        auto m = http_request(server.port(), "GET", "/metrics");
        EXPECT_EQ(m.status, 200);
        return {counter(m.body, "fraiseql_compiled_plan_hits_total"),
                counter(m.body, "fraiseql_compiled_plan_shapes_total"),
                counter(m.body, "fraiseql_compiled_plan_declines_total{reason=\"value\"}")};
    }
    /// Every page of the walk (`query`, page size `n`), each response whole, following
    /// endCursor forward or startCursor backward until the page says there is no more.
    static std::vector<bj::value> walk(const server_process& server, const char* query, int n,
                                       bool back) {
        std::vector<bj::value> pages;
        bj::value cursor = nullptr;
        for (int i = 0; i < 100; ++i) {
            bj::object vars{{"n", n}, {"s", "Post 2"}};
            if (i) vars["c"] = cursor; // the first page: no cursor at all
            auto page = graphql(server, query, vars);
            pages.push_back(page);
            const auto* conn = page.as_object().if_contains("data");
            if (!conn || !conn->is_object()) {
                ADD_FAILURE() << page;
                break;
            }
            const auto& info = conn->at("postsConnection").at("pageInfo");
            if (!info.at(back ? "hasPreviousPage" : "hasNextPage").as_bool()) break;
            cursor = info.at(back ? "startCursor" : "endCursor");
        }
        return pages;
    }
};

TEST_P(connection_plan_cache_e2e, a_walk_binds_each_page_and_answers_as_without_the_cache) {
    auto uncached = start({"FRAISEQL_PLAN_CACHE_SIZE=0"});
    auto cached = start();
    ASSERT_TRUE(uncached->ok() && cached->ok());

    const auto expected = walk(*uncached, forward, 10, false);
    ASSERT_EQ(expected.size(), 12u); // 111 rows, 10 a page
    EXPECT_EQ(expected.front().at("data").at("postsConnection").at("totalCount"), 111);
    // The walk crosses the null ratings: the second page's cursor has a null key, the
    // third's not.
    const auto before = read(*cached);
    const auto got = walk(*cached, forward, 10, false);
    const auto after = read(*cached);
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], expected[i]) << "page " << i;
    // Three shapes: no cursor, a cursor with a null rating, a cursor with a rating; each
    // later page only binds.
    EXPECT_EQ(after.shapes - before.shapes, 3);
    EXPECT_EQ(after.hits - before.hits, static_cast<long>(got.size()) - 3);
    // Walked again: every page a hit, no new shape.
    const auto again = walk(*cached, forward, 10, false);
    EXPECT_EQ(again, expected);
    const auto after_again = read(*cached);
    EXPECT_EQ(after_again.shapes, after.shapes);
    EXPECT_EQ(after_again.hits - after.hits, static_cast<long>(again.size()));
    // Another page size is the same shape.
    const auto sevens = walk(*cached, forward, 7, false);
    EXPECT_EQ(sevens, walk(*uncached, forward, 7, false));
    EXPECT_EQ(read(*cached).shapes, after.shapes);

    // Backward, from the end.
    const auto back = walk(*cached, backward, 9, true);
    EXPECT_EQ(back, walk(*uncached, backward, 9, true));
    EXPECT_GE(back.size(), 12u);

    // A cursor the compiler refuses, on the warm shape of a real cursor of the same
    // null-ness (another ordering's signature): today's error, counted as a `value` decline.
    const std::string real(expected[5].at("data").at("postsConnection").at("pageInfo")
                               .at("endCursor").as_string());
    auto payload = sql::base64url_decode(real);
    ASSERT_TRUE(payload);
    const auto colon = payload->find(':');
    ASSERT_NE(colon, std::string::npos);
    const std::string foreign = sql::encode_cursor("0badf00d", payload->substr(colon + 1));
    for (const std::string& bad : {foreign, std::string("bm9wZQ")}) {
        const bj::object vars{{"n", 10}, {"c", bad}, {"s", "Post 2"}};
        const auto want = graphql(*uncached, forward, vars);
        const auto v0 = read(*cached);
        const auto have = graphql(*cached, forward, vars);
        EXPECT_EQ(have, want);
        ASSERT_TRUE(have.as_object().contains("errors")) << have;
        EXPECT_EQ(have.at("errors").at(0).at("extensions").at("code"), "BAD_USER_INPUT") << have;
        EXPECT_EQ(have.at("errors").at(0).at("message"),
                  "Invalid cursor in \"after\": it was not issued by this connection with this orderBy.")
            << have;
        EXPECT_EQ(read(*cached).value - v0.value, 1) << bad;
    }
    // A negative page size likewise.
    const bj::object negative{{"n", -1}, {"c", real}, {"s", "Post 2"}};
    const auto want = graphql(*uncached, forward, negative);
    EXPECT_EQ(graphql(*cached, forward, negative), want);
    ASSERT_TRUE(want.as_object().contains("errors")) << want;
}

INSTANTIATE_TEST_SUITE_P(backends, connection_plan_cache_e2e, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test
