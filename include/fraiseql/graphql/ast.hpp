#pragma once
/// \file
/// The GraphQL abstract syntax tree (GraphQL spec, October 2021 edition, §2 Language and §3
/// Type System): executable documents (operations, fragments) and type-system documents
/// (SDL definitions and extensions) share one `document` type.
///
/// Lifetimes: every `std::string_view` in the tree (names, numeric lexemes, string values)
/// points either into the source text or into decoded-string storage, both owned by the
/// `document` through a shared pointer. Views stay valid while any copy of the document
/// (or of a node, as long as a document sharing the storage is alive) exists; moving or
/// copying a `document` never invalidates them.
///
/// Locations: `source_location` is 1-based line and column. Columns count Unicode code
/// points (the spec's "characters"), not bytes and not UTF-16 units; they differ from
/// graphql-js only on lines containing characters outside the Basic Multilingual Plane.
/// A default-constructed location (0, 0) means "absent".

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace fraiseql::graphql {

/// 1-based line and column (in code points) of the first character of a node.
struct source_location {
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    friend bool operator==(source_location, source_location) = default;
};

/// A name that refers to something defined elsewhere (a type condition, an implemented
/// interface, a union member, a directive location, a root operation type), with its own
/// location for error messages.
struct name_ref {
    std::string_view value;
    source_location loc;
};

/// §2.9 Input values.
enum class value_kind : std::uint8_t {
    variable,      ///< `$name`: `text` is the name without `$`
    int_value,     ///< `text` is the lexeme, e.g. "-12" (not range-checked here)
    float_value,   ///< `text` is the lexeme, e.g. "1.5e3"
    string_value,  ///< `text` is the decoded value; `block` says which syntax was used
    boolean_value, ///< `boolean`
    null_value,
    enum_value, ///< `text` is the enum value name
    list_value, ///< `list`
    object_value ///< `fields`, in source order (duplicates are a validation matter)
};

struct argument;
/// An object field `name: value` inside an object value has the shape of an argument.
using object_field = argument;

/// A value literal. A tagged struct rather than a std::variant keeps recursive values
/// simple to walk and cheap to build; only the members named by `kind` are meaningful.
struct value {
    value_kind kind = value_kind::null_value;
    bool boolean = false; ///< boolean_value
    bool block = false;   ///< string_value written as a """block string"""
    source_location loc;
    std::string_view text;
    std::vector<value> list;
    std::vector<object_field> fields;
};

/// `name: value` — a field or directive argument (§2.6), or an object field (§2.9.8).
struct argument {
    std::string_view name;
    source_location loc;
    graphql::value value;
};

/// §2.12 Directive usage `@name(args)`.
struct directive {
    std::string_view name;
    source_location loc; ///< of the `@`
    std::vector<argument> arguments;
};

/// §2.11 Type references: Named, List, NonNull.
enum class type_kind : std::uint8_t { named, list, non_null };

struct type_ref {
    type_kind kind = type_kind::named;
    std::string_view name;          ///< named only
    source_location loc;            ///< of the first character (`[` for lists)
    std::unique_ptr<type_ref> of;   ///< list and non_null: the wrapped type

    type_ref() = default;
    type_ref(const type_ref& other);
    type_ref& operator=(const type_ref& other);
    type_ref(type_ref&&) noexcept = default;
    type_ref& operator=(type_ref&&) noexcept = default;
    ~type_ref() = default;

    /// The innermost named type (`[User!]!` -> "User").
    std::string_view named_type() const noexcept;
};

struct selection;
/// §2.4 A selection set; empty means "no selection set" (the grammar forbids `{}`).
using selection_set = std::vector<selection>;

/// §2.5 Field `alias: name(args) @dirs { ... }`.
struct field {
    source_location loc; ///< of the alias if present, else of the name
    std::string_view alias; ///< empty when absent
    std::string_view name;
    std::vector<argument> arguments;
    std::vector<directive> directives;
    selection_set selections;

    /// The key under which the field appears in the response (§2.7).
    std::string_view response_key() const noexcept { return alias.empty() ? name : alias; }
};

/// §2.8 `...Name @dirs`.
struct fragment_spread {
    source_location loc; ///< of the `...`
    std::string_view name;
    std::vector<directive> directives;
};

/// §2.8.2 `... on Type @dirs { ... }` (type condition optional).
struct inline_fragment {
    source_location loc; ///< of the `...`
    name_ref type_condition; ///< value empty when absent
    std::vector<directive> directives;
    selection_set selections;
};

struct selection {
    std::variant<field, fragment_spread, inline_fragment> node;
};

/// §2.3 Operation types (also used by root operation type definitions, §3.3.1).
enum class operation_type : std::uint8_t { query, mutation, subscription };

/// §2.10 `$name: Type = default @dirs`.
struct variable_definition {
    source_location loc; ///< of the `$`
    std::string_view name;
    type_ref type;
    std::optional<value> default_value; ///< constant (the parser refuses variables)
    std::vector<directive> directives;
};

/// §2.3 An operation; `shorthand` for the `{ ... }` form (an anonymous query).
struct operation_definition {
    source_location loc;
    operation_type operation = operation_type::query;
    std::string_view name; ///< empty when anonymous
    std::vector<variable_definition> variables;
    std::vector<directive> directives;
    selection_set selections;
    bool shorthand = false;
};

/// §2.8 `fragment Name on Type @dirs { ... }`.
struct fragment_definition {
    source_location loc;
    std::string_view name;
    name_ref type_condition;
    std::vector<directive> directives;
    selection_set selections;
};

/// §3.2 A description: a string or block string before a type-system definition.
struct description {
    std::string_view text; ///< decoded value
    bool block = false;
    source_location loc;
};

/// §3.6.1 An argument definition or input field definition.
struct input_value_definition {
    source_location loc;
    std::optional<graphql::description> description;
    std::string_view name;
    type_ref type;
    std::optional<value> default_value; ///< constant
    std::vector<directive> directives;
};

/// §3.6 A field of an object or interface type.
struct field_definition {
    source_location loc;
    std::optional<graphql::description> description;
    std::string_view name;
    std::vector<input_value_definition> arguments;
    type_ref type;
    std::vector<directive> directives;
};

/// §3.9 An enum value definition.
struct enum_value_definition {
    source_location loc;
    std::optional<graphql::description> description;
    std::string_view name;
    std::vector<directive> directives;
};

/// §3.3.1 `query: Query` inside a schema definition.
struct root_operation_type_definition {
    source_location loc;
    operation_type operation = operation_type::query;
    name_ref type;
};

/// §3.3 `schema { ... }` or §3.3.2 `extend schema ...` (`extension`; no description then).
struct schema_definition {
    source_location loc;
    bool extension = false;
    std::optional<graphql::description> description;
    std::vector<directive> directives;
    std::vector<root_operation_type_definition> operation_types;
};

/// §3.4 The six named type kinds.
enum class type_definition_kind : std::uint8_t {
    scalar,
    object,
    interface,
    union_type,
    enum_type,
    input_object
};

/// §3.5–§3.10 A type definition or (`extension`) type extension. Only the members that
/// the kind allows are filled: interfaces+fields (object, interface), union_members
/// (union), enum_values (enum), input_fields (input object). Extensions carry no
/// description.
struct type_definition {
    source_location loc;
    type_definition_kind kind = type_definition_kind::scalar;
    bool extension = false;
    std::optional<graphql::description> description;
    std::string_view name;
    std::vector<name_ref> interfaces;
    std::vector<directive> directives;
    std::vector<field_definition> fields;
    std::vector<name_ref> union_members;
    std::vector<enum_value_definition> enum_values;
    std::vector<input_value_definition> input_fields;
};

/// §3.13 `directive @name(args) repeatable on A | B`.
struct directive_definition {
    source_location loc;
    std::optional<graphql::description> description;
    std::string_view name;
    std::vector<input_value_definition> arguments;
    bool repeatable = false;
    std::vector<name_ref> locations; ///< each checked against the spec's location names
};

/// §2.2 Any definition of a document.
using definition = std::variant<operation_definition, fragment_definition, schema_definition,
                                type_definition, directive_definition>;

namespace detail {
struct document_storage;
}

/// A parsed document: its definitions, plus the storage that the tree's views point into.
/// Copyable (copies share the immutable storage) and cheap to move.
class document {
public:
    std::vector<definition> definitions;

    document() = default;

    /// The source text the document was parsed from ("" for a default-constructed one).
    std::string_view source() const noexcept;

    /// Internal: used by the parser to attach the storage.
    explicit document(std::shared_ptr<const detail::document_storage> storage) noexcept
        : storage_(std::move(storage)) {}

private:
    std::shared_ptr<const detail::document_storage> storage_;
};

} // namespace fraiseql::graphql
