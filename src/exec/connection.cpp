// Relay connections (product.md §3.4).

#include "context.hpp"

namespace fraiseql::exec {

boost::asio::awaitable<field_result> run_connection(exec_context&, const graphql::field_plan& fp) {
    field_result r;
    r.is_null = true;
    r.errors.push_back(graphql::error::at("Relay connections (\"" + fp.name + "\") are not implemented yet.",
                                          fp.loc, graphql::code::internal_error));
    co_return r;
}

} // namespace fraiseql::exec
