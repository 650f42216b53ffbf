// The request pipeline (docs/architecture.md): parse -> plan (validation,
// coercion) -> sql -> backend -> streaming transform -> response JSON.

#include "fraiseql/exec/engine.hpp"

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <openssl/sha.h>
#include <spdlog/spdlog.h>

#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/graphql/validate.hpp"
#include "fraiseql/json/transform.hpp"
#include "fraiseql/json/writer.hpp"
#include "fraiseql/sql/compiler.hpp"
#include "fraiseql/sql/connection.hpp"
#include "fraiseql/sql/mutation.hpp"
#include "authorization.hpp"
#include "context.hpp"
#include "fraiseql/exec/auth.hpp"
#include "introspection.hpp"
#include "lru_cache.hpp"
#include "metrics.hpp"

namespace fraiseql::exec {

namespace asio = boost::asio;
using graphql::error;
using graphql::input_value;

namespace {

input_value from_json(const boost::json::value& v, int depth = 0) {
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
        for (const auto& [k, x] : v.get_object()) fields.emplace_back(std::string(k), from_json(x, depth + 1));
        return input_value::object(std::move(fields));
    }
    }
    return input_value::null();
}

std::string errors_body(const std::vector<error>& errors) {
    std::string out = "{\"errors\":[";
    for (std::size_t i = 0; i < errors.size(); ++i) {
        if (i) out += ',';
        graphql::append_error_json(out, errors[i]);
    }
    out += "]}";
    return out;
}

/// The persisted-query hash of a text (SHA-256, lower-case hex), as Apollo computes it.
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

/// A plan-cache entry: a valid document and its prepared operation.
struct cached_operation {
    std::shared_ptr<const graphql::document> doc;
    std::shared_ptr<const graphql::prepared_operation> op;
    /// Where each token of the document's own text starts, to translate locations
    /// for a request that spells the operation with other whitespace or comments.
    std::vector<graphql::source_location> token_locations;
};

/// The cache key: operation name (length-prefixed, so no name/text split is ambiguous)
/// and the normalised text.
std::string cache_key(const std::string& normalized, const std::string& operation_name) {
    std::string key = std::to_string(operation_name.size());
    key.reserve(key.size() + 1 + operation_name.size() + normalized.size());
    key += ':';
    key += operation_name;
    key += normalized;
    return key;
}

/// What the front end decided: a bound plan, or errors with the HTTP status.
struct front_end_result {
    std::shared_ptr<const cached_operation> entry; ///< keeps the plan's document alive
    std::optional<graphql::operation_plan> plan;
    std::vector<error> errors;
    unsigned status = 0;
    bool mutation_over_get = false;
};

/// product.md §9 "other clients' small queries are delayed by at most 100 ms": a request
/// whose document (or variables) is larger than this runs its front end on the CPU
/// worker instead of the I/O thread. Below it the front end costs well under a
/// millisecond (the plan-cache micro-benchmark's documents are a few hundred bytes), so
/// normal traffic never pays the two thread hops.
constexpr std::size_t heavy_document_bytes = 8 * 1024;
constexpr std::size_t heavy_variable_nodes = 2048;
/// Large documents queued for, or running on, the CPU worker at once; beyond this a
/// request is refused at once with 503 (SERVER_BUSY) rather than holding its body in
/// memory while it waits (docs/reliability.md §1).
constexpr std::size_t max_heavy_pending = 32;
/// Documents larger than this are not kept in the plan cache (its memory stays bounded
/// by plan_cache_size small entries; a large document is planned again, on the worker).
constexpr std::size_t max_cached_document_bytes = 64 * 1024;

/// True when `v` has more than `limit` JSON values (counting stops there).
bool more_values_than(const boost::json::value& v, std::size_t limit) {
    std::size_t n = 0;
    std::vector<const boost::json::value*> todo{&v};
    while (!todo.empty()) {
        const auto* x = todo.back();
        todo.pop_back();
        if (++n > limit) return true;
        if (x->is_array())
            for (const auto& y : x->get_array()) todo.push_back(&y);
        else if (x->is_object())
            for (const auto& kv : x->get_object()) todo.push_back(&kv.value());
    }
    return false;
}

} // namespace

struct engine::impl {
    std::shared_ptr<const graphql::schema> schema;
    std::shared_ptr<pg::pool> pool;
    config cfg;
    metrics m;
    std::shared_ptr<const jwt_verifier> verifier;
    /// The compiled-plan cache (product.md §5), by normalised text and operation name:
    /// a hit skips parsing, validation and the value-independent planning.
    std::unique_ptr<lru_cache<std::shared_ptr<const cached_operation>>> operations;
    /// The same entries by their own exact text (and operation name): a client that
    /// repeats its text byte for byte is served without even lexing it.
    std::unique_ptr<lru_cache<std::shared_ptr<const cached_operation>>> spellings;
    /// Automatic persisted queries: sha256 -> query text.
    lru_cache<std::string> persisted{10000};
    /// The CPU worker: front ends of large documents run here, off the I/O threads.
    /// Declared last so that it is joined before the members its work reads go away.
    std::atomic<std::size_t> heavy_pending{0};
    std::atomic<bool> trim_scheduled{false};
    std::unique_ptr<asio::thread_pool> cpu;

    /// Returns freed heap memory to the operating system shortly after a large request
    /// (glibc keeps it otherwise; product.md §9 "retains no memory afterwards"). Delayed
    /// a little so that the request's and the HTTP session's buffers are gone by then;
    /// coalesced; on the worker, so that no I/O thread waits for the arenas' locks.
    void schedule_trim() {
        if (trim_scheduled.exchange(true)) return;
        auto t = std::make_shared<asio::steady_timer>(cpu->get_executor(),
                                                      std::chrono::milliseconds(50));
        t->async_wait([this, t](const boost::system::error_code&) {
            trim_scheduled = false;
            malloc_trim(0);
        });
    }

    bool production() const { return cfg.environment == environment_kind::production; }

    /// Resolves the query text of an APQ request (Apollo's protocol). Returns an
    /// error (code and message) or nothing.
    std::optional<error> resolve_persisted(request& req) {
        const boost::json::object* pq = nullptr;
        if (req.extensions.is_object())
            if (const auto* p = req.extensions.get_object().if_contains("persistedQuery"); p && p->is_object())
                pq = &p->get_object();
        if (!pq) {
            if (cfg.apq == apq_mode::required)
                return error::at("This server only accepts persisted queries (extensions.persistedQuery).",
                                 {}, graphql::code::persisted_query_not_found);
            return std::nullopt;
        }
        if (cfg.apq == apq_mode::disabled)
            return error::at("PersistedQueryNotSupported", {}, graphql::code::persisted_query_not_supported);
        const auto* h = pq->if_contains("sha256Hash");
        if (!h || !h->is_string() || h->get_string().size() != 64)
            return error::at("extensions.persistedQuery.sha256Hash must be a 64-character hex string.", {},
                             graphql::code::bad_user_input);
        std::string hash(h->get_string());
        for (auto& c : hash) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (req.query.empty()) {
            auto q = persisted.get(hash);
            if (!q) return error::at("PersistedQueryNotFound", {}, graphql::code::persisted_query_not_found);
            req.query = std::move(*q);
            return std::nullopt;
        }
        if (sha256_hex(req.query) != hash)
            return error::at("provided sha does not match query", {}, graphql::code::bad_user_input);
        persisted.put(hash, req.query);
        return std::nullopt;
    }

    /// The front end of a request (everything before the database): the plan cache,
    /// parse, the expansion budget, validation, preparation and bind. Synchronous and
    /// CPU-only, so that a large document can run it on the CPU worker (`cpu`).
    front_end_result front_end(request& req) {
        front_end_result r;
        auto fail = [&](unsigned status) {
            r.status = status;
            return std::move(r);
        };
        const std::size_t doc_bytes = req.query.size();
        // The plan cache (docs/http.md "Plan cache"). The key needs the lexer only; a text
        // it cannot normalise (a lexical error, over the parse limits) is parsed, and fails.
        std::optional<graphql::normalized_text> normalized;
        std::string key, exact_key;
        std::shared_ptr<const cached_operation> entry;
        // A very large document is planned again each time rather than kept: the cache's
        // memory stays bounded by plan_cache_size small entries (product.md §9).
        if (cfg.plan_cache_size && doc_bytes <= max_cached_document_bytes) {
            exact_key = cache_key(req.query, req.operation_name);
            if (auto cached = spellings->get(exact_key)) {
                entry = std::move(*cached);
            } else if ((normalized = graphql::normalize_operation_text(req.query))) {
                key = cache_key(normalized->text, req.operation_name);
                if (auto c = operations->get(key)) entry = std::move(*c);
            }
        }
        if (entry) {
            ++m.plan_cache_hits;
            if (req.via_get && graphql::prepared_kind(*entry->op) != graphql::operation_kind::query) {
                r.errors.push_back(error::at("Only queries can be sent with GET; use POST for mutations.",
                                           {}, graphql::code::bad_user_input));
                r.mutation_over_get = true;
                return fail(405);
            }
        } else {
            ++m.plan_cache_misses;
            auto parsed = graphql::parse_executable(std::move(req.query));
            if (!parsed) {
                r.errors.push_back(error::at("Syntax Error: " + parsed.error().message,
                                           {parsed.error().line, parsed.error().column},
                                           graphql::code::parse_failed));
                return fail(400);
            }
            auto doc = std::make_shared<const graphql::document>(std::move(*parsed));
            // product.md §9: the fragment expansion is counted (linear, memoised) before any
            // rule walks the document, so a fragment bomb costs what its text costs.
            if (auto e = graphql::check_expansion(*doc, req.operation_name, {cfg.max_fields, 64})) {
                r.errors.push_back(std::move(*e));
                return fail(400);
            }
            // GraphQL spec §5: every rule, all errors collected. Only valid documents are
            // prepared and cached, so a cache hit skips parsing and validation.
            auto invalid = graphql::validate(*schema, *doc);
            if (!invalid.empty()) {
                r.errors = std::move(invalid);
                return fail(400);
            }
            if (req.via_get) {
                auto kind = graphql::selected_operation_kind(*doc, req.operation_name);
                if (kind && *kind != graphql::operation_kind::query) {
                    r.errors.push_back(error::at("Only queries can be sent with GET; use POST for mutations.",
                                               {}, graphql::code::bad_user_input));
                    r.mutation_over_get = true;
                    return fail(405);
                }
            }
            graphql::plan_options popts{cfg.max_query_depth, cfg.max_aliases, cfg.max_fields,
                                        cfg.max_filter_conditions};
            auto prepared = graphql::prepare_operation(*schema, doc, req.operation_name, popts);
            if (!prepared) {
                r.errors = std::move(prepared.error());
                return fail(400);
            }
            auto fresh = std::make_shared<cached_operation>();
            fresh->doc = std::move(doc);
            fresh->op = std::move(*prepared);
            if (normalized) {
                fresh->token_locations = std::move(normalized->token_locations);
                normalized.reset(); // the request's own text: no translation needed
                operations->put(key, fresh);
                spellings->put(exact_key, fresh);
            }
            entry = std::move(fresh);
        }
        // Per request: variables, @skip/@include on variables, argument values. Locations
        // are translated when the request spells the cached operation differently.
        std::optional<graphql::location_map> remap;
        if (normalized && entry->doc->source() != req.query)
            remap = graphql::location_map{entry->token_locations, normalized->token_locations};
        auto plan = graphql::bind_operation(*entry->op, from_json(req.variables), remap ? &*remap : nullptr);
        if (!plan) {
            r.errors = std::move(plan.error());
            return fail(400);
        }
        r.plan = std::move(*plan);
        r.entry = std::move(entry);
        return r;
    }

    /// Session settings from claims and headers (product.md §5). A missing source
    /// gives an empty value: never a previous request's.
    std::vector<std::pair<std::string, std::string>> session_settings(const request& req,
                                                                      const auth_context& who) const {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& sv : cfg.session_variables) {
            std::string value;
            if (sv.source == session_variable::source_kind::header) {
                for (const auto& [k, v] : req.headers)
                    if (k == sv.name) value = v;
            } else {
                value = claim_text(who.claims, sv.name);
            }
            out.emplace_back(sv.setting, std::move(value));
        }
        return out;
    }
};

engine::engine(std::shared_ptr<const graphql::schema> schema, std::shared_ptr<pg::pool> pool,
               config cfg, std::shared_ptr<const jwt_verifier> verifier)
    : impl_(std::make_unique<impl>()) {
    impl_->verifier = std::move(verifier);
    impl_->schema = std::move(schema);
    impl_->pool = std::move(pool);
    impl_->cfg = std::move(cfg);
    impl_->operations = std::make_unique<lru_cache<std::shared_ptr<const cached_operation>>>(
        impl_->cfg.plan_cache_size);
    impl_->spellings = std::make_unique<lru_cache<std::shared_ptr<const cached_operation>>>(
        impl_->cfg.plan_cache_size);
    impl_->cpu = std::make_unique<asio::thread_pool>(1);
    // The worker yields the core to the I/O threads (a nicer thread loses to them under
    // CFS whenever both are runnable), so a large document's planning does not delay
    // small requests even when the machine's cores are busy. Linux: per-thread nice.
    asio::post(*impl_->cpu, [] { (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10); });
}

engine::~engine() {
    // Join the worker before the caches and the schema its work reads are destroyed.
    impl_->cpu->join();
}

const config& engine::settings() const noexcept { return impl_->cfg; }
const graphql::schema& engine::schema() const noexcept { return *impl_->schema; }

namespace {

/// Appends to `out` the response paths at which the field at the end of `path` (from
/// `depth` on) was evaluated inside `v`: lists contribute their 0-based indices (GraphQL
/// spec §7.1.2 "path"). A null parent counts (a non-null forbidden field nulls it, §6.4.4);
/// a missing key (another member of a union) or an empty list does not.
void forbidden_paths(const boost::json::value& v, const std::vector<graphql::path_element>& path,
                     std::size_t depth, std::vector<graphql::path_element>& at,
                     std::vector<std::vector<graphql::path_element>>& out) {
    if (v.is_array()) {
        const auto& a = v.get_array();
        for (std::size_t i = 0; i < a.size(); ++i) {
            at.emplace_back(static_cast<std::int64_t>(i));
            forbidden_paths(a[i], path, depth, at, out);
            at.pop_back();
        }
        return;
    }
    const auto* key = std::get_if<std::string>(&path[depth]);
    if (!key) return;
    if (depth + 1 == path.size()) {
        if (v.is_object() || v.is_null()) {
            out.push_back(at);
            out.back().emplace_back(*key);
        }
        return;
    }
    if (!v.is_object()) return;
    const auto* child = v.get_object().if_contains(*key);
    if (!child) return;
    at.emplace_back(*key);
    forbidden_paths(*child, path, depth + 1, at, out);
    at.pop_back();
}

/// Replaces each FORBIDDEN error of a nested field (path root.….field, found on the plan,
/// where lists have no index yet) by one error per place the field was evaluated in the
/// results. Parses a root's JSON only when it holds a forbidden field.
void expand_forbidden_paths(std::vector<graphql::error>& errors,
                            const std::vector<graphql::field_plan>& roots,
                            const std::vector<field_result>& results) {
    std::vector<graphql::error> out;
    std::map<std::size_t, boost::json::value> parsed;
    for (auto& e : errors) {
        const auto* root_key = e.path.empty() ? nullptr : std::get_if<std::string>(&e.path[0]);
        std::size_t root = roots.size();
        for (std::size_t i = 0; root_key && i < roots.size(); ++i)
            if (roots[i].response_key == *root_key) root = i;
        if (e.path.size() < 2 || root == roots.size() || results[root].is_null) {
            out.push_back(std::move(e));
            continue;
        }
        auto it = parsed.find(root);
        if (it == parsed.end()) {
            boost::system::error_code ec;
            auto v = boost::json::parse(results[root].json, ec);
            it = parsed.emplace(root, ec ? boost::json::value() : std::move(v)).first;
            if (ec) spdlog::warn("cannot parse a root value to place @auth errors: {}", ec.message());
        }
        std::vector<std::vector<graphql::path_element>> paths;
        std::vector<graphql::path_element> at{e.path[0]};
        forbidden_paths(it->second, e.path, 1, at, paths);
        for (auto& p : paths) {
            graphql::error x = e;
            x.path = std::move(p);
            out.push_back(std::move(x));
        }
    }
    errors = std::move(out);
}

} // namespace

asio::awaitable<response> engine::execute(request req, response_stream* stream) {
    auto& I = *impl_;
    const auto started = pg::clock::now();
    auto dl = started + I.cfg.request_timeout;
    if (req.deadline != pg::deadline{}) dl = std::min(dl, req.deadline);
    response res;
    std::vector<error> errors;
    auto finish = [&](response&& r) {
        I.m.observe(pg::clock::now() - started, errors);
        return std::move(r);
    };
    auto fail = [&](unsigned status) {
        res.status = status;
        res.body = errors_body(errors);
        return finish(std::move(res));
    };
    if (dl <= started) {
        // A batch whose shared deadline passed in the operations before this one.
        errors.push_back(error::at("The request's deadline (request_timeout) passed before this "
                                   "operation could run.",
                                   {}, graphql::code::timeout));
        co_return fail(200);
    }

    auto who = authenticate(req.authorization, I.verifier.get(), I.cfg.allow_anonymous,
                            std::chrono::system_clock::now());
    if (!who) {
        spdlog::info("request {}: unauthenticated ({}: {})", req.request_id, to_string(who.error().why),
                     who.error().log_message);
        errors.push_back(error::at(std::string(auth_failure::client_message), {}, graphql::code::unauthenticated));
        res.www_authenticate = std::string(who.error().www_authenticate());
        co_return fail(401);
    }

    if (auto e = I.resolve_persisted(req)) {
        errors.push_back(std::move(*e));
        co_return fail(errors.back().code == graphql::code::bad_user_input ? 400 : 200);
    }

    // The front end: inline for a small request, on the CPU worker for a large one, so
    // that the I/O thread keeps serving other clients meanwhile (product.md §9).
    auto fe_owner = std::make_shared<front_end_result>();
    front_end_result& fe = *fe_owner;
    const bool heavy = req.query.size() > heavy_document_bytes ||
                       more_values_than(req.variables, heavy_variable_nodes);
    // A large document's tree, prepared operation and plan are freed on the worker too
    // (tens of thousands of small frees) when this coroutine ends. Everything declared
    // after this guard (the plan's users) is gone by then; it takes the only reference.
    struct release_on_worker {
        asio::thread_pool* pool;
        std::shared_ptr<front_end_result>& owned;
        ~release_on_worker() {
            if (pool) asio::post(*pool, [p = std::move(owned)]() mutable { p.reset(); });
        }
    } release{heavy ? I.cpu.get() : nullptr, fe_owner};
    if (!heavy) {
        fe = I.front_end(req);
    } else {
        if (I.heavy_pending.fetch_add(1) >= max_heavy_pending) {
            --I.heavy_pending;
            errors.push_back(error::at("Server busy: too many large documents are being "
                                       "planned; retry later.",
                                       {}, "SERVER_BUSY"));
            co_return fail(503);
        }
        std::exception_ptr failed;
        try {
            // co_spawn on the worker; the completion resumes this coroutine on its own
            // (I/O) executor.
            fe = co_await asio::co_spawn(
                I.cpu->get_executor(),
                [&]() -> asio::awaitable<front_end_result> { co_return I.front_end(req); },
                asio::use_awaitable);
        } catch (...) {
            failed = std::current_exception();
        }
        --I.heavy_pending;
        I.schedule_trim();
        if (failed) {
            spdlog::error("request {}: front end failed on the CPU worker", req.request_id);
            errors.push_back(error::at("Internal error.", {}, graphql::code::internal_error));
            co_return fail(500);
        }
    }
    if (!fe.plan) {
        errors = std::move(fe.errors);
        res.mutation_over_get = fe.mutation_over_get;
        co_return fail(fe.status);
    }
    auto& plan = fe.plan;
    // Introspection policy (product.md §5).
    for (const auto& fp : plan->root_fields) {
        if (fp.name != "__schema" && fp.name != "__type") continue;
        if (I.cfg.introspection == introspection_policy::disabled ||
            (I.cfg.introspection == introspection_policy::authenticated && !who->authenticated)) {
            // Disabled: nobody may (FORBIDDEN, 400). Authenticated: a token would do, so it
            // is the same 401 + UNAUTHENTICATED as any other missing credential.
            const bool disabled = I.cfg.introspection == introspection_policy::disabled;
            errors.push_back(error::at(disabled ? "Introspection is not allowed."
                                                : "Introspection is not allowed without authentication.",
                                       fp.loc,
                                       disabled ? graphql::code::forbidden : graphql::code::unauthenticated));
            co_return fail(I.cfg.introspection == introspection_policy::disabled ? 400 : 401);
        }
    }
    authorization authz;
    authorize(*I.schema, *plan, *who, authz);

    exec_context ctx{*I.schema, *I.pool, I.cfg, req.request_id, dl, I.session_settings(req, *who), {}, 64 * 1024, false};
    ctx.cancel = req.cancel.get();
    const auto& roots = plan->root_fields;
    const bool is_mutation = plan->kind == graphql::operation_kind::mutation;
    auto needs_db = [&](const graphql::field_plan& fp) {
        return fp.field && fp.name != "__schema" && fp.name != "__type" &&
               (is_mutation || fp.field->root != graphql::field_def::root_kind::none);
    };

    // Streaming: a single root list field is written to the client as its rows
    // arrive, once it outgrows the threshold (docs/http.md).
    std::string prefix;
    bool stream_started = false;
    if (stream && roots.size() == 1 && !is_mutation && needs_db(roots[0]) && !authz.root_forbidden[0] &&
        roots[0].field->root == graphql::field_def::root_kind::list) {
        prefix = "{\"data\":{";
        json::append_json_string(prefix, roots[0].response_key);
        prefix += ':';
        ctx.flush = [&](std::string& pending) -> asio::awaitable<bool> {
            if (!stream_started) {
                stream_started = true;
                pending.insert(0, prefix);
            }
            bool ok = co_await stream->write(pending);
            pending.clear();
            co_return ok;
        };
    }

    auto run_one = [&](const graphql::field_plan& fp) -> asio::awaitable<field_result> {
        field_result r;
        if (fp.name == "__typename") {
            r.json = "\"" + (is_mutation ? I.schema->mutation_type_name() : I.schema->query_type_name()) + "\"";
        } else if (fp.name == "__schema" || fp.name == "__type") {
            write_introspection(*I.schema, fp, r.json);
            if (r.json == "null") r.is_null = true, r.json.clear();
        } else if (is_mutation) {
            r = co_await run_mutation(ctx, fp);
        } else if (fp.field && fp.field->root == graphql::field_def::root_kind::connection) {
            r = co_await run_connection(ctx, fp);
        } else if (fp.field && fp.field->root != graphql::field_def::root_kind::none) {
            r = co_await run_root_query(ctx, fp);
        } else {
            r.is_null = true;
            r.errors.push_back(error::at("Field \"" + fp.name + "\" has no resolver.", fp.loc,
                                         graphql::code::internal_error));
        }
        co_return r;
    };

    std::vector<field_result> results(roots.size());
    std::size_t db_fields = 0;
    for (std::size_t i = 0; i < roots.size(); ++i) db_fields += needs_db(roots[i]) && !authz.root_forbidden[i];
    if (is_mutation || db_fields <= 1) {
        // Mutations run serially, in order (GraphQL spec §6.2.2).
        bool data_nulled = false;
        for (std::size_t i = 0; i < roots.size(); ++i) {
            // A forbidden mutation does not run; nor does any after a non-null
            // field's failure has nulled `data` (spec §6.4.4 propagation).
            if (authz.root_forbidden[i] || data_nulled) results[i].is_null = true;
            else results[i] = co_await run_one(roots[i]);
            if (results[i].is_null && roots[i].field && roots[i].field->type.is_non_null()) data_nulled = true;
        }
    } else {
        // Several root queries: one statement each, run concurrently, merged in
        // selection order. At most `lanes` run at once, each on its own connection (the
        // rest queue behind them inside this request): a request with max_aliases root
        // fields must not take the whole pool while other clients wait for it
        // (product.md §9). Each lane takes the next root field until none is left.
        const std::size_t lanes = std::min<std::size_t>(
            {roots.size(), std::size_t{4}, std::max<std::size_t>(1, (I.cfg.pool_size + 1) / 2)});
        auto ex = co_await asio::this_coro::executor;
        std::atomic<std::size_t> next{0};
        auto lane = [&]() -> asio::awaitable<void> {
            for (std::size_t i = next++; i < roots.size(); i = next++) {
                if (authz.root_forbidden[i]) {
                    results[i].is_null = true;
                    continue;
                }
                try {
                    results[i] = co_await run_one(roots[i]);
                } catch (const std::exception& e) {
                    spdlog::error("request {}: root field {} failed: {}", req.request_id,
                                  roots[i].response_key, e.what());
                    results[i] = field_result{};
                    results[i].is_null = true;
                    results[i].errors.push_back(error::at("Internal error.", roots[i].loc,
                                                          graphql::code::internal_error));
                }
            }
        };
        using op_t = decltype(asio::co_spawn(ex, lane(), asio::deferred));
        std::vector<op_t> ops;
        ops.reserve(lanes);
        for (std::size_t k = 0; k < lanes; ++k) ops.push_back(asio::co_spawn(ex, lane(), asio::deferred));
        (void)co_await asio::experimental::make_parallel_group(std::move(ops))
            .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    }

    bool data_null = false;
    for (std::size_t i = 0; i < roots.size(); ++i)
        if (results[i].is_null && roots[i].field && roots[i].field->type.is_non_null()) data_null = true;
    // @auth errors first (they were found before anything ran), at the response paths where
    // the forbidden fields were evaluated; a streamed list is already gone, so it keeps the
    // field's path without indices.
    if (!stream_started && !data_null) expand_forbidden_paths(authz.errors, roots, results);
    for (auto& e : authz.errors) errors.push_back(std::move(e));
    for (std::size_t i = 0; i < roots.size(); ++i)
        for (auto& e : results[i].errors) errors.push_back(std::move(e));
    auto append_errors = [&](std::string& body) {
        if (errors.empty()) return;
        body += ",\"errors\":[";
        for (std::size_t i = 0; i < errors.size(); ++i) {
            if (i) body += ',';
            graphql::append_error_json(body, errors[i]);
        }
        body += ']';
    };
    if (stream_started) {
        // The head of the value is already with the client.
        if (results[0].is_null) {
            res.aborted = true;
            spdlog::warn("request {}: response aborted mid-stream", req.request_id);
            co_return finish(std::move(res));
        }
        res.streamed = true;
        res.body = std::move(results[0].json);
        res.body += '}';
        append_errors(res.body);
        res.body += '}';
        co_return finish(std::move(res));
    }
    std::string& body = res.body;
    std::size_t size = 32;
    for (const auto& r : results) size += r.json.size() + 16;
    body.reserve(size);
    body = "{\"data\":";
    if (data_null) {
        body += "null";
    } else {
        body += '{';
        for (std::size_t i = 0; i < roots.size(); ++i) {
            if (i) body += ',';
            json::append_json_string(body, roots[i].response_key);
            body += ':';
            body += results[i].is_null ? "null" : results[i].json;
        }
        body += '}';
    }
    append_errors(body);
    body += '}';
    co_return finish(std::move(res));
}

std::string engine::explain(const std::string& query, const boost::json::value& variables,
                            const std::string& operation_name) const {
    auto& I = *impl_;
    auto doc = graphql::parse_executable(query);
    if (!doc)
        return errors_body({error::at("Syntax Error: " + doc.error().message,
                                      {doc.error().line, doc.error().column},
                                      graphql::code::parse_failed)});
    graphql::plan_options popts{I.cfg.max_query_depth, I.cfg.max_aliases, I.cfg.max_fields,
                                    I.cfg.max_filter_conditions};
    auto plan = graphql::plan_operation(*I.schema, *doc, operation_name, from_json(variables), popts);
    if (!plan) return errors_body(plan.error());
    std::string out;
    auto print = [&](const std::string& key, const sql::statement& st) {
        out += "-- " + key + "\n" + st.text + ";\n";
        for (std::size_t i = 0; i < st.params.size(); ++i)
            out += "-- $" + std::to_string(i + 1) + " = " + (st.params[i] ? *st.params[i] : "NULL") + "\n";
    };
    auto print_errors = [&](const std::string& key, const std::vector<error>& errs) {
        out += "-- " + key + "\n" + errors_body(errs) + "\n";
    };
    const bool is_mutation = plan->kind == graphql::operation_kind::mutation;
    for (const auto& fp : plan->root_fields) {
        if (!fp.field) continue;
        if (is_mutation) {
            // Context values come from the request's session at run time; shown as NULL here.
            std::vector<std::optional<std::string>> context(
                fp.field->function ? fp.field->function->context.size() : 0);
            auto c = sql::compile_mutation(*I.schema, fp, context);
            if (c) print(fp.response_key, c->stmt);
            else print_errors(fp.response_key, c.error());
        } else if (fp.field->root == graphql::field_def::root_kind::connection) {
            auto c = sql::compile_connection(*I.schema, fp, I.cfg.max_page_size);
            if (c) print(fp.response_key, c->stmt);
            else print_errors(fp.response_key, c.error());
        } else if (fp.field->root != graphql::field_def::root_kind::none) {
            auto c = sql::compile_root_query(*I.schema, fp, {I.cfg.max_page_size});
            if (c) print(fp.response_key, c->stmt);
            else print_errors(fp.response_key, c.error());
        }
    }
    return out;
}

asio::awaitable<bool> engine::ready() {
    if (!impl_->pool) co_return false;
    auto lease = co_await impl_->pool->acquire(pg::clock::now() + std::chrono::seconds(2));
    if (!lease) co_return false;
    pg::statement st{"SELECT 1", {}, nullptr};
    auto r = co_await (*lease)->run(std::span<const pg::statement>(&st, 1),
                                    pg::clock::now() + std::chrono::seconds(2));
    co_return r.has_value();
}

std::string engine::metrics_text() const {
    return impl_->m.text(impl_->cfg.backend, impl_->pool ? impl_->pool->metrics() : pg::pool_metrics{});
}

} // namespace fraiseql::exec
