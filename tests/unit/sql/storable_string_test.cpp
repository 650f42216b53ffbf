// The rule the compiler refuses strings by (a NUL, or not UTF-8), which the compiled-plan
// cache's JSON road applies in place: its eight-bytes-at-a-time ASCII path must decide as the
// byte-by-byte one at every offset.
#include <gtest/gtest.h>

#include <string>

#include "sql/where_builder.hpp"

namespace {

using fraiseql::sql::storable_string;

TEST(storable_string, ascii_and_utf8_are_storable) {
    EXPECT_TRUE(storable_string(""));
    EXPECT_TRUE(storable_string("123e4567-e89b-12d3-a456-426614174000"));
    EXPECT_TRUE(storable_string("abcdefghijklmnopqrstuvwxyz \u00e9t\u00e9 \u65e5\u672c \U0001F600 end"));
}

TEST(storable_string, a_nul_or_bad_utf8_at_any_offset_is_refused) {
    for (std::size_t len = 1; len <= 40; ++len) {
        for (std::size_t at = 0; at < len; ++at) {
            std::string s(len, 'a');
            s[at] = '\0';
            EXPECT_FALSE(storable_string(s)) << "NUL at " << at << " of " << len;
            s[at] = '\x80'; // a continuation byte alone
            EXPECT_FALSE(storable_string(s)) << "0x80 at " << at << " of " << len;
            s[at] = '\xC3'; // a lead byte cut short (or followed by 'a')
            EXPECT_FALSE(storable_string(s)) << "0xC3 at " << at << " of " << len;
            s[at] = '\xFF';
            EXPECT_FALSE(storable_string(s)) << "0xFF at " << at << " of " << len;
        }
    }
}

TEST(storable_string, multibyte_sequences_straddling_words_are_read_whole) {
    for (std::size_t at = 0; at < 24; ++at) {
        std::string s(at, 'x');
        s += "\u00e9\u65e5\U0001F600"; // 2, 3 and 4 bytes
        s += std::string(17, 'y');
        EXPECT_TRUE(storable_string(s)) << at;
        std::string overlong(at, 'x');
        overlong += "\xC0\xAF"; // an overlong '/'
        overlong += std::string(9, 'y');
        EXPECT_FALSE(storable_string(overlong)) << at;
        std::string surrogate(at, 'x');
        surrogate += "\xED\xA0\x80"; // U+D800
        EXPECT_FALSE(storable_string(surrogate)) << at;
    }
}

} // namespace
