#pragma once
/// \file
/// Facts about this build for `fraiseql --version` (product.md §10).

/// The git commit the command was built from (12 hex digits, "-dirty" when the work tree had
/// changes), or "" when it was not built from a git checkout (e.g. a source tarball).
/// Defined in the build_info.cpp that cmake/build_info.cmake writes at build time.
extern const char* const fraiseql_build_git_commit;
