// Lifecycle and TLS (docs/reliability.md §4.6): SIGTERM under load with threads = 2 (in-flight
// requests finish, new ones are refused, exit 0 within shutdown_timeout, every write a client
// was told succeeded is committed), SIGTERM while the database is unreachable, and server
// certificate rotation on the PostgreSQL side (a new certificate from the same CA is picked
// up by new connections with sslmode=verify-full without restarting FraiseQL; an untrusted
// one is refused with a clear error, never downgraded).
//
// Private cluster (one test at a time; left running with its own certificate).

#include <cstdio>

#include "pgchaos_support.hpp"

namespace fraiseql::test::chaos {
namespace {

/// Runs a shell command; its standard output.
std::string shell(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    ::pclose(p);
    return out;
}

/// SHA-256 fingerprint of the certificate PostgreSQL presents now.
std::string served_fingerprint() {
    return shell("openssl s_client -starttls postgres -connect 127.0.0.1:" +
                 cluster_env("FRAISEQL_TEST_PORT") +
                 " </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 2>/dev/null");
}

/// Installs `crt`/`key` as the cluster's server certificate (the files ssl_cert_file and
/// ssl_key_file name) and reloads PostgreSQL's configuration, which reloads its TLS context.
bool install_certificate(const std::string& crt, const std::string& key) {
    const std::string dir = cluster_dir();
    const std::string own = ::geteuid() == 0 ? "chown postgres:postgres " + dir + "/server.crt " +
                                                   dir + "/server.key && "
                                             : std::string();
    return std::system(("cp -f " + crt + " " + dir + "/server.crt && cp -f " + key + " " + dir +
                        "/server.key && " + own + "chmod 0600 " + dir + "/server.key")
                           .c_str()) == 0 &&
           exec_script(e2e_url(), "SELECT pg_reload_conf()").empty();
}

/// Saves the cluster's certificate and puts it back (and reloads) at the end of the test.
struct certificate_restorer {
    std::string dir = cluster_dir();
    std::string tmp;
    certificate_restorer() {
        char pattern[] = "/tmp/fraiseql-rotate-XXXXXX";
        tmp = ::mkdtemp(pattern) ? pattern : "/tmp";
        (void)std::system(("cp -p " + dir + "/server.crt " + dir + "/server.key " + tmp + "/").c_str());
    }
    ~certificate_restorer() {
        (void)install_certificate(tmp + "/server.crt", tmp + "/server.key");
        (void)std::system(("rm -rf " + tmp).c_str());
    }
    /// A new key and certificate for CN=localhost (SAN IP:127.0.0.1, DNS:localhost), signed by
    /// the cluster's CA (root.key, kept beside root.crt by tools/pg-test-cluster.sh) or, when
    /// `self_signed`, by nobody the client trusts. The paths of the .crt and .key.
    std::pair<std::string, std::string> make(const std::string& name, bool self_signed) {
        const std::string crt = tmp + "/" + name + ".crt";
        const std::string key = tmp + "/" + name + ".key";
        const std::string san = "subjectAltName=IP:127.0.0.1,DNS:localhost";
        std::string cmd;
        if (self_signed) {
            cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 30 -sha256 -subj /CN=localhost "
                  "-addext " + san + " -keyout " + key + " -out " + crt;
        } else {
            cmd = "printf '%s\\n' basicConstraints=critical,CA:FALSE "
                  "keyUsage=critical,digitalSignature,keyEncipherment extendedKeyUsage=serverAuth " +
                  san + " > " + tmp + "/ext && openssl req -new -newkey rsa:2048 -nodes -sha256 "
                  "-subj /CN=localhost -keyout " + key + " -out " + tmp + "/csr && openssl x509 "
                  "-req -in " + tmp + "/csr -CA " + dir + "/root.crt -CAkey " + dir + "/root.key "
                  "-CAserial " + tmp + "/srl -CAcreateserial -days 30 -sha256 -extfile " + tmp +
                  "/ext -out " + crt;
        }
        EXPECT_EQ(std::system((cmd + " >/dev/null 2>&1").c_str()), 0) << cmd;
        return {crt, key};
    }
};

class lifecycle : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        ASSERT_TRUE(wait_until(pg_accepting, 30s)) << "the private cluster is not up";
        ASSERT_EQ(load_fixture(), "");
        app_ = app_name(GetParam());
    }
    void start(std::vector<std::string> settings = {}, const std::string& extra_query = {}) {
        server_ = start_server(GetParam(), e2e_url("?application_name=" + app_ + extra_query),
                               std::move(settings));
        ASSERT_TRUE(server_->ok()) << server_->log();
    }
    unsigned short port() const { return server_->port(); }
    answer read() { return graphql(port(), "{ chaosSession { pid } }"); }

    cluster_restorer restore_;
    std::string app_;
    std::unique_ptr<server_process> server_;
};

// SIGTERM while 4 writes (2 s each) are running and 3 clients keep reading and writing,
// threads = 2: the server stops accepting at once (a new connection is refused), the
// running writes finish and are committed, the process exits with status 0 well within
// shutdown_timeout, and no client was told of a write that is not committed.
TEST_P(lifecycle, sigterm_under_load_threads_2) {
    start({"FRAISEQL_THREADS=2", "FRAISEQL_POOL_SIZE=8", "FRAISEQL_SHUTDOWN_TIMEOUT=10s"});
    log_drainer drain(*server_);
    const std::string grp = unique_key("sigterm");
    load background(port(), 3, grp + "-bg", "chaosLog"); // writes to chaos_log
    std::vector<std::string> keys;
    std::vector<answer> long_writes(4);
    std::vector<std::thread> writers;
    for (int i = 0; i < 4; ++i) {
        keys.push_back(grp + "-long-" + std::to_string(i));
        writers.emplace_back([&, i] {
            auto in = with_key(keys[i]);
            in["grp"] = grp;
            in["sleep"] = 2.0;
            long_writes[i] = insert(port(), in);
        });
    }
    const bool in_flight = wait_until(
        [&] {
            return sessions_of(app_, "state = 'active' AND query LIKE '%fn_chaos_insert%'") >= 4;
        },
        10s);
    if (!in_flight) {
        for (auto& t : writers) t.join();
        FAIL() << "the 4 long writes were not running together";
    }
    const auto t_sig = steady::now();
    ASSERT_EQ(::kill(server_->pid(), SIGTERM), 0);
    std::this_thread::sleep_for(150ms);
    // New connections are refused while the in-flight requests finish.
    auto refused = read();
    EXPECT_EQ(refused.status, 0) << "a request after SIGTERM was served: " << refused.describe();
    EXPECT_LT(refused.ms, 2000.0);
    drain.stop();
    const int status = server_->stop(20000, 0); // signal 0: only wait for the exit
    const double exit_ms = ms_since(t_sig);
    for (auto& t : writers) t.join();
    background.stop();
    EXPECT_EQ(status, 0) << server_->log();
    EXPECT_LT(exit_ms, 10000.0) << "not within shutdown_timeout";
    for (int i = 0; i < 4; ++i) {
        EXPECT_TRUE(long_writes[i].ok()) << "in-flight write " << i << ": "
                                         << long_writes[i].describe();
        EXPECT_EQ(rows_with_key(keys[i]), 1);
    }
    const auto os = background.outcomes();
    for (const auto& o : os) {
        if (o.ok) continue;
        if (o.start < t_sig) {
            EXPECT_TRUE(o.clear || o.code == "transport") << o.detail;
        } else {
            EXPECT_EQ(o.code, "transport") << "after SIGTERM: " << o.detail;
        }
    }
    const auto l = check_writes(os, "chaos_log", grp + "-bg");
    EXPECT_EQ(l.lost, 0) << l.first_problem;
    EXPECT_EQ(l.duplicated, 0) << l.first_problem;
    std::printf("[ measured ] SIGTERM under load: exit 0 after %.0f ms; background %zu requests "
                "(%s), %d writes told ok, all committed\n",
                exit_ms, os.size(), by_code(os).c_str(), l.told_ok);
}

// SIGTERM while PostgreSQL is down and clients keep sending requests: the server still
// exits with status 0 within shutdown_timeout (3 s here).
TEST_P(lifecycle, sigterm_while_the_database_is_unreachable) {
    start({"FRAISEQL_THREADS=2", "FRAISEQL_SHUTDOWN_TIMEOUT=3s"});
    ASSERT_TRUE(read().ok());
    ASSERT_EQ(pg_ctl("stop"), 0);
    log_drainer drain(*server_);
    load l(port(), 3, unique_key("sigterm-down"));
    std::this_thread::sleep_for(300ms);
    drain.stop();
    const auto t0 = steady::now();
    const int status = server_->stop(15000);
    const double ms = ms_since(t0);
    l.stop();
    EXPECT_EQ(status, 0) << server_->log();
    EXPECT_LT(ms, 3000.0 + 2000.0);
    for (const auto& o : l.outcomes()) {
        if (!o.ok && o.code != "transport") {
            EXPECT_TRUE(o.clear) << o.detail;
        }
    }
    std::printf("[ measured ] SIGTERM with the database down: exit 0 after %.0f ms\n", ms);
}

// The cluster's server certificate is replaced by a new one from the same CA and
// pg_reload_conf() runs: existing sessions continue, new sessions (forced here by
// terminating the server's connections) verify the new certificate with
// sslmode=verify-full, and no request fails — FraiseQL is not restarted.
TEST_P(lifecycle, tls_certificate_rotation_same_ca) {
    certificate_restorer certs;
    const std::string before = served_fingerprint();
    ASSERT_NE(before.find("Fingerprint"), std::string::npos) << "openssl s_client failed";
    start({"FRAISEQL_POOL_SIZE=2"},
          "&sslmode=verify-full&sslrootcert=" + cluster_dir() + "/root.crt");
    ASSERT_TRUE(read().ok());
    EXPECT_EQ(sql1("SELECT bool_and(s.ssl) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) "
                   "WHERE a.application_name = " + quote(app_)),
              "t");
    auto [crt, key] = certs.make("rotated", false);
    ASSERT_TRUE(install_certificate(crt, key));
    const std::string after = served_fingerprint();
    ASSERT_NE(after.find("Fingerprint"), std::string::npos);
    EXPECT_NE(after, before) << "PostgreSQL still presents the old certificate";
    auto on_old = read();
    EXPECT_TRUE(on_old.ok()) << on_old.describe();
    ASSERT_GE(terminate(app_), 1);
    ASSERT_TRUE(wait_until([&] { return sessions_of(app_) == 0; }, 5s));
    int failures = 0;
    std::string why;
    for (int i = 0; i < 10; ++i) {
        auto a = read();
        if (!a.ok()) ++failures, why = a.describe();
    }
    EXPECT_EQ(failures, 0) << why;
    EXPECT_EQ(sql1("SELECT bool_and(s.ssl) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) "
                   "WHERE a.application_name = " + quote(app_)),
              "t");
}

// Rotation to a certificate the client does not trust (self-signed): new connections are
// refused with a clear TLS error — no fallback to plaintext, /ready is 503 — and once the
// proper certificate is back (reload only) the same server serves again.
TEST_P(lifecycle, tls_rotation_to_an_untrusted_certificate_fails_closed) {
    certificate_restorer certs;
    start({"FRAISEQL_POOL_SIZE=2"},
          "&sslmode=verify-full&sslrootcert=" + cluster_dir() + "/root.crt");
    ASSERT_TRUE(read().ok());
    auto [crt, key] = certs.make("untrusted", true);
    ASSERT_TRUE(install_certificate(crt, key));
    ASSERT_GE(terminate(app_), 1);
    ASSERT_TRUE(wait_until([&] { return sessions_of(app_) == 0; }, 5s));
    auto a = read();
    EXPECT_TRUE(a.clear_error()) << a.describe();
    EXPECT_EQ(a.code(), "DATABASE_ERROR");
    EXPECT_NE(a.message().find("tls"), std::string::npos) << a.describe();
    EXPECT_EQ(ready_status(port()), 503);
    EXPECT_EQ(sessions_of(app_), 0) << "a session was opened despite the failed verification";
    ASSERT_TRUE(install_certificate(certs.tmp + "/server.crt", certs.tmp + "/server.key"));
    const auto t0 = steady::now();
    EXPECT_TRUE(wait_until([&] { return read().ok(); }, 10s));
    std::printf("[ measured ] TLS certificate fixed: served %.0f ms after the reload\n",
                ms_since(t0));
}

INSTANTIATE_TEST_SUITE_P(backends, lifecycle, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test::chaos
