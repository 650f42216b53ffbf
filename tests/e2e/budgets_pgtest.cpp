// product.md §9 "every request's work is bounded", against the real server over loopback
// with one I/O thread (`threads = 1`, so one busy front end would stall every client):
// fragment bombs, 5,000 fragments and a 3,000-fragment chain are refused with 400
// QUERY_TOO_COMPLEX for little CPU (the server process's utime + stime from
// /proc/<pid>/stat), its RSS comes back afterwards, /health answers throughout; a large
// document does not delay a concurrent small query; a where with 10,000 conditions is
// refused before any connection is taken (the pool's acquire counter in /metrics), an
// `in` list of 5,000 values is one condition; a multi-root query takes a bounded number
// of connections; a batch at max_batch_size is answered, one over it refused.
// Both backends, against the example blog (tests/CMakeLists.txt loads it).

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "support/cluster.hpp"
#include "support/server_process.hpp"
#include "support/sql.hpp"

namespace fraiseql::test {
namespace {

using namespace std::chrono_literals;

/// CPU time the whole process has used (all threads), in ms.
double process_cpu_ms(pid_t pid) { return process_cpu_seconds(pid) * 1000.0; }

/// The value of a Prometheus sample line (`name{labels} value`) in /metrics text, or -1.
long sample(const std::string& metrics, const std::string& name) {
    auto pos = metrics.find("\n" + name + " ");
    if (pos == std::string::npos) return -1;
    return std::stol(metrics.substr(pos + name.size() + 2));
}

std::string body_of(const std::string& query, const boost::json::value& variables = nullptr) {
    return boost::json::serialize(boost::json::object{{"query", query}, {"variables", variables}});
}

/// The issue's 1.2 KB bomb: F<k> spreads F<k-1> twice, 30 levels (2^30 selections).
std::string doubling_bomb() {
    std::string t = "query { users { ...F30 } }\nfragment F0 on User { id }\n";
    for (int k = 1; k <= 30; ++k)
        t += "fragment F" + std::to_string(k) + " on User { ...F" + std::to_string(k - 1) +
             " ...F" + std::to_string(k - 1) + " }\n";
    return t;
}

std::string many_fragments(int n) {
    std::string t = "query { users {";
    for (int i = 0; i < n; ++i) t += " ...F" + std::to_string(i);
    t += " } }\n";
    for (int i = 0; i < n; ++i) t += "fragment F" + std::to_string(i) + " on User { id email }\n";
    return t;
}

std::string chain(int n) {
    std::string t = "query { users { ...F" + std::to_string(n) + " } }\nfragment F0 on User { id }\n";
    for (int k = 1; k <= n; ++k)
        t += "fragment F" + std::to_string(k) + " on User { ...F" + std::to_string(k - 1) + " }\n";
    return t;
}

/// A large but valid document (~480 KB, under the parser's 100,000 tokens): an `in` list
/// of 60,000 integers, each parsed, validated and coerced.
std::string large_valid_document() {
    std::string t = "{ users(limit: 1, where: {age: {in: [";
    for (int i = 0; i < 60'000; ++i) t += std::to_string(1'000'000 + i) + ",";
    t += "]}}) { id } }";
    return t;
}

const char* const small_query = "{ users(limit: 1, orderBy: [{email: ASC}]) { email } }";

class budgets_e2e : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override { FRAISEQL_REQUIRE_CLUSTER(); }
    void start(std::vector<std::string> env = {}) {
        env.push_back("FRAISEQL_THREADS=1");
        server_ = std::make_unique<server_process>(
            std::vector<std::string>{
                "--schema", std::string(FRAISEQL_SOURCE_DIR) + "/examples/blog/schema.graphql",
                "--database-url", database_url_for("fraiseql_e2e"), "--backend",
                std::string(pg::to_string(GetParam()))},
            std::move(env));
        ASSERT_TRUE(server_->ok()) << server_->log();
    }
    unsigned short port() const { return server_->port(); }
    pid_t pid() const { return server_->pid(); }
    std::string metrics() {
        auto m = http_request(port(), "GET", "/metrics");
        EXPECT_EQ(m.status, 200);
        return m.body;
    }
    /// A small query answered correctly; returns its wall-clock latency in ms.
    double timed_small_query() {
        const auto t0 = std::chrono::steady_clock::now();
        auto r = post_graphql(port(), body_of(small_query));
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        EXPECT_EQ(r.status, 200) << r.body;
        EXPECT_NE(r.body.find("\"email\":"), std::string::npos) << r.body;
        return ms;
    }
    std::unique_ptr<server_process> server_;
};

TEST_P(budgets_e2e, hostile_documents_are_refused_for_little_cpu_and_memory_comes_back) {
    start();
    // Warm up (pool, caches, allocator) so that the RSS baseline is the steady state.
    for (int i = 0; i < 5; ++i) timed_small_query();
    const long rss_before = proc_status_kb(pid(), "VmRSS");
    struct hostile {
        const char* name;
        std::string doc;
        const char* message;
    };
    const std::vector<hostile> cases = {
        {"doubling bomb", doubling_bomb(),
         "Query has 1073741825 field selections after expanding fragments; the limit "
         "(max_fields) is 10000."},
        {"5,000 fragments", many_fragments(5000),
         "Query has 10001 field selections after expanding fragments; the limit (max_fields) "
         "is 10000."},
        {"3,000-fragment chain", chain(3000),
         "Fragment nesting is too deep: fragment spreads nest more than 64 levels."},
    };
    EXPECT_LT(cases[0].doc.size(), 1300u) << "the issue's 1.2 KB document";
    for (int round = 0; round < 3; ++round) {
        for (const auto& h : cases) {
            SCOPED_TRACE(h.name);
            const std::string body = body_of(h.doc);
            const double cpu0 = process_cpu_ms(pid());
            auto r = post_graphql(port(), body);
            const double cpu = process_cpu_ms(pid()) - cpu0;
            EXPECT_EQ(r.status, 400) << r.body.substr(0, 300);
            EXPECT_NE(r.body.find("\"QUERY_TOO_COMPLEX\""), std::string::npos) << r.body.substr(0, 300);
            EXPECT_NE(r.body.find(h.message), std::string::npos) << r.body.substr(0, 300);
            // The whole request: HTTP, JSON, parse, count (the issue: 4 GiB and no answer).
            EXPECT_LT(cpu, 100.0) << "server CPU ms for " << h.name << " (" << body.size()
                                  << " bytes)";
            if (round == 0)
                std::printf("%s: %zu bytes, %.0f ms server CPU\n", h.name, body.size(), cpu);
            auto health = http_request(port(), "GET", "/health");
            EXPECT_EQ(health.status, 200);
        }
    }
    // The memory comes back (the issue: 1 GB kept after 5,000 fragments). The trim runs
    // 50 ms after a large request; allow for a loaded machine.
    long rss_after = 0;
    for (int i = 0; i < 20; ++i) {
        std::this_thread::sleep_for(100ms);
        rss_after = proc_status_kb(pid(), "VmRSS");
        if (rss_after - rss_before < 8 * 1024) break;
    }
    std::printf("RSS before %ld KiB, after 9 hostile requests %ld KiB\n", rss_before, rss_after);
    EXPECT_LT(rss_after - rss_before, 8 * 1024)
        << "RSS KiB before " << rss_before << ", after " << rss_after;
    timed_small_query();
}

TEST_P(budgets_e2e, a_large_document_does_not_delay_small_queries) {
    start();
    const std::string heavy = body_of(large_valid_document());
    ASSERT_GT(heavy.size(), 450'000u);
    // The large document is valid and answered (no user has such an age: empty list).
    // Its cost is the least CPU of three answers: on a machine busy with other work the
    // process's CPU time also counts cache and frequency effects of the neighbours, which only
    // ever add; a document that costs more than the budget exceeds it every time.
    {
        double cpu = 1e9;
        for (int i = 0; i < 3; ++i) {
            const double cpu0 = process_cpu_ms(pid());
            auto r = post_graphql(port(), heavy);
            cpu = std::min(cpu, process_cpu_ms(pid()) - cpu0);
            ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
            EXPECT_EQ(r.body, R"({"data":{"users":[]}})");
        }
        EXPECT_LT(cpu, 250.0) << "server CPU ms for a " << heavy.size() << "-byte document";
        std::printf("large document: %zu bytes, %.0f ms server CPU (least of 3)\n", heavy.size(), cpu);
    }
    // The small queries' latency alone (the machine's own noise), then beside two clients
    // that send the large document back to back.
    // The probe is a small query the I/O thread answers alone (`__typename`: no
    // PostgreSQL backend to wake), so what it measures is the I/O thread's availability.
    const std::string probe = body_of("{ __typename }");
    auto timed_probe = [&] {
        const auto t0 = std::chrono::steady_clock::now();
        auto r = post_graphql(port(), probe);
        const double ms = std::chrono::duration<double, std::milli>(
                              std::chrono::steady_clock::now() - t0)
                              .count();
        EXPECT_EQ(r.body, R"({"data":{"__typename":"Query"}})");
        return ms;
    };
    auto measure = [&](std::chrono::milliseconds how_long) {
        std::vector<double> l;
        const auto until = std::chrono::steady_clock::now() + how_long;
        while (std::chrono::steady_clock::now() < until) {
            // Hundreds of requests log a line each: read them, or the server blocks
            // writing to a full pipe (the harness reads its output only when asked).
            if (l.size() % 32 == 0) (void)server_->log();
            l.push_back(timed_probe());
            std::this_thread::sleep_for(2ms);
        }
        std::sort(l.begin(), l.end());
        return l;
    };
    auto pct = [](const std::vector<double>& l, double p) {
        return l[std::min(l.size() - 1, static_cast<std::size_t>(p * static_cast<double>(l.size())))];
    };
    const auto alone = measure(1000ms);
    std::atomic<bool> stop{false};
    std::atomic<int> heavy_done{0}, heavy_bad{0};
    auto hammer = [&] {
        while (!stop) {
            auto r = post_graphql(port(), heavy);
            (r.status == 200 ? heavy_done : heavy_bad)++;
        }
    };
    std::thread a(hammer), b(hammer);
    std::this_thread::sleep_for(200ms);
    const auto beside = measure(2000ms);
    stop = true;
    a.join();
    b.join();
    std::printf("small queries alone: %zu, median %.1f ms, p90 %.1f ms, max %.1f ms\n",
                alone.size(), pct(alone, 0.5), pct(alone, 0.9), alone.back());
    const auto slow = std::count_if(beside.begin(), beside.end(), [](double ms) { return ms > 100.0; });
    std::printf("beside large documents: %zu, median %.1f ms, p90 %.1f ms, max %.1f ms, %zd over "
                "100 ms; %d large documents answered\n",
                beside.size(), pct(beside, 0.5), pct(beside, 0.9), beside.back(),
                static_cast<std::ptrdiff_t>(slow), heavy_done.load());
    EXPECT_EQ(heavy_bad, 0);
    EXPECT_GE(heavy_done, 2) << "the large documents ran meanwhile";
    // product.md §9: delayed by at most 100 ms. Planned on the I/O thread instead, each
    // large document stalls it for its whole front end (~100-150 ms of CPU here): with the
    // worker disabled, 4 probes of ~200 took more than 100 ms (the worst 240-420 ms), on
    // both backends. With it, none did on a quiet machine (worst 30-75 ms); one isolated
    // probe is tolerated because this machine's scheduling alone delays one now and then
    // (measured: the worst probe with no large document running reached 128 ms while five
    // builds shared the two cores).
    EXPECT_LE(slow, 1) << "probes delayed more than 100 ms";
    EXPECT_LT(pct(beside, 0.99), 100.0);
    // Small queries that do reach PostgreSQL are answered correctly meanwhile too (their
    // latency also includes PostgreSQL's own scheduling on the shared cores: not bounded).
    std::atomic<bool> stop2{false};
    std::thread c([&] {
        while (!stop2) post_graphql(port(), heavy);
    });
    for (int i = 0; i < 10; ++i) timed_small_query();
    stop2 = true;
    c.join();
}

TEST_P(budgets_e2e, filter_conditions_are_counted_before_any_sql) {
    start();
    timed_small_query();
    // 10,000 ANDed conditions, passed as a variable.
    boost::json::array and_;
    for (int i = 0; i < 10'000; ++i)
        and_.push_back(boost::json::object{{"age", boost::json::object{{"neq", i}}}});
    const std::string q = "query ($w: UserWhereInput) { users(where: $w) { id } }";
    const long acquired0 = sample(metrics(), "fraiseql_pool_events_total{event=\"acquired\"}");
    ASSERT_GE(acquired0, 1);
    const double cpu0 = process_cpu_ms(pid());
    auto r = post_graphql(port(), body_of(q, boost::json::object{{"w", {{"AND", and_}}}}));
    const double cpu = process_cpu_ms(pid()) - cpu0;
    EXPECT_EQ(r.status, 400) << r.body.substr(0, 300);
    EXPECT_NE(r.body.find("The where argument of \\\"users\\\" has more than 1000 conditions; the "
                          "limit (max_filter_conditions) is 1000."),
              std::string::npos)
        << r.body.substr(0, 300);
    EXPECT_NE(r.body.find("\"QUERY_TOO_COMPLEX\""), std::string::npos);
    EXPECT_LT(cpu, 250.0);
    // The same as a literal.
    std::string literal = "{ users(where: {AND: [";
    for (int i = 0; i < 10'000; ++i) literal += "{age: {neq: " + std::to_string(i) + "}} ";
    literal += "]}) { id } }";
    auto l = post_graphql(port(), body_of(literal));
    EXPECT_EQ(l.status, 400);
    EXPECT_NE(l.body.find("max_filter_conditions"), std::string::npos) << l.body.substr(0, 300);
    // No connection was taken for either: no SQL reached PostgreSQL.
    EXPECT_EQ(sample(metrics(), "fraiseql_pool_events_total{event=\"acquired\"}"), acquired0);

    // An `in` list of 5,000 values is one condition; with 999 more it is at the limit.
    boost::json::array ages, more;
    for (int i = 0; i < 5000; ++i) ages.push_back(200 + i);
    boost::json::array conds{boost::json::object{{"age", {{"in", ages}}}}};
    for (int i = 0; i < 999; ++i) conds.push_back(boost::json::object{{"age", {{"neq", -1 - i}}}});
    auto ok = post_graphql(port(), body_of(q, boost::json::object{{"w", {{"AND", conds}}}}));
    EXPECT_EQ(ok.status, 200) << ok.body.substr(0, 300);
    EXPECT_EQ(ok.body, R"({"data":{"users":[]}})");
    conds.push_back(boost::json::object{{"age", {{"neq", -5000}}}});
    auto over = post_graphql(port(), body_of(q, boost::json::object{{"w", {{"AND", conds}}}}));
    EXPECT_EQ(over.status, 400) << over.body.substr(0, 300);
    EXPECT_EQ(http_request(port(), "GET", "/health").status, 200);
}

TEST_P(budgets_e2e, many_root_fields_take_a_bounded_number_of_connections) {
    start({"FRAISEQL_POOL_SIZE=2", "FRAISEQL_POOL_TIMEOUT=3s"});
    // 30 root fields (max_aliases), each its own statement.
    std::string q = "{";
    for (int i = 0; i < 30; ++i)
        q += " r" + std::to_string(i) + ": users(limit: 2, orderBy: [{email: ASC}]) { email }";
    q += " }";
    const std::string body = body_of(q);
    auto first = post_graphql(port(), body);
    ASSERT_EQ(first.status, 200) << first.body.substr(0, 300);
    boost::json::value want = boost::json::parse(first.body);
    ASSERT_TRUE(want.as_object().contains("data"));
    ASSERT_FALSE(want.as_object().contains("errors")) << first.body.substr(0, 300);
    const auto& r0 = want.at("data").at("r0");
    for (int i = 1; i < 30; ++i) EXPECT_EQ(want.at("data").at("r" + std::to_string(i)), r0);

    constexpr int clients = 4;
    std::atomic<int> good{0}, bad{0};
    std::atomic<bool> running{true};
    std::vector<std::thread> ts;
    for (int c = 0; c < clients; ++c)
        ts.emplace_back([&] {
            for (int k = 0; k < 5; ++k) {
                auto r = post_graphql(port(), body);
                boost::system::error_code ec;
                auto v = boost::json::parse(r.body, ec);
                (r.status == 200 && !ec && v == want ? good : bad)++;
            }
        });
    // Meanwhile: the pool's waiters stay bounded by one lane per request (pool_size 2:
    // one connection at a time per request), never 30 per request; small queries pass.
    long most_waiting = 0;
    std::thread watcher([&] {
        for (int n = 0; running; ++n) {
            if (n % 32 == 0) (void)server_->log(); // keep the server's output pipe drained
            most_waiting = std::max(most_waiting, sample(metrics(), "fraiseql_pool_waiting"));
            std::this_thread::sleep_for(5ms);
        }
    });
    for (int i = 0; i < 5; ++i) timed_small_query();
    for (auto& t : ts) t.join();
    running = false;
    watcher.join();
    EXPECT_EQ(good, clients * 5);
    EXPECT_EQ(bad, 0);
    EXPECT_LE(most_waiting, clients + 1) << "waiters seen in /metrics";
    auto m = metrics();
    EXPECT_EQ(sample(m, "fraiseql_pool_events_total{event=\"timeout\"}"), 0);
    EXPECT_LE(sample(m, "fraiseql_pool_events_total{event=\"created\"}"), 2);
}

TEST_P(budgets_e2e, a_batch_at_max_batch_size_is_answered_and_one_over_is_refused) {
    start({"FRAISEQL_MAX_BATCH_SIZE=5"});
    auto batch = [](int n) {
        boost::json::array a;
        for (int i = 0; i < n; ++i)
            a.push_back(boost::json::object{{"query", small_query}});
        return boost::json::serialize(a);
    };
    auto at = post_graphql(port(), batch(5));
    ASSERT_EQ(at.status, 200) << at.body;
    auto v = boost::json::parse(at.body);
    ASSERT_TRUE(v.is_array());
    ASSERT_EQ(v.as_array().size(), 5u);
    for (const auto& one : v.as_array())
        EXPECT_TRUE(one.at("data").at("users").is_array()) << boost::json::serialize(one);
    // The response is bounded by max_batch_size operations of bounded size each.
    EXPECT_LT(at.body.size(), 5 * 200u);
    auto over = post_graphql(port(), batch(6));
    EXPECT_EQ(over.status, 400) << over.body;
    EXPECT_NE(over.body.find("max_batch_size"), std::string::npos) << over.body;
    // A batch of hostile documents: each refused, the batch answered at once.
    boost::json::array hostile;
    for (int i = 0; i < 5; ++i) hostile.push_back(boost::json::object{{"query", doubling_bomb()}});
    const double cpu0 = process_cpu_ms(pid());
    auto h = post_graphql(port(), boost::json::serialize(hostile));
    EXPECT_LT(process_cpu_ms(pid()) - cpu0, 100.0);
    EXPECT_EQ(h.status, 200) << h.body.substr(0, 300);
    auto hv = boost::json::parse(h.body);
    ASSERT_EQ(hv.as_array().size(), 5u);
    for (const auto& one : hv.as_array())
        EXPECT_EQ(one.at("errors").at(0).at("extensions").at("code"), "QUERY_TOO_COMPLEX");
}

INSTANTIATE_TEST_SUITE_P(backends, budgets_e2e, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test
