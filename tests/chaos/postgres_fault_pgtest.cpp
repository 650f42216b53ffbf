// PostgreSQL faults that need no restart of the shared cluster (docs/reliability.md §4.2):
// this server's own sessions terminated mid-query, mid-stream and while idle, a server-side
// statement_timeout (57014), a role's connection limit (53300) and idle_session_timeout.
// Each test names what the client sees and how fast the server recovers, through the real
// fraiseql binary, on both backends.

#include "pgchaos_support.hpp"

namespace fraiseql::test::chaos {
namespace {

class postgres_fault : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        ASSERT_EQ(load_fixture(), "");
        app_ = app_name(GetParam());
    }
    void start(const std::string& extra_query = {}, std::vector<std::string> settings = {},
               const std::string& user = "postgres") {
        std::string url = e2e_url("?application_name=" + app_ + extra_query);
        url.replace(url.find("postgres@"), 9, user + "@");
        server_ = start_server(GetParam(), url, std::move(settings));
        ASSERT_TRUE(server_->ok()) << server_->log();
    }
    unsigned short port() const { return server_->port(); }
    answer session_read() { return graphql(port(), "{ chaosSession { pid } }"); }
    std::string pid_of(const answer& a) {
        const auto& rows = a.data("chaosSession");
        if (!rows.is_array() || rows.as_array().empty()) return {};
        return boost::json::serialize(rows.as_array()[0].at("pid"));
    }

    std::string app_;
    std::unique_ptr<server_process> server_;
};

// A read whose backend is terminated (pg_terminate_backend, SQLSTATE 57P01) while the
// statement runs: a clear DATABASE_ERROR promptly, and the next request is served.
TEST_P(postgres_fault, backend_terminated_mid_query) {
    start();
    answer slow;
    std::thread t([&] { slow = graphql(port(), "{ chaosSlow { id } }"); });
    const bool running = wait_until(
        [&] { return sessions_of(app_, "state = 'active' AND query LIKE '%v_chaos_slow%'") == 1; },
        10s);
    steady::time_point t0 = steady::now();
    const int killed = running ? terminate(app_, "query LIKE '%v_chaos_slow%'") : 0;
    t.join();
    const double after_kill_ms = ms_since(t0);
    ASSERT_TRUE(running);
    EXPECT_EQ(killed, 1);
    EXPECT_TRUE(slow.clear_error()) << slow.describe();
    EXPECT_EQ(slow.code(), "DATABASE_ERROR") << slow.describe();
    EXPECT_TRUE(slow.data("chaosSlow").is_null()) << slow.describe();
    EXPECT_LT(after_kill_ms, 3000.0) << "the error took long to reach the client";
    auto next = session_read();
    EXPECT_TRUE(next.ok()) << next.describe();
    std::printf("[ measured ] terminated mid-query: error %.0f ms after the kill\n", after_kill_ms);
}

// A large list is streaming to the client when its backend is terminated: the response,
// already started (HTTP 200, chunked), is aborted — the connection is closed without the
// terminating chunk — so the client cannot mistake a truncated list for a complete one.
TEST_P(postgres_fault, backend_terminated_mid_stream_aborts_the_response) {
    start();
    int killed = 0;
    steady::time_point t_kill;
    auto r = raw_post(port(), R"({"query":"{ chaosStream { id pad } }"})", 256 * 1024,
                      [&] {
                          t_kill = steady::now();
                          killed = terminate(app_, "query LIKE '%v_chaos_stream%'");
                      },
                      30s);
    const double close_ms = ms_since(t_kill);
    EXPECT_EQ(killed, 1) << "the stream had finished before the kill";
    EXPECT_EQ(r.status, 200) << r.head;
    EXPECT_TRUE(r.chunked) << r.head;
    EXPECT_TRUE(r.closed) << "the server kept the connection open";
    EXPECT_FALSE(r.last_chunk) << "a cut stream ended like a complete response";
    EXPECT_GE(r.body.size(), 256u * 1024);
    EXPECT_LT(r.body.size(), 20u * 1024 * 1024) << "the whole list arrived";
    EXPECT_EQ(r.body.find("\"errors\""), std::string::npos) << "a cut list is not completed";
    EXPECT_LT(close_ms, 5000.0);
    auto next = session_read();
    EXPECT_TRUE(next.ok()) << next.describe();
    std::printf("[ measured ] terminated mid-stream: %zu bytes streamed, closed %.0f ms after "
                "the kill\n", r.body.size(), close_ms);
}

// Every pooled connection is terminated while idle: the pool notices at checkout (the
// socket is readable: the server's FATAL and EOF) and connects afresh; no request fails.
TEST_P(postgres_fault, idle_pooled_connections_terminated_are_replaced_transparently) {
    start({}, {"FRAISEQL_POOL_SIZE=4"});
    // Open several connections: concurrent reads.
    std::vector<std::thread> ts;
    for (int i = 0; i < 4; ++i) ts.emplace_back([&] { (void)session_read(); });
    for (auto& t : ts) t.join();
    const std::string pid_before = pid_of(session_read());
    ASSERT_GE(terminate(app_), 1);
    ASSERT_TRUE(wait_until([&] { return sessions_of(app_) == 0; }, 5s));
    int failures = 0;
    std::string first;
    std::string pid_after;
    for (int i = 0; i < 20; ++i) {
        auto a = session_read();
        if (!a.ok()) {
            ++failures;
            if (first.empty()) first = a.describe();
        } else if (pid_after.empty()) {
            pid_after = pid_of(a);
        }
    }
    EXPECT_EQ(failures, 0) << first;
    EXPECT_NE(pid_after, pid_before) << "the terminated connection was not replaced";
}

// The server's statement_timeout (a connection-string setting here; ALTER ROLE works the
// same) cancels a read and a write (SQLSTATE 57014): a clear DATABASE_ERROR long before
// FraiseQL's own deadline, the write is not committed, and the connection keeps serving.
TEST_P(postgres_fault, server_statement_timeout_57014) {
    start("&options=-c%20statement_timeout%3D300");
    auto read = graphql(port(), "{ chaosSlow { id } }");
    EXPECT_TRUE(read.clear_error()) << read.describe();
    EXPECT_EQ(read.code(), "DATABASE_ERROR") << read.describe();
    EXPECT_NE(read.message().find("statement timeout"), std::string::npos) << read.describe();
    EXPECT_LT(read.ms, 5000.0);
    const std::string key = unique_key("timeout57014");
    auto obj = with_key(key);
    obj["sleep"] = 2.0;
    auto write = insert(port(), obj);
    EXPECT_TRUE(write.clear_error()) << write.describe();
    EXPECT_NE(write.message().find("statement timeout"), std::string::npos) << write.describe();
    EXPECT_TRUE(write.data("chaosInsert").is_null());
    EXPECT_EQ(rows_with_key(key), 0) << "a cancelled write was committed";
    auto next = session_read();
    EXPECT_TRUE(next.ok()) << next.describe();
}

// The role's connection slots are all taken (CONNECTION LIMIT, SQLSTATE 53300 — the same
// code as max_connections): requests fail with a clear error within pool_timeout, /ready
// says 503, and both recover as soon as a slot frees up, without a restart.
TEST_P(postgres_fault, too_many_connections_53300_then_recovery) {
    const std::string role = "chaos_limited_" + std::string(pg::to_string(GetParam()));
    start({}, {"FRAISEQL_POOL_SIZE=2", "FRAISEQL_POOL_TIMEOUT=2s"}, role);
    // The server holds its start-up connection: drop it so that the slots can be filled.
    (void)terminate(app_);
    ASSERT_TRUE(wait_until([&] { return sessions_of(app_) == 0; }, 5s));
    const std::string url = e2e_url().replace(e2e_url().find("postgres@"), 9, role + "@");
    auto s1 = std::make_unique<session>(url);
    auto s2 = std::make_unique<session>(url);
    ASSERT_TRUE(s1->ok()) << s1->error();
    ASSERT_TRUE(s2->ok()) << s2->error();
    auto full = session_read();
    EXPECT_TRUE(full.clear_error()) << full.describe();
    EXPECT_EQ(full.code(), "DATABASE_ERROR") << full.describe();
    EXPECT_NE(full.message().find("too many connections"), std::string::npos) << full.describe();
    EXPECT_LT(full.ms, 4000.0);
    EXPECT_EQ(ready_status(port()), 503);
    s1.reset(); // a slot frees up
    ASSERT_TRUE(wait_until(
        [&] { return std::atoi(sql1("SELECT count(*) FROM pg_stat_activity WHERE usename = " +
                                    quote(role)).c_str()) <= 1; },
        5s));
    const auto t0 = steady::now();
    answer back;
    // The pool may be waiting out its reconnect backoff (at most 2 s).
    (void)wait_until([&] { return (back = session_read()).ok(); }, 6s);
    EXPECT_TRUE(back.ok()) << back.describe();
    std::printf("[ measured ] 53300: recovered %.0f ms after a slot freed\n", ms_since(t0));
    EXPECT_EQ(ready_status(port()), 200);
}

// idle_session_timeout closes the pooled connections while they are idle (FATAL 57P05):
// the next requests are all served, on new connections.
TEST_P(postgres_fault, idle_session_timeout_is_transparent) {
    start("&options=-c%20idle_session_timeout%3D300", {"FRAISEQL_POOL_SIZE=2"});
    auto first = session_read();
    ASSERT_TRUE(first.ok()) << first.describe();
    const std::string pid_before = pid_of(first);
    for (int round = 0; round < 3; ++round) {
        std::this_thread::sleep_for(800ms); // the server closes the idle sessions
        EXPECT_EQ(sessions_of(app_), 0) << "idle_session_timeout did not fire";
        int failures = 0;
        std::string why;
        for (int i = 0; i < 5; ++i) {
            auto a = session_read();
            if (!a.ok()) ++failures, why = a.describe();
        }
        EXPECT_EQ(failures, 0) << "round " << round << ": " << why;
    }
    EXPECT_NE(pid_of(session_read()), pid_before);
}

// An operator cancels the running statements (pg_cancel_backend, 57014 not asked for by
// FraiseQL): a read and a write each get a clear DATABASE_ERROR, the write is not
// committed, and the connections keep serving.
TEST_P(postgres_fault, statements_cancelled_by_an_operator) {
    start({}, {"FRAISEQL_POOL_SIZE=2"});
    const std::string key = unique_key("opcancel");
    auto in = with_key(key);
    in["sleep"] = 30.0;
    answer r, w;
    std::thread tr([&] { r = graphql(port(), "{ chaosSlow { id } }"); });
    std::thread tw([&] { w = insert(port(), in); });
    const bool running = wait_until(
        [&] { return sessions_of(app_, "state = 'active' AND query LIKE '%chaos%'") == 2; }, 10s);
    const int cancelled =
        running ? std::atoi(sql1("SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity "
                                 "WHERE application_name = " + quote(app_) +
                                 " AND state = 'active'").c_str())
                : 0;
    tr.join();
    tw.join();
    ASSERT_TRUE(running);
    EXPECT_EQ(cancelled, 2);
    for (const answer* a : {&r, &w}) {
        EXPECT_TRUE(a->clear_error()) << a->describe();
        EXPECT_EQ(a->code(), "DATABASE_ERROR") << a->describe();
        EXPECT_NE(a->message().find("canceling statement due to user request"), std::string::npos)
            << a->describe();
    }
    EXPECT_EQ(rows_with_key(key), 0);
    auto next = session_read();
    EXPECT_TRUE(next.ok()) << next.describe();
}

// The server's database role loses LOGIN (credentials revoked) and its sessions are
// terminated: requests fail with a clear error naming the cause, /ready is 503; when LOGIN
// is granted again the same server recovers by itself.
TEST_P(postgres_fault, login_revoked_then_restored) {
    const std::string role = "chaos_login_" + std::string(pg::to_string(GetParam()));
    ASSERT_EQ(exec_script(e2e_url(), "ALTER ROLE " + role + " LOGIN"), "");
    start({}, {"FRAISEQL_POOL_SIZE=2", "FRAISEQL_POOL_TIMEOUT=2s"}, role);
    ASSERT_TRUE(session_read().ok());
    struct relogin {
        std::string role;
        ~relogin() { (void)exec_script(e2e_url(), "ALTER ROLE " + role + " LOGIN"); }
    } restore{role};
    ASSERT_EQ(exec_script(e2e_url(), "ALTER ROLE " + role + " NOLOGIN"), "");
    ASSERT_GE(terminate(app_), 1);
    ASSERT_TRUE(wait_until([&] { return sessions_of(app_) == 0; }, 5s));
    auto denied = session_read();
    EXPECT_TRUE(denied.clear_error()) << denied.describe();
    EXPECT_EQ(denied.code(), "DATABASE_ERROR") << denied.describe();
    EXPECT_NE(denied.message().find("not permitted to log in"), std::string::npos)
        << denied.describe();
    EXPECT_LT(denied.ms, 4000.0);
    EXPECT_EQ(ready_status(port()), 503);
    ASSERT_EQ(exec_script(e2e_url(), "ALTER ROLE " + role + " LOGIN"), "");
    const auto t0 = steady::now();
    answer back;
    (void)wait_until([&] { return (back = session_read()).ok(); }, 6s);
    EXPECT_TRUE(back.ok()) << back.describe();
    std::printf("[ measured ] login restored: served %.0f ms later\n", ms_since(t0));
}

INSTANTIATE_TEST_SUITE_P(backends, postgres_fault, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test::chaos
