#include "support/server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <grp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace fraiseql::test {

std::string fraiseql_binary() {
#ifdef FRAISEQL_BINARY_DIR
    return std::string(FRAISEQL_BINARY_DIR) + "/apps/fraiseql/fraiseql";
#else
    return "fraiseql";
#endif
}

long proc_status_kb(pid_t pid, const std::string& key) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
    return -1;
}

std::string read_text_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

double process_cpu_seconds(pid_t pid) {
    const std::string stat = read_text_file("/proc/" + std::to_string(pid) + "/stat");
    const auto paren = stat.rfind(')');
    if (paren == std::string::npos || paren + 2 > stat.size()) return 0;
    // The command name (field 2) is in parentheses and may hold spaces: start after it.
    std::istringstream rest(stat.substr(paren + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14) utime = std::stoull(field);
        if (i == 15) stime = std::stoull(field);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

server_process::server_process(std::vector<std::string> args, std::vector<std::string> env)
    : server_process(std::move(args), std::move(env), process_options{}) {}

server_process::server_process(std::vector<std::string> args, std::vector<std::string> env,
                               const process_options& options) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        for (auto& e : env) putenv(e.data());
        if (options.open_files) {
            const rlimit lim{static_cast<rlim_t>(*options.open_files),
                             static_cast<rlim_t>(*options.open_files)};
            if (setrlimit(RLIMIT_NOFILE, &lim) != 0) {
                std::fprintf(stderr, "cannot set RLIMIT_NOFILE: %s\n", std::strerror(errno));
                _exit(126);
            }
        }
        if (options.run_as) {
            if (setgroups(0, nullptr) != 0 || setgid(options.run_as->second) != 0 ||
                setuid(options.run_as->first) != 0) {
                std::fprintf(stderr, "cannot switch to uid %u: %s\n",
                             unsigned(options.run_as->first), std::strerror(errno));
                _exit(126);
            }
        }
        std::vector<std::string> argv_s = {fraiseql_binary(), options.subcommand, "--port", "0"};
        argv_s.insert(argv_s.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : argv_s) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        std::fprintf(stderr, "cannot execute %s: %s\n", argv[0], std::strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    out_fd_ = fds[0];
    fcntl(out_fd_, F_SETFL, O_NONBLOCK);
    reader_ = std::thread([this] { read_output(); });
    const std::regex serving(options.ready_regex);
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(options.startup_seconds);
    while (std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        const std::string seen = log();
        std::smatch m;
        if (std::regex_search(seen, m, serving)) {
            if (m.size() > 1 && m[1].matched)
                port_ = static_cast<unsigned short>(std::stoi(m[1]));
            ready_ = true;
            return;
        }
        int status;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            stop_reader();
            return;
        }
    }
}

void server_process::read_output() {
    while (!reader_done_) {
        pollfd p{out_fd_, POLLIN, 0};
        const int ready = poll(&p, 1, 50);
        if (ready < 0 && errno != EINTR) break;
        if (ready <= 0) continue;
        std::lock_guard lk(log_mu_);
        if (!read_available()) break; // EOF: the child and every process it started closed it
    }
}

bool server_process::read_available() {
    char buf[8192];
    for (;;) {
        const ssize_t n = read(out_fd_, buf, sizeof buf);
        if (n > 0) {
            log_.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
    }
}

void server_process::stop_reader() {
    if (!reader_.joinable()) return;
    // The reader may still be copying the child's last words: give it a moment to reach
    // EOF (every writer gone) before asking it to stop.
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
    while (std::chrono::steady_clock::now() < until) {
        pollfd p{out_fd_, POLLIN, 0};
        if (poll(&p, 1, 0) <= 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    reader_done_ = true;
    reader_.join();
}

std::string server_process::log() {
    // Everything the child wrote before this call, not only what the reader thread has
    // collected so far: tests look for a log line right after the response that caused it.
    std::lock_guard lk(log_mu_);
    if (out_fd_ >= 0) read_available();
    return log_;
}

int server_process::stop(int timeout_ms, int sig) {
    if (pid_ <= 0) return -1;
    kill(pid_, sig);
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    int status = 0;
    while (std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            stop_reader();
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    stop_reader();
    return -1;
}

server_process::~server_process() {
    stop();
    stop_reader();
    if (out_fd_ >= 0) close(out_fd_);
}

double metric(unsigned short port, const std::string& sample) {
    const auto r = http_request(port, "GET", "/metrics");
    if (r.status != 200) return -1;
    // A sample is a whole line: the series, one space, the value.
    const std::string at_start = sample + " ";
    for (std::size_t line = 0; line < r.body.size();) {
        const auto end = r.body.find('\n', line);
        const auto len = (end == std::string::npos ? r.body.size() : end) - line;
        if (len > at_start.size() && r.body.compare(line, at_start.size(), at_start) == 0)
            return std::strtod(r.body.c_str() + line + at_start.size(), nullptr);
        if (end == std::string::npos) break;
        line = end + 1;
    }
    return -1;
}

http_response http_request(unsigned short port, const std::string& method, const std::string& target,
                           const std::string& body, const std::map<std::string, std::string>& headers) {
    namespace beast = boost::beast;
    namespace bhttp = beast::http;
    http_response out;
    try {
        boost::asio::io_context io;
        beast::tcp_stream stream(io);
        stream.expires_after(std::chrono::seconds(60));
        stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
        bhttp::request<bhttp::string_body> req(bhttp::string_to_verb(method), target, 11);
        req.set(bhttp::field::host, "127.0.0.1");
        for (const auto& [k, v] : headers) req.set(k, v);
        if (!body.empty() || method == "POST") {
            req.body() = body;
            req.prepare_payload();
        }
        bhttp::write(stream, req);
        beast::flat_buffer buf;
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(1ull << 32);
        bhttp::read(stream, buf, parser);
        auto res = parser.release();
        out.status = static_cast<int>(res.result_int());
        for (const auto& h : res) {
            std::string name(h.name_string());
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            out.headers[name] = std::string(h.value());
        }
        out.body = std::move(res.body());
    } catch (const std::exception& e) {
        out.error = e.what();
    }
    return out;
}

http_response post_graphql(unsigned short port, const std::string& json_body,
                           const std::map<std::string, std::string>& headers) {
    auto h = headers;
    h.emplace("Content-Type", "application/json");
    return http_request(port, "POST", "/graphql", json_body, h);
}

} // namespace fraiseql::test
