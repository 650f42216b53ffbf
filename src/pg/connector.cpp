// Backend selection (product spec §1 and §6): `native` (default) or `libpq`; `rust` and
// `psycopg` are the original release plan's names for the same two backends.
#include <string>

#include "fraiseql/pg/connection.hpp"
#include "fraiseql/pg/libpq.hpp"
#include "fraiseql/pg/native.hpp"

namespace fraiseql::pg {

fraiseql::result<backend_kind, std::string> parse_backend_kind(std::string_view s) {
    if (s == "native" || s == "rust") return backend_kind::native;
    if (s == "libpq" || s == "psycopg") return backend_kind::libpq;
    return failure{"invalid backend '" + std::string(s) +
                   "': valid values are native, libpq (aliases: rust = native, "
                   "psycopg = libpq)"};
}

std::string_view to_string(transaction_state s) noexcept {
    switch (s) {
    case transaction_state::idle: return "idle";
    case transaction_state::in_transaction: return "in_transaction";
    case transaction_state::failed: return "failed";
    case transaction_state::unknown: return "unknown";
    }
    return "unknown";
}

std::string_view to_string(backend_kind k) noexcept {
    switch (k) {
    case backend_kind::native: return "native";
    case backend_kind::libpq: return "libpq";
    }
    return "unknown";
}

result<std::unique_ptr<connector>> make_connector(backend_kind kind, asio::any_io_executor ex,
                                                  std::string_view connection_string) {
    return make_connector(kind, std::move(ex), connection_string, connector_options{});
}

result<std::unique_ptr<connector>> make_connector(backend_kind kind, asio::any_io_executor ex,
                                                  std::string_view connection_string,
                                                  const connector_options& options) {
    switch (kind) {
    case backend_kind::native: {
        native_options o;
        o.statement_cache_size = options.statement_cache_size;
        return make_native_connector(std::move(ex), connection_string, std::move(o));
    }
    case backend_kind::libpq:
        return make_libpq_connector(std::move(ex), connection_string, options);
    }
    return make_error(errc::unsupported, "unknown backend kind");
}

} // namespace fraiseql::pg
