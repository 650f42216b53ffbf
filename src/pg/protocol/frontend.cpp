// Frontend message encoders. Layouts follow the PostgreSQL documentation,
// "55.7. Message Formats": Int32 lengths are big-endian and count themselves
// but not the type byte; strings are NUL-terminated.
#include "frontend.hpp"

#include <limits>

namespace fraiseql::pg::protocol {
namespace {

// Each integer is one append of its bytes, not a push_back per byte (issue 15, CPU per
// request: a by-id request's Bind/Execute/Sync wrote about 40 bytes one at a time).
void put_i16(std::string& out, std::int16_t v) {
    auto u = static_cast<std::uint16_t>(v);
    const char b[2] = {static_cast<char>(u >> 8), static_cast<char>(u & 0xff)};
    out.append(b, sizeof b);
}

void put_i32(std::string& out, std::int32_t v) {
    auto u = static_cast<std::uint32_t>(v);
    const char b[4] = {static_cast<char>(u >> 24), static_cast<char>((u >> 16) & 0xff),
                       static_cast<char>((u >> 8) & 0xff), static_cast<char>(u & 0xff)};
    out.append(b, sizeof b);
}

void patch_i32(std::string& out, std::size_t at, std::int32_t v) {
    auto u = static_cast<std::uint32_t>(v);
    out[at] = static_cast<char>(u >> 24);
    out[at + 1] = static_cast<char>((u >> 16) & 0xff);
    out[at + 2] = static_cast<char>((u >> 8) & 0xff);
    out[at + 3] = static_cast<char>(u & 0xff);
}

bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

void put_cstr(std::string& out, std::string_view s) {
    out.append(s);
    out.push_back('\0');
}

/// Opens a message: type byte (0 = none, for startup-phase packets) and a length placeholder.
/// Returns the offset of the length field.
std::size_t begin(std::string& out, char type) {
    if (type != 0) out.push_back(type);
    std::size_t at = out.size();
    out.append(4, '\0');
    return at;
}

/// Closes a message opened at `at`; rolls back and fails when over the protocol limit.
bool finish(std::string& out, std::size_t at, char type) {
    std::size_t len = out.size() - at;
    if (len > max_message_size) {
        out.resize(type != 0 ? at - 1 : at);
        return false;
    }
    patch_i32(out, at, static_cast<std::int32_t>(len));
    return true;
}

} // namespace

bool append_startup(std::string& out, std::span<const startup_param> params) {
    for (const auto& [k, v] : params)
        if (k.empty() || has_nul(k) || has_nul(v)) return false;
    auto at = begin(out, 0);
    put_i32(out, protocol_version_3);
    for (const auto& [k, v] : params) {
        put_cstr(out, k);
        put_cstr(out, v);
    }
    out.push_back('\0');
    return finish(out, at, 0);
}

void append_ssl_request(std::string& out) {
    put_i32(out, 8);
    put_i32(out, ssl_request_code);
}

void append_cancel_request(std::string& out, std::int32_t pid, std::int32_t secret) {
    put_i32(out, 16);
    put_i32(out, cancel_request_code);
    put_i32(out, pid);
    put_i32(out, secret);
}

bool append_password(std::string& out, std::string_view password) {
    if (has_nul(password)) return false;
    auto at = begin(out, 'p');
    put_cstr(out, password);
    return finish(out, at, 'p');
}

bool append_sasl_initial_response(std::string& out, std::string_view mechanism,
                                  std::string_view data) {
    if (has_nul(mechanism) || data.size() > max_message_size) return false;
    auto at = begin(out, 'p');
    put_cstr(out, mechanism);
    put_i32(out, static_cast<std::int32_t>(data.size()));
    out.append(data);
    return finish(out, at, 'p');
}

void append_sasl_response(std::string& out, std::string_view data) {
    auto at = begin(out, 'p');
    out.append(data);
    (void)finish(out, at, 'p');
}

bool append_parse(std::string& out, std::string_view name, std::string_view sql,
                  std::span<const param> params) {
    if (has_nul(name) || has_nul(sql) ||
        params.size() > std::size_t(std::numeric_limits<std::uint16_t>::max()))
        return false;
    auto at = begin(out, 'P');
    put_cstr(out, name);
    put_cstr(out, sql);
    put_i16(out, static_cast<std::int16_t>(params.size()));
    for (const auto& p : params) put_i32(out, static_cast<std::int32_t>(p.type_oid));
    return finish(out, at, 'P');
}

bool append_bind(std::string& out, std::string_view portal, std::string_view statement,
                 std::span<const param> params, format result_format) {
    if (has_nul(portal) || has_nul(statement) ||
        params.size() > std::size_t(std::numeric_limits<std::uint16_t>::max()))
        return false;
    for (const auto& p : params)
        if (!p.null && p.value.size() > max_message_size) return false;
    auto at = begin(out, 'B');
    put_cstr(out, portal);
    put_cstr(out, statement);
    // Parameter format codes: zero codes means "all text" (the common case).
    bool any_binary = false;
    for (const auto& p : params) any_binary = any_binary || p.fmt == format::binary;
    if (any_binary) {
        put_i16(out, static_cast<std::int16_t>(params.size()));
        for (const auto& p : params) put_i16(out, static_cast<std::int16_t>(p.fmt));
    } else {
        put_i16(out, 0);
    }
    put_i16(out, static_cast<std::int16_t>(params.size()));
    for (const auto& p : params) {
        if (p.null) {
            put_i32(out, -1);
        } else {
            put_i32(out, static_cast<std::int32_t>(p.value.size()));
            out.append(p.value);
        }
    }
    // One result format code applies to all result columns.
    put_i16(out, 1);
    put_i16(out, static_cast<std::int16_t>(result_format));
    return finish(out, at, 'B');
}

bool append_describe(std::string& out, char kind, std::string_view name) {
    if ((kind != 'S' && kind != 'P') || has_nul(name)) return false;
    auto at = begin(out, 'D');
    out.push_back(kind);
    put_cstr(out, name);
    return finish(out, at, 'D');
}

bool append_execute(std::string& out, std::string_view portal, std::int32_t max_rows) {
    if (portal.empty() && max_rows == 0) {
        // The unnamed portal, all rows: what every statement of a pipeline sends.
        static constexpr char execute_all[] = {'E', 0, 0, 0, 9, 0, 0, 0, 0, 0};
        out.append(execute_all, sizeof execute_all);
        return true;
    }
    if (has_nul(portal)) return false;
    auto at = begin(out, 'E');
    put_cstr(out, portal);
    put_i32(out, max_rows);
    return finish(out, at, 'E');
}

bool append_close(std::string& out, char kind, std::string_view name) {
    if ((kind != 'S' && kind != 'P') || has_nul(name)) return false;
    auto at = begin(out, 'C');
    out.push_back(kind);
    put_cstr(out, name);
    return finish(out, at, 'C');
}

void append_sync(std::string& out) {
    static constexpr char sync[] = {'S', 0, 0, 0, 4};
    out.append(sync, sizeof sync);
}

void append_flush(std::string& out) {
    out.push_back('H');
    put_i32(out, 4);
}

bool append_query(std::string& out, std::string_view sql) {
    if (has_nul(sql)) return false;
    auto at = begin(out, 'Q');
    put_cstr(out, sql);
    return finish(out, at, 'Q');
}

void append_terminate(std::string& out) {
    out.push_back('X');
    put_i32(out, 4);
}

bool append_copy_fail(std::string& out, std::string_view message) {
    if (has_nul(message)) return false;
    auto at = begin(out, 'f');
    put_cstr(out, message);
    return finish(out, at, 'f');
}

} // namespace fraiseql::pg::protocol
