// graphql-transport-ws as a state machine (src/http/graphql_ws.hpp).

#include "graphql_ws.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>

#include "fraiseql/json/writer.hpp"
#include "request_parsing.hpp"

namespace fraiseql::http::gws {

namespace bjson = boost::json;

std::string close_reason(std::string_view reason) {
    constexpr std::size_t max = 123;
    if (reason.size() <= max) return std::string(reason);
    std::size_t n = max;
    // Back up over continuation bytes (10xxxxxx) to the start of the cut sequence.
    while (n > 0 && (static_cast<unsigned char>(reason[n]) & 0xC0) == 0x80) --n;
    return std::string(reason.substr(0, n));
}

step connection::fail(close_code code, std::string_view reason) {
    state_ = state::closed;
    active_.clear();
    step s;
    s.close = close_frame{code, close_reason(reason)};
    return s;
}

step connection::on_binary() {
    if (state_ == state::closed) return {};
    return fail(close_code::bad_request, "Binary messages are not part of graphql-transport-ws");
}

step connection::on_init_timeout() {
    if (state_ != state::awaiting_init) return {};
    return fail(close_code::init_timeout, "Connection initialisation timeout");
}

namespace {

// A payload that must be an object when present (null and absent are allowed).
bool optional_object(const bjson::object& m) {
    const auto* p = m.if_contains("payload");
    return !p || p->is_null() || p->is_object();
}

std::string frame(std::string_view type, std::string_view id, std::string_view payload) {
    std::string out;
    out.reserve(32 + id.size() + payload.size());
    out += "{\"type\":\"";
    out += type;
    out += '"';
    if (!id.empty()) {
        out += ",\"id\":";
        json::append_json_string(out, id);
    }
    if (!payload.empty()) {
        out += ",\"payload\":";
        out += payload;
    }
    out += '}';
    return out;
}

} // namespace

step connection::on_text(std::string_view message) {
    if (state_ == state::closed) return {};
    // Size first: nothing of an oversized message is looked at.
    if (message.size() > limits_.max_message_bytes)
        return fail(close_code::message_too_big,
                    "Message of " + std::to_string(message.size()) + " bytes; the limit is " +
                        std::to_string(limits_.max_message_bytes));
    bjson::parse_options po;
    po.max_depth = limits_.max_json_depth;
    boost::system::error_code ec;
    bjson::value v = bjson::parse(message, ec, {}, po);
    if (ec || !v.is_object()) return fail(close_code::bad_request, "Invalid message received");
    const auto& m = v.get_object();
    const auto* type = m.if_contains("type");
    if (!type || !type->is_string())
        return fail(close_code::bad_request, "Invalid message received: no \"type\"");
    const std::string_view t = type->get_string();

    if (t == "ping") {
        if (!optional_object(m))
            return fail(close_code::bad_request, "Invalid message received: bad ping payload");
        step s;
        s.send.push_back(frame("pong", {}, {}));
        return s;
    }
    if (t == "pong") {
        if (!optional_object(m))
            return fail(close_code::bad_request, "Invalid message received: bad pong payload");
        return {};
    }
    if (t == "connection_init") {
        if (state_ != state::awaiting_init)
            return fail(close_code::too_many_inits, "Too many initialisation requests");
        if (!optional_object(m))
            return fail(close_code::bad_request,
                        "Invalid message received: connection_init payload must be an object");
        state_ = state::init_pending;
        step s;
        const auto* p = m.if_contains("payload");
        s.init = p ? *p : bjson::value(nullptr);
        return s;
    }
    if (t == "subscribe" || t == "complete") {
        const auto* id = m.if_contains("id");
        if (!id || !id->is_string() || id->get_string().empty())
            return fail(close_code::bad_request, "Invalid message received: \"id\" must be a non-empty string");
        const std::string_view ids = id->get_string();
        if (ids.size() > limits_.max_id_bytes)
            return fail(close_code::bad_request,
                        "Invalid message received: \"id\" longer than " +
                            std::to_string(limits_.max_id_bytes) + " bytes");
        if (t == "complete") {
            step s;
            // Completing an unknown or finished id is allowed (it may have just ended).
            if (auto it = active_.find(ids); it != active_.end()) {
                active_.erase(it);
                s.complete = std::string(ids);
            }
            return s;
        }
        if (state_ != state::acknowledged) return fail(close_code::unauthorized, "Unauthorized");
        const auto* payload = m.if_contains("payload");
        if (!payload || !payload->is_object())
            return fail(close_code::bad_request, "Invalid message received: subscribe needs a payload object");
        auto req = request_from_object(*payload);
        if (!req) return fail(close_code::bad_request, "Invalid message received: " + req.error());
        if (active_.count(ids))
            return fail(close_code::subscriber_exists,
                        "Subscriber for " + std::string(ids) + " already exists");
        step s;
        if (active_.size() >= limits_.max_subscriptions) {
            std::string errors = "[{\"message\":";
            json::append_json_string(errors, "Too many operations on this connection; the limit "
                                             "(max_subscriptions_per_connection) is " +
                                                 std::to_string(limits_.max_subscriptions) + ".");
            errors += ",\"extensions\":{\"code\":\"TOO_MANY_SUBSCRIPTIONS\"}}]";
            s.send.push_back(frame("error", ids, errors));
            return s;
        }
        active_.emplace(ids);
        s.subscribe.emplace(std::string(ids), std::move(*req));
        return s;
    }
    // next, error, connection_ack are the server's; anything else is unknown.
    return fail(close_code::bad_request,
                "Invalid message received: unexpected type \"" +
                    std::string(t.substr(0, 40)) + "\"");
}

std::string connection::accept() {
    if (state_ != state::init_pending) return {};
    state_ = state::acknowledged;
    return frame("connection_ack", {}, {});
}

close_frame connection::reject(std::string_view reason) {
    state_ = state::closed;
    active_.clear();
    return close_frame{close_code::forbidden, close_reason(reason)};
}

std::string connection::next(std::string_view id, std::string_view result) const {
    if (state_ == state::closed || !active(id)) return {};
    return frame("next", id, result);
}

std::string connection::error(std::string_view id, std::string_view errors) {
    if (state_ == state::closed) return {};
    auto it = active_.find(id);
    if (it == active_.end()) return {};
    active_.erase(it);
    return frame("error", id, errors);
}

std::string connection::complete(std::string_view id) {
    if (state_ == state::closed) return {};
    auto it = active_.find(id);
    if (it == active_.end()) return {};
    active_.erase(it);
    return frame("complete", id, {});
}

close_frame connection::close(close_code code, std::string_view reason) {
    state_ = state::closed;
    active_.clear();
    return close_frame{code, close_reason(reason)};
}

} // namespace fraiseql::http::gws
