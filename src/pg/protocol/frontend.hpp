#pragma once
/// \file
/// Frontend (client -> server) message encoders, PostgreSQL docs "55.7. Message Formats".
///
/// Sans-io: every function appends one complete message to `out`. Functions that
/// can be handed invalid input (embedded NUL in a C string field, too many
/// parameters, a message over the 1 GiB protocol limit) return false and leave
/// `out` unchanged.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "fraiseql/pg/row.hpp"

namespace fraiseql::pg::protocol {

inline constexpr std::int32_t protocol_version_3 = 196608; // 3 << 16
inline constexpr std::int32_t ssl_request_code = 80877103; // 1234 << 16 | 5679
inline constexpr std::int32_t cancel_request_code = 80877102; // 1234 << 16 | 5678
/// The largest message either side may send (the server's PQ_LARGE_MESSAGE_LIMIT is 1 GiB - 1).
inline constexpr std::size_t max_message_size = std::size_t(1) << 30;

using startup_param = std::pair<std::string_view, std::string_view>;

/// StartupMessage: length, protocol 3.0, name/value pairs, terminating NUL.
bool append_startup(std::string& out, std::span<const startup_param> params);
/// SSLRequest (8 bytes).
void append_ssl_request(std::string& out);
/// CancelRequest (16 bytes), sent on a fresh connection.
void append_cancel_request(std::string& out, std::int32_t pid, std::int32_t secret);
/// PasswordMessage 'p' (cleartext or "md5..." hash).
bool append_password(std::string& out, std::string_view password);
/// SASLInitialResponse 'p': mechanism name, int32 length, initial client response.
bool append_sasl_initial_response(std::string& out, std::string_view mechanism,
                                  std::string_view data);
/// SASLResponse 'p': the raw SASL data.
void append_sasl_response(std::string& out, std::string_view data);
/// Parse 'P': statement name, query, parameter type OIDs (taken from `params`).
bool append_parse(std::string& out, std::string_view name, std::string_view sql,
                  std::span<const param> params);
/// Bind 'B': portal, statement, parameter formats (omitted when all text), values,
/// one result format code applied to every column.
bool append_bind(std::string& out, std::string_view portal, std::string_view statement,
                 std::span<const param> params, format result_format);
/// Describe 'D' of a statement ('S') or portal ('P').
bool append_describe(std::string& out, char kind, std::string_view name);
/// Execute 'E' (max_rows 0 = all).
bool append_execute(std::string& out, std::string_view portal, std::int32_t max_rows = 0);
/// Close 'C' of a statement ('S') or portal ('P').
bool append_close(std::string& out, char kind, std::string_view name);
/// Sync 'S'.
void append_sync(std::string& out);
/// Flush 'H'.
void append_flush(std::string& out);
/// Query 'Q' (simple protocol).
bool append_query(std::string& out, std::string_view sql);
/// Terminate 'X'.
void append_terminate(std::string& out);
/// CopyFail 'f' (refuses a COPY FROM STDIN the driver cannot feed).
bool append_copy_fail(std::string& out, std::string_view message);

} // namespace fraiseql::pg::protocol
