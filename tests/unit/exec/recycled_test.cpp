// recycled<T> (src/exec/recycled.hpp): a request's large state in per-thread reused blocks.
// A block comes back to the next object of the same type on the same thread; every object is
// constructed and destroyed afresh (nothing of one request reaches the next); a constructor
// that throws gives its block back; another thread keeps its own spare blocks.

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "exec/recycled.hpp"

namespace fraiseql::exec {
namespace {

struct state {
    static inline int alive = 0;
    explicit state(std::string t, bool fail = false) : text(std::move(t)) {
        if (fail) throw std::runtime_error("constructor failed");
        ++alive;
    }
    ~state() { --alive; }
    std::string text;
    std::vector<int> values;
};

TEST(recycled, the_next_object_reuses_the_block_and_is_constructed_afresh) {
    const void* first = nullptr;
    {
        recycled<state> a("one");
        a->values = {1, 2, 3};
        first = &*a;
        EXPECT_EQ(state::alive, 1);
    }
    EXPECT_EQ(state::alive, 0);
    recycled<state> b("two");
    EXPECT_EQ(&*b, first) << "the spare block is reused";
    EXPECT_EQ(b->text, "two");
    EXPECT_TRUE(b->values.empty()) << "nothing of the previous object survives";
}

TEST(recycled, objects_alive_together_have_their_own_blocks) {
    recycled<state> a("a");
    recycled<state> b("b");
    EXPECT_NE(&*a, &*b);
    EXPECT_EQ(a->text, "a");
    EXPECT_EQ(b->text, "b");
}

TEST(recycled, a_throwing_constructor_gives_its_block_back) {
    const void* block = nullptr;
    { recycled<state> warm("warm"); block = &*warm; }
    EXPECT_THROW(recycled<state>("x", true), std::runtime_error);
    EXPECT_EQ(state::alive, 0);
    recycled<state> next("next");
    EXPECT_EQ(&*next, block) << "the block the failed construction took came back";
}

TEST(recycled, released_blocks_serve_later_objects_and_threads_do_not_share) {
    struct small {
        int v = 0;
    };
    // More objects alive at once than `keep` (2): all are released, 2 are kept; the next two
    // objects get those two blocks.
    std::vector<const void*> seen;
    {
        std::vector<std::unique_ptr<recycled<small, 2>>> many;
        for (int i = 0; i < 3; ++i) many.push_back(std::make_unique<recycled<small, 2>>());
        for (const auto& m : many) seen.push_back(&**m);
    }
    recycled<small, 2> x, y;
    EXPECT_NE(&*x, &*y);
    int reused = 0;
    for (const void* p : seen) reused += (p == &*x) + (p == &*y);
    EXPECT_EQ(reused, 2);
    // Another thread has its own list: it never sees this thread's spare block.
    const void* here = nullptr;
    { recycled<state> s("here"); here = &*s; }
    const void* there = nullptr;
    std::thread([&] {
        recycled<state> s("there");
        there = &*s;
    }).join();
    EXPECT_NE(there, here);
    recycled<state> again("again");
    EXPECT_EQ(&*again, here);
}

} // namespace
} // namespace fraiseql::exec
