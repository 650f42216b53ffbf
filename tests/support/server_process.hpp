#pragma once
/// \file
/// Runs the real `fraiseql` binary as a child process for e2e tests, and a
/// minimal HTTP/1.1 client to talk to it over loopback.

#include <sys/types.h>

#include <csignal>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace fraiseql::test {

/// How a server_process is started (defaults: `fraiseql serve --port 0`, 20 s to come up).
struct process_options {
    std::string subcommand = "serve"; ///< e.g. "demo"
    int startup_seconds = 20;         ///< the demo's first start runs initdb and loads data
    /// Output that means "up"; its first capture group, if any, is the HTTP port.
    std::string ready_regex = R"(serving .* on http://[^:]+:(\d+)/graphql)";
    /// When set (and the test runs as root), the child drops to this user and group before
    /// it executes fraiseql: the ordinary-user case of `fraiseql demo`.
    std::optional<std::pair<uid_t, gid_t>> run_as;
    /// When set, the child's RLIMIT_NOFILE (soft and hard, so that the server cannot raise
    /// it) before it executes fraiseql: the EMFILE scenarios.
    std::optional<unsigned long> open_files;
};

/// A `fraiseql serve` (or `demo`) child process. The constructor starts it on a free port
/// and waits until it logs that it is serving; the destructor sends SIGTERM and
/// waits. `ok()` is false (and `log()` says why) when it did not come up.
class server_process {
public:
    /// `args` follow `fraiseql serve` (e.g. --schema, --database-url, --backend);
    /// `--port 0` is added. `env` entries are set in the child (KEY=VALUE).
    explicit server_process(std::vector<std::string> args, std::vector<std::string> env = {});
    /// The same for `fraiseql <options.subcommand> --port 0 args...`.
    server_process(std::vector<std::string> args, std::vector<std::string> env,
                   const process_options& options);
    ~server_process();
    server_process(const server_process&) = delete;
    server_process& operator=(const server_process&) = delete;

    bool ok() const noexcept { return ready_; }
    unsigned short port() const noexcept { return port_; }
    pid_t pid() const noexcept { return pid_; }
    /// Everything the server printed so far.
    std::string log();
    /// Sends `sig` (SIGTERM, or SIGINT as Ctrl-C does) and waits (up to `timeout_ms`);
    /// returns the exit status (128 + signal when killed by one) or -1 on timeout.
    int stop(int timeout_ms = 10000, int sig = SIGTERM);

private:
    /// Reads the child's output until it closes (a thread of its own, so a chatty server
    /// never blocks on a full pipe while the test is busy elsewhere).
    void read_output();
    /// Appends what the pipe holds now (non-blocking); false at EOF or an error. Called
    /// with log_mu_ held.
    bool read_available();
    void stop_reader();
    pid_t pid_ = -1;
    int out_fd_ = -1;
    std::thread reader_;
    std::atomic<bool> reader_done_{false};
    std::mutex log_mu_;
    unsigned short port_ = 0;
    bool ready_ = false;
    std::string log_;
};

struct http_response {
    int status = 0; ///< 0 when the request failed at the transport level
    std::map<std::string, std::string> headers; ///< lower-case names
    std::string body;
    std::string error; ///< transport error, if any
};

/// One request on a fresh connection to 127.0.0.1:port.
http_response http_request(unsigned short port, const std::string& method, const std::string& target,
                           const std::string& body = {},
                           const std::map<std::string, std::string>& headers = {});

/// The value of one /metrics sample — its whole series, name and labels, as the exposition
/// format prints it (`fraiseql_pool_waiting`, `fraiseql_errors_total{code="TIMEOUT"}`) — or
/// -1 when the scrape fails or the sample is absent.
double metric(unsigned short port, const std::string& sample);

/// POST /graphql with a JSON body.
http_response post_graphql(unsigned short port, const std::string& json_body,
                           const std::map<std::string, std::string>& headers = {});

/// Path of the fraiseql binary built with the tests.
std::string fraiseql_binary();

/// A kB figure of a process from /proc/<pid>/status ("VmRSS", "VmHWM"), or -1 when absent.
long proc_status_kb(pid_t pid, const std::string& key);

/// CPU seconds (user + system, all threads) a process has used: /proc/<pid>/stat fields 14
/// and 15, in clock ticks.
double process_cpu_seconds(pid_t pid);

/// The whole content of a text file ("" when it cannot be read).
std::string read_text_file(const std::string& path);

} // namespace fraiseql::test
