#pragma once
// §5.3.2 Field Selection Merging ("overlapping fields can be merged").

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fraiseql/graphql/ast.hpp"
#include "fraiseql/graphql/schema.hpp"

namespace fraiseql::graphql::detail {

using fragment_map = std::unordered_map<std::string_view, const fragment_definition*>;

/// One conflict found in a selection set: graphql-js's message and the fields involved.
struct overlap_conflict {
    std::string message;
    std::vector<const field*> fields;
};

/// Finds the conflicts of §5.3.2 with graphql-js's algorithm (fields "within" a selection
/// set, then "between" it and its fragments, and between fragments; sub-selections compared
/// recursively; fragment pairs memoised for the whole document), so that messages and their
/// order match. Work is counted in field pairs compared: past `budget` (0: none) or past a
/// recursion depth that only a fragment cycle reaches, the checker stops and `exhausted()`
/// becomes true. One checker serves a whole document (its caches are per document).
class overlap_checker {
public:
    overlap_checker(const schema& s, const fragment_map& fragments, std::size_t budget);
    ~overlap_checker();
    overlap_checker(const overlap_checker&) = delete;
    overlap_checker& operator=(const overlap_checker&) = delete;

    /// The conflicts within `set`, whose parent type is `parent` (nullptr: unknown).
    void check(const type_def* parent, const selection_set& set, std::vector<overlap_conflict>& out);
    bool exhausted() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace fraiseql::graphql::detail
