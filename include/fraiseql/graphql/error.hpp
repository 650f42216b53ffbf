#pragma once
/// \file
/// GraphQL errors as values (spec §7.1.2 "Errors"): message, locations, path and
/// an `extensions.code`.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "fraiseql/graphql/schema.hpp"

namespace fraiseql::graphql {

/// A response path element: a field's response key or a list index.
using path_element = std::variant<std::string, std::int64_t>;

/// Error codes of spec §3.5 (product.md), as sent in extensions.code.
namespace code {
inline constexpr const char* parse_failed = "GRAPHQL_PARSE_FAILED";
inline constexpr const char* validation_failed = "GRAPHQL_VALIDATION_FAILED";
inline constexpr const char* bad_user_input = "BAD_USER_INPUT";
inline constexpr const char* unauthenticated = "UNAUTHENTICATED";
inline constexpr const char* forbidden = "FORBIDDEN";
inline constexpr const char* persisted_query_not_found = "PERSISTED_QUERY_NOT_FOUND";
inline constexpr const char* persisted_query_not_supported = "PERSISTED_QUERY_NOT_SUPPORTED";
inline constexpr const char* query_too_complex = "QUERY_TOO_COMPLEX";
inline constexpr const char* timeout = "TIMEOUT";
inline constexpr const char* database_error = "DATABASE_ERROR";
inline constexpr const char* internal_error = "INTERNAL_SERVER_ERROR";
} // namespace code

struct error {
    std::string message;
    std::vector<source_location> locations;
    std::vector<path_element> path;
    std::string code; ///< extensions.code ("" → none)

    static error at(std::string msg, source_location loc, std::string c) {
        error e;
        e.message = std::move(msg);
        if (loc.line) e.locations.push_back(loc);
        e.code = std::move(c);
        return e;
    }
};

/// Appends `{"message":…,"locations":[…],"path":[…],"extensions":{"code":…}}`.
void append_error_json(std::string& out, const error& e);

} // namespace fraiseql::graphql
