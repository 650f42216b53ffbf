// The connection pool over both backends: limits, fairness, concurrency, expiry, metrics.
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "fraiseql/pg/pool.hpp"
#include "libpq_fixture.hpp"
#include "unit/json/counting_new.hpp"

namespace fraiseql::test {
namespace {

using pg::errc;

class pool_basic : public backend_test {
protected:
    std::shared_ptr<pg::pool> make_pool(pg::pool_options o) {
        auto c = pg::make_connector(GetParam(), io_.get_executor(), database_url());
        EXPECT_TRUE(c);
        return pg::pool::create(io_.get_executor(), std::move(*c), o);
    }
    pg::lease acquire(pg::pool& p, std::chrono::milliseconds within = 5s) {
        auto r = run(io_, p.acquire(in(within)));
        EXPECT_TRUE(r) << r.error().message;
        return r ? std::move(*r) : pg::lease();
    }
    /// Polls the io_context until `done()` or 5 s.
    template <class F> bool poll_until(F done) {
        const auto stop = pg::clock::now() + 5s;
        while (!done() && pg::clock::now() < stop) io_.run_one_for(10ms);
        return done();
    }
};

asio::awaitable<void> one_request(std::shared_ptr<pg::pool> p, int i, std::atomic<int>* ok) {
    auto l = co_await p->acquire(in(30s));
    if (!l) co_return;
    collect_sink s;
    const std::string v = std::to_string(i);
    const pg::param prm[] = {pg::param::text(v)};
    const pg::statement st{"SELECT $1::int, pg_sleep(0.005)", prm, &s};
    auto r = co_await (*l)->run(std::span<const pg::statement>(&st, 1), in(30s));
    if (r && s.rows.size() == 1 && s.at(0, 0) == v) ++*ok;
}

TEST_P(pool_basic, exhaustion_fails_within_the_acquire_timeout) {
    pg::pool_options o;
    o.max_size = 2;
    o.acquire_timeout = 300ms;
    auto p = make_pool(o);
    auto a = acquire(*p);
    auto b = acquire(*p);
    ASSERT_TRUE(a && b);
    const auto t0 = pg::clock::now();
    auto r = run(io_, p->acquire(in(10s))); // the pool's own timeout is the shorter one
    const auto elapsed = pg::clock::now() - t0;
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::pool_exhausted) << r.error().message;
    EXPECT_GE(elapsed, 290ms);
    EXPECT_LT(elapsed, 300ms + 250ms);
    // A caller deadline shorter than acquire_timeout wins.
    const auto t1 = pg::clock::now();
    auto r2 = run(io_, p->acquire(in(50ms)));
    ASSERT_FALSE(r2);
    EXPECT_EQ(r2.error().code, errc::pool_exhausted);
    EXPECT_LT(pg::clock::now() - t1, 250ms);
    auto m = p->metrics();
    EXPECT_EQ(m.timeouts, 2u);
    EXPECT_EQ(m.waiting, 0u);
    EXPECT_EQ(m.in_use, 2u);
    // Released → available again.
    a = pg::lease();
    EXPECT_TRUE(acquire(*p));
}

TEST_P(pool_basic, waiters_are_served_first_come_first_served) {
    pg::pool_options o;
    o.max_size = 1;
    o.acquire_timeout = 5s;
    auto p = make_pool(o);
    auto held = acquire(*p);
    ASSERT_TRUE(held);
    std::string order;
    auto waiter = [](std::shared_ptr<pg::pool> pp, char name,
                     std::string* out) -> asio::awaitable<void> {
        auto l = co_await pp->acquire(in(5s));
        if (l) out->push_back(name);
    };
    int finished = 0;
    asio::co_spawn(io_, waiter(p, 'A', &order), [&](std::exception_ptr) { ++finished; });
    ASSERT_TRUE(poll_until([&] { return p->metrics().waiting == 1; }));
    asio::co_spawn(io_, waiter(p, 'B', &order), [&](std::exception_ptr) { ++finished; });
    ASSERT_TRUE(poll_until([&] { return p->metrics().waiting == 2; }));
    held = pg::lease(); // hand-over to the oldest waiter
    ASSERT_TRUE(poll_until([&] { return finished == 2; }));
    EXPECT_EQ(order, "AB");
    EXPECT_EQ(p->metrics().created, 1u);
}

TEST_P(pool_basic, two_hundred_coroutines_on_a_pool_of_ten) {
    pg::pool_options o;
    o.max_size = 10;
    o.acquire_timeout = 30s;
    auto p = make_pool(o);
    std::atomic<int> ok{0};
    std::atomic<int> done{0};
    for (int i = 0; i < 200; ++i)
        asio::co_spawn(io_, one_request(p, i, &ok), [&](std::exception_ptr) { ++done; });
    // Two threads run the io_context: the pool is shared across threads.
    std::thread helper([&] {
        while (done < 200) io_.run_one_for(10ms);
    });
    const auto stop = pg::clock::now() + 60s;
    while (done < 200 && pg::clock::now() < stop) io_.run_one_for(10ms);
    helper.join();
    EXPECT_EQ(done.load(), 200);
    EXPECT_EQ(ok.load(), 200);
    auto m = p->metrics();
    EXPECT_LE(m.created, 10u);
    EXPECT_EQ(m.acquired, 200u);
    EXPECT_EQ(m.in_use, 0u);
    EXPECT_EQ(m.waiting, 0u);
    EXPECT_EQ(m.idle, m.created - m.discarded);
    EXPECT_EQ(m.timeouts, 0u);
}

/// Deadlines (the watchdog fires on some thread while the coroutine runs on another),
/// leases left inside a transaction (the pool's ROLLBACK task), and plain queries.
struct outcomes {
    std::atomic<int> ok{0};
    std::mutex m;
    std::vector<std::string> failures;
    void fail(int i, std::string what) {
        std::lock_guard lock(m);
        failures.push_back(std::to_string(i) + ": " + std::move(what));
    }
};

asio::awaitable<void> mixed_request(std::shared_ptr<pg::pool> p, int i, outcomes* out) {
    auto l = co_await p->acquire(in(30s));
    if (!l) {
        out->fail(i, "acquire: " + l.error().message);
        co_return;
    }
    if (i % 10 == 0) {
        const pg::statement st{"SELECT pg_sleep(5)", {}};
        auto r = co_await (*l)->run(std::span<const pg::statement>(&st, 1), in(50ms));
        if (!r && r.error().code == errc::timeout && !(*l)->broken()) ++out->ok;
        else out->fail(i, r ? "no timeout" : r.error().message);
    } else if (i % 10 == 1) {
        const pg::statement st{"BEGIN", {}};
        auto r = co_await (*l)->run(std::span<const pg::statement>(&st, 1), in(10s));
        if (r) ++out->ok;
        else out->fail(i, r.error().message);
    } else {
        collect_sink s;
        const std::string v = std::to_string(i);
        const pg::param prm[] = {pg::param::text(v)};
        const pg::statement st{"SELECT $1::int", prm, &s};
        auto r = co_await (*l)->run(std::span<const pg::statement>(&st, 1), in(30s));
        if (r && s.rows.size() == 1 && s.at(0, 0) == v) ++out->ok;
        else out->fail(i, r ? "wrong rows" : r.error().message);
    }
}

TEST_P(pool_basic, four_threads_with_deadlines_and_abandoned_transactions) {
    // The TSan run of the pool tests (docs/driver.md) relies on this one.
    pg::pool_options o;
    o.max_size = 8;
    o.acquire_timeout = 30s;
    auto p = make_pool(o);
    constexpr int n = 100;
    outcomes out;
    std::atomic<int> done{0};
    for (int i = 0; i < n; ++i)
        asio::co_spawn(io_, mixed_request(p, i, &out), [&](std::exception_ptr) { ++done; });
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t)
        threads.emplace_back([&] {
            while (done < n) io_.run_one_for(10ms);
        });
    const auto stop = pg::clock::now() + 90s;
    while (done < n && pg::clock::now() < stop) io_.run_one_for(10ms);
    for (auto& t : threads) t.join();
    EXPECT_EQ(done.load(), n);
    EXPECT_EQ(out.ok.load(), n);
    for (const auto& f : out.failures) ADD_FAILURE() << f;
    // Let the last ROLLBACK tasks finish, then everything is back and clean.
    ASSERT_TRUE(poll_until([&] { return p->metrics().in_use == 0; }));
    auto m = p->metrics();
    EXPECT_LE(m.created, 8u);
    EXPECT_EQ(m.rollbacks, std::uint64_t(n / 10));
    EXPECT_EQ(m.waiting, 0u);
    auto l = acquire(*p);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->transaction_status(), pg::transaction_state::idle);
}

TEST_P(pool_basic, metrics_count_what_happens) {
    pg::pool_options o;
    o.max_size = 3;
    auto p = make_pool(o);
    EXPECT_EQ(p->backend_name(), pg::to_string(GetParam()));
    for (int i = 0; i < 3; ++i) {
        auto l = acquire(*p);
        ASSERT_TRUE(l);
        EXPECT_EQ(scalar(*l, "SELECT 1"), "1");
    }
    auto m = p->metrics();
    EXPECT_EQ(m.created, 1u); // reused
    EXPECT_EQ(m.acquired, 3u);
    EXPECT_EQ(m.idle, 1u);
    EXPECT_EQ(m.in_use, 0u);
    {
        auto a = acquire(*p);
        auto b = acquire(*p);
        m = p->metrics();
        EXPECT_EQ(m.in_use, 2u);
        EXPECT_EQ(m.idle, 0u);
        EXPECT_EQ(m.created, 2u);
        b.discard();
        m = p->metrics();
        EXPECT_EQ(m.in_use, 1u);
        EXPECT_EQ(m.discarded, 1u);
    }
    m = p->metrics();
    EXPECT_EQ(m.in_use, 0u);
    EXPECT_EQ(m.idle, 1u);
    EXPECT_EQ(m.failed, 0u);
}

// Issue 15: a connection back within liveness_check_after and health_check_after is handed
// over without the full acquire (pool.cpp's fast path): the same connection, counted.
TEST_P(pool_basic, a_connection_back_within_the_liveness_window_is_handed_over_at_once) {
    pg::pool_options o;
    o.max_size = 2;
    o.liveness_check_after = 10s;
    auto p = make_pool(o);
    std::string first; // the server process behind the connection
    {
        auto l = acquire(*p);
        ASSERT_TRUE(l);
        first = scalar(*l, "SELECT pg_backend_pid()");
        EXPECT_FALSE(first.empty());
    }
    for (int i = 0; i < 3; ++i) {
        auto l = acquire(*p);
        ASSERT_TRUE(l);
        EXPECT_EQ(scalar(*l, "SELECT pg_backend_pid()"), first) << "round " << i;
        EXPECT_EQ(p->metrics().in_use, 1u);
    }
    auto m = p->metrics();
    EXPECT_EQ(m.created, 1u);
    EXPECT_EQ(m.acquired, 4u);
    EXPECT_EQ(m.idle, 1u);
    EXPECT_EQ(m.in_use, 0u);
    // A connection returned broken is never handed over: the next acquire opens another.
    {
        auto l = acquire(*p);
        ASSERT_TRUE(l);
        (*l).cancel(); // connection::cancel(): never reused
    }
    auto l = acquire(*p);
    ASSERT_TRUE(l);
    EXPECT_NE(scalar(*l, "SELECT pg_backend_pid()"), first);
    m = p->metrics();
    EXPECT_EQ(m.created, 2u);
    EXPECT_EQ(m.discarded, 1u);
}

// Issue 15: waiters are reused (pool.cpp, pool::impl::spare). One that timed out and one
// that was served must leave nothing behind that wakes the next wait early.
TEST_P(pool_basic, reused_waiters_wait_for_their_own_wake_up) {
    pg::pool_options o;
    o.max_size = 1;
    o.acquire_timeout = 5s;
    auto p = make_pool(o);
    auto held = acquire(*p);
    ASSERT_TRUE(held);
    for (int round = 0; round < 3; ++round) {
        // Times out: its waiter goes back to the spare list.
        const auto t0 = pg::clock::now();
        auto r = run(io_, p->acquire(in(50ms)));
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, errc::pool_exhausted) << r.error().message;
        EXPECT_GE(pg::clock::now() - t0, 45ms);
        // The next wait (a reused waiter) is served when the connection comes back, 150 ms
        // later, not before.
        std::optional<pg::result<pg::lease>> got;
        pg::clock::time_point served{};
        const auto t1 = pg::clock::now();
        // Parameters, not captures: the lambda object is gone once co_spawn returns.
        asio::co_spawn(io_,
                       [](std::shared_ptr<pg::pool> pp, std::optional<pg::result<pg::lease>>* out,
                          pg::clock::time_point* at) -> asio::awaitable<void> {
                           out->emplace(co_await pp->acquire(in(5s)));
                           *at = pg::clock::now();
                       }(p, &got, &served),
                       asio::detached);
        asio::steady_timer t(io_, 150ms);
        t.async_wait([&](const boost::system::error_code&) { held = pg::lease(); });
        ASSERT_TRUE(poll_until([&] { return got.has_value(); })) << "round " << round;
        ASSERT_TRUE(*got) << got->error().message;
        EXPECT_GE(served - t1, 140ms) << "round " << round;
        EXPECT_LT(served - t1, 1s) << "round " << round;
        held = std::move(**got);
        EXPECT_EQ(scalar(*held, "SELECT 1"), "1");
    }
    auto m = p->metrics();
    EXPECT_EQ(m.timeouts, 3u);
    EXPECT_EQ(m.waiting, 0u);
    EXPECT_EQ(m.in_use, 1u);
    EXPECT_EQ(m.created, 1u);
}

// Issue 15 (no heap allocation per request after warm-up): acquires that queue for a
// connection cost nothing from the heap once the queue has been as long before. Eight
// coroutines share one connection, each acquiring, yielding while it holds it (so the others
// queue) and releasing, 400 times: 3,040 queued acquires counted. A std::deque queue took a
// block every 32 of them (and freed one as its head passed a block); the spare waiters' list
// grew as more waiters came back than before. One run() of the io_context, as the server's
// threads do: Asio's per-thread cache of frames lives as long as that call. (The count
// includes Asio's own blocks from ::aligned_alloc: counting_new.hpp.)
TEST_P(pool_basic, queued_acquires_allocate_nothing_after_warm_up) {
    pg::pool_options o;
    o.max_size = 1;
    o.acquire_timeout = 30s;
    auto p = make_pool(o);
    acquire(*p) = pg::lease(); // the connection is open and idle
    constexpr int workers = 8, rounds = 400, warm_up = 20;
    struct shared {
        int done = 0, failed = 0;
        std::optional<allocation_count> counted; // from the first worker past its warm-up
        std::size_t allocations = 0;
        bool closed = false;
    } st;
    for (int w = 0; w < workers; ++w) {
        asio::co_spawn(
            io_,
            [](std::shared_ptr<pg::pool> pp, int id, shared* s,
               asio::io_context* io) -> asio::awaitable<void> {
                for (int r = 0; r < rounds; ++r) {
                    if (r == warm_up && id == 0) s->counted.emplace();
                    auto l = co_await pp->acquire(in(30s));
                    if (!l) {
                        ++s->failed;
                        break;
                    }
                    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
                    // The window closes before any worker ends (a coroutine's end is not a
                    // queued acquire's cost).
                    if (r == rounds - 1 && s->counted && !s->closed) {
                        s->allocations = (*s->counted)();
                        s->closed = true;
                    }
                }
                if (++s->done == workers) io->stop();
            }(p, w, &st, &io_),
            asio::detached);
    }
    // run(), not run_for(): run_for() runs one handler per call of run_one_until(), each with
    // a thread context (and a frame cache) of its own. A watchdog stops it if a worker hangs.
    asio::steady_timer watchdog(io_, 30s);
    watchdog.async_wait([&](const boost::system::error_code& ec) {
        if (!ec) io_.stop();
    });
    io_.restart();
    io_.run();
    watchdog.cancel();
    io_.restart();
    io_.poll();
    ASSERT_EQ(st.done, workers);
    EXPECT_EQ(st.failed, 0);
    EXPECT_GE(p->metrics().acquired, std::uint64_t(workers) * rounds);
    ASSERT_TRUE(st.closed);
    EXPECT_EQ(st.allocations, 0u) << "heap allocations over about "
                                  << workers * (rounds - warm_up) << " queued acquires";
}

TEST_P(pool_basic, lease_released_inside_a_transaction_is_rolled_back) {
    pg::pool_options o;
    o.max_size = 1;
    auto p = make_pool(o);
    std::int32_t pid = 0;
    {
        auto l = acquire(*p);
        ASSERT_TRUE(l);
        pid = l->backend_pid();
        ASSERT_TRUE(simple(*l, "BEGIN"));
        ASSERT_TRUE(simple(*l, "SET LOCAL application_name = 'left_open'"));
    }
    // The pool sends ROLLBACK before anyone else gets the connection (pool.hpp).
    auto l = acquire(*p);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->backend_pid(), pid);
    EXPECT_EQ(scalar(*l, "SELECT current_setting('application_name') = 'left_open'"), "f");
    EXPECT_EQ(p->metrics().rollbacks, 1u);
    EXPECT_EQ(p->metrics().discarded, 0u);
}

TEST_P(pool_basic, lease_released_inside_a_failed_transaction_is_rolled_back) {
    pg::pool_options o;
    o.max_size = 1;
    auto p = make_pool(o);
    {
        auto l = acquire(*p);
        ASSERT_TRUE(l);
        ASSERT_TRUE(simple(*l, "BEGIN"));
        ASSERT_FALSE(simple(*l, "SELECT 1/0"));
        EXPECT_EQ(l->transaction_status(), pg::transaction_state::failed);
    }
    auto l = acquire(*p);
    ASSERT_TRUE(l);
    EXPECT_EQ(scalar(*l, "SELECT 'clean'"), "clean");
    EXPECT_EQ(p->metrics().rollbacks, 1u);
}

TEST_P(pool_basic, idle_timeout_closes_idle_connections) {
    pg::pool_options o;
    o.max_size = 3;
    o.idle_timeout = 300ms;
    auto p = make_pool(o);
    std::vector<std::int32_t> pids;
    {
        auto a = acquire(*p);
        auto b = acquire(*p);
        ASSERT_TRUE(a && b);
        pids = {a->backend_pid(), b->backend_pid()};
    }
    EXPECT_EQ(p->metrics().idle, 2u);
    sleep(900ms); // no traffic: the pool's own upkeep must close them
    auto m = p->metrics();
    EXPECT_EQ(m.idle, 0u);
    EXPECT_EQ(m.discarded, 2u);
    auto admin = connect();
    ASSERT_TRUE(admin);
    const std::string q = "SELECT count(*) FROM pg_stat_activity WHERE pid IN (" +
                          std::to_string(pids[0]) + "," + std::to_string(pids[1]) + ")";
    std::string left;
    for (int i = 0; i < 50 && (left = scalar(*admin, q)) != "0"; ++i) sleep(50ms);
    EXPECT_EQ(left, "0");
}

TEST_P(pool_basic, max_lifetime_replaces_old_connections) {
    pg::pool_options o;
    o.max_size = 1;
    o.max_lifetime = 300ms;
    auto p = make_pool(o);
    std::int32_t first = 0;
    {
        auto l = acquire(*p);
        ASSERT_TRUE(l);
        first = l->backend_pid();
    }
    sleep(500ms);
    auto l = acquire(*p);
    ASSERT_TRUE(l);
    EXPECT_NE(l->backend_pid(), first);
}

TEST_P(pool_basic, health_check_after_idleness) {
    pg::pool_options o;
    o.max_size = 1;
    o.health_check_after = 0ms; // ping on every checkout
    auto p = make_pool(o);
    std::uint64_t before = 0;
    {
        auto l = acquire(*p);
        ASSERT_TRUE(l);
        before = l->stats().statements;
    }
    {
        auto l = acquire(*p);
        ASSERT_TRUE(l);
        EXPECT_EQ(l->stats().statements, before + 1); // the SELECT 1
    }
    pg::pool_options lazy;
    lazy.max_size = 1;
    auto q = make_pool(lazy); // default: 30 s
    {
        auto l = acquire(*q);
        before = l->stats().statements;
    }
    auto l = acquire(*q);
    EXPECT_EQ(l->stats().statements, before);
}

TEST_P(pool_basic, close_fails_waiters_and_later_acquires) {
    pg::pool_options o;
    o.max_size = 1;
    auto p = make_pool(o);
    auto held = acquire(*p);
    ASSERT_TRUE(held);
    std::optional<errc> waiter_code;
    auto waiter = [](std::shared_ptr<pg::pool> pp, std::optional<errc>* out) -> asio::awaitable<void> {
        auto l = co_await pp->acquire(in(5s));
        *out = l ? errc::ok : l.error().code;
    };
    asio::co_spawn(io_, waiter(p, &waiter_code), [](std::exception_ptr) {});
    ASSERT_TRUE(poll_until([&] { return p->metrics().waiting == 1; }));
    p->close();
    ASSERT_TRUE(poll_until([&] { return waiter_code.has_value(); }));
    EXPECT_EQ(*waiter_code, errc::pool_closed);
    auto r = run(io_, p->acquire(in(1s)));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::pool_closed);
    held = pg::lease();
    EXPECT_EQ(p->metrics().in_use, 0u);
    EXPECT_EQ(p->metrics().idle, 0u);
}

TEST_P(pool_basic, warm_up_opens_min_size) {
    pg::pool_options o;
    o.min_size = 3;
    o.max_size = 5;
    auto p = make_pool(o);
    auto r = run(io_, p->warm_up());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(p->metrics().idle, 3u);
    EXPECT_EQ(p->metrics().created, 3u);
}

INSTANTIATE_TEST_SUITE_P(backends, pool_basic, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test
