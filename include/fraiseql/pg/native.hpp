#pragma once
/// \file
/// The native backend: the project's own implementation of the PostgreSQL
/// frontend/backend protocol v3 on Boost.Asio.

#include "fraiseql/pg/connection.hpp"

namespace fraiseql::pg {

/// Creates a connector for the native driver from a libpq-style connection
/// string (URI or key=value). Fails with errc::bad_connection_string.
result<std::unique_ptr<connector>> make_native_connector(asio::any_io_executor ex,
                                                         std::string_view connection_string);

} // namespace fraiseql::pg
