// Lexical grammar (GraphQL spec October 2021, §2.1 and §2.9 token rules), tested through the
// public parser. Error messages follow graphql-js (16.x) without its "Syntax Error: " prefix.

#include <gtest/gtest.h>

#include "parse_helpers.hpp"

namespace fraiseql::graphql::test {
namespace {

// §2.1.1 Source text: UTF-8, with a byte order mark ignored anywhere.
TEST(lexer_2_1_1_source_text, bom_is_ignored) {
    const auto d = parse_ok("\xEF\xBB\xBF{ a }");
    EXPECT_EQ(first_field(d).name, "a");
    EXPECT_EQ(first_field(d).loc.column, 4u) << "the BOM is one character";
    EXPECT_EQ(parse_err("{ a \xEF\xBB\xBF b }"), "OK");
}

TEST(lexer_2_1_1_source_text, invalid_utf8_is_refused_everywhere) {
    EXPECT_EQ(parse_err("{ a \xFF }"), "1:5: Invalid UTF-8 byte sequence.");
    EXPECT_EQ(parse_err("{ a(s: \"x\xC3\") }"), "1:10: Invalid UTF-8 byte sequence.");
    EXPECT_EQ(parse_err("# \xC0\xAF overlong\n{ a }"), "1:3: Invalid UTF-8 byte sequence.");
    // An encoded surrogate (U+D800) is not a Unicode scalar value.
    EXPECT_EQ(parse_err("{ a(s: \"\xED\xA0\x80\") }"), "1:9: Invalid UTF-8 byte sequence.");
    EXPECT_EQ(parse_err("{ a(s: \"\"\"\n\xF4\x90\x80\x80\"\"\") }"),
              "2:1: Invalid UTF-8 byte sequence.");
}

TEST(lexer_2_1_1_source_text, unexpected_characters) {
    EXPECT_EQ(parse_err("{ a ? }"), "1:5: Unexpected character: \"?\".");
    EXPECT_EQ(parse_err("{ a \x07 }"), "1:5: Unexpected character: U+0007.");
    EXPECT_EQ(parse_err("{ a \xC3\xA9 }"), "1:5: Unexpected character: U+00E9.");
    EXPECT_EQ(parse_err("{ a . }"), "1:5: Unexpected character: \".\".");
    EXPECT_EQ(parse_err("{ a(b: 'c') }"),
              "1:8: Unexpected single quote character ('), did you mean to use a double quote "
              "(\")?");
}

// §2.1.3 Line terminators: \n, \r\n and \r each end one line.
TEST(lexer_2_1_3_line_terminators, all_three_forms_count_lines) {
    EXPECT_EQ(parse_err("{\n a\r\n b\r c\n ?}"), "5:2: Unexpected character: \"?\".");
    EXPECT_EQ(parse_err("{\r\r\n\n?}"), "4:1: Unexpected character: \"?\".");
}

// Columns count code points (documented; graphql-js counts UTF-16 units).
TEST(lexer_2_1_3_line_terminators, columns_count_code_points) {
    EXPECT_EQ(parse_err("{ a(s: \"\xC3\xA9\xC3\xA9\" ?) }"), "1:13: Unexpected character: \"?\".");
    EXPECT_EQ(parse_err("{ a(s: \"\xF0\x9F\x98\x80\" ?) }"), "1:12: Unexpected character: \"?\".");
}

// §2.1.4 Comments run to the end of the line; any source character may appear in them.
TEST(lexer_2_1_4_comments, comments_are_ignored) {
    const auto d = parse_ok("# leading\n{ # after brace \x07 \xC3\xA9\n  a # trailing\n}\n# last");
    EXPECT_EQ(first_field(d).name, "a");
    EXPECT_EQ(first_field(d).loc.line, 3u);
    EXPECT_EQ(parse_err("# only a comment"), "1:17: Unexpected <EOF>.");
}

// §2.1.5 Commas are insignificant.
TEST(lexer_2_1_5_insignificant_commas, commas_are_whitespace) {
    const auto d = parse_ok(",,{,a,,b,(,x,:,1,,y:2,),},");
    const auto& op = std::get<operation_definition>(d.definitions[0]);
    ASSERT_EQ(op.selections.size(), 2u);
    EXPECT_EQ(std::get<field>(op.selections[1].node).arguments.size(), 2u);
}

// §2.1.8 Punctuators, including `...` and `&`.
TEST(lexer_2_1_8_punctuators, every_punctuator_is_recognised) {
    const auto d = parse_ok("query Q($v: [Int!]! = [1]) @d { a(x: $v) ...F ... on T { b } }\n"
                            "type T implements & A & B { f: Int }\nunion U = | A | B");
    EXPECT_EQ(d.definitions.size(), 3u);
    EXPECT_EQ(parse_err("{ a(b: ..) }"), "1:8: Unexpected character: \".\".");
    EXPECT_EQ(parse_err("{ a }}"), "1:6: Unexpected \"}\".");
    EXPECT_EQ(parse_err("{ a(x: !) }"), "1:8: Unexpected \"!\".");
    EXPECT_EQ(parse_err("{ a(x: |) }"), "1:8: Unexpected \"|\".");
    EXPECT_EQ(parse_err("{ a(x: &) }"), "1:8: Unexpected \"&\".");
    EXPECT_EQ(parse_err("{ a(x: @) }"), "1:8: Unexpected \"@\".");
    EXPECT_EQ(parse_err("{ a(x: ]) }"), "1:8: Unexpected \"]\".");
    EXPECT_EQ(parse_err("{ a(x: )) }"), "1:8: Unexpected \")\".");
    EXPECT_EQ(parse_err("{ a(x: :) }"), "1:8: Unexpected \":\".");
    EXPECT_EQ(parse_err("{ a(x: =) }"), "1:8: Unexpected \"=\".");
    EXPECT_EQ(parse_err("{ a(x: (1)) }"), "1:8: Unexpected \"(\".");
    EXPECT_EQ(parse_err("{ a(x: ...) }"), "1:8: Unexpected \"...\".");
}

// §2.1.9 Names: /[_A-Za-z][_0-9A-Za-z]*/, case-sensitive.
TEST(lexer_2_1_9_names, names) {
    const auto d = parse_ok("{ _a9Z: __typename Aa: aA }");
    const auto& op = std::get<operation_definition>(d.definitions[0]);
    EXPECT_EQ(std::get<field>(op.selections[0].node).alias, "_a9Z");
    EXPECT_EQ(std::get<field>(op.selections[0].node).name, "__typename");
    EXPECT_EQ(std::get<field>(op.selections[1].node).name, "aA");
}

// §2.9.1 Int values.
TEST(lexer_2_9_1_int_value, valid_ints) {
    for (const char* lit : {"0", "-0", "7", "-7", "1234567890", "9999999999999999999999"}) {
        const value v = literal(lit);
        EXPECT_EQ(v.kind, value_kind::int_value) << lit;
        EXPECT_EQ(v.text, lit);
    }
}

// §2.9.2 Float values.
TEST(lexer_2_9_2_float_value, valid_floats) {
    for (const char* lit : {"0.0", "-0.5", "1.5", "1e10", "1E10", "1e+10", "1e-10", "-1.25e-3",
                            "6.0221413e23"}) {
        const value v = literal(lit);
        EXPECT_EQ(v.kind, value_kind::float_value) << lit;
        EXPECT_EQ(v.text, lit);
    }
}

// The lookahead restrictions of §2.9.1/§2.9.2: no Digit, `.` or NameStart after a number.
TEST(lexer_2_9_1_int_value, lookahead_errors) {
    EXPECT_EQ(parse_err("{ f(a: 00) }"), "1:9: Invalid number, unexpected digit after 0: \"0\".");
    EXPECT_EQ(parse_err("{ f(a: -01) }"), "1:10: Invalid number, unexpected digit after 0: \"1\".");
    EXPECT_EQ(parse_err("{ f(a: 0x1) }"), "1:9: Invalid number, expected digit but got: \"x\".");
    EXPECT_EQ(parse_err("{ f(a: 1a) }"), "1:9: Invalid number, expected digit but got: \"a\".");
    EXPECT_EQ(parse_err("{ f(a: 1_) }"), "1:9: Invalid number, expected digit but got: \"_\".");
    EXPECT_EQ(parse_err("{ f(a: -) }"), "1:9: Invalid number, expected digit but got: \")\".");
    EXPECT_EQ(parse_err("{ f(a: -a) }"), "1:9: Invalid number, expected digit but got: \"a\".");
    EXPECT_EQ(parse_err("{ f(a: 1"), "1:9: Expected Name, found <EOF>.") << "1 then <EOF> is fine";
}

TEST(lexer_2_9_2_float_value, lookahead_errors) {
    EXPECT_EQ(parse_err("{ f(a: 1.) }"), "1:10: Invalid number, expected digit but got: \")\".");
    EXPECT_EQ(parse_err("{ f(a: 1."), "1:10: Invalid number, expected digit but got: <EOF>.");
    EXPECT_EQ(parse_err("{ f(a: 1.e3) }"), "1:10: Invalid number, expected digit but got: \"e\".");
    EXPECT_EQ(parse_err("{ f(a: 1e) }"), "1:10: Invalid number, expected digit but got: \")\".");
    EXPECT_EQ(parse_err("{ f(a: 1e+) }"), "1:11: Invalid number, expected digit but got: \")\".");
    EXPECT_EQ(parse_err("{ f(a: 1.5.1) }"), "1:11: Invalid number, expected digit but got: \".\".");
    EXPECT_EQ(parse_err("{ f(a: 1.5e3e) }"), "1:13: Invalid number, expected digit but got: \"e\".");
    EXPECT_EQ(parse_err("{ f(a: .5) }"), "1:8: Unexpected character: \".\".");
    EXPECT_EQ(parse_err("{ f(a: 1.\xC3\xA9) }"),
              "1:10: Invalid number, expected digit but got: U+00E9.");
}

// §2.9.4 String values: escapes.
TEST(lexer_2_9_4_string_value, simple_escapes) {
    EXPECT_EQ(string_of(R"("")"), "");
    EXPECT_EQ(string_of(R"("plain text")"), "plain text");
    EXPECT_EQ(string_of(R"("q\" b\\ s\/ \b\f\n\r\t")"), "q\" b\\ s/ \b\f\n\r\t");
    EXPECT_EQ(string_of("\"tab\there\""), "tab\there");
    EXPECT_EQ(string_of("\"ctl\x01\""), "ctl\x01") << "any scalar value but \" \\ and EOL";
    EXPECT_EQ(string_of("\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\""), "é€😀");
}

TEST(lexer_2_9_4_string_value, unicode_escapes_and_surrogate_pairs) {
    EXPECT_EQ(string_of(R"("\u0041\u00e9\u20AC")"), "Aé€");
    EXPECT_EQ(string_of(R"("\u{41}\u{1F600}\u{00000041}")"), "A😀A")
        << "leading zeros are allowed, up to 12 characters for the whole escape";
    EXPECT_EQ(string_of(R"("\uD83D\uDE00")"), "😀");
    EXPECT_EQ(string_of(R"("\ud83d\ude00x")"), "😀x");
    EXPECT_EQ(string_of(R"("\u0000")"), std::string(1, '\0'));
}

TEST(lexer_2_9_4_string_value, escape_errors) {
    EXPECT_EQ(parse_err(R"({ f(a: "\uD83D") })"), R"(1:9: Invalid Unicode escape sequence: "\uD83D".)");
    EXPECT_EQ(parse_err(R"({ f(a: "\uDE00") })"), R"(1:9: Invalid Unicode escape sequence: "\uDE00".)");
    EXPECT_EQ(parse_err(R"({ f(a: "\uD83D\u0041") })"),
              R"(1:9: Invalid Unicode escape sequence: "\uD83D".)");
    EXPECT_EQ(parse_err(R"({ f(a: "\uXYZW") })"), R"(1:9: Invalid Unicode escape sequence: "\uXYZW".)");
    EXPECT_EQ(parse_err(R"({ f(a: "\u12") })"), R"*(1:9: Invalid Unicode escape sequence: "\u12")".)*");
    EXPECT_EQ(parse_err(R"({ f(a: "\u{110000}") })"),
              R"(1:9: Invalid Unicode escape sequence: "\u{110000}".)");
    EXPECT_EQ(parse_err(R"({ f(a: "\u{D800}") })"),
              R"(1:9: Invalid Unicode escape sequence: "\u{D800}".)");
    EXPECT_EQ(parse_err(R"({ f(a: "\u{}") })"), R"(1:9: Invalid Unicode escape sequence: "\u{}".)");
    EXPECT_EQ(parse_err(R"({ f(a: "\u{00000000041}") })"),
              R"(1:9: Invalid Unicode escape sequence: "\u{000000000".)");
    EXPECT_EQ(parse_err(R"({ f(a: "\x") })"), R"(1:9: Invalid character escape sequence: "\x".)");
    EXPECT_EQ(parse_err(R"({ f(a: "\)"), R"(1:9: Invalid character escape sequence: "\".)");
}

TEST(lexer_2_9_4_string_value, unterminated) {
    EXPECT_EQ(parse_err("{ f(a: \"abc"), "1:12: Unterminated string.");
    EXPECT_EQ(parse_err("{ f(a: \"abc\ndef\") }"), "1:12: Unterminated string.");
    EXPECT_EQ(parse_err("{ f(a: \"abc\r\") }"), "1:12: Unterminated string.");
    EXPECT_EQ(parse_err("{ f(a: \"\"\"abc\n  d"), "2:4: Unterminated string.");
}

// §2.9.4 Block strings: BlockStringValue() — common indentation (not counting the first
// line or whitespace-only lines) removed, leading and trailing blank lines dropped.
TEST(lexer_2_9_4_block_string, spec_example) {
    const std::string src = "mutation {\n"
                            "  sendEmail(message: \"\"\"\n"
                            "    Hello,\n"
                            "      World!\n"
                            "\n"
                            "    Yours,\n"
                            "      GraphQL.\n"
                            "  \"\"\")\n"
                            "}";
    const auto d = parse_ok(src);
    const value& v = first_field(d).arguments.at(0).value;
    EXPECT_TRUE(v.block);
    EXPECT_EQ(v.text, "Hello,\n  World!\n\nYours,\n  GraphQL.");
}

TEST(lexer_2_9_4_block_string, indentation_table) {
    struct row {
        const char* raw;
        const char* value;
    };
    const row rows[] = {
        {"", ""},
        {"simple", "simple"},
        {"  first line keeps its indent", "  first line keeps its indent"},
        {"\n  a\n  b\n", "a\nb"},
        {"\n    a\n      b\n    c", "a\n  b\nc"},
        {"x\n    a\n  b", "x\n  a\nb"},
        {"\n\n   \n  a\n \t \n\n", "a"},
        {"   \n", ""},
        {"\t\ta\n\t\tb", "\t\ta\nb"},
        {"a\n\n  \n b", "a\n\n \nb"},
        {"a\r\n  b\r  c", "a\nb\nc"},
        {"esc \\\"\"\" aped", "esc \"\"\" aped"},
        {"\\\"\"\"\n  \\\"\"\"", "\"\"\"\n\"\"\""},
        {"no \\n escape \\u0041", "no \\n escape \\u0041"},
        {"quote \" and \"\" inside", "quote \" and \"\" inside"},
        {"  \n  indented only\n    more", "indented only\n  more"},
    };
    for (const auto& r : rows) {
        EXPECT_EQ(string_of(std::string("\"\"\"") + r.raw + "\"\"\""), r.value) << r.raw;
    }
}

TEST(lexer_2_9_4_block_string, positions_after_multiline_block) {
    EXPECT_EQ(parse_err("{ f(a: \"\"\"\n  x\n  y\"\"\" ?) }"), "3:8: Unexpected character: \"?\".");
    EXPECT_EQ(parse_err("{ f(a: \"\"\"x\r\ny\ry\"\"\"\n ?) }"), "4:2: Unexpected character: \"?\".");
}

} // namespace
} // namespace fraiseql::graphql::test
