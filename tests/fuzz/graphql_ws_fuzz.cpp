// libFuzzer entry point for the graphql-transport-ws state machine (src/http/graphql_ws.hpp):
// the input is a conversation — messages separated by a 0x1E byte, each optionally prefixed
// by a control byte 0x01 (the server accepts a pending init), 0x02 (it rejects it), 0x03 (the
// init timeout fires), 0x04 (a binary frame), 0x05 (the server completes the newest active
// operation) — fed to one connection with small budgets. Nothing may crash or throw; the
// protocol's invariants are checked after every step (the oracle), and the whole input must
// finish within a work budget.
//
//   graphql_ws_fuzz -max_total_time=60 corpus/graphql_ws_fuzz

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <boost/json/parse.hpp>

#include "http/graphql_ws.hpp"

namespace {

using namespace fraiseql::http::gws;

// Every frame the state machine produces is a JSON object with a known type.
void check_frame(const std::string& f) {
    boost::system::error_code ec;
    auto v = boost::json::parse(f, ec);
    if (ec || !v.is_object()) std::abort();
    const auto* t = v.get_object().if_contains("type");
    if (!t || !t->is_string()) std::abort();
    const std::string_view ty = t->get_string();
    if (ty != "pong" && ty != "connection_ack" && ty != "next" && ty != "error" && ty != "complete")
        std::abort();
}

void check(const connection& c, const step& s, const limits& l, bool was_closed) {
    if (was_closed && (!s.send.empty() || s.close || s.init || s.subscribe || s.complete))
        std::abort(); // a closed connection does nothing more
    for (const auto& f : s.send) check_frame(f);
    if (s.close && (s.close->reason.size() > 123 || c.current() != state::closed)) std::abort();
    if (c.active_count() > l.max_subscriptions) std::abort();
    if (s.subscribe && (s.subscribe->first.empty() || s.subscribe->first.size() > l.max_id_bytes ||
                        !c.active(s.subscribe->first) || c.current() != state::acknowledged))
        std::abort();
    if (s.init && c.current() != state::init_pending) std::abort();
    if (c.current() == state::closed && c.active_count() != 0) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto started = std::chrono::steady_clock::now();
    limits l;
    l.max_message_bytes = 1024;
    l.max_json_depth = 16;
    l.max_id_bytes = 8;
    l.max_subscriptions = 3;
    connection c(l);
    std::string last_id;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::size_t pos = 0;
    while (pos <= input.size()) {
        auto end = input.find('\x1e', pos);
        if (end == std::string_view::npos) end = input.size();
        std::string_view m = input.substr(pos, end - pos);
        pos = end + 1;
        const bool was_closed = c.current() == state::closed;
        step s;
        if (!m.empty() && m[0] >= 1 && m[0] <= 5) {
            const char op = m[0];
            m.remove_prefix(1);
            if (op == 1) {
                const bool pending = c.current() == state::init_pending;
                auto ack = c.accept();
                if (pending != !ack.empty()) std::abort();
                if (!ack.empty()) check_frame(ack);
                continue;
            }
            if (op == 2) {
                if (c.current() == state::init_pending) {
                    auto cf = c.reject(m);
                    if (cf.code != close_code::forbidden || cf.reason.size() > 123) std::abort();
                }
                continue;
            }
            if (op == 3) s = c.on_init_timeout();
            else if (op == 4) s = c.on_binary();
            else {
                if (!last_id.empty()) {
                    auto f = c.complete(last_id);
                    if (!f.empty()) check_frame(f);
                    if (c.active(last_id)) std::abort();
                }
                continue;
            }
        } else {
            s = c.on_text(m);
        }
        check(c, s, l, was_closed);
        if (s.subscribe) {
            last_id = s.subscribe->first;
            auto n = c.next(last_id, R"({"data":null})");
            if (n.empty()) std::abort();
            check_frame(n);
        }
    }
    if (std::chrono::steady_clock::now() - started > std::chrono::seconds(2)) std::abort();
    return 0;
}
