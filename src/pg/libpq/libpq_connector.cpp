// make_libpq_connector: the fallback backend's entry point (product spec §6).
#include <libpq-fe.h>

#include "fraiseql/pg/conninfo.hpp"
#include "fraiseql/pg/libpq.hpp"
#include "libpq_connection.hpp"

namespace fraiseql::pg {

namespace {

class libpq_connector final : public connector {
public:
    libpq_connector(asio::any_io_executor ex, std::string conninfo)
        : ex_(std::move(ex)), conninfo_(std::move(conninfo)) {}

    asio::awaitable<result<std::unique_ptr<connection>>> connect(deadline dl) override {
        return libpq_backend::libpq_connection::open(ex_, conninfo_, dl);
    }
    std::string_view backend_name() const noexcept override { return "libpq"; }

private:
    asio::any_io_executor ex_;
    std::string conninfo_;
};

} // namespace

result<std::unique_ptr<connector>> make_libpq_connector(asio::any_io_executor ex,
                                                        std::string_view connection_string) {
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
    PQconninfoFree(opts);
    return std::unique_ptr<connector>(new libpq_connector(std::move(ex), std::move(conninfo)));
}

} // namespace fraiseql::pg
