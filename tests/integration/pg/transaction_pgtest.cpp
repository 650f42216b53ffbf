// pg::transaction (the scoped guard) and transaction hygiene in the pool, both backends.
#include "connection_fixture.hpp"
#include "fraiseql/pg/pool.hpp"
#include "fraiseql/pg/transaction.hpp"

namespace fraiseql::conn_test {
namespace {

using pg::transaction;
using pg::transaction_state;

class tx : public connection_test {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        c_ = must_connect();
        ASSERT_TRUE(c_);
        ASSERT_TRUE(simple(*c_, "CREATE TEMP TABLE tx_t (a int PRIMARY KEY)"));
    }
    pg::result<transaction> begin(pg::transaction_options o = {}) {
        return test::run(io_, transaction::begin(*c_, in(10s), o));
    }
    pg::result<void> commit(transaction& t) { return test::run(io_, t.commit(in(10s))); }
    pg::result<void> rollback(transaction& t) { return test::run(io_, t.rollback(in(10s))); }
    std::string count() {
        copy_sink s;
        auto r = run1(*c_, "SELECT count(*) FROM tx_t", &s);
        EXPECT_TRUE(r) << describe(r);
        return r && !s.rows.empty() ? s.at(0, 0) : "<error>";
    }
    std::unique_ptr<pg::connection> c_;
};

TEST_P(tx, commit_makes_the_work_visible) {
    auto t = begin();
    ASSERT_TRUE(t) << t.error().message;
    EXPECT_TRUE(t->active());
    EXPECT_EQ(c_->transaction_status(), transaction_state::in_transaction);
    EXPECT_TRUE(c_->broken()) << "inside a transaction block the connection is not poolable";
    ASSERT_TRUE(run1(*c_, "INSERT INTO tx_t VALUES (1), (2)"));
    ASSERT_TRUE(commit(*t));
    EXPECT_FALSE(t->active());
    EXPECT_EQ(c_->transaction_status(), transaction_state::idle);
    EXPECT_FALSE(c_->broken());
    EXPECT_EQ(count(), "2");
}

TEST_P(tx, explicit_rollback_undoes_the_work) {
    auto t = begin();
    ASSERT_TRUE(t);
    ASSERT_TRUE(run1(*c_, "INSERT INTO tx_t VALUES (1)"));
    ASSERT_TRUE(rollback(*t));
    EXPECT_FALSE(t->active());
    EXPECT_EQ(count(), "0");
    // Finished guards refuse a second ending.
    auto again = commit(*t);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, pg::errc::unsupported);
}

TEST_P(tx, leaving_the_scope_without_commit_rolls_back_before_the_next_statement) {
    {
        auto t = begin();
        ASSERT_TRUE(t);
        ASSERT_TRUE(run1(*c_, "INSERT INTO tx_t VALUES (7)"));
    } // no commit: the destructor cannot await, it marks the connection
    EXPECT_TRUE(c_->rollback_requested());
    // The next statement on this connection must not run inside the abandoned block.
    EXPECT_EQ(count(), "0");
    EXPECT_FALSE(c_->rollback_requested());
    EXPECT_EQ(c_->transaction_status(), transaction_state::idle);
    // A simple query honours the request too.
    {
        auto t = begin();
        ASSERT_TRUE(t);
        ASSERT_TRUE(run1(*c_, "INSERT INTO tx_t VALUES (8)"));
    }
    copy_sink s;
    ASSERT_TRUE(simple(*c_, "SELECT count(*) FROM tx_t", &s));
    EXPECT_EQ(s.at(0, 0), "0");
}

TEST_P(tx, begin_after_an_abandoned_guard_starts_afresh) {
    {
        auto t = begin();
        ASSERT_TRUE(t);
        ASSERT_TRUE(run1(*c_, "INSERT INTO tx_t VALUES (1)"));
    }
    auto t = begin();
    ASSERT_TRUE(t) << t.error().message;
    ASSERT_TRUE(run1(*c_, "INSERT INTO tx_t VALUES (2)"));
    ASSERT_TRUE(commit(*t));
    copy_sink s;
    ASSERT_TRUE(run1(*c_, "SELECT a FROM tx_t ORDER BY a", &s));
    ASSERT_EQ(s.rows.size(), 1u);
    EXPECT_EQ(s.at(0, 0), "2");
}

TEST_P(tx, commit_of_a_failed_transaction_is_an_error_and_rolls_back) {
    auto t = begin();
    ASSERT_TRUE(t);
    ASSERT_TRUE(run1(*c_, "INSERT INTO tx_t VALUES (1)"));
    auto dup = run1(*c_, "INSERT INTO tx_t VALUES (1)");
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().server().code, pg::sqlstate::unique_violation());
    EXPECT_EQ(c_->transaction_status(), transaction_state::failed);
    auto r = commit(*t);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, pg::errc::server_error);
    EXPECT_EQ(r.error().server().code, pg::sqlstate::in_failed_sql_transaction());
    EXPECT_EQ(c_->transaction_status(), transaction_state::idle);
    EXPECT_EQ(count(), "0");
}

TEST_P(tx, begin_inside_a_transaction_block_is_refused) {
    auto t = begin();
    ASSERT_TRUE(t);
    auto inner = begin();
    ASSERT_FALSE(inner);
    EXPECT_EQ(inner.error().code, pg::errc::unsupported);
    EXPECT_TRUE(t->active());
    ASSERT_TRUE(commit(*t));
}

TEST_P(tx, options_set_isolation_and_read_only) {
    pg::transaction_options o;
    o.isolation = pg::transaction_options::isolation_level::serializable;
    o.read_only = true;
    auto t = begin(o);
    ASSERT_TRUE(t) << t.error().message;
    copy_sink s;
    ASSERT_TRUE(run1(*c_, "SELECT current_setting('transaction_isolation'), "
                          "current_setting('transaction_read_only')",
                     &s));
    EXPECT_EQ(s.at(0, 0), "serializable");
    EXPECT_EQ(s.at(0, 1), "on");
    // (Temporary tables stay writable in a read-only transaction: use a real one.)
    auto w = run1(*c_, "CREATE TABLE tx_read_only_refused (a int)");
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().server().code.str(), "25006"); // read_only_sql_transaction
    ASSERT_TRUE(rollback(*t));
}

TEST_P(tx, moved_guard_owns_the_transaction) {
    auto t = begin();
    ASSERT_TRUE(t);
    transaction moved = std::move(*t);
    EXPECT_FALSE(t->active());
    EXPECT_TRUE(moved.active());
    ASSERT_TRUE(run1(*c_, "INSERT INTO tx_t VALUES (3)"));
    ASSERT_TRUE(commit(moved));
    EXPECT_FALSE(c_->rollback_requested()); // the moved-from guard asked for nothing
    EXPECT_EQ(count(), "1");
}

INSTANTIATE_TEST_SUITE_P(backends, tx, test::all_backends(), test::backend_name());

// ---- the pool ------------------------------------------------------------------------

class pool_tx : public connection_test {
protected:
    void SetUp() override { FRAISEQL_REQUIRE_CLUSTER(); }
    std::shared_ptr<pg::pool> make_pool(pg::pool_options o) {
        auto c = pg::make_connector(GetParam(), io_.get_executor(), test::database_url());
        EXPECT_TRUE(c);
        return pg::pool::create(io_.get_executor(), std::move(*c), o);
    }
    pg::lease acquire(pg::pool& p) {
        auto r = test::run(io_, p.acquire(in(5s)));
        EXPECT_TRUE(r) << r.error().message;
        return r ? std::move(*r) : pg::lease();
    }
};

TEST_P(pool_tx, abandoned_guard_in_a_lease_is_rolled_back_by_the_pool) {
    pg::pool_options o;
    o.max_size = 1;
    auto p = make_pool(o);
    std::int32_t pid = 0;
    {
        auto l = acquire(*p);
        ASSERT_TRUE(l);
        pid = l->backend_pid();
        auto t = test::run(io_, transaction::begin(*l, in(5s)));
        ASSERT_TRUE(t);
        ASSERT_TRUE(run1(*l, "SET LOCAL application_name = 'left_open'"));
    } // guard, then lease: the pool rolls back before anyone else gets the connection
    auto l = acquire(*p);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->backend_pid(), pid) << "rolled back and reused, not reconnected";
    EXPECT_EQ(l->transaction_status(), transaction_state::idle);
    copy_sink s;
    ASSERT_TRUE(run1(*l, "SELECT current_setting('application_name') = 'left_open'", &s));
    EXPECT_EQ(s.at(0, 0), "f");
    const auto m = p->metrics();
    EXPECT_EQ(m.rollbacks, 1u);
    EXPECT_EQ(m.discarded, 0u);
}

TEST_P(pool_tx, terminated_inside_a_transaction_is_dropped_not_reused) {
    pg::pool_options o;
    o.max_size = 1;
    auto p = make_pool(o);
    auto admin = must_connect();
    ASSERT_TRUE(admin);
    std::int32_t pid = 0;
    {
        auto l = acquire(*p);
        ASSERT_TRUE(l);
        pid = l->backend_pid();
        ASSERT_TRUE(run1(*l, "BEGIN"));
        copy_sink s;
        ASSERT_TRUE(run1(*admin,
                         "SELECT pg_terminate_backend(" + std::to_string(pid) + ", 5000)", &s));
        EXPECT_EQ(s.at(0, 0), "t");
    }
    auto l = acquire(*p);
    ASSERT_TRUE(l);
    EXPECT_NE(l->backend_pid(), pid);
    copy_sink s;
    ASSERT_TRUE(run1(*l, "SELECT 1", &s));
    EXPECT_EQ(p->metrics().discarded, 1u);
    EXPECT_EQ(p->metrics().rollbacks, 0u);
}

INSTANTIATE_TEST_SUITE_P(backends, pool_tx, test::all_backends(), test::backend_name());

} // namespace
} // namespace fraiseql::conn_test
