#pragma once
/// \file
/// Access to the throwaway PostgreSQL cluster started by tools/pg-test-cluster.sh.
///
/// The script writes `<dir>/env` (KEY=VALUE lines); CTest passes the directory in
/// FRAISEQL_TEST_CLUSTER_DIR. A database test that finds no cluster, or cannot
/// reach its database, fails (it never skips).

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "fraiseql/pg/connection.hpp"

namespace fraiseql::test {

/// Value of KEY from the cluster's env file ("" when absent or no cluster).
std::string cluster_env(std::string_view key);

/// True when a cluster env file was found.
bool cluster_available();

/// postgres://postgres@127.0.0.1:PORT/fraiseql_test (superuser, trust).
std::string database_url();

/// Both backend kinds, for INSTANTIATE_TEST_SUITE_P.
inline auto all_backends() {
    return ::testing::Values(pg::backend_kind::native, pg::backend_kind::libpq);
}

/// Test-name generator printing "native" / "libpq".
struct backend_name {
    std::string operator()(const ::testing::TestParamInfo<pg::backend_kind>& info) const {
        return std::string(pg::to_string(info.param));
    }
};

} // namespace fraiseql::test

/// In a test body: fail (never skip) when the cluster is missing.
#define FRAISEQL_REQUIRE_CLUSTER()                                                             \
    do {                                                                                       \
        if (!::fraiseql::test::cluster_available()) {                                          \
            FAIL() << "no test cluster: set FRAISEQL_TEST_CLUSTER_DIR (run through ctest, "    \
                      "which starts tools/pg-test-cluster.sh)";                                \
        }                                                                                      \
    } while (0)
