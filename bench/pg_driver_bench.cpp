// Native driver vs libpq backend on the same server and queries (product spec §8):
// prepared `SELECT $1::int` round trips and streaming a 100,000-row jsonb result.
// Needs a running cluster: FRAISEQL_TEST_CLUSTER_DIR=<dir> (tools/pg-test-cluster.sh).
#include <cstdlib>
#include <fstream>
#include <string>

#include <benchmark/benchmark.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "fraiseql/pg/connection.hpp"

namespace {

namespace asio = boost::asio;
namespace pg = fraiseql::pg;

std::string database_url() {
    const char* dir = std::getenv("FRAISEQL_TEST_CLUSTER_DIR");
    if (!dir) return {};
    std::ifstream in(std::string(dir) + "/env");
    std::string line;
    const std::string key = "FRAISEQL_TEST_DATABASE_URL=";
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0) return line.substr(key.size());
    return {};
}

template <class T> T run(asio::io_context& io, asio::awaitable<T> aw) {
    std::optional<T> out;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> { out.emplace(co_await std::move(aw)); },
                   [](std::exception_ptr e) {
                       if (e) std::rethrow_exception(e);
                   });
    io.restart();
    io.run();
    return std::move(*out);
}

struct counting_sink : pg::row_sink {
    std::size_t rows = 0, bytes = 0;
    asio::awaitable<bool> on_rows(std::span<const pg::row_view> batch) override {
        rows += batch.size();
        for (const auto& r : batch)
            for (const auto& f : r) bytes += f.is_null() ? 0 : std::size_t(f.size);
        co_return true;
    }
};

std::unique_ptr<pg::connection> open(asio::io_context& io, pg::backend_kind kind,
                                     benchmark::State& state) {
    auto url = database_url();
    if (url.empty()) {
        state.SkipWithError("set FRAISEQL_TEST_CLUSTER_DIR");
        return nullptr;
    }
    auto c = pg::make_connector(kind, io.get_executor(), url);
    if (!c) {
        state.SkipWithError(c.error().message.c_str());
        return nullptr;
    }
    auto conn = run(io, (*c)->connect(pg::clock::now() + std::chrono::seconds(10)));
    if (!conn) {
        state.SkipWithError(conn.error().message.c_str());
        return nullptr;
    }
    return std::move(*conn);
}

void prepared_select(benchmark::State& state, pg::backend_kind kind) {
    asio::io_context io;
    auto c = open(io, kind, state);
    if (!c) return;
    counting_sink sink;
    std::string v = "42";
    pg::param p = pg::param::text(v);
    pg::statement st{"SELECT $1::int", std::span(&p, 1), &sink};
    auto loop = [&]() -> asio::awaitable<bool> {
        for (auto _ : state) {
            auto r = co_await c->run(std::span(&st, 1),
                                     pg::clock::now() + std::chrono::seconds(10));
            if (!r) co_return false;
        }
        co_return true;
    };
    if (!run(io, loop())) state.SkipWithError("query failed");
    state.counters["round_trips/s"] =
        benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}

void stream_jsonb(benchmark::State& state, pg::backend_kind kind) {
    asio::io_context io;
    auto c = open(io, kind, state);
    if (!c) return;
    pg::statement st{"SELECT jsonb_build_object('id', g, 'name', 'user ' || g, 'tags', "
                     "jsonb_build_array('a', 'b'), 'active', g % 2 = 0) "
                     "FROM generate_series(1, 100000) g",
                     {}, nullptr};
    std::size_t rows = 0, bytes = 0;
    auto loop = [&]() -> asio::awaitable<bool> {
        for (auto _ : state) {
            counting_sink sink;
            st.sink = &sink;
            auto r = co_await c->run(std::span(&st, 1),
                                     pg::clock::now() + std::chrono::seconds(60));
            if (!r || sink.rows != 100000) co_return false;
            rows += sink.rows;
            bytes += sink.bytes;
        }
        co_return true;
    };
    if (!run(io, loop())) state.SkipWithError("stream failed");
    state.counters["rows/s"] = benchmark::Counter(double(rows), benchmark::Counter::kIsRate);
    state.SetBytesProcessed(std::int64_t(bytes));
    state.counters["max_recv_buffer"] = double(c->stats().max_receive_buffer);
}

BENCHMARK_CAPTURE(prepared_select, native, pg::backend_kind::native)->UseRealTime();
BENCHMARK_CAPTURE(prepared_select, libpq, pg::backend_kind::libpq)->UseRealTime();
BENCHMARK_CAPTURE(stream_jsonb, native, pg::backend_kind::native)
    ->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(stream_jsonb, libpq, pg::backend_kind::libpq)
    ->UseRealTime()->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
