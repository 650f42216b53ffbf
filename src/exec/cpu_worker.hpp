#pragma once
// The engine's CPU worker (product.md §9 "other clients' small queries are delayed by at
// most 100 ms"): the document stage of a large request runs here, off the I/O threads.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <type_traits>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace fraiseql::exec {

/// One low-priority thread. Thread-safe.
class cpu_worker {
public:
    /// Large documents queued for, or running on, the worker at once; beyond this a
    /// request is refused at once (503, SERVER_BUSY) rather than holding its body in
    /// memory while it waits (docs/reliability.md §1).
    static constexpr std::size_t max_pending = 32;

    cpu_worker();
    /// Joins the thread: work queued by then still runs.
    ~cpu_worker();
    cpu_worker(const cpu_worker&) = delete;
    cpu_worker& operator=(const cpu_worker&) = delete;

    /// Claims a place for one job; false when max_pending are taken. Each successful
    /// claim is ended by `run` (which releases it).
    bool try_claim() noexcept;

    /// Runs `f()` on the worker and resumes the caller on its own executor with the
    /// result (or the exception `f` threw). Releases the claim, and schedules a trim.
    template <class F> boost::asio::awaitable<std::invoke_result_t<F&>> run(F f) {
        using T = std::invoke_result_t<F&>;
        struct release_claim {
            cpu_worker* w;
            ~release_claim() {
                --w->pending_;
                w->schedule_trim();
            }
        } release{this};
        co_return co_await boost::asio::co_spawn(
            pool_.get_executor(), [&f]() -> boost::asio::awaitable<T> { co_return f(); },
            boost::asio::use_awaitable);
    }

    /// Drops `p` on the worker: a large document's tree, prepared operation and plan are
    /// tens of thousands of small frees the I/O thread should not pay.
    template <class T> void dispose(std::shared_ptr<T> p) {
        boost::asio::post(pool_, [p = std::move(p)]() mutable { p.reset(); });
    }

    /// Jobs claimed and not yet finished.
    std::size_t pending() const noexcept { return pending_.load(); }

private:
    /// Returns freed heap memory to the operating system shortly after a large request
    /// (glibc keeps it otherwise; product.md §9 "retains no memory afterwards"). Delayed
    /// a little so that the request's and the HTTP session's buffers are gone by then;
    /// coalesced; on the worker, so that no I/O thread waits for the arenas' locks.
    void schedule_trim();

    std::atomic<std::size_t> pending_{0};
    std::atomic<bool> trim_scheduled_{false};
    boost::asio::thread_pool pool_{1};
};

} // namespace fraiseql::exec
