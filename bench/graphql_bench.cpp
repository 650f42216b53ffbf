// GraphQL front-end throughput (issue 5): parse + validate (spec §2, §5) of
//   BM_parse_validate/operation     : a realistic ~2 KB operation against the example blog
//                                     schema (variables, fragments, aliases, nested filters)
//   BM_parse_validate/introspection : the standard introspection query (GraphiQL's)
// and the two stages alone, in operations per second. A cached operation (the plan cache)
// pays for none of this.
//
// The plan cache (issue 7, product.md §5), per shape (the five of bench/queries/*.fraiseql.json
// on bench/schema/bench.graphql, with their variables, and the operation above):
//   BM_uncached      : parse + plan_operation, which is check_expansion + validate + prepare +
//                      bind (a request the cache does not know; docs/adr/0009-one-planner.md)
//   BM_document_hit  : plan_operation alone (validate + prepare + bind of a parsed document)
//   BM_prepare       : prepare_operation alone (the planner's half of a miss)
//   BM_cached        : exact-text lookup + bind_operation (a hit of today's cache)
//   BM_cached_respelt: the same operation spelt otherwise: exact miss, normalise, lookup, bind
//   BM_normalize, BM_bind : the two halves of a hit

#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "exec/lru_cache.hpp"
#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"
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

// ---- the plan cache --------------------------------------------------------------------

const schema& bench_schema() {
    static const std::shared_ptr<schema> s = [] {
        auto r = load_schema_file(std::string(FRAISEQL_SOURCE_DIR) + "/bench/schema/bench.graphql");
        if (!r) std::abort();
        return *r;
    }();
    return *s;
}

struct shape {
    const char* name;
    const schema& (*schema_of)();
    std::string query;
    input_value variables;
};

// bench/queries/*.fraiseql.json (kept in step by hand: this target links no JSON parser).
const std::vector<shape>& shapes() {
    static const std::vector<shape> all = [] {
        const auto id = input_value::string("24c9e15e-52af-c47c-225b-757e7bee1f9d");
        std::vector<shape> v;
        v.push_back({"a_by_id", bench_schema,
                     "query UserById($id: UUID!) { user(id: $id) { id email firstName } }",
                     input_value::object({{"id", id}})});
        v.push_back({"b_list20", bench_schema,
                     "query Users20 { users(limit: 20, orderBy: [{createdAt: ASC}]) { id email firstName } }",
                     input_value::null()});
        v.push_back({"c_nested20", bench_schema,
                     "query Posts20 { posts(limit: 20, orderBy: [{publishedAt: DESC}]) { id title "
                     "publishedAt views author { id firstName } } }",
                     input_value::null()});
        v.push_back({"d_filtered", bench_schema,
                     "query PostsOfAuthor($a: UUID!, $v: BigInt!) { posts(where: {author: {id: {eq: $a}}, "
                     "views: {gte: $v}}, orderBy: [{publishedAt: DESC}]) { id title publishedAt views } }",
                     input_value::object({{"a", id}, {"v", input_value::string("50000")}})});
        v.push_back({"e_list10k", bench_schema,
                     "query Posts10k { posts(limit: 10000, orderBy: [{publishedAt: ASC}]) { id title views } }",
                     input_value::null()});
        v.push_back({"dashboard", blog, operation,
                     input_value::object({{"since", input_value::string("2024-01-01T00:00:00Z")},
                                          {"authorEmail", input_value::string("alice@example.com")},
                                          {"withComments", input_value::boolean(false)}})});
        return v;
    }();
    return all;
}

void shape_args(benchmark::internal::Benchmark* b) {
    for (std::size_t i = 0; i < shapes().size(); ++i) b->Arg(static_cast<int>(i));
}

const shape& the_shape(benchmark::State& state) {
    const shape& sh = shapes()[static_cast<std::size_t>(state.range(0))];
    state.SetLabel(sh.name);
    return sh;
}

void BM_uncached(benchmark::State& state) {
    const shape& sh = the_shape(state);
    const schema& s = sh.schema_of();
    for (auto _ : state) {
        auto doc = parse_executable(sh.query);
        if (!doc) state.SkipWithError("invalid");
        auto plan = plan_operation(s, *doc, "", sh.variables);
        if (!plan) state.SkipWithError(plan.error().front().message.c_str());
        benchmark::DoNotOptimize(plan);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_uncached)->Apply(shape_args);

void BM_document_hit(benchmark::State& state) {
    const shape& sh = the_shape(state);
    const schema& s = sh.schema_of();
    auto doc = parse_executable(sh.query);
    if (!doc) return state.SkipWithError("parse failed");
    for (auto _ : state) {
        auto plan = plan_operation(s, *doc, "", sh.variables);
        if (!plan) state.SkipWithError(plan.error().front().message.c_str());
        benchmark::DoNotOptimize(plan);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_document_hit)->Apply(shape_args);

void BM_prepare(benchmark::State& state) {
    const shape& sh = the_shape(state);
    auto doc = std::make_shared<const document>(*parse_executable(sh.query));
    for (auto _ : state) {
        auto op = prepare_operation(sh.schema_of(), doc, "");
        if (!op) state.SkipWithError(op.error().front().message.c_str());
        benchmark::DoNotOptimize(op);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_prepare)->Apply(shape_args);

/// What src/exec/engine.cpp keeps per entry.
struct entry {
    std::shared_ptr<const document> doc;
    std::shared_ptr<const prepared_operation> op;
};

/// A hit as src/exec/engine.cpp serves it. `respelt`: the request spells the cached
/// operation differently (all on one line, one space between tokens), so the exact-text
/// lookup misses, the text is normalised and the locations are translated.
void cached(benchmark::State& state, bool respelt) {
    const shape& sh = the_shape(state);
    const schema& s = sh.schema_of();
    fraiseql::exec::lru_cache<std::shared_ptr<const entry>> by_text(1000), by_key(1000);
    auto doc = std::make_shared<const document>(*parse_executable(sh.query));
    auto op = prepare_operation(s, doc, "");
    if (!op) return state.SkipWithError("prepare failed");
    auto own = normalize_operation_text(sh.query);
    auto e = std::make_shared<const entry>(entry{doc, *op});
    by_key.put("0:" + own->text, e);
    by_text.put("0:" + sh.query, e);
    std::string request = respelt ? "  " + own->text + "  " : sh.query;
    for (auto _ : state) {
        std::optional<normalized_text> n;
        auto hit = by_text.get("0:" + request);
        if (!hit) {
            n = normalize_operation_text(request);
            hit = by_key.get("0:" + n->text);
        }
        if (!hit) state.SkipWithError("miss");
        std::optional<location_map> remap;
        if (n) remap = location_map{own->token_locations, n->token_locations};
        auto plan = bind_operation(*(*hit)->op, sh.variables, remap ? &*remap : nullptr);
        if (!plan) state.SkipWithError(plan.error().front().message.c_str());
        benchmark::DoNotOptimize(plan);
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_cached(benchmark::State& state) { cached(state, false); }
BENCHMARK(BM_cached)->Apply(shape_args);

void BM_cached_respelt(benchmark::State& state) { cached(state, true); }
BENCHMARK(BM_cached_respelt)->Apply(shape_args);

void BM_normalize(benchmark::State& state) {
    const shape& sh = the_shape(state);
    for (auto _ : state) {
        auto n = normalize_operation_text(sh.query);
        benchmark::DoNotOptimize(n);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_normalize)->Apply(shape_args);

void BM_bind(benchmark::State& state) {
    const shape& sh = the_shape(state);
    auto doc = std::make_shared<const document>(*parse_executable(sh.query));
    auto op = prepare_operation(sh.schema_of(), doc, "");
    if (!op) return state.SkipWithError("prepare failed");
    for (auto _ : state) {
        auto plan = bind_operation(**op, sh.variables);
        benchmark::DoNotOptimize(plan);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_bind)->Apply(shape_args);

} // namespace

BENCHMARK_MAIN();
