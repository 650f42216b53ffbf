// FraiseQL through PgBouncer 1.18 in pool_mode=transaction (product.md §6.1; the topology of
// tools/pg-test-topology.sh, fixture pg_topology), both backends:
// - `statement_cache = named` through the pooler is refused, at the driver and by the server
//   at start-up, with the message docs/scaling.md quotes;
// - with `unnamed`, concurrent clients of several tenants share PgBouncer's server sessions
//   (several server processes, more client connections than one tenant would need) and no
//   session variable ever leaks between them, not even one a mutation's function sets with
//   set_config(…, false);
// - the driver's unnamed pipelines run correctly however PgBouncer interleaves them.
// The e2e tier itself runs through PgBouncer too: tests/topology/pgbouncer.cmake.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "fraiseql/pg/connection.hpp"
#include "support/cluster.hpp"
#include "support/collect_sink.hpp"
#include "support/run.hpp"
#include "support/server_process.hpp"
#include "support/sql.hpp"

namespace fraiseql::test {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

std::string bouncer_url(const std::string& db, bool app = false) {
    const std::string who = app ? "fraiseql_app:app_pass_1" : "postgres";
    return "postgres://" + who + "@127.0.0.1:" + cluster_env("FRAISEQL_TEST_PGBOUNCER_PORT") + "/" +
           db;
}
std::string primary_url(const std::string& db) {
    return "postgres://postgres@127.0.0.1:" + cluster_env("FRAISEQL_TEST_PORT") + "/" + db;
}

// Tenants' rows under RLS on current_setting('app.tenant_id', true), a view showing what the
// statement's transaction sees (the tenant, the server process, a setting only the poison
// function sets), and that function: it sets both with set_config(…, false), i.e. for the
// whole session, which must not outlive its request on a shared server session. Loaded on
// the primary (PgBouncer in front of it) once per version, under a transaction advisory lock.
constexpr const char* fixture_sql = R"SQL(
SELECT pg_advisory_xact_lock(424244);
DO $fixture$
BEGIN
    IF to_regclass('public.pgb_fixture') IS NOT NULL THEN
        IF (SELECT version FROM pgb_fixture) = 1 THEN
            RETURN;
        END IF;
    END IF;
    DROP VIEW IF EXISTS pgb_v_item, pgb_v_probe CASCADE;
    DROP TABLE IF EXISTS pgb_fixture, pgb_item CASCADE;
    DROP FUNCTION IF EXISTS pgb_fn_poison(jsonb);
    CREATE TABLE pgb_item (id int PRIMARY KEY, tenant_id text NOT NULL, name text NOT NULL);
    INSERT INTO pgb_item SELECT t * 10 + k, 't' || t, 'item-' || t || '-' || k
    FROM generate_series(0, 5) t, generate_series(1, 2) k;
    ALTER TABLE pgb_item ENABLE ROW LEVEL SECURITY;
    CREATE POLICY pgb_tenant ON pgb_item USING (tenant_id = current_setting('app.tenant_id', true));
    CREATE VIEW pgb_v_item WITH (security_invoker = true) AS
    SELECT id, tenant_id, jsonb_build_object('id', id, 'tenant_id', tenant_id, 'name', name) AS data
    FROM pgb_item;
    CREATE VIEW pgb_v_probe AS
    SELECT 1 AS id,
           jsonb_build_object('id', 1, 'tenant', current_setting('app.tenant_id', true),
                              'poison', current_setting('app.poison', true),
                              'backend', pg_backend_pid()) AS data;
    CREATE FUNCTION pgb_fn_poison(input jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
    BEGIN
        PERFORM set_config('app.tenant_id', 'poison', false);
        PERFORM set_config('app.poison', input ->> 'marker', false);
        RETURN (SELECT data FROM pgb_v_probe);
    END;
    $fn$;
    GRANT SELECT ON pgb_item, pgb_v_item, pgb_v_probe TO fraiseql_app;
    CREATE TABLE pgb_fixture (version int NOT NULL);
    INSERT INTO pgb_fixture VALUES (1);
END;
$fixture$;
)SQL";

constexpr const char* fixture_graphql = R"GQL(
type Item @view(name: "pgb_v_item", columns: ["id", "tenant_id"]) {
  id: Int!
  tenantId: String!
  name: String!
}
type Probe @view(name: "pgb_v_probe", columns: ["id"]) {
  id: Int!
  tenant: String
  poison: String
  backend: Int!
}
input PoisonInput {
  marker: String!
}
type Query {
  items: [Item!]!
  probe: [Probe!]!
}
type Mutation {
  poison(input: PoisonInput!): Probe @function(name: "pgb_fn_poison")
}
)GQL";

class pgbouncer : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        ASSERT_FALSE(cluster_env("FRAISEQL_TEST_PGBOUNCER_PORT").empty())
            << "the topology runs without PgBouncer (tools/pg-test-topology.sh --pgbouncer)";
        // Right after pg_topology_start reloaded the blog, PgBouncer answers a pool whose server
        // login failed meanwhile with "server login has been failing" for server_login_retry
        // (15 s): wait that out, for both roles (as tests/topology/pgbouncer_env.sh does).
        for (bool app : {false, true}) {
            std::vector<std::string> got;
            for (int i = 0; i < 300; ++i) {
                got = query_column(bouncer_url("fraiseql_e2e", app), "SELECT 1");
                if (got == std::vector<std::string>{"1"}) break;
                std::this_thread::sleep_for(100ms);
            }
            ASSERT_EQ(got, std::vector<std::string>{"1"}) << "PgBouncer does not log in";
        }
    }
    std::string backend() const { return std::string(pg::to_string(GetParam())); }

    pg::result<std::unique_ptr<pg::connection>> connect(const std::string& url,
                                                        pg::connector_options o) {
        auto c = pg::make_connector(GetParam(), io_.get_executor(), url, o);
        if (!c) return failure{c.error()};
        connector_ = std::move(*c);
        return run(io_, connector_->connect(pg::clock::now() + 10s));
    }

    asio::io_context io_;
    std::unique_ptr<pg::connector> connector_;
};

TEST_P(pgbouncer, named_statements_are_refused_at_the_first_connection) {
    pg::connector_options o;
    o.statements = pg::statement_mode::named;
    o.refuse_pooler = true;
    auto c = connect(bouncer_url("fraiseql_test"), o);
    ASSERT_FALSE(c) << "named statements through a transaction-mode pooler must not connect";
    EXPECT_EQ(c.error().code, pg::errc::unsupported);
    EXPECT_NE(c.error().message.find("set statement_cache = unnamed"), std::string::npos)
        << c.error().message;
    EXPECT_NE(c.error().message.find("connection pooler"), std::string::npos) << c.error().message;
    // Every later attempt fails the same way, without a round trip to find out again.
    const auto t0 = pg::clock::now();
    auto again = run(io_, connector_->connect(pg::clock::now() + 10s));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, pg::errc::unsupported);
    EXPECT_LT(pg::clock::now() - t0, 100ms);
}

TEST_P(pgbouncer, unnamed_pipelines_interleave_correctly_across_server_sessions) {
    // Two driver connections to PgBouncer, their transactions handed to whichever server
    // session is free: every pipeline's results are its own, set_config(…, true) stays in its
    // pipeline, and the session holds no prepared statement afterwards.
    pg::connector_options o;
    o.statements = pg::statement_mode::unnamed;
    o.refuse_pooler = true; // no effect with unnamed: nothing to refuse
    auto a = connect(bouncer_url("fraiseql_test"), o);
    ASSERT_TRUE(a) << a.error().message;
    auto b = run(io_, connector_->connect(pg::clock::now() + 10s));
    ASSERT_TRUE(b) << b.error().message;
    std::set<std::string> backends;
    for (int i = 0; i < 40; ++i) {
        pg::connection& c = i % 2 ? **a : **b;
        const std::string tenant = "tenant-" + std::to_string(i);
        collect_sink seen, pid, stmts;
        const pg::param p[] = {pg::param::text(tenant, pg::oid::text)};
        const pg::statement st[] = {
            {"SELECT set_config('app.tenant_id', $1, true)", p, nullptr},
            {"SELECT current_setting('app.tenant_id')", {}, &seen},
            {"SELECT pg_backend_pid()", {}, &pid},
            {"SELECT count(*) FROM pg_prepared_statements", {}, &stmts}};
        auto r = run(io_, c.run(st, pg::clock::now() + 10s));
        ASSERT_TRUE(r) << r.error().message;
        EXPECT_EQ(seen.at(0, 0), tenant);
        EXPECT_EQ(stmts.at(0, 0), "0");
        backends.insert(pid.at(0, 0));
        collect_sink after;
        const pg::statement check{"SELECT coalesce(current_setting('app.tenant_id', true), '')", {},
                                  &after};
        ASSERT_TRUE(run(io_, c.run(std::span(&check, 1), pg::clock::now() + 10s)));
        EXPECT_EQ(after.at(0, 0), "") << "a local setting outlived its transaction";
    }
    EXPECT_GE(backends.size(), 1u);
    EXPECT_NE(std::to_string((*a)->backend_pid()), *backends.begin())
        << "PgBouncer's cancel key is not a server process id";
}

TEST_P(pgbouncer, server_with_named_statements_refuses_to_start) {
    server_process s({"--schema", std::string(FRAISEQL_SOURCE_DIR) + "/examples/blog/schema.graphql",
                      "--database-url", bouncer_url("fraiseql_e2e"), "--backend", backend()},
                     {"FRAISEQL_STATEMENT_CACHE=named"});
    EXPECT_FALSE(s.ok()) << s.log();
    EXPECT_NE(s.log().find("set statement_cache = unnamed"), std::string::npos) << s.log();
    EXPECT_NE(s.log().find("error: cannot connect to"), std::string::npos) << s.log();
}

/// One client's view of the test below.
struct client_report {
    int requests = 0;
    std::vector<std::string> failures;
    std::map<std::int64_t, std::string> backends; ///< server process -> this client's tenant
};

TEST_P(pgbouncer, tenants_sharing_server_sessions_never_see_each_others_settings) {
    ASSERT_EQ(exec_script(primary_url("fraiseql_e2e"), fixture_sql), "");
    const auto schema = std::filesystem::temp_directory_path() /
                        ("fraiseql_pgbouncer_" + backend() + "_" + std::to_string(::getpid()) +
                         ".graphql");
    std::ofstream(schema) << fixture_graphql;
    // Three server processes, six connections each, as the RLS role, through PgBouncer's
    // pool of at most 20 server sessions: clients of six tenants share them.
    std::vector<std::unique_ptr<server_process>> servers;
    for (int i = 0; i < 3; ++i) {
        servers.push_back(std::make_unique<server_process>(
            std::vector<std::string>{"--schema", schema.string(), "--database-url",
                                     bouncer_url("fraiseql_e2e", true), "--backend", backend()},
            std::vector<std::string>{"FRAISEQL_STATEMENT_CACHE=unnamed", "FRAISEQL_POOL_SIZE=6",
                                     "FRAISEQL_SESSION_VARIABLES=app.tenant_id=header:x-tenant"}));
        ASSERT_TRUE(servers.back()->ok()) << servers.back()->log();
    }
    constexpr int clients = 12, rounds = 25;
    std::vector<client_report> reports(clients);
    std::vector<std::thread> threads;
    for (int k = 0; k < clients; ++k) {
        threads.emplace_back([&, k] {
            client_report& rep = reports[std::size_t(k)];
            const std::string tenant = "t" + std::to_string(k % 6);
            const unsigned short port = servers[std::size_t(k % 3)]->port();
            const std::map<std::string, std::string> h = {{"x-tenant", tenant}};
            auto fail = [&](std::string what) { rep.failures.push_back(tenant + ": " + what); };
            for (int i = 0; i < rounds; ++i) {
                if (i % 5 == 4) {
                    // The function poisons its session; the request's own pipeline undoes it.
                    auto m = post_graphql(port, R"({"query":"mutation { poison(input: {marker: \"yes\"}) { tenant poison } }"})", h);
                    if (m.status != 200 || m.body.find(R"("poison":"yes")") == std::string::npos)
                        fail("mutation: " + std::to_string(m.status) + " " + m.body);
                    continue;
                }
                auto r = post_graphql(port, R"({"query":"{ probe { tenant poison backend } items { tenantId } }"})", h);
                ++rep.requests;
                boost::system::error_code ec;
                auto v = boost::json::parse(r.body, ec);
                if (r.status != 200 || ec || !v.as_object().contains("data") ||
                    v.as_object().contains("errors")) {
                    fail("query: " + std::to_string(r.status) + " " + r.body);
                    continue;
                }
                const auto& probe = v.at("data").at("probe").at(0);
                if (probe.at("tenant") != tenant.c_str())
                    fail("probe saw tenant " + boost::json::serialize(probe.at("tenant")));
                if (probe.at("poison") == "yes") fail("a function's session setting leaked in");
                rep.backends[probe.at("backend").to_number<std::int64_t>()] = tenant;
                const auto& items = v.at("data").at("items").as_array();
                if (items.size() != 2) fail("saw " + std::to_string(items.size()) + " items");
                for (const auto& it : items)
                    if (it.at("tenantId") != tenant.c_str())
                        fail("saw an item of " + boost::json::serialize(it.at("tenantId")));
            }
        });
    }
    for (auto& t : threads) t.join();
    std::filesystem::remove(schema);

    std::map<std::int64_t, std::set<std::string>> tenants_of; // server process -> tenants
    int requests = 0;
    for (const auto& rep : reports) {
        requests += rep.requests;
        for (const auto& f : rep.failures) ADD_FAILURE() << f;
        for (const auto& [backend, tenant] : rep.backends) tenants_of[backend].insert(tenant);
    }
    EXPECT_EQ(requests, clients * rounds * 4 / 5);
    std::size_t shared = 0;
    for (const auto& [backend, tenants] : tenants_of) shared += tenants.size() > 1 ? 1 : 0;
    EXPECT_GE(shared, 1u) << "no server session served two tenants: the test proved nothing";
    EXPECT_LE(tenants_of.size(), 20u) << "PgBouncer's default_pool_size bounds the sessions";
    for (auto& s : servers) EXPECT_EQ(s->stop(), 0) << s->log();
}

INSTANTIATE_TEST_SUITE_P(backends, pgbouncer, all_backends(), backend_name{});

} // namespace
} // namespace fraiseql::test
