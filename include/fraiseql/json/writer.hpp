#pragma once
/// \file
/// Small JSON writing helpers for building GraphQL responses around the transform's output.

#include "fraiseql/json/transform.hpp"

#include <span>
#include <cstdint>
#include <string>
#include <string_view>

namespace fraiseql::json {

/// Appends `s` as a JSON string (with the quotes), escaping per RFC 8259 §7: `"`, `\` and the
/// control characters U+0000–U+001F (short forms \b \f \n \r \t, else \u00XX). Everything else
/// is copied as is. Invalid UTF-8 sequences are replaced by U+FFFD so that the output is always
/// valid JSON text (RFC 8259 §8.1 requires UTF-8); this is for text we generate (messages,
/// keys), not for row values, which the transform copies verbatim.
void append_json_string(std::string& out, std::string_view s);

/// Appends the UTF-8 encoding of code point `cp` (the caller guarantees a valid
/// scalar value: not a surrogate, at most U+10FFFF).
void append_utf8(std::string& out, std::uint32_t cp);

/// Appends `"key":` (escaped as above).
void append_json_key(std::string& out, std::string_view key);

/// Appends one error object `{"message":…,"locations":[…],"path":[…]}` with `prefix` segments
/// written before the error's own path (e.g. the root field's response key and row index).
/// `locations` is omitted when the error has no location.
void append_field_error(std::string& out, const field_error& e,
                        std::span<const path_segment> prefix = {});

/// Envelope pieces: `{"data":{` … `}}` with `"<key>":` for each root field. They exist so that
/// the executor writes the envelope without a tree and can stream the rows in between.
inline void begin_data(std::string& out) { out.append("{\"data\":{"); }
/// `"key":` with a leading comma unless `first`.
inline void begin_root_field(std::string& out, std::string_view response_key, bool first) {
    if (!first) out.push_back(',');
    append_json_key(out, response_key);
}
/// Closes the data object; if `errors` is not empty, writes `,"errors":[…]` after it (the
/// spec allows either order; data first lets rows stream before errors are known).
void end_data(std::string& out, std::span<const field_error> errors = {});

} // namespace fraiseql::json
