// FraiseQL's generated inputs (product.md §3.1, §3.2): TWhereInput and TOrderByInput per
// @view type, OrderDirection, and the *Filter inputs, made from the operator catalogue
// (include/fraiseql/graphql/operators.hpp).

#include <set>
#include <string>
#include <vector>

#include "graphql/schema/builder.hpp"

namespace fraiseql::graphql::detail {

type_def& builder::input_type(const std::string& name, const std::string& description) {
    if (auto* t = s->find_type_mut(name)) return *t;
    type_def t;
    t.kind = named_kind::input_object;
    t.name = name;
    t.description = description;
    t.generated = true;
    return s->add_type(std::move(t));
}

argument_def builder::in(std::string n, type_expr t, std::string d) {
    argument_def a;
    a.name = std::move(n);
    a.type = std::move(t);
    a.description = std::move(d);
    return a;
}

void builder::ensure_order_direction() {
    if (s->find_type("OrderDirection")) return;
    type_def t;
    t.kind = named_kind::enum_;
    t.name = "OrderDirection";
    t.description = "Sort direction, with explicit placement of nulls.";
    t.generated = true;
    for (const char* v : {"ASC", "DESC", "ASC_NULLS_FIRST", "ASC_NULLS_LAST", "DESC_NULLS_FIRST",
                          "DESC_NULLS_LAST"})
        t.enum_values.push_back({v, {}, std::nullopt});
    s->add_type(std::move(t));
}

/// An operand input object of the catalogue (IpRangeInput, ...), once.
void builder::ensure_operand_input(const operand_input& oi) {
    if (s->find_type(oi.name)) return;
    auto& t = input_type(std::string(oi.name), std::string(oi.description));
    for (const auto& f : oi.fields)
        t.input_fields.push_back(in(std::string(f.name), operand_type(f.type, {})));
}

/// The filter input of a field (product.md §3.2): its family's operators, in catalogue
/// order (include/fraiseql/graphql/operators.hpp). "" when the field has none.
std::string builder::ensure_filter(const field_def& field) {
    const auto family = filter_family_of(*s, field.type, field.search);
    if (!family) return {};
    std::string fname = filter_type_name(*s, field.type, field.search);
    if (s->find_type(fname)) return fname;
    const std::string& name = field.type.name;
    std::vector<argument_def> ops;
    for (const filter_operator* op : filter_operators(*family)) {
        // Operand inputs come first: types are listed in the order they are added.
        if (const operand_input* oi = find_operand_input(op->operand)) ensure_operand_input(*oi);
        ops.push_back(in(std::string(op->name), operand_type(op->operand, name),
                         std::string(op->description)));
    }
    std::string description;
    if (*family == filter_family::full_text)
        description = "Full-text search operators on a tsvector field.";
    else if (*family == filter_family::list)
        description = "Operators on a list of " + name + ".";
    else if (s->find_type(name)->kind == named_kind::enum_)
        description = "Operators on the " + name + " enum.";
    else
        description = "Operators on " + name + " values.";
    input_type(fname, description).input_fields = std::move(ops);
    return fname;
}

/// TWhereInput / TOrderByInput for an object type (recursing into embedded objects).
void builder::ensure_where_and_order(const std::string& type_name, std::set<std::string>& seen) {
    if (!seen.insert(type_name).second) return;
    const type_def* t = s->find_type(type_name);
    if (!t || t->kind != named_kind::object) return;
    std::string where = type_name + "WhereInput";
    std::string order = type_name + "OrderByInput";
    input_type(where, "Filter on " + type_name + " (fields ANDed; AND / OR / NOT combine).");
    input_type(order, "Order " + type_name + " by one field (give a list for several keys).");
    std::vector<argument_def> wf, of;
    // Copy the fields first: recursion may add types (and reallocate nothing in
    // the schema's vector of pointers, but keep the logic simple).
    std::vector<field_def> fields = t->fields;
    for (const auto& f : fields) {
        const type_def* ft = s->find_type(f.type.name);
        if (!ft) continue;
        bool list = f.type.is_list();
        if (ft->kind == named_kind::object) {
            if (list) continue; // arrays of objects: no filter operators (documented)
            ensure_where_and_order(ft->name, seen);
            wf.push_back(in(f.name, type_expr::named(ft->name + "WhereInput"), f.description));
            of.push_back(in(f.name, type_expr::named(ft->name + "OrderByInput"), f.description));
            continue;
        }
        if (ft->kind != named_kind::scalar && ft->kind != named_kind::enum_) continue;
        std::string filter = ensure_filter(f);
        if (!filter.empty()) wf.push_back(in(f.name, type_expr::named(filter), f.description));
        if (!list && !f.search && ft->name != "JSON" && ft->name != "Vector")
            of.push_back(in(f.name, type_expr::named("OrderDirection"), f.description));
    }
    wf.push_back(in("AND", type_expr::named(where).non_null_of().list_of(), "All must match."));
    wf.push_back(in("OR", type_expr::named(where).non_null_of().list_of(), "At least one must match."));
    wf.push_back(in("NOT", type_expr::named(where), "Must not match."));
    s->find_type_mut(where)->input_fields = std::move(wf);
    if (of.empty()) {
        // An input object needs a field; a type with nothing orderable still gets one
        // harmless entry so that the schema stays valid.
        of.push_back(in("_", type_expr::named("OrderDirection"), "Unused: nothing orderable."));
    }
    s->find_type_mut(order)->input_fields = std::move(of);
}

} // namespace fraiseql::graphql::detail
