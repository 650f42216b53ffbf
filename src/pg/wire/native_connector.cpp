// make_native_connector: parses the connection string once and prepares the TLS context
// shared by every connection of the connector.
#include <boost/asio/ssl/context.hpp>

#include "fraiseql/pg/conninfo.hpp"
#include "fraiseql/pg/native.hpp"
#include "native_connection.hpp"

#include <cstdlib>
#include <filesystem>

namespace fraiseql::pg {
namespace {

class native_connector final : public connector {
public:
    native_connector(asio::any_io_executor ex, std::shared_ptr<const wire::native_config> cfg)
        : ex_(std::move(ex)), cfg_(std::move(cfg)) {}

    asio::awaitable<result<std::unique_ptr<connection>>> connect(deadline dl) override {
        return wire::open_native_connection(ex_, cfg_, dl);
    }
    std::string_view backend_name() const noexcept override { return "native"; }

private:
    asio::any_io_executor ex_;
    std::shared_ptr<const wire::native_config> cfg_;
};

/// Builds the client TLS context; returns an error message (reported at connect time,
/// as tls_error) when a configured file cannot be loaded.
std::string setup_tls(asio::ssl::context& ctx, const conninfo& ci) {
    boost::system::error_code ec;
    ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                        asio::ssl::context::no_tlsv1_1,
                    ec);
    const bool verify = ci.sslmode == ssl_mode::verify_ca || ci.sslmode == ssl_mode::verify_full ||
                        (ci.sslmode == ssl_mode::require && !ci.sslrootcert.empty());
    if (verify) {
        std::string root = ci.sslrootcert;
        if (root.empty()) {
            // libpq's default location.
            const char* home = std::getenv("HOME");
            root = std::string(home ? home : "") + "/.postgresql/root.crt";
        }
        if (root == "system") {
            ctx.set_default_verify_paths(ec);
        } else {
            if (!std::filesystem::exists(root))
                return "root certificate file \"" + root + "\" does not exist (sslmode=" +
                       std::string(to_string(ci.sslmode)) + " needs sslrootcert)";
            ctx.load_verify_file(root, ec);
        }
        if (ec) return "cannot load root certificates \"" + root + "\": " + ec.message();
    }
    if (!ci.sslcert.empty()) {
        ctx.use_certificate_chain_file(ci.sslcert, ec);
        if (ec) return "cannot load sslcert \"" + ci.sslcert + "\": " + ec.message();
        ctx.use_private_key_file(ci.sslkey.empty() ? ci.sslcert : ci.sslkey,
                                 asio::ssl::context::pem, ec);
        if (ec) return "cannot load sslkey \"" + ci.sslkey + "\": " + ec.message();
    }
    return {};
}

} // namespace

result<std::unique_ptr<connector>> make_native_connector(asio::any_io_executor ex,
                                                         std::string_view connection_string,
                                                         native_options options) {
    auto ci = parse_conninfo(connection_string);
    if (!ci) return make_error(errc::bad_connection_string, std::move(ci).error());
    auto cfg = std::make_shared<wire::native_config>();
    cfg->info = std::move(*ci);
    cfg->options = std::move(options);
    if (cfg->info.sslmode >= ssl_mode::prefer && !cfg->info.is_unix_socket()) {
        cfg->tls = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
        cfg->tls_setup_error = setup_tls(*cfg->tls, cfg->info);
    }
    return std::unique_ptr<connector>(
        std::make_unique<native_connector>(std::move(ex), std::move(cfg)));
}

result<std::unique_ptr<connector>> make_native_connector(asio::any_io_executor ex,
                                                         std::string_view connection_string) {
    return make_native_connector(std::move(ex), connection_string, native_options{});
}

} // namespace fraiseql::pg
