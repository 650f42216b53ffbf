#pragma once
// Shared by tests/chaos/subscription_*_pgtest.cpp (docs/subscriptions.md "Failures"): the
// live query of the chaos schema, the rows it must push, /metrics and the server's RSS (the
// WebSocket client is tests/support/ws_client.hpp, shared with the e2e tier).

#include <sys/socket.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <regex>
#include <string>

#include <boost/json.hpp>

#include "pgchaos_support.hpp"
#include "support/ws_client.hpp"

namespace fraiseql::test::chaos {

/// The live query of the chaos schema: the rows of one group, in key order.
inline const std::string rows_of_group =
    "subscription($g: String!) { chaosRows(where: {grp: {eq: $g}}, orderBy: [{key: ASC}]) "
    "{ key grp val } }";

/// The rows of group `grp` as the live query answers them (its `data`), read by SQL: what a
/// push must equal.
inline std::string expected_rows(const std::string& grp) {
    const auto text = sql1("SELECT json_build_object('chaosRows', coalesce(json_agg(json_build_object("
                "'key', key, 'grp', grp, 'val', val) ORDER BY key), '[]'))::text FROM chaos_write "
                "WHERE grp = " +
                quote(grp));
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    return ec ? "not JSON: " + text : boost::json::serialize(v);
}

/// Resident set size of process `pid`, KiB (VmRSS; 0 when unreadable).
inline long rss_kib(pid_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    for (std::string l; std::getline(f, l);)
        if (l.rfind("VmRSS:", 0) == 0)
            return std::atol(l.c_str() + 6);
    return 0;
}

/// The payload's `data` of a `next` message as JSON text ("" when `m` is not a next).
inline std::string next_data(const boost::json::value& m) {
    if (!m.is_object() || m.at("type") != "next")
        return {};
    return boost::json::serialize(m.at("payload").at("data"));
}

} // namespace fraiseql::test::chaos
