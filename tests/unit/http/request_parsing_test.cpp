#include <gtest/gtest.h>

#include <malloc.h>

#include <cstring>
#include <memory>
#include <string>

#include <boost/asio/buffer.hpp>

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

// The members are found in one pass (no hashed lookup per name): any order, the last of
// duplicate keys (as the parser keeps it), and the same errors as before.
TEST(parse_post_body, members_in_any_order_duplicates_and_errors) {
    auto r = parse_post_body(R"({"extensions":{"x":1},"operationName":"Op","variables":{"a":1},)"
                             R"("query":"query Op { a }","other":true})",
                             10);
    ASSERT_TRUE(r) << r.error();
    const auto& one = r->requests.front();
    EXPECT_EQ(one.query, "query Op { a }");
    EXPECT_EQ(one.operation_name, "Op");
    EXPECT_EQ(one.variables.at("a").as_int64(), 1);
    EXPECT_EQ(one.extensions.at("x").as_int64(), 1);
    auto dup = parse_post_body(R"({"query":"{ first }","query":"{ second }"})", 10);
    ASSERT_TRUE(dup) << dup.error();
    EXPECT_EQ(dup->requests.front().query, "{ second }");
    const std::pair<const char*, const char*> bad[] = {
        {R"({"query":1})", "\"query\" must be a string"},
        {R"({"variables":{}})", "missing \"query\""},
        {R"({"query":"{a}","variables":[]})", "\"variables\" must be an object"},
        {R"({"query":"{a}","operationName":2})", "\"operationName\" must be a string"},
        {R"({"query":"{a}","extensions":"x"})", "\"extensions\" must be an object"},
        {R"([1])", "a GraphQL request must be a JSON object"},
    };
    for (const auto& [body, error] : bad) {
        auto e = parse_post_body(body, 10);
        ASSERT_FALSE(e) << body;
        EXPECT_EQ(e.error(), error) << body;
    }
    auto apq = parse_post_body(R"({"extensions":{"persistedQuery":{"version":1}}})", 10);
    ASSERT_TRUE(apq) << apq.error();
    EXPECT_TRUE(apq->requests.front().query.empty());
}

// The exact spelling takes a shortcut; the general form (case, OWS, parameters) is unchanged.
TEST(media_type_is, exact_spelling_and_the_general_form_agree) {
    EXPECT_TRUE(media_type_is("application/json", "application/json"));
    EXPECT_TRUE(media_type_is("application/json; charset=utf-8", "application/json"));
    EXPECT_TRUE(media_type_is("application/json;charset=utf-8", "application/json"));
    EXPECT_TRUE(media_type_is("Application/JSON", "application/json"));
    EXPECT_TRUE(media_type_is(" application/json ; q=1", "application/json"));
    EXPECT_FALSE(media_type_is("application/json-seq", "application/json"));
    EXPECT_FALSE(media_type_is("application/jsonx; a=b", "application/json"));
    EXPECT_FALSE(media_type_is("application/graphql-response+json", "application/json"));
    EXPECT_FALSE(media_type_is("application/jso", "application/json"));
    EXPECT_FALSE(media_type_is("", "application/json"));
    EXPECT_TRUE(accepts("text/html, application/json;q=0.5", "application/json"));
    EXPECT_FALSE(accepts("application/json;q=0", "application/json"));
}

// The connection's JSON arena (json_arena, issue 15): once the connection's first POST has
// made it, a typical by-id body parses without allocating, into the connection's kept vector,
// as long as each request's values die with the request. The query's text (a std::string
// longer than the small-string buffer) is copied into the memory the previous request's text
// gave back when it was destroyed (exec::request's destructor, json/buffer_pool.hpp).
constexpr std::string_view by_id_body =
    R"({"query":"query UserById($id: UUID!) { user(id: $id) { id email firstName } }",)"
    R"("variables":{"id":"24c9e15e-52af-c47c-225b-757e7bee1f9d"}})";

TEST(json_arena, a_typical_body_allocates_nothing_once_the_connection_exists) {
    json_arena arena;
    std::vector<exec::request> requests;
    for (int i = 0; i < 3; ++i) { // the connection's first requests (warm-up)
        ASSERT_TRUE(parse_post_body_into(by_id_body, 10, requests, arena.next()));
        requests.clear();
    }
    std::size_t allocations = 0;
    {
        test::allocation_count count;
        for (int i = 0; i < 100; ++i) {
            auto r = parse_post_body_into(by_id_body, 10, requests, arena.next());
            ASSERT_TRUE(r) << r.error();
            ASSERT_FALSE(*r);
            ASSERT_EQ(requests.size(), 1u);
            // The engine takes the request and drops it when the response is made.
            exec::request taken = std::move(requests.front());
            ASSERT_EQ(taken.variables.at("id").as_string(), "24c9e15e-52af-c47c-225b-757e7bee1f9d");
            requests.clear();
        }
        allocations = count();
    }
    EXPECT_EQ(allocations, 0u);
    EXPECT_EQ(arena.arenas_made(), 1u);
    RecordProperty("allocations", static_cast<int>(allocations));
}

// The texts a request owns (query, Authorization) go back to the thread's spare buffers when
// it is destroyed, and the next request's copies take them: no allocation; a text held by a
// live request is never handed out (the pool only has what was given back).
TEST(pooled_copy, a_destroyed_requests_texts_serve_the_next_request) {
    const std::string token = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEyMyJ9.c2lnbmF0dXJl";
    const std::string query = "query UserById($id: UUID!) { user(id: $id) { id email firstName } }";
    while (json::pooled_buffers() > 0) (void)json::take_buffer(); // what earlier tests left
    {
        exec::request first;
        first.query = pooled_copy(query);
        first.authorization = pooled_copy(token);
    }
    exec::request live;
    {
        test::allocation_count count;
        live.query = pooled_copy(query);
        live.authorization = pooled_copy(token);
        EXPECT_EQ(count(), 0u);
    }
    EXPECT_EQ(live.query, query);
    EXPECT_EQ(live.authorization, token);
    // Nothing is left in the pool for another live request: it allocates, and `live` is intact.
    test::allocation_count count;
    exec::request other;
    other.query = pooled_copy("query Other { somethingElse { id name email createdAt } }");
    EXPECT_GE(count(), 1u);
    EXPECT_EQ(live.query, query);
    // Short texts stay in the small-string buffer: no allocation, nothing pooled.
    test::allocation_count short_count;
    EXPECT_EQ(pooled_copy("{ a }"), "{ a }");
    EXPECT_EQ(short_count(), 0u);
}

// The worst case of the reuse: a request whose values outlive it (kept by the engine, say)
// must not see them overwritten by the connection's next requests, which parse into a new
// arena meanwhile; once the kept values are gone, the arena is reused again.
TEST(json_arena, values_kept_beyond_their_request_are_never_overwritten) {
    json_arena arena;
    std::vector<exec::request> requests;
    ASSERT_TRUE(parse_post_body_into(
        R"({"query":"{a}","variables":{"k":"the first request's long string value","n":[1,2,3]}})",
        10, requests, arena.next()));
    exec::request kept = std::move(requests.front());
    requests.clear();
    boost::json::value kept_copy = kept.variables; // a copy in the same arena, kept too
    for (int i = 0; i < 8; ++i) {
        ASSERT_TRUE(parse_post_body_into(
            R"({"query":"{b}","variables":{"k":"XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX","n":[9]}})",
            10, requests, arena.next()));
        requests.clear();
        arena.recycle();
    }
    EXPECT_EQ(kept.variables.at("k").as_string(), "the first request's long string value");
    EXPECT_EQ(kept.variables.at("n").as_array().size(), 3u);
    EXPECT_EQ(kept_copy, kept.variables);
    EXPECT_EQ(arena.arenas_made(), 2u); // one for the kept values, one for the others
    // The kept values leave; the current arena serves again without another being made.
    kept = exec::request{};
    kept_copy = nullptr;
    for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(parse_post_body_into(by_id_body, 10, requests, arena.next()));
        requests.clear();
    }
    EXPECT_EQ(arena.arenas_made(), 2u);
    // A kept value of the current arena, read while the next requests' values are made and
    // dropped, with the arena's storage reused around it: intact.
    ASSERT_TRUE(parse_post_body_into(R"({"query":"{c}","variables":{"v":"kept across requests"}})",
                                     10, requests, arena.next()));
    boost::json::value held = std::move(requests.front().variables);
    requests.clear();
    ASSERT_TRUE(parse_post_body_into(R"({"query":"{d}","variables":{"v":"a later request ...."}})",
                                     10, requests, arena.next()));
    EXPECT_EQ(held.at("v").as_string(), "kept across requests");
    EXPECT_EQ(requests.front().variables.at("v").as_string(), "a later request ....");
    EXPECT_EQ(arena.arenas_made(), 3u);
}

// A huge body grows the arena from the heap; recycle() after the request gives that memory
// back (the arena keeps its inline buffer only), and the next typical request is back in the
// buffer without allocating more than its query text. The hostile-input budgets still apply
// with the arena: nesting depth and batch size are refused exactly as without it.
TEST(json_arena, a_huge_body_is_given_back_and_the_budgets_still_apply) {
    json_arena arena;
    std::vector<exec::request> requests;
    std::string huge = R"({"query":"{a}","variables":{"list":[)";
    for (int i = 0; i < 20000; ++i) huge += (i ? ",\"" : "\"") + std::to_string(i) + "-value\"";
    huge += "]}}";
    ASSERT_TRUE(parse_post_body_into(huge, 10, requests, arena.next()));
    EXPECT_EQ(requests.front().variables.at("list").as_array().size(), 20000u);
    requests.clear();
    // The values are gone but their blocks are the arena's until recycle() (a monotonic
    // resource frees nothing by itself): the heap in use falls by at least the array's
    // 20000 values of 16 bytes.
    const auto in_use = [] { // large blocks are mmapped: hblkhd
        const auto m = ::mallinfo2();
        return m.uordblks + m.hblkhd;
    };
    const auto held = in_use();
    arena.recycle();
    const auto after = in_use();
    EXPECT_GE(held, after + 20000 * 16) << "held " << held << " after " << after;
    ASSERT_TRUE(parse_post_body_into(by_id_body, 10, requests, arena.next()));
    requests.clear();
    {
        test::allocation_count count;
        ASSERT_TRUE(parse_post_body_into(by_id_body, 10, requests, arena.next()));
        EXPECT_EQ(count(), 0u);
    }
    requests.clear();
    EXPECT_EQ(arena.arenas_made(), 1u);

    const std::string deep = R"({"query":"{a}","variables":{"v":)" + std::string(70, '[') +
                             std::string(70, ']') + "}}";
    auto too_deep = parse_post_body_into(deep, 10, requests, arena.next());
    ASSERT_FALSE(too_deep);
    EXPECT_NE(too_deep.error().find("not valid JSON"), std::string::npos) << too_deep.error();
    EXPECT_TRUE(requests.empty());
    auto too_many = parse_post_body_into(R"([{"query":"{a}"},{"query":"{b}"},{"query":"{c}"}])",
                                         2, requests, arena.next());
    ASSERT_FALSE(too_many);
    EXPECT_EQ(too_many.error(), "batch of 3 operations exceeds max_batch_size 2");
    auto batch = parse_post_body_into(R"([{"query":"{a}"},{"query":"{b}"}])", 2, requests,
                                      arena.next());
    ASSERT_TRUE(batch) << batch.error();
    EXPECT_TRUE(*batch);
    EXPECT_EQ(requests.size(), 2u);
    requests.clear();
    EXPECT_EQ(arena.arenas_made(), 1u);
}

// The connection's request arena (issue 15): Beast's parser allocated one node per header
// field, the target and the body string for every request. Parsed into the connection's
// arena, a typical request allocates nothing once the connection exists.
constexpr std::string_view typical_request =
    "POST /graphql HTTP/1.1\r\n"
    "Host: 127.0.0.1:8080\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0\r\n"
    "Accept: application/graphql-response+json, application/json\r\n"
    "Accept-Language: en-GB,en;q=0.5\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Content-Type: application/json\r\n"
    "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEyMyJ9.c2lnbmF0dXJl\r\n"
    "Origin: https://app.example\r\n"
    "Connection: keep-alive\r\n"
    "Content-Length: 137\r\n"
    "\r\n"
    R"({"query":"query UserById($id: UUID!) { user(id: $id) { id email firstName } }",)"
    R"("variables":{"id":"24c9e15e-52af-c47c-225b-757e7bee1f9d"}})";

/// Parses `text` (one whole request) with the server's parser type into `arena`; returns the
/// body's size, or -1 on a parse error. Checks the fields the server reads.
long parse_into(connection_arena& arena, std::string_view text, std::uint64_t body_limit) {
    arena.reset();
    auto parser = make_request_parser(arena);
    parser.header_limit(header_limit);
    parser.body_limit(body_limit);
    parser.eager(true);
    boost::system::error_code ec;
    const auto used = parser.put(boost::asio::buffer(text.data(), text.size()), ec);
    if (ec || !parser.is_done() || used != text.size()) return -1;
    const auto& req = parser.get();
    if (req.method() != boost::beast::http::verb::post || req.target() != "/graphql") return -1;
    if (req[boost::beast::http::field::content_type] != "application/json") return -1;
    return static_cast<long>(req.body().size());
}

TEST(connection_arena, a_typical_request_allocates_nothing_once_the_connection_exists) {
    ASSERT_EQ(typical_request.size() - typical_request.find("\r\n\r\n") - 4, 137u);
    connection_arena arena;
    ASSERT_EQ(parse_into(arena, typical_request, 1 << 20), 137);
    std::size_t allocations = 0;
    {
        test::allocation_count count;
        for (int i = 0; i < 100; ++i) ASSERT_EQ(parse_into(arena, typical_request, 1 << 20), 137);
        allocations = count();
    }
    EXPECT_EQ(allocations, 0u);
    RecordProperty("allocations", static_cast<int>(allocations));
}

// A request larger than the arena's buffer still parses (its overflow comes from the heap and
// is freed by the next reset), the limits still apply, and the next typical request is back
// in the buffer without allocating.
TEST(connection_arena, a_large_request_overflows_to_the_heap_and_limits_still_apply) {
    connection_arena arena;
    std::string big_body(64 * 1024, ' ');
    big_body.front() = '{';
    big_body.back() = '}';
    std::string big = "POST /graphql HTTP/1.1\r\nContent-Type: application/json\r\n"
                      "Content-Length: " + std::to_string(big_body.size()) + "\r\n\r\n" + big_body;
    EXPECT_EQ(parse_into(arena, big, 1 << 20), static_cast<long>(big_body.size()));
    // body_limit: refused, as with Beast's default allocator.
    EXPECT_EQ(parse_into(arena, big, 1024), -1);
    // header_limit (16 KiB): a 20 KiB header line is refused.
    std::string huge_header = "POST /graphql HTTP/1.1\r\nX-Big: " + std::string(20 * 1024, 'a') +
                              "\r\nContent-Length: 0\r\n\r\n";
    EXPECT_EQ(parse_into(arena, huge_header, 1 << 20), -1);
    ASSERT_EQ(parse_into(arena, typical_request, 1 << 20), 137);
    test::allocation_count count;
    ASSERT_EQ(parse_into(arena, typical_request, 1 << 20), 137);
    EXPECT_EQ(count(), 0u);
}

// One pass over the fields finds what req[field] finds: the first field of each name,
// whatever its case, and empty when absent.
TEST(find_known_headers, agrees_with_the_field_lookup) {
    connection_arena arena;
    const std::string text = "GET /graphql?query=%7Ba%7D HTTP/1.1\r\n"
                             "accept: text/html\r\n"
                             "X-Other: 1\r\n"
                             "ORIGIN: https://a.example\r\n"
                             "Accept: application/json\r\n"
                             "Authorization: Bearer t\r\n"
                             "Expect: 100-continue\r\n"
                             "\r\n";
    auto parser = make_request_parser(arena);
    boost::system::error_code ec;
    parser.put(boost::asio::buffer(text), ec);
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_TRUE(parser.is_header_done());
    const auto& req = parser.get();
    const auto k = find_known_headers(req);
    namespace bh = boost::beast::http;
    EXPECT_EQ(k.accept, "text/html");
    const auto lookup = [&](bh::field f) {
        const auto v = req[f];
        return std::string_view(v.data(), v.size());
    };
    EXPECT_EQ(k.accept, lookup(bh::field::accept));
    EXPECT_EQ(k.origin, "https://a.example");
    EXPECT_EQ(k.authorization, "Bearer t");
    EXPECT_EQ(k.expect, "100-continue");
    EXPECT_TRUE(k.content_type.empty());
    EXPECT_EQ(k.content_type, lookup(bh::field::content_type));
    EXPECT_EQ(k.origin, lookup(bh::field::origin));
}

} // namespace
} // namespace fraiseql::http
