// The per-thread spare buffers (include/fraiseql/json/buffer_pool.hpp): reuse without the
// heap, and the memory bound (slots × largest kept capacity).

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "fraiseql/json/buffer_pool.hpp"
#include "unit/json/counting_new.hpp"

namespace fraiseql::json {
namespace {

void drain() {
    while (pooled_buffers() > 0) (void)take_buffer();
}

TEST(buffer_pool, an_empty_pool_gives_an_empty_string_without_memory) {
    drain();
    test::allocation_count count;
    auto s = take_buffer();
    EXPECT_TRUE(s.empty());
    EXPECT_EQ(count(), 0u);
}

TEST(buffer_pool, a_buffer_given_back_is_taken_again_without_allocating) {
    drain();
    std::string s(1000, 'x');
    const auto* memory = s.data();
    give_back(s);
    EXPECT_TRUE(s.empty());
    EXPECT_EQ(pooled_buffers(), 1u);
    test::allocation_count count;
    auto t = take_buffer();
    EXPECT_TRUE(t.empty()) << "taken buffers are cleared";
    EXPECT_GE(t.capacity(), 1000u);
    EXPECT_EQ(t.data(), memory);
    t.append(900, 'y');
    EXPECT_EQ(count(), 0u);
    EXPECT_EQ(pooled_buffers(), 0u);
}

TEST(buffer_pool, a_request_cycle_allocates_nothing_after_the_first) {
    drain();
    // What a request does: the root's value and the body each come from the pool, the
    // value goes back once copied into the body, the body once written.
    auto cycle = [] {
        std::string value = take_buffer();
        value.append(R"({"id":"24c9e15e-52af-c47c-225b-757e7bee1f9d","email":"a@b.c"})");
        std::string body = take_buffer();
        body.reserve(value.size() + 32);
        body.append(R"({"data":{"user":)").append(value).append("}}");
        give_back(value);
        give_back(body);
    };
    cycle();
    test::allocation_count count;
    for (int i = 0; i < 1000; ++i) cycle();
    EXPECT_EQ(count(), 0u);
}

TEST(buffer_pool, takes_the_smallest_buffer_that_fits_else_the_largest) {
    drain();
    give_back(std::string(4000, 'x'));
    give_back(std::string(100, 'x'));
    give_back(std::string(1000, 'x'));
    EXPECT_GE(take_buffer(500).capacity(), 1000u);
    EXPECT_GE(take_buffer(500).capacity(), 4000u) << "the 4000 one: nothing smaller fits";
    EXPECT_GE(take_buffer().capacity(), 100u);
    EXPECT_EQ(pooled_buffers(), 0u);
    give_back(std::string(100, 'x'));
    give_back(std::string(200, 'x'));
    const auto t = take_buffer(10'000);
    EXPECT_GE(t.capacity(), 200u) << "none fits: the largest";
    EXPECT_LT(t.capacity(), 400u);
    drain();
}

TEST(buffer_pool, keeps_at_most_the_slots_and_frees_large_buffers) {
    drain();
    std::string big(buffer_pool_max_capacity + 1, 'x');
    give_back(big);
    EXPECT_EQ(pooled_buffers(), 0u) << "a large list's buffer is not kept";
    std::string small = "short"; // SSO: no memory to keep
    give_back(small);
    EXPECT_EQ(pooled_buffers(), 0u);
    for (std::size_t i = 0; i < buffer_pool_slots + 8; ++i) give_back(std::string(100, 'x'));
    EXPECT_EQ(pooled_buffers(), buffer_pool_slots);
    drain();
}

TEST(buffer_pool, each_thread_has_its_own_pool) {
    drain();
    give_back(std::string(100, 'x'));
    std::size_t other = 99;
    std::thread t([&] { other = pooled_buffers(); });
    t.join();
    EXPECT_EQ(other, 0u);
    EXPECT_EQ(pooled_buffers(), 1u);
    drain();
}

} // namespace
} // namespace fraiseql::json
