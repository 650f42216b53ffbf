#pragma once
// Shared by tests/chaos/network_*_pgtest.cpp: URLs through the fault proxy, the sockets a
// backend holds towards it, timing, and a pool on the fixture's io_context.

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "connection_fixture.hpp"
#include "fraiseql/pg/pool.hpp"
#include "support/cluster.hpp"
#include "support/fault_proxy.hpp"

namespace fraiseql::net_test {

namespace asio = boost::asio;
namespace pg = fraiseql::pg;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
using ms = std::chrono::milliseconds;

/// `url` (a cluster URL on 127.0.0.1:<cluster port>) pointed at the proxy's port instead.
inline std::string proxied(std::string url, std::uint16_t proxy_port) {
    const std::string from = "127.0.0.1:" + test::cluster_env("FRAISEQL_TEST_PORT");
    const auto pos = url.find(from);
    if (pos != std::string::npos)
        url.replace(pos, from.size(), "127.0.0.1:" + std::to_string(proxy_port));
    return url;
}

/// `url` with `kv` ("key=value") appended to its query string.
inline std::string with(std::string url, std::string_view kv) {
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += kv;
    return url;
}

inline ms since(steady::time_point t0) {
    return std::chrono::duration_cast<ms>(steady::now() - t0);
}

/// One line per measured figure, collected for docs/reliability.md.
inline void measured(std::string_view what, ms value) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::printf("[measured] %s.%s: %s = %lld ms\n", info ? info->test_suite_name() : "?",
                info ? info->name() : "?", std::string(what).c_str(),
                static_cast<long long>(value.count()));
    std::fflush(stdout);
}

/// One file descriptor per TCP socket of this process connected to 127.0.0.1:`port`: the
/// client side of connections through the proxy, whichever backend opened them. A socket
/// with several descriptors (the libpq backend waits on a duplicate of libpq's) counts once.
inline std::vector<int> sockets_to(std::uint16_t port) {
    std::vector<int> out;
    std::vector<std::filesystem::path> seen; // "socket:[inode]"
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
        int fd = -1;
        try {
            fd = std::stoi(e.path().filename().string());
        } catch (...) {
            continue;
        }
        sockaddr_in a{};
        socklen_t len = sizeof a;
        if (::getpeername(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0 ||
            a.sin_family != AF_INET || ntohs(a.sin_port) != port)
            continue;
        const auto target = std::filesystem::read_symlink(e.path(), ec);
        if (!ec && std::find(seen.begin(), seen.end(), target) != seen.end())
            continue;
        seen.push_back(target);
        out.push_back(fd);
    }
    return out;
}

inline int sockopt(int fd, int level, int name) {
    int v = -1;
    socklen_t len = sizeof v;
    if (::getsockopt(fd, level, name, &v, &len) != 0)
        return -1;
    return v;
}

/// The connection fixture (both backends) plus a fault proxy in front of the shared cluster.
class network_test : public conn_test::connection_test {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        const auto port = std::stoi(test::cluster_env("FRAISEQL_TEST_PORT"));
        proxy_ = std::make_unique<test::fault_proxy>(static_cast<std::uint16_t>(port));
    }

    /// The superuser URL (trust) through the proxy, plain TCP.
    std::string url() const {
        return with(proxied(test::database_url(), proxy_->port()), "sslmode=disable");
    }
    /// A role's URL from the cluster env (FRAISEQL_TEST_URL_SCRAM, ...) through the proxy.
    std::string role_url(const char* key) const {
        return proxied(test::cluster_env(key), proxy_->port());
    }

    std::shared_ptr<pg::pool> make_pool(pg::pool_options o, std::string u = {}) {
        if (u.empty())
            u = url();
        auto c = pg::make_connector(GetParam(), io_.get_executor(), u);
        EXPECT_TRUE(c);
        return pg::pool::create(io_.get_executor(), std::move(*c), o);
    }
    pg::result<pg::lease> acquire(pg::pool& p, ms d) {
        return test::run(io_, p.acquire(conn_test::in(d)));
    }
    /// SELECT 1 on a lease, `d` as its deadline.
    pg::result<void> ping(pg::connection& c, ms d = 5s) {
        return run1(c, "SELECT 1", nullptr, {}, d);
    }

    /// Waits (bounded) until the proxy has no live connection left.
    void wait_no_live(ms limit = 3s) {
        const auto t0 = steady::now();
        while (proxy_->stats().live != 0 && since(t0) < limit)
            std::this_thread::sleep_for(5ms);
    }

    std::unique_ptr<test::fault_proxy> proxy_;
};

} // namespace fraiseql::net_test
