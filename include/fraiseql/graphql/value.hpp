#pragma once
/// \file
/// Input values after coercion (GraphQL spec §3.10 / §6.1.2): what argument
/// literals, default values and variables become once bound to the schema.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace fraiseql::graphql {

/// A coerced input value. Ints are 64-bit internally (the Int scalar itself is
/// checked to 32 bits during coercion); Decimal/BigInt keep their exact text.
class input_value {
public:
    enum class kind : std::uint8_t { null, boolean, integer, floating, string, enum_, list, object };
    using list_t = std::vector<input_value>;
    using object_t = std::vector<std::pair<std::string, input_value>>; ///< in input order

    input_value() = default;
    static input_value null() { return input_value(); }
    static input_value boolean(bool b) { input_value v; v.k_ = kind::boolean; v.b_ = b; return v; }
    static input_value integer(std::int64_t i) { input_value v; v.k_ = kind::integer; v.i_ = i; return v; }
    static input_value floating(double d) { input_value v; v.k_ = kind::floating; v.d_ = d; return v; }
    static input_value string(std::string s) { input_value v; v.k_ = kind::string; v.s_ = std::move(s); return v; }
    static input_value enum_(std::string s) { input_value v; v.k_ = kind::enum_; v.s_ = std::move(s); return v; }
    static input_value list(list_t items) {
        input_value v; v.k_ = kind::list; v.list_ = std::make_shared<list_t>(std::move(items)); return v;
    }
    static input_value object(object_t fields) {
        input_value v; v.k_ = kind::object; v.obj_ = std::make_shared<object_t>(std::move(fields)); return v;
    }

    kind type() const noexcept { return k_; }
    bool is_null() const noexcept { return k_ == kind::null; }
    bool as_bool() const noexcept { return b_; }
    std::int64_t as_int() const noexcept { return i_; }
    double as_double() const noexcept { return k_ == kind::integer ? double(i_) : d_; }
    /// The text of string and enum values (and the exact text of Decimal/BigInt literals).
    const std::string& as_string() const noexcept { return s_; }
    const list_t& as_list() const noexcept { static const list_t e; return list_ ? *list_ : e; }
    const object_t& as_object() const noexcept { static const object_t e; return obj_ ? *obj_ : e; }
    /// Field of an object value, or nullptr.
    const input_value* find(std::string_view name) const noexcept {
        if (!obj_) return nullptr;
        for (const auto& [k, v] : *obj_)
            if (k == name) return &v;
        return nullptr;
    }

    /// Serialises as JSON (strings escaped; enums as strings).
    std::string to_json() const;

private:
    kind k_ = kind::null;
    bool b_ = false;
    std::int64_t i_ = 0;
    double d_ = 0;
    std::string s_;
    std::shared_ptr<list_t> list_;
    std::shared_ptr<object_t> obj_;
};

} // namespace fraiseql::graphql
