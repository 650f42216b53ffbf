// Connection strings: URI and key=value forms, environment fallbacks, errors naming
// the bad part ("34.1.1. Connection Strings", "34.15. Environment Variables").
#include <map>

#include <gtest/gtest.h>

#include "fraiseql/pg/conninfo.hpp"

namespace fraiseql::pg {
namespace {

env_lookup env_of(std::map<std::string, std::string> m) {
    return [m = std::move(m)](std::string_view k) -> std::optional<std::string> {
        auto it = m.find(std::string(k));
        if (it == m.end()) return std::nullopt;
        return it->second;
    };
}
const env_lookup no_env = env_of({{"PGUSER", "envuser"}});

conninfo ok(std::string_view s, const env_lookup& env = no_env) {
    auto r = parse_conninfo(s, env);
    EXPECT_TRUE(r) << s << ": " << (r ? "" : r.error());
    return r ? *r : conninfo{};
}

std::string err(std::string_view s, const env_lookup& env = no_env) {
    auto r = parse_conninfo(s, env);
    EXPECT_FALSE(r) << s;
    return r ? std::string() : r.error();
}

TEST(conninfo, full_uri) {
    auto c = ok("postgresql://alice:s3cret@db.example:6543/app?sslmode=verify-full&"
                "application_name=fraiseql&connect_timeout=7&sslrootcert=/etc/ca.pem");
    EXPECT_EQ(c.user, "alice");
    EXPECT_EQ(c.password, "s3cret");
    EXPECT_EQ(c.host, "db.example");
    EXPECT_EQ(c.port, 6543);
    EXPECT_EQ(c.dbname, "app");
    EXPECT_EQ(c.sslmode, ssl_mode::verify_full);
    EXPECT_EQ(c.application_name, "fraiseql");
    EXPECT_EQ(c.connect_timeout, std::chrono::seconds(7));
    EXPECT_EQ(c.sslrootcert, "/etc/ca.pem");
    EXPECT_FALSE(c.is_unix_socket());
}

TEST(conninfo, uri_percent_decoding) {
    auto c = ok("postgres://us%40er:p%3Aw%2F%25d@h/d%20b?application_name=a%26b");
    EXPECT_EQ(c.user, "us@er");
    EXPECT_EQ(c.password, "p:w/%d");
    EXPECT_EQ(c.dbname, "d b");
    EXPECT_EQ(c.application_name, "a&b");
}

TEST(conninfo, uri_defaults_and_env) {
    auto c = ok("postgres://");
    EXPECT_EQ(c.host, "localhost");
    EXPECT_EQ(c.port, 5432);
    EXPECT_EQ(c.user, "envuser");
    EXPECT_EQ(c.dbname, "envuser");
    EXPECT_EQ(c.sslmode, ssl_mode::prefer);
    auto e = env_of({{"PGHOST", "envhost"}, {"PGPORT", "7777"}, {"PGUSER", "u"},
                     {"PGPASSWORD", "pw"}, {"PGDATABASE", "edb"}, {"PGSSLMODE", "require"},
                     {"PGAPPNAME", "eapp"}, {"PGCONNECT_TIMEOUT", "9"}});
    auto d = ok("", e);
    EXPECT_EQ(d.host, "envhost");
    EXPECT_EQ(d.port, 7777);
    EXPECT_EQ(d.user, "u");
    EXPECT_EQ(d.password, "pw");
    EXPECT_EQ(d.dbname, "edb");
    EXPECT_EQ(d.sslmode, ssl_mode::require);
    EXPECT_EQ(d.application_name, "eapp");
    EXPECT_EQ(d.connect_timeout, std::chrono::seconds(9));
    // The string wins over the environment.
    auto s = ok("postgres://x@h:1/y?sslmode=disable", e);
    EXPECT_EQ(s.user, "x");
    EXPECT_EQ(s.port, 1);
    EXPECT_EQ(s.password, "pw");
    EXPECT_EQ(s.sslmode, ssl_mode::disable);
}

TEST(conninfo, ipv6_and_unix_sockets) {
    auto v6 = ok("postgres://[::1]:5433/db");
    EXPECT_EQ(v6.host, "::1");
    EXPECT_EQ(v6.port, 5433);
    auto q = ok("postgres:///db?host=/var/run/postgresql&port=5444");
    EXPECT_TRUE(q.is_unix_socket());
    EXPECT_EQ(q.unix_socket_path(), "/var/run/postgresql/.s.PGSQL.5444");
    auto enc = ok("postgresql://%2Ftmp%2Fpg/db");
    EXPECT_EQ(enc.host, "/tmp/pg");
    auto kv = ok("host=/tmp/sock/ port=1");
    EXPECT_EQ(kv.unix_socket_path(), "/tmp/sock/.s.PGSQL.1");
}

TEST(conninfo, key_value_form) {
    auto c = ok("host=localhost port = 5433 user='o\\'brien' password='a b\\\\c' dbname=x "
                "sslmode=verify-ca options='-c search_path=s' channel_binding=require");
    EXPECT_EQ(c.host, "localhost");
    EXPECT_EQ(c.port, 5433);
    EXPECT_EQ(c.user, "o'brien");
    EXPECT_EQ(c.password, "a b\\c");
    EXPECT_EQ(c.dbname, "x");
    EXPECT_EQ(c.sslmode, ssl_mode::verify_ca);
    EXPECT_EQ(c.options, "-c search_path=s");
    EXPECT_EQ(c.channel_binding, channel_binding::require);
    auto e = ok("  password='' user=u ");
    EXPECT_EQ(e.password, "");
}

TEST(conninfo, keepalive_defaults_and_libpq_keys) {
    // FraiseQL's defaults (not the OS's 7200/75/9): a dead peer is noticed in ~90 s.
    auto d = ok("host=h");
    EXPECT_TRUE(d.keepalives);
    EXPECT_EQ(d.keepalives_idle, std::chrono::seconds(60));
    EXPECT_EQ(d.keepalives_interval, std::chrono::seconds(10));
    EXPECT_EQ(d.keepalives_count, 3);
    EXPECT_EQ(d.tcp_user_timeout, std::chrono::milliseconds(0));
    auto c = ok("postgres://h/db?keepalives_idle=5&keepalives_interval=2&keepalives_count=4"
                "&tcp_user_timeout=1500");
    EXPECT_EQ(c.keepalives_idle, std::chrono::seconds(5));
    EXPECT_EQ(c.keepalives_interval, std::chrono::seconds(2));
    EXPECT_EQ(c.keepalives_count, 4);
    EXPECT_EQ(c.tcp_user_timeout, std::chrono::milliseconds(1500));
    EXPECT_FALSE(ok("keepalives=0").keepalives);
    EXPECT_TRUE(ok("keepalives=1").keepalives);
    EXPECT_NE(err("keepalives_idle=-1").find("keepalives_idle"), std::string::npos);
    EXPECT_NE(err("keepalives_count=x").find("keepalives_count"), std::string::npos);
}

TEST(conninfo, connect_timeout_one_means_two) {
    EXPECT_EQ(ok("connect_timeout=1").connect_timeout, std::chrono::seconds(2));
    EXPECT_EQ(ok("connect_timeout=0").connect_timeout, std::chrono::seconds(0));
}

TEST(conninfo, errors_name_the_bad_part) {
    EXPECT_NE(err("postgres://h:54x2/db").find("\"54x2\""), std::string::npos);
    EXPECT_NE(err("postgres://h:70000/db").find("invalid port"), std::string::npos);
    EXPECT_NE(err("postgres://h/db?foo=1").find("\"foo\""), std::string::npos);
    EXPECT_NE(err("postgres://h/db?sslmode=sometimes").find("\"sometimes\""), std::string::npos);
    EXPECT_NE(err("postgres://h/db?sslmode").find("missing '='"), std::string::npos);
    EXPECT_NE(err("postgres://u%zz@h/db").find("user"), std::string::npos);
    EXPECT_NE(err("postgres://u@h/d%4").find("dbname"), std::string::npos);
    EXPECT_NE(err("postgres://u@h/d%00").find("%00"), std::string::npos);
    EXPECT_NE(err("postgres://h1,h2/db").find("several hosts"), std::string::npos);
    EXPECT_NE(err("postgres://[::1/db").find("IPv6"), std::string::npos);
    EXPECT_NE(err("mysql://h/db").find("\"mysql\""), std::string::npos);
    EXPECT_NE(err("host=h port").find("\"port\""), std::string::npos);
    EXPECT_NE(err("host='unterminated").find("\"host\""), std::string::npos);
    EXPECT_NE(err("bogus=1").find("\"bogus\""), std::string::npos);
    EXPECT_NE(err("connect_timeout=-3").find("connect_timeout"), std::string::npos);
    EXPECT_NE(err("channel_binding=maybe").find("\"maybe\""), std::string::npos);
    EXPECT_NE(err("client_encoding=LATIN1").find("LATIN1"), std::string::npos);
    EXPECT_NE(err("host=/tmp sslmode=require").find("unix-socket"), std::string::npos);
    EXPECT_NE(err("", env_of({{"PGPORT", "x"}})).find("\"x\""), std::string::npos);
}

} // namespace
} // namespace fraiseql::pg
