// Connection-string parsing compatible with libpq's two syntaxes
// (PostgreSQL docs "34.1.1. Connection Strings") and its PG* environment fallbacks.
#include "fraiseql/pg/conninfo.hpp"

#include <charconv>
#include <cstdlib>
#include <map>

#include <pwd.h>
#include <unistd.h>

namespace fraiseql::pg {
namespace {

using fail = failure<std::string>;
using settings = std::map<std::string, std::string, std::less<>>;

std::string quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

result<std::string, std::string> percent_decode(std::string_view s, std::string_view what) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out.push_back(s[i]);
            continue;
        }
        if (i + 2 >= s.size())
            return fail{"invalid percent-encoding in " + std::string(what) + " " + quote(s)};
        int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
        if (hi < 0 || lo < 0)
            return fail{"invalid percent-encoding in " + std::string(what) + " " + quote(s)};
        char c = static_cast<char>(hi * 16 + lo);
        if (c == '\0')
            return fail{"forbidden %00 in " + std::string(what) + " " + quote(s)};
        out.push_back(c);
        i += 2;
    }
    return out;
}

bool known_key(std::string_view k) {
    static constexpr std::string_view keys[] = {
        "host", "hostaddr", "port", "user", "password", "dbname", "sslmode",
        "application_name", "fallback_application_name", "connect_timeout", "sslrootcert",
        "sslcert", "sslkey", "channel_binding", "options", "client_encoding", "keepalives",
        "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout"};
    for (auto key : keys)
        if (key == k) return true;
    return false;
}

result<void, std::string> put(settings& s, std::string_view key, std::string value) {
    if (!known_key(key)) return fail{"unknown parameter " + quote(key)};
    s[std::string(key)] = std::move(value);
    return {};
}

result<void, std::string> parse_uri(std::string_view uri, settings& out) {
    auto scheme_end = uri.find("://");
    std::string_view rest = uri.substr(scheme_end + 3);
    std::string_view query;
    if (auto q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    std::string_view authority = rest, path;
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
        authority = rest.substr(0, slash);
        path = rest.substr(slash + 1);
    }
    // userinfo: the last '@' separates it (a password may contain '@' percent-encoded only,
    // but be lenient like libpq and split at the last one).
    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
        std::string_view userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
        std::string_view user = userinfo, password;
        bool has_password = false;
        if (auto colon = userinfo.find(':'); colon != std::string_view::npos) {
            user = userinfo.substr(0, colon);
            password = userinfo.substr(colon + 1);
            has_password = true;
        }
        if (!user.empty()) {
            auto u = percent_decode(user, "user");
            if (!u) return fail{u.error()};
            out["user"] = *u;
        }
        if (has_password) {
            auto p = percent_decode(password, "password");
            if (!p) return fail{p.error()};
            out["password"] = *p;
        }
    }
    if (authority.find(',') != std::string_view::npos)
        return fail{"several hosts are not supported: " + quote(authority)};
    if (!authority.empty()) {
        std::string_view host = authority, port;
        if (authority.front() == '[') {
            auto close = authority.find(']');
            if (close == std::string_view::npos)
                return fail{"unterminated IPv6 address in " + quote(authority)};
            host = authority.substr(1, close - 1);
            std::string_view after = authority.substr(close + 1);
            if (!after.empty()) {
                if (after.front() != ':')
                    return fail{"unexpected " + quote(after) + " after the IPv6 address"};
                port = after.substr(1);
            }
        } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
            host = authority.substr(0, colon);
            port = authority.substr(colon + 1);
        }
        if (!host.empty()) {
            auto h = percent_decode(host, "host");
            if (!h) return fail{h.error()};
            out["host"] = *h;
        }
        if (!port.empty()) {
            auto p = percent_decode(port, "port");
            if (!p) return fail{p.error()};
            out["port"] = *p;
        }
    }
    if (!path.empty()) {
        auto d = percent_decode(path, "dbname");
        if (!d) return fail{d.error()};
        out["dbname"] = *d;
    }
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view kv = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (kv.empty()) continue;
        auto eq = kv.find('=');
        if (eq == std::string_view::npos)
            return fail{"missing '=' in URI query parameter " + quote(kv)};
        auto k = percent_decode(kv.substr(0, eq), "parameter name");
        if (!k) return fail{k.error()};
        auto v = percent_decode(kv.substr(eq + 1), "value of " + quote(kv.substr(0, eq)));
        if (!v) return fail{v.error()};
        // libpq accepts ssl=true as sslmode=require in URIs (JDBC compatibility).
        if (*k == "ssl") {
            if (*v != "true") return fail{"invalid value for ssl: " + quote(*v)};
            out["sslmode"] = "require";
            continue;
        }
        if (auto r = put(out, *k, std::move(*v)); !r) return r;
    }
    return {};
}

result<void, std::string> parse_key_value(std::string_view s, settings& out) {
    std::size_t i = 0;
    auto space = [&](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (i < s.size()) {
        while (i < s.size() && space(s[i])) ++i;
        if (i >= s.size()) break;
        std::size_t kstart = i;
        while (i < s.size() && s[i] != '=' && !space(s[i])) ++i;
        std::string_view key = s.substr(kstart, i - kstart);
        while (i < s.size() && space(s[i])) ++i;
        if (i >= s.size() || s[i] != '=')
            return fail{"missing \"=\" after " + quote(key) + " in connection string"};
        ++i;
        while (i < s.size() && space(s[i])) ++i;
        std::string value;
        if (i < s.size() && s[i] == '\'') {
            ++i;
            bool closed = false;
            while (i < s.size()) {
                char c = s[i++];
                if (c == '\\' && i < s.size()) {
                    value.push_back(s[i++]);
                } else if (c == '\'') {
                    closed = true;
                    break;
                } else {
                    value.push_back(c);
                }
            }
            if (!closed) return fail{"unterminated quoted value for " + quote(key)};
        } else {
            while (i < s.size() && !space(s[i])) {
                char c = s[i++];
                if (c == '\\' && i < s.size()) c = s[i++];
                value.push_back(c);
            }
        }
        if (key.empty()) return fail{"empty parameter name in connection string"};
        if (auto r = put(out, key, std::move(value)); !r) return r;
    }
    return {};
}

std::string os_user() {
    if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_name) return pw->pw_name;
    return "postgres";
}

} // namespace

std::optional<std::string> process_env(std::string_view name) {
    const char* v = std::getenv(std::string(name).c_str());
    if (!v) return std::nullopt;
    return std::string(v);
}

std::string conninfo::unix_socket_path() const {
    std::string p = host;
    if (p.size() > 1 && p.back() == '/') p.pop_back();
    return p + "/.s.PGSQL." + std::to_string(port);
}

std::string_view to_string(ssl_mode m) noexcept {
    switch (m) {
    case ssl_mode::disable: return "disable";
    case ssl_mode::allow: return "allow";
    case ssl_mode::prefer: return "prefer";
    case ssl_mode::require: return "require";
    case ssl_mode::verify_ca: return "verify-ca";
    case ssl_mode::verify_full: return "verify-full";
    }
    return "?";
}

result<conninfo, std::string> parse_conninfo(std::string_view s, const env_lookup& env) {
    settings kv;
    std::string_view trimmed = s;
    while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t'))
        trimmed.remove_prefix(1);
    if (trimmed.rfind("postgresql://", 0) == 0 || trimmed.rfind("postgres://", 0) == 0) {
        if (auto r = parse_uri(trimmed, kv); !r) return fail{r.error()};
    } else if (trimmed.find("://") != std::string_view::npos &&
               trimmed.find('=') > trimmed.find("://")) {
        return fail{"unsupported URI scheme " + quote(trimmed.substr(0, trimmed.find("://"))) +
                    " (expected postgres:// or postgresql://)"};
    } else {
        if (auto r = parse_key_value(trimmed, kv); !r) return fail{r.error()};
    }

    // Environment fallbacks, then defaults ("34.15. Environment Variables").
    static constexpr std::pair<const char*, const char*> env_keys[] = {
        {"host", "PGHOST"},         {"hostaddr", "PGHOSTADDR"},
        {"port", "PGPORT"},         {"user", "PGUSER"},
        {"password", "PGPASSWORD"}, {"dbname", "PGDATABASE"},
        {"sslmode", "PGSSLMODE"},   {"application_name", "PGAPPNAME"},
        {"connect_timeout", "PGCONNECT_TIMEOUT"}, {"sslrootcert", "PGSSLROOTCERT"},
        {"channel_binding", "PGCHANNELBINDING"}, {"options", "PGOPTIONS"}};
    for (auto [key, var] : env_keys) {
        if (kv.count(key)) continue;
        if (auto v = env(var); v && !v->empty()) kv[key] = *v;
    }

    conninfo ci;
    auto get = [&](std::string_view k) -> const std::string* {
        auto it = kv.find(k);
        return it == kv.end() ? nullptr : &it->second;
    };
    if (auto v = get("host"); v && !v->empty()) {
        if (v->find(',') != std::string::npos)
            return fail{"several hosts are not supported: " + quote(*v)};
        ci.host = *v;
    }
    if (auto v = get("hostaddr"); v && !v->empty()) ci.hostaddr = *v;
    if (auto v = get("port"); v && !v->empty()) {
        unsigned p = 0;
        auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), p);
        if (ec != std::errc() || ptr != v->data() + v->size() || p == 0 || p > 65535)
            return fail{"invalid port " + quote(*v)};
        ci.port = static_cast<std::uint16_t>(p);
    }
    if (auto v = get("user"); v && !v->empty()) ci.user = *v;
    else ci.user = os_user();
    if (auto v = get("password")) ci.password = *v;
    if (auto v = get("dbname"); v && !v->empty()) ci.dbname = *v;
    else ci.dbname = ci.user;
    if (auto v = get("application_name"); v && !v->empty()) ci.application_name = *v;
    else if (auto f = get("fallback_application_name")) ci.application_name = *f;
    if (auto v = get("options")) ci.options = *v;
    if (auto v = get("sslrootcert")) ci.sslrootcert = *v;
    if (auto v = get("sslcert")) ci.sslcert = *v;
    if (auto v = get("sslkey")) ci.sslkey = *v;
    if (auto v = get("client_encoding"); v && *v != "UTF8" && *v != "utf8" && *v != "UTF-8")
        return fail{"unsupported client_encoding " + quote(*v) + " (only UTF8)"};
    if (auto v = get("sslmode"); v && !v->empty()) {
        static constexpr std::pair<std::string_view, ssl_mode> modes[] = {
            {"disable", ssl_mode::disable}, {"allow", ssl_mode::allow},
            {"prefer", ssl_mode::prefer},   {"require", ssl_mode::require},
            {"verify-ca", ssl_mode::verify_ca}, {"verify-full", ssl_mode::verify_full}};
        bool found = false;
        for (auto [name, m] : modes)
            if (name == *v) {
                ci.sslmode = m;
                found = true;
            }
        if (!found)
            return fail{"invalid sslmode " + quote(*v) +
                        " (disable, allow, prefer, require, verify-ca, verify-full)"};
    }
    if (auto v = get("channel_binding"); v && !v->empty()) {
        if (*v == "disable") ci.channel_binding = channel_binding::disable;
        else if (*v == "prefer") ci.channel_binding = channel_binding::prefer;
        else if (*v == "require") ci.channel_binding = channel_binding::require;
        else return fail{"invalid channel_binding " + quote(*v) + " (disable, prefer, require)"};
    }
    if (auto v = get("connect_timeout"); v && !v->empty()) {
        long t = 0;
        auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), t);
        if (ec != std::errc() || ptr != v->data() + v->size() || t < 0)
            return fail{"invalid connect_timeout " + quote(*v)};
        // libpq treats 1 as 2 seconds (a 1-second timeout is too racy to be useful).
        ci.connect_timeout = std::chrono::seconds(t == 1 ? 2 : t);
    }
    // TCP keepalive and user timeout: libpq's keys, integers >= 0 (see conninfo.hpp for the
    // defaults, which differ from the OS's on purpose).
    auto non_negative = [&](std::string_view k, long& out) -> result<bool, std::string> {
        auto v = get(k);
        if (!v || v->empty()) return false;
        auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
        if (ec != std::errc() || ptr != v->data() + v->size() || out < 0 || out > 2'000'000'000)
            return fail{"invalid " + std::string(k) + " " + quote(*v)};
        return true;
    };
    long n = 0;
    for (std::string_view k : {"keepalives", "keepalives_idle", "keepalives_interval",
                               "keepalives_count", "tcp_user_timeout"}) {
        auto r = non_negative(k, n);
        if (!r) return fail{r.error()};
        if (!*r) continue;
        if (k == "keepalives") ci.keepalives = n != 0;
        else if (k == "keepalives_idle") ci.keepalives_idle = std::chrono::seconds(n);
        else if (k == "keepalives_interval") ci.keepalives_interval = std::chrono::seconds(n);
        else if (k == "keepalives_count") ci.keepalives_count = static_cast<int>(n);
        else ci.tcp_user_timeout = std::chrono::milliseconds(n);
    }
    if (ci.is_unix_socket() && ci.sslmode >= ssl_mode::require && ci.hostaddr.empty()) {
        // libpq never uses TLS over a unix socket; a "require" there cannot be met.
        return fail{"sslmode " + std::string(to_string(ci.sslmode)) +
                    " cannot be used with a unix-socket host " + quote(ci.host)};
    }
    return ci;
}

} // namespace fraiseql::pg
