// What read routing adds to a request (docs/scaling.md "Measured"): route_read() over two
// usable replicas, and the read-your-writes table's lookup and update at its 100,000-client
// limit. route_read needs replicas the monitor has checked, so it runs against a topology:
//
//   FRAISEQL_BENCH_TOPOLOGY=DIR build/ci/bench/replica_routing_bench
//
// with DIR a running tools/pg-test-topology.sh topology (two standbys). Without it only the
// table's benchmarks run.

#include <cstdlib>
#include <fstream>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "exec/commit_positions.hpp"
#include "fraiseql/pg/pool.hpp"
#include "fraiseql/pg/replica_set.hpp"

namespace {

namespace asio = boost::asio;
using namespace fraiseql;

std::string env_value(const std::string& dir, const std::string& key) {
    std::ifstream in(dir + "/env");
    for (std::string line; std::getline(in, line);)
        if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
    return {};
}

void BM_route_read_two_replicas(benchmark::State& state) {
    const char* dir = std::getenv("FRAISEQL_BENCH_TOPOLOGY");
    if (!dir) {
        state.SkipWithError("FRAISEQL_BENCH_TOPOLOGY is not set");
        return;
    }
    asio::io_context io;
    auto make = [&](const std::string& port) {
        auto c = pg::make_connector(pg::backend_kind::native, io.get_executor(),
                                    "postgres://postgres@127.0.0.1:" + port + "/postgres");
        return pg::pool::create(io.get_executor(), std::move(*c), {});
    };
    auto set = pg::replica_set::create(
        io.get_executor(), make(env_value(dir, "FRAISEQL_TEST_PORT")),
        {make(env_value(dir, "FRAISEQL_TEST_STANDBY1_PORT")),
         make(env_value(dir, "FRAISEQL_TEST_STANDBY2_PORT"))});
    auto done = asio::co_spawn(io, set->check_now(), asio::use_future);
    // Not io.run(): the pools' upkeep keeps it busy for as long as they live.
    while (done.wait_for(std::chrono::seconds(0)) != std::future_status::ready) io.run_one();
    done.get();
    for (const auto& s : set->status())
        if (!s.eligible) {
            state.SkipWithError(("a replica is not usable: " + s.last_error).c_str());
            return;
        }
    for (auto _ : state) {
        auto r = set->route_read(0);
        benchmark::DoNotOptimize(r);
    }
    set->close();
}
BENCHMARK(BM_route_read_two_replicas);

void BM_positions_required_full_table(benchmark::State& state) {
    exec::commit_positions p(std::chrono::seconds(60), 100'000);
    const auto now = exec::commit_positions::clock::now();
    std::vector<std::string> ids;
    for (int i = 0; i < 100'000; ++i) ids.push_back("user-" + std::to_string(i));
    for (std::size_t i = 0; i < ids.size(); ++i) p.remember(ids[i], 1000 + i, now);
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(p.required(ids[i], now));
        i = (i + 7919) % ids.size();
    }
}
BENCHMARK(BM_positions_required_full_table);

void BM_positions_remember_full_table(benchmark::State& state) {
    exec::commit_positions p(std::chrono::seconds(60), 100'000);
    const auto now = exec::commit_positions::clock::now();
    std::vector<std::string> ids;
    for (int i = 0; i < 200'000; ++i) ids.push_back("user-" + std::to_string(i));
    std::size_t i = 0;
    for (auto _ : state) {
        p.remember(ids[i], 1000 + i, now); // half new identities: evictions included
        i = (i + 7919) % ids.size();
    }
}
BENCHMARK(BM_positions_remember_full_table);

} // namespace

BENCHMARK_MAIN();
