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
/// holds (for a list, whether it is empty; for a connection's cursor, the null-ness of its
/// values). A slot variable is one the operation uses only as the whole value of scalar
/// arguments of root list, single or connection fields, where the compiler makes exactly one
/// parameter of it (an equality filter, `limit`, `offset`, a page size) or one per non-null
/// value of a cursor (`after`, `before`), or as an operand inside a root argument's object
/// literal reached through object fields only
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

#include <boost/container/small_vector.hpp>

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
        /// A `cursor` slot: which of the cursor's non-null values (in order) it is, and
        /// whether it is the `before` cursor (else `after`).
        std::int32_t element = -1;
        bool before = false;
    };
    /// A connection root (compile_connection): what the runner needs besides the statement,
    /// all of it the shape's; only the page size may be a request's (a `page_size` slot).
    struct connection_page {
        std::uint32_t page_size = 0;     ///< without a page_size slot (no first/last: max)
        bool backward = false;
        bool has_after = false;
        bool has_before = false;
        bool other_side_checked = false;
        std::string signature;           ///< of every cursor of this ordering
        std::uint32_t keys = 0;          ///< values per cursor
        /// cursor_nulls of the `after` / `before` cursor this shape was compiled with (empty
        /// when not a slot): the keyset SQL depends on it, so a request's cursor must match.
        std::string after_nulls, before_nulls;
        /// Per `node` under each `edges` of the selection, in selection order (nullptr for
        /// the edge's other fields); empty when the cache has no projection builder.
        std::vector<std::shared_ptr<const json::projection>> node_projections;
    };
    root_query::shape kind = root_query::shape::list;
    const graphql::type_def* node_type = nullptr;
    std::string text;
    std::vector<slot> slots;
    /// The rows' projection, built once (nullptr when the cache has no projection builder,
    /// and for a connection: connection->node_projections).
    std::shared_ptr<const json::projection> projection;
    std::optional<connection_page> connection;
};

/// What one shape of an operation compiles to.
struct compiled_shape {
    /// The operation bound with the first request of this shape, without location
    /// remapping, less the slot arguments of its precompiled roots (their values are each
    /// request's, in its parameters). Every other value in it is the same for every request
    /// of the shape.
    graphql::operation_plan plan;
    /// Per root field of `plan`: its statement, or nullopt when it is run from `plan` as
    /// before (introspection, aggregates, mutations, selections under @auth).
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
    /// A connection: this request's page size (its `first`/`last` slot, capped, or the
    /// shape's).
    std::uint32_t page_size = 0;
};

/// A request bound through the cache. Its views point into its own buffers (inline ones
/// included: a by-id request's parameters, roots and rendered numbers touch no heap, issue
/// 15), so a move re-points them; it is not copyable.
struct cached_binding {
    std::shared_ptr<const compiled_shape> shape;
    /// Coerced (the input_value road only; empty on the JSON road, whose string parameters
    /// are views into the request's own JSON, which outlives the request's execution).
    std::vector<std::optional<graphql::input_value>> variables;
    /// Parameter texts made for this request that do not fit `digits` (a LIKE pattern, an
    /// array literal, JSON). Reserved before its first push, so its strings never move.
    std::vector<std::string> texts;
    boost::container::small_vector<param_view, 8> params; ///< every precompiled root's, in order
    boost::container::small_vector<bound_root, 4> roots;  ///< per root field of shape->plan
    bool compiled_now = false;        ///< this request compiled its shape (a shape miss)

    cached_binding() = default;
    cached_binding(const cached_binding&) = delete;
    cached_binding& operator=(const cached_binding&) = delete;
    cached_binding(cached_binding&& o) noexcept { take(std::move(o)); }
    cached_binding& operator=(cached_binding&& o) noexcept {
        if (this != &o) take(std::move(o));
        return *this;
    }

    /// A view of `text`, kept in `digits` when it fits, else in `texts` (reserved to
    /// `reserve` texts on the first push).
    std::string_view keep(std::string&& text, std::size_t reserve);

private:
    void take(cached_binding&& o) noexcept;
    /// Short texts made for this request (rendered numbers: a limit, an Int operand).
    char digits_[96];
    std::size_t digits_used_ = 0;
};

/// Why a request took the uncached road.
enum class uncached_reason : std::uint8_t {
    variables,     ///< a variable that is not a slot holds a string or a number
    not_cacheable, ///< this shape cannot be proved slot-only (remembered)
    value,         ///< a value the compiler would refuse or treat apart (a negative limit,
                   ///< a string with NUL, a compile error): the uncached road reports it
    bind,          ///< variable coercion or binding fails: the uncached road reports it
};

/// A value of the request's JSON read in place (the JSON road, exec::bind_json): `at` is one
/// of its nodes, opaque here, and these functions read it, so that this library walks the
/// request's boost::json without linking it (docs/adr/0017-compiled-plan-cache.md, session 11).
struct json_ops {
    /// Its kind, and a scalar's value (a string: a view into the JSON); a list or an object
    /// carries its kind only.
    graphql::scalar_input (*scalar)(const void* at);
    std::size_t (*size)(const void* at);                        ///< an object's fields, a list's items
    std::string_view (*key)(const void* at, std::size_t i);     ///< an object's i-th field's name
    const void* (*item)(const void* at, std::size_t i);         ///< an object's i-th field's value, a list's i-th item
    const void* (*find)(const void* at, std::string_view name); ///< an object's field, or nullptr
    graphql::input_value (*tree)(const void* at);               ///< as an input_value (the tree road's)
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

    /// The JSON road (issue 15): a hit bound with no input_value tree and no heap, when every
    /// variable of the operation is a scalar slot, a whole `where` object (slot_object) or
    /// a value keyed verbatim, `given` (per variable, in definition order: variable_names())
    /// holds each as coercion would take it unchanged (a scalar its type accepts as the same
    /// value; an object or list that is walked against its input type: every key a field,
    /// no default added, no single value wrapped in a list, enums valid, every string
    /// storable), and that shape is remembered. nullopt on anything else: the caller then
    /// takes bind(), which gives the answer (a binding, the errors, or a reason) — so this
    /// road never decides an error. The scalar rules are graphql::coerce_scalar's.
    struct given_variable {
        bool present = false;
        graphql::scalar_input value;
        /// The value in place (a list or an object is read through `ops`); nullptr: only
        /// `value` (a scalar slot's caller may give no more).
        const void* raw = nullptr;
        const json_ops* ops = nullptr;
    };
    std::optional<cached_binding> bind_scalars(std::span<const given_variable> given) const;
    /// Whether bind_scalars may serve this operation (every variable a scalar slot).
    bool scalar_slots_only() const noexcept { return scalars_only_; }
    /// Whether bind_scalars may serve this operation given its variables in place (`raw`):
    /// every variable a scalar slot, a whole `where` object, or keyed verbatim.
    bool json_road() const noexcept { return json_road_; }
    /// The operation's variable names, in definition order (views into the operation).
    std::span<const std::string_view> variable_names() const noexcept { return names_; }

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
    std::vector<std::string_view> names_;
    /// per variable: used as a root field's `after`/`before` (a cursor): a string value is
    /// keyed with its cursor_nulls too (the keyset SQL depends on them)
    std::vector<char> cursor_;
    /// per variable: its named type (the scalar a slot_scalar variable coerces to)
    std::vector<const graphql::type_def*> scalar_types_;
    bool scalars_only_ = false;
    bool json_road_ = false;
    mutable std::mutex m_;
    mutable std::vector<std::pair<std::string, std::shared_ptr<const compiled_shape>>> shapes_;
};

} // namespace fraiseql::sql
