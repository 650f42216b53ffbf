#pragma once
// Writing what the kernel takes at once, without a trip through the reactor (issue 15, CPU per
// request). An asynchronous write of a small message almost always completes at once (Asio's
// initiation already sends it), yet its completion is still posted to the scheduler and the
// coroutine suspended and resumed: about a thousand instructions per write, two writes per
// request (to PostgreSQL and to the client). A non-blocking write first, and an asynchronous
// write only for what the send buffer could not take, costs the one system call alone.

#include <cstddef>

#include <boost/system/error_code.hpp>

namespace fraiseql::net {

/// Writes as much of `buffers` as `s`'s send buffer takes now; returns the bytes written
/// (all of them, unless the buffer is full). Puts the socket in non-blocking mode on first
/// use (one ioctl per socket): the socket must have no synchronous operation that expects to
/// block. An error ends the attempt with what was written so far; the caller's asynchronous
/// write of the rest then meets the same error and reports it as before. Never with an
/// asynchronous write of the same socket outstanding (the bytes would interleave).
template <class Socket, class ConstBufferSequence>
std::size_t write_now(Socket& s, const ConstBufferSequence& buffers) noexcept {
    boost::system::error_code ec;
    if (!s.non_blocking()) {
        s.non_blocking(true, ec);
        if (ec) return 0;
    }
    return s.write_some(buffers, ec);
}

} // namespace fraiseql::net
