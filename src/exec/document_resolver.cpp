#include "document_resolver.hpp"

#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/validate.hpp"
#include "projection_builder.hpp"

namespace fraiseql::exec {

using graphql::error;

namespace {

/// The cache key: operation name (length-prefixed, so no name/text split is ambiguous)
/// and the (normalised or exact) text.
std::string cache_key(const std::string& text, const std::string& operation_name) {
    std::string key = std::to_string(operation_name.size());
    key.reserve(key.size() + 1 + operation_name.size() + text.size());
    key += ':';
    key += operation_name;
    key += text;
    return key;
}

graphql::input_value from_json(const boost::json::value& v, int depth) {
    using graphql::input_value;
    if (depth > 64) return input_value::null();
    switch (v.kind()) {
    case boost::json::kind::null: return input_value::null();
    case boost::json::kind::bool_: return input_value::boolean(v.get_bool());
    case boost::json::kind::int64: return input_value::integer(v.get_int64());
    case boost::json::kind::uint64:
        if (v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
            return input_value::integer(static_cast<std::int64_t>(v.get_uint64()));
        return input_value::floating(static_cast<double>(v.get_uint64()));
    case boost::json::kind::double_: return input_value::floating(v.get_double());
    case boost::json::kind::string: return input_value::string(std::string(v.get_string()));
    case boost::json::kind::array: {
        input_value::list_t items;
        for (const auto& x : v.get_array()) items.push_back(from_json(x, depth + 1));
        return input_value::list(std::move(items));
    }
    case boost::json::kind::object: {
        input_value::object_t fields;
        for (const auto& [k, x] : v.get_object())
            fields.emplace_back(std::string(k), from_json(x, depth + 1));
        return input_value::object(std::move(fields));
    }
    }
    return input_value::null();
}

} // namespace

graphql::input_value input_from_json(const boost::json::value& v) { return from_json(v, 0); }

document_resolver::document_resolver(const graphql::schema& s, const config& cfg, metrics& m)
    : schema_(s), cfg_(cfg), m_(m), operations_(cfg.plan_cache_size),
      spellings_(cfg.plan_cache_size) {}

namespace {

// GraphQL-over-HTTP §"GET": GET may only run queries (405 otherwise).
std::optional<refusal> get_rule(const request& req, graphql::operation_kind kind) {
    if (!req.via_get || kind == graphql::operation_kind::query) return std::nullopt;
    refusal r = refusal::of(error::at("Only queries can be sent with GET; use POST for mutations.",
                                      {}, graphql::code::bad_user_input),
                            405);
    r.mutation_over_get = true;
    return r;
}

// product.md §3.7: a subscription is a live query on the WebSocket transport; HTTP has no
// way to push its later results, so it is a request error there (checked with the GET rule,
// on every path including a plan-cache hit).
std::optional<refusal> transport_rule(const request& req, graphql::operation_kind kind) {
    if (auto r = get_rule(req, kind)) return r;
    if (kind != graphql::operation_kind::subscription || req.live) return std::nullopt;
    return refusal::request_errors({error::at(
        "Subscriptions need a WebSocket: connect to /graphql with the graphql-transport-ws "
        "subprotocol.",
        {}, graphql::code::bad_user_input)});
}

} // namespace

fraiseql::result<resolved_document, refusal> document_resolver::resolve(request& req) {
    resolved_document out;
    // The key needs the lexer only; a text it cannot normalise (a lexical error, over the
    // parse limits) is parsed, and fails. A very large document is planned again each
    // time rather than kept: the cache's memory stays bounded (product.md §9).
    std::optional<graphql::normalized_text> normalized;
    std::string key, exact_key;
    if (cfg_.plan_cache_size && req.query.size() <= max_cached_document_bytes) {
        exact_key = cache_key(req.query, req.operation_name);
        if (auto cached = spellings_.get(exact_key)) {
            out.entry = std::move(*cached);
        } else if ((normalized = graphql::normalize_operation_text(req.query))) {
            key = cache_key(normalized->text, req.operation_name);
            if (auto c = operations_.get(key)) {
                out.entry = std::move(*c);
                // The same operation, spelt differently: locations are translated.
                if (out.entry->doc->source() != req.query) out.spelling = std::move(normalized);
            }
        }
    }
    if (out.entry) {
        ++m_.plan_cache_hits;
    } else {
        ++m_.plan_cache_misses;
        auto parsed = graphql::parse_executable(std::move(req.query));
        if (!parsed)
            return failure{refusal::request_errors({error::at(
                "Syntax Error: " + parsed.error().message,
                {parsed.error().line, parsed.error().column}, graphql::code::parse_failed)})};
        auto doc = std::make_shared<const graphql::document>(std::move(*parsed));
        // The GET rule as soon as the operation's kind is known: a mutation sent with GET is
        // 405 whether or not it would also fail validation or a limit.
        if (auto kind = graphql::selected_operation_kind(*doc, req.operation_name))
            if (auto r = transport_rule(req, *kind)) return failure{std::move(*r)};
        // product.md §9: the fragment expansion is counted (linear, memoised) before any
        // rule walks the document, so a fragment bomb costs what its text costs.
        if (auto e = graphql::check_expansion(*doc, req.operation_name, {cfg_.max_fields, 64}))
            return failure{refusal::request_errors({std::move(*e)})};
        // GraphQL spec §5: every rule, all errors collected. Only valid documents are
        // prepared and cached, so a cache hit skips parsing and validation.
        if (auto invalid = graphql::validate(schema_, *doc); !invalid.empty())
            return failure{refusal::request_errors(std::move(invalid))};
        graphql::plan_options popts{cfg_.max_query_depth, cfg_.max_aliases, cfg_.max_fields,
                                    cfg_.max_filter_conditions};
        auto prepared = graphql::prepare_operation(schema_, doc, req.operation_name, popts);
        if (!prepared) return failure{refusal::request_errors(std::move(prepared.error()))};
        auto fresh = std::make_shared<cached_operation>();
        fresh->doc = std::move(doc);
        fresh->op = std::move(*prepared);
        if (cfg_.plan_cache_size)
            fresh->compiled = std::make_unique<const sql::compiled_operation>(
                schema_, fresh->op, sql::compile_options{cfg_.max_page_size}, &build_projection);
        if (normalized) {
            fresh->token_locations = std::move(normalized->token_locations);
            operations_.put(key, fresh);
            spellings_.put(exact_key, fresh);
        }
        out.entry = std::move(fresh);
    }
    if (auto r = transport_rule(req, graphql::prepared_kind(*out.entry->op)))
        return failure{std::move(*r)};
    return out;
}

binding_counters& process_binding_counters() noexcept {
    static binding_counters c;
    return c;
}

fraiseql::result<bound_operation, refusal> bind_request(resolved_document doc,
                                                        const boost::json::value& variables) {
    return bind_request(std::move(doc), variables, process_binding_counters());
}

fraiseql::result<bound_operation, refusal> bind_request(resolved_document doc,
                                                        const boost::json::value& variables,
                                                        binding_counters& counters) {
    graphql::input_value vars = input_from_json(variables);
    // The compiled-plan cache: binds values into the slots of the shape's SQL. A request
    // that spells the operation differently takes the uncached road, whose bind_operation
    // remaps every location into its own text.
    if (doc.entry->compiled && !doc.spelling) {
        auto b = doc.entry->compiled->bind(vars);
        if (b) {
            (b->compiled_now ? counters.shape_compiled : counters.compiled)
                .fetch_add(1, std::memory_order_relaxed);
            // The shape's plan is shared, not copied (bound_operation::plan()).
            return bound_operation{std::move(doc.entry), {}, std::move(*b)};
        }
        switch (b.error()) {
        case sql::uncached_reason::variables: counters.variables.fetch_add(1); break;
        case sql::uncached_reason::not_cacheable: counters.not_cacheable.fetch_add(1); break;
        case sql::uncached_reason::value: counters.value.fetch_add(1); break;
        case sql::uncached_reason::bind: counters.bind.fetch_add(1); break;
        }
    } else if (doc.entry->compiled) {
        counters.respelt.fetch_add(1, std::memory_order_relaxed);
    }
    std::optional<graphql::location_map> remap;
    if (doc.spelling)
        remap = graphql::location_map{doc.entry->token_locations, doc.spelling->token_locations};
    auto plan = graphql::bind_operation(*doc.entry->op, vars, remap ? &*remap : nullptr);
    if (!plan) return failure{refusal::request_errors(std::move(plan.error()))};
    return bound_operation{std::move(doc.entry), std::move(*plan), std::nullopt};
}

} // namespace fraiseql::exec
