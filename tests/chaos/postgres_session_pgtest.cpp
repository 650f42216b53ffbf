// Session state set by a mutation's function must not leak into the next request served on
// the same pooled connection (docs/mutations.md, "Session state"). pool_size = 1, so every
// request below runs on one connection (asserted through pg_backend_pid()).
//
// Shared cluster, non-destructive: only this test's own sessions are touched.

#include "pgchaos_support.hpp"

namespace fraiseql::test::chaos {
namespace {

const char* const session_query =
    "{ chaosSession { pid searchPath leak workMem currentUser statementTimeout } }";

class session_state : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        ASSERT_EQ(load_fixture(), "");
    }
    void start(const std::string& extra_query = {}) {
        server_ = start_server(GetParam(),
                               e2e_url("?application_name=" + app_name(GetParam()) + extra_query),
                               {"FRAISEQL_POOL_SIZE=1"});
        ASSERT_TRUE(server_->ok()) << server_->log();
    }
    /// The session as a read sees it.
    boost::json::object observe() {
        auto a = graphql(server_->port(), session_query);
        EXPECT_TRUE(a.ok()) << a.describe();
        const auto& rows = a.data("chaosSession");
        if (!rows.is_array() || rows.as_array().size() != 1) {
            ADD_FAILURE() << a.describe();
            return {};
        }
        return rows.as_array()[0].as_object();
    }
    answer set_session(boost::json::object input) {
        boost::json::object vars;
        vars["i"] = std::move(input);
        return graphql(server_->port(),
                       "mutation($i: ChaosInput!) { chaosSetSession(input: $i) { key grp } }", vars);
    }
    std::unique_ptr<server_process> server_;
};

// The function runs SET work_mem / SET statement_timeout / SET search_path and
// set_config('chaos.leak', …, false): after it, a read on the same connection sees the
// session exactly as before the mutation.
TEST_P(session_state, set_and_set_config_do_not_leak_to_the_next_request) {
    start();
    const auto before = observe();
    ASSERT_FALSE(before.empty());
    EXPECT_EQ(before.at("leak"), "");
    auto m = set_session(boost::json::object{{"leak", "leaked-value"}});
    ASSERT_TRUE(m.ok()) << m.describe();
    const auto after = observe();
    ASSERT_FALSE(after.empty());
    EXPECT_EQ(after.at("pid"), before.at("pid")) << "not the same pooled connection";
    EXPECT_EQ(after.at("leak"), "") << "set_config(..., false) leaked";
    EXPECT_EQ(after.at("searchPath"), before.at("searchPath")) << "SET search_path leaked";
    EXPECT_EQ(after.at("workMem"), before.at("workMem")) << "SET work_mem leaked";
    EXPECT_EQ(after.at("statementTimeout"), before.at("statementTimeout"));
    // The next mutation on that connection also starts from a clean session.
    auto again = set_session(boost::json::object{{"leak", "second"}});
    ASSERT_TRUE(again.ok()) << again.describe();
    EXPECT_EQ(observe().at("leak"), "");
}

// SET ROLE inside the function (not reset by RESET ALL: the reset also restores the
// session authorization).
TEST_P(session_state, set_role_does_not_leak_to_the_next_request) {
    start();
    const auto before = observe();
    ASSERT_FALSE(before.empty());
    ASSERT_EQ(before.at("currentUser"), "postgres");
    auto m = set_session(boost::json::object{{"leak", "x"}, {"role", "chaos_other"}});
    ASSERT_TRUE(m.ok()) << m.describe();
    // The function really ran as chaos_other (it returns current_user as grp).
    EXPECT_EQ(m.data("chaosSetSession").at("grp"), "chaos_other") << m.describe();
    const auto after = observe();
    ASSERT_FALSE(after.empty());
    EXPECT_EQ(after.at("pid"), before.at("pid"));
    EXPECT_EQ(after.at("currentUser"), "postgres") << "SET ROLE leaked";
}

// The reset returns to the connection's start-up values, not to the server defaults:
// settings given in the connection string (options=-c …) survive it.
TEST_P(session_state, reset_keeps_the_connection_string_settings) {
    start("&options=-c%20work_mem%3D5MB%20-c%20search_path%3Dpublic");
    const auto before = observe();
    ASSERT_FALSE(before.empty());
    ASSERT_EQ(before.at("workMem"), "5MB");
    ASSERT_EQ(before.at("searchPath"), "public");
    auto m = set_session(boost::json::object{{"leak", "y"}});
    ASSERT_TRUE(m.ok()) << m.describe();
    const auto after = observe();
    ASSERT_FALSE(after.empty());
    EXPECT_EQ(after.at("pid"), before.at("pid"));
    EXPECT_EQ(after.at("workMem"), "5MB");
    EXPECT_EQ(after.at("searchPath"), "public");
    EXPECT_EQ(after.at("leak"), "");
}

INSTANTIATE_TEST_SUITE_P(backends, session_state, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test::chaos
