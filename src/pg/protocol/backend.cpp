// Backend message framing and parsers ("55.7. Message Formats").
#include "backend.hpp"

#include <charconv>
#include <limits>

namespace fraiseql::pg::protocol {
namespace {

constexpr std::size_t max_message = std::size_t(1) << 30;

/// Bounds-checked big-endian reader over a message body.
struct reader {
    std::string_view s;
    std::size_t pos = 0;
    bool ok = true;

    std::size_t left() const { return s.size() - pos; }
    bool i16(std::int16_t& v) {
        if (!ok || left() < 2) return ok = false;
        auto b = reinterpret_cast<const unsigned char*>(s.data() + pos);
        v = static_cast<std::int16_t>(std::uint16_t((b[0] << 8) | b[1]));
        pos += 2;
        return true;
    }
    bool i32(std::int32_t& v) {
        if (!ok || left() < 4) return ok = false;
        auto b = reinterpret_cast<const unsigned char*>(s.data() + pos);
        v = static_cast<std::int32_t>((std::uint32_t(b[0]) << 24) | (std::uint32_t(b[1]) << 16) |
                                      (std::uint32_t(b[2]) << 8) | std::uint32_t(b[3]));
        pos += 4;
        return true;
    }
    bool cstr(std::string_view& v) {
        if (!ok) return false;
        auto nul = s.find('\0', pos);
        if (nul == std::string_view::npos) return ok = false;
        v = s.substr(pos, nul - pos);
        pos = nul + 1;
        return true;
    }
    bool bytes(std::size_t n, std::string_view& v) {
        if (!ok || left() < n) return ok = false;
        v = s.substr(pos, n);
        pos += n;
        return true;
    }
    bool byte(char& c) {
        if (!ok || left() < 1) return ok = false;
        c = s[pos++];
        return true;
    }
    bool at_end() const { return ok && pos == s.size(); }
};

std::int32_t to_int(std::string_view s) {
    std::int32_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size() ? v : 0;
}

} // namespace

bool is_backend_type(char type) noexcept {
    switch (type) {
    case 'R': case 'K': case '1': case '2': case '3': case 'C': case 'd': case 'c':
    case 'G': case 'H': case 'W': case 'D': case 'I': case 'E': case 'V': case 'v':
    case 'n': case 'N': case 'A': case 't': case 'S': case 's': case 'Z': case 'T':
        return true;
    default:
        return false;
    }
}

decoded decode(std::span<const char> in) noexcept {
    decoded r;
    if (in.size() < 5) {
        r.needed = 5;
        // Reject a garbage type byte as soon as it is visible.
        if (!in.empty() && !is_backend_type(in[0])) {
            r.status = decode_status::error;
            r.error = "unknown message type";
        }
        return r;
    }
    if (!is_backend_type(in[0])) {
        r.status = decode_status::error;
        r.error = "unknown message type";
        return r;
    }
    auto b = reinterpret_cast<const unsigned char*>(in.data() + 1);
    std::uint32_t len = (std::uint32_t(b[0]) << 24) | (std::uint32_t(b[1]) << 16) |
                        (std::uint32_t(b[2]) << 8) | std::uint32_t(b[3]);
    if (len < 4) {
        r.status = decode_status::error;
        r.error = "message length below 4";
        return r;
    }
    if (len > max_message) {
        r.status = decode_status::error;
        r.error = "message longer than 1 GiB";
        return r;
    }
    std::size_t total = std::size_t(len) + 1;
    if (in.size() < total) {
        r.needed = total;
        return r;
    }
    r.status = decode_status::ok;
    r.msg.type = in[0];
    r.msg.body = std::string_view(in.data() + 5, len - 4);
    r.consumed = total;
    r.needed = 0;
    return r;
}

bool parse_data_row(std::string_view body, std::vector<field_view>& out) {
    reader rd{body};
    std::int16_t n = 0;
    if (!rd.i16(n) || n < 0) return false;
    const std::size_t start = out.size();
    for (std::int16_t i = 0; i < n; ++i) {
        std::int32_t len = 0;
        if (!rd.i32(len) || len < -1) {
            out.resize(start);
            return false;
        }
        if (len == -1) {
            out.push_back(field_view{nullptr, -1});
            continue;
        }
        std::string_view v;
        if (!rd.bytes(std::size_t(len), v)) {
            out.resize(start);
            return false;
        }
        out.push_back(field_view{v.data(), len});
    }
    if (!rd.at_end()) {
        out.resize(start);
        return false;
    }
    return true;
}

bool parse_row_description(std::string_view body, std::vector<column_desc>& out) {
    reader rd{body};
    std::int16_t n = 0;
    if (!rd.i16(n) || n < 0) return false;
    // Each column takes at least 19 bytes: bound the reservation by the body size.
    if (std::size_t(n) * 19 > rd.left()) return false;
    out.resize(std::size_t(n));
    for (auto& c : out) {
        std::string_view name;
        std::int32_t table = 0, type = 0, mod = 0;
        std::int16_t attr = 0, size = 0, fmt = 0;
        if (!rd.cstr(name) || !rd.i32(table) || !rd.i16(attr) || !rd.i32(type) ||
            !rd.i16(size) || !rd.i32(mod) || !rd.i16(fmt) || (fmt != 0 && fmt != 1)) {
            out.clear();
            return false;
        }
        c.name.assign(name);
        c.table_oid = static_cast<std::uint32_t>(table);
        c.column_attr = attr;
        c.type_oid = static_cast<std::uint32_t>(type);
        c.type_size = size;
        c.type_modifier = mod;
        c.fmt = static_cast<format>(fmt);
    }
    if (!rd.at_end()) {
        out.clear();
        return false;
    }
    return true;
}

bool parse_error_fields(std::string_view body, server_message& out) {
    out = server_message{};
    reader rd{body};
    for (;;) {
        char code = 0;
        if (!rd.byte(code)) return false;
        if (code == '\0') return rd.at_end();
        std::string_view v;
        if (!rd.cstr(v)) return false;
        switch (code) {
        case 'S': if (out.severity.empty()) out.severity.assign(v); break;
        case 'V': out.severity.assign(v); break; // non-localised wins
        case 'C': out.code = sqlstate(v.size() == 5 ? v : std::string_view{}); break;
        case 'M': out.message.assign(v); break;
        case 'D': out.detail.assign(v); break;
        case 'H': out.hint.assign(v); break;
        case 'P': out.position = to_int(v); break;
        case 'p': out.internal_position = to_int(v); break;
        case 'q': out.internal_query.assign(v); break;
        case 'W': out.where.assign(v); break;
        case 's': out.schema_name.assign(v); break;
        case 't': out.table_name.assign(v); break;
        case 'c': out.column_name.assign(v); break;
        case 'd': out.data_type_name.assign(v); break;
        case 'n': out.constraint_name.assign(v); break;
        case 'F': out.file.assign(v); break;
        case 'L': out.line = to_int(v); break;
        case 'R': out.routine.assign(v); break;
        default: break; // "frontends should silently ignore fields of unrecognized type"
        }
    }
}

bool parse_auth(std::string_view body, auth_request& out) {
    reader rd{body};
    if (!rd.i32(out.code)) return false;
    out.data = body.substr(4);
    switch (out.code) {
    case auth_ok: case auth_cleartext: return out.data.empty();
    case auth_md5: return out.data.size() == 4;
    default: return true;
    }
}

bool parse_sasl_mechanisms(std::string_view data, std::vector<std::string_view>& out) {
    out.clear();
    reader rd{data};
    for (;;) {
        std::string_view m;
        if (!rd.cstr(m)) return false;
        if (m.empty()) return rd.at_end();
        out.push_back(m);
    }
}

bool parse_parameter_status(std::string_view body, std::string_view& name,
                            std::string_view& value) {
    reader rd{body};
    return rd.cstr(name) && rd.cstr(value) && rd.at_end();
}

bool parse_backend_key(std::string_view body, std::int32_t& pid, std::int32_t& secret) {
    reader rd{body};
    return rd.i32(pid) && rd.i32(secret) && rd.at_end();
}

bool parse_ready(std::string_view body, char& status) {
    reader rd{body};
    return rd.byte(status) && rd.at_end() && (status == 'I' || status == 'T' || status == 'E');
}

bool parse_command_complete(std::string_view body, std::string_view& tag) {
    reader rd{body};
    return rd.cstr(tag) && rd.at_end();
}

bool parse_notification(std::string_view body, std::int32_t& pid, std::string_view& channel,
                        std::string_view& payload) {
    reader rd{body};
    return rd.i32(pid) && rd.cstr(channel) && rd.cstr(payload) && rd.at_end();
}

bool parse_negotiate_version(std::string_view body, std::int32_t& minor,
                             std::vector<std::string_view>& unrecognised) {
    reader rd{body};
    std::int32_t n = 0;
    unrecognised.clear();
    if (!rd.i32(minor) || !rd.i32(n) || n < 0 || std::size_t(n) > rd.left()) return false;
    for (std::int32_t i = 0; i < n; ++i) {
        std::string_view o;
        if (!rd.cstr(o)) return false;
        unrecognised.push_back(o);
    }
    return rd.at_end();
}

} // namespace fraiseql::pg::protocol
