// MD5, SCRAM-SHA-256 (RFC 7677 test vector), SASLprep, base64, and the startup machine.
#include <string>

#include <gtest/gtest.h>

#include "pg/protocol/auth.hpp"
#include "pg/protocol/startup.hpp"

namespace fraiseql::pg::protocol {
namespace {

using namespace std::string_literals;

std::string be32(std::uint32_t v) {
    return {char(v >> 24), char((v >> 16) & 0xff), char((v >> 8) & 0xff), char(v & 0xff)};
}

TEST(md5, password_hash) {
    // md5 + md5(hex(md5("md5_pass_1" + "fraiseql_md5")) + salt), salt = 01 02 03 04
    // (value computed independently with Python's hashlib).
    EXPECT_EQ(md5_password("fraiseql_md5", "md5_pass_1", "\x01\x02\x03\x04"),
              "md5c348d8a42d96490159570470028d8df9");
}

TEST(base64, round_trip_and_strictness) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64_decode("Zm9vYmE="), "fooba");
    EXPECT_EQ(base64_decode("Zg=="), "f");
    EXPECT_FALSE(base64_decode("Zg="));
    EXPECT_FALSE(base64_decode("Z==="));
    EXPECT_FALSE(base64_decode("Zg==Zg=="));
    EXPECT_FALSE(base64_decode("Zm9*"));
}

TEST(scram, rfc7677_test_vector) {
    scram_client c("user", "pencil", scram_client::binding::none, {}, "rOprNGfwEbeRWgbNEkqO");
    EXPECT_EQ(c.mechanism(), "SCRAM-SHA-256");
    EXPECT_EQ(c.client_first(), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    auto final_msg = c.on_server_first(
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
    ASSERT_TRUE(final_msg) << final_msg.error();
    EXPECT_EQ(*final_msg, "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                          "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    EXPECT_TRUE(c.on_server_final("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
}

TEST(scram, wrong_server_signature_is_refused) {
    scram_client c("user", "pencil", scram_client::binding::none, {}, "rOprNGfwEbeRWgbNEkqO");
    ASSERT_TRUE(c.on_server_first(
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
    EXPECT_FALSE(c.on_server_final("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
    EXPECT_FALSE(c.on_server_final("e=invalid-proof"));
    EXPECT_FALSE(c.on_server_final("garbage"));
}

TEST(scram, hostile_server_first_messages) {
    auto attempt = [](std::string_view server_first) {
        scram_client c("", "pw", scram_client::binding::none, {}, "abc");
        return bool(c.on_server_first(server_first));
    };
    EXPECT_FALSE(attempt("r=xyzdef,s=c2FsdA==,i=4096"));       // nonce not extended from ours
    EXPECT_FALSE(attempt("r=abc,s=c2FsdA==,i=4096"));          // nonce not extended at all
    EXPECT_FALSE(attempt("r=abcdef,s=c2FsdA=,i=4096"));        // bad base64 salt
    EXPECT_FALSE(attempt("r=abcdef,s=c2FsdA==,i=0"));          // zero iterations
    EXPECT_FALSE(attempt("r=abcdef,s=c2FsdA==,i=999999999"));  // CPU exhaustion
    EXPECT_FALSE(attempt("r=abcdef,s=c2FsdA==,i=12x"));
    EXPECT_FALSE(attempt("m=ext,r=abcdef,s=c2FsdA==,i=4096")); // mandatory extension
    EXPECT_FALSE(attempt("s=c2FsdA==,r=abcdef,i=4096"));       // wrong order
    EXPECT_FALSE(attempt(""));
    EXPECT_TRUE(attempt("r=abcdef,s=c2FsdA==,i=1"));
}

TEST(scram, channel_binding_header) {
    scram_client plus("", "pw", scram_client::binding::used, "HASH", "abc");
    EXPECT_EQ(plus.mechanism(), "SCRAM-SHA-256-PLUS");
    EXPECT_EQ(plus.client_first(), "p=tls-server-end-point,,n=,r=abc");
    auto f = plus.on_server_first("r=abcdef,s=c2FsdA==,i=1");
    ASSERT_TRUE(f);
    // c = base64(gs2 header + channel-binding data)
    EXPECT_EQ(f->substr(0, f->find(',')), "c=" + base64_encode("p=tls-server-end-point,,HASH"));
    scram_client y("", "pw", scram_client::binding::supported, {}, "abc");
    EXPECT_EQ(y.client_first(), "y,,n=,r=abc");
    auto g = y.on_server_first("r=abcdef,s=c2FsdA==,i=1");
    ASSERT_TRUE(g);
    EXPECT_EQ(g->substr(0, 6), "c=eSws"); // base64("y,,")
}

TEST(scram, user_name_escaping) {
    scram_client c("a,b=c", "pw", scram_client::binding::none, {}, "n");
    EXPECT_EQ(c.client_first(), "n,,n=a=2Cb=3Dc,r=n");
}

TEST(saslprep, common_cases) {
    EXPECT_EQ(saslprep("plain ascii\x01"), "plain ascii\x01"); // ASCII: unchanged (as PostgreSQL)
    EXPECT_EQ(saslprep("a\xc2\xa0" "b"), "a b");              // U+00A0 no-break space -> space
    EXPECT_EQ(saslprep("a\xc2\xad" "b"), "ab");               // U+00AD soft hyphen -> nothing
    EXPECT_EQ(saslprep("\xc3\xa9t\xc3\xa9"), "\xc3\xa9t\xc3\xa9"); // é stays (already NFKC)
    EXPECT_EQ(saslprep("x\xef\xbf\xbe"), "x\xef\xbf\xbe");    // U+FFFE prohibited: raw password
    EXPECT_EQ(saslprep("\xff\xfe"), "\xff\xfe");              // invalid UTF-8: raw password
    EXPECT_EQ(saslprep("\xe2\x82"), "\xe2\x82");              // truncated UTF-8: raw
    EXPECT_EQ(saslprep("\xc0\x80"), "\xc0\x80");              // overlong: raw
    EXPECT_EQ(saslprep("\xed\xa0\x80"), "\xed\xa0\x80");      // UTF-8-encoded surrogate: raw
}

// RFC 4013 §3 "Examples", one by one.
TEST(saslprep, rfc4013_section3_examples) {
    EXPECT_EQ(saslprep("I\xc2\xad" "X"), "IX"); // 1: SOFT HYPHEN mapped to nothing
    EXPECT_EQ(saslprep("user"), "user");        // 2: no transformation
    EXPECT_EQ(saslprep("USER"), "USER");        // 3: case preserved, will not match #2
    EXPECT_EQ(saslprep("\xc2\xaa"), "a");       // 4: U+00AA output is NFKC, input was not
    EXPECT_EQ(saslprep("\xe2\x85\xa8"), "IX");  // 5: U+2168 ROMAN NUMERAL NINE, NFKC
    // 6: U+0007 is prohibited. Alone it is ASCII, which PostgreSQL passes through untouched;
    // with a non-ASCII character beside it SASLprep runs and fails, so the raw bytes are used.
    EXPECT_EQ(saslprep("\x07"), "\x07");
    EXPECT_EQ(saslprep("\x07\xc2\xaa"), "\x07\xc2\xaa");
    // 7: U+0627 U+0031 -- a RandALCat string must start and end with RandALCat: raw.
    EXPECT_EQ(saslprep("\xd8\xa7" "1"), "\xd8\xa7" "1");
}

TEST(saslprep, nfkc_bidi_and_unassigned) {
    // U+210C U+1D522 U+1D529 U+1D529 U+1D52C (blackletter "Hello", astral plane) -> "Hello"
    EXPECT_EQ(saslprep("\xe2\x84\x8c\xf0\x9d\x94\xa2\xf0\x9d\x94\xa9\xf0\x9d\x94\xa9"
                       "\xf0\x9d\x94\xac"),
              "Hello");
    EXPECT_EQ(saslprep("\xef\xac\x81" "le"), "file");     // U+FB01 LATIN SMALL LIGATURE FI
    EXPECT_EQ(saslprep("e\xcc\x81"), "\xc3\xa9");          // e + U+0301 composes to U+00E9
    EXPECT_EQ(saslprep("\xef\xb7\xba").size(), 33u);      // U+FDFA expands to 18 code points
    EXPECT_EQ(saslprep("\xd8\xa7\xd8\xa8"), "\xd8\xa7\xd8\xa8"); // all RandALCat: valid, unchanged
    // RandALCat and LCat mixed: bidi violation, raw.
    EXPECT_EQ(saslprep("\xd8\xa7" "a\xd8\xa8"), "\xd8\xa7" "a\xd8\xa8");
    // U+0221 was unassigned in Unicode 3.2 (RFC 3454 A.1): stored-string rules refuse it.
    EXPECT_EQ(saslprep("x\xc8\xa1"), "x\xc8\xa1");
    // Only "mapped to nothing" characters: empty result, PostgreSQL uses the raw password.
    EXPECT_EQ(saslprep("\xc2\xad"), "\xc2\xad");
    // U+3000 IDEOGRAPHIC SPACE maps to SPACE (C.1.2 then RFC 4013 §2.1).
    EXPECT_EQ(saslprep("a\xe3\x80\x80" "b"), "a b");
}

TEST(scram, client_proof_uses_the_saslprepped_password) {
    // The proof computed from "\u2168" and from "IX" must be identical: the server's
    // verifier for a role created with PASSWORD 'Ⅸ' is SaltedPassword("IX").
    const std::string server_first = "r=nonceSRV,s=QSXCR+Q6sek8bf92,i=4096";
    scram_client a("", "\xe2\x85\xa8", scram_client::binding::none, {}, "nonce");
    scram_client b("", "IX", scram_client::binding::none, {}, "nonce");
    scram_client c("", "IY", scram_client::binding::none, {}, "nonce");
    auto fa = a.on_server_first(server_first);
    auto fb = b.on_server_first(server_first);
    auto fc = c.on_server_first(server_first);
    ASSERT_TRUE(fa && fb && fc);
    EXPECT_EQ(*fa, *fb);
    EXPECT_NE(*fa, *fc);
}

// ---- startup machine ------------------------------------------------------------------

frame auth(std::uint32_t code, std::string data = {}) {
    static std::string keep;
    keep = be32(code) + data;
    return frame{'R', keep};
}

TEST(startup, startup_message_parameters) {
    startup_options o;
    o.user = "u";
    o.database = "d";
    o.application_name = "app";
    startup_machine m(o);
    std::string out;
    ASSERT_TRUE(m.startup_message(out));
    const std::string body = "user\0u\0database\0d\0application_name\0app\0client_encoding\0UTF8\0"
                             "DateStyle\0ISO\0\0"s;
    EXPECT_EQ(out, be32(std::uint32_t(8 + body.size())) + be32(196608) + body);
}

TEST(startup, md5_flow_to_ready) {
    startup_options o;
    o.user = "fraiseql_md5";
    o.password = "md5_pass_1";
    startup_machine m(o);
    std::string out;
    EXPECT_EQ(m.on_frame(auth(5, "\x01\x02\x03\x04"), out), startup_machine::step::write);
    EXPECT_EQ(out, "p"s + be32(4 + 36) + "md5c348d8a42d96490159570470028d8df9\0"s);
    out.clear();
    EXPECT_EQ(m.on_frame(auth(0), out), startup_machine::step::read);
    const std::string ps = "server_version\0" "15.4\0"s;
    EXPECT_EQ(m.on_frame(frame{'S', ps}, out), startup_machine::step::read);
    const std::string key = be32(4242) + be32(99);
    EXPECT_EQ(m.on_frame(frame{'K', key}, out), startup_machine::step::read);
    EXPECT_EQ(m.on_frame(frame{'Z', "I"}, out), startup_machine::step::done);
    EXPECT_EQ(m.backend_pid(), 4242);
    EXPECT_EQ(m.backend_secret(), 99);
    ASSERT_EQ(m.parameters().size(), 1u);
    EXPECT_EQ(m.parameters()[0].second, "15.4");
    EXPECT_EQ(m.method(), "md5");
    EXPECT_TRUE(out.empty());
}

TEST(startup, trust_and_cleartext) {
    startup_options o;
    o.user = "u";
    o.password = "secret";
    startup_machine t(o);
    std::string out;
    EXPECT_EQ(t.on_frame(auth(0), out), startup_machine::step::read);
    EXPECT_EQ(t.on_frame(frame{'Z', "I"}, out), startup_machine::step::done);
    startup_machine c(o);
    EXPECT_EQ(c.on_frame(auth(3), out), startup_machine::step::write);
    EXPECT_EQ(out, "p"s + be32(11) + "secret\0"s);
}

TEST(startup, password_needed_but_missing) {
    startup_options o;
    o.user = "u";
    startup_machine m(o);
    std::string out;
    EXPECT_EQ(m.on_frame(auth(3), out), startup_machine::step::failed);
    EXPECT_EQ(m.failure().code, errc::auth_failed);
}

TEST(startup, server_error_classification) {
    startup_options o;
    o.user = "u";
    std::string out;
    startup_machine a(o);
    const std::string bad_pw =
        "SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user \"u\"\0\0"s;
    EXPECT_EQ(a.on_frame(frame{'E', bad_pw}, out), startup_machine::step::failed);
    EXPECT_EQ(a.failure().code, errc::auth_failed);
    EXPECT_EQ(a.failure().server().code, sqlstate::invalid_password());
    EXPECT_NE(a.failure().message.find("password authentication failed"), std::string::npos);
    startup_machine b(o);
    const std::string no_db = "SFATAL\0C3D000\0Mdatabase \"x\" does not exist\0\0"s;
    EXPECT_EQ(b.on_frame(frame{'E', no_db}, out), startup_machine::step::failed);
    EXPECT_EQ(b.failure().code, errc::connection_failed);
}

TEST(startup, protocol_violations) {
    startup_options o;
    o.user = "u";
    std::string out;
    startup_machine a(o);
    EXPECT_EQ(a.on_frame(frame{'Z', "I"}, out), startup_machine::step::failed); // before auth
    EXPECT_EQ(a.failure().code, errc::protocol_error);
    startup_machine b(o);
    EXPECT_EQ(b.on_frame(frame{'D', ""}, out), startup_machine::step::failed);
    startup_machine c(o);
    EXPECT_EQ(c.on_frame(auth(7), out), startup_machine::step::failed); // GSSAPI
    EXPECT_EQ(c.failure().code, errc::auth_failed);
}

TEST(startup, scram_flow_and_mutual_authentication) {
    startup_options o;
    o.user = "u";
    o.password = "pencil";
    o.scram_nonce = "rOprNGfwEbeRWgbNEkqO";
    {
        startup_machine m(o);
        std::string out;
        ASSERT_EQ(m.on_frame(auth(10, "SCRAM-SHA-256\0\0"s), out), startup_machine::step::write);
        const std::string first = "n,,n=,r=rOprNGfwEbeRWgbNEkqO";
        EXPECT_EQ(out, "p"s + be32(4 + 14 + 4 + std::uint32_t(first.size())) +
                           "SCRAM-SHA-256\0"s + be32(std::uint32_t(first.size())) + first);
        out.clear();
        ASSERT_EQ(m.on_frame(auth(11, "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"),
                             out),
                  startup_machine::step::write);
        EXPECT_EQ(out.substr(5, 35), "c=biws,r=rOprNGfwEbeRWgbNEkqOxyz,p=");
        // The server skips its signature and claims success: refused.
        EXPECT_EQ(m.on_frame(auth(0), out), startup_machine::step::failed);
        EXPECT_EQ(m.failure().code, errc::auth_failed);
    }
    {
        startup_machine m(o);
        std::string out;
        ASSERT_EQ(m.on_frame(auth(10, "SCRAM-SHA-256\0\0"s), out), startup_machine::step::write);
        ASSERT_EQ(m.on_frame(auth(11, "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"),
                             out),
                  startup_machine::step::write);
        EXPECT_EQ(m.on_frame(auth(12, "v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), out),
                  startup_machine::step::failed);
        EXPECT_EQ(m.failure().code, errc::auth_failed);
    }
}

TEST(startup, channel_binding_choice) {
    startup_options o;
    o.user = "u";
    o.password = "pw";
    o.tls = true;
    o.tls_server_end_point = "CERTHASH";
    o.scram_nonce = "abc";
    std::string out;
    startup_machine plus(o);
    ASSERT_EQ(plus.on_frame(auth(10, "SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0"s), out),
              startup_machine::step::write);
    EXPECT_EQ(plus.method(), "SCRAM-SHA-256-PLUS");
    EXPECT_NE(out.find("p=tls-server-end-point,,n=,r=abc"), std::string::npos);
    out.clear();
    startup_machine y(o);
    ASSERT_EQ(y.on_frame(auth(10, "SCRAM-SHA-256\0\0"s), out), startup_machine::step::write);
    EXPECT_NE(out.find("y,,n=,r=abc"), std::string::npos);
    o.channel_binding = channel_binding_mode::require;
    startup_machine req(o);
    EXPECT_EQ(req.on_frame(auth(10, "SCRAM-SHA-256\0\0"s), out), startup_machine::step::failed);
    startup_machine md5(o);
    EXPECT_EQ(md5.on_frame(auth(5, "salt"), out), startup_machine::step::failed);
    startup_machine trust(o);
    EXPECT_EQ(trust.on_frame(auth(0), out), startup_machine::step::failed);
}

} // namespace
} // namespace fraiseql::pg::protocol
