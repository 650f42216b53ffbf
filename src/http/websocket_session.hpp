#pragma once
/// \file
/// GraphQL over WebSocket on `/graphql` (product.md §3.7; docs/subscriptions.md): the
/// transport around the sans-io graphql-transport-ws machine (graphql_ws.hpp). The HTTP
/// session hands an upgrade request of `/graphql` to serve(); from then on the socket is a
/// WebSocket until it closes.
///
/// - `subscription` operations are live queries: they join a cohort of the live-query hub
///   (src/exec/live_query.hpp), whose refetches go through the engine's one road with this
///   socket's credentials; queries and mutations run once (`next`, then `complete`).
/// - The JWT comes in connection_init's payload (`Authorization` or `authorization`, value
///   `Bearer …`) and is verified by the auth component as for HTTP; a refused one closes 4403.
/// - Budgets: max_websocket_connections (an upgrade beyond: 503), websocket_max_message_size
///   (1009), max_subscriptions_per_connection, websocket_init_timeout (4408),
///   websocket_keepalive (WebSocket pings; silence closes), websocket_send_buffer (a socket
///   that does not read is closed, its results are never buffered without limit).
/// - Shutdown closes every socket with 1001.

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "exec/live_query.hpp"
#include "fraiseql/auth/jwt.hpp"
#include "fraiseql/exec/engine.hpp"

namespace fraiseql::http {

class websocket_session;

/// What every WebSocket of one server shares: the engine, the live-query hub, the token
/// verifier, the registry used at shutdown, and the counters of /metrics.
class websocket_hub {
public:
    websocket_hub(boost::asio::io_context& ioc, exec::engine& engine);
    ~websocket_hub();

    /// Starts the live-query hub's refetch loop.
    void start();
    /// True (and counted) when another WebSocket may open; false at max_websocket_connections.
    bool admit();
    /// Runs an admitted upgrade of `/graphql` on `stream` to its end (the socket is closed
    /// or unusable when it returns).
    boost::asio::awaitable<void>
    serve(boost::beast::tcp_stream& stream,
          boost::beast::http::request<boost::beast::http::string_body> req);
    /// Closes every socket with 1001 and stops the hub (graceful shutdown).
    void shutdown();
    /// Open WebSockets.
    std::size_t open() const noexcept { return open_.load(); }
    /// Prometheus text: sockets, subscribers, cohorts, refetches, pushes.
    std::string metrics_text() const;

    struct shared;

private:
    std::shared_ptr<shared> shared_;
    std::atomic<std::int64_t> open_{0};
};

} // namespace fraiseql::http
