#pragma once
// The execution stage (GraphQL spec §6.2): runs the root fields of a bound, authorized
// operation, each by what resolves it (field_plan::resolved_by, set by the planner).

#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/container/small_vector.hpp>

#include "context.hpp"
#include "fraiseql/exec/engine.hpp"
#include "fraiseql/graphql/plan.hpp"

namespace fraiseql::exec {

/// Whether a root field reads the database (a list, single, connection or mutation
/// field); __typename, __schema and __type are answered from the schema.
bool reads_database(const graphql::field_plan& root) noexcept;

/// Whether root field `i` was forbidden by authorization (`forbidden` is
/// authorization::root_forbidden: empty when none is).
inline bool forbidden_at(const std::vector<bool>& forbidden, std::size_t i) noexcept {
    return i < forbidden.size() && forbidden[i];
}

/// Whether the operation's response may be streamed (docs/http.md "Streaming"): exactly
/// one root field, a list read from the database, allowed to run.
bool streams(const graphql::operation_plan& plan, const std::vector<bool>& forbidden) noexcept;

/// The root fields' values, in selection order. Inline for the usual one or two root
/// fields: no heap block per request.
using field_results = boost::container::small_vector<field_result, 2>;

/// The root fields' values, in selection order.
struct roots_outcome {
    field_results results;
    /// The head of the response went to the stream: only its tail is left to write.
    bool stream_started = false;
};

/// Runs the root fields of `plan`; a field `forbidden` by authorization answers null
/// without running. Mutations run serially in order (spec §6.2.2) and stop after a
/// non-null field's failure nulled `data` (§6.4.4). Queries with more than one database
/// field run concurrently, at most 4 (and half the pool) at once, each on its own
/// connection. With `stream`, a streamable operation's rows go to it as they arrive.
/// Never throws for a failing field: it becomes an error of that field. The values go to
/// `out` (emptied first), which the caller keeps for as long as the call runs: not in this
/// coroutine's frame, which then fits Asio's frame recycling (recycled.hpp).
boost::asio::awaitable<void> run_roots(exec_context& ctx, const graphql::operation_plan& plan,
                                       const std::vector<bool>& forbidden,
                                       response_stream* stream, roots_outcome& out);

/// One root field: introspection and __typename from the schema, the others from the
/// database (`pre`: its precompiled statement, or nullptr). A root field nothing resolves
/// is an internal error of that field. Not a coroutine itself: it hands back the runner's
/// awaitable, so that a database field costs no frame of its own.
boost::asio::awaitable<field_result> run_root(exec_context& ctx, const graphql::field_plan& root,
                                              graphql::operation_kind kind,
                                              const sql::bound_root* pre);

} // namespace fraiseql::exec
