#pragma once
/// \file
/// Mutations through PostgreSQL functions (product.md §4): the `@function` call,
/// the input serialised to JSONB with snake_case keys, and the interpretation of
/// what the function returns (plain JSONB entity or the `mutation_response`
/// composite, the status taxonomy and `code` mapping of the original,
/// reference §4.2) into the object the response transform projects.
///
/// Everything here is pure (no I/O): exec runs the statement and feeds the row back.
/// docs/mutations.md describes the user-visible contract.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fraiseql/graphql/error.hpp"
#include "fraiseql/graphql/plan.hpp"
#include "fraiseql/graphql/schema.hpp"
#include "fraiseql/result.hpp"
#include "fraiseql/sql/compiler.hpp"

namespace fraiseql::sql {

/// How a mutation field's result appears in the response.
struct mutation_shape {
    enum class form : std::uint8_t {
        entity, ///< `createPost(...): Post` — the entity itself; a business error is a
                ///< field error (the field is null)
        union_  ///< `createPost(...): CreatePostResult` = `CreatePostSuccess | CreatePostError`
    } kind = form::entity;
    const graphql::type_def* entity_type = nullptr;  ///< form::entity: the returned object type
    const graphql::type_def* success_type = nullptr; ///< form::union_: the success member
    const graphql::type_def* error_type = nullptr;   ///< form::union_: the (first) error member
};

/// True for a union member that is an error type: its name ends with `Error` or
/// `Failure` (the naming of the original, `XResult = XSuccess | XError`).
bool is_error_type_name(std::string_view type_name) noexcept;

/// Resolves the shape of a Mutation field from its declared return type. Fails
/// (message for the schema author) when the type is neither an object type nor a
/// union with exactly one success member and at least one error member.
fraiseql::result<mutation_shape, std::string> mutation_shape_of(const graphql::schema& s,
                                                                const graphql::field_def& f);

/// A compiled mutation call. The statement returns at most one interesting row
/// (further rows of a set-returning function are ignored) with two columns:
/// the result as JSON text (`to_jsonb` of the function's value; NULL when it
/// returned NULL) and a boolean, true when the function's declared result is
/// json/jsonb (false for a composite such as `mutation_response`).
struct mutation_call {
    statement stmt;
    mutation_shape shape;
    std::string input_json; ///< the serialised input (also a parameter), for explain/tests
};

/// Compiles the call of `field`'s `@function`:
/// `SELECT to_jsonb(x.r)::text, … FROM (SELECT "schema"."fn"($1, …, $n::jsonb) AS r OFFSET 0) AS x`.
/// `context_values` holds one value per `function_def::context` entry, in order,
/// already resolved by the caller (nullopt: SQL NULL); they are passed as
/// untyped parameters so that PostgreSQL types them from the function's
/// signature. The JSONB argument is the `input` argument (or, when the field has
/// no `input` argument but others, an object of all arguments; none when the
/// field has no arguments). Errors: INTERNAL_SERVER_ERROR when the field has no
/// @function or an unusable return type, or when the count of context values is wrong.
fraiseql::result<mutation_call, std::vector<graphql::error>>
compile_mutation(const graphql::schema& s, const graphql::field_plan& field,
                 std::span<const std::optional<std::string>> context_values);

/// Serialises a coerced input value of type `type` to JSON for the function:
/// the keys of input objects become snake_case by the §2 rule
/// (`graphql::field_key`), at any depth and inside lists; values of the `JSON`
/// scalar are passed verbatim (their keys are user data); `BigInt`/`Decimal`
/// become JSON numbers; `Float` uses the shortest round-trip form.
std::string input_to_json(const graphql::schema& s, const graphql::type_expr& type,
                          const graphql::input_value& v);

/// The status taxonomy (reference §4.2; case-insensitive; `word` or `word:detail`).
struct status_class {
    bool recognised = false; ///< one of the words below
    bool success = false;    ///< success created new updated deleted completed ok done existing
                             ///< synced cancelled
    /// Error code of the original: noop/blocked/skipped/ignored 422, validation 422,
    /// not_found 404, unauthorized 401, forbidden 403, conflict 409, timeout 408, else 500
    /// (`failed:validation` and the like map by the word after `failed:`). 200 for success.
    int code = 500;
    std::string identifier; ///< the part after the first ':' ("" when none)
};
status_class classify_status(std::string_view status);

/// What one mutation returned, ready for projection.
struct mutation_outcome {
    /// The object type to project `document` with; nullptr: the field's value is null
    /// (entity form with a null entity, or a business error in the entity form).
    const graphql::type_def* type = nullptr;
    /// A JSON object whose keys are the field keys of `type` (for the entity form,
    /// the entity document itself).
    std::string document;
    /// Entity form only: the function reported an error status; the field is null
    /// and this error (message from the function, code from the taxonomy) is added.
    std::optional<graphql::error> field_error;
};

/// Interprets the function's result (`doc`: the JSON text of the first row, or
/// nullopt when there was no row or the value was NULL; `is_json`: second column).
///
/// Full format (`mutation_response`): a composite with a string `status`, or a
/// json/jsonb object whose `status` is a recognised status word. Anything else
/// is the plain entity (success). No row / NULL: `failed:no_result` in the union
/// form, a null value in the entity form. The union form writes the success or
/// the error type's document: status, message, code, errors (metadata.errors or
/// one generated from the status), updatedFields, id/entityId, entityType,
/// cascade, metadata, the entity under the success type's object-typed field,
/// and any other field from the metadata key of the same name (reference §4.2, #294).
/// Never fails: a malformed document is passed on and the transform reports it.
mutation_outcome interpret_mutation_result(const graphql::schema& s, const mutation_shape& shape,
                                           std::optional<std::string_view> doc, bool is_json);

} // namespace fraiseql::sql
