// graphql-transport-ws (src/http/graphql_ws.hpp) message by message: every message type,
// every close code the protocol defines for a client's mistake, and the budgets.

#include <gtest/gtest.h>

#include <string>

#include <boost/json/parse.hpp>

#include "http/graphql_ws.hpp"

namespace fraiseql::http::gws {
namespace {

namespace bjson = boost::json;

bjson::object parsed(const std::string& frame) {
    auto v = bjson::parse(frame);
    EXPECT_TRUE(v.is_object()) << frame;
    return v.is_object() ? v.get_object() : bjson::object{};
}

close_code closed_with(const step& s) {
    EXPECT_TRUE(s.close.has_value());
    return s.close ? s.close->code : close_code::normal;
}

// A connection past connection_ack.
connection acknowledged(limits l = {}) {
    connection c(l);
    auto s = c.on_text(R"({"type":"connection_init"})");
    EXPECT_TRUE(s.init);
    EXPECT_EQ(c.accept(), R"({"type":"connection_ack"})");
    EXPECT_EQ(c.current(), state::acknowledged);
    return c;
}

TEST(graphql_ws, handshake_subscribe_next_complete) {
    connection c;
    auto init = c.on_text(R"({"type":"connection_init","payload":{"Authorization":"Bearer x"}})");
    ASSERT_TRUE(init.init);
    EXPECT_EQ(init.init->at("Authorization").as_string(), "Bearer x");
    EXPECT_FALSE(init.close);
    EXPECT_TRUE(init.send.empty());
    EXPECT_EQ(c.current(), state::init_pending);
    EXPECT_EQ(c.accept(), R"({"type":"connection_ack"})");

    auto sub = c.on_text(R"({"id":"1","type":"subscribe","payload":{"query":"subscription S($n: Int) { users(limit: $n) { id } }","variables":{"n":2},"operationName":"S"}})");
    ASSERT_TRUE(sub.subscribe);
    EXPECT_EQ(sub.subscribe->first, "1");
    EXPECT_EQ(sub.subscribe->second.operation_name, "S");
    EXPECT_EQ(sub.subscribe->second.variables.at("n").as_int64(), 2);
    EXPECT_TRUE(c.active("1"));

    auto next = parsed(c.next("1", R"({"data":{"users":[]}})"));
    EXPECT_EQ(next.at("type").as_string(), "next");
    EXPECT_EQ(next.at("id").as_string(), "1");
    EXPECT_TRUE(next.at("payload").at("data").at("users").as_array().empty());
    EXPECT_EQ(c.complete("1"), R"({"type":"complete","id":"1"})");
    EXPECT_FALSE(c.active("1"));
    EXPECT_EQ(c.next("1", "{}"), "") << "nothing is sent for a finished operation";
    EXPECT_EQ(c.complete("1"), "");
}

TEST(graphql_ws, ping_is_answered_at_any_time_and_pong_is_accepted) {
    connection c;
    auto s = c.on_text(R"({"type":"ping"})");
    ASSERT_EQ(s.send.size(), 1u);
    EXPECT_EQ(s.send[0], R"({"type":"pong"})");
    EXPECT_FALSE(s.close);
    s = c.on_text(R"({"type":"ping","payload":{"t":1}})");
    EXPECT_EQ(s.send.size(), 1u);
    s = c.on_text(R"({"type":"pong","payload":null})");
    EXPECT_TRUE(s.send.empty());
    EXPECT_FALSE(s.close);
    EXPECT_EQ(closed_with(c.on_text(R"({"type":"ping","payload":3})")), close_code::bad_request);
}

TEST(graphql_ws, subscribe_before_the_ack_is_unauthorized) {
    connection c;
    EXPECT_EQ(closed_with(c.on_text(R"({"id":"1","type":"subscribe","payload":{"query":"{a}"}})")),
              close_code::unauthorized);
    EXPECT_EQ(c.current(), state::closed);
    connection pending;
    ASSERT_TRUE(pending.on_text(R"({"type":"connection_init"})").init);
    EXPECT_EQ(closed_with(pending.on_text(R"({"id":"1","type":"subscribe","payload":{"query":"{a}"}})")),
              close_code::unauthorized);
}

TEST(graphql_ws, a_second_init_is_too_many) {
    connection pending;
    ASSERT_TRUE(pending.on_text(R"({"type":"connection_init"})").init);
    EXPECT_EQ(closed_with(pending.on_text(R"({"type":"connection_init"})")), close_code::too_many_inits);
    auto c = acknowledged();
    EXPECT_EQ(closed_with(c.on_text(R"({"type":"connection_init"})")), close_code::too_many_inits);
}

TEST(graphql_ws, the_init_timeout_closes_only_a_connection_that_never_sent_init) {
    connection c;
    EXPECT_EQ(closed_with(c.on_init_timeout()), close_code::init_timeout);
    connection pending;
    ASSERT_TRUE(pending.on_text(R"({"type":"connection_init"})").init);
    EXPECT_FALSE(pending.on_init_timeout().close) << "authentication is under way";
    auto ok = acknowledged();
    EXPECT_FALSE(ok.on_init_timeout().close);
}

TEST(graphql_ws, a_duplicate_id_closes_with_4409) {
    auto c = acknowledged();
    const char* sub = R"({"id":"a","type":"subscribe","payload":{"query":"{x}"}})";
    ASSERT_TRUE(c.on_text(sub).subscribe);
    auto s = c.on_text(sub);
    EXPECT_EQ(closed_with(s), close_code::subscriber_exists);
    EXPECT_EQ(s.close->reason, "Subscriber for a already exists");
    // Once completed, the id may be used again.
    auto d = acknowledged();
    ASSERT_TRUE(d.on_text(sub).subscribe);
    auto done = d.on_text(R"({"id":"a","type":"complete"})");
    ASSERT_TRUE(done.complete);
    EXPECT_EQ(*done.complete, "a");
    EXPECT_TRUE(d.on_text(sub).subscribe);
}

TEST(graphql_ws, completing_an_unknown_id_is_ignored) {
    auto c = acknowledged();
    auto s = c.on_text(R"({"id":"nope","type":"complete"})");
    EXPECT_FALSE(s.complete);
    EXPECT_FALSE(s.close);
}

TEST(graphql_ws, every_malformed_message_closes_with_4400) {
    const char* bad[] = {
        "", "not json", "[1,2]", "\"ping\"", "{}", R"({"type":1})", R"({"type":"nope"})",
        R"({"type":"next","id":"1","payload":{}})", R"({"type":"connection_ack"})",
        R"({"type":"error","id":"1","payload":[]})",
        R"({"type":"subscribe","payload":{"query":"{a}"}})",           // no id
        R"({"type":"subscribe","id":"","payload":{"query":"{a}"}})",   // empty id
        R"({"type":"subscribe","id":7,"payload":{"query":"{a}"}})",    // id not a string
        R"({"type":"subscribe","id":"1"})",                            // no payload
        R"({"type":"subscribe","id":"1","payload":[]})",
        R"({"type":"subscribe","id":"1","payload":{}})",               // no query
        R"({"type":"subscribe","id":"1","payload":{"query":1}})",
        R"({"type":"subscribe","id":"1","payload":{"query":"{a}","variables":[1]}})",
        R"({"type":"complete"})", R"({"type":"pong","payload":"x"})",
        R"({"type":"subscribe","id":"1","payload":{"query":"{a}"})",   // truncated
    };
    for (const char* m : bad) {
        auto c = acknowledged();
        auto s = c.on_text(m);
        ASSERT_TRUE(s.close) << m;
        EXPECT_EQ(s.close->code, close_code::bad_request) << m;
        EXPECT_FALSE(s.close->reason.empty());
        EXPECT_EQ(c.current(), state::closed);
    }
    connection init_payload;
    EXPECT_EQ(closed_with(init_payload.on_text(R"({"type":"connection_init","payload":"token"})")),
              close_code::bad_request);
    auto b = acknowledged();
    EXPECT_EQ(closed_with(b.on_binary()), close_code::bad_request);
}

TEST(graphql_ws, size_depth_and_id_budgets_are_checked_before_the_work) {
    limits l;
    l.max_message_bytes = 200;
    l.max_json_depth = 8;
    l.max_id_bytes = 4;
    auto c = acknowledged(l);
    std::string big = R"({"type":"ping","payload":{"p":")" + std::string(200, 'x') + "\"}}";
    auto s = c.on_text(big);
    EXPECT_EQ(closed_with(s), close_code::message_too_big);
    EXPECT_NE(s.close->reason.find("limit is 200"), std::string::npos) << s.close->reason;

    auto d = acknowledged(l);
    std::string at_limit = R"({"type":"ping","payload":{"p":")";
    at_limit += std::string(200 - at_limit.size() - 3, 'x') + "\"}}";
    ASSERT_EQ(at_limit.size(), 200u);
    EXPECT_FALSE(d.on_text(at_limit).close);

    std::string deep = R"({"type":"ping","payload":)";
    for (int i = 0; i < 10; ++i) deep += R"({"a":)";
    deep += "1";
    for (int i = 0; i < 10; ++i) deep += "}";
    deep += "}";
    auto e = acknowledged(l);
    EXPECT_EQ(closed_with(e.on_text(deep)), close_code::bad_request);

    auto f = acknowledged(l);
    EXPECT_EQ(closed_with(f.on_text(R"({"id":"12345","type":"subscribe","payload":{"query":"{a}"}})")),
              close_code::bad_request);
    auto g = acknowledged(l);
    EXPECT_TRUE(g.on_text(R"({"id":"1234","type":"subscribe","payload":{"query":"{a}"}})").subscribe);
}

TEST(graphql_ws, operations_beyond_the_limit_get_an_error_and_the_socket_stays) {
    limits l;
    l.max_subscriptions = 2;
    auto c = acknowledged(l);
    auto sub = [&](const char* id) {
        return c.on_text(std::string(R"({"type":"subscribe","payload":{"query":"{a}"},"id":")") + id + "\"}");
    };
    ASSERT_TRUE(sub("1").subscribe);
    ASSERT_TRUE(sub("2").subscribe);
    auto third = sub("3");
    EXPECT_FALSE(third.subscribe);
    EXPECT_FALSE(third.close);
    ASSERT_EQ(third.send.size(), 1u);
    auto err = parsed(third.send[0]);
    EXPECT_EQ(err.at("type").as_string(), "error");
    EXPECT_EQ(err.at("id").as_string(), "3");
    EXPECT_EQ(err.at("payload").at(0).at("extensions").at("code").as_string(), "TOO_MANY_SUBSCRIPTIONS");
    EXPECT_EQ(c.active_count(), 2u);
    EXPECT_FALSE(c.active("3"));
    ASSERT_FALSE(c.complete("1").empty());
    EXPECT_TRUE(sub("3").subscribe);
}

TEST(graphql_ws, reject_closes_with_4403_and_nothing_is_accepted_after_a_close) {
    connection c;
    ASSERT_TRUE(c.on_text(R"({"type":"connection_init","payload":{"authorization":"Bearer bad"}})").init);
    auto cf = c.reject("Invalid token: signature mismatch");
    EXPECT_EQ(cf.code, close_code::forbidden);
    EXPECT_EQ(c.current(), state::closed);
    EXPECT_EQ(c.accept(), "");
    auto s = c.on_text(R"({"type":"ping"})");
    EXPECT_TRUE(s.send.empty());
    EXPECT_FALSE(s.close);

    auto d = acknowledged();
    ASSERT_TRUE(d.on_text(R"({"id":"1","type":"subscribe","payload":{"query":"{a}"}})").subscribe);
    EXPECT_EQ(d.close(close_code::going_away, "Server shutting down").code, close_code::going_away);
    EXPECT_EQ(d.active_count(), 0u);
    EXPECT_EQ(d.next("1", "{}"), "");
}

TEST(graphql_ws, ids_are_escaped_and_close_reasons_fit_a_control_frame) {
    auto c = acknowledged();
    ASSERT_TRUE(c.on_text(R"({"id":"a\"b\\c\u0001","type":"subscribe","payload":{"query":"{a}"}})").subscribe);
    auto n = parsed(c.next("a\"b\\c\x01", R"({"data":null})"));
    EXPECT_EQ(n.at("id").as_string(), "a\"b\\c\x01");

    std::string reason(120, 'x');
    reason += "\xC3\xA9\xC3\xA9"; // two 2-byte characters across the 123-byte cut
    const auto cut = close_reason(reason);
    EXPECT_LE(cut.size(), 123u);
    EXPECT_EQ(cut.size(), 122u); // the character at 122..123 does not fit whole
    EXPECT_EQ(close_reason("short"), "short");
}

} // namespace
} // namespace fraiseql::http::gws
