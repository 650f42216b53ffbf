// xsAggregate and xsGroupBy (product.md §3.6, docs/adr/0015-aggregates.md): for every root
// list field `xs` of a @view type X, two root fields and the types they need, made from the
// aggregate catalogue (include/fraiseql/graphql/aggregates.hpp). The fields of the generated
// objects carry the @auth roles of the X fields they aggregate, and XAggregate / XGroup those
// of X, so that authorization treats them as it treats X (an aggregate over a field the caller
// may not read is FORBIDDEN).

#include <string>
#include <vector>

#include "fraiseql/graphql/aggregates.hpp"
#include "graphql/schema/builder.hpp"

namespace fraiseql::graphql::detail {
namespace {

type_expr N(std::string n) {
    return type_expr::named(std::move(n));
}

/// A field of a generated object: its JSON key is its GraphQL name (the aggregate SQL writes
/// the keys, src/sql/aggregate_select.cpp).
field_def out_field(std::string name, type_expr t, std::string description = {}) {
    field_def f;
    f.name = std::move(name);
    f.key = f.name;
    f.type = std::move(t);
    f.description = std::move(description);
    return f;
}

} // namespace

void builder::ensure_aggregate_types(const type_def& x) {
    const std::string agg = aggregate_type_name(x.name);
    if (s->find_type(agg))
        return; // made for another list field of X (or a clash, reported)
    // Copies: adding types never moves `x`, but keep its fields by value while we add.
    const std::vector<field_def> fields = x.fields;
    const std::vector<std::string> type_roles = x.auth_roles;
    auto object = [&](std::string name, std::string description, std::vector<field_def> fs) {
        type_def t;
        t.kind = named_kind::object;
        t.name = std::move(name);
        t.description = std::move(description);
        t.fields = std::move(fs);
        t.generated = true;
        return &s->add_type(std::move(t));
    };
    ensure_order_direction();

    // One object per per-field function with at least one applicable field (an object type
    // needs a field: a type with no numeric field has no `sum`).
    struct made {
        const aggregate_function* fn;
        std::string type;
        std::vector<field_def> fields; ///< result-typed, named as X's fields
    };
    std::vector<made> per_field;
    for (const auto& fn : aggregate_functions()) {
        if (!fn.per_field)
            continue;
        made m{&fn, x.name + std::string(fn.type_suffix), {}};
        for (const auto& f : fields)
            if (auto r = aggregate_result_of(*s, fn, f)) {
                field_def o = out_field(f.name, N(std::string(r->type)), f.description);
                o.auth_roles = f.auth_roles;
                m.fields.push_back(std::move(o));
            }
        if (m.fields.empty())
            continue;
        object(m.type, std::string(fn.description), m.fields);
        per_field.push_back(std::move(m));
    }
    std::vector<field_def> agg_fields{
        out_field("count", N("Int").non_null_of(), "The number of rows.")};
    for (const auto& m : per_field)
        agg_fields.push_back(out_field(std::string(m.fn->field), N(m.type).non_null_of(),
                                       std::string(m.fn->description)));
    type_def* a =
        object(agg, "Aggregates over the " + x.name + " rows a filter selects.", agg_fields);
    a->auth_roles = type_roles;

    // Grouping: XField, XGroupKey, XGroupByInput, XGroup, XHavingInput, XGroupOrderByInput.
    std::vector<const field_def*> groupable_fields;
    for (const auto& f : fields)
        if (groupable(*s, f))
            groupable_fields.push_back(&f);
    if (groupable_fields.empty())
        return;
    if (!s->find_type("TimeBucket")) {
        type_def t;
        t.kind = named_kind::enum_;
        t.name = "TimeBucket";
        t.description = "A calendar unit a Date or DateTime is truncated to when grouping (in UTC "
                        "unless the field's `timezone` argument names a zone).";
        t.generated = true;
        for (const auto& b : time_buckets())
            t.enum_values.push_back({std::string(b.name), {}, {}});
        s->add_type(std::move(t));
    }
    {
        type_def e;
        e.kind = named_kind::enum_;
        e.name = x.name + "Field";
        e.description = "A field of " + x.name + " to group by.";
        e.generated = true;
        for (const auto* f : groupable_fields)
            e.enum_values.push_back({f->name, f->description, {}});
        s->add_type(std::move(e));
    }
    std::vector<field_def> key_fields;
    std::vector<argument_def> key_order;
    for (const auto* f : groupable_fields) {
        field_def k = out_field(f->name, N(f->type.name), f->description);
        k.auth_roles = f->auth_roles;
        key_fields.push_back(std::move(k));
        key_order.push_back(in(f->name, N("OrderDirection")));
    }
    object(x.name + "GroupKey",
           "The key of a group: the fields grouped by (a bucketed field holds the start of its "
           "bucket); null for the fields not grouped by.",
           key_fields);
    input_type(x.name + "GroupByInput", "One key of a grouping: a field, and for a Date or "
                                        "DateTime field optionally a time bucket.")
        .input_fields = {in("field", N(x.name + "Field").non_null_of()),
                         in("bucket", N("TimeBucket"), "Only for Date and DateTime fields.")};

    std::vector<field_def> group_fields{
        out_field("key", N(x.name + "GroupKey").non_null_of(), "The group's key."),
        out_field("count", N("Int").non_null_of(), "The number of rows in the group.")};
    for (const auto& m : per_field)
        group_fields.push_back(out_field(std::string(m.fn->field), N(m.type).non_null_of(),
                                         std::string(m.fn->description)));
    type_def* g = object(group_type_name(x.name), "A group of " + x.name + " rows.", group_fields);
    g->auth_roles = type_roles;

    // having: the existing scalar filters, on the aggregates' result types.
    const std::string having = x.name + "HavingInput";
    const std::string gorder = x.name + "GroupOrderByInput";
    input_type(having, "Filter on a group's aggregates (fields ANDed; AND / OR / NOT combine).");
    input_type(gorder, "Order groups by one key field or aggregate (a list for several).");
    const std::string key_order_name = x.name + "GroupKeyOrderByInput";
    input_type(key_order_name, "Order groups by key fields.").input_fields = key_order;
    field_def count_field = out_field("count", N("Int"));
    std::vector<argument_def> hf{in("count", N(ensure_filter(count_field)))};
    std::vector<argument_def> of{in("key", N(key_order_name)), in("count", N("OrderDirection"))};
    for (const auto& m : per_field) {
        std::vector<argument_def> mh, mo;
        for (const auto& f : m.fields) {
            field_def plain = f; // the result-typed field: its filter is the result's
            plain.auth_roles.clear();
            if (std::string filter = ensure_filter(plain); !filter.empty())
                mh.push_back(in(f.name, N(filter)));
            mo.push_back(in(f.name, N("OrderDirection")));
        }
        if (!mh.empty()) {
            input_type(m.type + "HavingInput", "Filters on " + std::string(m.fn->field) + ".")
                .input_fields = std::move(mh);
            hf.push_back(in(std::string(m.fn->field), N(m.type + "HavingInput")));
        }
        input_type(m.type + "OrderByInput", "Order by " + std::string(m.fn->field) + ".")
            .input_fields = std::move(mo);
        of.push_back(in(std::string(m.fn->field), N(m.type + "OrderByInput")));
    }
    hf.push_back(in("AND", N(having).non_null_of().list_of(), "All must match."));
    hf.push_back(in("OR", N(having).non_null_of().list_of(), "At least one must match."));
    hf.push_back(in("NOT", N(having), "Must not match."));
    s->find_type_mut(having)->input_fields = std::move(hf);
    s->find_type_mut(gorder)->input_fields = std::move(of);
}

void builder::generate_aggregate_fields(const field_def& list, const type_def& x,
                                        std::vector<field_def>& extra) {
    if (!list.aggregates || (x.view && !x.view->aggregates))
        return;
    const type_def* q = s->find_type(s->query_type_name());
    const std::string agg = aggregate_type_name(x.name), group = group_type_name(x.name);
    for (const std::string& name : {agg, group})
        if (const type_def* t = s->find_type(name); t && !t->generated) {
            fail("Type \"" + name +
                     "\" is declared, but FraiseQL generates it for the "
                     "aggregates of \"" +
                     x.name +
                     "\": rename it, or turn them off with "
                     "@view(..., aggregates: false) on \"" +
                     x.name + "\".",
                 t->loc);
            return;
        }
    ensure_aggregate_types(x);
    auto root = [&](std::string name, field_def::root_kind kind, type_expr t,
                    std::string description) {
        if (q->find_field(name))
            return; // declared in the SDL: the schema's own field wins
        for (const auto& e : extra)
            if (e.name == name)
                return;
        field_def f;
        f.name = std::move(name);
        f.key = field_key(f.name);
        f.type = std::move(t);
        f.description = std::move(description);
        f.root = kind;
        f.aggregate_of = x.name;
        f.view_override = list.view_override;
        f.auth_roles = list.auth_roles;
        f.loc = list.loc;
        f.args.push_back(in("where", N(x.name + "WhereInput"), "Filter on the rows."));
        if (kind == field_def::root_kind::group_by) {
            f.args.insert(f.args.begin(),
                          in("by", N(x.name + "GroupByInput").non_null_of().list_of().non_null_of(),
                             "The group keys (at least one)."));
            f.args.push_back(in("having", N(x.name + "HavingInput"), "Filter on the groups."));
            f.args.push_back(in("orderBy", N(x.name + "GroupOrderByInput").non_null_of().list_of(),
                                "Sort keys, most significant first (then the group key)."));
            f.args.push_back(in("limit", N("Int"), "At most this many (capped by max_page_size)."));
            f.args.push_back(in("offset", N("Int"), "Skip this many."));
            f.args.push_back(in("timezone", N("String"),
                                "The IANA zone time buckets are computed in (default UTC)."));
        }
        extra.push_back(std::move(f));
    };
    root(list.name + "Aggregate", field_def::root_kind::aggregate, N(agg).non_null_of(),
         "Aggregates over " + list.name + ".");
    if (s->find_type(group))
        root(list.name + "GroupBy", field_def::root_kind::group_by,
             N(group).non_null_of().list_of().non_null_of(), "Groups of " + list.name + ".");
}

} // namespace fraiseql::graphql::detail
