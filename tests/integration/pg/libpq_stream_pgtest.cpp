// Large results, deadlines and abandoned statements, both backends.
#include <atomic>
#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
// From the ASan runtime (<sanitizer/allocator_interface.h>, not installed with gcc here).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#else
#include <malloc.h>
#endif

#include "libpq_fixture.hpp"

namespace fraiseql::test {
namespace {

using pg::errc;

/// Bytes currently allocated on the heap (freed memory excluded; under ASan the
/// quarantine is excluded too), so it measures what is being *held*.
std::size_t heap_in_use() {
#if defined(__SANITIZE_ADDRESS__)
    return __sanitizer_get_current_allocated_bytes();
#else
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
#endif
}

/// Counts rows, checks them, and samples the heap on every batch.
struct counting_sink : pg::row_sink {
    std::size_t rows = 0;
    std::size_t batches = 0;
    std::size_t max_batch = 0;
    std::size_t baseline = heap_in_use();
    std::size_t peak_growth = 0;
    bool ordered = true;
    std::size_t stop_after = 0; ///< return false once this many rows were seen (0: never)

    asio::awaitable<bool> on_rows(std::span<const pg::row_view> batch) override {
        ++batches;
        max_batch = std::max(max_batch, batch.size());
        for (const auto& r : batch) {
            ++rows;
            if (r.size() != 2 || r[0].text() != std::to_string(rows) || r[1].size != 1000)
                ordered = false;
        }
        const std::size_t now = heap_in_use();
        if (now > baseline) peak_growth = std::max(peak_growth, now - baseline);
        co_return stop_after == 0 || rows < stop_after;
    }
};

class libpq_stream : public backend_test {};

TEST_P(libpq_stream, hundred_thousand_rows_in_bounded_memory) {
    auto c = connect();
    ASSERT_TRUE(c);
    counting_sink s;
    // ~100 MB of row data: holding the whole result would show in the heap.
    auto r = exec(*c, "SELECT i, repeat('x', 1000) FROM generate_series(1, 100000) i", {}, &s,
                  in(120s));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(s.rows, 100000u);
    EXPECT_TRUE(s.ordered);
    EXPECT_GT(s.batches, 1u);
    EXPECT_LT(s.peak_growth, 16u << 20) << "heap grew by " << (s.peak_growth >> 20) << " MiB";
    RecordProperty("batches", static_cast<int>(s.batches));
    RecordProperty("max_batch", static_cast<int>(s.max_batch));
    RecordProperty("peak_heap_growth_kib", static_cast<int>(s.peak_growth >> 10));
    EXPECT_EQ(scalar(*c, "SELECT 'after'"), "after");
}

TEST_P(libpq_stream, deadline_cancels_and_connection_is_reusable) {
    auto c = connect();
    ASSERT_TRUE(c);
    const auto t0 = pg::clock::now();
    auto r = exec(*c, "SELECT pg_sleep(10)", {}, nullptr, in(300ms));
    const auto elapsed = pg::clock::now() - t0;
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::timeout) << r.error().message;
    EXPECT_LT(elapsed, 3s);
    EXPECT_GE(elapsed, 300ms);
    ASSERT_FALSE(c->broken());
    EXPECT_EQ(scalar(*c, "SELECT 'still here'"), "still here");
    // The cancel did not leak into a later statement.
    EXPECT_EQ(scalar(*c, "SELECT pg_sleep(0.3)::text"), "");
}

TEST_P(libpq_stream, deadline_on_simple_query) {
    auto c = connect();
    ASSERT_TRUE(c);
    auto r = simple(*c, "SELECT 1; SELECT pg_sleep(10)", nullptr, in(300ms));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::timeout);
    ASSERT_FALSE(c->broken());
    EXPECT_EQ(scalar(*c, "SELECT 1"), "1");
}

TEST_P(libpq_stream, server_side_cancel_is_cancelled_not_timeout) {
    auto c = connect();
    ASSERT_TRUE(c);
    ASSERT_TRUE(simple(*c, "SET statement_timeout = '100ms'"));
    auto r = exec(*c, "SELECT pg_sleep(5)");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::cancelled);
    EXPECT_EQ(r.error().server().code, pg::sqlstate::query_canceled());
    ASSERT_TRUE(simple(*c, "RESET statement_timeout"));
    EXPECT_EQ(scalar(*c, "SELECT 1"), "1");
}

TEST_P(libpq_stream, abandoned_by_the_sink_is_cancelled) {
    auto c = connect();
    ASSERT_TRUE(c);
    counting_sink s;
    s.stop_after = 1000;
    const auto t0 = pg::clock::now();
    // Endless unless cancelled (an SRF in the select list streams; in FROM it would be
    // materialised first).
    auto r = exec(*c,
                  "SELECT i, repeat('x', 1000) FROM (SELECT generate_series(1, 1000000000) i) s",
                  {}, &s, in(30s));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::cancelled) << r.error().message;
    EXPECT_LT(pg::clock::now() - t0, 5s);
    EXPECT_GE(s.rows, 1000u);
    EXPECT_LT(s.rows, 10000u) << "rows kept coming after on_rows returned false";
    if (!c->broken()) {
        EXPECT_EQ(scalar(*c, "SELECT 1"), "1");
    }
}

INSTANTIATE_TEST_SUITE_P(backends, libpq_stream, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test
