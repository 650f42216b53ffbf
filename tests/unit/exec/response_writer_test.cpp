// The response stage (src/exec/response_writer.hpp): data and null propagation (GraphQL
// spec §6.4.4), the order of errors, @auth error paths (§7.1.2) and the tail of a streamed
// response. Pure: field plans and results are built here.

#include <gtest/gtest.h>

#include "exec/response_writer.hpp"
#include "fraiseql/json/buffer_pool.hpp"
#include "unit/json/counting_new.hpp"

namespace fraiseql::exec {
namespace {

using graphql::error;
using graphql::field_def;
using graphql::field_plan;
using graphql::type_expr;

struct fixture {
    field_def nullable_list;
    field_def non_null_single;
    graphql::operation_plan plan;

    fixture() {
        nullable_list.name = "users";
        nullable_list.type = type_expr::named("User").non_null_of().list_of();
        non_null_single.name = "me";
        non_null_single.type = type_expr::named("User").non_null_of();
    }
    void add(std::string key, const field_def* f) {
        field_plan fp;
        fp.response_key = fp.name = std::move(key);
        fp.field = f;
        plan.root_fields.push_back(std::move(fp));
    }
};

field_result value(std::string json) {
    field_result r;
    r.json = std::move(json);
    return r;
}
field_result null_with(error e) {
    field_result r;
    r.is_null = true;
    r.errors.push_back(std::move(e));
    return r;
}

TEST(response_writer, data_in_selection_order_with_auth_errors_first) {
    fixture f;
    f.add("users", &f.nullable_list);
    f.add("other", &f.nullable_list);
    roots_outcome o;
    o.results.push_back(value(R"([{"email":"a"}])"));
    o.results.push_back(null_with(error::at("boom", {}, "DATABASE_ERROR")));
    std::vector<error> errors{error::at("auth first", {}, "FORBIDDEN")};
    auto res = write_response(f.plan, std::move(o), errors);
    EXPECT_EQ(res.status, 200u);
    EXPECT_FALSE(res.streamed);
    EXPECT_EQ(res.body, R"({"data":{"users":[{"email":"a"}],"other":null},"errors":[)"
                        R"({"message":"auth first","extensions":{"code":"FORBIDDEN"}},)"
                        R"({"message":"boom","extensions":{"code":"DATABASE_ERROR"}}]})");
    ASSERT_EQ(errors.size(), 2u) << "every error, for the metrics";
}

TEST(response_writer, a_null_non_null_root_nulls_data) {
    fixture f;
    f.add("users", &f.nullable_list);
    f.add("me", &f.non_null_single);
    roots_outcome o;
    o.results.push_back(value("[]"));
    o.results.push_back(null_with(error::at("gone", {}, "DATABASE_ERROR")));
    std::vector<error> errors;
    auto res = write_response(f.plan, std::move(o), errors);
    EXPECT_EQ(res.body, R"({"data":null,"errors":[{"message":"gone","extensions":{"code":"DATABASE_ERROR"}}]})");
}

TEST(response_writer, a_forbidden_nested_field_gets_one_error_per_evaluated_path) {
    fixture f;
    f.add("users", &f.nullable_list);
    roots_outcome o;
    o.results.push_back(value(R"([{"email":null},{"email":null}])"));
    error e = error::at("Not authorized", {}, "FORBIDDEN");
    e.path = {std::string("users"), std::string("email")};
    std::vector<error> errors{e};
    auto res = write_response(f.plan, std::move(o), errors);
    ASSERT_EQ(errors.size(), 2u) << res.body;
    EXPECT_EQ(errors[0].path, (std::vector<graphql::path_element>{std::string("users"), std::int64_t{0}, std::string("email")}));
    EXPECT_EQ(errors[1].path, (std::vector<graphql::path_element>{std::string("users"), std::int64_t{1}, std::string("email")}));
}

TEST(response_writer, a_streamed_value_is_finished_or_aborted) {
    fixture f;
    f.add("users", &f.nullable_list);
    roots_outcome ok;
    ok.stream_started = true;
    ok.results.push_back(value(R"({"email":"z"}])"));
    error late = error::at("Not authorized", {}, "FORBIDDEN");
    late.path = {std::string("users"), std::string("email")};
    std::vector<error> errors{late};
    auto tail = write_response(f.plan, std::move(ok), errors);
    EXPECT_TRUE(tail.streamed);
    EXPECT_FALSE(tail.aborted);
    // The streamed list's @auth error keeps the field's path without indices.
    EXPECT_EQ(tail.body, R"({"email":"z"}]},"errors":[{"message":"Not authorized","path":["users","email"],)"
                         R"("extensions":{"code":"FORBIDDEN"}}]})");

    roots_outcome failed;
    failed.stream_started = true;
    failed.results.push_back(null_with(error::at("lost", {}, "DATABASE_ERROR")));
    std::vector<error> none;
    auto cut = write_response(f.plan, std::move(failed), none);
    EXPECT_TRUE(cut.aborted);
    EXPECT_EQ(none.size(), 1u);
}

TEST(response_writer, errors_body_lists_the_errors) {
    EXPECT_EQ(errors_body({error::at("a", {1, 2}, "X")}),
              R"({"errors":[{"message":"a","locations":[{"line":1,"column":2}],"extensions":{"code":"X"}}]})");
}

// Issue 15's budget: assembling the by-id response allocates nothing once the thread's spare
// buffers are warm. The root's value comes from the pool as the projecting sink takes it,
// write_response gives it back, and the transport gives the body back once written.
TEST(response_writer, assembling_a_response_allocates_nothing_after_warm_up) {
    // Start from an empty spare-buffer pool: buffers other tests of this binary gave back to
    // this thread are smaller than this response, and best-fit would grow each of them once.
    while (json::pooled_buffers() > 0) (void)json::take_buffer();
    fixture f;
    f.add("user", &f.non_null_single);
    std::vector<error> errors;
    roots_outcome o;
    o.results.resize(1);
    bool bodies_right = true;
    auto one = [&] {
        std::string& value = o.results[0].json;
        value = json::take_buffer();
        value.append(R"({"id":"24c9e15e-52af-c47c-225b-757e7bee1f9d","email":"a@b.c"})");
        auto res = write_response(f.plan, std::move(o), errors);
        bodies_right = bodies_right && res.body == R"({"data":{"user":{"id":"24c9e15e-52af-)"
                                                   R"(c47c-225b-757e7bee1f9d","email":"a@b.c"}}})";
        json::give_back(res.body);
        // The outcome was moved from: a request builds a new one (its vector is the plan
        // runner's, not the response stage's, so it is set up outside the count).
    };
    auto fresh = [&] {
        o = roots_outcome{};
        o.results.resize(1);
    };
    one();
    std::size_t in_write = 0;
    for (int i = 0; i < 100; ++i) {
        fresh();
        test::allocation_count count;
        one();
        in_write += count();
    }
    EXPECT_EQ(in_write, 0u);
    EXPECT_TRUE(bodies_right);
    EXPECT_TRUE(errors.empty());
}

} // namespace
} // namespace fraiseql::exec
