#pragma once
/// \file
/// Server configuration: every key, its default, and loading with the spec's
/// precedence — command-line flag > environment `FRAISEQL_<NAME>` >
/// `fraiseql.toml` > default. Unknown keys and invalid values are refused with a
/// message that names the key.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fraiseql/result.hpp"

namespace fraiseql::exec {

enum class environment_kind { development, production };
enum class introspection_policy { public_, authenticated, disabled };
enum class apq_mode { optional, required, disabled };
/// `statement_cache`: named prepared statements (cached) or only the unnamed one (poolers).
enum class statement_cache_mode { named, unnamed };
/// `apq_store`: where persisted queries live (docs/scaling.md "Many instances").
enum class apq_store_kind { memory, postgres };

/// One `setting=source` entry of `session_variables`.
struct session_variable {
    std::string setting; ///< e.g. "app.tenant_id"
    enum class source_kind { claim, header } source;
    std::string name;    ///< claim or header name
};

/// Who a client is for read-your-writes (`read_your_writes_client`, docs/scaling.md).
struct client_identity {
    enum class source_kind { none, claim, header, session } source = source_kind::claim;
    std::string name = "sub"; ///< claim name, lower-case header name, or session setting
};

struct config {
    std::string schema_file;
    std::string database_url;
    std::string backend = "native"; ///< normalised: "native" | "libpq"
    std::uint32_t pool_size = 10;
    std::chrono::milliseconds pool_timeout{5000};
    /// Prepared statements kept per database connection, both backends (0: none).
    std::uint32_t statement_cache_size = 256;
    /// `unnamed`: only the unnamed prepared statement, nothing beyond a transaction (PgBouncer
    /// in pool_mode=transaction); `named` refuses a pooler found at the first connection.
    statement_cache_mode statement_cache = statement_cache_mode::named;
    std::chrono::milliseconds statement_timeout{30000};
    std::chrono::milliseconds request_timeout{30000};
    std::chrono::milliseconds shutdown_timeout{10000};
    /// Read replicas (product.md §6.1, docs/scaling.md): one pool each; empty: none.
    std::vector<std::string> replica_urls;
    std::uint32_t replica_pool_size = 10;
    /// A replica further behind the primary than this is not read from.
    std::chrono::milliseconds replica_max_lag{10000};
    /// With replicas configured and none usable: read from the primary, or fail.
    bool replica_fallback_primary = true;
    /// How long a client's last commit position is remembered (read-your-writes).
    std::chrono::milliseconds read_your_writes_window{5000};
    client_identity read_your_writes_client;
    std::uint16_t port = 8080;
    std::string host = "127.0.0.1";
    /// I/O threads; 0 ("auto", the default) is usable_cores() at startup.
    std::uint32_t threads = 0;
    environment_kind environment = environment_kind::development;
    introspection_policy introspection = introspection_policy::public_;
    std::uint32_t max_query_depth = 15;
    std::uint32_t max_aliases = 30;
    std::uint32_t max_page_size = 1000;
    std::uint64_t max_body_size = 1 << 20;
    std::uint32_t max_batch_size = 20;
    /// Field selections after fragment expansion (product.md §9), counted while planning.
    std::uint32_t max_fields = 10000;
    /// Conditions in one `where` (an `in` list is one), refused before any SQL is sent.
    std::uint32_t max_filter_conditions = 1000;
    /// Open HTTP connections; beyond it new ones are closed at once.
    std::uint32_t max_connections = 10000;
    /// Request line and headers must arrive within this (slowloris).
    std::chrono::milliseconds header_timeout{10000};
    /// The body must arrive within this once the headers are in.
    std::chrono::milliseconds body_timeout{30000};
    /// Each write to the client must make progress within this (slow readers).
    std::chrono::milliseconds write_timeout{30000};
    /// An idle keep-alive connection is closed after this.
    std::chrono::milliseconds keepalive_timeout{60000};
    /// Live queries over WebSocket (product.md §3.7; docs/subscriptions.md).
    std::chrono::milliseconds subscription_refetch_interval{1000};
    /// A LISTEN channel whose notifications refetch every cohort at once ("": none).
    std::string subscription_notify_channel;
    /// The listening connection's database ("": database_url). LISTEN needs a session of its
    /// own, which a transaction-mode pooler does not keep: point this at PostgreSQL itself.
    std::string subscription_notify_url;
    /// Cohorts refetched at the same time, each on a pool connection while it runs
    /// (0: pool_size / 2, at least 1 — live queries never take the whole pool).
    std::uint32_t subscription_refetch_concurrency = 0;
    std::uint32_t max_websocket_connections = 1000;
    std::uint32_t max_subscriptions_per_connection = 100;
    std::uint64_t websocket_max_message_size = 64 * 1024;
    std::chrono::milliseconds websocket_init_timeout{10000};
    /// An idle socket is pinged after half of this; no answer by then: closed.
    std::chrono::milliseconds websocket_keepalive{30000};
    /// Bytes queued for one socket that does not read; beyond: closed (1008; its TCP
    /// connection cut when the close frame cannot get out within write_timeout).
    std::uint64_t websocket_send_buffer = 1 << 20;
    apq_mode apq = apq_mode::optional;
    /// `postgres`: persisted queries shared by every server process through a table.
    apq_store_kind apq_store = apq_store_kind::memory;
    /// Most persisted queries kept: per process (memory, and the local cache in front of
    /// postgres) and rows in the table (postgres; least recently used evicted).
    std::uint32_t apq_store_size = 10000;
    std::uint32_t plan_cache_size = 1000;
    std::vector<std::string> cors_origins;
    std::string jwt_secret;
    std::string jwt_public_key_file;
    std::string jwt_jwks_file;
    std::string jwt_issuer;
    std::string jwt_audience;
    std::chrono::seconds jwt_leeway{0};
    bool allow_anonymous = true;
    std::vector<session_variable> session_variables;
    std::string log_level = "info";
    std::string log_format = "auto"; ///< auto | text | json
};

/// Describes one configuration key (for --help, docs and validation).
struct key_info {
    std::string_view name;
    std::string_view default_text;
    std::string_view description;
};

/// Every key, in documentation order.
const std::vector<key_info>& config_keys();

/// The sources, already split by origin. Values are raw text; `toml_file` is a
/// path (empty: look for ./fraiseql.toml only if it exists).
struct config_sources {
    std::map<std::string, std::string> flags;        ///< key -> value, from the command line
    std::map<std::string, std::string> environment;  ///< FRAISEQL_* variables (full names)
    std::string toml_file;
    bool toml_file_required = false;
};

/// Collects FRAISEQL_* variables from the process environment.
std::map<std::string, std::string> environment_variables();

/// Loads and validates. The error names the key and the source.
fraiseql::result<config, std::string> load_config(const config_sources& sources);

/// Applies one key=value (text) to `cfg`; the error names the key.
fraiseql::result<void, std::string> apply_setting(config& cfg, std::string_view key,
                                                  std::string_view value);

/// Parses "app.tenant_id=claim:tenant_id,app.user_id=header:X-User".
fraiseql::result<std::vector<session_variable>, std::string>
parse_session_variables(std::string_view text);

std::string_view to_string(environment_kind) noexcept;
std::string_view to_string(introspection_policy) noexcept;
std::string_view to_string(apq_mode) noexcept;
std::string_view to_string(statement_cache_mode) noexcept;
std::string_view to_string(apq_store_kind) noexcept;

/// The cores this process may run on: its CPU affinity mask, capped by a cgroup CPU quota
/// (v2 `cpu.max`, v1 `cpu.cfs_quota_us`/`cpu.cfs_period_us`, rounded up); at least 1.
std::uint32_t usable_cores() noexcept;

/// `threads`, with 0 ("auto") resolved to usable_cores().
inline std::uint32_t effective_threads(const config& c) noexcept {
    return c.threads != 0 ? c.threads : usable_cores();
}

} // namespace fraiseql::exec
