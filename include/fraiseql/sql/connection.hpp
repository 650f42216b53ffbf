#pragma once
/// \file
/// Relay connections (product.md §3.4): `xConnection(first, after, last, before,
/// where, orderBy)` compiled to one keyset-paginated statement.
///
/// Ordering is the `orderBy` keys followed by `id` as the tie-breaker, every key
/// with an explicit NULLS placement. A cursor is opaque: base64url of
/// `<order signature>:<JSON array of the row's sort key values and id>`, the
/// values produced by PostgreSQL (`jsonb_build_array`, so timestamps are ISO 8601
/// and numbers exact). `after`/`before` compile to keyset conditions that honour
/// each key's direction and NULLS placement, so pages are stable under inserts
/// (a row is never repeated or skipped among rows that existed). docs/pagination.md.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fraiseql/graphql/error.hpp"
#include "fraiseql/graphql/plan.hpp"
#include "fraiseql/graphql/schema.hpp"
#include "fraiseql/result.hpp"
#include "fraiseql/sql/compiler.hpp"

namespace fraiseql::sql {

/// A compiled connection page.
///
/// The statement's rows have four columns: total count (int8 text, or NULL when not
/// requested), "rows exist on the other side of the cursor" (bool text, or NULL when
/// not requested), the node document (JSON text) and the row's cursor key (the JSON
/// array to pass to encode_cursor). When the count or the other-side check is
/// requested, the first row always exists and carries them; a row whose document
/// is NULL then only carries those (empty page).
struct connection_query {
    statement stmt;
    const graphql::type_def* node_type = nullptr;
    std::uint32_t page_size = 0;   ///< edges to return; the statement fetches one more
    bool backward = false;         ///< `last`: rows arrive last-first; reverse them
    bool has_after = false;        ///< `after` given
    bool has_before = false;       ///< `before` given
    bool other_side_checked = false; ///< column 2 answers hasPreviousPage (forward) or
                                     ///< hasNextPage (backward) exactly
    std::string signature;         ///< order signature, first part of every cursor
};

/// Compiles a root `xConnection` field. `max_page_size` caps `first`/`last` and
/// is the page size when neither is given. The count statement part is included
/// only when `totalCount` is selected; the other-side check only when the page
/// info field that needs it is selected. Errors (BAD_USER_INPUT): `first` and
/// `last` together, a negative `first`/`last`, an invalid or foreign cursor, the
/// where/orderBy errors of the filter compiler. INTERNAL_SERVER_ERROR: the node
/// type has no `id` field to break ties.
fraiseql::result<connection_query, std::vector<graphql::error>>
compile_connection(const graphql::schema& s, const graphql::field_plan& field,
                   std::uint32_t max_page_size);

/// compile_connection, also recording in `sources` (when not null) which parameters came
/// from which argument's whole value (param_source: `first`/`last` as page_size, `after`/
/// `before` as cursor) or from which `where` operand (the where builder's record, as for a
/// list field). Same SQL and parameters as without it. The SQL text depends only on the
/// shape: which of first/last/after/before are given, the null-ness of each cursor value
/// (cursor_nulls), where's structure, orderBy and the selection; never on a page size.
fraiseql::result<connection_query, std::vector<graphql::error>>
compile_connection(const graphql::schema& s, const graphql::field_plan& field,
                   std::uint32_t max_page_size, std::vector<param_source>* sources);

/// The page size for `first`/`last` = `requested` (not negative: the compiler refuses
/// that), capped by `max_page_size`.
std::uint32_t page_size_of(std::int64_t requested, std::uint32_t max_page_size) noexcept;
/// The LIMIT parameter's text for a page of `page_size` rows: one more, the row that tells
/// whether there are more. The one function the compiler and the compiled-plan cache use.
std::string page_limit_text(std::uint32_t page_size);

/// Appends to `out` one letter per value of `cursor` as decode_cursor reads it, whatever
/// the signature: 'n' for null, 'v' for a value. False (nothing appended) when it does not
/// decode that far (base64url, a ':', a JSON array). The keyset SQL of a cursor depends on
/// exactly this (a null key value compiles to IS NULL / IS NOT NULL, no parameter), so the
/// compiled-plan cache keys a cursor variable by it.
bool cursor_nulls(std::string_view cursor, std::string& out);

/// The opaque cursor for a row: base64url(signature + ":" + key_array_json).
std::string encode_cursor(std::string_view signature, std::string_view key_array_json);

/// Decodes a cursor made by encode_cursor with the same signature: the key values
/// as parameter texts (nullopt = SQL NULL; JSON strings unquoted, numbers and
/// booleans as written). nullopt when malformed, from another ordering, or not
/// `expected_values` long.
std::optional<std::vector<std::optional<std::string>>>
decode_cursor(std::string_view cursor, std::string_view signature, std::size_t expected_values);

/// RFC 4648 §5 base64url without padding; decoding refuses anything else.
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

} // namespace fraiseql::sql
