#pragma once
// Private: what a parsed document owns. The AST's string_views point into `source` and
// into `strings` (decoded string values that contained escapes, dedented block strings).
// std::deque never relocates its elements when it grows, so views into earlier strings
// stay valid while later ones are appended during parsing.

#include <deque>
#include <string>

#include "fraiseql/graphql/ast.hpp"

namespace fraiseql::graphql::detail {

struct document_storage {
    std::string source;
    std::deque<std::string> strings;
};

} // namespace fraiseql::graphql::detail
