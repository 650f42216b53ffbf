// libFuzzer entry point for HTTP request parsing: any byte string, fed in pieces to Beast's
// request parser with the server's limits (as the socket would deliver it, pipelined
// requests included), then every complete request through the server's own parsing
// (query string, POST body, Accept and Content-Type). Nothing may crash, throw out or run
// past a time budget; what parses must satisfy the parsers' contracts.
//
// Build (clang): -fsanitize=fuzzer,address,undefined; run with a time budget, e.g.
//   http_request_fuzz -max_total_time=60 -max_len=8192 corpus/

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "fraiseql/ascii.hpp"
#include "http/request_parsing.hpp"

namespace {

namespace bhttp = boost::beast::http;
using namespace fraiseql::http;

constexpr std::uint64_t max_body = 64 * 1024;
constexpr std::size_t max_batch = 20;
constexpr int max_requests = 16;

std::string_view header(const http_request& req, bhttp::field f) {
    auto v = req[f];
    return {v.data(), v.size()};
}

/// What the server does with one complete request before the engine sees it.
void handle(const http_request& req) {
    const std::string_view target(req.target().data(), req.target().size());
    const auto q = target.find('?');
    if (q != std::string_view::npos) {
        auto r = parse_get_request(target.substr(q + 1));
        if (r && !r->variables.is_null() && !r->variables.is_object())
            std::abort();
    }
    (void)accepts(header(req, bhttp::field::accept), "application/graphql-response+json");
    (void)accepts(header(req, bhttp::field::accept), "text/html");
    (void)media_type_is(header(req, bhttp::field::content_type), "application/json");
    (void)fraiseql::ascii::iequals(fraiseql::ascii::trim_ows(header(req, bhttp::field::expect)), "100-continue");
    (void)req.keep_alive();
    auto body = parse_post_body(std::string_view(req.body().data(), req.body().size()), max_batch);
    if (body) {
        const auto n = body->requests.size();
        if (n == 0 || n > max_batch || (!body->is_batch && n != 1))
            std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto started = std::chrono::steady_clock::now();
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    // The first byte picks the size of the pieces the "socket" delivers (1..64 bytes or
    // all at once): the parser must not depend on where reads end.
    const std::size_t piece = size == 0 ? 1 : (data[0] % 65 == 0 ? size : data[0] % 65);
    std::string buffer; // received, not yet consumed (like the session's flat_buffer)
    std::size_t fed = 0;
    // The server's parser: fields and body in the connection's arena, reset per request.
    connection_arena arena;
    for (int requests = 0; requests < max_requests; ++requests) {
        arena.reset();
        auto parser = make_request_parser(arena);
        parser.header_limit(header_limit);
        parser.body_limit(max_body);
        boost::system::error_code ec;
        while (!parser.is_done()) {
            std::size_t used = 0;
            if (!buffer.empty())
                used = parser.put(boost::asio::buffer(buffer), ec);
            if (used > buffer.size())
                std::abort();
            buffer.erase(0, used);
            if (ec && ec != bhttp::error::need_more)
                break;
            if (!ec && used > 0)
                continue;
            if (fed == size) {
                // End of stream: a message delimited by the close completes here.
                // put_eof's precondition (Beast asserts it in debug builds): some input.
                ec = {};
                if (parser.got_some()) parser.put_eof(ec);
                break;
            }
            const std::size_t n = std::min(piece, size - fed);
            buffer.append(input.substr(fed, n));
            fed += n;
            ec = {};
        }
        if (ec || !parser.is_done())
            break; // the server answers 4xx (or closes) here
        handle(parser.get());
        if (!parser.get().keep_alive())
            break;
    }
    if (std::chrono::steady_clock::now() - started > std::chrono::seconds(5))
        std::abort();
    return 0;
}
