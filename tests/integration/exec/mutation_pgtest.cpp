// Mutations through PostgreSQL functions (product.md §4) on a real server, both
// backends: every status path of the union result, plain-JSONB results, the
// entity form, database errors rolling back, camelCase → snake_case input keys.

#include "exec_fixture.hpp"

namespace fraiseql::test {
namespace {

const char* const sql_setup = R"SQL(
CREATE TYPE S.mutation_response AS (
    status text, message text, entity_id text, entity_type text, entity jsonb,
    updated_fields text[], cascade jsonb, metadata jsonb);
CREATE TABLE S.tb_item (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL UNIQUE,
    price numeric);
CREATE VIEW S.v_item AS
    SELECT id, jsonb_build_object('id', id, 'name', name, 'price', price) AS data FROM S.tb_item;

-- Returns the status the input asks for; writes only for the success statuses.
CREATE FUNCTION S.fn_item(input jsonb) RETURNS S.mutation_response LANGUAGE plpgsql AS $$
DECLARE
    st text := input ->> 'status';
    r S.mutation_response;
    v_id uuid;
BEGIN
    r.status := st;
    IF lower(st) IN ('success', 'created', 'updated') THEN
        INSERT INTO S.tb_item (name, price) VALUES (input ->> 'name', (input ->> 'unit_price')::numeric)
        RETURNING id INTO v_id;
        r.entity_id := v_id::text;
        r.entity_type := 'Item';
        r.message := 'done';
        r.updated_fields := ARRAY['name', 'price'];
        SELECT data INTO r.entity FROM S.v_item WHERE id = v_id;
    ELSIF st = 'deleted' THEN
        SELECT data INTO r.entity FROM S.v_item WHERE data ->> 'name' = input ->> 'name';
        DELETE FROM S.tb_item WHERE name = input ->> 'name';
        r.message := 'gone';
    ELSIF st LIKE 'validation:%' THEN
        r.message := 'name is invalid';
        r.metadata := jsonb_build_object('errors', jsonb_build_array(
            jsonb_build_object('message', 'too short', 'code', 422, 'identifier', 'name',
                               'details', jsonb_build_object('min', 3))));
    ELSIF st LIKE 'conflict:%' THEN
        r.message := 'exists already';
        r.metadata := jsonb_build_object('reason', 'duplicate name');
    ELSE
        r.message := 'could not do it';
    END IF;
    RETURN r;
END $$;

-- Plain JSONB: the entity itself.
CREATE FUNCTION S.fn_item_plain(input jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE v_id uuid;
BEGIN
    INSERT INTO S.tb_item (name, price) VALUES (input ->> 'name', (input ->> 'unit_price')::numeric)
    RETURNING id INTO v_id;
    RETURN (SELECT data FROM S.v_item WHERE id = v_id);
END $$;

-- Echoes the input it received inside an entity (to check the serialisation).
CREATE FUNCTION S.fn_echo(input jsonb) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('id', '00000000-0000-0000-0000-000000000001', 'name', 'echo',
                              'payload', input)
$$;

-- Writes, then fails: nothing may remain.
CREATE FUNCTION S.fn_fail(input jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO S.tb_item (name) VALUES (input ->> 'name');
    RAISE EXCEPTION 'fn_fail: refused %', input ->> 'name' USING ERRCODE = 'check_violation';
END $$;

-- Returns NULL.
CREATE FUNCTION S.fn_null(input jsonb) RETURNS jsonb LANGUAGE sql AS $$ SELECT NULL::jsonb $$;

-- Arguments without an `input` argument.
CREATE FUNCTION S.fn_rename(input jsonb) RETURNS jsonb LANGUAGE sql AS $$
    UPDATE S.tb_item SET name = input ->> 'new_name' WHERE id = (input ->> 'item_id')::uuid
    RETURNING jsonb_build_object('id', id, 'name', name)
$$;
)SQL";

const char* const sdl = R"GQL(
type Item @view(name: "S.v_item", columns: ["id"]) {
  id: UUID!
  name: String!
  price: Float
  payload: JSON
}
type Query { items: [Item!]! }
input NestedInput { deepValue: Int innerList: [NestedInput!] bigNumber: BigInt exact: Decimal }
input LineInput { lineNo: Int! productCode: String }
input ItemInput {
  status: String
  name: String
  unitPrice: Float
  nested: NestedInput
  lines: [LineInput!]
  rawJson: JSON
}
type MutationError { message: String! code: Int! identifier: String details: JSON }
type ItemSuccess { status: String! message: String item: Item! id: UUID updatedFields: [String!] code: Int! }
type ItemError { status: String! message: String code: Int! errors: [MutationError!]! reason: String }
union ItemResult = ItemSuccess | ItemError
type Mutation {
  itemMutation(input: ItemInput!): ItemResult! @function(name: "fn_item", schema: "S")
  createPlain(input: ItemInput!): Item @function(name: "fn_item_plain", schema: "S")
  unionPlain(input: ItemInput!): ItemResult! @function(name: "fn_item_plain", schema: "S")
  echo(input: ItemInput!): Item! @function(name: "fn_echo", schema: "S")
  failing(input: ItemInput!): Item @function(name: "fn_fail", schema: "S")
  entityForm(input: ItemInput!): Item @function(name: "fn_item", schema: "S")
  nothing(input: ItemInput): Item @function(name: "fn_null", schema: "S")
  nothingUnion(input: ItemInput): ItemResult! @function(name: "fn_null", schema: "S")
  rename(itemId: UUID!, newName: String!): Item @function(name: "fn_rename", schema: "S")
}
)GQL";

const char* const union_selection = R"( {
    __typename
    ... on ItemSuccess { status message id updatedFields code item { __typename name price } }
    ... on ItemError { status message code reason errors { message code identifier details } }
  })";

class mutation_exec : public exec_test {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        setup(sql_setup, sdl);
    }
    boost::json::value item(const std::string& status, const std::string& name = "n") {
        return gql("mutation($i: ItemInput!) { r: itemMutation(input: $i)" + std::string(union_selection) + " }",
                   R"({"i":{"status":")" + status + R"(","name":")" + name + R"(","unitPrice":2.5}})");
    }
    std::size_t rows_named(const std::string& name) {
        return column("SELECT id FROM S.tb_item WHERE name = '" + name + "'").size();
    }
};

TEST_P(mutation_exec, success_statuses_give_the_success_type_with_the_projected_entity) {
    int i = 0;
    for (const char* st : {"success", "created", "updated", "CREATED"}) {
        const std::string name = "item" + std::to_string(i++);
        auto v = item(st, name);
        ASSERT_FALSE(v.as_object().contains("errors")) << last_body_;
        const auto& r = v.at("data").at("r");
        EXPECT_EQ(r.at("__typename"), "ItemSuccess") << st;
        EXPECT_EQ(r.at("status"), st);
        EXPECT_EQ(r.at("message"), "done");
        EXPECT_EQ(r.at("code"), 200);
        EXPECT_EQ(boost::json::serialize(r.at("updatedFields")), R"(["name","price"])");
        EXPECT_EQ(r.at("item"), boost::json::parse(R"({"__typename":"Item","name":")" + name + R"(","price":2.5})"));
        EXPECT_EQ(r.at("id").as_string(), column("SELECT id FROM S.tb_item WHERE name = '" + name + "'").at(0));
        EXPECT_EQ(rows_named(name), 1u);
    }
}

TEST_P(mutation_exec, deleted_is_a_success_with_the_old_entity) {
    ASSERT_TRUE(script(with_schema("INSERT INTO S.tb_item (name, price) VALUES ('old', 1)", schema_)));
    auto v = item("deleted", "old");
    const auto& r = v.at("data").at("r");
    EXPECT_EQ(r.at("__typename"), "ItemSuccess") << last_body_;
    EXPECT_EQ(r.at("message"), "gone");
    EXPECT_EQ(r.at("item").at("name"), "old");
    EXPECT_EQ(rows_named("old"), 0u);
}

TEST_P(mutation_exec, error_statuses_give_the_error_type_with_the_original_codes) {
    struct expect {
        const char* status;
        int code;
        const char* identifier;
    };
    for (const auto& e : {expect{"noop:unchanged", 422, "unchanged"},
                          expect{"not_found:item", 404, "item"},
                          expect{"failed:disk", 500, "disk"},
                          expect{"failed:validation", 422, "validation"},
                          expect{"unauthorized:token", 401, "token"},
                          expect{"forbidden:tenant", 403, "tenant"},
                          expect{"timeout:slow", 408, "slow"}}) {
        auto v = item(e.status, std::string("never_") + e.identifier);
        ASSERT_FALSE(v.as_object().contains("errors")) << "business errors are data: " << last_body_;
        const auto& r = v.at("data").at("r");
        EXPECT_EQ(r.at("__typename"), "ItemError") << e.status;
        EXPECT_EQ(r.at("status"), e.status);
        EXPECT_EQ(r.at("message"), "could not do it");
        EXPECT_EQ(r.at("code"), e.code) << e.status;
        EXPECT_EQ(boost::json::serialize(r.at("errors")),
                  R"([{"message":"could not do it","code":)" + std::to_string(e.code) +
                      R"(,"identifier":")" + e.identifier + R"(","details":null}])")
            << e.status;
        EXPECT_TRUE(r.at("reason").is_null());
        EXPECT_EQ(rows_named(std::string("never_") + e.identifier), 0u);
    }
}

TEST_P(mutation_exec, validation_uses_the_functions_errors_and_conflict_promotes_metadata) {
    auto v = item("validation:name", "x");
    const auto& r = v.at("data").at("r");
    EXPECT_EQ(r.at("__typename"), "ItemError") << last_body_;
    EXPECT_EQ(r.at("code"), 422);
    EXPECT_EQ(boost::json::serialize(r.at("errors")),
              R"([{"message":"too short","code":422,"identifier":"name","details":{"min":3}}])");

    auto c = item("conflict:name", "y");
    const auto& rc = c.at("data").at("r");
    EXPECT_EQ(rc.at("__typename"), "ItemError") << last_body_;
    EXPECT_EQ(rc.at("code"), 409);
    EXPECT_EQ(rc.at("message"), "exists already");
    EXPECT_EQ(rc.at("reason"), "duplicate name");
}

TEST_P(mutation_exec, a_plain_jsonb_result_is_the_entity) {
    auto v = gql(R"(mutation { a: createPlain(input: {name: "plain", unitPrice: 0.1}) { __typename name price }
                               b: unionPlain(input: {name: "plain2"}) { __typename ... on ItemSuccess { status item { name } } } })");
    ASSERT_FALSE(v.as_object().contains("errors")) << last_body_;
    EXPECT_EQ(v.at("data"), boost::json::parse(
                                R"({"a":{"__typename":"Item","name":"plain","price":0.1},)"
                                R"("b":{"__typename":"ItemSuccess","status":"success","item":{"name":"plain2"}}})"))
        << last_body_;
    // The float reached PostgreSQL as 0.1, not 0.10000000000000001.
    EXPECT_NE(last_body_.find("\"price\":0.1}"), std::string::npos) << last_body_;
    EXPECT_EQ(rows_named("plain"), 1u);
    EXPECT_EQ(rows_named("plain2"), 1u);
}

TEST_P(mutation_exec, entity_form_turns_an_error_status_into_a_field_error) {
    auto v = gql(R"(mutation { entityForm(input: {status: "not_found:item", name: "z"}) { name } })");
    EXPECT_TRUE(v.at("data").at("entityForm").is_null()) << last_body_;
    ASSERT_TRUE(v.as_object().contains("errors"));
    const auto& e = v.at("errors").as_array().at(0);
    EXPECT_EQ(e.at("message"), "could not do it");
    EXPECT_EQ(boost::json::serialize(e.at("path")), R"(["entityForm"])");
    EXPECT_EQ(first_code(v), "BAD_USER_INPUT");
}

TEST_P(mutation_exec, a_null_result_is_null_or_failed_no_result) {
    auto v = gql(R"(mutation { a: nothing { name } b: nothingUnion { __typename ... on ItemError { status code } } })");
    ASSERT_FALSE(v.as_object().contains("errors")) << last_body_;
    EXPECT_EQ(boost::json::serialize(v.at("data")),
              R"({"a":null,"b":{"__typename":"ItemError","status":"failed:no_result","code":500}})");
}

TEST_P(mutation_exec, a_database_error_rolls_back_and_is_a_top_level_error) {
    auto v = gql(R"(mutation { failing(input: {name: "doomed"}) { name } })");
    EXPECT_TRUE(v.at("data").at("failing").is_null()) << last_body_;
    EXPECT_EQ(first_code(v), "DATABASE_ERROR");
    const auto& e = v.at("errors").as_array().at(0);
    EXPECT_EQ(boost::json::serialize(e.at("path")), R"(["failing"])");
    EXPECT_NE(std::string(e.at("message").as_string()).find("fn_fail: refused doomed"), std::string::npos);
    EXPECT_EQ(rows_named("doomed"), 0u) << "the insert before the exception must be rolled back";
}

TEST_P(mutation_exec, input_keys_become_snake_case_at_every_depth_and_json_stays_verbatim) {
    auto v = gql(R"(mutation($i: ItemInput!) { echo(input: $i) { payload } })",
                 R"({"i":{"name":"e","unitPrice":1.25,
                          "nested":{"deepValue":1,"bigNumber":"9007199254740993","exact":"12345678901234567890.12345",
                                    "innerList":[{"deepValue":2},{"innerList":[]}]},
                          "lines":[{"lineNo":1,"productCode":"A-1"},{"lineNo":2}],
                          "rawJson":{"camelKey":{"innerKey":[1,{"x":null}]}}}})");
    ASSERT_FALSE(v.as_object().contains("errors")) << last_body_;
    // Compare the document PostgreSQL received (jsonb normalises key order).
    const std::string got = boost::json::serialize(v.at("data").at("echo").at("payload"));
    auto expected = boost::json::parse(
        R"({"name":"e","unit_price":1.25,
            "nested":{"deep_value":1,"big_number":9007199254740993,"exact":12345678901234567890.12345,
                      "inner_list":[{"deep_value":2},{"inner_list":[]}]},
            "lines":[{"line_no":1,"product_code":"A-1"},{"line_no":2}],
            "raw_json":{"camelKey":{"innerKey":[1,{"x":null}]}}})");
    EXPECT_EQ(boost::json::parse(got), expected) << got;
    // Exact digits reached PostgreSQL (Boost.JSON would round them; check the text).
    EXPECT_NE(last_body_.find("9007199254740993"), std::string::npos) << last_body_;
    EXPECT_NE(last_body_.find("12345678901234567890.12345"), std::string::npos) << last_body_;
}

TEST_P(mutation_exec, fields_without_an_input_argument_send_their_arguments) {
    ASSERT_TRUE(script(with_schema("INSERT INTO S.tb_item (id, name) VALUES ('00000000-0000-0000-0000-0000000000aa', 'before')", schema_)));
    auto v = gql(R"(mutation { rename(itemId: "00000000-0000-0000-0000-0000000000aa", newName: "after") { id name } })");
    ASSERT_FALSE(v.as_object().contains("errors")) << last_body_;
    EXPECT_EQ(v.at("data").at("rename").at("name"), "after");
    EXPECT_EQ(rows_named("after"), 1u);
}

TEST_P(mutation_exec, mutation_fields_run_serially_in_order) {
    // The second field sees the first one's committed row: the name is UNIQUE, so
    // the second insert of "twice" fails while the first succeeded.
    auto v = gql(R"(mutation { a: createPlain(input: {name: "twice"}) { name } b: createPlain(input: {name: "twice"}) { name } c: createPlain(input: {name: "third"}) { name } })");
    EXPECT_EQ(v.at("data").at("a").at("name"), "twice") << last_body_;
    EXPECT_TRUE(v.at("data").at("b").is_null());
    EXPECT_EQ(v.at("data").at("c").at("name"), "third");
    EXPECT_EQ(first_code(v), "DATABASE_ERROR");
    EXPECT_EQ(boost::json::serialize(v.at("errors").as_array().at(0).at("path")), R"(["b"])");
    EXPECT_EQ(rows_named("twice"), 1u);
}

INSTANTIATE_TEST_SUITE_P(backends, mutation_exec, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test
