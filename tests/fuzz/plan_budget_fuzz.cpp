// libFuzzer entry point for the front end's work budget (product.md §9): any byte string
// goes through what the engine does with a request's document — parse, the expansion
// budget (check_expansion), validate, prepare_operation, bind_operation, and plan_operation
// (the same road, as `fraiseql explain` runs it) — against a small schema with objects,
// nested objects, lists, an interface and a union. The oracle is the budget itself: a
// finding (abort) is one input that takes more than 250 ms of CPU, or a document that
// plans to more field selections than max_fields without being refused, or a where
// with more conditions than max_filter_conditions that binds. The seed corpus
// (corpus/plan_budget_fuzz/) holds the issue's bombs: doubling fragments, a long chain,
// thousands of fragments, wide and repeated selections, large filters.
//
// Build (clang): -fsanitize=fuzzer,address,undefined; run with a time budget, e.g.
//   plan_budget_fuzz -max_total_time=60 -max_len=65536 corpus/plan_budget_fuzz/

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>

#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/graphql/schema_builder.hpp"
#include "fraiseql/graphql/validate.hpp"

namespace {

using namespace fraiseql::graphql;

constexpr const char* sdl = R"(
interface Node { id: ID! }
type Address { city: String zip: String street: Street }
type Street { name: String number: Int }
type User implements Node @view(name: "v_user") {
  id: ID! email: String! age: Int tags: [String!] address: Address
  friends: [Friend!]!
}
type Friend { id: ID! email: String address: Address }
type Post implements Node @view(name: "v_post") {
  id: ID! title: String! rating: Float views: BigInt author: Friend!
}
union Item = User | Post
type Query {
  users: [User!]!
  user(id: ID!): User
  posts: [Post!]!
  post(id: ID!): Post
}
)";

const schema& the_schema() {
    static std::shared_ptr<schema> s = [] {
        auto r = build_schema(sdl);
        if (!r) {
            std::fprintf(stderr, "plan_budget_fuzz: the schema does not build\n");
            std::abort();
        }
        return *r;
    }();
    return *s;
}

// The CPU budget is product.md §9's 250 ms for an optimised build. A sanitizer or
// unoptimised build (make test-sanitize: Debug + ASan + UBSan) runs the same work several
// times slower, so its budget is scaled: the finding is still super-linear work, not the
// instrumentation's constant factor.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || !defined(__OPTIMIZE__)
constexpr double cpu_budget_ms = 250.0 * 8;
#else
constexpr double cpu_budget_ms = 250.0;
#endif

double cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

/// Field selections of a bound plan (what the SQL compiler and the transform walk).
std::uint64_t planned_fields(const std::vector<field_plan>& fields) {
    std::uint64_t n = 0;
    for (const auto& f : fields) {
        n += 1 + planned_fields(f.selection);
        for (const auto& [type, sel] : f.selection_by_type) n += planned_fields(sel);
    }
    return n;
}

constexpr std::uint32_t max_fields = 2000;
constexpr std::uint32_t max_filter_conditions = 100;

/// An independent count of a where value's conditions, for this schema: AND/OR/NOT add
/// up, the embedded objects (address, street, author) nest, any other field counts one per
/// operator.
std::uint64_t conditions(const input_value& w) {
    std::uint64_t n = 0;
    for (const auto& [k, v] : w.as_object()) {
        if (k == "AND" || k == "OR")
            for (const auto& x : v.as_list()) n += conditions(x);
        else if (k == "NOT" || k == "address" || k == "street" || k == "author")
            n += conditions(v);
        else
            n += v.type() == input_value::kind::object ? v.as_object().size() : 1;
    }
    return n;
}

void check_plan(const operation_plan& plan) {
    // Merging can only shrink the count, so the budget bounds the bound plan.
    if (planned_fields(plan.root_fields) > max_fields) {
        std::fprintf(stderr, "plan_budget_fuzz: a plan exceeds max_fields unrefused\n");
        std::abort();
    }
    for (const auto& f : plan.root_fields)
        if (const auto* w = f.arg("where"); w && conditions(*w) > max_filter_conditions) {
            std::fprintf(stderr, "plan_budget_fuzz: a where over max_filter_conditions bound\n");
            std::abort();
        }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const schema& s = the_schema();
    const double t0 = cpu_ms();
    std::string src(reinterpret_cast<const char*>(data), size);
    auto parsed = parse_executable(std::move(src));
    if (parsed) {
        auto doc = std::make_shared<const document>(std::move(*parsed));
        plan_options opts;
        opts.max_fields = max_fields;
        opts.max_filter_conditions = max_filter_conditions;
        const bool over_budget = check_expansion(*doc, {}, {max_fields, 64}).has_value();
        if (!over_budget) {
            // The engine validates only documents within the budget.
            (void)validate(s, *doc);
        }
        auto prepared = prepare_operation(s, doc, {}, opts);
        if (prepared && over_budget) {
            std::fprintf(stderr, "plan_budget_fuzz: prepared a document over the budget\n");
            std::abort();
        }
        if (prepared) {
            auto bound = bind_operation(**prepared, input_value::null());
            if (bound) check_plan(*bound);
        }
        auto planned = plan_operation(s, *doc, {}, input_value::null(), opts);
        if (planned && over_budget) {
            std::fprintf(stderr, "plan_budget_fuzz: planned a document over the budget\n");
            std::abort();
        }
        if (planned) check_plan(*planned);
    }
    const double ms = cpu_ms() - t0;
    if (ms > cpu_budget_ms) {
        std::fprintf(stderr, "plan_budget_fuzz: one input took %.0f ms of CPU (%zu bytes)\n", ms,
                     size);
        std::abort();
    }
    return 0;
}
