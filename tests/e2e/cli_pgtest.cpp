// The `fraiseql check` and `fraiseql explain` commands against the real
// database (product.md §1, §2): a schema that matches passes, problems are
// listed with exit 1, and a key spelled differently in the rows is warned about.

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>

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
    if (!p) return r;
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
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

class cli : public ::testing::Test {
protected:
    void SetUp() override { FRAISEQL_REQUIRE_CLUSTER(); }
    std::string url() const { return database_url_for("fraiseql_e2e"); }
};

TEST_F(cli, check_passes_for_the_blog_schema) {
    auto r = run_cli("check --schema " + std::string(FRAISEQL_SOURCE_DIR) +
                     "/examples/blog/schema.graphql --database-url " + url());
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("ok:"), std::string::npos) << r.output;
}

TEST_F(cli, check_lists_missing_views_columns_and_functions) {
    auto schema = write_temp(R"(
        type Ghost @view(name: "v_no_such_view") { id: UUID! }
        type User @view(name: "v_user", columns: ["id", "no_such_column"]) { id: UUID! email: String! }
        type Query { ghosts: [Ghost!]! users: [User!]! }
        input In { x: Int }
        type Mutation { doIt(input: In!): User @function(name: "fn_no_such_function") }
    )");
    auto r = run_cli("check --schema " + schema + " --database-url " + url());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("v_no_such_view"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("no_such_column"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("fn_no_such_function"), std::string::npos) << r.output;
    std::remove(schema.c_str());
}

TEST_F(cli, check_warns_about_a_key_spelled_differently_in_the_rows) {
    const std::string setup = R"(
        SELECT pg_advisory_lock(424244);
        DO $$ BEGIN
            IF to_regclass('public.cli_addr') IS NULL THEN
                CREATE VIEW cli_addr AS
                    SELECT 1 AS id, jsonb_build_object('id', 1, 'address_line_1', 'Main St 1') AS data;
            END IF;
        END $$;
        SELECT pg_advisory_unlock(424244);)";
    ASSERT_EQ(exec_script(url(), setup), "");
    auto schema = write_temp(R"(
        type Addr @view(name: "cli_addr") { id: Int! addressLine1: String }
        type Query { addrs: [Addr!]! }
    )");
    auto r = run_cli("check --schema " + schema + " --database-url " + url());
    EXPECT_EQ(r.status, 0) << r.output; // a warning, not an error
    EXPECT_NE(r.output.find("warning: \"Addr.addressLine1\" reads \"address_line1\", rows have \"address_line_1\""),
              std::string::npos) << r.output;
    std::remove(schema.c_str());
}

TEST_F(cli, explain_prints_parameterised_sql) {
    auto r = run_cli("explain --schema " + std::string(FRAISEQL_SOURCE_DIR) +
                     "/examples/blog/schema.graphql --query '{ users(where: {email: {eq: \"x'\"'\"'; DROP TABLE tb_user; --\"}}) { id } }'");
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

TEST_F(cli, refuses_bad_configuration_naming_the_key) {
    auto r = run_cli("serve --schema x.graphql --database-url postgres://x@127.0.0.1:1/x --backend mysql");
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find("backend"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("native, libpq"), std::string::npos) << r.output;
    auto v = run_cli("--version");
    EXPECT_EQ(v.status, 0);
    EXPECT_NE(v.output.find("fraiseql 1.9"), std::string::npos) << v.output;
}

} // namespace
} // namespace fraiseql::test
