#pragma once
// Helpers shared by the GraphQL syntax tests.

#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "fraiseql/graphql/parser.hpp"

namespace fraiseql::graphql::test {

/// Parses (any document kind) and fails the test with the error if parsing failed.
inline document parse_ok(const std::string& src) {
    auto r = parse(src);
    EXPECT_TRUE(r.has_value()) << "unexpected error: " << (r ? "" : r.error().message) << " at "
                               << (r ? 0 : r.error().line) << ":" << (r ? 0 : r.error().column)
                               << "\nin: " << src;
    return r ? std::move(*r) : document{};
}

/// "line:column: message" of the syntax error, or "OK" when parsing succeeded.
inline std::string parse_err(const std::string& src, document_kind kind = document_kind::any,
                             const parse_limits& limits = {}) {
    auto r = parse(src, kind, limits);
    if (r) return "OK";
    return std::to_string(r.error().line) + ":" + std::to_string(r.error().column) + ": " +
           r.error().message;
}

/// The first selection of the first operation, as a field.
inline const field& first_field(const document& d) {
    const auto& op = std::get<operation_definition>(d.definitions.at(0));
    return std::get<field>(op.selections.at(0).node);
}

/// The value of argument `i` of the first field of `{ f(a: <literal>) }`.
inline value literal(const std::string& lit) {
    static thread_local document keep; // keeps the views alive until the next call
    keep = parse_ok("{ f(a: " + lit + ") }");
    if (keep.definitions.empty()) return {};
    return first_field(keep).arguments.at(0).value;
}

/// The decoded text of a string literal.
inline std::string string_of(const std::string& lit) {
    const value v = literal(lit);
    EXPECT_EQ(v.kind, value_kind::string_value) << lit;
    return std::string(v.text);
}

} // namespace fraiseql::graphql::test
