// The query state machine: pipeline encoding, response matching, and the
// prepared-statement cache policy ("55.2.3. Extended Query", "55.2.4. Pipelining").
#include <array>
#include <list>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "pg/protocol/frontend.hpp"
#include "pg/protocol/query.hpp"

namespace fraiseql::pg::protocol {
namespace {

using namespace std::string_literals;
using kind = event::kind;
using namespace std::string_view_literals;

/// Splits frontend output into its message type bytes ("PDBES").
std::string types(const std::string& out) {
    std::string t;
    for (std::size_t i = 0; i + 5 <= out.size();) {
        t.push_back(out[i]);
        auto len = (std::uint32_t(std::uint8_t(out[i + 1])) << 24) |
                   (std::uint32_t(std::uint8_t(out[i + 2])) << 16) |
                   (std::uint32_t(std::uint8_t(out[i + 3])) << 8) | std::uint8_t(out[i + 4]);
        i += 1 + len;
    }
    return t;
}

// RowDescription: one column "a", no table, int4 (oid 23), size 4, typmod -1, text.
const std::string row_desc_1 = "\0\1"s + "a\0"s + "\0\0\0\0"s + "\0\0"s + "\0\0\0\x17"s +
                               "\0\4"s + "\xff\xff\xff\xff"s + "\0\0"s;
const std::string data_row_1 = "\0\1\0\0\0\0011"s;

struct script {
    explicit script(query_machine& machine) : m(machine) {}
    query_machine& m;
    std::vector<event> events;
    void feed(char type, std::string body = {}) {
        bodies.push_back(std::move(body));
        events.push_back(m.on_frame(frame{type, bodies.back()}));
    }
    std::vector<kind> kinds() const {
        std::vector<kind> k;
        for (const auto& e : events)
            if (e.k != kind::none) k.push_back(e.k);
        return k;
    }
    std::list<std::string> bodies;
};

TEST(query_machine, uncached_statement) {
    query_machine m(0);
    std::string out;
    std::array<statement_spec, 1> s{statement_spec{"SELECT 1", {}, format::text, true}};
    ASSERT_TRUE(m.start_pipeline(s, out));
    EXPECT_EQ(types(out), "PBDES"); // Parse Bind Describe(portal) Execute Sync
    script r(m);
    r.feed('1');
    r.feed('2');
    r.feed('T', row_desc_1);
    r.feed('D', data_row_1);
    r.feed('C', "SELECT 1\0"s);
    r.feed('Z', "I");
    EXPECT_EQ(r.kinds(), (std::vector<kind>{kind::columns, kind::row, kind::complete, kind::ready}));
    EXPECT_EQ(r.events[2].columns.size(), 1u);
    EXPECT_EQ(r.events[2].columns[0].type_oid, 23u);
    EXPECT_EQ(r.events[4].text, "SELECT 1");
    EXPECT_TRUE(m.finished());
    EXPECT_FALSE(m.failed());
}

TEST(query_machine, cache_miss_then_hit) {
    query_machine m(8);
    std::string out;
    std::array<param, 1> p{param::text("5")};
    std::array<statement_spec, 1> s{statement_spec{"SELECT $1::int", p, format::text, true}};
    ASSERT_TRUE(m.start_pipeline(s, out));
    EXPECT_EQ(types(out), "PDBES"); // Parse Describe(statement) Bind Execute Sync
    EXPECT_NE(out.find("fq_1\0SELECT $1::int\0"s), std::string::npos);
    script r(m);
    r.feed('1');
    r.feed('t', "\0\1\0\0\0\x17"s);
    r.feed('T', row_desc_1);
    r.feed('2');
    r.feed('D', data_row_1);
    r.feed('C', "SELECT 1\0"s);
    r.feed('Z', "I");
    EXPECT_EQ(r.kinds(), (std::vector<kind>{kind::columns, kind::row, kind::complete, kind::ready}));
    EXPECT_EQ(m.cache().size(), 1u);
    EXPECT_EQ(m.cache_misses(), 1u);

    out.clear();
    s[0].result_format = format::binary;
    ASSERT_TRUE(m.start_pipeline(s, out));
    EXPECT_EQ(types(out), "BES"); // hit: Bind Execute Sync only
    script r2(m);
    r2.feed('2');
    r2.feed('D', data_row_1);
    r2.feed('C', "SELECT 1\0"s);
    r2.feed('Z', "I");
    EXPECT_EQ(r2.kinds(), (std::vector<kind>{kind::columns, kind::row, kind::complete, kind::ready}));
    EXPECT_EQ(r2.events[0].columns[0].fmt, format::binary) << "format comes from Bind";
    EXPECT_EQ(m.cache_hits(), 1u);
}

TEST(query_machine, same_statement_twice_in_one_pipeline_parses_once) {
    query_machine m(8);
    std::string out;
    std::array<statement_spec, 2> s{statement_spec{"SELECT 1", {}, format::text, true},
                                    statement_spec{"SELECT 1", {}, format::text, true}};
    ASSERT_TRUE(m.start_pipeline(s, out));
    EXPECT_EQ(types(out), "PDBEBES");
    script r(m);
    for (char t : {'1', 't'}) r.feed(t, t == 't' ? "\0\0"s : ""s);
    r.feed('T', row_desc_1);
    r.feed('2');
    r.feed('C', "SELECT 0\0"s);
    r.feed('2');
    r.feed('C', "SELECT 0\0"s);
    r.feed('Z', "I");
    EXPECT_EQ(r.kinds(), (std::vector<kind>{kind::columns, kind::complete, kind::columns,
                                            kind::complete, kind::ready}));
    EXPECT_EQ(r.events[6].index, 1u);
}

TEST(query_machine, failed_parse_is_not_cached_and_rest_is_skipped) {
    query_machine m(8);
    std::string out;
    std::array<statement_spec, 2> s{statement_spec{"SELEC 1", {}, format::text, true},
                                    statement_spec{"SELECT 2", {}, format::text, true}};
    ASSERT_TRUE(m.start_pipeline(s, out));
    script r(m);
    r.feed('E', "SERROR\0C42601\0Msyntax error\0\0"s);
    r.feed('Z', "I");
    EXPECT_EQ(r.kinds(), (std::vector<kind>{kind::error, kind::ready}));
    EXPECT_EQ(r.events[0].index, 0u);
    EXPECT_EQ(m.last_error().code, sqlstate::syntax_error());
    EXPECT_EQ(m.cache().size(), 0u) << "neither statement completed Parse+Describe";
    EXPECT_FALSE(m.invalidated_statement()) << "a syntax error is no stale plan";
}

TEST(query_machine, feature_not_supported_on_a_fresh_statement_is_no_invalidation) {
    // 0A000 is also plain "feature_not_supported": only a cached, already described
    // statement counts as invalidated (a retry would just fail again).
    query_machine m(8);
    std::string out;
    std::array<statement_spec, 1> s{statement_spec{"SELECT x FOR UPDATE", {}, format::text, true}};
    ASSERT_TRUE(m.start_pipeline(s, out));
    script r(m);
    r.feed('E', "SERROR\0C0A000\0Mnot supported\0\0"s);
    r.feed('Z', "I");
    EXPECT_FALSE(m.invalidated_statement());
    EXPECT_EQ(m.cache().size(), 0u);
}

TEST(query_machine, second_error_is_a_protocol_error) {
    // Found by pg_decoder_fuzz: a hostile server sending two ErrorResponses made the
    // second one touch a cache entry the first had already dropped.
    query_machine m(8);
    std::string out;
    std::array<statement_spec, 2> s{statement_spec{"SELECT 1", {}, format::text, true},
                                    statement_spec{"SELECT 1", {}, format::text, true}};
    ASSERT_TRUE(m.start_pipeline(s, out));
    script r(m);
    r.feed('E', "SERROR\0C42601\0Mx\0\0"s);
    r.feed('E', "SERROR\0C0A000\0Mx\0\0"s);
    EXPECT_EQ(r.kinds(), (std::vector<kind>{kind::error, kind::protocol_error}));
    EXPECT_EQ(m.cache().size(), 0u);
}

TEST(query_machine, cached_plan_invalidation_drops_and_closes) {
    query_machine m(8);
    std::string out;
    std::array<statement_spec, 1> s{statement_spec{"SELECT * FROM t", {}, format::text, true}};
    ASSERT_TRUE(m.start_pipeline(s, out));
    script r(m);
    r.feed('1');
    r.feed('t', "\0\0"s);
    r.feed('T', row_desc_1);
    r.feed('2');
    r.feed('C', "SELECT 0\0"s);
    r.feed('Z', "I");
    ASSERT_EQ(m.cache().size(), 1u);
    out.clear();
    ASSERT_TRUE(m.start_pipeline(s, out));
    script r2(m);
    EXPECT_FALSE(m.invalidated_statement());
    r2.feed('E', "SERROR\0C0A000\0Mcached plan must not change result type\0\0"s);
    r2.feed('Z', "I");
    EXPECT_EQ(m.cache().size(), 0u);
    EXPECT_TRUE(m.invalidated_statement()) << "the driver may re-send the pipeline once";
    out.clear();
    ASSERT_TRUE(m.start_pipeline(s, out));
    EXPECT_FALSE(m.invalidated_statement()) << "reset by the next operation";
    EXPECT_EQ(types(out), "CPDBES") << "the stale statement is closed first, then re-prepared";
    EXPECT_NE(out.find("Sfq_1\0"s), std::string::npos);
    EXPECT_NE(out.find("fq_2\0SELECT * FROM t\0"s), std::string::npos);
}

TEST(query_machine, lru_eviction_closes_first) {
    query_machine m(2);
    auto run_one = [&](const char* sql) {
        std::string out;
        std::array<statement_spec, 1> s{statement_spec{sql, {}, format::text, true}};
        EXPECT_TRUE(m.start_pipeline(s, out));
        script r(m);
        for (char t : types(out)) {
            switch (t) {
            case 'C': r.feed('3'); break;
            case 'P': r.feed('1'); break;
            case 'D': r.feed('t', "\0\0"s); r.feed('n'); break;
            case 'B': r.feed('2'); break;
            case 'E': r.feed('C', "SELECT 0\0"s); break;
            case 'S': r.feed('Z', "I"); break;
            }
        }
        EXPECT_TRUE(m.finished());
        return out;
    };
    EXPECT_EQ(types(run_one("SELECT 1")), "PDBES");
    EXPECT_EQ(types(run_one("SELECT 2")), "PDBES");
    EXPECT_EQ(types(run_one("SELECT 1")), "BES"); // 1 is now most recent
    auto out = run_one("SELECT 3");              // evicts 2 (fq_2)
    EXPECT_EQ(types(out), "CPDBES");
    EXPECT_NE(out.find("Sfq_2\0"s), std::string::npos);
    EXPECT_EQ(types(run_one("SELECT 1")), "BES");
    EXPECT_EQ(m.cache().size(), 2u);
}

TEST(query_machine, pinned_entries_are_not_evicted_within_a_pipeline) {
    query_machine m(1);
    std::string out;
    std::array<statement_spec, 2> s{statement_spec{"SELECT 1", {}, format::text, true},
                                    statement_spec{"SELECT 2", {}, format::text, true}};
    ASSERT_TRUE(m.start_pipeline(s, out));
    EXPECT_EQ(types(out), "PDBEPBDES") << "the second statement falls back to unnamed";
}

TEST(query_machine, protocol_violations) {
    query_machine m(8);
    std::string out;
    std::array<statement_spec, 1> s{statement_spec{"SELECT 1", {}, format::text, false}};
    ASSERT_TRUE(m.start_pipeline(s, out));
    EXPECT_EQ(m.on_frame(frame{'2', ""}).k, kind::protocol_error); // BindComplete before Parse
    query_machine n(8);
    ASSERT_TRUE(n.start_pipeline(s, out));
    EXPECT_EQ(n.on_frame(frame{'Z', "I"}).k, kind::protocol_error); // Z before results
    query_machine idle(8);
    EXPECT_EQ(idle.on_frame(frame{'D', ""}).k, kind::protocol_error);
}

TEST(query_machine, encoding_failures_leave_state_untouched) {
    query_machine m(8);
    std::string out = "x";
    std::array<statement_spec, 1> s{statement_spec{"SELECT\0 1"sv, {}, format::text, true}};
    auto r = m.start_pipeline(s, out);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("statement 0"), std::string::npos);
    EXPECT_EQ(out, "x");
    EXPECT_EQ(m.cache().size(), 0u);
}

TEST(query_machine, simple_query_events) {
    query_machine m(8);
    std::string out;
    ASSERT_TRUE(m.start_simple("SELECT 1; ; COPY t FROM STDIN", out));
    EXPECT_EQ(types(out), "Q");
    script r(m);
    r.feed('T', row_desc_1);
    r.feed('D', data_row_1);
    r.feed('C', "SELECT 1\0"s);
    r.feed('I');
    r.feed('N', "SNOTICE\0C00000\0Mhi\0\0"s);
    r.feed('A', "\0\0\0\1ch\0pl\0"s);
    r.feed('S', "TimeZone\0UTC\0"s);
    r.feed('G', "\0\0\0"s);
    r.feed('E', "SERROR\0C57014\0Mcanceled\0\0"s);
    r.feed('Z', "I");
    EXPECT_EQ(r.kinds(), (std::vector<kind>{kind::columns, kind::row, kind::complete,
                                            kind::complete, kind::notice, kind::notification,
                                            kind::parameter, kind::copy_in, kind::error,
                                            kind::ready}));
    EXPECT_EQ(r.events[3].index, 1u);
    EXPECT_EQ(r.events[3].text, "");
    EXPECT_EQ(m.last_notice().message, "hi");
    EXPECT_EQ(r.events[5].text, "ch");
    EXPECT_EQ(r.events[5].text2, "pl");
}

TEST(query_machine, deallocate_all_clears_the_cache_at_ready) {
    query_machine m(8);
    std::string out;
    std::array<statement_spec, 1> s{statement_spec{"SELECT 1", {}, format::text, true}};
    ASSERT_TRUE(m.start_pipeline(s, out));
    for (auto [t, b] : std::initializer_list<std::pair<char, std::string>>{
             {'1', ""}, {'t', "\0\0"s}, {'n', ""}, {'2', ""}, {'C', "SELECT 0\0"s}, {'Z', "I"}})
        m.on_frame(frame{t, b});
    ASSERT_EQ(m.cache().size(), 1u);
    ASSERT_TRUE(m.start_simple("DEALLOCATE ALL", out));
    m.on_frame(frame{'C', "DEALLOCATE ALL\0"s});
    EXPECT_EQ(m.cache().size(), 1u);
    m.on_frame(frame{'Z', "I"});
    EXPECT_EQ(m.cache().size(), 0u);
}

} // namespace
} // namespace fraiseql::pg::protocol
