#include "persisted_queries.hpp"

#include <openssl/sha.h>

#include <algorithm>

#include <spdlog/spdlog.h>

#include "fraiseql/ascii.hpp"

namespace fraiseql::exec {

using graphql::error;

namespace {

// The table's statements (docs/scaling.md "Many instances"). A lookup refreshes
// last_used_at at most once a minute per entry, so a hot query costs a write only that often
// (the UPDATE finds no row to change otherwise: no row lock, no WAL); the SELECT runs in the
// same implicit transaction (one pipeline, one Sync), so it works through PgBouncer in
// transaction mode like every other statement.
constexpr std::string_view touch_sql =
    "UPDATE fraiseql_persisted_queries SET last_used_at = now() "
    "WHERE hash = $1 AND last_used_at < now() - interval '1 minute'";
constexpr std::string_view select_sql =
    "SELECT query FROM fraiseql_persisted_queries WHERE hash = $1";
// A registration: the row (a text that was stored under its hash but no longer matches it
// is replaced), then the least recently used rows beyond apq_store_size go.
constexpr std::string_view insert_sql =
    "INSERT INTO fraiseql_persisted_queries (hash, query) VALUES ($1, $2) "
    "ON CONFLICT (hash) DO UPDATE SET query = excluded.query, last_used_at = now()";
constexpr std::string_view evict_sql =
    "DELETE FROM fraiseql_persisted_queries WHERE hash IN (SELECT hash FROM "
    "fraiseql_persisted_queries ORDER BY last_used_at DESC, hash OFFSET $1)";

bool is_hex(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    });
}

/// The one text column of the lookup's SELECT.
class text_sink final : public pg::row_sink {
public:
    boost::asio::awaitable<bool> on_rows(std::span<const pg::row_view> rows) override {
        for (const auto& r : rows)
            if (r.size() == 1 && !r[0].is_null()) text = std::string(r[0].text());
        co_return true;
    }
    std::optional<std::string> text;
};

} // namespace

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
    : mode_(mode), capacity_(capacity), texts_(capacity) {}

persisted_queries::persisted_queries(const config& cfg, std::shared_ptr<pg::pool> pool)
    : mode_(cfg.apq), kind_(cfg.apq_store), capacity_(cfg.apq_store_size),
      max_document_(cfg.max_body_size), statement_timeout_(cfg.statement_timeout),
      production_(cfg.environment == environment_kind::production), pool_(std::move(pool)),
      texts_(cfg.apq_store_size) {
    if (kind_ == apq_store_kind::postgres && !pool_) kind_ = apq_store_kind::memory;
}

std::optional<refusal> persisted_queries::resolve_locally(request& req, next_step& next,
                                                          std::string& hash) {
    next = next_step::none;
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
    if (!h || !h->is_string() || h->get_string().size() != 64 || !is_hex(h->get_string()))
        return refuse("extensions.persistedQuery.sha256Hash must be a 64-character hex string.",
                      graphql::code::bad_user_input);
    hash = ascii::to_lower(std::string(h->get_string()));
    if (req.query.empty()) {
        auto q = texts_.get(hash);
        if (q) {
            req.query = std::move(*q);
            return std::nullopt;
        }
        if (kind_ == apq_store_kind::postgres) {
            next = next_step::lookup;
            return std::nullopt;
        }
        return refuse("PersistedQueryNotFound", graphql::code::persisted_query_not_found);
    }
    // Never trust the client's hash: what is stored under a hash is a text that has it.
    if (sha256_hex(req.query) != hash)
        return refuse("provided sha does not match query", graphql::code::bad_user_input);
    // Known here already: the table has it too (stored by this process, or found there).
    if (kind_ == apq_store_kind::postgres && !texts_.get(hash)) next = next_step::store;
    texts_.put(hash, req.query);
    return std::nullopt;
}

bool persisted_queries::may_need_table(const request& req) const noexcept {
    return kind_ == apq_store_kind::postgres && req.extensions.is_object() &&
           req.extensions.get_object().contains("persistedQuery");
}

std::optional<refusal> persisted_queries::resolve(request& req) {
    next_step next = next_step::none;
    std::string hash;
    auto r = resolve_locally(req, next, hash);
    if (next == next_step::lookup)
        return refusal::of(error::at("PersistedQueryNotFound", {},
                                     graphql::code::persisted_query_not_found),
                           200);
    return r;
}

boost::asio::awaitable<std::optional<refusal>> persisted_queries::resolve(request& req,
                                                                          pg::deadline dl) {
    next_step next = next_step::none;
    std::string hash;
    auto r = resolve_locally(req, next, hash);
    if (next == next_step::lookup) co_return co_await look_up(req, std::move(hash), dl);
    if (next == next_step::store) co_await store(hash, req.query, dl);
    co_return r;
}

boost::asio::awaitable<std::optional<refusal>>
persisted_queries::look_up(request& req, std::string hash, pg::deadline dl) {
    text_sink sink;
    const pg::param key[] = {pg::param::text(hash, pg::oid::text)};
    const pg::statement stmts[] = {pg::statement{touch_sql, key, nullptr},
                                   pg::statement{select_sql, key, &sink}};
    auto r = co_await run(stmts, dl);
    if (!r) co_return unavailable(req, r.error());
    // A row whose text does not have its hash (written behind our back) is not served; a
    // client that then registers the text again replaces it (insert_sql).
    if (sink.text && sha256_hex(*sink.text) != hash) {
        spdlog::warn("request {}: {} row {} holds a text with another hash; ignored",
                     req.request_id, apq_table, hash);
        sink.text.reset();
    }
    if (!sink.text)
        co_return refusal::of(error::at("PersistedQueryNotFound", {},
                                        graphql::code::persisted_query_not_found),
                              200);
    texts_.put(hash, *sink.text);
    req.query = std::move(*sink.text);
    co_return std::nullopt;
}

boost::asio::awaitable<void> persisted_queries::store(const std::string& hash,
                                                      const std::string& text, pg::deadline dl) {
    // The body limit already bounds a text; the check keeps the table's bound explicit.
    if (text.size() > max_document_) co_return;
    const std::string keep = std::to_string(capacity_);
    const pg::param row[] = {pg::param::text(hash, pg::oid::text),
                             pg::param::text(text, pg::oid::text)};
    const pg::param limit[] = {pg::param::text(keep, pg::oid::int8)};
    const pg::statement stmts[] = {pg::statement{insert_sql, row, nullptr},
                                   pg::statement{evict_sql, limit, nullptr}};
    // The request has its text: a table that cannot take it costs a later process one
    // PERSISTED_QUERY_NOT_FOUND (the client then sends the text again), not this request.
    if (auto r = co_await run(stmts, dl); !r)
        spdlog::warn("persisted query {} not stored in {}: {}", hash, apq_table,
                     r.error().code == pg::errc::server_error ? r.error().server().message
                                                              : r.error().message);
}

boost::asio::awaitable<pg::result<void>>
persisted_queries::run(std::span<const pg::statement> stmts, pg::deadline dl) {
    dl = std::min(dl, pg::clock::now() + statement_timeout_);
    auto lease = co_await pool_->acquire(dl);
    if (!lease) co_return failure{std::move(lease).error()};
    auto r = co_await (*lease)->run(stmts, dl);
    if (!r && r.error().code == pg::errc::server_error &&
        r.error().server().code == pg::sqlstate("42P01")) { // undefined_table
        if (auto c = co_await create_table(**lease, dl); !c) co_return c;
        r = co_await (*lease)->run(stmts, dl);
    }
    co_return r;
}

boost::asio::awaitable<pg::result<void>> persisted_queries::create_table(pg::connection& c,
                                                                         pg::deadline dl) {
    const pg::statement ddl[] = {pg::statement{apq_table_ddl, {}, nullptr, pg::format::text, false},
                                 pg::statement{apq_index_ddl, {}, nullptr, pg::format::text, false}};
    auto r = co_await c.run(ddl, dl);
    if (r) {
        spdlog::info("created the persisted-query table {} (apq_store = postgres)", apq_table);
        co_return r;
    }
    const auto code = r.error().server().code;
    // Another process created it at the same moment: IF NOT EXISTS checks before it inserts
    // into the catalogue, so the loser sees a duplicate (42P07, or 23505 on pg_type).
    if (code == pg::sqlstate("42P07") || code == pg::sqlstate("23505")) co_return pg::result<void>{};
    if (r.error().code == pg::errc::server_error)
        r.error().message = std::string(apq_table) + " does not exist and cannot be created (" +
                            r.error().server().message +
                            "): create it with the DDL in docs/scaling.md and grant SELECT, "
                            "INSERT, UPDATE, DELETE on it to this role";
    co_return r;
}

refusal persisted_queries::unavailable(const request& req, const pg::error& e) const {
    const std::string why =
        e.code == pg::errc::server_error && e.message.find(apq_table) == std::string::npos
            ? e.server().message
            : std::string(pg::to_string(e.code)) + ": " + e.message;
    spdlog::warn("request {}: persisted-query store {} unavailable: {}", req.request_id, apq_table,
                 why);
    const bool timed_out = e.code == pg::errc::timeout || e.code == pg::errc::pool_exhausted;
    std::string message = "The persisted-query store is unavailable";
    if (production_) message += " (request id " + req.request_id + ").";
    else message += ": " + why;
    return refusal::of(error::at(std::move(message), {},
                                 timed_out ? graphql::code::timeout : graphql::code::database_error),
                       503);
}

} // namespace fraiseql::exec
