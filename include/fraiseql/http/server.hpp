#pragma once
/// \file
/// GraphQL over HTTP on Boost.Beast: POST/GET /graphql, GraphiQL in development,
/// /health, /ready, /metrics, graceful shutdown.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "fraiseql/exec/engine.hpp"
#include "fraiseql/result.hpp"

namespace fraiseql::http {

class server {
public:
    server(boost::asio::io_context& ioc, exec::engine& engine);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// Binds host:port from the engine's config. Returns the bound port (useful
    /// with port 0) or a message naming the address.
    fraiseql::result<std::uint16_t, std::string> listen();

    /// Starts accepting (spawns the accept loop on the io_context).
    void start();

    /// Graceful shutdown: stop accepting, let in-flight requests finish until
    /// `grace` expires, then close the remaining connections.
    boost::asio::awaitable<void> shutdown(std::chrono::milliseconds grace);

    /// The HTTP layer's metrics (open and rejected connections, timeouts by phase, client
    /// disconnects) in the Prometheus text format; /metrics appends them to the engine's.
    std::string metrics_text() const;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

} // namespace fraiseql::http
