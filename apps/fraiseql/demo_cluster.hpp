#pragma once
// `fraiseql demo`: a private PostgreSQL cluster in a folder of its own, with the
// blog example loaded once (tools/pg-test-cluster.sh does the cluster work).

#include <string>

#include "fraiseql/result.hpp"

namespace fraiseql::demo {

struct cluster_info {
    std::string database_url;
};

/// Starts (creating on first use) the cluster in `dir`, creates the
/// `fraiseql_demo` database and loads examples/blog into it when not loaded yet.
fraiseql::result<cluster_info, std::string> start_cluster(const std::string& dir,
                                                          const std::string& source_dir);

/// Stops the cluster in `dir` (fast shutdown).
void stop_cluster(const std::string& dir, const std::string& source_dir);

} // namespace fraiseql::demo
