// make_libpq_connector: the fallback backend's entry point (product spec §6).
#include <libpq-fe.h>

#include <cstring>
#include <string>

#include "fraiseql/pg/conninfo.hpp"
#include "fraiseql/pg/libpq.hpp"
#include "libpq_connection.hpp"

namespace fraiseql::pg {

namespace {

class libpq_connector final : public connector {
public:
    libpq_connector(asio::any_io_executor ex, std::string conninfo, connector_options options)
        : ex_(std::move(ex)), conninfo_(std::move(conninfo)), options_(options) {}

    asio::awaitable<result<std::unique_ptr<connection>>> connect(deadline dl) override {
        // unnamed: no cache, so every statement goes through PQsendQueryParams (the unnamed
        // statement) inside the pipeline; nothing is PQsendPrepare'd under a name.
        const std::size_t capacity = options_.statements == statement_mode::unnamed
                                         ? 0
                                         : options_.statement_cache_size;
        return libpq_backend::libpq_connection::open(ex_, conninfo_, capacity, dl);
    }
    std::string_view backend_name() const noexcept override { return "libpq"; }

private:
    asio::any_io_executor ex_;
    std::string conninfo_;
    connector_options options_;
};

/// One key='value' pair of a libpq key/value connection string (34.1.1.1: single quotes,
/// backslash escapes for ' and \).
void append_setting(std::string& out, const char* key, std::string_view value) {
    if (!out.empty()) out += ' ';
    out += key;
    out += "='";
    for (char c : value) {
        if (c == '\\' || c == '\'') out += '\\';
        out += c;
    }
    out += '\'';
}

/// The settings given, as key/value pairs, plus FraiseQL's keepalive defaults where the
/// string sets none (conninfo.hpp): libpq leaves them to the OS (2 h before the first
/// probe), the native driver does not, and both backends must notice a dead peer alike.
std::string with_keepalive_defaults(const PQconninfoOption* opts) {
    static constexpr std::pair<const char*, const char*> defaults[] = {
        {"keepalives_idle", "60"}, {"keepalives_interval", "10"}, {"keepalives_count", "3"}};
    std::string out;
    for (const PQconninfoOption* o = opts; o->keyword; ++o)
        if (o->val) append_setting(out, o->keyword, o->val);
    for (auto [key, value] : defaults) {
        bool set = false;
        for (const PQconninfoOption* o = opts; o->keyword; ++o)
            if (std::strcmp(o->keyword, key) == 0 && o->val && *o->val) set = true;
        if (!set) append_setting(out, key, value);
    }
    return out;
}

} // namespace

result<std::unique_ptr<connector>> make_libpq_connector(asio::any_io_executor ex,
                                                        std::string_view connection_string) {
    return make_libpq_connector(std::move(ex), connection_string, connector_options{});
}

result<std::unique_ptr<connector>> make_libpq_connector(asio::any_io_executor ex,
                                                        std::string_view connection_string,
                                                        const connector_options& options) {
    // The native driver's parser first: both backends accept and refuse exactly the same
    // strings, with the same messages (an unknown key, several hosts, a bad port…). libpq
    // alone would accept some the native driver refuses (issue 4: no behavioural
    // difference between the backends); PQconninfoParse then checks libpq's own view.
    if (auto ci = parse_conninfo(connection_string); !ci)
        return make_error(errc::bad_connection_string, std::move(ci).error());
    std::string conninfo(connection_string);
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
    if (!opts) {
        std::string msg = err ? err : "out of memory";
        if (err) PQfreemem(err);
        while (!msg.empty() && msg.back() == '\n') msg.pop_back();
        return make_error(errc::bad_connection_string, "invalid connection string: " + msg);
    }
    // PQconninfoParse reports only what the string says (no environment, no defaults), so
    // the rebuilt string leaves those to PQconnectStart exactly as the original would.
    conninfo = with_keepalive_defaults(opts);
    PQconninfoFree(opts);
    return std::unique_ptr<connector>(
        new libpq_connector(std::move(ex), std::move(conninfo), options));
}

} // namespace fraiseql::pg
