// Configuration loading: precedence flag > environment > toml > default, and
// refusal of unknown keys and invalid values with the key named (product.md §1).

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sched.h>
#include <unistd.h>

#include "fraiseql/exec/config.hpp"

namespace fraiseql::exec {
namespace {

std::string write_toml(const std::string& text) {
    char name[] = "/tmp/fraiseql-config-XXXXXX";
    int fd = mkstemp(name);
    EXPECT_GE(fd, 0);
    close(fd);
    std::ofstream(name) << text;
    return name;
}

TEST(config, defaults) {
    auto c = load_config({});
    ASSERT_TRUE(c) << c.error();
    EXPECT_EQ(c->backend, "native");
    EXPECT_EQ(c->port, 8080);
    EXPECT_EQ(c->max_page_size, 1000u);
    EXPECT_EQ(c->environment, environment_kind::development);
    EXPECT_TRUE(c->allow_anonymous);
}

// product.md §8: `threads` defaults to the usable cores — the affinity mask (here narrowed
// to one CPU by the test itself), never more.
TEST(config, threads_default_to_the_usable_cores) {
    auto c = load_config({});
    ASSERT_TRUE(c) << c.error();
    EXPECT_EQ(c->threads, 0u);
    cpu_set_t all;
    ASSERT_EQ(sched_getaffinity(0, sizeof all, &all), 0);
    const auto n = usable_cores();
    EXPECT_GE(n, 1u);
    EXPECT_LE(n, static_cast<std::uint32_t>(CPU_COUNT(&all)));
    EXPECT_EQ(effective_threads(*c), n);
    cpu_set_t one;
    CPU_ZERO(&one);
    for (int i = 0; i < CPU_SETSIZE; ++i)
        if (CPU_ISSET(i, &all)) {
            CPU_SET(i, &one);
            break;
        }
    ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
    EXPECT_EQ(usable_cores(), 1u);
    ASSERT_EQ(sched_setaffinity(0, sizeof all, &all), 0);
    config_sources src;
    src.environment = {{"FRAISEQL_THREADS", "3"}};
    auto three = load_config(src);
    ASSERT_TRUE(three) << three.error();
    EXPECT_EQ(effective_threads(*three), 3u);
    src.environment = {{"FRAISEQL_THREADS", "AUTO"}};
    auto aut = load_config(src);
    ASSERT_TRUE(aut) << aut.error();
    EXPECT_EQ(aut->threads, 0u);
    src.environment = {{"FRAISEQL_THREADS", "0"}};
    auto zero = load_config(src);
    ASSERT_FALSE(zero);
    EXPECT_NE(zero.error().find("threads"), std::string::npos) << zero.error();
}

TEST(config, precedence_flag_over_env_over_toml_over_default) {
    auto file = write_toml("port = 9001\npool_size = 3\nmax_page_size = 50\n");
    config_sources src;
    src.toml_file = file;
    src.toml_file_required = true;
    src.environment = {{"FRAISEQL_PORT", "9002"}, {"FRAISEQL_POOL_SIZE", "4"}};
    src.flags = {{"port", "9003"}};
    auto c = load_config(src);
    ASSERT_TRUE(c) << c.error();
    EXPECT_EQ(c->port, 9003);         // flag
    EXPECT_EQ(c->pool_size, 4u);      // environment
    EXPECT_EQ(c->max_page_size, 50u); // toml
    EXPECT_EQ(c->max_aliases, 30u);   // default
    std::remove(file.c_str());
}

TEST(config, backend_aliases_and_refusal) {
    config c;
    ASSERT_TRUE(apply_setting(c, "backend", "rust"));
    EXPECT_EQ(c.backend, "native");
    ASSERT_TRUE(apply_setting(c, "backend", "psycopg"));
    EXPECT_EQ(c.backend, "libpq");
    ASSERT_TRUE(apply_setting(c, "backend", "LIBPQ"));
    EXPECT_EQ(c.backend, "libpq");
    auto bad = apply_setting(c, "backend", "mysql");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().find("backend"), std::string::npos);
    EXPECT_NE(bad.error().find("native, libpq"), std::string::npos);
}

TEST(config, unknown_toml_key_is_refused_with_its_name) {
    auto file = write_toml("prot = 8080\n");
    config_sources src;
    src.toml_file = file;
    auto c = load_config(src);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().find("prot"), std::string::npos) << c.error();
    std::remove(file.c_str());
}

TEST(config, unknown_environment_key_is_refused_but_test_keys_are_ignored) {
    config_sources src;
    src.environment = {{"FRAISEQL_TEST_CLUSTER_DIR", "/x"}};
    EXPECT_TRUE(load_config(src));
    src.environment = {{"FRAISEQL_POOLSIZE", "3"}};
    auto c = load_config(src);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().find("FRAISEQL_POOLSIZE"), std::string::npos) << c.error();
}

TEST(config, invalid_values_name_the_key) {
    struct bad_case { const char* key; const char* value; };
    for (auto [key, value] : {bad_case{"port", "http"}, bad_case{"port", "70000"}, bad_case{"pool_size", "0"},
                              bad_case{"pool_timeout", "5 parsecs"}, bad_case{"environment", "staging"},
                              bad_case{"introspection", "maybe"}, bad_case{"allow_anonymous", "perhaps"},
                              bad_case{"apq_mode", "sometimes"}, bad_case{"max_page_size", "-1"}}) {
        config c;
        auto r = apply_setting(c, key, value);
        ASSERT_FALSE(r) << key << "=" << value;
        EXPECT_EQ(r.error().rfind(key, 0), 0u) << r.error();
    }
}

TEST(config, durations) {
    config c;
    ASSERT_TRUE(apply_setting(c, "statement_timeout", "250ms"));
    EXPECT_EQ(c.statement_timeout.count(), 250);
    ASSERT_TRUE(apply_setting(c, "statement_timeout", "2"));
    EXPECT_EQ(c.statement_timeout.count(), 2000);
    ASSERT_TRUE(apply_setting(c, "statement_timeout", "1.5s"));
    EXPECT_EQ(c.statement_timeout.count(), 1500);
    ASSERT_TRUE(apply_setting(c, "pool_timeout", "1m"));
    EXPECT_EQ(c.pool_timeout.count(), 60000);
}

TEST(config, session_variables) {
    auto r = parse_session_variables("app.tenant_id=claim:tenant_id, app.user_id=header:X-User");
    ASSERT_TRUE(r) << r.error();
    ASSERT_EQ(r->size(), 2u);
    EXPECT_EQ((*r)[0].setting, "app.tenant_id");
    EXPECT_EQ((*r)[0].source, session_variable::source_kind::claim);
    EXPECT_EQ((*r)[0].name, "tenant_id");
    EXPECT_EQ((*r)[1].source, session_variable::source_kind::header);
    EXPECT_EQ((*r)[1].name, "x-user"); // header names are case-insensitive
    EXPECT_FALSE(parse_session_variables("tenant=claim:t"));          // not prefix.name
    EXPECT_FALSE(parse_session_variables("app.t'x=claim:t"));         // bad characters
    EXPECT_FALSE(parse_session_variables("app.t=cookie:t"));          // unknown source
    EXPECT_FALSE(parse_session_variables("app.t"));                   // no source
}

TEST(config, session_variable_names_follow_postgresql_custom_option_rules) {
    // PostgreSQL 15 (guc.c valid_custom_variable_name): two or more identifiers separated by
    // dots, each starting with a letter or `_`, then letters, digits, `_` or `$`. A name it
    // refuses would pass start-up and then fail every request with DATABASE_ERROR, so it is
    // refused at start-up, naming the key.
    for (const char* ok :
         {"app.tenant_id", "app._x", "app.x1", "my_app.a.b", "App.Tenant", "app.x$1"})
        EXPECT_TRUE(parse_session_variables(std::string(ok) + "=claim:t")) << ok;
    for (const char* bad : {"app.1x", "app..x", "app.x.", ".app.x", "1app.x", "app.$x", "app.",
                            "app.x-y", "app.x y"}) {
        auto r = parse_session_variables(std::string(bad) + "=claim:t");
        ASSERT_FALSE(r) << bad;
        EXPECT_NE(r.error().find("session_variables"), std::string::npos) << r.error();
    }
}

} // namespace
} // namespace fraiseql::exec
