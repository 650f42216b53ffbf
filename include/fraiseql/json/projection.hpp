#pragma once
/// \file
/// The compiled selection that the response transform (transform.hpp) applies to each row.
///
/// A `projection` describes one object level of a GraphQL selection: which keys to read from
/// the JSONB source object, under which response keys to write them, in which order, and how
/// nullability propagates (GraphQL spec §6.4.4). It is built once per planned operation
/// (typically kept in the plan cache), is immutable afterwards and may be shared by any number
/// of threads and requests through `std::shared_ptr<const projection>`.

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fraiseql::json {

class projection;

/// One selected field of an object level.
struct projected_field {
    enum class kind : std::uint8_t {
        value,           ///< scalar, enum, scalar list or `JSON`: copied verbatim from the source
        object,          ///< nested object: projected recursively with `child`
        object_list,     ///< list of objects: each item projected with `child`
        typename_literal ///< `__typename`: writes `literal` as a JSON string, reads nothing
    };

    /// Key read in the source object (e.g. "first_name"), unescaped UTF-8. Unused for
    /// typename_literal.
    std::string source_key;
    /// Key written to the response (field name or alias, e.g. "firstName"), unescaped UTF-8;
    /// the projection escapes it once when it is built.
    std::string response_key;
    /// GraphQL field name (not the alias), for error messages ("… field User.email.").
    /// Defaults to `response_key` when empty.
    std::string field_name;
    kind k = kind::value;
    /// GraphQL type is `T!` (or `[T]!`): null or missing here nulls the nearest nullable parent.
    bool non_null = false;
    /// Lists only (`[T!]`): a null item nulls the list. Honoured for object_list and for value
    /// fields whose source value is an array (scalar lists).
    bool items_non_null = false;
    /// typename_literal: the type name (unescaped).
    std::string literal;
    /// object / object_list: the selection applied to the nested object(s). Must not be null
    /// for those kinds (the projection constructor asserts it).
    std::shared_ptr<const projection> child;
    /// Location of the field in the operation text (1-based; 0 = unknown), copied into the
    /// `locations` of errors raised at this field.
    std::uint32_t line = 0;
    std::uint32_t column = 0;
};

/// One object level of a compiled selection, with a precomputed key lookup table so that the
/// transform finds a source key's fields with one hash probe and no allocation.
class projection {
public:
    /// Builds the level and its lookup table. `type_name` is the GraphQL object type (for error
    /// messages). Fields keep their order: it is the response order. Several fields may read the
    /// same source key (aliases). At most 65535 fields.
    explicit projection(std::string type_name, std::vector<projected_field> fields);

    const std::string& type_name() const noexcept { return type_name_; }
    std::span<const projected_field> fields() const noexcept { return fields_; }

    // ---- Precomputed data used by the transform (not needed by the executor). ----

    /// Per field: `,"<escaped response key>":` (the first field's `,` is replaced by `{`).
    std::string_view key_prefix(std::size_t i) const noexcept {
        return {blob_.data() + meta_[i].prefix_off, meta_[i].prefix_len};
    }
    /// Per field: the JSON string written for a typename_literal field (quoted, escaped).
    std::string_view literal_json(std::size_t i) const noexcept {
        return {blob_.data() + meta_[i].literal_off, meta_[i].literal_len};
    }
    /// Index of the next field reading the same source key, or `npos`.
    std::uint16_t next_same_key(std::size_t i) const noexcept { return meta_[i].next_same_key; }
    /// First field reading `key` (unescaped), or `npos`.
    std::uint16_t find(std::string_view key) const noexcept;
    /// Upper bound of the bytes this level writes besides the values themselves.
    std::size_t fixed_output_bytes() const noexcept { return fixed_output_bytes_; }
    /// Identity of this projection's content, for per-thread caches in the transform (which
    /// must not trust an address: a freed projection's address may be reused). Unique per
    /// constructed projection; copies share it, as they share the content.
    std::uint64_t id() const noexcept { return id_; }

    static constexpr std::uint16_t npos = 0xFFFF;

    /// A key's first 16 bytes as two words, zero-padded when shorter: compared before any
    /// memcmp (only keys longer than 16 bytes need one, for the rest), and hashed. The
    /// transform computes the same words with one masked 16-byte load when 16 bytes are
    /// readable (transform.cpp); this is the portable definition.
    struct key_words {
        std::uint64_t w0 = 0;
        std::uint64_t w1 = 0;
    };
    static key_words load_key(const char* k, std::size_t n) noexcept {
        char buf[16] = {};
        std::memcpy(buf, k, n < 16 ? n : 16);
        key_words w;
        std::memcpy(&w.w0, buf, 8);
        std::memcpy(&w.w1, buf + 8, 8);
        return w;
    }
    /// One multiply (Fibonacci hashing: callers keep the top bits). The length is not mixed
    /// in: keys of different lengths that share their zero-padded words only collide, and the
    /// slot compare checks the length. One multiply instead of two shortens the dependency
    /// chain from a key's end to its slot load, which is on every member's path.
    static std::uint64_t key_hash(key_words w, std::size_t /*n*/) noexcept {
        return (w.w0 ^ ((w.w1 << 29) | (w.w1 >> 35))) * 0x9E3779B97F4A7C15u;
    }

    struct slot {
        std::uint64_t w0 = 0;
        std::uint64_t w1 = 0;
        std::uint32_t key_off = 0;
        std::uint16_t key_len = 0;
        std::uint16_t field = npos; ///< npos = empty slot
    };
    std::span<const slot> table() const noexcept { return table_; }
    /// table().size() - 1 (the table size is a power of two).
    std::size_t table_mask() const noexcept { return table_mask_; }
    const slot* table_data() const noexcept { return table_.data(); }
    /// Bytes readable past the end of any prefix or literal in blob().
    static constexpr std::size_t blob_padding = 16;
    unsigned table_shift() const noexcept { return table_shift_; }
    const char* blob() const noexcept { return blob_.data(); }

private:
    struct field_meta {
        std::uint32_t prefix_off = 0;
        std::uint32_t prefix_len = 0;
        std::uint32_t literal_off = 0;
        std::uint32_t literal_len = 0;
        std::uint16_t next_same_key = npos;
    };

    std::string type_name_;
    std::vector<projected_field> fields_;
    std::vector<field_meta> meta_;
    std::vector<slot> table_;
    unsigned table_shift_ = 0;
    std::size_t table_mask_ = 0;
    /// Escaped prefixes, literals and raw source keys, addressed by offsets so that copies and
    /// moves of the projection stay valid.
    std::string blob_;
    std::size_t fixed_output_bytes_ = 0;
    std::uint64_t id_ = 0;
};

/// Convenience constructors for the common field shapes (tests, benchmark, executor).
projected_field value_field(std::string source_key, std::string response_key,
                            bool non_null = false);
projected_field object_field(std::string source_key, std::string response_key,
                             std::shared_ptr<const projection> child, bool non_null = false);
projected_field object_list_field(std::string source_key, std::string response_key,
                                  std::shared_ptr<const projection> child, bool non_null = false,
                                  bool items_non_null = false);
projected_field typename_field(std::string type_name, std::string response_key = "__typename");

} // namespace fraiseql::json
