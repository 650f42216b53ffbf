#pragma once
// The backend policy, written once above the two mechanisms (wire/native_connection.cpp,
// libpq/libpq_connection.cpp; docs/adr/0011-one-backend-policy.md): guards, settle, the
// retry-once on a stale cached statement, liveness and error classification. Private.

#include <atomic>
#include <optional>

#include "fraiseql/pg/connection.hpp"

namespace fraiseql::pg::detail {

/// What one operation's exchange with the server found, before the policy words it.
struct exchange {
    server_message_box first_error; ///< the operation's (first) ErrorResponse
    std::size_t error_index = 0; ///< the statement (or simple-query result) it belongs to
    bool delivered = false;      ///< a sink saw something of it, or a statement completed
    /// The server said something of this operation: any message but a FATAL/PANIC error,
    /// a notice, a notification or a parameter status (which a server closing an idle
    /// session may have sent before the request). Without it, a lost connection is
    /// error::unanswered.
    bool answered = false;
    bool invalidated = false;    ///< the error dropped a statement served from the cache
    /// timeout or cancelled: the mechanism cancelled the operation on the server (deadline,
    /// cancel(), or a sink that abandoned the stream) and the session resynchronised.
    errc aborted = errc::ok;
    /// The connection itself failed (lost, protocol violation, stuck after a cancel, a
    /// request that could not be encoded); worded by the mechanism, which has marked the
    /// connection broken when it cannot be reused.
    std::optional<error> failure;

    static exchange failed(error e) {
        exchange x;
        x.failure = std::move(e);
        return x;
    }
    static exchange failed(errc c, std::string m) { return failed(error{c, std::move(m)}); }
};

/// The operation's result for an exchange: the same code and message for the same
/// situation on both backends. `cancel_requested`: connection::cancel() was called.
result<void> classify(exchange x, bool cancel_requested);

/// A deadline or cancel() interrupted the sending of a request (the stream is unusable).
error send_interrupted(bool cancel_requested);
/// The server did not answer a CancelRequest with ReadyForQuery within the grace period.
error no_resync(errc reason);

class policy_connection : public connection {
public:
    asio::awaitable<result<void>> run(std::span<const statement> statements,
                                      deadline dl) final;
    asio::awaitable<result<void>> simple_query(std::string_view sql, deadline dl,
                                               row_sink* sink) final;
    bool broken() const noexcept final;
    bool peer_closed() const noexcept final;
    transaction_state transaction_status() const noexcept final;
    void cancel() noexcept final;
    const connection_stats& stats() const noexcept final { return stats_; }

protected:
    // ---- The mechanism (implemented by each backend) ----
    /// Sends `statements` as one pipeline (one Sync) through the prepared-statement cache
    /// and reads its results to ReadyForQuery, handing rows to the sinks.
    virtual asio::awaitable<exchange> send_pipeline(std::span<const statement> statements,
                                                    deadline dl) = 0;
    /// Sends a simple Query and reads its results (rows to `sink`, may be nullptr).
    virtual asio::awaitable<exchange> send_simple(std::string_view sql, row_sink* sink,
                                                  deadline dl) = 0;
    /// The status byte of the last ReadyForQuery ('I', 'T' or 'E'); 0 when the session is
    /// gone.
    virtual char last_status() const noexcept = 0;
    /// The idle session was closed by the server (FATAL 57P01 after pg_terminate_backend or
    /// a shutdown, then EOF). Cheap and non-blocking.
    virtual bool closed_by_peer() const noexcept = 0;
    /// Wakes the wait in flight, if any, so that it notices cancel_requested_. Any thread.
    virtual void interrupt() noexcept = 0;

    /// The connection must not be reused (set by the mechanism, and by broken()).
    mutable bool broken_ = false;
    /// An operation is running (the policy's, or the mechanism's own startup).
    bool in_flight_ = false;
    /// Set by cancel(), never cleared: the connection is not reused (connection::cancel).
    std::atomic<bool> cancel_requested_{false};
    connection_stats stats_;

private:
    std::optional<error> refuse() const;
    asio::awaitable<result<void>> settle(deadline dl);
    result<void> finish(exchange x);
};

} // namespace fraiseql::pg::detail
