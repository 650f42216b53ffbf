// Stable names of pg::errc (used in logs, metrics labels and GraphQL error extensions).
#include "fraiseql/pg/error.hpp"

namespace fraiseql::pg {

std::string_view to_string(errc c) noexcept {
    switch (c) {
    case errc::ok: return "ok";
    case errc::bad_connection_string: return "bad_connection_string";
    case errc::connection_failed: return "connection_failed";
    case errc::auth_failed: return "auth_failed";
    case errc::tls_error: return "tls_error";
    case errc::connection_lost: return "connection_lost";
    case errc::protocol_error: return "protocol_error";
    case errc::server_error: return "server_error";
    case errc::timeout: return "timeout";
    case errc::cancelled: return "cancelled";
    case errc::pool_exhausted: return "pool_exhausted";
    case errc::pool_closed: return "pool_closed";
    case errc::unsupported: return "unsupported";
    }
    return "unknown";
}

const server_message& error::server() const noexcept {
    static const server_message none{};
    return server_ ? *server_ : none;
}

} // namespace fraiseql::pg
