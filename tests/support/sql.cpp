#include "support/sql.hpp"

#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include "fraiseql/pg/connection.hpp"
#include "support/cluster.hpp"
#include "support/run.hpp"

namespace fraiseql::test {
namespace {

class column_sink final : public pg::row_sink {
public:
    std::vector<std::string> values;
    boost::asio::awaitable<bool> on_rows(std::span<const pg::row_view> rows) override {
        for (const auto& r : rows) values.emplace_back(r.size() && !r[0].is_null() ? std::string(r[0].text()) : "NULL");
        co_return true;
    }
};

std::string describe(const pg::error& e) {
    return e.code == pg::errc::server_error ? e.server().message : e.message;
}

} // namespace

std::string with_private_schema(std::string text, const std::string& prefix) {
    const std::string schema = prefix + std::to_string(::getpid());
    for (std::size_t p; (p = text.find("@S@")) != std::string::npos;)
        text.replace(p, 3, schema);
    return text;
}

std::string database_url_for(const std::string& db) {
    return "postgres://postgres@127.0.0.1:" + cluster_env("FRAISEQL_TEST_PORT") + "/" + db;
}

std::string exec_script(const std::string& url, const std::string& script) {
    boost::asio::io_context io;
    auto c = pg::make_connector(pg::backend_kind::libpq, io.get_executor(), url);
    if (!c) return c.error().message;
    auto conn = run(io, (*c)->connect(pg::clock::now() + std::chrono::seconds(10)));
    if (!conn) return describe(conn.error());
    auto r = run(io, (*conn)->simple_query(script, pg::clock::now() + std::chrono::seconds(120)));
    return r ? std::string() : describe(r.error());
}

std::vector<std::string> query_column(const std::string& url, const std::string& sql) {
    boost::asio::io_context io;
    auto c = pg::make_connector(pg::backend_kind::libpq, io.get_executor(), url);
    if (!c) return {"ERROR: " + c.error().message};
    auto conn = run(io, (*c)->connect(pg::clock::now() + std::chrono::seconds(10)));
    if (!conn) return {"ERROR: " + describe(conn.error())};
    column_sink sink;
    auto r = run(io, (*conn)->simple_query(sql, pg::clock::now() + std::chrono::seconds(120), &sink));
    if (!r) return {"ERROR: " + describe(r.error())};
    return sink.values;
}

} // namespace fraiseql::test
