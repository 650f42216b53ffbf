#include "persisted_queries.hpp"

#include <openssl/sha.h>

#include "fraiseql/ascii.hpp"

namespace fraiseql::exec {

using graphql::error;

std::string sha256_hex(std::string_view text) {
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), md);
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(64);
    for (unsigned char c : md) {
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out;
}

persisted_queries::persisted_queries(apq_mode mode, std::size_t capacity)
    : mode_(mode), texts_(capacity) {}

std::optional<refusal> persisted_queries::resolve(request& req) {
    // Apollo answers "not found" / "not supported" with 200 (its clients retry with the
    // text on that code), and a hash that cannot be right with 400.
    auto refuse = [](std::string message, std::string_view code) {
        const unsigned status = code == graphql::code::bad_user_input ? 400 : 200;
        return refusal::of(error::at(std::move(message), {}, std::string(code)), status);
    };
    const boost::json::object* pq = nullptr;
    if (req.extensions.is_object()) {
        const auto* p = req.extensions.get_object().if_contains("persistedQuery");
        if (p && p->is_object()) pq = &p->get_object();
    }
    if (!pq) {
        if (mode_ == apq_mode::required)
            return refuse("This server only accepts persisted queries (extensions.persistedQuery).",
                          graphql::code::persisted_query_not_found);
        return std::nullopt;
    }
    if (mode_ == apq_mode::disabled)
        return refuse("PersistedQueryNotSupported", graphql::code::persisted_query_not_supported);
    const auto* h = pq->if_contains("sha256Hash");
    if (!h || !h->is_string() || h->get_string().size() != 64)
        return refuse("extensions.persistedQuery.sha256Hash must be a 64-character hex string.",
                      graphql::code::bad_user_input);
    const std::string hash = ascii::to_lower(std::string(h->get_string()));
    if (req.query.empty()) {
        auto q = texts_.get(hash);
        if (!q) return refuse("PersistedQueryNotFound", graphql::code::persisted_query_not_found);
        req.query = std::move(*q);
        return std::nullopt;
    }
    if (sha256_hex(req.query) != hash)
        return refuse("provided sha does not match query", graphql::code::bad_user_input);
    texts_.put(hash, req.query);
    return std::nullopt;
}

} // namespace fraiseql::exec
