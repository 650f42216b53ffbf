// The classification both backends share (src/pg/policy_connection.hpp): one code and one
// wording per situation, whichever mechanism read the results.
#include <gtest/gtest.h>

#include "../../../src/pg/policy_connection.hpp"

namespace fraiseql::pg::detail {
namespace {

server_message msg(std::string severity, std::string code, std::string text) {
    server_message m;
    m.severity = std::move(severity);
    m.code = sqlstate(code);
    m.message = std::move(text);
    return m;
}

TEST(backend_policy, success) { EXPECT_TRUE(classify(exchange{}, false)); }

TEST(backend_policy, statement_error_is_server_error_with_its_fields) {
    exchange x;
    x.first_error = msg("ERROR", "22012", "division by zero");
    auto r = classify(x, false);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::server_error);
    EXPECT_EQ(r.error().message, "ERROR: division by zero");
    EXPECT_EQ(r.error().server().code, sqlstate::division_by_zero());
}

TEST(backend_policy, query_canceled_by_someone_else_is_cancelled) {
    exchange x;
    x.first_error = msg("ERROR", "57014", "canceling statement due to user request");
    auto r = classify(x, false);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::cancelled);
    EXPECT_EQ(r.error().server().code, sqlstate::query_canceled());
}

TEST(backend_policy, fatal_error_is_a_lost_connection_with_the_server_reason) {
    exchange x;
    x.first_error = msg("FATAL", "57P01", "terminating connection due to administrator command");
    auto r = classify(x, false);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::connection_lost);
    EXPECT_EQ(r.error().message, "server closed the connection: terminating connection due to "
                                 "administrator command");
    EXPECT_EQ(r.error().server().code, sqlstate::admin_shutdown());

    // The same when the mechanism saw the hang-up that follows.
    x.failure = error{errc::connection_lost, "connection lost: end of file"};
    auto lost = classify(x, false);
    ASSERT_FALSE(lost);
    EXPECT_EQ(lost.error().message, r.error().message);
    EXPECT_EQ(lost.error().server().code, sqlstate::admin_shutdown());
}

TEST(backend_policy, a_failure_is_reported_as_worded) {
    auto x = exchange::failed(errc::protocol_error, "malformed DataRow");
    x.first_error = msg("ERROR", "22012", "division by zero");
    auto r = classify(x, false);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::protocol_error);
    EXPECT_EQ(r.error().message, "malformed DataRow");
}

TEST(backend_policy, aborted_operations) {
    exchange t;
    t.aborted = errc::timeout;
    t.first_error = msg("ERROR", "57014", "canceling statement due to user request");
    auto r = classify(t, false);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::timeout) << "our cancel, not someone else's";
    EXPECT_EQ(r.error().message, "deadline expired; the statement was cancelled");

    exchange c;
    c.aborted = errc::cancelled;
    auto by_sink = classify(c, false);
    ASSERT_FALSE(by_sink);
    EXPECT_EQ(by_sink.error().code, errc::cancelled);
    EXPECT_EQ(by_sink.error().message, "the consumer abandoned the result");
    auto by_cancel = classify(c, true);
    ASSERT_FALSE(by_cancel);
    EXPECT_EQ(by_cancel.error().message, "the operation was cancelled");
}

TEST(backend_policy, mechanism_wordings) {
    EXPECT_EQ(send_interrupted(false).code, errc::timeout);
    EXPECT_EQ(send_interrupted(true).code, errc::cancelled);
    EXPECT_EQ(no_resync(errc::timeout).code, errc::timeout);
    EXPECT_EQ(no_resync(errc::cancelled).message,
              "server did not resynchronise after a CancelRequest");
}

} // namespace
} // namespace fraiseql::pg::detail
