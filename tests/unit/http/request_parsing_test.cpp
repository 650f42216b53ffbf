#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>

#include "http/request_parsing.hpp"
// response_head_test.cpp, in the same binary, defines the counting operator new.
#define FRAISEQL_COUNTING_NEW_DECLARATIONS_ONLY
#include "unit/json/counting_new.hpp"

namespace fraiseql::http {
namespace {

// The query string handed to parse_get_request() is a view into Beast's header
// storage: it is not NUL-terminated and is followed by unrelated bytes.
fraiseql::result<exec::request, std::string> parse_unterminated(const std::string& qs, char filler) {
    auto buf = std::make_unique<char[]>(qs.size() + 64);
    std::memcpy(buf.get(), qs.data(), qs.size());
    std::memset(buf.get() + qs.size(), filler, 64);
    return parse_get_request(std::string_view(buf.get(), qs.size()));
}

TEST(parse_get_request, decodes_percent_and_plus) {
    auto r = parse_get_request("query=%7B%20users(limit%3A+1)%20%7B%20email%20%7D%20%7D&operationName=Q");
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r->query, "{ users(limit: 1) { email } }");
    EXPECT_EQ(r->operation_name, "Q");
}

TEST(parse_get_request, reads_nothing_past_the_end_of_the_view) {
    const std::string qs = "query=%7B%20users(limit%3A%201)%20%7B%20email%20%7D%20%7D";
    for (char filler : {'x', '%', '&', '\xff', '='}) {
        auto r = parse_unterminated(qs, filler);
        ASSERT_TRUE(r) << r.error();
        EXPECT_EQ(r->query, "{ users(limit: 1) { email } }") << "filler " << int(filler);
    }
}

TEST(parse_get_request, variables_must_be_json) {
    auto bad = parse_get_request("query=%7Ba%7D&variables=%7Bnope");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), "\"variables\" is not valid JSON");
    auto ok = parse_get_request("query=%7Ba%7D&variables=%7B%22id%22%3A1%7D");
    ASSERT_TRUE(ok) << ok.error();
    EXPECT_EQ(ok->variables.at("id").as_int64(), 1);
}

TEST(parse_get_request, missing_query_is_an_error) {
    auto r = parse_get_request("operationName=Q");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), "missing \"query\"");
}

TEST(parse_post_body, batch_and_limits) {
    auto one = parse_post_body(R"({"query":"{a}"})", 10);
    ASSERT_TRUE(one) << one.error();
    EXPECT_FALSE(one->is_batch);
    auto batch = parse_post_body(R"([{"query":"{a}"},{"query":"{b}"}])", 10);
    ASSERT_TRUE(batch) << batch.error();
    EXPECT_TRUE(batch->is_batch);
    EXPECT_EQ(batch->requests.size(), 2u);
    EXPECT_FALSE(parse_post_body(R"([{"query":"{a}"},{"query":"{b}"}])", 1));
    EXPECT_FALSE(parse_post_body("[]", 10));
    EXPECT_FALSE(parse_post_body(R"({"query":1})", 10));
    EXPECT_FALSE(parse_post_body("{", 10));
}

// Issue 15 (heap allocations per request): parsing the by-id body of bench/queries/a_by_id
// after warm-up. What must remain: the request's own query text (exec::request::query is a
// std::string longer than the small-string buffer), the parse arena the variables live in
// (one block, shared by the request's JSON values), and the vector of parsed requests.
TEST(parse_post_body, a_typical_by_id_body_allocates_three_times) {
    const std::string body =
        R"({"query":"query UserById($id: UUID!) { user(id: $id) { id email firstName } }",)"
        R"("variables":{"id":"24c9e15e-52af-c47c-225b-757e7bee1f9d"}})";
    for (int i = 0; i < 3; ++i) (void)parse_post_body(body, 10); // warm-up
    std::size_t allocations = 0;
    {
        test::allocation_count count;
        auto parsed = parse_post_body(body, 10);
        allocations = count();
        ASSERT_TRUE(parsed) << parsed.error();
        ASSERT_EQ(parsed->requests.size(), 1u);
        const auto& r = parsed->requests.front();
        EXPECT_EQ(r.query, "query UserById($id: UUID!) { user(id: $id) { id email firstName } }");
        ASSERT_TRUE(r.variables.is_object());
        EXPECT_EQ(r.variables.at("id").as_string(), "24c9e15e-52af-c47c-225b-757e7bee1f9d");
        EXPECT_TRUE(r.extensions.is_null());
    }
    EXPECT_LE(allocations, 3u);
    RecordProperty("allocations", static_cast<int>(allocations));
}

// The variables outlive the parse: they are the request's, read after parse_post_body returns
// and after other bodies were parsed on the same thread.
TEST(parse_post_body, variables_outlive_the_parse_and_later_parses) {
    auto first = parse_post_body(R"({"query":"{a}","variables":{"k":"a long string value here"}})",
                                 10);
    ASSERT_TRUE(first) << first.error();
    for (int i = 0; i < 8; ++i)
        ASSERT_TRUE(parse_post_body(R"({"query":"{b}","variables":{"k":"overwritten? no"}})", 10));
    exec::request moved = std::move(first->requests.front());
    first = failure<std::string>{"gone"};
    EXPECT_EQ(moved.variables.at("k").as_string(), "a long string value here");
    boost::json::value copy = moved.variables;
    EXPECT_EQ(copy, moved.variables);
}

} // namespace
} // namespace fraiseql::http
