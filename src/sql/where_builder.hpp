#pragma once
// WHERE and ORDER BY compilation for one @view relation (product.md §3.1-§3.3).

#include <string>
#include <vector>

#include "fraiseql/graphql/error.hpp"
#include "fraiseql/graphql/schema.hpp"
#include "fraiseql/graphql/value.hpp"

namespace fraiseql::sql {

std::string join(const std::vector<std::string>& parts, std::string_view sep);

class where_builder {
public:
    where_builder(const graphql::schema& s, const graphql::view_def& view,
                  std::vector<std::optional<std::string>>& params, graphql::source_location loc)
        : s_(s), view_(view), params_(params), loc_(loc) {}

    /// A TWhereInput value on `type` -> a boolean SQL expression ("TRUE" when empty).
    std::string where(const graphql::type_def& type, const graphql::input_value& w);

    /// `field = value` for a single-object root field argument.
    std::string equality(const graphql::field_def& f, const graphql::input_value& v);

    /// A [TOrderByInput!] value -> "expr ASC, expr DESC NULLS LAST".
    std::string order_by(const graphql::type_def& type, const graphql::input_value& list);

    /// Adds a text parameter and returns "$n::cast" (cast may be empty).
    std::string param(std::string text, std::string_view cast);
    std::string null_param(std::string_view cast);

    void fail(std::string message);
    const std::vector<graphql::error>& errors() const noexcept { return errors_; }
    std::vector<graphql::error> take_errors() { return std::move(errors_); }

    /// How a field is read: a real column or a JSONB path.
    struct location {
        bool column = false;
        std::string column_name;        ///< when column
        std::vector<std::string> path;  ///< JSONB keys from the root document
    };

private:
    std::string where_object(const graphql::type_def& type, const graphql::input_value& w,
                             const std::vector<std::string>& prefix, int depth);
    std::string field_filter(const graphql::field_def& f, const graphql::input_value& ops,
                             const location& loc);
    std::string scalar_op(const graphql::field_def& f, const std::string& op,
                          const graphql::input_value& v, const location& loc);
    std::string list_op(const graphql::field_def& f, const std::string& op,
                        const graphql::input_value& v, const location& loc);
    std::string json_op(const std::string& op, const graphql::input_value& v, const location& loc);

    /// The text expression of a location (`t."col"::text` or `t."data"->'a'->>'b'`).
    std::string text_expr(const location& loc) const;
    /// The JSONB expression of a location (`t."data"->'a'->'b'`, or to_jsonb(t."col")).
    std::string jsonb_expr(const location& loc) const;
    /// The typed expression for comparisons of the named scalar.
    std::string typed_expr(const location& loc, const std::string& scalar) const;
    /// The SQL cast for a scalar's parameters ("" for text).
    static std::string cast_of(const std::string& scalar);
    location locate(const graphql::field_def& f, const std::vector<std::string>& prefix) const;
    std::string scalar_param(const graphql::input_value& v, const std::string& scalar);

    const graphql::schema& s_;
    const graphql::view_def& view_;
    std::vector<std::optional<std::string>>& params_;
    graphql::source_location loc_;
    std::vector<graphql::error> errors_;
};

} // namespace fraiseql::sql
