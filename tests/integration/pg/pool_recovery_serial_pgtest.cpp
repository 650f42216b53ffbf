// The pool when the server goes away: a terminated backend, a restart under load, an outage.
//
// These tests stop/restart the shared test cluster, so other suites running against the
// same cluster at that moment see errors: run them serially (see the report / CMake).
#include <unistd.h>

#include <cstdlib>

#include "fraiseql/pg/pool.hpp"
#include "libpq_fixture.hpp"

namespace fraiseql::test {
namespace {

using pg::errc;

std::string as_postgres(const std::string& cmd) {
    return (::geteuid() == 0 ? "runuser -u postgres -- " : "") + cmd;
}

std::string pg_ctl(const std::string& action) {
    const std::string dir = std::getenv("FRAISEQL_TEST_CLUSTER_DIR");
    return as_postgres(cluster_env("FRAISEQL_TEST_PG_BIN") + "/pg_ctl -D " +
                       cluster_env("FRAISEQL_TEST_PGDATA") + " -l " + dir +
                       "/log/postgres.log -w -t 60 -m fast " + action + " >/dev/null 2>&1");
}

bool server_running() {
    return std::system(as_postgres(cluster_env("FRAISEQL_TEST_PG_BIN") + "/pg_ctl -D " +
                                   cluster_env("FRAISEQL_TEST_PGDATA") +
                                   " status >/dev/null 2>&1")
                           .c_str()) == 0;
}

/// Whatever happens in the test, the server is running again afterwards.
struct server_restorer {
    ~server_restorer() {
        if (!server_running()) (void)std::system(pg_ctl("start").c_str());
    }
};

class pool_recovery : public backend_test {
protected:
    std::shared_ptr<pg::pool> make_pool(pg::pool_options o) {
        auto c = pg::make_connector(GetParam(), io_.get_executor(), database_url());
        EXPECT_TRUE(c);
        return pg::pool::create(io_.get_executor(), std::move(*c), o);
    }
    /// One request through the pool: acquire + SELECT 1.
    pg::result<void> request(pg::pool& p, std::chrono::milliseconds within) {
        auto task = [](std::shared_ptr<pg::pool> pp, pg::deadline dl) -> asio::awaitable<pg::result<void>> {
            auto l = co_await pp->acquire(dl);
            if (!l) co_return failure{std::move(l).error()};
            const pg::statement st{"SELECT 1", {}};
            co_return co_await (*l)->run(std::span<const pg::statement>(&st, 1), dl);
        };
        return run(io_, task(p.shared_from_this(), in(within)));
    }
};

TEST_P(pool_recovery, terminated_backend_is_replaced) {
    pg::pool_options o;
    o.max_size = 2;
    auto p = make_pool(o);
    std::int32_t pid = 0;
    {
        auto l = run(io_, p->acquire(in(5s)));
        ASSERT_TRUE(l) << l.error().message;
        pid = (*l)->backend_pid();
    }
    auto admin = connect();
    ASSERT_TRUE(admin);
    EXPECT_EQ(scalar(*admin, "SELECT pg_terminate_backend($1::int)",
                     {pg::param::text(std::to_string(pid))}),
              "t");
    sleep(200ms);
    auto l = run(io_, p->acquire(in(5s)));
    ASSERT_TRUE(l) << l.error().message;
    EXPECT_NE((*l)->backend_pid(), pid);
    EXPECT_EQ(scalar(**l, "SELECT 'alive'"), "alive");
    EXPECT_GE(p->metrics().discarded, 1u);
}

TEST_P(pool_recovery, server_restart_under_a_stream_of_requests) {
    server_restorer restore;
    pg::pool_options o;
    o.max_size = 4;
    o.acquire_timeout = 10s;
    auto p = make_pool(o);
    {
        // Four connections in the pool, all of which the restart will kill.
        std::vector<pg::lease> held;
        for (int i = 0; i < 4; ++i) {
            auto l = run(io_, p->acquire(in(5s)));
            ASSERT_TRUE(l) << l.error().message;
            held.push_back(std::move(*l));
        }
    }
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(request(*p, 5s)) << i;
    ASSERT_EQ(std::system(pg_ctl("restart").c_str()), 0) << "pg_ctl restart failed";
    int failures_after = 0;
    std::string first_error;
    for (int i = 0; i < 40; ++i) {
        auto r = request(*p, 5s);
        if (!r) {
            ++failures_after;
            if (first_error.empty()) first_error = r.error().message;
        }
    }
    EXPECT_EQ(failures_after, 0) << first_error;
    EXPECT_GE(p->metrics().discarded, 4u);
}

TEST_P(pool_recovery, outage_fails_fast_then_recovers) {
    server_restorer restore;
    pg::pool_options o;
    o.max_size = 2;
    auto p = make_pool(o);
    ASSERT_TRUE(request(*p, 5s));
    ASSERT_EQ(std::system(pg_ctl("stop").c_str()), 0);
    for (int i = 0; i < 5; ++i) {
        const auto t0 = pg::clock::now();
        auto r = request(*p, 1s);
        const auto elapsed = pg::clock::now() - t0;
        ASSERT_FALSE(r) << i;
        EXPECT_EQ(r.error().code, errc::connection_failed) << i << ": " << r.error().message;
        EXPECT_LT(elapsed, 1s + 200ms) << i;
    }
    EXPECT_GE(p->metrics().failed, 1u);
    ASSERT_EQ(std::system(pg_ctl("start").c_str()), 0);
    // The first request after the server is back succeeds (it may wait out the backoff).
    auto r = request(*p, 5s);
    EXPECT_TRUE(r) << r.error().message;
    EXPECT_TRUE(request(*p, 5s));
}

INSTANTIATE_TEST_SUITE_P(backends, pool_recovery, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test
