// Startup, authentication and TLS against the throwaway cluster
// (tools/pg-test-cluster.sh: pg_hba.conf gives each role one method).
#include <boost/asio/ip/tcp.hpp>

#include "connection_fixture.hpp"

namespace fraiseql::conn_test {
namespace {

std::string env_url(const char* key) { return test::cluster_env(key); }

/// Replaces "user:password@" of a cluster URL.
std::string with_password(std::string url, const std::string& pw) {
    auto scheme = url.find("://") + 3;
    auto colon = url.find(':', scheme);
    auto at = url.find('@', scheme);
    return url.substr(0, colon + 1) + pw + url.substr(at);
}

std::string add_query(const std::string& url, const std::string& q) {
    return url + (url.find('?') == std::string::npos ? "?" : "&") + q;
}

class auth : public connection_test {
protected:
    /// Connects and checks the session user with a query.
    void expect_session_user(const std::string& url, const std::string& user) {
        auto c = connect(url);
        ASSERT_TRUE(c) << c.error().message;
        copy_sink s;
        auto r = run1(**c, "SELECT current_user", &s);
        ASSERT_TRUE(r) << describe(r);
        ASSERT_EQ(s.rows.size(), 1u);
        EXPECT_EQ(s.at(0, 0), user);
        EXPECT_FALSE((*c)->broken());
        EXPECT_GT((*c)->backend_pid(), 0);
        EXPECT_FALSE((*c)->parameter("server_version").empty());
        EXPECT_EQ((*c)->parameter("client_encoding"), "UTF8");
    }
};

TEST_P(auth, trust) {
    FRAISEQL_REQUIRE_CLUSTER();
    expect_session_user(add_query(env_url("FRAISEQL_TEST_URL_TRUST"), "sslmode=disable"),
                        "fraiseql_trust");
}

TEST_P(auth, cleartext_password) {
    FRAISEQL_REQUIRE_CLUSTER();
    expect_session_user(add_query(env_url("FRAISEQL_TEST_URL_CLEARTEXT"), "sslmode=disable"),
                        "fraiseql_clear");
}

TEST_P(auth, md5) {
    FRAISEQL_REQUIRE_CLUSTER();
    expect_session_user(add_query(env_url("FRAISEQL_TEST_URL_MD5"), "sslmode=disable"),
                        "fraiseql_md5");
}

TEST_P(auth, scram_sha_256) {
    FRAISEQL_REQUIRE_CLUSTER();
    expect_session_user(add_query(env_url("FRAISEQL_TEST_URL_SCRAM"), "sslmode=disable"),
                        "fraiseql_scram");
}

TEST_P(auth, scram_with_channel_binding_over_tls) {
    FRAISEQL_REQUIRE_CLUSTER();
    // channel_binding=require only succeeds with SCRAM-SHA-256-PLUS (tls-server-end-point).
    expect_session_user(add_query(env_url("FRAISEQL_TEST_URL_SCRAM"),
                                  "sslmode=require&channel_binding=require"),
                        "fraiseql_scram");
}

TEST_P(auth, channel_binding_required_without_tls_fails) {
    FRAISEQL_REQUIRE_CLUSTER();
    auto c = connect(add_query(env_url("FRAISEQL_TEST_URL_SCRAM"),
                               "sslmode=disable&channel_binding=require"));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, pg::errc::auth_failed) << c.error().message;
}

TEST_P(auth, wrong_password_is_auth_failed_with_server_fields) {
    FRAISEQL_REQUIRE_CLUSTER();
    for (const char* key : {"FRAISEQL_TEST_URL_SCRAM", "FRAISEQL_TEST_URL_MD5",
                            "FRAISEQL_TEST_URL_CLEARTEXT"}) {
        auto c = connect(add_query(with_password(env_url(key), "not-the-password"),
                                   "sslmode=disable"));
        ASSERT_FALSE(c) << key;
        EXPECT_EQ(c.error().code, pg::errc::auth_failed) << key << ": " << c.error().message;
        EXPECT_NE(c.error().message.find("password authentication failed"), std::string::npos)
            << c.error().message;
        EXPECT_EQ(c.error().server().code, pg::sqlstate::invalid_password());
    }
}

TEST_P(auth, unknown_database_is_connection_failed) {
    FRAISEQL_REQUIRE_CLUSTER();
    std::string url = test::database_url();
    url = url.substr(0, url.rfind('/')) + "/no_such_database_xyz";
    auto c = connect(url);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, pg::errc::connection_failed) << c.error().message;
    EXPECT_EQ(c.error().server().code.str(), "3D000");
}

TEST_P(auth, refused_port_is_connection_failed) {
    FRAISEQL_REQUIRE_CLUSTER();
    auto c = connect("postgres://postgres@127.0.0.1:1/x?sslmode=disable");
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, pg::errc::connection_failed) << c.error().message;
}

TEST_P(auth, bad_connection_string) {
    auto c = pg::make_connector(GetParam(), io_.get_executor(), "host=localhost no_such_key=1");
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, pg::errc::bad_connection_string);
    EXPECT_NE(c.error().message.find("no_such_key"), std::string::npos) << c.error().message;
}

TEST_P(auth, both_backends_refuse_the_same_connection_strings) {
    // Strings libpq alone would accept but the native driver refuses: switching backends
    // must never change what starts (issue 4).
    for (const char* bad : {"postgres://u@h1,h2/db", "postgres://u@h/db?target_session_attrs=read-write",
                            "postgres://u@h/db?client_encoding=LATIN1",
                            "postgres://u@h:54x2/db", "host=h port=99999"}) {
        auto c = pg::make_connector(GetParam(), io_.get_executor(), bad);
        ASSERT_FALSE(c) << bad;
        EXPECT_EQ(c.error().code, pg::errc::bad_connection_string) << bad;
    }
}

TEST_P(auth, tls_require_works_and_sslonly_role_refuses_plain) {
    FRAISEQL_REQUIRE_CLUSTER();
    const std::string url = env_url("FRAISEQL_TEST_URL_SSLONLY");
    expect_session_user(add_query(url, "sslmode=require"), "fraiseql_sslonly");
    {
        copy_sink s;
        auto c = connect(add_query(url, "sslmode=require"));
        ASSERT_TRUE(c);
        ASSERT_TRUE(run1(**c, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &s));
        EXPECT_EQ(s.at(0, 0), "t");
    }
    auto plain = connect(add_query(url, "sslmode=disable"));
    ASSERT_FALSE(plain);
    EXPECT_EQ(plain.error().code, pg::errc::auth_failed) << plain.error().message;
}

TEST_P(auth, tls_verify_full_with_root_cert) {
    FRAISEQL_REQUIRE_CLUSTER();
    const std::string root = env_url("FRAISEQL_TEST_SSL_ROOT_CERT");
    expect_session_user(add_query(env_url("FRAISEQL_TEST_URL_SCRAM"),
                                  "sslmode=verify-full&sslrootcert=" + root),
                        "fraiseql_scram");
}

TEST_P(auth, tls_verify_full_wrong_host_name_fails) {
    FRAISEQL_REQUIRE_CLUSTER();
    // Connect to 127.0.0.1 (hostaddr) but verify the name "wrong.invalid", which the
    // server certificate (CN=localhost, SAN localhost/127.0.0.1) does not carry.
    const std::string port = test::cluster_env("FRAISEQL_TEST_PORT");
    const std::string url = "postgres://fraiseql_scram:scram_pass_1@wrong.invalid:" + port +
                            "/fraiseql_test?hostaddr=127.0.0.1&sslmode=verify-full&sslrootcert=" +
                            env_url("FRAISEQL_TEST_SSL_ROOT_CERT");
    auto c = connect(url);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, pg::errc::tls_error) << c.error().message;
}

TEST_P(auth, tls_verify_ca_with_wrong_root_fails) {
    FRAISEQL_REQUIRE_CLUSTER();
    // A CA file that did not sign the server certificate: the system bundle.
    auto c = connect(add_query(env_url("FRAISEQL_TEST_URL_SCRAM"),
                               "sslmode=verify-ca&sslrootcert=system"));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, pg::errc::tls_error) << c.error().message;
}

TEST_P(auth, unix_socket) {
    FRAISEQL_REQUIRE_CLUSTER();
    const std::string dir = test::cluster_env("FRAISEQL_TEST_SOCKET_DIR");
    const std::string port = test::cluster_env("FRAISEQL_TEST_PORT");
    ASSERT_FALSE(dir.empty());
    expect_session_user("host=" + dir + " port=" + port + " user=postgres dbname=fraiseql_test",
                        "postgres");
}

TEST_P(auth, connect_deadline_expires_as_timeout) {
    FRAISEQL_REQUIRE_CLUSTER();
    // A listening socket that never answers the startup packet.
    asio::ip::tcp::acceptor silent(io_, {asio::ip::make_address("127.0.0.1"), 0});
    const auto port = silent.local_endpoint().port();
    const auto t0 = pg::clock::now();
    auto c = connect("postgres://postgres@127.0.0.1:" + std::to_string(port) +
                         "/x?sslmode=disable",
                     300ms);
    const auto took = pg::clock::now() - t0;
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, pg::errc::timeout) << c.error().message;
    EXPECT_LT(took, 5s);
}

INSTANTIATE_TEST_SUITE_P(backends, auth, test::all_backends(), test::backend_name());

} // namespace
} // namespace fraiseql::conn_test
