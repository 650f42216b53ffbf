// Identifier and literal quoting (the only text the compiler splices into SQL; it comes from
// the schema, never from a request). PostgreSQL §4.1.1 (identifiers), §4.1.2.1-2 (strings).
#include <gtest/gtest.h>

#include "fraiseql/sql/compiler.hpp"

namespace {

using fraiseql::sql::quote_ident;
using fraiseql::sql::quote_literal;
using fraiseql::sql::quote_relation;

TEST(quote, identifiers_double_their_quotes) {
    EXPECT_EQ(quote_ident("data"), "\"data\"");
    EXPECT_EQ(quote_ident("we\"ird"), "\"we\"\"ird\"");
    EXPECT_EQ(quote_ident("Ünï code"), "\"Ünï code\"");
}

TEST(quote, relations_are_quoted_per_part) {
    EXPECT_EQ(quote_relation("v_user"), "\"v_user\"");
    EXPECT_EQ(quote_relation("app.tv_machine"), "\"app\".\"tv_machine\"");
    EXPECT_EQ(quote_relation("a\"b.c"), "\"a\"\"b\".\"c\"");
}

TEST(quote, literals_double_quotes_and_escape_backslashes_in_e_strings) {
    EXPECT_EQ(quote_literal("first_name"), "'first_name'");
    EXPECT_EQ(quote_literal("it's"), "'it''s'");
    // With a backslash the E'' form reads the same whatever standard_conforming_strings is.
    EXPECT_EQ(quote_literal("a\\b"), "E'a\\\\b'");
    EXPECT_EQ(quote_literal("it's \\"), "E'it''s \\\\'");
    EXPECT_EQ(quote_literal(""), "''");
}

} // namespace
