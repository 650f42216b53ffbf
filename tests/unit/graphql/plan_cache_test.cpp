// The compiled-plan cache (product.md §5): the normalised key (lexer only, spec §2.1
// Ignored Tokens) and prepare_operation + bind_operation against the one-pass planner
// plan_operation, which stays the reference: on every valid document of the corpus and
// every set of variables, both must give the same plan, or the same errors in the same
// order.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
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

namespace fraiseql::graphql {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

input_value from_json(const boost::json::value& v) {
    switch (v.kind()) {
    case boost::json::kind::null:
        return input_value::null();
    case boost::json::kind::bool_:
        return input_value::boolean(v.get_bool());
    case boost::json::kind::int64:
        return input_value::integer(v.get_int64());
    case boost::json::kind::uint64:
        return input_value::floating(double(v.get_uint64()));
    case boost::json::kind::double_:
        return input_value::floating(v.get_double());
    case boost::json::kind::string:
        return input_value::string(std::string(v.get_string()));
    case boost::json::kind::array: {
        input_value::list_t items;
        for (const auto& x : v.get_array())
            items.push_back(from_json(x));
        return input_value::list(std::move(items));
    }
    case boost::json::kind::object: {
        input_value::object_t fields;
        for (const auto& [k, x] : v.get_object())
            fields.emplace_back(std::string(k), from_json(x));
        return input_value::object(std::move(fields));
    }
    }
    return input_value::null();
}

input_value vars(std::string_view json) {
    return from_json(boost::json::parse(json));
}

// ---- normalisation ------------------------------------------------------------------

std::string norm(std::string_view text) {
    auto n = normalize_operation_text(text);
    EXPECT_TRUE(n) << text;
    return n ? n->text : std::string("<none>");
}

TEST(plan_cache_normalize, ignored_tokens_do_not_count) {
    const std::string base = norm("query Q($id: UUID!) { user(id: $id) { id email } }");
    EXPECT_EQ(base, "query Q($id:UUID!){user(id:$id){id email}}");
    EXPECT_EQ(norm("query   Q ( $id : UUID ! ) {\n  user(id: $id) {\n    id,\n    email\n  }\n}\n"),
              base);
    EXPECT_EQ(
        norm("# leading comment\r\nquery Q($id: UUID!) { user(id: $id) { id # the key\n email } }"),
        base);
    EXPECT_EQ(norm("\xEF\xBB\xBFquery Q($id: UUID!),,, { user(id: $id) { id\temail } }"), base);
    EXPECT_EQ(norm("{ ... on Query { a } }"), norm("{...on Query{a}}"));
}

TEST(plan_cache_normalize, significant_differences_never_share_a_key) {
    const std::vector<std::pair<std::string, std::string>> differ = {
        {"{ a b }", "{ ab }"},
        {"{ f(x: [1 2]) }", "{ f(x: [12]) }"},
        {"{ f(x: 1.5) }", "{ f(x: 15) }"},
        {"{ f(s: \"a b\") }", "{ f(s: \"a  b\") }"},
        {"{ f(s: \"a b\") }", "{ f(s: \"ab\") }"},
        {"{ f(s: \"x#y\") z }", "{ f(s: \"x\") z }"},
        {"{ f(s: \"x#y\") z }", "{ f(s: \"x\"#y\") z }"},
        {"{ f(s: \"a,b\") }", "{ f(s: \"ab\") }"},
        {"{ f(s: \"\"\"a\n  b\"\"\") }", "{ f(s: \"\"\"a\n b\"\"\") }"},
        {"{ f(s: \"\"\" # not a comment \"\"\") }", "{ f(s: \"\"\"  \"\"\") }"},
        {"{ f(s: [\"\" \"a\"]) }", "{ f(s: [\"\"\"a\"\"\"]) }"},
        {"{ f(s: \"\\u0041\") }", "{ f(s: \"A\") }"}, // same value, other spelling: two entries
        {"{ ...on T { a } }", "{ ...onT { a } }"},
        {"query { a }", "mutation { a }"},
        {"{ a(x: $v) }", "{ a(x: v) }"},
        {"{ a @skip(if: true) }", "{ a @skip(if: false) }"},
        {"{ a: b }", "{ a b }"},
        {"{ a(x: -1) }", "{ a(x: 1) }"},
    };
    for (const auto& [x, y] : differ)
        EXPECT_NE(norm(x), norm(y)) << x << " | " << y;
}

TEST(plan_cache_normalize, the_key_lexes_back_to_the_same_tokens) {
    const std::vector<std::string> texts = {
        "{ f(s: [\"\" \"a\" \"\"\"b\"\"\"] n: [1 -2 3.5e1 0] e: [A B]) { ... on T { x } ...F } }",
        "query ($a: [Int!]! = [1, 2], $b: String = \"x # y\") { a(x: $a, y: $b) @include(if: true) "
        "}",
        "fragment F on T { a b: c(d: {e: [1, {f: null}]}) }",
    };
    for (const auto& t : texts) {
        auto once = normalize_operation_text(t);
        ASSERT_TRUE(once);
        auto twice = normalize_operation_text(once->text);
        ASSERT_TRUE(twice);
        EXPECT_EQ(once->text, twice->text);
        EXPECT_EQ(once->token_locations.size(), twice->token_locations.size());
        // And it parses to a document that prints like the original's.
        auto a = parse(t);
        auto b = parse(once->text);
        ASSERT_TRUE(a && b);
        EXPECT_EQ(print(*a), print(*b));
    }
}

TEST(plan_cache_normalize, random_layouts_share_and_token_changes_split) {
    const std::string text =
        "query Q($id: UUID!, $f: Boolean = true) { user(id: $id) { id ...C "
        "posts @include(if: $f) { id title } } } fragment C on User { email firstName }";
    auto base = normalize_operation_text(text);
    ASSERT_TRUE(base);
    // Re-lex the key to get the tokens, then rejoin them with random ignored tokens.
    std::vector<std::string> tokens;
    {
        const auto& k = base->text;
        auto locs = normalize_operation_text(k)->token_locations;
        for (std::size_t i = 0; i < locs.size(); ++i) {
            std::size_t start = locs[i].column - 1;
            std::size_t end = i + 1 < locs.size() ? locs[i + 1].column - 1 : k.size();
            std::string tok = k.substr(start, end - start);
            while (!tok.empty() && tok.back() == ' ')
                tok.pop_back();
            tokens.push_back(tok);
        }
    }
    std::mt19937 rng(7);
    const char* fillers[] = {" ", "\n", ",", "\t", "# c\n", " ,\r\n ", "#\"\n"};
    for (int round = 0; round < 200; ++round) {
        std::string out;
        for (const auto& tok : tokens) {
            out += fillers[rng() % 7];
            out += tok;
        }
        out += fillers[rng() % 7];
        auto n = normalize_operation_text(out);
        ASSERT_TRUE(n) << out;
        EXPECT_EQ(n->text, base->text) << out;
        // Replace one Name token by another: a different key.
        auto pos = rng() % tokens.size();
        if (tokens[pos].empty() || !std::isalpha(static_cast<unsigned char>(tokens[pos][0])))
            continue;
        std::string changed;
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            changed += ' ';
            changed += i == pos ? tokens[i] + "x" : tokens[i];
        }
        auto c = normalize_operation_text(changed);
        ASSERT_TRUE(c) << changed;
        EXPECT_NE(c->text, base->text) << changed;
    }
}

TEST(plan_cache_normalize, token_locations_and_limits) {
    auto n = normalize_operation_text("{\n  a(x: \"\\u00e9t\u00e9\") # c\n  b\n}");
    ASSERT_TRUE(n);
    std::vector<source_location> want = {{1, 1}, {2, 3},  {2, 4}, {2, 5}, {2, 6},
                                         {2, 8}, {2, 18}, {3, 3}, {4, 1}};
    EXPECT_EQ(n->token_locations, want);
    EXPECT_FALSE(normalize_operation_text("{ a(x: \"unterminated) }"));
    EXPECT_FALSE(normalize_operation_text("{ a ? }"));
    parse_limits small;
    small.max_tokens = 3;
    EXPECT_FALSE(normalize_operation_text("{ a b }", small));
    EXPECT_TRUE(normalize_operation_text("{ a }", small));
    small.max_bytes = 4;
    EXPECT_FALSE(normalize_operation_text("{ a }", small));
}

// ---- prepare + bind against plan_operation --------------------------------------------

void dump_fields(const std::vector<field_plan>& fields, std::string& out, int indent);

void dump_field(const field_plan& fp, std::string& out, int indent) {
    out.append(static_cast<std::size_t>(indent), ' ');
    out += fp.response_key + "=" + fp.name + " @" + std::to_string(fp.loc.line) + ":" +
           std::to_string(fp.loc.column);
    out += " field=" + std::to_string(reinterpret_cast<std::uintptr_t>(fp.field) != 0) +
           (fp.field ? ":" + fp.field->name : std::string());
    out += " parent=" + (fp.parent ? fp.parent->name : std::string("-"));
    for (const auto& [k, v] : fp.args)
        out += " " + k + "=" + v.to_json() + "/" + std::to_string(int(v.type()));
    out += '\n';
    dump_fields(fp.selection, out, indent + 2);
    for (const auto& [t, sel] : fp.selection_by_type) {
        out.append(static_cast<std::size_t>(indent + 1), ' ');
        out += "on " + t + '\n';
        dump_fields(sel, out, indent + 2);
    }
}

void dump_fields(const std::vector<field_plan>& fields, std::string& out, int indent) {
    for (const auto& f : fields)
        dump_field(f, out, indent);
}

std::string dump(const std::vector<error>& errors) {
    std::string out;
    for (const auto& e : errors) {
        out += "error " + e.code + ": " + e.message;
        for (const auto& l : e.locations)
            out += " @" + std::to_string(l.line) + ":" + std::to_string(l.column);
        out += '\n';
    }
    return out;
}

std::string dump(const fraiseql::result<operation_plan, std::vector<error>>& r) {
    if (!r)
        return dump(r.error());
    std::string out;
    out += "plan " + std::to_string(int(r->kind)) + " " + r->name + '\n';
    dump_fields(r->root_fields, out, 0);
    return out;
}

/// Counts of what the corpus exercised, so a silently empty corpus fails.
struct tally {
    int valid = 0, plans = 0, errors = 0;
    std::vector<std::string> invalid; ///< documents that fail validation but were prepared
};

void check_equivalent(const schema& s, const std::string& text,
                      const std::vector<input_value>& var_sets, tally& t,
                      const std::string& op_name = {}, const plan_options& opts = {}) {
    SCOPED_TRACE(text);
    auto parsed = parse_executable(text);
    ASSERT_TRUE(parsed) << parsed.error().message;
    auto doc = std::make_shared<const document>(std::move(*parsed));
    const bool valid = validate(s, *doc).empty();
    auto prepared = prepare_operation(s, doc, op_name, opts);
    if (valid) {
        ++t.valid;
        ASSERT_TRUE(prepared) << dump(prepared.error());
    }
    if (!prepared)
        return; // an invalid document: refusing it is allowed
    if (!valid)
        t.invalid.push_back(text);
    for (const auto& v : var_sets) {
        SCOPED_TRACE(v.to_json());
        auto want = plan_operation(s, *doc, op_name, v, opts);
        auto got = bind_operation(**prepared, v);
        EXPECT_EQ(dump(got), dump(want));
        ++(want ? t.plans : t.errors);
    }
}

const schema& load(const std::string& relative) {
    static std::map<std::string, std::shared_ptr<schema>> loaded;
    auto& s = loaded[relative];
    if (!s) {
        auto r = load_schema_file(std::string(FRAISEQL_SOURCE_DIR) + "/" + relative);
        if (!r)
            ADD_FAILURE() << relative << " does not build";
        else
            s = *r;
    }
    return *s;
}

TEST(plan_cache_bind, golden_corpus_matches_plan_operation) {
    const fs::path root = fs::path(FRAISEQL_SOURCE_DIR) / "tests" / "golden" / "sql";
    const schema& s = load("tests/golden/sql/schema.graphql");
    tally t;
    int cases = 0;
    for (const auto& e : fs::directory_iterator(root)) {
        if (!e.is_directory() || !fs::exists(e.path() / "query.graphql"))
            continue;
        ++cases;
        std::vector<input_value> sets = {input_value::null(), vars("{}")};
        if (fs::exists(e.path() / "variables.json"))
            sets.push_back(from_json(boost::json::parse(read(e.path() / "variables.json"))));
        check_equivalent(s, read(e.path() / "query.graphql"), sets, t);
    }
    EXPECT_GE(cases, 40);
    EXPECT_GE(t.valid, 30);
    EXPECT_GT(t.plans, 30);
    EXPECT_GT(t.errors, 5);
}

TEST(plan_cache_bind, bench_shapes_match_plan_operation) {
    const schema& s = load("bench/schema/bench.graphql");
    tally t;
    for (const auto& e :
         fs::directory_iterator(fs::path(FRAISEQL_SOURCE_DIR) / "bench" / "queries")) {
        if (e.path().string().find(".fraiseql.json") == std::string::npos)
            continue;
        auto jv = boost::json::parse(read(e.path())).as_object();
        std::vector<input_value> sets = {vars("{}")};
        if (jv.contains("variables"))
            sets.push_back(from_json(jv["variables"]));
        check_equivalent(s, std::string(jv["query"].as_string()), sets, t);
    }
    EXPECT_EQ(t.valid, 5);
    EXPECT_GE(t.plans, 5);
}

// Hand-written cases on the blog schema, each with several sets of variables.
TEST(plan_cache_bind, variables_directives_fragments_limits) {
    const schema& s = load("examples/blog/schema.graphql");
    tally t;
    const std::vector<input_value> bools = {vars("{}"),
                                            vars("{\"v\": true}"),
                                            vars("{\"v\": false}"),
                                            vars("{\"v\": null}"),
                                            vars("{\"v\": \"yes\"}"),
                                            vars("{\"v\": true, \"w\": false}"),
                                            vars("{\"v\": false, \"w\": true}"),
                                            vars("{\"v\": false, \"w\": false}"),
                                            vars("[]"),
                                            input_value::null()};
    // Variables with defaults, missing non-null variables, wrong types.
    check_equivalent(s, R"(query ($id: UUID!, $n: Int = 5, $o: Int) {
        user(id: $id) { id } users(limit: $n, offset: $o) { email } })",
                     {vars("{}"), vars(R"({"id": "7a3b6f0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"})"),
                      vars(R"({"id": "nope"})"),
                      vars(R"({"id": "7a3b6f0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "n": null})"),
                      vars(R"({"id": "7a3b6f0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "n": 2, "o": 1})"),
                      vars(R"({"id": "7a3b6f0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "n": "2"})"),
                      vars(R"({"id": 12, "n": 1.5})")},
                     t);
    // A nullable variable for a non-null argument with a default on the argument side.
    check_equivalent(s, R"(query ($id: UUID) { user(id: $id) { id } })",
                     {vars("{}"), vars(R"({"id": null})"),
                      vars(R"({"id": "7a3b6f0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"})")},
                     t);
    // @skip/@include on variables, on fields, spreads and inline fragments; merged keys
    // whose occurrences are kept under different conditions.
    check_equivalent(s, R"(query ($v: Boolean!, $w: Boolean = true) {
        users {
          id @skip(if: $v)
          email @include(if: $w)
          ...U @include(if: $v)
          ... on User @skip(if: $w) { age address { city } }
          address @skip(if: $v) { zip }
          address @include(if: $v) { city }
          posts @skip(if: $v) @include(if: $w) { id }
          firstName @skip(if: false) @include(if: true)
          lastName @skip(if: true)
        }
        first: user(id: "7a3b6f0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f") @include(if: $w) { id }
        __typename @skip(if: $v)
      }
      fragment U on User { firstName email tags }
    )",
                     bools, t);
    // Response-key order follows the first *kept* occurrence.
    check_equivalent(
        s, R"(query ($v: Boolean!) { users { a: email @include(if: $v) b: id a: email } })", bools,
        t);
    // Literal arguments, nested variables in where/orderBy, absent nested variables.
    check_equivalent(s, R"(query ($since: DateTime, $r: Float = 4, $e: String, $d: [String!]) {
        posts(where: {publishedAt: {gte: $since}, rating: {gte: $r}, title: {in: $d},
                      author: {email: {eq: $e}}},
              orderBy: [{publishedAt: DESC_NULLS_LAST}, {title: ASC}], limit: 20) {
          id title author { id } comments { body author { firstName } }
        } })",
                     {vars("{}"), vars(R"({"since": "2024-01-01T00:00:00Z"})"),
                      vars(R"({"since": "bad"})"),
                      vars(R"({"r": null, "e": "a@b.c", "d": ["x", "y"]})"), vars(R"({"d": "x"})"),
                      vars(R"({"d": [1]})")},
                     t);
    // Mutations, input objects from variables and literals, the union result.
    check_equivalent(
        s, R"(mutation ($in: UpdatePostTitleInput!, $t: String!) {
        updatePostTitle(input: $in) {
          __typename
          ... on UpdatePostTitleSuccess { status post { id title } }
          ... on UpdatePostTitleError { code errors { message } }
        }
        createPost(input: {authorId: "7a3b6f0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", title: $t, body: "b"}) { id }
      })",
        {vars("{}"), vars(R"({"t": "x"})"),
         vars(R"({"t": "x", "in": {"id": "7a3b6f0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "title": "y"}})"),
         vars(R"({"t": "x", "in": {"id": "7a3b6f0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"}})"),
         vars(
             R"({"t": "x", "in": {"id": "7a3b6f0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "title": "y", "z": 1}})")},
        t);
    // Several operations: the named one is prepared.
    check_equivalent(
        s, "query A { users { id } } query B($v: Boolean!) { posts @skip(if: $v) { id } }", bools,
        t, "B");
    // Introspection meta-fields.
    check_equivalent(
        s,
        R"(query ($n: String!) { __type(name: $n) { name kind } __schema { queryType { name } } })",
        {vars("{}"), vars(R"({"n": "User"})")}, t);
    // Invalid literal argument values are reported by bind, in order, every time.
    check_equivalent(s, R"({ user(id: "not-a-uuid") { id } users(limit: "3") { id } })",
                     {vars("{}")}, t);
    // Invalid: a nullable variable where UUID! is expected (§5.8.5), and the bad literals
    // (§5.6.1); prepared anyway, and still bound exactly as plan_operation plans them.
    EXPECT_EQ(t.valid, 7);
    EXPECT_EQ(t.invalid.size(), 2u);
    for (const auto& x : t.invalid)
        std::cout << "prepared although invalid: " << x << "\n";
    EXPECT_GT(t.plans, 20);
    EXPECT_GT(t.errors, 20);
}

TEST(plan_cache_bind, depth_and_alias_limits_count_only_kept_fields) {
    const schema& s = load("examples/blog/schema.graphql");
    tally t;
    plan_options tight;
    tight.max_depth = 3;
    tight.max_aliases = 2;
    const std::vector<input_value> bools = {vars("{\"v\": true}"), vars("{\"v\": false}")};
    check_equivalent(s, R"(query ($v: Boolean!) {
        posts { author @include(if: $v) { id } comments { author @include(if: $v) { id } } } })",
                     bools, t, {}, tight);
    check_equivalent(s, R"(query ($v: Boolean!) {
        a: users { id } b: users @include(if: $v) { id } c: users @include(if: $v) { x: id } })",
                     bools, t, {}, tight);
    EXPECT_EQ(t.valid, 2);
    EXPECT_EQ(t.plans, 2);  // v=false passes both limits
    EXPECT_EQ(t.errors, 2); // v=true exceeds each
}

TEST(plan_cache_bind, locations_are_translated_to_the_requests_text) {
    const schema& s = load("examples/blog/schema.graphql");
    const std::string cached = "query ($id: UUID!) { user(id: $id) { id } }";
    const std::string request =
        "# another layout\nquery (\n  $id: UUID!\n) {\n  user(id: $id) {\n    id\n  }\n}\n";
    auto a = normalize_operation_text(cached);
    auto b = normalize_operation_text(request);
    ASSERT_TRUE(a && b);
    ASSERT_EQ(a->text, b->text);
    auto doc = std::make_shared<const document>(*parse_executable(cached));
    auto prepared = prepare_operation(s, doc, "");
    ASSERT_TRUE(prepared);
    location_map remap{a->token_locations, b->token_locations};
    auto missing = bind_operation(**prepared, vars("{}"), &remap);
    ASSERT_FALSE(missing);
    // The variable definition `$id` is on line 3, column 3 of the request.
    auto direct = plan_operation(s, *parse_executable(request), "", vars("{}"));
    ASSERT_FALSE(direct);
    EXPECT_EQ(dump(missing), dump(direct));
    auto ok = bind_operation(**prepared, vars(R"({"id": "7a3b6f0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"})"),
                             &remap);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->root_fields.at(0).loc, (source_location{5, 3}));
    EXPECT_EQ(ok->root_fields.at(0).selection.at(0).loc, (source_location{6, 5}));
}

TEST(plan_cache_bind, prepared_operation_outlives_the_callers_document) {
    const schema& s = load("examples/blog/schema.graphql");
    std::shared_ptr<const prepared_operation> op;
    {
        auto doc = std::make_shared<const document>(
            *parse_executable("query ($v: Boolean!) { users { id email @skip(if: $v) } }"));
        auto p = prepare_operation(s, doc, "");
        ASSERT_TRUE(p);
        op = *p;
    }
    auto r = bind_operation(*op, vars("{\"v\": false}"));
    ASSERT_TRUE(r);
    ASSERT_EQ(r->root_fields.at(0).selection.size(), 2u);
    EXPECT_EQ(r->root_fields[0].selection[1].response_key, "email");
    EXPECT_EQ(prepared_kind(*op), operation_kind::query);
}

} // namespace
} // namespace fraiseql::graphql
