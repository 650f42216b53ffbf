// Spec §4.2 Schema Introspection: the introspection types are part of every schema, and
// their descriptions are those that graphql-js (the reference implementation) gives, so
// that introspection results (and GraphiQL's documentation pane) read the same.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "fraiseql/graphql/schema_builder.hpp"

namespace fraiseql::graphql {
namespace {

const schema& small_schema() {
    static const std::shared_ptr<schema> s = [] {
        auto r = build_schema("type Query { a: Int }");
        EXPECT_TRUE(r);
        return r ? *r : std::make_shared<schema>();
    }();
    return *s;
}

const type_def& type(const char* name) {
    const type_def* t = small_schema().find_type(name);
    EXPECT_NE(t, nullptr) << name;
    static const type_def none;
    return t ? *t : none;
}

std::string enum_description(const char* type_name, const char* value) {
    for (const auto& v : type(type_name).enum_values)
        if (v.name == value)
            return v.description;
    ADD_FAILURE() << type_name << "." << value << " missing";
    return {};
}

TEST(introspection_4_2_types, every_introspection_type_has_its_description) {
    for (const char* n : {"__Schema", "__Type", "__Field", "__InputValue", "__EnumValue",
                          "__Directive", "__TypeKind", "__DirectiveLocation"}) {
        EXPECT_FALSE(type(n).description.empty()) << n;
        EXPECT_TRUE(type(n).builtin) << n;
    }
    EXPECT_EQ(type("__Schema").description,
              "A GraphQL Schema defines the capabilities of a GraphQL server. It exposes all "
              "available types and directives on the server, as well as the entry points for "
              "query, mutation, and subscription operations.");
    EXPECT_EQ(type("__TypeKind").description,
              "An enum describing what kind of type a given `__Type` is.");
    // Multi-paragraph descriptions keep their blank line.
    EXPECT_NE(type("__Type").description.find("`__TypeKind` enum.\n\nDepending on the kind"),
              std::string::npos);
    EXPECT_NE(type("__Directive").description.find("GraphQL document.\n\nIn some cases"),
              std::string::npos);
}

TEST(introspection_4_2_types, fields_and_enum_values_are_described_like_graphql_js) {
    const field_def* types = type("__Schema").find_field("types");
    ASSERT_NE(types, nullptr);
    EXPECT_EQ(types->description, "A list of all types supported by this server.");
    const field_def* sub = type("__Schema").find_field("subscriptionType");
    ASSERT_NE(sub, nullptr);
    // graphql-js's wording, grammar included ("support").
    EXPECT_EQ(sub->description, "If this server support subscription, the type that subscription "
                                "operations will be rooted at.");
    const field_def* dv = type("__InputValue").find_field("defaultValue");
    ASSERT_NE(dv, nullptr);
    EXPECT_EQ(dv->description,
              "A GraphQL-formatted string representing the default value for this input value.");
    // graphql-js describes no field of __Type.
    const field_def* kind = type("__Type").find_field("kind");
    ASSERT_NE(kind, nullptr);
    EXPECT_EQ(kind->description, "");
    EXPECT_EQ(enum_description("__TypeKind", "NON_NULL"),
              "Indicates this type is a non-null. `ofType` is a valid field.");
    EXPECT_EQ(enum_description("__DirectiveLocation", "INPUT_FIELD_DEFINITION"),
              "Location adjacent to an input object field definition.");
    for (const char* t : {"__TypeKind", "__DirectiveLocation"})
        for (const auto& v : type(t).enum_values)
            EXPECT_FALSE(v.description.empty()) << t << "." << v.name;
}

} // namespace
} // namespace fraiseql::graphql
