#pragma once
/// \file
/// The native backend: the project's own implementation of the PostgreSQL
/// frontend/backend protocol v3 on Boost.Asio.

#include <chrono>
#include <cstddef>
#include <functional>

#include "fraiseql/pg/connection.hpp"

namespace fraiseql::pg {

/// Creates a connector for the native driver from a libpq-style connection
/// string (URI or key=value, see conninfo.hpp). Fails with errc::bad_connection_string.
result<std::unique_ptr<connector>> make_native_connector(asio::any_io_executor ex,
                                                         std::string_view connection_string);

/// Native-only knobs. The callbacks run on the connection's coroutine, inside the
/// operation that received the message (NoticeResponse/NotificationResponse arrive
/// with query results); they must not use the connection.
struct native_options {
    std::function<void(const server_message&)> on_notice;
    std::function<void(std::int32_t pid, std::string_view channel, std::string_view payload)>
        on_notification;
    /// Prepared statements kept per connection (LRU); 0 disables the cache.
    std::size_t statement_cache_size = 256;
    /// `unnamed`: only the unnamed statement, whatever statement_cache_size says
    /// (connection.hpp, statement_mode). make_native_connector itself does not check for a
    /// pooler; make_connector does (connector_options).
    statement_mode statements = statement_mode::named;
    /// After a CancelRequest (deadline or abandoned stream), how long to wait for the
    /// server to resynchronise (ReadyForQuery) before declaring the connection broken.
    std::chrono::milliseconds cancel_grace{2000};
};

result<std::unique_ptr<connector>> make_native_connector(asio::any_io_executor ex,
                                                         std::string_view connection_string,
                                                         native_options options);

} // namespace fraiseql::pg
