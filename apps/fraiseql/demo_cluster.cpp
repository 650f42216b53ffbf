#include "demo_cluster.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <map>

namespace fraiseql::demo {
namespace {

std::string sh_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

/// Runs a shell command; returns its exit status and (when capture) its stdout.
int run(const std::string& cmd, std::string* captured = nullptr) {
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return -1;
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0)
        if (captured) captured->append(buf.data(), n);
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::map<std::string, std::string> read_env(const std::string& file) {
    std::map<std::string, std::string> out;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        auto eq = line.find('=');
        if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return out;
}

} // namespace

fraiseql::result<cluster_info, std::string> start_cluster(const std::string& dir,
                                                          const std::string& source_dir) {
    const std::string script = source_dir + "/tools/pg-test-cluster.sh";
    std::printf("starting a private PostgreSQL in %s ...\n", dir.c_str());
    std::fflush(stdout);
    if (run(sh_quote(script) + " start " + sh_quote(dir) + " >&2") != 0)
        return failure<std::string>{"could not start the private PostgreSQL cluster in " + dir +
                                    " (see " + dir + "/log/postgres.log)"};
    auto env = read_env(dir + "/env");
    const std::string bin = env["FRAISEQL_TEST_PG_BIN"];
    const std::string port = env["FRAISEQL_TEST_PORT"];
    if (bin.empty() || port.empty())
        return failure<std::string>{"the cluster in " + dir + " wrote no usable env file"};
    const std::string psql = sh_quote(bin + "/psql") + " -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p " +
                             port + " -U postgres";
    std::string exists;
    if (run(psql + " -d postgres -tAc \"SELECT 1 FROM pg_database WHERE datname = 'fraiseql_demo'\"",
            &exists) != 0)
        return failure<std::string>{"cannot reach the demo cluster with psql"};
    if (exists.find('1') == std::string::npos &&
        run(psql + " -d postgres -c 'CREATE DATABASE fraiseql_demo'") != 0)
        return failure<std::string>{"cannot create the fraiseql_demo database"};
    std::string loaded;
    // The marker's name carries the example's version: v2 added tenants and RLS (an older
    // database is upgraded in place by loading the idempotent files again).
    run(psql + " -d fraiseql_demo -tAc \"SELECT to_regclass('public.fraiseql_demo_loaded_v2') IS NOT NULL\"",
        &loaded);
    if (loaded.find('t') == std::string::npos) {
        std::printf("loading examples/blog (schema and seed data) ...\n");
        std::fflush(stdout);
        const std::string ex = source_dir + "/examples/blog/";
        if (run(psql + " -d fraiseql_demo -1 -f " + sh_quote(ex + "schema.sql") + " -f " +
                sh_quote(ex + "seed.sql") + " >&2") != 0)
            return failure<std::string>{"loading examples/blog into fraiseql_demo failed"};
        run(psql + " -d fraiseql_demo -c 'CREATE TABLE IF NOT EXISTS fraiseql_demo_loaded_v2 (at timestamptz DEFAULT now())'");
    }
    // Served as fraiseql_app (NOSUPERUSER NOBYPASSRLS, made by pg-test-cluster.sh) so that the
    // example's row-level security applies: a superuser bypasses every policy.
    return cluster_info{"postgres://fraiseql_app:app_pass_1@127.0.0.1:" + port + "/fraiseql_demo"};
}

void stop_cluster(const std::string& dir, const std::string& source_dir) {
    run(sh_quote(source_dir + "/tools/pg-test-cluster.sh") + " stop " + sh_quote(dir) + " >&2");
}

} // namespace fraiseql::demo
