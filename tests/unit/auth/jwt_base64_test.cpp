// Strict base64url (RFC 4648 §5 without padding, as JWS uses it: RFC 7515 §2) and the ES256
// signature conversion.

#include <gtest/gtest.h>

#include "jwt_test_util.hpp"

namespace {

using fraiseql::auth::jwt_detail::base64url_decode;
using fraiseql::auth::jwt_detail::base64url_encode;
using fraiseql::auth::jwt_detail::es256_raw_to_der;

std::string decoded(std::string_view s) {
    std::string out;
    EXPECT_TRUE(base64url_decode(s, out)) << s;
    return out;
}
bool refused(std::string_view s) {
    std::string out;
    return !base64url_decode(s, out);
}

TEST(jwt_base64, rfc4648_section10_vectors_without_padding) {
    const std::pair<std::string_view, std::string_view> cases[] = {
        {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},         {"foo", "Zm9v"},
        {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, enc] : cases) {
        EXPECT_EQ(base64url_encode(plain), enc);
        EXPECT_EQ(decoded(enc), plain);
    }
}

TEST(jwt_base64, url_alphabet) {
    EXPECT_EQ(base64url_encode("\xfb\xff\xbf"), "-_-_");
    EXPECT_EQ(decoded("-_-_"), "\xfb\xff\xbf");
    EXPECT_TRUE(refused("+/+/")); // the standard alphabet is not base64url
}

TEST(jwt_base64, round_trips_every_byte_value_at_every_length_mod_3) {
    std::string all;
    for (int i = 0; i < 256; ++i)
        all.push_back(static_cast<char>(i));
    for (std::size_t len : {all.size(), all.size() - 1, all.size() - 2}) {
        const auto part = all.substr(0, len);
        EXPECT_EQ(decoded(base64url_encode(part)), part);
    }
}

TEST(jwt_base64, refuses_padding_whitespace_and_foreign_characters) {
    EXPECT_TRUE(refused("Zg=="));
    EXPECT_TRUE(refused("Zm8="));
    EXPECT_TRUE(refused("Zm9v "));
    EXPECT_TRUE(refused("Zm 9v"));
    EXPECT_TRUE(refused("Zm9v\n"));
    EXPECT_TRUE(refused("Zm9v."));
    EXPECT_TRUE(refused(std::string_view("Zm\0v", 4)));
    EXPECT_TRUE(refused("Zm9\xc3\xa9"));
}

TEST(jwt_base64, refuses_impossible_length) {
    EXPECT_TRUE(refused("Z"));
    EXPECT_TRUE(refused("Zm9vY"));
}

TEST(jwt_base64, refuses_non_canonical_trailing_bits) {
    // "f" is Zg; Zh..Zv decode to the same byte with non-zero unused bits. Accepting them
    // would give one signature several encodings.
    EXPECT_EQ(decoded("Zg"), "f");
    EXPECT_TRUE(refused("Zh"));
    EXPECT_TRUE(refused("Zv"));
    EXPECT_EQ(decoded("Zm8"), "fo");
    EXPECT_TRUE(refused("Zm9"));
}

TEST(jwt_es256_der, converts_64_bytes_and_nothing_else) {
    std::string raw(64, '\0');
    raw[31] = 1;      // r = 1
    raw[32] = '\x80'; // s has its high bit set: DER needs a leading zero byte
    const auto der = es256_raw_to_der(raw);
    ASSERT_FALSE(der.empty());
    // SEQUENCE { INTEGER 1, INTEGER 0x0080… (33 bytes) }
    EXPECT_EQ(static_cast<unsigned char>(der[0]), 0x30);
    EXPECT_EQ(der.substr(2, 3), std::string("\x02\x01\x01", 3));
    EXPECT_EQ(der.substr(5, 3), std::string("\x02\x21\x00", 3));
    EXPECT_EQ(der.size(), 2u + 3u + 35u);
    EXPECT_EQ(fraiseql_test::jwt::der_to_raw(der), raw);

    EXPECT_TRUE(es256_raw_to_der(std::string(63, '\x01')).empty());
    EXPECT_TRUE(es256_raw_to_der(std::string(65, '\x01')).empty());
    EXPECT_TRUE(es256_raw_to_der("").empty());
}

} // namespace
