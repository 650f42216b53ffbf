// Writes under faults (docs/reliability.md §4.3): a mutation's transaction terminated while
// it runs, a function that raises after writing, serialization failure (40001), deadlock
// (40P01), lock_timeout (55P03) and FraiseQL's own statement deadline. For every write the
// test counts committed rows against what the client was told: "success" ⇒ committed
// exactly once; an error ⇒ committed at most once (here: not at all, since each fault hits
// before the commit).
//
// Shared cluster, non-destructive: only this test's own sessions and keys are touched.

#include "pgchaos_support.hpp"

namespace fraiseql::test::chaos {
namespace {

class transaction_fault : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        ASSERT_EQ(load_fixture(), "");
        app_ = app_name(GetParam());
    }
    void start(const std::string& extra_query = {}, std::vector<std::string> settings = {}) {
        server_ = start_server(GetParam(), e2e_url("?application_name=" + app_ + extra_query),
                               std::move(settings));
        ASSERT_TRUE(server_->ok()) << server_->log();
    }
    unsigned short port() const { return server_->port(); }
    answer call(const std::string& field, boost::json::object input) {
        boost::json::object vars;
        vars["i"] = std::move(input);
        return graphql(port(), "mutation($i: ChaosInput!) { " + field +
                                   "(input: $i) { key grp val } }",
                       vars);
    }
    /// The server still writes: a fresh key commits exactly once.
    void expect_writes_work() {
        const std::string k = unique_key("after");
        auto a = insert(port(), with_key(k));
        EXPECT_TRUE(a.ok()) << a.describe();
        EXPECT_EQ(rows_with_key(k), 1);
    }

    std::string app_;
    std::unique_ptr<server_process> server_;
};

// The backend running the mutation's function (it has inserted its row and sleeps) is
// terminated: the client gets a clear DATABASE_ERROR and the row is not committed.
TEST_P(transaction_fault, mutation_terminated_mid_transaction_commits_nothing) {
    start();
    const std::string key = unique_key("midtx");
    auto in = with_key(key);
    in["sleep"] = 30.0;
    answer a;
    std::thread t([&] { a = insert(port(), in); });
    const bool running = wait_until(
        [&] {
            return sessions_of(app_, "state = 'active' AND query LIKE '%fn_chaos_insert%'") == 1;
        },
        10s);
    const auto t0 = steady::now();
    if (running) (void)terminate(app_, "query LIKE '%fn_chaos_insert%'");
    t.join();
    ASSERT_TRUE(running);
    EXPECT_TRUE(a.clear_error()) << a.describe();
    EXPECT_EQ(a.code(), "DATABASE_ERROR") << a.describe();
    EXPECT_TRUE(a.data("chaosInsert").is_null()) << a.describe();
    EXPECT_LT(ms_since(t0), 3000.0);
    EXPECT_EQ(rows_with_key(key), 0) << "a write whose transaction was killed is committed";
    expect_writes_work();
}

// The function inserts, then raises: nothing it did remains, the client is told why.
TEST_P(transaction_fault, function_raising_after_a_write_leaves_nothing) {
    start({}, {"FRAISEQL_POOL_SIZE=1"});
    const std::string key = unique_key("raise");
    auto in = with_key(key);
    in["raise"] = true;
    auto a = insert(port(), in);
    EXPECT_TRUE(a.clear_error()) << a.describe();
    EXPECT_EQ(a.code(), "DATABASE_ERROR") << a.describe();
    EXPECT_NE(a.message().find("asked to fail"), std::string::npos) << a.describe();
    EXPECT_EQ(rows_with_key(key), 0) << "half of a failed mutation was committed";
    // The same (only) connection serves the next write.
    expect_writes_work();
}

// Two concurrent SERIALIZABLE mutations with a write skew (each reads the group, then
// inserts only when it was empty): exactly one commits, the other gets a clear error
// (40001 "could not serialize access"), and the table holds exactly the winner's row.
TEST_P(transaction_fault, serialization_failure_40001_one_commits) {
    start("&options=-c%20default_transaction_isolation%3Dserializable", {"FRAISEQL_POOL_SIZE=4"});
    const std::string grp = unique_key("serial");
    const std::string k1 = grp + "-a";
    const std::string k2 = grp + "-b";
    auto input = [&](const std::string& k) {
        auto o = with_key(k);
        o["grp"] = grp;
        o["sleep"] = 0.5;
        return o;
    };
    answer a1, a2;
    std::thread t1([&] { a1 = call("chaosSerial", input(k1)); });
    std::thread t2([&] { a2 = call("chaosSerial", input(k2)); });
    t1.join();
    t2.join();
    const int successes = a1.ok() + a2.ok();
    EXPECT_EQ(successes, 1) << a1.describe() << "\n" << a2.describe();
    const answer& failed = a1.ok() ? a2 : a1;
    EXPECT_TRUE(failed.clear_error()) << failed.describe();
    EXPECT_EQ(failed.code(), "DATABASE_ERROR") << failed.describe();
    EXPECT_NE(failed.message().find("could not serialize"), std::string::npos)
        << failed.describe();
    EXPECT_EQ(rows_in_group(grp), 1);
    EXPECT_EQ(rows_with_key(a1.ok() ? k1 : k2), 1) << "the successful write is not committed";
    EXPECT_EQ(rows_with_key(a1.ok() ? k2 : k1), 0) << "the failed write is committed";
    // A retry of the loser is now a no-op by the function's own rule, and succeeds.
    auto retry = call("chaosSerial", input(a1.ok() ? k2 : k1));
    EXPECT_TRUE(retry.ok()) << retry.describe();
    EXPECT_EQ(rows_in_group(grp), 1);
}

// Two mutations updating the same two rows in opposite orders: PostgreSQL detects the
// deadlock (deadlock_timeout, 1 s) and aborts one (40P01); the other commits. Each
// mutation adds 1 to both rows, so both rows must hold exactly 1.
TEST_P(transaction_fault, deadlock_40P01_one_commits) {
    start({}, {"FRAISEQL_POOL_SIZE=4"});
    const std::string a = unique_key("dl-a");
    const std::string b = unique_key("dl-b");
    ASSERT_EQ(exec_script(e2e_url(), "INSERT INTO chaos_write (key) VALUES (" + quote(a) + "), (" +
                                         quote(b) + ")"),
              "");
    auto input = [&](const std::string& first, const std::string& second) {
        boost::json::object o;
        o["first"] = first;
        o["second"] = second;
        o["sleep"] = 0.3;
        return o;
    };
    answer r1, r2;
    std::thread t1([&] { r1 = call("chaosDeadlock", input(a, b)); });
    std::thread t2([&] { r2 = call("chaosDeadlock", input(b, a)); });
    t1.join();
    t2.join();
    EXPECT_EQ(r1.ok() + r2.ok(), 1) << r1.describe() << "\n" << r2.describe();
    const answer& failed = r1.ok() ? r2 : r1;
    EXPECT_TRUE(failed.clear_error()) << failed.describe();
    EXPECT_NE(failed.message().find("deadlock detected"), std::string::npos) << failed.describe();
    EXPECT_LT(std::max(r1.ms, r2.ms), 10000.0);
    EXPECT_EQ(sql1("SELECT string_agg(val::text, ',' ORDER BY key) FROM chaos_write WHERE key IN (" +
                   quote(a) + ", " + quote(b) + ")"),
              "1,1")
        << "the aborted mutation left a partial update, or the winner's was lost";
}

// A row the mutation needs is locked by another session: with lock_timeout (set by the
// function) the statement fails (55P03) with a clear error, its own insert is not
// committed, and once the lock is released the same write succeeds.
TEST_P(transaction_fault, lock_timeout_55P03) {
    start();
    const std::string locked = unique_key("locked");
    ASSERT_EQ(exec_script(e2e_url(), "INSERT INTO chaos_write (key) VALUES (" + quote(locked) + ")"),
              "");
    session holder;
    ASSERT_TRUE(holder.ok()) << holder.error();
    ASSERT_EQ(holder.exec("BEGIN; SELECT 1 FROM chaos_write WHERE key = " + quote(locked) +
                          " FOR UPDATE"),
              "");
    const std::string key = unique_key("lockwait");
    auto in = with_key(key);
    in["lockKey"] = locked;
    in["lockTimeout"] = "200ms";
    auto a = insert(port(), in);
    EXPECT_TRUE(a.clear_error()) << a.describe();
    EXPECT_EQ(a.code(), "DATABASE_ERROR") << a.describe();
    EXPECT_NE(a.message().find("lock timeout"), std::string::npos) << a.describe();
    EXPECT_LT(a.ms, 3000.0);
    EXPECT_EQ(rows_with_key(key), 0);
    ASSERT_EQ(holder.exec("ROLLBACK"), "");
    auto again = insert(port(), in);
    EXPECT_TRUE(again.ok()) << again.describe();
    EXPECT_EQ(rows_with_key(key), 1);
}

// FraiseQL's own statement deadline (statement_timeout = 500ms) expires during a write:
// the client gets TIMEOUT near the deadline, the driver's CancelRequest rolls the
// transaction back (nothing committed), and the server keeps writing.
TEST_P(transaction_fault, client_deadline_on_a_write_rolls_it_back) {
    start({}, {"FRAISEQL_STATEMENT_TIMEOUT=500ms"});
    const std::string key = unique_key("deadline");
    auto in = with_key(key);
    in["sleep"] = 5.0;
    auto a = insert(port(), in);
    EXPECT_TRUE(a.clear_error()) << a.describe();
    EXPECT_EQ(a.code(), "TIMEOUT") << a.describe();
    EXPECT_GE(a.ms, 450.0);
    EXPECT_LT(a.ms, 3000.0);
    // The cancelled statement is gone from the server (not still running to commit later).
    EXPECT_TRUE(wait_until(
        [&] { return sessions_of(app_, "state = 'active' AND query LIKE '%fn_chaos_insert%'") == 0; },
        5s));
    EXPECT_EQ(rows_with_key(key), 0) << "a write reported as timed out was committed";
    expect_writes_work();
}

INSTANTIATE_TEST_SUITE_P(backends, transaction_fault, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test::chaos
