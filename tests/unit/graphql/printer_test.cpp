// The printer: graphql-js `print` layout, and parse -> print -> parse round trips.

#include <gtest/gtest.h>

#include "parse_helpers.hpp"

namespace fraiseql::graphql::test {
namespace {

std::string reprint(const std::string& src) { return print(parse_ok(src)); }

TEST(printer, executable_layout) {
    EXPECT_EQ(reprint("{a}"), "{\n  a\n}");
    EXPECT_EQ(reprint("query { a }"), "{\n  a\n}") << "anonymous query uses the shorthand";
    EXPECT_EQ(reprint("query Q { a }"), "query Q {\n  a\n}");
    EXPECT_EQ(reprint("query ($a: Int = 1 @d, $b: [B!]!) @x { a }"),
              "query ($a: Int = 1 @d, $b: [B!]!) @x {\n  a\n}");
    EXPECT_EQ(reprint("mutation M($a:Int){x:f(a:$a,b:{c:[1,2.5,\"s\",true,null,E]}) @skip(if:false)"
                      "{...F ... on T @d {b} ...@include(if:true){c}}}"),
              "mutation M($a: Int) {\n  x: f(a: $a, b: {c: [1, 2.5, \"s\", true, null, E]}) "
              "@skip(if: false) {\n    ...F\n    ... on T @d {\n      b\n    }\n    ... "
              "@include(if: true) {\n      c\n    }\n  }\n}");
    EXPECT_EQ(reprint("fragment F on T @d { a }"), "fragment F on T @d {\n  a\n}");
    EXPECT_EQ(reprint("fragment F on T { a } {b}"), "fragment F on T {\n  a\n}\n\n{\n  b\n}");
}

TEST(printer, long_argument_lists_wrap) {
    EXPECT_EQ(reprint("{ field(argumentNumberOne: \"aaaaaaaaaaaaaaaa\", argumentNumberTwo: "
                      "\"bbbbbbbbbbbbbbbbbbb\") }"),
              "{\n  field(\n    argumentNumberOne: \"aaaaaaaaaaaaaaaa\"\n    argumentNumberTwo: "
              "\"bbbbbbbbbbbbbbbbbbb\"\n  )\n}");
}

TEST(printer, strings_are_escaped_like_json) {
    EXPECT_EQ(reprint(R"({ a(s: "q\" b\\ \n\t\u0007\u007F\u0085é😀") })"),
              "{\n  a(s: \"q\\\" b\\\\ \\n\\t\\u0007\\u007F\\u0085é😀\")\n}");
}

TEST(printer, block_strings) {
    EXPECT_EQ(reprint("{ a(s: \"\"\"one line\"\"\") }"), "{\n  a(s: \"\"\"one line\"\"\")\n}");
    EXPECT_EQ(reprint("{ a(s: \"\"\"\n  two\n  lines\n\"\"\") }"),
              "{\n  a(s: \"\"\"\n  two\n  lines\n  \"\"\")\n}");
    EXPECT_EQ(reprint("{ a(s: \"\"\"  leading space\"\"\") }"),
              "{\n  a(s: \"\"\"  leading space\"\"\")\n}");
    EXPECT_EQ(reprint("{ a(s: \"\"\"ends with quote\\\"\"\"\"\"\") }"),
              "{\n  a(s: \"\"\"\n  ends with quote\\\"\"\"\n  \"\"\")\n}");
}

TEST(printer, type_system_layout) {
    const std::string sdl = "\"\"\"Desc\"\"\"\nschema @d {\n  query: Q\n}\n\n"
                            "\"s\"\nscalar S @x\n\n"
                            "type T implements A & B @d {\n  \"fd\"\n  f(a: Int = 1 @x, b: [In!]): "
                            "[T!]! @y\n  g: Int\n}\n\n"
                            "interface I implements A {\n  f: Int\n}\n\n"
                            "union U @d = A | B\n\n"
                            "enum E {\n  \"v\"\n  A @deprecated\n  B\n}\n\n"
                            "input In {\n  a: Int = 1 @x\n  b: String\n}\n\n"
                            "directive @d(a: Int) repeatable on FIELD | QUERY\n\n"
                            "extend schema @e\n\n"
                            "extend type T @z\n\n"
                            "extend union U = C\n\n"
                            "type Args {\n  f(\n    \"described\"\n    a: Int\n  ): Int\n}";
    EXPECT_EQ(reprint(sdl), sdl);
}

// Round trip: print(parse(print(parse(x)))) == print(parse(x)), and the ASTs agree.
TEST(printer, round_trip_is_stable) {
    const char* docs[] = {
        "query Q($a: [[Int!]]! = [[1]], $b: In = {a: {b: [\"x\"]}}) @q(x: 1) { a: b(c: $a) "
        "@d { ...F ... on T { e } } }",
        "subscription { s }",
        "{ a(s: \"\"\"\n    Hello,\n      World!\n\n    Yours,\n      GraphQL.\n  \"\"\") }",
        "{ a(s: \"\"\"a\\\"\"\"b\"\"\") }",
        "{ a(s: \"\"\"ends with quote\\\"\"\" and \"\n\"\"\") }",
        "{ a(s: \"\"\"  \\\\ back\"\"\") }",
        "type T { \"\"\"multi\nline\n  desc\"\"\" f: Int }",
        "\"\"\"  x\n y\"\"\" scalar S",
        "\"\\u0000 nul\" enum E { A B }",
    };
    for (const char* src : docs) {
        const std::string once = reprint(src);
        const std::string twice = reprint(once);
        EXPECT_EQ(once, twice) << src;
    }
}

TEST(printer, round_trip_preserves_string_values) {
    // Any text as a regular string; as a block string only the values that a block string
    // can denote (BlockStringValue() never leaves common indentation or blank edge lines).
    const char* values[] = {"",         "x",          "  lead",   "trail  ",   "a\nb",
                            "a\n\nb",   "\"\"\"",      "x\"\"\"y",  "end\"",     "end\\",
                            "é😀\nü",   "  lead\nx\n  y", "\\\"\"\"",  "a\n  b\nc"};
    const char* regular_only[] = {"  a\n b", "\ttab\n\tx", "a\n \n b", "\n starts", "\r\n"};
    std::vector<std::pair<std::string, bool>> cases;
    for (const char* t : values) {
        cases.emplace_back(t, false);
        cases.emplace_back(t, true);
    }
    for (const char* t : regular_only) cases.emplace_back(t, false);
    for (const auto& [text, block] : cases) {
        {
            value v;
            v.kind = value_kind::string_value;
            v.block = block;
            v.text = text;
            const std::string printed = print(v);
            // Inside a selection set too, where the printer indents block-string lines.
            const auto d = parse_ok("{ f { g(a: " + printed + ") } }");
            const field& g = std::get<field>(first_field(d).selections.at(0).node);
            EXPECT_EQ(g.arguments.at(0).value.text, text) << printed;
            const auto again = parse_ok(print(d));
            const field& g2 = std::get<field>(first_field(again).selections.at(0).node);
            EXPECT_EQ(g2.arguments.at(0).value.text, text) << print(d);
        }
    }
}

} // namespace
} // namespace fraiseql::graphql::test
