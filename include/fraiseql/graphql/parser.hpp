#pragma once
/// \file
/// The GraphQL parser (spec October 2021, §2 and §3 grammar) and printer.
///
/// All entry points are total: they never throw (allocation failure included) and never
/// crash on any input; every failure is returned as a `syntax_error`. Work is bounded by
/// `parse_limits`: the source size, the number of tokens and the nesting depth
/// (selection sets, list/object values, list types); the parser never recurses deeper
/// than `max_depth` levels. Safe to call from any number of threads at once.

#include <cstddef>
#include <cstdint>
#include <string>

#include "fraiseql/graphql/ast.hpp"
#include "fraiseql/result.hpp"

namespace fraiseql::graphql {

/// Limits against hostile documents. Zero means "no limit" for max_bytes and max_tokens;
/// max_depth is always enforced (0 is treated as 1).
struct parse_limits {
    std::size_t max_bytes = std::size_t{1} << 20; ///< source size in bytes
    std::size_t max_tokens = 100'000;             ///< lexical tokens, comments excluded
    std::size_t max_depth = 128; ///< nesting of selection sets, list/object values, list types
};

/// A syntax error: a message in the style of graphql-js without its "Syntax Error: "
/// prefix (e.g. `Expected Name, found "}".`), and the 1-based line and column (in code
/// points) where it was detected.
struct syntax_error {
    std::string message;
    std::uint32_t line = 0;
    std::uint32_t column = 0;
};

/// Which grammar goal symbol a document must match.
enum class document_kind : std::uint8_t {
    any,        ///< §2.2 Document: any mix of definitions (what graphql-js `parse` accepts)
    executable, ///< §2.2 ExecutableDocument: operations and fragments only
    type_system ///< §3 TypeSystemExtensionDocument: SDL definitions and extensions only
};

/// Parses `source` as a document of `kind`. The document takes ownership of the source.
/// A definition of the wrong family for `kind` is an error located at that definition:
/// `The "Foo" definition is not executable.` (the wording of graphql-js's §5.1.1 rule)
/// or `Unexpected executable definition in a type system document.`.
result<document, syntax_error> parse(std::string source, document_kind kind = document_kind::any,
                                     const parse_limits& limits = {});

/// `parse(source, document_kind::executable, limits)`: a request document.
result<document, syntax_error> parse_executable(std::string source,
                                                const parse_limits& limits = {});

/// `parse(source, document_kind::type_system, limits)`: a schema (SDL) file.
result<document, syntax_error> parse_schema(std::string source, const parse_limits& limits = {});

/// Prints a document as canonical GraphQL text in the layout of graphql-js `print`
/// (16.x, before its operation descriptions): two-space indentation, one selection per
/// line, `, ` between arguments, comments and insignificant commas dropped. Parsing the
/// result yields an equivalent document; printing that again yields the same text, so the
/// output serves as a normalised cache key.
std::string print(const document& doc);

/// Prints one value literal (e.g. `{a: [1, 2], b: "x"}`).
std::string print(const value& v);

/// Prints one type reference (e.g. `[String!]!`).
std::string print(const type_ref& t);

} // namespace fraiseql::graphql
