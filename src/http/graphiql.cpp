#include "graphiql.hpp"

namespace fraiseql::http {
namespace {

/// The endpoint goes into an HTML attribute.
std::string html_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

} // namespace

const graphiql_asset* find_graphiql_asset(std::string_view path) {
    for (const auto& a : graphiql_assets())
        if (a.path == path)
            return &a;
    return nullptr;
}

std::string_view graphiql_content_security_policy() {
    return "default-src 'none'; script-src 'self'; style-src 'self'; "
           "connect-src 'self'; img-src 'self' data:; font-src 'self' data:; base-uri 'none'; "
           "form-action 'none'; frame-ancestors 'none'";
}

std::string graphiql_page(std::string_view endpoint) {
    std::string page = R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>FraiseQL — GraphiQL</title>
<link rel="icon" href="data:,">
)HTML";
    for (const auto& a : graphiql_assets())
        if (a.stylesheet)
            page += "<link rel=\"stylesheet\" href=\"" + std::string(a.path) + "\">\n";
    // No inline script or style attribute (the CSP forbids both): the start-up script reads the
    // endpoint from the data attribute and sizes the page.
    page += "</head>\n<body>\n<div id=\"graphiql\" "
            "data-endpoint=\"" +
            html_escape(endpoint) + "\">Loading GraphiQL…</div>\n";
    for (const auto& a : graphiql_assets())
        if (!a.stylesheet)
            page += "<script src=\"" + std::string(a.path) + "\"></script>\n";
    page += "</body>\n</html>\n";
    return page;
}

} // namespace fraiseql::http
