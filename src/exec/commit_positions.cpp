#include "commit_positions.hpp"

#include <algorithm>
#include <functional>
#include <random>
#include <string_view>

namespace fraiseql::exec {

namespace {

// splitmix64's finaliser: spreads the seeded hash so that bucket positions cannot be chosen
// from outside (a header identity is the client's to pick).
std::uint64_t mix(std::uint64_t x) noexcept {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

std::uint64_t random_seed() {
    std::random_device rd;
    return (std::uint64_t(rd()) << 32) ^ rd();
}

} // namespace

commit_positions::commit_positions(std::chrono::milliseconds window, std::size_t max_clients)
    : window_(window), max_clients_(std::max<std::size_t>(1, max_clients)),
      seed_(random_seed()) {}

std::uint64_t commit_positions::key_of(std::string_view client) const noexcept {
    return mix(std::hash<std::string_view>{}(client) ^ seed_);
}

void commit_positions::expire(clock::time_point now) {
    while (!order_.empty() && order_.front().expires <= now) {
        index_.erase(order_.front().key);
        order_.pop_front();
    }
    if (floor_expires_ <= now) floor_ = 0;
}

void commit_positions::remember(std::string_view client, pg::lsn position,
                                clock::time_point now) {
    if (client.empty() || position == 0 || window_.count() <= 0) return;
    const auto key = key_of(client);
    std::lock_guard g(mu_);
    expire(now);
    if (auto it = index_.find(key); it != index_.end()) {
        auto e = it->second;
        e->position = std::max(e->position, position);
        e->expires = now + window_;
        order_.splice(order_.end(), order_, e);
        return;
    }
    if (order_.size() >= max_clients_) {
        // The oldest entry's window has not ended (expire() ran): keep its guarantee as a
        // floor for everyone until it would have.
        const auto& old = order_.front();
        floor_ = std::max(floor_, old.position);
        floor_expires_ = std::max(floor_expires_, old.expires);
        ++evicted_;
        index_.erase(old.key);
        order_.pop_front();
    }
    order_.push_back({key, position, now + window_});
    index_.emplace(key, std::prev(order_.end()));
}

pg::lsn commit_positions::required(std::string_view client, clock::time_point now) {
    std::lock_guard g(mu_);
    expire(now);
    pg::lsn need = floor_;
    if (!client.empty() && !index_.empty())
        if (auto it = index_.find(key_of(client)); it != index_.end())
            need = std::max(need, it->second->position);
    return need;
}

std::size_t commit_positions::size() const {
    std::lock_guard g(mu_);
    return order_.size();
}

std::uint64_t commit_positions::evicted() const {
    std::lock_guard g(mu_);
    return evicted_;
}

} // namespace fraiseql::exec
