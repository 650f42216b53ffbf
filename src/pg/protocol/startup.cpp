// Startup/authentication flow, PostgreSQL docs "55.2.1. Start-up" and "55.3. SASL
// Authentication" (SCRAM-SHA-256 and SCRAM-SHA-256-PLUS with tls-server-end-point).
#include "startup.hpp"

#include <algorithm>
#include <array>

#include "frontend.hpp"

namespace fraiseql::pg::protocol {

startup_machine::startup_machine(startup_options o) : opts_(std::move(o)) {}

result<void> startup_machine::startup_message(std::string& out) const {
    std::array<startup_param, 6> p;
    std::size_t n = 0;
    p[n++] = {"user", opts_.user};
    if (!opts_.database.empty()) p[n++] = {"database", opts_.database};
    if (!opts_.application_name.empty()) p[n++] = {"application_name", opts_.application_name};
    p[n++] = {"client_encoding", "UTF8"};
    p[n++] = {"DateStyle", "ISO"};
    if (!opts_.options.empty()) p[n++] = {"options", opts_.options};
    if (!append_startup(out, std::span(p.data(), n)))
        return make_error(errc::bad_connection_string,
                          "user, database, application_name or options contain a NUL byte");
    return {};
}

startup_machine::step startup_machine::fail(errc c, std::string msg) {
    error_ = error{c, std::move(msg)};
    return step::failed;
}

startup_machine::step startup_machine::on_frame(const frame& f, std::string& out) {
    switch (f.type) {
    case 'R':
        return on_auth(f.body, out);
    case 'E': {
        server_message m;
        if (!parse_error_fields(f.body, m))
            return fail(errc::protocol_error, "malformed ErrorResponse during startup");
        // Class 28 is "Invalid Authorization Specification" (wrong password, no
        // pg_hba.conf entry); anything else (no such database, too many clients,
        // starting up) is a connection failure.
        errc c = m.code.class_code() == "28" ? errc::auth_failed : errc::connection_failed;
        std::string msg = m.severity.empty() ? m.message : m.severity + ": " + m.message;
        error_ = error{c, std::move(msg), std::move(m)};
        return step::failed;
    }
    case 'N': {
        server_message m;
        if (!parse_error_fields(f.body, m))
            return fail(errc::protocol_error, "malformed NoticeResponse during startup");
        notices_.push_back(std::move(m));
        return step::read;
    }
    case 'S': {
        std::string_view k, v;
        if (!parse_parameter_status(f.body, k, v))
            return fail(errc::protocol_error, "malformed ParameterStatus");
        auto it = std::find_if(params_.begin(), params_.end(),
                               [&](const auto& kv) { return kv.first == k; });
        if (it != params_.end()) it->second.assign(v);
        else params_.emplace_back(std::string(k), std::string(v));
        return step::read;
    }
    case 'K':
        if (!parse_backend_key(f.body, pid_, secret_))
            return fail(errc::protocol_error, "malformed BackendKeyData");
        return step::read;
    case 'v': {
        // NegotiateProtocolVersion: we request 3.0 with no _pq_ options, so any
        // answer still lets the session proceed in 3.0.
        std::int32_t minor = 0;
        std::vector<std::string_view> unrec;
        if (!parse_negotiate_version(f.body, minor, unrec))
            return fail(errc::protocol_error, "malformed NegotiateProtocolVersion");
        return step::read;
    }
    case 'Z':
        if (!authenticated_)
            return fail(errc::protocol_error, "ReadyForQuery before authentication completed");
        if (!parse_ready(f.body, tx_status_))
            return fail(errc::protocol_error, "malformed ReadyForQuery");
        return step::done;
    default:
        return fail(errc::protocol_error,
                    std::string("unexpected message '") + f.type + "' during startup");
    }
}

startup_machine::step startup_machine::on_auth(std::string_view body, std::string& out) {
    auth_request a;
    if (!parse_auth(body, a)) return fail(errc::protocol_error, "malformed Authentication");
    const bool cb_required = opts_.channel_binding == channel_binding_mode::require;
    switch (a.code) {
    case auth_ok:
        if (authenticated_) return fail(errc::protocol_error, "duplicate AuthenticationOk");
        // A server that skips SCRAM's final message would not have proven that it
        // knows the password: refuse (mutual authentication, RFC 5802 §9).
        if (scram_ && !scram_verified_)
            return fail(errc::auth_failed, "server skipped SCRAM server-final verification");
        if (cb_required && !(scram_ && method_ == "SCRAM-SHA-256-PLUS"))
            return fail(errc::auth_failed, "channel_binding=require, but the server "
                                           "authenticated without channel binding");
        authenticated_ = true;
        return step::read;
    case auth_cleartext:
    case auth_md5: {
        if (authenticated_ || scram_) return fail(errc::protocol_error, "unexpected auth request");
        if (cb_required)
            return fail(errc::auth_failed, "channel_binding=require, but the server asked for "
                                           "a password without channel binding");
        if (opts_.password.empty())
            return fail(errc::auth_failed, "the server requested a password, none was given");
        method_ = a.code == auth_md5 ? "md5" : "password";
        std::string pw = a.code == auth_md5
                             ? md5_password(opts_.user, opts_.password, a.data)
                             : opts_.password;
        if (!append_password(out, pw))
            return fail(errc::auth_failed, "the password contains a NUL byte");
        return step::write;
    }
    case auth_sasl: {
        if (authenticated_ || scram_) return fail(errc::protocol_error, "unexpected SASL request");
        std::vector<std::string_view> mechs;
        if (!parse_sasl_mechanisms(a.data, mechs))
            return fail(errc::protocol_error, "malformed AuthenticationSASL");
        auto offered = [&](std::string_view m) {
            return std::find(mechs.begin(), mechs.end(), m) != mechs.end();
        };
        const bool can_bind = opts_.tls && !opts_.tls_server_end_point.empty() &&
                              opts_.channel_binding != channel_binding_mode::disable;
        if (opts_.password.empty())
            return fail(errc::auth_failed, "the server requested a password, none was given");
        if (can_bind && offered("SCRAM-SHA-256-PLUS")) {
            scram_ = std::make_unique<scram_client>("", opts_.password,
                                                    scram_client::binding::used,
                                                    opts_.tls_server_end_point,
                                                    opts_.scram_nonce);
        } else if (offered("SCRAM-SHA-256")) {
            if (cb_required)
                return fail(errc::auth_failed,
                            "channel_binding=require, but SCRAM-SHA-256-PLUS is not available");
            // 'y': we could bind but the server did not offer it (RFC 5802 §6) — lets a
            // server that does support it detect a downgrade.
            auto b = can_bind ? scram_client::binding::supported : scram_client::binding::none;
            scram_ = std::make_unique<scram_client>("", opts_.password, b, std::string(),
                                                    opts_.scram_nonce);
        } else {
            return fail(errc::auth_failed, "no supported SASL mechanism offered by the server");
        }
        method_ = std::string(scram_->mechanism());
        if (!append_sasl_initial_response(out, scram_->mechanism(), scram_->client_first()))
            return fail(errc::protocol_error, "cannot encode SASLInitialResponse");
        return step::write;
    }
    case auth_sasl_continue: {
        if (!scram_) return fail(errc::protocol_error, "SASLContinue without SASL");
        auto reply = scram_->on_server_first(a.data);
        if (!reply) return fail(errc::auth_failed, reply.error());
        append_sasl_response(out, *reply);
        return step::write;
    }
    case auth_sasl_final: {
        if (!scram_) return fail(errc::protocol_error, "SASLFinal without SASL");
        auto ok = scram_->on_server_final(a.data);
        if (!ok) return fail(errc::auth_failed, ok.error());
        scram_verified_ = true;
        return step::read;
    }
    default:
        return fail(errc::auth_failed, "authentication method " + std::to_string(a.code) +
                                           " (Kerberos/GSSAPI/SSPI) is not supported");
    }
}

} // namespace fraiseql::pg::protocol
