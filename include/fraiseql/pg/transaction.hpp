#pragma once
/// \file
/// A scoped transaction block (BEGIN … COMMIT / ROLLBACK) on one pg::connection, for
/// either backend.
///
///     auto tx = co_await pg::transaction::begin(*lease, dl);
///     if (!tx) co_return failure{tx.error()};
///     … co_await lease->run(statements, dl) …
///     if (auto r = co_await tx->commit(dl); !r) co_return failure{r.error()};
///
/// Leaving the scope without commit() or rollback() rolls the transaction back. A
/// destructor cannot co_await, so it only marks the connection
/// (connection::request_rollback): the next run()/simple_query() on that connection
/// sends ROLLBACK first, and a pool lease returned in that state is rolled back by the
/// pool before anyone else gets the connection (dropped if that fails; see pool.hpp).
/// Either way no statement ever runs inside an abandoned transaction.
///
/// Lifetime: the guard refers to the connection; destroy it before the connection (or
/// the lease that owns it) — declaring it after the lease does that.

#include <cstdint>
#include <utility>

#include "fraiseql/pg/connection.hpp"

namespace fraiseql::pg {

struct transaction_options {
    enum class isolation_level : std::uint8_t {
        server_default, ///< default_transaction_isolation (usually READ COMMITTED)
        read_committed,
        repeatable_read,
        serializable,
    };
    isolation_level isolation = isolation_level::server_default;
    bool read_only = false;
    /// SERIALIZABLE READ ONLY DEFERRABLE: waits for a safe snapshot, then never fails
    /// with a serialization error (PostgreSQL docs, SET TRANSACTION).
    bool deferrable = false;
};

class transaction {
public:
    /// Sends BEGIN (with the options) on `c`. Errors: those of connection::run, and
    /// errc::unsupported when `c` is already inside a transaction block (PostgreSQL
    /// only warns there; nesting belongs to savepoints, which run() can send).
    static asio::awaitable<result<transaction>> begin(connection& c, deadline dl,
                                                      transaction_options options = {});

    transaction() = default;
    transaction(transaction&& o) noexcept : c_(std::exchange(o.c_, nullptr)) {}
    transaction& operator=(transaction&& o) noexcept;
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    /// Still active: asks the connection for a ROLLBACK before its next statement.
    ~transaction();

    /// COMMIT. The guard is finished afterwards whatever the outcome. A transaction
    /// that had already failed (a statement error inside it) cannot commit: the server
    /// rolls it back and this returns errc::server_error with SQLSTATE 25P02
    /// (in_failed_sql_transaction). A deferred constraint failing at COMMIT is its
    /// server_error. If the outcome is unknown (timeout, connection lost) the
    /// connection is broken() and must not be reused; the server rolls back.
    asio::awaitable<result<void>> commit(deadline dl);

    /// ROLLBACK. The guard is finished afterwards whatever the outcome.
    asio::awaitable<result<void>> rollback(deadline dl);

    /// Between a successful begin() and commit()/rollback().
    bool active() const noexcept { return c_ != nullptr; }

private:
    explicit transaction(connection& c) : c_(&c) {}
    asio::awaitable<result<void>> finish(std::string_view sql, deadline dl);

    connection* c_ = nullptr;
};

} // namespace fraiseql::pg
