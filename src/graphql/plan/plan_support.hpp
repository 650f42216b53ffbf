#pragma once
// Private: pieces shared by the one-shot planner (planner.cpp) and the prepared
// operations of the plan cache (prepared.cpp), so both apply the same rules.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fraiseql/graphql/ast.hpp"
#include "fraiseql/graphql/error.hpp"
#include "fraiseql/graphql/plan.hpp"
#include "fraiseql/graphql/schema.hpp"
#include "fraiseql/result.hpp"

namespace fraiseql::graphql::detail {

/// The meta-fields of the query root (spec §4.2 "__schema", "__type").
const field_def& meta_schema_field();
const field_def& meta_type_field();

/// Literal enums must be written as enum values, and strings as strings: a stricter
/// check than variable coercion (spec §5.6.1 Values of Correct Type). Variables inside
/// `v` are not looked at, so the answer does not depend on the request's values.
bool literal_kinds_ok(const schema& s, const value& v, const type_expr& t, std::string& why);

using fragment_map = std::map<std::string_view, const fragment_definition*>;

/// The operation a request runs, after the document-level checks that come before
/// any variable is looked at: fragment and operation name uniqueness (§5.2.1.1,
/// §5.5.1.1), lone anonymous operation (§5.2.2.1), fragment cycles (§5.5.2.2),
/// operation selection (§6.1 GetOperation) and its root type.
struct selected_operation {
    fragment_map fragments;
    const operation_definition* op = nullptr;
    operation_kind kind = operation_kind::query;
    const type_def* root = nullptr;
};
fraiseql::result<selected_operation, std::vector<error>>
select_operation(const schema& s, const document& doc, std::string_view operation_name);

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

} // namespace fraiseql::graphql::detail
