#include "projection_builder.hpp"

namespace fraiseql::exec {

std::shared_ptr<const json::projection> build_projection(const graphql::schema& s,
                                                         const graphql::type_def& type,
                                                         const std::vector<graphql::field_plan>& selection) {
    std::vector<json::projected_field> fields;
    fields.reserve(selection.size());
    for (const auto& fp : selection) {
        json::projected_field pf;
        if (fp.name == "__typename" || !fp.field) {
            pf = json::typename_field(type.name, fp.response_key);
        } else {
            const graphql::field_def& fd = *fp.field;
            const graphql::type_def* ft = s.find_type(fd.type.name);
            const bool non_null = fd.type.is_non_null();
            const bool list = fd.type.is_list();
            const bool items_non_null = list && fd.type.item().is_non_null();
            if (ft && ft->kind == graphql::named_kind::object) {
                auto child = build_projection(s, *ft, fp.selection);
                pf = list ? json::object_list_field(fd.key, fp.response_key, std::move(child), non_null,
                                                    items_non_null)
                          : json::object_field(fd.key, fp.response_key, std::move(child), non_null);
            } else {
                pf = json::value_field(fd.key, fp.response_key, non_null);
                pf.items_non_null = items_non_null;
            }
            pf.field_name = fd.name;
        }
        pf.line = fp.loc.line;
        pf.column = fp.loc.column;
        fields.push_back(std::move(pf));
    }
    return std::make_shared<const json::projection>(type.name, std::move(fields));
}

} // namespace fraiseql::exec
