#pragma once
/// \file
/// The one rule mapping GraphQL field names to JSONB keys (spec §2), shared by projection,
/// filters and ordering so that they can never disagree.

#include <string>
#include <string_view>

namespace fraiseql::json {

/// camelCase GraphQL name → snake_case JSONB key (spec §2): put `_` before each uppercase ASCII
/// letter and lowercase it; digits stay with what precedes them; everything else is copied.
/// Exactly that rule, so:
///   firstName → first_name, ipv4Address → ipv4_address, addressLine1 → address_line1,
///   URL → u_r_l, userID → user_i_d (each uppercase letter, as the rule says; use `@key` for
///   another spelling), already_snake → already_snake, _private → _private.
/// A leading uppercase letter gets no leading underscore (`Name` → `name`), and neither does an
/// uppercase letter that follows an underscore (`a_B` → `a_b`), so the rule never produces a
/// double underscore the user did not write.
std::string to_snake_key(std::string_view graphql_name);

} // namespace fraiseql::json
