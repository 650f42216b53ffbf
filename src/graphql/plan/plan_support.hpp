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

} // namespace fraiseql::graphql::detail
