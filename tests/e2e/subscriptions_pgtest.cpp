// Subscriptions end to end (product.md §3.7, issue 19): the real server, graphql-transport-ws
// on /graphql, raw frames from a Beast WebSocket client over loopback. Every protocol error
// and close code; queries and mutations over the socket; live queries pushed on change and
// only on change; tenants never crossing (RLS through the session variables of every
// refetch); cohorts bounding the statements per interval; expired tokens; slow and vanished
// subscribers; shutdown's 1001. The multi-tenant fixture of the security tests, server
// connected as the non-superuser fraiseql_app. Both backends.

#include <chrono>
#include <csignal>
#include <optional>
#include <regex>
#include <thread>

#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>

#include "security_support.hpp"
#include "support/ws_client.hpp"

namespace fraiseql::test::security {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using namespace std::chrono_literals;
using boost::json::serialize;

std::string unique(const std::string& prefix) {
    return prefix + "-" +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

const std::string notes_by_title =
    "subscription($t: String!) { notes(where: {title: {eq: $t}}, orderBy: [{id: ASC}]) "
    "{ id tenantId title } }";

class subscriptions_e2e : public security_e2e {
protected:
    /// A server with a short refetch interval (fast tests) and `env` added.
    void start_live(std::vector<std::string> env = {}) {
        env.push_back("FRAISEQL_SUBSCRIPTION_REFETCH_INTERVAL=200ms");
        start(std::move(env));
    }
    /// createNote over HTTP as `tenant`: the note's id.
    std::string create_note(const std::string& tenant, const std::string& title) {
        auto v = post(body("mutation($i: CreateNoteInput!) { createNote(input: $i) { id } }",
                           R"({"i":{"title":")" + title + "\"}}"),
                      bearer(token(tenant)));
        EXPECT_FALSE(v.as_object().contains("errors")) << last_.body;
        return serialize(v.at("data").at("createNote").at("id"));
    }
};

// --- the handshake and the protocol's errors ---------------------------------------------

TEST_P(subscriptions_e2e, the_subprotocol_is_negotiated_and_init_is_acknowledged) {
    start_live();
    ws_client c(port());
    ASSERT_TRUE(c.ok()) << c.error();
    EXPECT_EQ(c.status(), 101);
    EXPECT_EQ(c.protocol(), "graphql-transport-ws");
    ASSERT_TRUE(c.init(token("tenant-a")));
    // ping/pong of the protocol (not the WebSocket control frames).
    c.send(R"({"type":"ping"})");
    EXPECT_EQ(serialize(c.read_json()), R"({"type":"pong"})");
    EXPECT_EQ(metric(port(), "fraiseql_websocket_connections"), 1);
}

TEST_P(subscriptions_e2e, another_subprotocol_is_closed_with_4406) {
    start_live();
    ws_client legacy(port(), "graphql-ws");
    ASSERT_TRUE(legacy.ok()) << legacy.error();
    EXPECT_EQ(legacy.protocol(), "");
    EXPECT_EQ(legacy.wait_close(), 4406);
    EXPECT_NE(legacy.close_reason().find("graphql-transport-ws"), std::string::npos);
    ws_client none(port(), "");
    ASSERT_TRUE(none.ok()) << none.error();
    EXPECT_EQ(none.wait_close(), 4406);
}

TEST_P(subscriptions_e2e, each_protocol_error_has_its_close_code) {
    start_live({"FRAISEQL_WEBSOCKET_MAX_MESSAGE_SIZE=2048"});
    {   // subscribe before connection_ack: 4401
        ws_client c(port());
        c.subscribe("1", "{ notes { id } }");
        EXPECT_EQ(c.wait_close(), 4401);
    }
    {   // a second connection_init: 4429
        ws_client c(port());
        ASSERT_TRUE(c.init());
        c.send(R"({"type":"connection_init"})");
        EXPECT_EQ(c.wait_close(), 4429);
    }
    {   // an id already in use: 4409
        ws_client c(port());
        ASSERT_TRUE(c.init(token("tenant-a")));
        c.subscribe("same", notes_by_title, {{"t", "x"}});
        c.subscribe("same", notes_by_title, {{"t", "x"}});
        EXPECT_EQ(c.wait_close(), 4409);
    }
    {   // not JSON, an unknown type, a binary message: 4400
        for (const std::string bad : {"not json", R"({"type":"nope"})", R"({"id":"1"})"}) {
            ws_client c(port());
            ASSERT_TRUE(c.init());
            c.send(bad);
            EXPECT_EQ(c.wait_close(), 4400) << bad;
        }
    }
    {   // over websocket_max_message_size: 1009
        ws_client c(port());
        ASSERT_TRUE(c.init());
        c.subscribe("big", "{ notes { id } } #" + std::string(4096, 'x'));
        EXPECT_EQ(c.wait_close(), 1009);
    }
    {   // an invalid token: 4403, nothing acknowledged
        ws_client c(port());
        c.send(R"({"type":"connection_init","payload":{"Authorization":"Bearer not.a.token"}})");
        EXPECT_EQ(c.wait_close(), 4403);
    }
    EXPECT_GE(metric(port(), "fraiseql_websocket_init_refused_total"), 1);
}

TEST_P(subscriptions_e2e, no_connection_init_in_time_closes_with_4408) {
    start_live({"FRAISEQL_WEBSOCKET_INIT_TIMEOUT=300ms"});
    ws_client c(port());
    ASSERT_TRUE(c.ok());
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(c.wait_close(3s), 4408);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

TEST_P(subscriptions_e2e, too_many_operations_on_one_socket_is_an_error_message) {
    start_live({"FRAISEQL_MAX_SUBSCRIPTIONS_PER_CONNECTION=2"});
    ws_client c(port());
    ASSERT_TRUE(c.init(token("tenant-a")));
    c.subscribe("a", notes_by_title, {{"t", "a"}});
    c.subscribe("b", notes_by_title, {{"t", "b"}});
    c.subscribe("c", notes_by_title, {{"t", "c"}});
    bool refused = false;
    for (int i = 0; i < 3; ++i) {
        auto m = c.read_json();
        if (m.is_object() && m.at("type") == "error") {
            EXPECT_EQ(m.at("id"), "c");
            EXPECT_EQ(m.at("payload").as_array()[0].at("extensions").at("code"),
                      "TOO_MANY_SUBSCRIPTIONS");
            refused = true;
        }
    }
    EXPECT_TRUE(refused);
    EXPECT_FALSE(c.closed());
}

TEST_P(subscriptions_e2e, max_websocket_connections_refuses_the_upgrade_with_503) {
    start_live({"FRAISEQL_MAX_WEBSOCKET_CONNECTIONS=2"});
    ws_client a(port()), b(port());
    ASSERT_TRUE(a.ok() && b.ok());
    ws_client c(port());
    EXPECT_FALSE(c.ok());
    EXPECT_EQ(c.status(), 503) << c.error();
    EXPECT_EQ(metric(port(), "fraiseql_websocket_connections_rejected_total"), 1);
}

// --- operations -------------------------------------------------------------------------------

TEST_P(subscriptions_e2e, queries_and_mutations_run_once_over_the_socket) {
    start_live();
    ws_client c(port());
    ASSERT_TRUE(c.init(token("tenant-a")));
    c.subscribe("q", "{ items(orderBy: [{id: ASC}], limit: 2) { id tenantId } }");
    auto next = c.read_json();
    EXPECT_EQ(serialize(next),
              R"({"type":"next","id":"q","payload":{"data":{"items":[{"id":1,"tenantId":"tenant-a"},{"id":2,"tenantId":"tenant-a"}]}}})");
    EXPECT_EQ(serialize(c.read_json()), R"({"type":"complete","id":"q"})");

    const std::string title = unique("ws-mutation");
    c.subscribe("m", "mutation($i: CreateNoteInput!) { createNote(input: $i) { tenantId title } }",
                {{"i", {{"title", title}}}});
    auto m = c.read_json();
    EXPECT_EQ(m.at("type"), "next");
    EXPECT_EQ(m.at("payload").at("data").at("createNote").at("tenantId"), "tenant-a");
    EXPECT_EQ(serialize(c.read_json()), R"({"type":"complete","id":"m"})");
    EXPECT_EQ(query_column(admin_url(), "SELECT tenant_id FROM sec_note WHERE title = '" + title + "'"),
              std::vector<std::string>{"tenant-a"});

    // A request error is an `error` message with the errors, the socket stays.
    c.subscribe("bad", "{ nosuchfield }");
    auto e = c.read_json();
    EXPECT_EQ(e.at("type"), "error");
    EXPECT_EQ(e.at("payload").as_array()[0].at("extensions").at("code"), "GRAPHQL_VALIDATION_FAILED");
    c.send(R"({"type":"ping"})");
    EXPECT_EQ(serialize(c.read_json()), R"({"type":"pong"})");
}

TEST_P(subscriptions_e2e, subscriptions_are_refused_over_http_and_introspected) {
    start_live();
    auto v = post(body("subscription { notes { id } }"), {}, 400);
    EXPECT_EQ(error_codes(v), std::vector<std::string>{"BAD_USER_INPUT"}) << last_.body;
    auto i = query("{ __schema { subscriptionType { name fields { name args { name } } } } }");
    const auto& st = i.at("data").at("__schema").at("subscriptionType");
    EXPECT_EQ(st.at("name"), "Subscription");
    bool notes = false;
    for (const auto& f : st.at("fields").as_array())
        if (f.at("name") == "notes") {
            notes = true;
            std::string args;
            for (const auto& a : f.at("args").as_array()) args += std::string(a.at("name").as_string()) + ",";
            EXPECT_EQ(args, "where,orderBy,limit,offset,");
        }
    EXPECT_TRUE(notes) << serialize(st);
}

// --- live queries ----------------------------------------------------------------------------

TEST_P(subscriptions_e2e, a_change_is_pushed_within_the_interval_and_nothing_else_is) {
    start_live();
    const std::string title = unique("live");
    ws_client c(port());
    ASSERT_TRUE(c.init(token("tenant-a")));
    c.subscribe("s", notes_by_title, {{"t", title}});
    auto first = c.read_json();
    EXPECT_EQ(serialize(first), R"({"type":"next","id":"s","payload":{"data":{"notes":[]}}})");
    // Nothing changed: no `next` over several intervals.
    EXPECT_EQ(c.read(800ms), std::nullopt);

    const auto id = create_note("tenant-a", title);
    const auto t0 = std::chrono::steady_clock::now();
    auto pushed = c.read_json(3s);
    const auto latency = std::chrono::steady_clock::now() - t0;
    ASSERT_TRUE(pushed.is_object()) << "no push after the mutation";
    EXPECT_EQ(serialize(pushed.at("payload")),
              R"({"data":{"notes":[{"id":)" + id + R"(,"tenantId":"tenant-a","title":")" + title + R"("}]}})");
    EXPECT_LT(latency, 1500ms); // one 200 ms interval plus the refetch, with slack for load
    EXPECT_EQ(c.read(800ms), std::nullopt);

    // complete stops it: a later change is not pushed.
    c.send(R"({"type":"complete","id":"s"})");
    std::this_thread::sleep_for(100ms);
    create_note("tenant-a", title);
    EXPECT_EQ(c.read(800ms), std::nullopt);
    EXPECT_EQ(metric(port(), "fraiseql_subscription_subscribers"), 0);
}

TEST_P(subscriptions_e2e, a_notification_on_the_channel_refetches_at_once) {
    // A 10 s interval: without the notification nothing would be pushed within the test.
    // A channel of this test alone: the other backend's run may notify at the same time.
    const std::string channel = "fraiseql_changes_" + std::string(pg::to_string(GetParam())) +
                                "_" + std::to_string(::getpid());
    std::vector<std::string> env = {"FRAISEQL_SUBSCRIPTION_REFETCH_INTERVAL=10s",
                                     "FRAISEQL_SUBSCRIPTION_NOTIFY_CHANNEL=" + channel};
    // Behind PgBouncer in transaction mode (tests/topology/pgbouncer.cmake) a LISTEN hears
    // nothing: the listener goes to the primary itself (subscription_notify_url).
    if (const std::string direct = cluster_env("FRAISEQL_TEST_DIRECT_PORT"); !direct.empty())
        env.push_back("FRAISEQL_SUBSCRIPTION_NOTIFY_URL=postgres://fraiseql_app:app_pass_1@127.0.0.1:" +
                      direct + "/fraiseql_e2e");
    start(std::move(env));
    const std::string title = unique("notify");
    ws_client c(port());
    ASSERT_TRUE(c.init(token("tenant-a")));
    c.subscribe("s", notes_by_title, {{"t", title}});
    EXPECT_EQ(serialize(c.read_json().at("payload")), R"({"data":{"notes":[]}})");
    create_note("tenant-a", title);
    EXPECT_EQ(c.read(1s), std::nullopt); // no notification yet: the next interval is far
    const auto t0 = std::chrono::steady_clock::now();
    query_column(admin_url(), "SELECT pg_notify('" + channel + "', 'note')");
    auto m = c.read_json(3s);
    ASSERT_TRUE(m.is_object()) << "the notification did not refetch";
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1500ms);
    EXPECT_EQ(m.at("payload").at("data").at("notes").as_array().size(), 1u);
    EXPECT_GE(metric(port(), "fraiseql_subscription_notifications_total"), 1);
}

TEST_P(subscriptions_e2e, tenants_never_see_each_others_rows) {
    start_live();
    const std::string title = unique("tenancy");
    // Concurrent subscribers of both tenants to the same operation and variables: different
    // session values, so different cohorts.
    std::vector<std::unique_ptr<ws_client>> a, b;
    for (int i = 0; i < 3; ++i) {
        a.push_back(std::make_unique<ws_client>(port()));
        b.push_back(std::make_unique<ws_client>(port()));
        ASSERT_TRUE(a.back()->init(token("tenant-a", "user-a" + std::to_string(i))));
        ASSERT_TRUE(b.back()->init(token("tenant-b", "user-b" + std::to_string(i))));
        a.back()->subscribe("s", notes_by_title, {{"t", title}});
        b.back()->subscribe("s", notes_by_title, {{"t", title}});
    }
    for (auto& c : a) EXPECT_EQ(serialize(c->read_json().at("payload")), R"({"data":{"notes":[]}})");
    for (auto& c : b) EXPECT_EQ(serialize(c->read_json().at("payload")), R"({"data":{"notes":[]}})");
    // user ids differ, but app.user_id is a session variable too: 6 cohorts of one each.
    EXPECT_EQ(metric(port(), "fraiseql_subscription_cohorts"), 6);

    create_note("tenant-a", title);
    for (auto& c : a) {
        auto m = c->read_json(3s);
        ASSERT_TRUE(m.is_object());
        EXPECT_TRUE(all_of_tenant(m.at("payload").at("data").at("notes"), "tenant-a"));
    }
    for (auto& c : b) EXPECT_EQ(c->read(600ms), std::nullopt) << "tenant B was pushed A's note";
    create_note("tenant-b", title);
    for (auto& c : b) {
        auto m = c->read_json(3s);
        ASSERT_TRUE(m.is_object());
        EXPECT_TRUE(all_of_tenant(m.at("payload").at("data").at("notes"), "tenant-b"));
        EXPECT_EQ(m.at("payload").at("data").at("notes").as_array().size(), 1u);
    }
    for (auto& c : a) EXPECT_EQ(c->read(600ms), std::nullopt);
}

TEST_P(subscriptions_e2e, a_thousand_subscribers_with_ten_variables_are_ten_cohorts) {
    start_live({"FRAISEQL_MAX_SUBSCRIPTIONS_PER_CONNECTION=100"});
    const std::string base = unique("cohort");
    const auto jwt = token("tenant-a");
    std::vector<std::unique_ptr<ws_client>> sockets;
    for (int s = 0; s < 10; ++s) {
        sockets.push_back(std::make_unique<ws_client>(port()));
        ASSERT_TRUE(sockets.back()->init(jwt));
        for (int i = 0; i < 100; ++i)
            sockets.back()->subscribe(std::to_string(i), notes_by_title,
                                      {{"t", base + "-" + std::to_string(i % 10)}});
    }
    // Every subscriber gets its first result.
    for (auto& c : sockets)
        for (int i = 0; i < 100; ++i) {
            auto m = c->read_json(10s);
            ASSERT_TRUE(m.is_object()) << "subscriber " << i;
            EXPECT_EQ(m.at("type"), "next");
        }
    EXPECT_EQ(metric(port(), "fraiseql_subscription_subscribers"), 1000);
    EXPECT_EQ(metric(port(), "fraiseql_subscription_cohorts"), 10);
    // Statements per interval: one refetch per cohort, not per subscriber. Over 2 s at 200 ms
    // that is at most 10 cohorts × 11 intervals (+ slack for the edges), never 1000 × 10.
    const double before = metric(port(), "fraiseql_subscription_refetches_total");
    std::this_thread::sleep_for(2s);
    const double during = metric(port(), "fraiseql_subscription_refetches_total") - before;
    EXPECT_GE(during, 10); // refetching goes on (fewer when the machine is loaded)
    EXPECT_LE(during, 130);
    // One change reaches the 100 subscribers of its cohort, and only them.
    create_note("tenant-a", base + "-3");
    int pushed = 0;
    for (auto& c : sockets)
        while (auto m = c->read(700ms)) {
            auto v = boost::json::parse(*m);
            EXPECT_EQ(std::stoi(std::string(v.at("id").as_string())) % 10, 3);
            ++pushed;
        }
    EXPECT_EQ(pushed, 100);
}

// Variables are compared canonically: key order, at any depth, does not split a cohort
// (GraphQL input objects are unordered, spec §3.10); a different value does.
TEST_P(subscriptions_e2e, variables_in_another_key_order_share_one_cohort) {
    start_live();
    const std::string title = unique("canon");
    const std::string op =
        "subscription($w: NoteWhereInput, $l: Int) { notes(where: $w, limit: $l, "
        "orderBy: [{id: ASC}]) { id title } }";
    // The same variables, their keys in four orders (top level and nested), over two sockets.
    const std::vector<std::string> orders = {
        R"({"w":{"title":{"eq":")" + title + R"(","neq":"x"}},"l":5})",
        R"({"l":5,"w":{"title":{"neq":"x","eq":")" + title + R"("}}})",
        R"({"w":{"title":{"neq":"x","eq":")" + title + R"("}},"l":5})",
        R"({"l":5,"w":{"title":{"eq":")" + title + R"(","neq":"x"}}})"};
    ws_client a(port()), b(port());
    ASSERT_TRUE(a.init(token("tenant-a")));
    ASSERT_TRUE(b.init(token("tenant-a")));
    for (std::size_t i = 0; i < orders.size(); ++i)
        (i % 2 ? b : a).subscribe(std::to_string(i), op, boost::json::parse(orders[i]));
    for (std::size_t i = 0; i < orders.size(); ++i) {
        auto m = (i % 2 ? b : a).read_json();
        EXPECT_EQ(serialize(m.at("payload")), R"({"data":{"notes":[]}})") << serialize(m);
    }
    EXPECT_EQ(metric(port(), "fraiseql_subscription_subscribers"), 4);
    EXPECT_EQ(metric(port(), "fraiseql_subscription_cohorts"), 1);
    // One change reaches all four; a different value is another cohort.
    create_note("tenant-a", title);
    for (std::size_t i = 0; i < orders.size(); ++i) {
        auto m = (i % 2 ? b : a).read_json(3s);
        ASSERT_TRUE(m.is_object()) << "subscriber " << i << " not pushed";
        EXPECT_EQ(m.at("payload").at("data").at("notes").as_array().size(), 1u);
    }
    a.subscribe("other", op, boost::json::parse(R"({"l":6,"w":{"title":{"eq":")" + title + R"("}}})"));
    EXPECT_EQ(a.read_json().at("type"), "next");
    EXPECT_EQ(metric(port(), "fraiseql_subscription_cohorts"), 2);
}

TEST_P(subscriptions_e2e, an_expired_token_ends_the_subscription_and_closes_4403) {
    start_live();
    boost::json::object claims{{"sub", "user-x"}, {"tenant_id", "tenant-a"}, {"exp", now_s() + 2}};
    ws_client c(port());
    ASSERT_TRUE(c.init(hs256(serialize(claims))));
    c.subscribe("s", notes_by_title, {{"t", unique("exp")}});
    EXPECT_EQ(c.read_json().at("type"), "next");
    auto e = c.read_json(5s);
    ASSERT_TRUE(e.is_object()) << "still subscribed after exp";
    EXPECT_EQ(e.at("type"), "error");
    EXPECT_EQ(e.at("payload").as_array()[0].at("extensions").at("code"), "UNAUTHENTICATED");
    EXPECT_EQ(c.wait_close(), 4403);
}

TEST_P(subscriptions_e2e, slow_and_vanished_subscribers_are_dropped) {
    start_live({"FRAISEQL_WEBSOCKET_SEND_BUFFER=1024"});
    // A result larger than the send buffer: the socket that would have to queue it is closed,
    // nothing is buffered beyond websocket_send_buffer; another subscriber is unaffected.
    ws_client slow(port());
    ASSERT_TRUE(slow.init(token("tenant-a")));
    slow.subscribe("big", "subscription { bigs { id payload } }");
    // Nothing else is queued for it, so the close frame gets out (docs/subscriptions.md).
    EXPECT_EQ(slow.wait_close(), 1008);
    EXPECT_NE(slow.close_reason().find("Slow"), std::string::npos) << slow.close_reason();
    EXPECT_EQ(metric(port(), "fraiseql_websocket_slow_closed_total"), 1);

    ws_client ok(port());
    ASSERT_TRUE(ok.init(token("tenant-a")));
    ok.subscribe("s", notes_by_title, {{"t", unique("fine")}});
    EXPECT_EQ(ok.read_json().at("type"), "next");

    // A client that vanishes (no close frame) loses its subscriptions.
    ws_client gone(port());
    ASSERT_TRUE(gone.init(token("tenant-b")));
    gone.subscribe("s", notes_by_title, {{"t", unique("gone")}});
    EXPECT_EQ(gone.read_json().at("type"), "next");
    EXPECT_EQ(metric(port(), "fraiseql_subscription_subscribers"), 2);
    gone.drop();
    double left = 0;
    for (int i = 0; i < 50 && (left = metric(port(), "fraiseql_subscription_subscribers")) != 1; ++i)
        std::this_thread::sleep_for(50ms);
    EXPECT_EQ(left, 1);
}

TEST_P(subscriptions_e2e, shutdown_closes_sockets_with_1001) {
    start_live();
    ws_client c(port());
    ASSERT_TRUE(c.init(token("tenant-a")));
    c.subscribe("s", notes_by_title, {{"t", unique("bye")}});
    EXPECT_EQ(c.read_json().at("type"), "next");
    std::thread stopper([&] { server_->stop(10000, SIGTERM); });
    EXPECT_EQ(c.wait_close(5s), 1001);
    stopper.join();
}

INSTANTIATE_TEST_SUITE_P(backends, subscriptions_e2e, all_backends(), backend_name{});

} // namespace
} // namespace fraiseql::test::security
