// The authorization stage's request-level refusals (src/exec/authorization.hpp): a refused
// credential, and the introspection policy (product.md §5). Against the blog example's
// schema; no database.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "exec/authorization.hpp"
#include "exec/document_resolver.hpp"
#include "fraiseql/graphql/schema_builder.hpp"

namespace fraiseql::exec {
namespace {

class request_policy_test : public ::testing::Test {
protected:
    void SetUp() override {
        auto s = graphql::load_schema_file(std::string(FRAISEQL_SOURCE_DIR) + "/examples/blog/schema.graphql");
        ASSERT_TRUE(s) << s.error().front();
        schema_ = std::move(*s);
    }
    graphql::operation_plan plan(std::string query) {
        document_resolver d(*schema_, cfg_, m_);
        request r;
        r.query = std::move(query);
        auto doc = d.resolve(r);
        EXPECT_TRUE(doc);
        auto bound = bind_request(std::move(*doc), boost::json::value());
        EXPECT_TRUE(bound);
        return bound->plan();
    }
    std::shared_ptr<graphql::schema> schema_;
    config cfg_;
    metrics m_;
};

TEST_F(request_policy_test, introspection_policy_public_authenticated_disabled) {
    const auto intro = plan("{ users(limit: 1) { email } __type(name: \"User\") { name } }");
    auth_context anonymous;
    auth_context user;
    user.authenticated = true;
    EXPECT_FALSE(check_introspection(intro, anonymous, introspection_policy::public_));
    EXPECT_FALSE(check_introspection(intro, user, introspection_policy::authenticated));

    auto anon = check_introspection(intro, anonymous, introspection_policy::authenticated);
    ASSERT_TRUE(anon);
    EXPECT_EQ(anon->status, 401u);
    EXPECT_EQ(anon->errors.at(0).code, "UNAUTHENTICATED");
    EXPECT_FALSE(anon->request_error);

    auto off = check_introspection(intro, user, introspection_policy::disabled);
    ASSERT_TRUE(off);
    EXPECT_EQ(off->status, 400u);
    EXPECT_EQ(off->errors.at(0).code, "FORBIDDEN");
    ASSERT_FALSE(off->errors[0].locations.empty());
    EXPECT_EQ(off->errors[0].locations[0].column, 29u) << "at the __type field";

    // __typename is not introspection of the schema (spec §4.4 is answered always).
    const auto plain = plan("{ __typename users(limit: 1) { email } }");
    EXPECT_FALSE(check_introspection(plain, anonymous, introspection_policy::disabled));
}

TEST_F(request_policy_test, a_refused_credential_is_401_with_its_challenge) {
    auth_failure missing;
    missing.why = auth_failure::reason::missing_credentials;
    auto a = unauthenticated(missing);
    EXPECT_EQ(a.status, 401u);
    EXPECT_EQ(a.www_authenticate, "Bearer");
    ASSERT_EQ(a.errors.size(), 1u);
    EXPECT_EQ(a.errors[0].code, "UNAUTHENTICATED");
    EXPECT_EQ(a.errors[0].message, "Authentication required");
    auth_failure invalid;
    invalid.why = auth_failure::reason::invalid_token;
    invalid.log_message = "secret detail";
    auto b = unauthenticated(invalid);
    EXPECT_EQ(b.www_authenticate, "Bearer error=\"invalid_token\"");
    EXPECT_EQ(b.errors[0].message.find("secret"), std::string::npos) << "details are for logs only";
}

} // namespace
} // namespace fraiseql::exec
