#pragma once
/// \file
/// The GraphQL over WebSocket protocol, subprotocol `graphql-transport-ws` (the graphql-ws
/// library's PROTOCOL.md; product.md §3.7), as a sans-io state machine: text messages in,
/// frames to send, a close code, and events for the server (an init to authenticate, a
/// subscribe to start, a complete to stop) out. No socket, no timer, no engine: the transport
/// (src/http) owns those and feeds this. One object per socket; not thread-safe.
///
/// Budgets (product.md §9), enforced before any work: a message larger than
/// `max_message_bytes` closes the socket with 1009 (RFC 6455 §7.4.1 "message too big") before
/// it is parsed; JSON nesting is bounded by `max_json_depth`; an operation id longer than
/// `max_id_bytes` is a bad request (4400); a subscribe beyond `max_subscriptions` active ones
/// is answered with an `error` message for that id (code TOO_MANY_SUBSCRIPTIONS) and the
/// socket stays open. Close reasons are cut to 123 bytes on a UTF-8 boundary (the close frame's
/// payload is at most 125 bytes, RFC 6455 §5.5).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "fraiseql/exec/engine.hpp"

namespace fraiseql::http::gws {

inline constexpr std::string_view subprotocol = "graphql-transport-ws";

/// Close codes (RFC 6455 §7.4.1 and graphql-ws's CloseCode).
enum class close_code : std::uint16_t {
    normal = 1000,
    going_away = 1001,          ///< server shutdown
    policy_violation = 1008,    ///< a slow subscriber (websocket_send_buffer full)
    message_too_big = 1009,
    bad_request = 4400,         ///< invalid message
    unauthorized = 4401,        ///< subscribe before connection_ack
    forbidden = 4403,           ///< connection_init refused (authentication)
    subprotocol_not_acceptable = 4406,
    init_timeout = 4408,        ///< no connection_init in time
    subscriber_exists = 4409,   ///< subscribe with an id already in use
    too_many_inits = 4429,      ///< a second connection_init
    internal_error = 4500,
};

struct limits {
    std::size_t max_message_bytes = 64 * 1024;
    std::size_t max_json_depth = 64;
    std::size_t max_id_bytes = 128;
    std::size_t max_subscriptions = 100; ///< max_subscriptions_per_connection
};

struct close_frame {
    close_code code = close_code::normal;
    std::string reason; ///< at most 123 bytes
};

/// What the transport must do after one input, in this order: send `send`, then act on the
/// event (at most one), then close when `close` is set.
struct step {
    std::vector<std::string> send;
    std::optional<close_frame> close;
    /// connection_init arrived: authenticate its payload (an object, or null), then call
    /// accept() or reject().
    std::optional<boost::json::value> init;
    /// subscribe arrived: run `request` for operation `id` (queries and mutations give one
    /// `next` then `complete`; subscriptions are live).
    std::optional<std::pair<std::string, exec::request>> subscribe;
    /// The client completed operation `id`: stop it (no `complete` is sent back).
    std::optional<std::string> complete;
};

enum class state : std::uint8_t { awaiting_init, init_pending, acknowledged, closed };

class connection {
public:
    explicit connection(limits l = {}) : limits_(l) {}

    /// One text message from the client.
    step on_text(std::string_view message);
    /// A binary message: the protocol is text only (4400).
    step on_binary();
    /// The init timeout fired: closes with 4408 unless connection_init has arrived.
    step on_init_timeout();

    /// Accepts a pending connection_init: returns the connection_ack message to send.
    std::string accept();
    /// Refuses a pending connection_init (authentication failed): the close to send (4403).
    close_frame reject(std::string_view reason);

    /// A result for operation `id` (`result` is a complete ExecutionResult JSON object).
    /// Empty when `id` is not active (completed by the client meanwhile): send nothing.
    std::string next(std::string_view id, std::string_view result) const;
    /// Ends operation `id` with GraphQL errors (`errors` a JSON array); empty when not active.
    std::string error(std::string_view id, std::string_view errors);
    /// Ends operation `id` normally; empty when not active.
    std::string complete(std::string_view id);
    /// The server closes (shutdown: 1001, or any other code).
    close_frame close(close_code code, std::string_view reason);

    state current() const noexcept { return state_; }
    bool active(std::string_view id) const { return active_.find(id) != active_.end(); }
    std::size_t active_count() const noexcept { return active_.size(); }
    const limits& budget() const noexcept { return limits_; }

private:
    step fail(close_code code, std::string_view reason);

    limits limits_;
    state state_ = state::awaiting_init;
    std::set<std::string, std::less<>> active_;
};

/// `reason` cut to at most 123 bytes without splitting a UTF-8 sequence.
std::string close_reason(std::string_view reason);

} // namespace fraiseql::http::gws
