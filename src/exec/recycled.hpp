#pragma once
/// \file
/// A request's large working state, kept out of its coroutine frame (issue 15: no heap
/// allocation per request). Asio recycles a coroutine frame only when it is at most 1,020
/// bytes (boost/asio/detail/thread_info_base.hpp: the size is kept in 4-byte chunks in one
/// unsigned char); a frame that holds a bound operation, an authorization result and a
/// pipeline's statements is larger, and went to the heap on every request. `recycled<T>`
/// holds such a T in a block taken from a per-thread list of spare blocks of T's size and
/// given back when it ends, so the frame holds one pointer. T is constructed afresh each
/// time (nothing of one request survives into the next); only its memory is reused. At most
/// `keep` blocks wait per thread, about the requests one thread has in flight at once.

#include <cstddef>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace fraiseql::exec {

template <class T, std::size_t keep = 64>
class recycled {
public:
    template <class... A>
    explicit recycled(A&&... args) {
        void* raw = take();
        try {
            p_ = ::new (raw) T(std::forward<A>(args)...);
        } catch (...) {
            give_back(raw);
            throw;
        }
    }
    ~recycled() {
        std::destroy_at(p_);
        give_back(p_);
    }
    recycled(const recycled&) = delete;
    recycled& operator=(const recycled&) = delete;

    T& operator*() const noexcept { return *p_; }
    T* operator->() const noexcept { return p_; }

private:
    static constexpr std::align_val_t align{alignof(T)};

    struct spares {
        std::vector<void*> blocks;
        spares() { blocks.reserve(keep); }
        ~spares() {
            for (void* b : blocks) ::operator delete(b, align);
            blocks.clear();
            gone() = true;
        }
    };
    /// The thread's list; `gone()` once the thread's thread_local objects are destroyed
    /// (a frame destroyed after that, at thread exit, uses the heap directly).
    static spares& list() {
        thread_local spares s;
        return s;
    }
    static bool& gone() {
        thread_local bool g = false; // trivially destructible: valid until the thread ends
        return g;
    }
    static void* take() {
        if (!gone()) {
            auto& l = list();
            if (!l.blocks.empty()) {
                void* b = l.blocks.back();
                l.blocks.pop_back();
                return b;
            }
        }
        return ::operator new(sizeof(T), align);
    }
    static void give_back(void* b) noexcept {
        if (!gone()) {
            auto& l = list();
            if (l.blocks.size() < keep) {
                l.blocks.push_back(b); // within the reserved capacity: no allocation
                return;
            }
        }
        ::operator delete(b, align);
    }

    T* p_ = nullptr;
};

} // namespace fraiseql::exec
