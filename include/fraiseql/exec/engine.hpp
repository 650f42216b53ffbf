#pragma once
/// \file
/// The request pipeline: authenticate -> resolve the document (persisted queries, plan
/// cache, parse, validate, prepare) -> bind -> authorize -> run the roots (sql -> backend
/// -> transform) -> write the response. The only component that knows both the GraphQL
/// side and the database side.

#include <memory>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include "fraiseql/exec/config.hpp"
#include "fraiseql/exec/jwt.hpp"
#include "fraiseql/graphql/schema.hpp"
#include "fraiseql/json/buffer_pool.hpp"
#include "fraiseql/pg/cancel_signal.hpp"
#include "fraiseql/pg/pool.hpp"
#include "fraiseql/pg/replica_set.hpp"

namespace fraiseql::exec {

/// One GraphQL request, transport-independent.
struct request {
    request() = default;
    request(request&&) = default;
    request& operator=(request&&) = default;
    request(const request&) = default;
    request& operator=(const request&) = default;
    /// Issue 15 (heap allocations per request): the texts' memory goes to this thread's spare
    /// buffers (json/buffer_pool.hpp), where the transport takes it for the next request's
    /// query and Authorization (src/http/request_parsing.cpp): copying them costs no
    /// allocation after warm-up. Short and moved-from strings hold none: nothing is kept.
    ~request() {
        ::fraiseql::json::give_back(query);
        ::fraiseql::json::give_back(authorization);
    }

    std::string query;
    boost::json::value variables;  ///< null or an object
    std::string operation_name;
    boost::json::value extensions; ///< null or an object
    std::string authorization;     ///< the Authorization header, verbatim
    std::vector<std::pair<std::string, std::string>> headers; ///< lower-case names
    bool via_get = false;          ///< GET requests may only run queries
    /// Set by the WebSocket transport: a `subscription` operation may run (each execution is
    /// one refetch of the live query, src/exec/live_query.hpp); over HTTP it is refused.
    bool live = false;
    std::string request_id;
    /// The deadline the request must finish by; the default (epoch) means
    /// request_timeout from when execute() starts. A batch sets one deadline for all of
    /// its operations (product.md §9): the earlier of the two applies.
    pg::deadline deadline{};
    /// Fired by the transport when the client goes away: the request's statements are
    /// cancelled on the server and no new one starts (docs/http.md "Client disconnect").
    std::shared_ptr<pg::cancel_signal> cancel;
};

/// A complete response: HTTP status and the JSON body.
struct response {
    unsigned status = 200;
    std::string body;               ///< the whole body, or (when streamed) its last piece
    bool mutation_over_get = false; ///< HTTP layer answers 405
    /// A GraphQL request error (the document did not parse, validate or fit the limits, or
    /// the variables could not be coerced; `status` 400): GraphQL-over-HTTP wants 200 for
    /// it when the response is application/json, 400 with application/graphql-response+json.
    /// The transport, which negotiated the media type, decides (docs/http.md).
    bool request_error = false;
    std::string www_authenticate;   ///< with status 401: the WWW-Authenticate challenge
    bool streamed = false;          ///< the body began on the response_stream; `body` is its tail
    /// The stream failed after it began (database error mid-stream, a non-null
    /// violation that would have nulled data already sent, or the client went
    /// away): the transport must end the response so that the client can tell it
    /// is incomplete (HTTP: close without the last chunk). See docs/http.md.
    bool aborted = false;
};

/// Receives a large response in pieces, for chunked transfer. The first write
/// commits the HTTP status (200) and headers. Returns false when the client is gone.
class response_stream {
public:
    virtual ~response_stream() = default;
    virtual boost::asio::awaitable<bool> write(std::string_view chunk) = 0;
};

class engine {
public:
    /// Builds an engine over a schema and a pool. The schema must outlive it.
    /// `verifier` checks bearer tokens (nullptr: no JWT key configured, so any
    /// token is refused and only anonymous requests can pass). With `replicas` (whose
    /// primary() is `pool`), queries and subscription refetches are routed by
    /// replicas->route_read() and mutations run on `pool`, remembering each client's commit
    /// position for read-your-writes (docs/scaling.md); a read that fails on a replica for
    /// a reason the primary does not share runs again on the primary.
    engine(std::shared_ptr<const graphql::schema> schema, std::shared_ptr<pg::pool> pool,
           config cfg, std::shared_ptr<const jwt_verifier> verifier = nullptr,
           std::shared_ptr<pg::replica_set> replicas = nullptr);
    ~engine();
    engine(const engine&) = delete;
    engine& operator=(const engine&) = delete;

    /// Executes one request. Never throws: every failure becomes a GraphQL error.
    /// With a `stream`, a large list result is written to it as rows arrive
    /// (bounded memory); small responses still come back whole in the response.
    boost::asio::awaitable<response> execute(request req, response_stream* stream = nullptr);

    /// Compiles without running: the SQL and parameters of each root field, as
    /// text (for `fraiseql explain`). Errors come back as a GraphQL error body.
    std::string explain(const std::string& query, const boost::json::value& variables,
                        const std::string& operation_name) const;

    /// True when a connection of the primary's pool can be acquired and answers
    /// `SELECT 1`; replicas do not count (reads fall back to the primary, docs/scaling.md).
    boost::asio::awaitable<bool> ready();
    /// What /ready answers: ready() (the primary answers `SELECT 1` within 2 s) and a JSON
    /// body with each pool — the primary's and, with replica_urls, each replica's role,
    /// health, lag and connections (docs/scaling.md "Health and metrics").
    struct readiness {
        bool ok = false;
        std::string body;
    };
    boost::asio::awaitable<readiness> readiness_report();

    /// Prometheus text exposition of the engine's and pools' metrics (with replicas: each
    /// pool's role, connections and reads, each replica's health and lag).
    std::string metrics_text() const;

    const config& settings() const noexcept;
    const graphql::schema& schema() const noexcept;

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

} // namespace fraiseql::exec
