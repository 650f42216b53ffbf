// The prepared-statement cache policy shared by both backends (statement_cache.hpp).
#include "statement_cache.hpp"

namespace fraiseql::pg::protocol {

cache_slot statement_cache::lookup(std::string_view sql, std::span<const param> params,
                                   bool use_cache, std::vector<std::string>& closes) {
    if (!use_cache || capacity_ == 0) return {};
    key_.assign(sql);
    key_.push_back('\0');
    for (const auto& p : params)
        key_.append(reinterpret_cast<const char*>(&p.type_oid), sizeof p.type_oid);
    if (prepared_statement* e = find(key_)) {
        ++hits_;
        e->batch = batch_;
        return {send_mode::cached, e};
    }
    ++misses_;
    if (list_.size() >= capacity_) {
        // Evict the least recently used unless this very pipeline uses it.
        prepared_statement& victim = list_.back();
        if (victim.batch == batch_) return {};
        closes.push_back(std::move(victim.name));
        erase(&victim);
    }
    list_.push_front(prepared_statement{key_, "fq_" + std::to_string(++next_name_), {}, false,
                                        batch_});
    map_[list_.front().key] = list_.begin();
    return {send_mode::prepare, &list_.front()};
}

bool statement_cache::invalidate(prepared_statement* e, sqlstate code) {
    if (!e || !e->described) return false;
    const bool gone = code == sqlstate("26000");
    if (!gone && code != sqlstate("0A000")) return false;
    if (!gone) closes_.push_back(e->name);
    erase(e);
    return true;
}

void statement_cache::drop_unconfirmed() {
    for (auto it = list_.begin(); it != list_.end();) {
        auto next = std::next(it);
        if (it->batch == batch_ && !it->described) erase(&*it);
        it = next;
    }
}

void statement_cache::take_closes(std::vector<std::string>& out) {
    for (auto& n : closes_) out.push_back(std::move(n));
    closes_.clear();
}

prepared_statement* statement_cache::find(std::string_view key) {
    auto it = map_.find(key);
    if (it == map_.end()) return nullptr;
    list_.splice(list_.begin(), list_, it->second);
    return &*it->second;
}

void statement_cache::erase(prepared_statement* e) {
    auto it = map_.find(e->key);
    if (it == map_.end() || &*it->second != e) return;
    auto lit = it->second;
    map_.erase(it);
    list_.erase(lit);
}

void statement_cache::clear() {
    map_.clear();
    list_.clear();
}

} // namespace fraiseql::pg::protocol
