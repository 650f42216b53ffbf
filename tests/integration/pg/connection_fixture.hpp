#pragma once
// Shared by tests/integration/pg/connection_*_pgtest.cpp: a fixture parameterised over the
// backend kind (native, libpq), sinks, and synchronous wrappers over the coroutines.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "fraiseql/pg/connection.hpp"
#include "support/cluster.hpp"
#include "support/collect_sink.hpp"
#include "support/run.hpp"

namespace fraiseql::conn_test {

namespace asio = boost::asio;
namespace pg = fraiseql::pg;
using namespace std::chrono_literals;

inline pg::deadline in(std::chrono::milliseconds d) { return pg::clock::now() + d; }

/// Copies everything it receives (tests/support/collect_sink.hpp).
using copy_sink = fraiseql::test::collect_sink;

/// Counts rows and bytes without keeping them; optionally gives up after `stop_after` rows.
struct count_sink : pg::row_sink {
    std::size_t rows = 0;
    std::size_t bytes = 0;
    std::size_t batches = 0;
    std::size_t stop_after = 0; ///< 0 = never
    asio::awaitable<bool> on_rows(std::span<const pg::row_view> batch) override {
        ++batches;
        rows += batch.size();
        for (const auto& r : batch)
            for (const auto& f : r) bytes += f.is_null() ? 0 : std::size_t(f.size);
        co_return stop_after == 0 || rows < stop_after;
    }
};

class connection_test : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    bool native() const { return GetParam() == pg::backend_kind::native; }

    /// Connects with `url` (default: the superuser URL of the cluster).
    pg::result<std::unique_ptr<pg::connection>> connect(std::string url = {},
                                                        std::chrono::milliseconds d = 10s) {
        if (url.empty()) url = test::database_url();
        auto c = pg::make_connector(GetParam(), io_.get_executor(), url);
        if (!c) return failure<pg::error>{c.error()};
        connector_ = std::move(*c);
        return test::run(io_, connector_->connect(in(d)));
    }

    std::unique_ptr<pg::connection> must_connect(std::string url = {}) {
        auto c = connect(std::move(url));
        EXPECT_TRUE(c) << pg::to_string(c ? pg::errc::ok : c.error().code) << ": "
                       << (c ? "" : c.error().message);
        return c ? std::move(*c) : nullptr;
    }

    pg::result<void> run(pg::connection& c, std::span<const pg::statement> s,
                         std::chrono::milliseconds d = 30s) {
        return test::run(io_, c.run(s, in(d)));
    }
    pg::result<void> run1(pg::connection& c, std::string_view sql, pg::row_sink* sink = nullptr,
                          std::span<const pg::param> params = {},
                          std::chrono::milliseconds d = 30s) {
        pg::statement st{sql, params, sink};
        return run(c, std::span(&st, 1), d);
    }
    pg::result<void> simple(pg::connection& c, std::string_view sql, pg::row_sink* sink = nullptr,
                            std::chrono::milliseconds d = 30s) {
        return test::run(io_, c.simple_query(sql, in(d), sink));
    }

    asio::io_context io_;
    std::unique_ptr<pg::connector> connector_;
};

inline std::string describe(const pg::result<void>& r) {
    if (r) return "ok";
    return std::string(pg::to_string(r.error().code)) + ": " + r.error().message;
}

} // namespace fraiseql::conn_test
