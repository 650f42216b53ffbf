#pragma once
// Read-your-writes by commit position (docs/adr/0013-replicas-and-poolers.md §7,
// docs/scaling.md): each client's last commit LSN, remembered for read_your_writes_window,
// so that its reads go only to a replica that has replayed it (or to the primary).
//
// A budget (product.md §9): at most `max_clients` entries, whatever the number of distinct
// clients. An entry evicted before its window ended is not forgotten unsafely: its position
// raises a floor that every client's reads must reach until that window ends, so a flood
// of identities can make reads fresher than needed (more of them on the primary) but never
// hand a client a replica that lacks its own write.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "fraiseql/pg/replica_set.hpp"

namespace fraiseql::exec {

class commit_positions {
public:
    using clock = std::chrono::steady_clock;

    commit_positions(std::chrono::milliseconds window, std::size_t max_clients);

    /// Records that `client` committed at `position` (keeps the later of two).
    void remember(std::string_view client, pg::lsn position, clock::time_point now);

    /// The position a read of `client` must see: its own last commit within the window, or
    /// the floor of evicted entries, whichever is later; 0 when none. An empty `client`
    /// (a request without an identity) only gets the floor.
    pg::lsn required(std::string_view client, clock::time_point now);

    std::size_t size() const;
    /// Entries evicted by the count limit before their window ended.
    std::uint64_t evicted() const;

private:
    struct entry {
        std::uint64_t key;
        pg::lsn position;
        clock::time_point expires;
    };
    /// Keys are a keyed hash of the identity, not the identity: every entry costs the same
    /// whatever the claim's length, and a collision only makes a read stricter.
    std::uint64_t key_of(std::string_view client) const noexcept;
    void expire(clock::time_point now); // mu_ held

    const std::chrono::milliseconds window_;
    const std::size_t max_clients_;
    const std::uint64_t seed_;
    mutable std::mutex mu_;
    std::list<entry> order_; // by last commit, oldest first: expiry order (one window for all)
    std::unordered_map<std::uint64_t, std::list<entry>::iterator> index_;
    pg::lsn floor_ = 0;
    clock::time_point floor_expires_{};
    std::uint64_t evicted_ = 0;
};

} // namespace fraiseql::exec
