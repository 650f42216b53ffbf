// `apq_store = postgres` (product.md §6.1, docs/scaling.md "Many instances"): persisted
// queries registered through one server process are found by another (two real servers over
// loopback), hashes are checked before anything is stored and again when a row is read, the
// table stays within apq_store_size, is created when missing (or the error says how), and a
// database that is down during a lookup gives a clear error, not a crash. Both backends. The
// same binary runs again through PgBouncer in transaction mode (tests/topology/pgbouncer.cmake).

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <random>
#include <thread>

#include <boost/json/parse.hpp>

#include "exec/persisted_queries.hpp"
#include "support/cluster.hpp"
#include "support/fault_proxy.hpp"
#include "support/server_process.hpp"
#include "support/sql.hpp"

namespace fraiseql::test {
namespace {

using namespace std::chrono_literals;

std::string token() {
    static std::mt19937_64 rng{std::random_device{}()};
    return std::to_string(rng() % 1'000'000'000'000ULL);
}

std::string blog_schema() { return std::string(FRAISEQL_SOURCE_DIR) + "/examples/blog/schema.graphql"; }

std::string url_at(const std::string& port, const std::string& db, const std::string& user = "postgres") {
    const std::string who = user == "postgres" ? "postgres" : user + ":app_pass_1";
    return "postgres://" + who + "@127.0.0.1:" + port + "/" + db;
}

/// A GraphQL request body carrying `hash` (and `text`, unless empty).
std::string apq_body(const std::string& text, const std::string& hash) {
    std::string body = "{";
    if (!text.empty()) body += R"("query":")" + text + "\",";
    body += R"("extensions":{"persistedQuery":{"version":1,"sha256Hash":")" + hash + "\"}}}";
    return body;
}

/// The first error's extensions.code, or "" when the body has none.
std::string error_code(const std::string& body) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec || !v.is_object()) return "<not JSON: " + body + ">";
    const auto* errs = v.as_object().if_contains("errors");
    if (!errs || !errs->is_array() || errs->as_array().empty()) return "";
    const auto* ext = errs->as_array()[0].as_object().if_contains("extensions");
    if (!ext) return "";
    return std::string(ext->as_object().at("code").as_string());
}

class apq_shared : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    std::string backend() const { return std::string(pg::to_string(GetParam())); }

    std::unique_ptr<server_process> serve(const std::string& url, std::vector<std::string> env = {}) {
        env.push_back("FRAISEQL_APQ_STORE=postgres");
        auto s = std::make_unique<server_process>(
            std::vector<std::string>{"--schema", blog_schema(), "--database-url", url, "--backend",
                                     backend()},
            env);
        EXPECT_TRUE(s->ok()) << s->log();
        return s;
    }
    /// A database of this test's own (dropped and created afresh): the tests run in parallel
    /// and some of them need a table nobody else touches.
    std::string fresh_database(const std::string& what) {
        const std::string db = "fraiseql_apq_" + what + "_" + backend();
        const std::string admin = url_at(cluster_env("FRAISEQL_TEST_PORT"), "postgres");
        EXPECT_EQ(exec_script(admin, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)"), "");
        EXPECT_EQ(exec_script(admin, "CREATE DATABASE " + db), "");
        return db;
    }
    std::string port() const { return cluster_env("FRAISEQL_TEST_PORT"); }
    std::vector<std::string> stored(const std::string& db, const std::string& hash) {
        return query_column(url_at(port(), db),
                            "SELECT query FROM fraiseql_persisted_queries WHERE hash = '" + hash +
                                "'");
    }
};

TEST_P(apq_shared, registered_through_one_process_is_found_by_another) {
    FRAISEQL_REQUIRE_CLUSTER();
    const std::string url = url_at(port(), "fraiseql_e2e");
    auto a = serve(url);
    auto b = serve(url);
    ASSERT_TRUE(a->ok() && b->ok());
    const std::string text = "{ t" + token() + ": users(limit: 2, orderBy: [{email: ASC}]) { email } }";
    const std::string hash = exec::sha256_hex(text);

    auto miss = post_graphql(b->port(), apq_body("", hash));
    EXPECT_EQ(miss.status, 200) << miss.body;
    EXPECT_EQ(error_code(miss.body), "PERSISTED_QUERY_NOT_FOUND") << miss.body;

    auto reg = post_graphql(a->port(), apq_body(text, hash));
    ASSERT_EQ(reg.status, 200) << reg.body;
    ASSERT_NE(reg.body.find("alice@example.com"), std::string::npos) << reg.body;
    EXPECT_EQ(stored("fraiseql_e2e", hash), std::vector<std::string>{text});

    auto hit = post_graphql(b->port(), apq_body("", hash));
    ASSERT_EQ(hit.status, 200) << hit.body;
    EXPECT_EQ(hit.body, reg.body) << "the second process runs the text the first one stored";
    // Upper-case hex names the same entry.
    std::string upper = hash;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(post_graphql(b->port(), apq_body("", upper)).body, reg.body);
}

TEST_P(apq_shared, hashes_are_checked_before_storing_and_when_reading) {
    FRAISEQL_REQUIRE_CLUSTER();
    const std::string url = url_at(port(), "fraiseql_e2e");
    auto a = serve(url);
    ASSERT_TRUE(a->ok());
    // A text sent under another text's hash: 400, and nothing stored under that hash.
    const std::string text = "{ w" + token() + ": __typename }";
    const std::string other = exec::sha256_hex(text + " ");
    auto wrong = post_graphql(a->port(), apq_body(text, other));
    EXPECT_EQ(wrong.status, 400) << wrong.body;
    EXPECT_EQ(error_code(wrong.body), "BAD_USER_INPUT") << wrong.body;
    EXPECT_TRUE(stored("fraiseql_e2e", other).empty());
    auto not_hex = post_graphql(a->port(), apq_body("", std::string(64, 'z')));
    EXPECT_EQ(not_hex.status, 400) << not_hex.body;

    // A row changed behind the servers' back: the text no longer has the row's hash, so a
    // process that reads it (a fresh one, nothing cached) does not run it...
    const std::string good = "{ g" + token() + ": users(limit: 1) { email } }";
    const std::string hash = exec::sha256_hex(good);
    ASSERT_EQ(post_graphql(a->port(), apq_body(good, hash)).status, 200);
    ASSERT_EQ(exec_script(url, "UPDATE fraiseql_persisted_queries SET query = "
                               "'{ posts(limit: 1) { title } }' WHERE hash = '" + hash + "'"),
              "");
    auto b = serve(url);
    ASSERT_TRUE(b->ok());
    auto tampered = post_graphql(b->port(), apq_body("", hash));
    EXPECT_EQ(error_code(tampered.body), "PERSISTED_QUERY_NOT_FOUND") << tampered.body;
    EXPECT_EQ(tampered.body.find("title"), std::string::npos) << tampered.body;
    // ...and the client's answer to NOT_FOUND (the text again) repairs the row.
    ASSERT_EQ(post_graphql(b->port(), apq_body(good, hash)).status, 200);
    EXPECT_EQ(stored("fraiseql_e2e", hash), std::vector<std::string>{good});
}

TEST_P(apq_shared, table_is_created_and_kept_within_apq_store_size) {
    FRAISEQL_REQUIRE_CLUSTER();
    const std::string db = fresh_database("size");
    const std::string url = url_at(port(), db);
    ASSERT_EQ(query_column(url, "SELECT to_regclass('fraiseql_persisted_queries') IS NULL"),
              std::vector<std::string>{"t"});
    auto a = serve(url, {"FRAISEQL_APQ_STORE_SIZE=3"});
    ASSERT_TRUE(a->ok());
    std::vector<std::string> hashes;
    for (int i = 0; i < 6; ++i) {
        const std::string text = "{ n" + std::to_string(i) + "_" + token() + ": __typename }";
        hashes.push_back(exec::sha256_hex(text));
        auto r = post_graphql(a->port(), apq_body(text, hashes.back()));
        ASSERT_EQ(r.status, 200) << r.body;
        ASSERT_EQ(error_code(r.body), "") << r.body;
    }
    EXPECT_EQ(query_column(url, "SELECT count(*) FROM fraiseql_persisted_queries"),
              std::vector<std::string>{"3"});
    // Least recently used go first: the last three registered are the ones kept.
    auto b = serve(url, {"FRAISEQL_APQ_STORE_SIZE=3"});
    ASSERT_TRUE(b->ok());
    EXPECT_EQ(error_code(post_graphql(b->port(), apq_body("", hashes[0])).body),
              "PERSISTED_QUERY_NOT_FOUND");
    for (int i = 3; i < 6; ++i)
        EXPECT_EQ(error_code(post_graphql(b->port(), apq_body("", hashes[std::size_t(i)])).body), "")
            << "entry " << i;
}

TEST_P(apq_shared, a_role_that_cannot_create_the_table_gets_a_clear_error) {
    // PostgreSQL 15: only the database owner creates in `public`. The RLS role may not, so the
    // store says what to do (the DDL in docs/scaling.md) instead of failing obscurely.
    FRAISEQL_REQUIRE_CLUSTER();
    const std::string db = fresh_database("noddl");
    auto a = serve(url_at(port(), db, "fraiseql_app"));
    ASSERT_TRUE(a->ok());
    auto r = post_graphql(a->port(), apq_body("", exec::sha256_hex("{ __typename }")));
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(error_code(r.body), "DATABASE_ERROR") << r.body;
    EXPECT_NE(r.body.find("docs/scaling.md"), std::string::npos) << r.body;
    // A registration still runs its text (the store is logged as unwritable).
    const std::string text = "{ __typename }";
    auto reg = post_graphql(a->port(), apq_body(text, exec::sha256_hex(text)));
    EXPECT_EQ(reg.status, 200) << reg.body;
    EXPECT_NE(reg.body.find("\"__typename\":\"Query\""), std::string::npos) << reg.body;
    // Once an administrator ran the DDL, the same server uses the table.
    ASSERT_EQ(exec_script(url_at(port(), db),
                          std::string(exec::apq_table_ddl) + "; " + std::string(exec::apq_index_ddl) +
                              "; GRANT SELECT, INSERT, UPDATE, DELETE ON fraiseql_persisted_queries "
                              "TO fraiseql_app"),
              "");
    const std::string other = "{ a" + token() + ": __typename }";
    ASSERT_EQ(post_graphql(a->port(), apq_body(other, exec::sha256_hex(other))).status, 200);
    EXPECT_EQ(stored(db, exec::sha256_hex(other)), std::vector<std::string>{other});
}

TEST_P(apq_shared, database_down_during_lookup_is_a_clear_error_and_recovers) {
    FRAISEQL_REQUIRE_CLUSTER();
    fault_proxy proxy(static_cast<std::uint16_t>(std::stoi(port())));
    const std::string url = url_at(std::to_string(proxy.port()), "fraiseql_e2e");
    auto a = serve(url, {"FRAISEQL_POOL_TIMEOUT=1s"});
    ASSERT_TRUE(a->ok());
    const std::string text = "{ d" + token() + ": users(limit: 1, orderBy: [{email: ASC}]) { email } }";
    const std::string hash = exec::sha256_hex(text);
    // Stored through the direct address; this server has not seen it, so it must ask.
    auto direct = serve(url_at(port(), "fraiseql_e2e"));
    ASSERT_TRUE(direct->ok());
    ASSERT_EQ(post_graphql(direct->port(), apq_body(text, hash)).status, 200);

    // The database goes away: its sessions are closed and new connections refused.
    proxy.set_mode(fault_mode::refuse);
    proxy.close_all();
    const auto t0 = std::chrono::steady_clock::now();
    auto down = post_graphql(a->port(), apq_body("", hash));
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_EQ(down.status, 503) << down.body;
    EXPECT_EQ(error_code(down.body), "DATABASE_ERROR") << down.body;
    EXPECT_NE(down.body.find("persisted-query store is unavailable"), std::string::npos) << down.body;
    EXPECT_LT(took, 5s) << "bounded by pool_timeout, not a hang";
    EXPECT_EQ(http_request(a->port(), "GET", "/health").status, 200) << a->log();

    proxy.set_mode(fault_mode::pass);
    std::string body;
    for (int i = 0; i < 50; ++i) { // the pool's reconnect backoff is at most 2 s
        body = post_graphql(a->port(), apq_body("", hash)).body;
        if (body.find("alice@example.com") != std::string::npos) break;
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_NE(body.find("alice@example.com"), std::string::npos) << body;
    EXPECT_EQ(a->stop(), 0) << a->log();
}

INSTANTIATE_TEST_SUITE_P(backends, apq_shared, all_backends(), backend_name{});

} // namespace
} // namespace fraiseql::test
