// The prepared-statement cache policy both backends share (src/pg/protocol/statement_cache.hpp):
// hits, misses, pinning, eviction and invalidation ("55.2.3. Extended Query").
#include <array>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "../../../src/pg/protocol/statement_cache.hpp"

namespace fraiseql::pg::protocol {
namespace {

cache_slot look(statement_cache& c, std::string_view sql, std::vector<std::string>& closes,
                bool use = true) {
    return c.lookup(sql, {}, use, closes);
}

TEST(statement_cache, miss_prepares_then_hits) {
    statement_cache c(4);
    std::vector<std::string> closes;
    c.begin_pipeline();
    auto a = look(c, "SELECT 1", closes);
    ASSERT_EQ(a.how, send_mode::prepare);
    EXPECT_EQ(a.entry->name, "fq_1");
    // The same text again in the same pipeline reuses the statement being prepared.
    auto b = look(c, "SELECT 1", closes);
    EXPECT_EQ(b.how, send_mode::cached);
    EXPECT_EQ(b.entry, a.entry);
    statement_cache::confirm(*a.entry);
    c.begin_pipeline();
    EXPECT_EQ(look(c, "SELECT 1", closes).how, send_mode::cached);
    EXPECT_EQ(c.hits(), 2u);
    EXPECT_EQ(c.misses(), 1u);
    EXPECT_TRUE(closes.empty());
}

TEST(statement_cache, parameter_types_are_part_of_the_key) {
    statement_cache c(4);
    std::vector<std::string> closes;
    std::array<param, 1> text{param::text("1")};
    std::array<param, 1> typed{param::text("1")};
    typed[0].type_oid = 23;
    c.begin_pipeline();
    auto a = c.lookup("SELECT $1", text, true, closes);
    auto b = c.lookup("SELECT $1", typed, true, closes);
    EXPECT_EQ(a.how, send_mode::prepare);
    EXPECT_EQ(b.how, send_mode::prepare);
    EXPECT_NE(a.entry->name, b.entry->name);
}

TEST(statement_cache, uncached_and_disabled_go_unnamed) {
    std::vector<std::string> closes;
    statement_cache c(4);
    c.begin_pipeline();
    EXPECT_EQ(look(c, "SELECT 1", closes, false).how, send_mode::unnamed);
    statement_cache off(0);
    off.begin_pipeline();
    EXPECT_EQ(look(off, "SELECT 1", closes).how, send_mode::unnamed);
    EXPECT_EQ(off.size(), 0u);
}

TEST(statement_cache, lru_is_evicted_and_closed_pinned_is_not) {
    statement_cache c(2);
    std::vector<std::string> closes;
    for (const char* sql : {"SELECT 1", "SELECT 2"}) {
        c.begin_pipeline();
        statement_cache::confirm(*look(c, sql, closes).entry);
    }
    c.begin_pipeline();
    EXPECT_EQ(look(c, "SELECT 1", closes).how, send_mode::cached); // 2 is now the LRU
    auto three = look(c, "SELECT 3", closes);
    EXPECT_EQ(three.how, send_mode::prepare);
    EXPECT_EQ(closes, std::vector<std::string>{"fq_2"});
    // Full of entries this pipeline uses: the next new statement goes unnamed.
    EXPECT_EQ(look(c, "SELECT 4", closes).how, send_mode::unnamed);
    EXPECT_EQ(closes.size(), 1u);
    EXPECT_EQ(c.size(), 2u);
}

TEST(statement_cache, invalidation_drops_confirmed_entries_only) {
    statement_cache c(4);
    std::vector<std::string> closes;
    c.begin_pipeline();
    auto fresh = look(c, "SELECT x FOR UPDATE", closes);
    // 0A000 is also plain feature_not_supported: an unconfirmed statement is no stale plan.
    EXPECT_FALSE(c.invalidate(fresh.entry, sqlstate("0A000")));
    c.drop_unconfirmed();
    EXPECT_EQ(c.size(), 0u);

    c.begin_pipeline();
    auto a = look(c, "SELECT 1", closes);
    auto b = look(c, "SELECT 2", closes);
    statement_cache::confirm(*a.entry);
    statement_cache::confirm(*b.entry);
    EXPECT_FALSE(c.invalidate(a.entry, sqlstate::division_by_zero()));
    EXPECT_TRUE(c.invalidate(a.entry, sqlstate("26000"))); // gone: nothing to close
    EXPECT_TRUE(c.invalidate(b.entry, sqlstate("0A000"))); // still there: closed next time
    EXPECT_EQ(c.size(), 0u);
    std::vector<std::string> next;
    c.take_closes(next);
    EXPECT_EQ(next, std::vector<std::string>{"fq_3"});
    c.take_closes(next);
    EXPECT_EQ(next.size(), 1u) << "taken once";
}

TEST(statement_cache, discard_all_empties_it_at_the_end_of_the_operation) {
    statement_cache c(4);
    std::vector<std::string> closes;
    c.begin_pipeline();
    statement_cache::confirm(*look(c, "SELECT 1", closes).entry);
    c.on_command_tag("SELECT 1");
    c.end_operation();
    EXPECT_EQ(c.size(), 1u);
    c.on_command_tag("DISCARD ALL");
    EXPECT_EQ(c.size(), 1u);
    c.end_operation();
    EXPECT_EQ(c.size(), 0u);
}

} // namespace
} // namespace fraiseql::pg::protocol
