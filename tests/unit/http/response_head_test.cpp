// Response heads without a header map (src/http/response_head.hpp): the bytes of the status
// line and headers (RFC 9112 §4, §5, §6.3, §9.3; RFC 9110 §8.6) and the allocation budget of
// writing one response (issue 15: none once the connection's buffer has grown).

#include <cstdio>

#include <gtest/gtest.h>

#include "http/response_head.hpp"
#include "unit/json/counting_new.hpp"

namespace fraiseql::http {
namespace {

std::string head_of(const response& r, head_options opt) {
    std::string out;
    append_head(out, r, opt);
    return out;
}

TEST(response_head, a_graphql_response_on_a_kept_connection) {
    response r(200, json_media, R"({"data":{"user":null}})");
    head_options opt;
    opt.request_id = "0123abcd-000001";
    EXPECT_EQ(head_of(r, opt), "HTTP/1.1 200 OK\r\n"
                               "Content-Type: application/json; charset=utf-8\r\n"
                               "X-Request-Id: 0123abcd-000001\r\n"
                               "Content-Length: 22\r\n"
                               "\r\n");
}

TEST(response_head, connection_header_follows_the_version) {
    response r(400, graphql_response_media, "{}");
    head_options opt;
    opt.keep_alive = false;
    EXPECT_EQ(head_of(r, opt), "HTTP/1.1 400 Bad Request\r\n"
                               "Content-Type: application/graphql-response+json; charset=utf-8\r\n"
                               "Connection: close\r\n"
                               "Content-Length: 2\r\n\r\n");
    opt.version = 10;
    opt.keep_alive = true;
    EXPECT_EQ(head_of(r, opt), "HTTP/1.0 400 Bad Request\r\n"
                               "Content-Type: application/graphql-response+json; charset=utf-8\r\n"
                               "Connection: keep-alive\r\n"
                               "Content-Length: 2\r\n\r\n");
    opt.keep_alive = false;
    EXPECT_EQ(head_of(r, opt).find("Connection"), std::string::npos);
}

TEST(response_head, cors_extra_headers_and_no_length_for_204) {
    response r;
    r.status = 204;
    r.set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    head_options opt;
    opt.request_id = "x-1";
    opt.cors_origin = "https://app.example";
    EXPECT_EQ(head_of(r, opt), "HTTP/1.1 204 No Content\r\n"
                               "Access-Control-Allow-Methods: GET, POST, OPTIONS\r\n"
                               "X-Request-Id: x-1\r\n"
                               "Access-Control-Allow-Origin: https://app.example\r\n"
                               "Vary: Origin\r\n"
                               "\r\n");
    r.status = 403; // an empty body of another status says so
    EXPECT_NE(head_of(r, opt).find("Content-Length: 0\r\n"), std::string::npos);
}

TEST(response_head, chunked_has_no_content_length) {
    response r(200, json_media);
    head_options opt;
    opt.chunked = true;
    EXPECT_EQ(head_of(r, opt), "HTTP/1.1 200 OK\r\n"
                               "Content-Type: application/json; charset=utf-8\r\n"
                               "Transfer-Encoding: chunked\r\n\r\n");
}

TEST(response_head, status_lines) {
    std::string s;
    append_status_line(s, 405, 11);
    append_status_line(s, 503, 11);
    append_status_line(s, 401, 10);
    EXPECT_EQ(s, "HTTP/1.1 405 Method Not Allowed\r\nHTTP/1.1 503 Service Unavailable\r\n"
                 "HTTP/1.0 401 Unauthorized\r\n");
}

TEST(response_head, chunk_size_lines_are_hex) {
    char buf[20];
    EXPECT_EQ(std::string_view(buf, chunk_size_line(buf, 0)), "0\r\n");
    EXPECT_EQ(std::string_view(buf, chunk_size_line(buf, 65536)), "10000\r\n");
    EXPECT_EQ(std::string_view(buf, chunk_size_line(buf, 0xabcdef)), "abcdef\r\n");
}

// X-Request-Id without snprintf (issue 15): the same text as the format it replaced.
TEST(response_head, request_ids_match_the_printf_format) {
    const std::uint64_t seeds[] = {0, 0x1234abcd, 0xffffffffffffffffull, 0x0123456789abcdefull};
    const std::uint64_t counters[] = {0, 1, 0xfffff, 0xffffff, 0x1000000, 0xabcdef0123ull,
                                      0xffffffffffffffffull};
    for (const auto seed : seeds) {
        for (const auto counter : counters) {
            char expected[64];
            const int n = std::snprintf(expected, sizeof expected, "%08llx-%06llx",
                                        static_cast<unsigned long long>(seed & 0xffffffffu),
                                        static_cast<unsigned long long>(counter));
            char buf[32];
            const auto len = format_request_id(buf, seed, counter);
            EXPECT_EQ(std::string_view(buf, len), std::string_view(expected, std::size_t(n)))
                << std::hex << seed << " " << counter;
        }
    }
}

// The budget: a connection writes many responses through one head buffer. After the
// first, building the response (constant media type, body moved in) and its head allocate
// nothing — Beast's fields allocated one node per header (3 on this path).
TEST(response_head, writing_a_response_allocates_nothing_once_the_buffer_has_grown) {
    std::string head;
    std::string body_memory(200, 'x');
    head_options opt;
    opt.request_id = "0123abcd-000001";
    opt.cors_origin = "https://app.example";
    auto one = [&] {
        response r(200, json_media, std::move(body_memory));
        head.clear();
        append_head(head, r, opt);
        body_memory = std::move(r.body); // the transport gives the body back (buffer_pool)
    };
    one();
    test::allocation_count count;
    for (int i = 0; i < 1000; ++i) one();
    EXPECT_EQ(count(), 0u);
    EXPECT_LT(head.size(), 256u);
}

} // namespace
} // namespace fraiseql::http
