#pragma once
// The schema builder (private to src/graphql/schema): its state and passes, one file per
// concern. Public entry points: include/fraiseql/graphql/schema_builder.hpp. GraphQL spec §3;
// FraiseQL directives and generated fields: product.md §2-§4.

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fraiseql/graphql/ast.hpp"
#include "fraiseql/graphql/error.hpp"
#include "fraiseql/graphql/operators.hpp"
#include "fraiseql/graphql/schema.hpp"
#include "fraiseql/graphql/schema_builder.hpp"

namespace fraiseql::graphql::detail {

struct builder {
    std::vector<error> errors;
    std::shared_ptr<schema> s = std::make_shared<schema>();
    schema_build_options opts;

    // schema_builder.cpp: conversions from the AST, built-ins, declared types, the passes.
    void fail(std::string msg, source_location loc);
    type_expr convert(const type_ref& t);
    static input_value convert_const(const value& v);
    std::string desc(const std::optional<description>& d);
    static const directive* find_dir(const std::vector<directive>& ds, std::string_view name);
    static const value* find_arg(const directive& d, std::string_view name);
    std::optional<std::string> deprecation(const std::vector<directive>& ds);
    std::optional<std::string> string_arg(const directive& d, std::string_view name,
                                          bool required);
    std::vector<std::string> string_list_arg(const directive& d, std::string_view name);
    bool bool_arg(const directive& d, std::string_view name, bool otherwise);
    argument_def convert_input_value(const input_value_definition& iv);
    field_def convert_field(const field_definition& fd);
    void add_scalar(std::string name, std::string description);
    void add_builtins();
    static named_kind convert_kind(type_definition_kind k);
    void fill(type_def& t, const type_definition& d);
    void compute_possible_types();
    void add_introspection_types();
    void run(const document& doc);

    // sdl_checks.cpp: what graphql-js refuses in an SDL document or schema.
    void check_type_exists(const type_expr& t, source_location loc, bool want_input,
                           const std::string& where);
    void check_references();
    static const char* location_name(type_definition_kind k);
    bool has_error_at(source_location loc) const;
    bool has_error(const std::string& msg, source_location loc) const;
    void check_directive_uses(const std::vector<directive>& ds, const char* location);
    void check_argument_definitions(const std::vector<input_value_definition>& args,
                                    const std::string& parent);
    void check_sdl(const document& doc);
    bool is_subtype(const type_expr& sub, const type_expr& super) const;
    void check_implementations();
    void check_unions_and_input_cycles();
    void find_input_cycle(const type_def& t, std::set<std::string>& visited,
                          std::vector<const type_def*>& stack, std::vector<std::string>& fields);

    // generated_inputs.cpp: TWhereInput, TOrderByInput, the *Filter inputs.
    type_def& input_type(const std::string& name, const std::string& description);
    static argument_def in(std::string n, type_expr t, std::string d = {});
    void ensure_order_direction();
    void ensure_operand_input(const operand_input& oi);
    std::string ensure_filter(const field_def& field);
    void ensure_where_and_order(const std::string& type_name, std::set<std::string>& seen);
    /// TWhereInput/TOrderByInput of every type a Query root field reads, before the checks.
    void pregenerate_view_inputs();

    // root_fields.cpp: list/single/connection root fields, mutation results.
    const type_def* view_type_of(const field_def& f);
    void ensure_connection_types(const type_def& node);
    void generate_root_fields();
    static bool is_error_member(std::string_view n);

    // aggregate_fields.cpp: xsAggregate / xsGroupBy and their types (product.md §3.6).
    void generate_aggregate_fields(const field_def& list, const type_def& x,
                                   std::vector<field_def>& extra);
    void ensure_aggregate_types(const type_def& x);
    void check_mutation_result(const field_def& f);

    // subscription_fields.cpp: the live-query root mirroring Query's @view fields.
    void generate_subscription_fields();
};

} // namespace fraiseql::graphql::detail
