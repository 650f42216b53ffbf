# GraphiQL served by the server itself (docs/adr/0007-graphiql-assets.md): React, ReactDOM and
# GraphiQL are taken from their npm packages, pinned in packaging/graphiql/package.json and
# package-lock.json, installed with `npm ci` into the build directory (never the source tree)
# and embedded in fraiseql_http with the assembler's .incbin, so that the page works offline,
# from the build folder (`make demo`) and from /usr/bin alike.

set(FRAISEQL_GRAPHIQL_SRC ${PROJECT_SOURCE_DIR}/packaging/graphiql)
set(FRAISEQL_GRAPHIQL_NPM ${PROJECT_BINARY_DIR}/graphiql-npm)
set(FRAISEQL_GRAPHIQL_MODULES ${FRAISEQL_GRAPHIQL_NPM}/node_modules)

find_program(FRAISEQL_NPM_PROGRAM npm)
if(NOT FRAISEQL_NPM_PROGRAM)
    message(FATAL_ERROR "npm is required to fetch the pinned GraphiQL assets "
                        "(scripts/install-deps.sh installs it)")
endif()

# The pinned versions, for the asset URLs (a new version is a new URL: the assets are
# served with an immutable cache lifetime).
file(READ ${FRAISEQL_GRAPHIQL_SRC}/package.json _graphiql_pkg)
string(JSON FRAISEQL_GRAPHIQL_VERSION GET "${_graphiql_pkg}" dependencies graphiql)
string(JSON FRAISEQL_REACT_VERSION GET "${_graphiql_pkg}" dependencies react)
string(JSON FRAISEQL_REACT_DOM_VERSION GET "${_graphiql_pkg}" dependencies react-dom)

set(_graphiql_files
    ${FRAISEQL_GRAPHIQL_MODULES}/react/umd/react.production.min.js
    ${FRAISEQL_GRAPHIQL_MODULES}/react-dom/umd/react-dom.production.min.js
    ${FRAISEQL_GRAPHIQL_MODULES}/graphiql/graphiql.min.js
    ${FRAISEQL_GRAPHIQL_MODULES}/graphiql/graphiql.min.css)
set(_graphiql_stamp ${FRAISEQL_GRAPHIQL_NPM}/npm-ci.stamp)
add_custom_command(OUTPUT ${_graphiql_stamp} ${_graphiql_files}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${FRAISEQL_GRAPHIQL_NPM}
    COMMAND ${CMAKE_COMMAND} -E copy ${FRAISEQL_GRAPHIQL_SRC}/package.json
            ${FRAISEQL_GRAPHIQL_SRC}/package-lock.json ${FRAISEQL_GRAPHIQL_NPM}/
    COMMAND ${FRAISEQL_NPM_PROGRAM} ci --ignore-scripts --no-audit --no-fund --loglevel=error
    COMMAND ${CMAKE_COMMAND} -E touch ${_graphiql_stamp}
    WORKING_DIRECTORY ${FRAISEQL_GRAPHIQL_NPM}
    DEPENDS ${FRAISEQL_GRAPHIQL_SRC}/package.json ${FRAISEQL_GRAPHIQL_SRC}/package-lock.json
    COMMENT "npm ci: GraphiQL ${FRAISEQL_GRAPHIQL_VERSION}, React ${FRAISEQL_REACT_VERSION}"
    VERBATIM)
add_custom_target(fraiseql_graphiql_npm DEPENDS ${_graphiql_stamp})

set(_graphiql_init ${FRAISEQL_GRAPHIQL_SRC}/init.js)
set(_graphiql_cpp ${CMAKE_CURRENT_BINARY_DIR}/graphiql_assets.cpp)
configure_file(${PROJECT_SOURCE_DIR}/cmake/graphiql_assets.cpp.in ${_graphiql_cpp} @ONLY)
# .incbin is invisible to the dependency scanner: name the embedded files explicitly.
set_source_files_properties(${_graphiql_cpp} PROPERTIES
    OBJECT_DEPENDS "${_graphiql_stamp};${_graphiql_files};${_graphiql_init}")
target_sources(fraiseql_http PRIVATE ${_graphiql_cpp})
add_dependencies(fraiseql_http fraiseql_graphiql_npm)
