#pragma once
// WHERE and ORDER BY compilation for one @view relation (product.md §3.1-§3.3,
// docs/filtering.md for the SQL of every operator, docs/adr/0003-null-semantics.md).
//
// Every user value becomes a bind parameter; identifiers and JSONB keys come only from
// the schema and are quoted. Bad input is reported through errors() (BAD_USER_INPUT),
// never thrown.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fraiseql/graphql/error.hpp"
#include "fraiseql/graphql/operators.hpp"
#include "fraiseql/graphql/schema.hpp"
#include "fraiseql/graphql/value.hpp"
#include "fraiseql/sql/compiler.hpp"

namespace fraiseql::sql {

std::string join(const std::vector<std::string>& parts, std::string_view sep);

/// The parameter text the compiler makes of a scalar value (strings and enums as they are,
/// numbers in their shortest form, true/false), and of any value as JSON (`jsonb` parameters).
/// Shared with the compiled-plan cache (plan_cache.cpp), which must write the same bytes.
std::string scalar_param_text(const graphql::input_value& v);
std::string json_param_text(const graphql::input_value& v);
/// False for a string the compiler refuses (a NUL, or not UTF-8: check_text's rule), also
/// inside a list or object.
bool storable_text(const graphql::input_value& v);
/// storable_text's rule for one string (the compiled-plan cache's JSON road reads strings
/// in place).
bool storable_string(std::string_view s);
/// The parameter text of an operand in `where` made as `as` says (scalar_param_text,
/// json_param_text, an array literal, a LIKE pattern): the one function both the compiler
/// and the compiled-plan cache write such a parameter with. Not for equality/limit/offset.
std::string param_text(param_source::use as, const graphql::input_value& v);

class where_builder {
public:
    /// `view` and `params` must outlive the builder; parameters are appended to `params`
    /// and numbered from its current size.
    where_builder(const graphql::schema& s, const graphql::view_def& view,
                  std::vector<std::optional<std::string>>& params, graphql::source_location loc)
        : s_(s), view_(view), params_(params), loc_(loc) {}

    /// A TWhereInput value on `type` -> a boolean SQL expression; "" when it has no
    /// condition at all (`{}`), so that the caller can omit the WHERE clause.
    std::string where(const graphql::type_def& type, const graphql::input_value& w);

    /// `field = value` for a single-object root field argument (§2: each argument of a
    /// single-object root field is an equality filter).
    std::string equality(const graphql::field_def& f, const graphql::input_value& v);

    /// One key of an ORDER BY: the typed expression and its direction.
    struct order_term {
        std::string expr;  ///< e.g. `t."age"` or `(t."data"->>'age')::numeric`
        bool desc = false;
        enum class nulls : std::uint8_t { default_, first, last } nulls_at = nulls::default_;
        std::string sql() const; ///< "expr ASC", "expr DESC NULLS LAST", ...
    };

    /// A [TOrderByInput!] value -> its keys in order, most significant first.
    std::vector<order_term> order_terms(const graphql::type_def& type,
                                        const graphql::input_value& list);
    /// The typed expression of the `id` field of `type` (the pagination tie-breaker), or
    /// "" when the type has no `id` field.
    std::string id_expr(const graphql::type_def& type) const;

    /// A [TOrderByInput!] value -> "expr ASC, expr DESC NULLS LAST", with the type's `id`
    /// appended as a tie-breaker when it is not already a key (stable pages, §3.4).
    std::string order_by(const graphql::type_def& type, const graphql::input_value& list);

    /// Adds a text parameter and returns "$n::cast" (cast may be empty: the server
    /// infers the type from the context).
    std::string param(std::string text, std::string_view cast);
    /// param(param_text(as, v), cast), recorded in the sources given to record_operands.
    std::string operand_param(const graphql::input_value& v, param_source::use as,
                              std::string_view cast);
    /// From now on, record each operand parameter in `sources` (nullptr: stop).
    void record_operands(std::vector<param_source>* sources) noexcept { sources_ = sources; }
    std::string null_param(std::string_view cast);

    void fail(std::string message);
    const std::vector<graphql::error>& errors() const noexcept { return errors_; }
    std::vector<graphql::error> take_errors() { return std::move(errors_); }

    /// How a field is read: a real column or a JSONB path (§3.3).
    struct location {
        bool column = false;
        std::string column_name;        ///< when column
        std::string root_column;        ///< path inside this real column (plain relations)
        std::vector<std::string> path;  ///< JSONB keys from the root document
        /// With `column`: a computed, already typed SQL expression read as a column is (an
        /// aggregate in a HAVING clause, src/sql/aggregate_select.cpp), instead of t."name".
        std::string expr;
    };

    /// Where a field of the view is read (§3.3 hybrid routing), under embedded objects `prefix`.
    location locate(const graphql::field_def& f, const std::vector<std::string>& prefix) const;
    /// The typed expression for comparisons of the named scalar: a real column as it is,
    /// a JSONB value cast to the scalar's SQL type.
    std::string typed_expr(const location& loc, const std::string& scalar) const;
    /// The operators of one field's filter input value (`{gt: 1, lt: 9}`) on `loc`, ANDed.
    std::string field_filter(const graphql::field_def& f, const graphql::input_value& ops,
                             const location& loc);
    /// Rejects text PostgreSQL cannot store (NUL); records an error and returns false.
    bool check_text(const graphql::input_value& v, const std::string& where);

private:
    std::string where_object(const graphql::type_def& type, const graphql::input_value& w,
                             const std::vector<std::string>& prefix, int depth);
    /// One operator of the catalogue on one field: the switch over its SQL form.
    std::string render(const graphql::filter_operator& op, const graphql::field_def& f,
                       const graphql::input_value& v, const location& loc);
    std::string vector_distance(const graphql::filter_operator& op, const graphql::field_def& f,
                                const graphql::input_value& v, const location& loc);
    std::string list_operator(const graphql::filter_operator& op, const std::string& scalar,
                              const graphql::input_value& v, const location& loc);
    /// A location cast to its scalar's SQL type (`t."c"::inet`, `(t."data"->>'c')::inet`).
    std::string cast_subject(const location& loc, const std::string& scalar) const;

    /// The document expression a path starts from (`t."data"`, `to_jsonb(t)`, ...).
    std::string base_expr(const location& loc) const;
    /// The text expression of a location (`t."col"` or `t."data"->'a'->>'b'`).
    std::string text_expr(const location& loc) const;
    /// The JSONB expression of a location (`t."data"->'a'->'b'`, or to_jsonb(t."col")).
    std::string jsonb_expr(const location& loc) const;
    /// jsonb_expr with a JSON null turned into SQL NULL (for JSON and list operators).
    std::string jsonb_value(const location& loc) const;
    /// A parameter for a comparison with typed_expr(loc, scalar): untyped against a real
    /// column (PostgreSQL takes the column's type, so its indexes apply), cast otherwise.
    std::string typed_param(const location& loc, const graphql::input_value& v,
                            const std::string& scalar);
    /// `t."data" @> jsonb_build_object(...)` for JSONB equality where that is equivalent
    /// (GIN-indexable), or "" when it is not.
    std::string containment_eq(const location& loc, const graphql::input_value& v,
                               const std::string& scalar);
    /// The SQL cast for a scalar's values ("" for text).
    std::string cast_of(const std::string& scalar) const;
    /// t."name", or the location's computed expression.
    std::string column_ref(const location& loc) const;

    const graphql::schema& s_;
    const graphql::view_def& view_;
    std::vector<std::optional<std::string>>& params_;
    graphql::source_location loc_;
    std::vector<graphql::error> errors_;
    std::vector<param_source>* sources_ = nullptr;
};

} // namespace fraiseql::sql
