#pragma once
// The response stage (GraphQL spec §7.1): the JSON body of an executed operation, or of
// a refused request.

#include <string>
#include <vector>

#include "fraiseql/exec/engine.hpp"
#include "fraiseql/graphql/error.hpp"
#include "fraiseql/graphql/plan.hpp"
#include "root_runner.hpp"

namespace fraiseql::exec {

/// `{"errors":[...]}`: the body of a request refused before execution.
std::string errors_body(const std::vector<graphql::error>& errors);

/// The response of an executed operation. `data` is null when a non-null root field is
/// null (spec §6.4.4), else each root's value under its response key, in selection order.
/// `errors` (in: the @auth errors, found before anything ran, without list indices yet;
/// out: every error of the response, for metrics) lists the @auth errors first, each at
/// every response path where the forbidden field was evaluated, then each root's errors.
/// After a stream began, the response is its tail (`streamed`), or `aborted` when the
/// streamed value failed and the transport must cut the body.
response write_response(const graphql::operation_plan& plan, roots_outcome outcome,
                        std::vector<graphql::error>& errors);

/// Replaces each FORBIDDEN error of a nested field (path root.….field, found on the plan,
/// where lists have no index yet) by one error per place the field was evaluated in the
/// results (spec §7.1.2 "path": list items by 0-based index). Parses a root's JSON only
/// when it holds a forbidden field.
void expand_forbidden_paths(std::vector<graphql::error>& errors,
                            const std::vector<graphql::field_plan>& roots,
                            const field_results& results);

} // namespace fraiseql::exec
