#pragma once
/// \file
/// Spare text buffers kept per thread, so that a request's JSON value and response body reuse
/// the memory of earlier requests instead of asking the heap (issue 15: zero heap
/// allocations per request after warm-up). A buffer taken here is an ordinary std::string:
/// whoever holds it last gives it back (or just lets it go — nothing breaks, the next
/// request allocates). Memory bound: at most `buffer_pool_slots` buffers of at most
/// `buffer_pool_max_capacity` bytes each per thread; a larger buffer (a big list's) is freed
/// when given back, so the pool never holds a large response's memory.

#include <cstddef>
#include <string>

namespace fraiseql::json {

inline constexpr std::size_t buffer_pool_slots = 32;
inline constexpr std::size_t buffer_pool_max_capacity = 64 * 1024;

/// An empty string with the memory of a buffer given back earlier on this thread: the
/// smallest with at least `at_least` bytes of capacity, else the largest; an empty string
/// without memory when the pool is empty. Never throws.
std::string take_buffer(std::size_t at_least = 0) noexcept;

/// Keeps `s`'s memory for a later take_buffer() on this thread when it fits the bounds
/// (else frees it); `s` is left empty without memory either way.
void give_back(std::string& s) noexcept;
inline void give_back(std::string&& s) noexcept { give_back(s); }

/// How many buffers this thread's pool holds (tests).
std::size_t pooled_buffers() noexcept;

} // namespace fraiseql::json
