// sql/mutation without a database: the status taxonomy, the input serialisation,
// the call's SQL, and the interpretation of function results (product.md §4,
// reference §4.2).

#include <gtest/gtest.h>

#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/graphql/schema_builder.hpp"
#include "fraiseql/sql/mutation.hpp"

namespace fraiseql::sql {
namespace {

const char* const sdl = R"GQL(
type Item @view(name: "v_item", columns: ["id"]) { id: UUID! name: String! }
type Query { items: [Item!]! }
input Inner { deepValue: Int camelList: [Inner!] }
input ItemInput { name: String unitPrice: Float inner: Inner raw: JSON big: BigInt dec: Decimal kind: Kind }
enum Kind { SMALL_ONE BIG }
type MutationError { message: String! code: Int! identifier: String details: JSON }
type ItemSuccess { status: String! message: String item: Item id: UUID extra: String }
type ItemError { status: String! message: String code: Int! errors: [MutationError!]! reason: String }
union ItemResult = ItemSuccess | ItemError
type Mutation {
  create(input: ItemInput!): ItemResult! @function(name: "fn_create", schema: "app", context: ["tenant_id", "user_id"])
  plain(input: ItemInput): Item @function(name: "fn_plain")
  noArgs: Item @function(name: "fn_none")
}
)GQL";

class mutation_sql : public ::testing::Test {
protected:
    void SetUp() override {
        auto r = graphql::build_schema(sdl);
        ASSERT_TRUE(r) << r.error().front().message;
        s_ = *r;
    }
    graphql::operation_plan plan(const std::string& q) {
        auto doc = graphql::parse_executable(q);
        EXPECT_TRUE(doc);
        auto p = graphql::plan_operation(*s_, *doc, "", graphql::input_value::null());
        EXPECT_TRUE(p) << (p ? "" : p.error().front().message);
        return p ? std::move(*p) : graphql::operation_plan{};
    }
    mutation_shape shape(const std::string& field) {
        auto r = mutation_shape_of(*s_, *s_->mutation_type()->find_field(field));
        EXPECT_TRUE(r);
        return r ? *r : mutation_shape{};
    }
    std::shared_ptr<graphql::schema> s_;
};

TEST(status_taxonomy, success_words_error_prefixes_and_codes) {
    for (const char* w : {"success", "created", "new", "updated", "deleted", "completed", "ok", "done",
                          "existing", "synced", "cancelled", "Created", "updated:partial"}) {
        auto c = classify_status(w);
        EXPECT_TRUE(c.recognised && c.success) << w;
        EXPECT_EQ(c.code, 200) << w;
    }
    struct row {
        const char* status;
        int code;
        const char* identifier;
    };
    for (const auto& r : {row{"noop:unchanged", 422, "unchanged"}, row{"blocked:locked", 422, "locked"},
                          row{"skipped", 422, ""}, row{"ignored:x", 422, "x"},
                          row{"validation:email", 422, "email"}, row{"not_found:user", 404, "user"},
                          row{"unauthorized:token", 401, "token"}, row{"forbidden:tenant", 403, "tenant"},
                          row{"conflict:email", 409, "email"}, row{"timeout:db", 408, "db"},
                          row{"failed:io", 500, "io"}, row{"error:boom", 500, "boom"},
                          row{"failed:validation", 422, "validation"},
                          row{"failed:not_found:post", 404, "not_found:post"},
                          row{"NOT_FOUND:Post", 404, "Post"}}) {
        auto c = classify_status(r.status);
        EXPECT_TRUE(c.recognised) << r.status;
        EXPECT_FALSE(c.success) << r.status;
        EXPECT_EQ(c.code, r.code) << r.status;
        EXPECT_EQ(c.identifier, r.identifier) << r.status;
    }
    for (const char* w : {"", "shipped", "successful", "weird:thing"}) EXPECT_FALSE(classify_status(w).recognised) << w;
}

TEST_F(mutation_sql, input_keys_are_snake_case_recursively_and_json_is_verbatim) {
    auto p = plan(R"(mutation { create(input: {name: "a\"b", unitPrice: 0.1, big: "9007199254740993", dec: 1.5,
        kind: SMALL_ONE, inner: {deepValue: 1, camelList: [{deepValue: 2}, {camelList: []}]},
        raw: {camelCase: [{keepMe: true}]}}) { __typename } })");
    ASSERT_EQ(p.root_fields.size(), 1u);
    std::vector<std::optional<std::string>> ctx = {std::string("t1"), std::nullopt};
    auto c = compile_mutation(*s_, p.root_fields[0], ctx);
    ASSERT_TRUE(c) << c.error().front().message;
    EXPECT_EQ(c->input_json,
              R"({"name":"a\"b","unit_price":0.1,"big":9007199254740993,"dec":1.5,"kind":"SMALL_ONE",)"
              R"("inner":{"deep_value":1,"camel_list":[{"deep_value":2},{"camel_list":[]}]},)"
              R"("raw":{"camelCase":[{"keepMe":true}]}})");
    EXPECT_EQ(c->stmt.text,
              "SELECT to_jsonb(x.r)::text, pg_typeof(x.r) IN ('json'::regtype, 'jsonb'::regtype) "
              "FROM (SELECT \"app\".\"fn_create\"($1, $2, $3::jsonb) AS r OFFSET 0) AS x");
    ASSERT_EQ(c->stmt.params.size(), 3u);
    EXPECT_EQ(c->stmt.params[0], "t1");
    EXPECT_EQ(c->stmt.params[1], std::nullopt);
    EXPECT_EQ(c->stmt.params[2], c->input_json);
    EXPECT_EQ(c->shape.kind, mutation_shape::form::union_);
    EXPECT_EQ(c->shape.success_type->name, "ItemSuccess");
    EXPECT_EQ(c->shape.error_type->name, "ItemError");
}

TEST_F(mutation_sql, null_input_and_no_arguments) {
    auto p = plan("mutation { plain { id } noArgs { id } }");
    ASSERT_EQ(p.root_fields.size(), 2u);
    auto a = compile_mutation(*s_, p.root_fields[0], {});
    ASSERT_TRUE(a);
    EXPECT_EQ(a->stmt.params.size(), 1u);
    EXPECT_EQ(a->stmt.params[0], std::nullopt);
    EXPECT_NE(a->stmt.text.find("\"public\".\"fn_plain\"($1::jsonb)"), std::string::npos) << a->stmt.text;
    auto b = compile_mutation(*s_, p.root_fields[1], {});
    ASSERT_TRUE(b);
    EXPECT_TRUE(b->stmt.params.empty());
    EXPECT_NE(b->stmt.text.find("\"public\".\"fn_none\"()"), std::string::npos) << b->stmt.text;
    // A wrong count of context values is refused, not guessed.
    std::vector<std::optional<std::string>> one = {std::string("x")};
    EXPECT_FALSE(compile_mutation(*s_, p.root_fields[0], one));
}

TEST_F(mutation_sql, composite_success_writes_the_success_document) {
    auto o = interpret_mutation_result(*s_, shape("create"),
        R"({"status":"created","message":"ok","entity_id":"e1","entity_type":"Item","entity":{"id":"e1","name":"n"},"updated_fields":null,"cascade":null,"metadata":{"extra":"x"}})",
        false);
    ASSERT_EQ(o.type, s_->find_type("ItemSuccess"));
    EXPECT_EQ(o.document, R"({"status":"created","message":"ok","item":{"id":"e1","name":"n"},"id":"e1","extra":"x"})");
}

TEST_F(mutation_sql, composite_error_generates_errors_and_promotes_metadata) {
    auto o = interpret_mutation_result(*s_, shape("create"),
        R"({"status":"conflict:name","message":"taken","entity":null,"metadata":{"reason":"dup"}})", false);
    ASSERT_EQ(o.type, s_->find_type("ItemError"));
    EXPECT_EQ(o.document,
              R"({"status":"conflict:name","message":"taken","code":409,)"
              R"("errors":[{"message":"taken","code":409,"identifier":"name","details":null}],"reason":"dup"})");
    // An unrecognised status of a composite is an error (500), not a success.
    auto u = interpret_mutation_result(*s_, shape("create"), R"({"status":"weird","message":null})", false);
    ASSERT_EQ(u.type, s_->find_type("ItemError"));
    EXPECT_NE(u.document.find("\"code\":500"), std::string::npos) << u.document;
}

TEST_F(mutation_sql, jsonb_results_are_entities_unless_the_status_is_recognised) {
    // An entity that happens to have a `status` key stays an entity.
    auto e = interpret_mutation_result(*s_, shape("create"), R"({"id":"i","name":"n","status":"shipped"})", true);
    ASSERT_EQ(e.type, s_->find_type("ItemSuccess"));
    EXPECT_EQ(e.document, R"({"status":"success","item":{"id":"i","name":"n","status":"shipped"},"id":"i"})");
    auto f = interpret_mutation_result(*s_, shape("create"), R"({"status":"not_found:item","message":"no"})", true);
    EXPECT_EQ(f.type, s_->find_type("ItemError"));
    // Entity form: the entity itself, or a field error for an error status.
    auto p = interpret_mutation_result(*s_, shape("plain"), R"({"id":"i","name":"n"})", true);
    EXPECT_EQ(p.type, s_->find_type("Item"));
    EXPECT_EQ(p.document, R"({"id":"i","name":"n"})");
    auto pe = interpret_mutation_result(*s_, shape("plain"), R"({"status":"forbidden:x","message":"nope"})", true);
    EXPECT_EQ(pe.type, nullptr);
    ASSERT_TRUE(pe.field_error);
    EXPECT_EQ(pe.field_error->message, "nope");
    EXPECT_EQ(pe.field_error->code, "FORBIDDEN");
}

TEST_F(mutation_sql, no_result_is_null_or_failed_no_result) {
    auto p = interpret_mutation_result(*s_, shape("plain"), std::nullopt, true);
    EXPECT_EQ(p.type, nullptr);
    EXPECT_FALSE(p.field_error);
    auto u = interpret_mutation_result(*s_, shape("create"), std::nullopt, true);
    ASSERT_EQ(u.type, s_->find_type("ItemError"));
    EXPECT_NE(u.document.find("\"status\":\"failed:no_result\""), std::string::npos) << u.document;
}

TEST(mutation_schema, result_types_are_checked_when_the_schema_is_built) {
    const std::string base = R"(type Item @view(name: "v") { id: UUID! } type Query { items: [Item!]! }
        type ASuccess { item: Item } type AError { message: String } type BSuccess { item: Item } )";
    EXPECT_TRUE(graphql::build_schema(base + "union R = ASuccess | AError type Mutation { m: R! @function(name: \"f\") }"));
    EXPECT_FALSE(graphql::build_schema(base + "union R = ASuccess | BSuccess | AError type Mutation { m: R! @function(name: \"f\") }"));
    EXPECT_FALSE(graphql::build_schema(base + "union R = ASuccess | BSuccess type Mutation { m: R! @function(name: \"f\") }"));
    EXPECT_FALSE(graphql::build_schema(base + "type Mutation { m: String @function(name: \"f\") }"));
    EXPECT_FALSE(graphql::build_schema(base + "type Mutation { m: [Item!] @function(name: \"f\") }"));
    EXPECT_FALSE(graphql::build_schema(base + "type Mutation { m: Item }"));
}

} // namespace
} // namespace fraiseql::sql
