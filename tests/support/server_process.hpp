#pragma once
/// \file
/// Runs the real `fraiseql` binary as a child process for e2e tests, and a
/// minimal HTTP/1.1 client to talk to it over loopback.

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace fraiseql::test {

/// A `fraiseql serve` child process. The constructor starts it on a free port
/// and waits until it logs that it is serving; the destructor sends SIGTERM and
/// waits. `ok()` is false (and `log()` says why) when it did not come up.
class server_process {
public:
    /// `args` follow `fraiseql serve` (e.g. --schema, --database-url, --backend);
    /// `--port 0` is added. `env` entries are set in the child (KEY=VALUE).
    explicit server_process(std::vector<std::string> args, std::vector<std::string> env = {});
    ~server_process();
    server_process(const server_process&) = delete;
    server_process& operator=(const server_process&) = delete;

    bool ok() const noexcept { return port_ != 0; }
    unsigned short port() const noexcept { return port_; }
    pid_t pid() const noexcept { return pid_; }
    /// Everything the server printed so far.
    std::string log();
    /// Sends SIGTERM and waits (up to `timeout_ms`); returns the exit status or -1.
    int stop(int timeout_ms = 10000);

private:
    void drain(int timeout_ms);
    pid_t pid_ = -1;
    int out_fd_ = -1;
    unsigned short port_ = 0;
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

/// POST /graphql with a JSON body.
http_response post_graphql(unsigned short port, const std::string& json_body,
                           const std::map<std::string, std::string>& headers = {});

/// Path of the fraiseql binary built with the tests.
std::string fraiseql_binary();

} // namespace fraiseql::test
