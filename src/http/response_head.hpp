#pragma once
// An HTTP/1.1 response without a header map (issue 15 "Response writing"): the status line
// comes from a table, the headers every response carries are written straight into a buffer
// the connection keeps, and only the rare extra headers (Allow, WWW-Authenticate, the CORS
// preflight's, GraphiQL's) are stored, in a vector that stays empty — unallocated — on the
// common path. Beast's `fields` allocates one node per header (RFC 9112 §4 status line,
// §5 field lines, §6.3 message body length).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fraiseql::http {

/// A response handle() built, before the transport adds the per-connection headers.
struct response {
    unsigned status = 200;
    /// Always a constant (a media type the server chose), never request text.
    std::string_view content_type;
    std::string body;
    /// Rarely used headers: names are constants; values are owned. Empty on the hot path.
    std::vector<std::pair<std::string_view, std::string>> extra;

    response() = default;
    response(unsigned s, std::string_view type, std::string b = {})
        : status(s), content_type(type), body(std::move(b)) {}
    void set(std::string_view name, std::string value) {
        extra.emplace_back(name, std::move(value));
    }
};

/// What the transport adds to every response of a request.
struct head_options {
    unsigned version = 11;            ///< the request's HTTP version (10 or 11)
    bool keep_alive = true;           ///< the connection is kept for another request
    std::string_view request_id;      ///< X-Request-Id (empty: none)
    std::string_view cors_origin;     ///< Access-Control-Allow-Origin + Vary (empty: none)
    bool chunked = false;             ///< Transfer-Encoding: chunked instead of Content-Length
};

constexpr std::string_view json_media = "application/json; charset=utf-8";
constexpr std::string_view graphql_response_media =
    "application/graphql-response+json; charset=utf-8";

/// Appends the status line and header section of `res` (ending with the empty line) to
/// `out`. Content-Length is `res.body.size()`, omitted for 1xx, 204 and 304 (RFC 9110
/// §8.6) and with `chunked`. Connection follows RFC 9112 §9.3: HTTP/1.1 says `close` when
/// the connection ends, HTTP/1.0 says `keep-alive` when it does not. Never allocates when
/// `out` has the capacity (a connection keeps one buffer for all its responses).
void append_head(std::string& out, const response& res, const head_options& opt);

/// `HTTP/1.1 200 OK\r\n`: the status line of `status` for `version`, from a table for
/// the statuses the server sends (Beast's reason phrases otherwise).
void append_status_line(std::string& out, unsigned status, unsigned version);

/// A chunk's size line (RFC 9112 §7.1: hex size, CRLF) in `buf`; returns its length.
std::size_t chunk_size_line(char (&buf)[20], std::size_t size) noexcept;

/// An X-Request-Id, `printf("%08x-%06llx", seed, counter)` without printf (issue 15: a
/// vfprintf per request showed in the profile): the low 32 bits of `seed` as 8 hex digits,
/// a dash, `counter` as at least 6 hex digits. Returns its length (at most 25).
std::size_t format_request_id(char (&buf)[32], std::uint64_t seed, std::uint64_t counter) noexcept;

} // namespace fraiseql::http
