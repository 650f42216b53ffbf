// plan_operation: the one road (validate → prepare → bind) taken in one call, for the
// callers that plan a document once (`fraiseql explain`, the golden SQL tests, the
// graphql-js oracle tool). It refuses what the engine refuses, with the same errors in the
// same order, because it runs the same steps in the engine's order (src/exec/engine.cpp):
// the expansion budget (product.md §9), every validation rule (spec §5), then the plan
// cache's two halves (prepared.cpp). docs/adr/0009-one-planner.md.

#include "fraiseql/graphql/planner.hpp"

#include "fraiseql/graphql/validate.hpp"

namespace fraiseql::graphql {

fraiseql::result<operation_plan, std::vector<error>>
plan_operation(const schema& s, const document& doc, std::string_view operation_name,
               const input_value& variables, const plan_options& opts) {
    // product.md §9: the expansion is counted before any rule walks the document.
    if (auto e = check_expansion(doc, operation_name, {opts.max_fields, 64}))
        return failure{std::vector<error>{std::move(*e)}};
    auto invalid = validate(s, doc);
    if (!invalid.empty())
        return failure{std::move(invalid)};
    // The prepared operation lives only for this call, so it may borrow `doc`: an aliasing
    // shared_ptr that owns nothing.
    auto prepared =
        prepare_operation(s, std::shared_ptr<const document>(std::shared_ptr<void>(), &doc),
                          operation_name, opts);
    if (!prepared)
        return failure{std::move(prepared.error())};
    return bind_operation(**prepared, variables);
}

std::optional<operation_kind> selected_operation_kind(const document& doc,
                                                      std::string_view operation_name) {
    const operation_definition* found = nullptr;
    std::size_t count = 0;
    for (const auto& d : doc.definitions)
        if (const auto* o = std::get_if<operation_definition>(&d)) {
            ++count;
            if (operation_name.empty() || o->name == operation_name) found = o;
        }
    if (!found || (operation_name.empty() && count != 1)) return std::nullopt;
    switch (found->operation) {
    case operation_type::query: return operation_kind::query;
    case operation_type::mutation: return operation_kind::mutation;
    case operation_type::subscription: return operation_kind::subscription;
    }
    return std::nullopt;
}

} // namespace fraiseql::graphql
