// HTTP fault scenarios against the real server over loopback (issue 13 scopes 2 and 4,
// docs/reliability.md §4.5): slowloris, slow upload, idle keep-alive, thousands of idle
// sockets, max_connections, EMFILE, a chunked upload over the limit, pipelining, a client
// that disconnects mid-query (the statement is cancelled on PostgreSQL) and slow readers
// (cut after write_timeout, their database connections released). Both backends.
//
// Every test asserts what the client gets (status or close), a time bound, that the
// server still serves afterwards, and, where it matters, memory or CPU. Time bounds are
// generous: other suites build and run on the same two cores.

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/json/parse.hpp>
#include <boost/beast/http.hpp>

#include "support/cluster.hpp"
#include "support/raw_client.hpp"
#include "support/server_process.hpp"
#include "support/sql.hpp"

namespace fraiseql::test {
namespace {

namespace bhttp = boost::beast::http;
using clk = std::chrono::steady_clock;
using namespace std::chrono_literals;

double seconds_between(clk::time_point a, clk::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}



using client = raw_client;

/// Parses the complete HTTP responses at the start of `data`, in order.
std::vector<bhttp::response<bhttp::string_body>> parse_responses(std::string_view data) {
    std::vector<bhttp::response<bhttp::string_body>> out;
    while (!data.empty()) {
        bhttp::response_parser<bhttp::string_body> p;
        p.eager(true);
        p.body_limit(1ull << 32);
        std::size_t used = 0;
        while (!p.is_done()) {
            boost::system::error_code ec;
            const auto n = p.put(boost::asio::buffer(data.data() + used, data.size() - used), ec);
            used += n;
            if (ec == bhttp::error::need_more && n > 0)
                continue;
            if (ec || n == 0)
                return out;
        }
        out.push_back(p.release());
        data.remove_prefix(used);
    }
    return out;
}

/// Reads one complete response from a keep-alive connection (status 0 on failure).
bhttp::response<bhttp::string_body> read_one_response(client& c, std::chrono::milliseconds limit) {
    std::string data;
    const auto until = clk::now() + limit;
    while (clk::now() < until) {
        auto r = parse_responses(data);
        if (!r.empty())
            return r.front();
        pollfd p{c.fd, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0)
            continue;
        char buf[65536];
        const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
        if (n <= 0)
            break;
        data.append(buf, static_cast<std::size_t>(n));
    }
    return {};
}

std::string post_request(const std::string& body, bool close = true) {
    return "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n" +
           body;
}

/// Polls `pred` every 50 ms until it holds or `limit` passes; returns whether it held.
template <class Pred> bool eventually(std::chrono::milliseconds limit, Pred pred) {
    const auto until = clk::now() + limit;
    while (clk::now() < until) {
        if (pred())
            return true;
        std::this_thread::sleep_for(50ms);
    }
    return pred();
}

const std::string timeouts_header = R"(fraiseql_http_timeouts_total{phase="header"})";
const std::string timeouts_body = R"(fraiseql_http_timeouts_total{phase="body"})";
const std::string timeouts_write = R"(fraiseql_http_timeouts_total{phase="write"})";
const std::string timeouts_keepalive = R"(fraiseql_http_timeouts_total{phase="keepalive"})";
const std::string pool_in_use = R"(fraiseql_pool_connections{state="in_use"})";
const std::string big_query = R"({"query":"{ big(limit: 100000) { id payload } }"})";
const std::string two_rows = R"({"query":"{ big(limit: 2) { id } }"})";
const std::string two_rows_data = R"({"data":{"big":[{"id":1},{"id":2}]}})";

class http_limits : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    static void SetUpTestSuite() {
        if (!cluster_available())
            return;
        setup_error_ = exec_script(
            database_url_for("fraiseql_e2e"),
            read_text_file(std::string(FRAISEQL_SOURCE_DIR) + "/tests/chaos/http_limits.sql"));
    }
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        ASSERT_EQ(setup_error_, "");
    }
    /// Marks this process's server connections in pg_stat_activity (tests of both
    /// backends run at the same time).
    std::string application_name() const {
        return "chaos_http_" + std::string(pg::to_string(GetParam())) + "_" +
               std::to_string(::getpid());
    }
    void start(std::vector<std::string> env = {}, process_options options = {}) {
        const std::string schema =
            std::string(FRAISEQL_SOURCE_DIR) + "/tests/chaos/http_limits.graphql";
        const std::string url =
            database_url_for("fraiseql_e2e") + "?application_name=" + application_name();
        server_.reset();
        server_ = std::make_unique<server_process>(
            std::vector<std::string>{"--schema", schema, "--database-url", url, "--backend",
                                     std::string(pg::to_string(GetParam()))},
            std::move(env), options);
        ASSERT_TRUE(server_->ok()) << server_->log();
    }
    unsigned short port() const { return server_->port(); }
    /// The server still answers /health and a database query.
    void expect_serving() {
        EXPECT_EQ(http_request(port(), "GET", "/health").status, 200);
        auto r = post_graphql(port(), two_rows);
        EXPECT_EQ(r.status, 200) << r.error;
        EXPECT_EQ(r.body, two_rows_data);
    }
    std::unique_ptr<server_process> server_;
    static inline std::string setup_error_;
};

// Slowloris: the request head dribbled a byte at a time never completes; header_timeout
// (1 s here) answers 408 and closes. A connection that sends nothing at all is closed
// without a response after the same time. Another client is served meanwhile.
TEST_P(http_limits, slowloris_gets_408_after_header_timeout) {
    start({"FRAISEQL_HEADER_TIMEOUT=1s"});
    client slow(port()), silent(port());
    ASSERT_GE(slow.fd, 0);
    ASSERT_GE(silent.fd, 0);
    const auto t0 = clk::now();
    ASSERT_TRUE(slow.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    std::atomic<bool> done{false};
    std::thread dribbler([&] {
        const std::string header = "X-Slow: " + std::string(100, 'a');
        for (std::size_t i = 0; i < header.size() && !done; ++i) {
            if (!slow.send(header.substr(i, 1)))
                break;
            std::this_thread::sleep_for(100ms);
        }
    });
    const auto h0 = clk::now();
    EXPECT_EQ(http_request(port(), "GET", "/health").status, 200);
    EXPECT_LT(seconds_between(h0, clk::now()), 1.0);
    auto out = slow.read_until_closed(8s);
    done = true;
    dribbler.join();
    ASSERT_TRUE(out.closed) << "still open after 8 s";
    std::printf("slowloris closed %.3f s after it connected\n", seconds_between(t0, out.when));
    EXPECT_GE(seconds_between(t0, out.when), 0.9);
    EXPECT_LT(seconds_between(t0, out.when), 4.0);
    EXPECT_EQ(out.data.rfind("HTTP/1.1 408 ", 0), 0u) << out.data;
    auto quiet = silent.read_until_closed(8s);
    ASSERT_TRUE(quiet.closed);
    EXPECT_EQ(quiet.data, "");
    EXPECT_LT(seconds_between(t0, quiet.when), 4.0);
    EXPECT_GE(metric(port(), timeouts_header), 2);
    expect_serving();
}

// Slow upload: the headers arrive, the body is dribbled; body_timeout (1 s) answers 408.
TEST_P(http_limits, slow_upload_gets_408_after_body_timeout) {
    start({"FRAISEQL_BODY_TIMEOUT=1s"});
    client c(port());
    ASSERT_GE(c.fd, 0);
    const auto t0 = clk::now();
    ASSERT_TRUE(
        c.send("POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               "Content-Length: 1000\r\n\r\n{"));
    std::atomic<bool> done{false};
    std::thread dribbler([&] {
        for (int i = 0; i < 100 && !done; ++i) {
            if (!c.send(" "))
                break;
            std::this_thread::sleep_for(100ms);
        }
    });
    auto out = c.read_until_closed(8s);
    done = true;
    dribbler.join();
    ASSERT_TRUE(out.closed);
    std::printf("slow upload closed %.3f s after it connected\n", seconds_between(t0, out.when));
    EXPECT_GE(seconds_between(t0, out.when), 0.9);
    EXPECT_LT(seconds_between(t0, out.when), 4.0);
    EXPECT_EQ(out.data.rfind("HTTP/1.1 408 ", 0), 0u) << out.data;
    EXPECT_GE(metric(port(), timeouts_body), 1);
    expect_serving();
}

// An idle keep-alive connection is closed after keepalive_timeout (1 s), well before the
// header_timeout (10 s) that governs a request once its first byte is in; a second
// request inside the timeout is served on the same connection.
TEST_P(http_limits, idle_keepalive_connection_closes_after_keepalive_timeout) {
    start({"FRAISEQL_KEEPALIVE_TIMEOUT=1s", "FRAISEQL_HEADER_TIMEOUT=10s"});
    client c(port());
    ASSERT_GE(c.fd, 0);
    const std::string get = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    ASSERT_TRUE(c.send(get));
    EXPECT_EQ(read_one_response(c, 3s).result_int(), 200u);
    std::this_thread::sleep_for(300ms);
    ASSERT_TRUE(c.send(get));
    EXPECT_EQ(read_one_response(c, 3s).result_int(), 200u);
    const auto t0 = clk::now();
    auto out = c.read_until_closed(8s);
    ASSERT_TRUE(out.closed);
    std::printf("idle keep-alive closed %.3f s after its last response\n",
                seconds_between(t0, out.when));
    EXPECT_EQ(out.data, "");
    EXPECT_GE(seconds_between(t0, out.when), 0.8);
    EXPECT_LT(seconds_between(t0, out.when), 4.0);
    EXPECT_GE(metric(port(), timeouts_keepalive), 1);
    expect_serving();
}

// 2,000 idle sockets: all accepted, a normal client is still served fast, memory per idle
// socket is small, and all of them are closed after header_timeout (4 s).
TEST_P(http_limits, thousands_of_idle_sockets_are_cheap_and_closed_after_header_timeout) {
    rlimit lim{};
    ::getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
    ASSERT_GE(lim.rlim_cur, 2200u) << "the test needs 2,000 descriptors";
    start({"FRAISEQL_HEADER_TIMEOUT=4s"});
    expect_serving(); // warm: the pool's connection, the plan cache
    const long rss0 = proc_status_kb(server_->pid(), "VmRSS");
    constexpr int n = 2000;
    std::vector<std::unique_ptr<client>> idle;
    idle.reserve(n);
    const auto t0 = clk::now();
    for (int i = 0; i < n; ++i) {
        idle.push_back(std::make_unique<client>(port()));
        ASSERT_GE(idle.back()->fd, 0) << "connect " << i;
    }
    // All accepted (the scrape's own connection is the +1).
    ASSERT_TRUE(eventually(3s, [&] {
        return metric(port(), "fraiseql_http_connections") >= n + 1;
    })) << metric(port(), "fraiseql_http_connections");
    const long rss1 = proc_status_kb(server_->pid(), "VmRSS");
    const auto q0 = clk::now();
    auto r = post_graphql(port(), two_rows);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, two_rows_data);
    EXPECT_LT(seconds_between(q0, clk::now()), 1.0);
    const double per_socket = double(rss1 - rss0) * 1024 / n;
    std::printf("RSS %ld kB -> %ld kB with %d idle sockets: %.0f bytes each\n", rss0, rss1, n,
                per_socket);
    EXPECT_LT(per_socket, 16 * 1024);
    // Closed by header_timeout: every socket sees end of stream, none a response.
    int closed = 0;
    for (auto& c : idle) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(t0 + 10s - clk::now());
        auto out = c->read_until_closed(std::max(left, std::chrono::milliseconds(1)));
        closed += out.closed && out.data.empty();
    }
    EXPECT_EQ(closed, n);
    std::printf("%d idle sockets all closed %.3f s after the first connected\n", n,
                seconds_between(t0, clk::now()));
    EXPECT_LT(seconds_between(t0, clk::now()), 10.0);
    EXPECT_TRUE(eventually(2s, [&] { return metric(port(), "fraiseql_http_connections") == 1; }));
    EXPECT_GE(metric(port(), timeouts_header), n);
    expect_serving();
}

// max_connections = 50: the 51st connection is closed at once (with a best-effort 503)
// and counted; after some close, new connections are accepted again.
TEST_P(http_limits, connections_beyond_max_connections_are_closed_at_once_and_counted) {
    start({"FRAISEQL_MAX_CONNECTIONS=50"});
    std::vector<std::unique_ptr<client>> held;
    for (int i = 0; i < 50; ++i) {
        held.push_back(std::make_unique<client>(port()));
        ASSERT_GE(held.back()->fd, 0);
    }
    std::this_thread::sleep_for(300ms); // all 50 accepted
    client extra(port());
    ASSERT_GE(extra.fd, 0);
    const auto t0 = clk::now();
    auto out = extra.read_until_closed(3s);
    ASSERT_TRUE(out.closed) << "the 51st connection was kept open";
    std::printf("connection over max_connections closed after %.3f s, %s\n",
                seconds_between(t0, out.when), out.data.empty() ? "no bytes" : "a 503");
    EXPECT_LT(seconds_between(t0, out.when), 1.0);
    EXPECT_TRUE(out.data.empty() || out.data.rfind("HTTP/1.1 503 ", 0) == 0) << out.data;
    for (int i = 0; i < 10; ++i)
        held.pop_back();
    EXPECT_TRUE(
        eventually(3s, [&] { return http_request(port(), "GET", "/health").status == 200; }));
    EXPECT_GE(metric(port(), "fraiseql_http_connections_rejected_total"), 1);
    const double open = metric(port(), "fraiseql_http_connections");
    EXPECT_GE(open, 41);
    EXPECT_LE(open, 42);
    expect_serving();
}

// EMFILE: the server runs with 64 descriptors (soft = hard, so it cannot raise them) and
// is flooded with connections. Accept fails, backs off instead of spinning (CPU time over
// two seconds), logs rate-limited, an open keep-alive connection is still served, and
// once the flood is gone new connections are accepted again.
TEST_P(http_limits, emfile_backs_off_without_spinning_and_recovers) {
    process_options options;
    options.open_files = 64;
    start({}, options);
    client keep(port());
    ASSERT_GE(keep.fd, 0);
    const std::string get_metrics = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    ASSERT_TRUE(keep.send(get_metrics));
    ASSERT_EQ(read_one_response(keep, 3s).result_int(), 200u);
    std::vector<std::unique_ptr<client>> flood;
    for (int i = 0; i < 120; ++i) {
        flood.push_back(std::make_unique<client>(port()));
        ASSERT_GE(flood.back()->fd, 0); // the kernel's backlog completes the handshake
    }
    std::this_thread::sleep_for(500ms);
    const double cpu0 = process_cpu_seconds(server_->pid());
    std::this_thread::sleep_for(2s);
    const double cpu = process_cpu_seconds(server_->pid()) - cpu0;
    std::printf("server CPU during 2 s of EMFILE: %.3f s\n", cpu);
    EXPECT_LT(cpu, 0.4) << "accept is spinning";
    ASSERT_TRUE(keep.send(get_metrics));
    auto m = read_one_response(keep, 3s);
    ASSERT_EQ(m.result_int(), 200u);
    const std::string sample = "\nfraiseql_http_accept_errors_total ";
    const auto at = m.body().find(sample);
    ASSERT_NE(at, std::string::npos);
    EXPECT_GE(std::stod(m.body().substr(at + sample.size())), 1);
    const std::string log = server_->log();
    std::size_t lines = 0;
    for (auto p = log.find("accept failed"); p != std::string::npos;
         p = log.find("accept failed", p + 1))
        ++lines;
    EXPECT_GE(lines, 1u);
    EXPECT_LE(lines, 2u) << "accept errors are not rate-limited";
    flood.clear();
    const auto t0 = clk::now();
    EXPECT_TRUE(
        eventually(5s, [&] { return http_request(port(), "GET", "/health").status == 200; }));
    std::printf("served again %.3f s after the flood closed\n", seconds_between(t0, clk::now()));
    expect_serving();
}

// A chunked upload beyond max_body_size (no Content-Length to refuse up front): 413, and
// the connection is closed.
TEST_P(http_limits, chunked_upload_over_max_body_size_gets_413_and_close) {
    start({"FRAISEQL_MAX_BODY_SIZE=4096"});
    client c(port());
    ASSERT_GE(c.fd, 0);
    std::string req =
        "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 4; ++i)
        req += "7d0\r\n" + std::string(2000, ' ') + "\r\n";
    req += "0\r\n\r\n";
    const auto t0 = clk::now();
    ASSERT_TRUE(c.send(req));
    auto out = c.read_until_closed(5s);
    ASSERT_TRUE(out.closed);
    EXPECT_LT(seconds_between(t0, out.when), 3.0);
    EXPECT_EQ(out.data.rfind("HTTP/1.1 413 ", 0), 0u) << out.data;
    EXPECT_NE(out.data.find("max_body_size"), std::string::npos);
    expect_serving();
}

// Four requests in one write (HTTP/1.1 pipelining, RFC 9112 §9.3.2): four responses, in
// order, each correct; the last one's Connection: close ends the connection.
TEST_P(http_limits, pipelined_requests_are_answered_in_order) {
    start();
    client c(port());
    ASSERT_GE(c.fd, 0);
    const std::string all = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" +
                            post_request(two_rows, false) +
                            "GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" +
                            post_request(R"({"query":"{ big(limit: 1) { id } }"})", true);
    ASSERT_TRUE(c.send(all));
    auto out = c.read_until_closed(5s);
    ASSERT_TRUE(out.closed);
    auto responses = parse_responses(out.data);
    ASSERT_EQ(responses.size(), 4u) << out.data;
    EXPECT_EQ(responses[0].result_int(), 200u);
    EXPECT_NE(responses[0].body().find("\"status\":\"ok\""), std::string::npos);
    EXPECT_EQ(responses[1].result_int(), 200u);
    EXPECT_EQ(responses[1].body(), two_rows_data);
    EXPECT_EQ(responses[2].result_int(), 404u);
    EXPECT_EQ(responses[3].result_int(), 200u);
    EXPECT_EQ(responses[3].body(), R"({"data":{"big":[{"id":1}]}})");
    expect_serving();
}

// A client that disconnects while its query runs (pg_sleep(60)): the statement is
// cancelled on PostgreSQL within two seconds, counted, and the pool is whole afterwards
// (the cancelled connection is replaced, nothing is left in use).
TEST_P(http_limits, client_disconnect_cancels_the_statement_on_the_server) {
    start();
    const std::string url = database_url_for("fraiseql_e2e");
    const std::string active_sql =
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + application_name() +
        "' AND state = 'active' AND query LIKE '%chaos_http_sleep%'";
    auto active = [&] {
        auto v = query_column(url, active_sql);
        return v.empty() ? std::string("?") : v.front();
    };
    clk::time_point t0;
    {
        client c(port());
        ASSERT_GE(c.fd, 0);
        ASSERT_TRUE(c.send(post_request(R"({"query":"{ sleepy { id } }"})")));
        ASSERT_TRUE(eventually(5s, [&] { return active() == "1"; })) << active();
        t0 = clk::now();
    } // the client goes away
    ASSERT_TRUE(eventually(5s, [&] { return active() == "0"; })) << "the statement kept running";
    const double cancelled_after = seconds_between(t0, clk::now());
    std::printf("statement cancelled %.3f s after the client closed\n", cancelled_after);
    EXPECT_LT(cancelled_after, 2.0);
    EXPECT_TRUE(eventually(
        2s, [&] { return metric(port(), "fraiseql_http_client_disconnects_total") == 1; }));
    expect_serving();
    EXPECT_TRUE(eventually(2s, [&] { return metric(port(), pool_in_use) == 0; }));
    EXPECT_GE(metric(port(), R"(fraiseql_pool_events_total{event="discarded"})"), 1);
    EXPECT_EQ(active(), "0");
}

// A batch shares one deadline (product.md §9): with request_timeout 1 s, a batch of three
// statements that would each sleep a minute is answered in about one deadline, not three —
// the first is cancelled at the deadline, the later ones are refused without running
// (TIMEOUT each) — and no statement is left running on the server.
TEST_P(http_limits, a_batch_shares_one_deadline) {
    start({"FRAISEQL_REQUEST_TIMEOUT=1s"});
    const std::string one = R"({"query":"{ sleepy { id } }"})";
    const auto t0 = clk::now();
    auto r = post_graphql(port(), "[" + one + "," + one + "," + one + "]");
    const double took = seconds_between(t0, clk::now());
    std::printf("[ measured ] batch of three 60 s statements answered in %.3f s\n", took);
    ASSERT_EQ(r.status, 200) << r.error << r.body;
    auto body = boost::json::parse(r.body);
    ASSERT_TRUE(body.is_array()) << r.body;
    ASSERT_EQ(body.as_array().size(), 3u) << r.body;
    for (const auto& item : body.as_array()) {
        const auto& errors = item.as_object().at("errors").as_array();
        ASSERT_FALSE(errors.empty()) << r.body;
        EXPECT_EQ(errors[0].at("extensions").at("code").as_string(), "TIMEOUT") << r.body;
    }
    // One deadline (1 s) plus the cancel of the first statement; three would be >= 3 s.
    EXPECT_GE(took, 0.9);
    EXPECT_LT(took, 2.5);
    const std::string active_sql =
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + application_name() +
        "' AND state = 'active' AND query LIKE '%chaos_http_sleep%'";
    EXPECT_TRUE(eventually(5s, [&] {
        auto v = query_column(database_url_for("fraiseql_e2e"), active_sql);
        return !v.empty() && v.front() == "0";
    }));
    expect_serving();
}

// A client that requests a 100,000-row streamed list (~23 MB) and never reads is cut once
// a write has waited write_timeout (1 s); its database connection goes back to the pool,
// and it never gets the terminating chunk.
TEST_P(http_limits, slow_reader_is_cut_after_write_timeout_and_releases_its_connection) {
    start({"FRAISEQL_WRITE_TIMEOUT=1s", "FRAISEQL_MAX_PAGE_SIZE=200000", "FRAISEQL_POOL_SIZE=2"});
    const long rss0 = proc_status_kb(server_->pid(), "VmRSS");
    client slow(port(), 4096);
    ASSERT_GE(slow.fd, 0);
    const auto t0 = clk::now();
    ASSERT_TRUE(slow.send(post_request(big_query)));
    ASSERT_TRUE(eventually(20s, [&] { return metric(port(), timeouts_write) >= 1; }));
    const double cut_after = seconds_between(t0, clk::now());
    std::printf("slow reader cut %.3f s after its request\n", cut_after);
    EXPECT_LT(cut_after, 10.0);
    EXPECT_TRUE(eventually(3s, [&] { return metric(port(), pool_in_use) == 0; }));
    const long rss = proc_status_kb(server_->pid(), "VmHWM");
    EXPECT_LT(rss - rss0, 64 * 1024) << "idle " << rss0 << " kB, peak " << rss << " kB";
    auto out = slow.read_until_closed(10s);
    EXPECT_TRUE(out.closed);
    EXPECT_EQ(out.data.rfind("HTTP/1.1 200 ", 0), 0u);
    EXPECT_LT(out.data.size(), 100000u * 200);
    EXPECT_NE(out.data.substr(out.data.size() - std::min<std::size_t>(5, out.data.size())),
              "0\r\n\r\n");
    expect_serving();
}

// More slow readers (4) than pool connections (2): each holds a connection until its
// write times out, then the next gets it; a normal client queued behind them is served
// once the timeouts fire, and the pool ends up empty of leases.
TEST_P(http_limits, more_slow_readers_than_pool_connections_do_not_starve_others) {
    start({"FRAISEQL_WRITE_TIMEOUT=1s", "FRAISEQL_MAX_PAGE_SIZE=200000", "FRAISEQL_POOL_SIZE=2",
           "FRAISEQL_POOL_TIMEOUT=30s"});
    std::vector<std::unique_ptr<client>> slow;
    for (int i = 0; i < 4; ++i) {
        slow.push_back(std::make_unique<client>(port(), 4096));
        ASSERT_GE(slow.back()->fd, 0);
        ASSERT_TRUE(slow.back()->send(post_request(big_query)));
    }
    std::this_thread::sleep_for(300ms);
    const auto t0 = clk::now();
    auto r = post_graphql(port(), two_rows);
    const double served_after = seconds_between(t0, clk::now());
    std::printf("normal client served after %.3f s behind 4 slow readers\n", served_after);
    EXPECT_EQ(r.status, 200) << r.error;
    EXPECT_EQ(r.body, two_rows_data);
    EXPECT_LT(served_after, 20.0);
    EXPECT_TRUE(eventually(20s, [&] { return metric(port(), timeouts_write) >= 4; }))
        << metric(port(), timeouts_write);
    EXPECT_TRUE(eventually(3s, [&] { return metric(port(), pool_in_use) == 0; }));
    expect_serving();
}

INSTANTIATE_TEST_SUITE_P(backends, http_limits, all_backends(), backend_name{});

} // namespace
} // namespace fraiseql::test
