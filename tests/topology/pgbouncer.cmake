# The e2e tier through PgBouncer in pool_mode=transaction with `statement_cache = unnamed`
# (product.md §6.1, docs/scaling.md "Transaction-mode poolers"), both backends: the e2e binary
# registered a second time, one CTest test per backend, with an env file in which the
# database's address is PgBouncer's (tests/topology/pgbouncer_env.sh). Every server an e2e
# test starts inherits FRAISEQL_STATEMENT_CACHE=unnamed, and every URL a test builds from
# FRAISEQL_TEST_PORT (the blog, mutations, tenancy with set_config and RLS, persisted queries
# and the shared APQ store, connections, HTTP) goes through the pooler. The fixture's schema
# is on the topology's primary (pg_topology_start loads the blog; the tests load theirs).
# Included from tests/topology/CMakeLists.txt; label topology, fixture pg_topology.
set(FRAISEQL_PGBOUNCER_E2E_DIR ${FRAISEQL_TOPOLOGY_DIR}/via-pgbouncer)
add_test(NAME pgbouncer_e2e_env
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/pgbouncer_env.sh ${FRAISEQL_TOPOLOGY_DIR}
            ${FRAISEQL_PGBOUNCER_E2E_DIR})
set_tests_properties(pgbouncer_e2e_env PROPERTIES FIXTURES_SETUP pgbouncer_e2e
    FIXTURES_REQUIRED pg_topology LABELS topology TIMEOUT 60)

# Left out, for a stated reason (docs/scaling.md says so): budgets_e2e, the CPU and memory
# budgets of the server process, calibrated on a direct connection (through a pooler they
# would measure PgBouncer's scheduling on the same 2 cores as well). `*/<backend>` selects every
# test parameterised over the backend; the two that are not (conformance_cli.help_…, the CLI's
# usage, and explain_one_road.…, no database) do not reach PostgreSQL anyway.
set(FRAISEQL_PGBOUNCER_E2E_EXCLUDE "*budgets_e2e*")
if(TARGET e2e_tests)
    foreach(backend native libpq)
        add_test(NAME topology.pgbouncer_e2e.${backend}
            COMMAND e2e_tests "--gtest_filter=*/${backend}:-${FRAISEQL_PGBOUNCER_E2E_EXCLUDE}")
        set_tests_properties(topology.pgbouncer_e2e.${backend} PROPERTIES LABELS topology
            FIXTURES_REQUIRED "pg_topology;pgbouncer_e2e" RESOURCE_LOCK pg_topology TIMEOUT 1500
            ENVIRONMENT "FRAISEQL_TEST_CLUSTER_DIR=${FRAISEQL_PGBOUNCER_E2E_DIR};FRAISEQL_STATEMENT_CACHE=unnamed")
    endforeach()
endif()
