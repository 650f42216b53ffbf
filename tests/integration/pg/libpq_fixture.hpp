#pragma once
// Shared by the libpq_* and pool_* database tests: a fixture parameterised over the backend
// kind, a sink that copies what it receives, and synchronous wrappers over the coroutines.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "fraiseql/pg/connection.hpp"
#include "support/cluster.hpp"
#include "support/collect_sink.hpp"
#include "support/run.hpp"

namespace fraiseql::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;

inline pg::deadline in(std::chrono::milliseconds d) { return pg::clock::now() + d; }


class backend_test : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        auto c = pg::make_connector(GetParam(), io_.get_executor(), database_url());
        ASSERT_TRUE(c) << c.error().message;
        connector_ = std::move(*c);
    }

    /// A new connection; fails the test (returns nullptr) when connecting fails.
    std::unique_ptr<pg::connection> connect() {
        auto r = run(io_, connector_->connect(in(5s)));
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        return r ? std::move(*r) : nullptr;
    }

    pg::result<void> exec(pg::connection& c, std::string_view sql,
                          std::vector<pg::param> params = {}, pg::row_sink* sink = nullptr,
                          pg::deadline dl = in(10s)) {
        pg::statement s{sql, params, sink};
        return run(io_, c.run(std::span<const pg::statement>(&s, 1), dl));
    }

    pg::result<void> simple(pg::connection& c, std::string_view sql,
                            pg::row_sink* sink = nullptr, pg::deadline dl = in(10s)) {
        return run(io_, c.simple_query(sql, dl, sink));
    }

    /// The single text value of a one-row, one-column query ("" on failure).
    std::string scalar(pg::connection& c, std::string_view sql,
                       std::vector<pg::param> params = {}) {
        collect_sink s;
        auto r = exec(c, sql, std::move(params), &s);
        EXPECT_TRUE(r) << sql << ": " << (r ? "" : r.error().message);
        if (!r || s.rows.size() != 1 || s.rows[0].size() != 1) return "";
        return s.rows[0][0].value_or("<NULL>");
    }

    /// Drives the io_context (timers, background tasks) for `d`.
    void sleep(std::chrono::milliseconds d) {
        run(io_, [](asio::any_io_executor ex, std::chrono::milliseconds dd) -> asio::awaitable<void> {
            asio::steady_timer t(ex, dd);
            co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
        }(io_.get_executor(), d));
    }

    asio::io_context io_;
    std::unique_ptr<pg::connector> connector_;
};

} // namespace fraiseql::test
