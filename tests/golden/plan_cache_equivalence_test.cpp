// The compiled-plan cache (docs/adr/0017-compiled-plan-cache.md) against the uncached road,
// on the golden corpus (tests/golden/sql): for every case and many variable sets derived from
// its variables.json (nulls, absent variables, other enum values, other numbers, other list
// lengths, flipped booleans, invalid values), the cached road — sql::compiled_operation::bind,
// a hit filling the slots of SQL compiled for an earlier request of the same shape — and the
// uncached road — bind_operation + compile_root_query (compile_connection for a connection,
// whose page inputs are compared too) — give the same SQL text and the same parameters for
// every root field, or the cached road declines and the uncached road is the
// answer. Each set runs through one cache in order and through a fresh cache in reverse, so
// each is both a shape's first request and a later one. A seeded random walk over the same
// mutations (a work budget, FRAISEQL_PLAN_CACHE_FUZZ_SEED to vary) does the same.

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/graphql/schema_builder.hpp"
#include "fraiseql/graphql/validate.hpp"
#include "fraiseql/sql/compiler.hpp"
#include "fraiseql/sql/connection.hpp"
#include "fraiseql/sql/plan_cache.hpp"
#include "exec/document_resolver.hpp"
#include "support/input_json.hpp"

namespace {

namespace fs = std::filesystem;
namespace bj = boost::json;
using fraiseql::graphql::input_value;

const fs::path corpus = fs::path(FRAISEQL_SOURCE_DIR) / "tests" / "golden" / "sql";
constexpr fraiseql::sql::compile_options options{100};

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}


const fraiseql::graphql::schema& schema() {
    static std::shared_ptr<fraiseql::graphql::schema> s = [] {
        auto r = fraiseql::graphql::load_schema_file((corpus / "schema.graphql").string());
        return r ? *r : std::shared_ptr<fraiseql::graphql::schema>();
    }();
    return *s;
}

std::vector<std::string> cases() {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(corpus))
        if (e.is_directory() && fs::exists(e.path() / "query.graphql"))
            out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

/// The values of every enum of the schema, to swap one for another.
std::vector<std::vector<std::string>> enum_values() {
    std::vector<std::vector<std::string>> out;
    for (const char* n : {"Status", "OrderDirection"})
        if (const auto* t = schema().find_type(n)) {
            std::vector<std::string> vals;
            for (const auto& v : t->enum_values) vals.push_back(v.name);
            out.push_back(std::move(vals));
        }
    return out;
}

/// Every one-step mutation of `v` (at any depth), each a whole new value.
void mutations(const bj::value& v, std::vector<bj::value>& out, int depth = 0) {
    if (depth > 6) return;
    switch (v.kind()) {
    case bj::kind::null: out.emplace_back(true); out.emplace_back(7); out.emplace_back("x"); break;
    case bj::kind::bool_: out.emplace_back(!v.get_bool()); out.emplace_back(nullptr); break;
    case bj::kind::int64:
    case bj::kind::uint64:
        for (std::int64_t d : {std::int64_t{1}, std::int64_t{-1}, std::int64_t{0}, std::int64_t{5000},
                               std::int64_t{99}, std::int64_t{-3}})
            out.emplace_back(d == 1 ? v.to_number<std::int64_t>() + 1 : d);
        out.emplace_back(nullptr);
        out.emplace_back(2.5);
        break;
    case bj::kind::double_: out.emplace_back(v.get_double() * 2 + 0.5); out.emplace_back(3); break;
    case bj::kind::string: {
        const std::string s(v.get_string());
        out.emplace_back(s + "z");
        out.emplace_back(std::string(s + "a%_\\'\"").c_str());
        out.emplace_back(bj::string(s + std::string(1, '\0')));
        out.emplace_back(nullptr);
        if (s.size() == 36 && s[8] == '-') { // a UUID: another valid one
            std::string o = s;
            o[0] = o[0] == 'a' ? 'b' : 'a';
            out.emplace_back(o);
        }
        for (const auto& vals : enum_values())
            if (std::find(vals.begin(), vals.end(), s) != vals.end())
                for (const auto& o : vals)
                    if (o != s) out.emplace_back(o);
        break;
    }
    case bj::kind::array: {
        const auto& a = v.get_array();
        out.emplace_back(bj::array{});
        if (!a.empty()) {
            bj::array shorter = a;
            shorter.pop_back();
            out.emplace_back(shorter);
            bj::array longer = a;
            longer.push_back(a.front());
            longer.push_back(a.front());
            out.emplace_back(longer);
        }
        for (std::size_t i = 0; i < a.size(); ++i) {
            std::vector<bj::value> sub;
            mutations(a[i], sub, depth + 1);
            for (auto& m : sub) {
                bj::array c = a;
                c[i] = std::move(m);
                out.emplace_back(std::move(c));
            }
        }
        out.emplace_back(nullptr);
        break;
    }
    case bj::kind::object: {
        const auto& o = v.get_object();
        for (const auto& [k, x] : o) {
            bj::object without = o;
            without.erase(k); // absent
            out.emplace_back(without);
            std::vector<bj::value> sub;
            mutations(x, sub, depth + 1);
            for (auto& m : sub) {
                bj::object c = o;
                c[k] = std::move(m);
                out.emplace_back(std::move(c));
            }
        }
        if (depth > 0) out.emplace_back(nullptr);
        break;
    }
    }
}

/// What one road gives for one root field: its SQL and parameters, or its errors.
struct root_out {
    std::string key;
    std::string text;
    std::vector<std::optional<std::string>> params;
    std::string errors;
    /// A connection: what its runner reads besides the statement (page_text).
    std::string page;
    bool operator==(const root_out&) const = default;
};

/// A connection page's runner inputs: the page size, the direction, which cursors, the
/// other-side check and the cursors' signature.
std::string page_text(std::uint32_t page_size, bool backward, bool has_after, bool has_before,
                      bool other_side_checked, std::string_view signature) {
    return "page " + std::to_string(page_size) + (backward ? " backward" : "") +
           (has_after ? " after" : "") + (has_before ? " before" : "") +
           (other_side_checked ? " other-side" : "") + " signature " + std::string(signature);
}

std::string describe(const std::vector<root_out>& r) {
    std::string s;
    for (const auto& x : r) {
        s += "-- " + x.key + "\n" + x.text + "\n";
        for (const auto& p : x.params) s += "  " + (p ? "'" + *p + "'" : std::string("NULL")) + "\n";
        s += x.errors;
        if (!x.page.empty()) s += "  (" + x.page + ")\n";
    }
    return s;
}

root_out compile_root(const fraiseql::graphql::field_plan& fp) {
    root_out r;
    r.key = fp.response_key;
    if (fp.resolved_by == fraiseql::graphql::root_resolver::connection) {
        // As the server compiles it (exec/connection.cpp).
        auto c = fraiseql::sql::compile_connection(schema(), fp, options.max_page_size);
        if (!c) {
            for (const auto& e : c.error()) r.errors += e.code + ": " + e.message + "\n";
            return r;
        }
        r.text = c->stmt.text;
        r.params = c->stmt.params;
        r.page = page_text(c->page_size, c->backward, c->has_after, c->has_before,
                           c->other_side_checked, c->signature);
        return r;
    }
    auto c = fraiseql::sql::compile_root_query(schema(), fp, options);
    if (!c) {
        for (const auto& e : c.error()) r.errors += e.code + ": " + e.message + "\n";
        return r;
    }
    r.text = c->stmt.text;
    r.params = c->stmt.params;
    return r;
}

bool reads(const fraiseql::graphql::field_plan& fp) {
    return fp.field && fp.field->root != fraiseql::graphql::field_def::root_kind::none;
}

/// The uncached road: nullopt when binding fails; else every database root's output.
std::optional<std::vector<root_out>> uncached(const fraiseql::graphql::prepared_operation& op,
                                              const input_value& vars) {
    auto plan = fraiseql::graphql::bind_operation(op, vars);
    if (!plan) return std::nullopt;
    std::vector<root_out> out;
    for (const auto& fp : plan->root_fields)
        if (reads(fp)) out.push_back(compile_root(fp));
    return out;
}

struct tally {
    std::size_t compiled = 0;
    std::size_t json = 0; ///< bound on the JSON road too
    std::map<fraiseql::sql::uncached_reason, std::size_t> declined;
};

/// What a binding runs for each database root field: its precompiled statement and
/// parameters, or the field compiled from the shape's plan (as the engine does).
std::vector<root_out> outputs(const fraiseql::sql::cached_binding& b) {
    std::vector<root_out> got;
    const auto& roots = b.shape->plan.root_fields;
    EXPECT_EQ(roots.size(), b.roots.size());
    for (std::size_t i = 0; i < roots.size() && i < b.roots.size(); ++i) {
        if (!reads(roots[i])) continue;
        if (!b.roots[i].compiled) {
            got.push_back(compile_root(roots[i]));
            continue;
        }
        root_out r;
        r.key = roots[i].response_key;
        r.text = b.roots[i].compiled->text;
        for (const auto& p : b.roots[i].params)
            r.params.push_back(p.null ? std::nullopt : std::optional<std::string>(std::string(p.text)));
        if (const auto& cn = b.roots[i].compiled->connection)
            r.page = page_text(b.roots[i].page_size, cn->backward, cn->has_after, cn->has_before,
                               cn->other_side_checked, cn->signature);
        got.push_back(std::move(r));
    }
    return got;
}

/// One variable set through both roads; a difference is a test failure. The cache is tried
/// both ways: from the input_value tree (bind) and from the JSON in place (exec::bind_json,
/// the server's first try), which must bind exactly what bind() binds, or decline.
void check(const std::string& name, const fraiseql::sql::compiled_operation& cache,
           const fraiseql::graphql::prepared_operation& op, const bj::value& json, tally& t) {
    const input_value vars = fraiseql::test::input_from_json(json);
    const auto expected = uncached(op, vars);
    auto b = cache.bind(vars);
    // After bind(): a shape it compiled is now remembered, so the JSON road may hit it.
    auto j = fraiseql::exec::bind_json(cache, json);
    const std::string where = name + " with " + bj::serialize(json);
    if (j) {
        ++t.json;
        EXPECT_TRUE(b) << where << ": bound on the JSON road, declined by bind()";
        if (b) {
            EXPECT_EQ(j->shape, b->shape) << where << ": the JSON road chose another shape";
        }
        if (expected) {
            // Moved, as the engine moves it: the views must follow.
            const fraiseql::sql::cached_binding moved = std::move(*j);
            const auto got = outputs(moved);
            EXPECT_EQ(got, *expected) << where << "\n-- JSON road:\n"
                                      << describe(got) << "-- uncached:\n"
                                      << describe(*expected);
        } else {
            ADD_FAILURE() << where << ": bound on the JSON road, refused by bind_operation";
        }
    }
    if (!b) {
        ++t.declined[b.error()];
        using R = fraiseql::sql::uncached_reason;
        if (b.error() == R::bind) {
            EXPECT_FALSE(expected) << where << ": declined as unbindable";
        }
        if (b.error() == R::value) {
            // Declined for a value the compiler refuses: the uncached road must report errors.
            bool any = !expected;
            if (expected)
                for (const auto& r : *expected) any = any || !r.errors.empty();
            EXPECT_TRUE(any) << where << ": declined for its value, but the uncached road compiles it";
        }
        return;
    }
    ++t.compiled;
    ASSERT_TRUE(expected) << where << ": bound through the cache, refused by bind_operation";
    const auto got = outputs(*b);
    EXPECT_EQ(got, *expected) << where << "\n-- cached:\n"
                              << describe(got) << "-- uncached:\n"
                              << describe(*expected);
}

struct prepared_case {
    std::shared_ptr<const fraiseql::graphql::prepared_operation> op;
    bj::value variables;
};

std::optional<prepared_case> prepare(const std::string& name) {
    const fs::path dir = corpus / name;
    auto doc = fraiseql::graphql::parse_executable(slurp(dir / "query.graphql"));
    if (!doc) return std::nullopt;
    auto shared = std::make_shared<const fraiseql::graphql::document>(std::move(*doc));
    if (!fraiseql::graphql::validate(schema(), *shared).empty()) return std::nullopt;
    auto op = fraiseql::graphql::prepare_operation(schema(), shared, "");
    if (!op) return std::nullopt;
    prepared_case out{std::move(*op), nullptr};
    if (fs::exists(dir / "variables.json")) out.variables = bj::parse(slurp(dir / "variables.json"));
    return out;
}

std::vector<bj::value> variable_sets(const bj::value& base) {
    std::vector<bj::value> sets{base};
    mutations(base, sets);
    sets.emplace_back(nullptr); // no variables at all
    return sets;
}

class plan_cache_equivalence : public ::testing::TestWithParam<std::string> {};

TEST_P(plan_cache_equivalence, cached_road_matches_uncached_road) {
    auto c = prepare(GetParam());
    if (!c) GTEST_SKIP() << "the case does not validate or prepare (an error case)";
    const auto sets = variable_sets(c->variables);
    tally t;
    {
        fraiseql::sql::compiled_operation cache(schema(), c->op, options);
        for (const auto& v : sets) check(GetParam(), cache, *c->op, v, t);
        // Again, now that every shape is cached: each set is a hit.
        for (const auto& v : sets) check(GetParam(), cache, *c->op, v, t);
    }
    {
        fraiseql::sql::compiled_operation cache(schema(), c->op, options);
        for (auto it = sets.rbegin(); it != sets.rend(); ++it) check(GetParam(), cache, *c->op, *it, t);
    }
    // The case's own variables, when the uncached road compiles them without an error, are
    // never declined as unbindable or for a value (that would be the cache refusing what the
    // server runs); an operation without variables is always served by the cache.
    fraiseql::sql::compiled_operation fresh(schema(), c->op, options);
    const input_value own = fraiseql::test::input_from_json(c->variables);
    const auto expected = uncached(*c->op, own);
    bool clean = expected.has_value();
    if (expected)
        for (const auto& r : *expected) clean = clean && r.errors.empty();
    auto b = fresh.bind(own);
    if (clean && !b) {
        EXPECT_NE(b.error(), fraiseql::sql::uncached_reason::bind);
        EXPECT_NE(b.error(), fraiseql::sql::uncached_reason::value);
    }
    if (clean && c->variables.is_null()) {
        EXPECT_TRUE(b) << "no variables, yet not cached";
    }
    // An operation whose variables are all scalar slots, its own variables all present
    // scalars its types take as given (no conversion, nothing the compiler refuses): once
    // bind() has compiled the shape, the JSON road serves them.
    if (clean && b && fresh.scalar_slots_only() && c->variables.is_object()) {
        bool plain = c->variables.as_object().size() == fresh.variable_names().size();
        for (const auto& [k, v] : c->variables.as_object()) plain = plain && v.is_string();
        if (plain) {
            EXPECT_TRUE(fraiseql::exec::bind_json(fresh, c->variables))
                << "string variables of scalar slots, yet the JSON road declined";
        }
    }
    EXPECT_GT(t.compiled + t.declined[fraiseql::sql::uncached_reason::bind] +
                  t.declined[fraiseql::sql::uncached_reason::value],
              0u);
}

INSTANTIATE_TEST_SUITE_P(sql, plan_cache_equivalence, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

/// Which road a case's own variables take, where a naive key (the variables' kinds only)
/// would reuse the wrong SQL.
fraiseql::result<fraiseql::sql::cached_binding, fraiseql::sql::uncached_reason>
bind_case(const fraiseql::sql::compiled_operation& cache,
          const std::string& vars_json) {
    return cache.bind(fraiseql::test::input_from_json(bj::parse(vars_json)));
}

/// The parameters of root `i` of a binding, as strings.
std::vector<std::string> params_of(const fraiseql::sql::cached_binding& b, std::size_t i) {
    std::vector<std::string> out;
    for (const auto& p : b.roots[i].params) out.push_back(p.null ? "NULL" : std::string(p.text));
    return out;
}

TEST(plan_cache_roads, keyed_values_never_share_a_shape) {
    using R = fraiseql::sql::uncached_reason;
    // ORDER BY direction: an enum is keyed, so DESC is compiled apart from ASC.
    auto order = prepare("cache_order_direction");
    ASSERT_TRUE(order);
    fraiseql::sql::compiled_operation oc(schema(), order->op, options);
    auto asc = bind_case(oc, R"({"d": "ASC"})");
    auto desc = bind_case(oc, R"({"d": "DESC"})");
    ASSERT_TRUE(asc && desc);
    EXPECT_NE(asc->shape, desc->shape);
    EXPECT_NE(asc->roots[0].compiled->text.find("ASC"), std::string::npos);
    EXPECT_NE(desc->roots[0].compiled->text.find("DESC"), std::string::npos);
    EXPECT_EQ(oc.shapes(), 2u);

    // @skip/@include: each combination is its own shape (its selection, its root fields).
    auto skip = prepare("cache_skip_include");
    ASSERT_TRUE(skip);
    fraiseql::sql::compiled_operation sc(schema(), skip->op, options);
    const char* id = R"("id": "11111111-1111-1111-1111-111111111111")";
    auto ft = bind_case(sc, std::string("{\"a\": false, \"b\": true, ") + id + "}");
    auto tf = bind_case(sc, std::string("{\"a\": true, \"b\": false, ") + id + "}");
    ASSERT_TRUE(ft && tf);
    EXPECT_EQ(ft->shape->plan.root_fields.size(), 2u);
    EXPECT_EQ(tf->shape->plan.root_fields.size(), 1u);
    EXPECT_EQ(sc.shapes(), 2u);

    // limit: a slot (one shape for 3 and 5000), clamped to max_page_size, a negative one declined.
    auto lim = prepare("cache_limit_offset");
    ASSERT_TRUE(lim);
    fraiseql::sql::compiled_operation lc(schema(), lim->op, options);
    auto small = bind_case(lc, R"({"l": 3, "o": 1})");
    auto big = bind_case(lc, R"({"l": 5000, "o": 2})");
    ASSERT_TRUE(small && big);
    EXPECT_EQ(small->shape, big->shape);
    ASSERT_EQ(big->roots[0].params.size(), 2u);
    EXPECT_EQ(big->roots[0].params[0].text, "100");
    EXPECT_EQ(small->roots[0].params[0].text, "3");
    auto no_offset = bind_case(lc, R"({"l": 3, "o": null})");
    ASSERT_TRUE(no_offset);
    EXPECT_NE(no_offset->shape, small->shape); // null omits the OFFSET: another shape
    EXPECT_EQ(no_offset->roots[0].compiled->text.find("OFFSET"), std::string::npos);
    auto negative = bind_case(lc, R"({"l": -1, "o": 1})");
    ASSERT_FALSE(negative);
    EXPECT_EQ(negative.error(), R::value);

    // A Boolean inside where (IS NULL / IS NOT NULL) is keyed.
    auto isnull = prepare("cache_is_null_variable");
    ASSERT_TRUE(isnull);
    fraiseql::sql::compiled_operation ic(schema(), isnull->op, options);
    auto yes = bind_case(ic, R"({"n": true})");
    auto no = bind_case(ic, R"({"n": false})");
    ASSERT_TRUE(yes && no);
    EXPECT_NE(yes->roots[0].compiled->text, no->roots[0].compiled->text);

    // A whole where object: keyed by its structure, its strings and numbers slots.
    auto where = prepare("cache_where_variable");
    ASSERT_TRUE(where);
    fraiseql::sql::compiled_operation wc(schema(), where->op, options);
    auto w = bind_case(wc, R"({"w": {"name": {"eq": "a"}}})");
    auto w2 = bind_case(wc, R"({"w": {"name": {"eq": "b%"}}})");
    auto w3 = bind_case(wc, R"({"w": {"name": {"startswith": "b%"}}})");
    auto w4 = bind_case(wc, R"({"w": {"count": {"in": [1, 2]}, "OR": [{"name": {"eq": "x"}}]}})");
    auto w5 = bind_case(wc, R"({"w": {"count": {"in": [3, 4]}, "OR": [{"name": {"eq": "y"}}]}})");
    ASSERT_TRUE(w && w2 && w3 && w4 && w5);
    EXPECT_EQ(w->shape, w2->shape);
    EXPECT_NE(w->shape, w3->shape);
    EXPECT_EQ(w4->shape, w5->shape);
    EXPECT_EQ(params_of(*w2, 0)[0], "b%");
    EXPECT_EQ(params_of(*w3, 0)[0], "b\\%%");
    EXPECT_EQ(params_of(*w5, 0), (std::vector<std::string>{"{\"3\",\"4\"}", "y", "100"}));
    EXPECT_EQ(wc.shapes(), 3u);
    // A JSON operand is one parameter: the strings inside it are covered by it.
    auto meta = bind_case(wc, R"({"w": {"meta": {"eq": {"a": "x"}}}})");
    auto meta2 = bind_case(wc, R"({"w": {"meta": {"eq": {"a": "y"}}}})");
    ASSERT_TRUE(meta && meta2);
    EXPECT_EQ(meta->shape, meta2->shape);
    EXPECT_EQ(params_of(*meta2, 0)[0], "{\"a\":\"y\"}");
    // Coercion refuses it (inRange without `to`): the uncached road reports it.
    auto half = bind_case(wc, R"({"w": {"ip": {"inRange": {"from": "10.0.0.1"}}}})");
    ASSERT_FALSE(half);
    EXPECT_EQ(half.error(), R::bind);
    // A null operand: the compiler's error, declined for its value.
    auto null_op = bind_case(wc, R"({"w": {"name": {"eq": null}}})");
    ASSERT_FALSE(null_op);
    EXPECT_EQ(null_op.error(), R::value);

    // The by-id shape: one shape for every id, the id a view into the request's variables.
    auto single = prepare("cache_single_and_list");
    ASSERT_TRUE(single);
    fraiseql::sql::compiled_operation bc(schema(), single->op, options);
    auto one = bind_case(bc, R"({"id": "33333333-3333-3333-3333-333333333333", "l": 7})");
    auto two = bind_case(bc, R"({"id": "44444444-3333-3333-3333-333333333333", "l": 9})");
    ASSERT_TRUE(one && two);
    EXPECT_EQ(one->shape, two->shape);
    EXPECT_EQ(two->roots[0].params[0].text, "44444444-3333-3333-3333-333333333333");
    EXPECT_EQ(bc.shapes(), 1u);
}

TEST(plan_cache_roads, where_operands_are_slots) {
    using R = fraiseql::sql::uncached_reason;
    // Scalars inside where (a nested relation filter, embedded objects, NOT): one shape for
    // every value, each request's values in its parameters.
    auto ops = prepare("cache_where_operands");
    ASSERT_TRUE(ops);
    fraiseql::sql::compiled_operation oc(schema(), ops->op, options);
    auto first = bind_case(oc, R"({"a": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "v": 5,
        "n": "Ann", "d": "2024-02-29", "p": 0.1, "amt": "12.50", "big": "1", "c": "FR"})");
    auto second = bind_case(oc, R"({"a": "b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "v": 7,
        "n": "Bob", "d": "2025-01-01", "p": 2.5, "amt": "3", "big": "2", "c": "DE"})");
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->shape, second->shape);
    EXPECT_TRUE(first->compiled_now);
    EXPECT_FALSE(second->compiled_now);
    ASSERT_TRUE(second->roots[0].compiled && second->roots[1].compiled);
    EXPECT_EQ(params_of(*second, 0),
              (std::vector<std::string>{"b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "7", "Bob",
                                        "2025-01-01", "2.5", "3", "2", "DE", "100"}));
    EXPECT_EQ(params_of(*second, 1),
              (std::vector<std::string>{"b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "7", "DE",
                                        "Bob", "100"}));
    EXPECT_EQ(oc.shapes(), 1u);
    // Absent: that operand is not in the SQL (another shape); null: the uncached road's error.
    auto absent = bind_case(oc, R"({"a": "b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "v": 7,
        "c": "DE"})");
    ASSERT_TRUE(absent);
    EXPECT_NE(absent->shape, first->shape);
    EXPECT_EQ(params_of(*absent, 1).size(), 4u); // a, v, c, limit
    auto null = bind_case(oc, R"({"a": "b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "v": 7,
        "n": null, "c": "DE"})");
    ASSERT_FALSE(null);
    EXPECT_EQ(null.error(), R::value);
    // A NUL in an operand of a cached shape (absent's): declined for its value, as the
    // compiler refuses it.
    auto nul = bind_case(oc, R"({"a": "b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "v": 7,
        "c": "D\u0000"})");
    ASSERT_FALSE(nul);
    EXPECT_EQ(nul.error(), R::value);

    // Lists: one shape for every non-empty list; an empty one is its own shape (FALSE).
    auto lists = prepare("cache_where_lists");
    ASSERT_TRUE(lists);
    fraiseql::sql::compiled_operation lc(schema(), lists->op, options);
    auto two = bind_case(lc, R"({"ids": ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        "b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12"], "names": ["x"], "st": ["ACTIVE"],
        "counts": [1], "tags": ["a"], "labels": ["l"]})");
    auto three = bind_case(lc, R"({"ids": ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        "b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12", "c0eebc99-9c0b-4ef8-bb6d-6bb9bd380a13"],
        "names": ["x", "y,\"z"], "st": ["ACTIVE", "ARCHIVED"], "counts": [1, 2],
        "tags": ["b"], "labels": ["m", "n"]})");
    auto none = bind_case(lc, R"({"ids": [], "names": ["x"], "st": ["ACTIVE"], "counts": [1],
        "tags": ["a"], "labels": ["l"]})");
    ASSERT_TRUE(two && three && none);
    EXPECT_EQ(two->shape, three->shape);
    EXPECT_NE(none->shape, two->shape);
    EXPECT_EQ(params_of(*three, 0)[0],
              "{\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\",\"b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12\","
              "\"c0eebc99-9c0b-4ef8-bb6d-6bb9bd380a13\"}");
    EXPECT_EQ(params_of(*three, 0)[1], "{\"x\",\"y,\\\"z\"}");
    EXPECT_NE(none->roots[0].compiled->text.find("FALSE"), std::string::npos);
    EXPECT_EQ(lc.shapes(), 2u);

    // Parameters that are not the value's text: LIKE patterns escaped, JSON, a vector.
    auto text = prepare("cache_where_text_types");
    ASSERT_TRUE(text);
    fraiseql::sql::compiled_operation tc(schema(), text->op, options);
    auto own = tc.bind(fraiseql::test::input_from_json(text->variables));
    ASSERT_TRUE(own);
    auto other = bind_case(tc, R"({"s": "100%", "pre": "a\\b", "suf": "_", "re": "x",
        "q": "cat", "path": "a.b", "lq": "a.*", "lvl": 3, "ip": "::1", "net": "::/0",
        "from": "::1", "to": "::2", "key": "k", "vec": [1, 2], "lt": 1, "money": "9",
        "t": "2020-01-01T00:00:00Z"})");
    ASSERT_TRUE(other);
    EXPECT_EQ(own->shape, other->shape);
    const auto p = params_of(*other, 0);
    ASSERT_EQ(p.size(), 17u);
    EXPECT_EQ(p[0], "%100\\%%");
    EXPECT_EQ(p[1], "a\\\\b%");
    EXPECT_EQ(p[2], "%\\_");
    EXPECT_EQ(p[12], "[1,2]");
    EXPECT_EQ(p[14], "\"9\"");

    // Under a list literal (OR): keyed by value, so a string or number there takes the
    // uncached road; without them, the operands outside OR are slots.
    auto both = prepare("cache_where_single_and_list");
    ASSERT_TRUE(both);
    fraiseql::sql::compiled_operation bc(schema(), both->op, options);
    auto or_string = bind_case(bc, R"({"a": "24c9e15e-52af-c47c-225b-757e7bee1f9d", "v": 1,
        "o": "Bob"})");
    ASSERT_FALSE(or_string);
    EXPECT_EQ(or_string.error(), R::variables);
    auto x = bind_case(bc, R"({"a": "24c9e15e-52af-c47c-225b-757e7bee1f9d", "v": 1})");
    auto y = bind_case(bc, R"({"a": "34c9e15e-52af-c47c-225b-757e7bee1f9d", "v": 2})");
    ASSERT_TRUE(x && y);
    EXPECT_EQ(x->shape, y->shape);
    EXPECT_EQ(params_of(*y, 1), (std::vector<std::string>{"34c9e15e-52af-c47c-225b-757e7bee1f9d"}));
}

// The JSON road serves whole `where: $w` objects (ADR 0017, amendment session 11): the
// cases whose variables are such objects (beside scalar slots and values keyed verbatim)
// are bound from the request's JSON in place once bind() has compiled their shape, with the
// shape and parameters bind() gives (check() compares them for every set); and a one-step
// mutation that coercion would change or refuse, or the compiler refuse, is declined.
TEST(plan_cache_roads, json_road_serves_whole_where_objects) {
    std::vector<std::string> served;
    std::size_t with_variables = 0;
    for (const auto& n : cases()) {
        auto c = prepare(n);
        if (!c || !c->variables.is_object()) continue;
        ++with_variables;
        fraiseql::sql::compiled_operation cache(schema(), c->op, options);
        if (!cache.bind(fraiseql::test::input_from_json(c->variables))) continue;
        if (fraiseql::exec::bind_json(cache, c->variables)) served.push_back(n);
    }
    for (const char* n : {"cache_where_object_logic", "cache_where_variable", "scalars_variables"})
        EXPECT_NE(std::find(served.begin(), served.end(), n), served.end())
            << n << ": its own variables are not served by the JSON road";
    std::cout << "JSON road: " << served.size() << " of " << with_variables
              << " cases with variables served on their own variables:";
    for (const auto& n : served) std::cout << " " << n;
    std::cout << "\n";

    auto c = prepare("cache_where_variable");
    ASSERT_TRUE(c);
    fraiseql::sql::compiled_operation cache(schema(), c->op, options);
    // The shapes the mutations below would hit if a check were missing (warm: bind()).
    for (const char* warm : {
             R"({"w": {"name": {"eq": "a"}, "count": {"in": [1]}}})",
             R"({"w": {"name": {"eq": "a"}, "count": {"in": [1, 2]}}})",
             R"({"w": {"name": {"eq": "a"}, "status": {"eq": "ACTIVE"}}})",
             R"({"w": {"ip": {"inRange": {"from": "10.0.0.1", "to": "10.0.0.9"}}}})",
             R"({"w": {"OR": [{"name": {"eq": "a"}}, {"name": {"eq": "b"}}]}})"})
        ASSERT_TRUE(cache.bind(fraiseql::test::input_from_json(bj::parse(warm)))) << warm;
    struct expectation {
        const char* vars;
        bool json_road;
    };
    const expectation cases_[] = {
        // Served: the warm shapes with other values (an Int for a Float is the scalar rule's).
        {R"({"w": {"name": {"eq": "zz"}, "count": {"in": [7, 8]}}})", true},
        {R"({"w": {"name": {"eq": "a"}, "status": {"eq": "ARCHIVED"}}})", false}, // a new shape
        {R"({"w": {"ip": {"inRange": {"from": "::1", "to": "::2"}}}})", true},
        {R"({"w": {"OR": [{"name": {"eq": "x"}}, {"name": {"eq": "y"}}]}})", true},
        // Declined, one step away from a served one:
        {R"({"w": {"name": {"eq": "a"}, "count": {"in": [1]}, "nope": {"eq": 1}}})", false}, // unknown key
        {R"({"w": {"ip": {"inRange": {"from": "10.0.0.1"}}}})", false}, // a required field absent
        {R"({"w": {"name": {"eq": "a"}, "count": {"in": 1}}})", false},       // a single value for a list
        {R"({"w": {"name": {"eq": "a"}, "status": {"eq": "ACTIVEE"}}})", false}, // an enum misspelled
        {R"({"w": {"name": {"eq": "a"}, "count": {"in": ["1"]}}})", false},   // a string for a number
        {R"({"w": {"name": {"eq": 1}, "count": {"in": [1]}}})", false},       // a number for a string
        {R"({"w": {"name": {"eq": "a\u0000"}, "count": {"in": [1]}}})", false}, // NUL
        {R"({"w": {"OR": [{"name": {"eq": "x"}}, {"name": {"eq": "y"}}, {"name": {"eq": "z"}}]}})",
         false}, // an OR of three is not an OR of two
    };
    for (const auto& e : cases_) {
        const bj::value vars = bj::parse(e.vars);
        auto j = fraiseql::exec::bind_json(cache, vars);
        EXPECT_EQ(j.has_value(), e.json_road) << e.vars;
        tally t;
        check("cache_where_variable", cache, *c->op, vars, t); // the same answer as bind()
    }
}

TEST(plan_cache_fuzz, random_variable_sets_within_a_budget) {
    using R = fraiseql::sql::uncached_reason;
    std::uint64_t seed = 15017;
    if (const char* s = std::getenv("FRAISEQL_PLAN_CACHE_FUZZ_SEED")) seed = std::strtoull(s, nullptr, 10);
    std::mt19937_64 rng(seed);
    std::vector<std::pair<std::string, prepared_case>> all;
    for (const auto& n : cases())
        if (auto c = prepare(n)) all.emplace_back(n, std::move(*c));
    ASSERT_FALSE(all.empty());
    // The budget: bindings, and wall time for a slow (sanitizer) build.
    constexpr std::size_t max_bindings = 4000;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    tally t;
    std::map<std::string, std::unique_ptr<fraiseql::sql::compiled_operation>> caches;
    std::size_t n = 0;
    for (; n < max_bindings && std::chrono::steady_clock::now() < until; ++n) {
        auto& [name, c] = all[rng() % all.size()];
        auto& cache = caches[name];
        if (!cache || rng() % 50 == 0) // now and then a cold cache
            cache = std::make_unique<fraiseql::sql::compiled_operation>(schema(), c.op, options);
        bj::value v = c.variables;
        for (int steps = 1 + static_cast<int>(rng() % 3); steps > 0; --steps) {
            std::vector<bj::value> next;
            mutations(v, next);
            if (next.empty()) break;
            v = next[rng() % next.size()];
        }
        check(name, *cache, *c.op, v, t);
        if (::testing::Test::HasFailure()) break;
    }
    EXPECT_GE(n, 200u) << "the budget ran out too early to mean anything";
    // Most random sets are invalid (a UUID with a letter added, a string for an Int): the
    // uncached road refuses them too. The valid ones must mostly be served by the cache.
    EXPECT_GT(t.compiled, n / 10) << "too few random sets took the cached road";
    std::cout << "plan cache fuzz: seed " << seed << ", " << n << " sets, " << t.compiled
              << " through the cache; declined: variables " << t.declined[R::variables]
              << ", not cacheable " << t.declined[R::not_cacheable] << ", value "
              << t.declined[R::value] << ", bind " << t.declined[R::bind] << "; " << t.json
              << " also on the JSON road\n";
}

} // namespace

namespace json_road {

std::shared_ptr<const fraiseql::graphql::prepared_operation> prepare_text(const std::string& text) {
    auto doc = fraiseql::graphql::parse_executable(text);
    if (!doc) return nullptr;
    auto shared = std::make_shared<const fraiseql::graphql::document>(std::move(*doc));
    if (!fraiseql::graphql::validate(schema(), *shared).empty()) return nullptr;
    auto op = fraiseql::graphql::prepare_operation(schema(), shared, "");
    return op ? *op : nullptr;
}

/// The uncached road alone: bind_operation's errors, or each root compiled.
std::string uncached_text(const fraiseql::graphql::prepared_operation& op, const bj::value& vars) {
    auto plan = fraiseql::graphql::bind_operation(op, fraiseql::test::input_from_json(vars));
    if (!plan) {
        std::string out = "errors:";
        for (const auto& e : plan.error()) out += "\n" + e.message;
        return out;
    }
    std::vector<root_out> got;
    for (const auto& fp : plan->root_fields)
        if (reads(fp)) got.push_back(compile_root(fp));
    return describe(got);
}

struct road_case {
    const char* query;
    const char* warm;      ///< variables that compile the shape first
    const char* vars;
    bool json_road;        ///< exec::bind_json binds it (else it declines, for bind() to answer)
    const char* contains;  ///< in the answer: a parameter or an error message
};

} // namespace json_road

// The JSON road (exec::bind_json: a scalar variable read in place from the request's JSON,
// no input_value tree) against the uncached road, for the values whose coercion or
// compilation fails or converts: the server's answer is the uncached road's, errors and
// all, and the JSON road binds only what it can prove (declining the rest to bind()).
TEST(plan_cache_roads, json_road_answers_as_the_uncached_road) {
    using namespace json_road;
    const char* by_id = "query ($id: UUID!) { item(id: $id) { id name } }";
    const char* page = "query ($l: Int, $o: Int) { items(limit: $l, offset: $o) { id name } }";
    const char* dflt = "query ($l: Int = 5) { items(limit: $l) { id } }";
    const char* named = "query ($n: String!) { items(where: {name: {eq: $n}}) { id } }";
    const char* whole = "query ($w: ItemWhereInput) { items(where: $w) { id } }";
    const char* uuid = R"({"id": "24c9e15e-52af-c47c-225b-757e7bee1f9d"})";
    const road_case cases[] = {
        {by_id, uuid, R"({"id": "aaaaaaaa-52af-c47c-225b-757e7bee1f9d"})", true,
         "'aaaaaaaa-52af-c47c-225b-757e7bee1f9d'"},
        {by_id, uuid, R"({"id": "aaaaaaaa-52af-c47c-225b-757e7bee1f9d", "other": [1]})", true,
         "'aaaaaaaa-52af-c47c-225b-757e7bee1f9d'"},
        {by_id, uuid, R"({"id": "not-a-uuid"})", false,
         "Variable \"$id\" got invalid value \"not-a-uuid\"; UUID cannot represent value: "
         "\"not-a-uuid\" (expected a UUID such as \"123e4567-e89b-12d3-a456-426614174000\")"},
        {by_id, uuid, R"({"id": 7})", false, "UUID cannot represent value: 7"},
        {by_id, uuid, R"({"id": null})", false,
         "Expected non-nullable type \"UUID!\" not to be null."},
        {by_id, uuid, R"({})", false, "Variable \"$id\" of required type \"UUID!\" was not provided."},
        {by_id, uuid, R"(null)", false, "Variable \"$id\" of required type \"UUID!\" was not provided."},
        {by_id, uuid, R"([1])", false, "Variables must be provided as an object."},
        {page, R"({"l": 3, "o": 1})", R"({"l": 7, "o": 2})", true, "'7'\n  '2'"},
        {page, R"({"l": 3, "o": 1})", R"({"l": 5000, "o": 0})", true, "'100'\n  '0'"},
        {page, R"({"l": 3, "o": 1})", R"({"l": 4.0, "o": 1})", true, "'4'\n  '1'"},
        {page, R"({"l": 3, "o": 1})", R"({"l": 2147483648, "o": 1})", false,
         "Int cannot represent non 32-bit signed integer value: 2147483648"},
        {page, R"({"l": 3, "o": 1})", R"({"l": 2.5, "o": 1})", false,
         "Int cannot represent non-integer value: 2.5"},
        {page, R"({"l": 3, "o": 1})", R"({"l": "3", "o": 1})", false,
         "Int cannot represent non-integer value: \"3\""},
        {page, R"({"l": 3, "o": 1})", R"({"l": -1, "o": 1})", false, "\"limit\" must not be negative."},
        {page, R"({"l": 3, "o": 1})", R"({"l": 3})", false, "'3'"},
        {page, R"({"l": 3})", R"({"l": 8})", true, "'8'"},
        {page, R"({"l": 3, "o": null})", R"({"l": 8, "o": null})", true, "'8'"},
        {page, R"({"l": 3})", R"({"l": 8, "o": null})", false, "'8'"},
        {page, R"({"l": null, "o": 1})", R"({"l": null, "o": 6})", true, "'6'"},
        {dflt, R"({"l": 3})", R"({})", false, "'5'"},
        {dflt, R"({"l": 3})", R"({"l": 9})", true, "'9'"},
        {named, R"({"n": "a"})", R"({"n": "with \"quotes\" and ünïcode"})", true,
         "'with \"quotes\" and ünïcode'"},
        {named, R"({"n": "a"})", R"({"n": "nul\u0000inside"})", false, "contains the NUL character"},
        // A whole where object (session 11): served in place, or the uncached road's answer.
        {whole, R"({"w": {"name": {"startswith": "a"}, "count": {"gt": 1}}})",
         R"({"w": {"name": {"startswith": "b_%"}, "count": {"gt": 2.0}}})", true, "'b\\_\\%%'\n  '2'"},
        {whole, R"({"w": {"name": {"startswith": "a"}}})", R"({"w": {"name": {"startswith": "a"}, "nope": 1}})",
         false, "Field \"nope\" is not defined by type \"ItemWhereInput\"."},
        {whole, R"({"w": {"count": {"in": [1]}}})", R"({"w": {"count": {"in": 1}}})", false, "'{\"1\"}'"},
        {whole, R"({"w": {"status": {"eq": "ACTIVE"}}})", R"({"w": {"status": {"eq": "ACTIV"}}})", false,
         "Value \"ACTIV\" does not exist in \"Status\" enum."},
        {whole, R"({"w": {"name": {"eq": "a"}}})", R"({"w": {"name": {"eq": "a\u0000"}}})", false,
         "contains the NUL character"},
    };
    for (const auto& c : cases) {
        const std::string where = std::string(c.query) + " with " + c.vars;
        auto op = prepare_text(c.query);
        ASSERT_TRUE(op) << where;
        fraiseql::sql::compiled_operation cache(schema(), op, options);
        ASSERT_TRUE(cache.bind(fraiseql::test::input_from_json(bj::parse(c.warm)))) << where;
        const bj::value vars = bj::parse(c.vars);
        EXPECT_EQ(fraiseql::exec::bind_json(cache, vars).has_value(), c.json_road) << where;

        // The server's road, through an entry that holds this very cache.
        auto entry = std::make_shared<fraiseql::exec::cached_operation>();
        entry->op = op;
        entry->compiled = std::make_unique<const fraiseql::sql::compiled_operation>(schema(), op, options);
        ASSERT_TRUE(entry->compiled->bind(fraiseql::test::input_from_json(bj::parse(c.warm))));
        fraiseql::exec::binding_counters counters;
        auto r = fraiseql::exec::bind_request({entry, std::nullopt}, vars, counters);
        std::string got;
        if (!r) {
            got = "errors:";
            for (const auto& e : r.error().errors) got += "\n" + e.message;
        } else if (r->binding) {
            got = describe(outputs(*r->binding));
        } else {
            std::vector<root_out> roots;
            for (const auto& fp : r->owned.root_fields)
                if (reads(fp)) roots.push_back(compile_root(fp));
            got = describe(roots);
        }
        const std::string expected = uncached_text(*op, vars);
        EXPECT_EQ(got, expected) << where;
        EXPECT_NE(expected.find(c.contains), std::string::npos) << where << "\n" << expected;
        // A JSON-road hit counts as a compiled-plan hit, like bind()'s.
        if (c.json_road) {
            EXPECT_EQ(counters.compiled.load(), 1u) << where;
        }
    }
}

namespace connections {

using R = fraiseql::sql::uncached_reason;

/// A connection operation: `$n` its page size (`first` or `last`), `$a`/`$b` its cursors
/// (`after`/`before`), `vars` its other variables; `values` the key value arrays of real
/// cursors of its ordering (under `vars`), the first without a null, then others.
struct conn_case {
    const char* query;
    const char* vars;
    std::vector<const char*> values;
};

const conn_case conn_cases[] = {
    // Forward, a text key ASC (NULLS LAST), the page info needing the other-side check.
    {"query ($n: Int, $a: String) { itemsConnection(first: $n, after: $a, orderBy: [{name: ASC}]) "
     "{ edges { cursor node { id name } } pageInfo { hasNextPage hasPreviousPage endCursor } } }",
     "{}",
     {R"(["Ann", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])",
      R"(["Bob", "b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])",
      R"([null, "c0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])"}},
    // Backward, an Int key DESC NULLS LAST, totalCount and the other-side check.
    {"query ($n: Int, $b: String) { itemsConnection(last: $n, before: $b, "
     "orderBy: [{count: DESC_NULLS_LAST}]) { totalCount edges { node { id } } "
     "pageInfo { hasNextPage hasPreviousPage startCursor } } }",
     "{}",
     {R"([5, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])", R"([-7, "b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])",
      R"([null, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])"}},
    // Both cursors, the direction an enum variable (another one: a foreign ordering), and
    // DESC leading (NULLS FIRST: the redundant range condition).
    {"query ($d: OrderDirection!, $n: Int, $a: String, $b: String) { itemsConnection(first: $n, "
     "after: $a, before: $b, orderBy: [{count: $d}, {name: ASC_NULLS_FIRST}]) { edges { cursor } "
     "pageInfo { hasPreviousPage hasNextPage } } }",
     R"({"d": "DESC"})",
     {R"([3, "x", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])",
      R"([4, "y", "b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])",
      R"([null, "x", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])",
      R"([3, null, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])",
      R"([null, null, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])"}},
    // where operands as slots (a number, a LIKE pattern), totalCount under @skip.
    {"query ($n: Int, $a: String, $v: Int, $s: String, $t: Boolean!) { itemsConnection(first: $n, "
     "after: $a, where: {count: {gte: $v}, name: {startswith: $s}}) { totalCount @skip(if: $t) "
     "edges { node { id count } } pageInfo { endCursor } } }",
     R"({"v": 2, "s": "A%", "t": false})",
     {R"(["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])", R"(["b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])"}},
    // A whole where object, and the same cursor variable as both after and before.
    {"query ($n: Int, $a: String, $w: ItemWhereInput) { itemsConnection(last: $n, after: $a, "
     "before: $a, where: $w, orderBy: [{price: ASC}]) { totalCount edges { node { id } } } }",
     R"({"w": {"name": {"eq": "x"}, "OR": [{"count": {"lt": 3}}]}})",
     {R"([1.5, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])", R"([2.25, "b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])",
      R"([null, "b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])"}},
    // Real columns (a hybrid table), NULLS FIRST ascending, a DateTime key.
    {"query ($n: Int, $a: String) { machinesConnection(first: $n, after: $a, "
     "orderBy: [{priority: ASC_NULLS_FIRST}, {createdAt: DESC}]) { totalCount "
     "edges { cursor node { id name } } pageInfo { hasPreviousPage } } }",
     "{}",
     {R"([1, "2024-01-01T10:00:00+00:00", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])",
      R"([2, "2025-01-01T10:00:00+00:00", "b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])",
      R"([null, "2024-01-01T10:00:00+00:00", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])",
      R"([1, null, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])"}},
    // A plain relation ordered by its id alone: an all-null cursor (forged) has no parameter
    // to check it by, so that shape is not cached.
    {"query ($n: Int, $a: String) { plainsConnection(first: $n, after: $a) { edges { cursor } } }",
     "{}", {R"([7])", R"([8])", R"([null])"}},
    // first and last both variables: both given is the compiler's error (declined).
    {"query ($n: Int, $l: Int, $a: String, $b: String) { itemsConnection(first: $n, last: $l, "
     "after: $a, before: $b) { edges { cursor } pageInfo { hasNextPage hasPreviousPage } } }",
     R"({"l": null})",
     {R"(["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])", R"(["b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])"}},
    // No cursor variable: every variable a scalar slot, so the JSON road binds it too.
    {"query ($n: Int, $v: Int) { itemsConnection(last: $n, where: {count: {lt: $v}}) "
     "{ totalCount edges { node { id } } pageInfo { hasPreviousPage } } }",
     R"({"v": 4})", {R"(["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])"}},
};

/// The signature of the case's connection under `vars` (the uncached compiler's).
std::string signature_of(const fraiseql::graphql::prepared_operation& op, const bj::value& vars) {
    auto plan = fraiseql::graphql::bind_operation(op, fraiseql::test::input_from_json(vars));
    if (!plan) return {};
    for (const auto& fp : plan->root_fields)
        if (fp.resolved_by == fraiseql::graphql::root_resolver::connection)
            if (auto c = fraiseql::sql::compile_connection(schema(), fp, options.max_page_size))
                return c->signature;
    return {};
}

bool declares(const fraiseql::sql::compiled_operation& c, std::string_view name) {
    const auto names = c.variable_names();
    return std::find(names.begin(), names.end(), name) != names.end();
}

/// Every page size and cursor variant (absent, null, real ones, foreign, short, malformed)
/// over the case's variables, and the generic one-step mutations of a set with real cursors.
std::vector<bj::value> connection_sets(const conn_case& c, const fraiseql::sql::compiled_operation& co,
                                       const std::string& sig) {
    const bj::object base = bj::parse(c.vars).as_object();
    std::vector<bj::value> cursors{nullptr};
    for (const char* v : c.values) cursors.emplace_back(fraiseql::sql::encode_cursor(sig, v));
    cursors.emplace_back(fraiseql::sql::encode_cursor("0badf00d", c.values[0])); // another ordering
    cursors.emplace_back(fraiseql::sql::encode_cursor(sig, "[1]"));               // another length
    cursors.emplace_back(fraiseql::sql::encode_cursor(sig, "[\"a\\u0000\", 1, 2]")); // NUL
    cursors.emplace_back("bm9wZQ");                                                 // malformed
    cursors.emplace_back("");
    const std::vector<bj::value> sizes{nullptr, 0, 3, -1, 5000, 100, 99, 101};
    // The cursor variables: the first declared takes every variant, a second one (`$b`
    // beside `$a`) null, a real one or absent.
    std::vector<const char*> vars;
    for (const char* v : {"a", "b"})
        if (declares(co, v)) vars.push_back(v);
    const std::vector<const bj::value*> second{&cursors[0], &cursors[1], nullptr};
    std::vector<bj::value> out;
    auto with = [](bj::object o, const char* k, const bj::value* v) {
        if (v) o[k] = *v;
        return o;
    };
    for (int absent_n = 0; absent_n < 2; ++absent_n)
        for (const auto& n : sizes) {
            const bj::object o = with(base, "n", absent_n ? nullptr : &n);
            if (vars.empty()) out.emplace_back(o);
            for (std::size_t a = 0; a <= cursors.size() && !vars.empty(); ++a) { // size: absent
                const bj::object oa = with(o, vars[0], a < cursors.size() ? &cursors[a] : nullptr);
                if (vars.size() < 2) out.emplace_back(oa);
                else
                    for (const auto* b : second) out.emplace_back(with(oa, vars[1], b));
            }
            if (absent_n) break;
        }
    bj::object real = base;
    real["n"] = 3;
    for (const char* v : vars) real[v] = cursors[1];
    out.emplace_back(real);
    mutations(bj::value(real), out);
    return out;
}

} // namespace connections

// Connection fields on the compiled-plan road (docs/adr/0017, "connections"): every page
// size (absent, null, 0, negative, above max_page_size), every cursor (absent, null, real ones
// with and without nulls in their keys, another ordering's, another length, malformed) and
// the generic mutations, through a cold and a warm cache in both orders, give exactly the
// uncached road's SQL, parameters and page inputs, or decline where the uncached road refuses.
TEST(plan_cache_connections, cached_road_matches_uncached_road) {
    using namespace connections;
    tally t;
    for (const auto& c : conn_cases) {
        auto op = json_road::prepare_text(c.query);
        ASSERT_TRUE(op) << c.query;
        fraiseql::sql::compiled_operation probe(schema(), op, options);
        const std::string sig = signature_of(*op, bj::parse(c.vars));
        ASSERT_FALSE(sig.empty()) << c.query;
        const auto sets = connection_sets(c, probe, sig);
        {
            fraiseql::sql::compiled_operation cache(schema(), op, options);
            for (const auto& v : sets) check(c.query, cache, *op, v, t);
            for (const auto& v : sets) check(c.query, cache, *op, v, t);
        }
        fraiseql::sql::compiled_operation cache(schema(), op, options);
        for (auto it = sets.rbegin(); it != sets.rend(); ++it) check(c.query, cache, *op, *it, t);
        if (::testing::Test::HasFailure()) break;
    }
    EXPECT_GT(t.compiled, 1000u);
    EXPECT_GT(t.json, 10u);
    EXPECT_GT(t.declined[R::value], 100u);
    std::cout << "connections: " << t.compiled << " through the cache (" << t.json
              << " on the JSON road too); declined: variables "
              << t.declined[R::variables] << ", not cacheable " << t.declined[R::not_cacheable]
              << ", value " << t.declined[R::value] << ", bind " << t.declined[R::bind] << "\n";
}

// One shape serves every page of a walk: another page size and another real cursor of the
// same null-ness are a hit of the same shape; a cursor with a null key value is another
// shape (its keyset SQL differs); what the compiler refuses is declined for its value.
TEST(plan_cache_connections, one_shape_per_walk) {
    using namespace connections;
    const conn_case& c = conn_cases[0];
    auto op = json_road::prepare_text(c.query);
    ASSERT_TRUE(op);
    const std::string sig = signature_of(*op, bj::parse(c.vars));
    fraiseql::sql::compiled_operation cache(schema(), op, options);
    auto page = [&](const bj::value& n, const char* values) {
        bj::object o;
        o["n"] = n;
        if (values) o["a"] = fraiseql::sql::encode_cursor(sig, values);
        return cache.bind(fraiseql::test::input_from_json(o));
    };
    auto first = page(3, nullptr);
    auto second = page(3, c.values[0]);
    auto third = page(5000, c.values[1]);
    ASSERT_TRUE(first && second && third);
    EXPECT_NE(first->shape, second->shape); // no cursor: no keyset condition
    EXPECT_EQ(second->shape, third->shape);
    EXPECT_TRUE(second->compiled_now);
    EXPECT_FALSE(third->compiled_now);
    EXPECT_EQ(second->roots[0].page_size, 3u);
    EXPECT_EQ(third->roots[0].page_size, 100u); // capped by max_page_size
    EXPECT_EQ(params_of(*third, 0),
              (std::vector<std::string>{"Bob", "b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "101"}));
    auto nulls = page(3, c.values[2]);
    ASSERT_TRUE(nulls);
    EXPECT_NE(nulls->shape, second->shape);
    EXPECT_NE(nulls->roots[0].compiled->text, second->roots[0].compiled->text);
    EXPECT_EQ(params_of(*nulls, 0),
              (std::vector<std::string>{"c0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "4"}));
    EXPECT_EQ(cache.shapes(), 3u);
    // Warm shapes, refused values: declined, for the uncached road's error.
    auto negative = page(-1, c.values[0]);
    ASSERT_FALSE(negative);
    EXPECT_EQ(negative.error(), R::value);
    bj::object foreign;
    foreign["n"] = 3;
    foreign["a"] = fraiseql::sql::encode_cursor("0badf00d", c.values[0]);
    auto f = cache.bind(fraiseql::test::input_from_json(foreign));
    ASSERT_FALSE(f);
    EXPECT_EQ(f.error(), R::value);
    EXPECT_EQ(cache.shapes(), 3u);
}
