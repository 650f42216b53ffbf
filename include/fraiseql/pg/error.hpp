#pragma once
/// \file
/// Errors reported by the PostgreSQL backends (native and libpq alike).

#include <cstdint>
#include <memory>
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

/// One server_message on the heap, present only when the server sent one. The fields are
/// ~440 bytes; held by value they made every `result<T>`, and every coroutine frame holding
/// one, that big on the success path too (docs/adr/0005: Asio recycles frames only up to
/// 1020 bytes). Copying copies the message.
class server_message_box {
public:
    server_message_box() = default;
    server_message_box(server_message m) // NOLINT implicit: `x.first_error = message`
        : p_(std::make_unique<server_message>(std::move(m))) {}
    server_message_box(const server_message_box& o)
        : p_(o.p_ ? std::make_unique<server_message>(*o.p_) : nullptr) {}
    server_message_box(server_message_box&&) noexcept = default;
    server_message_box& operator=(const server_message_box& o) {
        if (this != &o) p_ = o.p_ ? std::make_unique<server_message>(*o.p_) : nullptr;
        return *this;
    }
    server_message_box& operator=(server_message_box&&) noexcept = default;

    explicit operator bool() const noexcept { return p_ != nullptr; }
    server_message& operator*() noexcept { return *p_; }
    const server_message& operator*() const noexcept { return *p_; }
    server_message* operator->() noexcept { return p_.get(); }
    const server_message* operator->() const noexcept { return p_.get(); }
    /// The message, made empty first when there is none.
    server_message& emplace() {
        if (!p_) p_ = std::make_unique<server_message>();
        return *p_;
    }

private:
    std::unique_ptr<server_message> p_;
};

/// An error value: a code, a human message, and — for server_error and
/// auth_failed — the server's fields (on the heap, only when the server sent them).
struct error {
    error() = default;
    error(errc c, std::string msg) : code(c), message(std::move(msg)) {}
    error(errc c, std::string msg, server_message m)
        : code(c), message(std::move(msg)), server_(std::move(m)) {}
    error(errc c, std::string msg, server_message_box m)
        : code(c), message(std::move(msg)), server_(std::move(m)) {}

    errc code = errc::ok;
    std::string message;
    /// connection_lost only: the server answered nothing of the operation — the session
    /// was already gone when the request was sent (closed while the connection sat idle in
    /// a pool: pg_terminate_backend, a restart, a reset on the way), or went away before it
    /// said anything. Whatever the server received may still have run (it can commit and
    /// die before replying): only a read-only operation may be run again, on another
    /// connection (pool.hpp, liveness_check_after).
    bool unanswered = false;

    /// The server's fields; meaningful when code is server_error (or auth_failed, or a
    /// connection_lost explained by a FATAL message). All empty when the server sent none.
    const server_message& server() const noexcept;
    /// True when the server's fields are present.
    bool has_server() const noexcept { return static_cast<bool>(server_); }
    /// The server's fields for writing (allocated empty on first use).
    server_message& mutable_server() { return server_.emplace(); }
    void set_server(server_message m) { server_ = std::move(m); }

private:
    server_message_box server_;
};

template <class T> using result = fraiseql::result<T, error>;

inline failure<error> make_error(errc c, std::string msg) {
    return failure<error>{error{c, std::move(msg)}};
}

} // namespace fraiseql::pg
