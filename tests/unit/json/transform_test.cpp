#include "fraiseql/json/transform.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <atomic>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace fraiseql::json {
namespace {

using pp = std::shared_ptr<const projection>;
using kind = projected_field::kind;

pp make(std::string type, std::vector<projected_field> fields) {
    return std::make_shared<const projection>(std::move(type), std::move(fields));
}

projected_field nn(projected_field f) {
    f.non_null = true;
    return f;
}

struct outcome {
    transform_status st;
    std::string out;
    std::vector<field_error> errors;
};

outcome run(std::string_view doc, const projection& p) {
    outcome o;
    o.st = project_object(doc, p, o.out, o.errors);
    if (o.st == transform_status::ok) {
        boost::system::error_code ec;
        (void)boost::json::parse(o.out, ec);
        EXPECT_FALSE(ec) << "output is not valid JSON: " << o.out;
    }
    return o;
}

std::string path_of(const field_error& e) {
    std::string s;
    for (const auto& seg : e.path) {
        if (!s.empty()) s += '.';
        if (const auto* k = std::get_if<std::string>(&seg)) {
            s += *k;
        } else {
            s += std::to_string(std::get<std::size_t>(seg));
        }
    }
    return s;
}

// A row as PostgreSQL prints jsonb: keys ordered by (length, bytes), ", " and ": ".
constexpr std::string_view user_row =
    R"({"id": "6f1c", "age": 31, "tags": ["a", "b"], "email": "ann@example.com", )"
    R"("address": {"zip": "1000", "city": "X"}, "first_name": "Ann", )"
    R"("posts": [{"id": "p1", "title": "Hello", "author": {"id": "6f1c", "first_name": "Ann"}}, )"
    R"({"id": "p2", "title": "World", "author": null}]})";

TEST(transform, selection_order_and_response_keys) {
    auto p = make("User", {value_field("first_name", "firstName"), value_field("id", "id"),
                           value_field("age", "age")});
    auto o = run(user_row, *p);
    ASSERT_EQ(o.st, transform_status::ok);
    EXPECT_EQ(o.out, R"({"firstName":"Ann","id":"6f1c","age":31})");
    EXPECT_TRUE(o.errors.empty());
}

TEST(transform, appends_to_existing_output) {
    auto p = make("User", {value_field("id", "id")});
    std::string out = "[prefix,";
    std::vector<field_error> errors;
    ASSERT_EQ(project_object(user_row, *p, out, errors), transform_status::ok);
    EXPECT_EQ(out, R"([prefix,{"id":"6f1c"})");
}

TEST(transform, aliases_of_the_same_source_key) {
    auto p = make("User", {value_field("first_name", "a"), value_field("id", "id"),
                           value_field("first_name", "b")});
    EXPECT_EQ(run(user_row, *p).out, R"({"a":"Ann","id":"6f1c","b":"Ann"})");
    // Two aliases of one nested object with different sub-selections.
    auto a1 = make("Address", {value_field("city", "city")});
    auto a2 = make("Address", {value_field("zip", "zip"), typename_field("Address")});
    auto q = make("User", {object_field("address", "x", a1), object_field("address", "y", a2)});
    EXPECT_EQ(run(user_row, *q).out,
              R"({"x":{"city":"X"},"y":{"zip":"1000","__typename":"Address"}})");
}

TEST(transform, response_keys_are_escaped) {
    auto p = make("User", {value_field("id", "we\"ird\\")});
    EXPECT_EQ(run(user_row, *p).out, R"({"we\"ird\\":"6f1c"})");
}

TEST(transform, missing_keys_are_null) {
    auto addr = make("Address", {value_field("street", "street")});
    auto p = make("User", {value_field("nickname", "nickname"), object_field("office", "office", addr),
                           object_list_field("friends", "friends", addr),
                           value_field("id", "id")});
    EXPECT_EQ(run(user_row, *p).out,
              R"({"nickname":null,"office":null,"friends":null,"id":"6f1c"})");
}

TEST(transform, nested_objects_lists_and_typename) {
    auto author = make("User", {typename_field("User"), value_field("first_name", "firstName")});
    auto post = make("Post", {value_field("title", "title"), object_field("author", "author", author),
                              typename_field("Post", "kind")});
    auto addr = make("Address", {value_field("city", "city"), value_field("zip", "zip")});
    auto p = make("User", {typename_field("User"), object_field("address", "address", addr),
                           object_list_field("posts", "posts", post)});
    auto o = run(user_row, *p);
    ASSERT_EQ(o.st, transform_status::ok);
    EXPECT_EQ(o.out,
              R"({"__typename":"User","address":{"city":"X","zip":"1000"},"posts":[)"
              R"({"title":"Hello","author":{"__typename":"User","firstName":"Ann"},"kind":"Post"},)"
              R"({"title":"World","author":null,"kind":"Post"}]})");
}

TEST(transform, empty_arrays_null_objects_and_null_items) {
    auto item = make("Post", {value_field("id", "id")});
    auto p = make("User", {object_list_field("posts", "posts", item),
                           object_field("address", "address", item),
                           object_list_field("more", "more", item)});
    EXPECT_EQ(run(R"({"posts": [], "address": null, "more": [null, {"id": 1}, null]})", *p).out,
              R"({"posts":[],"address":null,"more":[null,{"id":1},null]})");
    EXPECT_EQ(run(R"({"posts":[ ],"address":{ },"more":null})", *p).out,
              R"({"posts":[],"address":{"id":null},"more":null})");
}

TEST(transform, scalar_arrays_and_json_values_are_verbatim) {
    auto p = make("User", {value_field("tags", "tags"), value_field("meta", "meta"),
                           value_field("empty", "empty")});
    auto o = run(R"({"meta": {"a": [1, {"b": null}], "c": "d"}, "tags": ["x", "y" ,"z"],)"
                 R"( "empty": {}})", *p);
    ASSERT_EQ(o.st, transform_status::ok);
    EXPECT_EQ(o.out, R"({"tags":["x", "y" ,"z"],"meta":{"a": [1, {"b": null}], "c": "d"},)"
                     R"("empty":{}})");
}

TEST(transform, strings_with_escapes_and_unicode) {
    auto p = make("T", {value_field("s", "s")});
    for (std::string_view v : {R"("")", R"("a\"b")", R"("a\\")", R"("\\\"")", R"("\u00e9\ud83c\udf89")",
                               R"("é日本🎉")", R"("\/\b\f\n\r\t")", R"("\\")", R"("}{][,:")"}) {
        std::string doc = "{\"s\": " + std::string(v) + ", \"z\": \"\\\"\"}";
        auto o = run(doc, *p);
        ASSERT_EQ(o.st, transform_status::ok) << doc;
        EXPECT_EQ(o.out, "{\"s\":" + std::string(v) + "}") << doc;
    }
    // Long strings (SIMD path) with a quote escape at each position near the 16-byte edges.
    for (std::size_t i = 0; i < 40; ++i) {
        std::string body(40, 'x');
        body.replace(i, 1, "\\\"");
        std::string doc = "{\"a\": \"" + body + "\", \"s\": 1}";
        auto o = run(doc, *p);
        ASSERT_EQ(o.st, transform_status::ok) << doc;
        EXPECT_EQ(o.out, R"({"s":1})");
    }
}

TEST(transform, escaped_keys_are_matched_by_their_value) {
    auto p = make("User", {value_field("first_name", "firstName"), value_field("é", "e")});
    EXPECT_EQ(run(R"({"first\u005fname": 1, "\u00e9": 2, "\ud800": 3})", *p).out,
              R"({"firstName":1,"e":2})");
}

TEST(transform, numbers_of_all_shapes) {
    auto p = make("T", {value_field("n", "n")});
    for (std::string_view v : {"0", "-0", "7", "-12", "3.25", "-0.5", "1e10", "1E+2", "2.5e-3",
                               "123456789012345678901234567890.123456789e-300", "0e0"}) {
        std::string doc = "{\"n\": " + std::string(v) + "}";
        auto o = run(doc, *p);
        ASSERT_EQ(o.st, transform_status::ok) << doc;
        EXPECT_EQ(o.out, "{\"n\":" + std::string(v) + "}");
    }
}

TEST(transform, literals_and_whitespace_variants) {
    auto p = make("T", {value_field("a", "a"), value_field("b", "b"), value_field("c", "c")});
    EXPECT_EQ(run("\n\t{ \"c\" :null ,\r\n\"b\":false,\"a\":true }  \n", *p).out,
              R"({"a":true,"b":false,"c":null})");
    EXPECT_EQ(run("{}", *p).out, R"({"a":null,"b":null,"c":null})");
}

TEST(transform, duplicate_keys_last_wins) {
    auto p = make("T", {value_field("a", "a")});
    EXPECT_EQ(run(R"({"a": 1, "a": 2})", *p).out, R"({"a":2})");
}

TEST(transform, empty_selection) {
    auto p = make("T", {});
    EXPECT_EQ(run(R"({"a": 1})", *p).out, "{}");
}

TEST(transform, null_document) {
    auto p = make("T", {value_field("a", "a")});
    auto o = run(" null ", *p);
    EXPECT_EQ(o.st, transform_status::null_document);
    EXPECT_EQ(o.out, "");
}

// ---- Null propagation: GraphQL spec §6.4.4 "Handling Field Errors". ----

TEST(null_propagation, root_field) {
    auto p = make("User", {value_field("id", "id"), nn(value_field("email", "email"))});
    std::string out = "[";
    std::vector<field_error> errors;
    EXPECT_EQ(project_object(R"({"id": 1})", *p, out, errors), transform_status::null_propagated);
    EXPECT_EQ(out, "[");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].message, "Cannot return null for non-nullable field User.email.");
    EXPECT_EQ(path_of(errors[0]), "email");
    // Explicit JSON null behaves the same.
    auto o = run(R"({"id": 1, "email": null})", *p);
    EXPECT_EQ(o.st, transform_status::null_propagated);
    ASSERT_EQ(o.errors.size(), 1u);
    // Present: fine.
    EXPECT_EQ(run(R"({"id": 1, "email": "e"})", *p).out, R"({"id":1,"email":"e"})");
}

TEST(null_propagation, nullable_nested_object_absorbs) {
    auto addr = make("Address", {value_field("zip", "zip"), nn(value_field("city", "city"))});
    auto p = make("User", {value_field("id", "id"), object_field("address", "address", addr)});
    auto o = run(R"({"id": 1, "address": {"zip": "1"}})", *p);
    ASSERT_EQ(o.st, transform_status::ok);
    EXPECT_EQ(o.out, R"({"id":1,"address":null})");
    ASSERT_EQ(o.errors.size(), 1u);
    EXPECT_EQ(o.errors[0].message, "Cannot return null for non-nullable field Address.city.");
    EXPECT_EQ(path_of(o.errors[0]), "address.city");
}

TEST(null_propagation, through_non_null_objects_to_the_root) {
    auto inner = make("C", {nn(value_field("v", "v"))});
    auto mid = make("B", {nn(object_field("c", "c", inner))});
    auto p = make("A", {value_field("x", "x"), nn(object_field("b", "b", mid))});
    auto o = run(R"({"x": 1, "b": {"c": {"v": null}}})", *p);
    EXPECT_EQ(o.st, transform_status::null_propagated);
    EXPECT_EQ(o.out, "");
    ASSERT_EQ(o.errors.size(), 1u); // one error per propagation
    EXPECT_EQ(path_of(o.errors[0]), "b.c.v");
    // Stops at the first nullable level.
    auto mid2 = make("B", {value_field("w", "w"), object_field("c", "c", inner)});
    auto p2 = make("A", {nn(object_field("b", "b", mid2))});
    auto o2 = run(R"({"b": {"w": 2, "c": {}}})", *p2);
    EXPECT_EQ(o2.st, transform_status::ok);
    EXPECT_EQ(o2.out, R"({"b":{"w":2,"c":null}})");
    ASSERT_EQ(o2.errors.size(), 1u);
    EXPECT_EQ(path_of(o2.errors[0]), "b.c.v");
    // A missing non-null nested object is itself the error.
    auto o3 = run(R"({"x": 1})", *p);
    EXPECT_EQ(o3.st, transform_status::null_propagated);
    ASSERT_EQ(o3.errors.size(), 1u);
    EXPECT_EQ(o3.errors[0].message, "Cannot return null for non-nullable field A.b.");
    EXPECT_EQ(path_of(o3.errors[0]), "b");
}

TEST(null_propagation, list_items) {
    auto post = make("Post", {value_field("id", "id"), nn(value_field("title", "title"))});
    const std::string_view doc =
        R"({"posts": [{"id": 1, "title": "a"}, {"id": 2}, {"id": 3, "title": "c"}], "n": 5})";
    // [Post] : the item becomes null.
    auto p1 = make("User", {object_list_field("posts", "posts", post), value_field("n", "n")});
    auto o1 = run(doc, *p1);
    ASSERT_EQ(o1.st, transform_status::ok);
    EXPECT_EQ(o1.out, R"({"posts":[{"id":1,"title":"a"},null,{"id":3,"title":"c"}],"n":5})");
    ASSERT_EQ(o1.errors.size(), 1u);
    EXPECT_EQ(path_of(o1.errors[0]), "posts.1.title");
    // [Post!] : the list becomes null.
    auto p2 = make("User", {object_list_field("posts", "posts", post, false, true),
                            value_field("n", "n")});
    auto o2 = run(doc, *p2);
    ASSERT_EQ(o2.st, transform_status::ok);
    EXPECT_EQ(o2.out, R"({"posts":null,"n":5})");
    ASSERT_EQ(o2.errors.size(), 1u);
    EXPECT_EQ(path_of(o2.errors[0]), "posts.1.title");
    // [Post!]! : the parent becomes null.
    auto p3 = make("User", {object_list_field("posts", "posts", post, true, true),
                            value_field("n", "n")});
    auto o3 = run(doc, *p3);
    EXPECT_EQ(o3.st, transform_status::null_propagated);
    ASSERT_EQ(o3.errors.size(), 1u);
    EXPECT_EQ(path_of(o3.errors[0]), "posts.1.title");
    // [Post!] with a JSON null item: the error is at the item.
    auto o4 = run(R"({"posts": [{"id": 1, "title": "a"}, null]})", *p2);
    EXPECT_EQ(o4.out, R"({"posts":null,"n":null})");
    ASSERT_EQ(o4.errors.size(), 1u);
    EXPECT_EQ(o4.errors[0].message, "Cannot return null for non-nullable field User.posts.");
    EXPECT_EQ(path_of(o4.errors[0]), "posts.1");
}

TEST(null_propagation, nested_list_paths) {
    auto author = make("User", {nn(value_field("email", "email"))});
    auto post = make("Post", {value_field("id", "id"), object_field("author", "author", author)});
    auto p = make("User", {object_list_field("posts", "posts", post)});
    auto o = run(R"({"posts": [{"id": 1, "author": {"email": "e"}}, {"id": 2, "author": {}}]})", *p);
    ASSERT_EQ(o.st, transform_status::ok);
    EXPECT_EQ(o.out, R"({"posts":[{"id":1,"author":{"email":"e"}},{"id":2,"author":null}]})");
    ASSERT_EQ(o.errors.size(), 1u);
    EXPECT_EQ(path_of(o.errors[0]), "posts.1.author.email");
}

TEST(null_propagation, scalar_list_with_non_null_items) {
    projected_field tags = value_field("tags", "tags");
    tags.items_non_null = true;
    auto p = make("User", {tags, value_field("id", "id")});
    EXPECT_EQ(run(R"({"tags": ["a", "b"], "id": 1})", *p).out, R"({"tags":["a", "b"],"id":1})");
    auto o = run(R"({"tags": ["a", null, null], "id": 1})", *p);
    ASSERT_EQ(o.st, transform_status::ok);
    EXPECT_EQ(o.out, R"({"tags":null,"id":1})");
    ASSERT_EQ(o.errors.size(), 1u);
    EXPECT_EQ(path_of(o.errors[0]), "tags.1");
    tags.non_null = true;
    auto q = make("User", {tags});
    EXPECT_EQ(run(R"({"tags": [null]})", *q).st, transform_status::null_propagated);
}

TEST(null_propagation, first_violation_in_selection_order_wins) {
    auto addr = make("Address", {nn(value_field("city", "city"))});
    // Selection: a!, address (nullable, its own error), b!. Document order differs.
    auto p = make("T", {nn(value_field("a", "a")), object_field("address", "address", addr),
                        nn(value_field("b", "b"))});
    auto o = run(R"({"address": {}})", *p);
    EXPECT_EQ(o.st, transform_status::null_propagated);
    ASSERT_EQ(o.errors.size(), 1u);
    EXPECT_EQ(path_of(o.errors[0]), "a");
    // The nested error comes first in selection order: it is kept, then b! nulls the object.
    auto q = make("T", {object_field("address", "address", addr), nn(value_field("b", "b"))});
    auto o2 = run(R"({"address": {}})", *q);
    EXPECT_EQ(o2.st, transform_status::null_propagated);
    ASSERT_EQ(o2.errors.size(), 2u);
    EXPECT_EQ(path_of(o2.errors[0]), "address.city");
    EXPECT_EQ(path_of(o2.errors[1]), "b");
}

TEST(null_propagation, locations_are_copied) {
    projected_field f = nn(value_field("email", "email"));
    f.line = 4;
    f.column = 9;
    auto p = make("User", {f});
    auto o = run("{}", *p);
    ASSERT_EQ(o.errors.size(), 1u);
    EXPECT_EQ(o.errors[0].line, 4u);
    EXPECT_EQ(o.errors[0].column, 9u);
}

TEST(transform, wrong_shapes_are_field_errors) {
    auto addr = make("Address", {value_field("city", "city")});
    auto p = make("User", {object_field("address", "address", addr),
                           object_list_field("posts", "posts", addr), value_field("id", "id")});
    auto o = run(R"({"address": "street 1", "posts": {"city": 1}, "id": 3})", *p);
    ASSERT_EQ(o.st, transform_status::ok);
    EXPECT_EQ(o.out, R"({"address":null,"posts":null,"id":3})");
    ASSERT_EQ(o.errors.size(), 2u);
    auto o2 = run(R"({"posts": [{"city": 1}, 5]})", *p);
    EXPECT_EQ(o2.out, R"({"address":null,"posts":[{"city":1},null],"id":null})");
    ASSERT_EQ(o2.errors.size(), 1u);
    EXPECT_EQ(path_of(o2.errors[0]), "posts.1");
}

TEST(transform_list, root_list) {
    auto p = make("User", {nn(value_field("id", "id"))});
    std::string out;
    std::vector<field_error> errors;
    EXPECT_EQ(project_list(R"([{"id": 1}, {"id": 2}, {}, null])", *p, false, out, errors),
              transform_status::ok);
    EXPECT_EQ(out, R"([{"id":1},{"id":2},null,null])");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(path_of(errors[0]), "2.id");
    out.clear();
    errors.clear();
    EXPECT_EQ(project_list(R"([{"id": 1}, null])", *p, true, out, errors),
              transform_status::null_propagated);
    EXPECT_EQ(out, "");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(path_of(errors[0]), "1");
    out.clear();
    errors.clear();
    EXPECT_EQ(project_list("[]", *p, true, out, errors), transform_status::ok);
    EXPECT_EQ(out, "[]");
    EXPECT_EQ(project_list("{}", *p, true, out, errors), transform_status::malformed);
}

// ---- Malformed input: an error status, never a crash or an out-of-bounds read (ASan). ----

TEST(malformed, truncated_at_every_offset) {
    auto author = make("User", {value_field("first_name", "firstName")});
    auto post = make("Post", {value_field("title", "title"), object_field("author", "author", author)});
    auto addr = make("Address", {value_field("city", "city")});
    auto p = make("User", {value_field("id", "id"), object_field("address", "address", addr),
                           object_list_field("posts", "posts", post), value_field("tags", "tags")});
    auto none = make("User", {value_field("nothing", "nothing")});
    const std::string doc = std::string(user_row) + "\n";
    for (std::size_t n = 0; n + 1 < doc.size(); ++n) {
        // Copy into an exactly sized heap buffer so that ASan catches any read past the end.
        std::unique_ptr<char[]> buf(new char[n == 0 ? 1 : n]);
        std::memcpy(buf.get(), doc.data(), n);
        const std::string_view truncated(buf.get(), n);
        for (const projection* pr : {p.get(), none.get()}) {
            std::string out = "keep";
            std::vector<field_error> errors(1);
            EXPECT_EQ(project_object(truncated, *pr, out, errors), transform_status::malformed)
                << n;
            EXPECT_EQ(out, "keep");
            EXPECT_EQ(errors.size(), 1u);
        }
        EXPECT_FALSE(is_valid_json(truncated)) << n;
    }
    EXPECT_TRUE(is_valid_json(doc));
}

TEST(malformed, invalid_documents) {
    auto sel = make("T", {value_field("a", "a"), value_field("b", "b")});
    auto obj = make("T", {object_field("a", "a", make("U", {value_field("b", "b")})),
                          object_list_field("b", "b", make("U", {value_field("b", "b")}))});
    auto none = make("T", {value_field("zzz", "zzz")});
    const char* bad[] = {
        "", " ", "{", "}", "[1]", "1", "\"a\"", "nul", "{\"a\":1} x", "{\"a\":1}}",
        "{\"a\":tru}", "{\"a\":nulll}", "{\"a\":fals}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}",
        "{\"a\":-}", "{\"a\":1e}", "{\"a\":1e+}", "{\"a\":+1}", "{\"a\":0x1}", "{\"a\":1 2}",
        "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12g4\"}", "{\"a\":\"raw\ncontrol\"}",
        "{\"a\":\"unterminated}", "{\"a\" 1}", "{\"a\":1,}", "{,}", "{\"a\"}", "{a:1}",
        "{\"a\":[1,]}", "{\"a\":[1 2]}", "{\"a\":[,1]}", "{\"a\":{\"b\":1,}}", "{\"a\":{\"b\" 1}}",
        "{\"a\":]}", "{\"a\":[}", "{\"a\":{]}", "{\"a\":[1}", "{\"a\":{\"b\":1]}", "{'a':1}",
        "{\"a\":1,,\"b\":2}", "{\"a\":1 \"b\":2}", "{\"b\":[{\"b\":1},]}", "{\"b\":[{},{]}",
        "{\"a\":{\"b\":[1,{\"c\":}]}}", "{\"a\":\"\\\"}", "{\"a\":NaN}", "{\"a\":Infinity}",
    };
    for (const char* d : bad) {
        for (const projection* pr : {sel.get(), obj.get(), none.get()}) {
            std::string out;
            std::vector<field_error> errors;
            EXPECT_EQ(project_object(d, *pr, out, errors), transform_status::malformed) << d;
            EXPECT_TRUE(out.empty()) << d;
            EXPECT_TRUE(errors.empty()) << d;
        }
    }
}

TEST(malformed, error_offset_points_at_the_problem) {
    auto p = make("T", {value_field("a", "a")});
    transformer t;
    std::string out;
    std::vector<field_error> errors;
    EXPECT_EQ(t.project_object(R"({"a": 1, "b": tru})", *p, out, errors),
              transform_status::malformed);
    EXPECT_EQ(t.error_offset(), 14u);
    EXPECT_EQ(t.project_object(R"({"a": [1, 2,]})", *p, out, errors),
              transform_status::malformed);
    EXPECT_EQ(t.error_offset(), 12u);
    // The transformer is reusable after a failure.
    EXPECT_EQ(t.project_object(R"({"a": [1, 2]})", *p, out, errors), transform_status::ok);
    EXPECT_EQ(out, R"({"a":[1, 2]})");
}

std::string nested(std::size_t depth) {
    // depth containers in total, the top-level object included.
    std::string s = "{\"a\": ";
    for (std::size_t i = 1; i < depth; ++i) s += (i % 2) ? "[" : "{\"k\": ";
    s += "1";
    for (std::size_t i = depth - 1; i >= 1; --i) s += (i % 2) ? "]" : "}";
    s += "}";
    return s;
}

TEST(malformed, nesting_limit) {
    auto sel = make("T", {value_field("a", "a")});
    auto none = make("T", {value_field("zzz", "zzz")});
    for (const projection* pr : {sel.get(), none.get()}) {
        std::string out;
        std::vector<field_error> errors;
        EXPECT_EQ(project_object(nested(max_depth), *pr, out, errors), transform_status::ok);
        out.clear();
        EXPECT_EQ(project_object(nested(max_depth + 1), *pr, out, errors),
                  transform_status::too_deep);
        EXPECT_TRUE(out.empty());
        // Hostile depth: no stack overflow.
        std::string deep = "{\"a\": " + std::string(1'000'000, '[') + "}";
        EXPECT_EQ(project_object(deep, *pr, out, errors), transform_status::too_deep);
    }
    EXPECT_TRUE(is_valid_json(nested(max_depth)));
    EXPECT_FALSE(is_valid_json(nested(max_depth + 1)));
    // Depth through projected objects and lists counts the same way.
    std::shared_ptr<const projection> p = make("T", {value_field("a", "a")});
    for (int i = 0; i < 200; ++i) p = make("T", {object_field("a", "a", p)});
    std::string out;
    std::vector<field_error> errors;
    std::string doc;
    for (std::size_t i = 0; i < max_depth; ++i) doc += "{\"a\": ";
    doc += "1";
    doc += std::string(max_depth, '}');
    EXPECT_EQ(project_object(doc, *p, out, errors), transform_status::ok);
    doc = "{\"a\": " + doc + "}";
    out.clear();
    EXPECT_EQ(project_object(doc, *p, out, errors), transform_status::too_deep);
    auto lp = make("T", {value_field("a", "a")});
    for (int i = 0; i < 100; ++i) lp = make("T", {object_list_field("a", "a", lp)});
    doc.clear();
    for (std::size_t i = 0; i < 70; ++i) doc += "{\"a\": [";
    doc += "{}";
    for (std::size_t i = 0; i < 70; ++i) doc += "]}";
    EXPECT_EQ(project_object(doc, *lp, out, errors), transform_status::too_deep);
}

} // namespace
} // namespace fraiseql::json

namespace fraiseql::json {
namespace {

// One shared immutable projection, one thread-local transformer per thread (transform.hpp).
TEST(transform, shared_projection_across_threads) {
    auto post = make("Post", {value_field("title", "title")});
    auto p = make("User", {value_field("first_name", "firstName"),
                           object_list_field("posts", "posts", post)});
    const std::string expected = R"({"firstName":"Ann","posts":[{"title":"Hello"},{"title":"World"}]})";
    std::vector<std::thread> threads;
    std::atomic<int> mismatches{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 2000; ++i) {
                std::string out;
                std::vector<field_error> errors;
                if (project_object(user_row, *p, out, errors) != transform_status::ok ||
                    out != expected)
                    ++mismatches;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(mismatches.load(), 0);
}

TEST(transform, status_descriptions) {
    for (auto s : {transform_status::ok, transform_status::null_propagated,
                   transform_status::null_document, transform_status::malformed,
                   transform_status::too_deep})
        EXPECT_FALSE(to_string(s).empty());
    EXPECT_NE(to_string(transform_status::malformed), to_string(transform_status::too_deep));
}

} // namespace
} // namespace fraiseql::json
