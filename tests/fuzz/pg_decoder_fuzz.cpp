// libFuzzer entry point for the sans-io PostgreSQL protocol core: arbitrary bytes are
// framed by decode() and every frame is fed to each body parser and to the startup and
// query state machines. They must never crash, read out of bounds (ASan), or hand out
// views outside the input.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "pg/protocol/backend.hpp"
#include "pg/protocol/query.hpp"
#include "pg/protocol/startup.hpp"

namespace proto = fraiseql::pg::protocol;

namespace {

void check_inside(std::string_view outer, std::string_view inner) {
    if (inner.empty()) return;
    if (inner.data() < outer.data() || inner.data() + inner.size() > outer.data() + outer.size())
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const char> in(reinterpret_cast<const char*>(data), size);
    // The first byte picks the machine state so both pipelines and simple queries are reached.
    const std::uint8_t mode = size ? data[0] : 0;
    if (size) in = in.subspan(1);

    proto::startup_options so;
    so.user = "u";
    so.password = "pw";
    so.scram_nonce = "fuzznonce";
    so.tls = mode & 2;
    so.tls_server_end_point = "0123456789abcdef0123456789abcdef";
    proto::startup_machine sm(so);

    proto::query_machine qm(2);
    std::string out;
    const std::array<fraiseql::pg::param, 1> params{fraiseql::pg::param::text("1")};
    const std::array<proto::statement_spec, 3> specs{
        proto::statement_spec{"SELECT $1", params, fraiseql::pg::format::text, true},
        proto::statement_spec{"SELECT 2", {}, fraiseql::pg::format::binary, bool(mode & 4)},
        proto::statement_spec{"SELECT $1", params, fraiseql::pg::format::text, true}};
    if (mode & 1) (void)qm.start_simple("SELECT 1", out);
    else (void)qm.start_pipeline(specs, out);

    std::vector<fraiseql::pg::field_view> fields;
    std::vector<fraiseql::pg::column_desc> cols;
    std::vector<std::string_view> list;
    fraiseql::pg::server_message msg;
    while (!in.empty()) {
        auto d = proto::decode(in);
        if (d.status != proto::decode_status::ok) {
            if (d.status == proto::decode_status::need_more && d.needed <= in.size()) std::abort();
            break;
        }
        if (d.consumed > in.size() || d.consumed != d.msg.body.size() + 5) std::abort();
        const std::string_view body = d.msg.body;
        check_inside({in.data(), in.size()}, body);

        fields.clear();
        if (proto::parse_data_row(body, fields))
            for (const auto& f : fields)
                if (!f.is_null()) check_inside(body, f.text());
        (void)proto::parse_row_description(body, cols);
        (void)proto::parse_error_fields(body, msg);
        proto::auth_request a;
        if (proto::parse_auth(body, a)) {
            check_inside(body, a.data);
            (void)proto::parse_sasl_mechanisms(a.data, list);
        }
        std::string_view k, v;
        (void)proto::parse_parameter_status(body, k, v);
        std::int32_t pid = 0, secret = 0, minor = 0;
        (void)proto::parse_backend_key(body, pid, secret);
        char st = 0;
        (void)proto::parse_ready(body, st);
        (void)proto::parse_command_complete(body, k);
        (void)proto::parse_notification(body, pid, k, v);
        (void)proto::parse_negotiate_version(body, minor, list);

        out.clear();
        (void)sm.on_frame(d.msg, out);
        auto ev = qm.on_frame(d.msg);
        if (ev.k == proto::event::kind::row) check_inside(body, ev.text);
        if (qm.finished() && !(mode & 1)) {
            out.clear();
            (void)qm.start_pipeline(specs, out); // exercise the cache across pipelines
        }
        in = in.subspan(d.consumed);
    }
    return 0;
}
