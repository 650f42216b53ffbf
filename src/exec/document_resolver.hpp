#pragma once
// The document stage of the pipeline (docs/architecture.md "exec"): from a request's text
// to a prepared operation, through the plan cache, and its binding to the request's
// variables. Synchronous and CPU-only, so that the engine may run it on its CPU worker.

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fraiseql/exec/config.hpp"
#include "fraiseql/exec/engine.hpp"
#include "fraiseql/graphql/ast.hpp"
#include "fraiseql/graphql/plan.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/graphql/schema.hpp"
#include "fraiseql/result.hpp"
#include "fraiseql/sql/plan_cache.hpp"
#include "lru_cache.hpp"
#include "metrics.hpp"
#include "refusal.hpp"

namespace fraiseql::exec {

/// A plan-cache entry: a valid document and its prepared operation.
struct cached_operation {
    std::shared_ptr<const graphql::document> doc;
    std::shared_ptr<const graphql::prepared_operation> op;
    /// Where each token of the document's own text starts, to translate locations
    /// for a request that spells the operation with other whitespace or comments.
    std::vector<graphql::source_location> token_locations;
    /// The operation's root fields compiled per shape of the variables (a hit binds values
    /// into parameter slots; docs/adr/0017-compiled-plan-cache.md). Null when the plan cache
    /// is off.
    std::unique_ptr<const sql::compiled_operation> compiled;
};

/// A request's document, resolved to a prepared operation.
struct resolved_document {
    std::shared_ptr<const cached_operation> entry;
    /// Set when the request spells the cached operation differently (other whitespace,
    /// comments): its own tokens' locations, so that errors point into its own text.
    std::optional<graphql::normalized_text> spelling;
};

/// An operation bound to one request's variables, with the entry that keeps its
/// document alive.
struct bound_operation {
    std::shared_ptr<const cached_operation> entry;
    /// The uncached road's plan (bound for this request); empty on the cached road.
    graphql::operation_plan owned;
    /// Through the compiled-plan cache: the shape, whose plan every request of the shape
    /// shares (never copied: authorization copies it only for a caller it must edit it
    /// for), and this request's parameters, per root field in `binding->roots`.
    std::optional<sql::cached_binding> binding;

    /// The plan to authorize and run.
    const graphql::operation_plan& plan() const noexcept {
        return binding ? binding->shape->plan : owned;
    }
    /// Root field `i`'s precompiled statement with this request's parameters, or nullptr
    /// (compile it from the plan).
    const sql::bound_root* precompiled(std::size_t i) const noexcept {
        if (!binding || i >= binding->roots.size() || !binding->roots[i].compiled) return nullptr;
        return &binding->roots[i];
    }
};

/// A plan-cache key: the operation name and the (exact or normalised) text, as two parts
/// (no name/text split is ambiguous). A lookup takes views of the request's own strings
/// (document_key_view): a hit builds no key (issue 15).
struct document_key_view {
    std::string_view operation_name;
    std::string_view text;
    bool operator==(const document_key_view&) const = default;
};
struct document_key {
    std::string operation_name;
    std::string text;
    operator document_key_view() const noexcept { return {operation_name, text}; }
};
struct document_key_hash {
    using is_transparent = void;
    std::size_t operator()(document_key_view k) const noexcept;
};
struct document_key_equal {
    using is_transparent = void;
    bool operator()(document_key_view a, document_key_view b) const noexcept { return a == b; }
};

/// Documents larger than this are not kept in the plan cache (its memory stays bounded
/// by plan_cache_size small entries; a large document is planned again, on the worker).
inline constexpr std::size_t max_cached_document_bytes = 64 * 1024;

/// The plan cache (product.md §5, docs/http.md "Plan cache") and the steps a miss runs.
/// Thread-safe: the I/O threads and the CPU worker resolve at once.
class document_resolver {
public:
    /// `s`, `cfg` and `m` must outlive the resolver.
    document_resolver(const graphql::schema& s, const config& cfg, metrics& m);

    /// A valid prepared operation for `req` (its query text, operationName and transport):
    /// from the cache by exact text, then by normalised text; on a miss parse, the
    /// fragment-expansion budget, validation (GraphQL spec §5, all errors) and preparation,
    /// and only a valid document is cached. Refusals: a request error (400) for a
    /// document that does not parse, validate or prepare; 405 (mutation_over_get) for a
    /// mutation sent with GET (GraphQL-over-HTTP: GET is for queries only). May move the
    /// text out of `req.query`.
    fraiseql::result<resolved_document, refusal> resolve(request& req);

    /// Entries in the cache (by normalised text).
    std::size_t size() const { return operations_.size(); }

private:
    const graphql::schema& schema_;
    const config& cfg_;
    metrics& m_;
    /// By normalised text and operation name: a hit skips parsing, validation and the
    /// value-independent planning.
    using entries =
        lru_cache<std::shared_ptr<const cached_operation>, document_key, document_key_hash,
                  document_key_equal>;
    entries operations_;
    /// The same entries by their own exact text (and operation name): a client that
    /// repeats its text byte for byte is served without even lexing it.
    entries spellings_;
};

/// Binds a resolved document to the request's variables (per request: variable
/// coercion, @skip/@include on variables, argument values). A coercion failure is a
/// request error (400).
fraiseql::result<bound_operation, refusal> bind_request(resolved_document doc,
                                                        const boost::json::value& variables);

/// bind_request, counting in `counters` which road each request took.
fraiseql::result<bound_operation, refusal> bind_request(resolved_document doc,
                                                        const boost::json::value& variables,
                                                        binding_counters& counters);

/// A JSON value as a GraphQL input value (nesting beyond 64 levels reads as null).
graphql::input_value input_from_json(const boost::json::value& v);

/// The compiled-plan cache's JSON road (sql::compiled_operation::bind_scalars): the request's
/// variables read in place (scalars, and whole `where` objects walked through sql::json_ops),
/// no input_value tree; nullopt when that road does not apply (the
/// caller binds through input_from_json, which gives the answer or the errors).
std::optional<sql::cached_binding> bind_json(const sql::compiled_operation& c,
                                             const boost::json::value& variables);

} // namespace fraiseql::exec
