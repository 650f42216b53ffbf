// Authorization against the shared plan (issue 15, src/exec/authorization.hpp): a caller
// allowed everything runs the plan-cache shape's plan as it is — no copy, no allocation —
// and a caller for whom a nested field is forbidden gets an edited copy of its own while
// the shared plan stays untouched for everybody else. Against the security e2e schema
// (tests/e2e/fixtures/security.graphql); no database.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "exec/authorization.hpp"
#include "exec/document_resolver.hpp"
#include "fraiseql/graphql/schema_builder.hpp"
#define FRAISEQL_COUNTING_NEW_DECLARATIONS_ONLY
#include "unit/json/counting_new.hpp"

namespace fraiseql::exec {
namespace {

class authorization_test : public ::testing::Test {
protected:
    void SetUp() override {
        auto s = graphql::load_schema_file(std::string(FRAISEQL_SOURCE_DIR) +
                                           "/tests/e2e/fixtures/security.graphql");
        ASSERT_TRUE(s) << s.error().front();
        schema_ = std::move(*s);
        resolver_ = std::make_unique<document_resolver>(*schema_, cfg_, m_);
    }
    /// Bound through the compiled-plan cache (the second request of the text: a hit).
    bound_operation bind(const std::string& query, const std::string& vars) {
        for (int i = 0;; ++i) {
            request r;
            r.query = query;
            auto doc = resolver_->resolve(r);
            EXPECT_TRUE(doc);
            auto bound = bind_request(std::move(*doc), boost::json::parse(vars));
            EXPECT_TRUE(bound);
            if (i == 1) return std::move(*bound);
        }
    }
    std::shared_ptr<graphql::schema> schema_;
    config cfg_;
    metrics m_;
    std::unique_ptr<document_resolver> resolver_;
};

TEST_F(authorization_test, an_allowed_caller_runs_the_shared_plan_and_allocates_nothing) {
    const auto bound = bind("query($id: Int!) { item(id: $id) { id name } }", R"({"id":7})");
    ASSERT_TRUE(bound.binding.has_value()) << "expected the compiled-plan cache's road";
    // The plan is the shape's own, not a per-request copy.
    EXPECT_EQ(&bound.plan(), &bound.binding->shape->plan);
    ASSERT_NE(bound.precompiled(0), nullptr);
    auth_context anonymous;
    authorization warm;
    authorize(*schema_, bound.plan(), anonymous, warm);
    const test::allocation_count count;
    authorization authz;
    authorize(*schema_, bound.plan(), anonymous, authz);
    EXPECT_EQ(count(), 0u);
    EXPECT_FALSE(authz.rewritten.has_value());
    EXPECT_TRUE(authz.errors.empty());
    EXPECT_FALSE(authz.forbidden(0));
    EXPECT_EQ(&authz.plan(bound.plan()), &bound.binding->shape->plan);
}

TEST_F(authorization_test, a_forbidden_nested_field_edits_a_copy_never_the_shared_plan) {
    // `secret` is under @auth: the shape is not precompiled (ADR 0017), but its plan is still
    // the one every request of the text shares.
    const auto bound = bind("{ items { id secret } }", "{}");
    const graphql::operation_plan& shared = bound.plan();
    ASSERT_EQ(shared.root_fields.size(), 1u);
    ASSERT_EQ(shared.root_fields[0].selection.size(), 2u);
    const graphql::field_def* secret = shared.root_fields[0].selection[1].field;
    ASSERT_NE(secret, nullptr);

    auth_context reader;
    reader.authenticated = true;
    reader.roles = {"reader"};
    authorization authz;
    authorize(*schema_, shared, reader, authz);
    ASSERT_TRUE(authz.rewritten.has_value());
    ASSERT_EQ(authz.errors.size(), 1u);
    EXPECT_EQ(authz.errors[0].code, graphql::code::forbidden);
    EXPECT_FALSE(authz.forbidden(0)); // the root runs, `secret` reads nothing
    const auto& mine = authz.plan(shared);
    EXPECT_NE(&mine, &shared);
    EXPECT_NE(mine.root_fields[0].selection[1].field, secret); // the stand-in
    EXPECT_NE(mine.root_fields[0].selection[1].field->key, secret->key);
    EXPECT_EQ(shared.root_fields[0].selection[1].field, secret); // untouched

    auth_context admin;
    admin.authenticated = true;
    admin.roles = {"admin"};
    authorization allowed;
    authorize(*schema_, shared, admin, allowed);
    EXPECT_FALSE(allowed.rewritten.has_value());
    EXPECT_TRUE(allowed.errors.empty());
    EXPECT_EQ(&allowed.plan(shared), &shared);
}

TEST_F(authorization_test, a_forbidden_root_field_is_marked_and_only_it) {
    const auto bound = bind("{ notes { id } editorNotes { id } }", "{}");
    auth_context anonymous;
    authorization authz;
    authorize(*schema_, bound.plan(), anonymous, authz);
    EXPECT_FALSE(authz.forbidden(0));
    EXPECT_TRUE(authz.forbidden(1));
    EXPECT_FALSE(authz.forbidden(2)); // past the end: not forbidden
    ASSERT_EQ(authz.errors.size(), 1u);
    EXPECT_EQ(authz.errors[0].code, graphql::code::forbidden);
}

} // namespace
} // namespace fraiseql::exec

namespace fraiseql::exec {
namespace {

TEST(uses_auth, is_true_only_for_a_schema_with_auth_on_a_type_or_field) {
    auto secured = graphql::load_schema_file(std::string(FRAISEQL_SOURCE_DIR) +
                                             "/tests/e2e/fixtures/security.graphql");
    ASSERT_TRUE(secured) << secured.error().front();
    EXPECT_TRUE(uses_auth(**secured));
    auto blog = graphql::load_schema_file(std::string(FRAISEQL_SOURCE_DIR) +
                                          "/examples/blog/schema.graphql");
    ASSERT_TRUE(blog) << blog.error().front();
    EXPECT_FALSE(uses_auth(**blog)); // the engine then skips authorize() altogether
}

} // namespace
} // namespace fraiseql::exec
