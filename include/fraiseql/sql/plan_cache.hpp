#pragma once
/// \file
/// The compiled-plan cache (issue 15, docs/adr/0017-compiled-plan-cache.md): per prepared
/// operation, its root fields' SQL compiled once per *shape* of the request's variables,
/// with parameter slots that a later request of the same shape fills from its own values —
/// no binding of the plan tree, no SQL compilation, no projection built.
///
/// The shape (the key) holds everything the SQL text, the bound plan's structure and the
/// projections may depend on: the value of every variable verbatim, except a *slot*
/// variable, which contributes only whether it is absent, null, or which kind of scalar it
/// holds (for a list, whether it is empty). A slot variable is one the operation uses only as
/// the whole value of scalar arguments of root list or single fields, where the compiler
/// makes exactly one parameter of it (an equality filter, `limit`, `offset`), or as an
/// operand inside a root argument's object literal reached through object fields only
/// (`where: {author: {id: {eq: $a}}}`, `in: $ids`), where the where builder makes exactly
/// one parameter of that operand (param_source); this is checked against the compiler's own
/// record when a shape is first compiled, and a shape that does not pass is remembered as
/// not cacheable. A variable that is not a slot is keyed verbatim if its value holds only
/// booleans, enums, nulls, lists and objects (a bounded set: @skip/@include, ORDER BY
/// directions, `isnull: $b`, an operand under `OR: [...]`); a string or number there sends
/// the request the uncached road (bind_operation + compile_root_query), counted by the
/// caller.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fraiseql/graphql/plan.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/graphql/schema.hpp"
#include "fraiseql/result.hpp"
#include "fraiseql/sql/compiler.hpp"

namespace fraiseql::json {
class projection;
}

namespace fraiseql::sql {

/// One root field's statement compiled for one shape.
struct compiled_root {
    /// How one parameter is filled: a constant of the shape, or a variable's value.
    struct slot {
        std::int32_t var = -1;     ///< -1: the constant below; else the variable's index
        bool null = false;         ///< a constant NULL
        bool json = false;         ///< equality: the JSON text of the value (a jsonb parameter)
        param_source::use as = param_source::use::equality;
        std::string text;          ///< the constant
        /// Inside a variable's value (a whole `where: $w` object): the object keys and list
        /// indexes from the variable down to the operand; empty: the variable itself.
        struct step {
            std::string key;
            std::int32_t index = -1; ///< a list element, else the object field `key`
        };
        std::vector<step> path;
    };
    root_query::shape kind = root_query::shape::list;
    const graphql::type_def* node_type = nullptr;
    std::string text;
    std::vector<slot> slots;
    /// The rows' projection, built once (nullptr when the cache has no projection builder).
    std::shared_ptr<const json::projection> projection;
};

/// What one shape of an operation compiles to.
struct compiled_shape {
    /// The operation bound with the first request of this shape, without location
    /// remapping, less the slot arguments of its precompiled roots (their values are each
    /// request's, in its parameters). Every other value in it is the same for every request
    /// of the shape.
    graphql::operation_plan plan;
    /// Per root field of `plan`: its statement, or nullopt when it is run from `plan` as
    /// before (introspection, connections, aggregates, mutations, selections under @auth).
    std::vector<std::optional<compiled_root>> roots;
};

/// One parameter of a bound statement: a view into the shape, the request's variables or
/// its texts (cached_binding keeps all three alive).
struct param_view {
    std::string_view text;
    bool null = false;
};

/// A root field's precompiled statement with one request's parameters (what
/// graphql::field_plan::precompiled points to).
struct bound_root {
    const compiled_root* compiled = nullptr;
    std::span<const param_view> params;
};

/// A request bound through the cache. Move-only in effect: the views point into its own
/// vectors' buffers, which a move keeps in place.
struct cached_binding {
    std::shared_ptr<const compiled_shape> shape;
    std::vector<std::optional<graphql::input_value>> variables; ///< coerced
    std::vector<std::string> texts;   ///< parameter texts made for this request
    std::vector<param_view> params;   ///< every precompiled root's parameters, in order
    std::vector<bound_root> roots;    ///< per root field of shape->plan
    bool compiled_now = false;        ///< this request compiled its shape (a shape miss)
};

/// Why a request took the uncached road.
enum class uncached_reason : std::uint8_t {
    variables,     ///< a variable that is not a slot holds a string or a number
    not_cacheable, ///< this shape cannot be proved slot-only (remembered)
    value,         ///< a value the compiler would refuse or treat apart (a negative limit,
                   ///< a string with NUL, a compile error): the uncached road reports it
    bind,          ///< variable coercion or binding fails: the uncached road reports it
};

/// The compiled shapes of one prepared operation. Thread-safe: bind() may run on several
/// threads at once.
class compiled_operation {
public:
    using projection_builder = std::shared_ptr<const json::projection> (*)(
        const graphql::schema&, const graphql::type_def&, const std::vector<graphql::field_plan>&);

    /// `s` must outlive this object. `build` makes a root's projection once per shape (may
    /// be null). At most `max_shapes` shapes are kept; a request of another shape is still
    /// compiled and bound through the cache, just not remembered.
    compiled_operation(const graphql::schema& s, std::shared_ptr<const graphql::prepared_operation> op,
                       compile_options opts, projection_builder build = nullptr,
                       std::size_t max_shapes = 16);

    /// Binds `variables` (the raw JSON-like values, as for bind_operation) through the
    /// cache. On failure the caller takes the uncached road, which produces the result (or
    /// the errors) the cached road would not prove equal.
    fraiseql::result<cached_binding, uncached_reason> bind(const graphql::input_value& variables) const;

    /// Shapes remembered (cacheable or not).
    std::size_t shapes() const;

private:
    /// The shape for `key`, compiling it with `variables` on a miss; nullptr: not cacheable.
    fraiseql::result<std::shared_ptr<const compiled_shape>, uncached_reason>
    shape_of(const std::string& key, const graphql::input_value& raw,
             const std::vector<std::optional<graphql::input_value>>& coerced,
             bool& compiled_now) const;
    std::shared_ptr<const compiled_shape>
    compile_shape(graphql::operation_plan plan,
                  const std::vector<std::optional<graphql::input_value>>& coerced,
                  bool& value_error) const;

    const graphql::schema& s_;
    std::shared_ptr<const graphql::prepared_operation> op_;
    compile_options opts_;
    projection_builder build_;
    std::size_t max_shapes_;
    std::vector<graphql::variable_use> uses_;
    static constexpr char slot_scalar = 1, slot_list = 2, slot_object = 3;
    /// per variable: 0, or may be a slot (checked again per shape): slot_scalar, slot_list,
    /// or slot_object (an input object whose string and number leaves are slots)
    std::vector<char> slot_;
    mutable std::mutex m_;
    mutable std::vector<std::pair<std::string, std::shared_ptr<const compiled_shape>>> shapes_;
};

} // namespace fraiseql::sql
