# install(): the layout of docs/adr/0005-library-api-and-abi.md and 0006-debian-package.md.
#
# Components:
#   server   bin/fraiseql, the manual page, share/fraiseql (examples, demo tools),
#            share/doc/fraiseql — the `fraiseql` Debian package
#   service  /etc/fraiseql/fraiseql.toml and the systemd unit: absolute paths, installed only
#            by the Debian package (never by `cmake --install --prefix …`, which must not touch
#            /etc or /lib on the build machine)
#   dev      headers, static libraries, the CMake package — the `libfraiseql-dev` package
include(CMakePackageConfigHelpers)

set(FRAISEQL_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/fraiseql)

# ---- server
install(TARGETS fraiseql RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT server)
if(FRAISEQL_MANPAGE)
    install(FILES ${FRAISEQL_MANPAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT server)
endif()
install(FILES examples/blog/README.md examples/blog/schema.graphql examples/blog/schema.sql
              examples/blog/seed.sql
    DESTINATION ${CMAKE_INSTALL_DATADIR}/fraiseql/examples/blog COMPONENT server)
# `fraiseql demo` from an installed command (apps/fraiseql/main.cpp, demo_data_dir).
install(PROGRAMS tools/pg-test-cluster.sh DESTINATION ${CMAKE_INSTALL_DATADIR}/fraiseql/tools
    COMPONENT server)
install(FILES README.md docs/configuration.md docs/http.md docs/security.md
              docs/release-notes/${PROJECT_VERSION}.md
    DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT server)
install(FILES packaging/debian/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT server)

# ---- service (Debian package only; see above)
install(FILES packaging/fraiseql.toml DESTINATION /etc/fraiseql COMPONENT service EXCLUDE_FROM_ALL)
install(FILES packaging/fraiseql.service DESTINATION /lib/systemd/system COMPONENT service
    EXCLUDE_FROM_ALL)

# ---- dev
install(DIRECTORY include/fraiseql DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev
    FILES_MATCHING PATTERN "*.hpp")
get_property(_fraiseql_components GLOBAL PROPERTY FRAISEQL_COMPONENTS)
install(TARGETS ${_fraiseql_components} fraiseql_options fraiseql_engine
    EXPORT fraiseqlTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT fraiseqlTargets NAMESPACE fraiseql:: DESTINATION ${FRAISEQL_CMAKE_DIR}
    COMPONENT dev)
configure_package_config_file(cmake/fraiseqlConfig.cmake.in
    ${PROJECT_BINARY_DIR}/fraiseqlConfig.cmake INSTALL_DESTINATION ${FRAISEQL_CMAKE_DIR})
# SameMinorVersion: 1.9.x satisfies find_package(fraiseql 1.9), 1.10 does not — the supported
# headers may change between minor releases (ADR 0005).
write_basic_package_version_file(${PROJECT_BINARY_DIR}/fraiseqlConfigVersion.cmake
    COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/fraiseqlConfig.cmake
              ${PROJECT_BINARY_DIR}/fraiseqlConfigVersion.cmake
    DESTINATION ${FRAISEQL_CMAKE_DIR} COMPONENT dev)

# ---- Debian documentation of each binary package (Debian policy §12.5, §12.7)
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/changelog.Debian.gz
    COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/packaging/debian/changelog
            > ${PROJECT_BINARY_DIR}/changelog.Debian.gz
    DEPENDS ${PROJECT_SOURCE_DIR}/packaging/debian/changelog VERBATIM)
add_custom_target(fraiseql_debian_changelog ALL DEPENDS ${PROJECT_BINARY_DIR}/changelog.Debian.gz)
install(FILES ${PROJECT_BINARY_DIR}/changelog.Debian.gz DESTINATION ${CMAKE_INSTALL_DOCDIR}
    COMPONENT service EXCLUDE_FROM_ALL)
install(FILES packaging/debian/copyright ${PROJECT_BINARY_DIR}/changelog.Debian.gz
    DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/libfraiseql-dev COMPONENT dev_debian
    EXCLUDE_FROM_ALL)

# Static libraries lose their debug sections when the install strips (`cmake --install --strip`,
# and CPack with CPACK_STRIP_FILES), as dh_strip does for a Debian -dev package: 210 MB of
# RelWithDebInfo archives become 17 MB.
foreach(_c IN LISTS _fraiseql_components)
    install(CODE "
        if(CMAKE_INSTALL_DO_STRIP)
            execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-debug
                \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/$<TARGET_FILE_NAME:${_c}>\"
                COMMAND_ERROR_IS_FATAL ANY)
        endif()" COMPONENT dev)
endforeach()
