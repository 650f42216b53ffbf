#pragma once
// Automatic persisted queries (Apollo's protocol, docs/http.md): the first stage that
// touches the document, before the plan cache.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "fraiseql/exec/config.hpp"
#include "fraiseql/exec/engine.hpp"
#include "lru_cache.hpp"
#include "refusal.hpp"

namespace fraiseql::exec {

/// The persisted-query hash of a text (SHA-256, lower-case hex), as Apollo computes it.
std::string sha256_hex(std::string_view text);

/// sha256 -> query text, bounded (LRU). Thread-safe.
class persisted_queries {
public:
    explicit persisted_queries(apq_mode mode, std::size_t capacity = 10'000);

    /// Gives `req.query` its text: from the store when the request sends only
    /// `extensions.persistedQuery.sha256Hash`, or registers the text it sends with its
    /// hash. Refuses (PERSISTED_QUERY_NOT_FOUND, _NOT_SUPPORTED: 200; a malformed or
    /// mismatching hash: BAD_USER_INPUT, 400) or returns nothing.
    std::optional<refusal> resolve(request& req);

    std::size_t size() const { return texts_.size(); }

private:
    apq_mode mode_;
    lru_cache<std::string> texts_;
};

} // namespace fraiseql::exec
