#include "response_head.hpp"

#include <charconv>
#include <ostream> // boost/beast/http/status.hpp needs it complete (Boost 1.81)

#include <boost/beast/http/status.hpp>

namespace fraiseql::http {

namespace {

void append_decimal(std::string& out, std::size_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
}

/// RFC 9110 §8.6: no Content-Length in a 1xx or 204 response; a 304 would announce the
/// selected representation's length, which the server never sends one for.
bool has_content_length(unsigned status) noexcept {
    return status >= 200 && status != 204 && status != 304;
}

} // namespace

void append_status_line(std::string& out, unsigned status, unsigned version) {
    // The line almost every response starts with, written whole.
    if (status == 200 && version == 11) {
        out.append("HTTP/1.1 200 OK\r\n");
        return;
    }
    out.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    char code[3] = {static_cast<char>('0' + status / 100 % 10),
                    static_cast<char>('0' + status / 10 % 10),
                    static_cast<char>('0' + status % 10)};
    out.append(code, 3);
    out.push_back(' ');
    const auto reason =
        boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
    out.append(reason.data(), reason.size());
    out.append("\r\n");
}

void append_head(std::string& out, const response& res, const head_options& opt) {
    append_status_line(out, res.status, opt.version);
    if (!res.content_type.empty()) append_field(out, "Content-Type", res.content_type);
    for (const auto& [name, value] : res.extra) append_field(out, name, value);
    if (!opt.request_id.empty()) append_field(out, "X-Request-Id", opt.request_id);
    if (!opt.cors_origin.empty()) {
        append_field(out, "Access-Control-Allow-Origin", opt.cors_origin);
        append_field(out, "Vary", "Origin");
    }
    // RFC 9112 §9.3: HTTP/1.1 is persistent unless `close`; HTTP/1.0 only with `keep-alive`.
    if (opt.version >= 11 && !opt.keep_alive) out.append("Connection: close\r\n");
    else if (opt.version < 11 && opt.keep_alive) out.append("Connection: keep-alive\r\n");
    if (opt.chunked) {
        out.append("Transfer-Encoding: chunked\r\n");
    } else if (has_content_length(res.status)) {
        out.append("Content-Length: ");
        append_decimal(out, res.body.size());
        out.append("\r\n");
    }
    out.append("\r\n");
}

std::size_t chunk_size_line(char (&buf)[20], std::size_t size) noexcept {
    const auto r = std::to_chars(buf, buf + 16, size, 16);
    std::size_t n = static_cast<std::size_t>(r.ptr - buf);
    buf[n++] = '\r';
    buf[n++] = '\n';
    return n;
}

std::size_t format_request_id(char (&buf)[32], std::uint64_t seed, std::uint64_t counter) noexcept {
    static constexpr char hex[] = "0123456789abcdef";
    std::size_t n = 0;
    for (int shift = 28; shift >= 0; shift -= 4) buf[n++] = hex[(seed >> shift) & 0xf];
    buf[n++] = '-';
    int digits = 6;
    while (digits < 16 && (counter >> (4 * digits)) != 0) ++digits;
    for (int i = digits - 1; i >= 0; --i) buf[n++] = hex[(counter >> (4 * i)) & 0xf];
    return n;
}

} // namespace fraiseql::http
