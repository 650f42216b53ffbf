// The CPU of a plan-cache hit from the prepared operation to the statements a request runs
// (issue 15, docs/adr/0017-compiled-plan-cache.md), per bench shape (bench/queries, the same
// texts and variables as bench/graphql_bench.cpp):
//   BM_hit_uncached: bind_operation, then per root field compile_root_query and
//                    build_projection (a hit before the compiled-plan cache)
//   BM_hit_compiled: sql::compiled_operation::bind (variables coerced, the shape key, the
//                    parameter slots filled; a hit now — the engine authorizes the
//                    shape's shared plan without copying it, src/exec/authorization.cpp)
//   BM_hit_json:     the same from the request's JSON, as the server binds: the JSON road
//                    (exec::bind_json, scalar variables read in place) or input_from_json +
//                    bind
// Links fraiseql::exec (for build_projection), unlike graphql_bench, which links only graphql.
// Each reports `allocs`: heap allocations per iteration (operator new replaced below; counts,
// not times, so they do not move with the machine's load).

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "exec/document_resolver.hpp"
#include "exec/projection_builder.hpp"
#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/graphql/schema_builder.hpp"
#include "fraiseql/sql/compiler.hpp"
#include "fraiseql/sql/connection.hpp"
#include "fraiseql/sql/plan_cache.hpp"

namespace {
std::atomic<std::uint64_t> allocations{0};
} // namespace

// Every path of operator new ends in one of these two (the sized and nothrow forms forward).
void* operator new(std::size_t n) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

using namespace fraiseql::graphql;

/// Heap allocations per iteration of the timed loop.
struct alloc_meter {
    benchmark::State& state;
    std::uint64_t start = allocations.load();
    ~alloc_meter() {
        state.counters["allocs"] = benchmark::Counter(
            double(allocations.load() - start) / double(std::max<std::int64_t>(1, state.iterations())));
    }
};

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
    std::string query;
    input_value variables;
};

const std::vector<shape>& shapes() {
    static const std::vector<shape> all = [] {
        const auto id = input_value::string("24c9e15e-52af-c47c-225b-757e7bee1f9d");
        std::vector<shape> v;
        v.push_back({"a_by_id", "query UserById($id: UUID!) { user(id: $id) { id email firstName } }",
                     input_value::object({{"id", id}})});
        v.push_back({"b_list20",
                     "query Users20 { users(limit: 20, orderBy: [{createdAt: ASC}]) { id email firstName } }",
                     input_value::null()});
        v.push_back({"c_nested20",
                     "query Posts20 { posts(limit: 20, orderBy: [{publishedAt: DESC}]) { id title "
                     "publishedAt views author { id firstName } } }",
                     input_value::null()});
        v.push_back({"d_filtered",
                     "query PostsOfAuthor($a: UUID!, $v: BigInt!) { posts(where: {author: {id: {eq: $a}}, "
                     "views: {gte: $v}}, orderBy: [{publishedAt: DESC}]) { id title publishedAt views } }",
                     input_value::object({{"a", id}, {"v", input_value::string("50000")}})});
        // (d) with its filter passed whole, as generated clients often do: a where object
        // keyed by its structure (ADR 0017, where slots).
        v.push_back({"d_filter_object",
                     "query PostsOfAuthor($w: PostWhereInput) { posts(where: $w, orderBy: "
                     "[{publishedAt: DESC}]) { id title publishedAt views } }",
                     [&] {
                         using iv = input_value;
                         auto author = iv::object({{"id", iv::object({{"eq", id}})}});
                         auto views = iv::object({{"gte", iv::string("50000")}});
                         return iv::object({{"w", iv::object({{"author", author},
                                                              {"views", views}})}});
                     }()});
        // A page of a connection walk (ADR 0017, connections): `first: $n, after: $c`, the
        // cursor a real one of this ordering (its signature from the compiler).
        const char* page =
            "query Page($n: Int, $c: String) { postsConnection(first: $n, after: $c, orderBy: "
            "[{publishedAt: DESC}]) { edges { cursor node { id title publishedAt } } "
            "pageInfo { hasNextPage endCursor } } }";
        v.push_back({"f_connection_page", page, [&] {
                         auto doc = parse_executable(page);
                         if (!doc) std::abort();
                         auto plan = plan_operation(bench_schema(), *doc, "", input_value::null());
                         if (!plan) std::abort();
                         auto q = fraiseql::sql::compile_connection(bench_schema(),
                                                                    plan->root_fields.at(0), 1000);
                         if (!q) std::abort();
                         const std::string cursor = fraiseql::sql::encode_cursor(
                             q->signature, R"(["2024-03-01T10:00:00+00:00", "24c9e15e-52af-c47c-225b-757e7bee1f9d"])");
                         return input_value::object({{"n", input_value::integer(20)},
                                                     {"c", input_value::string(cursor)}});
                     }()});
        return v;
    }();
    return all;
}

void shape_args(benchmark::internal::Benchmark* b) {
    for (std::size_t i = 0; i < shapes().size(); ++i) b->Arg(static_cast<int>(i));
}

std::shared_ptr<const prepared_operation> prepared(benchmark::State& state, const shape*& sh) {
    sh = &shapes()[static_cast<std::size_t>(state.range(0))];
    state.SetLabel(sh->name);
    auto doc = std::make_shared<const document>(*parse_executable(sh->query));
    auto op = prepare_operation(bench_schema(), doc, "");
    if (!op) std::abort();
    return *op;
}

void BM_hit_uncached(benchmark::State& state) {
    const shape* sh = nullptr;
    auto op = prepared(state, sh);
    alloc_meter meter{state};
    for (auto _ : state) {
        auto plan = bind_operation(*op, sh->variables);
        if (!plan) return state.SkipWithError("bind failed");
        for (const auto& fp : plan->root_fields) {
            if (fp.resolved_by == root_resolver::connection) {
                // As exec/connection.cpp did per request: compile, a projection per `node`.
                auto q = fraiseql::sql::compile_connection(bench_schema(), fp, 1000);
                if (!q) return state.SkipWithError("compile failed");
                for (const auto& f : fp.selection)
                    if (f.name == "edges")
                        for (const auto& e : f.selection)
                            if (e.name == "node") {
                                auto proj = fraiseql::exec::build_projection(bench_schema(),
                                                                             *q->node_type, e.selection);
                                benchmark::DoNotOptimize(proj);
                            }
                benchmark::DoNotOptimize(q);
                continue;
            }
            auto q = fraiseql::sql::compile_root_query(bench_schema(), fp, {1000});
            if (!q) return state.SkipWithError("compile failed");
            auto proj = fraiseql::exec::build_projection(bench_schema(), *q->node_type, fp.selection);
            benchmark::DoNotOptimize(q);
            benchmark::DoNotOptimize(proj);
        }
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_hit_uncached)->Apply(shape_args);

void BM_hit_compiled(benchmark::State& state) {
    const shape* sh = nullptr;
    auto op = prepared(state, sh);
    fraiseql::sql::compiled_operation cache(bench_schema(), op, {1000},
                                            &fraiseql::exec::build_projection);
    if (!cache.bind(sh->variables)) return state.SkipWithError("declined by the compiled-plan cache");
    alloc_meter meter{state}; // after the shape's first compilation
    for (auto _ : state) {
        auto b = cache.bind(sh->variables);
        if (!b) return state.SkipWithError("declined by the compiled-plan cache");
        benchmark::DoNotOptimize(b);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_hit_compiled)->Apply(shape_args);

// The server's road from the request's JSON variables (exec::bind_request after the
// document lookup): the JSON road (exec::bind_json, the variables read in place) where it
// applies, else input_from_json + bind as before. Label: which road served the shape.
void BM_hit_json(benchmark::State& state) {
    const shape* sh = nullptr;
    auto op = prepared(state, sh);
    fraiseql::sql::compiled_operation cache(bench_schema(), op, {1000},
                                            &fraiseql::exec::build_projection);
    const boost::json::value vars = boost::json::parse(sh->variables.to_json());
    if (!cache.bind(sh->variables)) return state.SkipWithError("declined by the compiled-plan cache");
    const bool json_road = fraiseql::exec::bind_json(cache, vars).has_value();
    state.SetLabel(std::string(sh->name) + (json_road ? " (JSON road)" : " (input_value road)"));
    alloc_meter meter{state};
    for (auto _ : state) {
        if (auto j = fraiseql::exec::bind_json(cache, vars)) {
            benchmark::DoNotOptimize(j);
            continue;
        }
        auto b = cache.bind(fraiseql::exec::input_from_json(vars));
        if (!b) return state.SkipWithError("declined by the compiled-plan cache");
        benchmark::DoNotOptimize(b);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_hit_json)->Apply(shape_args);

} // namespace

BENCHMARK_MAIN();
