// The response transform. Design (see transform.hpp for the contract):
//
// * One forward scan per object level. Each key is looked up in the projection's hash table;
//   unselected values are skipped by the validating, iterative skipper (scan.cpp); selected
//   scalar values only have their byte span recorded; selected nested objects and lists are
//   projected immediately, into a scratch buffer that belongs to the next depth, so that no
//   byte of the document is parsed twice.
// * Fast paths for the text jsonb prints (measured in bench/transform_bench.cpp): each object
//   level keeps a 64-byte mask of string-ending bytes (detail::special_cursor), so consecutive
//   keys and string values are found by bit operations rather than one dependent SIMD load
//   chain per string; `": "` and `, "` are recognised with one 3-byte compare (anything else
//   takes the general whitespace path); keys are hashed from one masked 16-byte load; the
//   emission writes short pieces with whole 16/64-byte moves into slack that is truncated
//   after. Every fast path validates exactly what the general path does, at the same offsets.
// * Then the level is emitted in selection order: precomputed `,"key":` prefixes, verbatim
//   value spans, and slices of the scratch buffer.
// * Null propagation (GraphQL spec §6.4.4): a level that meets a null (or missing) non-null
//   field truncates what it wrote and reports `propagated` to its parent, which writes `null`
//   if the position is nullable or propagates further. The error is recorded once, where the
//   null was found. As in a sequential executor, the first violation in selection order wins,
//   and errors raised under fields that come after it are dropped.
// * No recursion on the document, only on the projection (whose depth the planner bounds);
//   every nesting level is checked against max_depth.

#include "fraiseql/json/transform.hpp"
#include "fraiseql/json/writer.hpp"

#include "json/scan.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cassert>
#include <cstring>

namespace fraiseql::json {

using detail::scan_error;
using detail::skip_ws;

namespace {

enum class child_status : std::uint8_t {
    ok,         ///< projected into the scratch buffer
    null_value, ///< literal null (no error recorded yet)
    propagated, ///< became null because of an error that is already recorded
};

constexpr std::uint32_t no_item = 0xFFFFFFFFu;

struct field_state {
    const char* begin; ///< value start in the document; nullptr = key not seen
    const char* end;
    std::uint32_t out_off;
    std::uint32_t out_len;
    std::uint32_t err_begin;
    std::uint32_t err_end;
    std::uint32_t null_item; ///< value fields with items_non_null: first null item, or no_item
    child_status st;
};

struct path_entry {
    const projected_field* field; ///< nullptr for the root list
    const projection* parent;
    std::size_t index;
    bool has_index;
};

/// projection::load_key with one masked 16-byte load when 16 bytes are readable (no branch on
/// the key's length). `readable`: bytes that may be read from k (the rest of the document).
inline projection::key_words key_words_at(const char* k, std::size_t n,
                                          std::size_t readable) noexcept {
#if defined(__SSE2__) && defined(__x86_64__)
    if (readable >= 16) [[likely]] {
        alignas(16) static constexpr unsigned char keep[32] = {
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF}; // 16 x 0xFF then 16 x 0: a window keeps m bytes
        const std::size_t m = n < 16 ? n : 16;
        const __m128i mask = _mm_loadu_si128(reinterpret_cast<const __m128i*>(keep + 16 - m));
        const __m128i v =
            _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(k)), mask);
        projection::key_words w;
        w.w0 = static_cast<std::uint64_t>(_mm_cvtsi128_si64(v));
        w.w1 = static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v)));
        return w;
    }
#endif
    (void)readable;
    return projection::load_key(k, n);
}

inline std::uint16_t lookup(const projection& pr, const char* k, std::size_t n,
                            std::size_t readable) noexcept {
    const projection::slot* const tab = pr.table_data();
    const std::size_t mask = pr.table_mask();
    const projection::key_words w = key_words_at(k, n, readable);
    std::size_t h = static_cast<std::size_t>(projection::key_hash(w, n) >> pr.table_shift());
    for (;;) {
        const projection::slot& s = tab[h];
        if (s.field == projection::npos) return projection::npos;
        if (s.w0 == w.w0 && s.w1 == w.w1 && s.key_len == n &&
            (n <= 16 || std::memcmp(pr.blob() + s.key_off + 16, k + 16, n - 16) == 0))
            return s.field;
        h = (h + 1) & mask;
    }
}

inline void copy16(char* w, const char* s) noexcept {
    char tmp[16];
    std::memcpy(tmp, s, 16);
    std::memcpy(w, tmp, 16);
}

/// memcpy for the short pieces the transform writes (keys, numbers, short strings): two
/// overlapping loads instead of a library call. Reads only [s, s+n), writes only [w, w+n).
inline char* put(char* w, const char* s, std::size_t n) noexcept {
    if (n >= 8 && n <= 16) {
        std::uint64_t a;
        std::uint64_t b;
        std::memcpy(&a, s, 8);
        std::memcpy(&b, s + n - 8, 8);
        std::memcpy(w, &a, 8);
        std::memcpy(w + n - 8, &b, 8);
    } else if (n >= 4 && n < 8) {
        std::uint32_t a;
        std::uint32_t b;
        std::memcpy(&a, s, 4);
        std::memcpy(&b, s + n - 4, 4);
        std::memcpy(w, &a, 4);
        std::memcpy(w + n - 4, &b, 4);
    } else if (n < 4) {
        if (n != 0) {
            w[0] = s[0];
            w[n / 2] = s[n / 2];
            w[n - 1] = s[n - 1];
        }
    } else if (n <= 64) {
        // 17..64 bytes (timestamps, UUIDs, short texts): overlapping 16-byte copies from both
        // ends, no call.
        copy16(w, s);
        copy16(w + n - 16, s + n - 16);
        if (n > 32) {
            copy16(w + 16, s + 16);
            copy16(w + n - 32, s + n - 32);
        }
    } else {
        std::memcpy(w, s, n);
    }
    return w + n;
}

/// Bytes the emission may write past the end of what it keeps (`dst` is sized with this
/// slack, then truncated), so that short pieces are copied with whole 16/64-byte moves.
constexpr std::size_t write_slack = 64;

/// Copies n bytes from s to w, possibly writing up to write_slack bytes more, reading at most
/// `readable` bytes from s (>= n). Short pieces (the common case) are copied without a branch
/// on their length.
inline char* put_slack(char* w, const char* s, std::size_t n, std::size_t readable) noexcept {
    if (n <= 16 && readable >= 16) [[likely]] {
        copy16(w, s);
        return w + n;
    }
    if (n <= 64 && readable >= 64) {
        copy16(w, s);
        copy16(w + 16, s + 16);
        copy16(w + 32, s + 32);
        copy16(w + 48, s + 48);
        return w + n;
    }
    return put(w, s, n);
}

unsigned hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    return static_cast<unsigned>((c | 0x20) - 'a' + 10);
}


/// Decodes an already validated string body (between the quotes) into `out`. Lone surrogates
/// become U+FFFD: such a key cannot equal any projection key, which is valid UTF-8.
void unescape(const char* p, const char* end, std::string& out) {
    out.clear();
    while (p != end) {
        if (*p != '\\') {
            out.push_back(*p++);
            continue;
        }
        const char c = p[1];
        p += 2;
        switch (c) {
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
            std::uint32_t cp = (hex_value(p[0]) << 12) | (hex_value(p[1]) << 8) |
                               (hex_value(p[2]) << 4) | hex_value(p[3]);
            p += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
                const std::uint32_t lo = (hex_value(p[2]) << 12) | (hex_value(p[3]) << 8) |
                                         (hex_value(p[4]) << 4) | hex_value(p[5]);
                if (lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    p += 6;
                }
            }
            if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;
            append_utf8(out, cp);
            break;
        }
        default: out.push_back(c); break; // " \ /
        }
    }
}

/// The member layout of the rows last seen for one projection (the "shape" of its view).
/// Rows of one view nearly always carry the same keys in the same order (jsonb prints keys
/// sorted by length, then bytes), so member i of this row is predicted to be member i of the
/// previous one: its whole `"key": ` text is compared with two 16-byte compares, which
/// replaces the key's string scan, the separator check and the hash lookup. A miss falls back
/// to the general path (and re-records the entry), so the prediction never changes a result.
struct shape_entry {
    alignas(16) char pat[32]; ///< `"key": ` zero-padded
    std::uint32_t need;       ///< low `len` bits: the bytes of pat to compare
    std::uint16_t len;        ///< key length + 4
    std::uint16_t field;      ///< lookup result for the key (may be projection::npos)
};

/// Longest key whose member text is predicted (`"` key `": ` within 32 bytes).
constexpr std::size_t shape_max_key = 28;
/// Members predicted per object (the rest take the general path).
constexpr std::uint32_t shape_max_members = 64;
/// Shapes kept per transformer, indexed by the projection's id.
constexpr std::size_t shape_slots = 16;

/// Rows of a view whose key sets vary (sparse documents, per-row keys) would pay a failed
/// compare and a re-recording per member: an object where more than a quarter of the members
/// missed switches prediction off for this many objects of the projection.
constexpr std::uint32_t shape_backoff = 256;

struct shape {
    std::uint64_t id = 0;  ///< projection::id() this shape describes; 0 = none
    std::uint32_t n = 0;   ///< entries valid
    std::uint32_t off = 0; ///< objects left to scan without prediction
    std::vector<shape_entry> e;
};

/// Whether the member text at p (at its key's opening quote) is exactly e's `"key": ` followed
/// by a value start (a byte above 0x20): then the key is e's key, a string without escapes or
/// control characters whose closing quote is at p + len - 3, just as the general path would
/// have found. Reads only [p, end).
[[gnu::always_inline]] inline bool shape_match(const char* p, const char* end,
                                               const shape_entry& e) noexcept {
#if defined(__SSE2__)
    if (end - p > 32) [[likely]] {
        const __m128i a = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)),
                                         _mm_load_si128(reinterpret_cast<const __m128i*>(e.pat)));
        const __m128i b =
            _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16)),
                           _mm_load_si128(reinterpret_cast<const __m128i*>(e.pat + 16)));
        const auto eq = static_cast<std::uint32_t>(_mm_movemask_epi8(a)) |
                        (static_cast<std::uint32_t>(_mm_movemask_epi8(b)) << 16);
        return (~eq & e.need) == 0 && static_cast<unsigned char>(p[e.len]) > 0x20;
    }
#endif
    return end - p > e.len && std::memcmp(p, e.pat, e.len) == 0 &&
           static_cast<unsigned char>(p[e.len]) > 0x20;
}

} // namespace

struct transformer::impl {
    // Indexed by depth; sized once so that references into them stay valid while deeper
    // levels grow their own entries.
    std::vector<std::string> scratch = std::vector<std::string>(max_depth + 2);
    std::vector<std::vector<field_state>> states =
        std::vector<std::vector<field_state>>(max_depth + 2);
    std::vector<path_entry> path;
    std::string key_buf;
    shape shapes[shape_slots];
    std::vector<field_error>* errors = nullptr;
    scan_error err = scan_error::none;
    const char* err_at = nullptr;
    std::size_t error_offset = 0;

    /// After a failure the scratch buffers hold partial output of abandoned levels.
    void reset_scratch() {
        for (std::string& s : scratch) s.clear();
    }

    const char* fail(const char* at, scan_error e = scan_error::malformed) {
        err = e;
        err_at = at;
        return nullptr;
    }

    /// Skips an unselected value: scalars inline (the common case), containers out of line.
    [[gnu::always_inline]] const char* skip(const char* p, const char* end, std::size_t depth) {
        if (*p != '{' && *p != '[') {
            const char* q = detail::skip_scalar(p, end);
            return q != nullptr ? q : fail(p);
        }
        return detail::skip_value(p, end, depth, max_depth, err, err_at);
    }

    /// skip() with strings found through the level's cursor.
    [[gnu::always_inline]] const char* skip(const char* p, const char* end, std::size_t depth,
                                            detail::special_cursor& cur) {
        if (*p == '"') {
            bool esc = false;
            const char* q = detail::scan_string(cur, p + 1, end, esc);
            return q != nullptr ? q + 1 : fail(p);
        }
        if (*p == '{' || *p == '[') {
            // jsonb-form containers (tags, settings objects) without the general skipper's
            // per-character whitespace and separator handling; anything else, including every
            // invalid input, is re-skipped from the start by skip_value (same error, same
            // offset).
            const char* q = detail::skip_container_jsonb(p, end, depth, max_depth, cur);
            if (q != nullptr) return q;
        }
        return skip(p, end, depth);
    }

    void add_error(std::string message, const projected_field* f, bool with_index,
                   std::size_t index) {
        field_error e;
        e.message = std::move(message);
        for (const path_entry& pe : path) {
            if (pe.field != nullptr) e.path.emplace_back(pe.field->response_key);
            if (pe.has_index) e.path.emplace_back(pe.index);
        }
        if (f != nullptr) {
            e.path.emplace_back(f->response_key);
            e.line = f->line;
            e.column = f->column;
        }
        if (with_index) e.path.emplace_back(index);
        if (f == nullptr && !path.empty() && path.back().field != nullptr) {
            e.line = path.back().field->line;
            e.column = path.back().field->column;
        }
        errors->push_back(std::move(e));
    }

    static std::string null_message(const projection& parent, const projected_field& f) {
        std::string m = "Cannot return null for non-nullable field ";
        m += parent.type_name();
        m += '.';
        m += f.field_name;
        m += '.';
        return m;
    }

    /// Value field with items_non_null whose value is an array: skip it, noting the first
    /// null item (for `[T!]` scalar lists).
    const char* skip_checking_null_items(const char* p, const char* end, std::size_t depth,
                                         std::uint32_t& null_item) {
        null_item = no_item;
        if (depth + 1 > max_depth) return fail(p, scan_error::too_deep);
        p = skip_ws(p + 1, end);
        if (p == end) return fail(p);
        if (*p == ']') return p + 1;
        for (std::uint32_t i = 0;; ++i) {
            if (*p == 'n' && null_item == no_item) null_item = i;
            p = skip(p, end, depth + 1);
            if (p == nullptr) return nullptr;
            p = skip_ws(p, end);
            if (p == end) return fail(p);
            if (*p == ']') return p + 1;
            if (*p != ',') return fail(p);
            p = skip_ws(p + 1, end);
            if (p == end) return fail(p);
        }
    }

    const char* project_obj(const char* p, const char* end, const projection& proj,
                            std::size_t depth, std::string& dst, child_status& st);
    /// project_obj with (Predict) or without member prediction through `sh`: two copies so
    /// that documents whose keys vary pay nothing for the prediction they do not use.
    template <bool Predict>
    const char* project_obj_t(const char* p, const char* end, const projection& proj,
                              std::size_t depth, std::string& dst, child_status& st, shape& sh);
    const char* project_arr(const char* p, const char* end, const projected_field* f,
                            const projection& child, bool items_non_null, std::size_t depth,
                            std::string& dst, child_status& st);
    const char* project_field_value(const char* p, const char* end, const projection& proj,
                                    std::uint16_t fi, field_state& s, std::size_t depth,
                                    std::string& child_buf);
};

// Projects one selected object or list field whose value starts at p (the level's depth is
// `depth`); returns the end of the value.
const char* transformer::impl::project_field_value(const char* p, const char* end,
                                                   const projection& proj, std::uint16_t fi,
                                                   field_state& s, std::size_t depth,
                                                   std::string& child_buf) {
    const projected_field& f = proj.fields()[fi];
    const bool want_obj = f.k == projected_field::kind::object;
    s.err_begin = s.err_end = static_cast<std::uint32_t>(errors->size());
    s.out_len = 0;
    const char open = want_obj ? '{' : '[';
    if (*p == open) {
        if (depth + 1 > max_depth) return fail(p, scan_error::too_deep);
        s.err_begin = static_cast<std::uint32_t>(errors->size());
        s.out_off = static_cast<std::uint32_t>(child_buf.size());
        path.push_back({&f, &proj, 0, false});
        const char* e = want_obj ? project_obj(p, end, *f.child, depth + 1, child_buf, s.st)
                                 : project_arr(p, end, &f, *f.child, f.items_non_null, depth + 1,
                                               child_buf, s.st);
        path.pop_back();
        s.out_len = static_cast<std::uint32_t>(child_buf.size() - s.out_off);
        s.err_end = static_cast<std::uint32_t>(errors->size());
        return e;
    }
    if (*p == 'n') {
        s.st = child_status::null_value;
        const char* e = detail::scan_literal(p, end, "null", 4);
        return e != nullptr ? e : fail(p);
    }
    // A value of the wrong shape: the schema and the view disagree. A field error (like a
    // resolver error), the field becomes null.
    const char* e = skip(p, end, depth);
    if (e == nullptr) return nullptr;
    s.err_begin = static_cast<std::uint32_t>(errors->size());
    std::string m = want_obj ? "Expected an object for field " : "Expected a list for field ";
    m += proj.type_name();
    m += '.';
    m += f.field_name;
    m += '.';
    add_error(std::move(m), &f, false, 0);
    s.err_end = static_cast<std::uint32_t>(errors->size());
    s.st = child_status::propagated;
    return e;
}

const char* transformer::impl::project_obj(const char* p, const char* end,
                                           const projection& proj, std::size_t depth,
                                           std::string& dst, child_status& st) {
    // The shape slot of this projection: claimed at the start of the object; a nested level
    // that maps to the same slot takes it over, and then this level stops predicting (every
    // use re-checks the id) until its next object.
    const std::uint64_t pid = proj.id();
    shape& sh = shapes[pid % shape_slots];
    if (sh.id != pid) {
        sh.id = pid;
        sh.n = 0;
        sh.off = 0;
    }
    if (sh.off != 0) {
        --sh.off;
        return project_obj_t<false>(p, end, proj, depth, dst, st, sh);
    }
    return project_obj_t<true>(p, end, proj, depth, dst, st, sh);
}

template <bool Predict>
const char* transformer::impl::project_obj_t(const char* p, const char* end,
                                             const projection& proj, std::size_t depth,
                                             std::string& dst, child_status& st, shape& sh) {
    const auto fields = proj.fields();
    const std::size_t n = fields.size();
    std::vector<field_state>& sv = states[depth];
    if (sv.size() < n) sv.resize(n);
    field_state* const states_ = sv.data();
    for (std::size_t i = 0; i < n; ++i) states_[i].begin = nullptr;
    std::string& child_buf = scratch[depth + 1];
    const std::size_t child_mark = child_buf.size();
    std::size_t value_bytes = 0; // bytes of the values recorded (an upper bound for emission)

    detail::special_cursor cur;

    const std::uint64_t pid = proj.id();
    std::uint32_t sh_n = sh.n; // entries predicted (grows while this object records)
    std::uint32_t mi = 0;      // member index in this object
    std::uint32_t misses = 0;  // failed predictions

    // ---- Scan: one pass over the object's members. ----
    p = skip_ws(p + 1, end);
    if (p == end) return fail(p);
    if (*p == '}') {
        ++p;
    } else {
        for (;; ++mi) {
            if (*p != '"') return fail(p);
            std::uint16_t fi;
            if (Predict && mi < sh_n && sh.id == pid && shape_match(p, end, sh.e[mi]))
                [[likely]] {
                fi = sh.e[mi].field;
                p += sh.e[mi].len;
            } else {
                if constexpr (Predict) misses += mi < sh_n; // not a first recording
                const char* kb = p + 1;
                bool esc = false;
                const char* ke = detail::scan_string(cur, kb, end, esc);
                if (ke == nullptr) return fail(kb);
                bool jsonb_sep = false;
                if (end - ke >= 4 && detail::load3(ke) == detail::sep3('"', ':', ' ') &&
                    static_cast<unsigned char>(ke[3]) > 0x20) [[likely]] {
                    p = ke + 3; // jsonb's `": "` followed by the value
                    jsonb_sep = true;
                } else {
                    p = skip_ws(ke + 1, end);
                    if (p == end || *p != ':') return fail(p);
                    p = skip_ws(p + 1, end);
                    if (p == end) return fail(p);
                }
                const auto klen = static_cast<std::size_t>(ke - kb);
                if (!esc) {
                    fi = lookup(proj, kb, klen, static_cast<std::size_t>(end - kb));
                } else {
                    unescape(kb, ke, key_buf);
                    fi = proj.find(key_buf);
                }
                // Record member mi of the shape (exact `"key": ` text only).
                if (Predict && jsonb_sep && !esc && klen <= shape_max_key &&
                    mi < shape_max_members && sh.id == pid && mi <= sh.n) {
                    if (sh.e.empty()) sh.e.resize(shape_max_members);
                    shape_entry& e = sh.e[mi];
                    std::memset(e.pat, 0, sizeof e.pat);
                    std::memcpy(e.pat, kb - 1, klen + 4);
                    e.len = static_cast<std::uint16_t>(klen + 4);
                    e.need = e.len >= 32 ? ~std::uint32_t{0} : (std::uint32_t{1} << e.len) - 1;
                    e.field = fi;
                    if (mi == sh.n) sh.n = sh_n = mi + 1; // else: replaced, later ones kept
                }
            }
            if (fi == projection::npos) {
                p = skip(p, end, depth, cur);
                if (p == nullptr) return nullptr;
            } else {
                const char* shared_end = nullptr; // end of the value once a value field skipped it
                const char* vend = nullptr;
                for (; fi != projection::npos; fi = proj.next_same_key(fi)) {
                    field_state& s = states_[fi];
                    const projected_field& f = fields[fi];
                    s.begin = p;
                    if (f.k == projected_field::kind::value) {
                        s.null_item = no_item;
                        if (f.items_non_null && *p == '[') {
                            s.end = skip_checking_null_items(p, end, depth, s.null_item);
                        } else {
                            if (shared_end == nullptr) shared_end = skip(p, end, depth, cur);
                            s.end = shared_end;
                        }
                    } else {
                        s.end = project_field_value(p, end, proj, fi, s, depth, child_buf);
                    }
                    if (s.end == nullptr) return nullptr;
                    value_bytes += f.k == projected_field::kind::value
                                       ? static_cast<std::size_t>(s.end - s.begin)
                                       : s.out_len;
                    vend = s.end;
                }
                p = vend;
            }
            if (end - p >= 3 && detail::load3(p) == detail::sep3(',', ' ', '"')) [[likely]] {
                p += 2; // jsonb's `, ` before the next key
                continue;
            }
            p = skip_ws(p, end);
            if (p == end) return fail(p);
            if (*p == ',') {
                p = skip_ws(p + 1, end);
                if (p == end) return fail(p);
                continue;
            }
            if (*p == '}') {
                ++p;
                break;
            }
            return fail(p);
        }
        if (Predict && misses * 4 > mi + 1 && sh.id == pid) sh.off = shape_backoff;
    }

    // ---- Emit in selection order. ----
    // The exact upper bound is known (prefixes, literals, "null"s, value spans, child slices):
    // size once and write through a raw pointer, avoiding a capacity check and a library call
    // per small piece.
    const std::size_t start = dst.size();
    dst.resize(start + proj.fixed_output_bytes() + value_bytes + write_slack);
    char* const base = dst.data();
    char* w = base + start;
    std::size_t violation = n; // index of the first field that nulls this object
    bool violation_new_error = false;
    for (std::size_t i = 0; i < n && violation == n; ++i) {
        const projected_field& f = fields[i];
        const field_state& s = states_[i];
        const std::string_view prefix = proj.key_prefix(i);
        w = put_slack(w, prefix.data(), prefix.size(), prefix.size() + projection::blob_padding);
        bool is_null = false;
        bool needs_error = true; // a null here has no error recorded yet
        switch (f.k) {
        case projected_field::kind::typename_literal: {
            const std::string_view lit = proj.literal_json(i);
            w = put_slack(w, lit.data(), lit.size(), lit.size() + projection::blob_padding);
            continue;
        }
        case projected_field::kind::value:
            if (s.begin == nullptr || *s.begin == 'n') {
                is_null = true; // missing key or JSON null (validated, so 'n' means null)
            } else if (s.null_item != no_item) {
                // `[T!]` with a null item: the list is null, with the error at the item.
                add_error(null_message(proj, f), &f, true, s.null_item);
                is_null = true;
                needs_error = false;
            } else {
                w = put_slack(w, s.begin, static_cast<std::size_t>(s.end - s.begin),
                              static_cast<std::size_t>(end - s.begin));
            }
            break;
        case projected_field::kind::object:
        case projected_field::kind::object_list:
            if (s.begin == nullptr || s.st == child_status::null_value) {
                is_null = true;
            } else if (s.st == child_status::propagated) {
                is_null = true;
                needs_error = false;
            } else {
                w = put(w, child_buf.data() + s.out_off, s.out_len);
            }
            break;
        }
        if (is_null) {
            if (f.non_null) {
                violation = i;
                violation_new_error = needs_error;
            } else {
                w = put(w, "null", 4);
            }
        }
    }
    if (violation == n) {
        if (n == 0) {
            w = put(w, "{}", 2);
        } else {
            base[start] = '{';
            *w++ = '}';
        }
    }
    dst.resize(static_cast<std::size_t>(w - base));
    child_buf.resize(child_mark);

    if (violation != n) {
        dst.resize(start);
        // Errors raised under fields after the violating one would not exist in a sequential
        // executor (it stops completing the object at the first violation): drop them. Ranges
        // are disjoint and were appended in document order; erase from the highest.
        for (;;) {
            std::size_t best = n;
            for (std::size_t j = violation + 1; j < n; ++j) {
                const field_state& s = states_[j];
                const auto k = fields[j].k;
                if (s.begin == nullptr || k == projected_field::kind::value ||
                    k == projected_field::kind::typename_literal || s.err_end == s.err_begin)
                    continue;
                if (best == n || s.err_begin > states_[best].err_begin) best = j;
            }
            if (best == n) break;
            field_state& s = states_[best];
            errors->erase(errors->begin() + s.err_begin, errors->begin() + s.err_end);
            s.err_end = s.err_begin;
        }
        if (violation_new_error) add_error(null_message(proj, fields[violation]),
                                           &fields[violation], false, 0);
        st = child_status::propagated;
        return p;
    }
    st = child_status::ok;
    return p;
}

// `f` is the object_list field (its path entry is on top of `path`), or nullptr for a root
// list; the array is at `depth`.
const char* transformer::impl::project_arr(const char* p, const char* end,
                                           const projected_field* f, const projection& child,
                                           bool items_non_null, std::size_t depth,
                                           std::string& dst, child_status& st) {
    const std::size_t start = dst.size();
    const projection* parent = path.back().parent;
    bool dead = false; // an item nulled the list: keep scanning (validation, end), stop writing
    dst.push_back('[');
    p = skip_ws(p + 1, end);
    if (p == end) return fail(p);
    if (*p == ']') {
        ++p;
    } else {
        for (std::size_t i = 0;; ++i) {
            if (dead) {
                p = skip(p, end, depth);
                if (p == nullptr) return nullptr;
            } else {
                if (i != 0) dst.push_back(',');
                path.back().index = i;
                path.back().has_index = true;
                bool item_null = false;
                bool needs_error = true;
                if (*p == '{') {
                    if (depth + 1 > max_depth) return fail(p, scan_error::too_deep);
                    child_status ist = child_status::ok;
                    p = project_obj(p, end, child, depth + 1, dst, ist);
                    if (p == nullptr) return nullptr;
                    if (ist == child_status::propagated) {
                        item_null = true;
                        needs_error = false;
                    }
                } else if (*p == 'n') {
                    const char* lit = p;
                    p = detail::scan_literal(p, end, "null", 4);
                    if (p == nullptr) return fail(lit);
                    item_null = true;
                } else {
                    p = skip(p, end, depth);
                    if (p == nullptr) return nullptr;
                    std::string m = "Expected an object as list item of type ";
                    m += child.type_name();
                    if (parent != nullptr) {
                        m += " in field ";
                        m += parent->type_name();
                        m += '.';
                        m += f->field_name;
                    }
                    m += '.';
                    add_error(std::move(m), nullptr, false, 0);
                    item_null = true;
                    needs_error = false;
                }
                if (item_null) {
                    if (items_non_null) {
                        if (needs_error) {
                            add_error(parent != nullptr
                                          ? null_message(*parent, *f)
                                          : "Cannot return null for non-nullable list item of "
                                            "type " + child.type_name() + ".",
                                      nullptr, false, 0);
                        }
                        dead = true;
                    } else {
                        dst.append("null", 4);
                    }
                }
            }
            p = skip_ws(p, end);
            if (p == end) return fail(p);
            if (*p == ']') {
                ++p;
                break;
            }
            if (*p != ',') return fail(p);
            p = skip_ws(p + 1, end);
            if (p == end) return fail(p);
        }
    }
    path.back().has_index = false;
    if (dead) {
        dst.resize(start);
        st = child_status::propagated;
    } else {
        dst.push_back(']');
        st = child_status::ok;
    }
    return p;
}

transformer::transformer() : impl_(new impl) {}
transformer::~transformer() { delete impl_; }
transformer::transformer(transformer&& o) noexcept : impl_(o.impl_) { o.impl_ = nullptr; }
transformer& transformer::operator=(transformer&& o) noexcept {
    std::swap(impl_, o.impl_);
    return *this;
}

std::size_t transformer::error_offset() const noexcept { return impl_->error_offset; }

namespace {

/// Handles the `null` document and trailing whitespace around a top-level value.
enum class top_kind { value, null_doc, bad };

top_kind classify_top(const char*& p, const char* end, char open) {
    p = skip_ws(p, end);
    if (p == end) return top_kind::bad;
    if (*p == open) return top_kind::value;
    if (*p == 'n') {
        const char* q = detail::scan_literal(p, end, "null", 4);
        if (q != nullptr && skip_ws(q, end) == end) return top_kind::null_doc;
    }
    return top_kind::bad;
}

} // namespace

transform_status transformer::project_object(std::string_view doc, const projection& proj,
                                             std::string& out, std::vector<field_error>& errors) {
    impl& m = *impl_;
    const char* const begin = doc.data();
    const char* const end = begin + doc.size();
    const char* p = begin;
    switch (classify_top(p, end, '{')) {
    case top_kind::null_doc: return transform_status::null_document;
    case top_kind::bad: m.error_offset = static_cast<std::size_t>(p - begin);
                        return transform_status::malformed;
    case top_kind::value: break;
    }
    const std::size_t out_mark = out.size();
    const std::size_t err_mark = errors.size();
    m.errors = &errors;
    m.path.clear();
    m.err = scan_error::none;
    child_status st = child_status::ok;
    const char* e = m.project_obj(p, end, proj, 1, out, st);
    if (e != nullptr && skip_ws(e, end) != end) e = m.fail(skip_ws(e, end));
    if (e == nullptr) {
        out.resize(out_mark);
        errors.resize(err_mark);
        m.reset_scratch();
        m.error_offset = m.err_at != nullptr ? static_cast<std::size_t>(m.err_at - begin) : 0;
        return m.err == scan_error::too_deep ? transform_status::too_deep
                                             : transform_status::malformed;
    }
    return st == child_status::propagated ? transform_status::null_propagated
                                          : transform_status::ok;
}

transform_status transformer::project_list(std::string_view doc, const projection& proj,
                                           bool items_non_null, std::string& out,
                                           std::vector<field_error>& errors) {
    impl& m = *impl_;
    const char* const begin = doc.data();
    const char* const end = begin + doc.size();
    const char* p = begin;
    switch (classify_top(p, end, '[')) {
    case top_kind::null_doc: return transform_status::null_document;
    case top_kind::bad: m.error_offset = static_cast<std::size_t>(p - begin);
                        return transform_status::malformed;
    case top_kind::value: break;
    }
    // The root list has no field: its path entry only carries the item index.
    const std::size_t out_mark = out.size();
    const std::size_t err_mark = errors.size();
    m.errors = &errors;
    m.path.clear();
    m.path.push_back({nullptr, nullptr, 0, false});
    m.err = scan_error::none;
    child_status st = child_status::ok;
    const char* e = m.project_arr(p, end, nullptr, proj, items_non_null, 1, out, st);
    m.path.clear();
    if (e != nullptr && skip_ws(e, end) != end) e = m.fail(skip_ws(e, end));
    if (e == nullptr) {
        out.resize(out_mark);
        errors.resize(err_mark);
        m.reset_scratch();
        m.error_offset = m.err_at != nullptr ? static_cast<std::size_t>(m.err_at - begin) : 0;
        return m.err == scan_error::too_deep ? transform_status::too_deep
                                             : transform_status::malformed;
    }
    return st == child_status::propagated ? transform_status::null_propagated
                                          : transform_status::ok;
}

namespace {
transformer& local_transformer() {
    thread_local transformer t;
    return t;
}
} // namespace

transform_status project_object(std::string_view doc, const projection& p, std::string& out,
                                std::vector<field_error>& errors) {
    return local_transformer().project_object(doc, p, out, errors);
}

transform_status project_list(std::string_view doc, const projection& p, bool items_non_null,
                              std::string& out, std::vector<field_error>& errors) {
    return local_transformer().project_list(doc, p, items_non_null, out, errors);
}

bool is_valid_json(std::string_view doc) noexcept {
    const char* p = skip_ws(doc.data(), doc.data() + doc.size());
    const char* end = doc.data() + doc.size();
    if (p == end) return false;
    scan_error err = scan_error::none;
    const char* at = nullptr;
    const char* q = detail::skip_value(p, end, 0, max_depth, err, at);
    return q != nullptr && skip_ws(q, end) == end;
}

std::string_view to_string(transform_status s) noexcept {
    switch (s) {
    case transform_status::ok: return "ok";
    case transform_status::null_propagated: return "null propagated from a non-null field";
    case transform_status::null_document: return "document is null";
    case transform_status::malformed: return "malformed JSON document (or not an object)";
    case transform_status::too_deep: return "JSON document nested too deeply";
    }
    return "unknown";
}

} // namespace fraiseql::json
