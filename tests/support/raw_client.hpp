#pragma once
/// \file
/// A raw loopback TCP client for HTTP tests that must control exactly what is sent, how
/// fast, and what is read (slowloris, pipelining, slow readers, malformed requests).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>

namespace fraiseql::test {

struct raw_client {
    using clock = std::chrono::steady_clock;
    int fd = -1;
    /// Connects to 127.0.0.1:port (fd < 0 on failure). `rcvbuf` > 0: a small receive buffer,
    /// set before connecting (a slow reader).
    explicit raw_client(unsigned short port, int rcvbuf = 0) {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (rcvbuf > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            ::close(fd);
            fd = -1;
        }
    }
    ~raw_client() { close(); }
    raw_client(const raw_client&) = delete;
    raw_client& operator=(const raw_client&) = delete;

    void close() {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
    /// Whether all of `s` was sent (never SIGPIPE).
    bool send(std::string_view s) {
        return ::send(fd, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size());
    }
    /// Reads up to n bytes (blocking until some arrive); "" at EOF.
    std::string read_some(std::size_t n = 65536) {
        std::string buf(n, '\0');
        const ssize_t r = ::read(fd, buf.data(), n);
        buf.resize(r > 0 ? static_cast<std::size_t>(r) : 0);
        return buf;
    }
    /// Reads until EOF.
    std::string read_all() {
        std::string out, chunk;
        while (!(chunk = read_some()).empty()) out += chunk;
        return out;
    }

    struct outcome {
        std::string data;
        bool closed = false;      ///< end of stream or reset seen
        clock::time_point when{}; ///< when it was seen
    };
    /// Reads everything until the server closes (or resets) the connection, or `limit`.
    outcome read_until_closed(std::chrono::milliseconds limit) {
        outcome out;
        const auto until = clock::now() + limit;
        while (clock::now() < until) {
            pollfd p{fd, POLLIN, 0};
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock::now());
            if (::poll(&p, 1, static_cast<int>(std::max<long>(1, left.count()))) <= 0) continue;
            char buf[65536];
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n > 0) {
                out.data.append(buf, static_cast<std::size_t>(n));
                continue;
            }
            out.closed = true;
            out.when = clock::now();
            break;
        }
        return out;
    }
};

} // namespace fraiseql::test
