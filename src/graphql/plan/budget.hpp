#pragma once
// Private: the `where` budget (product.md §9 max_filter_conditions), defined in budget.cpp
// and applied by bind_operation (prepared.cpp) to the bound values.

#include <cstdint>
#include <vector>

#include "fraiseql/graphql/error.hpp"
#include "fraiseql/graphql/plan.hpp"
#include "fraiseql/graphql/schema.hpp"
#include "fraiseql/graphql/value.hpp"

namespace fraiseql::graphql::detail {

/// The filter conditions of a where value of input type `where_type` (a generated
/// TWhereInput: it has an `AND` field): AND/OR lists and NOT add up their items, a field
/// whose input type is itself a where input (a nested object) adds up its own, and any
/// other field counts one per operator it is given (`{in: [...]}` is one). Saturating,
/// and it stops counting once past `stop` (0: never). Linear in the value.
std::uint64_t count_filter_conditions(const schema& s, const type_def& where_type,
                                      const input_value& v, std::uint64_t stop);

/// Refuses (one QUERY_TOO_COMPLEX error per offending field, located at the field) every
/// root field whose `where` argument holds more than `max` conditions (0: no limit).
void check_filter_budget(const schema& s, const std::vector<field_plan>& roots,
                         std::uint32_t max, std::vector<error>& errors);

/// The arguments of xsGroupBy (product.md §3.6), checked on the bound values before any SQL:
/// `by` is not empty, has at most max_group_by_entries entries and no field twice, and a
/// bucket only on a Date / DateTime field (HOUR only on a DateTime); `having` nests AND/OR/NOT
/// at most max_having_depth deep and holds at most `max_conditions` conditions (the where
/// budget, max_filter_conditions; 0: no limit); `timezone` is a zone name's spelling. One
/// error per offending field: BAD_USER_INPUT, or QUERY_TOO_COMPLEX for the budgets.
/// aggregate_args.cpp.
void check_aggregate_args(const schema& s, const std::vector<field_plan>& roots,
                          std::uint32_t max_conditions, std::vector<error>& errors);

} // namespace fraiseql::graphql::detail
