#include "request_parsing.hpp"

#include <atomic>
#include <cctype>
#include <cstddef>
#include <memory>

#include <boost/beast/http/field.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/url/parse_query.hpp>

#include "fraiseql/ascii.hpp"
#include "fraiseql/graphql/error.hpp"
#include "fraiseql/json/buffer_pool.hpp"

namespace fraiseql::http {

namespace bhttp = boost::beast::http;
namespace json = boost::json;

/// The memory a POST body's JSON is parsed into (issue 15: heap allocations per request). A
/// buffer that a typical body's values fit in, so parsing `{"query":…,"variables":{…}}` costs
/// no allocation per object, key and long string. The request's `variables` and `extensions`
/// are moved out of the parsed value, not copied: they share the arena's ownership (a shared
/// storage_ptr). A larger body grows the arena from the heap, as the values did before; the
/// hostile-input budgets (depth, body size, batch size) are checked exactly as before.
///
/// It counts the blocks it handed out and has had back: Boost.JSON's containers give every
/// block back to a resource that is shared (storage_ptr::is_not_shared_and_deallocate_trivial
/// is false), so a count of zero means that no value uses its memory any more and it may be
/// emptied for the next request (json_arena). The count is atomic: a heavy document's values
/// are read, and may be freed, on the engine's CPU worker thread.
class request_arena final : public json::memory_resource {
public:
    request_arena() : monotonic_(buffer_, sizeof buffer_) {}
    /// For json_arena: tells it where the resource is (make_shared_resource hides it).
    explicit request_arena(request_arena*& self) : request_arena() { self = this; }

    /// Empties the arena when no block is in use; returns whether it did. Its buffer serves
    /// again, grown blocks go back to the heap, and the next growth starts small again.
    bool reset_if_unused() noexcept {
        if (live_.load(std::memory_order_acquire) != 0) return false;
        std::destroy_at(&monotonic_); // frees the grown blocks
        std::construct_at(&monotonic_, buffer_, sizeof buffer_);
        return true;
    }

private:
    void* do_allocate(std::size_t n, std::size_t align) override {
        void* p = monotonic_.allocate(n, align);
        live_.fetch_add(1, std::memory_order_relaxed);
        return p;
    }
    void do_deallocate(void* p, std::size_t n, std::size_t align) override {
        monotonic_.deallocate(p, n, align);
        live_.fetch_sub(1, std::memory_order_release);
    }
    bool do_is_equal(const json::memory_resource& other) const noexcept override {
        return this == &other;
    }

    // The by-id body of bench/queries/a_by_id needs about 400 bytes; 1 KiB leaves room for
    // a few more variables without a second block.
    alignas(std::max_align_t) unsigned char buffer_[1024];
    json::monotonic_resource monotonic_;
    std::atomic<std::size_t> live_{0};
};

const json::storage_ptr& json_arena::next() {
    if (arena_ && arena_->reset_if_unused()) return storage_;
    // A value of an earlier request is still alive (or this is the first request): it keeps
    // the old arena; this one is new. One allocation, at a connection's first POST.
    storage_ = json::make_shared_resource<request_arena>(arena_);
    ++made_;
    return storage_;
}

void json_arena::recycle() noexcept {
    if (arena_) (void)arena_->reset_if_unused();
}

std::string pooled_copy(std::string_view text) {
    if (text.size() <= std::string().capacity()) return std::string(text);
    std::string out = fraiseql::json::take_buffer(text.size());
    out.assign(text);
    return out;
}

namespace {

/// Makes `member` the value `from` points at, moved: move construction keeps the value's
/// storage (the arena; no copy), where move assignment would copy into the member's default
/// storage. json::value's move constructor does not throw, so `member` is never left destroyed.
void adopt(json::value& member, json::value* from) {
    if (!from) return;
    std::destroy_at(&member);
    std::construct_at(&member, std::move(*from));
}

/// Validates a request object; on success, moves its `variables` and `extensions` out of it
/// (the object is left with moved-from members).
fraiseql::result<exec::request, std::string> take_request(json::value& v) {
    if (!v.is_object()) return failure<std::string>{"a GraphQL request must be a JSON object"};
    // One pass over the (few) members instead of a hashed lookup per name (issue 15, CPU per
    // request: four if_contains() calls cost more than the walk). The parser leaves one member
    // per key (the last of duplicates), so the first match is the one if_contains() finds.
    json::value* q = nullptr;
    json::value* ext = nullptr;
    json::value* vars = nullptr;
    json::value* op = nullptr;
    for (auto& member : v.get_object()) {
        const std::string_view key(member.key().data(), member.key().size());
        if (key == "query") q = &member.value();
        else if (key == "variables") vars = &member.value();
        else if (key == "operationName") op = &member.value();
        else if (key == "extensions") ext = &member.value();
    }
    if (q && !q->is_string() && !q->is_null())
        return failure<std::string>{"\"query\" must be a string"};
    if (ext && !ext->is_null() && !ext->is_object())
        return failure<std::string>{"\"extensions\" must be an object"};
    if (!q || q->is_null()) {
        // A persisted-query request may omit the text (APQ); otherwise it is required.
        bool has_pq = ext && ext->is_object() && ext->get_object().contains("persistedQuery");
        if (!has_pq) return failure<std::string>{"missing \"query\""};
    }
    if (vars && !vars->is_null() && !vars->is_object())
        return failure<std::string>{"\"variables\" must be an object"};
    if (op && !op->is_string() && !op->is_null())
        return failure<std::string>{"\"operationName\" must be a string"};
    exec::request r;
    if (q && q->is_string()) r.query = pooled_copy(q->get_string());
    adopt(r.variables, vars);
    if (op && op->is_string()) r.operation_name = std::string(op->get_string());
    adopt(r.extensions, ext);
    return r;
}

} // namespace

fraiseql::result<exec::request, std::string> request_from_object(const json::value& v) {
    // The caller keeps `v` (graphql_ws: the message it came in): take from a copy, made in an
    // arena of its own (one block, not one allocation per value).
    json::value copy(v, json::make_shared_resource<request_arena>());
    return take_request(copy);
}

known_headers find_known_headers(const request_fields& fields) noexcept {
    known_headers k;
    unsigned seen = 0;
    for (const auto& f : fields) {
        std::string_view* slot = nullptr;
        unsigned bit = 0;
        switch (f.name()) {
        case bhttp::field::accept: slot = &k.accept; bit = 1; break;
        case bhttp::field::authorization: slot = &k.authorization; bit = 2; break;
        case bhttp::field::content_type: slot = &k.content_type; bit = 4; break;
        case bhttp::field::expect: slot = &k.expect; bit = 8; break;
        case bhttp::field::origin: slot = &k.origin; bit = 16; break;
        default: continue;
        }
        if (seen & bit) continue;
        seen |= bit;
        *slot = std::string_view(f.value().data(), f.value().size());
    }
    return k;
}

bool media_type_is(std::string_view value, std::string_view media) {
    // The usual spelling (`media` exactly, alone or before its parameters) is one compare; the
    // general form trims OWS and compares case-insensitively (issue 15, CPU per request).
    if (value.starts_with(media) && (value.size() == media.size() || value[media.size()] == ';'))
        return true;
    return ascii::iequals(ascii::trim_ows(value.substr(0, value.find(';'))), media);
}

bool accepts(std::string_view accept_header, std::string_view media) {
    while (!accept_header.empty()) {
        const auto comma = accept_header.find(',');
        std::string_view item = accept_header.substr(0, comma);
        accept_header = comma == std::string_view::npos ? std::string_view{} : accept_header.substr(comma + 1);
        if (!media_type_is(item, media)) continue;
        bool zero = false;
        for (auto semi = item.find(';'); semi != std::string_view::npos;) {
            item = item.substr(semi + 1);
            semi = item.find(';');
            const std::string_view param = ascii::trim_ows(item.substr(0, semi));
            if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') continue;
            zero = param.substr(2).find_first_not_of("0.") == std::string_view::npos;
        }
        if (!zero) return true;
    }
    return false;
}

fraiseql::result<bool, std::string> parse_post_body_into(std::string_view body,
                                                         std::size_t max_batch,
                                                         std::vector<exec::request>& out) {
    return parse_post_body_into(body, max_batch, out, json::make_shared_resource<request_arena>());
}

fraiseql::result<bool, std::string> parse_post_body_into(std::string_view body,
                                                         std::size_t max_batch,
                                                         std::vector<exec::request>& out,
                                                         const json::storage_ptr& storage) {
    out.clear();
    boost::system::error_code ec;
    json::parse_options opts;
    opts.max_depth = 64;
    json::value v = json::parse(body, ec, storage, opts);
    if (ec) return failure<std::string>{"request body is not valid JSON: " + ec.message()};
    if (v.is_array()) {
        auto& a = v.get_array();
        if (a.empty()) return failure<std::string>{"empty batch"};
        if (a.size() > max_batch)
            return failure<std::string>{"batch of " + std::to_string(a.size()) +
                                        " operations exceeds max_batch_size " +
                                        std::to_string(max_batch)};
        out.reserve(a.size());
        for (auto& item : a) {
            auto r = take_request(item);
            if (!r) {
                out.clear();
                return failure{std::move(r).error()};
            }
            out.push_back(std::move(*r));
        }
        return true;
    }
    auto r = take_request(v);
    if (!r) return failure{std::move(r).error()};
    out.push_back(std::move(*r));
    return false;
}

fraiseql::result<parsed_body, std::string> parse_post_body(std::string_view body,
                                                           std::size_t max_batch) {
    parsed_body out;
    auto r = parse_post_body_into(body, max_batch, out.requests);
    if (!r) return failure{std::move(r).error()};
    out.is_batch = *r;
    return out;
}

fraiseql::result<exec::request, std::string> parse_get_request(std::string_view query_string) {
    // Boost.URL 1.81's parse_query() rebuilds its view from s.data() alone, i.e. with
    // strlen(): on a view that is not NUL-terminated (the request target inside Beast's
    // header storage) it reads past the end and decodes whatever bytes follow. An owned
    // copy is NUL-terminated, so the view parse_query() builds is the one we passed.
    const std::string owned(query_string);
    auto params = boost::urls::parse_query(owned);
    if (!params) return failure<std::string>{"malformed query string"};
    json::object o;
    boost::urls::encoding_opts form;
    form.space_as_plus = true;
    for (auto p : *params) {
        std::string key = p.key.decode(form);
        if (!p.has_value) continue;
        std::string value = p.value.decode(form);
        if (key == "query" || key == "operationName") {
            o[key] = value;
        } else if (key == "variables" || key == "extensions") {
            boost::system::error_code ec;
            json::value v = json::parse(value, ec);
            if (ec) return failure<std::string>{"\"" + key + "\" is not valid JSON"};
            o[key] = std::move(v);
        }
    }
    return request_from_object(o);
}

std::string graphql_error_body(std::string_view message, std::string_view code) {
    graphql::error e;
    e.message = std::string(message);
    e.code = std::string(code);
    std::string out = R"({"errors":[)";
    graphql::append_error_json(out, e);
    out += "]}";
    return out;
}

bhttp::response<bhttp::string_body> json_response(bhttp::status status, std::string body,
                                                  unsigned version) {
    bhttp::response<bhttp::string_body> res(status, version);
    res.set(bhttp::field::content_type, "application/json; charset=utf-8");
    res.body() = std::move(body);
    return res;
}

bhttp::response<bhttp::string_body> error_response(bhttp::status status, std::string_view message,
                                                   unsigned version) {
    return json_response(status, graphql_error_body(message, "BAD_REQUEST"), version);
}

} // namespace fraiseql::http
