#pragma once
#include <string>
#include <string_view>

namespace fraiseql::http {
/// The GraphiQL page served on GET /graphql to browsers in development.
std::string graphiql_page(std::string_view endpoint);
} // namespace fraiseql::http
