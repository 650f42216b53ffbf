#pragma once
/// \file
/// Binding an executable document to the schema: operation selection, variable
/// coercion (spec §6.1.2), field collection with fragments and @skip/@include
/// (§6.3.2), argument coercion (§6.4.1), and the checks that need the schema
/// (unknown fields/arguments, leaf and composite selections, required arguments),
/// plus the configured limits (depth, aliases).

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fraiseql/graphql/ast.hpp"
#include "fraiseql/graphql/error.hpp"
#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/plan.hpp"
#include "fraiseql/graphql/schema.hpp"
#include "fraiseql/result.hpp"

namespace fraiseql::graphql {

struct plan_options {
    std::uint32_t max_depth = 15;    ///< 0: unlimited
    std::uint32_t max_aliases = 30;  ///< fields written with an alias; 0: unlimited
    /// Field selections after expanding fragments (product.md §9 `max_fields`), checked by
    /// check_expansion() before anything is expanded; 0: unlimited.
    std::uint32_t max_fields = 10'000;
    /// Conditions in one `where` argument (product.md §9 `max_filter_conditions`): each
    /// operator on a field is one (an `in` list is one), AND/OR/NOT and nested objects
    /// add up what they hold; counted on the coerced values, variables included, by
    /// bind_operation and plan_operation, so the SQL is never built; 0: unlimited.
    std::uint32_t max_filter_conditions = 1'000;
};

/// The budget of a document's fragment expansion (product.md §9).
struct expansion_limits {
    std::uint64_t max_fields = 10'000;    ///< field selections after expansion; 0: unlimited
    std::size_t max_fragment_depth = 64;  ///< fragment spreads nested in one another (0: 1)
};

/// Counts the field selections of the operation `operation_name` selects (empty: the
/// only one; when that is ambiguous, the largest operation) as if every fragment spread
/// were replaced by its fragment, without expanding anything: each fragment's cost is
/// computed once (memoised, saturating), so time and memory are linear in the document
/// however many times the expansion would repeat a fragment. Directives and type
/// conditions are ignored (an upper bound). Also measures how deep fragment spreads
/// nest, in every fragment of the document, used or not. Returns one QUERY_TOO_COMPLEX
/// error when a limit is exceeded (`Query has N field selections after expanding
/// fragments; the limit (max_fields) is M.`), else nothing. Unknown fragments and
/// cycles are left to validation. plan_operation and the engine call it before validation;
/// prepare_operation calls it again, as a guard. Thread-safe; never throws except bad_alloc.
std::optional<error> check_expansion(const document& doc, std::string_view operation_name,
                                     const expansion_limits& limits = {});

/// The whole road in one call, in the engine's order: check_expansion (limits from
/// `opts`), validate (default validate_options, as the engine), prepare_operation,
/// bind_operation. It therefore refuses exactly what the engine refuses, with the same
/// errors (`fraiseql explain` runs it). `variables` is the raw JSON of the request's
/// variables (an object, or null) as an input_value tree where JSON strings are `string`.
/// Errors carry codes: GRAPHQL_VALIDATION_FAILED, BAD_USER_INPUT, QUERY_TOO_COMPLEX.
fraiseql::result<operation_plan, std::vector<error>>
plan_operation(const schema& s, const document& doc, std::string_view operation_name,
               const input_value& variables, const plan_options& opts = {});

/// The operation kind that `operation_name` selects in `doc` (for the GET rule),
/// or nullopt when it cannot be determined.
std::optional<operation_kind> selected_operation_kind(const document& doc,
                                                      std::string_view operation_name);

/// Coerces a raw value (JSON-like) to an input type (spec §3.x Input Coercion);
/// `what` names the value in the error message.
fraiseql::result<input_value, std::string> coerce_input(const schema& s, const input_value& raw,
                                                        const type_expr& type);

/// A raw value offered to a scalar type, seen without owning it: the request's JSON read in
/// place (the compiled-plan cache's JSON road, docs/adr/0017-compiled-plan-cache.md), or an
/// input_value. A list or an object carries its kind only.
struct scalar_input {
    input_value::kind k = input_value::kind::null;
    bool b = false;
    std::int64_t i = 0;
    double d = 0;
    std::string_view s; ///< string and enum values
};

/// What the input coercion of scalar type `t` (spec §3.5; product.md §2's built-in and
/// custom scalars) makes of a non-null raw value: the one statement of those rules, which
/// coerce_input() applies to input_values and the compiled-plan cache to JSON in place.
struct scalar_coercion {
    enum class outcome : std::uint8_t {
        same,       ///< the value as given
        integer,    ///< the integer `i`
        floating,   ///< the float `d`
        int_text,   ///< a string: the given integer's decimal text
        float_text, ///< a string: the given float's JSON text
        vector,     ///< a list whose items each become a float (Vector): checked item by item
        refused,    ///< the error: t.name + prefix + (show_value ? the value's JSON : "") + suffix
    };
    outcome o = outcome::same;
    std::int64_t i = 0;
    double d = 0;
    std::string_view prefix, suffix;
    bool show_value = true;
};
scalar_coercion coerce_scalar(const type_def& t, const scalar_input& v);

// ---- The compiled-plan cache (product.md §5: a repeated operation skips parse,
// validation and planning) ---------------------------------------------------------

/// An operation of a document with all the value-independent planning done: operation
/// selection, fragment expansion, field and type resolution, argument definitions and
/// defaults, literal arguments coerced, depth limit, @skip/@include written with literals.
/// What depends on the request's variables is left for bind_operation(). Immutable, so
/// one prepared operation may be bound by any number of threads at once.
class prepared_operation;

/// Prepares `operation_name` (empty: the only operation) of `doc` against `s`.
/// Precondition: `doc` passed graphql::validate() against `s` (and check_expansion). The
/// rules of spec §5 are not checked again; what remains are §6.1.1 GetOperation errors
/// (`Must provide operation name…`, `Unknown operation named…`), the operation kinds the
/// schema cannot run (no Mutation type, subscriptions), and the expansion budget.
/// On a document that skipped validation the result is unspecified but safe: one guard
/// error (`The document has not passed validation…`) where a name or shape cannot be
/// resolved, or a plan of what can be; never a crash, a loop or a budget overrun.
/// Lifetimes: the result shares ownership of `doc` (an aliasing pointer that owns
/// nothing is fine while the caller keeps the document); `s` must outlive it.
fraiseql::result<std::shared_ptr<const prepared_operation>, std::vector<error>>
prepare_operation(const schema& s, std::shared_ptr<const document> doc,
                  std::string_view operation_name, const plan_options& opts = {});

/// The kind of a prepared operation (for the GET rule).
operation_kind prepared_kind(const prepared_operation& op) noexcept;

/// Where the tokens of two texts with the same normalised form start: `from` those of
/// the text a prepared operation was parsed from, `to` those of the request's text
/// (normalized_text::token_locations of each). Same length.
struct location_map {
    std::span<const source_location> from;
    std::span<const source_location> to;
    /// The location in the request's text of a location in the prepared text; an
    /// absent location, or one that starts no token, is returned unchanged.
    source_location operator()(source_location loc) const noexcept;
};

/// The per-request step: coerces `variables` (spec §6.1.2), evaluates @skip/@include on
/// variables, collects fields, fills argument values, counts aliases, applies the depth
/// and filter budgets, and marks each root field's resolver. With `remap`, every location in the plan and the
/// errors is translated to the request's own text. Thread-safe on a shared `op`.
fraiseql::result<operation_plan, std::vector<error>>
bind_operation(const prepared_operation& op, const input_value& variables,
               const location_map* remap = nullptr);

/// The coerced values of an operation's variables (spec §6.1.2 CoerceVariableValues), in
/// the order the operation defines them: nullopt for a variable that was not provided and
/// has no default. The step bind_operation() starts with, alone, for the compiled-plan cache
/// (include/fraiseql/sql/plan_cache.hpp), which keys on these values before anything is
/// bound. Errors are exactly bind_operation()'s for the same variables (it runs this code).
fraiseql::result<std::vector<std::optional<input_value>>, std::vector<error>>
coerce_variables(const prepared_operation& op, const input_value& variables);

/// Where an operation uses one of its variables (the compiled-plan cache decides from this
/// which variables may only ever become parameter values; docs/adr/0017-compiled-plan-cache.md).
struct variable_use {
    std::string_view name;
    const type_expr* type = nullptr;  ///< as the operation declares it
    bool has_default = false;         ///< declared with a default value
    bool condition = false;           ///< the `if` of some @skip/@include
    /// Anywhere but as the whole value of an argument of a root field or a field of an
    /// object literal in one (`paths`): inside a list literal, or an argument of a nested
    /// field.
    bool nested = false;
    /// (response key of the root field, argument name) for each use as the whole value of a
    /// root field's argument; a field selected several times under one key counts once.
    std::vector<std::pair<std::string_view, std::string_view>> root_args;
    /// A use inside an object literal of a root field's argument, reached through object
    /// fields only (no list on the way): `where: {author: {id: {eq: $a}}}` is
    /// (key, "where", {"author", "id", "eq"}). The compiled-plan cache finds the value there
    /// in the bound plan (docs/adr/0017-compiled-plan-cache.md, "where slots").
    struct path_use {
        std::string_view root_key;
        std::string_view arg;
        std::vector<std::string_view> path;
        bool operator==(const path_use&) const = default;
    };
    std::vector<path_use> paths;
};

/// The uses of each variable of `op`, in definition order. Views into `op`, which must
/// outlive the result.
std::vector<variable_use> variable_uses(const prepared_operation& op);

/// A request text reduced to its significant tokens (spec §2.1: whitespace, line
/// terminators, commas, comments and the BOM are insignificant), each written as it
/// appears in the source (strings and block strings verbatim, escapes included), one
/// space between two tokens only where neither is a one-character punctuator. Texts
/// with the same token sequence normalise alike; texts that differ in any token never
/// do, because re-lexing the normalised text gives back exactly those tokens.
struct normalized_text {
    std::string text;
    std::vector<source_location> token_locations; ///< of each token in the source
};

/// Normalises `source` with the GraphQL lexer, without building a tree. nullopt on a
/// lexical error or beyond `limits` (max_bytes, max_tokens): the caller parses instead,
/// and the parser reports the error.
std::optional<normalized_text> normalize_operation_text(std::string_view source,
                                                        const parse_limits& limits = {});

} // namespace fraiseql::graphql
