// Limits against hostile documents (size, tokens, nesting depth) and a "random mutation"
// property: byte-wise mutations of valid documents never crash, and whatever parses prints
// to text that parses again to the same printed form.

#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "parse_helpers.hpp"

namespace fraiseql::graphql::test {
namespace {

TEST(parser_limits, document_size) {
    parse_limits limits;
    limits.max_bytes = 10;
    EXPECT_EQ(parse_err("{ abcdefghij }", document_kind::any, limits),
              "1:1: Document is larger than the limit of 10 bytes.");
    EXPECT_EQ(parse_err("{ abcdef }", document_kind::any, limits), "OK");
    EXPECT_EQ(parse_err(std::string((1 << 20) + 1, ' ')),
              "1:1: Document is larger than the limit of 1048576 bytes.")
        << "1 MiB by default";
}

TEST(parser_limits, token_count) {
    parse_limits limits;
    limits.max_tokens = 5;
    EXPECT_EQ(parse_err("{ a b c }", document_kind::any, limits), "OK") << "exactly 5 tokens";
    EXPECT_EQ(parse_err("{ a b c d }", document_kind::any, limits),
              "1:11: Document contains more than 5 tokens. Parsing aborted.");
    EXPECT_EQ(parse_err("# comments\n{ a # do not\n b c # count\n}", document_kind::any, limits),
              "OK");
    // Default: 100,000 tokens.
    std::string many = "{";
    for (int i = 0; i < 100'001; ++i) many += " a";
    many += " }";
    EXPECT_EQ(parse_err(many).substr(0, 60).find("more than 100000 tokens") != std::string::npos,
              true);
}

TEST(parser_limits, selection_depth_is_an_error_not_a_stack_overflow) {
    std::string deep;
    for (int i = 0; i < 100'000; ++i) deep += "{a";
    const std::string err = parse_err(deep);
    EXPECT_NE(err.find("Document exceeds the maximum nesting depth of 128."), std::string::npos)
        << err;
    parse_limits limits;
    limits.max_depth = 3;
    EXPECT_EQ(parse_err("{a{b{c}}}", document_kind::any, limits), "OK");
    EXPECT_EQ(parse_err("{a{b{c{d}}}}", document_kind::any, limits),
              "1:7: Document exceeds the maximum nesting depth of 3.");
}

TEST(parser_limits, value_and_type_depth) {
    parse_limits limits;
    limits.max_depth = 4;
    EXPECT_EQ(parse_err("{f(a:[[[1]]])}", document_kind::any, limits), "OK");
    EXPECT_EQ(parse_err("{f(a:[[[[1]]]])}", document_kind::any, limits),
              "1:9: Document exceeds the maximum nesting depth of 4.");
    EXPECT_EQ(parse_err("{f(a:{b:{c:{d:[1]}}})}", document_kind::any, limits),
              "1:15: Document exceeds the maximum nesting depth of 4.");
    EXPECT_EQ(parse_err("query($a:[[[[Int]]]]){f}", document_kind::any, limits), "OK");
    EXPECT_EQ(parse_err("query($a:[[[[[Int]]]]]){f}", document_kind::any, limits),
              "1:14: Document exceeds the maximum nesting depth of 4.");
    std::string list(200'000, '[');
    EXPECT_NE(parse_err("{f(a:" + list).find("maximum nesting depth"), std::string::npos);
    EXPECT_NE(parse_err("query($a:" + list).find("maximum nesting depth"), std::string::npos);
    std::string obj;
    for (int i = 0; i < 50'000; ++i) obj += "{a:";
    EXPECT_NE(parse_err("{f(a:" + obj).find("maximum nesting depth"), std::string::npos);
}

TEST(parser_limits, hostile_documents_take_bounded_time) {
    // One megabyte of the worst cases the lexer and parser can see, each parsed in well
    // under a second even in a sanitizer build.
    const std::string cases[] = {
        std::string(1 << 20, '{'),
        "{ a(s: \"" + std::string((1 << 20) - 20, '\\') + "\") }",
        "\"\"\"" + std::string((1 << 20) - 10, '\n'),
        "# " + std::string((1 << 20) - 2, 'x'),
        "{ a(s: \"\"\"" + std::string((1 << 20) - 20, ' ') + "x\"\"\") }",
    };
    for (const auto& c : cases) {
        const auto t0 = std::chrono::steady_clock::now();
        (void)parse(c);
        const auto dt = std::chrono::steady_clock::now() - t0;
        EXPECT_LT(dt, std::chrono::seconds(2)) << c.substr(0, 20);
    }
}

// Mutates valid documents byte-wise: the parser must never crash (ASan/UBSan watch it),
// and every document it accepts must print to text that parses and prints the same.
TEST(parser_property, random_mutations_never_crash) {
    const std::string seeds[] = {
        "query Q($a: [Int!]! = [1], $b: In = {x: \"s\"}) @d { a: f(x: $a, y: 1.5e3) { ...F ... on "
        "T @i(if: true) { g } } }\nfragment F on T { h(s: \"\"\"\n  block\n\"\"\") }",
        "\"\"\"d\"\"\" type T implements A & B @v(name: \"x\") { \"f\" f(a: Int = 1): [T!]! } "
        "union U = | A | B enum E { A B } input I { a: Int = 2 } directive @d repeatable on FIELD "
        "| QUERY extend type T @x scalar S schema { query: Q }",
        "{ a(s: \"\\u00e9\\uD83D\\uDE00\\u{1F600}\", n: -0.5e-3, l: [[]], o: {}) # c\n b }",
    };
    const char specials[] = "{}()[]:$@!=|&.\"\\ \n\r\t#,-0123456789eEon_aZ\xC3\xA9\xFF\x00'";
    std::mt19937 rng(20240607);
    int accepted = 0;
    for (int i = 0; i < 4000; ++i) {
        std::string s = seeds[i % std::size(seeds)];
        const int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits; ++e) {
            const std::size_t pos = s.empty() ? 0 : rng() % s.size();
            const char c = specials[rng() % (sizeof(specials) - 1)];
            switch (rng() % 4) {
            case 0:
                if (!s.empty()) s.erase(pos, 1 + rng() % 3);
                break;
            case 1: s.insert(pos, 1, c); break;
            case 2:
                if (!s.empty()) s[pos] = c;
                break;
            default:
                if (!s.empty()) s.insert(pos, s.substr(pos, rng() % 8)); // duplicate a chunk
                break;
            }
        }
        auto r = parse(s);
        if (!r) {
            EXPECT_GE(r.error().line, 1u);
            EXPECT_GE(r.error().column, 1u);
            EXPECT_FALSE(r.error().message.empty());
            continue;
        }
        ++accepted;
        const std::string printed = print(*r);
        auto again = parse(printed);
        ASSERT_TRUE(again) << "printed text does not parse: " << again.error().message
                           << "\noriginal: " << s << "\nprinted: " << printed;
        EXPECT_EQ(print(*again), printed) << s;
    }
    EXPECT_GT(accepted, 50) << "the mutations should leave some documents valid";
}

} // namespace
} // namespace fraiseql::graphql::test
