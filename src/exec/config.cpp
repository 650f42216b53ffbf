#include "fraiseql/exec/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include <toml.hpp>

#include <sched.h>

extern char** environ; // NOLINT: POSIX

namespace fraiseql::exec {
namespace {

using setter = std::function<fraiseql::result<void, std::string>(config&, std::string_view)>;

struct key_def {
    key_info info;
    setter set;
};

failure<std::string> bad(std::string_view key, std::string_view why) {
    return failure<std::string>{std::string(key) + ": " + std::string(why)};
}

std::string lower(std::string_view s) {
    std::string r(s);
    std::transform(r.begin(), r.end(), r.begin(), [](unsigned char c) { return std::tolower(c); });
    return r;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

template <class Int>
fraiseql::result<Int, std::string> parse_uint(std::string_view key, std::string_view v,
                                              Int min_value, Int max_value) {
    v = trim(v);
    std::uint64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size() || v.empty())
        return bad(key, "expected a non-negative integer, got \"" + std::string(v) + "\"");
    if (n < static_cast<std::uint64_t>(min_value) || n > static_cast<std::uint64_t>(max_value))
        return bad(key, "must be between " + std::to_string(min_value) + " and " +
                            std::to_string(max_value) + ", got " + std::string(v));
    return static_cast<Int>(n);
}

// Durations: a bare number is seconds (decimals allowed); or a number with a
// unit: ms, s, m, h ("250ms", "5s", "2m").
fraiseql::result<std::chrono::milliseconds, std::string> parse_duration(std::string_view key,
                                                                        std::string_view v) {
    v = trim(v);
    std::size_t i = 0;
    while (i < v.size() && (std::isdigit(static_cast<unsigned char>(v[i])) || v[i] == '.')) ++i;
    std::string_view num = v.substr(0, i), unit = trim(v.substr(i));
    if (num.empty() || std::count(num.begin(), num.end(), '.') > 1)
        return bad(key, "expected a duration such as 30, \"5s\" or \"250ms\", got \"" +
                            std::string(v) + "\"");
    double x = std::strtod(std::string(num).c_str(), nullptr);
    double factor = 1000;
    if (unit.empty() || unit == "s") factor = 1000;
    else if (unit == "ms") factor = 1;
    else if (unit == "m" || unit == "min") factor = 60000;
    else if (unit == "h") factor = 3600000;
    else return bad(key, "unknown duration unit \"" + std::string(unit) + "\" (use ms, s, m, h)");
    double ms = x * factor;
    if (ms > 1e12) return bad(key, "duration too large");
    return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
}

fraiseql::result<bool, std::string> parse_bool(std::string_view key, std::string_view v) {
    auto s = lower(trim(v));
    if (s == "true" || s == "1" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "0" || s == "no" || s == "off") return false;
    return bad(key, "expected true or false, got \"" + std::string(v) + "\"");
}

std::vector<std::string> split_list(std::string_view v) {
    std::vector<std::string> out;
    while (!v.empty()) {
        auto comma = v.find(',');
        auto item = trim(v.substr(0, comma));
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        v.remove_prefix(comma + 1);
    }
    return out;
}

fraiseql::result<client_identity, std::string> parse_client_identity(std::string_view v) {
    const auto s = std::string(trim(v));
    client_identity id;
    if (lower(s) == "none") {
        id.source = client_identity::source_kind::none;
        id.name.clear();
    } else if (s.rfind("claim:", 0) == 0) {
        id.source = client_identity::source_kind::claim;
        id.name = s.substr(6);
    } else if (s.rfind("header:", 0) == 0) {
        id.source = client_identity::source_kind::header;
        id.name = lower(s.substr(7));
    } else if (s.find('.') != std::string::npos) {
        // A session variable's setting (session_variables); checked against that list at
        // the end of load_config, since the keys may come in any order.
        id.source = client_identity::source_kind::session;
        id.name = s;
    } else {
        return bad("read_your_writes_client",
                   "\"" + s + "\" must be claim:NAME, header:NAME, a session setting "
                   "(prefix.name, see session_variables) or none");
    }
    if (id.source != client_identity::source_kind::none && id.name.empty())
        return bad("read_your_writes_client", "empty claim/header name");
    return id;
}

#define FQ_STRING(field)                                                                       \
    [](config& c, std::string_view v) -> fraiseql::result<void, std::string> {                \
        c.field = std::string(v);                                                              \
        return {};                                                                             \
    }
#define FQ_UINT(field, type, lo, hi)                                                           \
    [](config& c, std::string_view v) -> fraiseql::result<void, std::string> {                \
        auto r = parse_uint<type>(#field, v, lo, hi);                                          \
        if (!r) return failure{std::move(r).error()};                                          \
        c.field = *r;                                                                          \
        return {};                                                                             \
    }
#define FQ_DURATION(field)                                                                     \
    [](config& c, std::string_view v) -> fraiseql::result<void, std::string> {                \
        auto r = parse_duration(#field, v);                                                    \
        if (!r) return failure{std::move(r).error()};                                          \
        c.field = std::chrono::duration_cast<decltype(c.field)>(*r);                           \
        return {};                                                                             \
    }

const std::vector<key_def>& defs() {
    static const std::vector<key_def> d = {
        {{"schema", "", "path of the GraphQL SDL schema file"}, FQ_STRING(schema_file)},
        {{"database_url", "", "PostgreSQL connection string (URI or key=value)"},
         FQ_STRING(database_url)},
        {{"backend", "native", "database driver: native | libpq (aliases: rust, psycopg)"},
         [](config& c, std::string_view v) -> fraiseql::result<void, std::string> {
             auto s = lower(trim(v));
             if (s == "native" || s == "rust") c.backend = "native";
             else if (s == "libpq" || s == "psycopg") c.backend = "libpq";
             else
                 return bad("backend", "invalid value \"" + std::string(v) +
                                           "\"; valid values: native, libpq (aliases: rust, "
                                           "psycopg)");
             return {};
         }},
        {{"pool_size", "10", "maximum number of database connections"},
         FQ_UINT(pool_size, std::uint32_t, 1, 1000)},
        {{"pool_timeout", "5s", "how long a request waits for a free connection"},
         FQ_DURATION(pool_timeout)},
        {{"statement_cache_size", "256",
          "prepared statements kept per database connection (0 disables the cache)"},
         FQ_UINT(statement_cache_size, std::uint32_t, 0, 100000)},
        {{"statement_cache", "named",
          "named (prepared statements cached per connection) | unnamed (for PgBouncer "
          "pool_mode=transaction)"},
         [](config& c, std::string_view v) -> fraiseql::result<void, std::string> {
             auto s = lower(trim(v));
             if (s == "named") c.statement_cache = statement_cache_mode::named;
             else if (s == "unnamed") c.statement_cache = statement_cache_mode::unnamed;
             else
                 return bad("statement_cache", "invalid value \"" + std::string(v) +
                                                   "\"; valid values: named, unnamed");
             return {};
         }},
        {{"statement_timeout", "30s", "deadline of one SQL statement (cancelled on expiry)"},
         FQ_DURATION(statement_timeout)},
        {{"request_timeout", "30s", "deadline of a whole HTTP request"},
         FQ_DURATION(request_timeout)},
        {{"shutdown_timeout", "10s", "how long SIGTERM waits for in-flight requests"},
         FQ_DURATION(shutdown_timeout)},
        {{"replica_urls", "",
          "read replicas (streaming standbys), comma-separated connection strings"},
         [](config& c, std::string_view v) -> fraiseql::result<void, std::string> {
             c.replica_urls = split_list(v);
             return {};
         }},
        {{"replica_pool_size", "10", "maximum connections to each replica"},
         FQ_UINT(replica_pool_size, std::uint32_t, 1, 1000)},
        {{"replica_max_lag", "10s", "replicas further behind the primary are not read from"},
         FQ_DURATION(replica_max_lag)},
        {{"replica_fallback", "primary", "with no usable replica, reads go to: primary | error"},
         [](config& c, std::string_view v) -> fraiseql::result<void, std::string> {
             auto s = lower(trim(v));
             if (s == "primary") c.replica_fallback_primary = true;
             else if (s == "error") c.replica_fallback_primary = false;
             else
                 return bad("replica_fallback", "invalid value \"" + std::string(v) +
                                                    "\"; valid values: primary, error");
             return {};
         }},
        {{"read_your_writes_window", "5s",
          "how long a client's last commit position routes its reads (0 turns it off)"},
         FQ_DURATION(read_your_writes_window)},
        {{"read_your_writes_client", "claim:sub",
          "who a client is for read-your-writes: claim:NAME | header:NAME | a session setting "
          "| none"},
         [](config& c, std::string_view v) -> fraiseql::result<void, std::string> {
             auto r = parse_client_identity(v);
             if (!r) return failure{std::move(r).error()};
             c.read_your_writes_client = std::move(*r);
             return {};
         }},
        {{"port", "8080", "HTTP port (0 picks a free port)"},
         FQ_UINT(port, std::uint16_t, 0, 65535)},
        {{"host", "127.0.0.1", "address to listen on"}, FQ_STRING(host)},
        {{"threads", "auto", "I/O threads (auto: the usable cores)"},
         [](config& c, std::string_view v) -> fraiseql::result<void, std::string> {
             if (lower(trim(v)) == "auto") {
                 c.threads = 0;
                 return {};
             }
             auto r = parse_uint<std::uint32_t>("threads", v, 1, 256);
             if (!r) return failure{std::string(r.error()) + " (or auto)"};
             c.threads = *r;
             return {};
         }},
        {{"environment", "development", "development | production"},
         [](config& c, std::string_view v) -> fraiseql::result<void, std::string> {
             auto s = lower(trim(v));
             if (s == "development") c.environment = environment_kind::development;
             else if (s == "production") c.environment = environment_kind::production;
             else
                 return bad("environment", "invalid value \"" + std::string(v) +
                                               "\"; valid values: development, production");
             return {};
         }},
        {{"introspection", "public", "public | authenticated | disabled"},
         [](config& c, std::string_view v) -> fraiseql::result<void, std::string> {
             auto s = lower(trim(v));
             if (s == "public") c.introspection = introspection_policy::public_;
             else if (s == "authenticated") c.introspection = introspection_policy::authenticated;
             else if (s == "disabled") c.introspection = introspection_policy::disabled;
             else
                 return bad("introspection", "invalid value \"" + std::string(v) +
                                                 "\"; valid values: public, authenticated, "
                                                 "disabled");
             return {};
         }},
        {{"max_query_depth", "15", "deepest selection nesting allowed"},
         FQ_UINT(max_query_depth, std::uint32_t, 1, 1000)},
        {{"max_aliases", "30", "most aliases allowed in one operation"},
         FQ_UINT(max_aliases, std::uint32_t, 0, 100000)},
        {{"max_page_size", "1000", "cap on limit/first/last, and the default limit"},
         FQ_UINT(max_page_size, std::uint32_t, 1, 100000000)},
        {{"max_body_size", "1048576", "largest request body in bytes"},
         FQ_UINT(max_body_size, std::uint64_t, 1024, std::uint64_t(1) << 32)},
        {{"max_batch_size", "20", "most operations in one batched request"},
         FQ_UINT(max_batch_size, std::uint32_t, 1, 1000)},
        {{"max_fields", "10000", "most field selections after expanding fragments"},
         FQ_UINT(max_fields, std::uint32_t, 1, 10000000)},
        {{"max_filter_conditions", "1000", "most conditions in one where argument"},
         FQ_UINT(max_filter_conditions, std::uint32_t, 1, 10000000)},
        {{"max_connections", "10000", "most open HTTP connections"},
         FQ_UINT(max_connections, std::uint32_t, 1, 10000000)},
        {{"header_timeout", "10s", "deadline for a request's line and headers"},
         FQ_DURATION(header_timeout)},
        {{"body_timeout", "30s", "deadline for a request's body once its headers are in"},
         FQ_DURATION(body_timeout)},
        {{"write_timeout", "30s", "deadline for each write to a client"},
         FQ_DURATION(write_timeout)},
        {{"keepalive_timeout", "60s", "idle keep-alive connections are closed after this"},
         FQ_DURATION(keepalive_timeout)},
        {{"subscription_refetch_interval", "1s", "live queries: each cohort is refetched this often"},
         FQ_DURATION(subscription_refetch_interval)},
        {{"subscription_notify_channel", "",
          "LISTEN channel whose notifications refetch live queries at once"},
         FQ_STRING(subscription_notify_channel)},
        {{"subscription_notify_url", "",
          "where the LISTEN connection goes (empty: database_url); a session, not a pooler"},
         FQ_STRING(subscription_notify_url)},
        {{"subscription_refetch_concurrency", "0",
          "live-query cohorts refetched at once; 0: pool_size / 2 (at least 1)"},
         FQ_UINT(subscription_refetch_concurrency, std::uint32_t, 0, 1000)},
        {{"max_websocket_connections", "1000", "most open WebSocket (subscription) connections"},
         FQ_UINT(max_websocket_connections, std::uint32_t, 1, 10000000)},
        {{"max_subscriptions_per_connection", "100", "most operations active on one WebSocket"},
         FQ_UINT(max_subscriptions_per_connection, std::uint32_t, 1, 100000)},
        {{"websocket_max_message_size", "65536", "largest WebSocket message from a client, bytes"},
         FQ_UINT(websocket_max_message_size, std::uint64_t, 1024, std::uint64_t(1) << 30)},
        {{"websocket_init_timeout", "10s", "connection_init must arrive within this"},
         FQ_DURATION(websocket_init_timeout)},
        {{"websocket_keepalive", "30s", "an idle WebSocket is pinged; unanswered: closed"},
         FQ_DURATION(websocket_keepalive)},
        {{"websocket_send_buffer", "1048576", "bytes queued for a WebSocket that does not read"},
         FQ_UINT(websocket_send_buffer, std::uint64_t, 1024, std::uint64_t(1) << 32)},
        {{"apq_mode", "optional", "automatic persisted queries: optional | required | disabled"},
         [](config& c, std::string_view v) -> fraiseql::result<void, std::string> {
             auto s = lower(trim(v));
             if (s == "optional") c.apq = apq_mode::optional;
             else if (s == "required") c.apq = apq_mode::required;
             else if (s == "disabled") c.apq = apq_mode::disabled;
             else
                 return bad("apq_mode", "invalid value \"" + std::string(v) +
                                            "\"; valid values: optional, required, disabled");
             return {};
         }},
        {{"apq_store", "memory",
          "where persisted queries live: memory (per process) | postgres (a table shared by "
          "every server process)"},
         [](config& c, std::string_view v) -> fraiseql::result<void, std::string> {
             auto s = lower(trim(v));
             if (s == "memory") c.apq_store = apq_store_kind::memory;
             else if (s == "postgres") c.apq_store = apq_store_kind::postgres;
             else
                 return bad("apq_store", "invalid value \"" + std::string(v) +
                                             "\"; valid values: memory, postgres");
             return {};
         }},
        {{"apq_store_size", "10000",
          "most persisted queries kept (per process, and rows of the postgres table)"},
         FQ_UINT(apq_store_size, std::uint32_t, 1, 10000000)},
        {{"plan_cache_size", "1000", "compiled operations kept (0 disables the cache)"},
         FQ_UINT(plan_cache_size, std::uint32_t, 0, 1000000)},
        {{"cors_origins", "", "comma-separated allowed origins (* for any); empty: no CORS"},
         [](config& c, std::string_view v) -> fraiseql::result<void, std::string> {
             c.cors_origins = split_list(v);
             return {};
         }},
        {{"jwt_secret", "", "HS256 shared secret"}, FQ_STRING(jwt_secret)},
        {{"jwt_public_key_file", "", "PEM public key for RS256/ES256"},
         FQ_STRING(jwt_public_key_file)},
        {{"jwt_jwks_file", "", "JWKS file with the verification keys"}, FQ_STRING(jwt_jwks_file)},
        {{"jwt_issuer", "", "required `iss` claim"}, FQ_STRING(jwt_issuer)},
        {{"jwt_audience", "", "required `aud` claim"}, FQ_STRING(jwt_audience)},
        {{"jwt_leeway", "0", "clock skew allowed for exp/nbf, in seconds"},
         FQ_DURATION(jwt_leeway)},
        {{"allow_anonymous", "true", "serve requests without a token"},
         [](config& c, std::string_view v) -> fraiseql::result<void, std::string> {
             auto r = parse_bool("allow_anonymous", v);
             if (!r) return failure{std::move(r).error()};
             c.allow_anonymous = *r;
             return {};
         }},
        {{"session_variables", "",
          "setting=claim:NAME|header:NAME, comma-separated (set with set_config per request)"},
         [](config& c, std::string_view v) -> fraiseql::result<void, std::string> {
             auto r = parse_session_variables(v);
             if (!r) return failure{std::move(r).error()};
             c.session_variables = std::move(*r);
             return {};
         }},
        {{"log_level", "info", "trace | debug | info | warn | error"},
         [](config& c, std::string_view v) -> fraiseql::result<void, std::string> {
             auto s = lower(trim(v));
             static const char* ok[] = {"trace", "debug", "info", "warn", "error", "off"};
             if (std::find(std::begin(ok), std::end(ok), s) == std::end(ok))
                 return bad("log_level", "invalid value \"" + std::string(v) +
                                             "\"; valid values: trace, debug, info, warn, "
                                             "error, off");
             c.log_level = s;
             return {};
         }},
        {{"log_format", "auto", "auto (text in development, JSON lines in production) | text | json"},
         [](config& c, std::string_view v) -> fraiseql::result<void, std::string> {
             auto s = lower(trim(v));
             if (s != "auto" && s != "text" && s != "json")
                 return bad("log_format",
                            "invalid value \"" + std::string(v) + "\"; valid values: auto, text, json");
             c.log_format = s;
             return {};
         }},
    };
    return d;
}

const key_def* find_def(std::string_view key) {
    for (const auto& d : defs())
        if (d.info.name == key) return &d;
    return nullptr;
}

std::string toml_value_text(const toml::value& v) {
    if (v.is_string()) return v.as_string().str;
    if (v.is_boolean()) return v.as_boolean() ? "true" : "false";
    if (v.is_integer()) return std::to_string(v.as_integer());
    if (v.is_floating()) {
        std::ostringstream os;
        os << v.as_floating();
        return os.str();
    }
    if (v.is_array()) {
        std::string out;
        for (const auto& e : v.as_array()) {
            if (!out.empty()) out += ",";
            out += toml_value_text(e);
        }
        return out;
    }
    return "\x01"; // tables and dates are refused by the caller
}

} // namespace

const std::vector<key_info>& config_keys() {
    static const std::vector<key_info> keys = [] {
        std::vector<key_info> k;
        for (const auto& d : defs()) k.push_back(d.info);
        return k;
    }();
    return keys;
}

std::map<std::string, std::string> environment_variables() {
    std::map<std::string, std::string> out;
    for (char** e = environ; e && *e; ++e) {
        std::string_view kv(*e);
        if (kv.rfind("FRAISEQL_", 0) != 0) continue;
        auto eq = kv.find('=');
        if (eq == std::string_view::npos) continue;
        out.emplace(kv.substr(0, eq), kv.substr(eq + 1));
    }
    return out;
}

fraiseql::result<void, std::string> apply_setting(config& cfg, std::string_view key,
                                                  std::string_view value) {
    const key_def* d = find_def(key);
    if (!d) return failure<std::string>{"unknown configuration key \"" + std::string(key) + "\""};
    return d->set(cfg, value);
}

namespace {

/// PostgreSQL 15's rule for a custom (placeholder) option name, which set_config() applies
/// (guc.c, valid_custom_variable_name): two or more identifiers separated by dots, each
/// starting with a letter or `_` and going on with letters, digits, `_` or `$`. Checked at
/// start-up so that a name PostgreSQL would refuse cannot fail every request later. Stricter
/// than PostgreSQL on one point: non-ASCII letters are refused.
bool valid_custom_setting_name(std::string_view name) {
    bool saw_dot = false, segment_start = true;
    for (char ch : name) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '.') {
            if (segment_start)
                return false;
            saw_dot = true;
            segment_start = true;
        } else if (std::isalpha(c) || c == '_') {
            segment_start = false;
        } else if (!segment_start && (std::isdigit(c) || c == '$')) {
            // digits and `$` are fine after the first character of a segment
        } else {
            return false;
        }
    }
    return saw_dot && !segment_start;
}

} // namespace

fraiseql::result<std::vector<session_variable>, std::string>
parse_session_variables(std::string_view text) {
    std::vector<session_variable> out;
    for (const auto& item : split_list(text)) {
        auto eq = item.find('=');
        if (eq == std::string::npos)
            return bad("session_variables", "entry \"" + item + "\" is not setting=source");
        std::string setting(trim(std::string_view(item).substr(0, eq)));
        std::string source(trim(std::string_view(item).substr(eq + 1)));
        if (!valid_custom_setting_name(setting))
            return bad("session_variables",
                       "\"" + setting +
                           "\" is not a valid setting name (expected prefix.name: identifiers "
                           "of letters, digits, _ and $, not starting with a digit or $)");
        session_variable sv;
        sv.setting = setting;
        if (source.rfind("claim:", 0) == 0) {
            sv.source = session_variable::source_kind::claim;
            sv.name = source.substr(6);
        } else if (source.rfind("header:", 0) == 0) {
            sv.source = session_variable::source_kind::header;
            sv.name = lower(source.substr(7));
        } else {
            return bad("session_variables", "source \"" + source + "\" of \"" + setting +
                                                "\" must be claim:NAME or header:NAME");
        }
        if (sv.name.empty())
            return bad("session_variables", "empty claim/header name for \"" + setting + "\"");
        out.push_back(std::move(sv));
    }
    return out;
}

fraiseql::result<config, std::string> load_config(const config_sources& sources) {
    config cfg;
    // 1. fraiseql.toml
    std::string toml_path = sources.toml_file;
    bool required = sources.toml_file_required;
    if (toml_path.empty() && std::filesystem::exists("fraiseql.toml")) toml_path = "fraiseql.toml";
    if (!toml_path.empty()) {
        if (!std::filesystem::exists(toml_path)) {
            if (required) return failure<std::string>{"config file not found: " + toml_path};
        } else {
            toml::value root;
            try {
                root = toml::parse(toml_path);
            } catch (const std::exception& e) {
                return failure<std::string>{"cannot parse " + toml_path + ": " + e.what()};
            }
            if (!root.is_table())
                return failure<std::string>{toml_path + ": expected a table of settings"};
            for (const auto& [k, v] : root.as_table()) {
                std::string text = toml_value_text(v);
                if (text == "\x01")
                    return failure<std::string>{toml_path + ": " + k +
                                                ": expected a string, number, boolean or array"};
                if (auto r = apply_setting(cfg, k, text); !r)
                    return failure<std::string>{toml_path + ": " + r.error()};
            }
        }
    }
    // 2. FRAISEQL_<NAME> environment variables.
    for (const auto& [name, value] : sources.environment) {
        if (name.rfind("FRAISEQL_TEST_", 0) == 0) continue; // the test harness's own variables
        std::string key = lower(std::string_view(name).substr(9));
        if (key == "config") continue; // names the toml file; handled by the caller
        if (auto r = apply_setting(cfg, key, value); !r)
            return failure<std::string>{"environment " + name + ": " + r.error()};
    }
    // 3. Command-line flags.
    for (const auto& [key, value] : sources.flags)
        if (auto r = apply_setting(cfg, key, value); !r)
            return failure<std::string>{"--" + key + ": " + r.error()};
    // Across keys: a session setting named as the read-your-writes identity must exist.
    if (const auto& id = cfg.read_your_writes_client;
        id.source == client_identity::source_kind::session &&
        std::none_of(cfg.session_variables.begin(), cfg.session_variables.end(),
                     [&](const session_variable& sv) { return sv.setting == id.name; }))
        return failure<std::string>{"read_your_writes_client: \"" + id.name +
                                    "\" is not a setting of session_variables"};
    return cfg;
}

std::string_view to_string(environment_kind e) noexcept {
    return e == environment_kind::production ? "production" : "development";
}
std::string_view to_string(introspection_policy p) noexcept {
    switch (p) {
    case introspection_policy::public_: return "public";
    case introspection_policy::authenticated: return "authenticated";
    case introspection_policy::disabled: return "disabled";
    }
    return "public";
}
std::string_view to_string(statement_cache_mode m) noexcept {
    return m == statement_cache_mode::unnamed ? "unnamed" : "named";
}
std::string_view to_string(apq_store_kind k) noexcept {
    return k == apq_store_kind::postgres ? "postgres" : "memory";
}
std::string_view to_string(apq_mode m) noexcept {
    switch (m) {
    case apq_mode::optional: return "optional";
    case apq_mode::required: return "required";
    case apq_mode::disabled: return "disabled";
    }
    return "optional";
}

std::uint32_t usable_cores() noexcept {
    long cores = 0;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) == 0) cores = CPU_COUNT(&set);
    if (cores <= 0) cores = static_cast<long>(std::thread::hardware_concurrency());
    // A container's CPU quota caps what the affinity mask allows: quota / period, rounded up.
    auto cap = [&](long quota, long period) {
        if (quota > 0 && period > 0) cores = std::min(cores, (quota + period - 1) / period);
    };
    try {
        if (std::ifstream v2("/sys/fs/cgroup/cpu.max"); v2) {
            std::string quota;
            long period = 0;
            if (v2 >> quota >> period && quota != "max") cap(std::stol(quota), period);
        } else if (std::ifstream q("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"),
                   p("/sys/fs/cgroup/cpu/cpu.cfs_period_us");
                   q && p) {
            long quota = 0, period = 0;
            if (q >> quota && p >> period) cap(quota, period);
        }
    } catch (...) { // a malformed file: the affinity mask alone
    }
    return static_cast<std::uint32_t>(std::clamp(cores, 1L, 256L));
}

} // namespace fraiseql::exec
