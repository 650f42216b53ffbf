#include "fraiseql/json/keys.hpp"

#include <gtest/gtest.h>

namespace fraiseql::json {
namespace {

struct key_case {
    const char* graphql;
    const char* snake;
};

// Spec §2: "put _ before each uppercase letter and lowercase it; digits stay with what
// precedes them".
TEST(to_snake_key, spec_table) {
    const key_case cases[] = {
        {"firstName", "first_name"},
        {"ipv4Address", "ipv4_address"},
        {"addressLine1", "address_line1"},
        {"id", "id"},
        {"email", "email"},
        {"createdAt", "created_at"},
        {"billingAddressLine1", "billing_address_line1"},
        {"user123Id", "user123_id"},
        {"line1A", "line1_a"},
        {"URL", "u_r_l"},          // each uppercase letter, as the rule says
        {"userID", "user_i_d"},    // idem: use @key(name: "user_id") for that spelling
        {"Name", "name"},          // leading uppercase: no leading underscore
        {"already_snake", "already_snake"},
        {"_private", "_private"},
        {"_Private", "_private"},  // no doubled underscore after an existing one
        {"a_B", "a_b"},
        {"x", "x"},
        {"", ""},
        {"aB2C", "a_b2_c"},
    };
    for (const auto& c : cases) EXPECT_EQ(to_snake_key(c.graphql), c.snake) << c.graphql;
}

} // namespace
} // namespace fraiseql::json
