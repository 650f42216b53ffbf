#pragma once
/// \file
/// A TCP fault proxy for chaos tests (in the spirit of userver's chaos "TcpGate"):
/// listens on 127.0.0.1 (an ephemeral port), forwards every accepted connection to
/// an upstream 127.0.0.1 port (PostgreSQL), and on command from the test injects
/// network faults into live and new connections. It runs on a thread of its own, so
/// a test may drive it from any thread while the code under test runs elsewhere.
///
///     fault_proxy proxy(pg_port);                  // pass-through
///     auto url = "postgres://postgres@127.0.0.1:" + std::to_string(proxy.port()) + "/db";
///     proxy.set_mode(fault_mode::blackhole);       // stall everything from now on
///     proxy.reset_all();                           // RST every live connection
///
/// Faults apply to bytes that flow after the call (both directions unless a
/// direction is given). Only ever connects to 127.0.0.1.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace fraiseql::test {

enum class fault_mode {
    pass,        ///< forward as is
    blackhole,   ///< accept and read, forward nothing (a stalled network)
    refuse,      ///< new connections are closed at once after accept; live ones pass
    fragment,    ///< forward every byte in its own write (1-byte TCP segments)
    corrupt,     ///< flip bits in forwarded bytes (see corrupt_every)
};

enum class direction {
    both,
    to_server, ///< client -> upstream (the driver's requests)
    to_client, ///< upstream -> client (the server's replies)
};

struct fault_stats {
    std::uint64_t accepted = 0;        ///< connections accepted so far
    std::uint64_t live = 0;            ///< connections open now
    std::uint64_t bytes_to_server = 0; ///< forwarded client -> upstream
    std::uint64_t bytes_to_client = 0; ///< forwarded upstream -> client
    std::uint64_t writes_to_server = 0; ///< socket writes towards upstream (fragment: 1/byte)
    std::uint64_t writes_to_client = 0; ///< socket writes towards the client
};

class fault_proxy {
public:
    /// Starts listening at once; `upstream_port` is on 127.0.0.1.
    explicit fault_proxy(std::uint16_t upstream_port);
    /// Closes everything and joins the proxy's thread.
    ~fault_proxy();
    fault_proxy(const fault_proxy&) = delete;
    fault_proxy& operator=(const fault_proxy&) = delete;

    /// The port the proxy listens on (127.0.0.1).
    std::uint16_t port() const noexcept;

    /// The mode for bytes flowing from now on, in `dir`.
    void set_mode(fault_mode m, direction dir = direction::both);
    /// Refuses (RST right after accept) new connections while true, whatever the modes of
    /// live ones; set_mode(refuse) sets it and set_mode(anything else) clears it.
    void set_refuse_new(bool refuse);
    /// Adds `latency` before each forwarded chunk (0 removes it).
    void set_latency(std::chrono::milliseconds latency, direction dir = direction::both);
    /// Caps forwarding at `bytes_per_second` (0 removes the cap).
    void set_bandwidth(std::size_t bytes_per_second, direction dir = direction::both);
    /// In corrupt mode: flip one bit in every `n`th forwarded byte (default 1: every byte).
    void set_corrupt_every(std::size_t n);

    /// Resets (RST: SO_LINGER 0, then close) every live connection, both sides.
    void reset_all();
    /// Half-closes every live connection: shuts down the sending side towards the
    /// client (it reads EOF) while the upstream side stays open (or the reverse).
    void half_close_all(direction dir = direction::to_client);
    /// Closes every live connection cleanly (FIN both ways).
    void close_all();

    /// Injects raw bytes towards the client on every live connection (e.g. a
    /// PostgreSQL ErrorResponse 'E' with severity FATAL), after what was forwarded.
    void inject_to_client(std::string bytes);

    /// Calls `fn` (on the proxy's thread) with each chunk flowing to the server; when it
    /// returns true the proxy calls `then` (e.g. reset_all) — before forwarding that chunk,
    /// or right after it when `after_forward` (the server got it, its reply is lost).
    /// Used to cut a connection exactly when a given message (COMMIT, Sync) is sent.
    /// The trigger fires once; pass an empty function to remove it.
    void on_to_server(std::function<bool(std::string_view chunk)> fn, std::function<void()> then,
                      bool after_forward = false);

    fault_stats stats() const;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

/// A PostgreSQL ErrorResponse message with severity FATAL, the SQLSTATE and message given
/// (protocol-message-formats: 'E', int32 length, fields S, V, C, M, terminator).
std::string pg_fatal_message(std::string_view sqlstate, std::string_view message);

} // namespace fraiseql::test
