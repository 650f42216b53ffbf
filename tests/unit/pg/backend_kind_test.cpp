// Backend selection: product spec §1 (`backend` = native | libpq, aliases rust, psycopg).
#include <set>

#include <gtest/gtest.h>

#include "fraiseql/pg/connection.hpp"
#include "fraiseql/pg/error.hpp"

namespace pg = fraiseql::pg;

TEST(backend_kind, accepts_the_two_names_and_their_aliases) {
    struct {
        const char* text;
        pg::backend_kind kind;
    } cases[] = {{"native", pg::backend_kind::native},
                 {"rust", pg::backend_kind::native},
                 {"libpq", pg::backend_kind::libpq},
                 {"psycopg", pg::backend_kind::libpq}};
    for (const auto& c : cases) {
        auto r = pg::parse_backend_kind(c.text);
        ASSERT_TRUE(r) << c.text;
        EXPECT_EQ(*r, c.kind) << c.text;
    }
}

TEST(backend_kind, refuses_others_listing_the_valid_values) {
    for (const char* bad : {"", "Native", "LIBPQ", "postgres", "native ", "tokio"}) {
        auto r = pg::parse_backend_kind(bad);
        ASSERT_FALSE(r) << bad;
        const std::string& msg = r.error();
        EXPECT_NE(msg.find("native"), std::string::npos) << msg;
        EXPECT_NE(msg.find("libpq"), std::string::npos) << msg;
        EXPECT_NE(msg.find("rust"), std::string::npos) << msg;
        EXPECT_NE(msg.find("psycopg"), std::string::npos) << msg;
        EXPECT_NE(msg.find(std::string("'") + bad + "'"), std::string::npos) << msg;
    }
}

TEST(backend_kind, to_string_round_trips) {
    for (auto k : {pg::backend_kind::native, pg::backend_kind::libpq}) {
        auto r = pg::parse_backend_kind(pg::to_string(k));
        ASSERT_TRUE(r);
        EXPECT_EQ(*r, k);
    }
}

TEST(errc, names_are_stable_and_distinct) {
    EXPECT_EQ(pg::to_string(pg::errc::auth_failed), "auth_failed");
    EXPECT_EQ(pg::to_string(pg::errc::pool_exhausted), "pool_exhausted");
    EXPECT_EQ(pg::to_string(pg::errc::timeout), "timeout");
    std::set<std::string_view> seen;
    for (int i = 0; i <= static_cast<int>(pg::errc::unsupported); ++i)
        EXPECT_TRUE(seen.insert(pg::to_string(static_cast<pg::errc>(i))).second) << i;
}
