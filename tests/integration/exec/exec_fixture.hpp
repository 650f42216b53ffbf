#pragma once
// Shared by the exec database tests: an engine over a pool of the backend under
// test, on a private PostgreSQL schema (created per test, dropped afterwards) so
// that tests running in parallel never see each other's rows.

#include <chrono>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "fraiseql/exec/engine.hpp"
#include "fraiseql/graphql/schema_builder.hpp"
#include "fraiseql/pg/pool.hpp"
#include "support/cluster.hpp"
#include "support/run.hpp"

namespace fraiseql::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;

/// Replaces every "S." in `text` with `<schema>.` (SQL and SDL templates).
inline std::string with_schema(std::string text, const std::string& schema) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == 'S' && i + 1 < text.size() && text[i + 1] == '.' &&
            (i == 0 || !(std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '_'))) {
            out += schema;
            continue;
        }
        out += text[i];
    }
    return out;
}

class exec_test : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    /// Creates the private schema, runs `sql` (with "S." → "<schema>."), builds the
    /// GraphQL schema from `sdl` (same substitution; `schema: "S"` too) and the engine.
    void setup(const std::string& sql, const std::string& sdl, exec::config cfg = {}) {
        std::random_device rd;
        schema_ = "xt_" + std::to_string(rd() % 1000000000u);
        auto c = pg::make_connector(GetParam(), io_.get_executor(), database_url());
        ASSERT_TRUE(c) << c.error().message;
        pg::pool_options o;
        o.max_size = 4;
        pool_ = pg::pool::create(io_.get_executor(), std::move(*c), o);
        ASSERT_TRUE(script("CREATE SCHEMA " + schema_ + ";\n" + with_schema(sql, schema_)));
        std::string gql = with_schema(sdl, schema_);
        for (std::string::size_type p; (p = gql.find("schema: \"S\"")) != std::string::npos;)
            gql.replace(p, 11, "schema: \"" + schema_ + "\"");
        auto built = graphql::build_schema(gql);
        ASSERT_TRUE(built) << (built ? "" : built.error().front().message);
        gql_schema_ = *built;
        cfg_ = cfg;
        engine_ = std::make_unique<exec::engine>(gql_schema_, pool_, cfg_);
    }

    void TearDown() override {
        engine_.reset();
        if (pool_ && !schema_.empty()) (void)script("DROP SCHEMA " + schema_ + " CASCADE");
        if (pool_) pool_->close();
    }

    /// Runs a script (simple query protocol) on a pooled connection.
    bool script(const std::string& sql) {
        auto l = run(io_, pool_->acquire(pg::clock::now() + 10s));
        EXPECT_TRUE(l) << (l ? "" : l.error().message);
        if (!l) return false;
        auto r = run(io_, (*l)->simple_query(sql, pg::clock::now() + 30s));
        EXPECT_TRUE(r) << sql << "\n-> " << (r ? "" : r.error().server().message + r.error().message);
        return bool(r);
    }

    /// The first column of every row of a query, as text ("<NULL>" for NULL).
    std::vector<std::string> column(const std::string& sql) {
        struct sink : pg::row_sink {
            std::vector<std::string> v;
            asio::awaitable<bool> on_rows(std::span<const pg::row_view> rows) override {
                for (const auto& r : rows)
                    v.push_back(r[0].is_null() ? "<NULL>" : std::string(r[0].text()));
                co_return true;
            }
        } s;
        auto l = run(io_, pool_->acquire(pg::clock::now() + 10s));
        EXPECT_TRUE(l);
        if (!l) return {};
        const std::string q = with_schema(sql, schema_);
        auto r = run(io_, (*l)->simple_query(q, pg::clock::now() + 30s, &s));
        EXPECT_TRUE(r) << q << "\n-> " << (r ? "" : r.error().server().message + r.error().message);
        return s.v;
    }

    /// Executes a GraphQL request; returns the parsed response body.
    boost::json::value gql(const std::string& query, const std::string& variables = "null") {
        exec::request req;
        req.query = query;
        req.variables = boost::json::parse(variables);
        req.request_id = "test";
        auto res = run(io_, engine_->execute(std::move(req)));
        last_body_ = res.body;
        boost::system::error_code ec;
        auto v = boost::json::parse(res.body, ec);
        EXPECT_FALSE(ec) << res.body;
        return v;
    }

    /// The `extensions.code` of the first error, or "".
    static std::string first_code(const boost::json::value& v) {
        const auto* o = v.if_object();
        if (!o || !o->contains("errors")) return "";
        const auto& e = o->at("errors").as_array();
        if (e.empty()) return "";
        const auto* ext = e[0].as_object().if_contains("extensions");
        return ext ? std::string(ext->at("code").as_string()) : "";
    }

    asio::io_context io_;
    std::shared_ptr<pg::pool> pool_;
    std::shared_ptr<graphql::schema> gql_schema_;
    exec::config cfg_;
    std::unique_ptr<exec::engine> engine_;
    std::string schema_;
    std::string last_body_;
};

} // namespace fraiseql::test
