#pragma once
/// \file
/// The streaming response transform: one row's JSONB text → the GraphQL response object for a
/// selection (spec §3.5, §8). One forward scan of the row records where the selected keys'
/// values are; unselected values are skipped (and validated) without building any tree; then
/// the fields are written in selection order. Scalars and `JSON` fields are copied verbatim.
///
/// Input contract: any JSON text (RFC 8259) whose top level is an object. The structure,
/// strings (escapes, no raw control characters), numbers and literals are fully validated, so a
/// successful transform always writes well-formed JSON. UTF-8 is NOT validated: bytes inside
/// strings are passed through as they are. PostgreSQL guarantees valid UTF-8 for `jsonb::text`
/// in a UTF8 database (and converts to the client encoding when `client_encoding=UTF8`), so the
/// executor must keep the session in UTF8; with SQL_ASCII databases invalid bytes would reach
/// the client unchanged.

#include "fraiseql/json/projection.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace fraiseql::json {

/// Outcome of projecting one document.
enum class transform_status : std::uint8_t {
    ok,              ///< the projected object was appended to `out`
    null_propagated, ///< a non-null violation propagated up to and including this object:
                     ///< nothing was appended to `out`; the error is in `errors`
    null_document,   ///< the document is the JSON literal `null`: nothing appended
    malformed,       ///< the document is not valid JSON, or not an object: nothing appended,
                     ///< no error added (`out` and `errors` are rolled back)
    too_deep,        ///< nesting deeper than `max_depth`: like malformed
};

/// Short English description of a status (for logs and INTERNAL_SERVER_ERROR details).
std::string_view to_string(transform_status s) noexcept;

/// One element of a response path: a response key or a list index.
using path_segment = std::variant<std::string, std::size_t>;

/// A GraphQL field error raised by the transform (non-null violation or a source value of the
/// wrong shape). `path` is relative to the projected object; the caller prefixes its own.
struct field_error {
    std::string message;
    std::vector<path_segment> path;
    /// The field's location in the operation (from projected_field::line/column); 0 if unknown.
    std::uint32_t line = 0;
    std::uint32_t column = 0;
};

/// Maximum nesting depth of containers in a document (the top-level object counts as 1).
/// Skipping is iterative, so this bounds memory, not stack; projection recursion is bounded by
/// the projection's own depth (≤ this limit as well).
inline constexpr std::size_t max_depth = 128;

/// Reusable transform state (per-depth scratch buffers, per-level field slots). Keeping one per
/// thread or per connection means no allocation per row once warmed up. Not thread-safe: one
/// transformer serves one thread at a time. Holds no reference to documents or projections
/// between calls. A moved-from transformer may only be destroyed or assigned to.
class transformer {
public:
    transformer();
    ~transformer();
    transformer(const transformer&) = delete;
    transformer& operator=(const transformer&) = delete;
    transformer(transformer&&) noexcept;
    transformer& operator=(transformer&&) noexcept;

    /// Appends the projection of the object `doc` to `out`. See `transform_status`. Field
    /// errors are appended to `errors` (at most one per propagation, GraphQL spec §6.4.4).
    /// On malformed/too_deep, `out` and `errors` are restored to their size on entry and
    /// `error_offset()` tells the byte offset in `doc` where the problem was found.
    transform_status project_object(std::string_view doc, const projection& p, std::string& out,
                                     std::vector<field_error>& errors);

    /// Same for a document whose top level is an array of objects (or `null`): appends
    /// `[obj,obj,…]`. A null item, or an item whose violation propagated, becomes `null`, unless
    /// `items_non_null`, in which case the whole list is null_propagated. Error paths start with
    /// the item index.
    transform_status project_list(std::string_view doc, const projection& p, bool items_non_null,
                                  std::string& out, std::vector<field_error>& errors);

    /// Byte offset in the last document where malformed/too_deep was detected.
    std::size_t error_offset() const noexcept;

private:
    struct impl;
    impl* impl_;
};

/// `transformer::project_object` with a thread-local transformer.
transform_status project_object(std::string_view doc, const projection& p, std::string& out,
                                std::vector<field_error>& errors);

/// `transformer::project_list` with a thread-local transformer.
transform_status project_list(std::string_view doc, const projection& p, bool items_non_null,
                              std::string& out, std::vector<field_error>& errors);

/// Checks that `doc` is one valid JSON value (same rules as the transform: structure, strings,
/// numbers, literals; UTF-8 not checked; depth ≤ max_depth). For tests and the fuzzer.
bool is_valid_json(std::string_view doc) noexcept;

} // namespace fraiseql::json
