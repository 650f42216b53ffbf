// The filter-operator catalogue: product.md §3.2, one row per operator. The schema builder
// (generated_inputs.cpp) and the WHERE compiler (src/sql/where_builder.cpp) are both driven by
// this table; docs/filtering.md lists the SQL of each form, docs/adr/0010-operator-catalogue.md
// why the table lives here. Adding an operator = one row here (plus tests); a new kind of SQL
// is one more sql_form and one more case in where_builder's switch.

#include "fraiseql/graphql/operators.hpp"

#include <array>
#include <vector>

namespace fraiseql::graphql {
namespace {

using F = filter_family;
using S = sql_form;

constexpr family_set operator|(F a, F b) noexcept { return family_bit(a) | family_bit(b); }
constexpr family_set operator|(family_set a, F b) noexcept { return a | family_bit(b); }
constexpr family_set only(F f) noexcept { return family_bit(f); }

constexpr family_set all_but_vector_and_full_text =
    F::text | F::ordered | F::boolean | F::equality | F::json | F::inet | F::ltree |
    F::date_range | F::list;
constexpr family_set comparable =
    F::text | F::ordered | F::boolean | F::equality | F::json | F::inet | F::ltree | F::date_range;
constexpr family_set membership = F::text | F::ordered | F::equality | F::inet | F::ltree;
constexpr family_set ranged = F::ordered | F::ltree;

// The order of the rows is the order of every generated filter's input fields (introspection
// shows it), so a row is added where it should appear.
constexpr filter_operator catalogue[] = {
    // Equality, membership and order (typed comparisons, §3.2).
    {"eq", comparable, "T", "", S::equal, "=", ""},
    {"neq", comparable, "T", "", S::compare, "<>", ""},
    {"eq", only(F::list), "[T!]", "", S::list_compare, "=", ""},
    {"neq", only(F::list), "[T!]", "", S::list_compare, "<>", ""},
    {"in", membership, "[T!]", "", S::member, " = ANY(", ""},
    {"nin", membership, "[T!]", "", S::member, " <> ALL(", "", true},
    {"gt", ranged, "T", "", S::compare, ">", ""},
    {"gte", ranged, "T", "", S::compare, ">=", ""},
    {"lt", ranged, "T", "", S::compare, "<", ""},
    {"lte", ranged, "T", "", S::compare, "<=", ""},
    {"isnull", all_but_vector_and_full_text, "Boolean", "", S::is_null, "", ""},
    // Strings: LIKE with the value escaped, LIKE/ILIKE patterns, POSIX regular expressions.
    {"contains", only(F::text), "String", "", S::text_contains, "LIKE", ""},
    {"icontains", only(F::text), "String", "", S::text_contains, "ILIKE", ""},
    {"startswith", only(F::text), "String", "", S::text_prefix, "LIKE", ""},
    {"istartswith", only(F::text), "String", "", S::text_prefix, "ILIKE", ""},
    {"endswith", only(F::text), "String", "", S::text_suffix, "LIKE", ""},
    {"iendswith", only(F::text), "String", "", S::text_suffix, "ILIKE", ""},
    {"like", only(F::text), "String", "", S::text_match, "LIKE", ""},
    {"ilike", only(F::text), "String", "", S::text_match, "ILIKE", ""},
    {"matches", only(F::text), "String", "", S::text_match, "~", ""},
    {"imatches", only(F::text), "String", "", S::text_match, "~*", ""},
    {"notMatches", only(F::text), "String", "", S::text_match, "!~", ""},
    // JSON documents.
    {"hasKey", only(F::json), "String", "", S::jsonb_operator, "?", "text"},
    {"hasAnyKeys", only(F::json), "[String!]", "", S::jsonb_operator, "?|", "text[]"},
    {"hasAllKeys", only(F::json), "[String!]", "", S::jsonb_operator, "?&", "text[]"},
    {"contains", only(F::json), "T", "", S::jsonb_operator, "@>", "jsonb"},
    {"containedBy", only(F::json), "T", "", S::jsonb_operator, "<@", "jsonb"},
    {"pathExists", only(F::json), "String", "", S::jsonb_operator, "@?", "jsonpath"},
    {"pathMatch", only(F::json), "String", "", S::jsonb_operator, "@@", "jsonpath"},
    // Lists (JSONB arrays or array columns); lengths count elements.
    {"contains", only(F::list), "[T!]", "", S::list_compare, "@>", ""},
    {"containedBy", only(F::list), "[T!]", "", S::list_compare, "<@", ""},
    {"strictlyContains", only(F::list), "[T!]", "", S::list_strict, "", ""},
    {"overlaps", only(F::list), "[T!]", "", S::list_overlaps, "&&", ""},
    {"lenEq", only(F::list), "Int", "", S::list_length, "=", "int4"},
    {"lenNeq", only(F::list), "Int", "", S::list_length, "<>", "int4"},
    {"lenGt", only(F::list), "Int", "", S::list_length, ">", "int4"},
    {"lenGte", only(F::list), "Int", "", S::list_length, ">=", "int4"},
    {"lenLt", only(F::list), "Int", "", S::list_length, "<", "int4"},
    {"lenLte", only(F::list), "Int", "", S::list_length, "<=", "int4"},
    {"anyEq", only(F::list), "T", "", S::list_any, "", ""},
    {"allEq", only(F::list), "T", "", S::list_all, "", ""},
    // Network addresses (CIDR values are read as inet: cidr refuses host bits).
    {"inSubnet", only(F::inet), "CIDR", "", S::cast_operator, "<<=", "inet"},
    {"inRange", only(F::inet), "IpRangeInput", "", S::inet_range, "", "inet"},
    {"isPrivate", only(F::inet), "Boolean", "", S::inet_private, "", ""},
    {"isPublic", only(F::inet), "Boolean", "", S::inet_private, "", "", true},
    {"isIPv4", only(F::inet), "Boolean", "", S::inet_family, "4", ""},
    {"isIPv6", only(F::inet), "Boolean", "", S::inet_family, "6", ""},
    // ltree label paths.
    {"ancestorOf", only(F::ltree), "T", "", S::cast_operator, "@>", "ltree"},
    {"descendantOf", only(F::ltree), "T", "", S::cast_operator, "<@", "ltree"},
    {"matchesLquery", only(F::ltree), "String", "", S::cast_operator, "~", "lquery"},
    {"matchesLtxtquery", only(F::ltree), "String", "", S::cast_operator, "@", "ltxtquery"},
    {"nlevelEq", only(F::ltree), "Int", "", S::ltree_level, "=", "int4"},
    {"nlevelGt", only(F::ltree), "Int", "", S::ltree_level, ">", "int4"},
    {"nlevelGte", only(F::ltree), "Int", "", S::ltree_level, ">=", "int4"},
    {"nlevelLt", only(F::ltree), "Int", "", S::ltree_level, "<", "int4"},
    {"nlevelLte", only(F::ltree), "Int", "", S::ltree_level, "<=", "int4"},
    // Date ranges.
    {"containsDate", only(F::date_range), "Date", "", S::cast_operator, "@>", "date"},
    {"overlaps", only(F::date_range), "T", "", S::cast_operator, "&&", "daterange"},
    {"adjacent", only(F::date_range), "T", "", S::cast_operator, "-|-", "daterange"},
    {"strictlyLeft", only(F::date_range), "T", "", S::cast_operator, "<<", "daterange"},
    {"strictlyRight", only(F::date_range), "T", "", S::cast_operator, ">>", "daterange"},
    {"notLeft", only(F::date_range), "T", "", S::cast_operator, "&>", "daterange"},
    {"notRight", only(F::date_range), "T", "", S::cast_operator, "&<", "daterange"},
    // pgvector distances: <=> cosine, <-> L2, <+> L1, <#> negative inner product.
    {"cosineDistance", only(F::vector), "VectorDistanceInput", "", S::vector_distance, "<=>",
     "vector"},
    {"l2Distance", only(F::vector), "VectorDistanceInput", "", S::vector_distance, "<->",
     "vector"},
    {"l1Distance", only(F::vector), "VectorDistanceInput", "", S::vector_distance, "<+>",
     "vector"},
    {"innerProduct", only(F::vector), "VectorDistanceInput", "", S::vector_distance, "<#>",
     "vector"},
    // Full text (@search): the database's default_text_search_config on both sides. The
    // description is the tsquery constructor.
    {"matches", only(F::full_text), "String", "to_tsquery", S::text_search, "to_tsquery", ""},
    {"plainQuery", only(F::full_text), "String", "plainto_tsquery", S::text_search,
     "plainto_tsquery", ""},
    {"phraseQuery", only(F::full_text), "String", "phraseto_tsquery", S::text_search,
     "phraseto_tsquery", ""},
    {"websearchQuery", only(F::full_text), "String", "websearch_to_tsquery", S::text_search,
     "websearch_to_tsquery", ""},
};

constexpr operand_input_field ip_range_fields[] = {{"from", "IpAddress!"}, {"to", "IpAddress!"}};
constexpr operand_input_field vector_distance_fields[] = {
    {"vector", "[Float!]!"}, {"lt", "Float"}, {"lte", "Float"}, {"gt", "Float"}};
constexpr operand_input operand_catalogue[] = {
    {"IpRangeInput", "An inclusive range of IP addresses.", ip_range_fields},
    {"VectorDistanceInput", "A distance to a vector, compared with lt / lte / gt.",
     vector_distance_fields},
};

/// The built-in scalars: their family and the SQL type their values are compared as (§3.2:
/// typed comparisons; "" = text). A scalar not listed here (declared in the SDL) is compared
/// for equality as JSON.
struct builtin_scalar {
    std::string_view scalar;
    F family;
    std::string_view sql_type;
};
constexpr builtin_scalar builtin_scalars[] = {
    {"String", F::text, ""},            {"ID", F::text, ""},
    {"Int", F::ordered, "numeric"},     {"Float", F::ordered, "numeric"},
    {"Decimal", F::ordered, "numeric"}, {"BigInt", F::ordered, "numeric"},
    {"Date", F::ordered, "date"},       {"DateTime", F::ordered, "timestamptz"},
    {"Time", F::ordered, "time"},       {"Boolean", F::boolean, "boolean"},
    {"UUID", F::equality, "uuid"},      {"MacAddress", F::equality, "macaddr"},
    {"JSON", F::json, "jsonb"},         {"IpAddress", F::inet, "inet"},
    {"CIDR", F::inet, "inet"},          {"LTree", F::ltree, "ltree"},
    {"DateRange", F::date_range, "daterange"}, {"Vector", F::vector, "vector"},
};

const builtin_scalar* find_builtin(std::string_view name) noexcept {
    for (const auto& b : builtin_scalars)
        if (b.scalar == name) return &b;
    return nullptr;
}

/// Per-family views of the catalogue, built once (the WHERE compiler looks operators up per
/// request; a family has at most 16).
struct family_index {
    std::array<std::vector<const filter_operator*>, filter_family_count> by_family;
    family_index() {
        for (const auto& op : catalogue)
            for (std::size_t f = 0; f < filter_family_count; ++f)
                if (op.families & family_bit(static_cast<F>(f))) by_family[f].push_back(&op);
    }
};
const family_index& index() {
    static const family_index i;
    return i;
}

} // namespace

std::span<const filter_operator> filter_operators() noexcept { return catalogue; }

std::span<const filter_operator* const> filter_operators(filter_family f) noexcept {
    return index().by_family[static_cast<std::size_t>(f)];
}

const filter_operator* find_filter_operator(filter_family f, std::string_view name) noexcept {
    for (const filter_operator* op : filter_operators(f))
        if (op->name == name) return op;
    return nullptr;
}

const operand_input* find_operand_input(std::string_view name) noexcept {
    for (const auto& in : operand_catalogue)
        if (in.name == name) return &in;
    return nullptr;
}

std::optional<filter_family> filter_family_of(const schema& s, const type_expr& t, bool search) {
    const type_def* td = s.find_type(t.name);
    if (!td) return std::nullopt;
    if (search) return F::full_text;
    if (td->kind != named_kind::scalar && td->kind != named_kind::enum_) return std::nullopt;
    if (t.is_list()) return F::list;
    if (td->kind == named_kind::enum_) return F::equality;
    const builtin_scalar* b = find_builtin(t.name);
    return b ? b->family : F::equality;
}

std::optional<std::string_view> builtin_sql_type(std::string_view scalar) noexcept {
    const builtin_scalar* b = find_builtin(scalar);
    return b ? std::optional(b->sql_type) : std::nullopt;
}

std::string_view filter_family_name(filter_family f) noexcept {
    static constexpr std::string_view names[] = {"text",  "ordered",    "boolean", "equality",
                                                 "json",  "inet",       "ltree",   "date_range",
                                                 "vector", "list",      "full_text"};
    return names[static_cast<std::size_t>(f)];
}

type_expr operand_type(std::string_view spec, const std::string& self) {
    // The SDL subset the catalogue uses: Name, Name!, [X], [X]!.
    if (!spec.empty() && spec.back() == '!')
        return operand_type(spec.substr(0, spec.size() - 1), self).non_null_of();
    if (spec.size() >= 2 && spec.front() == '[' && spec.back() == ']')
        return operand_type(spec.substr(1, spec.size() - 2), self).list_of();
    return type_expr::named(spec == "T" ? self : std::string(spec));
}

} // namespace fraiseql::graphql
