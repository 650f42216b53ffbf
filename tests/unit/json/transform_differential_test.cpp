// Differential tests: random documents and random selections, checked against an independent
// tree-based oracle built on Boost.JSON (same semantics: GraphQL spec §6.4.4 null propagation,
// verbatim scalars), plus random mutations checked against Boost.JSON's validity verdict.

#include "fraiseql/json/transform.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <optional>
#include <random>

namespace fraiseql::json {
namespace {

namespace bj = boost::json;
using pp = std::shared_ptr<const projection>;
using kind = projected_field::kind;

const char* const key_pool[] = {"a", "b", "id", "first_name", "\xc3\xa9t\xc3\xa9", "x\"y", "posts"};

struct gen {
    std::mt19937 rng;
    bool ascii_only = false;
    explicit gen(unsigned seed) : rng(seed) {}
    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }

    const char* key() {
        for (;;) {
            const char* k = key_pool[pick(std::size(key_pool))];
            if (!ascii_only || std::all_of(k, k + std::strlen(k),
                                           [](char c) { return (c & 0x80) == 0; }))
                return k;
        }
    }
    std::string ws() {
        static const char* const w[] = {"", "", " ", " ", "\n", "\t ", "\r\n  "};
        return w[pick(std::size(w))];
    }
    void string_text(std::string& out, std::string_view s) {
        out += '"';
        for (char c : s) {
            const int r = pick(6);
            if (c == '"') {
                out += "\\\"";
            } else if (r == 0 && (c & 0x80) == 0) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                out += buf;
            } else {
                out += c;
            }
        }
        out += '"';
    }
    void scalar(std::string& out) {
        static const char* const s[] = {
            "0", "-1", "3.5", "1e3", "-0.25E-2", "12345678901234567", "true", "false", "null",
            "null", "\"\"", "\"text\"", "\"q\\\"uote\"", "\"back\\\\slash\"", "\"\\u00e9\\n\"",
            "\"\xc3\xa9\xe6\x97\xa5\"", "\"a long string that crosses sixteen bytes\""};
        for (;;) {
            const char* v = s[pick(std::size(s))];
            if (ascii_only && (v[0] == '"' && (v[1] & 0x80))) continue;
            out += v;
            return;
        }
    }
    void value(std::string& out, int depth) {
        const int r = pick(depth > 4 ? 3 : 8);
        if (r < 3) {
            scalar(out);
        } else if (r < 5) {
            object(out, depth + 1);
        } else {
            out += '[';
            const int n = pick(4);
            for (int i = 0; i < n; ++i) {
                if (i) out += ',';
                out += ws();
                if (pick(3) == 0) {
                    scalar(out);
                } else {
                    object(out, depth + 1);
                }
                out += ws();
            }
            out += ']';
        }
    }
    void object(std::string& out, int depth) {
        out += '{';
        std::vector<const char*> used;
        const int n = pick(6);
        for (int i = 0; i < n; ++i) {
            const char* k = key();
            if (std::find(used.begin(), used.end(), std::string_view(k)) != used.end()) continue;
            used.push_back(k);
            if (!used.empty() && used.size() > 1) out += ',';
            out += ws();
            string_text(out, k);
            out += ws() + ":" + ws();
            value(out, depth);
            out += ws();
        }
        out += '}';
    }
    pp selection(int depth) {
        std::vector<projected_field> fs;
        const int n = 1 + pick(5);
        for (int i = 0; i < n; ++i) {
            projected_field f;
            f.source_key = key();
            f.response_key = "r" + std::to_string(i);
            const int r = pick(depth > 3 ? 4 : 10);
            if (r == 0) {
                f.k = kind::typename_literal;
                f.literal = "T";
            } else if (r < 4) {
                f.k = kind::value;
                f.items_non_null = pick(3) == 0;
            } else {
                f.k = r < 7 ? kind::object : kind::object_list;
                f.items_non_null = pick(2) == 0;
                f.child = selection(depth + 1);
            }
            f.non_null = pick(4) == 0;
            fs.push_back(std::move(f));
        }
        return std::make_shared<const projection>("T" + std::to_string(depth), std::move(fs));
    }
};

// ---- The oracle: a straightforward tree walk in selection order. ----

struct oracle {
    std::vector<std::string> errors;
    std::vector<std::string> path;

    void error(std::string last) {
        std::string s;
        for (const auto& p : path) s += p + "/";
        errors.push_back(s + last);
    }

    // nullopt: this object became null and the error is recorded.
    std::optional<bj::value> obj(const bj::object& o, const projection& p) {
        bj::object out;
        for (const projected_field& f : p.fields()) {
            if (f.k == kind::typename_literal) {
                out[f.response_key] = f.literal;
                continue;
            }
            const bj::value* v = o.if_contains(f.source_key);
            bool is_null = v == nullptr || v->is_null();
            bool new_error = true;
            bj::value result;
            if (!is_null) {
                if (f.k == kind::value) {
                    result = *v;
                    if (f.items_non_null && v->is_array()) {
                        const auto& a = v->as_array();
                        for (std::size_t i = 0; i < a.size(); ++i) {
                            if (a[i].is_null()) {
                                error(f.response_key + "/" + std::to_string(i));
                                is_null = true;
                                new_error = false;
                                break;
                            }
                        }
                    }
                } else if (f.k == kind::object) {
                    path.push_back(f.response_key);
                    if (v->is_object()) {
                        auto r = obj(v->as_object(), *f.child);
                        if (r) {
                            result = std::move(*r);
                        } else {
                            is_null = true;
                            new_error = false;
                        }
                    } else {
                        path.pop_back();
                        error(f.response_key);
                        path.push_back("");
                        is_null = true;
                        new_error = false;
                    }
                    path.pop_back();
                } else {
                    if (v->is_array()) {
                        bj::array items;
                        std::size_t i = 0;
                        for (const bj::value& item : v->as_array()) {
                            path.push_back(f.response_key);
                            path.push_back(std::to_string(i));
                            bool item_null = false;
                            bool item_new_error = true;
                            if (item.is_object()) {
                                auto r = obj(item.as_object(), *f.child);
                                if (r) {
                                    items.push_back(std::move(*r));
                                } else {
                                    item_null = true;
                                    item_new_error = false;
                                }
                            } else if (item.is_null()) {
                                item_null = true;
                            } else {
                                path.pop_back();
                                path.pop_back();
                                error(f.response_key + "/" + std::to_string(i));
                                path.push_back("");
                                path.push_back("");
                                item_null = true;
                                item_new_error = false;
                            }
                            path.pop_back();
                            path.pop_back();
                            if (item_null) {
                                if (f.items_non_null) {
                                    if (item_new_error)
                                        error(f.response_key + "/" + std::to_string(i));
                                    is_null = true;
                                    new_error = false;
                                    break;
                                }
                                items.push_back(nullptr);
                            }
                            ++i;
                        }
                        if (!is_null) result = std::move(items);
                    } else {
                        error(f.response_key);
                        is_null = true;
                        new_error = false;
                    }
                }
            }
            if (is_null) {
                if (f.non_null) {
                    if (new_error) error(f.response_key);
                    return std::nullopt;
                }
                result = nullptr;
            }
            out[f.response_key] = std::move(result);
        }
        return bj::value(std::move(out));
    }
};

std::vector<std::string> flat_paths(const std::vector<field_error>& errors) {
    std::vector<std::string> out;
    for (const auto& e : errors) {
        std::string s;
        for (std::size_t i = 0; i < e.path.size(); ++i) {
            if (i) s += '/';
            if (const auto* k = std::get_if<std::string>(&e.path[i])) {
                s += *k;
            } else {
                s += std::to_string(std::get<std::size_t>(e.path[i]));
            }
        }
        out.push_back(s);
    }
    return out;
}

bj::parse_options strict_options() {
    bj::parse_options o;
    o.max_depth = 10000;
    return o;
}

TEST(transform_differential, random_documents_and_selections_match_the_oracle) {
    gen g(12345);
    int checked = 0;
    int with_errors = 0;
    for (int iter = 0; iter < 1500; ++iter) {
        std::string doc;
        g.object(doc, 1);
        const bj::value tree = bj::parse(doc, {}, strict_options());
        for (int s = 0; s < 3; ++s) {
            // Selections built from the same key pool hit real keys often.
            pp sel = g.selection(1);
            oracle o;
            auto expected = o.obj(tree.as_object(), *sel);
            std::string out;
            std::vector<field_error> errors;
            const auto st = project_object(doc, *sel, out, errors);
            auto got_paths = flat_paths(errors);
            auto exp_paths = o.errors;
            // Document order vs selection order of nested errors is not specified: compare sets.
            std::sort(got_paths.begin(), got_paths.end());
            std::sort(exp_paths.begin(), exp_paths.end());
            ASSERT_EQ(got_paths, exp_paths) << doc;
            if (!expected) {
                ASSERT_EQ(st, transform_status::null_propagated) << doc;
                ASSERT_TRUE(out.empty());
            } else {
                ASSERT_EQ(st, transform_status::ok) << doc;
                boost::system::error_code ec;
                const bj::value got = bj::parse(out, ec, {}, strict_options());
                ASSERT_FALSE(ec) << out;
                ASSERT_EQ(got, *expected) << doc << "\n" << out;
                // Same key order as the selection (bj::value == ignores order).
                ASSERT_EQ(bj::serialize(got), bj::serialize(*expected)) << doc;
            }
            ++checked;
            with_errors += errors.empty() ? 0 : 1;
        }
    }
    // The generator must actually exercise propagation.
    EXPECT_GT(with_errors, checked / 20);
}

TEST(transform_differential, mutated_documents_agree_with_boost_json_validity) {
    gen g(777);
    g.ascii_only = true; // Boost.JSON validates UTF-8 and the transform does not (documented)
    static const char mutation_bytes[] = "{}[],:\"\\ 0123456789.eE+-tfnrulasx\n";
    int rejected = 0;
    int accepted = 0;
    for (int iter = 0; iter < 8000; ++iter) {
        std::string doc;
        g.object(doc, 1);
        const int mutations = 1 + g.pick(3);
        for (int m = 0; m < mutations && !doc.empty(); ++m) {
            const std::size_t at = static_cast<std::size_t>(g.pick(static_cast<int>(doc.size())));
            const char c = mutation_bytes[g.pick(sizeof mutation_bytes - 1)];
            switch (g.pick(4)) {
            case 0: doc.erase(at, 1); break;
            case 1: doc.insert(doc.begin() + static_cast<std::ptrdiff_t>(at), c); break;
            case 2: doc[at] = c; break;
            default: doc.resize(at); break;
            }
        }
        boost::system::error_code ec;
        const bj::value tree = bj::parse(doc, ec, {}, strict_options());
        // Boost.JSON refuses numbers beyond double's range; RFC 8259 §6 does not (and neither
        // does the transform, which copies numbers verbatim).
        if (ec == bj::error::exponent_overflow) continue;
        // Exactly sized heap copy: ASan reports any read past the end.
        std::unique_ptr<char[]> buf(new char[doc.size() + 1]);
        std::memcpy(buf.get(), doc.data(), doc.size());
        const std::string_view view(buf.get(), doc.size());
        EXPECT_EQ(is_valid_json(view), !ec) << doc;
        pp sel = g.selection(1);
        std::string out;
        std::vector<field_error> errors;
        const auto st = project_object(view, *sel, out, errors);
        if (ec) {
            EXPECT_TRUE(st == transform_status::malformed || st == transform_status::too_deep)
                << doc;
            EXPECT_TRUE(out.empty());
            ++rejected;
        } else if (tree.is_object()) {
            EXPECT_TRUE(st == transform_status::ok || st == transform_status::null_propagated)
                << doc;
            oracle o;
            auto expected = o.obj(tree.as_object(), *sel);
            if (expected && st == transform_status::ok) {
                EXPECT_EQ(bj::serialize(bj::parse(out)), bj::serialize(*expected)) << doc;
            }
            ++accepted;
        } else {
            EXPECT_EQ(st, tree.is_null() ? transform_status::null_document
                                         : transform_status::malformed)
                << doc;
        }
    }
    EXPECT_GT(rejected, 500);
    EXPECT_GT(accepted, 500);
}

} // namespace
} // namespace fraiseql::json
