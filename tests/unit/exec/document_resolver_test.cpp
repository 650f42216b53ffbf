// The document stage (src/exec/document_resolver.hpp): the plan cache, the refusals of a
// document (request errors), the GET rule, and binding with location translation. Against
// the blog example's schema; no database.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "exec/document_resolver.hpp"
#include "fraiseql/graphql/schema_builder.hpp"

namespace fraiseql::exec {
namespace {

class document_resolver_test : public ::testing::Test {
protected:
    void SetUp() override {
        auto s = graphql::load_schema_file(std::string(FRAISEQL_SOURCE_DIR) + "/examples/blog/schema.graphql");
        ASSERT_TRUE(s) << s.error().front();
        schema_ = std::move(*s);
    }

    static request make(std::string query, bool via_get = false, std::string operation = {}) {
        request r;
        r.query = std::move(query);
        r.via_get = via_get;
        r.operation_name = std::move(operation);
        return r;
    }

    std::shared_ptr<graphql::schema> schema_;
    config cfg_;
    metrics m_;
};

TEST_F(document_resolver_test, a_repeated_text_is_a_hit_on_the_same_entry) {
    document_resolver d(*schema_, cfg_, m_);
    auto a_req = make("{ users(limit: 1) { email } }");
    auto a = d.resolve(a_req);
    ASSERT_TRUE(a);
    auto b_req = make("{ users(limit: 1) { email } }");
    auto b = d.resolve(b_req);
    ASSERT_TRUE(b);
    EXPECT_EQ(a->entry.get(), b->entry.get());
    EXPECT_FALSE(b->spelling.has_value()) << "the exact text: no translation";
    EXPECT_EQ(m_.plan_cache_misses.load(), 1u);
    EXPECT_EQ(m_.plan_cache_hits.load(), 1u);
    EXPECT_EQ(d.size(), 1u);
}

// The key is (operation name, text) as two parts, looked up by views (issue 15: no key
// string per request): one document with two operations is two entries, each hit again by
// its own name, and a name that is a prefix of another never shares an entry.
TEST_F(document_resolver_test, the_operation_name_is_part_of_the_key) {
    document_resolver d(*schema_, cfg_, m_);
    const std::string text = "query A { users(limit: 1) { email } } query AB { users(limit: 2) { id } }";
    auto a_req = make(text, false, "A");
    auto a = d.resolve(a_req);
    ASSERT_TRUE(a);
    auto ab_req = make(text, false, "AB");
    auto ab = d.resolve(ab_req);
    ASSERT_TRUE(ab);
    EXPECT_NE(a->entry.get(), ab->entry.get());
    EXPECT_EQ(m_.plan_cache_misses.load(), 2u);
    auto again_req = make(text, false, "AB");
    auto again = d.resolve(again_req);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->entry.get(), ab->entry.get());
    EXPECT_FALSE(again->spelling.has_value());
    auto respelt_req = make(text + "  # a comment", false, "A");
    auto respelt = d.resolve(respelt_req);
    ASSERT_TRUE(respelt);
    EXPECT_EQ(respelt->entry.get(), a->entry.get()) << "normalised text, same name";
    EXPECT_EQ(m_.plan_cache_misses.load(), 2u);
    EXPECT_EQ(m_.plan_cache_hits.load(), 2u);
    EXPECT_EQ(d.size(), 2u);
    // The name and the text are never split differently: name "A" with text "B..." is not
    // name "AB" (the old key string's length prefix; now two parts of the key).
    EXPECT_FALSE(document_key_equal{}(document_key_view{"A", "B{x}"}, document_key_view{"AB", "{x}"}));
}

TEST_F(document_resolver_test, another_spelling_hits_and_errors_point_into_its_own_text) {
    document_resolver d(*schema_, cfg_, m_);
    auto first = make("query Q($n: Int!) { users(limit: $n) { email } }");
    ASSERT_TRUE(d.resolve(first));
    const std::string respelt = "# a comment\nquery Q(\n  $n: Int!\n) {\n  users(limit: $n) { email }\n}";
    auto second = make(respelt);
    auto hit = d.resolve(second);
    ASSERT_TRUE(hit);
    EXPECT_TRUE(hit->spelling.has_value());
    EXPECT_EQ(m_.plan_cache_hits.load(), 1u);
    // A coercion failure of the cached operation is reported where the request's own text
    // has it: the same locations as a cold resolver planning that text gives.
    const auto vars = boost::json::parse(R"({"n":"ten"})");
    auto bound = bind_request(std::move(*hit), vars);
    ASSERT_FALSE(bound);
    metrics cold_m;
    document_resolver cold(*schema_, cfg_, cold_m);
    auto cold_req = make(respelt);
    auto cold_doc = cold.resolve(cold_req);
    ASSERT_TRUE(cold_doc);
    auto expected = bind_request(std::move(*cold_doc), vars);
    ASSERT_FALSE(expected);
    ASSERT_EQ(bound.error().errors.size(), expected.error().errors.size());
    ASSERT_FALSE(expected.error().errors[0].locations.empty());
    EXPECT_EQ(bound.error().errors[0].locations[0].line, expected.error().errors[0].locations[0].line);
    EXPECT_EQ(bound.error().errors[0].locations[0].column, expected.error().errors[0].locations[0].column);
    EXPECT_GT(bound.error().errors[0].locations[0].line, 1u);
    EXPECT_TRUE(bound.error().request_error);
    EXPECT_EQ(bound.error().status, 400u);
}

TEST_F(document_resolver_test, parse_and_validation_failures_are_request_errors_and_not_cached) {
    document_resolver d(*schema_, cfg_, m_);
    auto bad = make("{ users(");
    auto p = d.resolve(bad);
    ASSERT_FALSE(p);
    EXPECT_TRUE(p.error().request_error);
    EXPECT_EQ(p.error().status, 400u);
    EXPECT_EQ(p.error().errors.at(0).code, "GRAPHQL_PARSE_FAILED");
    auto invalid = make("{ nope }");
    auto v = d.resolve(invalid);
    ASSERT_FALSE(v);
    EXPECT_TRUE(v.error().request_error);
    EXPECT_EQ(v.error().errors.at(0).code, "GRAPHQL_VALIDATION_FAILED");
    auto again = make("{ nope }");
    ASSERT_FALSE(d.resolve(again));
    EXPECT_EQ(d.size(), 0u);
    EXPECT_EQ(m_.plan_cache_misses.load(), 3u) << "an invalid document is never served from the cache";
}

TEST_F(document_resolver_test, a_mutation_over_get_is_405_whether_cached_or_not) {
    document_resolver d(*schema_, cfg_, m_);
    const std::string doc = "query Q { __typename } mutation M { __typename }";
    auto cold = make(doc, true, "M");
    auto a = d.resolve(cold);
    ASSERT_FALSE(a);
    EXPECT_TRUE(a.error().mutation_over_get);
    EXPECT_EQ(a.error().status, 405u);
    EXPECT_FALSE(a.error().request_error);
    auto post = make(doc, false, "M");
    ASSERT_TRUE(d.resolve(post)) << "the same mutation over POST runs";
    auto warm = make(doc, true, "M");
    auto b = d.resolve(warm);
    ASSERT_FALSE(b);
    EXPECT_TRUE(b.error().mutation_over_get);
    EXPECT_GE(m_.plan_cache_hits.load(), 1u);
    auto query = make(doc, true, "Q");
    EXPECT_TRUE(d.resolve(query)) << "a query of the same document may use GET";
    // Refused for the method before anything is validated: an invalid mutation is 405 too.
    auto invalid = make("mutation { nope }", true);
    auto c = d.resolve(invalid);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().status, 405u);
    EXPECT_TRUE(c.error().mutation_over_get);
}

TEST_F(document_resolver_test, no_cache_when_its_size_is_zero_or_the_document_is_large) {
    config off = cfg_;
    off.plan_cache_size = 0;
    document_resolver d(*schema_, off, m_);
    for (int i = 0; i < 2; ++i) {
        auto r = make("{ __typename }");
        ASSERT_TRUE(d.resolve(r));
    }
    EXPECT_EQ(m_.plan_cache_misses.load(), 2u);
    EXPECT_EQ(d.size(), 0u);

    metrics m2;
    document_resolver big(*schema_, cfg_, m2);
    std::string large = "{ __typename }" + std::string(max_cached_document_bytes, ' ');
    for (int i = 0; i < 2; ++i) {
        auto r = make(large);
        ASSERT_TRUE(big.resolve(r));
    }
    EXPECT_EQ(m2.plan_cache_misses.load(), 2u);
    EXPECT_EQ(big.size(), 0u);
}

TEST_F(document_resolver_test, bind_marks_each_root_field_with_its_resolver) {
    document_resolver d(*schema_, cfg_, m_);
    auto r = make("{ __typename users(limit: 1) { email } __schema { queryType { name } } }");
    auto doc = d.resolve(r);
    ASSERT_TRUE(doc);
    auto bound = bind_request(std::move(*doc), boost::json::value());
    ASSERT_TRUE(bound);
    const auto& roots = bound->plan().root_fields;
    ASSERT_EQ(roots.size(), 3u);
    EXPECT_EQ(roots[0].resolved_by, graphql::root_resolver::typename_);
    EXPECT_EQ(roots[1].resolved_by, graphql::root_resolver::list);
    EXPECT_EQ(roots[2].resolved_by, graphql::root_resolver::schema);
}

TEST(input_from_json, maps_json_kinds_and_cuts_nesting_beyond_64) {
    auto v = input_from_json(boost::json::parse(R"({"a":[1,2.5,"x",true,null],"b":18446744073709551615})"));
    ASSERT_EQ(v.type(), graphql::input_value::kind::object);
    std::string deep;
    for (int i = 0; i < 100; ++i) deep += '[';
    for (int i = 0; i < 100; ++i) deep += ']';
    boost::json::parse_options opts;
    opts.max_depth = 200;
    auto d = input_from_json(boost::json::parse(deep, {}, opts));
    // Walk down: at most 65 list levels, then null.
    const graphql::input_value* x = &d;
    int levels = 0;
    while (x->type() == graphql::input_value::kind::list && !x->as_list().empty()) {
        x = &x->as_list()[0];
        ++levels;
    }
    EXPECT_LE(levels, 65);
    EXPECT_EQ(x->type(), graphql::input_value::kind::null);
}

} // namespace
} // namespace fraiseql::exec
