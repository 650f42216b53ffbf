#include "fraiseql/json/projection.hpp"

#include "fraiseql/json/writer.hpp"

#include <atomic>
#include <bit>
#include <cassert>
#include <cstring>

namespace fraiseql::json {

projection::projection(std::string type_name, std::vector<projected_field> fields)
    : type_name_(std::move(type_name)), fields_(std::move(fields)) {
    assert(fields_.size() < npos);
    meta_.resize(fields_.size());

    // Escaped response-key prefixes and typename literals are computed once here so that the
    // per-row path only appends precomputed bytes.
    std::string tmp;
    for (std::size_t i = 0; i < fields_.size(); ++i) {
        projected_field& f = fields_[i];
        if (f.field_name.empty()) f.field_name = f.response_key;
        assert((f.k != projected_field::kind::object && f.k != projected_field::kind::object_list)
               || f.child != nullptr);
        tmp.assign(1, ',');
        append_json_key(tmp, f.response_key);
        meta_[i].prefix_off = static_cast<std::uint32_t>(blob_.size());
        meta_[i].prefix_len = static_cast<std::uint32_t>(tmp.size());
        blob_ += tmp;
        fixed_output_bytes_ += tmp.size();
        if (f.k == projected_field::kind::typename_literal) {
            tmp.clear();
            append_json_string(tmp, f.literal);
            meta_[i].literal_off = static_cast<std::uint32_t>(blob_.size());
            meta_[i].literal_len = static_cast<std::uint32_t>(tmp.size());
            blob_ += tmp;
            fixed_output_bytes_ += tmp.size();
        } else {
            fixed_output_bytes_ += 4; // "null"
        }
    }
    fixed_output_bytes_ += 2; // braces

    // One slot per unique source key; fields reading the same key (aliases) are chained in
    // selection order so that one scan position serves all of them. The table itself finds
    // the duplicates (no separate map: a projection is built per request).
    std::size_t keyed = 0;
    for (const projected_field& f : fields_)
        if (f.k != projected_field::kind::typename_literal) ++keyed;
    // Open addressing, load factor <= 1/4: a probe for an unselected key almost always ends
    // on the first empty slot.
    std::size_t size = 8;
    while (size < keyed * 4) size *= 2;
    table_.assign(size, slot{});
    table_shift_ = 64u - static_cast<unsigned>(std::countr_zero(size));
    std::vector<std::uint16_t> chain_end(size, npos); // per slot: last field of its chain
    for (std::size_t i = 0; i < fields_.size(); ++i) {
        if (fields_[i].k == projected_field::kind::typename_literal) continue;
        const std::string& key = fields_[i].source_key;
        assert(key.size() < 0xFFFF);
        const key_words w = load_key(key.data(), key.size());
        std::size_t h = static_cast<std::size_t>(key_hash(w, key.size()) >> table_shift_);
        while (table_[h].field != npos && fields_[table_[h].field].source_key != key)
            h = (h + 1) & (size - 1);
        if (table_[h].field != npos) { // an alias of a key already in the table
            meta_[chain_end[h]].next_same_key = static_cast<std::uint16_t>(i);
            chain_end[h] = static_cast<std::uint16_t>(i);
            continue;
        }
        slot s;
        s.w0 = w.w0;
        s.w1 = w.w1;
        s.key_off = static_cast<std::uint32_t>(blob_.size());
        s.key_len = static_cast<std::uint16_t>(key.size());
        s.field = static_cast<std::uint16_t>(i);
        blob_ += key;
        table_[h] = s;
        chain_end[h] = static_cast<std::uint16_t>(i);
    }
    table_mask_ = size - 1;
    // Padding so that the transform may copy any prefix or literal with whole 16-byte loads.
    blob_.append(blob_padding, '\0');

    static std::atomic<std::uint64_t> next_id{1};
    id_ = next_id.fetch_add(1, std::memory_order_relaxed);
}

std::uint16_t projection::find(std::string_view key) const noexcept {
    const std::size_t mask = table_.size() - 1;
    const key_words w = load_key(key.data(), key.size());
    std::size_t h = static_cast<std::size_t>(key_hash(w, key.size()) >> table_shift_);
    for (;;) {
        const slot& s = table_[h];
        if (s.field == npos) return npos;
        if (s.key_len == key.size() && s.w0 == w.w0 && s.w1 == w.w1 &&
            (key.size() <= 16 || std::memcmp(blob_.data() + s.key_off + 16, key.data() + 16,
                                             key.size() - 16) == 0))
            return s.field;
        h = (h + 1) & mask;
    }
}

projected_field value_field(std::string source_key, std::string response_key, bool non_null) {
    projected_field f;
    f.source_key = std::move(source_key);
    f.response_key = std::move(response_key);
    f.k = projected_field::kind::value;
    f.non_null = non_null;
    return f;
}

projected_field object_field(std::string source_key, std::string response_key,
                             std::shared_ptr<const projection> child, bool non_null) {
    projected_field f;
    f.source_key = std::move(source_key);
    f.response_key = std::move(response_key);
    f.k = projected_field::kind::object;
    f.non_null = non_null;
    f.child = std::move(child);
    return f;
}

projected_field object_list_field(std::string source_key, std::string response_key,
                                  std::shared_ptr<const projection> child, bool non_null,
                                  bool items_non_null) {
    projected_field f;
    f.source_key = std::move(source_key);
    f.response_key = std::move(response_key);
    f.k = projected_field::kind::object_list;
    f.non_null = non_null;
    f.items_non_null = items_non_null;
    f.child = std::move(child);
    return f;
}

projected_field typename_field(std::string type_name, std::string response_key) {
    projected_field f;
    f.response_key = std::move(response_key);
    f.k = projected_field::kind::typename_literal;
    f.literal = std::move(type_name);
    f.non_null = true;
    return f;
}

} // namespace fraiseql::json
