#pragma once
// Turning HTTP requests into exec::requests, and small response builders.

#include <cstddef>
#include <cstdint>
#include <memory_resource>
#include <tuple>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include "fraiseql/exec/engine.hpp"
#include "fraiseql/result.hpp"

namespace fraiseql::http {

/// Largest request line + headers the server reads (431 beyond).
constexpr std::uint32_t header_limit = 16 * 1024;

/// The memory a connection parses its requests into (issue 15: heap allocations per request).
/// Beast's parser allocates one node per header field, the request target and the body
/// string, per request; with this arena they come from a buffer the connection keeps, and
/// reset() — called before each request's parser is made, once the previous request and
/// everything viewing it are gone — makes the whole buffer available again. A request larger
/// than the buffer continues in blocks from the heap (freed by the next reset()), so the
/// header and body limits bound its memory as before: at most about twice the body limit
/// for a chunked body that grows, plus the header limit.
class connection_arena {
public:
    /// Holds the head and body of a typical GraphQL request: request line and a dozen
    /// headers (about 70 bytes of node per field plus its text) and a body of a few hundred.
    static constexpr std::size_t inline_size = 3 * 1024;

    connection_arena() = default;
    connection_arena(const connection_arena&) = delete;
    connection_arena& operator=(const connection_arena&) = delete;

    std::pmr::polymorphic_allocator<char> allocator() noexcept { return {&resource_}; }
    /// Frees everything allocated since the last reset(). Nothing may still use it.
    void reset() noexcept { resource_.release(); }

private:
    alignas(std::max_align_t) std::byte buffer_[inline_size];
    std::pmr::monotonic_buffer_resource resource_{buffer_, sizeof buffer_};
};

/// A request as the server's connections parse it: fields and body in the connection's arena.
using arena_allocator = std::pmr::polymorphic_allocator<char>;
using request_fields = boost::beast::http::basic_fields<arena_allocator>;
using request_body =
    boost::beast::http::basic_string_body<char, std::char_traits<char>, arena_allocator>;
using http_request = boost::beast::http::request<request_body, request_fields>;
using request_parser = boost::beast::http::request_parser<request_body, arena_allocator>;

/// A parser whose message (fields, target, body) allocates from `arena` (returned as a
/// prvalue: parsers cannot move, C++17 guarantees the elision).
inline request_parser make_request_parser(connection_arena& arena) {
    return request_parser(std::piecewise_construct, std::make_tuple(arena.allocator()),
                          std::make_tuple(arena.allocator()));
}

/// The header fields the server reads of every request (issue 15: each `req[field]` is a
/// case-insensitive lookup in Beast's field set; these are found in one pass over the fields,
/// comparing the field code Beast stored with each). Each view is the first field of its
/// name, as `req[field]` returns, or empty; it points into the request's fields.
struct known_headers {
    std::string_view accept;
    std::string_view authorization;
    std::string_view content_type;
    std::string_view expect;
    std::string_view origin;
};
known_headers find_known_headers(const request_fields& fields) noexcept;

/// Whether a media type with parameters ("Application/JSON; charset=utf-8") is `media`
/// (lower case). Type and subtype are case-insensitive (RFC 9110 §8.3.1).
bool media_type_is(std::string_view value, std::string_view media);

/// Whether an Accept header (RFC 9110 §12.5.1) lists `media` (lower case) with a weight
/// above zero: `q=0` means "not acceptable".
bool accepts(std::string_view accept_header, std::string_view media);

class request_arena; // request_parsing.cpp

/// The memory a connection's POST bodies are parsed into (issue 15: heap allocations per
/// request). One arena per connection, made at its first POST, serves each of its requests in
/// turn: next() empties it for the next request's values when none of the previous request's
/// values is alive any more (the arena counts the blocks it handed out and has had back), and
/// otherwise — a value kept beyond its request, by the engine or a test — leaves the old arena
/// to those values (they share its ownership; the last of them frees it) and starts a new one.
/// So a value is never overwritten by a later request, and a typical request's JSON costs no
/// allocation. What a large body grew beyond the arena's buffer is freed by recycle() after the
/// request and at the latest by the next next(): the arena keeps only its inline buffer.
class json_arena {
public:
    json_arena() = default;
    json_arena(const json_arena&) = delete;
    json_arena& operator=(const json_arena&) = delete;

    /// The storage for the next request's values (see the class comment).
    const boost::json::storage_ptr& next();
    /// After a request: when none of its values is alive, frees the blocks it grew beyond the
    /// inline buffer (a huge body's memory is not kept until the connection's next request).
    void recycle() noexcept;
    /// How many arenas next() has made (tests: 1 while every request's values die with it).
    std::size_t arenas_made() const noexcept { return made_; }

private:
    boost::json::storage_ptr storage_;
    request_arena* arena_ = nullptr; ///< the resource storage_ holds
    std::size_t made_ = 0;
};

struct parsed_body {
    std::vector<exec::request> requests;
    bool is_batch = false;
};

/// A copy of `text` in one of this thread's spare buffers (json/buffer_pool.hpp) when it is
/// longer than the small-string buffer: the memory an earlier request's text gave back
/// (exec::request's destructor), not a new allocation once the pool holds one.
std::string pooled_copy(std::string_view text);

/// One GraphQL request object (`query`, `variables`, `operationName`, `extensions`) as in a
/// POST body — also the payload of a graphql-transport-ws `subscribe` message.
fraiseql::result<exec::request, std::string> request_from_object(const boost::json::value& v);

/// Parses a POST body: one request object or a JSON array of them (batching).
fraiseql::result<parsed_body, std::string> parse_post_body(std::string_view body,
                                                           std::size_t max_batch);

/// The same into `out` (cleared first), which a connection keeps for its requests: one
/// request costs no vector allocation once `out` has held one. Returns whether the body was
/// a batch (an array). On failure `out` is left empty.
fraiseql::result<bool, std::string> parse_post_body_into(std::string_view body,
                                                         std::size_t max_batch,
                                                         std::vector<exec::request>& out);
/// The same with the values in `storage` (a connection's json_arena::next()).
fraiseql::result<bool, std::string> parse_post_body_into(std::string_view body,
                                                         std::size_t max_batch,
                                                         std::vector<exec::request>& out,
                                                         const boost::json::storage_ptr& storage);

/// Parses `query`, `variables` (JSON text), `operationName`, `extensions` from a query string.
fraiseql::result<exec::request, std::string> parse_get_request(std::string_view query_string);

/// `{"errors":[{"message":…,"extensions":{"code":…}}]}`.
std::string graphql_error_body(std::string_view message, std::string_view code);

boost::beast::http::response<boost::beast::http::string_body>
json_response(boost::beast::http::status status, std::string body, unsigned version);

boost::beast::http::response<boost::beast::http::string_body>
error_response(boost::beast::http::status status, std::string_view message, unsigned version);

} // namespace fraiseql::http
