// The request pipeline (docs/architecture.md, docs/adr/0012-engine-stages-and-auth.md):
// authenticate -> resolve the document (APQ, plan cache, parse, validate, prepare) -> bind
// -> authorize -> run the roots -> write the response. Each stage is a function or object
// of its own file; this one only puts them in order.

#include "fraiseql/exec/engine.hpp"

#include <algorithm>
#include <atomic>
#include <exception>

#include <boost/container/small_vector.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "authorization.hpp"
#include "commit_positions.hpp"
#include "context.hpp"
#include "cpu_worker.hpp"
#include "document_resolver.hpp"
#include "fraiseql/exec/auth.hpp"
#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/sql/compiler.hpp"
#include "fraiseql/sql/connection.hpp"
#include "fraiseql/sql/mutation.hpp"
#include "metrics.hpp"
#include "persisted_queries.hpp"
#include "response_writer.hpp"
#include "recycled.hpp"
#include "root_runner.hpp"

namespace fraiseql::exec {

namespace asio = boost::asio;
using graphql::error;

namespace {

/// product.md §9 "other clients' small queries are delayed by at most 100 ms": a request
/// whose document (or variables) is larger than this runs its document stage on the CPU
/// worker instead of the I/O thread. Below it the stage costs well under a millisecond
/// (the plan-cache micro-benchmark's documents are a few hundred bytes), so normal
/// traffic never pays the two thread hops.
constexpr std::size_t heavy_document_bytes = 8 * 1024;
constexpr std::size_t heavy_variable_nodes = 2048;

/// True when `v` has more than `limit` JSON values (counting stops there).
bool more_values_than(const boost::json::value& v, std::size_t limit) {
    // A typical request's variables are a small object of scalars: no work list on the heap.
    if (v.is_object() && v.get_object().size() < limit) {
        bool flat = true;
        for (const auto& kv : v.get_object()) flat = flat && !kv.value().is_structured();
        if (flat) return false;
    } else if (!v.is_structured()) {
        return false;
    }
    std::size_t n = 0;
    // Inline for a whole `where` object of a generated client (its pending values: the
    // siblings along one path), which binds without the heap (issue 15).
    boost::container::small_vector<const boost::json::value*, 64> todo{&v};
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

/// Session settings from claims and headers (product.md §5). A missing source gives an
/// empty value: never a previous request's.
std::vector<std::pair<std::string, std::string>> session_settings(const config& cfg,
                                                                  const request& req,
                                                                  const auth_context& who) {
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

/// Who the client is for read-your-writes (read_your_writes_client); "" when the request
/// does not say (anonymous, no such claim or header): such a client gets no read-your-writes.
std::string client_identity_of(const config& cfg, const request& req, const auth_context& who,
                               const std::vector<std::pair<std::string, std::string>>& session) {
    const auto& id = cfg.read_your_writes_client;
    switch (id.source) {
    case client_identity::source_kind::none: return {};
    case client_identity::source_kind::claim:
        return who.claims.empty() ? std::string() : claim_text(who.claims, id.name);
    case client_identity::source_kind::header:
        for (const auto& [k, v] : req.headers)
            if (k == id.name) return v;
        return {};
    case client_identity::source_kind::session:
        for (const auto& [setting, v] : session)
            if (setting == id.name) return v;
        return {};
    }
    return {};
}

/// Whether any root field that will run reads the database (introspection and __typename
/// need no connection, so they are not routed at all).
bool touches_database(const graphql::operation_plan& plan, const std::vector<bool>& forbidden) {
    for (std::size_t i = 0; i < plan.root_fields.size(); ++i)
        if (!forbidden_at(forbidden, i) && reads_database(plan.root_fields[i])) return true;
    return false;
}

/// The most read-your-writes entries kept (a budget, product.md §9): about 64 bytes each.
constexpr std::size_t read_your_writes_max_clients = 100'000;

/// write_response, and the log line of an aborted stream (a function of its own: its
/// locals stay out of engine::execute's coroutine frame).
response written(const graphql::operation_plan& plan, roots_outcome outcome,
                 std::vector<error>& errors, const std::string& request_id) {
    auto res = write_response(plan, std::move(outcome), errors);
    if (res.aborted) spdlog::warn("request {}: response aborted mid-stream", request_id);
    return res;
}

response to_response(refusal r) {
    response res;
    res.status = r.status;
    res.body = errors_body(r.errors);
    res.request_error = r.request_error;
    res.mutation_over_get = r.mutation_over_get;
    res.www_authenticate = std::move(r.www_authenticate);
    return res;
}

using front_end_outcome = fraiseql::result<bound_operation, refusal>;

// What engine::execute keeps across its awaits, out of its coroutine frame so that the frame
// fits Asio's frame recycling (recycled.hpp; a bound operation alone is 600 bytes). Two
// parts, so that the plan's users (run_state) end before the plan (front_state), as the
// frame's own locals did.
struct front_state {
    std::vector<error> errors; ///< every error of the response, for the metrics
    std::optional<fraiseql::result<auth::auth_context, auth::auth_failure>> who;
    std::optional<refusal> apq;
    std::optional<front_end_outcome> fe_inline;
};
struct run_state {
    authorization authz;
    roots_outcome outcome;
    std::vector<std::pair<std::string, std::string>> session;
    std::string client;
    pg::route where;
    std::optional<exec_context> ctx; ///< one per run of the root fields (at most two)
};

} // namespace

struct engine::impl {
    std::shared_ptr<const graphql::schema> schema;
    std::shared_ptr<pg::pool> pool;
    config cfg;
    metrics m;
    std::shared_ptr<const jwt_verifier> verifier;
    std::unique_ptr<persisted_queries> persisted;
    std::unique_ptr<document_resolver> documents;
    /// Read replicas (null without replica_urls) and the clients' commit positions.
    std::shared_ptr<pg::replica_set> replicas;
    std::unique_ptr<commit_positions> positions;
    std::atomic<std::uint64_t> replica_retries{0};
    /// The schema has @auth somewhere (authorization::uses_auth): else nothing to authorize.
    bool any_auth = true;
    /// Declared last: destroyed (joined) first, before the members its work reads.
    std::unique_ptr<cpu_worker> cpu;

    /// The document stage and the binding (synchronous, CPU only).
    front_end_outcome resolve_and_bind(request& req) {
        auto doc = documents->resolve(req);
        if (!doc) return failure{std::move(doc.error())};
        return bind_request(std::move(*doc), req.variables);
    }

    /// The same, on the CPU worker: a large request (`heavy`), so that the I/O thread keeps
    /// serving other clients meanwhile (product.md §9).
    asio::awaitable<std::shared_ptr<front_end_outcome>> front_end_on_worker(request& req) {
        if (!cpu->try_claim())
            co_return std::make_shared<front_end_outcome>(failure{refusal::of(
                error::at("Server busy: too many large documents are being planned; retry later.",
                          {}, "SERVER_BUSY"),
                503)});
        try {
            co_return co_await cpu->run([this, &req] {
                return std::make_shared<front_end_outcome>(resolve_and_bind(req));
            });
        } catch (...) {
            spdlog::error("request {}: front end failed on the CPU worker", req.request_id);
        }
        co_return std::make_shared<front_end_outcome>(failure{
            refusal::of(error::at("Internal error.", {}, graphql::code::internal_error), 500)});
    }
};

engine::engine(std::shared_ptr<const graphql::schema> schema, std::shared_ptr<pg::pool> pool,
               config cfg, std::shared_ptr<const jwt_verifier> verifier,
               std::shared_ptr<pg::replica_set> replicas)
    : impl_(std::make_unique<impl>()) {
    impl_->replicas = std::move(replicas);
    impl_->positions = std::make_unique<commit_positions>(cfg.read_your_writes_window,
                                                          read_your_writes_max_clients);
    impl_->verifier = std::move(verifier);
    impl_->schema = std::move(schema);
    impl_->pool = std::move(pool);
    impl_->cfg = std::move(cfg);
    impl_->persisted = std::make_unique<persisted_queries>(impl_->cfg, impl_->pool);
    impl_->documents = std::make_unique<document_resolver>(*impl_->schema, impl_->cfg, impl_->m);
    impl_->any_auth = uses_auth(*impl_->schema);
    impl_->cpu = std::make_unique<cpu_worker>();
}

engine::~engine() {
    // Join the worker before the caches and the schema its work reads are destroyed.
    impl_->cpu.reset();
}

const config& engine::settings() const noexcept { return impl_->cfg; }
const graphql::schema& engine::schema() const noexcept { return *impl_->schema; }

asio::awaitable<response> engine::execute(request req, response_stream* stream) {
    auto& I = *impl_;
    const auto started = pg::clock::now();
    auto deadline = started + I.cfg.request_timeout;
    if (req.deadline != pg::deadline{}) deadline = std::min(deadline, req.deadline);
    recycled<front_state> front;
    std::vector<error>& errors = front->errors;
    auto answer = [&](response res) {
        I.m.observe(pg::clock::now() - started, errors);
        return res;
    };
    auto refuse = [&](refusal r) {
        errors = r.errors;
        return answer(to_response(std::move(r)));
    };
    if (deadline <= started) {
        // A batch whose shared deadline passed in the operations before this one.
        co_return refuse(refusal::of(error::at("The request's deadline (request_timeout) passed "
                                               "before this operation could run.",
                                               {}, graphql::code::timeout),
                                     200));
    }

    // 1. Authenticate (auth component): an invalid credential never degrades to anonymous.
    auto& who = front->who.emplace(authenticate(req.authorization, I.verifier.get(),
                                                I.cfg.allow_anonymous,
                                                std::chrono::system_clock::now()));
    if (!who) {
        spdlog::info("request {}: unauthenticated ({}: {})", req.request_id,
                     to_string(who.error().why), who.error().log_message);
        co_return refuse(unauthenticated(who.error()));
    }

    // 2. Resolve the document (persisted query, plan cache, parse, validate, prepare, the
    //    GET rule) and bind it to the request's variables.
    // The table of `apq_store = postgres` is awaited only for a persisted-query request:
    // anything else is answered in memory, without a coroutine frame.
    // (Two statements, not `?:`: GCC 12 miscompiles a co_await inside a conditional operator.)
    std::optional<refusal>& apq = front->apq;
    if (I.persisted->may_need_table(req)) apq = co_await I.persisted->resolve(req, deadline);
    else apq = I.persisted->resolve(req);
    if (apq) co_return refuse(std::move(*apq));
    const bool heavy = req.query.size() > heavy_document_bytes ||
                       more_values_than(req.variables, heavy_variable_nodes);
    // A small request's document stage runs inline, in this frame (no coroutine of its own);
    // a large one's on the CPU worker. One function does it either way.
    std::optional<front_end_outcome>& fe_inline = front->fe_inline;
    std::shared_ptr<front_end_outcome> fe_heavy;
    if (heavy) fe_heavy = co_await I.front_end_on_worker(req);
    else fe_inline.emplace(I.resolve_and_bind(req));
    // A large document's tree, prepared operation and plan are freed on the worker too
    // (tens of thousands of small frees) when this coroutine ends. Everything declared
    // after this guard (the plan's users) is gone by then; it takes the only reference.
    struct dispose_on_worker {
        cpu_worker* worker;
        std::shared_ptr<front_end_outcome>& owned;
        ~dispose_on_worker() {
            if (worker) worker->dispose(std::move(owned));
        }
    } dispose{heavy ? I.cpu.get() : nullptr, fe_heavy};
    front_end_outcome& fe = heavy ? *fe_heavy : *fe_inline;
    if (!fe) co_return refuse(std::move(fe.error()));
    const bound_operation& bound = *fe;

    // 3. Authorize: the introspection policy, then @auth on every selected field — against
    //    the shared plan (a plan-cache shape's is never copied); a caller for whom a nested
    //    field must read nothing gets its own edited copy (authorization::rewritten).
    if (auto r = check_introspection(bound.plan(), *who, I.cfg.introspection))
        co_return refuse(std::move(*r));
    recycled<run_state> run;
    authorization& authz = run->authz;
    if (I.any_auth) authorize(*I.schema, bound.plan(), *who, authz);
    const graphql::operation_plan& plan = authz.plan(bound.plan());

    // 4. Run the root fields: with replicas, a mutation on the primary (remembering where
    //    its commit ended for the client), a read where replicas->route_read() sends it —
    //    a replica that has replayed the client's last commit, else the primary
    //    (docs/scaling.md, docs/adr/0013-replicas-and-poolers.md).
    auto& session = run->session;
    session = session_settings(I.cfg, req, *who);
    const bool write = plan.kind == graphql::operation_kind::mutation;
    std::string& client = run->client;
    pg::route& where = run->where;
    where = pg::route{I.pool, pg::route_role::primary, 0};
    if (I.replicas && touches_database(plan, authz.root_forbidden)) {
        client = client_identity_of(I.cfg, req, *who, session);
        if (!write) {
            auto r = I.replicas->route_read(I.positions->required(client, pg::clock::now()));
            if (!r) {
                spdlog::warn("request {}: {}", req.request_id, r.error().message);
                co_return refuse(refusal::of(
                    error::at("No database replica is available for reads "
                              "(replica_fallback = error).",
                              {}, graphql::code::database_error),
                    503));
            }
            where = std::move(*r);
        }
    }
    // The root fields run here, in this frame (no coroutine layer per attempt), at most twice:
    // one road for a second run, on the primary, at most once, and only when nothing of the
    // first reached the client (its answer is dropped whole: one operation reads from one
    // server, once):
    // - a read failed on a replica for a reason the primary does not share (§6.1: no client
    //   sees an error the primary could have answered);
    // - a read met a pooled connection the server had closed while it sat idle
    //   (pg::error::unanswered: the pool polls idle sockets only after
    //   liveness_check_after, pool.hpp, issue 15). Never a mutation: the server may have
    //   received it and committed before going away.
    pg::pool* target = where.target.get();
    bool on_replica = where.role == pg::route_role::replica;
    roots_outcome& outcome = run->outcome;
    pg::lsn commit_lsn = 0;
    for (int pass = 0;; ++pass) {
        exec_context& ctx =
            run->ctx.emplace(*I.schema, *target, I.cfg, req.request_id, deadline,
                             std::move(session), nullptr, std::size_t{64 * 1024}, false);
        ctx.cancel = req.cancel.get();
        ctx.on_replica = on_replica;
        ctx.capture_commit_lsn = I.replicas && write;
        if (bound.binding) ctx.precompiled = bound.binding->roots;
        co_await run_roots(ctx, plan, authz.root_forbidden, stream, outcome);
        commit_lsn = ctx.commit_lsn;
        const bool streamed = outcome.stream_started || ctx.flushed;
        const bool replica_failed = on_replica && ctx.replica_failed.load();
        const bool stale = !write && ctx.stale_connection.load();
        if (pass > 0 || streamed || !(replica_failed || stale)) break;
        if (replica_failed) {
            ++I.replica_retries;
            spdlog::info("request {}: read failed on replica {}; running it on the primary",
                         req.request_id, where.replica_index + 1);
            if (ctx.replica_down.load())
                I.replicas->report_failure(where.replica_index, "a read failed on this replica");
        } else {
            ++I.m.stale_connection_retries;
            spdlog::info("request {}: a pooled connection was already closed by the server; "
                         "running the read again on another",
                         req.request_id);
        }
        session = std::move(ctx.session);
        target = I.pool.get();
        on_replica = false;
    }
    if (write && commit_lsn != 0) I.positions->remember(client, commit_lsn, pg::clock::now());

    // 5. Write the response.
    errors = std::move(authz.errors);
    co_return answer(written(plan, std::move(outcome), errors, req.request_id));
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
    auto plan = graphql::plan_operation(*I.schema, *doc, operation_name,
                                        input_from_json(variables), popts);
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
    for (const auto& fp : plan->root_fields) {
        switch (fp.resolved_by) {
        case graphql::root_resolver::mutation: {
            // Context values come from the request's session at run time; shown as NULL here.
            std::vector<std::optional<std::string>> context(
                fp.field->function ? fp.field->function->context.size() : 0);
            auto c = sql::compile_mutation(*I.schema, fp, context);
            if (c) print(fp.response_key, c->stmt);
            else print_errors(fp.response_key, c.error());
            break;
        }
        case graphql::root_resolver::connection: {
            auto c = sql::compile_connection(*I.schema, fp, I.cfg.max_page_size);
            if (c) print(fp.response_key, c->stmt);
            else print_errors(fp.response_key, c.error());
            break;
        }
        case graphql::root_resolver::list:
        case graphql::root_resolver::single:
        case graphql::root_resolver::aggregate:
        case graphql::root_resolver::group_by: {
            auto c = sql::compile_root_query(*I.schema, fp, {I.cfg.max_page_size});
            if (c) print(fp.response_key, c->stmt);
            else print_errors(fp.response_key, c.error());
            break;
        }
        case graphql::root_resolver::none:
        case graphql::root_resolver::typename_:
        case graphql::root_resolver::schema:
        case graphql::root_resolver::type: break; // nothing reads the database
        }
    }
    return out;
}

asio::awaitable<bool> engine::ready() {
    if (!impl_->pool) co_return false;
    // Twice at most: a pooled connection the server closed while idle (pg::error::unanswered)
    // says nothing of the server now; the second acquire looks at the idle sockets (pool.hpp).
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto lease = co_await impl_->pool->acquire(pg::clock::now() + std::chrono::seconds(2));
        if (!lease) co_return false;
        pg::statement st{"SELECT 1", {}, nullptr};
        auto r = co_await (*lease)->run(std::span<const pg::statement>(&st, 1),
                                        pg::clock::now() + std::chrono::seconds(2));
        if (r) co_return true;
        if (!r.error().unanswered) co_return false;
    }
    co_return false;
}

asio::awaitable<engine::readiness> engine::readiness_report() {
    readiness out;
    out.ok = co_await ready();
    auto& I = *impl_;
    boost::json::array pools;
    const auto pm = I.pool ? I.pool->metrics() : pg::pool_metrics{};
    pools.push_back(boost::json::object{{"pool", "primary"}, {"role", "primary"}, {"up", out.ok},
                                        {"in_use", pm.in_use}, {"idle", pm.idle}});
    if (I.replicas) {
        const auto status = I.replicas->status();
        for (std::size_t i = 0; i < status.size(); ++i) {
            const auto& s = status[i];
            const auto rm = I.replicas->replicas()[i]->metrics();
            boost::json::object o{{"pool", "replica" + std::to_string(i + 1)},
                                  {"role", "replica"},
                                  {"up", s.reachable},
                                  {"in_recovery", s.in_recovery},
                                  {"eligible", s.eligible},
                                  {"lag_ms", s.lag.count()},
                                  {"in_use", rm.in_use},
                                  {"idle", rm.idle}};
            pools.push_back(std::move(o));
        }
    }
    out.body = boost::json::serialize(boost::json::object{
        {"status", out.ok ? "ready" : "database unreachable"}, {"pools", std::move(pools)}});
    co_return out;
}

std::string engine::metrics_text() const {
    auto& I = *impl_;
    const auto primary = I.pool ? I.pool->metrics() : pg::pool_metrics{};
    if (!I.replicas) return I.m.text(I.cfg.backend, primary);
    routing_report rr;
    rr.primary_reads = I.replicas->primary_reads();
    const auto status = I.replicas->status();
    for (std::size_t i = 0; i < status.size(); ++i)
        rr.replicas.push_back({I.replicas->replicas()[i]->metrics(), status[i]});
    rr.retries = I.replica_retries.load();
    rr.read_your_writes_clients = I.positions->size();
    rr.read_your_writes_evicted = I.positions->evicted();
    return I.m.text(I.cfg.backend, primary, &rr);
}

} // namespace fraiseql::exec
