// Read-your-writes positions (src/exec/commit_positions.hpp): the window, the later of two
// commits, and the budget — a flood of identities keeps the count bounded and never loses an
// evicted client's guarantee (it becomes everyone's floor until its window ends).

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "exec/commit_positions.hpp"

namespace fraiseql::test {
namespace {

using namespace std::chrono_literals;
using exec::commit_positions;

TEST(commit_positions, a_client_needs_its_own_commit_for_the_window_and_no_longer) {
    commit_positions p(5s, 100);
    const auto t0 = commit_positions::clock::now();
    p.remember("alice", 1000, t0);
    EXPECT_EQ(p.required("alice", t0), 1000u);
    EXPECT_EQ(p.required("alice", t0 + 4999ms), 1000u);
    EXPECT_EQ(p.required("bob", t0), 0u);
    EXPECT_EQ(p.required("", t0), 0u);
    EXPECT_EQ(p.required("alice", t0 + 5s), 0u);
    EXPECT_EQ(p.size(), 0u);
}

TEST(commit_positions, the_later_commit_wins_and_renews_the_window) {
    commit_positions p(5s, 100);
    const auto t0 = commit_positions::clock::now();
    p.remember("alice", 2000, t0);
    p.remember("alice", 1500, t0 + 3s); // an older position reported late never lowers it
    EXPECT_EQ(p.required("alice", t0 + 7s), 2000u);
    p.remember("alice", 2500, t0 + 4s);
    EXPECT_EQ(p.required("alice", t0 + 8s), 2500u);
    EXPECT_EQ(p.required("alice", t0 + 9s), 0u);
}

TEST(commit_positions, anonymous_and_disabled_record_nothing) {
    commit_positions off(0ms, 100);
    const auto t0 = commit_positions::clock::now();
    off.remember("alice", 1000, t0);
    EXPECT_EQ(off.required("alice", t0), 0u);
    commit_positions p(5s, 100);
    p.remember("", 1000, t0);
    EXPECT_EQ(p.size(), 0u);
    EXPECT_EQ(p.required("", t0), 0u);
}

TEST(commit_positions, a_flood_of_identities_stays_within_the_budget_and_keeps_the_guarantee) {
    constexpr std::size_t cap = 1000;
    commit_positions p(5s, cap);
    const auto t0 = commit_positions::clock::now();
    p.remember("victim", 777, t0);
    for (std::size_t i = 0; i < 50 * cap; ++i)
        p.remember("flood-" + std::to_string(i), 100 + i % 7, t0 + 1ms);
    EXPECT_EQ(p.size(), cap);
    EXPECT_EQ(p.evicted(), 50 * cap + 1 - cap);
    // The victim was evicted, but its window has not ended: every read must see 777 still.
    EXPECT_GE(p.required("victim", t0 + 1s), 777u);
    EXPECT_GE(p.required("anyone", t0 + 1s), 777u);
    EXPECT_GE(p.required("", t0 + 1s), 777u);
    // Once every window has ended, nothing is required and nothing is kept.
    EXPECT_EQ(p.required("victim", t0 + 6s), 0u);
    EXPECT_EQ(p.size(), 0u);
}

} // namespace
} // namespace fraiseql::test
