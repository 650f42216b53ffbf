#pragma once
/// \file
/// Validation of executable documents against a schema: every rule of the GraphQL
/// specification (October 2021), §5 "Validation", with the messages of graphql-js 16.8.
///
/// The rules, by section: 5.1.1 executable definitions; 5.2.1.1 operation name uniqueness,
/// 5.2.2.1 lone anonymous operation, 5.2.3.1 subscription single root field; 5.3.1 field
/// selections on objects, interfaces and unions, 5.3.2 field selection merging
/// (overlapping fields), 5.3.3 leaf field selections; 5.4.1 argument names, 5.4.2 argument
/// uniqueness, 5.4.2.1 required arguments; 5.5.1.1 fragment name uniqueness, 5.5.1.2
/// fragment spread type existence, 5.5.1.3 fragments on composite types, 5.5.1.4 fragments
/// must be used, 5.5.2.1 fragment spread target defined, 5.5.2.2 fragment spreads must not
/// form cycles, 5.5.2.3 fragment spread is possible; 5.6.1 values of correct type, 5.6.2
/// input object field names, 5.6.3 input object field uniqueness, 5.6.4 input object
/// required fields; 5.7.1 directives are defined, 5.7.2 directives are in valid locations,
/// 5.7.3 directives are unique per location; 5.8.1 variable uniqueness, 5.8.2 variables are
/// input types, 5.8.3 all variable uses defined, 5.8.4 all variables used, 5.8.5 all
/// variable usages are allowed.
///
/// Literal values of FraiseQL's own scalars (UUID, DateTime, …) are accepted here as any
/// literal, as graphql-js does for a custom scalar built from SDL; their format is checked
/// when the planner coerces them.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "fraiseql/graphql/ast.hpp"
#include "fraiseql/graphql/error.hpp"
#include "fraiseql/graphql/schema.hpp"

namespace fraiseql::graphql {

struct validate_options {
    /// Validation stops after this many errors and appends graphql-js's
    /// `Too many validation errors, error limit reached. Validation aborted.` (0: no limit).
    std::size_t max_errors = 100;
    /// Work bound of 5.3.2 (field pairs compared). A document that needs more is refused
    /// with one QUERY_TOO_COMPLEX error instead of running for a long time (0: no limit).
    std::size_t max_overlap_comparisons = 200'000;
    /// The name of the subscription root type, for 5.2.3.1; empty: the schema's own
    /// (`schema::subscription_type()`, none when the schema has no live-query root).
    std::string_view subscription_type;
};

/// Validates `doc` against `s` and returns every error found (empty: valid), in document
/// order like graphql-js. Each error has a message worded as graphql-js 16.8 words it, the
/// locations of the nodes concerned, and the code GRAPHQL_VALIDATION_FAILED (the budget
/// error of `max_overlap_comparisons` has QUERY_TOO_COMPLEX). Non-executable definitions
/// (type-system definitions in a document parsed with `document_kind::any`) are reported
/// by 5.1.1 and otherwise skipped. Never throws on any document; time and memory are
/// bounded by the document's size and `opts`. Thread-safe: `s` and `doc` are only read.
std::vector<error> validate(const schema& s, const document& doc,
                            const validate_options& opts = {});

/// Prints the schema as SDL that graphql-js `buildSchema` accepts and that describes the
/// same schema as our introspection: every non-introspection type (FraiseQL's scalars and
/// generated inputs included; the five standard scalars omitted), descriptions, default
/// values, `@deprecated`, `@specifiedBy`, and the directive definitions other than the four
/// standard ones. A `schema { … }` block is printed when the root types need it.
std::string print_schema(const schema& s);

} // namespace fraiseql::graphql
