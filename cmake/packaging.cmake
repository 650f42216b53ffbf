# CPack: `make package` (cmake --build … --target package) writes two Debian packages
# (docs/adr/0006-debian-package.md):
#   fraiseql_<version>-1_amd64.deb          components server + service
#   libfraiseql-dev_<version>-1_amd64.deb   components dev + dev_debian
# Depends of fraiseql come from dpkg-shlibdeps over /usr/bin/fraiseql (Boost, OpenSSL, libpq,
# ICU, fmt, spdlog, libstdc++, libc), plus adduser for the postinst.

set(FRAISEQL_PACKAGE_MAINTAINER "FraiseQL Maintainers <maintainers@fraiseql.dev>"
    CACHE STRING "Maintainer field of the Debian packages")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME fraiseql)
set(CPACK_PACKAGE_VENDOR "FraiseQL")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${FRAISEQL_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/fraiseql/fraiseql")
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# The server binary is stripped (lintian: unstripped-binary-or-object); static libraries are
# never stripped by install(TARGETS).
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL server service dev dev_debian)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
# The service component's files have absolute destinations (/etc, /lib/systemd) on purpose.
set(CPACK_WARN_ON_ABSOLUTE_INSTALL_DESTINATION OFF)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${FRAISEQL_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# fraiseql: the server.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME fraiseql)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION web)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SUGGESTS "postgresql")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
"GraphQL API server for PostgreSQL views
FraiseQL serves a GraphQL API straight from PostgreSQL: each operation is
compiled into one parameterised SQL statement per root field over views that
expose a JSONB document, run through its own asynchronous PostgreSQL driver
(or libpq), and streamed into the GraphQL response.
.
This package contains the fraiseql command, a hardened systemd unit, its
configuration file and the blog example.")

# libfraiseql-dev: embedding the engine (static libraries, headers, CMake package).
set(CPACK_DEBIAN_DEV_PACKAGE_NAME libfraiseql-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libboost1.81-dev, libboost-json1.81-dev, libboost-url1.81-dev, libssl-dev, libpq-dev, libicu-dev, libspdlog-dev, libfmt-dev, libtoml11-dev")
set(CPACK_DEBIAN_DEV_DESCRIPTION
"GraphQL API server for PostgreSQL views - development files
FraiseQL serves a GraphQL API straight from PostgreSQL. This package contains
the C++20 static libraries, headers and CMake package, to embed the engine in
a program: find_package(fraiseql 1.9 REQUIRED) and link fraiseql::engine or
fraiseql::http.")

include(CPack)
cpack_add_component_group(runtime)
cpack_add_component_group(dev)
cpack_add_component(server GROUP runtime)
cpack_add_component(service GROUP runtime)
cpack_add_component(dev GROUP dev)
cpack_add_component(dev_debian GROUP dev)
