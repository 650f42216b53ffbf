// The generated aggregate fields and types (product.md §3.6, docs/adr/0015-aggregates.md):
// which root fields and types a @view type gets, the result types of the catalogue, the
// opt-outs, clashes with declared names, and the @auth roles the generated types carry.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fraiseql/graphql/aggregates.hpp"
#include "fraiseql/graphql/schema_builder.hpp"

namespace fraiseql::graphql {
namespace {

using strings = std::vector<std::string>;

const char* const device_sdl = R"(
enum Kind { A B }
type Device @view(name: "v_device", columns: ["price"]) @auth(roles: ["staff"]) {
  id: UUID!
  name: String
  qty: Int
  weight: Float
  price: Decimal
  big: BigInt
  active: Boolean
  kind: Kind
  purchasedOn: Date
  seenAt: DateTime
  clock: Time
  meta: JSON
  tags: [String!]
  body: String @search
  secret: Int @auth(roles: ["admin"])
  address: Address
}
type Address { city: String }
type Query { devices: [Device!]! device(id: UUID!): Device }
)";

std::shared_ptr<schema> build(const std::string& sdl) {
    auto r = build_schema(sdl);
    EXPECT_TRUE(r) << (r ? "" : r.error()[0].message);
    return r ? *r : nullptr;
}

strings field_names(const type_def* t) {
    strings out;
    if (t)
        for (const auto& f : t->fields)
            out.push_back(f.name);
    return out;
}

std::string type_of(const schema& s, const std::string& type, const std::string& field) {
    const type_def* t = s.find_type(type);
    const field_def* f = t ? t->find_field(field) : nullptr;
    return f ? f->type.to_string() : "<none>";
}

TEST(aggregate_schema, root_fields_and_their_arguments) {
    auto s = build(device_sdl);
    ASSERT_TRUE(s);
    const type_def* q = s->query_type();
    EXPECT_EQ(field_names(q), (strings{"devices", "device", "devicesConnection", "devicesAggregate",
                                       "devicesGroupBy"}));
    const field_def* agg = q->find_field("devicesAggregate");
    EXPECT_EQ(agg->type.to_string(), "DeviceAggregate!");
    EXPECT_EQ(agg->root, field_def::root_kind::aggregate);
    EXPECT_EQ(agg->aggregate_of, "Device");
    ASSERT_EQ(agg->args.size(), 1u);
    EXPECT_EQ(agg->args[0].type.to_string(), "DeviceWhereInput");
    const field_def* g = q->find_field("devicesGroupBy");
    EXPECT_EQ(g->type.to_string(), "[DeviceGroup!]!");
    strings args;
    for (const auto& a : g->args)
        args.push_back(a.name + ": " + a.type.to_string());
    EXPECT_EQ(args, (strings{"by: [DeviceGroupByInput!]!", "where: DeviceWhereInput",
                             "having: DeviceHavingInput", "orderBy: [DeviceGroupOrderByInput!]",
                             "limit: Int", "offset: Int", "timezone: String"}));
}

TEST(aggregate_schema, result_types_follow_the_catalogue) {
    auto s = build(device_sdl);
    ASSERT_TRUE(s);
    EXPECT_EQ(field_names(s->find_type("DeviceAggregate")),
              (strings{"count", "countDistinct", "sum", "avg", "min", "max"}));
    EXPECT_EQ(field_names(s->find_type("DeviceGroup")),
              (strings{"key", "count", "countDistinct", "sum", "avg", "min", "max"}));
    // sum: Int -> BigInt, Float -> Float, Decimal/BigInt keep; avg Float but Decimal.
    EXPECT_EQ(field_names(s->find_type("DeviceSum")),
              (strings{"qty", "weight", "price", "big", "secret"}));
    EXPECT_EQ(type_of(*s, "DeviceSum", "qty"), "BigInt");
    EXPECT_EQ(type_of(*s, "DeviceSum", "weight"), "Float");
    EXPECT_EQ(type_of(*s, "DeviceSum", "price"), "Decimal");
    EXPECT_EQ(type_of(*s, "DeviceSum", "big"), "BigInt");
    EXPECT_EQ(type_of(*s, "DeviceAvg", "qty"), "Float");
    EXPECT_EQ(type_of(*s, "DeviceAvg", "price"), "Decimal");
    EXPECT_EQ(type_of(*s, "DeviceAvg", "big"), "Float");
    // min/max: orderable scalars keep their type; no Boolean, enum, JSON, list, @search.
    EXPECT_EQ(field_names(s->find_type("DeviceMin")),
              (strings{"id", "name", "qty", "weight", "price", "big", "purchasedOn", "seenAt",
                       "clock", "secret"}));
    EXPECT_EQ(type_of(*s, "DeviceMax", "seenAt"), "DateTime");
    EXPECT_EQ(type_of(*s, "DeviceMin", "id"), "UUID");
    // countDistinct: every non-list scalar and enum, Int!.
    EXPECT_EQ(field_names(s->find_type("DeviceCountDistinct")),
              (strings{"id", "name", "qty", "weight", "price", "big", "active", "kind",
                       "purchasedOn", "seenAt", "clock", "meta", "secret"}));
    EXPECT_EQ(type_of(*s, "DeviceCountDistinct", "kind"), "Int");
    // Group keys: same name and type, nullable; no JSON, list, @search or object.
    EXPECT_EQ(field_names(s->find_type("DeviceGroupKey")),
              (strings{"id", "name", "qty", "weight", "price", "big", "active", "kind",
                       "purchasedOn", "seenAt", "clock", "secret"}));
    EXPECT_EQ(type_of(*s, "DeviceGroupKey", "id"), "UUID");
    EXPECT_EQ(type_of(*s, "DeviceGroupKey", "kind"), "Kind");
    const type_def* e = s->find_type("DeviceField");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->kind, named_kind::enum_);
    EXPECT_TRUE(e->has_enum_value("purchasedOn"));
    EXPECT_FALSE(e->has_enum_value("tags"));
    const type_def* tb = s->find_type("TimeBucket");
    ASSERT_TRUE(tb);
    strings buckets;
    for (const auto& v : tb->enum_values)
        buckets.push_back(v.name);
    EXPECT_EQ(buckets, (strings{"HOUR", "DAY", "WEEK", "MONTH", "QUARTER", "YEAR"}));
    // having: the scalar filters of the result types; AND/OR/NOT.
    const type_def* h = s->find_type("DeviceHavingInput");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->find_input_field("count")->type.to_string(), "IntFilter");
    EXPECT_EQ(h->find_input_field("sum")->type.to_string(), "DeviceSumHavingInput");
    EXPECT_EQ(s->find_type("DeviceSumHavingInput")->find_input_field("qty")->type.to_string(),
              "BigIntFilter");
    EXPECT_EQ(s->find_type("DeviceMinHavingInput")->find_input_field("name")->type.to_string(),
              "StringFilter");
    EXPECT_EQ(h->find_input_field("NOT")->type.to_string(), "DeviceHavingInput");
    const type_def* o = s->find_type("DeviceGroupOrderByInput");
    ASSERT_TRUE(o);
    EXPECT_EQ(o->find_input_field("key")->type.to_string(), "DeviceGroupKeyOrderByInput");
    EXPECT_EQ(o->find_input_field("count")->type.to_string(), "OrderDirection");
    EXPECT_EQ(o->find_input_field("max")->type.to_string(), "DeviceMaxOrderByInput");
}

TEST(aggregate_schema, generated_types_carry_the_auth_roles_they_read) {
    auto s = build(device_sdl);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->find_type("DeviceAggregate")->auth_roles, (strings{"staff"}));
    EXPECT_EQ(s->find_type("DeviceGroup")->auth_roles, (strings{"staff"}));
    EXPECT_EQ(s->find_type("DeviceSum")->find_field("secret")->auth_roles, (strings{"admin"}));
    EXPECT_EQ(s->find_type("DeviceGroupKey")->find_field("secret")->auth_roles, (strings{"admin"}));
    EXPECT_TRUE(s->find_type("DeviceSum")->find_field("qty")->auth_roles.empty());
    auto r = build(R"(type T @view(name: "t") { id: Int }
                      type Query { ts: [T!]! @auth(roles: ["x"]) })");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->query_type()->find_field("tsAggregate")->auth_roles, (strings{"x"}));
    EXPECT_EQ(r->query_type()->find_field("tsGroupBy")->auth_roles, (strings{"x"}));
}

TEST(aggregate_schema, opt_outs_and_shared_types) {
    auto off = build(R"(type T @view(name: "t", aggregates: false) { id: Int }
                        type Query { ts: [T!]! })");
    ASSERT_TRUE(off);
    EXPECT_EQ(field_names(off->query_type()), (strings{"ts", "tsConnection"}));
    EXPECT_FALSE(off->find_type("TAggregate"));
    auto per_field = build(R"(type T @view(name: "t") { id: Int }
                              type Query { ts: [T!]! @view(name: "t", aggregates: false)
                                           others: [T!]! })");
    ASSERT_TRUE(per_field);
    EXPECT_FALSE(per_field->query_type()->find_field("tsAggregate"));
    EXPECT_TRUE(per_field->query_type()->find_field("othersAggregate"));
    // Two list fields of one type share its generated types.
    auto two = build(R"(type T @view(name: "t") { id: Int }
                        type Query { ts: [T!]! recent: [T!]! @view(name: "t_recent") })");
    ASSERT_TRUE(two);
    EXPECT_EQ(two->query_type()->find_field("recentGroupBy")->type.to_string(), "[TGroup!]!");
    EXPECT_EQ(two->query_type()->find_field("recentGroupBy")->view_override, "t_recent");
    // A type with nothing numeric has no sum/avg; one with nothing groupable no GroupBy.
    auto strs = build(R"(type T @view(name: "t") { name: String }
                         type Query { ts: [T!]! })");
    ASSERT_TRUE(strs);
    EXPECT_EQ(field_names(strs->find_type("TAggregate")),
              (strings{"count", "countDistinct", "min", "max"}));
    auto lists = build(R"(type T @view(name: "t") { tags: [String!] }
                          type Query { ts: [T!]! })");
    ASSERT_TRUE(lists);
    EXPECT_EQ(field_names(lists->find_type("TAggregate")), (strings{"count"}));
    EXPECT_FALSE(lists->query_type()->find_field("tsGroupBy"));
}

TEST(aggregate_schema, declared_names_win_or_clash_clearly) {
    auto r = build_schema(R"(type T @view(name: "t") { id: Int }
                             type TAggregate { n: Int }
                             type Query { ts: [T!]! })");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error()[0].message.find("Type \"TAggregate\" is declared, but FraiseQL generates "
                                        "it"),
              std::string::npos)
        << r.error()[0].message;
    EXPECT_NE(r.error()[0].message.find("aggregates: false"), std::string::npos);
    // A declared root field of the generated name is the schema's own.
    auto own = build(R"(type T @view(name: "t") { id: Int }
                        type Query { ts: [T!]! tsAggregate: [T!]! })");
    ASSERT_TRUE(own);
    EXPECT_EQ(own->query_type()->find_field("tsAggregate")->root, field_def::root_kind::list);
    auto bad = build_schema(R"(type T @view(name: "t", aggregates: "no") { id: Int }
                               type Query { ts: [T!]! })");
    ASSERT_FALSE(bad);
}

TEST(aggregate_catalogue, rows) {
    EXPECT_EQ(aggregate_functions().size(), 6u);
    EXPECT_FALSE(find_aggregate_function("count")->per_field);
    EXPECT_TRUE(find_aggregate_function("countDistinct")->distinct);
    EXPECT_EQ(find_time_bucket("QUARTER")->unit, "quarter");
    EXPECT_FALSE(find_time_bucket("HOUR")->dates);
    EXPECT_EQ(find_time_bucket("DECADE"), nullptr);
    EXPECT_TRUE(bucketable("Date"));
    EXPECT_TRUE(bucketable("DateTime"));
    EXPECT_FALSE(bucketable("Time"));
}

} // namespace
} // namespace fraiseql::graphql
