#include "fraiseql/json/writer.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace fraiseql::json {
namespace {

std::string as_json(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}

// RFC 8259 §7.
TEST(append_json_string, escapes) {
    EXPECT_EQ(as_json(""), "\"\"");
    EXPECT_EQ(as_json("plain"), "\"plain\"");
    EXPECT_EQ(as_json("a\"b"), "\"a\\\"b\"");
    EXPECT_EQ(as_json("a\\b"), "\"a\\\\b\"");
    EXPECT_EQ(as_json("\b\f\n\r\t"), "\"\\b\\f\\n\\r\\t\"");
    EXPECT_EQ(as_json(std::string_view("\x00\x01\x1f", 3)), "\"\\u0000\\u0001\\u001f\"");
    EXPECT_EQ(as_json("/\x7f"), "\"/\x7f\"");
    // Long strings take the 16-byte path; the escape must be found at any offset.
    std::string long_in(40, 'x');
    long_in[33] = '"';
    std::string expect = "\"" + std::string(33, 'x') + "\\\"" + std::string(6, 'x') + "\"";
    EXPECT_EQ(as_json(long_in), expect);
}

TEST(append_json_string, utf8_passes_and_invalid_is_replaced) {
    EXPECT_EQ(as_json("é日本🎉"), "\"é日本🎉\"");
    EXPECT_EQ(as_json("a\xff" "b"), "\"a\xEF\xBF\xBD" "b\"");          // invalid byte
    EXPECT_EQ(as_json("\xC3"), "\"\xEF\xBF\xBD\"");                     // truncated
    EXPECT_EQ(as_json("\xC0\xAF"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");     // overlong
    EXPECT_EQ(as_json("\xED\xA0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""); // surrogate
    EXPECT_EQ(as_json("\xF4\x90\x80\x80").substr(0, 4), "\"\xEF\xBF\xBD"); // > U+10FFFF
    // Every output parses as JSON (Boost.JSON validates UTF-8).
    for (const char* s : {"a\xff", "\xe2\x82", "\xf0\x9f\x8e", "x\x01y\"z\\"}) {
        boost::system::error_code ec;
        (void)boost::json::parse(as_json(s), ec);
        EXPECT_FALSE(ec) << s;
    }
}

TEST(writer, field_error_and_envelope) {
    field_error e;
    e.message = "Cannot return null for non-nullable field User.email.";
    e.path = {std::string("posts"), std::size_t{2}, std::string("email")};
    e.line = 3;
    e.column = 5;
    std::string out;
    const path_segment prefix[] = {std::string("users"), std::size_t{7}};
    append_field_error(out, e, prefix);
    EXPECT_EQ(out,
              R"({"message":"Cannot return null for non-nullable field User.email.",)"
              R"("locations":[{"line":3,"column":5}],"path":["users",7,"posts",2,"email"]})");

    std::string env;
    begin_data(env);
    begin_root_field(env, "users", true);
    env += "[]";
    begin_root_field(env, "me", false);
    env += "null";
    field_error e2;
    e2.message = "m";
    e2.path = {std::string("me")};
    end_data(env, std::span<const field_error>(&e2, 1));
    EXPECT_EQ(env, R"({"data":{"users":[],"me":null},"errors":[{"message":"m","path":["me"]}]})");
    std::string env2;
    begin_data(env2);
    end_data(env2);
    EXPECT_EQ(env2, R"({"data":{}})");
}

} // namespace
} // namespace fraiseql::json
