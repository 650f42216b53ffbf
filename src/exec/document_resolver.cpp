#include "document_resolver.hpp"

#include <boost/container/small_vector.hpp>

#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/validate.hpp"
#include "projection_builder.hpp"

namespace fraiseql::exec {

using graphql::error;

namespace {

/// A JSON scalar as the coercion rules see it (graphql::scalar_input; the string is a view
/// into the JSON). A number beyond int64 reads as a float. Lists and objects: their kind.
graphql::scalar_input scalar_of(const boost::json::value& v) {
    using K = graphql::input_value::kind;
    graphql::scalar_input s;
    switch (v.kind()) {
    case boost::json::kind::null: break;
    case boost::json::kind::bool_: s.k = K::boolean, s.b = v.get_bool(); break;
    case boost::json::kind::int64: s.k = K::integer, s.i = v.get_int64(); break;
    case boost::json::kind::uint64:
        if (v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
            s.k = K::integer, s.i = static_cast<std::int64_t>(v.get_uint64());
        else
            s.k = K::floating, s.d = static_cast<double>(v.get_uint64());
        break;
    case boost::json::kind::double_: s.k = K::floating, s.d = v.get_double(); break;
    case boost::json::kind::string: s.k = K::string, s.s = v.get_string(); break;
    case boost::json::kind::array: s.k = K::list; break;
    case boost::json::kind::object: s.k = K::object; break;
    }
    return s;
}

graphql::input_value from_json(const boost::json::value& v, int depth) {
    using graphql::input_value;
    if (depth > 64) return input_value::null();
    switch (v.kind()) {
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
    default: break;
    }
    const graphql::scalar_input s = scalar_of(v);
    switch (s.k) {
    case input_value::kind::boolean: return input_value::boolean(s.b);
    case input_value::kind::integer: return input_value::integer(s.i);
    case input_value::kind::floating: return input_value::floating(s.d);
    case input_value::kind::string: return input_value::string(std::string(s.s));
    default: return input_value::null();
    }
}

/// The request's JSON as the compiled-plan cache reads it in place (sql::json_ops).
const boost::json::value& node(const void* at) { return *static_cast<const boost::json::value*>(at); }

const sql::json_ops json_in_place{
    [](const void* at) { return scalar_of(node(at)); },
    [](const void* at) -> std::size_t {
        const auto& v = node(at);
        return v.is_object() ? v.get_object().size() : v.is_array() ? v.get_array().size() : 0;
    },
    [](const void* at, std::size_t i) -> std::string_view {
        return (node(at).get_object().begin() + static_cast<std::ptrdiff_t>(i))->key();
    },
    [](const void* at, std::size_t i) -> const void* {
        const auto& v = node(at);
        if (v.is_object()) return &(v.get_object().begin() + static_cast<std::ptrdiff_t>(i))->value();
        return &v.get_array()[i];
    },
    [](const void* at, std::string_view name) -> const void* {
        const auto* o = node(at).if_object();
        return o ? o->if_contains(name) : nullptr;
    },
    [](const void* at) { return from_json(node(at), 1); },
};

} // namespace

graphql::input_value input_from_json(const boost::json::value& v) { return from_json(v, 0); }

std::optional<sql::cached_binding> bind_json(const sql::compiled_operation& c,
                                             const boost::json::value& variables) {
    if (!c.json_road()) return std::nullopt;
    const auto names = c.variable_names();
    const boost::json::object* given = variables.if_object();
    // Not an object: bind() gives "Variables must be provided as an object." (null: none).
    if (!given && !variables.is_null()) return std::nullopt;
    // Inline for a few variables (not zeroed beyond them: a 32-entry array cost more than
    // the by-id bind itself).
    boost::container::small_vector<sql::compiled_operation::given_variable, 8> values(names.size());
    for (std::size_t i = 0; i < names.size(); ++i)
        if (const boost::json::value* v = given ? given->if_contains(names[i]) : nullptr)
            values[i] = {true, scalar_of(*v), v, &json_in_place};
    return c.bind_scalars(values);
}

std::size_t document_key_hash::operator()(document_key_view k) const noexcept {
    const std::hash<std::string_view> h;
    std::size_t out = h(k.text);
    out ^= h(k.operation_name) + 0x9e3779b97f4a7c15ULL + (out << 6) + (out >> 2);
    return out;
}

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
    if (cfg_.plan_cache_size && req.query.size() <= max_cached_document_bytes) {
        if (auto cached = spellings_.get(document_key_view{req.operation_name, req.query})) {
            out.entry = std::move(*cached);
        } else if ((normalized = graphql::normalize_operation_text(req.query))) {
            const document_key_view key{req.operation_name, normalized->text};
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
            // The exact text is the document's own (req.query was moved into the parser).
            operations_.put({req.operation_name, std::move(normalized->text)}, fresh);
            spellings_.put({req.operation_name, std::string(fresh->doc->source())}, fresh);
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
    // The compiled-plan cache's JSON road: scalar variables read in place, no tree (a
    // request spelt differently takes the uncached road below, which remaps locations).
    if (doc.entry->compiled && !doc.spelling)
        if (auto b = bind_json(*doc.entry->compiled, variables)) {
            counters.compiled.fetch_add(1, std::memory_order_relaxed);
            return bound_operation{std::move(doc.entry), {}, std::move(*b)};
        }
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
