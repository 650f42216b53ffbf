// SCRAM with non-ASCII passwords: the server SASLpreps the password when it computes the
// role's SCRAM verifier (password_encryption = scram-sha-256), the client SASLpreps what the
// user typed (RFC 4013 through ICU on native, libpq's own pg_saslprep on libpq).
//
// Serial: it changes the password of the cluster's one SCRAM role over TCP
// (fraiseql_scram, the only host line with scram-sha-256 that is not TLS-only), which the
// other auth tests use; the original password is put back whatever happens.
#include <cstdio>

#include "connection_fixture.hpp"

namespace fraiseql::conn_test {
namespace {

constexpr const char* original_password = "scram_pass_1";

std::string percent_encode(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            out.push_back(static_cast<char>(c));
        } else {
            char b[4];
            std::snprintf(b, sizeof b, "%%%02X", c);
            out += b;
        }
    }
    return out;
}

/// The SCRAM role's URL with `pw` as its password, plain TCP.
std::string scram_url(std::string_view pw) {
    std::string url = test::cluster_env("FRAISEQL_TEST_URL_SCRAM");
    auto scheme = url.find("://") + 3;
    auto colon = url.find(':', scheme);
    auto at = url.find('@', scheme);
    url = url.substr(0, colon + 1) + percent_encode(pw) + url.substr(at);
    return url + (url.find('?') == std::string::npos ? "?" : "&") + "sslmode=disable";
}

class auth_saslprep : public connection_test {
protected:
    void TearDown() override { set_password(original_password); }

    /// ALTER ROLE as the superuser; the server computes the verifier from SASLprep(pw).
    void set_password(std::string_view pw) {
        auto admin = must_connect();
        ASSERT_TRUE(admin);
        std::string quoted;
        for (char c : pw)
            quoted += c == '\'' ? std::string("''") : std::string(1, c);
        auto r = simple(*admin, "SET password_encryption = 'scram-sha-256'; ALTER ROLE "
                                "fraiseql_scram PASSWORD '" +
                                    quoted + "'");
        ASSERT_TRUE(r) << describe(r);
    }

    /// Logs in as fraiseql_scram with `pw`; ok only if the session really works.
    pg::result<void> login(std::string_view pw) {
        auto c = connect(scram_url(pw));
        if (!c)
            return failure<pg::error>{c.error()};
        copy_sink s;
        auto r = run1(**c, "SELECT current_user", &s);
        if (r && (s.rows.size() != 1 || s.at(0, 0) != "fraiseql_scram"))
            return pg::make_error(pg::errc::protocol_error, "wrong session user");
        return r;
    }
};

TEST_P(auth_saslprep, nfkc_changed_password_logs_in_with_the_unnormalised_form) {
    FRAISEQL_REQUIRE_CLUSTER();
    // "ℌ𝔢𝔩𝔩𝔬" (U+210C, 4 x mathematical fraktur, astral plane), U+2168 ROMAN NUMERAL NINE,
    // U+FB01 LATIN SMALL LIGATURE FI, U+00AD SOFT HYPHEN (mapped to nothing), U+00A0
    // NO-BREAK SPACE (mapped to SPACE). SASLprep: "HelloIXfi x".
    const std::string typed = "\xe2\x84\x8c\xf0\x9d\x94\xa2\xf0\x9d\x94\xa9\xf0\x9d\x94\xa9"
                              "\xf0\x9d\x94\xac\xe2\x85\xa8\xef\xac\x81\xc2\xad\xc2\xa0x";
    ASSERT_NO_FATAL_FAILURE(set_password(typed));

    auto as_typed = login(typed);
    EXPECT_TRUE(as_typed) << describe(as_typed);
    // The verifier really is over the normalised form (not the raw bytes): its ASCII
    // spelling logs in too, and a near miss does not.
    auto normalised = login("HelloIXfi x");
    EXPECT_TRUE(normalised) << describe(normalised);
    auto wrong = login("HelloIXfj x");
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, pg::errc::auth_failed) << wrong.error().message;
}

TEST_P(auth_saslprep, failed_saslprep_uses_the_raw_password_on_both_sides) {
    FRAISEQL_REQUIRE_CLUSTER();
    // U+0627 'a' U+0628: RandALCat and LCat mixed, a bidi violation (RFC 3454 §6). The
    // server then hashes the raw bytes (PostgreSQL src/common/saslprep.c), so must we.
    const std::string typed = "\xd8\xa7"
                              "a\xd8\xa8\xe2\x85\xa8";
    ASSERT_NO_FATAL_FAILURE(set_password(typed));
    auto as_typed = login(typed);
    EXPECT_TRUE(as_typed) << describe(as_typed);
    // NFKC was not applied: the "IX" spelling of U+2168 is a different password.
    auto nfkc = login("\xd8\xa7"
                      "a\xd8\xa8IX");
    ASSERT_FALSE(nfkc);
    EXPECT_EQ(nfkc.error().code, pg::errc::auth_failed) << nfkc.error().message;
}

INSTANTIATE_TEST_SUITE_P(backends, auth_saslprep, test::all_backends(), test::backend_name());

} // namespace
} // namespace fraiseql::conn_test
