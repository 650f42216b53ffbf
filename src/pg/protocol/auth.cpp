// MD5 and SCRAM-SHA-256 computations (RFC 5802 §3 "SCRAM Algorithm Overview",
// RFC 7677), SASLprep (RFC 4013) through ICU's StringPrep with PostgreSQL's fallbacks.
#include "auth.hpp"

#include <array>
#include <charconv>
#include <cstring>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <unicode/usprep.h>
#include <unicode/ustring.h>

namespace fraiseql::pg::protocol {
namespace {

using digest = std::array<unsigned char, 32>;

std::string hex(const unsigned char* p, std::size_t n) {
    static constexpr char d[] = "0123456789abcdef";
    std::string s(n * 2, '0');
    for (std::size_t i = 0; i < n; ++i) {
        s[2 * i] = d[p[i] >> 4];
        s[2 * i + 1] = d[p[i] & 15];
    }
    return s;
}

std::string md5_hex(std::string_view in) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(in.data(), in.size(), out, &len, EVP_md5(), nullptr);
    return hex(out, len);
}

digest hmac(std::string_view key, std::string_view msg) {
    digest out{};
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out.data(), &len);
    return out;
}

digest sha256(std::string_view in) {
    digest out{};
    unsigned int len = 0;
    EVP_Digest(in.data(), in.size(), out.data(), &len, EVP_sha256(), nullptr);
    return out;
}

std::string_view as_sv(const digest& d) {
    return {reinterpret_cast<const char*>(d.data()), d.size()};
}

bool take_attr(std::string_view& s, char name, std::string_view& value) {
    if (s.size() < 2 || s[0] != name || s[1] != '=') return false;
    auto comma = s.find(',');
    value = s.substr(2, comma == std::string_view::npos ? std::string_view::npos : comma - 2);
    s = comma == std::string_view::npos ? std::string_view{} : s.substr(comma + 1);
    return true;
}

} // namespace

std::string md5_password(std::string_view user, std::string_view password,
                         std::string_view salt4) {
    std::string inner(password);
    inner.append(user);
    std::string outer = md5_hex(inner);
    outer.append(salt4);
    return "md5" + md5_hex(outer);
}

std::string base64_encode(std::string_view in) {
    static constexpr char t[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    auto u = [&](std::size_t k) { return static_cast<unsigned char>(in[k]); };
    for (; i + 3 <= in.size(); i += 3) {
        std::uint32_t v = (u(i) << 16) | (u(i + 1) << 8) | u(i + 2);
        out.push_back(t[v >> 18]);
        out.push_back(t[(v >> 12) & 63]);
        out.push_back(t[(v >> 6) & 63]);
        out.push_back(t[v & 63]);
    }
    if (in.size() - i == 1) {
        std::uint32_t v = u(i) << 16;
        out.push_back(t[v >> 18]);
        out.push_back(t[(v >> 12) & 63]);
        out.append("==");
    } else if (in.size() - i == 2) {
        std::uint32_t v = (u(i) << 16) | (u(i + 1) << 8);
        out.push_back(t[v >> 18]);
        out.push_back(t[(v >> 12) & 63]);
        out.push_back(t[(v >> 6) & 63]);
        out.push_back('=');
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view in) {
    if (in.size() % 4 != 0) return std::nullopt;
    auto val = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    std::string out;
    out.reserve(in.size() / 4 * 3);
    for (std::size_t i = 0; i < in.size(); i += 4) {
        bool last = i + 4 == in.size();
        int a = val(in[i]), b = val(in[i + 1]);
        int c = in[i + 2] == '=' && last ? -2 : val(in[i + 2]);
        int d = in[i + 3] == '=' && last ? -2 : val(in[i + 3]);
        if (a < 0 || b < 0 || c == -1 || d == -1 || (c == -2 && d != -2)) return std::nullopt;
        std::uint32_t v = (std::uint32_t(a) << 18) | (std::uint32_t(b) << 12) |
                          (std::uint32_t(c < 0 ? 0 : c) << 6) | std::uint32_t(d < 0 ? 0 : d);
        out.push_back(static_cast<char>(v >> 16));
        if (c >= 0) out.push_back(static_cast<char>((v >> 8) & 0xff));
        if (d >= 0) out.push_back(static_cast<char>(v & 0xff));
    }
    return out;
}

std::string saslprep(std::string_view password) {
    // PostgreSQL's pg_saslprep() (src/common/saslprep.c) and fe-auth-scram.c: a pure ASCII
    // password is used as is (ASCII control characters included, although RFC 4013 would
    // prohibit them); invalid UTF-8 or any SASLprep failure means "use the raw bytes" --
    // the server hashed the same raw bytes when the role's verifier was computed.
    bool ascii = true;
    for (char c : password) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    if (ascii) return std::string(password);
    // ICU's StringPrep works on UTF-16. u_strFromUTF8 is strict (no overlongs, surrogates
    // or code points above U+10FFFF): ill-formed UTF-8 means the raw bytes.
    UErrorCode ec = U_ZERO_ERROR;
    std::vector<UChar> in16(password.size() + 1); // UTF-16 units never outnumber UTF-8 bytes
    int32_t n16 = 0;
    u_strFromUTF8(in16.data(), static_cast<int32_t>(in16.size()), &n16, password.data(),
                  static_cast<int32_t>(password.size()), &ec);
    if (U_FAILURE(ec)) return std::string(password);
    in16.resize(static_cast<std::size_t>(n16));

    // RFC 4013 §2: map (B.1 to nothing, C.1.2 to SPACE), NFKC (§2.2), prohibit
    // (§2.3, C.1.2 - C.9), bidi (§2.4, RFC 3454 §6), and unassigned code points
    // (RFC 3454 §7, "stored strings": USPREP_DEFAULT refuses them, as PostgreSQL does).
    UStringPrepProfile* profile = usprep_openByType(USPREP_RFC4013_SASLPREP, &ec);
    if (U_FAILURE(ec) || profile == nullptr) return std::string(password);
    // NFKC can expand a character (U+FDFA gives 18); start with room for 4x and retry once
    // with the exact size ICU reports.
    std::vector<UChar> out16(in16.size() * 4 + 16);
    int32_t n = usprep_prepare(profile, in16.data(), static_cast<int32_t>(in16.size()),
                               out16.data(), static_cast<int32_t>(out16.size()),
                               USPREP_DEFAULT, nullptr, &ec);
    if (ec == U_BUFFER_OVERFLOW_ERROR) {
        ec = U_ZERO_ERROR;
        out16.resize(static_cast<std::size_t>(n) + 1);
        n = usprep_prepare(profile, in16.data(), static_cast<int32_t>(in16.size()),
                           out16.data(), static_cast<int32_t>(out16.size()), USPREP_DEFAULT,
                           nullptr, &ec);
    }
    usprep_close(profile);
    // Prohibited output, bidi violation, unassigned code point: the raw password.
    // PostgreSQL also refuses an empty result ("don't allow empty password").
    if (U_FAILURE(ec) || n <= 0) return std::string(password);

    std::string out(static_cast<std::size_t>(n) * 3, '\0'); // at most 3 bytes per unit
    int32_t n8 = 0;
    u_strToUTF8(out.data(), static_cast<int32_t>(out.size()), &n8, out16.data(), n, &ec);
    if (U_FAILURE(ec)) return std::string(password);
    out.resize(static_cast<std::size_t>(n8));
    return out;
}

scram_client::scram_client(std::string_view user, std::string_view password, binding b,
                           std::string cbind_data, std::string nonce)
    : password_(saslprep(password)), binding_(b), cbind_data_(std::move(cbind_data)),
      nonce_(std::move(nonce)) {
    if (nonce_.empty()) {
        unsigned char raw[18];
        if (RAND_bytes(raw, sizeof raw) != 1) {
            // Never fall back to a predictable nonce: an empty one makes the exchange fail.
            nonce_.clear();
        } else {
            nonce_ = base64_encode({reinterpret_cast<const char*>(raw), sizeof raw});
        }
    }
    switch (binding_) {
    case binding::none: gs2_ = "n,,"; break;
    case binding::supported: gs2_ = "y,,"; break;
    case binding::used: gs2_ = "p=tls-server-end-point,,"; break;
    }
    // RFC 5802 §5.1: ',' and '=' in the user name are escaped as =2C and =3D.
    client_first_bare_ = "n=";
    for (char c : user) {
        if (c == ',') client_first_bare_ += "=2C";
        else if (c == '=') client_first_bare_ += "=3D";
        else client_first_bare_ += c;
    }
    client_first_bare_ += ",r=" + nonce_;
    client_first_ = gs2_ + client_first_bare_;
}

std::string_view scram_client::mechanism() const noexcept {
    return binding_ == binding::used ? "SCRAM-SHA-256-PLUS" : "SCRAM-SHA-256";
}

fraiseql::result<std::string, std::string> scram_client::on_server_first(std::string_view server_first) {
    using r = fraiseql::result<std::string, std::string>;
    if (first_done_) return failure<std::string>{"SCRAM: unexpected server-first-message"};
    if (nonce_.empty()) return failure<std::string>{"SCRAM: no random source for the nonce"};
    first_done_ = true;
    std::string_view s = server_first, nonce, salt_b64, iter;
    if (s.rfind("m=", 0) == 0) return failure<std::string>{"SCRAM: unsupported extension"};
    if (!take_attr(s, 'r', nonce) || !take_attr(s, 's', salt_b64) || !take_attr(s, 'i', iter))
        return failure<std::string>{"SCRAM: malformed server-first-message"};
    // RFC 5802 §5.1: the server nonce starts with the client's and adds to it.
    if (nonce.size() <= nonce_.size() || nonce.substr(0, nonce_.size()) != nonce_)
        return failure<std::string>{"SCRAM: server nonce does not extend the client nonce"};
    auto salt = base64_decode(salt_b64);
    if (!salt || salt->empty()) return failure<std::string>{"SCRAM: invalid salt"};
    std::int64_t iterations = 0;
    auto [p, ec] = std::from_chars(iter.data(), iter.data() + iter.size(), iterations);
    if (ec != std::errc() || p != iter.data() + iter.size() || iterations < 1 ||
        iterations > max_iterations)
        return failure<std::string>{"SCRAM: invalid iteration count"};

    digest salted{};
    if (PKCS5_PBKDF2_HMAC(password_.data(), static_cast<int>(password_.size()),
                          reinterpret_cast<const unsigned char*>(salt->data()),
                          static_cast<int>(salt->size()), static_cast<int>(iterations),
                          EVP_sha256(), static_cast<int>(salted.size()), salted.data()) != 1)
        return failure<std::string>{"SCRAM: PBKDF2 failed"};

    digest client_key = hmac(as_sv(salted), "Client Key");
    digest stored_key = sha256(as_sv(client_key));
    std::string cbind = gs2_;
    if (binding_ == binding::used) cbind += cbind_data_;
    std::string final_no_proof = "c=" + base64_encode(cbind) + ",r=" + std::string(nonce);
    std::string auth_message =
        client_first_bare_ + "," + std::string(server_first) + "," + final_no_proof;
    digest client_sig = hmac(as_sv(stored_key), auth_message);
    digest proof{};
    for (std::size_t i = 0; i < proof.size(); ++i) proof[i] = client_key[i] ^ client_sig[i];
    digest server_key = hmac(as_sv(salted), "Server Key");
    digest server_sig = hmac(as_sv(server_key), auth_message);
    expected_server_signature_.assign(as_sv(server_sig));
    OPENSSL_cleanse(salted.data(), salted.size());
    return r(final_no_proof + ",p=" + base64_encode(as_sv(proof)));
}

fraiseql::result<void, std::string> scram_client::on_server_final(std::string_view server_final) {
    if (expected_server_signature_.empty())
        return failure<std::string>{"SCRAM: unexpected server-final-message"};
    std::string_view s = server_final, v;
    if (s.rfind("e=", 0) == 0)
        return failure<std::string>{"SCRAM: server reported " + std::string(s.substr(2))};
    if (!take_attr(s, 'v', v)) return failure<std::string>{"SCRAM: malformed server-final"};
    auto sig = base64_decode(v);
    if (!sig || sig->size() != expected_server_signature_.size() ||
        CRYPTO_memcmp(sig->data(), expected_server_signature_.data(), sig->size()) != 0)
        return failure<std::string>{"SCRAM: server signature mismatch (server not authenticated)"};
    return {};
}

} // namespace fraiseql::pg::protocol
