// @function(context:) values on a real server, both backends: the function receives
// the same session value that the prelude sets for row-level security (product.md
// §4, §5). White-box: run_mutation with a request context whose session variables
// are set, since filling them from JWT claims is the security layer's job.

#include "exec/context.hpp"
#include "exec_fixture.hpp"
#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"

namespace fraiseql::test {
namespace {

const char* const sql_setup = R"SQL(
CREATE FUNCTION S.fn_ctx(p_tenant uuid, p_user text, input jsonb) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('id', p_tenant, 'name', coalesce(p_user, '<null>'),
                              'seen', current_setting('app.tenant_id', true), 'echo', input)
$$;
)SQL";

const char* const sdl = R"GQL(
type Out { id: UUID name: String! seen: String echo: JSON }
type Query { ping: String }
input In { someKey: Int }
type Mutation {
  withContext(input: In): Out @function(name: "fn_ctx", schema: "S", context: ["tenant_id", "app.user_id"])
  unknownContext(input: In): Out @function(name: "fn_ctx", schema: "S", context: ["nope", "user_id"])
}
)GQL";

class mutation_context : public exec_test {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        exec::config cfg;
        cfg.session_variables = {
            {"app.tenant_id", exec::session_variable::source_kind::claim, "tenant_id"},
            {"app.user_id", exec::session_variable::source_kind::claim, "sub"}};
        setup(sql_setup, sdl, cfg);
    }

    exec::field_result mutate(const std::string& query,
                              std::vector<std::pair<std::string, std::string>> session) {
        auto doc = graphql::parse_executable(query);
        EXPECT_TRUE(doc);
        auto plan = graphql::plan_operation(*gql_schema_, *doc, "", graphql::input_value::null());
        EXPECT_TRUE(plan) << (plan ? "" : plan.error().front().message);
        // The other members (streaming hooks) keep their defaults.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
        exec::exec_context ctx{.schema = *gql_schema_,
                               .pool = *pool_,
                               .cfg = cfg_,
                               .request_id = "ctx-test",
                               .deadline = pg::clock::now() + 10s,
                               .session = std::move(session)};
#pragma GCC diagnostic pop
        return run(io_, exec::run_mutation(ctx, plan->root_fields.at(0)));
    }
};

TEST_P(mutation_context, context_values_are_the_session_values) {
    const std::string tenant = "6f1c2b9e-1111-4222-8333-944445555666";
    auto r = mutate("mutation { withContext(input: {someKey: 1}) { id name seen echo } }",
                    {{"app.tenant_id", tenant}, {"app.user_id", "user-7"}});
    ASSERT_TRUE(r.errors.empty()) << r.errors.front().message;
    EXPECT_EQ(r.json, R"({"id":")" + tenant + R"(","name":"user-7","seen":")" + tenant +
                          R"(","echo":{"some_key": 1}})");

    // A variable the request does not provide is NULL for the function.
    auto n = mutate("mutation { withContext { name } }", {{"app.tenant_id", tenant}});
    ASSERT_TRUE(n.errors.empty()) << n.errors.front().message;
    EXPECT_EQ(n.json, R"({"name":"<null>"})");
}

TEST_P(mutation_context, an_unconfigured_context_name_is_an_error_for_the_field) {
    auto r = mutate("mutation { unknownContext { name } }", {});
    EXPECT_TRUE(r.is_null);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].code, "INTERNAL_SERVER_ERROR");
    EXPECT_NE(r.errors[0].message.find("\"nope\""), std::string::npos) << r.errors[0].message;
}

INSTANTIATE_TEST_SUITE_P(backends, mutation_context, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test
