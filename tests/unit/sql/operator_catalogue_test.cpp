// The operator catalogue (include/fraiseql/graphql/operators.hpp) against the generated
// filter inputs and product.md §3.2: each generated *Filter input is exactly its family's
// operators in catalogue order, with the declared operand types and descriptions; every
// entry appears in the inputs of the families it declares and in no other; the families'
// operator names are the table of product.md §3.2; every SQL form has an entry. What the
// operators do in the database is tests/integration/sql/operator_catalogue_pgtest.cpp.

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fraiseql/graphql/operators.hpp"
#include "fraiseql/graphql/schema_builder.hpp"

namespace {

namespace gql = fraiseql::graphql;
using family = gql::filter_family;

// One field of every built-in scalar, an enum, a declared scalar, lists and a @search field.
const char* const sdl = R"graphql(
scalar Money
enum Color { RED GREEN }
type Thing @view(name: "things") {
  id: ID! s: String i: Int f: Float d: Decimal b: BigInt bo: Boolean u: UUID dt: DateTime
  da: Date ti: Time j: JSON ip: IpAddress c: CIDR m: MacAddress l: LTree r: DateRange
  v: Vector money: Money color: Color ls: [String!] li: [Int] lc: [Color!] txt: String @search
}
type Query { things: [Thing!]! }
)graphql";

std::shared_ptr<gql::schema> build() {
    auto s = gql::build_schema(sdl);
    EXPECT_TRUE(s) << (s ? "" : s.error()[0].message);
    return s ? *s : nullptr;
}

std::vector<std::string> names(std::span<const gql::filter_operator* const> ops) {
    std::vector<std::string> out;
    for (const auto* op : ops) out.emplace_back(op->name);
    return out;
}

TEST(operator_catalogue, each_filter_input_is_its_family_in_catalogue_order) {
    auto s = build();
    ASSERT_TRUE(s);
    const gql::type_def* thing = s->find_type("Thing");
    std::set<family> seen;
    for (const auto& f : thing->fields) {
        auto fam = gql::filter_family_of(*s, f.type, f.search);
        ASSERT_TRUE(fam) << f.name;
        seen.insert(*fam);
        const std::string input = gql::filter_type_name(*s, f.type, f.search);
        const gql::type_def* t = s->find_type(input);
        ASSERT_TRUE(t) << input;
        EXPECT_TRUE(t->generated);
        auto ops = gql::filter_operators(*fam);
        ASSERT_EQ(t->input_fields.size(), ops.size()) << input;
        for (std::size_t i = 0; i < ops.size(); ++i) {
            const auto& in = t->input_fields[i];
            EXPECT_EQ(in.name, ops[i]->name) << input << " #" << i;
            EXPECT_EQ(in.type, gql::operand_type(ops[i]->operand, f.type.name))
                << input << "." << in.name << ": " << in.type.to_string();
            EXPECT_EQ(in.description, ops[i]->description) << input << "." << in.name;
        }
        // The where input of Thing uses this filter for the field.
        const gql::argument_def* w = s->find_type("ThingWhereInput")->find_input_field(f.name);
        ASSERT_TRUE(w) << f.name;
        EXPECT_EQ(w->type.name, input);
    }
    EXPECT_EQ(seen.size(), gql::filter_family_count) << "the SDL misses a family";
}

TEST(operator_catalogue, each_entry_is_in_the_families_it_declares_and_no_other) {
    for (const auto& op : gql::filter_operators()) {
        for (std::size_t i = 0; i < gql::filter_family_count; ++i) {
            const auto fam = static_cast<family>(i);
            const bool declared = (op.families & gql::family_bit(fam)) != 0;
            const auto ops = gql::filter_operators(fam);
            const bool listed = std::find(ops.begin(), ops.end(), &op) != ops.end();
            EXPECT_EQ(declared, listed) << op.name << " in " << gql::filter_family_name(fam);
            if (declared) {
                EXPECT_EQ(gql::find_filter_operator(fam, op.name), &op) << op.name;
            }
        }
        EXPECT_NE(op.families, 0) << op.name << " belongs to no family";
    }
    // One name means one operator within a family (the input's fields are unique).
    for (std::size_t i = 0; i < gql::filter_family_count; ++i) {
        auto n = names(gql::filter_operators(static_cast<family>(i)));
        std::set<std::string> unique(n.begin(), n.end());
        EXPECT_EQ(unique.size(), n.size()) << gql::filter_family_name(static_cast<family>(i));
    }
    EXPECT_EQ(gql::find_filter_operator(family::text, "hasKey"), nullptr);
    EXPECT_EQ(gql::find_filter_operator(family::vector, "isnull"), nullptr);
}

TEST(operator_catalogue, families_have_the_operators_of_product_md) {
    // product.md §3.2, in the order the inputs list them.
    const std::map<family, std::vector<std::string>> table = {
        {family::text, {"eq", "neq", "in", "nin", "isnull", "contains", "icontains", "startswith",
                        "istartswith", "endswith", "iendswith", "like", "ilike", "matches",
                        "imatches", "notMatches"}},
        {family::ordered, {"eq", "neq", "in", "nin", "gt", "gte", "lt", "lte", "isnull"}},
        {family::boolean, {"eq", "neq", "isnull"}},
        {family::equality, {"eq", "neq", "in", "nin", "isnull"}},
        {family::json, {"eq", "neq", "isnull", "hasKey", "hasAnyKeys", "hasAllKeys", "contains",
                        "containedBy", "pathExists", "pathMatch"}},
        {family::inet, {"eq", "neq", "in", "nin", "isnull", "inSubnet", "inRange", "isPrivate",
                        "isPublic", "isIPv4", "isIPv6"}},
        {family::ltree, {"eq", "neq", "in", "nin", "gt", "gte", "lt", "lte", "isnull",
                         "ancestorOf", "descendantOf", "matchesLquery", "matchesLtxtquery",
                         "nlevelEq", "nlevelGt", "nlevelGte", "nlevelLt", "nlevelLte"}},
        {family::date_range, {"eq", "neq", "isnull", "containsDate", "overlaps", "adjacent",
                              "strictlyLeft", "strictlyRight", "notLeft", "notRight"}},
        {family::vector, {"cosineDistance", "l2Distance", "l1Distance", "innerProduct"}},
        {family::list, {"eq", "neq", "isnull", "contains", "containedBy", "strictlyContains",
                        "overlaps", "lenEq", "lenNeq", "lenGt", "lenGte", "lenLt", "lenLte",
                        "anyEq", "allEq"}},
        {family::full_text, {"matches", "plainQuery", "phraseQuery", "websearchQuery"}},
    };
    ASSERT_EQ(table.size(), gql::filter_family_count);
    for (const auto& [fam, expected] : table)
        EXPECT_EQ(names(gql::filter_operators(fam)), expected) << gql::filter_family_name(fam);
}

TEST(operator_catalogue, every_sql_form_has_an_entry) {
    std::set<gql::sql_form> used;
    for (const auto& op : gql::filter_operators()) used.insert(op.form);
    for (std::size_t i = 0; i < gql::sql_form_count; ++i)
        EXPECT_TRUE(used.count(static_cast<gql::sql_form>(i))) << "sql_form #" << i << " unused";
    EXPECT_EQ(used.size(), gql::sql_form_count);
}

TEST(operator_catalogue, operand_inputs_are_generated_once_with_their_fields) {
    auto s = build();
    ASSERT_TRUE(s);
    std::set<std::string> operands;
    for (const auto& op : gql::filter_operators())
        if (gql::find_operand_input(op.operand)) operands.insert(std::string(op.operand));
    EXPECT_EQ(operands, (std::set<std::string>{"IpRangeInput", "VectorDistanceInput"}));
    for (const auto& name : operands) {
        const gql::operand_input* oi = gql::find_operand_input(name);
        const gql::type_def* t = s->find_type(name);
        ASSERT_TRUE(t) << name;
        EXPECT_EQ(t->kind, gql::named_kind::input_object);
        EXPECT_EQ(t->description, oi->description);
        ASSERT_EQ(t->input_fields.size(), oi->fields.size()) << name;
        for (std::size_t i = 0; i < oi->fields.size(); ++i) {
            EXPECT_EQ(t->input_fields[i].name, oi->fields[i].name);
            EXPECT_EQ(t->input_fields[i].type.to_string(), oi->fields[i].type);
        }
    }
    EXPECT_EQ(s->find_type("IpRangeInput")->input_fields[0].type.to_string(), "IpAddress!");
    EXPECT_EQ(s->find_type("VectorDistanceInput")->input_fields[0].type.to_string(), "[Float!]!");
}

TEST(operator_catalogue, operand_types_are_read_from_their_sdl) {
    EXPECT_EQ(gql::operand_type("T", "Int").to_string(), "Int");
    EXPECT_EQ(gql::operand_type("[T!]", "Color").to_string(), "[Color!]");
    EXPECT_EQ(gql::operand_type("[String!]", "X").to_string(), "[String!]");
    EXPECT_EQ(gql::operand_type("[Float!]!", "").to_string(), "[Float!]!");
    EXPECT_EQ(gql::operand_type("IpAddress!", "").to_string(), "IpAddress!");
}

TEST(operator_catalogue, families_of_field_types) {
    auto s = build();
    ASSERT_TRUE(s);
    auto fam = [&](const char* type, bool list = false, bool search = false) {
        auto t = gql::type_expr::named(type);
        if (list) t = t.non_null_of().list_of();
        return gql::filter_family_of(*s, t, search);
    };
    EXPECT_EQ(fam("ID"), family::text);
    EXPECT_EQ(fam("Time"), family::ordered);
    EXPECT_EQ(fam("MacAddress"), family::equality);
    EXPECT_EQ(fam("Money"), family::equality);
    EXPECT_EQ(fam("Color"), family::equality);
    EXPECT_EQ(fam("CIDR"), family::inet);
    EXPECT_EQ(fam("Color", true), family::list);
    EXPECT_EQ(fam("String", true, true), family::full_text);
    EXPECT_EQ(fam("Thing"), std::nullopt);
    EXPECT_EQ(fam("Thing", true), std::nullopt);
    EXPECT_EQ(fam("Nope"), std::nullopt);
}

} // namespace
