// The backend policy shared by the native and libpq connections (policy_connection.hpp).
#include "policy_connection.hpp"

#include <utility>

namespace fraiseql::pg::detail {

namespace {
/// FATAL or PANIC: the server ends the session after this message.
bool is_fatal(const server_message& m) noexcept {
    return m.severity == "FATAL" || m.severity == "PANIC";
}
} // namespace

result<void> classify(exchange x, bool cancel_requested) {
    const server_message* first = x.first_error ? &*x.first_error : nullptr;
    if (x.failure) {
        error e = std::move(*x.failure);
        // A FATAL ErrorResponse (57P01 admin shutdown, ...) and then the hang-up: the
        // server's reason is the error, with its fields.
        if (e.code == errc::connection_lost && first && is_fatal(*first)) {
            e.message = "server closed the connection: " + first->message;
            e.set_server(*first);
        }
        e.unanswered = e.code == errc::connection_lost && !x.answered;
        return failure{std::move(e)};
    }
    if (first && is_fatal(*first)) {
        error e{errc::connection_lost, "server closed the connection: " + first->message, *first};
        e.unanswered = !x.answered;
        return failure{std::move(e)};
    }
    if (x.aborted == errc::timeout)
        return failure{error{errc::timeout, "deadline expired; the statement was cancelled",
                             std::move(x.first_error)}};
    if (x.aborted == errc::cancelled)
        return failure{error{errc::cancelled,
                             cancel_requested ? "the operation was cancelled"
                                              : "the consumer abandoned the result",
                             std::move(x.first_error)}};
    if (first) {
        // 57014 without a cancel of ours: someone cancelled the backend (pg_cancel_backend).
        const errc c =
            first->code == sqlstate::query_canceled() ? errc::cancelled : errc::server_error;
        std::string msg = first->severity + ": " + first->message;
        return failure{error{c, std::move(msg), std::move(x.first_error)}};
    }
    return {};
}

error send_interrupted(bool cancel_requested) {
    if (cancel_requested) return error{errc::cancelled, "cancelled while sending the request"};
    return error{errc::timeout, "deadline expired while sending the request"};
}

error no_resync(errc reason) {
    return error{reason, "server did not resynchronise after a CancelRequest"};
}

std::optional<error> policy_connection::refuse() const {
    if (cancel_requested_) return error{errc::cancelled, "the operation was cancelled"};
    if (broken_ || last_status() == 0)
        return error{errc::connection_lost, "connection is broken"};
    if (in_flight_) return error{errc::protocol_error, "connection already in use"};
    return std::nullopt;
}

result<void> policy_connection::finish(exchange x) {
    in_flight_ = false;
    if (x.first_error && is_fatal(*x.first_error)) broken_ = true;
    return classify(std::move(x), cancel_requested_);
}

asio::awaitable<result<void>> policy_connection::settle(deadline dl) {
    // The ROLLBACK asked for by request_rollback() (connection.hpp), as its own round trip.
    if (!take_rollback_request() || last_status() == 'I') co_return result<void>{};
    in_flight_ = true;
    co_return finish(co_await send_simple("ROLLBACK", nullptr, dl));
}

asio::awaitable<result<void>> policy_connection::run(std::span<const statement> statements,
                                                     deadline dl) {
    if (auto e = refuse()) co_return failure{std::move(*e)};
    if (rollback_requested()) // rare: settle() costs a coroutine frame
        if (auto r = co_await settle(dl); !r) co_return r;
    if (statements.empty()) co_return result<void>{};
    for (int attempt = 0;; ++attempt) {
        in_flight_ = true;
        exchange x = co_await send_pipeline(statements, dl);
        // A cached statement the server could no longer use, reported for the first
        // statement before anything ran or reached a sink, outside a transaction block:
        // nothing happened, so the pipeline is sent again, once, and the statement is
        // prepared afresh (connection.hpp). A second invalidation is reported.
        const bool again = attempt == 0 && x.first_error && x.invalidated &&
                           x.error_index == 0 && !x.delivered && x.aborted == errc::ok &&
                           !x.failure && !is_fatal(*x.first_error) && !broken_ &&
                           last_status() == 'I' && clock::now() < dl;
        auto r = finish(std::move(x));
        if (!again) co_return r;
    }
}

asio::awaitable<result<void>> policy_connection::simple_query(std::string_view sql, deadline dl,
                                                              row_sink* sink) {
    if (auto e = refuse()) co_return failure{std::move(*e)};
    if (rollback_requested())
        if (auto r = co_await settle(dl); !r) co_return r;
    in_flight_ = true;
    co_return finish(co_await send_simple(sql, sink, dl));
}

bool policy_connection::broken() const noexcept {
    if (broken_ || in_flight_ || cancel_requested_) return true;
    return last_status() != 'I'; // inside BEGIN … or gone: not reusable (pool.hpp)
}

bool policy_connection::peer_closed() const noexcept {
    if (broken()) return true;
    // The idle socket, where the server says nothing unless it is closing the session.
    if (closed_by_peer()) return broken_ = true;
    return false;
}

transaction_state policy_connection::transaction_status() const noexcept {
    if (broken_ || in_flight_) return transaction_state::unknown;
    switch (last_status()) {
    case 'I': return transaction_state::idle;
    case 'T': return transaction_state::in_transaction;
    case 'E': return transaction_state::failed;
    default: return transaction_state::unknown;
    }
}

void policy_connection::cancel() noexcept {
    // The wait in flight takes its deadline path (CancelRequest, drain to ReadyForQuery);
    // with none in flight, the next operation is refused. The pool replaces the connection.
    cancel_requested_ = true;
    interrupt();
}

} // namespace fraiseql::pg::detail
