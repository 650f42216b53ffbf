// fraiseql_embed: the FraiseQL engine inside another program, through the installed CMake
// package (find_package(fraiseql 1.9), target fraiseql::engine). It loads a schema, opens a
// connection pool, runs one GraphQL request and prints the response.
//
//   fraiseql_embed SCHEMA DATABASE_URL QUERY [VARIABLES_JSON]
//
// FRAISEQL_BACKEND=libpq picks PostgreSQL's own client instead of the native driver.
// Exit status: 0 when the response has data and no errors, 1 otherwise, 2 on bad arguments.

#include <cstdlib>
#include <iostream>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include <fraiseql/exec/engine.hpp>
#include <fraiseql/graphql/schema_builder.hpp>
#include <fraiseql/pg/pool.hpp>

namespace asio = boost::asio;
using namespace fraiseql;

int main(int argc, char** argv) {
    if (argc < 4 || argc > 5) {
        std::cerr << "usage: fraiseql_embed SCHEMA DATABASE_URL QUERY [VARIABLES_JSON]\n";
        return 2;
    }
    auto schema = graphql::load_schema_file(argv[1]);
    if (!schema) {
        for (const auto& message : schema.error())
            std::cerr << message << "\n";
        return 1;
    }

    exec::config cfg; // every setting at its default (docs/configuration.md)
    cfg.database_url = argv[2];
    if (const char* backend = std::getenv("FRAISEQL_BACKEND"))
        cfg.backend = backend;
    auto kind = pg::parse_backend_kind(cfg.backend);
    if (!kind) {
        std::cerr << "backend: " << kind.error() << "\n";
        return 2;
    }

    asio::io_context io;
    auto connector = pg::make_connector(*kind, io.get_executor(), cfg.database_url);
    if (!connector) {
        std::cerr << "database_url: " << connector.error().message << "\n";
        return 2;
    }
    pg::pool_options pool_opts;
    pool_opts.max_size = 2;
    auto pool = pg::pool::create(io.get_executor(), std::move(*connector), pool_opts);
    exec::engine engine(*schema, pool, cfg);

    exec::request request;
    request.query = argv[3];
    if (argc == 5) {
        boost::system::error_code ec;
        request.variables = boost::json::parse(argv[4], ec);
        if (ec || !request.variables.is_object()) {
            std::cerr << "VARIABLES_JSON must be a JSON object\n";
            return 2;
        }
    }

    int status = 1;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            // Without a response_stream the whole response comes back in `body`.
            exec::response response = co_await engine.execute(std::move(request));
            std::cout << response.body << "\n";
            const bool has_errors = response.body.find("\"errors\"") != std::string::npos;
            status = response.status == 200 && !has_errors ? 0 : 1;
            pool->close();
        },
        asio::detached);
    io.run();
    return status;
}
