// Native driver vs libpq backend on the same server, the same queries, in the same run
// (product spec §8, issues 3 and 4):
//   - prepared `SELECT $1::int` round trips with 1 and 16 concurrent connections, with
//     p50/p99 latency per request;
//   - streaming a 100,000-row jsonb result: rows/s and the peak heap growth while doing it;
//   - heap allocations per round trip (every malloc of the process, libpq's included, is
//     counted by the interposer below).
// Needs a running cluster: FRAISEQL_TEST_CLUSTER_DIR=<dir> (tools/pg-test-cluster.sh).
// Build and run (docs/benchmarks.md, "Driver"):
//   cmake --preset release && ninja -C build/release pg_driver_bench
//   FRAISEQL_TEST_CLUSTER_DIR=$PWD/build/pgbench-cluster build/release/bench/pg_driver_bench
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "fraiseql/pg/connection.hpp"

// Counts every malloc/calloc/realloc of the process (operator new and libpq both end
// there) and forwards to glibc's allocator; free stays glibc's. Relaxed atomics: only the
// difference over a single-threaded measured loop is read.
namespace {
std::atomic<std::uint64_t> g_mallocs{0};
}
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* malloc(std::size_t n) {
    g_mallocs.fetch_add(1, std::memory_order_relaxed);
    return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t m) {
    g_mallocs.fetch_add(1, std::memory_order_relaxed);
    return __libc_calloc(n, m);
}
void* realloc(void* p, std::size_t n) {
    g_mallocs.fetch_add(1, std::memory_order_relaxed);
    return __libc_realloc(p, n);
}
}

namespace {

namespace asio = boost::asio;
namespace pg = fraiseql::pg;
using std::chrono::duration;

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

/// Bytes currently allocated (glibc): what is being held, not what was ever touched.
std::size_t heap_in_use() {
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
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
    std::size_t baseline = 0, peak_growth = 0;
    bool sample_heap = false;
    asio::awaitable<bool> on_rows(std::span<const pg::row_view> batch) override {
        rows += batch.size();
        for (const auto& r : batch)
            for (const auto& f : r) bytes += f.is_null() ? 0 : std::size_t(f.size);
        if (sample_heap) {
            const std::size_t now = heap_in_use();
            if (now > baseline) peak_growth = std::max(peak_growth, now - baseline);
        }
        co_return true;
    }
};

std::vector<std::unique_ptr<pg::connection>> open(asio::io_context& io, pg::backend_kind kind,
                                                  std::size_t n, benchmark::State& state,
                                                  pg::statement_mode mode = pg::statement_mode::named) {
    std::vector<std::unique_ptr<pg::connection>> out;
    auto url = database_url();
    if (url.empty()) {
        state.SkipWithError("set FRAISEQL_TEST_CLUSTER_DIR");
        return out;
    }
    pg::connector_options options;
    options.statements = mode;
    auto c = pg::make_connector(kind, io.get_executor(), url + "?sslmode=disable", options);
    if (!c) {
        state.SkipWithError(c.error().message.c_str());
        return out;
    }
    for (std::size_t i = 0; i < n; ++i) {
        auto conn = run(io, (*c)->connect(pg::clock::now() + std::chrono::seconds(10)));
        if (!conn) {
            state.SkipWithError(conn.error().message.c_str());
            out.clear();
            return out;
        }
        out.push_back(std::move(*conn));
    }
    return out;
}

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    auto k = std::size_t(p * double(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(k), v.end());
    return v[k];
}

/// A statement shaped like the server's "list of 20 with a nested object" (bench/queries):
/// jsonb built per row, a join, a filter, an ORDER BY and a LIMIT, over catalogue tables every
/// database has. Its parse and plan cost is what `statement_cache = unnamed` pays each time.
constexpr std::string_view server_shaped_sql =
    "SELECT jsonb_build_object('name', c.relname, 'kind', c.relkind, 'namespace', "
    "jsonb_build_object('name', n.nspname, 'owner', n.nspowner)) "
    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relpages >= $1::int AND n.nspname <> 'information_schema' "
    "ORDER BY c.oid LIMIT 20";

/// `concurrency` connections, one coroutine each, all on one thread (the server's shape:
/// many requests multiplexed on an io_context). One benchmark iteration = 100 prepared
/// round trips per connection. `mode`: named (cached) or unnamed prepared statements
/// (`statement_cache`, docs/scaling.md); `sql`: what each round trip runs.
void prepared_select(benchmark::State& state, pg::backend_kind kind,
                     pg::statement_mode mode = pg::statement_mode::named,
                     std::string_view sql = "SELECT $1::int") {
    const auto concurrency = std::size_t(state.range(0));
    constexpr int per_iteration = 100;
    asio::io_context io;
    auto conns = open(io, kind, concurrency, state, mode);
    if (conns.empty()) return;
    std::vector<double> latencies_us;
    bool failed = false;
    auto worker = [&](pg::connection& c, int n) -> asio::awaitable<void> {
        counting_sink sink;
        std::string v = sql == server_shaped_sql ? "0" : "42";
        pg::param p = pg::param::text(v);
        pg::statement st{sql, std::span(&p, 1), &sink};
        for (int i = 0; i < n && !failed; ++i) {
            const auto t0 = pg::clock::now();
            auto r = co_await c.run(std::span(&st, 1), t0 + std::chrono::seconds(10));
            latencies_us.push_back(duration<double, std::micro>(pg::clock::now() - t0).count());
            if (!r) failed = true;
        }
    };
    // Warm-up outside the measurement: the statement gets prepared and cached, buffers and
    // Asio's recycled handler memory reach their steady size.
    for (auto& c : conns) asio::co_spawn(io, worker(*c, 3), asio::detached);
    io.restart();
    io.run();
    latencies_us.clear();
    latencies_us.reserve(std::size_t(per_iteration) * concurrency * 1024);
    const std::uint64_t mallocs_before = g_mallocs.load(std::memory_order_relaxed);
    for (auto _ : state) {
        for (auto& c : conns) asio::co_spawn(io, worker(*c, per_iteration), asio::detached);
        io.restart();
        io.run();
        if (failed) break;
    }
    if (failed) {
        state.SkipWithError("query failed");
        return;
    }
    const double requests = double(state.iterations()) * per_iteration * double(concurrency);
    // Includes the benchmark's own co_spawn per worker and latency-vector growth
    // (amortised over 100 round trips); the difference between the backends is the drivers'.
    state.counters["mallocs/rt"] =
        double(g_mallocs.load(std::memory_order_relaxed) - mallocs_before) / requests;
    state.counters["round_trips/s"] = benchmark::Counter(requests, benchmark::Counter::kIsRate);
    state.counters["p50_us"] = percentile(latencies_us, 0.50);
    state.counters["p99_us"] = percentile(latencies_us, 0.99);
}

void stream_jsonb(benchmark::State& state, pg::backend_kind kind) {
    asio::io_context io;
    auto conns = open(io, kind, 1, state);
    if (conns.empty()) return;
    auto& c = conns.front();
    pg::statement st{"SELECT jsonb_build_object('id', g, 'name', 'user ' || g, 'tags', "
                     "jsonb_build_array('a', 'b'), 'active', g % 2 = 0) "
                     "FROM generate_series(1, 100000) g",
                     {}, nullptr};
    std::size_t rows = 0, bytes = 0, peak = 0;
    auto loop = [&]() -> asio::awaitable<bool> {
        for (auto _ : state) {
            counting_sink sink;
            sink.sample_heap = true;
            sink.baseline = heap_in_use();
            st.sink = &sink;
            auto r = co_await c->run(std::span(&st, 1),
                                     pg::clock::now() + std::chrono::seconds(60));
            if (!r || sink.rows != 100000) co_return false;
            rows += sink.rows;
            bytes += sink.bytes;
            peak = std::max(peak, sink.peak_growth);
        }
        co_return true;
    };
    if (!run(io, loop())) state.SkipWithError("stream failed");
    state.counters["rows/s"] = benchmark::Counter(double(rows), benchmark::Counter::kIsRate);
    state.SetBytesProcessed(std::int64_t(bytes));
    state.counters["peak_heap_KiB"] = double(peak) / 1024.0;
}

BENCHMARK_CAPTURE(prepared_select, native, pg::backend_kind::native)
    ->Arg(1)->Arg(16)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(prepared_select, libpq, pg::backend_kind::libpq)
    ->Arg(1)->Arg(16)->UseRealTime()->Unit(benchmark::kMillisecond);
// statement_cache = named vs unnamed (docs/scaling.md "Transaction-mode poolers"): the cost
// of parsing and planning every statement again, on a trivial and on a server-shaped one.
BENCHMARK_CAPTURE(prepared_select, native_unnamed, pg::backend_kind::native,
                  pg::statement_mode::unnamed)
    ->Arg(1)->Arg(16)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(prepared_select, libpq_unnamed, pg::backend_kind::libpq,
                  pg::statement_mode::unnamed)
    ->Arg(1)->Arg(16)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(prepared_select, native_shaped_named, pg::backend_kind::native,
                  pg::statement_mode::named, server_shaped_sql)
    ->Arg(1)->Arg(16)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(prepared_select, native_shaped_unnamed, pg::backend_kind::native,
                  pg::statement_mode::unnamed, server_shaped_sql)
    ->Arg(1)->Arg(16)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(prepared_select, libpq_shaped_named, pg::backend_kind::libpq,
                  pg::statement_mode::named, server_shaped_sql)
    ->Arg(1)->Arg(16)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(prepared_select, libpq_shaped_unnamed, pg::backend_kind::libpq,
                  pg::statement_mode::unnamed, server_shaped_sql)
    ->Arg(1)->Arg(16)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(stream_jsonb, native, pg::backend_kind::native)
    ->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(stream_jsonb, libpq, pg::backend_kind::libpq)
    ->UseRealTime()->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
