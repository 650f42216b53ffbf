// The live-query root (product.md §3.7; docs/adr/0014-live-queries.md "Schema"): a root field
// of `type Subscription` mirrors a Query field of a @view type — the same list or
// single-object field with the same arguments — and a subscription to it is that query,
// refetched per cohort and pushed on change. Connections are not mirrored: a cursor page is a
// snapshot, not something to keep live.
//
// Two ways to get the root, both ending in the same fields:
// - generated (the default): no `type Subscription` in the SDL, so every list and
//   single-object root field of Query on a @view type is mirrored under its own name;
// - declared: `type Subscription { items: [Item!]! }` (or `schema { subscription: X }`)
//   names the fields to expose; each must be a Query list or single-object field of the same
//   name and type, and takes that field's arguments (declared arguments must be among them).

#include <string>

#include "graphql/schema/builder.hpp"

namespace fraiseql::graphql::detail {

namespace {

bool mirrorable(const field_def& f) {
    return f.root == field_def::root_kind::list || f.root == field_def::root_kind::single;
}

std::string type_text(const type_expr& t) {
    if (t.is_named()) return t.name;
    if (t.is_non_null()) return type_text(t.of_type()) + "!";
    return "[" + type_text(t.of_type()) + "]";
}

} // namespace

void builder::generate_subscription_fields() {
    const type_def* q = s->find_type(s->query_type_name());
    if (!q) return;
    const bool declared_name = !s->subscription_type_name().empty();
    const std::string name = declared_name ? s->subscription_type_name() : "Subscription";
    type_def* sub = s->find_type_mut(name);
    if (!sub) {
        if (declared_name) {
            fail("Unknown subscription type \"" + name + "\".", {});
            return;
        }
        type_def t;
        t.kind = named_kind::object;
        t.name = name;
        t.description = "Live queries: each field is the Query field of the same name, pushed "
                        "again whenever its result changes (graphql-transport-ws on /graphql).";
        t.generated = true;
        for (const auto& f : q->fields)
            if (mirrorable(f)) t.fields.push_back(f);
        if (t.fields.empty()) return; // nothing to subscribe to: no subscription root
        s->add_type(std::move(t));
        s->set_subscription_type(name);
        return;
    }
    if (sub->kind != named_kind::object) {
        fail("The subscription root \"" + name + "\" must be an object type.", sub->loc);
        return;
    }
    for (auto& f : sub->fields) {
        const field_def* qf = q->find_field(f.name);
        if (!qf || !mirrorable(*qf)) {
            fail("Subscription field \"" + f.name + "\" must mirror a list or single-object "
                 "Query field of a @view type with the same name (live queries, product.md "
                 "§3.7).",
                 f.loc);
            continue;
        }
        if (type_text(f.type) != type_text(qf->type)) {
            fail("Subscription field \"" + f.name + "\" has type " + type_text(f.type) +
                     " but Query." + f.name + " has " + type_text(qf->type) + ".",
                 f.loc);
            continue;
        }
        for (const auto& a : f.args)
            if (!qf->find_arg(a.name))
                fail("Argument \"" + a.name + "\" of Subscription field \"" + f.name +
                         "\" is not an argument of Query." + f.name + ".",
                     a.loc);
        std::string description = f.description.empty() ? qf->description : f.description;
        const auto loc = f.loc;
        f = *qf;
        f.description = std::move(description);
        f.loc = loc;
    }
    s->set_subscription_type(name);
}

} // namespace fraiseql::graphql::detail
