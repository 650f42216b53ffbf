// The compiled-plan cache (product.md §5): the normalised key (lexer only, spec §2.1
// Ignored Tokens), and one prepared operation bound many times: per-request limits,
// locations translated to the request's own spelling, the document kept alive. (That
// `explain` and `serve` refuse the same documents is tests/e2e/explain_serve_pgtest.cpp.)

#include <map>
#include <memory>
#include <random>
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

// ---- prepare once, bind per request ---------------------------------------------------

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

// One prepared operation, bound under several sets of variables: the depth and alias
// limits count only the fields a request keeps (product.md §9).
TEST(plan_cache_bind, depth_and_alias_limits_count_only_kept_fields) {
    const schema& s = load("examples/blog/schema.graphql");
    plan_options tight;
    tight.max_depth = 3;
    tight.max_aliases = 2;
    auto prepare = [&](const char* text) {
        auto doc = std::make_shared<const document>(*parse_executable(text));
        EXPECT_TRUE(validate(s, *doc).empty()) << text;
        auto op = prepare_operation(s, doc, "", tight);
        EXPECT_TRUE(op) << text;
        return op ? *op : nullptr;
    };
    auto deep = prepare(R"(query ($v: Boolean!) {
        posts { author @include(if: $v) { id } comments { author @include(if: $v) { id } } } })");
    auto aliased = prepare(R"(query ($v: Boolean!) {
        a: users { id } b: users @include(if: $v) { id } c: users @include(if: $v) { x: id } })");
    ASSERT_TRUE(deep && aliased);
    EXPECT_TRUE(bind_operation(*deep, vars("{\"v\": false}")));
    EXPECT_TRUE(bind_operation(*aliased, vars("{\"v\": false}")));
    auto too_deep = bind_operation(*deep, vars("{\"v\": true}"));
    ASSERT_FALSE(too_deep);
    EXPECT_EQ(dump(too_deep), "error QUERY_TOO_COMPLEX: Query depth exceeds the maximum of 3. @2:59\n");
    auto too_many = bind_operation(*aliased, vars("{\"v\": true}"));
    ASSERT_FALSE(too_many);
    EXPECT_EQ(dump(too_many),
              "error QUERY_TOO_COMPLEX: Operation uses 4 aliases; the maximum is 2. @1:1\n");
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

// ---- the one road ----------------------------------------------------------------------

// plan_operation (what `fraiseql explain` runs) validates: a document the engine refuses
// for a static rule is refused here, with validation's words, whatever the variables.
TEST(plan_road, plan_operation_refuses_what_validation_refuses) {
    const schema& s = load("examples/blog/schema.graphql");
    auto unused = parse_executable("query Q($x: Int) { users { id } }");
    ASSERT_TRUE(unused);
    auto r = plan_operation(s, *unused, "", vars(R"({"x": 1})"));
    ASSERT_FALSE(r);
    EXPECT_EQ(dump(r.error()), "error GRAPHQL_VALIDATION_FAILED: Variable \"$x\" is never used "
                               "in operation \"Q\". @1:9\n");
    EXPECT_EQ(dump(r.error()), dump(validate(s, *unused)));
    // A cycle of fragments is validation's (§5.5.2.2), reported once, by it.
    auto cycle = parse_executable("{ users { ...A } } fragment A on User { ...B } "
                                  "fragment B on User { ...A }");
    ASSERT_TRUE(cycle);
    auto c = plan_operation(s, *cycle, "", input_value::null());
    ASSERT_FALSE(c);
    EXPECT_EQ(dump(c.error()), dump(validate(s, *cycle)));
}

// prepare_operation's precondition is a validated document. On one that skipped
// validation it neither crashes nor loops: one guard error where a name or a shape cannot
// be resolved, and a cycle of fragments is not followed twice.
TEST(plan_road, prepare_guards_an_unvalidated_document) {
    const schema& s = load("examples/blog/schema.graphql");
    const std::string guard = "error GRAPHQL_VALIDATION_FAILED: The document has not passed "
                              "validation; it cannot be planned.";
    auto prepare = [&](std::string text) {
        auto doc = std::make_shared<const document>(*parse_executable(std::move(text)));
        EXPECT_FALSE(validate(s, *doc).empty());
        return prepare_operation(s, doc, "");
    };
    for (const char* text : {"{ users { nope } }", "{ users { ...Missing } }",
                             "{ users { ... on Nope { id } } }", "{ user { id } }",
                             "{ users }", "{ users { id { x } } }", "{ users { id: email id } }",
                             "query ($v: User) { users { id } }",
                             "{ users { id @skip(if: 1) } }", "{ users { id @include } }"}) {
        auto r = prepare(text);
        ASSERT_FALSE(r) << text;
        ASSERT_EQ(r.error().size(), 1u) << text;
        EXPECT_EQ(dump(r.error()).rfind(guard, 0), 0u) << text << ": " << dump(r.error());
    }
    auto looped = prepare("{ users { ...A } } fragment A on User { id ...B } "
                          "fragment B on User { email ...A }");
    ASSERT_TRUE(looped);
    auto plan = bind_operation(**looped, input_value::null());
    ASSERT_TRUE(plan);
    ASSERT_EQ(plan->root_fields.at(0).selection.size(), 2u);
}

} // namespace
} // namespace fraiseql::graphql
