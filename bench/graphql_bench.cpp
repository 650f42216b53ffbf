// GraphQL front-end throughput (issue 5): parse + validate (spec §2, §5) of
//   BM_parse_validate/operation     : a realistic ~2 KB operation against the example blog
//                                     schema (variables, fragments, aliases, nested filters)
//   BM_parse_validate/introspection : the standard introspection query (GraphiQL's)
// and the two stages alone, in operations per second. A cached operation (the plan cache)
// pays for none of this.

#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/schema_builder.hpp"
#include "fraiseql/graphql/validate.hpp"

namespace {

using namespace fraiseql::graphql;

const char* const operation = R"GQL(
query Dashboard($since: DateTime, $minRating: Float = 4, $first: Int = 10, $after: String,
                $withComments: Boolean = true, $authorEmail: String) {
  me: user(id: "7a3b6f0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f") {
    ...UserCard
    address { city zip }
    posts { id title publishedAt }
  }
  recent: posts(where: {publishedAt: {gte: $since}, rating: {gte: $minRating}},
                orderBy: [{publishedAt: DESC_NULLS_LAST}, {title: ASC}], limit: 20) {
    ...PostSummaryFields
    comments @include(if: $withComments) {
      id
      body
      createdAt
      author { id }
    }
  }
  byAuthor: posts(where: {author: {email: {eq: $authorEmail}}, OR: [{title: {icontains: "sql"}},
                  {body: {icontains: "graphql"}}]}, limit: 5) {
    id
    title
    views
    author { ...AuthorFields }
  }
  page: postsConnection(first: $first, after: $after, orderBy: [{publishedAt: DESC}]) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor
      node {
        ...PostSummaryFields
        author { ...AuthorFields }
      }
    }
  }
  active: users(where: {age: {gte: 18, lt: 65}, tags: {contains: ["active"]}},
                orderBy: [{createdAt: DESC}], limit: 50, offset: 0) {
    ...UserCard
    tags
    age
  }
  drafts: posts(where: {publishedAt: {isnull: true}, NOT: {title: {startswith: "tmp"}}},
                orderBy: [{title: ASC}], limit: 100) {
    id
    title
    body
    author { ...AuthorFields }
    comments { id body createdAt author { id } }
  }
  newest: usersConnection(first: 5, orderBy: [{createdAt: DESC}]) {
    edges { node { ...UserCard address { city } } }
    pageInfo { endCursor hasNextPage }
  }
  __typename
}

fragment UserCard on User {
  id
  email
  firstName
  lastName
  createdAt
}

fragment AuthorFields on Author {
  id
  email
  firstName
}

fragment PostSummaryFields on Post {
  id
  title
  publishedAt
  rating
  views
  author { id firstName }
}
)GQL";

// The standard introspection query (as GraphiQL and graphql-js getIntrospectionQuery send it).
const char* const introspection = R"GQL(
query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives {
      name
      description
      locations
      args { ...InputValue }
    }
  }
}

fragment FullType on __Type {
  kind
  name
  description
  fields(includeDeprecated: true) {
    name
    description
    args { ...InputValue }
    type { ...TypeRef }
    isDeprecated
    deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) {
    name
    description
    isDeprecated
    deprecationReason
  }
  possibleTypes { ...TypeRef }
}

fragment InputValue on __InputValue {
  name
  description
  type { ...TypeRef }
  defaultValue
}

fragment TypeRef on __Type {
  kind
  name
  ofType {
    kind
    name
    ofType {
      kind
      name
      ofType {
        kind
        name
        ofType {
          kind
          name
          ofType {
            kind
            name
            ofType {
              kind
              name
              ofType {
                kind
                name
              }
            }
          }
        }
      }
    }
  }
}
)GQL";

const schema& blog() {
    static const std::shared_ptr<schema> s = [] {
        auto r = load_schema_file(std::string(FRAISEQL_SOURCE_DIR) + "/examples/blog/schema.graphql");
        if (!r) std::abort();
        return *r;
    }();
    return *s;
}

const char* text(int which) { return which == 0 ? operation : introspection; }

void label(benchmark::State& state) {
    state.SetLabel(state.range(0) == 0 ? "operation" : "introspection");
    state.counters["bytes"] = static_cast<double>(std::string(text(static_cast<int>(state.range(0)))).size());
}

void BM_parse_validate(benchmark::State& state) {
    const std::string src = text(static_cast<int>(state.range(0)));
    const schema& s = blog();
    for (auto _ : state) {
        auto doc = parse_executable(src);
        if (!doc) state.SkipWithError("parse failed");
        auto errors = validate(s, *doc);
        if (!errors.empty()) state.SkipWithError(errors.front().message.c_str());
        benchmark::DoNotOptimize(errors);
    }
    state.SetItemsProcessed(state.iterations());
    label(state);
}
BENCHMARK(BM_parse_validate)->Arg(0)->Arg(1);

void BM_parse(benchmark::State& state) {
    const std::string src = text(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        auto doc = parse_executable(src);
        benchmark::DoNotOptimize(doc);
    }
    state.SetItemsProcessed(state.iterations());
    label(state);
}
BENCHMARK(BM_parse)->Arg(0)->Arg(1);

void BM_validate(benchmark::State& state) {
    const schema& s = blog();
    auto doc = parse_executable(text(static_cast<int>(state.range(0))));
    if (!doc) {
        state.SkipWithError("parse failed");
        return;
    }
    for (auto _ : state) {
        auto errors = validate(s, *doc);
        benchmark::DoNotOptimize(errors);
    }
    state.SetItemsProcessed(state.iterations());
    label(state);
}
BENCHMARK(BM_validate)->Arg(0)->Arg(1);

} // namespace

BENCHMARK_MAIN();
