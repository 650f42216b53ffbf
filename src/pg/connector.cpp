// Backend selection (product spec §1 and §6): `native` (default) or `libpq`; `rust` and
// `psycopg` are the original release plan's names for the same two backends. Also the
// statement mode (`statement_cache = named | unnamed`, product.md §6.1) and the check that
// named statements are not sent through a transaction-mode pooler (connection.hpp).
#include <atomic>
#include <charconv>
#include <mutex>
#include <string>

#include "fraiseql/pg/connection.hpp"
#include "fraiseql/pg/libpq.hpp"
#include "fraiseql/pg/native.hpp"

namespace fraiseql::pg {

fraiseql::result<backend_kind, std::string> parse_backend_kind(std::string_view s) {
    if (s == "native" || s == "rust") return backend_kind::native;
    if (s == "libpq" || s == "psycopg") return backend_kind::libpq;
    return failure{"invalid backend '" + std::string(s) +
                   "': valid values are native, libpq (aliases: rust = native, "
                   "psycopg = libpq)"};
}

std::string_view to_string(transaction_state s) noexcept {
    switch (s) {
    case transaction_state::idle: return "idle";
    case transaction_state::in_transaction: return "in_transaction";
    case transaction_state::failed: return "failed";
    case transaction_state::unknown: return "unknown";
    }
    return "unknown";
}

fraiseql::result<statement_mode, std::string> parse_statement_mode(std::string_view s) {
    if (s == "named") return statement_mode::named;
    if (s == "unnamed") return statement_mode::unnamed;
    return failure{"invalid statement mode '" + std::string(s) +
                   "': valid values are named, unnamed"};
}

std::string_view to_string(statement_mode m) noexcept {
    return m == statement_mode::unnamed ? "unnamed" : "named";
}

namespace {

/// Reads the one integer of `SELECT pg_backend_pid()`.
class pid_sink final : public row_sink {
public:
    asio::awaitable<bool> on_rows(std::span<const row_view> rows) override {
        for (const auto& r : rows) {
            if (r.size() != 1 || r[0].is_null()) continue;
            const auto t = r[0].text();
            std::int32_t v = 0;
            if (std::from_chars(t.data(), t.data() + t.size(), v).ec == std::errc()) pid = v;
        }
        co_return true;
    }
    std::int32_t pid = 0;
};

/// Named statements through a pooler (connector_options::statements): the first connection
/// compares the process id of its BackendKeyData ("55.2.1. Start-up": the key PostgreSQL
/// gives for CancelRequest) with the session's own pg_backend_pid(). PostgreSQL sends its
/// process id there; PgBouncer (1.18 and later) and the other poolers that share server
/// sessions between clients invent a key of their own, since a client's cancel must be routed
/// to whichever session runs its statement at the time. A TCP proxy passes the key through.
/// Once a pooler is seen, every later connect() fails at once with the same message: the
/// configuration is wrong, and waiting will not fix it.
class pooler_check_connector final : public connector {
public:
    explicit pooler_check_connector(std::unique_ptr<connector> inner)
        : inner_(std::move(inner)) {}

    asio::awaitable<result<std::unique_ptr<connection>>> connect(deadline dl) override {
        if (verdict_.load(std::memory_order_acquire) == verdict::pooled)
            co_return failure{error{errc::unsupported, refusal()}};
        auto c = co_await inner_->connect(dl);
        if (!c || verdict_.load(std::memory_order_acquire) == verdict::direct) co_return c;
        pid_sink sink;
        const statement probe{"SELECT pg_backend_pid()", {}, &sink, format::text, false};
        if (auto r = co_await (*c)->run(std::span<const statement>(&probe, 1), dl); !r)
            co_return failure{std::move(r).error()};
        const std::int32_t key_pid = (*c)->backend_pid();
        if (sink.pid != 0 && sink.pid == key_pid) {
            verdict_.store(verdict::direct, std::memory_order_release);
            co_return c;
        }
        {
            std::lock_guard lock(m_);
            if (message_.empty())
                message_ =
                    "named prepared statements cannot be used through a connection pooler: the "
                    "server's cancel key names process " +
                    std::to_string(static_cast<std::uint32_t>(key_pid)) +
                    " but the session runs in process " + std::to_string(sink.pid) +
                    ", so something between FraiseQL and PostgreSQL (PgBouncer?) shares "
                    "sessions between clients, where a named statement is missing or belongs "
                    "to another client; set statement_cache = unnamed (docs/scaling.md, "
                    "\"Transaction-mode poolers\")";
        }
        verdict_.store(verdict::pooled, std::memory_order_release);
        co_return failure{error{errc::unsupported, refusal()}};
    }
    std::string_view backend_name() const noexcept override { return inner_->backend_name(); }

private:
    enum class verdict : std::uint8_t { unknown, direct, pooled };
    std::string refusal() const {
        std::lock_guard lock(m_);
        return message_;
    }
    std::unique_ptr<connector> inner_;
    std::atomic<verdict> verdict_{verdict::unknown};
    mutable std::mutex m_;
    std::string message_; ///< guarded by m_; set once
};

result<std::unique_ptr<connector>> with_pooler_check(result<std::unique_ptr<connector>> c,
                                                     const connector_options& options) {
    if (!c || !options.refuse_pooler || options.statements == statement_mode::unnamed ||
        options.statement_cache_size == 0)
        return c;
    return std::unique_ptr<connector>(std::make_unique<pooler_check_connector>(std::move(*c)));
}

} // namespace

std::string_view to_string(backend_kind k) noexcept {
    switch (k) {
    case backend_kind::native: return "native";
    case backend_kind::libpq: return "libpq";
    }
    return "unknown";
}

result<std::unique_ptr<connector>> make_connector(backend_kind kind, asio::any_io_executor ex,
                                                  std::string_view connection_string) {
    return make_connector(kind, std::move(ex), connection_string, connector_options{});
}

result<std::unique_ptr<connector>> make_connector(backend_kind kind, asio::any_io_executor ex,
                                                  std::string_view connection_string,
                                                  const connector_options& options) {
    switch (kind) {
    case backend_kind::native: {
        native_options o;
        o.statement_cache_size = options.statement_cache_size;
        o.statements = options.statements;
        return with_pooler_check(
            make_native_connector(std::move(ex), connection_string, std::move(o)), options);
    }
    case backend_kind::libpq:
        return with_pooler_check(make_libpq_connector(std::move(ex), connection_string, options),
                                 options);
    }
    return make_error(errc::unsupported, "unknown backend kind");
}

} // namespace fraiseql::pg
