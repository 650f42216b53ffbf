#include "fraiseql/json/buffer_pool.hpp"

#include <array>
#include <utility>

namespace fraiseql::json {

namespace {

/// A fixed array, not a vector: the pool itself never allocates. Thread-local, so no lock:
/// a coroutine that moves between threads (threads > 1) just returns the buffer to the pool
/// of the thread it finishes on.
struct pool {
    std::array<std::string, buffer_pool_slots> slots;
    std::size_t size = 0;
};

pool& this_thread_pool() noexcept {
    thread_local pool p;
    return p;
}

} // namespace

std::string take_buffer(std::size_t at_least) noexcept {
    auto& p = this_thread_pool();
    if (p.size == 0) return {};
    // Best fit, so that a small value does not take the buffer a body needs next.
    std::size_t pick = p.size;
    std::size_t largest = 0;
    for (std::size_t i = 0; i < p.size; ++i) {
        const std::size_t c = p.slots[i].capacity();
        if (c >= at_least && (pick == p.size || c < p.slots[pick].capacity())) pick = i;
        if (c > p.slots[largest].capacity()) largest = i;
    }
    if (pick == p.size) pick = largest;
    std::string out = std::move(p.slots[pick]);
    if (pick != --p.size) p.slots[pick] = std::move(p.slots[p.size]);
    out.clear();
    return out;
}

void give_back(std::string& s) noexcept {
    std::string gone = std::move(s);
    s.clear();
    // SSO strings hold no heap memory: nothing to keep.
    if (gone.capacity() <= std::string().capacity() || gone.capacity() > buffer_pool_max_capacity)
        return;
    auto& p = this_thread_pool();
    if (p.size == p.slots.size()) return;
    p.slots[p.size++] = std::move(gone);
}

std::size_t pooled_buffers() noexcept { return this_thread_pool().size; }

} // namespace fraiseql::json
