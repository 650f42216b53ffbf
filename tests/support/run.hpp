#pragma once
/// \file
/// Runs one coroutine to completion on an io_context, for tests.
///
///     asio::io_context io;
///     auto r = fraiseql::test::run(io, some_coroutine(args...));
///
/// The io_context is driven (run_one) only until that coroutine finishes, so
/// unrelated background work (a pool's reaper timer, ...) does not keep it
/// spinning. An exception escaping the coroutine is rethrown here (gtest then
/// reports it). Other threads may run the same io_context concurrently.

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace fraiseql::test {

namespace detail {
// co_spawn's value completion needs a default-constructible T (result<T> is not), so
// the value is moved into an optional by a void coroutine instead.
template <class T>
boost::asio::awaitable<void> store_into(boost::asio::awaitable<T> aw, std::optional<T>* out) {
    out->emplace(co_await std::move(aw));
}
} // namespace detail

template <class T> T run(boost::asio::io_context& io, boost::asio::awaitable<T> aw) {
    std::exception_ptr error;
    bool done = false;
    auto on_done = [&](std::exception_ptr e) {
        error = e;
        done = true;
    };
    if (io.stopped()) io.restart();
    if constexpr (std::is_void_v<T>) {
        boost::asio::co_spawn(io, std::move(aw), on_done);
        while (!done && io.run_one() > 0) {}
        if (error) std::rethrow_exception(error);
    } else {
        std::optional<T> out;
        boost::asio::co_spawn(io, detail::store_into(std::move(aw), &out), on_done);
        while (!done && io.run_one() > 0) {}
        if (error) std::rethrow_exception(error);
        return std::move(*out);
    }
}

} // namespace fraiseql::test
