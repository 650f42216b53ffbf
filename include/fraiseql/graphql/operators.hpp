#pragma once
/// \file
/// The filter-operator catalogue (product.md §3.2, docs/adr/0010-operator-catalogue.md): every
/// operator of the generated `*Filter` inputs is declared once, as one row of a table — its
/// GraphQL name, the scalar families it applies to, its operand type, its description and the
/// SQL form it renders to. The schema builder generates the filter inputs from the table and
/// the WHERE compiler (src/sql/where_builder.cpp) renders each operator from its row; neither
/// side names an operator.
///
/// The SQL form is data here (an enum and the tokens it needs): this layer never interprets
/// it, so graphql stays free of SQL logic and sql keeps depending on graphql only.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "fraiseql/graphql/schema.hpp"

namespace fraiseql::graphql {

/// The groups of field types that share a set of operators (one row of product.md §3.2 each,
/// rows with the same operators merged).
enum class filter_family : std::uint8_t {
    text,       ///< String, ID
    ordered,    ///< Int, Float, Decimal, BigInt, Date, DateTime, Time
    boolean,    ///< Boolean
    equality,   ///< UUID, MacAddress, enums, scalars declared in the SDL
    json,       ///< JSON
    inet,       ///< IpAddress, CIDR
    ltree,      ///< LTree
    date_range, ///< DateRange
    vector,     ///< Vector (pgvector)
    list,       ///< a list of a scalar or an enum
    full_text,  ///< a field marked @search
};
inline constexpr std::size_t filter_family_count = 11;

/// A set of families, one bit each.
using family_set = std::uint16_t;
constexpr family_set family_bit(filter_family f) noexcept {
    return static_cast<family_set>(1u << static_cast<unsigned>(f));
}

/// How an operator renders to SQL. Each form is one case of the WHERE compiler's switch; the
/// entry's `sql` and `cast` are the tokens the form needs. Below, `x` is the field's typed
/// expression (a real column, or the JSONB path cast by the declared type, §3.3), `$` the
/// operand as a bind parameter of type `cast`.
enum class sql_form : std::uint8_t {
    is_null,        ///< x IS NULL / x IS NOT NULL (operand Boolean)
    equal,          ///< `doc @> {...}` when equivalent (GIN), else x = $
    compare,        ///< x <sql> $
    member,         ///< x = ANY($) / x <> ALL($) (`sql`); an empty list is FALSE / TRUE (negated)
    text_contains,  ///< text <sql> '%' || escaped || '%'   (sql: LIKE or ILIKE)
    text_prefix,    ///< text <sql> escaped || '%'
    text_suffix,    ///< text <sql> '%' || escaped
    text_match,     ///< text <sql> $, the pattern as given (LIKE, ILIKE, ~, ~*, !~)
    cast_operator,  ///< x::<family type> <sql> $::cast (inet, ltree, daterange operators)
    ltree_level,    ///< nlevel(x::ltree) <sql> $::int4
    inet_range,     ///< (x >= $from AND x <= $to), both ::inet
    inet_private,   ///< x in RFC 1918 or fc00::/7; negated: its negation (isPublic)
    inet_family,    ///< family(x) = <sql> (true) / <> <sql> (false)
    jsonb_operator, ///< jsonb <sql> $::cast (JSON null is SQL NULL)
    text_search,    ///< doc @@ <sql>($) (sql: a tsquery constructor)
    vector_distance,///< (x <sql> $::vector) < / <= / > bound, one condition per bound given
    list_length,    ///< element count <sql> $::int4 (0 for an empty list)
    list_compare,   ///< list <sql> $list (=, <>, @>, <@)
    list_strict,    ///< list @> $list AND NOT list <@ $list
    list_overlaps,  ///< some element in common (`sql` on an array column)
    list_any,       ///< $ = ANY(list)
    list_all,       ///< every element = $ (a non-empty list, or any array column)
};
/// Keep equal to the number of forms (the catalogue test checks each is used by an entry).
inline constexpr std::size_t sql_form_count = 22;

/// One operator. `operand` is the GraphQL type of its input field, written as SDL where `T`
/// stands for the field's own (element) type: "T", "[T!]", "Boolean", "[String!]",
/// "IpRangeInput".
struct filter_operator {
    std::string_view name;
    family_set families = 0;
    std::string_view operand;
    std::string_view description;
    sql_form form = sql_form::compare;
    std::string_view sql;  ///< the SQL operator or function the form uses
    std::string_view cast; ///< the SQL type of the bind parameter ("" = inferred by PostgreSQL)
    bool negated = false;  ///< nin, isPublic: the form's complement
};

/// An input object an operator takes as its operand (e.g. IpRangeInput), generated beside
/// the filter inputs that use it. Field types are SDL.
struct operand_input_field {
    std::string_view name;
    std::string_view type;
};
struct operand_input {
    std::string_view name;
    std::string_view description;
    std::span<const operand_input_field> fields;
};

/// Every operator, in the order of the generated input fields (each family's filter input
/// lists its operators in this order).
std::span<const filter_operator> filter_operators() noexcept;

/// The operators of one family, in catalogue order.
std::span<const filter_operator* const> filter_operators(filter_family f) noexcept;

/// The operator `name` of family `f`, or nullptr.
const filter_operator* find_filter_operator(filter_family f, std::string_view name) noexcept;

/// The operand input object `name` (IpRangeInput, VectorDistanceInput), or nullptr.
const operand_input* find_operand_input(std::string_view name) noexcept;

/// The family of a field of type `t` (its named type looked up in `s`): nullopt when the
/// field has no filter input (objects, lists of objects, unknown types).
std::optional<filter_family> filter_family_of(const schema& s, const type_expr& t, bool search);

/// The SQL type a built-in scalar's values are compared as ("numeric", "timestamptz", ...; ""
/// for text), or nullopt for a scalar that is not built in.
std::optional<std::string_view> builtin_sql_type(std::string_view scalar) noexcept;

/// The family's name as the docs write it ("text", "ordered", ...).
std::string_view filter_family_name(filter_family f) noexcept;

/// `spec` (SDL, with `T` for `self`) as a type expression.
type_expr operand_type(std::string_view spec, const std::string& self);

} // namespace fraiseql::graphql
