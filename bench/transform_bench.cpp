// Response transform throughput (spec §8: >= 1 GB/s on one core for typical documents and
// >= 10x a straightforward parse-into-a-tree-and-reserialise implementation).
//
// Every benchmark transforms the same set of rows (PostgreSQL jsonb::text style: keys ordered
// by (length, bytes), ", " and ": ") into one response buffer, and reports input bytes/s.
//   BM_transform/<doc>       : fraiseql::json::project_object (one scan, no tree)
//   BM_tree_naive/<doc>      : a hand-written recursive DOM (what a straightforward
//                              implementation does: parse + unescape into nodes, build the
//                              projected tree, serialise with escaping)
//   BM_tree_boost_json/<doc> : the same with Boost.JSON (parse, build object, serialize)
//   BM_tree_simdjson/<doc>   : the same with simdjson's DOM (when linked: see below)
//   BM_ratio/<doc>           : transform and naive tree alternately on the same rows; the
//                              counter x_tree is the spec's ratio (tree time / our time)
// Documents: small (one user), medium (40 members, 24 key names random per row), nested (a
// user with 15 posts and their authors), large (32 KB), wide (medium with fixed key names).
// Baselines apply the projection (order, aliases, nested objects/lists, __typename) but not
// null propagation, which only favours them.

#include "fraiseql/json/transform.hpp"
#include "fraiseql/json/writer.hpp"

#include <benchmark/benchmark.h>

#include <boost/json.hpp>

#if defined(FRAISEQL_BENCH_SIMDJSON)
#include <simdjson.h>
#endif

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace fraiseql::json;
using pp = std::shared_ptr<const projection>;

// ---------------------------------------------------------------- documents

std::mt19937 rng_engine(42);
unsigned rng() { return static_cast<unsigned>(rng_engine()); }

std::string str(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}
std::string rand_word(std::size_t n) {
    static const char letters[] = "abcdefghijklmnopqrstuvwxyz";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += letters[rng() % 26];
    return s;
}
std::string rand_text(std::size_t n) {
    std::string s;
    while (s.size() < n) {
        s += rand_word(1 + rng() % 9);
        s += (rng() % 20 == 0) ? "\n" : " ";
        if (rng() % 50 == 0) s += "\"quoted\" ";
    }
    return s;
}
std::string uuid() {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-a%03x-%08x%04x", static_cast<unsigned>(rng()),
                  static_cast<unsigned>(rng() & 0xFFFF), static_cast<unsigned>(rng() & 0xFFF),
                  static_cast<unsigned>(rng() & 0xFFF), static_cast<unsigned>(rng()),
                  static_cast<unsigned>(rng() & 0xFFFF));
    return str(buf);
}
std::string num(int lo, int hi) { return std::to_string(lo + static_cast<int>(rng() % (hi - lo))); }
std::string timestamp() {
    char buf[40];
    std::snprintf(buf, sizeof buf, "\"2024-%02u-%02uT%02u:%02u:%02u.%06u+00:00\"", 1 + rng() % 12,
                  1 + rng() % 28, rng() % 24, rng() % 60, rng() % 60, rng() % 1000000);
    return buf;
}

/// Object text as jsonb prints it.
std::string jsonb_object(std::vector<std::pair<std::string, std::string>> members) {
    std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) {
        return a.first.size() != b.first.size() ? a.first.size() < b.first.size()
                                                : a.first < b.first;
    });
    std::string out = "{";
    for (std::size_t i = 0; i < members.size(); ++i) {
        if (i) out += ", ";
        out += str(members[i].first) + ": " + members[i].second;
    }
    return out + "}";
}
std::string jsonb_array(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        out += items[i];
    }
    return out + "]";
}

std::vector<std::pair<std::string, std::string>> user_members() {
    return {{"id", uuid()},
            {"age", num(18, 90)},
            {"email", str(rand_word(8) + "@example.com")},
            {"active", rng() % 2 ? "true" : "false"},
            {"score", std::to_string(static_cast<double>(rng() % 100000) / 100.0)},
            {"tags", jsonb_array({str(rand_word(5)), str(rand_word(6))})},
            {"created_at", timestamp()},
            {"first_name", str(rand_word(6))},
            {"last_name", str(rand_word(9))},
            {"bio", str(rand_text(60))}};
}

std::string small_doc() { return jsonb_object(user_members()); }

/// `medium`: 40 members, 24 of whose key names are drawn at random for every row (sparse,
/// heterogeneous documents: a view never produces these, but a JSONB column written by
/// applications may). `wide` (fixed_keys): the same members with the same key names in
/// every row, as a view's jsonb_build_object produces them.
std::string medium_doc(bool fixed_keys = false) {
    auto m = user_members();
    for (int i = 0; i < 24; ++i) {
        std::string word;
        if (fixed_keys) {
            std::mt19937 key_rng(static_cast<unsigned>(1000 + i));
            for (int j = 0; j < 3; ++j) word += static_cast<char>('a' + key_rng() % 26);
        } else {
            word = rand_word(3);
        }
        const std::string key = "attr_" + word + "_" + std::to_string(i);
        switch (i % 4) {
        case 0: m.emplace_back(key, str(rand_word(12))); break;
        case 1: m.emplace_back(key, num(0, 1000000)); break;
        case 2: m.emplace_back(key, rng() % 3 ? "null" : "true"); break;
        default: m.emplace_back(key, timestamp()); break;
        }
    }
    m.emplace_back("address", jsonb_object({{"zip", str(num(10000, 99999))},
                                            {"city", str(rand_word(8))},
                                            {"street", str(rand_text(20))},
                                            {"country", str("FR")}}));
    m.emplace_back("phone", str("+33 6 " + num(10000000, 99999999)));
    m.emplace_back("updated_at", timestamp());
    m.emplace_back("preferences", jsonb_object({{"theme", str("dark")},
                                                {"notifications", "{\"email\": true, \"sms\": false}"},
                                                {"language", str("fr")}}));
    m.emplace_back("ipv4_address", str("192.168.1." + num(1, 254)));
    m.emplace_back("login_count", num(0, 5000));
    return jsonb_object(std::move(m));
}

std::string author_doc() {
    return jsonb_object({{"id", uuid()},
                         {"email", str(rand_word(8) + "@example.com")},
                         {"first_name", str(rand_word(6))},
                         {"last_name", str(rand_word(9))}});
}

std::string post_doc() {
    return jsonb_object({{"id", uuid()},
                         {"title", str(rand_text(40))},
                         {"body", str(rand_text(200))},
                         {"views", num(0, 100000)},
                         {"published", rng() % 2 ? "true" : "false"},
                         {"created_at", timestamp()},
                         {"tags", jsonb_array({str(rand_word(4)), str(rand_word(7))})},
                         {"author", author_doc()}});
}

std::string nested_doc() {
    auto m = user_members();
    std::vector<std::string> posts;
    for (int i = 0; i < 15; ++i) posts.push_back(post_doc());
    m.emplace_back("posts", jsonb_array(posts));
    return jsonb_object(std::move(m));
}

std::string large_doc() {
    auto m = user_members();
    std::vector<std::string> events;
    std::vector<std::string> samples;
    while (true) {
        events.push_back(jsonb_object({{"id", uuid()},
                                       {"kind", str(rand_word(7))},
                                       {"at", timestamp()},
                                       {"payload", jsonb_object({{"ip", str("10.0.0.1")},
                                                                 {"agent", str(rand_text(50))},
                                                                 {"ok", "true"}})},
                                       {"duration_ms", num(0, 10000)},
                                       {"description", str(rand_text(80))}}));
        samples.push_back(std::to_string(static_cast<double>(rng() % 1000000) / 1000.0));
        if (events.size() * 330 > 30000) break;
    }
    m.emplace_back("events", jsonb_array(events));
    m.emplace_back("samples", jsonb_array(samples));
    return jsonb_object(std::move(m));
}

// ---------------------------------------------------------------- selections

projected_field v(const char* src, const char* resp) { return value_field(src, resp); }

pp user_selection(bool with_typename) {
    std::vector<projected_field> f = {v("id", "id"), v("first_name", "firstName"),
                                      v("last_name", "lastName"), v("email", "email"),
                                      v("age", "age"), v("tags", "tags")};
    if (with_typename) f.push_back(typename_field("User"));
    return std::make_shared<const projection>("User", std::move(f));
}

pp medium_selection() {
    auto addr = std::make_shared<const projection>(
        "Address", std::vector<projected_field>{v("street", "street"), v("city", "city"),
                                                v("zip", "zip")});
    std::vector<projected_field> f = {v("id", "id"),
                                      v("first_name", "firstName"),
                                      v("last_name", "lastName"),
                                      v("email", "email"),
                                      v("phone", "phone"),
                                      v("created_at", "createdAt"),
                                      v("updated_at", "updatedAt"),
                                      v("ipv4_address", "ipv4Address"),
                                      v("login_count", "loginCount"),
                                      v("preferences", "preferences"),
                                      object_field("address", "address", addr)};
    return std::make_shared<const projection>("User", std::move(f));
}

pp nested_selection() {
    auto author = std::make_shared<const projection>(
        "User", std::vector<projected_field>{v("id", "id"), v("first_name", "firstName"),
                                             typename_field("User")});
    auto post = std::make_shared<const projection>(
        "Post", std::vector<projected_field>{v("id", "id"), v("title", "title"),
                                             v("body", "body"), v("created_at", "createdAt"),
                                             object_field("author", "author", author, true)});
    std::vector<projected_field> f = {v("id", "id"), v("first_name", "firstName"),
                                      v("email", "email"),
                                      object_list_field("posts", "posts", post, true, true)};
    return std::make_shared<const projection>("User", std::move(f));
}

pp large_selection() {
    auto event = std::make_shared<const projection>(
        "Event", std::vector<projected_field>{v("id", "id"), v("kind", "kind"), v("at", "at"),
                                              v("payload", "payload"),
                                              v("duration_ms", "durationMs")});
    std::vector<projected_field> f = {v("id", "id"), v("first_name", "firstName"),
                                      object_list_field("events", "events", event),
                                      v("samples", "samples")};
    return std::make_shared<const projection>("User", std::move(f));
}

struct dataset {
    std::vector<std::string> rows;
    pp sel;
    std::size_t bytes = 0;
};

const dataset& data(int which) {
    static std::map<int, dataset> cache;
    auto it = cache.find(which);
    if (it != cache.end()) return it->second;
    dataset d;
    // Enough rows to defeat caching of one document, few enough to stay in L2 (a receive
    // buffer's worth).
    const std::size_t target = which == 3 ? 8 * 32 * 1024 : 256 * 1024;
    while (d.bytes < target) {
        std::string r;
        switch (which) {
        case 0: r = small_doc(); d.sel = user_selection(true); break;
        case 1: r = medium_doc(); d.sel = medium_selection(); break;
        case 4: r = medium_doc(true); d.sel = medium_selection(); break;
        case 2: r = nested_doc(); d.sel = nested_selection(); break;
        case 3: r = large_doc(); d.sel = large_selection(); break;
        }
        d.bytes += r.size();
        d.rows.push_back(std::move(r));
    }
    return cache.emplace(which, std::move(d)).first->second;
}

constexpr int doc_count = 5;
const char* const doc_names[doc_count] = {"small", "medium", "nested", "large", "wide"};

void label(benchmark::State& state, const dataset& d) {
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * d.bytes));
    state.counters["rows"] = static_cast<double>(d.rows.size());
    state.counters["row_bytes"] = static_cast<double>(d.bytes / d.rows.size());
    state.SetLabel(doc_names[state.range(0)]);
}

// ---------------------------------------------------------------- ours

/// One pass of the transform over every row into `out`; false if a row fails.
bool transform_pass(const dataset& d, transformer& t, std::string& out,
                    std::vector<field_error>& errors) {
    out.clear();
    for (const auto& r : d.rows) {
        if (t.project_object(r, *d.sel, out, errors) != transform_status::ok) return false;
        out.push_back(',');
    }
    benchmark::DoNotOptimize(out.data());
    return true;
}

void BM_transform(benchmark::State& state) {
    const dataset& d = data(static_cast<int>(state.range(0)));
    transformer t;
    std::string out;
    std::vector<field_error> errors;
    for (auto _ : state) {
        if (!transform_pass(d, t, out, errors)) {
            state.SkipWithError("transform failed");
            return;
        }
    }
    state.counters["out_bytes"] = static_cast<double>(out.size());
    label(state, d);
}

// ---------------------------------------------------------------- naive DOM baseline

struct node {
    enum class type : std::uint8_t { null, boolean, number, string, array, object } t = type::null;
    bool b = false;
    std::string text; // number text (kept exact) or unescaped string
    std::vector<node> items;
    std::vector<std::pair<std::string, node>> members;
};

struct naive_parser {
    const char* p;
    const char* end;
    void ws() {
        while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) ++p;
    }
    bool string(std::string& s) {
        ++p;
        while (p < end && *p != '"') {
            if (*p == '\\') {
                ++p;
                if (p >= end) return false;
                switch (*p) {
                case 'n': s += '\n'; break;
                case 't': s += '\t'; break;
                case 'r': s += '\r'; break;
                case 'b': s += '\b'; break;
                case 'f': s += '\f'; break;
                case 'u': {
                    if (end - p < 5) return false;
                    const unsigned cp = static_cast<unsigned>(std::stoul(std::string(p + 1, 4),
                                                                         nullptr, 16));
                    if (cp < 0x80) {
                        s += static_cast<char>(cp);
                    } else if (cp < 0x800) {
                        s += static_cast<char>(0xC0 | (cp >> 6));
                        s += static_cast<char>(0x80 | (cp & 0x3F));
                    } else {
                        s += static_cast<char>(0xE0 | (cp >> 12));
                        s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
                        s += static_cast<char>(0x80 | (cp & 0x3F));
                    }
                    p += 4;
                    break;
                }
                default: s += *p;
                }
                ++p;
            } else {
                s += *p++;
            }
        }
        if (p >= end) return false;
        ++p;
        return true;
    }
    bool value(node& n) {
        ws();
        if (p >= end) return false;
        switch (*p) {
        case '{': {
            n.t = node::type::object;
            ++p;
            ws();
            if (p < end && *p == '}') {
                ++p;
                return true;
            }
            for (;;) {
                ws();
                n.members.emplace_back();
                if (p >= end || *p != '"' || !string(n.members.back().first)) return false;
                ws();
                if (p >= end || *p != ':') return false;
                ++p;
                if (!value(n.members.back().second)) return false;
                ws();
                if (p < end && *p == ',') {
                    ++p;
                    continue;
                }
                if (p < end && *p == '}') {
                    ++p;
                    return true;
                }
                return false;
            }
        }
        case '[': {
            n.t = node::type::array;
            ++p;
            ws();
            if (p < end && *p == ']') {
                ++p;
                return true;
            }
            for (;;) {
                n.items.emplace_back();
                if (!value(n.items.back())) return false;
                ws();
                if (p < end && *p == ',') {
                    ++p;
                    continue;
                }
                if (p < end && *p == ']') {
                    ++p;
                    return true;
                }
                return false;
            }
        }
        case '"': n.t = node::type::string; return string(n.text);
        case 't': n.t = node::type::boolean; n.b = true; p += 4; return p <= end;
        case 'f': n.t = node::type::boolean; p += 5; return p <= end;
        case 'n': p += 4; return p <= end;
        default: {
            n.t = node::type::number;
            const char* s = p;
            while (p < end && (std::isdigit(static_cast<unsigned char>(*p)) || *p == '-' ||
                               *p == '+' || *p == '.' || *p == 'e' || *p == 'E'))
                ++p;
            n.text.assign(s, p);
            return p != s;
        }
        }
    }
};

void serialise(const node& n, std::string& out) {
    switch (n.t) {
    case node::type::null: out += "null"; break;
    case node::type::boolean: out += n.b ? "true" : "false"; break;
    case node::type::number: out += n.text; break;
    case node::type::string: append_json_string(out, n.text); break;
    case node::type::array:
        out += '[';
        for (std::size_t i = 0; i < n.items.size(); ++i) {
            if (i) out += ',';
            serialise(n.items[i], out);
        }
        out += ']';
        break;
    case node::type::object:
        out += '{';
        for (std::size_t i = 0; i < n.members.size(); ++i) {
            if (i) out += ',';
            append_json_key(out, n.members[i].first);
            serialise(n.members[i].second, out);
        }
        out += '}';
        break;
    }
}

node naive_project(node& src, const projection& p) {
    node out;
    out.t = node::type::object;
    for (const projected_field& f : p.fields()) {
        node value;
        if (f.k == projected_field::kind::typename_literal) {
            value.t = node::type::string;
            value.text = f.literal;
        } else {
            for (auto& m : src.members) {
                if (m.first != f.source_key) continue;
                if (f.k == projected_field::kind::value) {
                    value = m.second;
                } else if (f.k == projected_field::kind::object &&
                           m.second.t == node::type::object) {
                    value = naive_project(m.second, *f.child);
                } else if (f.k == projected_field::kind::object_list &&
                           m.second.t == node::type::array) {
                    value.t = node::type::array;
                    for (auto& item : m.second.items) {
                        value.items.push_back(item.t == node::type::object
                                                  ? naive_project(item, *f.child)
                                                  : node{});
                    }
                }
                break;
            }
        }
        out.members.emplace_back(f.response_key, std::move(value));
    }
    return out;
}

/// One pass of the naive tree over every row into `out`; false if a row fails to parse.
bool tree_pass(const dataset& d, std::string& out) {
    out.clear();
    for (const auto& r : d.rows) {
        node root;
        naive_parser ps{r.data(), r.data() + r.size()};
        if (!ps.value(root)) return false;
        serialise(naive_project(root, *d.sel), out);
        out.push_back(',');
    }
    benchmark::DoNotOptimize(out.data());
    return true;
}

void BM_tree_naive(benchmark::State& state) {
    const dataset& d = data(static_cast<int>(state.range(0)));
    std::string out;
    for (auto _ : state) {
        if (!tree_pass(d, out)) {
            state.SkipWithError("parse failed");
            return;
        }
    }
    label(state, d);
}

// ---------------------------------------------------------------- the ratio, interleaved

/// The spec's ratio measured fairly on a shared machine: each iteration times one pass of the
/// transform and one pass of the naive tree over the same rows, back to back, on the thread's
/// CPU clock; the counter `x_tree` is (tree time) / (transform time) summed over iterations.
/// (BM_transform and BM_tree_naive alone run at different moments, when the machine may be
/// busier or quieter.)
double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void BM_ratio(benchmark::State& state) {
    const dataset& d = data(static_cast<int>(state.range(0)));
    transformer t;
    std::string out;
    std::vector<field_error> errors;
    double transform_s = 0;
    double tree_s = 0;
    for (auto _ : state) {
        const double t0 = thread_cpu_seconds();
        const bool ok = transform_pass(d, t, out, errors);
        const double t1 = thread_cpu_seconds();
        if (!ok || !tree_pass(d, out)) {
            state.SkipWithError("transform or parse failed");
            return;
        }
        transform_s += t1 - t0;
        tree_s += thread_cpu_seconds() - t1;
    }
    state.counters["x_tree"] = transform_s > 0 ? tree_s / transform_s : 0;
    label(state, d);
}

// ---------------------------------------------------------------- Boost.JSON baseline

boost::json::object boost_project(const boost::json::object& src, const projection& p,
                                  boost::json::storage_ptr sp) {
    boost::json::object out(sp);
    for (const projected_field& f : p.fields()) {
        if (f.k == projected_field::kind::typename_literal) {
            out[f.response_key] = f.literal;
            continue;
        }
        const boost::json::value* v = src.if_contains(f.source_key);
        if (v == nullptr || v->is_null()) {
            out[f.response_key] = nullptr;
        } else if (f.k == projected_field::kind::value) {
            out[f.response_key] = *v;
        } else if (f.k == projected_field::kind::object && v->is_object()) {
            out[f.response_key] = boost_project(v->as_object(), *f.child, sp);
        } else if (f.k == projected_field::kind::object_list && v->is_array()) {
            boost::json::array items(sp);
            for (const auto& item : v->as_array()) {
                if (item.is_object()) {
                    items.push_back(boost_project(item.as_object(), *f.child, sp));
                } else {
                    items.push_back(nullptr);
                }
            }
            out[f.response_key] = std::move(items);
        } else {
            out[f.response_key] = nullptr;
        }
    }
    return out;
}

void BM_tree_boost_json(benchmark::State& state) {
    const dataset& d = data(static_cast<int>(state.range(0)));
    std::string out;
    for (auto _ : state) {
        out.clear();
        for (const auto& r : d.rows) {
            // A monotonic arena per row: the most favourable setting for Boost.JSON.
            boost::json::monotonic_resource mr;
            boost::json::storage_ptr sp(&mr);
            const boost::json::value root = boost::json::parse(r, sp);
            out += boost::json::serialize(boost_project(root.as_object(), *d.sel, sp));
            out.push_back(',');
        }
        benchmark::DoNotOptimize(out.data());
    }
    label(state, d);
}

// ---------------------------------------------------------------- simdjson DOM baseline

#if defined(FRAISEQL_BENCH_SIMDJSON)
void simd_project(simdjson::dom::object src, const projection& p, std::string& out) {
    out += '{';
    bool first = true;
    for (const projected_field& f : p.fields()) {
        if (!first) out += ',';
        first = false;
        append_json_key(out, f.response_key);
        if (f.k == projected_field::kind::typename_literal) {
            append_json_string(out, f.literal);
            continue;
        }
        simdjson::dom::element v;
        if (src.at_key(f.source_key).get(v) != simdjson::SUCCESS || v.is_null()) {
            out += "null";
        } else if (f.k == projected_field::kind::value) {
            out += simdjson::to_string(v);
        } else if (f.k == projected_field::kind::object && v.is_object()) {
            simdjson::dom::object o;
            if (v.get_object().get(o) == simdjson::SUCCESS) simd_project(o, *f.child, out);
        } else if (f.k == projected_field::kind::object_list && v.is_array()) {
            out += '[';
            bool first_item = true;
            simdjson::dom::array arr;
            if (v.get_array().get(arr) != simdjson::SUCCESS) continue;
            for (simdjson::dom::element item : arr) {
                if (!first_item) out += ',';
                first_item = false;
                simdjson::dom::object o;
                if (item.get_object().get(o) == simdjson::SUCCESS) {
                    simd_project(o, *f.child, out);
                } else {
                    out += "null";
                }
            }
            out += ']';
        } else {
            out += "null";
        }
    }
    out += '}';
}

void BM_tree_simdjson(benchmark::State& state) {
    const dataset& d = data(static_cast<int>(state.range(0)));
    // Padding prepared outside the timed loop: favours simdjson (a driver buffer has none).
    std::vector<simdjson::padded_string> rows;
    for (const auto& r : d.rows) rows.emplace_back(r);
    simdjson::dom::parser parser;
    std::string out;
    for (auto _ : state) {
        out.clear();
        for (const auto& r : rows) {
            simdjson::dom::object root;
            if (parser.parse(r).get(root) != simdjson::SUCCESS) {
                state.SkipWithError("parse failed");
                return;
            }
            simd_project(root, *d.sel, out);
            out.push_back(',');
        }
        benchmark::DoNotOptimize(out.data());
    }
    label(state, d);
}
BENCHMARK(BM_tree_simdjson)->DenseRange(0, doc_count - 1);
#endif

BENCHMARK(BM_transform)->DenseRange(0, doc_count - 1);
BENCHMARK(BM_tree_naive)->DenseRange(0, doc_count - 1);
BENCHMARK(BM_tree_boost_json)->DenseRange(0, doc_count - 1);
BENCHMARK(BM_ratio)->DenseRange(0, doc_count - 1);

/// Same output from the transform and the naive tree (a guard against benchmarking a wrong
/// transform): checked once at start-up.
[[maybe_unused]] const bool self_check = [] {
    for (int which = 0; which < doc_count; ++which) {
        const dataset& d = data(which);
        for (std::size_t i = 0; i < std::min<std::size_t>(d.rows.size(), 4); ++i) {
            std::string a;
            std::string b;
            std::vector<field_error> errors;
            (void)project_object(d.rows[i], *d.sel, a, errors);
            node root;
            naive_parser ps{d.rows[i].data(), d.rows[i].data() + d.rows[i].size()};
            (void)ps.value(root);
            serialise(naive_project(root, *d.sel), b);
            // Values are verbatim in ours (", " kept inside arrays): compare re-serialised.
            if (boost::json::serialize(boost::json::parse(a)) !=
                boost::json::serialize(boost::json::parse(b))) {
                std::fprintf(stderr, "MISMATCH on %s row %zu\n%s\n%s\n", doc_names[which], i,
                             a.c_str(), b.c_str());
                std::abort();
            }
        }
    }
    return true;
}();

} // namespace

BENCHMARK_MAIN();
