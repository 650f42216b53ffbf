#pragma once
/// \file
/// libpq-compatible connection strings for the native driver
/// (PostgreSQL docs "34.1.1. Connection Strings", "34.15. Environment Variables").
///
/// Accepted forms:
///  - URI: `postgres[ql]://[user[:password]@][host][:port][/dbname][?key=value&...]`
///    with percent-decoding everywhere, IPv6 hosts in brackets, and `?host=/dir` for a
///    unix-socket directory (a percent-encoded host starting with '/' works too);
///  - key=value: `host=... port=... user='quoted \' value'` (whitespace around '=' allowed,
///    single quotes with backslash escapes);
///  - "" (everything from the environment / defaults).
/// Missing settings fall back to PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSSLMODE
/// PGAPPNAME PGCONNECT_TIMEOUT PGSSLROOTCERT PGCHANNELBINDING, then to the defaults
/// (host "localhost", port 5432, user = the OS user, dbname = user, sslmode prefer).
/// Keys: host hostaddr port user password dbname sslmode application_name
/// fallback_application_name connect_timeout sslrootcert sslcert sslkey channel_binding
/// options client_encoding (must be UTF8) keepalives keepalives_idle keepalives_interval
/// keepalives_count tcp_user_timeout. Unknown keys and several hosts are refused.
///
/// TCP keepalive (libpq's keys and meaning, "34.1.2. Parameter Key Words"): on by default,
/// but with FraiseQL's own defaults — idle 60 s, interval 10 s, 3 probes — instead of the
/// OS's (7200 s / 75 s / 9), so a connection whose peer vanished (a network partition, a
/// host that died without a FIN) is noticed within about 90 s of silence, not 2 h 11 min.
/// A value of 0 leaves that setting to the OS; keepalives=0 turns keepalive off. Both
/// backends apply the same values.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "fraiseql/result.hpp"

namespace fraiseql::pg {

enum class ssl_mode : std::uint8_t { disable, allow, prefer, require, verify_ca, verify_full };
enum class channel_binding : std::uint8_t { disable, prefer, require };

struct conninfo {
    std::string host = "localhost"; ///< name, IP address, or unix-socket directory ('/...')
    std::string hostaddr;           ///< numeric address to connect to (host kept for TLS names)
    std::uint16_t port = 5432;
    std::string user;
    std::string password;
    std::string dbname;
    std::string application_name;
    std::string options;
    ssl_mode sslmode = ssl_mode::prefer;
    std::string sslrootcert; ///< CA bundle file, or "system" for the OS trust store
    std::string sslcert;     ///< client certificate (optional)
    std::string sslkey;      ///< client key (optional)
    pg::channel_binding channel_binding = pg::channel_binding::prefer;
    std::chrono::seconds connect_timeout{0}; ///< 0 = only the caller's deadline
    bool keepalives = true;                       ///< SO_KEEPALIVE on TCP connections
    std::chrono::seconds keepalives_idle{60};     ///< TCP_KEEPIDLE (0 = the OS default)
    std::chrono::seconds keepalives_interval{10}; ///< TCP_KEEPINTVL (0 = the OS default)
    int keepalives_count = 3;                     ///< TCP_KEEPCNT (0 = the OS default)
    std::chrono::milliseconds tcp_user_timeout{0}; ///< TCP_USER_TIMEOUT (0 = the OS default)

    bool is_unix_socket() const noexcept { return !host.empty() && host.front() == '/'; }
    /// `<host>/.s.PGSQL.<port>` for unix sockets.
    std::string unix_socket_path() const;
};

/// Looks up an environment variable (injectable for tests); nullopt when unset.
using env_lookup = std::function<std::optional<std::string>(std::string_view)>;

/// The process environment (std::getenv).
std::optional<std::string> process_env(std::string_view name);

/// Parses a connection string. Errors are messages naming the bad part, e.g.
/// `invalid port "54x2"` or `unknown parameter "foo"`.
result<conninfo, std::string> parse_conninfo(std::string_view s,
                                             const env_lookup& env = process_env);

std::string_view to_string(ssl_mode) noexcept;

} // namespace fraiseql::pg
