// The aggregate catalogue (product.md §3.6; include/fraiseql/graphql/aggregates.hpp): the
// functions, the result type of each over each field type, the time buckets. One row each;
// the generated types (aggregate_fields.cpp) and the SQL (src/sql/aggregate_select.cpp) are
// both made from these tables.

#include "fraiseql/graphql/aggregates.hpp"

namespace fraiseql::graphql {
namespace {

constexpr aggregate_function functions[] = {
    {"count", "", "The number of rows.", "count", false, false},
    {"countDistinct", "CountDistinct", "The number of distinct non-null values of each field.",
     "count", true, true},
    {"sum", "Sum", "The sum of each numeric field (null over no non-null value).", "sum", false,
     true},
    {"avg", "Avg", "The mean of each numeric field (null over no non-null value).", "avg", false,
     true},
    {"min", "Min", "The least value of each orderable field (null over no non-null value).", "min",
     false, true},
    {"max", "Max", "The greatest value of each orderable field (null over no non-null value).",
     "max", false, true},
};

/// One applicable (function, field scalar) pair. §3.6: sum of Int is BigInt, of Float Float,
/// of Decimal/BigInt itself; avg is Float (Decimal for Decimal); min/max keep the type.
/// Numbers are aggregated as PostgreSQL numeric (JSONB values) or the column's own type, so
/// the casts say what the GraphQL type promises: a Float is a double, a BigInt an integer.
struct row {
    std::string_view fn;
    std::string_view scalar;
    aggregate_result result;
};
constexpr row rows[] = {
    {"sum", "Int", {"BigInt", "int8"}},
    {"sum", "BigInt", {"BigInt", ""}},
    {"sum", "Float", {"Float", "float8"}},
    {"sum", "Decimal", {"Decimal", ""}},
    {"avg", "Int", {"Float", "float8"}},
    {"avg", "BigInt", {"Float", "float8"}},
    {"avg", "Float", {"Float", "float8"}},
    {"avg", "Decimal", {"Decimal", ""}},
    {"min", "Int", {"Int", ""}},
    {"max", "Int", {"Int", ""}},
    {"min", "BigInt", {"BigInt", ""}},
    {"max", "BigInt", {"BigInt", ""}},
    {"min", "Float", {"Float", "float8"}},
    {"max", "Float", {"Float", "float8"}},
    {"min", "Decimal", {"Decimal", ""}},
    {"max", "Decimal", {"Decimal", ""}},
    {"min", "String", {"String", ""}},
    {"max", "String", {"String", ""}},
    {"min", "ID", {"ID", ""}},
    {"max", "ID", {"ID", ""}},
    {"min", "Date", {"Date", ""}},
    {"max", "Date", {"Date", ""}},
    {"min", "DateTime", {"DateTime", ""}},
    {"max", "DateTime", {"DateTime", ""}},
    {"min", "Time", {"Time", ""}},
    {"max", "Time", {"Time", ""}},
    {"min", "UUID", {"UUID", "uuid", true}},
    {"max", "UUID", {"UUID", "uuid", true}},
};

constexpr time_bucket buckets[] = {
    {"HOUR", "hour", false},  {"DAY", "day", true},         {"WEEK", "week", true},
    {"MONTH", "month", true}, {"QUARTER", "quarter", true}, {"YEAR", "year", true},
};

/// A non-list scalar or enum field that is not @search.
const type_def* plain_scalar(const schema& s, const field_def& f) {
    if (f.search || f.type.is_list())
        return nullptr;
    const type_def* t = s.find_type(f.type.name);
    if (!t || (t->kind != named_kind::scalar && t->kind != named_kind::enum_))
        return nullptr;
    return t;
}

} // namespace

std::span<const aggregate_function> aggregate_functions() noexcept {
    return functions;
}

const aggregate_function* find_aggregate_function(std::string_view field) noexcept {
    for (const auto& f : functions)
        if (f.field == field)
            return &f;
    return nullptr;
}

std::optional<aggregate_result> aggregate_result_of(const schema& s, const aggregate_function& fn,
                                                    const field_def& f) {
    const type_def* t = plain_scalar(s, f);
    if (!t || !fn.per_field)
        return std::nullopt;
    if (fn.distinct) {
        // Every scalar has equality; a Vector's distinctness is not worth a btree scan.
        if (t->name == "Vector")
            return std::nullopt;
        return aggregate_result{"Int", ""};
    }
    for (const auto& r : rows)
        if (r.fn == fn.field && r.scalar == t->name)
            return r.result;
    return std::nullopt;
}

bool groupable(const schema& s, const field_def& f) {
    const type_def* t = plain_scalar(s, f);
    return t && t->name != "JSON" && t->name != "Vector";
}

std::span<const time_bucket> time_buckets() noexcept {
    return buckets;
}

const time_bucket* find_time_bucket(std::string_view name) noexcept {
    for (const auto& b : buckets)
        if (b.name == name)
            return &b;
    return nullptr;
}

bool bucketable(std::string_view scalar) noexcept {
    return scalar == "Date" || scalar == "DateTime";
}

std::string aggregate_type_name(std::string_view x) {
    return std::string(x) + "Aggregate";
}
std::string group_type_name(std::string_view x) {
    return std::string(x) + "Group";
}

} // namespace fraiseql::graphql
