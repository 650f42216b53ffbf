#pragma once
/// \file
/// Building the schema model from SDL (the schema file front end) and
/// generating FraiseQL's inputs and root fields.

#include <memory>
#include <string>
#include <vector>

#include "fraiseql/graphql/error.hpp"
#include "fraiseql/graphql/schema.hpp"
#include "fraiseql/result.hpp"

namespace fraiseql::graphql {

/// Options for schema building.
struct schema_build_options {
    /// Generate `xConnection` root fields and the Relay types.
    bool generate_connections = true;
};

/// Parses the SDL text and builds the schema: declared types plus the built-in
/// scalars and directives, FraiseQL's generated `TWhereInput`, `TOrderByInput`,
/// filter inputs, `OrderDirection`, list arguments, connection fields and types.
/// Every problem is reported with its line and column (all of them, not the first).
fraiseql::result<std::shared_ptr<schema>, std::vector<error>>
build_schema(std::string sdl, const schema_build_options& opts = {});

/// Reads and builds a schema file; error messages are prefixed "file:line:column: ".
fraiseql::result<std::shared_ptr<schema>, std::vector<std::string>>
load_schema_file(const std::string& path, const schema_build_options& opts = {});

/// The filter input type name for a field of the given (named) type and
/// listness, e.g. "StringFilter", "IntFilter", "StringListFilter"; "" when the
/// type has no filter (objects use their own XWhereInput).
std::string filter_type_name(const schema& s, const type_expr& field_type, bool search);

} // namespace fraiseql::graphql
