#pragma once
// Internals shared by the validation rules (spec §5): a light view of a type during a walk,
// schema predicates in graphql-js's terms, and the source scanner for name locations.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fraiseql/graphql/ast.hpp"
#include "fraiseql/graphql/schema.hpp"

namespace fraiseql::graphql::detail {

/// A type during validation: a named type with list/non-null wrappers (outermost first).
/// `named == nullptr` is graphql-js's "undefined" (unknown type, or no type here). The
/// wrappers point into a type_expr that outlives the walk (the schema, or the validator's
/// own storage for variable types).
struct vtype {
    const type_def* named = nullptr;
    const type_expr::wrap* wraps = nullptr;
    std::size_t n = 0;

    static vtype of_named(const type_def* t) { return vtype{t, nullptr, 0}; }
    bool defined() const noexcept { return named != nullptr; }
    bool non_null() const noexcept { return n && wraps[0] == type_expr::wrap::non_null; }
    bool list() const noexcept { return n && wraps[0] == type_expr::wrap::list; }
    vtype inner() const noexcept { return n ? vtype{named, wraps + 1, n - 1} : *this; }
    vtype nullable() const noexcept { return non_null() ? inner() : *this; }
    vtype named_only() const noexcept { return vtype{named, nullptr, 0}; }
    bool same(const vtype& o) const noexcept;
    /// graphql-js `inspect(type)`: `[User!]!`.
    std::string str() const;
};

/// The type named by `t` (with its wrappers), or an undefined vtype for an unknown name.
vtype resolve(const schema& s, const type_expr& t);

bool is_composite(const type_def* t) noexcept;
bool is_leaf(const type_def* t) noexcept;
bool is_input(const type_def* t) noexcept;
bool is_abstract(const type_def* t) noexcept;
/// graphql-js `schema.isSubType(abstract, maybe)`: a union member, or an implementation
/// (object or interface) of an interface.
bool is_sub_type(const type_def* abstract, const type_def* maybe) noexcept;
/// graphql-js `schema.getPossibleTypes`: union members or implementing object types.
std::vector<const type_def*> possible_types(const schema& s, const type_def* abstract);
/// §5.5.2.3 GetPossibleTypes overlap (graphql-js `doTypesOverlap`).
bool types_overlap(const schema& s, const type_def* a, const type_def* b);

/// Locations of tokens that the AST does not record (names after a keyword, `...` or `$`,
/// and a field's selection set), found by scanning the source of a document that parsed.
class source_scanner {
public:
    explicit source_scanner(std::string_view src) : src_(src) {}
    /// The name after the token at `loc` (a keyword, `...`, `$`).
    source_location name_after(source_location loc, std::size_t token_len);
    /// The `{` of the selection set of the field starting at `loc`.
    source_location selection_set_of_field(source_location loc);

private:
    void index();
    std::size_t offset(source_location loc);
    source_location location(std::size_t off);
    std::size_t skip_ignored(std::size_t i) const;
    std::size_t skip_name(std::size_t i) const;
    std::size_t skip_balanced(std::size_t i) const;

    std::string_view src_;
    std::vector<std::size_t> lines_;
};

} // namespace fraiseql::graphql::detail
