// The native connector (temporary: replaced by the real driver in following commits).
#include "fraiseql/pg/native.hpp"

namespace fraiseql::pg {

result<std::unique_ptr<connector>> make_native_connector(asio::any_io_executor /*ex*/,
                                                         std::string_view /*connection_string*/) {
    return make_error(errc::unsupported, "native driver: not built yet");
}

} // namespace fraiseql::pg
