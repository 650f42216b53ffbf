// Recursive-descent parser for the GraphQL grammar (spec October 2021, §2 Language, §3 Type
// System). One method per grammar production, named after it. Errors are values: every
// method returns false after recording the first error, and callers return at once. The
// order in which tokens are consumed (and so which error is reported first) follows
// graphql-js, so that both report the same first error for the same document.

#include <array>
#include <exception>
#include <fmt/format.h>
#include <memory>
#include <optional>

#include "fraiseql/graphql/parser.hpp"
#include "graphql/syntax/document_storage.hpp"
#include "graphql/syntax/lexer.hpp"

namespace fraiseql::graphql {
namespace {

using syntax::token;
using syntax::token_kind;

// §3.13 DirectiveLocation names.
constexpr std::array<std::string_view, 19> directive_locations = {
    "QUERY",           "MUTATION",
    "SUBSCRIPTION",    "FIELD",
    "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD",
    "INLINE_FRAGMENT", "VARIABLE_DEFINITION",
    "SCHEMA",          "SCALAR",
    "OBJECT",          "FIELD_DEFINITION",
    "ARGUMENT_DEFINITION", "INTERFACE",
    "UNION",           "ENUM",
    "ENUM_VALUE",      "INPUT_OBJECT",
    "INPUT_FIELD_DEFINITION"};

class parser {
public:
    parser(std::string_view source, std::deque<std::string>& strings, const parse_limits& limits,
           document_kind kind)
        : lex_(source, strings), limits_(limits), kind_(kind) {
        if (limits_.max_depth == 0) limits_.max_depth = 1;
    }

    // Document : Definition+
    bool parse_document(std::vector<definition>& out) {
        if (!advance()) return false; // leave <SOF>
        do {
            definition& def = out.emplace_back(operation_definition{});
            if (!parse_definition(def)) return false;
            check_kind(def);
        } while (!expect_optional(token_kind::eof));
        if (error_) return false;
        if (kind_error_) {
            error_ = std::move(kind_error_);
            return false;
        }
        return true;
    }

    syntax_error take_error() {
        if (error_) return std::move(*error_);
        return syntax_error{"Unknown parse error.", 1, 1};
    }

private:
    // ---- token handling ----------------------------------------------------------------

    static source_location loc(const token& t) noexcept { return {t.line, t.column}; }

    bool fail(std::uint32_t line, std::uint32_t column, std::string message) {
        if (!error_) error_ = syntax_error{std::move(message), line, column};
        tok_.kind = token_kind::error; // nothing matches after an error
        return false;
    }
    bool fail(const token& at, std::string message) {
        return fail(at.line, at.column, std::move(message));
    }
    bool unexpected(const token& at) {
        return fail(at, fmt::format("Unexpected {}.", syntax::token_description(at)));
    }

    token lex() {
        token t = lex_.next();
        if (t.kind == token_kind::error) {
            const syntax_error& e = lex_.error();
            fail(e.line, e.column, e.message);
        }
        return t;
    }

    // Moves to the next token; false (and the error recorded) on a lexical error or when
    // the token limit is exceeded.
    bool advance() {
        if (tok_.kind == token_kind::error) return false;
        if (has_ahead_) {
            tok_ = ahead_;
            has_ahead_ = false;
        } else {
            tok_ = lex();
        }
        if (tok_.kind == token_kind::error) return false;
        if (tok_.kind != token_kind::eof) {
            ++tokens_;
            if (limits_.max_tokens != 0 && tokens_ > limits_.max_tokens) {
                return fail(tok_, fmt::format("Document contains more than {} tokens. Parsing "
                                              "aborted.",
                                              limits_.max_tokens));
            }
        }
        return true;
    }

    // One token of lookahead (descriptions and `extend` need it).
    const token& lookahead() {
        if (!has_ahead_) {
            if (tok_.kind == token_kind::eof || tok_.kind == token_kind::error) return tok_;
            ahead_ = lex();
            has_ahead_ = true;
        }
        return ahead_;
    }

    bool peek(token_kind k) const noexcept { return tok_.kind == k; }

    bool expect(token_kind k) {
        if (tok_.kind == k) return advance();
        if (tok_.kind == token_kind::error) return false;
        return fail(tok_, fmt::format("Expected {}, found {}.", syntax::token_kind_description(k),
                                      syntax::token_description(tok_)));
    }

    // Consumes the token if it is of kind k. A lexical error in the token after it is
    // recorded, and surfaces at the caller's next step (the current token becomes `error`).
    bool expect_optional(token_kind k) {
        if (tok_.kind != k) return false;
        advance();
        return true;
    }

    bool is_keyword(std::string_view kw) const noexcept {
        return tok_.kind == token_kind::name && tok_.value == kw;
    }

    bool expect_keyword(std::string_view kw) {
        if (is_keyword(kw)) return advance();
        if (tok_.kind == token_kind::error) return false;
        return fail(tok_, fmt::format("Expected \"{}\", found {}.", kw,
                                      syntax::token_description(tok_)));
    }

    bool expect_optional_keyword(std::string_view kw) {
        if (!is_keyword(kw)) return false;
        advance();
        return true;
    }

    bool parse_name(std::string_view& out) {
        out = tok_.value;
        return expect(token_kind::name);
    }

    bool parse_name_ref(name_ref& out) {
        out.value = tok_.value;
        out.loc = loc(tok_);
        return expect(token_kind::name);
    }

    // Nesting guard: selection sets, list and object values, list types.
    struct depth_guard {
        parser& p;
        explicit depth_guard(parser& owner) : p(owner) { ++p.depth_; }
        ~depth_guard() { --p.depth_; }
        depth_guard(const depth_guard&) = delete;
        depth_guard& operator=(const depth_guard&) = delete;
    };
    bool too_deep() {
        if (depth_ <= limits_.max_depth) return false;
        return !fail(tok_, fmt::format("Document exceeds the maximum nesting depth of {}.",
                                       limits_.max_depth));
    }

    // ---- §2.2 definitions --------------------------------------------------------------

    bool peek_description() const noexcept {
        return tok_.kind == token_kind::string_value || tok_.kind == token_kind::block_string;
    }

    bool parse_definition(definition& out) {
        if (peek(token_kind::brace_l)) {
            return parse_operation_definition(out.emplace<operation_definition>());
        }
        const bool has_description = peek_description();
        const token keyword = has_description ? lookahead() : tok_;
        if (keyword.kind == token_kind::name) {
            const std::string_view kw = keyword.value;
            if (kw == "schema") return parse_schema_definition(out.emplace<schema_definition>());
            if (kw == "scalar" || kw == "type" || kw == "interface" || kw == "union" ||
                kw == "enum" || kw == "input") {
                return parse_type_definition(out.emplace<type_definition>());
            }
            if (kw == "directive") {
                return parse_directive_definition(out.emplace<directive_definition>());
            }
            if (has_description) {
                return fail(tok_, "Unexpected description, descriptions are supported only on "
                                  "type definitions.");
            }
            if (kw == "query" || kw == "mutation" || kw == "subscription") {
                return parse_operation_definition(out.emplace<operation_definition>());
            }
            if (kw == "fragment") {
                return parse_fragment_definition(out.emplace<fragment_definition>());
            }
            if (kw == "extend") return parse_type_system_extension(out);
        }
        if (keyword.kind == token_kind::error) return false;
        return unexpected(keyword);
    }

    // Remembers the first definition that does not belong in a document of kind_; it is
    // reported only if the whole document is otherwise syntactically valid (graphql-js
    // reports it from validation, which runs after a successful parse).
    void check_kind(const definition& def) {
        if (kind_error_ || kind_ == document_kind::any) return;
        const bool executable = std::holds_alternative<operation_definition>(def) ||
                                std::holds_alternative<fragment_definition>(def);
        if (kind_ == document_kind::executable && !executable) {
            std::string what;
            source_location at;
            if (const auto* s = std::get_if<schema_definition>(&def)) {
                what = "schema";
                at = s->loc;
            } else if (const auto* t = std::get_if<type_definition>(&def)) {
                what = fmt::format("\"{}\"", t->name);
                at = t->loc;
            } else if (const auto* d = std::get_if<directive_definition>(&def)) {
                what = fmt::format("\"{}\"", d->name);
                at = d->loc;
            }
            kind_error_ = syntax_error{fmt::format("The {} definition is not executable.", what),
                                       at.line, at.column};
        } else if (kind_ == document_kind::type_system && executable) {
            const source_location at = std::holds_alternative<operation_definition>(def)
                                           ? std::get<operation_definition>(def).loc
                                           : std::get<fragment_definition>(def).loc;
            kind_error_ = syntax_error{"Unexpected executable definition in a type system "
                                       "document.",
                                       at.line, at.column};
        }
    }

    // ---- §2.3 operations ---------------------------------------------------------------

    // OperationDefinition : SelectionSet | OperationType Name? VariableDefinitions?
    //                       Directives? SelectionSet
    bool parse_operation_definition(operation_definition& op) {
        op.loc = loc(tok_);
        if (peek(token_kind::brace_l)) {
            op.shorthand = true;
            return parse_selection_set(op.selections);
        }
        if (!parse_operation_type(op.operation)) return false;
        if (peek(token_kind::name)) {
            if (!parse_name(op.name)) return false;
        }
        return parse_variable_definitions(op.variables) &&
               parse_directives(false, op.directives) && parse_selection_set(op.selections);
    }

    bool parse_operation_type(operation_type& out) {
        const token t = tok_;
        if (!expect(token_kind::name)) return false;
        if (t.value == "query") {
            out = operation_type::query;
        } else if (t.value == "mutation") {
            out = operation_type::mutation;
        } else if (t.value == "subscription") {
            out = operation_type::subscription;
        } else {
            return unexpected(t);
        }
        return true;
    }

    // VariableDefinitions : ( VariableDefinition+ )
    bool parse_variable_definitions(std::vector<variable_definition>& out) {
        if (!expect_optional(token_kind::paren_l)) return true;
        do {
            if (!parse_variable_definition(out.emplace_back())) return false;
        } while (!expect_optional(token_kind::paren_r));
        return true;
    }

    // VariableDefinition : Variable : Type DefaultValue? Directives[Const]?
    bool parse_variable_definition(variable_definition& v) {
        v.loc = loc(tok_);
        if (!expect(token_kind::dollar) || !parse_name(v.name) || !expect(token_kind::colon) ||
            !parse_type_ref(v.type)) {
            return false;
        }
        if (expect_optional(token_kind::equals)) {
            if (!parse_value(true, v.default_value.emplace())) return false;
        }
        return parse_directives(true, v.directives);
    }

    // ---- §2.4 selection sets, §2.5 fields, §2.8 fragments --------------------------------

    // SelectionSet : { Selection+ }
    bool parse_selection_set(selection_set& out) {
        depth_guard guard(*this);
        if (too_deep()) return false;
        if (!expect(token_kind::brace_l)) return false;
        do {
            if (!parse_selection(out.emplace_back())) return false;
        } while (!expect_optional(token_kind::brace_r));
        return true;
    }

    bool parse_selection(selection& out) {
        if (peek(token_kind::spread)) return parse_fragment(out);
        return parse_field(out.node.emplace<field>());
    }

    // Field : Alias? Name Arguments? Directives? SelectionSet?
    bool parse_field(field& f) {
        f.loc = loc(tok_);
        std::string_view name_or_alias;
        if (!parse_name(name_or_alias)) return false;
        if (expect_optional(token_kind::colon)) {
            f.alias = name_or_alias;
            if (!parse_name(f.name)) return false;
        } else {
            f.name = name_or_alias;
        }
        if (!parse_arguments(false, f.arguments) || !parse_directives(false, f.directives)) {
            return false;
        }
        if (peek(token_kind::brace_l)) return parse_selection_set(f.selections);
        return true;
    }

    // Arguments[Const] : ( Argument[?Const]+ )
    bool parse_arguments(bool is_const, std::vector<argument>& out) {
        if (!expect_optional(token_kind::paren_l)) return true;
        do {
            if (!parse_argument(is_const, out.emplace_back())) return false;
        } while (!expect_optional(token_kind::paren_r));
        return true;
    }

    // Argument[Const] : Name : Value[?Const]   (also ObjectField)
    bool parse_argument(bool is_const, argument& a) {
        a.loc = loc(tok_);
        return parse_name(a.name) && expect(token_kind::colon) && parse_value(is_const, a.value);
    }

    // FragmentSpread : ... FragmentName Directives?
    // InlineFragment : ... TypeCondition? Directives? SelectionSet
    bool parse_fragment(selection& out) {
        const source_location start = loc(tok_);
        if (!expect(token_kind::spread)) return false;
        const bool has_type_condition = expect_optional_keyword("on");
        if (!has_type_condition && peek(token_kind::name)) {
            auto& spread = out.node.emplace<fragment_spread>();
            spread.loc = start;
            return parse_fragment_name(spread.name) && parse_directives(false, spread.directives);
        }
        auto& inline_frag = out.node.emplace<inline_fragment>();
        inline_frag.loc = start;
        if (has_type_condition && !parse_name_ref(inline_frag.type_condition)) return false;
        return parse_directives(false, inline_frag.directives) &&
               parse_selection_set(inline_frag.selections);
    }

    // FragmentDefinition : fragment FragmentName TypeCondition Directives? SelectionSet
    bool parse_fragment_definition(fragment_definition& f) {
        f.loc = loc(tok_);
        return expect_keyword("fragment") && parse_fragment_name(f.name) &&
               expect_keyword("on") && parse_name_ref(f.type_condition) &&
               parse_directives(false, f.directives) && parse_selection_set(f.selections);
    }

    // FragmentName : Name but not `on`
    bool parse_fragment_name(std::string_view& out) {
        if (is_keyword("on")) return unexpected(tok_);
        return parse_name(out);
    }

    // ---- §2.9 values ---------------------------------------------------------------------

    // Value[Const] : [~Const] Variable | IntValue | FloatValue | StringValue | BooleanValue |
    //                NullValue | EnumValue | ListValue[?Const] | ObjectValue[?Const]
    bool parse_value(bool is_const, value& v) {
        v.loc = loc(tok_);
        switch (tok_.kind) {
        case token_kind::bracket_l: {
            depth_guard guard(*this);
            if (too_deep()) return false;
            v.kind = value_kind::list_value;
            advance();
            while (!expect_optional(token_kind::bracket_r)) {
                if (!parse_value(is_const, v.list.emplace_back())) return false;
            }
            return true;
        }
        case token_kind::brace_l: {
            depth_guard guard(*this);
            if (too_deep()) return false;
            v.kind = value_kind::object_value;
            advance();
            while (!expect_optional(token_kind::brace_r)) {
                if (!parse_argument(is_const, v.fields.emplace_back())) return false;
            }
            return true;
        }
        case token_kind::int_value:
            v.kind = value_kind::int_value;
            v.text = tok_.value;
            return advance();
        case token_kind::float_value:
            v.kind = value_kind::float_value;
            v.text = tok_.value;
            return advance();
        case token_kind::string_value:
        case token_kind::block_string:
            v.kind = value_kind::string_value;
            v.block = tok_.kind == token_kind::block_string;
            v.text = tok_.value;
            return advance();
        case token_kind::name:
            if (tok_.value == "true" || tok_.value == "false") {
                v.kind = value_kind::boolean_value;
                v.boolean = tok_.value == "true";
            } else if (tok_.value == "null") {
                v.kind = value_kind::null_value;
            } else {
                v.kind = value_kind::enum_value;
                v.text = tok_.value;
            }
            return advance();
        case token_kind::dollar:
            if (is_const) {
                // §2.10: "Variables are not allowed in constant values" (default values,
                // SDL directives and default values).
                const token dollar = tok_;
                if (!advance()) return false;
                if (tok_.kind == token_kind::name) {
                    return fail(dollar, fmt::format("Unexpected variable \"${}\" in constant "
                                                    "value.",
                                                    tok_.value));
                }
                return unexpected(dollar);
            }
            v.kind = value_kind::variable;
            return advance() && parse_name(v.text);
        case token_kind::error: return false;
        default: return unexpected(tok_);
        }
    }

    // ---- §2.12 directives, §2.11 types ---------------------------------------------------

    // Directives[Const] : Directive[?Const]+
    bool parse_directives(bool is_const, std::vector<directive>& out) {
        while (peek(token_kind::at)) {
            directive& d = out.emplace_back();
            d.loc = loc(tok_);
            if (!advance() || !parse_name(d.name) || !parse_arguments(is_const, d.arguments)) {
                return false;
            }
        }
        return true;
    }

    // Type : NamedType | ListType | NonNullType
    bool parse_type_ref(type_ref& t) {
        const source_location start = loc(tok_);
        if (peek(token_kind::bracket_l)) {
            depth_guard guard(*this);
            if (too_deep()) return false;
            advance();
            auto inner = std::make_unique<type_ref>();
            if (!parse_type_ref(*inner) || !expect(token_kind::bracket_r)) return false;
            t.kind = type_kind::list;
            t.of = std::move(inner);
        } else {
            t.kind = type_kind::named;
            if (!parse_name(t.name)) return false;
        }
        t.loc = start;
        if (expect_optional(token_kind::bang)) {
            auto inner = std::make_unique<type_ref>(std::move(t));
            t = type_ref{};
            t.kind = type_kind::non_null;
            t.loc = start;
            t.of = std::move(inner);
        }
        return true;
    }

    // ---- §3 type system ------------------------------------------------------------------

    bool parse_description(std::optional<description>& out) {
        if (!peek_description()) return true;
        out.emplace();
        out->text = tok_.value;
        out->block = tok_.kind == token_kind::block_string;
        out->loc = loc(tok_);
        return advance();
    }

    // SchemaDefinition : Description? schema Directives[Const]? { RootOperationTypeDefinition+ }
    bool parse_schema_definition(schema_definition& s) {
        s.loc = loc(tok_);
        if (!parse_description(s.description) || !expect_keyword("schema") ||
            !parse_directives(true, s.directives) || !expect(token_kind::brace_l)) {
            return false;
        }
        do {
            if (!parse_root_operation_type(s.operation_types.emplace_back())) return false;
        } while (!expect_optional(token_kind::brace_r));
        return true;
    }

    // RootOperationTypeDefinition : OperationType : NamedType
    bool parse_root_operation_type(root_operation_type_definition& r) {
        r.loc = loc(tok_);
        return parse_operation_type(r.operation) && expect(token_kind::colon) &&
               parse_name_ref(r.type);
    }

    static type_definition_kind kind_of(std::string_view kw) noexcept {
        if (kw == "scalar") return type_definition_kind::scalar;
        if (kw == "type") return type_definition_kind::object;
        if (kw == "interface") return type_definition_kind::interface;
        if (kw == "union") return type_definition_kind::union_type;
        if (kw == "enum") return type_definition_kind::enum_type;
        return type_definition_kind::input_object;
    }

    // §3.5–§3.10: Description? keyword Name ...; the body depends on the keyword.
    bool parse_type_definition(type_definition& t) {
        t.loc = loc(tok_);
        if (!parse_description(t.description)) return false;
        t.kind = kind_of(tok_.value);
        return advance() && parse_name(t.name) && parse_type_body(t);
    }

    bool parse_type_body(type_definition& t) {
        switch (t.kind) {
        case type_definition_kind::scalar: return parse_directives(true, t.directives);
        case type_definition_kind::object:
        case type_definition_kind::interface:
            return parse_implements_interfaces(t.interfaces) &&
                   parse_directives(true, t.directives) && parse_fields_definition(t.fields);
        case type_definition_kind::union_type:
            return parse_directives(true, t.directives) && parse_union_members(t.union_members);
        case type_definition_kind::enum_type:
            return parse_directives(true, t.directives) && parse_enum_values(t.enum_values);
        case type_definition_kind::input_object:
            if (!parse_directives(true, t.directives)) return false;
            return parse_input_values(token_kind::brace_l, token_kind::brace_r, t.input_fields);
        }
        return false;
    }

    // ImplementsInterfaces : implements `&`? NamedType | ImplementsInterfaces & NamedType
    bool parse_implements_interfaces(std::vector<name_ref>& out) {
        if (!expect_optional_keyword("implements")) return true;
        expect_optional(token_kind::amp);
        do {
            if (!parse_name_ref(out.emplace_back())) return false;
        } while (expect_optional(token_kind::amp));
        return true;
    }

    // FieldsDefinition : { FieldDefinition+ }
    bool parse_fields_definition(std::vector<field_definition>& out) {
        if (!expect_optional(token_kind::brace_l)) return true;
        do {
            if (!parse_field_definition(out.emplace_back())) return false;
        } while (!expect_optional(token_kind::brace_r));
        return true;
    }

    // FieldDefinition : Description? Name ArgumentsDefinition? : Type Directives[Const]?
    bool parse_field_definition(field_definition& f) {
        f.loc = loc(tok_);
        return parse_description(f.description) && parse_name(f.name) &&
               parse_input_values(token_kind::paren_l, token_kind::paren_r, f.arguments) &&
               expect(token_kind::colon) && parse_type_ref(f.type) &&
               parse_directives(true, f.directives);
    }

    // ArgumentsDefinition : ( InputValueDefinition+ ), InputFieldsDefinition : { ... }
    bool parse_input_values(token_kind open, token_kind close,
                            std::vector<input_value_definition>& out) {
        if (!expect_optional(open)) return true;
        do {
            if (!parse_input_value_definition(out.emplace_back())) return false;
        } while (!expect_optional(close));
        return true;
    }

    // InputValueDefinition : Description? Name : Type DefaultValue? Directives[Const]?
    bool parse_input_value_definition(input_value_definition& v) {
        v.loc = loc(tok_);
        if (!parse_description(v.description) || !parse_name(v.name) ||
            !expect(token_kind::colon) || !parse_type_ref(v.type)) {
            return false;
        }
        if (expect_optional(token_kind::equals)) {
            if (!parse_value(true, v.default_value.emplace())) return false;
        }
        return parse_directives(true, v.directives);
    }

    // UnionMemberTypes : = `|`? NamedType | UnionMemberTypes | NamedType
    bool parse_union_members(std::vector<name_ref>& out) {
        if (!expect_optional(token_kind::equals)) return true;
        expect_optional(token_kind::pipe);
        do {
            if (!parse_name_ref(out.emplace_back())) return false;
        } while (expect_optional(token_kind::pipe));
        return true;
    }

    // EnumValuesDefinition : { EnumValueDefinition+ }
    bool parse_enum_values(std::vector<enum_value_definition>& out) {
        if (!expect_optional(token_kind::brace_l)) return true;
        do {
            enum_value_definition& e = out.emplace_back();
            e.loc = loc(tok_);
            if (!parse_description(e.description)) return false;
            // EnumValue : Name but not `true`, `false` or `null`
            if (tok_.value == "true" || tok_.value == "false" || tok_.value == "null") {
                return fail(tok_, fmt::format("{} is reserved and cannot be used for an enum "
                                              "value.",
                                              syntax::token_description(tok_)));
            }
            if (!parse_name(e.name) || !parse_directives(true, e.directives)) return false;
        } while (!expect_optional(token_kind::brace_r));
        return true;
    }

    // DirectiveDefinition : Description? directive @ Name ArgumentsDefinition? `repeatable`?
    //                       on DirectiveLocations
    bool parse_directive_definition(directive_definition& d) {
        d.loc = loc(tok_);
        if (!parse_description(d.description) || !expect_keyword("directive") ||
            !expect(token_kind::at) || !parse_name(d.name) ||
            !parse_input_values(token_kind::paren_l, token_kind::paren_r, d.arguments)) {
            return false;
        }
        d.repeatable = expect_optional_keyword("repeatable");
        if (!expect_keyword("on")) return false;
        expect_optional(token_kind::pipe);
        do {
            const token start = tok_;
            name_ref& location = d.locations.emplace_back();
            if (!parse_name_ref(location)) return false;
            bool known = false;
            for (std::string_view l : directive_locations) known = known || l == location.value;
            if (!known) return unexpected(start);
        } while (expect_optional(token_kind::pipe));
        return true;
    }

    // TypeSystemExtension : SchemaExtension | TypeExtension (§3.3.2, §3.4.3)
    bool parse_type_system_extension(definition& out) {
        const token keyword = lookahead();
        if (keyword.kind == token_kind::name) {
            const std::string_view kw = keyword.value;
            if (kw == "schema") {
                auto& s = out.emplace<schema_definition>();
                s.loc = loc(tok_);
                s.extension = true;
                if (!advance() || !advance() || !parse_directives(true, s.directives)) {
                    return false;
                }
                if (expect_optional(token_kind::brace_l)) {
                    do {
                        if (!parse_root_operation_type(s.operation_types.emplace_back())) {
                            return false;
                        }
                    } while (!expect_optional(token_kind::brace_r));
                }
                if (s.directives.empty() && s.operation_types.empty()) return unexpected(tok_);
                return true;
            }
            if (kw == "scalar" || kw == "type" || kw == "interface" || kw == "union" ||
                kw == "enum" || kw == "input") {
                auto& t = out.emplace<type_definition>();
                t.loc = loc(tok_);
                t.extension = true;
                t.kind = kind_of(kw);
                if (!advance() || !advance() || !parse_name(t.name) || !parse_type_body(t)) {
                    return false;
                }
                // Each extension must add something (the grammar has no empty form).
                const bool empty = t.interfaces.empty() && t.directives.empty() &&
                                   t.fields.empty() && t.union_members.empty() &&
                                   t.enum_values.empty() && t.input_fields.empty();
                if (empty) return unexpected(tok_);
                return true;
            }
        }
        if (keyword.kind == token_kind::error) return false;
        return unexpected(keyword);
    }

    syntax::lexer lex_;
    parse_limits limits_;
    document_kind kind_;
    token tok_;
    token ahead_;
    bool has_ahead_ = false;
    std::size_t tokens_ = 0;
    std::size_t depth_ = 0;
    std::optional<syntax_error> error_;
    std::optional<syntax_error> kind_error_;
};

} // namespace

result<document, syntax_error> parse(std::string source, document_kind kind,
                                     const parse_limits& limits) {
    try {
        if (limits.max_bytes != 0 && source.size() > limits.max_bytes) {
            return failure{syntax_error{
                fmt::format("Document is larger than the limit of {} bytes.", limits.max_bytes),
                1, 1}};
        }
        auto storage = std::make_shared<detail::document_storage>();
        storage->source = std::move(source);
        std::vector<definition> definitions;
        parser p(storage->source, storage->strings, limits, kind);
        if (!p.parse_document(definitions)) return failure{p.take_error()};
        document doc(std::move(storage));
        doc.definitions = std::move(definitions);
        return doc;
    } catch (const std::exception&) {
        // Only allocation can throw here; a parser never lets an exception escape.
        return failure{syntax_error{"Out of memory while parsing the document.", 1, 1}};
    }
}

result<document, syntax_error> parse_executable(std::string source, const parse_limits& limits) {
    return parse(std::move(source), document_kind::executable, limits);
}

result<document, syntax_error> parse_schema(std::string source, const parse_limits& limits) {
    return parse(std::move(source), document_kind::type_system, limits);
}

} // namespace fraiseql::graphql
