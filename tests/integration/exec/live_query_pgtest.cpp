// Live queries multiplexed by cohort (src/exec/live_query.hpp) over the real engine and a real
// database, both backends: the first result at once, no push without a change, a push after a
// change, one fetch per cohort however many subscribers, poke() for notified changes, slow and
// expired subscribers, failures that end a cohort, and the metrics.

#include <atomic>
#include <deque>
#include <mutex>

#include "exec/live_query.hpp"
#include "exec_fixture.hpp"

namespace fraiseql::test {
namespace {

const char* const sql_setup = R"SQL(
CREATE TABLE S.tb_item (id int PRIMARY KEY, name text, n int);
INSERT INTO S.tb_item SELECT g, 'item ' || g, g FROM generate_series(1, 5) AS g;
CREATE VIEW S.v_item AS
    SELECT id, jsonb_build_object('id', id, 'name', name, 'n', n) AS data FROM S.tb_item;
)SQL";

const char* const sdl = R"GQL(
type Item @view(name: "S.v_item", columns: ["id"]) { id: Int! name: String! n: Int }
type Query { items: [Item!]! item(id: Int!): Item }
)GQL";

// Records what it is given; `capacity` bounds what it holds (a slow reader: full → false).
struct recorder : exec::live_subscriber {
    std::mutex mu;
    std::deque<std::string> results;
    std::vector<std::string> ended;
    std::size_t capacity = 1000;
    pg::clock::time_point expiry = pg::clock::time_point::max();
    bool deliver(const std::shared_ptr<const std::string>& r) override {
        std::lock_guard g(mu);
        if (results.size() >= capacity) return false;
        results.push_back(*r);
        return true;
    }
    void end(std::string_view errors) override {
        std::lock_guard g(mu);
        ended.emplace_back(errors);
    }
    pg::clock::time_point expires_at() const override { return expiry; }
    std::size_t count() {
        std::lock_guard g(mu);
        return results.size();
    }
    std::string last() {
        std::lock_guard g(mu);
        return results.empty() ? std::string() : results.back();
    }
};

class live_query : public exec_test {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        setup(sql_setup, sdl);
    }
    void TearDown() override {
        if (hub_) hub_->close();
        io_.run_for(20ms);
        hub_.reset();
        exec_test::TearDown();
    }

    // The hub over the engine's one request road; every fetch is counted.
    void make_hub(std::chrono::milliseconds interval, std::size_t concurrency = 4) {
        exec::live_query_options o;
        o.interval = interval;
        o.max_concurrent_refetches = concurrency;
        auto* eng = engine_.get();
        auto* fetches = &fetches_;
        hub_ = exec::live_query_hub::create(
            io_.get_executor(),
            [eng, fetches](exec::request r) -> asio::awaitable<exec::response> {
                ++*fetches;
                return eng->execute(std::move(r));
            },
            o);
        hub_->start();
    }
    static exec::request query(std::string text, std::string vars = "null") {
        exec::request r;
        r.query = std::move(text);
        r.variables = boost::json::parse(vars);
        r.request_id = "live";
        return r;
    }
    template <class F> bool run_until(F done, std::chrono::milliseconds within) {
        const auto stop = pg::clock::now() + within;
        while (!done() && pg::clock::now() < stop) io_.run_for(10ms);
        return done();
    }

    std::shared_ptr<exec::live_query_hub> hub_;
    std::atomic<int> fetches_{0};
};

TEST_P(live_query, the_first_result_comes_at_once_and_nothing_without_a_change) {
    make_hub(300ms);
    auto r = std::make_shared<recorder>();
    const auto t0 = pg::clock::now();
    hub_->subscribe("k", query("{ items { id name } }"), r);
    ASSERT_TRUE(run_until([&] { return r->count() == 1; }, 5s));
    EXPECT_LT(pg::clock::now() - t0, 250ms) << "the first result waited for the interval";
    EXPECT_NE(r->last().find("\"item 3\""), std::string::npos) << r->last();
    // Three intervals, nothing changed: no new result, but the cohort is refetched.
    io_.run_for(1000ms);
    EXPECT_EQ(r->count(), 1u);
    EXPECT_GE(fetches_.load(), 3);
    const auto m = hub_->metrics();
    EXPECT_GE(m.unchanged, 2u);
    EXPECT_EQ(m.pushes, 1u);
    EXPECT_EQ(m.cohorts, 1u);
    EXPECT_EQ(m.subscribers, 1u);
}

TEST_P(live_query, a_change_is_pushed_within_the_interval) {
    make_hub(200ms);
    auto r = std::make_shared<recorder>();
    hub_->subscribe("k", query("{ item(id: 2) { id name n } }"), r);
    ASSERT_TRUE(run_until([&] { return r->count() == 1; }, 5s));
    ASSERT_TRUE(script("UPDATE " + schema_ + ".tb_item SET name = 'renamed' WHERE id = 2"));
    const auto t0 = pg::clock::now();
    ASSERT_TRUE(run_until([&] { return r->count() == 2; }, 5s));
    EXPECT_LT(pg::clock::now() - t0, 200ms + 400ms);
    EXPECT_NE(r->last().find("\"renamed\""), std::string::npos) << r->last();
    // An update elsewhere does not change this result: nothing is pushed.
    ASSERT_TRUE(script("UPDATE " + schema_ + ".tb_item SET name = 'other' WHERE id = 4"));
    io_.run_for(600ms);
    EXPECT_EQ(r->count(), 2u);
}

TEST_P(live_query, subscribers_of_one_cohort_cost_one_fetch) {
    make_hub(250ms);
    // 200 subscribers over 5 distinct variable values: 5 cohorts.
    std::vector<std::shared_ptr<recorder>> rs;
    for (int i = 0; i < 200; ++i) {
        auto r = std::make_shared<recorder>();
        const int id = 1 + i % 5;
        hub_->subscribe("item:" + std::to_string(id),
                        query("query Q($id: Int!) { item(id: $id) { id name } }",
                              "{\"id\":" + std::to_string(id) + "}"),
                        r);
        rs.push_back(r);
    }
    ASSERT_TRUE(run_until([&] {
        for (auto& r : rs) if (r->count() == 0) return false;
        return true;
    }, 5s));
    EXPECT_EQ(hub_->metrics().cohorts, 5u);
    for (int i = 0; i < 200; ++i)
        EXPECT_NE(rs[i]->last().find("\"item " + std::to_string(1 + i % 5) + "\""), std::string::npos);
    // Over ~4 intervals: about 5 fetches each, never one per subscriber.
    const int before = fetches_.load();
    io_.run_for(1000ms);
    const int during = fetches_.load() - before;
    EXPECT_GE(during, 5 * 2);
    EXPECT_LE(during, 5 * 6) << "fetches per interval grew with the subscribers";
}

TEST_P(live_query, poke_refetches_at_once) {
    make_hub(10s);
    auto r = std::make_shared<recorder>();
    hub_->subscribe("k", query("{ item(id: 1) { name } }"), r);
    ASSERT_TRUE(run_until([&] { return r->count() == 1; }, 5s));
    ASSERT_TRUE(script("UPDATE " + schema_ + ".tb_item SET name = 'notified' WHERE id = 1"));
    const auto t0 = pg::clock::now();
    hub_->poke();
    ASSERT_TRUE(run_until([&] { return r->count() == 2; }, 3s)) << "poke did not refetch";
    EXPECT_LT(pg::clock::now() - t0, 1s);
    EXPECT_NE(r->last().find("notified"), std::string::npos);
}

TEST_P(live_query, a_subscriber_that_cannot_keep_up_is_dropped_alone) {
    make_hub(100ms);
    auto slow = std::make_shared<recorder>();
    slow->capacity = 2;
    auto fast = std::make_shared<recorder>();
    hub_->subscribe("k", query("{ item(id: 3) { n } }"), slow);
    hub_->subscribe("k", query("{ item(id: 3) { n } }"), fast);
    for (int v = 100; v < 105; ++v) {
        ASSERT_TRUE(script("UPDATE " + schema_ + ".tb_item SET n = " + std::to_string(v) + " WHERE id = 3"));
        ASSERT_TRUE(run_until([&] { return fast->last().find(std::to_string(v)) != std::string::npos; }, 5s))
            << "value " << v << " never reached the fast subscriber";
    }
    EXPECT_EQ(slow->count(), 2u);
    EXPECT_EQ(fast->count(), 6u);
    const auto m = hub_->metrics();
    EXPECT_EQ(m.dropped, 1u);
    EXPECT_EQ(m.subscribers, 1u);
}

TEST_P(live_query, expired_credentials_end_the_subscription) {
    make_hub(100ms);
    auto r = std::make_shared<recorder>();
    r->expiry = pg::clock::now() + 400ms;
    auto keeps = std::make_shared<recorder>();
    hub_->subscribe("k", query("{ items { id } }"), r);
    hub_->subscribe("k", query("{ items { id } }"), keeps);
    ASSERT_TRUE(run_until([&] {
        std::lock_guard g(r->mu);
        return !r->ended.empty();
    }, 5s));
    EXPECT_NE(r->ended[0].find("UNAUTHENTICATED"), std::string::npos) << r->ended[0];
    EXPECT_EQ(hub_->metrics().expired, 1u);
    EXPECT_EQ(hub_->metrics().subscribers, 1u);
    EXPECT_TRUE(keeps->ended.empty());
}

TEST_P(live_query, a_cohort_is_refetched_with_the_credentials_that_last_longest) {
    // The transport's subscribers carry their Authorization value; the cohort's refetch must
    // use its member's whose token expires last, so one member's expiring token never ends
    // the others (docs/adr/0014 decision 10). The fetch records it, then runs anonymously
    // (this engine has no JWT key).
    struct with_auth : recorder {
        std::string auth;
        std::string authorization() const override { return auth; }
    };
    struct log {
        std::mutex mu;
        std::vector<std::string> seen;
    };
    auto l = std::make_shared<log>(); // shared: a fetch may still run in TearDown
    auto* eng = engine_.get();
    hub_ = exec::live_query_hub::create(
        io_.get_executor(),
        [eng, l](exec::request r) -> asio::awaitable<exec::response> {
            {
                std::lock_guard g(l->mu);
                l->seen.push_back(r.authorization);
            }
            r.authorization.clear();
            return eng->execute(std::move(r));
        },
        exec::live_query_options{100ms, 4});
    hub_->start();
    auto soon = std::make_shared<with_auth>();
    soon->auth = "Bearer soon";
    soon->expiry = pg::clock::now() + 1h;
    auto later = std::make_shared<with_auth>();
    later->auth = "Bearer later";
    later->expiry = pg::clock::now() + 2h;
    hub_->subscribe("k", query("{ items { id } }"), soon);
    ASSERT_TRUE(run_until([&] { return soon->count() == 1; }, 5s));
    hub_->subscribe("k", query("{ items { id } }"), later);
    const auto until = pg::clock::now() + 400ms;
    while (pg::clock::now() < until) io_.run_for(10ms);
    std::lock_guard g(l->mu);
    ASSERT_GE(l->seen.size(), 3u);
    EXPECT_EQ(l->seen.front(), "Bearer soon"); // alone in its cohort at first
    EXPECT_EQ(l->seen.back(), "Bearer later");
    EXPECT_EQ(later->count(), 1u); // the cohort's last result at once, nothing changed since
}

TEST_P(live_query, an_operation_the_engine_refuses_ends_its_cohort_with_the_errors) {
    make_hub(100ms);
    auto r = std::make_shared<recorder>();
    hub_->subscribe("bad", query("{ items { nope } }"), r);
    ASSERT_TRUE(run_until([&] {
        std::lock_guard g(r->mu);
        return !r->ended.empty();
    }, 5s));
    EXPECT_NE(r->ended[0].find("GRAPHQL_VALIDATION_FAILED"), std::string::npos) << r->ended[0];
    EXPECT_EQ(r->count(), 0u);
    EXPECT_EQ(hub_->metrics().cohorts, 0u);
}

TEST_P(live_query, unsubscribing_removes_the_subscriber_and_its_empty_cohort) {
    make_hub(100ms);
    auto r = std::make_shared<recorder>();
    const auto h = hub_->subscribe("k", query("{ item(id: 5) { n } }"), r);
    ASSERT_TRUE(run_until([&] { return r->count() == 1; }, 5s));
    hub_->unsubscribe(h);
    EXPECT_EQ(hub_->metrics().cohorts, 0u);
    const int before = fetches_.load();
    ASSERT_TRUE(script("UPDATE " + schema_ + ".tb_item SET n = 55 WHERE id = 5"));
    io_.run_for(500ms);
    EXPECT_EQ(r->count(), 1u);
    EXPECT_EQ(fetches_.load(), before) << "an empty cohort is still refetched";
}

TEST_P(live_query, refetches_are_bounded_by_the_concurrency_limit) {
    // 12 cohorts, 2 refetches at a time: all get their first result, fetches never overlap
    // more than 2 (the pool has 4 connections: the rest stay free for requests).
    exec::live_query_options o;
    o.interval = 500ms;
    o.max_concurrent_refetches = 2;
    auto* eng = engine_.get();
    auto running = std::make_shared<std::atomic<int>>(0);
    auto peak = std::make_shared<std::atomic<int>>(0);
    hub_ = exec::live_query_hub::create(
        io_.get_executor(),
        [eng, running, peak](exec::request r) -> asio::awaitable<exec::response> {
            const int now = ++*running;
            int p = peak->load();
            while (now > p && !peak->compare_exchange_weak(p, now)) {}
            auto res = co_await eng->execute(std::move(r));
            --*running;
            co_return res;
        },
        o);
    hub_->start();
    std::vector<std::shared_ptr<recorder>> rs;
    for (int i = 0; i < 12; ++i) {
        auto r = std::make_shared<recorder>();
        hub_->subscribe("c" + std::to_string(i),
                        query("{ items { id } __typename a" + std::to_string(i) + ": __typename }"), r);
        rs.push_back(r);
    }
    ASSERT_TRUE(run_until([&] {
        for (auto& r : rs) if (r->count() == 0) return false;
        return true;
    }, 10s));
    EXPECT_LE(peak->load(), 2);
    EXPECT_GE(peak->load(), 1);
}

INSTANTIATE_TEST_SUITE_P(backends, live_query, all_backends(), backend_name{});

} // namespace
} // namespace fraiseql::test
