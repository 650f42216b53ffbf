#pragma once
/// \file
/// Running SQL scripts against the test cluster from a test (setup and checks).

#include <string>
#include <vector>

namespace fraiseql::test {

/// Runs `script` (simple query protocol, several statements allowed) on the
/// database at `url` through the libpq backend. Returns "" on success, else the error.
std::string exec_script(const std::string& url, const std::string& script);

/// Runs one query and returns the first column of every row as text ("NULL" for nulls);
/// on failure returns {"ERROR: …"}.
std::vector<std::string> query_column(const std::string& url, const std::string& sql);

/// The cluster's URL for database `db` as the superuser.
std::string database_url_for(const std::string& db);

/// `text` with every "@S@" replaced by the name of a schema private to this test process,
/// `prefix` followed by the process id (test processes run concurrently on one cluster).
std::string with_private_schema(std::string text, const std::string& prefix);

} // namespace fraiseql::test
