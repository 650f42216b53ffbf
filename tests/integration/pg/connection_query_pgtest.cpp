// Queries through pg::connection: extended-protocol pipelines, types as text, large
// values, streaming, errors and reuse, the prepared-statement cache, simple queries.
#include <array>

#include "connection_fixture.hpp"

namespace fraiseql::conn_test {
namespace {

using pg::param;

class query : public connection_test {
protected:
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        c_ = must_connect();
        ASSERT_TRUE(c_);
    }
    /// Runs `SELECT <expr>` with one text parameter and returns the single text value.
    std::optional<std::string> roundtrip(std::string_view sql, std::optional<std::string> v,
                                         std::uint32_t type = pg::oid::unspecified) {
        copy_sink s;
        param p = v ? param::text(*v, type) : param::null_value(type);
        auto r = run1(*c_, sql, &s, std::span(&p, 1));
        EXPECT_TRUE(r) << sql << ": " << describe(r);
        if (!r || s.rows.size() != 1 || s.rows[0].size() != 1) {
            ADD_FAILURE() << sql << ": expected one value";
            return std::string("<missing>");
        }
        return s.rows[0][0];
    }
    std::unique_ptr<pg::connection> c_;
};

TEST_P(query, types_round_trip_as_text) {
    ASSERT_TRUE(run1(*c_, "SET TIME ZONE 'UTC'"));
    EXPECT_EQ(roundtrip("SELECT $1::int4", "-42"), "-42");
    EXPECT_EQ(roundtrip("SELECT $1::int8", "9223372036854775807"), "9223372036854775807");
    EXPECT_EQ(roundtrip("SELECT $1::numeric", "12345678901234567890.000000001"),
              "12345678901234567890.000000001");
    EXPECT_EQ(roundtrip("SELECT $1::text", "h\xc3\xa9llo \xe2\x9c\x93 'q' \"d\""),
              "h\xc3\xa9llo \xe2\x9c\x93 'q' \"d\"");
    EXPECT_EQ(roundtrip("SELECT $1::bool", "true"), "t");
    EXPECT_EQ(roundtrip("SELECT $1::uuid", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"),
              "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    EXPECT_EQ(roundtrip("SELECT $1::timestamptz", "2024-01-02T03:04:05.123456+02:00"),
              "2024-01-02 01:04:05.123456+00");
    EXPECT_EQ(roundtrip("SELECT $1::jsonb", R"({"b": [1, 2.5, null], "a": {"x": "y"}})"),
              R"({"a": {"x": "y"}, "b": [1, 2.5, null]})");
    EXPECT_EQ(roundtrip("SELECT $1::int4[]", "{1,2,3}"), "{1,2,3}");
    EXPECT_EQ(roundtrip("SELECT $1::text[]", R"({"a b",NULL,c})"), R"({"a b",NULL,c})");
    EXPECT_EQ(roundtrip("SELECT $1::int4", std::nullopt), std::nullopt);
    EXPECT_EQ(roundtrip("SELECT $1", "typed", pg::oid::text), "typed");
}

TEST_P(query, column_metadata) {
    copy_sink s;
    ASSERT_TRUE(run1(*c_, "SELECT 1::int4 AS a, 'x'::text AS b, NULL::jsonb AS c", &s));
    ASSERT_EQ(s.columns.size(), 3u);
    EXPECT_EQ(s.columns[0].name, "a");
    EXPECT_EQ(s.columns[0].type_oid, pg::oid::int4);
    EXPECT_EQ(s.columns[1].type_oid, pg::oid::text);
    EXPECT_EQ(s.columns[2].type_oid, pg::oid::jsonb);
    EXPECT_EQ(s.columns[0].fmt, pg::format::text);
    ASSERT_EQ(s.rows.size(), 1u);
    EXPECT_FALSE(s.rows[0][2].has_value());
    ASSERT_EQ(s.tags.size(), 1u);
    EXPECT_EQ(s.tags[0], "SELECT 1");
}

TEST_P(query, binary_result_format_gives_raw_bytes) {
    copy_sink s;
    pg::statement st{"SELECT 258::int4, 'ab'::text", {}, &s, pg::format::binary};
    ASSERT_TRUE(run(*c_, std::span(&st, 1)));
    ASSERT_EQ(s.rows.size(), 1u);
    EXPECT_EQ(*s.rows[0][0], std::string("\0\0\x01\x02", 4));
    EXPECT_EQ(*s.rows[0][1], "ab");
    EXPECT_EQ(s.columns[0].fmt, pg::format::binary);
    // Same statement again through the cache: the format still follows the request.
    copy_sink t;
    pg::statement st2{"SELECT 258::int4, 'ab'::text", {}, &t, pg::format::text};
    ASSERT_TRUE(run(*c_, std::span(&st2, 1)));
    EXPECT_EQ(t.at(0, 0), "258");
    EXPECT_EQ(t.columns[0].fmt, pg::format::text);
}

TEST_P(query, binary_parameter) {
    const char be[] = {0, 0, 0, 7};
    param p{std::string_view(be, 4), false, pg::oid::int4, pg::format::binary};
    copy_sink s;
    ASSERT_TRUE(run1(*c_, "SELECT $1 + 1", &s, std::span(&p, 1)));
    EXPECT_EQ(s.at(0, 0), "8");
}

TEST_P(query, one_mebibyte_values) {
    const std::string big(1 << 20, 'x');
    EXPECT_EQ(roundtrip("SELECT $1::text", big), big);
    copy_sink s;
    ASSERT_TRUE(run1(*c_, "SELECT repeat('ab', 524288), length(repeat('ab', 524288))", &s));
    ASSERT_EQ(s.rows.size(), 1u);
    EXPECT_EQ(s.rows[0][0]->size(), std::size_t(1) << 20);
    EXPECT_EQ(s.at(0, 1), "1048576");
}

// A request larger than any socket send buffer: the non-blocking first write
// (net/write_now.hpp) takes part of it and the asynchronous write sends the rest, in order.
TEST_P(query, a_sixteen_mebibyte_parameter_is_sent_whole) {
    std::string big(16u << 20, 'x');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = char('a' + (i * 7 + i / 4099) % 26);
    copy_sink s;
    const param p{big, false, pg::oid::text, pg::format::text};
    ASSERT_TRUE(run1(*c_, "SELECT length($1), substr($1, 1, 16), substr($1, 8000001, 16), "
                          "substr($1, 12345679, 16), right($1, 16)",
                     &s, std::span(&p, 1)));
    ASSERT_EQ(s.rows.size(), 1u);
    EXPECT_EQ(s.at(0, 0), std::to_string(big.size()));
    EXPECT_EQ(s.at(0, 1), big.substr(0, 16));
    EXPECT_EQ(s.at(0, 2), big.substr(8000000, 16));
    EXPECT_EQ(s.at(0, 3), big.substr(12345678, 16));
    EXPECT_EQ(s.at(0, 4), big.substr(big.size() - 16));
    // The connection is in step after it: the next statement answers.
    copy_sink after;
    ASSERT_TRUE(run1(*c_, "SELECT 1", &after));
    EXPECT_EQ(after.at(0, 0), "1");
}

TEST_P(query, streams_100k_rows_in_bounded_memory) {
    count_sink s;
    auto r = run1(*c_, "SELECT g, repeat('x', 100) FROM generate_series(1, 100000) g", &s);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(s.rows, 100000u);
    EXPECT_EQ(s.bytes, 100000u * 100 + 488895u); // digits of 1..100000
    EXPECT_GT(s.batches, 1u) << "rows must be delivered while they arrive";
    if (native()) {
        // ~10.6 MB crossed the wire through a buffer that never grew past its initial size.
        EXPECT_GT(c_->stats().bytes_received, 10'000'000u);
        EXPECT_LE(c_->stats().max_receive_buffer, 256u * 1024);
    }
}

TEST_P(query, pipeline_of_100_statements) {
    std::vector<std::string> values;
    std::vector<std::array<param, 1>> params(100);
    std::vector<copy_sink> sinks(100);
    std::vector<pg::statement> stmts;
    for (int i = 0; i < 100; ++i) values.push_back(std::to_string(i * 3));
    for (int i = 0; i < 100; ++i) {
        params[i][0] = param::text(values[i]);
        // Alternate cached and uncached statements, and two distinct texts.
        stmts.push_back(pg::statement{i % 2 ? "SELECT $1::int4 * 2" : "SELECT $1::int4 + 0",
                                      params[i], &sinks[i], pg::format::text, i % 3 != 0});
    }
    auto before = c_->stats().statements;
    auto r = run(*c_, stmts);
    ASSERT_TRUE(r) << describe(r);
    for (int i = 0; i < 100; ++i) {
        ASSERT_EQ(sinks[i].rows.size(), 1u) << i;
        EXPECT_EQ(sinks[i].at(0, 0), std::to_string(i % 2 ? i * 6 : i * 3)) << i;
    }
    if (native()) {
        EXPECT_EQ(c_->stats().statements - before, 100u);
    }
}

TEST_P(query, pipeline_is_one_implicit_transaction) {
    // A table of this process's own: the native and libpq runs of this test may run at once.
    const std::string t = "conn_tx_" + std::to_string(::getpid());
    ASSERT_TRUE(simple(*c_, "DROP TABLE IF EXISTS " + t + "; CREATE TABLE " + t + " (a int)"));
    const std::string ins1 = "INSERT INTO " + t + " VALUES (1)", ins2 = "INSERT INTO " + t + " VALUES (2)";
    std::array<pg::statement, 3> stmts{
        pg::statement{ins1, {}, nullptr},
        pg::statement{"SELECT 1 / 0", {}, nullptr},
        pg::statement{ins2, {}, nullptr}};
    auto r = run(*c_, stmts);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, pg::errc::server_error);
    EXPECT_EQ(r.error().server().code, pg::sqlstate::division_by_zero());
    copy_sink s;
    ASSERT_TRUE(run1(*c_, "SELECT count(*) FROM " + t, &s));
    EXPECT_EQ(s.at(0, 0), "0");
    ASSERT_TRUE(simple(*c_, "DROP TABLE " + t));
}

TEST_P(query, statement_error_has_fields_and_connection_is_reusable) {
    auto r = run1(*c_, "SELECT no_such_column FROM pg_class");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, pg::errc::server_error);
    EXPECT_EQ(r.error().server().code, pg::sqlstate::undefined_column());
    EXPECT_EQ(r.error().server().severity, "ERROR");
    EXPECT_NE(r.error().server().message.find("no_such_column"), std::string::npos);
    EXPECT_EQ(r.error().server().position, 8);
    EXPECT_FALSE(c_->broken());
    // Same failing text again (it must not have been cached), then good statements.
    ASSERT_FALSE(run1(*c_, "SELECT no_such_column FROM pg_class"));
    copy_sink s;
    ASSERT_TRUE(run1(*c_, "SELECT 7", &s));
    EXPECT_EQ(s.at(0, 0), "7");

    auto dup = simple(*c_, "CREATE TEMP TABLE conn_u (id int PRIMARY KEY);"
                           "INSERT INTO conn_u VALUES (1); INSERT INTO conn_u VALUES (1)");
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().server().code, pg::sqlstate::unique_violation());
    EXPECT_EQ(dup.error().server().table_name, "conn_u");
    EXPECT_EQ(dup.error().server().constraint_name, "conn_u_pkey");
    EXPECT_FALSE(dup.error().server().detail.empty());
    EXPECT_FALSE(c_->broken());
}

TEST_P(query, error_mid_pipeline_stops_the_rest) {
    copy_sink a, b, c;
    std::array<pg::statement, 3> stmts{pg::statement{"SELECT 1", {}, &a},
                                       pg::statement{"SELECT 'x'::int", {}, &b},
                                       pg::statement{"SELECT 3", {}, &c}};
    auto r = run(*c_, stmts);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().server().code, pg::sqlstate::invalid_text_representation());
    EXPECT_EQ(a.rows.size(), 1u);
    EXPECT_TRUE(b.rows.empty());
    EXPECT_TRUE(c.rows.empty());
    EXPECT_TRUE(c.tags.empty());
    EXPECT_FALSE(c_->broken());
}

TEST_P(query, prepared_statement_cache_hits) {
    for (int i = 0; i < 3; ++i) {
        copy_sink s;
        std::string v = std::to_string(i);
        param p = param::text(v);
        ASSERT_TRUE(run1(*c_, "SELECT $1::int4 + 100", &s, std::span(&p, 1)));
        EXPECT_EQ(s.at(0, 0), std::to_string(100 + i));
    }
    EXPECT_EQ(c_->stats().prepared_cache_misses, 1u);
    EXPECT_EQ(c_->stats().prepared_cache_hits, 2u);
}

// ParameterStatus messages the server sends after startup (a SET of a GUC_REPORT
// parameter) update what parameter() returns, on both backends (libpq tracks them too,
// PQparameterStatus, libpq docs 34.2).
TEST_P(query, parameter_status_updates_after_a_set) {
    EXPECT_EQ(c_->parameter("DateStyle").substr(0, 3), "ISO");
    ASSERT_TRUE(run1(*c_, "SET application_name = 'conn-test-app'"));
    EXPECT_EQ(c_->parameter("application_name"), "conn-test-app");
    ASSERT_TRUE(simple(*c_, "SET DateStyle = 'SQL, DMY'"));
    EXPECT_EQ(c_->parameter("DateStyle"), "SQL, DMY");
}

// DEALLOCATE ALL behind the driver's back: the next run of a cached statement fails with
// 26000 at Bind, before anything ran, so it is prepared afresh and re-sent (connection.hpp).
TEST_P(query, deallocate_all_behind_the_cache_is_recovered) {
    copy_sink s0;
    ASSERT_TRUE(run1(*c_, "SELECT 1", &s0));
    ASSERT_TRUE(run1(*c_, "DEALLOCATE ALL"));
    copy_sink s;
    auto r = run1(*c_, "SELECT 1", &s); // would fail with 26000 if still cached
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(s.at(0, 0), "1");
    copy_sink again;
    ASSERT_TRUE(run1(*c_, "SELECT 1", &again));
    EXPECT_EQ(again.at(0, 0), "1");
}

TEST_P(query, cached_statement_invalidated_by_schema_change) {
    ASSERT_TRUE(simple(*c_, "CREATE TEMP TABLE conn_inv (a int); INSERT INTO conn_inv VALUES (1)"));
    copy_sink s1;
    ASSERT_TRUE(run1(*c_, "SELECT * FROM conn_inv", &s1));
    EXPECT_EQ(s1.columns.size(), 1u);
    ASSERT_TRUE(simple(*c_, "ALTER TABLE conn_inv ADD COLUMN b int DEFAULT 2"));
    // The cached plan fails with 0A000 at Bind, before anything ran: the driver drops the
    // statement and re-sends the pipeline once (connection.hpp), so the caller never
    // sees the error.
    copy_sink s2;
    auto r = run1(*c_, "SELECT * FROM conn_inv", &s2);
    ASSERT_TRUE(r) << describe(r);
    ASSERT_EQ(s2.columns.size(), 2u);
    ASSERT_EQ(s2.rows.size(), 1u);
    EXPECT_EQ(s2.at(0, 1), "2");
    EXPECT_EQ(s2.tags, std::vector<std::string>{"SELECT 1"});
    // Still cached (prepared afresh): the next run is a hit and works.
    const auto hits = c_->stats().prepared_cache_hits;
    copy_sink s3;
    ASSERT_TRUE(run1(*c_, "SELECT * FROM conn_inv", &s3));
    EXPECT_EQ(s3.columns.size(), 2u);
    EXPECT_EQ(c_->stats().prepared_cache_hits, hits + 1);
}

TEST_P(query, cached_statement_invalidated_inside_a_transaction_fails_once) {
    ASSERT_TRUE(simple(*c_, "CREATE TEMP TABLE conn_inv2 (a int); INSERT INTO conn_inv2 VALUES (1)"));
    ASSERT_TRUE(run1(*c_, "SELECT * FROM conn_inv2"));
    ASSERT_TRUE(run1(*c_, "BEGIN"));
    ASSERT_TRUE(run1(*c_, "ALTER TABLE conn_inv2 ADD COLUMN b int DEFAULT 2"));
    // Inside a transaction block the error has aborted the block: no transparent retry.
    auto r = run1(*c_, "SELECT * FROM conn_inv2");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().server().code.str(), "0A000") << describe(r);
    ASSERT_TRUE(run1(*c_, "ROLLBACK"));
    ASSERT_TRUE(run1(*c_, "ALTER TABLE conn_inv2 ADD COLUMN c int DEFAULT 3"));
    // The entry was dropped: prepared afresh, it works (3 columns: a, c).
    copy_sink s;
    auto again = run1(*c_, "SELECT * FROM conn_inv2", &s);
    ASSERT_TRUE(again) << describe(again);
    EXPECT_EQ(s.columns.size(), 2u);
}

TEST_P(query, invalidated_statement_after_another_statement_is_not_retried) {
    ASSERT_TRUE(simple(*c_, "CREATE TEMP TABLE conn_inv3 (a int); INSERT INTO conn_inv3 VALUES (1)"));
    ASSERT_TRUE(run1(*c_, "SELECT * FROM conn_inv3"));
    ASSERT_TRUE(simple(*c_, "ALTER TABLE conn_inv3 ADD COLUMN b int DEFAULT 2"));
    // The first statement ran (its sink saw rows): re-sending would repeat it, so the
    // caller gets the error, once; the next run prepares the statement afresh.
    copy_sink first, second;
    const std::array<pg::statement, 2> st{pg::statement{"SELECT 'first'", {}, &first},
                                          pg::statement{"SELECT * FROM conn_inv3", {}, &second}};
    auto r = run(*c_, st);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().server().code.str(), "0A000") << describe(r);
    EXPECT_EQ(first.rows.size(), 1u);
    copy_sink s;
    ASSERT_TRUE(run1(*c_, "SELECT * FROM conn_inv3", &s));
    EXPECT_EQ(s.columns.size(), 2u);
}

TEST_P(query, simple_query_multiple_results) {
    copy_sink s;
    auto r = simple(*c_,
                    "CREATE TEMP TABLE conn_s (a int); INSERT INTO conn_s VALUES (1), (2);"
                    "SELECT a FROM conn_s ORDER BY a; SELECT 'z' AS b",
                    &s);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(s.column_sets, 2u);
    ASSERT_EQ(s.rows.size(), 3u);
    EXPECT_EQ(s.at(0, 0), "1");
    EXPECT_EQ(s.at(2, 0), "z");
    ASSERT_EQ(s.tags.size(), 4u);
    EXPECT_EQ(s.tags[0], "CREATE TABLE");
    EXPECT_EQ(s.tags[1], "INSERT 0 2");
    EXPECT_EQ(s.tags[2], "SELECT 2");
}

TEST_P(query, simple_query_empty_and_error) {
    EXPECT_TRUE(simple(*c_, ""));
    EXPECT_TRUE(simple(*c_, ";"));
    auto r = simple(*c_, "SELEC 1");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().server().code, pg::sqlstate::syntax_error());
    copy_sink s;
    ASSERT_TRUE(simple(*c_, "SELECT 5", &s));
    EXPECT_EQ(s.at(0, 0), "5");
}

TEST_P(query, copy_in_a_simple_query_is_refused_and_the_session_stays_usable) {
    ASSERT_TRUE(simple(*c_, "CREATE TEMP TABLE conn_copy (a int); INSERT INTO conn_copy VALUES (1)"));
    // COPY FROM STDIN cannot be fed through this interface: refused, session in sync.
    auto in = simple(*c_, "COPY conn_copy FROM STDIN");
    ASSERT_FALSE(in);
    EXPECT_FALSE(c_->broken()) << describe(in);
    // COPY TO STDOUT: the data is discarded, the command completes.
    copy_sink s;
    auto out = simple(*c_, "COPY conn_copy TO STDOUT; SELECT 'after'", &s);
    ASSERT_TRUE(out) << describe(out);
    ASSERT_EQ(s.rows.size(), 1u);
    EXPECT_EQ(s.at(0, 0), "after");
    ASSERT_FALSE(s.tags.empty());
    EXPECT_EQ(s.tags.front(), "COPY 1");
    EXPECT_FALSE(c_->broken());
}

TEST_P(query, transactions_across_runs) {
    ASSERT_TRUE(run1(*c_, "BEGIN"));
    EXPECT_TRUE(c_->broken()) << "inside a transaction the connection must not be pooled";
    ASSERT_TRUE(run1(*c_, "CREATE TEMP TABLE conn_t (a int)"));
    ASSERT_TRUE(run1(*c_, "ROLLBACK"));
    EXPECT_FALSE(c_->broken());
    auto r = run1(*c_, "SELECT * FROM conn_t");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().server().code, pg::sqlstate::undefined_table());
}

TEST_P(query, empty_statement_list_is_ok) {
    EXPECT_TRUE(run(*c_, std::span<const pg::statement>{}));
}

INSTANTIATE_TEST_SUITE_P(backends, query, test::all_backends(), test::backend_name());

} // namespace
} // namespace fraiseql::conn_test
