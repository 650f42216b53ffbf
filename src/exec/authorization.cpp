#include "authorization.hpp"

namespace fraiseql::exec {
namespace {

bool allowed_by(const std::vector<std::string>& roles, const auth_context& who) {
    if (roles.empty()) return true;
    for (const auto& r : roles)
        if (who.has_role(r)) return true;
    return false;
}

bool allowed(const graphql::schema& s, const graphql::field_def& f, const auth_context& who) {
    if (!allowed_by(f.auth_roles, who)) return false;
    const graphql::type_def* t = s.find_type(f.type.name);
    return !t || allowed_by(t->auth_roles, who);
}

graphql::error forbidden(const graphql::field_plan& fp, std::vector<graphql::path_element> path) {
    graphql::error e = graphql::error::at("Not authorized to access field \"" + fp.name + "\".", fp.loc,
                                          graphql::code::forbidden);
    e.path = std::move(path);
    return e;
}

void walk(const graphql::schema& s, std::vector<graphql::field_plan>& selection, const auth_context& who,
          std::vector<graphql::path_element>& path, authorization& out) {
    for (auto& fp : selection) {
        if (!fp.field) continue;
        path.emplace_back(fp.response_key);
        if (!allowed(s, *fp.field, who)) {
            out.errors.push_back(forbidden(fp, path));
            graphql::field_def stand_in = *fp.field;
            stand_in.key = "\x01forbidden"; // no JSON document can hold this key
            out.stand_ins.push_back(std::move(stand_in));
            fp.field = &out.stand_ins.back();
            fp.selection.clear();
            fp.selection_by_type.clear();
        } else {
            walk(s, fp.selection, who, path, out);
            for (auto& [type, sel] : fp.selection_by_type) walk(s, sel, who, path, out);
        }
        path.pop_back();
    }
}

} // namespace

void authorize(const graphql::schema& s, graphql::operation_plan& plan, const auth_context& who,
               authorization& out) {
    out.root_forbidden.assign(plan.root_fields.size(), false);
    std::vector<graphql::path_element> path;
    for (std::size_t i = 0; i < plan.root_fields.size(); ++i) {
        auto& fp = plan.root_fields[i];
        if (!fp.field) continue;
        path.assign({fp.response_key});
        if (!allowed(s, *fp.field, who)) {
            out.root_forbidden[i] = true;
            out.errors.push_back(forbidden(fp, path));
            continue;
        }
        walk(s, fp.selection, who, path, out);
        for (auto& [type, sel] : fp.selection_by_type) walk(s, sel, who, path, out);
    }
}

} // namespace fraiseql::exec
