// xsAggregate / xsGroupBy through the real server (product.md §3.6: "RLS, session variables,
// @auth, limits, the plan cache and explain apply as to lists"), on the multi-tenant fixture
// (tests/e2e/fixtures/security.{sql,graphql}) served as the non-superuser fraiseql_app, both
// backends. Expected counts come from SQL run as the superuser over the base tables.

#include <sys/wait.h>

#include <array>
#include <cstdio>

#include "security_support.hpp"

namespace fraiseql::test::security {
namespace {

using boost::json::serialize;

class aggregate_e2e : public security_e2e {};

TEST_P(aggregate_e2e, rls_and_session_variables_apply) {
    start();
    // Each tenant counts its own rows only (RLS through app.tenant_id from the token).
    for (const std::string tenant : {"tenant-a", "tenant-b"}) {
        const std::string expected =
            query_column(admin_url(), "SELECT count(*) FROM sec_item WHERE tenant_id = '" +
                                          tenant + "'")
                .at(0);
        auto v = query("{ itemsAggregate { count max { id } } }", token(tenant));
        EXPECT_EQ(serialize(v.at("data").at("itemsAggregate").at("count")), expected)
            << last_.body;
        const std::string max_id =
            query_column(admin_url(), "SELECT max(id) FROM sec_item WHERE tenant_id = '" + tenant +
                                          "'")
                .at(0);
        EXPECT_EQ(serialize(v.at("data").at("itemsAggregate").at("max").at("id")), max_id);
    }
    // No tenant: no row, and the aggregates of no rows.
    auto none = query("{ itemsAggregate { count countDistinct { name } min { name } } "
                      "itemsGroupBy(by: [{field: tenantId}]) { key { tenantId } count } }");
    EXPECT_EQ(serialize(none), R"({"data":{"itemsAggregate":{"count":0,"countDistinct":{"name":0},)"
                               R"("min":{"name":null}},"itemsGroupBy":[]}})");
    // Grouped by tenant, a token sees one group: its own.
    auto g = query("{ itemsGroupBy(by: [{field: tenantId}]) { key { tenantId name } count "
                   "__typename } }",
                   token("tenant-b"));
    EXPECT_EQ(serialize(g), R"({"data":{"itemsGroupBy":[{"key":{"tenantId":"tenant-b","name":null},)"
                            R"("count":3,"__typename":"ItemGroup"}]}})");
}

TEST_P(aggregate_e2e, an_aggregate_over_a_forbidden_field_is_forbidden) {
    start();
    const auto reader = token("tenant-a", "u", {"reader"});
    // In the selection: that aggregate is null with FORBIDDEN at its path; the rest is served.
    auto v = query("{ itemsAggregate { count countDistinct { secret name } } }", reader);
    EXPECT_EQ(serialize(v.at("data")),
              R"({"itemsAggregate":{"count":5,"countDistinct":{"secret":null,"name":5}}})")
        << last_.body;
    ASSERT_EQ(error_codes(v), std::vector<std::string>{"FORBIDDEN"}) << last_.body;
    EXPECT_EQ(serialize(v.at("errors").as_array()[0].at("path")),
              R"(["itemsAggregate","countDistinct","secret"])");
    // Grouping by it, filtering groups on it or ordering them by it reads it: not run.
    for (const std::string q :
         {R"({ itemsGroupBy(by: [{field: secret}]) { count } })",
          R"({ itemsGroupBy(by: [{field: name}], having: {min: {secret: {startswith: "a-secret-1"}}}) { count } })",
          R"({ itemsGroupBy(by: [{field: name}], having: {OR: [{NOT: {max: {secret: {eq: "x"}}}}]}) { count } })",
          R"({ itemsGroupBy(by: [{field: name}], orderBy: [{max: {secret: DESC}}]) { count } })",
          R"({ itemsGroupBy(by: [{field: secret}], orderBy: [{key: {secret: ASC}}]) { count } })",
          R"({ itemsAggregate(where: {secret: {eq: "a-secret-1"}}) { count } })"}) {
        auto r = query(q, reader);
        EXPECT_EQ(error_codes(r), std::vector<std::string>{"FORBIDDEN"}) << q << " -> " << last_.body;
        EXPECT_EQ(last_.body.find("\"count\""), std::string::npos) << q << " -> " << last_.body;
    }
    // An admin may, and still sees only its tenant's rows.
    auto a = query(R"({ itemsGroupBy(by: [{field: secret}], having: {min: {secret: {startswith: "a-secret-1"}}}) { key { secret } count } })",
                   token("tenant-a", "u", {"admin"}));
    EXPECT_EQ(serialize(a), R"({"data":{"itemsGroupBy":[{"key":{"secret":"a-secret-1"},"count":1}]}})");
}

TEST_P(aggregate_e2e, auth_on_the_type_and_on_the_root_field) {
    start();
    // AuditEntry has @auth(roles: ["auditor"]): so have its aggregates (non-null: data is null).
    auto v = query("{ auditAggregate { count } }", token("tenant-a", "u", {"admin"}));
    EXPECT_EQ(error_codes(v), std::vector<std::string>{"FORBIDDEN"}) << last_.body;
    EXPECT_TRUE(v.at("data").is_null()) << last_.body;
    auto ok = query("{ auditAggregate { count } auditGroupBy(by: [{field: what}]) { key { what } } }",
                    token("tenant-b", "u", {"auditor"}));
    EXPECT_EQ(serialize(ok), R"({"data":{"auditAggregate":{"count":1},)"
                             R"("auditGroupBy":[{"key":{"what":"b-login"}}]}})");
    // editorNotes has @auth on the root field: so have editorNotesAggregate / GroupBy.
    auto e = query("{ editorNotesAggregate { count } }", token("tenant-a", "u", {"reader"}));
    EXPECT_EQ(error_codes(e), std::vector<std::string>{"FORBIDDEN"}) << last_.body;
    // Only the fixture's two notes (other e2e tests create notes of their own, concurrently):
    // RLS leaves tenant-a one of them.
    auto ed = query(R"({ editorNotesAggregate(where: {title: {in: ["a-note", "b-note"]}}) { count } })",
                    token("tenant-a", "u", {"editor"}));
    EXPECT_EQ(serialize(ed), R"({"data":{"editorNotesAggregate":{"count":1}}})");
}

TEST_P(aggregate_e2e, introspection_and_errors_over_http) {
    start();
    auto t = query(R"({ __type(name: "ItemGroup") { fields { name type { kind name ofType { name } } } }
                        q: __type(name: "Query") { fields { name } } })");
    EXPECT_EQ(serialize(t.at("data").at("__type").at("fields")),
              R"([{"name":"key","type":{"kind":"NON_NULL","name":null,"ofType":{"name":"ItemGroupKey"}}},)"
              R"({"name":"count","type":{"kind":"NON_NULL","name":null,"ofType":{"name":"Int"}}},)"
              R"({"name":"countDistinct","type":{"kind":"NON_NULL","name":null,"ofType":{"name":"ItemCountDistinct"}}},)"
              R"({"name":"sum","type":{"kind":"NON_NULL","name":null,"ofType":{"name":"ItemSum"}}},)"
              R"({"name":"avg","type":{"kind":"NON_NULL","name":null,"ofType":{"name":"ItemAvg"}}},)"
              R"({"name":"min","type":{"kind":"NON_NULL","name":null,"ofType":{"name":"ItemMin"}}},)"
              R"({"name":"max","type":{"kind":"NON_NULL","name":null,"ofType":{"name":"ItemMax"}}}])")
        << last_.body;
    const std::string fields = serialize(t.at("data").at("q"));
    for (const char* f : {"itemsAggregate", "itemsGroupBy", "notesAggregate", "bigsGroupBy"})
        EXPECT_NE(fields.find(std::string("\"") + f + "\""), std::string::npos) << f;
    // Errors are clean request errors (400, BAD_USER_INPUT before any SQL), not database errors.
    const auto tenant_a = bearer(token("tenant-a"));
    auto b = post(body("{ itemsGroupBy(by: [{field: name, bucket: DAY}]) { count } }"), tenant_a,
                  400);
    EXPECT_EQ(error_codes(b), std::vector<std::string>{"BAD_USER_INPUT"}) << last_.body;
    EXPECT_NE(last_.body.find("time buckets apply to Date and DateTime fields only"),
              std::string::npos) << last_.body;
    auto empty = post(body("{ itemsGroupBy(by: []) { count } }"), tenant_a, 400);
    EXPECT_EQ(error_codes(empty), std::vector<std::string>{"BAD_USER_INPUT"}) << last_.body;
    // The plan cache serves the same operation twice with other variables.
    const std::string q = "query($n: String) { itemsGroupBy(by: [{field: tenantId}], "
                          "where: {name: {startswith: $n}}) { count } }";
    auto hits = [&] {
        const std::string m = http_request(port(), "GET", "/metrics").body;
        const std::string name = "\nfraiseql_plan_cache_hits_total ";
        const auto at = m.find(name);
        return at == std::string::npos ? -1L : std::stol(m.substr(at + name.size()));
    };
    auto one = post(body(q, R"({"n":"a-item-"})"), bearer(token("tenant-a")));
    const long hits0 = hits();
    auto two = post(body(q, R"({"n":"a-item-1"})"), bearer(token("tenant-a")));
    EXPECT_EQ(hits(), hits0 + 1) << "the second request is served from the plan cache";
    EXPECT_EQ(serialize(one), R"({"data":{"itemsGroupBy":[{"count":5}]}})");
    EXPECT_EQ(serialize(two), R"({"data":{"itemsGroupBy":[{"count":1}]}})");
}

INSTANTIATE_TEST_SUITE_P(backends, aggregate_e2e, all_backends(), backend_name{});

/// `fraiseql explain` prints the one statement of each aggregate root field, values as
/// parameters (no database needed).
TEST(aggregate_cli, explain_prints_one_parameterised_statement_per_field) {
    const std::string q =
        R"({ postsAggregate(where: {title: {eq: \"x'; DROP TABLE tb_post; --\"}}) { count } )"
        R"(usersGroupBy(by: [{field: createdAt, bucket: MONTH}], timezone: \"Europe/Paris\", )"
        R"(having: {count: {gte: 2}}) { key { createdAt } count } })";
    FILE* p = popen((fraiseql_binary() + " explain --schema " + std::string(FRAISEQL_SOURCE_DIR) +
                     "/examples/blog/schema.graphql --query \"" + q + "\" 2>&1")
                        .c_str(),
                    "r");
    ASSERT_TRUE(p);
    std::string out;
    std::array<char, 4096> buf{};
    for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), p)) > 0;) out.append(buf.data(), n);
    const int st = pclose(p);
    ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << out;
    EXPECT_EQ(out,
              "-- postsAggregate\n"
              "SELECT jsonb_build_object('count', count(*))::text FROM \"v_post\" AS t WHERE "
              "t.\"title\" = $1;\n"
              "-- $1 = x'; DROP TABLE tb_post; --\n"
              "-- usersGroupBy\n"
              "SELECT jsonb_build_object('key', jsonb_build_object('createdAt', date_trunc('month', "
              "t.\"created_at\", $1::text)), 'count', count(*))::text FROM \"v_user\" AS t GROUP BY "
              "date_trunc('month', t.\"created_at\", $1::text) HAVING count(*) >= $2 ORDER BY "
              "date_trunc('month', t.\"created_at\", $1::text) ASC LIMIT $3::int8;\n"
              "-- $1 = Europe/Paris\n-- $2 = 2\n-- $3 = 1000\n");
}

} // namespace
} // namespace fraiseql::test::security
