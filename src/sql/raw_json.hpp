#pragma once
// Minimal readers over JSON text that keep values as raw slices (no tree, no
// number conversion, so big numbers and decimals stay exact). Used on documents
// PostgreSQL produced (mutation results) and on client-supplied cursors; never
// throws, returns nullopt on anything that is not well-formed (RFC 8259).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fraiseql::sql::raw_json {

/// A member of an object: the key as written between its quotes (escapes not
/// decoded) and the value's raw text.
struct member {
    std::string_view key;
    std::string_view value;
};

/// The top-level members of a JSON object, in order; nullopt when `doc` is not
/// one well-formed object.
std::optional<std::vector<member>> split_object(std::string_view doc);

/// The elements of a JSON array (raw texts); nullopt when `doc` is not one
/// well-formed array.
std::optional<std::vector<std::string_view>> split_array(std::string_view doc);

/// The value of a raw JSON string token (with its quotes), escapes decoded
/// (\uXXXX and surrogate pairs to UTF-8); nullopt when it is not a valid string.
std::optional<std::string> decode_string(std::string_view raw);

/// True when `raw` is a JSON number token.
bool is_number(std::string_view raw) noexcept;

/// The raw value of `key` in `members` (keys compared as written), or nullopt.
std::optional<std::string_view> find(const std::vector<member>& members, std::string_view key);

} // namespace fraiseql::sql::raw_json
