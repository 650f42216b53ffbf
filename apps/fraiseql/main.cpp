// The fraiseql command: serve, demo, check, explain.

#include <signal.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include "fraiseql/exec/catalog.hpp"
#include "fraiseql/exec/config.hpp"
#include "fraiseql/exec/engine.hpp"
#include "fraiseql/graphql/schema_builder.hpp"
#include "fraiseql/http/server.hpp"
#include "fraiseql/pg/pool.hpp"
#include "fraiseql/pg/replica_set.hpp"
#include "build_info.hpp"
#include "demo_cluster.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace fraiseql;

namespace {

/// SIGINT/SIGTERM received while `fraiseql demo` starts its cluster (before serve() listens
/// for signals itself); 0 when none.
volatile std::sig_atomic_t early_signal = 0;

void remember_signal(int sig) {
    early_signal = sig;
}

/// Command-line values for config keys; only the flags that were given are recorded.
struct flag_set {
    std::map<std::string, std::string> values;
    void add(CLI::App& app, const std::string& flag, const std::string& key, const std::string& help) {
        app.add_option_function<std::string>(
               flag, [this, key](const std::string& v) { values[key] = v; }, help)
            ->type_name("VALUE");
    }
};

void add_common_flags(CLI::App& app, flag_set& flags, std::string& config_file) {
    app.add_option("--config", config_file, "fraiseql.toml file (default: ./fraiseql.toml if present)");
    flags.add(app, "--schema", "schema", "GraphQL SDL schema file");
    flags.add(app, "--database-url", "database_url", "PostgreSQL connection string");
    flags.add(app, "--backend", "backend", "database driver: native | libpq (aliases rust, psycopg)");
}

void add_server_flags(CLI::App& app, flag_set& flags) {
    flags.add(app, "--port", "port", "HTTP port");
    flags.add(app, "--host", "host", "address to listen on (default 127.0.0.1)");
    flags.add(app, "--environment", "environment", "development | production");
    flags.add(app, "--pool-size", "pool_size", "maximum database connections");
    flags.add(app, "--threads", "threads", "I/O threads");
    flags.add(app, "--log-level", "log_level", "trace | debug | info | warn | error");
}

fraiseql::result<exec::config, std::string> load(const flag_set& flags, const std::string& config_file) {
    exec::config_sources src;
    src.flags = flags.values;
    src.environment = exec::environment_variables();
    src.toml_file = config_file;
    if (src.toml_file.empty())
        if (auto it = src.environment.find("FRAISEQL_CONFIG"); it != src.environment.end())
            src.toml_file = it->second;
    src.toml_file_required = !src.toml_file.empty();
    return exec::load_config(src);
}

void setup_logging(const exec::config& cfg) {
    spdlog::set_level(spdlog::level::from_str(cfg.log_level));
    bool json = cfg.log_format == "json" ||
                (cfg.log_format == "auto" && cfg.environment == exec::environment_kind::production);
    if (json)
        spdlog::set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","msg":"%v"})");
    else
        spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
}

/// Runs a coroutine to completion on `io`, returning its value.
template <class T> T run_sync(asio::io_context& io, asio::awaitable<T> aw) {
    std::optional<T> out;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> { out.emplace(co_await std::move(aw)); },
                   [](std::exception_ptr e) {
                       if (e) std::rethrow_exception(e);
                   });
    io.restart();
    while (!out && io.run_one() > 0) {}
    return std::move(*out);
}

std::string redact_url(const std::string& url) {
    // postgres://user:secret@host -> postgres://user:***@host
    auto scheme = url.find("://");
    auto at = url.find('@');
    if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
    auto colon = url.find(':', scheme + 3);
    if (colon == std::string::npos || colon > at) return url;
    return url.substr(0, colon + 1) + "***" + url.substr(at);
}

/// Raises the soft limit on open files to the hard limit: every HTTP connection and
/// every database connection is a descriptor, and the default soft limit (often 1024)
/// is far below max_connections. Accept failures beyond it back off (docs/http.md).
void raise_open_file_limit() {
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) {
        spdlog::warn("cannot read the open-file limit: {}", std::strerror(errno));
        return;
    }
    const rlim_t before = lim.rlim_cur;
    if (lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &lim) != 0) {
            spdlog::warn("cannot raise the open-file limit from {} to {}: {}", before, lim.rlim_max,
                         std::strerror(errno));
            return;
        }
    }
    spdlog::info("open-file limit: {} (was {}, hard limit {})", lim.rlim_cur, before, lim.rlim_max);
}

/// One round of the replicas' checks (run_sync wants a value).
asio::awaitable<bool> check_replicas(std::shared_ptr<pg::replica_set> set) {
    co_await set->check_now();
    co_return true;
}

/// The driver settings of `serve` and `check`: the statement mode, and named statements
/// through a session-sharing pooler refused rather than left to fail at random
/// (docs/scaling.md, "Transaction-mode poolers").
pg::connector_options connector_options_of(const exec::config& cfg) {
    pg::connector_options o;
    o.statement_cache_size = cfg.statement_cache_size;
    o.statements = cfg.statement_cache == exec::statement_cache_mode::unnamed
                       ? pg::statement_mode::unnamed
                       : pg::statement_mode::named;
    o.refuse_pooler = true;
    return o;
}

/// `fraiseql serve`: the production server. Returns the process exit code.
int serve(exec::config cfg) {
    setup_logging(cfg);
    raise_open_file_limit();
    if (cfg.schema_file.empty()) {
        std::cerr << "error: schema: no schema file given (--schema FILE or FRAISEQL_SCHEMA)\n";
        return 2;
    }
    if (cfg.database_url.empty()) {
        std::cerr << "error: database_url: no database given (--database-url URL or FRAISEQL_DATABASE_URL)\n";
        return 2;
    }
    auto schema = graphql::load_schema_file(cfg.schema_file);
    if (!schema) {
        for (const auto& m : schema.error()) std::cerr << m << "\n";
        return 1;
    }
    const std::uint32_t threads = exec::effective_threads(cfg);
    spdlog::info("threads: {}{}", threads, cfg.threads == 0 ? " (auto: the usable cores)" : "");
    asio::io_context io(static_cast<int>(threads));
    auto kind = pg::parse_backend_kind(cfg.backend);
    if (!kind) {
        std::cerr << "error: backend: " << kind.error() << "\n";
        return 2;
    }
    auto connector =
        pg::make_connector(*kind, io.get_executor(), cfg.database_url, connector_options_of(cfg));
    if (!connector) {
        std::cerr << "error: database_url: " << connector.error().message << "\n";
        return 2;
    }
    pg::pool_options popts;
    popts.max_size = cfg.pool_size;
    popts.acquire_timeout = cfg.pool_timeout;
    // The engine runs a read again when it meets a pooled connection already closed by the
    // server (engine.cpp), so idle sockets are polled only after a second idle, not at every
    // checkout (issue 15: one system call fewer per request).
    popts.liveness_check_after = pg::liveness_check_for_retrying_callers;
    auto pool = pg::pool::create(io.get_executor(), std::move(*connector), popts);

    // Column discovery for hybrid routing (product.md §3.3), on a first connection.
    {
        auto lease = run_sync(io, pool->acquire(pg::clock::now() + std::chrono::seconds(10)));
        if (lease) {
            auto problems = run_sync(io, exec::discover_columns(**lease, **schema));
            for (const auto& p : problems) spdlog::warn("{}", p);
        } else if (lease.error().code == pg::errc::auth_failed ||
                   lease.error().code == pg::errc::tls_error ||
                   lease.error().code == pg::errc::unsupported) {
            // A configuration mistake, not an outage: waiting would not fix it.
            std::cerr << "error: cannot connect to " << redact_url(cfg.database_url) << ": "
                      << lease.error().message << "\n";
            return 1;
        } else {
            // The database is down (product.md §9: recovery without a restart of the
            // server): serve anyway — /ready answers 503 and requests fail with a clear
            // error until it is back. Types without declared @view columns then filter on
            // the document until the next start (docs/reliability.md §4.2).
            spdlog::warn("database {} unreachable at start-up ({}); serving anyway, /ready "
                         "reports 503 until it is back",
                         redact_url(cfg.database_url), lease.error().message);
        }
    }
    std::shared_ptr<const exec::jwt_verifier> verifier;
    if (auto jc = exec::make_jwt_config(cfg); jc.has_key()) {
        auto v = exec::jwt_verifier::create(jc);
        if (!v) {
            std::cerr << "error: " << v.error() << "\n";
            return 2;
        }
        verifier = std::move(*v);
    } else if (!cfg.allow_anonymous) {
        std::cerr << "error: allow_anonymous: false needs a JWT key (jwt_secret, jwt_public_key_file "
                     "or jwt_jwks_file)\n";
        return 2;
    }
    // Read replicas (product.md §6.1, docs/scaling.md): a pool each, and the routing above
    // them. One round of checks before serving, so that the first reads already know which
    // replicas are usable (a replica that does not answer costs one check_timeout, 1 s).
    std::vector<std::shared_ptr<pg::pool>> replica_pools;
    for (const auto& url : cfg.replica_urls) {
        auto rc = pg::make_connector(*kind, io.get_executor(), url, connector_options_of(cfg));
        if (!rc) {
            std::cerr << "error: replica_urls: " << redact_url(url) << ": " << rc.error().message
                      << "\n";
            return 2;
        }
        pg::pool_options ropts = popts;
        ropts.max_size = cfg.replica_pool_size;
        replica_pools.push_back(pg::pool::create(io.get_executor(), std::move(*rc), ropts));
    }
    std::shared_ptr<pg::replica_set> replicas;
    if (!replica_pools.empty()) {
        pg::replica_options ropts;
        ropts.max_lag = cfg.replica_max_lag;
        ropts.fallback = cfg.replica_fallback_primary ? pg::replica_fallback::primary
                                                      : pg::replica_fallback::error;
        replicas = pg::replica_set::create(io.get_executor(), pool, replica_pools, ropts);
        (void)run_sync(io, check_replicas(replicas));
        const auto status = replicas->status();
        for (std::size_t i = 0; i < status.size(); ++i)
            spdlog::info("replica {} ({}): {}", i + 1, redact_url(cfg.replica_urls[i]),
                         status[i].eligible ? "usable"
                                            : "not usable yet: " + status[i].last_error);
        replicas->start();
    }
    exec::engine engine(*schema, pool, cfg, verifier, replicas);
    http::server server(io, engine);
    auto port = server.listen();
    if (!port) {
        std::cerr << "error: " << port.error() << "\n";
        return 1;
    }
    server.start();
    spdlog::info("fraiseql {} serving {} on http://{}:{}/graphql (backend {}, database {}, {})",
                 FRAISEQL_VERSION, cfg.schema_file, cfg.host, *port, cfg.backend,
                 redact_url(cfg.database_url), exec::to_string(cfg.environment));
    std::fflush(stdout);

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        spdlog::info("signal {}: draining (up to {} ms)", sig, cfg.shutdown_timeout.count());
        asio::co_spawn(io, [&]() -> asio::awaitable<void> {
            co_await server.shutdown(cfg.shutdown_timeout);
            if (replicas) replicas->close();
            for (auto& p : replica_pools) p->close();
            pool->close();
            io.stop();
        }, asio::detached);
    });
    // A signal that came before the signal_set took over (demo start-up, connecting) is
    // delivered again now, to the handler above.
    if (early_signal != 0) ::raise(early_signal);
    std::vector<std::thread> workers;
    for (std::uint32_t i = 1; i < threads; ++i) workers.emplace_back([&] { io.run(); });
    io.run();
    for (auto& t : workers) t.join();
    spdlog::info("stopped");
    return 0;
}

std::string default_demo_dir() {
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/fraiseql/demo";
    if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/fraiseql/demo";
    return "/tmp/fraiseql-demo";
}

/// Where `fraiseql demo` finds examples/blog and tools/pg-test-cluster.sh: <prefix>/share/fraiseql
/// when the command is installed (cmake/install.cmake puts them there), else the source tree
/// it was built from.
std::string demo_data_dir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path installed = exe.parent_path().parent_path() / FRAISEQL_DATA_DIR;
        if (fs::exists(installed / "tools/pg-test-cluster.sh", ec)) return installed.string();
    }
    return FRAISEQL_SOURCE_DIR;
}

/// `fraiseql --version`: the first line is what help2man and scripts read.
std::string version_text() {
    const int pq = PQlibVersion();
    std::ostringstream out;
    out << "fraiseql " << FRAISEQL_VERSION << "\n"
        << "commit: " << (*fraiseql_build_git_commit ? fraiseql_build_git_commit : "unknown (not built from git)")
        << "\nbuild type: " << FRAISEQL_BUILD_TYPE << "\n"
        << "backends: native (FraiseQL's own PostgreSQL wire driver, default), libpq " << pq / 10000
        << "." << pq % 10000 << " (fallback: backend = \"libpq\")";
    return out.str();
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"FraiseQL: a GraphQL API served straight from PostgreSQL"};
    app.set_version_flag("--version", version_text());
    app.require_subcommand(1);

    flag_set serve_flags, demo_flags, check_flags, explain_flags;
    std::string serve_config, demo_config, check_config, explain_config;

    auto* serve_cmd = app.add_subcommand("serve", "Serve a schema over HTTP");
    add_common_flags(*serve_cmd, serve_flags, serve_config);
    add_server_flags(*serve_cmd, serve_flags);

    auto* demo_cmd = app.add_subcommand(
        "demo", "Start a private PostgreSQL, load the blog example and serve it");
    std::string demo_dir = default_demo_dir();
    demo_cmd->add_option("--data-dir", demo_dir, "folder of the private cluster (reused)")
        ->capture_default_str();
    demo_flags.add(*demo_cmd, "--port", "port", "HTTP port (default 8080)");
    demo_flags.add(*demo_cmd, "--backend", "backend", "database driver: native | libpq");
    demo_flags.add(*demo_cmd, "--host", "host", "address to listen on (default 127.0.0.1)");

    auto* check_cmd = app.add_subcommand("check", "Validate a schema against a live database");
    add_common_flags(*check_cmd, check_flags, check_config);

    auto* explain_cmd = app.add_subcommand("explain", "Print the SQL an operation compiles to");
    add_common_flags(*explain_cmd, explain_flags, explain_config);
    std::string explain_query, explain_vars, explain_opname;
    explain_cmd->add_option("--query", explain_query, "the GraphQL operation")->required();
    explain_cmd->add_option("--variables", explain_vars, "variables as a JSON object");
    explain_cmd->add_option("--operation-name", explain_opname, "operation to explain");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version exit 0; a usage error exits 2 like a refused configuration
        // (CLI11's own codes, 106 and up, mean nothing to a shell script).
        return app.exit(e) == 0 ? 0 : 2;
    }

    if (serve_cmd->parsed()) {
        auto cfg = load(serve_flags, serve_config);
        if (!cfg) {
            std::cerr << "error: " << cfg.error() << "\n";
            return 2;
        }
        return serve(std::move(*cfg));
    }
    if (demo_cmd->parsed()) {
        auto cfg = load(demo_flags, demo_config);
        if (!cfg) {
            std::cerr << "error: " << cfg.error() << "\n";
            return 2;
        }
        setup_logging(*cfg);
        // Ctrl-C / SIGTERM while the cluster starts or the example loads would otherwise kill
        // us and leave the cluster running: pg_ctl detaches the postmaster from our process
        // group. Remember the signal, let the step end, then stop the cluster.
        struct sigaction sa {};
        sa.sa_handler = remember_signal;
        sa.sa_flags = SA_RESTART;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, nullptr);
        sigaction(SIGTERM, &sa, nullptr);
        const std::string data_dir = demo_data_dir();
        auto cluster = demo::start_cluster(demo_dir, data_dir);
        if (!cluster || early_signal != 0) {
            // Stopping is harmless when the start itself failed (nothing is running then).
            demo::stop_cluster(demo_dir, data_dir);
            if (early_signal != 0) {
                std::cerr << "interrupted (signal " << int(early_signal)
                          << "): the private PostgreSQL in " << demo_dir << " is stopped\n";
                return 128 + int(early_signal);
            }
            std::cerr << "error: " << cluster.error() << "\n";
            return 1;
        }
        cfg->database_url = cluster->database_url;
        cfg->schema_file = data_dir + "/examples/blog/schema.graphql";
        std::cout << "FraiseQL demo: the blog example on a private PostgreSQL in " << demo_dir << "\n"
                  << "  GraphiQL:  http://" << cfg->host << ":" << cfg->port << "/graphql\n"
                  << "  try:       curl -s http://" << cfg->host << ":" << cfg->port
                  << "/graphql -H 'Content-Type: application/json' -d "
                     "'{\"query\":\"{ users(limit: 3) { id email firstName posts { title } } }\"}'\n"
                  << "  stop with Ctrl-C" << std::endl;
        int rc = serve(std::move(*cfg));
        demo::stop_cluster(demo_dir, data_dir);
        return rc;
    }
    if (check_cmd->parsed()) {
        auto cfg = load(check_flags, check_config);
        if (!cfg) {
            std::cerr << "error: " << cfg.error() << "\n";
            return 2;
        }
        if (cfg->schema_file.empty() || cfg->database_url.empty()) {
            std::cerr << "error: check needs --schema and --database-url\n";
            return 2;
        }
        auto schema = graphql::load_schema_file(cfg->schema_file);
        if (!schema) {
            for (const auto& m : schema.error()) std::cout << "error: " << m << "\n";
            return 1;
        }
        asio::io_context io;
        auto kind = pg::parse_backend_kind(cfg->backend);
        auto connector = pg::make_connector(kind ? *kind : pg::backend_kind::native, io.get_executor(),
                                            cfg->database_url, connector_options_of(*cfg));
        if (!connector) {
            std::cerr << "error: database_url: " << connector.error().message << "\n";
            return 2;
        }
        auto conn = run_sync(io, (*connector)->connect(pg::clock::now() + std::chrono::seconds(10)));
        if (!conn) {
            std::cerr << "error: cannot connect: " << conn.error().message << "\n";
            return 1;
        }
        auto problems = run_sync(io, exec::check_schema(**conn, **schema));
        int errors = 0;
        for (const auto& p : problems) {
            bool e = p.severity == exec::check_problem::level::error;
            errors += e;
            std::cout << (e ? "error: " : "warning: ") << p.message << "\n";
        }
        if (errors) {
            std::cout << errors << " problem(s) found\n";
            return 1;
        }
        std::cout << "ok: " << cfg->schema_file << " matches the database\n";
        return 0;
    }
    if (explain_cmd->parsed()) {
        auto cfg = load(explain_flags, explain_config);
        if (!cfg) {
            std::cerr << "error: " << cfg.error() << "\n";
            return 2;
        }
        if (cfg->schema_file.empty()) {
            std::cerr << "error: explain needs --schema\n";
            return 2;
        }
        auto schema = graphql::load_schema_file(cfg->schema_file);
        if (!schema) {
            for (const auto& m : schema.error()) std::cerr << m << "\n";
            return 1;
        }
        boost::json::value vars;
        if (!explain_vars.empty()) {
            boost::system::error_code ec;
            vars = boost::json::parse(explain_vars, ec);
            if (ec || !vars.is_object()) {
                std::cerr << "error: --variables must be a JSON object\n";
                return 2;
            }
        }
        exec::engine engine(*schema, nullptr, *cfg);
        auto text = engine.explain(explain_query, vars, explain_opname);
        std::cout << text;
        return text.find("{\"errors\":") == std::string::npos ? 0 : 1;
    }
    return 0;
}
