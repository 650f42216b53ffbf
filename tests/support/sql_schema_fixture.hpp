#pragma once
/// \file
/// A value-parameterised (per backend) test fixture over a schema of SQL objects private to
/// the test process: the setup script runs once per process, the GraphQL schema is built
/// once, every test gets its own connection on the backend under test, and the objects are
/// dropped after the suite.
///
/// `Self` (CRTP) provides three static functions returning text with the private schema
/// already substituted (support/sql.hpp, with_private_schema): `setup_script()`,
/// `graphql_sdl()` and `teardown_script()`.

#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "fraiseql/graphql/schema_builder.hpp"
#include "fraiseql/pg/connection.hpp"
#include "support/cluster.hpp"
#include "support/run.hpp"
#include "support/sql.hpp"

namespace fraiseql::test {

template <class Self>
class sql_schema_fixture : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    static inline bool loaded_ = false;
    static inline std::shared_ptr<graphql::schema> schema_;

    static void TearDownTestSuite() {
        if (!loaded_) return;
        (void)exec_script(database_url(), Self::teardown_script());
        loaded_ = false;
    }

    void SetUp() override {
        using namespace std::chrono_literals;
        FRAISEQL_REQUIRE_CLUSTER();
        auto c = pg::make_connector(GetParam(), io_.get_executor(), database_url());
        ASSERT_TRUE(c) << c.error().message;
        connector_ = std::move(*c);
        auto conn = run(io_, connector_->connect(pg::clock::now() + 10s));
        ASSERT_TRUE(conn) << conn.error().message;
        conn_ = std::move(*conn);
        if (!loaded_) {
            auto r = run(io_, conn_->simple_query(Self::setup_script(), pg::clock::now() + 60s));
            ASSERT_TRUE(r) << r.error().message << " " << r.error().server().message;
            loaded_ = true;
        }
        if (!schema_) {
            auto s = graphql::build_schema(Self::graphql_sdl());
            ASSERT_TRUE(s) << (s ? "" : s.error()[0].message);
            schema_ = *s;
        }
    }

    boost::asio::io_context io_;
    std::unique_ptr<pg::connector> connector_;
    std::unique_ptr<pg::connection> conn_;
};

} // namespace fraiseql::test
