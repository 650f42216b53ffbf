// The work budget of a document's fragment expansion (product.md §9): the number of field
// selections CollectFields (§6.3.2) would visit once every fragment spread is replaced by
// its fragment, counted WITHOUT expanding anything. A spread costs what its fragment
// costs; each fragment's cost is computed once and memoised, so the count is linear in
// the document's size even when the expansion is exponential (`fragment F2 on User
// { ...F1 ...F1 }`, 30 levels deep, is 2^30 selections in 1.2 KB). Arithmetic saturates.
//
// The count is an upper bound of what the planner does: @skip/@include and type
// conditions are ignored (they can only remove selections), and fields that share a
// response key are counted once per occurrence, as the planner merges their
// sub-selections by concatenating them. The same walk measures how deep fragment spreads
// nest, so that the planner's recursive collection (and every recursive walk of the
// validator) never sees a chain deeper than `max_fragment_depth`.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <unordered_map>

#include "fraiseql/graphql/planner.hpp"
#include "budget.hpp"

namespace fraiseql::graphql {
namespace {

std::uint64_t add_saturating(std::uint64_t a, std::uint64_t b) noexcept {
    return a > std::numeric_limits<std::uint64_t>::max() - b
               ? std::numeric_limits<std::uint64_t>::max()
               : a + b;
}

struct expansion_counter {
    struct memo {
        std::uint64_t cost = 0;
        std::uint32_t height = 0; ///< fragment spreads nested below and including this one
        std::uint8_t state = 0;   ///< 0 new, 1 being counted (a cycle if met again), 2 done
    };
    std::unordered_map<std::string_view, const fragment_definition*> fragments;
    std::unordered_map<std::string_view, memo> memos;
    std::size_t max_depth;
    bool too_deep = false;
    source_location deep_at;

    /// The expanded field count of `set` at `nesting` fragment levels; raises `height` to
    /// the deepest fragment nesting found below `set`.
    std::uint64_t cost(const selection_set& set, std::uint32_t& height, std::size_t nesting) {
        std::uint64_t total = 0;
        for (const auto& sel : set) {
            if (too_deep)
                return total;
            if (const auto* f = std::get_if<field>(&sel.node)) {
                total = add_saturating(total, add_saturating(1, cost(f->selections, height, nesting)));
            } else if (const auto* in = std::get_if<inline_fragment>(&sel.node)) {
                total = add_saturating(total, cost(in->selections, height, nesting));
            } else if (const auto* sp = std::get_if<fragment_spread>(&sel.node)) {
                auto fit = fragments.find(sp->name);
                if (fit == fragments.end())
                    continue; // reported by validation (§5.5.2.1)
                // References into an unordered_map survive rehashing.
                memo& m = memos[sp->name];
                if (m.state == 1)
                    continue; // a cycle: reported by validation (§5.5.2.2)
                if (m.state == 0) {
                    if (nesting + 1 > max_depth) {
                        too_deep = true;
                        deep_at = sp->loc;
                        return total;
                    }
                    m.state = 1;
                    std::uint32_t h = 0;
                    const std::uint64_t c = cost(fit->second->selections, h, nesting + 1);
                    m.cost = c;
                    m.height = h + 1;
                    m.state = 2;
                }
                if (nesting + m.height > max_depth) {
                    too_deep = true;
                    deep_at = sp->loc;
                    return total;
                }
                height = std::max(height, m.height);
                total = add_saturating(total, m.cost);
            }
        }
        return total;
    }
};

bool is_where_input(const type_def* t) {
    return t && t->kind == named_kind::input_object && t->find_input_field("AND");
}

} // namespace

namespace detail {

std::uint64_t count_filter_conditions(const schema& s, const type_def& where_type,
                                      const input_value& v, std::uint64_t stop) {
    // An explicit stack, not recursion: a where given as a variable is nested only as
    // deeply as its JSON (the compiler refuses more than 32 levels later, but it must
    // not be reached with a million conditions first).
    std::uint64_t n = 0;
    std::vector<std::pair<const type_def*, const input_value*>> todo{{&where_type, &v}};
    while (!todo.empty() && !(stop && n > stop)) {
        auto [t, w] = todo.back();
        todo.pop_back();
        if (w->type() != input_value::kind::object)
            continue;
        for (const auto& [name, x] : w->as_object()) {
            if (name == "AND" || name == "OR") {
                for (const auto& item : x.as_list())
                    todo.emplace_back(t, &item);
                continue;
            }
            if (name == "NOT") {
                todo.emplace_back(t, &x);
                continue;
            }
            const argument_def* f = t->find_input_field(name);
            const type_def* ft = f ? s.find_type(f->type.name) : nullptr;
            if (is_where_input(ft)) {
                todo.emplace_back(ft, &x);
            } else if (x.type() == input_value::kind::object) {
                n = add_saturating(n, x.as_object().size()); // one per operator
            } else {
                n = add_saturating(n, 1); // malformed: refused by the compiler, counts one
            }
        }
    }
    return n;
}

void check_filter_budget(const schema& s, const std::vector<field_plan>& roots,
                         std::uint32_t max, std::vector<error>& errors) {
    if (!max)
        return;
    for (const auto& fp : roots) {
        if (!fp.field)
            continue;
        const input_value* w = fp.arg("where");
        const argument_def* def = fp.field->find_arg("where");
        if (!w || !def)
            continue;
        const type_def* t = s.find_type(def->type.name);
        if (!is_where_input(t))
            continue;
        const std::uint64_t n = count_filter_conditions(s, *t, *w, max);
        if (n > max)
            errors.push_back(error::at(
                "The where argument of \"" + fp.response_key + "\" has more than " +
                    std::to_string(max) + " conditions; the limit (max_filter_conditions) is " +
                    std::to_string(max) + ".",
                fp.loc, code::query_too_complex));
    }
}

} // namespace detail

std::optional<error> check_expansion(const document& doc, std::string_view operation_name,
                                     const expansion_limits& limits) {
    expansion_counter c;
    c.max_depth = limits.max_fragment_depth ? limits.max_fragment_depth : 1;
    std::vector<const operation_definition*> ops;
    for (const auto& d : doc.definitions) {
        if (const auto* o = std::get_if<operation_definition>(&d))
            ops.push_back(o);
        else if (const auto* f = std::get_if<fragment_definition>(&d))
            c.fragments[f->name] = f; // the last definition wins, as in prepare_operation
    }
    auto too_deep = [&] {
        return error::at("Fragment nesting is too deep: fragment spreads nest more than " +
                             std::to_string(c.max_depth) + " levels.",
                         c.deep_at, code::query_too_complex);
    };
    // Every fragment, used or not: the depth bound protects every recursive walk, and
    // validation walks unused fragments too. Each is counted once (memoised).
    for (const auto& [name, fd] : c.fragments) {
        std::uint32_t h = 0;
        const fragment_spread self{fd->loc, name, {}};
        selection_set one;
        one.push_back(selection{self});
        (void)c.cost(one, h, 0);
        if (c.too_deep)
            return too_deep();
    }
    // The operation that runs: the named one; an anonymous request runs its only
    // operation. When that is ambiguous (selection fails later) the largest one counts.
    bool any_named = false;
    for (const auto* o : ops)
        any_named = any_named || (!operation_name.empty() && o->name == operation_name);
    std::uint64_t worst = 0;
    const operation_definition* at = nullptr;
    for (const auto* o : ops) {
        if (any_named && o->name != operation_name)
            continue;
        std::uint32_t h = 0;
        const std::uint64_t n = c.cost(o->selections, h, 0);
        if (c.too_deep)
            return too_deep();
        if (!at || n > worst) {
            worst = n;
            at = o;
        }
    }
    if (limits.max_fields && at && worst > limits.max_fields)
        return error::at("Query has " + std::to_string(worst) +
                             " field selections after expanding fragments; the limit "
                             "(max_fields) is " +
                             std::to_string(limits.max_fields) + ".",
                         at->loc, code::query_too_complex);
    return std::nullopt;
}

} // namespace fraiseql::graphql
