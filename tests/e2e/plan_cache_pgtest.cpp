// The compiled-plan cache over loopback (product.md §5, docs/http.md "Plan cache"): one
// operation sent with other whitespace, commas and comments, and other variable values,
// is served from the cache (read from /metrics) and still returns each request's own
// data; errors point into the request's own text; plan_cache_size = 0 turns it off.
// Both backends, against the example blog (tests/CMakeLists.txt loads it).

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <boost/json.hpp>

#include "support/cluster.hpp"
#include "support/server_process.hpp"
#include "support/sql.hpp"

namespace fraiseql::test {
namespace {

/// The value of a Prometheus counter in /metrics text, or -1.
long counter(const std::string& metrics, const std::string& name) {
    auto pos = metrics.find("\n" + name + " ");
    if (pos == std::string::npos)
        return -1;
    return std::stol(metrics.substr(pos + name.size() + 2));
}

class plan_cache_e2e : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override { FRAISEQL_REQUIRE_CLUSTER(); }
    void start(std::vector<std::string> env = {}) {
        server_ = std::make_unique<server_process>(
            std::vector<std::string>{
                "--schema", std::string(FRAISEQL_SOURCE_DIR) + "/examples/blog/schema.graphql",
                "--database-url", database_url_for("fraiseql_e2e"), "--backend",
                std::string(pg::to_string(GetParam()))},
            std::move(env));
        ASSERT_TRUE(server_->ok()) << server_->log();
    }
    unsigned short port() const { return server_->port(); }
    std::pair<long, long> hits_misses() {
        auto m = http_request(port(), "GET", "/metrics");
        EXPECT_EQ(m.status, 200);
        return {counter(m.body, "fraiseql_plan_cache_hits_total"),
                counter(m.body, "fraiseql_plan_cache_misses_total")};
    }
    boost::json::value graphql(const std::string& query, const boost::json::value& variables,
                               int want_status = 200) {
        boost::json::object body{{"query", query}, {"variables", variables}};
        auto r = post_graphql(port(), boost::json::serialize(body));
        EXPECT_EQ(r.status, want_status) << r.body;
        boost::system::error_code ec;
        auto v = boost::json::parse(r.body, ec);
        EXPECT_FALSE(ec) << r.body;
        return v;
    }
    std::unique_ptr<server_process> server_;
};

// The same operation in three layouts.
const char* const layout_a = "query One($id: UUID!, $full: Boolean!) { user(id: $id) { id email "
                             "lastName @include(if: $full) } }";
const char* const layout_b = "# the same operation, spelt differently\n"
                             "query One(\n"
                             "  $id: UUID!,\n"
                             "  $full: Boolean!\n"
                             ") {\n"
                             "  user(id: $id) {\n"
                             "    id, email\n"
                             "    lastName @include(if: $full) # only when asked\n"
                             "  }\n"
                             "}\n";
const char* const layout_c =
    "query One($id:UUID!,$full:Boolean!){user(id:$id){id,email,lastName@include(if:$full)}}";

TEST_P(plan_cache_e2e, other_whitespace_and_other_values_hit_and_return_their_own_data) {
    start();
    auto users =
        graphql("{ users(limit: 2, orderBy: [{email: ASC}]) { id email lastName } }", nullptr);
    const auto& list = users.at("data").at("users").as_array();
    ASSERT_EQ(list.size(), 2u);
    const auto before = hits_misses();
    ASSERT_GE(before.second, 1); // the users query above

    auto a = graphql(layout_a, {{"id", list[0].at("id")}, {"full", false}});
    EXPECT_EQ(a.at("data").at("user").at("email"), list[0].at("email"));
    EXPECT_FALSE(a.at("data").at("user").as_object().contains("lastName")) << a;

    auto b = graphql(layout_b, {{"id", list[1].at("id")}, {"full", true}});
    EXPECT_EQ(b.at("data").at("user").at("email"), list[1].at("email"));
    ASSERT_TRUE(b.at("data").at("user").as_object().contains("lastName")) << b;
    EXPECT_EQ(b.at("data").at("user").at("lastName"), list[1].at("lastName"));

    auto c = graphql(layout_c, {{"id", list[0].at("id")}, {"full", true}});
    EXPECT_EQ(c.at("data").at("user").at("email"), list[0].at("email"));
    EXPECT_EQ(c.at("data").at("user").at("lastName"), list[0].at("lastName"));

    const auto after = hits_misses();
    EXPECT_EQ(after.second - before.second, 1) << "only the first layout is planned";
    EXPECT_EQ(after.first - before.first, 2) << "the other two are served from the cache";

    // A bind error on a cache hit is located in the request's own text: `$id` is on
    // line 3, column 3 of layout_b (line 1, column 11 of layout_a, which was cached).
    auto missing = graphql(layout_b, {{"full", true}}, 400);
    const auto& err = missing.at("errors").at(0);
    EXPECT_EQ(err.at("extensions").at("code"), "BAD_USER_INPUT") << missing;
    EXPECT_EQ(err.at("locations").at(0).at("line"), 3) << missing;
    EXPECT_EQ(err.at("locations").at(0).at("column"), 3) << missing;
    EXPECT_EQ(hits_misses().first - after.first, 1);

    // Another operation name is another entry; a changed token is another entry.
    graphql("query Two { __typename }", nullptr);
    graphql(layout_a, {{"id", list[0].at("id")}, {"full", true}});
    graphql(std::string(layout_a).replace(std::string(layout_a).find("email"), 5, "firstName"),
            {{"id", list[0].at("id")}, {"full", true}});
    const auto last = hits_misses();
    EXPECT_EQ(last.second - after.second, 2);
    EXPECT_EQ(last.first - after.first, 2);
}

TEST_P(plan_cache_e2e, size_zero_disables_the_cache) {
    start({"FRAISEQL_PLAN_CACHE_SIZE=0"});
    auto users = graphql("{ users(limit: 1) { id email } }", nullptr);
    const auto& id = users.at("data").at("users").at(0).at("id");
    auto a = graphql(layout_a, {{"id", id}, {"full", false}});
    auto b = graphql(layout_a, {{"id", id}, {"full", false}});
    EXPECT_EQ(a, b);
    EXPECT_EQ(a.at("data").at("user").at("email"), users.at("data").at("users").at(0).at("email"));
    const auto hm = hits_misses();
    EXPECT_EQ(hm.first, 0);
    EXPECT_EQ(hm.second, 3);
}

// The compiled-plan cache's counters (docs/http.md "Plan cache"): a by-id operation repeated
// with other ids compiles its shape once and then only binds, and so do operands inside
// `where`; a shape the cache cannot key (a string inside a list literal in `where`) and a
// value it leaves to the compiler (a negative limit) are declines, counted by reason, and
// still answer as without the cache.
TEST_P(plan_cache_e2e, compiled_hits_and_declines_are_counted_in_metrics) {
    start();
    auto users =
        graphql("{ users(limit: 3, orderBy: [{email: ASC}]) { id email } }", nullptr);
    const auto& list = users.at("data").at("users").as_array();
    ASSERT_EQ(list.size(), 3u);
    auto read = [&] {
        auto m = http_request(port(), "GET", "/metrics");
        EXPECT_EQ(m.status, 200);
        struct {
            long hits, shapes, variables, value;
        } c{counter(m.body, "fraiseql_compiled_plan_hits_total"),
            counter(m.body, "fraiseql_compiled_plan_shapes_total"),
            counter(m.body, "fraiseql_compiled_plan_declines_total{reason=\"variables\"}"),
            counter(m.body, "fraiseql_compiled_plan_declines_total{reason=\"value\"}")};
        return c;
    };
    const auto before = read();
    ASSERT_GE(before.hits, 0);
    ASSERT_GE(before.shapes, 1); // the users query above
    ASSERT_GE(before.variables, 0);
    ASSERT_GE(before.value, 0);

    const char* by_id = "query ById($id: UUID!) { user(id: $id) { id email } }";
    for (int round = 0; round < 2; ++round)
        for (const auto& u : list) {
            auto r = graphql(by_id, {{"id", u.at("id")}});
            EXPECT_EQ(r.at("data").at("user").at("email"), u.at("email")) << r;
        }
    const auto after_by_id = read();
    EXPECT_EQ(after_by_id.shapes - before.shapes, 1) << "one shape for every id";
    EXPECT_EQ(after_by_id.hits - before.hits, 5) << "the other five requests only bind";
    EXPECT_EQ(after_by_id.variables, before.variables);
    EXPECT_EQ(after_by_id.value, before.value);

    // An operand inside `where` is a slot (ADR 0017, where slots): one shape for every
    // email, each request its own row.
    const char* by_email =
        "query ByEmail($e: String!) { users(where: {email: {eq: $e}}) { id } }";
    for (const auto& u : list) {
        auto r = graphql(by_email, {{"e", u.at("email")}});
        ASSERT_EQ(r.at("data").at("users").as_array().size(), 1u) << r;
        EXPECT_EQ(r.at("data").at("users").at(0).at("id"), u.at("id")) << r;
    }
    const auto after_email = read();
    EXPECT_EQ(after_email.shapes - after_by_id.shapes, 1);
    EXPECT_EQ(after_email.hits - after_by_id.hits, 2);
    EXPECT_EQ(after_email.variables, after_by_id.variables);

    // A list for `in`: one shape for lists of two and three ids, each its own rows.
    const char* by_ids =
        "query ByIds($ids: [UUID!]!) { users(where: {id: {in: $ids}}, orderBy: [{email: ASC}]) "
        "{ id } }";
    for (std::size_t n : {2u, 3u}) {
        boost::json::array ids;
        for (std::size_t i = 0; i < n; ++i) ids.push_back(list[i].at("id"));
        auto r = graphql(by_ids, {{"ids", ids}});
        const auto& got = r.at("data").at("users").as_array();
        ASSERT_EQ(got.size(), n) << r;
        for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(got[i].at("id"), list[i].at("id")) << r;
    }
    const auto after_list = read();
    EXPECT_EQ(after_list.shapes - after_email.shapes, 1);
    EXPECT_EQ(after_list.hits - after_email.hits, 1);

    // A whole where object: keyed by its structure, its strings slots.
    const char* by_filter = "query ByFilter($w: UserWhereInput) { users(where: $w) { id } }";
    for (const auto& u : list) {
        boost::json::object w{{"email", boost::json::object{{"eq", u.at("email")}}}};
        auto r = graphql(by_filter, {{"w", w}});
        ASSERT_EQ(r.at("data").at("users").as_array().size(), 1u) << r;
        EXPECT_EQ(r.at("data").at("users").at(0).at("id"), u.at("id")) << r;
    }
    const auto after_in = read();
    EXPECT_EQ(after_in.shapes - after_list.shapes, 1);
    EXPECT_EQ(after_in.hits - after_list.hits, 2);
    EXPECT_EQ(after_in.variables, after_email.variables);

    // Under a list literal (OR) an operand is keyed by value: a string there is the
    // uncached road, with the right answer.
    const char* either =
        "query Either($e: String!) { users(where: {OR: [{email: {eq: $e}}]}) { id } }";
    for (const auto& u : list) {
        auto r = graphql(either, {{"e", u.at("email")}});
        ASSERT_EQ(r.at("data").at("users").as_array().size(), 1u) << r;
        EXPECT_EQ(r.at("data").at("users").at(0).at("id"), u.at("id")) << r;
    }
    const auto after_where = read();
    EXPECT_EQ(after_where.variables - after_in.variables, 3);
    EXPECT_EQ(after_where.hits, after_in.hits);
    EXPECT_EQ(after_where.shapes, after_in.shapes);

    // A negative limit is the compiler's to refuse: declined as `value`, and the request
    // gets the compiler's error, as without the cache.
    const char* paged = "query Paged($n: Int!) { users(limit: $n) { id } }";
    auto ok = graphql(paged, {{"n", 2}});
    EXPECT_EQ(ok.at("data").at("users").as_array().size(), 2u) << ok;
    auto bad = graphql(paged, {{"n", -1}});
    ASSERT_TRUE(bad.as_object().contains("errors")) << bad;
    const auto after_value = read();
    EXPECT_EQ(after_value.value - after_where.value, 1);
    EXPECT_EQ(after_value.shapes - after_where.shapes, 1);
}

INSTANTIATE_TEST_SUITE_P(backends, plan_cache_e2e, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test
