#pragma once
/// \file
/// Rows handed to callers as views into a backend's receive buffer.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace fraiseql::pg {

/// PostgreSQL type OIDs used by the project (pg_type.dat).
namespace oid {
inline constexpr std::uint32_t unspecified = 0;
inline constexpr std::uint32_t bool_ = 16;
inline constexpr std::uint32_t bytea = 17;
inline constexpr std::uint32_t int8 = 20;
inline constexpr std::uint32_t int2 = 21;
inline constexpr std::uint32_t int4 = 23;
inline constexpr std::uint32_t text = 25;
inline constexpr std::uint32_t oid = 26;
inline constexpr std::uint32_t json = 114;
inline constexpr std::uint32_t float4 = 700;
inline constexpr std::uint32_t float8 = 701;
inline constexpr std::uint32_t varchar = 1043;
inline constexpr std::uint32_t date = 1082;
inline constexpr std::uint32_t timestamp = 1114;
inline constexpr std::uint32_t timestamptz = 1184;
inline constexpr std::uint32_t numeric = 1700;
inline constexpr std::uint32_t uuid = 2950;
inline constexpr std::uint32_t jsonb = 3802;
inline constexpr std::uint32_t text_array = 1009;
inline constexpr std::uint32_t int4_array = 1007;
} // namespace oid

enum class format : std::int16_t { text = 0, binary = 1 };

/// One field of a row: bytes owned by the backend, valid until the batch
/// that contains the row is released (the next `on_rows` call returns).
struct field_view {
    const char* data = nullptr;
    std::int32_t size = -1; ///< -1 means SQL NULL

    bool is_null() const noexcept { return size < 0; }
    std::string_view text() const noexcept {
        return is_null() ? std::string_view{} : std::string_view{data, std::size_t(size)};
    }
};

/// A row: a span of fields. Non-owning; see field_view for lifetime.
class row_view {
public:
    row_view() = default;
    explicit row_view(std::span<const field_view> f) : fields_(f) {}
    std::size_t size() const noexcept { return fields_.size(); }
    const field_view& operator[](std::size_t i) const noexcept { return fields_[i]; }
    auto begin() const noexcept { return fields_.begin(); }
    auto end() const noexcept { return fields_.end(); }

private:
    std::span<const field_view> fields_;
};

/// Column metadata from RowDescription.
struct column_desc {
    std::string name;
    std::uint32_t table_oid = 0;
    std::int16_t column_attr = 0;
    std::uint32_t type_oid = 0;
    std::int16_t type_size = 0;
    std::int32_t type_modifier = 0;
    format fmt = format::text;
};

/// A bind parameter. The bytes must stay valid until the statement completes.
struct param {
    std::string_view value;
    bool null = false;
    std::uint32_t type_oid = oid::unspecified; ///< 0 lets the server infer it from the SQL
    format fmt = format::text;

    static param text(std::string_view v, std::uint32_t type = oid::unspecified) {
        return param{v, false, type, format::text};
    }
    static param null_value(std::uint32_t type = oid::unspecified) {
        return param{{}, true, type, format::text};
    }
};

} // namespace fraiseql::pg
