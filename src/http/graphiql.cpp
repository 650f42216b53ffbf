#include "graphiql.hpp"

namespace fraiseql::http {

// GraphiQL's own assets are loaded by the browser from a public CDN (the
// server itself never fetches them); see docs/http.md.
std::string graphiql_page(std::string_view endpoint) {
    std::string page = R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>FraiseQL — GraphiQL</title>
<style>body{margin:0;height:100vh}#graphiql{height:100vh}</style>
<link rel="stylesheet" href="https://unpkg.com/graphiql@3.0.10/graphiql.min.css">
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script crossorigin src="https://unpkg.com/react@18.2.0/umd/react.production.min.js"></script>
<script crossorigin src="https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js"></script>
<script crossorigin src="https://unpkg.com/graphiql@3.0.10/graphiql.min.js"></script>
<script>
const fetcher = GraphiQL.createFetcher({ url: ')HTML";
    page += endpoint;
    page += R"HTML(' });
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultQuery: '{\n  users(limit: 3) {\n    id\n    email\n    firstName\n    posts { title }\n  }\n}\n'
  }));
</script>
</body>
</html>
)HTML";
    return page;
}

} // namespace fraiseql::http
