// Mutations through PostgreSQL functions (product.md §4).

#include "context.hpp"

namespace fraiseql::exec {

boost::asio::awaitable<field_result> run_mutation(exec_context&, const graphql::field_plan& fp) {
    field_result r;
    r.is_null = true;
    r.errors.push_back(graphql::error::at("Mutation \"" + fp.name + "\" cannot run: mutations are not implemented yet.",
                                          fp.loc, graphql::code::internal_error));
    co_return r;
}

} // namespace fraiseql::exec
