// The command against the real database (product.md §1, §2, §6): `fraiseql check` (a
// schema that matches passes, problems are listed with exit 1, a key spelled differently in
// the rows is warned about) on both backends; `fraiseql explain`; backend selection through
// --backend, FRAISEQL_BACKEND and fraiseql.toml (aliases, refusal, the backend reported at
// start-up, in /health and in /metrics); and `fraiseql demo` (a private cluster in a folder of
// its own under the cache directory, reused by a second run, stopped on SIGTERM and SIGINT,
// the same answers through either backend).

#include <gtest/gtest.h>

#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <boost/json/parse.hpp>

#include "support/cluster.hpp"
#include "support/server_process.hpp"
#include "support/sql.hpp"

namespace fraiseql::test {
namespace {

struct command_result {
    int status = -1;
    std::string output;
};

command_result run_cli(const std::string& args) {
    command_result r;
    FILE* p = popen((fraiseql_binary() + " " + args + " 2>&1").c_str(), "r");
    if (!p)
        return r;
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0)
        r.output.append(buf.data(), n);
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

std::string write_temp(const std::string& text) {
    char name[] = "/tmp/fraiseql-cli-XXXXXX";
    int fd = mkstemp(name);
    close(fd);
    std::ofstream(name) << text;
    return name;
}

std::string blog_schema() {
    return std::string(FRAISEQL_SOURCE_DIR) + "/examples/blog/schema.graphql";
}

/// The settings a developer's shell may carry must not leak into what a test selects.
void clear_inherited_settings() {
    for (const char* k : {"FRAISEQL_BACKEND", "FRAISEQL_CONFIG", "FRAISEQL_PORT", "XDG_CACHE_HOME"})
        unsetenv(k);
}

/// `check` talks to the database: once per backend (--backend).
class cli : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        clear_inherited_settings();
    }
    std::string url() const { return database_url_for("fraiseql_e2e"); }
    std::string backend_flag() const {
        return " --backend " + std::string(pg::to_string(GetParam()));
    }
};

/// Commands that never reach a database (explain, refused configuration).
class cli_offline : public ::testing::Test {
protected:
    void SetUp() override { clear_inherited_settings(); }
};

TEST_P(cli, check_passes_for_the_blog_schema) {
    auto r =
        run_cli("check --schema " + blog_schema() + " --database-url " + url() + backend_flag());
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("ok:"), std::string::npos) << r.output;
}

TEST_P(cli, check_lists_missing_views_columns_and_functions) {
    auto schema = write_temp(R"(
        type Ghost @view(name: "v_no_such_view") { id: UUID! }
        type User @view(name: "v_user", columns: ["id", "no_such_column"]) { id: UUID! email: String! }
        type Query { ghosts: [Ghost!]! users: [User!]! }
        input In { x: Int }
        type Mutation { doIt(input: In!): User @function(name: "fn_no_such_function") }
    )");
    auto r = run_cli("check --schema " + schema + " --database-url " + url() + backend_flag());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("v_no_such_view"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("no_such_column"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("fn_no_such_function"), std::string::npos) << r.output;
    std::remove(schema.c_str());
}

TEST_P(cli, check_warns_about_a_key_spelled_differently_in_the_rows) {
    const std::string setup = R"(
        SELECT pg_advisory_xact_lock(424244); -- held to the script's commit
        DO $$ BEGIN
            IF to_regclass('public.cli_addr') IS NULL THEN
                CREATE VIEW cli_addr AS
                    SELECT 1 AS id, jsonb_build_object('id', 1, 'address_line_1', 'Main St 1') AS data;
            END IF;
        END $$;)";
    ASSERT_EQ(exec_script(url(), setup), "");
    auto schema = write_temp(R"(
        type Addr @view(name: "cli_addr") { id: Int! addressLine1: String }
        type Query { addrs: [Addr!]! }
    )");
    auto r = run_cli("check --schema " + schema + " --database-url " + url() + backend_flag());
    EXPECT_EQ(r.status, 0) << r.output; // a warning, not an error
    EXPECT_NE(
        r.output.find(
            "warning: \"Addr.addressLine1\" reads \"address_line1\", rows have \"address_line_1\""),
        std::string::npos)
        << r.output;
    std::remove(schema.c_str());
}

TEST_F(cli_offline, explain_prints_parameterised_sql) {
    auto r = run_cli("explain --schema " + std::string(FRAISEQL_SOURCE_DIR) +
                     "/examples/blog/schema.graphql --query '{ users(where: {email: {eq: "
                     "\"x'\"'\"'; DROP TABLE tb_user; --\"}}) { id } }'");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("$1"), std::string::npos) << r.output;
    // The value appears only as a parameter, never inside the SQL text.
    const auto sql_end = r.output.find(";\n");
    ASSERT_NE(sql_end, std::string::npos);
    EXPECT_EQ(r.output.substr(0, sql_end).find("DROP TABLE"), std::string::npos) << r.output;
    auto bad = run_cli("explain --schema " + std::string(FRAISEQL_SOURCE_DIR) +
                       "/examples/blog/schema.graphql --query '{ nope }'");
    EXPECT_EQ(bad.status, 1) << bad.output;
}

TEST_F(cli_offline, refuses_bad_configuration_naming_the_key) {
    auto r = run_cli(
        "serve --schema x.graphql --database-url postgres://x@127.0.0.1:1/x --backend mysql");
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find("backend"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("native, libpq"), std::string::npos) << r.output;
    auto v = run_cli("--version");
    EXPECT_EQ(v.status, 0);
    EXPECT_NE(v.output.find("fraiseql 1.9"), std::string::npos) << v.output;
}

// product.md §1: an invalid backend is refused at start-up with the list of valid values,
// wherever it comes from (the environment, fraiseql.toml), before any connection is tried.
TEST_F(cli_offline, refuses_an_invalid_backend_from_the_environment_and_from_toml) {
    const std::string serve =
        "serve --schema " + blog_schema() + " --database-url postgres://x@127.0.0.1:1/x";
    setenv("FRAISEQL_BACKEND", "mysql", 1); // inherited by the child run_cli starts
    auto env = run_cli(serve);
    unsetenv("FRAISEQL_BACKEND");
    EXPECT_EQ(env.status, 2) << env.output;
    EXPECT_NE(env.output.find("FRAISEQL_BACKEND"), std::string::npos) << env.output;
    EXPECT_NE(env.output.find("native, libpq (aliases: rust, psycopg)"), std::string::npos)
        << env.output;
    auto toml = write_temp("backend = \"odbc\"\n");
    auto t = run_cli(serve + " --config " + toml);
    EXPECT_EQ(t.status, 2) << t.output;
    EXPECT_NE(t.output.find("backend"), std::string::npos) << t.output;
    EXPECT_NE(t.output.find("odbc"), std::string::npos) << t.output;
    EXPECT_NE(t.output.find("native, libpq (aliases: rust, psycopg)"), std::string::npos)
        << t.output;
    std::remove(toml.c_str());
}

/// What an operator sees of the live backend: the start-up log line, /health, /metrics.
void expect_backend_visible(server_process& s, const std::string& name, const std::string& how) {
    SCOPED_TRACE(how);
    ASSERT_TRUE(s.ok()) << s.log();
    EXPECT_NE(s.log().find("(backend " + name + ","), std::string::npos) << s.log();
    auto h = http_request(s.port(), "GET", "/health");
    EXPECT_EQ(h.status, 200) << h.body;
    EXPECT_NE(h.body.find("\"backend\":\"" + name + "\""), std::string::npos) << h.body;
    auto m = http_request(s.port(), "GET", "/metrics");
    EXPECT_NE(m.body.find("fraiseql_backend_info{backend=\"" + name + "\"} 1"), std::string::npos)
        << m.body;
    auto q = post_graphql(s.port(), R"({"query":"{ users(limit: 1) { email } }"})");
    EXPECT_EQ(q.status, 200) << q.body;
    EXPECT_NE(q.body.find("@example.com"), std::string::npos) << q.body;
}

// product.md §1/§6: --backend / FRAISEQL_BACKEND / `backend` in fraiseql.toml, the original
// plan's names (rust, psycopg) as aliases, precedence flag > environment > file.
TEST_P(cli, backend_is_chosen_by_environment_toml_or_flag_and_reported) {
    const std::string name(pg::to_string(GetParam()));
    const std::string alias = GetParam() == pg::backend_kind::native ? "rust" : "psycopg";
    const std::string other = GetParam() == pg::backend_kind::native ? "libpq" : "native";
    const std::vector<std::string> base = {"--schema", blog_schema(), "--database-url", url()};
    {
        server_process s(base, {"FRAISEQL_BACKEND=" + alias});
        expect_backend_visible(s, name, "FRAISEQL_BACKEND=" + alias);
    }
    {
        server_process s(base, {"FRAISEQL_BACKEND=" + name});
        expect_backend_visible(s, name, "FRAISEQL_BACKEND=" + name);
    }
    auto toml = write_temp("backend = \"" + alias + "\"\n");
    {
        auto args = base;
        args.insert(args.end(), {"--config", toml});
        server_process s(args);
        expect_backend_visible(s, name, "fraiseql.toml backend = " + alias);
    }
    {
        // The environment overrides the file, the flag overrides both.
        auto args = base;
        args.insert(args.end(), {"--config", toml});
        server_process e(args, {"FRAISEQL_BACKEND=" + other});
        expect_backend_visible(e, other, "FRAISEQL_BACKEND over fraiseql.toml");
        args.insert(args.end(), {"--backend", name});
        server_process f(args, {"FRAISEQL_BACKEND=" + other});
        expect_backend_visible(f, name, "--backend over FRAISEQL_BACKEND");
    }
    std::remove(toml.c_str());
}

INSTANTIATE_TEST_SUITE_P(backends, cli, all_backends(), backend_name());

// ---------------------------------------------------------------- fraiseql demo

/// Exit status of `tools/pg-test-cluster.sh status DIR`: 0 running, 3 stopped.
int cluster_status(const std::string& dir) {
    int st = std::system((std::string(FRAISEQL_SOURCE_DIR) + "/tools/pg-test-cluster.sh status '" +
                          dir + "' >/dev/null 2>&1")
                             .c_str());
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/// A fresh folder standing in for the user's cache directory; on exit the demo's cluster is
/// stopped (whatever the test did) and the folder removed.
class demo_command : public ::testing::Test {
protected:
    void SetUp() override {
        clear_inherited_settings();
        char name[] = "/tmp/fraiseql-demo-test-XXXXXX";
        ASSERT_NE(mkdtemp(name), nullptr);
        cache_ = name;
        dir_ = cache_ + "/fraiseql/demo";
    }
    void TearDown() override {
        if (cache_.empty())
            return;
        std::system((stop_prefix_ + std::string(FRAISEQL_SOURCE_DIR) +
                     "/tools/pg-test-cluster.sh stop '" + dir_ + "' >/dev/null 2>&1")
                        .c_str());
        std::error_code ec;
        std::filesystem::remove_all(cache_, ec);
    }
    std::string cache_, dir_;
    std::string stop_prefix_; ///< e.g. "runuser -u nobody -- " when the cluster is not root's
};

/// `fraiseql demo --port 0`; the first start runs initdb and loads the example.
process_options demo_options() {
    process_options o;
    o.subcommand = "demo";
    o.startup_seconds = 300;
    return o;
}

/// The answers compared between the two runs (README queries, a variable, an error).
std::vector<http_response> demo_answers(unsigned short port) {
    std::vector<http_response> out;
    for (
        const char* body : {
            R"({"query":"{ users(limit: 3) { id email firstName posts { title } } }"})",
            R"({"query":"query($c: String!) { users(where: {address: {city: {eq: $c}}, age: {gte: 30}}, orderBy: [{email: ASC}], limit: 5) { email age } }","variables":{"c":"Berlin"}})",
            R"({"query":"{ user(id: \"24c9e15e-52af-c47c-225b-757e7bee1f9d\") { email posts { title } } }"})",
            R"({"query":"{ users(limit: ) { id } }"})",
            R"({"query":"{ users(limit: 2) { nope } }"})",
        })
        out.push_back(post_graphql(port, body));
    return out;
}

// Issue 2 ("fraiseql demo") and issue 4 ("FRAISEQL_BACKEND=libpq make demo serves the same
// answers as the default"): this one body covers both backends on purpose — the second run
// must reuse the cluster the first one made, so the two cannot be separate test instances.
TEST_F(demo_command, serves_the_blog_reuses_its_folder_stops_its_cluster_same_on_both_backends) {
    process_options demo = demo_options();
    std::vector<http_response> first;
    {
        // Default folder: a folder of its own under the user's cache directory.
        server_process s({}, {"XDG_CACHE_HOME=" + cache_}, demo);
        ASSERT_TRUE(s.ok()) << s.log();
        const std::string log = s.log();
        EXPECT_NE(log.find("in " + dir_), std::string::npos) << log;
        EXPECT_NE(log.find("initdb"), std::string::npos) << log;
        EXPECT_NE(log.find("loading examples/blog"), std::string::npos) << log;
        EXPECT_NE(log.find("(backend native,"), std::string::npos) << log; // the default
        EXPECT_EQ(cluster_status(dir_), 0);
        first = demo_answers(s.port());
        ASSERT_EQ(first[0].status, 200) << first[0].body;
        auto v = boost::json::parse(first[0].body);
        const auto& users = v.at("data").at("users").as_array();
        ASSERT_EQ(users.size(), 3u);
        EXPECT_EQ(users[0].at("email"), "alice@example.com");
        EXPECT_EQ(users[0].at("firstName"), "Alice");
        EXPECT_GE(users[0].at("posts").as_array().size(), 1u);
        EXPECT_EQ(first[2].status, 200) << first[2].body;
        EXPECT_EQ(first[2].body, R"({"data":{"user":{"email":"alice@example.com","posts":[)"
                                 R"({"title":"Post 1: Views all the way down"},)"
                                 R"({"title":"Post 991: Views all the way down"},)"
                                 R"({"title":"Post 1981: Views all the way down"},)"
                                 R"({"title":"Post 2971: Views all the way down"}]}}})");
        EXPECT_EQ(first[3].status, 400) << first[3].body; // a malformed query: 400, no crash
        EXPECT_NE(first[3].body.find("\"errors\""), std::string::npos) << first[3].body;
        EXPECT_EQ(s.stop(60000, SIGTERM), 0) << s.log();
        EXPECT_NE(s.log().find("stopped"), std::string::npos) << s.log();
    }
    EXPECT_EQ(cluster_status(dir_), 3) << "SIGTERM must stop the demo's cluster";
    {
        // Second run, the same folder given explicitly, the libpq backend, Ctrl-C (SIGINT).
        server_process s({"--data-dir", dir_}, {"FRAISEQL_BACKEND=libpq"}, demo);
        ASSERT_TRUE(s.ok()) << s.log();
        const std::string log = s.log();
        EXPECT_EQ(log.find("initdb"), std::string::npos) << "not reused:\n" << log;
        EXPECT_EQ(log.find("loading examples/blog"), std::string::npos) << "not reused:\n" << log;
        EXPECT_NE(log.find("(backend libpq,"), std::string::npos) << log;
        auto second = demo_answers(s.port());
        ASSERT_EQ(second.size(), first.size());
        for (std::size_t i = 0; i < first.size(); ++i) {
            EXPECT_EQ(second[i].status, first[i].status) << "query " << i;
            EXPECT_EQ(second[i].body, first[i].body) << "query " << i;
        }
        EXPECT_EQ(s.stop(60000, SIGINT), 0) << s.log();
    }
    EXPECT_EQ(cluster_status(dir_), 3) << "SIGINT must stop the demo's cluster";
}

// Ctrl-C or SIGTERM while the demo is still starting its cluster or loading the example must
// not leave the private PostgreSQL running behind it (issue 2: "stops the cluster on exit,
// also on Ctrl-C/SIGTERM").
TEST_F(demo_command, sigterm_while_loading_the_example_still_stops_the_cluster) {
    process_options loading = demo_options();
    loading.ready_regex = "loading examples/blog";
    server_process s({"--data-dir", dir_}, {}, loading);
    ASSERT_TRUE(s.ok()) << s.log();
    const int status = s.stop(120000, SIGTERM);
    EXPECT_NE(status, -1) << "did not exit:\n" << s.log();
    EXPECT_NE(status, 0) << "an interrupted demo must not report success:\n" << s.log();
    EXPECT_EQ(s.log().find("serving"), std::string::npos) << s.log();
    EXPECT_EQ(cluster_status(dir_), 3) << "the demo's cluster was left running:\n" << s.log();
}

// Issue 2: the demo works in any folder the invoking user can write — as root (the tests
// above: initdb then runs as `postgres`) and as an ordinary user, here `nobody` in a folder it
// owns, where everything (initdb, the server) runs as that user itself.
TEST_F(demo_command, runs_as_an_ordinary_user_in_a_folder_it_owns) {
    process_options demo = demo_options();
    if (geteuid() == 0) {
        const passwd* pw = getpwnam("nobody");
        ASSERT_NE(pw, nullptr) << "no 'nobody' user to run the demo as";
        ASSERT_EQ(chown(cache_.c_str(), pw->pw_uid, pw->pw_gid), 0);
        demo.run_as = std::make_pair(pw->pw_uid, pw->pw_gid);
        stop_prefix_ = "runuser -u nobody -- ";
    }
    const std::string pid_file = dir_ + "/data/postmaster.pid";
    {
        server_process s({"--data-dir", dir_}, {"HOME=" + cache_}, demo);
        ASSERT_TRUE(s.ok()) << s.log();
        EXPECT_EQ(s.log().find("granted"), std::string::npos) << s.log(); // no root-only ACLs
        struct stat st {};
        ASSERT_EQ(stat((dir_ + "/data").c_str(), &st), 0);
        if (demo.run_as) {
            EXPECT_EQ(st.st_uid, demo.run_as->first);
        }
        EXPECT_TRUE(std::filesystem::exists(pid_file));
        auto r = post_graphql(s.port(), R"({"query":"{ users(limit: 3) { id email } }"})");
        EXPECT_EQ(r.status, 200) << r.body;
        EXPECT_NE(r.body.find("\"email\":\"alice@example.com\""), std::string::npos) << r.body;
        EXPECT_EQ(s.stop(60000, SIGTERM), 0) << s.log();
    }
    // A clean shutdown removes postmaster.pid (readable here even when root cannot use the
    // user's cluster through pg_ctl).
    EXPECT_FALSE(std::filesystem::exists(pid_file)) << "the demo's cluster was left running";
}

} // namespace
} // namespace fraiseql::test
