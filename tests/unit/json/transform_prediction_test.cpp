// Tests for the transform's member prediction (transform.cpp, "shape"): a transformer that has
// seen earlier rows of a projection predicts each member's `"key": ` text from them. A
// prediction may only ever save work: every result (status, output, errors, error offset) must
// be what a transformer that never saw a row gives. Documents are held in exactly sized heap
// buffers so that ASan reports any read past a row's end.

#include "fraiseql/json/transform.hpp"

#include "exact_buffer.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace fraiseql::json {
namespace {

using pp = std::shared_ptr<const projection>;

using test_support::exact;

struct outcome {
    transform_status st;
    std::string out;
    std::size_t errors;
    std::size_t offset;
    bool operator==(const outcome&) const = default;
};

outcome run(transformer& t, std::string_view doc, const projection& p) {
    const exact e(doc);
    outcome o{};
    std::vector<field_error> errors;
    o.st = t.project_object(e.view(), p, o.out, errors);
    o.errors = errors.size();
    o.offset = (o.st == transform_status::malformed || o.st == transform_status::too_deep)
                   ? t.error_offset()
                   : 0;
    return o;
}

pp user_projection() {
    return std::make_shared<const projection>(
        "User", std::vector<projected_field>{
                    value_field("id", "id", true), value_field("first_name", "firstName"),
                    value_field("email", "email"), value_field("tags", "tags"),
                    value_field("a_key_of_exactly_twenty_eight", "long28"),
                    value_field("a_key_that_is_longer_than_28_bytes", "long")});
}

/// Variations of one jsonb row: each may change a key (one byte, its length, an escape),
/// the separators, the member order, or cut the row short.
std::string variant(std::mt19937& rng, int kind) {
    std::vector<std::pair<std::string, std::string>> m = {
        {"id", "42"},
        {"age", "7"},
        {"tags", "[\"a\", \"b\"]"},
        {"email", "\"a@b.c\""},
        {"first_name", "\"Ann\""},
        {"a_key_of_exactly_twenty_eight", "\"x\""},
        {"a_key_that_is_longer_than_28_bytes", "true"},
        {"zzz", "null"}};
    const std::size_t at = rng() % m.size();
    std::string sep = ": ";
    switch (kind) {
    case 0: break;                                             // the same row
    case 1: m[at].first.back() ^= 1; break;                    // last key byte differs
    case 2: m[at].first += "x"; break;                         // longer key
    case 3: m[at].first.pop_back(); break;                     // shorter key
    case 4: m[at].first = "\\u0069" + m[at].first.substr(1); break; // escaped first byte
    case 5: std::swap(m[at], m[(at + 1) % m.size()]); break;  // order changes
    case 6: m.erase(m.begin() + static_cast<std::ptrdiff_t>(at)); break;
    case 7: sep = " : "; break;                                // other spacing
    case 8: m[at].second = " " + m[at].second; break;          // two spaces before a value
    case 9: m[at].first = m[at].first.substr(0, 1) + "\"" + m[at].first.substr(1); break;
    default: break;
    }
    std::string doc = "{";
    for (std::size_t i = 0; i < m.size(); ++i) {
        if (i) doc += ", ";
        doc += "\"" + m[i].first + "\"" + sep + m[i].second;
    }
    doc += "}";
    if (kind == 10) doc.resize(rng() % doc.size()); // truncated: malformed
    return doc;
}

// A warm transformer (which has seen every earlier row) and a cold one (new for each row)
// agree on every row of a long random sequence of near-identical rows.
TEST(transform_prediction, never_changes_a_result) {
    const pp sel = user_projection();
    std::mt19937 rng(7);
    transformer warm;
    std::size_t ok = 0;
    std::size_t not_ok = 0;
    for (int i = 0; i < 20000; ++i) {
        // Mostly identical rows, so that predictions are made and then meet each variation.
        const int kind = rng() % 3 == 0 ? static_cast<int>(rng() % 11) : 0;
        const std::string doc = variant(rng, kind);
        transformer cold;
        const outcome a = run(warm, doc, *sel);
        const outcome b = run(cold, doc, *sel);
        ASSERT_EQ(a, b) << "row " << i << ": " << doc;
        (a.st == transform_status::ok ? ok : not_ok)++;
    }
    EXPECT_GT(ok, 10000u);
    EXPECT_GT(not_ok, 100u);
}

// The prediction is keyed by the projection's identity, not its address: a projection built
// where a destroyed one lived does not inherit its predictions.
TEST(transform_prediction, a_new_projection_at_a_reused_address_is_not_confused) {
    transformer t;
    const std::string doc = "{\"a\": 1, \"b\": 2}";
    for (int round = 0; round < 50; ++round) {
        {
            const projection pa("T", {value_field("a", "x")});
            for (int i = 0; i < 3; ++i) EXPECT_EQ(run(t, doc, pa).out, "{\"x\":1}");
        }
        const projection pb("T", {value_field("b", "x")});
        for (int i = 0; i < 3; ++i) EXPECT_EQ(run(t, doc, pb).out, "{\"x\":2}");
    }
}

// A nested projection that shares its parent's cache slot takes it over in the middle of the
// parent's row; the parent then continues without prediction, with the same result.
TEST(transform_prediction, parent_and_child_sharing_a_slot) {
    const auto child = std::make_shared<const projection>(
        "C", std::vector<projected_field>{value_field("k", "k"), value_field("z", "z")});
    pp parent;
    for (int i = 0; i < 64 && parent == nullptr; ++i) {
        auto p = std::make_shared<const projection>(
            "P", std::vector<projected_field>{value_field("id", "id"),
                                              object_list_field("items", "items", child),
                                              value_field("tail", "tail")});
        if ((p->id() - child->id()) % 16 == 0) parent = p;
    }
    ASSERT_NE(parent, nullptr);
    transformer t;
    for (int row = 0; row < 100; ++row) {
        std::string doc = "{\"id\": " + std::to_string(row) + ", \"items\": [";
        std::string expect = "{\"id\":" + std::to_string(row) + ",\"items\":[";
        for (int i = 0; i < row % 5; ++i) {
            doc += std::string(i ? ", " : "") + "{\"k\": " + std::to_string(i) + ", \"z\": 0}";
            expect += std::string(i ? "," : "") + "{\"k\":" + std::to_string(i) + ",\"z\":0}";
        }
        doc += "], \"tail\": \"t\"}";
        expect += "],\"tail\":\"t\"}";
        const outcome o = run(t, doc, *parent);
        ASSERT_EQ(o.st, transform_status::ok) << doc;
        ASSERT_EQ(o.out, expect) << doc;
    }
}

// Rows whose keys vary from row to row (the prediction backs off) and rows that return to a
// stable layout (it resumes): always the right output.
TEST(transform_prediction, varying_then_stable_layouts) {
    const pp sel = std::make_shared<const projection>(
        "T", std::vector<projected_field>{value_field("id", "id"), value_field("name", "name")});
    transformer t;
    std::mt19937 rng(11);
    for (int row = 0; row < 3000; ++row) {
        const bool varying = (row / 600) % 2 == 0;
        std::string doc = "{\"id\": " + std::to_string(row);
        for (int i = 0; i < 6; ++i) {
            const std::string k = varying ? "k" + std::to_string(rng() % 1000) : "k" + std::to_string(i);
            doc += ", \"" + k + "\": " + std::to_string(i);
        }
        doc += ", \"name\": \"n\"}";
        const outcome o = run(t, doc, *sel);
        ASSERT_EQ(o.st, transform_status::ok) << doc;
        ASSERT_EQ(o.out, "{\"id\":" + std::to_string(row) + ",\"name\":\"n\"}") << doc;
    }
}

} // namespace
} // namespace fraiseql::json
