// `statement_cache = unnamed` at the protocol level (docs/driver.md "Unnamed statements and
// poolers"): with no cache, every pipeline is Parse/Bind/Describe/Execute per statement with
// the unnamed statement and portal, one Sync at the end, and never a Close — the same bytes
// for the first and the hundredth run of a statement ("55.2.3. Extended Query").
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "pg/protocol/query.hpp"

namespace fraiseql::pg::protocol {
namespace {

struct message {
    char type;
    std::string body;
};

std::vector<message> split(const std::string& out) {
    std::vector<message> m;
    for (std::size_t i = 0; i + 5 <= out.size();) {
        const auto len = (std::uint32_t(std::uint8_t(out[i + 1])) << 24) |
                         (std::uint32_t(std::uint8_t(out[i + 2])) << 16) |
                         (std::uint32_t(std::uint8_t(out[i + 3])) << 8) | std::uint8_t(out[i + 4]);
        m.push_back({out[i], out.substr(i + 5, len - 4)});
        i += 1 + len;
    }
    return m;
}

TEST(statement_mode, no_cache_sends_only_the_unnamed_statement_every_time) {
    query_machine m(0);
    const param p = param::text("7");
    const std::array<statement_spec, 3> specs{
        statement_spec{"SELECT set_config('app.tenant_id', $1, true)", std::span(&p, 1),
                       format::text, true},
        statement_spec{"SELECT data FROM v_user WHERE id = $1", std::span(&p, 1), format::text,
                       true},
        statement_spec{"SELECT 1", {}, format::binary, true}};
    for (int run = 0; run < 3; ++run) {
        std::string out;
        ASSERT_TRUE(m.start_pipeline(specs, out));
        const auto msgs = split(out);
        std::string types;
        for (const auto& x : msgs) types.push_back(x.type);
        EXPECT_EQ(types, "PBDEPBDEPBDES") << "run " << run;
        for (const auto& x : msgs) {
            if (x.type == 'P') {
                EXPECT_EQ(x.body.front(), '\0') << "a named Parse";
            } else if (x.type == 'B') { // portal name, then statement name, both empty
                EXPECT_EQ(x.body.substr(0, 2), std::string(2, '\0'));
            } else if (x.type == 'D') {
                EXPECT_EQ(x.body, std::string("P") + '\0');
            }
        }
        // Nothing is kept: the machine forgets the pipeline once it is answered.
        for (int i = 0; i < 3; ++i) {
            std::string none;
            (void)m.on_frame(frame{'1', none});
            (void)m.on_frame(frame{'2', none});
            (void)m.on_frame(frame{'n', none});
            (void)m.on_frame(frame{'C', std::string("SELECT 1") + '\0'});
        }
        std::string idle = "I";
        (void)m.on_frame(frame{'Z', idle});
        EXPECT_TRUE(m.finished());
        EXPECT_EQ(m.cache().size(), 0u);
    }
    EXPECT_EQ(m.cache_hits(), 0u);
    EXPECT_EQ(m.cache_misses(), 0u);
}

} // namespace
} // namespace fraiseql::pg::protocol
