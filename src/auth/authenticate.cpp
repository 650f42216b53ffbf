// The request's authentication context from the Authorization header (RFC 7235 §2.1,
// RFC 6750 §2.1) and a verified JWT. Decisions are documented in docs/security.md.

#include "fraiseql/auth/authenticate.hpp"

#include <algorithm>
#include <charconv>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "fraiseql/ascii.hpp"

namespace fraiseql::auth {
namespace {

auth_failure make_failure(auth_failure::reason why, std::string log_message) {
    auth_failure f;
    f.why = why;
    f.log_message = std::move(log_message);
    return f;
}

void add_role(std::vector<std::string>& roles, std::string_view r) {
    if (r.empty())
        return;
    if (std::find(roles.begin(), roles.end(), r) == roles.end())
        roles.emplace_back(r);
}

/// "admin editor" or "admin,editor" or "admin, editor".
void add_separated(std::vector<std::string>& roles, std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == ',' || s[i] == '\t'))
            ++i;
        std::size_t j = i;
        while (j < s.size() && s[j] != ' ' && s[j] != ',' && s[j] != '\t')
            ++j;
        add_role(roles, s.substr(i, j - i));
        i = j;
    }
}

void add_strings(std::vector<std::string>& roles, const boost::json::value& v, bool split) {
    if (v.is_string()) {
        if (split)
            add_separated(roles, v.get_string());
        else
            add_role(roles, ascii::trim_ows(v.get_string()));
    } else if (const auto* arr = v.if_array()) {
        for (const auto& e : *arr)
            if (e.is_string())
                add_role(roles, ascii::trim_ows(e.get_string()));
    }
}

} // namespace

bool auth_context::has_role(std::string_view role) const noexcept {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::string_view auth_failure::www_authenticate() const noexcept {
    switch (why) {
    case reason::missing_credentials:
    case reason::unsupported_scheme:
        // RFC 6750 §3.1: a request without (bearer) credentials gets no error code.
        return "Bearer";
    case reason::malformed_header:
        return "Bearer error=\"invalid_request\"";
    case reason::not_configured:
    case reason::invalid_token:
        return "Bearer error=\"invalid_token\"";
    }
    return "Bearer";
}

std::string_view to_string(auth_failure::reason r) noexcept {
    switch (r) {
    case auth_failure::reason::missing_credentials:
        return "missing_credentials";
    case auth_failure::reason::unsupported_scheme:
        return "unsupported_scheme";
    case auth_failure::reason::malformed_header:
        return "malformed_header";
    case auth_failure::reason::not_configured:
        return "not_configured";
    case auth_failure::reason::invalid_token:
        return "invalid_token";
    }
    return "unknown";
}

fraiseql::result<auth_context, auth_failure>
authenticate(std::string_view authorization_header, const jwt_verifier* verifier,
             bool allow_anonymous, std::chrono::system_clock::time_point now) {
    const std::string_view header = ascii::trim_ows(authorization_header);
    if (header.empty()) {
        if (allow_anonymous)
            return auth_context{};
        return failure{make_failure(auth_failure::reason::missing_credentials,
                                    "no Authorization header and allow_anonymous is false")};
    }
    // credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]   (RFC 7235 §2.1)
    std::size_t sp = 0;
    while (sp < header.size() && !ascii::is_ows(header[sp]))
        ++sp;
    if (!ascii::iequals(header.substr(0, sp), "Bearer"))
        return failure{make_failure(auth_failure::reason::unsupported_scheme,
                                    "Authorization scheme is not Bearer")};
    const std::string_view token = ascii::trim_ows(header.substr(sp));
    if (token.empty())
        return failure{
            make_failure(auth_failure::reason::malformed_header, "Bearer without a token")};
    if (std::any_of(token.begin(), token.end(), ascii::is_ows))
        return failure{make_failure(auth_failure::reason::malformed_header,
                                    "Bearer credentials contain whitespace")};
    if (!verifier)
        return failure{make_failure(auth_failure::reason::not_configured,
                                    "Bearer token received but no JWT key is configured")};
    auto claims = verifier->verify(token, now);
    if (!claims) {
        auth_failure f =
            make_failure(auth_failure::reason::invalid_token,
                         "JWT refused (" + std::string(to_string(claims.error().code)) +
                             "): " + claims.error().message);
        f.jwt_code = claims.error().code;
        return failure{std::move(f)};
    }
    auth_context ctx;
    ctx.authenticated = true;
    ctx.claims = std::move(*claims);
    ctx.roles = roles_from_claims(ctx.claims);
    return ctx;
}

std::vector<std::string> roles_from_claims(const boost::json::object& claims) {
    std::vector<std::string> roles;
    if (const auto* v = claims.if_contains("roles"))
        add_strings(roles, *v, true);
    if (const auto* v = claims.if_contains("role"))
        add_strings(roles, *v, false);
    return roles;
}

std::string claim_text(const boost::json::object& claims, std::string_view name) {
    const auto* v = claims.if_contains(name);
    if (!v)
        return {};
    switch (v->kind()) {
    case boost::json::kind::null:
        return {};
    case boost::json::kind::string:
        return std::string(v->get_string());
    case boost::json::kind::bool_:
        return v->get_bool() ? "true" : "false";
    case boost::json::kind::int64:
        return std::to_string(v->get_int64());
    case boost::json::kind::uint64:
        return std::to_string(v->get_uint64());
    case boost::json::kind::double_: {
        // Shortest round-trip text ("1.5", "100"), not Boost.JSON's "1.5E0".
        char buf[64];
        const auto r = std::to_chars(buf, buf + sizeof buf, v->get_double());
        return std::string(buf, r.ptr);
    }
    case boost::json::kind::object:
    case boost::json::kind::array:
        return boost::json::serialize(*v);
    }
    return {};
}

} // namespace fraiseql::auth
