// sql/connection without a database: cursors (base64url, signature, values),
// argument errors, and which statement parts are generated (product.md §3.4).

#include <gtest/gtest.h>

#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/graphql/schema_builder.hpp"
#include "fraiseql/sql/connection.hpp"

namespace fraiseql::sql {
namespace {

TEST(cursor, base64url_round_trips_and_refuses_other_alphabets) {
    for (std::string s : {std::string(""), std::string("a"), std::string("ab"), std::string("abc"),
                          std::string("\xff\xfe\x00z", 4)}) {
        auto e = base64url_encode(s);
        EXPECT_EQ(e.find_first_of("+/="), std::string::npos);
        auto d = base64url_decode(e);
        ASSERT_TRUE(d) << e;
        EXPECT_EQ(*d, s);
    }
    EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
    EXPECT_FALSE(base64url_decode("ab+c"));
    EXPECT_FALSE(base64url_decode("abc="));
    EXPECT_FALSE(base64url_decode("a"));
    EXPECT_FALSE(base64url_decode("YR")); // non-zero leftover bits: not canonical
}

TEST(cursor, values_decode_exactly_and_foreign_cursors_are_refused) {
    const std::string key = R"(["2024-01-01T10:00:00+00:00", 12345678901234567890.5, null, true, "a\"\u00e9\ud83d\ude00", 7])";
    auto c = encode_cursor("0badf00d", key);
    auto v = decode_cursor(c, "0badf00d", 6);
    ASSERT_TRUE(v);
    EXPECT_EQ((*v)[0], "2024-01-01T10:00:00+00:00");
    EXPECT_EQ((*v)[1], "12345678901234567890.5");
    EXPECT_EQ((*v)[2], std::nullopt);
    EXPECT_EQ((*v)[3], "true");
    EXPECT_EQ((*v)[4], "a\"\xc3\xa9\xf0\x9f\x98\x80");
    EXPECT_EQ((*v)[5], "7");
    EXPECT_FALSE(decode_cursor(c, "0badf00e", 6)) << "another ordering";
    EXPECT_FALSE(decode_cursor(c, "0badf00d", 5)) << "another key count";
    EXPECT_FALSE(decode_cursor(encode_cursor("s", "[1,"), "s", 1));
    EXPECT_FALSE(decode_cursor(encode_cursor("s", "[[1]]"), "s", 1));
    EXPECT_FALSE(decode_cursor(encode_cursor("s", R"(["\u0000"])"), "s", 1)) << "NUL cannot be a parameter";
    EXPECT_FALSE(decode_cursor(encode_cursor("s", R"(["\ud800"])"), "s", 1)) << "lone surrogate";
    EXPECT_FALSE(decode_cursor("!!!", "s", 1));
}

TEST(cursor, null_ness_is_read_whatever_the_signature) {
    std::string out;
    EXPECT_TRUE(cursor_nulls(encode_cursor("0badf00d", R"([null, 3, "x", null, true])"), out));
    EXPECT_EQ(out, "nvvnv");
    // Another signature: the same letters (decode_cursor, not this, checks the signature).
    EXPECT_TRUE(cursor_nulls(encode_cursor("other", R"([1,null])"), out));
    EXPECT_EQ(out, "nvvnvvn");
    const std::string before = out;
    EXPECT_FALSE(cursor_nulls("!!!", out));
    EXPECT_FALSE(cursor_nulls(base64url_encode("no colon"), out));
    EXPECT_FALSE(cursor_nulls(encode_cursor("s", "[1,"), out));
    EXPECT_EQ(out, before) << "nothing appended on failure";
    // What decode_cursor reads as null, and only that.
    auto v = decode_cursor(encode_cursor("s", R"([null, "null", 0])"), "s", 3);
    ASSERT_TRUE(v);
    out.clear();
    ASSERT_TRUE(cursor_nulls(encode_cursor("s", R"([null, "null", 0])"), out));
    for (std::size_t i = 0; i < v->size(); ++i) EXPECT_EQ(out[i] == 'n', !(*v)[i]) << i;
}

TEST(cursor, page_size_is_capped_and_fetches_one_more) {
    EXPECT_EQ(page_size_of(0, 50), 0u);
    EXPECT_EQ(page_size_of(7, 50), 7u);
    EXPECT_EQ(page_size_of(50, 50), 50u);
    EXPECT_EQ(page_size_of(2147483647, 50), 50u);
    EXPECT_EQ(page_limit_text(0), "1");
    EXPECT_EQ(page_limit_text(50), "51");
    EXPECT_EQ(page_limit_text(4294967295u), "4294967296");
}

const char* const sdl = R"GQL(
type Row @view(name: "v_row", columns: ["id", "score"]) { id: Int! grp: Int score: Float }
type Query { rows: [Row!]! }
)GQL";

class connection_sql : public ::testing::Test {
protected:
    void SetUp() override {
        auto r = graphql::build_schema(sdl);
        ASSERT_TRUE(r) << r.error().front().message;
        s_ = *r;
    }
    fraiseql::result<connection_query, std::vector<graphql::error>> compile(const std::string& q) {
        auto doc = graphql::parse_executable(q);
        EXPECT_TRUE(doc);
        auto p = graphql::plan_operation(*s_, *doc, "", graphql::input_value::null());
        EXPECT_TRUE(p) << (p ? "" : p.error().front().message);
        plan_ = std::move(*p);
        return compile_connection(*s_, plan_.root_fields.at(0), 50);
    }
    std::shared_ptr<graphql::schema> s_;
    graphql::operation_plan plan_;
};

TEST_F(connection_sql, count_and_other_side_check_only_when_selected) {
    auto plain = compile("{ rowsConnection(first: 2) { edges { node { id } } } }");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->stmt.text.find("count(*)"), std::string::npos) << plain->stmt.text;
    EXPECT_EQ(plain->stmt.text.find("EXISTS"), std::string::npos) << plain->stmt.text;
    EXPECT_EQ(plain->page_size, 2u);
    EXPECT_FALSE(plain->backward);

    auto counted = compile("{ rowsConnection(first: 2) { totalCount } }");
    ASSERT_TRUE(counted);
    EXPECT_NE(counted->stmt.text.find("count(*)"), std::string::npos) << counted->stmt.text;

    const std::string key = encode_cursor(plain->signature, "[3]");
    auto prev = compile("{ rowsConnection(first: 2, after: \"" + key + "\") { pageInfo { hasPreviousPage } } }");
    ASSERT_TRUE(prev) << prev.error().front().message;
    EXPECT_NE(prev->stmt.text.find("EXISTS"), std::string::npos) << prev->stmt.text;
    EXPECT_TRUE(prev->other_side_checked);
    // The cursor value is a parameter, never SQL text.
    EXPECT_EQ(prev->stmt.text.find("'3'"), std::string::npos);
    EXPECT_NE(std::find(prev->stmt.params.begin(), prev->stmt.params.end(), std::optional<std::string>("3")),
              prev->stmt.params.end());
}

TEST_F(connection_sql, page_size_is_capped_and_bad_arguments_are_bad_user_input) {
    auto big = compile("{ rowsConnection(last: 1000) { totalCount } }");
    ASSERT_TRUE(big);
    EXPECT_EQ(big->page_size, 50u);
    EXPECT_TRUE(big->backward);
    auto none = compile("{ rowsConnection { totalCount } }");
    ASSERT_TRUE(none);
    EXPECT_EQ(none->page_size, 50u);
    for (const char* args : {"first: 1, last: 1", "first: -1", "last: -1", "after: \"x\"", "before: \"\""}) {
        auto r = compile(std::string("{ rowsConnection(") + args + ") { totalCount } }");
        ASSERT_FALSE(r) << args;
        EXPECT_EQ(r.error().front().code, "BAD_USER_INPUT") << args;
    }
}

// The compiled-plan cache's contract (param_source): the page size and each cursor's non-null
// values are recorded parameters, and the text depends on the shape, not on the values.
TEST_F(connection_sql, page_size_and_cursor_values_are_recorded_parameters) {
    auto first = compile("{ rowsConnection(orderBy: [{grp: ASC}]) { totalCount } }");
    ASSERT_TRUE(first);
    const std::string sig = first->signature;
    auto recorded = [&](const std::string& q, std::vector<param_source>& sources) {
        auto doc = graphql::parse_executable(q);
        EXPECT_TRUE(doc);
        auto p = graphql::plan_operation(*s_, *doc, "", graphql::input_value::null());
        EXPECT_TRUE(p);
        plan_ = std::move(*p);
        return compile_connection(*s_, plan_.root_fields.at(0), 50, &sources);
    };
    std::vector<param_source> a_src, b_src, n_src;
    auto a = recorded("{ rowsConnection(first: 2, after: \"" + encode_cursor(sig, "[4, 7]") +
                          "\", orderBy: [{grp: ASC}], where: {score: {gt: 1.5}}) { totalCount } }",
                      a_src);
    auto b = recorded("{ rowsConnection(first: 5000, after: \"" + encode_cursor(sig, "[9, 8]") +
                          "\", orderBy: [{grp: ASC}], where: {score: {gt: 2}}) { totalCount } }",
                      b_src);
    auto n = recorded("{ rowsConnection(first: 2, after: \"" + encode_cursor(sig, "[null, 7]") +
                          "\", orderBy: [{grp: ASC}], where: {score: {gt: 1.5}}) { totalCount } }",
                      n_src);
    ASSERT_TRUE(a && b && n);
    EXPECT_EQ(a->stmt.text, b->stmt.text) << "values never reach the text";
    EXPECT_NE(a->stmt.text, n->stmt.text) << "a null cursor value is IS NULL, no parameter";
    EXPECT_EQ(a->stmt.params, (std::vector<std::optional<std::string>>{"1.5", "4", "7", "3"}));
    EXPECT_EQ(b->stmt.params, (std::vector<std::optional<std::string>>{"2", "9", "8", "51"}));
    EXPECT_EQ(n->stmt.params, (std::vector<std::optional<std::string>>{"1.5", "7", "3"}));
    ASSERT_EQ(a_src.size(), 3u);
    EXPECT_EQ(a_src[0].as, param_source::use::scalar); // the where operand, as for a list
    EXPECT_EQ(a_src[0].first, 0u);
    EXPECT_EQ(a_src[1].argument, "after");
    EXPECT_EQ(a_src[1].as, param_source::use::cursor);
    EXPECT_EQ(a_src[1].first, 1u);
    EXPECT_EQ(a_src[1].count, 2u);
    EXPECT_EQ(a_src[2].argument, "first");
    EXPECT_EQ(a_src[2].as, param_source::use::page_size);
    EXPECT_EQ(a_src[2].first, 3u);
    EXPECT_EQ(a_src[2].count, 1u);
    ASSERT_EQ(n_src.size(), 3u);
    EXPECT_EQ(n_src[1].count, 1u);
    // No first/last: the page size is max_page_size, a parameter of no argument.
    std::vector<param_source> none_src;
    auto none = recorded("{ rowsConnection { totalCount } }", none_src);
    ASSERT_TRUE(none);
    EXPECT_TRUE(none_src.empty());
    EXPECT_EQ(none->stmt.params, (std::vector<std::optional<std::string>>{"51"}));
}

TEST_F(connection_sql, the_signature_depends_on_the_ordering) {
    auto a = compile("{ rowsConnection(orderBy: [{grp: ASC}]) { totalCount } }");
    auto b = compile("{ rowsConnection(orderBy: [{grp: DESC}]) { totalCount } }");
    auto c = compile("{ rowsConnection(orderBy: [{grp: ASC}], where: {score: {gt: 1}}) { totalCount } }");
    ASSERT_TRUE(a && b && c);
    EXPECT_NE(a->signature, b->signature);
    EXPECT_EQ(a->signature, c->signature) << "a filter does not invalidate cursors";
}

} // namespace
} // namespace fraiseql::sql
