#pragma once
/// \file
/// Backend (server -> client) message framing and body parsers,
/// PostgreSQL docs "55.7. Message Formats" and "55.8. Error and Notice Message Fields".
///
/// Sans-io and total: every function takes a byte view, never throws, never reads
/// outside it, and reports malformed input as a failure value. Views returned
/// point into the caller's bytes.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "fraiseql/pg/error.hpp"
#include "fraiseql/pg/row.hpp"

namespace fraiseql::pg::protocol {

/// One backend message: its type byte and its body (after the length field).
struct frame {
    char type = 0;
    std::string_view body;
};

enum class decode_status : std::uint8_t { ok, need_more, error };

struct decoded {
    decode_status status = decode_status::need_more;
    frame msg;                    ///< status ok
    std::size_t consumed = 0;     ///< status ok: bytes of the whole message (5 + body)
    std::size_t needed = 5;       ///< status need_more: total bytes of the message when known
    const char* error = nullptr;  ///< status error: why (static string)
};

/// True for the type bytes a PostgreSQL 3.0 backend may send.
bool is_backend_type(char type) noexcept;

/// Splits the first message off `in`. Lengths below 4 or above 1 GiB and
/// unknown type bytes are errors (a desynchronised or hostile stream), decided
/// from the 5-byte header alone, before anything is allocated.
decoded decode(std::span<const char> in) noexcept;

/// DataRow 'D': appends one field_view per column (pointing into `body`).
/// Fails (and restores `out`) on a truncated or inconsistent row.
bool parse_data_row(std::string_view body, std::vector<field_view>& out);

/// RowDescription 'T' into `out` (replaced).
bool parse_row_description(std::string_view body, std::vector<column_desc>& out);

/// ErrorResponse 'E' / NoticeResponse 'N': every field into `out` (reset first).
/// Unknown field codes are skipped, as the protocol requires.
bool parse_error_fields(std::string_view body, server_message& out);

/// Authentication 'R': the request code and the data that follows it.
struct auth_request {
    std::int32_t code = -1;
    std::string_view data;
};
inline constexpr std::int32_t auth_ok = 0;
inline constexpr std::int32_t auth_cleartext = 3;
inline constexpr std::int32_t auth_md5 = 5;
inline constexpr std::int32_t auth_sasl = 10;
inline constexpr std::int32_t auth_sasl_continue = 11;
inline constexpr std::int32_t auth_sasl_final = 12;
bool parse_auth(std::string_view body, auth_request& out);

/// AuthenticationSASL's list of mechanism names.
bool parse_sasl_mechanisms(std::string_view data, std::vector<std::string_view>& out);

/// ParameterStatus 'S'.
bool parse_parameter_status(std::string_view body, std::string_view& name,
                            std::string_view& value);
/// BackendKeyData 'K'.
bool parse_backend_key(std::string_view body, std::int32_t& pid, std::int32_t& secret);
/// ReadyForQuery 'Z': transaction status 'I', 'T' or 'E'.
bool parse_ready(std::string_view body, char& status);
/// CommandComplete 'C': the tag.
bool parse_command_complete(std::string_view body, std::string_view& tag);
/// NotificationResponse 'A'.
bool parse_notification(std::string_view body, std::int32_t& pid, std::string_view& channel,
                        std::string_view& payload);
/// NegotiateProtocolVersion 'v': newest minor version supported, unrecognised options.
bool parse_negotiate_version(std::string_view body, std::int32_t& minor,
                             std::vector<std::string_view>& unrecognised);

} // namespace fraiseql::pg::protocol
