#pragma once
// A small thread-safe LRU map (plan cache, persisted queries).

#include <cstddef>
#include <list>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace fraiseql::exec {

/// `Hash` and `Eq` may be transparent (is_transparent): get() then finds by any key form
/// they accept, without building a Key (the plan cache looks a document up by views).
template <class Value, class Key = std::string, class Hash = std::hash<Key>,
          class Eq = std::equal_to<Key>>
class lru_cache {
public:
    explicit lru_cache(std::size_t capacity) : capacity_(capacity) {}

    template <class K> std::optional<Value> get(const K& key) {
        std::lock_guard lk(mu_);
        auto it = index_.find(key);
        if (it == index_.end()) return std::nullopt;
        order_.splice(order_.begin(), order_, it->second);
        return it->second->second;
    }

    void put(const Key& key, Value v) {
        if (capacity_ == 0) return;
        std::lock_guard lk(mu_);
        if (auto it = index_.find(key); it != index_.end()) {
            it->second->second = std::move(v);
            order_.splice(order_.begin(), order_, it->second);
            return;
        }
        order_.emplace_front(key, std::move(v));
        index_[key] = order_.begin();
        if (order_.size() > capacity_) {
            index_.erase(order_.back().first);
            order_.pop_back();
        }
    }

    std::size_t size() const {
        std::lock_guard lk(mu_);
        return order_.size();
    }

private:
    std::size_t capacity_;
    mutable std::mutex mu_;
    std::list<std::pair<Key, Value>> order_;
    std::unordered_map<Key, typename std::list<std::pair<Key, Value>>::iterator, Hash, Eq> index_;
};

} // namespace fraiseql::exec
