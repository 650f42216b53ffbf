// Input coercion of FraiseQL's scalars (product.md §2) and of lists/objects
// (GraphQL spec §3.5, §3.10, §3.11).

#include <gtest/gtest.h>

#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/graphql/schema_builder.hpp"

namespace fraiseql::graphql {
namespace {

const schema& test_schema() {
    static auto s = [] {
        auto r = build_schema(R"(
            enum Color { RED GREEN }
            input Point { x: Int! y: Int = 7 }
            type T @view(name: "v_t") { id: UUID! }
            type Query { ts: [T!]! }
        )");
        EXPECT_TRUE(r);
        return *r;
    }();
    return *s;
}

fraiseql::result<input_value, std::string> coerce(const input_value& v, const std::string& type) {
    return coerce_input(test_schema(), v, type_expr::named(type));
}

TEST(coercion_3_5_scalars, decimal_keeps_the_shortest_exact_text) {
    EXPECT_EQ(coerce(input_value::floating(0.1), "Decimal")->as_string(), "0.1");
    EXPECT_EQ(coerce(input_value::integer(42), "Decimal")->as_string(), "42");
    EXPECT_EQ(coerce(input_value::string("12345678901234567890.123456789"), "Decimal")->as_string(),
              "12345678901234567890.123456789");
    EXPECT_FALSE(coerce(input_value::string("1,5"), "Decimal"));
}

TEST(coercion_3_5_scalars, int_is_32_bit_and_bigint_64_bit) {
    EXPECT_TRUE(coerce(input_value::integer(2147483647), "Int"));
    EXPECT_FALSE(coerce(input_value::integer(2147483648LL), "Int"));
    EXPECT_FALSE(coerce(input_value::floating(1.5), "Int"));
    EXPECT_FALSE(coerce(input_value::string("1"), "Int"));
    EXPECT_EQ(coerce(input_value::integer(9007199254740993LL), "BigInt")->as_string(), "9007199254740993");
    EXPECT_TRUE(coerce(input_value::string("-9223372036854775808"), "BigInt"));
    EXPECT_FALSE(coerce(input_value::string("9223372036854775808"), "BigInt"));
}

TEST(coercion_3_5_scalars, uuid_checks_every_position) {
    const std::string good = "123e4567-E89B-12d3-a456-426614174000";
    ASSERT_TRUE(coerce(input_value::string(good), "UUID"));
    for (std::size_t i = 0; i < good.size(); ++i) {
        const bool dash = good[i] == '-';
        for (const char c : {'g', 'G', '-', '0', ' ', '\0', '\x80'}) {
            if ((c == '-') == dash) continue; // the same class: still a UUID
            std::string bad = good;
            bad[i] = c;
            EXPECT_FALSE(coerce(input_value::string(bad), "UUID")) << "position " << i << " " << int(c);
        }
    }
    EXPECT_FALSE(coerce(input_value::string(good + "0"), "UUID"));
    EXPECT_FALSE(coerce(input_value::string(good.substr(1)), "UUID"));
}

TEST(coercion_3_5_scalars, formatted_strings) {
    EXPECT_TRUE(coerce(input_value::string("123e4567-e89b-12d3-a456-426614174000"), "UUID"));
    EXPECT_FALSE(coerce(input_value::string("123e4567"), "UUID"));
    EXPECT_TRUE(coerce(input_value::string("2024-01-31T12:00:00Z"), "DateTime"));
    EXPECT_TRUE(coerce(input_value::string("2024-01-31T12:00:00.123+02:00"), "DateTime"));
    EXPECT_FALSE(coerce(input_value::string("2024-13-31T12:00:00Z"), "DateTime"));
    EXPECT_TRUE(coerce(input_value::string("2024-02-29"), "Date"));
    EXPECT_FALSE(coerce(input_value::string("2024/02/29"), "Date"));
    EXPECT_TRUE(coerce(input_value::string("10.0.0.1"), "IpAddress"));
    EXPECT_TRUE(coerce(input_value::string("::1"), "IpAddress"));
    EXPECT_FALSE(coerce(input_value::string("10.0.0.256"), "IpAddress"));
    EXPECT_TRUE(coerce(input_value::string("10.0.0.0/8"), "CIDR"));
    EXPECT_FALSE(coerce(input_value::string("10.0.0.0/33"), "CIDR"));
    EXPECT_TRUE(coerce(input_value::string("08:00:2b:01:02:03"), "MacAddress"));
    EXPECT_TRUE(coerce(input_value::string("top.science"), "LTree"));
    EXPECT_FALSE(coerce(input_value::string("top..science"), "LTree"));
    EXPECT_TRUE(coerce(input_value::string("[2024-01-01,2024-02-01)"), "DateRange"));
    EXPECT_FALSE(coerce(input_value::string("2024-01-01"), "DateRange"));
    EXPECT_TRUE(coerce(input_value::list({input_value::floating(0.5), input_value::integer(1)}), "Vector"));
    EXPECT_FALSE(coerce(input_value::list({input_value::string("x")}), "Vector"));
}

TEST(coercion_3_9_enums, from_enum_literals_and_variable_strings) {
    EXPECT_EQ(coerce(input_value::enum_("RED"), "Color")->type(), input_value::kind::enum_);
    EXPECT_TRUE(coerce(input_value::string("GREEN"), "Color"));
    EXPECT_FALSE(coerce(input_value::string("BLUE"), "Color"));
}

TEST(coercion_3_10_input_objects, defaults_required_and_unknown_fields) {
    auto p = coerce(input_value::object({{"x", input_value::integer(1)}}), "Point");
    ASSERT_TRUE(p) << p.error();
    ASSERT_NE(p->find("y"), nullptr);
    EXPECT_EQ(p->find("y")->as_int(), 7);
    EXPECT_FALSE(coerce(input_value::object({{"y", input_value::integer(1)}}), "Point"));
    EXPECT_FALSE(coerce(input_value::object({{"x", input_value::integer(1)}, {"z", input_value::integer(1)}}), "Point"));
}

TEST(coercion_3_11_lists, a_single_value_becomes_a_list_of_one) {
    auto r = coerce_input(test_schema(), input_value::integer(3), type_expr::named("Int").list_of());
    ASSERT_TRUE(r);
    ASSERT_EQ(r->as_list().size(), 1u);
    EXPECT_EQ(r->as_list()[0].as_int(), 3);
    EXPECT_FALSE(coerce_input(test_schema(), input_value::list({input_value::null()}),
                              type_expr::named("Int").non_null_of().list_of()));
}

} // namespace
} // namespace fraiseql::graphql
