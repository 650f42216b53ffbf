#pragma once
// Turning HTTP requests into exec::requests, and small response builders.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>

#include "fraiseql/exec/engine.hpp"
#include "fraiseql/result.hpp"

namespace fraiseql::http {

/// Largest request line + headers the server reads (431 beyond).
constexpr std::uint32_t header_limit = 16 * 1024;

/// Whether a media type with parameters ("Application/JSON; charset=utf-8") is `media`
/// (lower case). Type and subtype are case-insensitive (RFC 9110 §8.3.1).
bool media_type_is(std::string_view value, std::string_view media);

/// Whether an Accept header (RFC 9110 §12.5.1) lists `media` (lower case) with a weight
/// above zero: `q=0` means "not acceptable".
bool accepts(std::string_view accept_header, std::string_view media);

struct parsed_body {
    std::vector<exec::request> requests;
    bool is_batch = false;
};

/// One GraphQL request object (`query`, `variables`, `operationName`, `extensions`) as in a
/// POST body — also the payload of a graphql-transport-ws `subscribe` message.
fraiseql::result<exec::request, std::string> request_from_object(const boost::json::value& v);

/// Parses a POST body: one request object or a JSON array of them (batching).
fraiseql::result<parsed_body, std::string> parse_post_body(std::string_view body,
                                                           std::size_t max_batch);

/// Parses `query`, `variables` (JSON text), `operationName`, `extensions` from a query string.
fraiseql::result<exec::request, std::string> parse_get_request(std::string_view query_string);

/// `{"errors":[{"message":…,"extensions":{"code":…}}]}`.
std::string graphql_error_body(std::string_view message, std::string_view code);

boost::beast::http::response<boost::beast::http::string_body>
json_response(boost::beast::http::status status, std::string body, unsigned version);

boost::beast::http::response<boost::beast::http::string_body>
error_response(boost::beast::http::status status, std::string_view message, unsigned version);

} // namespace fraiseql::http
