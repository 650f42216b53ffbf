#pragma once
// Shared by the validate_*_test.cpp files: a schema with every kind of type the rules of
// spec §5 reason about, and helpers that validate a document against it.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/schema_builder.hpp"
#include "fraiseql/graphql/validate.hpp"

namespace fraiseql::graphql::test {

inline constexpr const char* validate_sdl = R"GQL(
interface Node { id: ID! }
interface Named implements Node { id: ID! name: String }
enum Role { ADMIN EDITOR VIEWER }
enum DogCommand { SIT DOWN HEEL }
type User implements Node & Named @view(name: "v_user") {
  id: ID!
  name(upper: Boolean = false): String
  email: String!
  age: Int
  score: Float
  active: Boolean!
  role: Role!
  tags: [String!]
  friends(first: Int = 10): [User!]!
  bestFriend: User
  avatar(size: Int!): String
  pet: Pet
}
interface Pet { name: String! owner: User }
type Dog implements Pet { name: String! owner: User barkVolume: Int knows(command: DogCommand!): Boolean! }
type Cat implements Pet { name: String! owner: User meowVolume: Int lives: Int! }
union CatOrDog = Cat | Dog
union Searchable = User | Dog
input PostInput { title: String! body: String = "" role: Role = VIEWER tags: [String!] meta: MetaInput }
input MetaInput { pinned: Boolean! priority: Int = 0 }
type Query {
  users: [User!]!
  user(id: ID!): User
  node(id: ID!): Node
  named(id: ID!): Named
  pets: [Pet!]!
  catOrDog: CatOrDog
  search: [Searchable!]!
  echo(n: Int, f: Float, s: String, b: Boolean, id: ID, ids: [ID!], matrix: [[Int!]], role: Role, input: PostInput, json: JSON, req: Int! = 3): String
  need(n: Int!): String
}
type Mutation {
  createPost(input: PostInput!): User @function(name: "create_post")
}
)GQL";

inline const schema& validate_schema() {
    static const std::shared_ptr<schema> s = [] {
        auto r = build_schema(validate_sdl);
        if (!r) {
            for (const auto& e : r.error()) ADD_FAILURE() << e.message;
            return std::make_shared<schema>();
        }
        return *r;
    }();
    return *s;
}

/// The validation errors of `src` (which must parse), as "message" strings.
inline std::vector<std::string> messages(const std::string& src, const validate_options& opts = {}) {
    auto doc = parse(src);
    if (!doc) {
        ADD_FAILURE() << "syntax error: " << doc.error().message << " in " << src;
        return {"<syntax error>"};
    }
    std::vector<std::string> out;
    for (const auto& e : validate(validate_schema(), *doc, opts)) out.push_back(e.message);
    return out;
}

/// The errors of `src` with their locations, as "message @line:col,line:col".
inline std::vector<std::string> located(const std::string& src) {
    auto doc = parse(src);
    if (!doc) return {"<syntax error>"};
    std::vector<std::string> out;
    for (const auto& e : validate(validate_schema(), *doc)) {
        std::string s = e.message + " @";
        for (std::size_t i = 0; i < e.locations.size(); ++i)
            s += (i ? "," : "") + std::to_string(e.locations[i].line) + ":" +
                 std::to_string(e.locations[i].column);
        out.push_back(s);
    }
    return out;
}

using strings = std::vector<std::string>;

#define EXPECT_VALID(src) EXPECT_EQ(::fraiseql::graphql::test::messages(src), ::fraiseql::graphql::test::strings{})

} // namespace fraiseql::graphql::test
