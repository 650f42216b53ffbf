#pragma once
/// \file
/// The startup and authentication phase as a sans-io state machine
/// (PostgreSQL docs "55.2.1. Start-up", "55.3. SASL Authentication").
///
/// The driver writes startup_message(), then feeds each backend frame to
/// on_frame(); after `step::write` it sends what was appended to `out`. The phase
/// ends at ReadyForQuery (`step::done`) or with `step::failed` and failure().

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "auth.hpp"
#include "backend.hpp"
#include "fraiseql/pg/error.hpp"

namespace fraiseql::pg::protocol {

enum class channel_binding_mode : std::uint8_t { disable, prefer, require };

struct startup_options {
    std::string user;
    std::string password;
    std::string database;
    std::string application_name;
    std::string options; ///< the "options" startup parameter (command-line switches)
    bool tls = false;
    /// tls-server-end-point channel-binding data (RFC 5929 §4.1 hash of the server
    /// certificate); empty when not on TLS or not computable.
    std::string tls_server_end_point;
    channel_binding_mode channel_binding = channel_binding_mode::prefer;
    /// SCRAM client nonce; empty = random (set only by tests, to replay known vectors).
    std::string scram_nonce;
};

class startup_machine {
public:
    enum class step : std::uint8_t { read, write, done, failed };

    explicit startup_machine(startup_options o);

    /// Appends the StartupMessage (user, database, application_name, client_encoding=UTF8,
    /// DateStyle=ISO, options). Fails with bad_connection_string on an embedded NUL.
    result<void> startup_message(std::string& out) const;

    /// Consumes one backend frame; on step::write the reply was appended to `out`.
    step on_frame(const frame& f, std::string& out);

    const error& failure() const noexcept { return error_; }
    std::int32_t backend_pid() const noexcept { return pid_; }
    std::int32_t backend_secret() const noexcept { return secret_; }
    char transaction_status() const noexcept { return tx_status_; }
    /// ParameterStatus values received during startup, in order.
    const std::vector<std::pair<std::string, std::string>>& parameters() const noexcept {
        return params_;
    }
    const std::vector<server_message>& notices() const noexcept { return notices_; }
    /// The authentication method the server asked for ("trust", "password", "md5",
    /// "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS").
    std::string_view method() const noexcept { return method_; }

private:
    step fail(errc c, std::string msg);
    step on_auth(std::string_view body, std::string& out);

    startup_options opts_;
    std::unique_ptr<scram_client> scram_;
    bool scram_verified_ = false;
    bool authenticated_ = false;
    std::int32_t pid_ = 0;
    std::int32_t secret_ = 0;
    char tx_status_ = 0;
    std::string method_ = "trust";
    std::vector<std::pair<std::string, std::string>> params_;
    std::vector<server_message> notices_;
    error error_;
};

} // namespace fraiseql::pg::protocol
