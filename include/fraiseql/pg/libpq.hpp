#pragma once
/// \file
/// The fallback backend: PostgreSQL's own C client (libpq), used non-blocking,
/// waiting on its socket through Asio.

#include "fraiseql/pg/connection.hpp"

namespace fraiseql::pg {

/// Creates a connector for the libpq backend. The connection string is checked
/// with PQconninfoParse; failure is errc::bad_connection_string.
result<std::unique_ptr<connector>> make_libpq_connector(asio::any_io_executor ex,
                                                        std::string_view connection_string);
result<std::unique_ptr<connector>> make_libpq_connector(asio::any_io_executor ex,
                                                        std::string_view connection_string,
                                                        const connector_options& options);

} // namespace fraiseql::pg
