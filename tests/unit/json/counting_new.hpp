#pragma once
// A counting global operator new for allocation-budget tests (issue 15: heap allocations
// per request). Include it in exactly one file of a test binary: it replaces the global
// allocation functions (C++ [replacement.functions]) with ones that count on this thread and
// forward to malloc. The array and nothrow forms of libstdc++ call these, so every C++
// allocation is counted. A count, not a time: the figure cannot move with the machine's load.

#include <cstddef>
#include <cstdlib>
#include <new>

namespace fraiseql::test {

inline thread_local std::size_t allocations_on_this_thread = 0;

/// Allocations made on this thread since construction.
class allocation_count {
public:
    allocation_count() : start_(allocations_on_this_thread) {}
    std::size_t operator()() const { return allocations_on_this_thread - start_; }

private:
    std::size_t start_;
};

} // namespace fraiseql::test

// A second file of the same test binary defines FRAISEQL_COUNTING_NEW_DECLARATIONS_ONLY before
// including this header: it gets allocation_count without a second definition of the
// replacement functions (one definition per program, [basic.def.odr]).
#ifndef FRAISEQL_COUNTING_NEW_DECLARATIONS_ONLY
void* operator new(std::size_t n) {
    ++fraiseql::test::allocations_on_this_thread;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
// Asio's coroutine frames and handlers that miss its per-thread cache come from
// ::aligned_alloc (boost::asio::aligned_new), not from operator new: the program's own
// definition replaces glibc's (as malloc may be replaced) so that they are counted too. It
// forwards to glibc's memalign entry point.
extern "C" void* __libc_memalign(std::size_t, std::size_t);
extern "C" void* aligned_alloc(std::size_t align, std::size_t n) noexcept {
    ++fraiseql::test::allocations_on_this_thread;
    return __libc_memalign(align, n);
}
void* operator new(std::size_t n, std::align_val_t a) {
    ++fraiseql::test::allocations_on_this_thread;
    if (void* p = __libc_memalign(static_cast<std::size_t>(a), n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
#endif
