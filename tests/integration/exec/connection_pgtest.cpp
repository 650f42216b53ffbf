// Relay connections (product.md §3.4) on a real server, both backends: forward and
// backward pagination compared with PostgreSQL's own ORDER BY, every direction and
// NULLS placement on a real column and on a JSONB key, ties, stability under
// inserts, totalCount, page info, bad cursors.

#include "exec_fixture.hpp"

namespace fraiseql::test {
namespace {

// 60 rows: grp has ties and NULLs (JSONB only), score has NULLs (a real column).
const char* const sql_setup = R"SQL(
CREATE TABLE S.tb_row (id int PRIMARY KEY, grp int, score numeric, name text);
INSERT INTO S.tb_row
SELECT n, CASE WHEN n % 11 = 0 THEN NULL ELSE n % 4 END,
       CASE WHEN n % 7 = 0 THEN NULL ELSE (n * 37) % 23 + 0.5 END,
       'row ' || n
FROM generate_series(1, 60) AS n;
CREATE VIEW S.v_row AS
    SELECT id, score, jsonb_build_object('id', id, 'grp', grp, 'score', score, 'name', name) AS data
    FROM S.tb_row;
)SQL";

const char* const sdl = R"GQL(
type Row @view(name: "S.v_row", columns: ["id", "score"]) {
  id: Int!
  grp: Int
  score: Float
  name: String
}
type Query { rows: [Row!]! }
)GQL";

class connection_exec : public exec_test {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        exec::config cfg;
        cfg.max_page_size = 25;
        setup(sql_setup, sdl, cfg);
    }

    struct page {
        std::vector<std::string> ids;
        std::vector<std::string> cursors;
        bool has_next = false;
        bool has_previous = false;
        std::string start, end;
        boost::json::value raw;
    };

    page fetch(const std::string& args) {
        page p;
        p.raw = gql("{ rowsConnection(" + args +
                    ") { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }");
        const auto* data = p.raw.as_object().if_contains("data");
        EXPECT_TRUE(data && !p.raw.as_object().contains("errors")) << last_body_;
        if (!data || data->is_null() || p.raw.as_object().contains("errors")) return p;
        const auto& c = data->at("rowsConnection");
        for (const auto& e : c.at("edges").as_array()) {
            p.ids.push_back(std::to_string(e.at("node").at("id").as_int64()));
            p.cursors.emplace_back(e.at("cursor").as_string());
        }
        const auto& pi = c.at("pageInfo");
        p.has_next = pi.at("hasNextPage").as_bool();
        p.has_previous = pi.at("hasPreviousPage").as_bool();
        if (!pi.at("startCursor").is_null()) p.start = pi.at("startCursor").as_string();
        if (!pi.at("endCursor").is_null()) p.end = pi.at("endCursor").as_string();
        return p;
    }

    static std::string quoted(const std::string& s) { return "\"" + s + "\""; }

    /// Pages forward with `first: n` over the whole connection.
    std::vector<std::string> all_forward(const std::string& order, int n, int* pages = nullptr) {
        std::vector<std::string> ids;
        std::string after;
        for (int i = 0; i < 100; ++i) {
            std::string args = "first: " + std::to_string(n) + order;
            if (!after.empty()) args += ", after: " + quoted(after);
            page p = fetch(args);
            EXPECT_EQ(p.has_previous, !after.empty()) << args;
            ids.insert(ids.end(), p.ids.begin(), p.ids.end());
            if (pages) ++*pages;
            if (!p.has_next) break;
            EXPECT_EQ(p.ids.size(), std::size_t(n));
            after = p.end;
        }
        return ids;
    }

    /// Pages backward with `last: n` from the end; returns the rows in forward order.
    std::vector<std::string> all_backward(const std::string& order, int n) {
        std::vector<std::string> ids;
        std::string before;
        for (int i = 0; i < 100; ++i) {
            std::string args = "last: " + std::to_string(n) + order;
            if (!before.empty()) args += ", before: " + quoted(before);
            page p = fetch(args);
            EXPECT_EQ(p.has_next, !before.empty()) << args;
            ids.insert(ids.begin(), p.ids.begin(), p.ids.end());
            if (!p.has_previous) break;
            EXPECT_EQ(p.ids.size(), std::size_t(n));
            before = p.start;
        }
        return ids;
    }
};

TEST_P(connection_exec, pages_forward_and_backward_in_every_order_match_postgresql) {
    struct order_case {
        const char* graphql;
        const char* sql;
    };
    const order_case cases[] = {
        {"", "id"},
        {"{grp: ASC}", "grp ASC NULLS LAST, id"},
        {"{grp: DESC}", "grp DESC NULLS FIRST, id"},
        {"{grp: ASC_NULLS_FIRST}", "grp ASC NULLS FIRST, id"},
        {"{grp: DESC_NULLS_LAST}", "grp DESC NULLS LAST, id"},
        {"{score: ASC}", "score ASC NULLS LAST, id"},
        {"{score: DESC_NULLS_LAST}", "score DESC NULLS LAST, id"},
        {"{grp: ASC_NULLS_FIRST}, {score: DESC}", "grp ASC NULLS FIRST, score DESC NULLS FIRST, id"},
        {"{grp: DESC, score: ASC_NULLS_FIRST}", "grp DESC NULLS FIRST, score ASC NULLS FIRST, id"},
        {"{id: DESC}", "id DESC"},
    };
    for (const auto& c : cases) {
        const std::string order = *c.graphql ? std::string(", orderBy: [") + c.graphql + "]" : "";
        const auto expected = column(std::string("SELECT id FROM S.tb_row ORDER BY ") + c.sql);
        ASSERT_EQ(expected.size(), 60u);
        int pages = 0;
        EXPECT_EQ(all_forward(order, 7, &pages), expected) << c.graphql;
        EXPECT_EQ(pages, 9) << c.graphql; // 8 full pages of 7, then 4 rows
        EXPECT_EQ(all_backward(order, 9), expected) << c.graphql;
    }
}

TEST_P(connection_exec, page_boundaries_and_page_info) {
    page p = fetch("first: 60");
    // first is capped by max_page_size (25 here).
    EXPECT_EQ(p.ids.size(), 25u);
    EXPECT_TRUE(p.has_next);
    EXPECT_FALSE(p.has_previous);
    EXPECT_EQ(p.start, p.cursors.front());
    EXPECT_EQ(p.end, p.cursors.back());

    page last = fetch("first: 5, after: " + quoted(fetch("first: 25, after: " + quoted(p.end)).end));
    EXPECT_EQ(last.ids, (std::vector<std::string>{"51", "52", "53", "54", "55"}));
    EXPECT_TRUE(last.has_next);
    page tail = fetch("first: 5, after: " + quoted(last.end));
    EXPECT_EQ(tail.ids, (std::vector<std::string>{"56", "57", "58", "59", "60"}));
    EXPECT_FALSE(tail.has_next) << "exactly the remaining rows: no next page";
    EXPECT_TRUE(tail.has_previous);
    page empty = fetch("first: 5, after: " + quoted(tail.end));
    EXPECT_TRUE(empty.ids.empty());
    EXPECT_FALSE(empty.has_next);
    EXPECT_TRUE(empty.has_previous);
    EXPECT_TRUE(empty.start.empty() && empty.end.empty());

    page zero = fetch("first: 0");
    EXPECT_TRUE(zero.ids.empty());
    EXPECT_TRUE(zero.has_next);

    // after and before together: the rows strictly between.
    page between = fetch("first: 10, after: " + quoted(p.cursors[2]) + ", before: " + quoted(p.cursors[6]));
    EXPECT_EQ(between.ids, (std::vector<std::string>{"4", "5", "6"}));
    EXPECT_FALSE(between.has_next);
    page between_last = fetch("last: 2, after: " + quoted(p.cursors[2]) + ", before: " + quoted(p.cursors[6]));
    EXPECT_EQ(between_last.ids, (std::vector<std::string>{"5", "6"}));
    EXPECT_TRUE(between_last.has_previous);
    EXPECT_TRUE(between_last.has_next);
}

TEST_P(connection_exec, cursors_are_stable_under_concurrent_inserts) {
    const std::string order = ", orderBy: [{grp: ASC}, {score: DESC}]";
    const auto before = column("SELECT id FROM S.tb_row ORDER BY grp ASC NULLS LAST, score DESC NULLS FIRST, id");
    std::vector<std::string> seen;
    std::string after;
    int round = 0;
    while (true) {
        std::string args = "first: 6" + order;
        if (!after.empty()) args += ", after: " + quoted(after);
        page p = fetch(args);
        seen.insert(seen.end(), p.ids.begin(), p.ids.end());
        if (!p.has_next) break;
        after = p.end;
        // Between page fetches, insert rows that sort before, among and after the
        // rows already seen (including ties and NULLs on both keys).
        const int base = 1000 + 10 * round++;
        ASSERT_TRUE(script(with_schema(
            "INSERT INTO S.tb_row VALUES (" + std::to_string(base) + ", 0, 99, 'x'), (" +
                std::to_string(base + 1) + ", NULL, NULL, 'x'), (" + std::to_string(base + 2) +
                ", 2, 5.5, 'x'), (" + std::to_string(base + 3) + ", 1, NULL, 'x')",
            schema_)));
        ASSERT_LT(round, 40);
    }
    // Every original row exactly once, in the original relative order.
    std::vector<std::string> originals;
    for (const auto& id : seen)
        if (std::stoi(id) <= 60) originals.push_back(id);
    EXPECT_EQ(originals, before);
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end()) << "a row was repeated";
}

TEST_P(connection_exec, total_count_uses_the_where_and_only_runs_when_selected) {
    auto v = gql(R"({ rowsConnection(first: 3, where: {grp: {eq: 2}}) { totalCount edges { node { id grp } } } })");
    ASSERT_FALSE(v.as_object().contains("errors")) << last_body_;
    const auto& c = v.at("data").at("rowsConnection");
    EXPECT_EQ(c.at("totalCount").as_int64(),
              std::stoll(column("SELECT count(*) FROM S.tb_row WHERE grp = 2").at(0)));
    EXPECT_EQ(c.at("edges").as_array().size(), 3u);
    for (const auto& e : c.at("edges").as_array()) EXPECT_EQ(e.at("node").at("grp"), 2);

    // Empty page: the count still comes back.
    auto empty = gql(R"({ rowsConnection(where: {grp: {eq: 42}}) { totalCount pageInfo { hasNextPage endCursor } edges { cursor } } })");
    EXPECT_EQ(boost::json::serialize(empty.at("data")),
              R"({"rowsConnection":{"totalCount":0,"pageInfo":{"hasNextPage":false,"endCursor":null},"edges":[]}})")
        << last_body_;

    // The count is a statement part of its own: count the calls of a function the
    // view evaluates per row, with and without totalCount selected.
    ASSERT_TRUE(script(with_schema(R"(
        CREATE SEQUENCE S.calls;
        CREATE FUNCTION S.tick(int) RETURNS int LANGUAGE sql VOLATILE AS $$ SELECT $1 + 0 * nextval('S.calls')::int $$;
        CREATE OR REPLACE VIEW S.v_row AS
            SELECT S.tick(id) AS id, score, jsonb_build_object('id', id, 'grp', grp, 'score', score, 'name', name) AS data
            FROM S.tb_row;)", schema_)));
    auto calls = [&] { return std::stoll(column("SELECT last_value FROM S.calls").at(0)); };
    (void)gql(R"({ rowsConnection(first: 2) { edges { node { id } } } })");
    const long long without = calls();
    (void)gql(R"({ rowsConnection(first: 2) { totalCount edges { node { id } } } })");
    const long long with = calls() - without;
    EXPECT_GE(with - without, 60) << "the count reads every row; without totalCount it must not";
}

TEST_P(connection_exec, typename_aliases_and_edge_fields_follow_the_selection) {
    auto v = gql(R"({ c: rowsConnection(first: 2, orderBy: [{id: DESC}]) {
        __typename n: totalCount
        pageInfo { __typename hasPreviousPage }
        e1: edges { __typename node { __typename id } }
        e2: edges { node { label: name } } } })");
    ASSERT_FALSE(v.as_object().contains("errors")) << last_body_;
    EXPECT_EQ(boost::json::serialize(v.at("data")),
              R"({"c":{"__typename":"RowConnection","n":60,"pageInfo":{"__typename":"PageInfo","hasPreviousPage":false},)"
              R"("e1":[{"__typename":"RowEdge","node":{"__typename":"Row","id":60}},{"__typename":"RowEdge","node":{"__typename":"Row","id":59}}],)"
              R"("e2":[{"node":{"label":"row 60"}},{"node":{"label":"row 59"}}]}})");
}

TEST_P(connection_exec, bad_arguments_and_cursors_are_bad_user_input) {
    page p = fetch("first: 2, orderBy: [{grp: ASC}]");
    ASSERT_EQ(p.cursors.size(), 2u);
    const std::string good = p.end;
    const std::vector<std::string> bad = {
        "first: 1, last: 1", "first: -1", "last: -2", "first: 1, after: \"not a cursor!\"",
        "first: 1, after: \"" + good.substr(0, good.size() - 3) + "\"", "first: 1, after: \"\"",
        // A cursor of another ordering.
        "first: 1, after: \"" + good + "\", orderBy: [{grp: DESC}]",
        "first: 1, before: \"" + good + "\""};
    for (const std::string& args : bad) {
        auto v = gql("{ rowsConnection(" + args + ") { edges { cursor } } }");
        EXPECT_EQ(first_code(v), "BAD_USER_INPUT") << args << ": " << last_body_;
        EXPECT_TRUE(v.at("data").is_null()) << args;
    }
    // The same cursor with its own ordering works.
    auto ok = gql("{ rowsConnection(first: 1, after: \"" + good + "\", orderBy: [{grp: ASC}]) { edges { cursor } } }");
    EXPECT_EQ(first_code(ok), "") << last_body_;
}

INSTANTIATE_TEST_SUITE_P(backends, connection_exec, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test
