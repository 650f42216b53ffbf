#include "support/cluster.hpp"

#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>

namespace fraiseql::test {
namespace {

const std::map<std::string, std::string>& env_file() {
    static std::map<std::string, std::string> values;
    static std::once_flag once;
    std::call_once(once, [] {
        const char* dir = std::getenv("FRAISEQL_TEST_CLUSTER_DIR");
        if (!dir || !*dir) return;
        std::ifstream in(std::string(dir) + "/env");
        std::string line;
        while (std::getline(in, line)) {
            auto eq = line.find('=');
            if (eq == std::string::npos || line.empty() || line[0] == '#') continue;
            std::string value = line.substr(eq + 1);
            if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') &&
                value.back() == value.front())
                value = value.substr(1, value.size() - 2);
            values.emplace(line.substr(0, eq), std::move(value));
        }
    });
    return values;
}

} // namespace

std::string cluster_env(std::string_view key) {
    const auto& m = env_file();
    auto it = m.find(std::string(key));
    return it == m.end() ? std::string() : it->second;
}

bool cluster_available() { return !cluster_env("FRAISEQL_TEST_DATABASE_URL").empty(); }

std::string database_url() { return cluster_env("FRAISEQL_TEST_DATABASE_URL"); }

} // namespace fraiseql::test
