// libFuzzer target for JWT verification, the Authorization header, base64url and JWKS parsing
// (FRAISEQL_BUILD_FUZZ, clang). Arbitrary bytes must give a refusal or a result, never a crash,
// an exception, an out-of-bounds read or a sanitizer report.
//
// The first input byte selects a mode; the rest is the data:
//   0  the data as a token (verify) and as an Authorization header value (authenticate);
//   1  "header JSON \n payload JSON", base64url-encoded and correctly HS256-signed, so the
//      fuzzer reaches the header checks and claim validation behind the signature;
//   2  base64url decode/encode;
//   3  the data as a JWKS document.
//
// Invariants checked (trap on violation):
//   * mode 0: an accepted token has three canonical base64url parts (re-encoding the decoded
//     parts gives the token back), so no alternative encoding of a signed token is accepted;
//   * mode 1: an accepted token's header has alg HS256 and its claims equal the signed payload;
//   * mode 2: a decoded string re-encodes to the input; encode then decode is the identity;
//   * authenticate() never returns an authenticated context for a token verify() refused.

#include "fraiseql/auth/authenticate.hpp"
#include "fraiseql/auth/jwt.hpp"

#include "auth/jwt_crypto.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace {

using namespace fraiseql::auth;
namespace detail = fraiseql::auth::jwt_detail;

const std::string secret = "fuzz-secret-0123456789abcdef0123456789";
const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));

std::string bn_b64(EVP_PKEY* k, const char* name, int pad) {
    BIGNUM* bn = nullptr;
    EVP_PKEY_get_bn_param(k, name, &bn);
    std::string out(static_cast<std::size_t>(pad ? pad : BN_num_bytes(bn)), '\0');
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
    BN_free(bn);
    return detail::base64url_encode(out);
}

/// One verifier for the whole run: an HS256 secret and a JWKS file with an RSA and an EC key,
/// so that every algorithm path is reachable.
const jwt_verifier& verifier() {
    static const std::shared_ptr<jwt_verifier> v = [] {
        spdlog::set_level(spdlog::level::off);
        EVP_PKEY* rsa = EVP_RSA_gen(2048);
        EVP_PKEY* ec = EVP_EC_gen("P-256");
        const std::string doc =
            R"({"keys":[{"kid":"r","kty":"RSA","n":")" + bn_b64(rsa, "n", 0) + R"(","e":")" +
            bn_b64(rsa, "e", 0) + R"("},{"kid":"e","kty":"EC","crv":"P-256","x":")" +
            bn_b64(ec, "qx", 32) + R"(","y":")" + bn_b64(ec, "qy", 32) + R"("}]})";
        EVP_PKEY_free(rsa);
        EVP_PKEY_free(ec);
        char path[] = "/tmp/fraiseql_jwt_fuzz_XXXXXX";
        const int fd = ::mkstemp(path);
        if (fd < 0 || ::write(fd, doc.data(), doc.size()) != static_cast<ssize_t>(doc.size()))
            __builtin_trap();
        ::close(fd);
        jwt_config cfg;
        cfg.secret = secret;
        cfg.jwks_file = path;
        cfg.audience = "api";
        cfg.leeway = std::chrono::seconds(5);
        cfg.jwks_reload_interval = std::chrono::hours(1); // keep file reads out of the loop
        auto made = jwt_verifier::create(cfg);
        std::remove(path);
        if (!made)
            __builtin_trap();
        return *made;
    }();
    return *v;
}

void check(bool ok) {
    if (!ok)
        __builtin_trap();
}

void fuzz_token(std::string_view data) {
    const auto& v = verifier();
    auto r = v.verify(data, now);
    if (r) {
        const auto d1 = data.find('.');
        const auto d2 = data.find('.', d1 + 1);
        for (auto part :
             {data.substr(0, d1), data.substr(d1 + 1, d2 - d1 - 1), data.substr(d2 + 1)}) {
            std::string raw;
            check(detail::base64url_decode(part, raw));
            check(detail::base64url_encode(raw) == part);
        }
    }
    auto a = authenticate(std::string("Bearer ") + std::string(data), &v, true, now);
    if (!r)
        check(!a || !a->authenticated);
    auto b = authenticate(data, &v, false, now);
    if (b) {
        check(b->authenticated);
        for (const auto& role : b->roles)
            check(!role.empty());
    }
}

void fuzz_signed(std::string_view data) {
    const auto nl = data.find('\n');
    const auto header = data.substr(0, nl);
    const auto payload = nl == std::string_view::npos ? std::string_view() : data.substr(nl + 1);
    const std::string input =
        detail::base64url_encode(header) + "." + detail::base64url_encode(payload);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(input.data()), input.size(), md, &len);
    const std::string token =
        input + "." + detail::base64url_encode(std::string_view(reinterpret_cast<char*>(md), len));
    auto r = verifier().verify(token, now);
    if (!r)
        return;
    boost::system::error_code ec;
    const auto h = boost::json::parse(header, ec);
    check(!ec && h.is_object() && h.as_object().at("alg") == "HS256");
    const auto p = boost::json::parse(payload, ec);
    check(!ec && p.is_object() && p.as_object() == *r);
    for (const auto& kv : *r)
        (void)claim_text(*r, kv.key());
    (void)roles_from_claims(*r);
}

void fuzz_base64(std::string_view data) {
    std::string raw;
    if (detail::base64url_decode(data, raw))
        check(detail::base64url_encode(raw) == data);
    std::string back;
    check(detail::base64url_decode(detail::base64url_encode(data), back) && back == data);
}

void fuzz_jwks(std::string_view data) {
    auto r = detail::parse_jwks(data);
    if (r)
        check(!r->keys.empty());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    if (size == 0)
        return 0;
    const std::string_view data(reinterpret_cast<const char*>(bytes) + 1, size - 1);
    switch (bytes[0] % 4) {
    case 0:
        fuzz_token(data);
        break;
    case 1:
        fuzz_signed(data);
        break;
    case 2:
        fuzz_base64(data);
        break;
    default:
        fuzz_jwks(data);
        break;
    }
    return 0;
}
