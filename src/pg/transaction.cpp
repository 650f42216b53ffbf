// The scoped transaction guard (include/fraiseql/pg/transaction.hpp). Backend-neutral: it
// only uses pg::connection, so both backends share it and behave the same.
#include "fraiseql/pg/transaction.hpp"

#include <string>

namespace fraiseql::pg {
namespace {

/// Keeps the command tag: COMMIT of a failed transaction answers "ROLLBACK", not an error
/// (PostgreSQL docs, COMMIT: "If the transaction … was aborted, … ROLLBACK is performed").
struct tag_sink final : row_sink {
    std::string tag;
    asio::awaitable<bool> on_rows(std::span<const row_view>) override { co_return true; }
    void on_complete(std::string_view t) override { tag.assign(t); }
};

std::string begin_sql(const transaction_options& o) {
    using level = transaction_options::isolation_level;
    std::string sql = "BEGIN";
    switch (o.isolation) {
    case level::server_default: break;
    case level::read_committed: sql += " ISOLATION LEVEL READ COMMITTED"; break;
    case level::repeatable_read: sql += " ISOLATION LEVEL REPEATABLE READ"; break;
    case level::serializable: sql += " ISOLATION LEVEL SERIALIZABLE"; break;
    }
    if (o.read_only) sql += " READ ONLY";
    if (o.deferrable) sql += " DEFERRABLE";
    return sql;
}

} // namespace

asio::awaitable<result<transaction>> transaction::begin(connection& c, deadline dl,
                                                        transaction_options options) {
    // A ROLLBACK still owed by an abandoned guard is sent by run() first, so the state is
    // only judged after that: an abandoned block does not make the next begin() fail.
    if (!c.rollback_requested() && c.transaction_status() != transaction_state::idle) {
        if (c.transaction_status() == transaction_state::unknown)
            co_return make_error(errc::connection_lost, "connection is broken");
        co_return make_error(errc::unsupported,
                             "already inside a transaction block (use a SAVEPOINT to nest)");
    }
    const std::string sql = begin_sql(options);
    const statement st{sql, {}, nullptr, format::text, true};
    auto r = co_await c.run(std::span<const statement>(&st, 1), dl);
    if (!r) co_return failure{std::move(r).error()};
    co_return transaction(c);
}

transaction& transaction::operator=(transaction&& o) noexcept {
    if (this != &o) {
        if (c_) c_->request_rollback();
        c_ = std::exchange(o.c_, nullptr);
    }
    return *this;
}

transaction::~transaction() {
    if (c_) c_->request_rollback();
}

asio::awaitable<result<void>> transaction::commit(deadline dl) { return finish("COMMIT", dl); }

asio::awaitable<result<void>> transaction::rollback(deadline dl) {
    return finish("ROLLBACK", dl);
}

asio::awaitable<result<void>> transaction::finish(std::string_view sql, deadline dl) {
    connection* c = std::exchange(c_, nullptr);
    if (!c) co_return make_error(errc::unsupported, "the transaction is already finished");
    tag_sink sink;
    const statement st{sql, {}, &sink, format::text, true};
    auto r = co_await c->run(std::span<const statement>(&st, 1), dl);
    // Whatever happened, no later statement may run inside this block.
    if (c->transaction_status() != transaction_state::idle) c->request_rollback();
    if (!r) co_return r;
    if (sql == "COMMIT" && sink.tag == "ROLLBACK") {
        error e{errc::server_error,
                "the transaction had failed and was rolled back instead of committed"};
        e.mutable_server().severity = "ERROR";
        e.mutable_server().code = sqlstate::in_failed_sql_transaction();
        e.mutable_server().message = e.message;
        co_return failure{std::move(e)};
    }
    co_return result<void>{};
}

} // namespace fraiseql::pg
