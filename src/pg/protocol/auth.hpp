#pragma once
/// \file
/// Password authentication: MD5 (PostgreSQL "55.3.2" / "Password Authentication") and
/// SCRAM-SHA-256 (RFC 5802, RFC 7677, with PostgreSQL's conventions from "55.3.1. SASL
/// Authentication"). Pure computations over strings; OpenSSL supplies the hash primitives.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fraiseql/result.hpp"

namespace fraiseql::pg::protocol {

/// "md5" + hex(md5(hex(md5(password + user)) + salt)), the AuthenticationMD5Password reply.
std::string md5_password(std::string_view user, std::string_view password,
                         std::string_view salt4);

std::string base64_encode(std::string_view in);
/// Strict RFC 4648 decoding (padding required); nullopt on any invalid input.
std::optional<std::string> base64_decode(std::string_view in);

/// SASLprep (RFC 4013) of a password, with PostgreSQL's rules (src/common/saslprep.c and
/// libpq's SCRAM client): a pure ASCII password is returned unchanged; otherwise the
/// RFC 4013 profile runs through ICU's StringPrep (mapping, NFKC, prohibited output, bidi
/// and unassigned-code-point checks). Invalid UTF-8, any SASLprep failure or an empty
/// result returns the raw password, which is what the server hashed in that case.
/// Never throws on bad input; allocates.
std::string saslprep(std::string_view password);

/// Client side of SCRAM-SHA-256[-PLUS].
class scram_client {
public:
    /// How the GS2 header is built (RFC 5802 §7): 'n' = client does not support channel
    /// binding, 'y' = supports it but thinks the server does not, 'p' = uses
    /// tls-server-end-point with `cbind_data` (the certificate hash).
    enum class binding : char { none = 'n', supported = 'y', used = 'p' };

    /// `user` is sent in the client-first message (PostgreSQL sends it empty and uses
    /// the startup user). `nonce` empty = 18 random bytes, base64.
    scram_client(std::string_view user, std::string_view password, binding b = binding::none,
                 std::string cbind_data = {}, std::string nonce = {});

    std::string_view mechanism() const noexcept;
    /// client-first-message (GS2 header + client-first-message-bare).
    const std::string& client_first() const noexcept { return client_first_; }
    /// Consumes server-first-message, returns client-final-message.
    fraiseql::result<std::string, std::string> on_server_first(std::string_view server_first);
    /// Verifies server-final-message (the server's signature).
    fraiseql::result<void, std::string> on_server_final(std::string_view server_final);

    /// Upper bound on the iteration count a server may demand (CPU-exhaustion guard).
    static constexpr std::int64_t max_iterations = 10'000'000;

private:
    std::string password_;
    binding binding_;
    std::string cbind_data_;
    std::string nonce_;
    std::string gs2_;
    std::string client_first_;
    std::string client_first_bare_;
    std::string expected_server_signature_;
    bool first_done_ = false;
};

} // namespace fraiseql::pg::protocol
