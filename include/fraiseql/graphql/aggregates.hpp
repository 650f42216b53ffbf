#pragma once
/// \file
/// The aggregate catalogue (product.md §3.6, docs/adr/0015-aggregates.md): the aggregate
/// functions of the generated `XAggregate` / `XGroup` types, which field types each applies
/// to and what it returns, and the time buckets of `XGroupByInput`. Declared once, as rows of
/// tables, like the filter-operator catalogue (operators.hpp): the schema builder generates
/// the types from them (src/graphql/schema/aggregate_fields.cpp) and the SQL compiler renders
/// them (src/sql/aggregate_select.cpp); neither names a function or a bucket.
///
/// The SQL is data here (function names, casts, units): this layer never interprets it.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fraiseql/graphql/plan.hpp"
#include "fraiseql/graphql/schema.hpp"

namespace fraiseql::graphql {

/// One aggregate function of XAggregate / XGroup.
struct aggregate_function {
    std::string_view field;       ///< the GraphQL field: "count", "countDistinct", "sum", ...
    std::string_view type_suffix; ///< X + suffix names its per-field object ("" for count)
    std::string_view description;
    std::string_view sql;  ///< the SQL aggregate ("count", "sum", ...)
    bool distinct = false; ///< count(DISTINCT x)
    bool per_field = true; ///< false: count, one number for the rows
};

/// The functions, in the order of XAggregate's fields: count, countDistinct, sum, avg, min, max.
std::span<const aggregate_function> aggregate_functions() noexcept;
const aggregate_function* find_aggregate_function(std::string_view field) noexcept;

/// What `fn` computes over a field of scalar type `scalar` (a built-in scalar, or an enum /
/// declared scalar for countDistinct): the result's GraphQL scalar and how the SQL is shaped.
struct aggregate_result {
    std::string_view type;        ///< the result scalar ("BigInt" for sum of Int, ...)
    std::string_view result_cast; ///< cast of the aggregate's value ("" = as computed)
    /// Aggregated as text in the "C" collation and cast back (min/max of UUID: PostgreSQL has
    /// no min(uuid); the C order of the canonical text is the order of the 16 bytes).
    bool via_text = false;
};

/// nullopt when `fn` does not apply to a field of type `t` (lists, objects, @search fields
/// and, for sum/avg/min/max, the scalars outside the function's rows).
std::optional<aggregate_result> aggregate_result_of(const schema& s, const aggregate_function& fn,
                                                    const field_def& f);

/// Whether a field of X is groupable (one value of XField, one field of XGroupKey): a
/// non-list scalar or enum that is not @search, JSON or Vector.
bool groupable(const schema& s, const field_def& f);

/// A value of the TimeBucket enum: date_trunc's unit.
struct time_bucket {
    std::string_view name; ///< HOUR, DAY, WEEK, MONTH, QUARTER, YEAR
    std::string_view unit; ///< date_trunc's field: 'hour', 'day', ...
    bool dates = true;     ///< applies to Date (HOUR does not: a date has no hours)
};
std::span<const time_bucket> time_buckets() noexcept;
const time_bucket* find_time_bucket(std::string_view name) noexcept;

/// Whether a field of scalar type `scalar` may be bucketed (Date, DateTime).
bool bucketable(std::string_view scalar) noexcept;

/// The budget of one xsGroupBy (product.md §9): `by` entries at most, and how deep
/// `having`'s AND/OR/NOT may nest. Checked on the bound values before any SQL is built.
inline constexpr std::size_t max_group_by_entries = 16;
inline constexpr std::size_t max_having_depth = 16;

/// The fields of X an xsGroupBy's `by`, `having` and `orderBy` name (authorization: grouping
/// by, filtering groups on or ordering them by a field reads it). aggregate_args.cpp.
std::vector<std::string> aggregate_arg_fields(const field_plan& root);

/// The generated names for a @view type X.
std::string aggregate_type_name(std::string_view x); ///< XAggregate
std::string group_type_name(std::string_view x);     ///< XGroup

} // namespace fraiseql::graphql
