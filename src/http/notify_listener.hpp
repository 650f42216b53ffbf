#pragma once
/// \file
/// `subscription_notify_channel` (product.md §3.7; docs/subscriptions.md "NOTIFY"): a
/// dedicated PostgreSQL connection that LISTENs on one channel and calls `on_notify` for
/// every batch of notifications, so that live queries are refetched at once instead of at
/// their next interval.
///
/// Dedicated, never pooled: a pooled idle connection that has anything to read is treated as
/// closed (the pool's rule against idle-time FATALs), and a notification is exactly that.
/// It is a libpq connection on a thread of its own, whatever the request backend: it waits
/// on its socket with poll(2) (a quarter second at a time, to notice stop()), so no I/O
/// thread ever blocks on it, and its connect may resolve host names freely. When the
/// connection is lost it reconnects after a second (doubling to 30 s), and calls `on_notify`
/// once connected again: notifications sent while it was away are lost, the refetch covers
/// them.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace fraiseql::http {

class notify_listener {
public:
    /// Starts listening on `channel` (an identifier, quoted here) of `database_url`.
    notify_listener(std::string database_url, std::string channel, std::function<void()> on_notify);
    ~notify_listener(); ///< stop()
    notify_listener(const notify_listener&) = delete;
    notify_listener& operator=(const notify_listener&) = delete;

    void stop();
    /// Notification batches received so far (for /metrics).
    std::uint64_t notifications() const noexcept { return notifications_.load(); }
    bool connected() const noexcept { return connected_.load(); }

private:
    void run();
    bool sleep_for(std::chrono::milliseconds d); ///< false when stopped meanwhile

    std::string url_;
    std::string channel_;
    std::function<void()> on_notify_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> connected_{false};
    std::atomic<std::uint64_t> notifications_{0};
    std::mutex mu_;
    std::condition_variable cv_;
    std::thread thread_;
};

} // namespace fraiseql::http
