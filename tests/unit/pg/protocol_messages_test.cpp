// Frontend encoders and backend decoders against byte vectors written from the
// PostgreSQL documentation, "55.7. Message Formats".
#include <array>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "pg/protocol/backend.hpp"
#include "pg/protocol/frontend.hpp"

namespace fraiseql::pg::protocol {
namespace {

using namespace std::string_literals;
using namespace std::string_view_literals;

std::string bytes(std::initializer_list<int> v) {
    std::string s;
    for (int b : v) s.push_back(static_cast<char>(b));
    return s;
}

// ---- frontend ------------------------------------------------------------------

TEST(frontend, startup_message) {
    std::string out;
    std::array<startup_param, 2> p{startup_param{"user", "bob"}, startup_param{"database", "db"}};
    ASSERT_TRUE(append_startup(out, p));
    const std::string body = "user\0bob\0database\0db\0\0"s;
    EXPECT_EQ(out, bytes({0, 0, 0, int(8 + body.size())}) + bytes({0, 3, 0, 0}) + body);
}

TEST(frontend, startup_refuses_nul) {
    std::string out = "keep";
    std::array<startup_param, 1> p{startup_param{"user", "b\0b"sv}};
    EXPECT_FALSE(append_startup(out, p));
    EXPECT_EQ(out, "keep");
}

TEST(frontend, ssl_and_cancel_requests) {
    std::string out;
    append_ssl_request(out);
    EXPECT_EQ(out, bytes({0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f}));
    out.clear();
    append_cancel_request(out, 0x01020304, -2);
    EXPECT_EQ(out, bytes({0, 0, 0, 16, 0x04, 0xd2, 0x16, 0x2e, 1, 2, 3, 4, 0xff, 0xff, 0xff, 0xfe}));
}

TEST(frontend, password_and_sasl) {
    std::string out;
    ASSERT_TRUE(append_password(out, "pw"));
    EXPECT_EQ(out, "p"s + bytes({0, 0, 0, 7}) + "pw\0"s);
    out.clear();
    ASSERT_TRUE(append_sasl_initial_response(out, "SCRAM-SHA-256", "n,,n=,r=abc"));
    EXPECT_EQ(out, "p"s + bytes({0, 0, 0, 4 + 14 + 4 + 11}) + "SCRAM-SHA-256\0"s +
                       bytes({0, 0, 0, 11}) + "n,,n=,r=abc");
    out.clear();
    append_sasl_response(out, "c=biws");
    EXPECT_EQ(out, "p"s + bytes({0, 0, 0, 10}) + "c=biws");
}

TEST(frontend, parse_with_types) {
    std::string out;
    std::array<param, 2> ps{param::text("1", 23), param::null_value()};
    ASSERT_TRUE(append_parse(out, "s1", "SELECT $1, $2", ps));
    const std::string body = "s1\0SELECT $1, $2\0"s + bytes({0, 2, 0, 0, 0, 23, 0, 0, 0, 0});
    EXPECT_EQ(out, "P"s + bytes({0, 0, 0, int(4 + body.size())}) + body);
}

TEST(frontend, bind_text_params_and_binary_results) {
    std::string out;
    std::array<param, 2> ps{param::text("ab"), param::null_value()};
    ASSERT_TRUE(append_bind(out, "", "s1", ps, format::binary));
    const std::string body = "\0s1\0"s + bytes({0, 0}) +         // no format codes: all text
                             bytes({0, 2, 0, 0, 0, 2}) + "ab" +    // 2 values; "ab"
                             bytes({0xff, 0xff, 0xff, 0xff}) +     // NULL
                             bytes({0, 1, 0, 1});                  // one result format: binary
    EXPECT_EQ(out, "B"s + bytes({0, 0, 0, int(4 + body.size())}) + body);
}

TEST(frontend, bind_binary_params_lists_formats) {
    std::string out;
    std::array<param, 2> ps{param{"\x01"sv, false, 0, format::binary}, param::text("x")};
    ASSERT_TRUE(append_bind(out, "p", "", ps, format::text));
    const std::string body = "p\0\0"s + bytes({0, 2, 0, 1, 0, 0}) +
                             bytes({0, 2, 0, 0, 0, 1, 1, 0, 0, 0, 1}) + "x" + bytes({0, 1, 0, 0});
    EXPECT_EQ(out, "B"s + bytes({0, 0, 0, int(4 + body.size())}) + body);
}

TEST(frontend, describe_execute_close_sync_flush_query_terminate) {
    std::string out;
    ASSERT_TRUE(append_describe(out, 'S', "s1"));
    EXPECT_EQ(out, "D"s + bytes({0, 0, 0, 8}) + "Ss1\0"s);
    EXPECT_FALSE(append_describe(out, 'X', "s1"));
    out.clear();
    ASSERT_TRUE(append_execute(out, "", 0));
    EXPECT_EQ(out, "E"s + bytes({0, 0, 0, 9, 0, 0, 0, 0, 0}));
    out.clear();
    // A named portal or a row limit takes the general encoder (the unnamed, unlimited
    // Execute is written whole).
    ASSERT_TRUE(append_execute(out, "p", 0));
    ASSERT_TRUE(append_execute(out, "", 258));
    EXPECT_EQ(out, "E"s + bytes({0, 0, 0, 10}) + "p\0"s + bytes({0, 0, 0, 0}) + "E"s +
                       bytes({0, 0, 0, 9, 0, 0, 0, 1, 2}));
    EXPECT_FALSE(append_execute(out, "p\0q"s, 0));
    out.clear();
    ASSERT_TRUE(append_close(out, 'P', "p"));
    EXPECT_EQ(out, "C"s + bytes({0, 0, 0, 7}) + "Pp\0"s);
    out.clear();
    append_sync(out);
    append_flush(out);
    append_terminate(out);
    EXPECT_EQ(out, "S"s + bytes({0, 0, 0, 4}) + "H"s + bytes({0, 0, 0, 4}) + "X"s +
                       bytes({0, 0, 0, 4}));
    out.clear();
    ASSERT_TRUE(append_query(out, "SELECT 1"));
    EXPECT_EQ(out, "Q"s + bytes({0, 0, 0, 13}) + "SELECT 1\0"s);
    EXPECT_FALSE(append_query(out, "SELECT\0 1"sv));
    out.clear();
    ASSERT_TRUE(append_copy_fail(out, "no"));
    EXPECT_EQ(out, "f"s + bytes({0, 0, 0, 7}) + "no\0"s);
}

TEST(frontend, parse_refuses_too_many_params) {
    std::string out;
    std::vector<param> ps(70000, param::text("1"));
    EXPECT_FALSE(append_parse(out, "", "SELECT 1", ps));
    EXPECT_FALSE(append_bind(out, "", "", ps, format::text));
    EXPECT_TRUE(out.empty());
}

// ---- backend framing -----------------------------------------------------------------

TEST(decode, complete_message) {
    std::string in = "Z"s + bytes({0, 0, 0, 5}) + "I" + "trailing";
    auto d = decode(in);
    ASSERT_EQ(d.status, decode_status::ok); // body views into `in`
    EXPECT_EQ(d.msg.type, 'Z');
    EXPECT_EQ(d.msg.body, "I");
    EXPECT_EQ(d.consumed, 6u);
}

TEST(decode, need_more_reports_total_size) {
    std::string in = "D"s + bytes({0, 0, 0, 100}) + "abc";
    auto d = decode(in);
    EXPECT_EQ(d.status, decode_status::need_more);
    EXPECT_EQ(d.needed, 101u);
    for (std::size_t n = 0; n < 5; ++n) {
        auto p = decode(std::span(in.data(), n));
        EXPECT_EQ(p.status, decode_status::need_more) << n;
        EXPECT_EQ(p.needed, 5u);
    }
}

TEST(decode, rejects_bad_lengths_and_types) {
    EXPECT_EQ(decode("Z"s + bytes({0, 0, 0, 3}) + "I").status, decode_status::error);
    EXPECT_EQ(decode("D"s + bytes({0x40, 0, 0, 1})).status, decode_status::error); // > 1 GiB
    EXPECT_EQ(decode("D"s + bytes({0xff, 0xff, 0xff, 0xff})).status, decode_status::error);
    EXPECT_EQ(decode("D"s + bytes({0x40, 0, 0, 0})).status, decode_status::need_more); // = 1 GiB
    EXPECT_EQ(decode("x"s).status, decode_status::error);
    EXPECT_EQ(decode("\0\0\0\0\0"s).status, decode_status::error);
    EXPECT_EQ(decode("HTTP/1.1 200"s).status, decode_status::error);
}

// ---- backend bodies ----------------------------------------------------------------

TEST(backend_bodies, data_row) {
    std::vector<field_view> f;
    const std::string body = bytes({0, 3, 0, 0, 0, 2}) + "ab" + bytes({0xff, 0xff, 0xff, 0xff}) +
                             bytes({0, 0, 0, 0});
    ASSERT_TRUE(parse_data_row(body, f));
    ASSERT_EQ(f.size(), 3u);
    EXPECT_EQ(f[0].text(), "ab");
    EXPECT_EQ(f[0].data, body.data() + 6); // a view into the buffer, not a copy
    EXPECT_TRUE(f[1].is_null());
    EXPECT_FALSE(f[2].is_null());
    EXPECT_EQ(f[2].size, 0);
}

TEST(backend_bodies, data_row_malformed) {
    std::vector<field_view> f{field_view{}};
    EXPECT_FALSE(parse_data_row(bytes({0, 1, 0, 0, 0, 5}) + "ab", f));        // truncated value
    EXPECT_FALSE(parse_data_row(bytes({0, 2, 0, 0, 0, 0}), f));              // missing field
    EXPECT_FALSE(parse_data_row(bytes({0, 1, 0xff, 0xff, 0xff, 0xfe}), f));  // length -2
    EXPECT_FALSE(parse_data_row(bytes({0, 0, 1}), f));                       // trailing byte
    EXPECT_FALSE(parse_data_row(bytes({0x80, 0}), f));                       // negative count
    EXPECT_FALSE(parse_data_row(bytes({0, 1, 0x7f, 0xff, 0xff, 0xff}), f));  // huge length
    EXPECT_EQ(f.size(), 1u) << "a failed parse leaves the vector as it was";
}

TEST(backend_bodies, row_description) {
    std::vector<column_desc> cols;
    const std::string body = bytes({0, 2}) + "id\0"s + bytes({0, 0, 0x40, 0, 0, 1, 0, 0, 0, 23,
                                                              0, 4, 0xff, 0xff, 0xff, 0xff, 0, 0}) +
                             "j\0"s + bytes({0, 0, 0, 0, 0, 0, 0, 0, 0x0e, 0xda, 0xff, 0xff, 0xff,
                                             0xff, 0xff, 0xff, 0, 1});
    ASSERT_TRUE(parse_row_description(body, cols));
    ASSERT_EQ(cols.size(), 2u);
    EXPECT_EQ(cols[0].name, "id");
    EXPECT_EQ(cols[0].table_oid, 0x4000u);
    EXPECT_EQ(cols[0].column_attr, 1);
    EXPECT_EQ(cols[0].type_oid, 23u);
    EXPECT_EQ(cols[0].type_size, 4);
    EXPECT_EQ(cols[0].type_modifier, -1);
    EXPECT_EQ(cols[0].fmt, format::text);
    EXPECT_EQ(cols[1].type_oid, oid::jsonb);
    EXPECT_EQ(cols[1].fmt, format::binary);
    EXPECT_FALSE(parse_row_description(body.substr(0, body.size() - 1), cols));
    EXPECT_FALSE(parse_row_description(bytes({0x7f, 0xff}), cols)); // count beyond the body
}

TEST(backend_bodies, error_response_every_field) {
    const std::string body =
        "SERROR\0VERROR\0C23505\0Mduplicate key\0Dkey (id)=(1)\0Hhint\0P12\0p3\0qinner\0"
        "Wwhere\0sschema\0ttab\0ccol\0ddom\0ncons\0Ffile.c\0L42\0Rroutine\0Zunknown\0\0"s;
    server_message m;
    ASSERT_TRUE(parse_error_fields(body, m));
    EXPECT_EQ(m.severity, "ERROR");
    EXPECT_EQ(m.code, sqlstate::unique_violation());
    EXPECT_EQ(m.message, "duplicate key");
    EXPECT_EQ(m.detail, "key (id)=(1)");
    EXPECT_EQ(m.hint, "hint");
    EXPECT_EQ(m.position, 12);
    EXPECT_EQ(m.internal_position, 3);
    EXPECT_EQ(m.internal_query, "inner");
    EXPECT_EQ(m.where, "where");
    EXPECT_EQ(m.schema_name, "schema");
    EXPECT_EQ(m.table_name, "tab");
    EXPECT_EQ(m.column_name, "col");
    EXPECT_EQ(m.data_type_name, "dom");
    EXPECT_EQ(m.constraint_name, "cons");
    EXPECT_EQ(m.file, "file.c");
    EXPECT_EQ(m.line, 42);
    EXPECT_EQ(m.routine, "routine");
}

TEST(backend_bodies, error_response_malformed) {
    server_message m;
    EXPECT_FALSE(parse_error_fields("SERROR"s, m));          // unterminated
    EXPECT_FALSE(parse_error_fields("SERROR\0"s, m));        // missing final NUL
    EXPECT_FALSE(parse_error_fields("SERROR\0\0x"s, m));     // trailing bytes
    EXPECT_TRUE(parse_error_fields("\0"s, m));
    EXPECT_TRUE(parse_error_fields("Cbad\0\0"s, m));
    EXPECT_TRUE(m.code.empty()) << "a code that is not 5 characters is dropped";
}

TEST(backend_bodies, authentication_requests) {
    auth_request a;
    ASSERT_TRUE(parse_auth(bytes({0, 0, 0, 0}), a));
    EXPECT_EQ(a.code, auth_ok);
    const std::string md5_req = bytes({0, 0, 0, 5, 1, 2, 3, 4}); // views point into it
    ASSERT_TRUE(parse_auth(md5_req, a));
    EXPECT_EQ(a.code, auth_md5);
    EXPECT_EQ(a.data, bytes({1, 2, 3, 4}));
    EXPECT_FALSE(parse_auth(bytes({0, 0, 0, 5, 1, 2}), a)); // short salt
    EXPECT_FALSE(parse_auth(bytes({0, 0}), a));
    const std::string sasl_req = bytes({0, 0, 0, 10}) + "SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0"s;
    ASSERT_TRUE(parse_auth(sasl_req, a));
    EXPECT_EQ(a.code, auth_sasl);
    std::vector<std::string_view> mechs;
    ASSERT_TRUE(parse_sasl_mechanisms(a.data, mechs));
    ASSERT_EQ(mechs.size(), 2u);
    EXPECT_EQ(mechs[0], "SCRAM-SHA-256-PLUS");
    EXPECT_FALSE(parse_sasl_mechanisms("SCRAM-SHA-256\0"s, mechs));
}

TEST(backend_bodies, small_messages) {
    std::string_view k, v;
    const std::string tz = "TimeZone\0UTC\0"s;
    ASSERT_TRUE(parse_parameter_status(tz, k, v));
    EXPECT_EQ(k, "TimeZone");
    EXPECT_EQ(v, "UTC");
    EXPECT_FALSE(parse_parameter_status("TimeZone\0UTC"s, k, v));
    std::int32_t pid = 0, secret = 0;
    ASSERT_TRUE(parse_backend_key(bytes({0, 0, 0x30, 0x39, 0x80, 0, 0, 0}), pid, secret));
    EXPECT_EQ(pid, 12345);
    EXPECT_EQ(secret, std::int32_t(0x80000000u));
    EXPECT_FALSE(parse_backend_key(bytes({0, 0, 0x30}), pid, secret));
    char st = 0;
    ASSERT_TRUE(parse_ready("T", st));
    EXPECT_EQ(st, 'T');
    EXPECT_FALSE(parse_ready("Q", st));
    EXPECT_FALSE(parse_ready("", st));
    const std::string tag = "INSERT 0 3\0"s;
    ASSERT_TRUE(parse_command_complete(tag, k));
    EXPECT_EQ(k, "INSERT 0 3");
    std::string_view ch, payload;
    const std::string note = bytes({0, 0, 0, 7}) + "chan\0data\0"s;
    ASSERT_TRUE(parse_notification(note, pid, ch, payload));
    EXPECT_EQ(pid, 7);
    EXPECT_EQ(ch, "chan");
    EXPECT_EQ(payload, "data");
    std::int32_t minor = -1;
    std::vector<std::string_view> unrec;
    const std::string nego = bytes({0, 0, 0, 0, 0, 0, 0, 1}) + "_pq_.x\0"s;
    ASSERT_TRUE(parse_negotiate_version(nego, minor, unrec));
    EXPECT_EQ(minor, 0);
    ASSERT_EQ(unrec.size(), 1u);
    EXPECT_FALSE(parse_negotiate_version(bytes({0, 0, 0, 0, 0x7f, 0, 0, 1}), minor, unrec));
}

} // namespace
} // namespace fraiseql::pg::protocol
