#pragma once
/// \file
/// GraphiQL, served by the server itself in development: the page on GET /graphql and the
/// pinned React/GraphiQL assets it loads (embedded at build time, cmake/graphiql_assets.cmake;
/// docs/adr/0007-graphiql-assets.md). Nothing is loaded from another origin.

#include <span>
#include <string>
#include <string_view>

namespace fraiseql::http {

/// One embedded file and the URL path it is served on.
struct graphiql_asset {
    std::string_view path; ///< e.g. /graphiql/graphiql-3.0.10.min.js
    std::string_view content_type;
    std::string_view body; ///< static storage
    bool stylesheet;       ///< a <link rel=stylesheet>, else a <script>
};

/// Every embedded asset, scripts in the order the page loads them: React, ReactDOM,
/// GraphiQL (UMD globals), then the start-up script (generated file graphiql_assets.cpp).
std::span<const graphiql_asset> graphiql_assets();

/// The asset served on `path`, or nullptr.
const graphiql_asset* find_graphiql_asset(std::string_view path);

/// The page's Content-Security-Policy: scripts, styles and fetches from this origin only, no
/// inline script or style (GraphiQL 3 styles through the CSSOM, which CSP allows; checked in
/// headless Chromium by tests/package/graphiql_browser_test.cjs), fonts as data: URLs.
std::string_view graphiql_content_security_policy();

/// Cache-Control of the assets: their URLs carry their version, so they never change.
inline constexpr std::string_view graphiql_asset_cache_control =
    "public, max-age=31536000, immutable";

/// The GraphiQL page served on GET /graphql to browsers in development; it queries `endpoint`.
std::string graphiql_page(std::string_view endpoint);

} // namespace fraiseql::http
