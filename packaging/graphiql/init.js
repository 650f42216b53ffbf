// Starts GraphiQL on the page served by FraiseQL on GET /graphql (src/http/graphiql.cpp).
// An external file, not an inline script, so that the page's Content-Security-Policy can
// say script-src 'self'. The endpoint comes from the page (data-endpoint).
(function () {
  'use strict';
  var root = document.getElementById('graphiql');
  // Styles set through the DOM, not style="" attributes, which the CSP refuses.
  document.body.style.margin = '0';
  root.style.height = '100vh';
  var fetcher = GraphiQL.createFetcher({ url: root.getAttribute('data-endpoint') });
  var defaultQuery =
    '{\n  users(limit: 3) {\n    id\n    email\n    firstName\n    posts { title }\n  }\n}\n';
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, { fetcher: fetcher, defaultQuery: defaultQuery }));
})();
