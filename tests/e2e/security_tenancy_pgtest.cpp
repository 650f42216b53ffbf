// Multi-tenancy end to end (product.md §5, issue 8): the real server, connected as the
// non-superuser fraiseql_app, over tables with RLS policies on
// current_setting('app.tenant_id', true) (tests/e2e/fixtures/security.sql). Two tenants'
// rows never cross on any path — list, single object, connection, mutation, APQ,
// multi-root, batch, streaming — and no setting leaks through a pooled connection.
// Both backends.

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

#include <openssl/sha.h>

#include "security_support.hpp"

namespace fraiseql::test::security {
namespace {

using boost::json::serialize;

std::string sha256_hex(const std::string& s) {
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), md);
    std::string out;
    char buf[3];
    for (unsigned char c : md) {
        std::snprintf(buf, sizeof buf, "%02x", c);
        out += buf;
    }
    return out;
}

std::string unique(const std::string& prefix) {
    return prefix + "-" +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

/// The ids of a list of objects, in order, as text ("1,2,3").
std::string ids(const boost::json::value& list) {
    std::string out;
    for (const auto& x : list.as_array()) {
        if (!out.empty())
            out += ',';
        out += serialize(x.at("id"));
    }
    return out;
}

class tenancy_e2e : public security_e2e {};

TEST_P(tenancy_e2e, the_server_role_is_subject_to_rls) {
    // Guards every other test here: a superuser or BYPASSRLS role would make them vacuous.
    EXPECT_EQ(query_column(app_url(), "SELECT rolsuper::text || rolbypassrls::text FROM pg_roles "
                                      "WHERE rolname = current_user"),
              std::vector<std::string>{"falsefalse"});
    start();
    auto v = query("{ session { dbUser tenant } }", token("tenant-a"));
    EXPECT_EQ(serialize(v.at("data")),
              R"({"session":[{"dbUser":"fraiseql_app","tenant":"tenant-a"}]})");
}

TEST_P(tenancy_e2e, lists_and_single_objects_are_filtered) {
    start();
    const auto a = token("tenant-a"), b = token("tenant-b");
    auto la = query("{ items(orderBy: [{id: ASC}]) { id tenantId name } }", a);
    EXPECT_EQ(ids(la.at("data").at("items")), "1,2,3,4,5");
    EXPECT_TRUE(all_of_tenant(la.at("data").at("items"), "tenant-a"));
    auto lb = query("{ items(orderBy: [{id: ASC}]) { id tenantId name } }", b);
    EXPECT_EQ(ids(lb.at("data").at("items")), "101,102,103");
    EXPECT_TRUE(all_of_tenant(lb.at("data").at("items"), "tenant-b"));

    // A filter naming the other tenant's rows finds nothing (RLS is ANDed with it).
    auto cross = query(R"({ items(where: {tenantId: {eq: "tenant-b"}}) { id } })", a);
    EXPECT_EQ(serialize(cross.at("data")), R"({"items":[]})");

    // Single object: the other tenant's id is "no such row".
    EXPECT_EQ(serialize(query("{ item(id: 101) { id name } }", a).at("data")), R"({"item":null})");
    EXPECT_EQ(serialize(query("{ item(id: 101) { id name } }", b).at("data")),
              R"({"item":{"id":101,"name":"b-item-101"}})");
    EXPECT_EQ(serialize(query("{ item(id: 1) { id } }", b).at("data")), R"({"item":null})");

    // Anonymous (allowed by default) and a token without the claim: the setting is empty,
    // so no tenant's rows at all.
    EXPECT_EQ(serialize(query("{ items { id } }").at("data")), R"({"items":[]})");
    EXPECT_EQ(serialize(query("{ items { id } }", token("")).at("data")), R"({"items":[]})");
}

TEST_P(tenancy_e2e, connections_are_filtered) {
    start();
    const std::string q =
        "{ itemsConnection(first: 2, orderBy: [{id: ASC}]) { totalCount "
        "edges { cursor node { id tenantId } } pageInfo { hasNextPage endCursor } } }";
    auto a = query(q, token("tenant-a"));
    ASSERT_FALSE(a.as_object().contains("errors")) << last_.body;
    const auto& ca = a.at("data").at("itemsConnection");
    EXPECT_EQ(ca.at("totalCount"), 5);
    ASSERT_EQ(ca.at("edges").as_array().size(), 2u);
    EXPECT_EQ(ca.at("edges").as_array()[0].at("node").at("id"), 1);
    EXPECT_EQ(ca.at("edges").as_array()[1].at("node").at("tenantId"), "tenant-a");

    auto b = query(q, token("tenant-b"));
    const auto& cb = b.at("data").at("itemsConnection");
    EXPECT_EQ(cb.at("totalCount"), 3);
    EXPECT_EQ(cb.at("edges").as_array()[0].at("node").at("id"), 101);

    // Tenant B paging on with tenant A's cursor still only reaches B's rows.
    const std::string after = std::string(ca.at("pageInfo").at("endCursor").as_string());
    auto next = query("{ itemsConnection(first: 10, after: \"" + after +
                          "\", orderBy: [{id: ASC}]) { edges { node { id tenantId } } } }",
                      token("tenant-b"));
    std::vector<int> seen;
    for (const auto& e : next.at("data").at("itemsConnection").at("edges").as_array()) {
        EXPECT_EQ(e.at("node").at("tenantId"), "tenant-b") << last_.body;
        seen.push_back(static_cast<int>(e.at("node").at("id").as_int64()));
    }
    EXPECT_EQ(seen, (std::vector<int>{101, 102, 103})) << last_.body;

    auto none =
        query("{ itemsConnection(first: 5) { totalCount edges { node { id } } } }", token(""));
    EXPECT_EQ(serialize(none.at("data")), R"({"itemsConnection":{"totalCount":0,"edges":[]}})");
}

TEST_P(tenancy_e2e, mutations_write_and_return_only_the_callers_tenant) {
    start();
    const auto a = token("tenant-a"), b = token("tenant-b");
    const std::string m =
        "mutation($i: CreateNoteInput!) { createNote(input: $i) { id tenantId title } }";

    // The @function(context: ["tenant_id"]) value and RLS agree: the note is tenant A's.
    const std::string title = unique("note-a");
    auto created = post(body(m, R"({"i":{"title":")" + title + "\"}}"), bearer(a));
    ASSERT_FALSE(created.as_object().contains("errors")) << last_.body;
    const auto& note = created.at("data").at("createNote");
    EXPECT_EQ(note.at("tenantId"), "tenant-a");
    const std::string id = serialize(note.at("id"));
    EXPECT_EQ(
        query_column(admin_url(), "SELECT tenant_id FROM sec_note WHERE title = '" + title + "'"),
        std::vector<std::string>{"tenant-a"});

    // Tenant B does not see it, tenant A does.
    auto nb = query("{ notes { id tenantId title } }", b);
    EXPECT_TRUE(all_of_tenant(nb.at("data").at("notes"), "tenant-b"));
    EXPECT_EQ(last_.body.find(title), std::string::npos);
    auto na = query("{ notes { id tenantId title } }", a);
    EXPECT_TRUE(all_of_tenant(na.at("data").at("notes"), "tenant-a"));
    EXPECT_NE(last_.body.find(title), std::string::npos);

    // Tenant A creating a row for tenant B: RLS WITH CHECK refuses, the transaction rolls
    // back, nothing is written.
    const std::string forged = unique("forged");
    auto f =
        post(body(m, R"({"i":{"title":")" + forged + R"(","tenantId":"tenant-b"}})"), bearer(a));
    EXPECT_TRUE(f.at("data").at("createNote").is_null()) << last_.body;
    EXPECT_EQ(error_codes(f), std::vector<std::string>{"DATABASE_ERROR"}) << last_.body;
    EXPECT_EQ(
        query_column(admin_url(), "SELECT count(*) FROM sec_note WHERE title = '" + forged + "'"),
        std::vector<std::string>{"0"});

    // Tenant B renaming tenant A's note: invisible to B, so nothing changes and the
    // result (read back under B's RLS) is null — no data of A comes back.
    const std::string rn =
        "mutation($i: RenameNoteInput!) { renameNote(input: $i) { id tenantId title } }";
    auto r = post(body(rn, R"({"i":{"id":)" + id + R"(,"title":"hijacked"}})"), bearer(b));
    EXPECT_EQ(serialize(r.at("data")), R"({"renameNote":null})") << last_.body;
    EXPECT_EQ(query_column(admin_url(), "SELECT title FROM sec_note WHERE id = " + id),
              std::vector<std::string>{title});
    // The owner can (the same call is not simply broken).
    auto own = post(body(rn, R"({"i":{"id":)" + id + R"(,"title":")" + title + R"(-renamed"}})"),
                    bearer(a));
    EXPECT_EQ(own.at("data").at("renameNote").at("title"), (title + "-renamed").c_str())
        << last_.body;

    // No tenant (token without the claim): the context value is empty, WITH CHECK refuses.
    const std::string orphan = unique("orphan");
    auto o = post(body(m, R"({"i":{"title":")" + orphan + "\"}}"), bearer(token("")));
    EXPECT_TRUE(o.at("data").at("createNote").is_null()) << last_.body;
    EXPECT_EQ(
        query_column(admin_url(), "SELECT count(*) FROM sec_note WHERE title = '" + orphan + "'"),
        std::vector<std::string>{"0"});
}

TEST_P(tenancy_e2e, persisted_query_replayed_by_another_tenant_sees_its_own_rows) {
    start();
    const std::string q = "{ items(orderBy: [{id: ASC}]) { id tenantId } }";
    const std::string ext =
        R"("extensions":{"persistedQuery":{"version":1,"sha256Hash":")" + sha256_hex(q) + "\"}}";
    auto reg = post(R"({"query":")" + q + "\"," + ext + "}", bearer(token("tenant-a")));
    EXPECT_EQ(ids(reg.at("data").at("items")), "1,2,3,4,5");
    // The hash alone, now as tenant B and then with no tenant.
    auto hit = post("{" + ext + "}", bearer(token("tenant-b")));
    EXPECT_EQ(ids(hit.at("data").at("items")), "101,102,103") << last_.body;
    EXPECT_TRUE(all_of_tenant(hit.at("data").at("items"), "tenant-b"));
    auto anon = post("{" + ext + "}");
    EXPECT_EQ(serialize(anon.at("data")), R"({"items":[]})") << last_.body;
    // And the plan cache (same text again) does not remember a tenant either.
    auto again = query(q, token("tenant-b"));
    EXPECT_EQ(ids(again.at("data").at("items")), "101,102,103");
}

TEST_P(tenancy_e2e, multi_root_operations_filter_every_root_field) {
    // Pool of 2: the root fields run concurrently on different connections, and some wait
    // for a connection another root field used.
    start({"FRAISEQL_POOL_SIZE=2"});
    const std::string q =
        "{ i: items { id tenantId } n: notes { tenantId } s: session { tenant user } "
        "c: itemsConnection(first: 10) { totalCount edges { node { tenantId } } } "
        "one: item(id: 2) { tenantId } other: item(id: 102) { tenantId } }";
    for (const std::string tenant : {"tenant-a", "tenant-b", "tenant-a"}) {
        auto v = query(q, token(tenant, "sub-" + tenant));
        ASSERT_FALSE(v.as_object().contains("errors")) << last_.body;
        const auto& d = v.at("data");
        EXPECT_TRUE(all_of_tenant(d.at("i"), tenant)) << last_.body;
        EXPECT_TRUE(all_of_tenant(d.at("n"), tenant)) << last_.body;
        EXPECT_EQ(d.at("s").as_array()[0].at("tenant"), tenant.c_str());
        EXPECT_EQ(d.at("s").as_array()[0].at("user"), ("sub-" + tenant).c_str());
        for (const auto& e : d.at("c").at("edges").as_array())
            EXPECT_EQ(e.at("node").at("tenantId"), tenant.c_str()) << last_.body;
        EXPECT_EQ(d.at("c").at("totalCount"), tenant == "tenant-a" ? 5 : 3);
        // item 2 is A's, item 102 is B's: exactly one of them is visible.
        EXPECT_EQ(d.at("one").is_null(), tenant != "tenant-a") << last_.body;
        EXPECT_EQ(d.at("other").is_null(), tenant != "tenant-b") << last_.body;
    }
}

TEST_P(tenancy_e2e, batched_operations_are_each_filtered) {
    start({"FRAISEQL_POOL_SIZE=2"});
    const std::string batch =
        R"([{"query":"{ items { tenantId } }"},{"query":"{ notes { tenantId } }"},)"
        R"({"query":"{ itemsConnection(first: 3) { edges { node { tenantId } } } }"},)"
        R"({"query":"{ a: items { tenantId } b: session { tenant } }"}])";
    for (const std::string tenant : {"tenant-b", "tenant-a"}) {
        auto v = post(batch, bearer(token(tenant)));
        ASSERT_TRUE(v.is_array()) << last_.body;
        const auto& arr = v.as_array();
        ASSERT_EQ(arr.size(), 4u);
        EXPECT_TRUE(all_of_tenant(arr[0].at("data").at("items"), tenant));
        EXPECT_TRUE(all_of_tenant(arr[1].at("data").at("notes"), tenant));
        for (const auto& e : arr[2].at("data").at("itemsConnection").at("edges").as_array())
            EXPECT_EQ(e.at("node").at("tenantId"), tenant.c_str());
        EXPECT_TRUE(all_of_tenant(arr[3].at("data").at("a"), tenant));
        EXPECT_EQ(arr[3].at("data").at("b").as_array()[0].at("tenant"), tenant.c_str());
    }
    // No token: every operation of the batch sees no tenant rows.
    auto anon = post(batch);
    EXPECT_EQ(serialize(anon.as_array()[0].at("data")), R"({"items":[]})");
    EXPECT_EQ(serialize(anon.as_array()[1].at("data")), R"({"notes":[]})");
}

TEST_P(tenancy_e2e, streamed_large_lists_are_filtered) {
    start({"FRAISEQL_MAX_PAGE_SIZE=10000"});
    for (const std::string tenant : {"tenant-a", "tenant-b"}) {
        auto r = post_graphql(port(), body("{ bigs(limit: 10000) { id tenantId payload } }"),
                              bearer(token(tenant)));
        ASSERT_EQ(r.status, 200) << r.error;
        // ~700 KB of JSON: written as the rows arrive (chunked), not buffered.
        EXPECT_EQ(r.headers["transfer-encoding"], "chunked");
        auto v = boost::json::parse(r.body);
        const auto& rows = v.at("data").at("bigs").as_array();
        ASSERT_EQ(rows.size(), 3000u);
        EXPECT_TRUE(all_of_tenant(v.at("data").at("bigs"), tenant));
        for (const auto& row : rows)
            ASSERT_EQ(row.at("id").as_int64() % 2, tenant == "tenant-a" ? 0 : 1) << serialize(row);
    }
    auto none = post_graphql(port(), body("{ bigs(limit: 10000) { id } }"), bearer(token("")));
    EXPECT_EQ(none.body.substr(0, 200), R"({"data":{"bigs":[]}})");
}

TEST_P(tenancy_e2e, header_sources_and_missing_values) {
    start();
    auto v = query("{ session { tenant user locale } }", token("tenant-a", "alice"),
                   {{"X-Locale", "fr-CA"}});
    EXPECT_EQ(serialize(v.at("data")),
              R"({"session":[{"tenant":"tenant-a","user":"alice","locale":"fr-CA"}]})");
    // Header names are case-insensitive; the value is a parameter, never SQL.
    auto quoted = query("{ session { locale } }", token("tenant-a"),
                        {{"x-LOCALE", "x'); DROP TABLE sec_item; --"}});
    EXPECT_EQ(serialize(quoted.at("data")),
              R"({"session":[{"locale":"x'); DROP TABLE sec_item; --"}]})");
    // Next request on the (single, reused) connection without the header and without a
    // tenant claim: empty values, never the previous request's.
    auto bare = query("{ session { tenant user locale } }", token("", "bob"));
    EXPECT_EQ(serialize(bare.at("data")),
              R"({"session":[{"tenant":"","user":"bob","locale":""}]})");
    auto anon = query("{ session { tenant user locale } }");
    EXPECT_EQ(serialize(anon.at("data")), R"({"session":[{"tenant":"","user":"","locale":""}]})");
    EXPECT_EQ(query_column(admin_url(), "SELECT count(*) FROM sec_item"),
              std::vector<std::string>{"8"});
}

TEST_P(tenancy_e2e, concurrent_tenants_over_a_small_pool_never_leak) {
    start({"FRAISEQL_POOL_SIZE=2"});
    const std::string tenants[] = {"tenant-a", "tenant-b", ""};
    const std::string tokens[] = {token("tenant-a", "ua"), token("tenant-b", "ub"),
                                  token("", "un")};
    const std::string queries[] = {
        "{ items { id tenantId } }",
        "{ session { tenant user } }",
        "{ itemsConnection(first: 10) { totalCount edges { node { tenantId } } } }",
        "{ x: items { tenantId } y: session { tenant } }",
        "{ item(id: 3) { tenantId } }",
    };
    constexpr int threads = 6, per_thread = 60; // 360 requests, 3 identities interleaved
    std::atomic<int> checked{0};
    std::mutex mu;
    std::vector<std::string> failures;
    auto fail = [&](std::string why) {
        std::lock_guard<std::mutex> lock(mu);
        if (failures.size() < 10)
            failures.push_back(std::move(why));
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                const int who = (t + i) % 3;
                const int which = (t * 7 + i) % 5;
                const std::string& tenant = tenants[who];
                auto r = post_graphql(port(), body(queries[which]), bearer(tokens[who]));
                boost::system::error_code ec;
                auto v = boost::json::parse(r.body, ec);
                if (r.status != 200 || ec || !v.is_object() || v.as_object().contains("errors")) {
                    fail("status " + std::to_string(r.status) + ": " + r.error + r.body);
                    continue;
                }
                const auto& d = v.at("data").as_object();
                const std::string expected_user = who == 0 ? "ua" : who == 1 ? "ub" : "un";
                bool ok = true;
                // Every tenantId anywhere in the response is the caller's; none when no tenant.
                std::function<void(const boost::json::value&)> walk =
                    [&](const boost::json::value& x) {
                        if (x.is_object()) {
                            for (const auto& [k, y] : x.as_object()) {
                                if (k == "tenantId" || k == "tenant")
                                    ok = ok && y == tenant.c_str();
                                else if (k == "user")
                                    ok = ok && y == expected_user.c_str();
                                else
                                    walk(y);
                            }
                        } else if (x.is_array()) {
                            for (const auto& y : x.as_array())
                                walk(y);
                        }
                    };
                walk(v.at("data"));
                if (which == 0)
                    ok = ok && d.at("items").as_array().size() == (who == 0   ? 5u
                                                                   : who == 1 ? 3u
                                                                              : 0u);
                if (which == 2)
                    ok = ok && d.at("itemsConnection").at("totalCount") == (who == 0   ? 5
                                                                            : who == 1 ? 3
                                                                                       : 0);
                if (which == 4)
                    ok = ok && (d.at("item").is_null() == (who != 0));
                if (!ok)
                    fail("identity " + std::to_string(who) + " got " + r.body);
                else
                    ++checked;
            }
        });
    }
    for (auto& th : pool)
        th.join();
    EXPECT_TRUE(failures.empty()) << failures.size()
                                  << " bad responses, first: " << failures.front();
    EXPECT_EQ(checked.load(), threads * per_thread);
}

INSTANTIATE_TEST_SUITE_P(backends, tenancy_e2e, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test::security
