// §5.3.2 Field Selection Merging, following the algorithm of graphql-js 16.8
// (OverlappingFieldsCanBeMergedRule) step by step — its comparison order decides which
// conflicts are found first and how they are worded, and clients compare those messages.
// The spec's FieldsInSetCanMerge / SameResponseShape are what it computes; the caches make
// it polynomial, and a budget plus a depth guard make it bounded for hostile documents.

#include "overlap.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "context.hpp"
#include "fraiseql/graphql/parser.hpp"
#include "suggest.hpp"

namespace fraiseql::graphql::detail {
namespace {

struct field_entry {
    const type_def* parent;
    const field* node;
    const field_def* def;
};

struct field_map {
    std::vector<std::pair<std::string_view, std::vector<field_entry>>> groups;
    std::unordered_map<std::string_view, std::size_t> index;

    void add(std::string_view key, field_entry e) {
        auto [it, inserted] = index.emplace(key, groups.size());
        if (inserted) groups.push_back({key, {}});
        groups[it->second].second.push_back(e);
    }
    const std::vector<field_entry>* find(std::string_view key) const {
        auto it = index.find(key);
        return it == index.end() ? nullptr : &groups[it->second].second;
    }
};

struct fields_and_fragments {
    field_map fields;
    std::vector<std::string_view> fragment_names; // first-seen order, no duplicates
};

struct reason {
    std::string response_name;
    std::string text;         // a leaf reason
    std::vector<reason> subs; // or the sub-field conflicts
};

struct conflict {
    reason why;
    std::vector<const field*> fields1, fields2;
};

std::string reason_message(const reason& r) {
    if (r.subs.empty()) return r.text;
    std::string out;
    for (std::size_t i = 0; i < r.subs.size(); ++i) {
        if (i) out += " and ";
        out += "subfields \"" + r.subs[i].response_name + "\" conflict because " +
               reason_message(r.subs[i]);
    }
    return out;
}

// graphql-js `sortValueNode`: object fields in natural order, recursively.
value sorted(const value& v) {
    value out = v;
    for (auto& x : out.list) x = sorted(x);
    for (auto& f : out.fields) f.value = sorted(f.value);
    std::stable_sort(out.fields.begin(), out.fields.end(), [](const argument& a, const argument& b) {
        return natural_compare(a.name, b.name) < 0;
    });
    return out;
}

// graphql-js `doTypesConflict`.
bool types_conflict(vtype a, vtype b) {
    while (true) {
        if (a.list()) {
            if (!b.list()) return true;
            a = a.inner();
            b = b.inner();
            continue;
        }
        if (b.list()) return true;
        if (a.non_null()) {
            if (!b.non_null()) return true;
            a = a.inner();
            b = b.inner();
            continue;
        }
        if (b.non_null()) return true;
        if (is_leaf(a.named) || is_leaf(b.named)) return a.named != b.named;
        return false;
    }
}

// graphql-js `PairSet`: fragment pairs already compared, and whether only as mutually
// exclusive (a comparison that was not exclusive covers both cases).
class pair_set {
public:
    bool has(std::string_view a, std::string_view b, bool exclusive) const {
        auto it = data_.find(key(a, b));
        if (it == data_.end()) return false;
        return exclusive ? true : it->second == exclusive;
    }
    void add(std::string_view a, std::string_view b, bool exclusive) { data_[key(a, b)] = exclusive; }

private:
    static std::pair<std::string_view, std::string_view> key(std::string_view a, std::string_view b) {
        return a < b ? std::pair{a, b} : std::pair{b, a};
    }
    std::map<std::pair<std::string_view, std::string_view>, bool> data_;
};

constexpr std::size_t max_depth = 256;

} // namespace

struct overlap_checker::impl {
    const schema& s;
    const fragment_map& fragments;
    std::size_t budget;
    std::size_t work = 0;
    std::size_t depth = 0;
    bool stop = false;
    pair_set compared;
    std::unordered_map<const selection_set*, std::unique_ptr<fields_and_fragments>> cache;
    std::unordered_map<const field*, std::vector<std::pair<std::string_view, std::string>>> args_cache;

    struct depth_guard {
        impl& m;
        explicit depth_guard(impl& x) : m(x) {
            if (++m.depth > max_depth) m.stop = true;
        }
        ~depth_guard() { --m.depth; }
    };

    void collect(const type_def* parent, const selection_set& set, fields_and_fragments& out,
                 std::set<std::string_view>& seen_fragments) {
        for (const auto& sel : set) {
            if (const auto* f = std::get_if<field>(&sel.node)) {
                const field_def* def = nullptr;
                if (parent && (parent->kind == named_kind::object || parent->kind == named_kind::interface))
                    def = parent->find_field(f->name);
                out.fields.add(f->response_key(), {parent, f, def});
            } else if (const auto* sp = std::get_if<fragment_spread>(&sel.node)) {
                if (seen_fragments.insert(sp->name).second) out.fragment_names.push_back(sp->name);
            } else if (const auto* in = std::get_if<inline_fragment>(&sel.node)) {
                const type_def* t = in->type_condition.value.empty() ? parent
                                                                     : s.find_type(in->type_condition.value);
                collect(t, in->selections, out, seen_fragments);
            }
        }
    }

    const fields_and_fragments& fields_of(const type_def* parent, const selection_set& set) {
        auto& slot = cache[&set];
        if (!slot) {
            slot = std::make_unique<fields_and_fragments>();
            std::set<std::string_view> seen;
            collect(parent, set, *slot, seen);
        }
        return *slot;
    }

    const fields_and_fragments* fields_of_fragment(std::string_view name) {
        auto it = fragments.find(name);
        if (it == fragments.end()) return nullptr;
        const fragment_definition* fd = it->second;
        return &fields_of(s.find_type(fd->type_condition.value), fd->selections);
    }

    const std::vector<std::pair<std::string_view, std::string>>& args_of(const field* f) {
        auto& slot = args_cache[f];
        if (slot.empty() && !f->arguments.empty()) {
            for (const auto& a : f->arguments) slot.emplace_back(a.name, print(sorted(a.value)));
        }
        return slot;
    }

    bool same_arguments(const field* a, const field* b) {
        if (a->arguments.empty()) return b->arguments.empty();
        if (b->arguments.empty() || a->arguments.size() != b->arguments.size()) return false;
        const auto& x = args_of(a);
        const auto& y = args_of(b);
        for (const auto& [name, text] : x) {
            const std::string* other = nullptr;
            for (const auto& [n2, t2] : y)
                if (n2 == name) other = &t2; // the last one, like a JS Map built from the list
            if (!other || *other != text) return false;
        }
        return true;
    }

    // graphql-js `findConflict`.
    std::optional<conflict> find_conflict(bool parents_exclusive, std::string_view response_name,
                                          const field_entry& f1, const field_entry& f2) {
        if (stop) return std::nullopt;
        if (budget && ++work > budget) {
            stop = true;
            return std::nullopt;
        }
        depth_guard guard(*this);
        if (stop) return std::nullopt;
        const bool exclusive = parents_exclusive ||
                               (f1.parent != f2.parent && f1.parent && f2.parent &&
                                f1.parent->kind == named_kind::object && f2.parent->kind == named_kind::object);
        auto leaf = [&](std::string text) {
            conflict c;
            c.why.response_name = std::string(response_name);
            c.why.text = std::move(text);
            c.fields1 = {f1.node};
            c.fields2 = {f2.node};
            return c;
        };
        if (!exclusive) {
            if (f1.node->name != f2.node->name)
                return leaf("\"" + std::string(f1.node->name) + "\" and \"" + std::string(f2.node->name) +
                            "\" are different fields");
            if (!same_arguments(f1.node, f2.node)) return leaf("they have differing arguments");
        }
        vtype t1 = f1.def ? resolve(s, f1.def->type) : vtype{};
        vtype t2 = f2.def ? resolve(s, f2.def->type) : vtype{};
        if (t1.defined() && t2.defined() && types_conflict(t1, t2))
            return leaf("they return conflicting types \"" + t1.str() + "\" and \"" + t2.str() + "\"");
        if (!f1.node->selections.empty() && !f2.node->selections.empty()) {
            std::vector<conflict> subs;
            between_sub_selections(subs, exclusive, t1.named, f1.node->selections, t2.named,
                                   f2.node->selections);
            if (!subs.empty()) {
                conflict c;
                c.why.response_name = std::string(response_name);
                c.fields1.push_back(f1.node);
                c.fields2.push_back(f2.node);
                for (auto& x : subs) {
                    c.fields1.insert(c.fields1.end(), x.fields1.begin(), x.fields1.end());
                    c.fields2.insert(c.fields2.end(), x.fields2.begin(), x.fields2.end());
                    c.why.subs.push_back(std::move(x.why));
                }
                return c;
            }
        }
        return std::nullopt;
    }

    void within(std::vector<conflict>& out, const field_map& map) {
        for (const auto& [key, fields] : map.groups) {
            for (std::size_t i = 0; i < fields.size() && !stop; ++i)
                for (std::size_t j = i + 1; j < fields.size() && !stop; ++j)
                    if (auto c = find_conflict(false, key, fields[i], fields[j])) out.push_back(std::move(*c));
        }
    }

    void between(std::vector<conflict>& out, bool exclusive, const field_map& a, const field_map& b) {
        for (const auto& [key, fields1] : a.groups) {
            const auto* fields2 = b.find(key);
            if (!fields2) continue;
            for (const auto& x : fields1)
                for (const auto& y : *fields2) {
                    if (stop) return;
                    if (auto c = find_conflict(exclusive, key, x, y)) out.push_back(std::move(*c));
                }
        }
    }

    // graphql-js `collectConflictsBetweenFieldsAndFragment`, depth-first over the fragments
    // that the fragment spreads, in the same order; iterative, as a chain of fragments may
    // be long.
    void fields_and_fragment(std::vector<conflict>& out, bool exclusive, const fields_and_fragments& a,
                             std::string_view fragment_name) {
        struct frame {
            std::string_view name;
            const fields_and_fragments* b;
            std::size_t next;
        };
        std::vector<frame> stack;
        auto enter = [&](std::string_view name) {
            const fields_and_fragments* b = fields_of_fragment(name);
            if (!b || b == &a) return; // a fragment is not compared with itself
            between(out, exclusive, a.fields, b->fields);
            stack.push_back({name, b, 0});
        };
        enter(fragment_name);
        while (!stack.empty() && !stop) {
            frame& top = stack.back();
            if (top.next == top.b->fragment_names.size()) {
                stack.pop_back();
                continue;
            }
            std::string_view referenced = top.b->fragment_names[top.next++];
            std::string_view from = top.name;
            if (compared.has(referenced, from, exclusive)) continue;
            compared.add(referenced, from, exclusive);
            enter(referenced);
        }
    }

    // graphql-js `collectConflictsBetweenFragments`: the pair, then the second's spreads
    // against the first, then the first's spreads against the second. Iterative, in the
    // same order.
    void between_fragments(std::vector<conflict>& out, bool exclusive, std::string_view n1,
                           std::string_view n2) {
        struct frame {
            std::string_view n1, n2;
            const fields_and_fragments *a, *b;
            std::size_t next; // over b's spreads, then a's
        };
        std::vector<frame> stack;
        auto enter = [&](std::string_view x, std::string_view y) {
            if (x == y || compared.has(x, y, exclusive)) return;
            compared.add(x, y, exclusive);
            const fields_and_fragments* a = fields_of_fragment(x);
            const fields_and_fragments* b = fields_of_fragment(y);
            if (!a || !b) return;
            between(out, exclusive, a->fields, b->fields);
            stack.push_back({x, y, a, b, 0});
        };
        enter(n1, n2);
        while (!stack.empty() && !stop) {
            frame& top = stack.back();
            const std::size_t nb = top.b->fragment_names.size();
            if (top.next == nb + top.a->fragment_names.size()) {
                stack.pop_back();
                continue;
            }
            const std::size_t i = top.next++;
            if (i < nb) {
                std::string_view x = top.n1, y = top.b->fragment_names[i];
                enter(x, y);
            } else {
                std::string_view x = top.a->fragment_names[i - nb], y = top.n2;
                enter(x, y);
            }
        }
    }

    void between_sub_selections(std::vector<conflict>& out, bool exclusive, const type_def* p1,
                                const selection_set& s1, const type_def* p2, const selection_set& s2) {
        const auto& a = fields_of(p1, s1);
        const auto& b = fields_of(p2, s2);
        between(out, exclusive, a.fields, b.fields);
        for (auto n2 : b.fragment_names) fields_and_fragment(out, exclusive, a, n2);
        for (auto n1 : a.fragment_names) fields_and_fragment(out, exclusive, b, n1);
        for (auto n1 : a.fragment_names)
            for (auto n2 : b.fragment_names) between_fragments(out, exclusive, n1, n2);
    }

    void within_selection_set(std::vector<conflict>& out, const type_def* parent, const selection_set& set) {
        const auto& m = fields_of(parent, set);
        within(out, m.fields);
        for (std::size_t i = 0; i < m.fragment_names.size(); ++i) {
            fields_and_fragment(out, false, m, m.fragment_names[i]);
            for (std::size_t j = i + 1; j < m.fragment_names.size(); ++j)
                between_fragments(out, false, m.fragment_names[i], m.fragment_names[j]);
        }
    }
};

overlap_checker::overlap_checker(const schema& s, const fragment_map& fragments, std::size_t budget)
    : impl_(std::make_unique<impl>(impl{s, fragments, budget, 0, 0, false, {}, {}, {}})) {}

overlap_checker::~overlap_checker() = default;

bool overlap_checker::exhausted() const noexcept { return impl_->stop; }

void overlap_checker::check(const type_def* parent, const selection_set& set,
                            std::vector<overlap_conflict>& out) {
    if (impl_->stop) return;
    std::vector<conflict> found;
    impl_->within_selection_set(found, parent, set);
    if (impl_->stop) return; // a partial search proves nothing either way
    for (auto& c : found) {
        overlap_conflict o;
        o.message = "Fields \"" + c.why.response_name + "\" conflict because " + reason_message(c.why) +
                    ". Use different aliases on the fields to fetch both if this was intentional.";
        o.fields = std::move(c.fields1);
        o.fields.insert(o.fields.end(), c.fields2.begin(), c.fields2.end());
        out.push_back(std::move(o));
    }
}

} // namespace fraiseql::graphql::detail
