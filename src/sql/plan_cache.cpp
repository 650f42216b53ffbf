// The compiled-plan cache (docs/adr/0017-compiled-plan-cache.md): a plan-cache hit binds
// the variables' values into parameter slots and runs, compiling nothing.

#include "fraiseql/sql/plan_cache.hpp"

#include <algorithm>
#include <charconv>

#include "fraiseql/sql/connection.hpp"
#include "where_builder.hpp"

namespace fraiseql::sql {

using graphql::input_value;
using K = input_value::kind;
using vars_t = std::vector<std::optional<input_value>>;

namespace {

/// How append_key treats a string or a number.
enum class scalars {
    /// Refuse (false): the value is not a slot, and it has too many distinct values to key
    /// on — the uncached road.
    refuse,
    /// Its kind only: a whole `where: $w` object whose strings and numbers compile_shape()
    /// proves are (inside) operands the where builder made one parameter of.
    by_kind,
};

/// A name in the key (an object's key, an enum value): its length, ':', the name. Written
/// by append_key and by the JSON road's walk (in_place_key), so both write the same bytes.
template <class Out> void key_name(Out& key, std::string_view name) {
    char len[24];
    const auto r = std::to_chars(len, len + sizeof len, name.size());
    key += std::string_view(len, static_cast<std::size_t>(r.ptr - len));
    key += ':';
    key += name;
}

/// A string or a number keyed by its kind only (scalars::by_kind).
char kind_letter(K k) { return k == K::integer ? 'i' : k == K::floating ? 'f' : 's'; }

/// Appends a variable's value to the key: nulls, booleans, enums, object keys and list
/// lengths verbatim; strings and numbers as `mode` says.
bool append_key(std::string& key, const input_value& v, int depth, scalars mode) {
    if (depth > 64) return false;
    switch (v.type()) {
    case K::null: key += 'n'; return true;
    case K::boolean: key += v.as_bool() ? 't' : 'f'; return true;
    case K::enum_:
        key += 'e';
        key_name(key, v.as_string());
        return true;
    case K::list:
        key += '[';
        for (const auto& x : v.as_list())
            if (!append_key(key, x, depth + 1, mode)) return false;
        key += ']';
        return true;
    case K::object:
        key += '{';
        for (const auto& [k, x] : v.as_object()) {
            key_name(key, k);
            if (!append_key(key, x, depth + 1, mode)) return false;
        }
        key += '}';
        return true;
    case K::integer:
    case K::floating:
    case K::string:
        if (mode == scalars::refuse) return false;
        key += kind_letter(v.type());
        return true;
    }
    return false;
}

/// A slot's contribution to the key: absent, null, the kind of scalar, or whether a list is
/// empty (never its value). An empty list compiles apart (`in: []` is FALSE, no parameter).
char slot_state(const std::optional<input_value>& v, bool list) {
    if (!v) return 'a';
    if (list) {
        if (v->type() == K::null) return 'n';
        if (v->type() != K::list) return 0;
        return v->as_list().empty() ? 'E' : 'L';
    }
    switch (v->type()) {
    case K::null: return 'n';
    case K::boolean: return 'b';
    case K::integer: return 'i';
    case K::floating: return 'f';
    case K::string: return 's';
    case K::enum_: return 'e';
    case K::list:
    case K::object: return 0; // not a scalar: never a slot
    }
    return 0;
}

bool auth_on(const graphql::schema& s, const graphql::field_def& f) {
    if (!f.auth_roles.empty()) return true;
    const graphql::type_def* t = s.find_type(f.type.name);
    return t && !t->auth_roles.empty();
}

/// Whether authorization could rewrite anything under `selection` for some caller (it
/// replaces a forbidden nested field by a stand-in: src/exec/authorization.cpp). A precompiled
/// statement and projection are for the selection as bound, so they are only kept where no
/// caller's roles can change it.
bool auth_below(const graphql::schema& s, const std::vector<graphql::field_plan>& selection) {
    for (const auto& fp : selection) {
        if (fp.field && auth_on(s, *fp.field)) return true;
        if (auth_below(s, fp.selection)) return true;
        for (const auto& [type, sel] : fp.selection_by_type)
            if (auth_below(s, sel)) return true;
    }
    return false;
}

/// The value at `path` (object keys) under `v`, or nullptr.
const input_value* at_path(const input_value* v, const std::vector<std::string_view>& path) {
    for (const auto k : path) {
        if (!v || v->type() != K::object) return nullptr;
        v = v->find(k);
    }
    return v;
}

bool operand_use(param_source::use as) {
    using U = param_source::use;
    return as != U::equality && as != U::limit && as != U::offset && as != U::page_size &&
           as != U::cursor;
}

using step = compiled_root::slot::step;

/// Proves the slots inside an input object variable (a whole `where: $w`): walks its coerced
/// value `cv` and the plan's bound value `bound` in step; each node the where builder made one
/// parameter of (`sources`) becomes a slot of `var` at `path`, provided its text is what
/// param_text makes of `cv`. False when a string or number reaches the SQL otherwise: then
/// the shape is not cacheable.
bool prove_structure(const input_value& cv, const input_value& bound, std::vector<step>& path,
                     std::int32_t var, const std::vector<param_source>& sources,
                     compiled_root& cr, int depth) {
    if (depth > 64) return false;
    const param_source* src = nullptr;
    for (const auto& s : sources)
        if (s.value == &bound) {
            if (src) return false;
            src = &s;
        }
    if (src) {
        if (src->count != 1 || !operand_use(src->as)) return false;
        auto& sl = cr.slots[src->first];
        if (sl.null || sl.var >= 0 || sl.text != param_text(src->as, cv)) return false;
        sl.var = var;
        sl.as = src->as;
        sl.text.clear();
        sl.path = path;
        return true;
    }
    switch (cv.type()) {
    case K::object:
        if (bound.type() != K::object) return false;
        for (const auto& [k, x] : cv.as_object()) {
            const input_value* b = bound.find(k);
            if (!b) return false;
            path.push_back({k, -1});
            const bool ok = prove_structure(x, *b, path, var, sources, cr, depth + 1);
            path.pop_back();
            if (!ok) return false;
        }
        return true;
    case K::list: {
        if (bound.type() != K::list || bound.as_list().size() != cv.as_list().size()) return false;
        for (std::size_t i = 0; i < cv.as_list().size(); ++i) {
            path.push_back({{}, static_cast<std::int32_t>(i)});
            const bool ok = prove_structure(cv.as_list()[i], bound.as_list()[i], path, var,
                                            sources, cr, depth + 1);
            path.pop_back();
            if (!ok) return false;
        }
        return true;
    }
    case K::integer:
    case K::floating:
    case K::string: return false; // keyed by kind only, so it must be a slot
    default: return true;         // keyed verbatim
    }
}

/// Proves a connection's cursor argument (`after`/`before`: `src`, use::cursor) made from
/// the request's `v`: the cursor decodes under the statement's signature, its non-null
/// values are exactly the recorded parameters, in order, and there is at least one (so that
/// each request's cursor is decoded, hence checked, when its slots are filled). Records the
/// cursor's null-ness (the keyset SQL's) in `cr.connection`.
bool prove_cursor(const param_source& src, const input_value& v, bool before, std::int32_t var,
                  compiled_root& cr) {
    if (!cr.connection || v.type() != K::string || src.count == 0) return false;
    auto& cn = *cr.connection;
    std::string nulls;
    if (!cursor_nulls(v.as_string(), nulls)) return false;
    auto values = decode_cursor(v.as_string(), cn.signature, nulls.size());
    if (!values) return false;
    std::size_t k = 0;
    for (auto& x : *values) {
        if (!x) continue;
        if (k >= src.count) return false;
        auto& sl = cr.slots[src.first + k];
        if (sl.null || sl.var >= 0 || sl.text != *x) return false;
        sl.var = var;
        sl.as = param_source::use::cursor;
        sl.element = static_cast<std::int32_t>(k);
        sl.before = before;
        sl.text.clear();
        ++k;
    }
    if (k != src.count) return false;
    cn.keys = static_cast<std::uint32_t>(values->size());
    (before ? cn.before_nulls : cn.after_nulls) = std::move(nulls);
    return true;
}

std::string int_text(std::int64_t i) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, i);
    return std::string(buf, r.ptr);
}

/// A slot's value as the fill loop reads it: a coerced input_value (the tree road) or a
/// scalar read in place from the request's JSON (the JSON road). The same rules fill both.
struct value_ref {
    const input_value* tree = nullptr;
    const graphql::scalar_input* scalar = nullptr;

    K kind() const noexcept { return tree ? tree->type() : scalar->k; }
    std::string_view str() const noexcept {
        return tree ? std::string_view(tree->as_string()) : scalar->s;
    }
    std::int64_t as_int() const noexcept { return tree ? tree->as_int() : scalar->i; }
    /// storable_text's verdict (a JSON-road value is a scalar).
    bool storable() const {
        if (tree) return storable_text(*tree);
        return (scalar->k != K::string && scalar->k != K::enum_) || storable_string(scalar->s);
    }
    /// `f` of the value as an input_value (the param_text functions take one). A JSON-road
    /// string is copied here, so callers take str() first where a view will do.
    template <class F> std::string text_by(F f) const {
        if (tree) return f(*tree);
        switch (scalar->k) {
        case K::boolean: return f(input_value::boolean(scalar->b));
        case K::integer: return f(input_value::integer(scalar->i));
        case K::floating: return f(input_value::floating(scalar->d));
        case K::enum_: return f(input_value::enum_(std::string(scalar->s)));
        default: return f(input_value::string(std::string(scalar->s)));
        }
    }
};

/// Fills root `cr`'s parameters into `out`: a constant from the shape, or a slot's value
/// from `value_of(slot)` (a value_ref; nullptr members: not there, the key was wrong), made
/// into text by the functions the compiler used (param_text, scalar_param_text, ...).
/// `made`: how many texts the whole binding may make at most (texts' reserve).
template <class ValueOf>
std::optional<uncached_reason> fill_root(const compiled_root& cr, ValueOf&& value_of,
                                         cached_binding& out, std::size_t made,
                                         std::uint32_t max_page_size, bound_root& bound) {
    using U = param_source::use;
    if (cr.connection) bound.page_size = cr.connection->page_size;
    // A cursor variable decoded once per root: its non-null values, in order.
    std::int32_t cursor_var = -1;
    std::vector<std::string> cursor_values;
    for (const auto& sl : cr.slots) {
        if (sl.var < 0) {
            out.params.push_back({sl.text, sl.null});
            continue;
        }
        const value_ref v = value_of(sl);
        if (!v.tree && !v.scalar) return uncached_reason::not_cacheable;
        if (operand_use(sl.as)) {
            // where_builder::where refuses such text anywhere in the object (check_text).
            if (!v.storable()) return uncached_reason::value;
            if (sl.as == U::scalar && (v.kind() == K::string || v.kind() == K::enum_)) {
                out.params.push_back({v.str(), false});
                continue;
            }
            const U as = sl.as;
            out.params.push_back(
                {out.keep(v.text_by([as](const input_value& x) { return param_text(as, x); }),
                          made),
                 false});
            continue;
        }
        std::string text;
        switch (sl.as) {
        case U::equality:
            // where_builder::equality refuses such text (check_text): its error wording
            // is the uncached road's to give.
            if (!v.storable()) return uncached_reason::value;
            if (!sl.json && (v.kind() == K::string || v.kind() == K::enum_)) {
                out.params.push_back({v.str(), false});
                continue;
            }
            text = sl.json ? v.text_by([](const input_value& x) { return json_param_text(x); })
                           : v.text_by([](const input_value& x) { return scalar_param_text(x); });
            break;
        case U::limit:
            // compile_root_query: a negative limit is an error, a larger one is clamped.
            if (v.kind() != K::integer || v.as_int() < 0) return uncached_reason::value;
            text = int_text(std::min<std::int64_t>(v.as_int(), max_page_size));
            break;
        case U::offset:
            if (v.kind() != K::integer || v.as_int() < 0) return uncached_reason::value;
            text = int_text(v.as_int());
            break;
        case U::page_size:
            // compile_connection: a negative first/last is an error, a larger one capped.
            if (!cr.connection || v.kind() != K::integer || v.as_int() < 0)
                return uncached_reason::value;
            bound.page_size = page_size_of(v.as_int(), max_page_size);
            text = page_limit_text(bound.page_size);
            break;
        case U::cursor: {
            if (!cr.connection || v.kind() != K::string) return uncached_reason::not_cacheable;
            const auto& cn = *cr.connection;
            if (cursor_var != sl.var) {
                // Malformed, foreign (another ordering's signature) or of another length:
                // compile_connection's error, which the uncached road reports.
                auto values = decode_cursor(v.str(), cn.signature, cn.keys);
                if (!values) return uncached_reason::value;
                // The keyset SQL was compiled for the null-ness of the shape's cursor (the
                // key holds it: a cursor with others is another shape).
                const std::string& nulls = sl.before ? cn.before_nulls : cn.after_nulls;
                if (nulls.size() != values->size()) return uncached_reason::not_cacheable;
                cursor_values.clear();
                for (std::size_t k = 0; k < values->size(); ++k) {
                    if (((*values)[k] ? 'v' : 'n') != nulls[k]) return uncached_reason::not_cacheable;
                    if ((*values)[k]) cursor_values.push_back(std::move(*(*values)[k]));
                }
                cursor_var = sl.var;
            }
            if (sl.element < 0 || static_cast<std::size_t>(sl.element) >= cursor_values.size())
                return uncached_reason::not_cacheable;
            text = cursor_values[static_cast<std::size_t>(sl.element)];
            break;
        }
        default: return uncached_reason::not_cacheable; // operand uses: above
        }
        out.params.push_back({out.keep(std::move(text), made), false});
    }
    return std::nullopt;
}

/// Prepares `out` for binding `sh`: its roots, and room for every parameter reserved, so
/// that no view into `params` moves while they are filled. Returns how many texts the
/// binding may make at most (each slot one).
std::size_t prepare(cached_binding& out, const compiled_shape& sh) {
    std::size_t count = 0, made = 0;
    for (const auto& r : sh.roots)
        if (r) {
            count += r->slots.size();
            for (const auto& sl : r->slots) made += sl.var >= 0;
        }
    out.params.reserve(count); // inline up to its capacity
    out.roots.resize(sh.roots.size());
    return made;
}

// ---- The JSON road for values that are not scalars (a whole `where: $w`, a value keyed
// verbatim): docs/adr/0017-compiled-plan-cache.md, amendment (session 11).

/// Deeper than this (from the variable) the JSON road declines: the tree road keys up to 64
/// levels and the compiler refuses a `where` deeper than 32.
constexpr int max_in_place_depth = 32;

/// The key as the JSON road writes it: into a buffer on the stack; `full` once it did not
/// fit (the request then declines).
struct key_sink {
    char* p;
    std::size_t cap;
    std::size_t n = 0;
    bool full = false;

    void operator+=(char c) {
        if (n < cap) p[n++] = c;
        else full = true;
    }
    void operator+=(std::string_view s) {
        if (s.size() > cap - n) {
            full = true;
            return;
        }
        std::copy(s.begin(), s.end(), p + n);
        n += s.size();
    }
    std::string_view view() const noexcept { return {p, n}; }
};

/// Walks a variable's value given in place (the request's JSON) against its declared type,
/// writing the bytes append_key() writes for the value graphql::coerce_input would make of
/// it, having proved that this value is the JSON node for node: every object key a field of
/// its input type (once), no field coercion would add (a default) or refuse (a required one
/// absent), no single value it would wrap into a list, every enum value one of its type's,
/// every scalar one coerce_scalar takes as it is or as an Int or Float (the key holds the
/// coerced kind), every string storable (where_builder refuses NUL and invalid UTF-8
/// anywhere in a `where`). False on anything else, or when the key overflows its buffer
/// (which bounds the walk): the request then takes bind(), which answers as before.
struct in_place_key {
    const graphql::schema& s;
    const json_ops& ops;
    key_sink& key;
    scalars mode;

    /// Node `at` as a value of `type` less its first `w` wrappers.
    bool value(const void* at, const graphql::type_expr& type, std::size_t w, int depth) {
        using W = graphql::type_expr::wrap;
        if (depth > max_in_place_depth || key.full) return false;
        const graphql::scalar_input v = ops.scalar(at);
        const bool non_null = w < type.wrappers.size() && type.wrappers[w] == W::non_null;
        if (non_null) ++w;
        if (v.k == K::null) {
            if (non_null) return false; // coercion's error
            key += 'n';
            return !key.full;
        }
        if (w < type.wrappers.size()) { // a list
            if (v.k != K::list) return false; // coercion would make a list of one of it
            key += '[';
            const std::size_t n = ops.size(at);
            for (std::size_t i = 0; i < n; ++i)
                if (!value(ops.item(at, i), type, w + 1, depth + 1)) return false;
            key += ']';
            return !key.full;
        }
        const graphql::type_def* t = s.find_type(type.name);
        if (!t) return false;
        switch (t->kind) {
        case graphql::named_kind::enum_:
            if (v.k != K::string || !t->has_enum_value(v.s)) return false;
            key += 'e';
            key_name(key, v.s);
            return !key.full;
        case graphql::named_kind::input_object: return v.k == K::object && fields(at, *t, depth);
        case graphql::named_kind::scalar: break;
        default: return false;
        }
        using O = graphql::scalar_coercion::outcome;
        const auto c = graphql::coerce_scalar(*t, v);
        if (c.o == O::integer || c.o == O::floating)
            return leaf(c.o == O::integer ? K::integer : K::floating);
        if (c.o != O::same) return false; // a made string, a Vector's list, an error
        if (v.k == K::list || v.k == K::object) return raw(at, depth); // JSON, a custom scalar
        if (v.k == K::boolean) {
            key += v.b ? 't' : 'f';
            return !key.full;
        }
        if (v.k == K::string && !storable_string(v.s)) return false;
        return leaf(v.k);
    }

    /// An input object's fields, in the request's order (coercion keeps it).
    bool fields(const void* at, const graphql::type_def& t, int depth) {
        key += '{';
        const std::size_t n = ops.size(at);
        for (std::size_t i = 0; i < n; ++i) {
            const std::string_view name = ops.key(at, i);
            const void* x = ops.item(at, i);
            const graphql::argument_def* f = t.find_input_field(name);
            // Unknown: coercion's error; given twice: a lookup by name may read the other.
            if (!f || ops.find(at, name) != x) return false;
            key_name(key, name);
            if (!value(x, f->type, 0, depth + 1)) return false;
        }
        for (const auto& f : t.input_fields)
            if ((f.default_value || f.type.is_non_null()) && !ops.find(at, f.name))
                return false; // coercion adds the default, or refuses its absence
        key += '}';
        return !key.full;
    }

    /// A value a scalar type takes as given (JSON, a custom scalar): append_key over it.
    bool raw(const void* at, int depth) {
        if (depth > max_in_place_depth || key.full) return false;
        const graphql::scalar_input v = ops.scalar(at);
        switch (v.k) {
        case K::null: key += 'n'; break;
        case K::boolean: key += v.b ? 't' : 'f'; break;
        case K::list: {
            key += '[';
            const std::size_t n = ops.size(at);
            for (std::size_t i = 0; i < n; ++i)
                if (!raw(ops.item(at, i), depth + 1)) return false;
            key += ']';
            break;
        }
        case K::object: {
            key += '{';
            const std::size_t n = ops.size(at);
            for (std::size_t i = 0; i < n; ++i) {
                const std::string_view name = ops.key(at, i);
                const void* x = ops.item(at, i);
                if (!storable_string(name) || ops.find(at, name) != x) return false;
                key_name(key, name);
                if (!raw(x, depth + 1)) return false;
            }
            key += '}';
            break;
        }
        case K::string:
            if (!storable_string(v.s)) return false;
            return leaf(K::string);
        case K::integer:
        case K::floating: return leaf(v.k);
        default: return false;
        }
        return !key.full;
    }

    /// A string or a number: its kind, where the mode allows it.
    bool leaf(K k) {
        if (mode == scalars::refuse) return false;
        key += kind_letter(k);
        return !key.full;
    }
};

/// The value at a slot's `path` in a variable given in place (`g`, declared `type`), as
/// fill_root reads it: a scalar coerced by coerce_scalar (into `scalar`), or a list or an
/// object (an `in` list, a JSON operand) made into the tree road's coerced value by its own
/// rules (into `tree`; this allocates). Empty when the path is not there or null (a key
/// that does not fit: the request declines). in_place_key proved the structure.
value_ref in_place_at(const graphql::schema& s, const compiled_operation::given_variable& g,
                      const graphql::type_expr& type, const std::vector<step>& path,
                      graphql::scalar_input& scalar, std::optional<input_value>& tree) {
    using W = graphql::type_expr::wrap;
    if (!g.present || !g.raw || !g.ops || path.empty()) return {};
    const json_ops& ops = *g.ops;
    const void* at = g.raw;
    const graphql::type_expr* ft = &type; // the type of `at`, less its first `w` wrappers
    std::size_t w = 0;
    for (const auto& st : path) {
        if (w < ft->wrappers.size() && ft->wrappers[w] == W::non_null) ++w;
        const K k = ops.scalar(at).k;
        if (st.index < 0) {
            const graphql::type_def* t = s.find_type(ft->name);
            const graphql::argument_def* f = t ? t->find_input_field(st.key) : nullptr;
            if (k != K::object || w != ft->wrappers.size() || !f) return {};
            at = ops.find(at, st.key);
            ft = &f->type;
            w = 0;
        } else {
            if (k != K::list || w >= ft->wrappers.size() || ft->wrappers[w] != W::list ||
                static_cast<std::size_t>(st.index) >= ops.size(at))
                return {};
            at = ops.item(at, static_cast<std::size_t>(st.index));
            ++w;
        }
        if (!at || ops.scalar(at).k == K::null) return {};
    }
    if (w < ft->wrappers.size() && ft->wrappers[w] == W::non_null) ++w;
    const graphql::type_def* t = s.find_type(ft->name);
    if (!t) return {};
    scalar = ops.scalar(at);
    if (scalar.k == K::list || scalar.k == K::object) {
        graphql::type_expr rest = *ft;
        rest.wrappers.erase(rest.wrappers.begin(),
                            rest.wrappers.begin() + static_cast<std::ptrdiff_t>(w));
        auto r = graphql::coerce_input(s, ops.tree(at), rest);
        // fill_root makes a list's or an object's text (kept by the binding); it would view a
        // string's, and `tree` dies with bind_scalars.
        if (!r || r->type() == K::string || r->type() == K::enum_) return {};
        tree = std::move(*r);
        return {&*tree, nullptr};
    }
    if (w != ft->wrappers.size()) return {};
    if (t->kind == graphql::named_kind::enum_) {
        if (scalar.k != K::string || !t->has_enum_value(scalar.s)) return {};
        scalar.k = K::enum_;
        return {nullptr, &scalar};
    }
    if (t->kind != graphql::named_kind::scalar) return {};
    using O = graphql::scalar_coercion::outcome;
    const auto c = graphql::coerce_scalar(*t, scalar);
    if (c.o == O::integer) scalar = {K::integer, false, c.i, 0, {}};
    else if (c.o == O::floating) scalar = {K::floating, false, 0, c.d, {}};
    else if (c.o != O::same) return {};
    return {nullptr, &scalar};
}

/// The JSON road's key of variable `u` given in place (`g`) that is not a scalar slot: a
/// whole `where` object (`object`), or a value keyed verbatim. False: the request declines.
bool key_in_place(const graphql::schema& s, const graphql::variable_use& u, bool object,
                  const compiled_operation::given_variable& g, key_sink& key) {
    // Absent: a default (its value or its error) and a required variable's error are bind()'s;
    // a nullable one without a default is keyed absent, as bind() keys it.
    if (!g.present) {
        if (u.has_default || u.type->is_non_null()) return false;
        key += 'a';
        key += ',';
        return !key.full;
    }
    if (!g.raw || !g.ops) return false;
    // A whole `where` object: its structure, its strings and numbers by kind (the slots
    // compile_shape() proved); null as bind() keys it. Another variable: verbatim, with no
    // string or number (append_key's scalars::refuse).
    if (object && g.ops->scalar(g.raw).k == K::object) key += 'o';
    in_place_key walk{s, *g.ops, key, object ? scalars::by_kind : scalars::refuse};
    if (!walk.value(g.raw, *u.type, 0, 0)) return false;
    key += ',';
    return !key.full;
}

} // namespace

std::string_view cached_binding::keep(std::string&& text, std::size_t reserve) {
    if (text.size() <= sizeof digits_ - digits_used_) {
        char* at = digits_ + digits_used_;
        std::copy(text.begin(), text.end(), at);
        digits_used_ += text.size();
        return {at, text.size()};
    }
    // Reserved once, so no string (a short one lives inside the vector's buffer) moves
    // while views of earlier ones are held.
    if (texts.empty()) texts.reserve(std::max<std::size_t>(reserve, 1));
    texts.push_back(std::move(text));
    return texts.back();
}

void cached_binding::take(cached_binding&& o) noexcept {
    // The views to re-point: those into `o.params` (each root's span) and into `o.digits_`.
    // Views into `variables`' and `texts`' elements stay valid: a vector's move keeps its
    // buffer.
    const param_view* old_params = o.params.data();
    const char* old_digits = o.digits_;
    shape = std::move(o.shape);
    variables = std::move(o.variables);
    texts = std::move(o.texts);
    params = std::move(o.params);
    roots = std::move(o.roots);
    compiled_now = o.compiled_now;
    std::copy(o.digits_, o.digits_ + o.digits_used_, digits_);
    digits_used_ = o.digits_used_;
    o.digits_used_ = 0;
    for (auto& p : params)
        if (p.text.data() >= old_digits && p.text.data() < old_digits + sizeof digits_)
            p.text = {digits_ + (p.text.data() - old_digits), p.text.size()};
    for (auto& r : roots)
        if (r.compiled)
            r.params = std::span<const param_view>(params.data() + (r.params.data() - old_params),
                                                   r.params.size());
}

compiled_operation::compiled_operation(const graphql::schema& s,
                                       std::shared_ptr<const graphql::prepared_operation> op,
                                       compile_options opts, projection_builder build,
                                       std::size_t max_shapes)
    : s_(s), op_(std::move(op)), opts_(opts), build_(build), max_shapes_(max_shapes),
      uses_(graphql::variable_uses(*op_)) {
    // A slot candidate: a scalar-typed variable (not an enum, not Boolean, whose few values
    // are keyed instead) used only as whole root arguments or as operands inside a root
    // argument's object literal (`where: {id: {eq: $id}}`); or a list of scalars or enums
    // used only as such operands (`in: $ids`). compile_shape() checks each of those uses
    // against the compiler's record.
    slot_.resize(uses_.size());
    cursor_.resize(uses_.size());
    for (std::size_t i = 0; i < uses_.size(); ++i) {
        const auto& u = uses_[i];
        // A connection's cursor (any root field's `after`/`before` is keyed so: more shapes
        // at worst, never a wrong one).
        for (const auto& ra : u.root_args)
            if (ra.second == "after" || ra.second == "before") cursor_[i] = 1;
        if (!u.type || u.condition || u.nested || (u.root_args.empty() && u.paths.empty()))
            continue;
        const graphql::type_def* t = s_.find_type(u.type->name);
        if (!t) continue;
        const auto lists = std::count(u.type->wrappers.begin(), u.type->wrappers.end(),
                                      graphql::type_expr::wrap::list);
        if (lists == 0 && t->kind == graphql::named_kind::scalar && t->name != "Boolean")
            slot_[i] = slot_scalar;
        else if (lists == 1 && u.root_args.empty() &&
                 (t->kind == graphql::named_kind::scalar || t->kind == graphql::named_kind::enum_))
            slot_[i] = slot_list;
        else if (lists == 0 && t->kind == graphql::named_kind::input_object && u.paths.empty() &&
                 std::all_of(u.root_args.begin(), u.root_args.end(),
                             [](const auto& ra) { return ra.second == "where"; }))
            slot_[i] = slot_object; // a whole `where: $w`
    }
    // The JSON road (bind_scalars): every variable a scalar slot, whose type it coerces to.
    scalars_only_ = true;
    json_road_ = true;
    names_.reserve(uses_.size());
    scalar_types_.reserve(uses_.size());
    for (std::size_t i = 0; i < uses_.size(); ++i) {
        names_.push_back(uses_[i].name);
        const graphql::type_def* t = uses_[i].type ? s_.find_type(uses_[i].type->name) : nullptr;
        scalar_types_.push_back(t);
        // Read in place (bind_scalars): a scalar slot; or, given the JSON, a whole `where`
        // object or a value keyed verbatim (its key written from the JSON). Never a cursor:
        // its key needs its decoded values (bind()'s key).
        const bool scalar = slot_[i] == slot_scalar && t && !cursor_[i];
        scalars_only_ = scalars_only_ && scalar;
        json_road_ = json_road_ && uses_[i].type && !cursor_[i] &&
                     (scalar || slot_[i] == slot_object || slot_[i] == 0);
    }
}

std::size_t compiled_operation::shapes() const {
    std::lock_guard lock(m_);
    return shapes_.size();
}

fraiseql::result<cached_binding, uncached_reason>
compiled_operation::bind(const graphql::input_value& variables) const {
    auto coerced = graphql::coerce_variables(*op_, variables);
    if (!coerced) return failure{uncached_reason::bind};
    const vars_t& vars = *coerced;

    std::string key;
    key.reserve(vars.size() * 2);
    for (std::size_t i = 0; i < vars.size(); ++i) {
        if (slot_[i] == slot_object && vars[i] && vars[i]->type() == K::object) {
            key += 'o';
            if (!append_key(key, *vars[i], 0, scalars::by_kind)) return failure{uncached_reason::variables};
        } else if (slot_[i] == slot_object) {
            key += vars[i] ? 'n' : 'a'; // null, or absent (coercion allows nothing else)
        } else if (slot_[i]) {
            const char c = slot_state(vars[i], slot_[i] == slot_list);
            if (!c) return failure{uncached_reason::variables};
            key += c;
            // A cursor: the null-ness of each of its values ('x': not a cursor at all).
            if (c == 's' && cursor_[i] && !cursor_nulls(vars[i]->as_string(), key)) key += 'x';
        } else if (!vars[i]) {
            key += 'a';
        } else if (!append_key(key, *vars[i], 0, scalars::refuse)) {
            return failure{uncached_reason::variables};
        }
        key += ',';
    }
    bool compiled_now = false;
    auto shape = shape_of(key, variables, vars, compiled_now);
    if (!shape) return failure{shape.error()};
    if (!*shape) return failure{uncached_reason::not_cacheable};

    cached_binding out;
    out.shape = std::move(*shape);
    out.variables = std::move(*coerced);
    out.compiled_now = compiled_now;
    const compiled_shape& sh = *out.shape;
    const std::size_t made = prepare(out, sh);
    // Present and non-null: the shape's key says so; so is the structure down `path`.
    // (Checked all the same: a wrong key must not read out of bounds.)
    auto value_of = [&out](const compiled_root::slot& sl) -> value_ref {
        const auto& var = out.variables[static_cast<std::size_t>(sl.var)];
        if (!var) return {};
        const input_value* at = &*var;
        for (const auto& st : sl.path) {
            if (st.index < 0) {
                at = at->type() == K::object ? at->find(st.key) : nullptr;
            } else {
                const auto n = static_cast<std::size_t>(st.index);
                at = at->type() == K::list && n < at->as_list().size() ? &at->as_list()[n]
                                                                       : nullptr;
            }
            if (!at || at->is_null()) return {};
        }
        return {at, nullptr};
    };
    for (std::size_t i = 0; i < sh.roots.size(); ++i) {
        if (!sh.roots[i]) continue;
        const std::size_t first = out.params.size();
        if (auto why = fill_root(*sh.roots[i], value_of, out, made, opts_.max_page_size,
                                 out.roots[i]))
            return failure{*why};
        out.roots[i].compiled = &*sh.roots[i];
        out.roots[i].params = std::span<const param_view>(out.params.data() + first,
                                                          out.params.size() - first);
    }
    return out;
}

std::optional<cached_binding>
compiled_operation::bind_scalars(std::span<const given_variable> given) const {
    if (!json_road_ || given.size() != uses_.size()) return std::nullopt;
    // The key bind() makes of these values (slot_state: one kind per scalar slot, then ',';
    // a whole object's structure), written in place: a key that does not fit declines.
    char key_buf[1024];
    key_sink key{key_buf, sizeof key_buf};
    boost::container::small_vector<graphql::scalar_input, 8> coerced(given.size());
    for (std::size_t i = 0; i < given.size(); ++i) {
        const auto& g = given[i];
        if (slot_[i] != slot_scalar) {
            if (!key_in_place(s_, uses_[i], slot_[i] == slot_object, g, key)) return std::nullopt;
            continue;
        }
        // Absent: a default (its value or its error) and a required variable's error are
        // bind()'s; a nullable one without a default is keyed absent. Null: the error for a
        // non-null type is bind()'s; a nullable one is keyed null. (Neither fills a slot in
        // its shape: compile_shape() left that argument to the shape's plan.)
        const bool non_null = uses_[i].type->is_non_null();
        if (!g.present || g.value.k == K::null) {
            if (non_null || (!g.present && uses_[i].has_default)) return std::nullopt;
            coerced[i] = {};
            key += g.present ? 'n' : 'a';
            key += ',';
            continue;
        }
        graphql::scalar_input v = g.value;
        switch (v.k) {
        case K::boolean:
        case K::integer:
        case K::floating:
        case K::string: break;
        default: return std::nullopt;
        }
        using O = graphql::scalar_coercion::outcome;
        const auto c = graphql::coerce_scalar(*scalar_types_[i], v);
        if (c.o == O::integer) v = {K::integer, false, c.i, 0, {}};
        else if (c.o == O::floating) v = {K::floating, false, 0, c.d, {}};
        else if (c.o != O::same) return std::nullopt; // a made string, a list, an error
        coerced[i] = v;
        key += v.k == K::boolean   ? 'b'
               : v.k == K::integer ? 'i'
               : v.k == K::floating ? 'f'
                                    : 's';
        key += ',';
    }
    if (key.full) return std::nullopt;
    std::shared_ptr<const compiled_shape> shape;
    {
        std::lock_guard lock(m_);
        for (const auto& [k, sh] : shapes_)
            if (k == key.view()) {
                shape = sh;
                break;
            }
    }
    // A miss (compiled by bind()) or a shape that is not cacheable: bind() says which.
    if (!shape) return std::nullopt;

    std::optional<cached_binding> out(std::in_place);
    out->shape = std::move(shape);
    const compiled_shape& sh = *out->shape;
    const std::size_t made = prepare(*out, sh);
    // A slot inside a whole object: read down its path, into these (one slot at a time).
    graphql::scalar_input leaf;
    std::optional<input_value> leaf_tree;
    auto value_of = [&](const compiled_root::slot& sl) -> value_ref {
        const auto var = static_cast<std::size_t>(sl.var);
        if (slot_[var] == slot_object)
            return in_place_at(s_, given[var], *uses_[var].type, sl.path, leaf, leaf_tree);
        // A scalar slot is the variable itself (a path is an input object's), present and
        // not null in a shape that made it a slot.
        if (!sl.path.empty() || coerced[var].k == K::null) return {};
        return {nullptr, &coerced[var]};
    };
    for (std::size_t i = 0; i < sh.roots.size(); ++i) {
        if (!sh.roots[i]) continue;
        const std::size_t first = out->params.size();
        // A value the compiler treats apart (NUL, a negative limit): bind() reports it.
        if (fill_root(*sh.roots[i], value_of, *out, made, opts_.max_page_size, out->roots[i]))
            return std::nullopt;
        out->roots[i].compiled = &*sh.roots[i];
        out->roots[i].params = std::span<const param_view>(out->params.data() + first,
                                                           out->params.size() - first);
    }
    return out;
}

fraiseql::result<std::shared_ptr<const compiled_shape>, uncached_reason>
compiled_operation::shape_of(const std::string& key, const graphql::input_value& raw,
                             const vars_t& coerced, bool& compiled_now) const {
    {
        std::lock_guard lock(m_);
        for (const auto& [k, sh] : shapes_)
            if (k == key) return sh;
    }
    // A miss: bound and compiled outside the lock (two threads may both compile one new
    // shape; the first one stored wins, the other is used once).
    auto plan = graphql::bind_operation(*op_, raw);
    if (!plan) return failure{uncached_reason::bind};
    compiled_now = true;
    bool value_error = false;
    auto sh = compile_shape(std::move(*plan), coerced, value_error);
    if (value_error) return failure{uncached_reason::value};
    std::lock_guard lock(m_);
    for (const auto& [k, existing] : shapes_)
        if (k == key) return existing;
    if (shapes_.size() < max_shapes_) shapes_.emplace_back(key, sh);
    return sh;
}

std::shared_ptr<const compiled_shape>
compiled_operation::compile_shape(graphql::operation_plan plan, const vars_t& coerced,
                                  bool& value_error) const {
    auto out = std::make_shared<compiled_shape>();
    out->roots.resize(plan.root_fields.size());
    for (std::size_t i = 0; i < plan.root_fields.size(); ++i) {
        const graphql::field_plan& fp = plan.root_fields[i];
        // The slot variables this root's arguments hold in this shape: (argument, variable).
        // An absent or null one is not a slot here: the plan holds what every request of the
        // shape binds (the argument's default, or null).
        std::vector<std::pair<std::string_view, std::int32_t>> slots_here;
        // The operand slots (where slots): (the operand in this plan, variable). An empty
        // list is not a slot either: every request of the shape binds [] there.
        std::vector<std::pair<const input_value*, std::int32_t>> operands_here;
        // The input object variables whose operands are slots: (the argument in this plan,
        // variable).
        std::vector<std::pair<const input_value*, std::int32_t>> objects_here;
        bool unreachable = false;
        for (std::size_t v = 0; v < uses_.size(); ++v) {
            if (!slot_[v] || !coerced[v] || coerced[v]->is_null()) continue;
            if (slot_[v] == slot_object) {
                for (const auto& [root_key, arg] : uses_[v].root_args)
                    if (root_key == fp.response_key) {
                        const input_value* a = fp.arg(arg);
                        if (!a) unreachable = true;
                        objects_here.emplace_back(a, static_cast<std::int32_t>(v));
                    }
                continue;
            }
            if (coerced[v]->type() == K::list && coerced[v]->as_list().empty()) continue;
            for (const auto& [root_key, arg] : uses_[v].root_args)
                if (root_key == fp.response_key)
                    slots_here.emplace_back(arg, static_cast<std::int32_t>(v));
            for (const auto& pu : uses_[v].paths)
                if (pu.root_key == fp.response_key) {
                    const input_value* node = at_path(fp.arg(pu.arg), pu.path);
                    if (!node) unreachable = true;
                    operands_here.emplace_back(node, static_cast<std::int32_t>(v));
                }
        }
        const bool connection = fp.resolved_by == graphql::root_resolver::connection;
        const bool precompilable =
            fp.field && (fp.resolved_by == graphql::root_resolver::list ||
                         fp.resolved_by == graphql::root_resolver::single || connection) &&
            !auth_below(s_, fp.selection);
        if (!precompilable || unreachable) {
            // a slot the cache cannot refill
            if (!slots_here.empty() || !operands_here.empty() || !objects_here.empty())
                return nullptr;
            continue;
        }
        std::vector<param_source> sources;
        compiled_root cr;
        statement stmt;
        if (connection) {
            auto q = compile_connection(s_, fp, opts_.max_page_size, &sources);
            if (!q) {
                value_error = true; // the uncached road reports it (as below)
                return nullptr;
            }
            cr.kind = root_query::shape::connection;
            cr.node_type = q->node_type;
            auto& cn = cr.connection.emplace();
            cn.page_size = q->page_size;
            cn.backward = q->backward;
            cn.has_after = q->has_after;
            cn.has_before = q->has_before;
            cn.other_side_checked = q->other_side_checked;
            cn.signature = std::move(q->signature);
            stmt = std::move(q->stmt);
        } else {
            auto q = compile_root_query(s_, fp, opts_, &sources);
            if (!q) {
                // Its errors are the uncached road's to report (they may depend on a value).
                value_error = true;
                return nullptr;
            }
            cr.kind = q->kind;
            cr.node_type = q->node_type;
            stmt = std::move(q->stmt);
        }
        cr.slots.resize(stmt.params.size());
        for (std::size_t p = 0; p < stmt.params.size(); ++p) {
            if (stmt.params[p]) cr.slots[p].text = *stmt.params[p];
            else cr.slots[p].null = true;
        }
        // Each slot argument must be exactly one recorded parameter whose text is what
        // bind() will make of a value: otherwise the value reached the SQL in a way the
        // cache does not know, and the shape is not cacheable.
        // The one recorded parameter that `made_by` (nullptr: none, or more than one).
        auto only_source = [&](auto made_by) -> const param_source* {
            const param_source* src = nullptr;
            for (const auto& s : sources)
                if (made_by(s)) {
                    if (src) return nullptr;
                    src = &s;
                }
            return src;
        };
        for (const auto& [arg, var] : slots_here) {
            const input_value& v = *coerced[static_cast<std::size_t>(var)];
            const param_source* src =
                only_source([&](const param_source& s) { return s.argument == arg; });
            if (src && src->as == param_source::use::cursor) {
                if (!prove_cursor(*src, v, arg == "before", var, cr)) return nullptr;
                continue;
            }
            if (!src || src->count != 1) return nullptr;
            auto& sl = cr.slots[src->first];
            if (sl.null || sl.var >= 0) return nullptr;
            switch (src->as) {
            case param_source::use::equality:
                if (sl.text == scalar_param_text(v)) sl.json = false;
                else if (sl.text == json_param_text(v)) sl.json = true;
                else return nullptr;
                break;
            case param_source::use::limit:
                if (v.type() != K::integer ||
                    sl.text != int_text(std::min<std::int64_t>(v.as_int(), opts_.max_page_size)))
                    return nullptr;
                break;
            case param_source::use::offset:
                if (v.type() != K::integer || sl.text != int_text(v.as_int())) return nullptr;
                break;
            case param_source::use::page_size:
                if (!cr.connection || v.type() != K::integer || v.as_int() < 0 ||
                    sl.text != page_limit_text(page_size_of(v.as_int(), opts_.max_page_size)))
                    return nullptr;
                break;
            default: return nullptr;
            }
            sl.var = var;
            sl.as = src->as;
            sl.text.clear();
        }
        // Each operand slot likewise: exactly one parameter made from that very operand,
        // whose text is what param_text makes of the request's variable (so the bound
        // operand is the variable's value, as the cache will read it).
        for (const auto& [node, var] : operands_here) {
            const input_value& v = *coerced[static_cast<std::size_t>(var)];
            const param_source* src =
                only_source([&](const param_source& s) { return s.value == node; });
            if (!src || src->count != 1 || !operand_use(src->as)) return nullptr;
            auto& sl = cr.slots[src->first];
            if (sl.null || sl.var >= 0 || sl.text != param_text(src->as, v)) return nullptr;
            sl.var = var;
            sl.as = src->as;
            sl.text.clear();
        }
        for (const auto& [bound, var] : objects_here) {
            std::vector<step> path;
            if (!prove_structure(*coerced[static_cast<std::size_t>(var)], *bound, path, var,
                                 sources, cr, 0))
                return nullptr;
        }
        cr.text = std::move(stmt.text);
        if (build_ && cr.node_type) {
            if (!cr.connection) {
                cr.projection = build_(s_, *cr.node_type, fp.selection);
            } else {
                // The runner's order: each `node` under each `edges` (exec/connection.cpp).
                for (const auto& f : fp.selection)
                    if (f.name == "edges")
                        for (const auto& e : f.selection)
                            cr.connection->node_projections.push_back(
                                e.name == "node" ? build_(s_, *cr.node_type, e.selection) : nullptr);
            }
        }
        out->roots[i] = std::move(cr);
        // The slot arguments leave the shape's plan: their values here are the first
        // request's, and every request's are in its parameters. Nothing that runs a
        // precompiled root reads them (authorization reads only `where` and `orderBy`, never
        // slots), and the plan the engine copies per request is smaller.
        auto& args = plan.root_fields[i].args;
        for (const auto& [arg, var] : slots_here)
            args.erase(std::remove_if(args.begin(), args.end(),
                                      [&](const auto& a) { return a.first == arg; }),
                       args.end());
    }
    out->plan = std::move(plan);
    return out;
}

} // namespace fraiseql::sql
