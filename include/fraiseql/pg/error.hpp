#pragma once
/// \file
/// Errors reported by the PostgreSQL backends (native and libpq alike).

#include <cstdint>
#include <string>
#include <string_view>

#include "fraiseql/result.hpp"

namespace fraiseql::pg {

/// A five-character SQLSTATE code as a value (see PostgreSQL "Appendix A. Error Codes").
class sqlstate {
public:
    constexpr sqlstate() = default;
    constexpr explicit sqlstate(std::string_view code) {
        for (std::size_t i = 0; i < 5 && i < code.size(); ++i) c_[i] = code[i];
    }
    constexpr std::string_view str() const { return {c_, c_[0] ? 5u : 0u}; }
    constexpr std::string_view class_code() const { return str().substr(0, c_[0] ? 2 : 0); }
    constexpr bool empty() const { return c_[0] == 0; }
    friend constexpr bool operator==(const sqlstate& a, const sqlstate& b) {
        return a.str() == b.str();
    }

    static constexpr sqlstate successful_completion() { return sqlstate("00000"); }
    static constexpr sqlstate unique_violation() { return sqlstate("23505"); }
    static constexpr sqlstate foreign_key_violation() { return sqlstate("23503"); }
    static constexpr sqlstate not_null_violation() { return sqlstate("23502"); }
    static constexpr sqlstate check_violation() { return sqlstate("23514"); }
    static constexpr sqlstate syntax_error() { return sqlstate("42601"); }
    static constexpr sqlstate undefined_table() { return sqlstate("42P01"); }
    static constexpr sqlstate undefined_column() { return sqlstate("42703"); }
    static constexpr sqlstate undefined_function() { return sqlstate("42883"); }
    static constexpr sqlstate insufficient_privilege() { return sqlstate("42501"); }
    static constexpr sqlstate invalid_text_representation() { return sqlstate("22P02"); }
    static constexpr sqlstate division_by_zero() { return sqlstate("22012"); }
    static constexpr sqlstate query_canceled() { return sqlstate("57014"); }
    static constexpr sqlstate admin_shutdown() { return sqlstate("57P01"); }
    static constexpr sqlstate invalid_password() { return sqlstate("28P01"); }
    static constexpr sqlstate invalid_authorization_specification() { return sqlstate("28000"); }
    static constexpr sqlstate raise_exception() { return sqlstate("P0001"); }
    static constexpr sqlstate in_failed_sql_transaction() { return sqlstate("25P02"); }
    static constexpr sqlstate serialization_failure() { return sqlstate("40001"); }

private:
    char c_[5] = {0, 0, 0, 0, 0};
};

/// Every field of an ErrorResponse or NoticeResponse
/// (PostgreSQL docs, "55.8. Error and Notice Message Fields").
struct server_message {
    std::string severity;          ///< 'V' (non-localised) or 'S'
    sqlstate code;                 ///< 'C'
    std::string message;           ///< 'M'
    std::string detail;            ///< 'D'
    std::string hint;              ///< 'H'
    std::int32_t position = 0;     ///< 'P' (1-based, 0 = absent)
    std::int32_t internal_position = 0; ///< 'p'
    std::string internal_query;    ///< 'q'
    std::string where;             ///< 'W'
    std::string schema_name;       ///< 's'
    std::string table_name;        ///< 't'
    std::string column_name;       ///< 'c'
    std::string data_type_name;    ///< 'd'
    std::string constraint_name;   ///< 'n'
    std::string file;              ///< 'F'
    std::int32_t line = 0;         ///< 'L'
    std::string routine;           ///< 'R'
};

/// What went wrong, independent of the backend.
enum class errc {
    ok = 0,
    bad_connection_string, ///< the connection string or a parameter could not be parsed
    connection_failed,     ///< could not connect (DNS, refused, TLS handshake, startup)
    auth_failed,           ///< the server refused the credentials
    tls_error,             ///< TLS required/verification failed
    connection_lost,       ///< the connection broke mid-operation
    protocol_error,        ///< the server sent something that violates the protocol
    server_error,          ///< the statement failed; see error::server
    timeout,               ///< the deadline expired (a CancelRequest was sent)
    cancelled,             ///< cancelled by the caller or by the server (57014 not due to us)
    pool_exhausted,        ///< no connection could be acquired before the deadline
    pool_closed,           ///< the pool is shutting down
    unsupported,           ///< the backend cannot do this
};

/// Stable lower-case name of an error code ("auth_failed", ...).
std::string_view to_string(errc) noexcept;

/// An error value: a code, a human message, and — for server_error and
/// auth_failed — the server's fields.
struct error {
    errc code = errc::ok;
    std::string message;
    server_message server; ///< meaningful when code is server_error (or auth_failed)
    /// connection_lost only: the server answered nothing of the operation — the session
    /// was already gone when the request was sent (closed while the connection sat idle in
    /// a pool: pg_terminate_backend, a restart, a reset on the way), or went away before it
    /// said anything. Whatever the server received may still have run (it can commit and
    /// die before replying): only a read-only operation may be run again, on another
    /// connection (pool.hpp, liveness_check_after).
    bool unanswered = false;
};

template <class T> using result = fraiseql::result<T, error>;

inline failure<error> make_error(errc c, std::string msg) {
    return failure<error>{error{c, std::move(msg), {}}};
}

} // namespace fraiseql::pg
