// product.md §9 "every request's work is bounded": the field selections after fragment
// expansion are counted without expanding (check_expansion), and prepare_operation and
// plan_operation refuse over max_fields or over the fragment nesting bound before they
// expand anything. Hostile documents are timed in CPU time of this thread.

#include <ctime>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/graphql/schema_builder.hpp"
#include "fraiseql/graphql/validate.hpp"

namespace fraiseql::graphql {
namespace {

double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

const schema& blog() {
    static std::shared_ptr<schema> s = [] {
        auto r = load_schema_file(std::string(FRAISEQL_SOURCE_DIR) + "/examples/blog/schema.graphql");
        EXPECT_TRUE(r);
        return r ? *r : nullptr;
    }();
    return *s;
}

std::shared_ptr<const document> doc_of(std::string text) {
    auto d = parse_executable(std::move(text));
    EXPECT_TRUE(d) << (d ? "" : d.error().message);
    return d ? std::make_shared<const document>(std::move(*d)) : nullptr;
}

/// The error's message, "" when none.
std::string check(const std::string& text, std::uint64_t max_fields,
                  std::string_view op = {}) {
    auto d = doc_of(text);
    auto e = check_expansion(*d, op, {max_fields, 64});
    if (!e)
        return "";
    EXPECT_EQ(e->code, code::query_too_complex);
    return e->message;
}

std::string over(std::uint64_t n, std::uint64_t limit) {
    return "Query has " + std::to_string(n) +
           " field selections after expanding fragments; the limit (max_fields) is " +
           std::to_string(limit) + ".";
}

/// `fragment F<k> on User { ...F<k-1> ...F<k-1> }`, F0 = `{ id }`: F<levels> expands to
/// 2^levels selections in a few hundred bytes (the issue's 1.2 KB bomb at 30).
std::string doubling_bomb(int levels) {
    std::string t = "query { users { ...F" + std::to_string(levels) + " } }\n";
    t += "fragment F0 on User { id }\n";
    for (int k = 1; k <= levels; ++k)
        t += "fragment F" + std::to_string(k) + " on User { ...F" + std::to_string(k - 1) +
             " ...F" + std::to_string(k - 1) + " }\n";
    return t;
}

TEST(expansion_budget, counts_every_field_after_expansion) {
    const std::string plain = "{ users { id posts { id title } } }";
    EXPECT_EQ(check(plain, 5), "");
    EXPECT_EQ(check(plain, 4), over(5, 4));
    // A fragment spread twice counts twice (both copies are collected, then merged).
    const std::string twice = "{ users { ...F ...F } } fragment F on User { id email }";
    EXPECT_EQ(check(twice, 5), "");
    EXPECT_EQ(check(twice, 4), over(5, 4));
    // Inline fragments and nested fragments count their fields; directives are ignored.
    const std::string nested = "{ users { ... on User { id @skip(if: true) } ...A } }"
                               "fragment A on User { posts { ...B } } fragment B on PostSummary "
                               "{ id title }";
    EXPECT_EQ(check(nested, 1), over(5, 1));
    // 0: unlimited.
    EXPECT_EQ(check(doubling_bomb(40), 0), "");
}

TEST(expansion_budget, the_selected_operation_counts) {
    const std::string two = "query Small { users { id } } query Big { users { id email age } }";
    EXPECT_EQ(check(two, 3, "Small"), "");
    EXPECT_EQ(check(two, 3, "Big"), over(4, 3));
    // Ambiguous (no name given): the largest one.
    EXPECT_EQ(check(two, 3), over(4, 3));
}

TEST(expansion_budget, doubling_bomb_is_refused_in_linear_time) {
    const std::string bomb = doubling_bomb(30);
    EXPECT_LT(bomb.size(), 2048u);
    auto d = doc_of(bomb);
    const double t0 = thread_cpu_ms();
    auto e = check_expansion(*d, {}, {});
    auto prepared = prepare_operation(blog(), d, {});
    auto planned = plan_operation(blog(), *d, {}, input_value::null());
    const double ms = thread_cpu_ms() - t0;
    ASSERT_TRUE(e);
    EXPECT_EQ(e->message, over((std::uint64_t{1} << 30) + 1, 10000));
    ASSERT_FALSE(prepared);
    ASSERT_EQ(prepared.error().size(), 1u);
    EXPECT_EQ(prepared.error()[0].message, e->message);
    EXPECT_EQ(prepared.error()[0].code, code::query_too_complex);
    ASSERT_FALSE(planned);
    EXPECT_EQ(planned.error()[0].message, e->message);
    EXPECT_LT(ms, 100.0) << "CPU ms for the count, prepare and plan of the bomb";
}

TEST(expansion_budget, arithmetic_saturates) {
    // 16 spreads per level, 20 levels: 16^20 = 2^80 selections.
    std::string t = "query { users { ...F20 } }\nfragment F0 on User { id }\n";
    for (int k = 1; k <= 20; ++k) {
        t += "fragment F" + std::to_string(k) + " on User {";
        for (int i = 0; i < 16; ++i)
            t += " ...F" + std::to_string(k - 1);
        t += " }\n";
    }
    EXPECT_EQ(check(t, 10000), over(UINT64_MAX, 10000));
}

TEST(expansion_budget, many_distinct_fragments) {
    // The issue's 5,000 fragments spread in one selection (12.7 s of the I/O thread).
    std::string t = "query { users {";
    for (int i = 0; i < 5000; ++i)
        t += " ...F" + std::to_string(i);
    t += " } }\n";
    for (int i = 0; i < 5000; ++i)
        t += "fragment F" + std::to_string(i) + " on User { id email }\n";
    auto d = doc_of(t);
    const double t0 = thread_cpu_ms();
    auto e = check_expansion(*d, {}, {});
    auto prepared = prepare_operation(blog(), d, {});
    const double ms = thread_cpu_ms() - t0;
    ASSERT_TRUE(e);
    EXPECT_EQ(e->message, over(10001, 10000));
    EXPECT_FALSE(prepared);
    EXPECT_LT(ms, 100.0);
}

TEST(expansion_budget, fragment_chains_are_bounded_in_depth) {
    auto chain = [](int n, bool used) {
        std::string t = used ? "query { users { ...F" + std::to_string(n) + " } }\n"
                             : std::string("query { users { id } }\n");
        t += "fragment F0 on User { id }\n";
        for (int k = 1; k <= n; ++k)
            t += "fragment F" + std::to_string(k) + " on User { ...F" + std::to_string(k - 1) +
                 " }\n";
        return t;
    };
    EXPECT_EQ(check(chain(63, true), 10000), "") << "64 fragments nest 64 deep";
    const std::string deep =
        "Fragment nesting is too deep: fragment spreads nest more than 64 levels.";
    EXPECT_EQ(check(chain(64, true), 10000), deep);
    // 3,000 fragments in a chain, used or not: refused before any recursive walk.
    for (bool used : {true, false}) {
        auto d = doc_of(chain(3000, used));
        const double t0 = thread_cpu_ms();
        auto e = check_expansion(*d, {}, {});
        auto prepared = prepare_operation(blog(), d, {});
        auto planned = plan_operation(blog(), *d, {}, input_value::null());
        const double ms = thread_cpu_ms() - t0;
        ASSERT_TRUE(e) << used;
        EXPECT_EQ(e->message, deep);
        ASSERT_FALSE(prepared);
        EXPECT_EQ(prepared.error()[0].message, deep);
        ASSERT_FALSE(planned);
        EXPECT_EQ(planned.error()[0].message, deep);
        EXPECT_LT(ms, 100.0);
    }
}

TEST(expansion_budget, cycles_and_unknown_fragments_are_left_to_validation) {
    const std::string cyc = "{ users { ...A } } fragment A on User { id ...B } "
                            "fragment B on User { email ...A }";
    EXPECT_EQ(check(cyc, 10000), "");
    // Each fragment is counted once; the edge that closes the cycle counts nothing (which
    // edge that is depends on the walk's order, so the exact count is not asserted).
    EXPECT_NE(check(cyc, 1), "");
    EXPECT_EQ(check("{ users { ...Nope id } }", 10000), "");
    EXPECT_FALSE(validate(blog(), *doc_of(cyc)).empty());
}

TEST(expansion_budget, wide_selections_prepare_in_linear_time) {
    // 9,999 distinct response keys in one selection set: grouping by key is a hash
    // lookup (it was a scan of the groups: n²/2 comparisons).
    std::string t = "{ users {";
    for (int i = 0; i < 9999; ++i)
        t += " a" + std::to_string(i) + ": id";
    t += " } }";
    auto d = doc_of(t);
    const double t0 = thread_cpu_ms();
    EXPECT_FALSE(check_expansion(*d, {}, {}));
    EXPECT_TRUE(validate(blog(), *d).empty());
    auto prepared = prepare_operation(blog(), d, {});
    ASSERT_TRUE(prepared);
    auto bound = bind_operation(**prepared, input_value::null());
    auto planned = plan_operation(blog(), *d, {}, input_value::null());
    const double ms = thread_cpu_ms() - t0;
    ASSERT_FALSE(bound);
    EXPECT_EQ(bound.error()[0].message, "Operation uses 9999 aliases; the maximum is 30.");
    ASSERT_FALSE(planned);
    EXPECT_LT(ms, 250.0) << "validate + prepare + bind + plan of a 10,000-key selection";
}

TEST(expansion_budget, same_key_repeated_is_refused_by_the_overlap_budget) {
    // 9,999 occurrences of one key: §5.3.2 compares pairs; its budget refuses quickly.
    std::string t = "{ users {";
    for (int i = 0; i < 9999; ++i)
        t += " id";
    t += " } }";
    auto d = doc_of(t);
    const double t0 = thread_cpu_ms();
    EXPECT_FALSE(check_expansion(*d, {}, {}));
    auto errors = validate(blog(), *d);
    const double ms = thread_cpu_ms() - t0;
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].code, code::query_too_complex);
    EXPECT_LT(ms, 250.0);
}

// ---- max_filter_conditions ------------------------------------------------------------

/// bind_operation and plan_operation on `text` with `vars` (JSON-like input_value) and a
/// filter limit: the first error's message ("" when both plan), and both must agree.
std::string filter_check(const std::string& text, const input_value& vars, std::uint32_t max) {
    auto d = doc_of(text);
    plan_options o;
    o.max_filter_conditions = max;
    auto prepared = prepare_operation(blog(), d, {}, o);
    EXPECT_TRUE(prepared);
    if (!prepared)
        return "not prepared";
    auto bound = bind_operation(**prepared, vars);
    auto planned = plan_operation(blog(), *d, {}, vars, o);
    EXPECT_EQ(bool(bound), bool(planned));
    if (bound)
        return "";
    EXPECT_EQ(bound.error()[0].code, code::query_too_complex);
    EXPECT_EQ(bound.error()[0].message, planned.error()[0].message);
    return bound.error()[0].message;
}

std::string too_many(std::uint32_t max) {
    return "The where argument of \"users\" has more than " + std::to_string(max) +
           " conditions; the limit (max_filter_conditions) is " + std::to_string(max) + ".";
}

TEST(filter_budget, operators_count_and_logic_adds_up) {
    // gt, lt, eq, in (one, whatever its length), city's eq in the nested object: 5.
    const std::string q =
        R"({ users(where: {AND: [{age: {gt: 1, lt: 90}}, {OR: [{email: {eq: "a"}},
           {NOT: {age: {in: [1, 2, 3, 4, 5, 6]}}}]}], address: {city: {eq: "x"}}}) { id } })";
    EXPECT_EQ(filter_check(q, input_value::null(), 5), "");
    EXPECT_EQ(filter_check(q, input_value::null(), 4), too_many(4));
    EXPECT_EQ(filter_check(q, input_value::null(), 0), "") << "0: unlimited";
}

input_value and_of(int n) {
    input_value::list_t items;
    for (int i = 0; i < n; ++i) {
        input_value::object_t op;
        op.emplace_back("eq", input_value::integer(i));
        input_value::object_t f;
        f.emplace_back("age", input_value::object(std::move(op)));
        items.push_back(input_value::object(std::move(f)));
    }
    input_value::object_t w;
    w.emplace_back("AND", input_value::list(std::move(items)));
    input_value::object_t vars;
    vars.emplace_back("w", input_value::object(std::move(w)));
    return input_value::object(std::move(vars));
}

TEST(filter_budget, variables_count_too) {
    const std::string q = "query ($w: UserWhereInput) { users(where: $w) { id } }";
    EXPECT_EQ(filter_check(q, and_of(1000), 1000), "");
    const double t0 = thread_cpu_ms();
    EXPECT_EQ(filter_check(q, and_of(10000), 1000), too_many(1000));
    EXPECT_LT(thread_cpu_ms() - t0, 250.0);
    // An `in` list of 5,000 values is one condition.
    input_value::list_t ids;
    for (int i = 0; i < 5000; ++i)
        ids.push_back(input_value::integer(i));
    input_value::object_t op;
    op.emplace_back("in", input_value::list(std::move(ids)));
    input_value::object_t f;
    f.emplace_back("age", input_value::object(std::move(op)));
    input_value::object_t vars;
    vars.emplace_back("w", input_value::object(std::move(f)));
    EXPECT_EQ(filter_check(q, input_value::object(std::move(vars)), 1), "");
}

} // namespace
} // namespace fraiseql::graphql
