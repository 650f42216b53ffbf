// Tests for the transform's fast paths (scan.hpp, transform.cpp): strings found through a
// 64-byte special-character window and 16-byte windows, jsonb separator shortcuts, key lookup
// with one masked 16-byte load, and emission with whole 16/64-byte copies. Every document is
// held in an exactly sized heap buffer so that ASan reports any read past its end (rows are
// views into a receive buffer, without padding).

#include "fraiseql/json/transform.hpp"

#include "exact_buffer.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>

namespace fraiseql::json {
namespace {

using pp = std::shared_ptr<const projection>;

using test_support::exact;

transform_status run(std::string_view doc, const projection& p, std::string& out) {
    const exact e(doc);
    std::vector<field_error> errors;
    out.clear();
    return project_object(e.view(), p, out, errors);
}

pp select_v(std::string key = "v") {
    return std::make_shared<const projection>(
        "T", std::vector<projected_field>{value_field(std::move(key), "v")});
}

// A selected string value of every length from 0 to 200, preceded by unselected members whose
// sizes shift it across 16- and 64-byte windows, followed by 0..3 more members: copied verbatim.
TEST(transform_fastpath, string_values_of_every_length_and_offset_are_copied_verbatim) {
    const pp sel = select_v();
    std::string out;
    for (std::size_t pad = 0; pad < 20; ++pad) {
        for (std::size_t len = 0; len <= 200; ++len) {
            for (int tail = 0; tail < 3; ++tail) {
                std::string value = "\"";
                for (std::size_t i = 0; i < len; ++i) value += static_cast<char>('a' + i % 26);
                value += '"';
                std::string doc = "{\"a\": \"" + std::string(pad, 'x') + "\", \"v\": " + value;
                for (int t = 0; t < tail; ++t) doc += ", \"z" + std::to_string(t) + "\": 12";
                doc += "}";
                ASSERT_EQ(run(doc, *sel, out), transform_status::ok) << doc;
                ASSERT_EQ(out, "{\"v\":" + value + "}") << doc;
            }
        }
    }
}

// Unselected strings of every length before the selected key: the window bookkeeping must
// find the next key wherever the previous string ended.
TEST(transform_fastpath, skipped_strings_of_every_length_do_not_hide_the_next_key) {
    const pp sel = select_v();
    std::string out;
    for (std::size_t len = 0; len <= 200; ++len) {
        const std::string doc =
            "{\"s\": \"" + std::string(len, 'q') + "\", \"v\": 7, \"w\": \"" +
            std::string(len % 70, 'r') + "\"}";
        ASSERT_EQ(run(doc, *sel, out), transform_status::ok) << doc;
        ASSERT_EQ(out, "{\"v\":7}") << doc;
    }
}

// Escapes, multi-byte UTF-8 and \u escapes at every position across the windows.
TEST(transform_fastpath, escapes_and_unicode_straddling_windows) {
    const pp sel = select_v();
    std::string out;
    const char* const pieces[] = {"\\\"", "\\\\", "\\n", "\\u00e9", "\\ud83d\\ude00",
                                  "\xc3\xa9", "\xe6\x97\xa5", "\xf0\x9f\x98\x80", "\\/"};
    for (const char* piece : pieces) {
        for (std::size_t at = 0; at < 140; ++at) {
            const std::string value = "\"" + std::string(at, 'a') + piece + std::string(9, 'b') +
                                      "\"";
            const std::string doc = "{\"k\": \"" + std::string(at % 17, 'c') + piece +
                                    "\", \"v\": " + value + "}";
            ASSERT_EQ(run(doc, *sel, out), transform_status::ok) << doc;
            ASSERT_EQ(out, "{\"v\":" + value + "}") << doc;
        }
    }
}

// Invalid strings anywhere (raw control character, bad escape, unterminated), in a selected or
// a skipped value or in a key, whatever the window position: malformed, never ok.
TEST(transform_fastpath, invalid_strings_at_every_position_are_malformed) {
    const pp sel = select_v();
    std::string out;
    const char* const bad[] = {"\x01", "\n", "\x1f", "\\x", "\\u12G4", "\\u12", "\\"};
    for (const char* b : bad) {
        for (std::size_t at = 0; at < 140; ++at) {
            const std::string s = std::string(at, 'a') + b + "zz";
            for (int where = 0; where < 3; ++where) {
                std::string doc;
                if (where == 0) doc = "{\"v\": \"" + s + "\", \"w\": 1}";
                if (where == 1) doc = "{\"u\": \"" + s + "\", \"v\": 1}";
                if (where == 2) doc = "{\"" + s + "\": 1, \"v\": 2}";
                ASSERT_EQ(run(doc, *sel, out), transform_status::malformed) << doc;
                ASSERT_TRUE(out.empty());
                ASSERT_FALSE(is_valid_json(exact(doc).view())) << doc;
            }
        }
    }
}

// Keys around the 8/16-byte boundaries of the lookup words, and keys that differ only past
// byte 16 (compared by memcmp), found with and without 16 readable bytes after them.
TEST(transform_fastpath, keys_around_sixteen_bytes_are_told_apart) {
    std::string out;
    for (std::size_t len = 1; len <= 40; ++len) {
        std::string key(len, 'k');
        std::string other = key;
        other.back() = 'j'; // differs in the last byte only
        const pp sel = select_v(key);
        for (int order = 0; order < 2; ++order) {
            const std::string a = "\"" + key + "\": 1";
            const std::string b = "\"" + other + "\": 2";
            // Selected key last: fewer than 16 bytes may follow it.
            const std::string doc = "{" + (order == 0 ? a + ", " + b : b + ", " + a) + "}";
            ASSERT_EQ(run(doc, *sel, out), transform_status::ok) << doc;
            ASSERT_EQ(out, "{\"v\":1}") << doc;
            // Same key escaped: the slow lookup agrees.
            std::string esc_key = "\\u006b" + key.substr(1);
            const std::string doc2 = "{\"" + esc_key + "\": 3}";
            ASSERT_EQ(run(doc2, *sel, out), transform_status::ok) << doc2;
            ASSERT_EQ(out, "{\"v\":3}") << doc2;
        }
    }
}

// Selected values that end exactly at, or just before, the end of the document: emission
// copies with whole 16/64-byte moves only when that many bytes are readable.
TEST(transform_fastpath, values_near_the_end_of_the_document) {
    const pp sel = std::make_shared<const projection>(
        "T", std::vector<projected_field>{value_field("v", "v"), value_field("n", "n"),
                                          typename_field("T")});
    std::string out;
    for (std::size_t len = 0; len <= 80; ++len) {
        const std::string value = "\"" + std::string(len, 'e') + "\"";
        const std::string num = len == 0 ? "0" : "-" + std::string(len, '9') + ".5e+" +
                                                     std::to_string(len);
        const std::string doc = "{\"n\":" + num + ",\"v\":" + value + "}";
        ASSERT_EQ(run(doc, *sel, out), transform_status::ok) << doc;
        ASSERT_EQ(out, "{\"v\":" + value + ",\"n\":" + num + ",\"__typename\":\"T\"}") << doc;
    }
}

// Separators other than jsonb's `": "` and `, "` still work (whitespace of every kind, none).
TEST(transform_fastpath, non_jsonb_spacing_takes_the_general_path) {
    const pp sel = select_v();
    std::string out;
    const char* const docs[] = {
        "{\"a\":1,\"v\":2}",           "{\"a\" : 1 , \"v\" :2 }",   "{\"a\": 1,\n\"v\":\t2}",
        "{\"a\":  1,  \"v\":  2}",     "{ \"a\": 1, \"v\": 2 }",    "{\"a\": 1 ,\"v\": 2}",
        "{\"a\": \"x\",\r\n \"v\": 2}", "{\"a\": [1, 2], \"v\": 2}", "{\"a\": {\"b\": 1}, \"v\": 2}"};
    for (const char* d : docs) {
        ASSERT_EQ(run(d, *sel, out), transform_status::ok) << d;
        ASSERT_EQ(out, "{\"v\":2}") << d;
    }
    // A separator look-alike inside a string value does not fool the scanner.
    ASSERT_EQ(run("{\"a\": \"x\\\", \\\"v\\\": 9\", \"v\": 2}", *sel, out), transform_status::ok);
    EXPECT_EQ(out, "{\"v\":2}");
}

// Every prefix of a jsonb-formatted document with nested objects, lists and long strings is
// malformed (never ok, never a read past the end); the whole document is ok.
TEST(transform_fastpath, every_truncation_of_a_jsonb_document_is_malformed) {
    auto child = std::make_shared<const projection>(
        "C", std::vector<projected_field>{value_field("id", "id"), value_field("body", "body")});
    const pp sel = std::make_shared<const projection>(
        "T", std::vector<projected_field>{value_field("id", "id"),
                                          object_list_field("posts", "posts", child),
                                          object_field("author", "author", child),
                                          value_field("tags", "tags")});
    std::string doc = "{\"id\": \"0d6f4c2e-8a5b-4c1d-9e7f-123456789abc\", \"bio\": \"" +
                      std::string(90, 'b') + "\\\"q\\\"\", \"tags\": [\"a\", \"bb\"], \"posts\": [";
    for (int i = 0; i < 4; ++i) {
        if (i) doc += ", ";
        doc += "{\"id\": " + std::to_string(i) + ", \"body\": \"" + std::string(20 * i, 'x') +
               "\u00e9\", \"skip\": {\"deep\": [1, 2.5e3, null, true, false, \"s\"]}}";
    }
    doc += "], \"author\": {\"id\": 9, \"body\": null}}";
    std::string out;
    ASSERT_EQ(run(doc, *sel, out), transform_status::ok);
    for (std::size_t n = 0; n < doc.size(); ++n) {
        const std::string_view cut(doc.data(), n);
        ASSERT_EQ(run(cut, *sel, out), transform_status::malformed) << n;
        ASSERT_TRUE(out.empty());
    }
}

// Nesting beyond max_depth in a skipped value and in a selected value, jsonb-spaced.
TEST(transform_fastpath, deep_nesting_is_too_deep_with_jsonb_spacing) {
    const pp sel = select_v();
    std::string out;
    std::string deep;
    for (std::size_t i = 0; i < max_depth + 5; ++i) deep += "{\"a\": ";
    deep += "1";
    for (std::size_t i = 0; i < max_depth + 5; ++i) deep += "}";
    EXPECT_EQ(run("{\"u\": " + deep + ", \"v\": 1}", *sel, out), transform_status::too_deep);
    EXPECT_EQ(run("{\"v\": " + deep + "}", *sel, out), transform_status::too_deep);
    EXPECT_TRUE(out.empty());
}

// Unselected containers take a jsonb-form fast skipper (scan.hpp skip_container_jsonb) that
// hands anything else back to the general skipper. The reference is the general skipper alone:
// a root list item that is not an object is skipped by it directly (project_arr), at the same
// depth as a member of the top-level object. Each value is wrapped in one more array, so that
// the root list's item is never an object (which would be projected, not skipped). Status and error offset (relative to the value)
// must agree for every container, valid or not, and for every truncation of it.
TEST(transform_fastpath, unselected_containers_match_the_general_skipper) {
    const pp sel = select_v();
    std::string deep_ok;
    for (int i = 0; i < 126; ++i) deep_ok += "[";
    for (int i = 0; i < 126; ++i) deep_ok += "]";
    const std::string deep_bad = "[" + deep_ok + "]";
    const std::vector<std::string> values = {
        "[]", "{}", "[1]", "[\"a\", \"bc\"]", "[1, 2.5, -3e7, true, false, null]",
        "{\"a\": 1}", "{\"a\": {\"b\": [1, {\"c\": \"d\\n\"}]}, \"e\": []}",
        "[[], {}, [[]], {\"x\": {}}]", "[1,2]", "[1 , 2]", "[ 1]", "{\"a\":1}", "{\"a\" : 1}",
        "{\"a\": 1 }", "[1, ]", "[, 1]", "{\"a\": 1, }", "{\"a\"}", "{\"a\": }", "[01]",
        "[1.]", "[tru]", "[\"a\\x\"]", "[\"a\nb\"]", "{1: 2}", "[1, 2}", "{\"a\": 1]", "[[]",
        "[\"" + std::string(100, 'x') + "\", \"" + std::string(70, 'y') + "\"]",
        deep_ok, deep_bad};
    for (const std::string& v : values) {
        for (std::size_t cut = 1; cut <= v.size(); ++cut) {
            // Nothing after the value: both documents fail, inside the value or at its end.
            const std::string x = v.substr(0, cut);
            const exact oe("{\"a\": [" + x);
            const exact le("[[" + x);
            std::string out;
            std::vector<field_error> errors;
            transformer t;
            const transform_status os = t.project_object(oe.view(), *sel, out, errors);
            const std::size_t ooff = t.error_offset();
            const transform_status ls = t.project_list(le.view(), *sel, false, out, errors);
            const std::size_t loff = t.error_offset();
            ASSERT_TRUE(ls == transform_status::malformed || ls == transform_status::too_deep) << x;
            ASSERT_EQ(os, ls) << x;
            ASSERT_EQ(ooff - 7, loff - 2) << x;
            if (is_valid_json("[[" + x + "]]")) { // valid at this depth
                ASSERT_EQ(ooff - 7, x.size()) << x;
                const exact full("{\"a\": [" + x + "], \"v\": 1}");
                out.clear();
                ASSERT_EQ(t.project_object(full.view(), *sel, out, errors), transform_status::ok)
                    << x;
                ASSERT_EQ(out, "{\"v\":1}") << x;
            }
        }
    }
}

// Numbers take a 16-byte digit-mask path when the document has 16 bytes left (skip_scalar),
// else the general scanner. Every form, valid or not, followed by the rest of a member list or
// by the end of the object, selected (copied verbatim) or skipped, at shifting offsets.
TEST(transform_fastpath, numbers_on_both_number_paths) {
    struct num_case {
        std::string text;
        bool valid;
    };
    const std::vector<num_case> cases = {
        {"7", true}, {"42", true}, {"123.5", true}, {"1.25e3", true}, {"1.5E-2", true},
        {"0", true}, {"-1", true}, {"-0.5", true}, {"10.0", true}, {"0.125", true},
        {"123456789012345", true}, {"1234567890123456", true}, {"12345678901234567", true},
        {"1234567890.12345", true}, {"12345678901234.5", true}, {"123456789012345.6", true},
        {"1.", false}, {"1.e5", false}, {"01", false}, {"1e", false}, {"1.5.3", false},
        {"12a", false}, {"1-", false}, {"-", false}, {"1..2", false}, {"1.2e", false},
        {"123456789012345.", false}, {"12345678901234.e", false}};
    const pp sel = select_v("a");
    const pp none = select_v("zz");
    for (const num_case& c : cases) {
        for (std::size_t pad = 0; pad < 20; ++pad) {
            for (int tail = 0; tail < 2; ++tail) {
                const std::string doc = "{\"p\": \"" + std::string(pad, 'x') + "\", \"a\": " +
                                        c.text + (tail ? ", \"b\": \"0123456789abcdef\"}" : "}");
                std::string out;
                const transform_status st = run(doc, *sel, out);
                ASSERT_EQ(st, c.valid ? transform_status::ok : transform_status::malformed) << doc;
                if (c.valid) {
                    ASSERT_EQ(out, "{\"v\":" + c.text + "}") << doc;
                }
                ASSERT_EQ(run(doc, *none, out),
                          c.valid ? transform_status::ok : transform_status::malformed)
                    << doc;
            }
        }
    }
}

} // namespace
} // namespace fraiseql::json
