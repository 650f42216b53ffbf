#pragma once
/// \file
/// What the server learns from, and checks against, the live database catalog.

#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "fraiseql/graphql/schema.hpp"
#include "fraiseql/pg/connection.hpp"

namespace fraiseql::exec {

/// For every @view type whose `columns` were not declared in the SDL, reads the
/// relation's columns from the catalog (so filters and ordering use real columns
/// where they exist, product.md §3.3). Relations that do not exist are left
/// alone (`check_schema` reports them). Returns the problems it met.
boost::asio::awaitable<std::vector<std::string>> discover_columns(pg::connection& conn,
                                                                  graphql::schema& s);

/// A problem found by `fraiseql check`.
struct check_problem {
    enum class level { error, warning } severity = level::error;
    std::string message;
};

/// Validates the schema against the database: every view, column and function it
/// names exists with a compatible type; samples rows and warns about fields whose
/// key never appears while a differently spelled key does.
boost::asio::awaitable<std::vector<check_problem>> check_schema(pg::connection& conn,
                                                                const graphql::schema& s);

} // namespace fraiseql::exec
