#pragma once
// Shared by the PostgreSQL, transaction, lifecycle and soak chaos tests
// (tests/chaos/postgres_*, transaction_*, lifecycle_*, soak_*; docs/reliability.md §4.2–§5):
// the chaos schema (fixtures/pgchaos.{sql,graphql}) served by the real fraiseql binary,
// a GraphQL client that classifies answers, SQL checks against what clients were told,
// a raw HTTP reader for streamed responses, a session that holds locks, and pg_ctl helpers
// for the private outage cluster.

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "fraiseql/pg/connection.hpp"
#include "support/cluster.hpp"
#include "support/run.hpp"
#include "support/server_process.hpp"
#include "support/sql.hpp"

namespace fraiseql::test::chaos {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

inline std::string read_text(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

inline std::string fixture_path(const std::string& name) {
    return std::string(FRAISEQL_SOURCE_DIR) + "/tests/chaos/fixtures/" + name;
}

/// The blog database of the cluster the test runs against (shared or private), as postgres.
inline std::string e2e_url(const std::string& query = {}) {
    return "postgres://postgres@127.0.0.1:" + cluster_env("FRAISEQL_TEST_PORT") + "/fraiseql_e2e" +
           query;
}

/// Creates the chaos tables, views, functions and roles when absent; "" or the error.
inline std::string load_fixture() {
    return exec_script(e2e_url(), read_text(fixture_path("pgchaos.sql")));
}

/// An application_name private to this process and backend: the tests that terminate
/// backends pick only their own server's sessions (native and libpq runs are concurrent).
inline std::string app_name(pg::backend_kind k) {
    return "chaos_" + std::to_string(::getpid()) + "_" + std::string(pg::to_string(k));
}

/// A key no other write of any test run uses.
inline std::string unique_key(const std::string& prefix) {
    static std::atomic<int> counter{0};
    return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
           std::to_string(steady::now().time_since_epoch().count());
}

/// First column of the first row of `sql` on fraiseql_e2e ("ERROR: …" on failure).
inline std::string sql1(const std::string& sql) {
    auto v = query_column(e2e_url(), sql);
    return v.empty() ? std::string() : v.front();
}

inline std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += '\'';
        out += c;
    }
    return out + "'";
}

/// Committed rows with this key (a write is committed at most once: the primary key).
inline int rows_with_key(const std::string& key) {
    return std::atoi(sql1("SELECT count(*) FROM chaos_write WHERE key = " + quote(key)).c_str());
}
inline int rows_in_group(const std::string& grp) {
    return std::atoi(sql1("SELECT count(*) FROM chaos_write WHERE grp = " + quote(grp)).c_str());
}

/// pg_terminate_backend of the sessions of `app` matching `where` (SQL on
/// pg_stat_activity); the number terminated.
inline int terminate(const std::string& app, const std::string& where = "true") {
    return std::atoi(sql1("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                          "application_name = " +
                          quote(app) + " AND (" + where + ")")
                         .c_str());
}
inline int sessions_of(const std::string& app, const std::string& where = "true") {
    return std::atoi(sql1("SELECT count(*) FROM pg_stat_activity WHERE application_name = " +
                          quote(app) + " AND (" + where + ")")
                         .c_str());
}

/// Polls `pred` every 20 ms until it holds or `within` passes.
inline bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds within) {
    const auto until = steady::now() + within;
    while (steady::now() < until) {
        if (pred())
            return true;
        std::this_thread::sleep_for(20ms);
    }
    return pred();
}

inline double ms_since(steady::time_point t0) {
    return std::chrono::duration<double, std::milli>(steady::now() - t0).count();
}

/// One GraphQL answer, classified.
struct answer {
    int status = 0;        ///< HTTP status; 0 when the transport failed
    std::string transport; ///< transport error
    std::string body;
    boost::json::value json; ///< null when the body is not JSON
    double ms = 0;           ///< round-trip time

    bool has_errors() const { return json.is_object() && json.as_object().contains("errors"); }
    /// HTTP 200, no errors.
    bool ok() const { return status == 200 && json.is_object() && !has_errors(); }
    /// extensions.code of the first error ("" when none).
    std::string code() const {
        if (!has_errors())
            return {};
        const auto& errs = json.at("errors").as_array();
        if (errs.empty() || !errs[0].is_object())
            return {};
        const auto* ext = errs[0].as_object().if_contains("extensions");
        if (!ext || !ext->is_object())
            return {};
        const auto* c = ext->as_object().if_contains("code");
        return c && c->is_string() ? std::string(c->as_string()) : std::string();
    }
    std::string message() const {
        if (!has_errors())
            return {};
        const auto& errs = json.at("errors").as_array();
        if (errs.empty() || !errs[0].is_object())
            return {};
        const auto* m = errs[0].as_object().if_contains("message");
        return m && m->is_string() ? std::string(m->as_string()) : std::string();
    }
    /// A clear GraphQL error: HTTP 200, JSON, an error with a code and a message.
    bool clear_error() const {
        return status == 200 && has_errors() && !code().empty() && !message().empty();
    }
    /// data.<field> (null when absent).
    const boost::json::value& data(const std::string& field) const {
        static const boost::json::value null;
        if (!json.is_object())
            return null;
        const auto* d = json.as_object().if_contains("data");
        if (!d || !d->is_object())
            return null;
        const auto* f = d->as_object().if_contains(field);
        return f ? *f : null;
    }
    std::string describe() const {
        return "HTTP " + std::to_string(status) + " " + transport + " " + body.substr(0, 400);
    }
};

inline answer graphql(unsigned short port, const std::string& query,
                      const boost::json::object& variables = {}) {
    boost::json::object req;
    req["query"] = query;
    if (!variables.empty())
        req["variables"] = variables;
    const auto t0 = steady::now();
    auto r = post_graphql(port, boost::json::serialize(req));
    answer a;
    a.ms = ms_since(t0);
    a.status = r.status;
    a.transport = r.error;
    a.body = std::move(r.body);
    boost::system::error_code ec;
    auto v = boost::json::parse(a.body, ec);
    if (!ec)
        a.json = std::move(v);
    return a;
}

/// The chaosInsert mutation with `input` (key, and any of grp, sleep, raise, lockKey, …).
inline answer insert(unsigned short port, boost::json::object input) {
    boost::json::object vars;
    vars["i"] = std::move(input);
    return graphql(port, "mutation($i: ChaosInput!) { chaosInsert(input: $i) { key grp val } }",
                   vars);
}
inline boost::json::object with_key(const std::string& key) {
    boost::json::object o;
    o["key"] = key;
    return o;
}

/// GET /ready: the HTTP status (0 when the server did not answer).
inline int ready_status(unsigned short port) {
    return http_request(port, "GET", "/ready").status;
}

/// `fraiseql serve` over the chaos schema; `settings` are FRAISEQL_* environment entries
/// (KEY=VALUE) on top of the defaults here.
inline std::unique_ptr<server_process> start_server(pg::backend_kind k, const std::string& url,
                                                    std::vector<std::string> settings = {},
                                                    int startup_seconds = 20) {
    std::vector<std::string> env = {"FRAISEQL_MAX_PAGE_SIZE=1000000"};
    for (auto& s : settings)
        env.push_back(std::move(s));
    process_options o;
    o.startup_seconds = startup_seconds;
    return std::make_unique<server_process>(
        std::vector<std::string>{"--schema", fixture_path("pgchaos.graphql"), "--database-url", url,
                                 "--backend", std::string(pg::to_string(k))},
        std::move(env), o);
}

/// Reads the server's output on a thread while it lives: server_process only reads the
/// pipe when asked, and a server logging one warning per failed request (an outage under
/// load) would otherwise block on a full pipe. Destroy it (or call stop()) before calling
/// the server's log() or stop() from the test thread.
class log_drainer {
public:
    explicit log_drainer(server_process& s)
        : t_([this, &s] {
              while (!stop_) {
                  (void)s.log();
                  std::this_thread::sleep_for(20ms);
              }
          }) {}
    ~log_drainer() { stop(); }
    void stop() {
        stop_ = true;
        if (t_.joinable())
            t_.join();
    }

private:
    std::atomic<bool> stop_{false};
    std::thread t_;
};

/// What a raw reader saw of a (possibly streamed) HTTP response.
struct raw_response {
    std::string head;    ///< status line and headers
    std::string body;    ///< raw body bytes (chunk framing included)
    bool closed = false; ///< the server closed the connection
    bool chunked = false;
    bool last_chunk = false; ///< the terminating "0\r\n\r\n" arrived
    int status = 0;
};

/// POSTs `json_body` to /graphql on a plain socket and reads until the server closes the
/// connection, the response is complete, or `within` passes. `on_body` runs once, when the
/// first `trigger_bytes` of the body have arrived (the test injects its fault there).
inline raw_response raw_post(unsigned short port, const std::string& json_body,
                             std::size_t trigger_bytes, const std::function<void()>& on_body,
                             std::chrono::milliseconds within) {
    raw_response out;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return out;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return out;
    }
    const std::string req = "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                            "application/json\r\nConnection: close\r\nContent-Length: " +
                            std::to_string(json_body.size()) + "\r\n\r\n" + json_body;
    (void)::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
    std::string data;
    bool fired = false;
    const auto until = steady::now() + within;
    char buf[65536];
    while (steady::now() < until) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0)
            continue;
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            out.closed = true;
            break;
        }
        data.append(buf, static_cast<std::size_t>(n));
        const auto h = data.find("\r\n\r\n");
        if (h == std::string::npos)
            continue;
        if (!fired && data.size() - (h + 4) >= trigger_bytes) {
            fired = true;
            if (on_body)
                on_body();
        }
        if (data.size() >= 5 && data.compare(data.size() - 5, 5, "0\r\n\r\n") == 0)
            break;
    }
    ::close(fd);
    const auto h = data.find("\r\n\r\n");
    out.head = data.substr(0, h == std::string::npos ? data.size() : h);
    if (h != std::string::npos)
        out.body = data.substr(h + 4);
    if (out.head.size() > 12)
        out.status = std::atoi(out.head.c_str() + 9);
    std::string lower = out.head;
    for (auto& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.chunked = lower.find("transfer-encoding: chunked") != std::string::npos;
    out.last_chunk =
        out.body.size() >= 5 && out.body.compare(out.body.size() - 5, 5, "0\r\n\r\n") == 0;
    return out;
}

/// A session of the test's own (libpq backend) that keeps state across statements:
/// an open transaction holding row locks, say.
class session {
public:
    explicit session(const std::string& url = e2e_url()) {
        auto c = pg::make_connector(pg::backend_kind::libpq, io_.get_executor(), url);
        if (!c)
            return;
        connector_ = std::move(*c);
        auto conn = run(io_, connector_->connect(pg::clock::now() + 10s));
        if (conn)
            conn_ = std::move(*conn);
        else
            error_ = conn.error().message + " " + conn.error().server().message;
    }
    bool ok() const { return conn_ != nullptr; }
    const std::string& error() const { return error_; }
    /// Runs a script (simple protocol); "" or the error message.
    std::string exec(const std::string& sql, std::chrono::milliseconds within = 30s) {
        if (!conn_)
            return "not connected: " + error_;
        auto r = run(io_, conn_->simple_query(sql, pg::clock::now() + within));
        if (r)
            return {};
        return r.error().code == pg::errc::server_error ? r.error().server().message
                                                        : r.error().message;
    }

private:
    boost::asio::io_context io_;
    std::unique_ptr<pg::connector> connector_;
    std::unique_ptr<pg::connection> conn_;
    std::string error_;
};

/// What one client request of a load run was told.
struct outcome {
    steady::time_point start, end;
    bool write = false;
    std::string key; ///< the write's key
    bool ok = false;
    bool clear = false; ///< a clear GraphQL error (HTTP 200, code, message)
    int status = 0;
    std::string code; ///< extensions.code, or "transport" when no HTTP answer came
    std::string detail;
};

/// Client threads sending reads ({ chaosSession { pid } }) and writes (`mutation` with a
/// unique key in group `grp`), alternately, until stopped.
class load {
public:
    load(unsigned short port, int threads, std::string grp, std::string mutation = "chaosInsert",
         double write_sleep = 0)
        : port_(port), grp_(std::move(grp)), mutation_(std::move(mutation)), sleep_(write_sleep) {
        for (int i = 0; i < threads; ++i)
            threads_.emplace_back([this, i] { loop(i); });
    }
    ~load() { stop(); }
    void stop() {
        stop_ = true;
        for (auto& t : threads_)
            if (t.joinable())
                t.join();
    }
    /// The outcomes so far (call after stop() for all of them).
    std::vector<outcome> outcomes() {
        std::lock_guard lk(m_);
        return all_;
    }
    std::size_t count() {
        std::lock_guard lk(m_);
        return all_.size();
    }
    const std::string& group() const { return grp_; }

private:
    void loop(int id) {
        for (int n = 0; !stop_; ++n) {
            outcome o;
            o.write = (n + id) % 2 == 0;
            o.start = steady::now();
            answer a;
            if (o.write) {
                o.key = grp_ + "-" + std::to_string(id) + "-" + std::to_string(n);
                boost::json::object in;
                in["key"] = o.key;
                in["grp"] = grp_;
                if (sleep_ > 0)
                    in["sleep"] = sleep_;
                boost::json::object vars;
                vars["i"] = std::move(in);
                a = graphql(port_,
                            "mutation($i: ChaosInput!) { " + mutation_ + "(input: $i) { key } }",
                            vars);
            } else {
                a = graphql(port_, "{ chaosSession { pid } }");
            }
            o.end = steady::now();
            o.ok = a.ok();
            o.clear = a.clear_error();
            o.status = a.status;
            o.code = a.status == 0 ? "transport" : (a.ok() ? "ok" : a.code());
            if (!o.ok)
                o.detail = a.describe();
            {
                std::lock_guard lk(m_);
                all_.push_back(std::move(o));
            }
            // A refused connection fails at once: do not spin.
            if (a.status == 0)
                std::this_thread::sleep_for(20ms);
        }
    }
    unsigned short port_;
    std::string grp_, mutation_;
    double sleep_;
    std::atomic<bool> stop_{false};
    std::mutex m_;
    std::vector<outcome> all_;
    std::vector<std::thread> threads_;
};

/// Committed rows per key of group `grp` in `table` (chaos_write or chaos_log).
inline std::map<std::string, int> committed(const std::string& table, const std::string& grp) {
    std::map<std::string, int> out;
    for (const auto& line :
         query_column(e2e_url(), "SELECT key || ' ' || count(*) FROM " + table +
                                     " WHERE grp = " + quote(grp) + " GROUP BY key")) {
        const auto sp = line.rfind(' ');
        if (sp == std::string::npos)
            continue;
        out[line.substr(0, sp)] = std::atoi(line.c_str() + sp + 1);
    }
    return out;
}

/// The write ledger: what clients were told against what is committed.
struct ledger {
    int told_ok = 0, told_error = 0;
    int lost = 0;                  ///< told "success", not committed
    int duplicated = 0;            ///< committed more than once
    int committed_after_error = 0; ///< told an error, committed once (allowed: ambiguous)
    int phantom = 0;               ///< committed rows no client asked for
    std::string first_problem;
};
inline ledger check_writes(const std::vector<outcome>& outcomes, const std::string& table,
                           const std::string& grp) {
    ledger l;
    auto rows = committed(table, grp);
    std::map<std::string, bool> asked;
    for (const auto& o : outcomes) {
        if (!o.write)
            continue;
        asked[o.key] = true;
        const int n = rows.count(o.key) ? rows[o.key] : 0;
        if (n > 1) {
            ++l.duplicated;
            if (l.first_problem.empty())
                l.first_problem = o.key + " committed " + std::to_string(n) + "x";
        }
        if (o.ok) {
            ++l.told_ok;
            if (n == 0) {
                ++l.lost;
                if (l.first_problem.empty())
                    l.first_problem = o.key + " told ok, not committed";
            }
        } else {
            ++l.told_error;
            if (n == 1)
                ++l.committed_after_error;
        }
    }
    for (const auto& [k, n] : rows)
        if (!asked.count(k))
            ++l.phantom;
    return l;
}

/// "code=count" pairs of the outcomes.
inline std::string by_code(const std::vector<outcome>& outcomes) {
    std::map<std::string, int> m;
    for (const auto& o : outcomes)
        ++m[(o.write ? "write:" : "read:") + o.code];
    std::string out;
    for (const auto& [k, n] : m)
        out += (out.empty() ? "" : " ") + k + "=" + std::to_string(n);
    return out;
}

// ---- the private cluster (outage tests only: FRAISEQL_TEST_CLUSTER_DIR is build/…/pgchaos)

inline std::string as_postgres(const std::string& cmd) {
    return (::geteuid() == 0 ? "runuser -u postgres -- " : "") + cmd;
}
inline std::string cluster_dir() {
    const char* d = std::getenv("FRAISEQL_TEST_CLUSTER_DIR");
    return d ? d : "";
}
inline std::string pgdata() {
    return cluster_env("FRAISEQL_TEST_PGDATA");
}

/// pg_ctl ACTION with extra arguments, as the cluster's owner; the exit status.
inline int pg_ctl(const std::string& action, const std::string& extra = "-w -t 60 -m fast") {
    return std::system(as_postgres(cluster_env("FRAISEQL_TEST_PG_BIN") + "/pg_ctl -D " + pgdata() +
                                   " -l " + cluster_dir() + "/log/postgres.log " + extra + " " +
                                   action + " >/dev/null 2>&1")
                           .c_str());
}
inline bool pg_running() {
    return std::system(as_postgres(cluster_env("FRAISEQL_TEST_PG_BIN") + "/pg_ctl -D " + pgdata() +
                                   " status >/dev/null 2>&1")
                           .c_str()) == 0;
}
/// The postmaster's pid (first line of postmaster.pid), 0 when not running.
inline pid_t postmaster_pid() {
    std::ifstream f(pgdata() + "/postmaster.pid");
    long pid = 0;
    f >> pid;
    return static_cast<pid_t>(pid);
}
/// Accepting connections (pg_isready semantics: a session and SELECT 1 work).
inline bool pg_accepting() {
    return sql1("SELECT 1") == "1";
}

/// Whatever a test did to the private cluster, it is running, primary and accepting
/// connections afterwards, with the settings it had (ALTER SYSTEM reset).
struct cluster_restorer {
    ~cluster_restorer() {
        (void)std::remove((pgdata() + "/standby.signal").c_str());
        if (!pg_running())
            (void)pg_ctl("start");
        if (sql1("SELECT pg_is_in_recovery()") == "t")
            (void)pg_ctl("promote");
        (void)wait_until([] { return sql1("SELECT pg_is_in_recovery()") == "f"; }, 30s);
        // ALTER SYSTEM cannot share a (multi-statement, implicit) transaction.
        (void)exec_script(e2e_url(), "ALTER SYSTEM RESET ALL");
        (void)exec_script(e2e_url(), "SELECT pg_reload_conf()");
    }
};

/// Runs ALTER SYSTEM `setting` and reloads the configuration; "" or the error.
inline std::string alter_system(const std::string& setting) {
    auto e = exec_script(e2e_url(), "ALTER SYSTEM " + setting);
    return e.empty() ? exec_script(e2e_url(), "SELECT pg_reload_conf()") : e;
}

/// The processes for which `match(pid_directory)` is true (pid_directory: "/proc/<pid>/").
template <class Match> std::vector<pid_t> processes_where(Match&& match) {
    std::vector<pid_t> out;
    DIR* d = ::opendir("/proc");
    if (!d)
        return out;
    while (const dirent* e = ::readdir(d)) {
        const long pid = std::atol(e->d_name);
        if (pid > 0 && match(std::string("/proc/") + e->d_name + "/"))
            out.push_back(static_cast<pid_t>(pid));
    }
    ::closedir(d);
    return out;
}

/// The processes whose parent is `parent` (from /proc).
inline std::vector<pid_t> children_of(pid_t parent) {
    return processes_where([parent](const std::string& dir) {
        std::ifstream f(dir + "stat");
        std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        const auto close = stat.rfind(')');
        if (close == std::string::npos || close + 2 >= stat.size())
            return false;
        std::istringstream rest(stat.substr(close + 2));
        char state = 0;
        long ppid = 0;
        rest >> state >> ppid;
        return ppid == parent;
    });
}

/// The last `lines` lines of the private cluster's server log (for failure messages).
inline std::string postgres_log_tail(std::size_t lines = 15) {
    std::ifstream f(cluster_dir() + "/log/postgres.log");
    std::vector<std::string> all;
    for (std::string l; std::getline(f, l);)
        all.push_back(std::move(l));
    std::string out;
    for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i)
        out += all[i] + "\n";
    return out;
}

/// A crash of the whole cluster: SIGKILL to the postmaster and to every process still
/// attached to its System V shared memory segment (its children, and any backend forked
/// between a listing and the kill), then waits until the segment has no attachment —
/// otherwise the next start refuses with "pre-existing shared memory block is still in
/// use" — and until nothing listens on its port. True when the cluster is down, its memory
/// and its port free within `within`.
///
/// The test cluster runs with synchronous_commit = off, so a crash loses the last
/// commits still in the WAL buffers (the fixture a test just loaded); a CHECKPOINT first
/// writes them out — what is under test is the server's recovery, not PostgreSQL's.
inline bool crash_cluster(std::chrono::milliseconds within = std::chrono::seconds(15)) {
    (void)sql1("CHECKPOINT");
    std::ifstream f(pgdata() + "/postmaster.pid");
    std::vector<std::string> lines;
    for (std::string l; std::getline(f, l);)
        lines.push_back(l);
    if (lines.size() < 7)
        return false;
    const pid_t pm = static_cast<pid_t>(std::atol(lines[0].c_str()));
    long key = 0, shmid = -1;
    std::istringstream(lines[6]) >> key >> shmid;
    if (pm <= 0 || shmid < 0)
        return false;
    char name[32];
    std::snprintf(name, sizeof name, "SYSV%08lx", static_cast<unsigned long>(key));
    auto attached = [&] {
        return processes_where([&](const std::string& dir) {
            std::ifstream maps(dir + "maps");
            for (std::string l; std::getline(maps, l);)
                if (l.find(name) != std::string::npos)
                    return true;
            return false;
        });
    };
    const int port = lines.size() > 3 ? std::atoi(lines[3].c_str()) : 0;
    // Nothing listens on the cluster's port any more: a bind with SO_REUSEADDR (as the
    // postmaster binds) succeeds. A start right after the crash otherwise can meet "could not
    // bind ... Address already in use" (seen once in CI: the next pg_ctl start failed while
    // the killed cluster's last process was still going away).
    auto port_free = [port] {
        if (port <= 0) return true;
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) return false;
        int one = 1;
        (void)::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const bool ok = ::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
        ::close(fd);
        return ok;
    };
    (void)::kill(pm, SIGKILL);
    for (pid_t c : children_of(pm))
        (void)::kill(c, SIGKILL);
    const auto until = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < until) {
        shmid_ds ds{};
        const bool free = ::shmctl(static_cast<int>(shmid), IPC_STAT, &ds) != 0 || ds.shm_nattch == 0;
        if (free && ::kill(pm, 0) != 0 && port_free())
            return true;
        for (pid_t p : attached())
            (void)::kill(p, SIGKILL);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

} // namespace fraiseql::test::chaos
