// The WHERE compiler (src/sql/where_builder.cpp, driven by the operator catalogue
// include/fraiseql/graphql/operators.hpp): sql::compile_root_query of one planned root field,
// in compilations per second. Planning is done once, outside the loop.
//   BM_compile_where/0 : no filter (the SELECT alone, the floor)
//   BM_compile_where/1 : three string operators and a comparison on a JSONB view
//   BM_compile_where/2 : one operator of each family (21 conditions) in AND / OR / NOT
//   BM_compile_where/3 : `in` with 1,000 values (one array parameter)
//   BM_compile_where/4 : a hybrid table: column routes, a foreign-key column, list operators

#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/graphql/schema_builder.hpp"
#include "fraiseql/sql/compiler.hpp"

namespace {

using namespace fraiseql;

const char* const sdl = R"GQL(
enum Color { RED GREEN }
type Item @view(name: "items") {
  id: UUID! name: String code: ID n: Int price: Float amount: Decimal big: BigInt
  active: Boolean day: Date at: DateTime clock: Time meta: JSON ip: IpAddress mac: MacAddress
  path: LTree period: DateRange color: Color tags: [String!] scores: [Int!] body: String @search
  address: Address
}
type Address { city: String zip: String }
type Machine @view(name: "tv_machine", columns: ["id", "status", "priority", "labels", "model_id"]) {
  id: UUID! status: Color priority: Int labels: [String!] notes: String model: Model
}
type Model { id: UUID name: String }
type Query { items: [Item!]! machines: [Machine!]! }
)GQL";

std::string in_list(int n) {
    std::string out = "[";
    for (int i = 0; i < n; ++i) out += (i ? ", " : "") + std::to_string(i);
    return out + "]";
}

std::string query(int shape) {
    switch (shape) {
    case 0: return "{ items { id } }";
    case 1:
        return R"({ items(where: {name: {icontains: "al", startswith: "A"}, code: {like: "A%"},
                   n: {gte: 3}}) { id } })";
    case 2:
        return R"({ items(where: {AND: [{name: {eq: "x"}}, {n: {in: [1, 2, 3]}}, {price: {lt: 9.5}},
                   {amount: {gt: "1.5"}}, {big: {neq: "9007199254740993"}}, {active: {eq: true}},
                   {day: {gte: "2024-01-01"}}, {at: {lt: "2024-03-01T00:00:00Z"}},
                   {clock: {isnull: false}}, {meta: {hasKey: "a", contains: {a: 1}}},
                   {ip: {inSubnet: "10.0.0.0/8", isPrivate: true}}, {mac: {nin: ["08:00:2b:01:02:03"]}},
                   {path: {descendantOf: "top", nlevelGt: 1}}, {period: {containsDate: "2024-01-15"}},
                   {color: {eq: RED}}],
                   OR: [{tags: {contains: ["a"]}}, {scores: {lenGt: 2}}],
                   NOT: {body: {websearchQuery: "fat rats"}},
                   address: {city: {eq: "Paris"}}}) { id } })";
    case 3: return "{ items(where: {n: {in: " + in_list(1000) + "}}) { id } }";
    default:
        return R"({ machines(where: {status: {eq: RED}, priority: {gte: 2}, notes: {icontains: "leak"},
                   labels: {overlaps: ["a", "b"], lenGte: 1},
                   model: {id: {eq: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}, name: {eq: "M"}}},
                   orderBy: [{priority: DESC}]) { id } })";
    }
}

void BM_compile_where(benchmark::State& state) {
    auto s = graphql::build_schema(sdl);
    if (!s) {
        state.SkipWithError(s.error()[0].message.c_str());
        return;
    }
    auto doc = graphql::parse_executable(query(static_cast<int>(state.range(0))));
    if (!doc) {
        state.SkipWithError(doc.error().message.c_str());
        return;
    }
    auto plan = graphql::plan_operation(**s, *doc, "", {});
    if (!plan) {
        state.SkipWithError(plan.error()[0].message.c_str());
        return;
    }
    const auto& field = plan->root_fields.at(0);
    for (auto _ : state) {
        auto r = sql::compile_root_query(**s, field, {1000});
        if (!r) {
            state.SkipWithError(r.error()[0].message.c_str());
            return;
        }
        benchmark::DoNotOptimize(r->stmt.text.data());
    }
}
BENCHMARK(BM_compile_where)->DenseRange(0, 4);

} // namespace

BENCHMARK_MAIN();
