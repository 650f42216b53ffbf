#pragma once
/// \file
/// The native connection (pg::connection over the sans-io protocol core and a transport).

#include <memory>
#include <string>

#include "fraiseql/pg/conninfo.hpp"
#include "fraiseql/pg/native.hpp"

namespace boost::asio::ssl {
class context;
}

namespace fraiseql::pg::wire {

/// Settings shared by every connection a connector makes.
struct native_config {
    conninfo info;
    native_options options;
    std::shared_ptr<boost::asio::ssl::context> tls; ///< null when TLS is never attempted
    std::string tls_setup_error;                    ///< CA/cert loading failure, reported at connect
};

/// Connects, negotiates TLS, authenticates and waits for ReadyForQuery, all before `dl`
/// (and conninfo's connect_timeout). Errors: connection_failed, tls_error, auth_failed,
/// timeout, protocol_error.
asio::awaitable<result<std::unique_ptr<connection>>>
open_native_connection(asio::any_io_executor ex, std::shared_ptr<const native_config> cfg,
                       deadline dl);

} // namespace fraiseql::pg::wire
