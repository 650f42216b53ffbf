// Authentication, authorization, introspection policy and error masking end to end
// (product.md §5, issue 8), through the real server over loopback, both backends:
// JWT refusals over HTTP (401 UNAUTHENTICATED, one generic message), @auth on fields,
// types and root mutations (FORBIDDEN at the path; a forbidden mutation writes nothing),
// the introspection policies, and production mode hiding database details.

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "security_support.hpp"

namespace fraiseql::test::security {
namespace {

using boost::json::serialize;

std::string unique(const std::string& prefix) {
    return prefix + "-" +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

/// An RSA-2048 key pair made for the test: the public key as a PEM file and RS256 signing.
class rsa_key {
public:
    rsa_key() : key_(EVP_RSA_gen(2048)) {
        path_ = std::filesystem::temp_directory_path() /
                ("fraiseql-sec-" + std::to_string(::getpid()) + "-" + unique("rsa") + ".pem");
        if (FILE* f = std::fopen(path_.c_str(), "w")) {
            PEM_write_PUBKEY(f, key_);
            std::fclose(f);
        }
        BIO* mem = BIO_new(BIO_s_mem());
        PEM_write_bio_PUBKEY(mem, key_);
        char* data = nullptr;
        const long n = BIO_get_mem_data(mem, &data);
        pem_.assign(data, static_cast<std::size_t>(n));
        BIO_free(mem);
    }
    ~rsa_key() {
        EVP_PKEY_free(key_);
        std::error_code ec;
        std::filesystem::remove(path_, ec);
    }
    rsa_key(const rsa_key&) = delete;
    rsa_key& operator=(const rsa_key&) = delete;

    std::string path() const { return path_.string(); }
    const std::string& pem() const { return pem_; }
    std::string rs256(const std::string& payload) const {
        const std::string input = b64url(R"({"alg":"RS256","typ":"JWT"})") + "." + b64url(payload);
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        std::size_t len = 0;
        std::string sig;
        if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_) == 1 &&
            EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                           input.size()) == 1) {
            sig.resize(len);
            EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size());
            sig.resize(len);
        }
        EVP_MD_CTX_free(ctx);
        return input + "." + b64url(sig);
    }

private:
    EVP_PKEY* key_;
    std::filesystem::path path_;
    std::string pem_;
};

std::string claims(const std::string& extra) {
    return R"({"sub":"u1","tenant_id":"tenant-a","iss":"https://issuer.example","aud":"fraiseql-e2e")" +
           std::string(extra.empty() ? "" : ",") + extra + "}";
}

class auth_e2e : public security_e2e {
protected:
    /// Expects the one generic refusal: 401, UNAUTHENTICATED, "Authentication required",
    /// a Bearer challenge, and nothing about which check failed.
    void expect_refused(const std::map<std::string, std::string>& headers,
                        const std::string& what) {
        auto r = post_graphql(port(), body("{ items { id } }"), headers);
        EXPECT_EQ(r.status, 401) << what << ": " << r.body;
        EXPECT_EQ(
            r.body,
            R"({"errors":[{"message":"Authentication required","extensions":{"code":"UNAUTHENTICATED"}}]})")
            << what;
        EXPECT_EQ(r.headers["www-authenticate"].rfind("Bearer", 0), 0u) << what;
        for (const char* leak :
             {"expired", "signature", "issuer", "audience", "alg", "base64", "tenant-a"})
            EXPECT_EQ(r.body.find(leak), std::string::npos) << what << " leaks " << leak;
    }
};

TEST_P(auth_e2e, jwt_checks_over_http) {
    start({"FRAISEQL_JWT_ISSUER=https://issuer.example", "FRAISEQL_JWT_AUDIENCE=fraiseql-e2e"});
    const long long now = now_s();
    const std::string exp = R"("exp":)" + std::to_string(now + 600);

    // The valid token is served (so the refusals below are not the server refusing everything).
    auto ok = post(body("{ items { tenantId } }"), bearer(hs256(claims(exp))));
    EXPECT_TRUE(all_of_tenant(ok.at("data").at("items"), "tenant-a")) << last_.body;

    expect_refused(bearer(hs256(claims(R"("exp":)" + std::to_string(now - 60)))), "expired");
    expect_refused(bearer(hs256(claims(exp + R"(,"nbf":)" + std::to_string(now + 600)))),
                   "not yet valid");
    expect_refused(
        bearer(
            hs256(R"({"sub":"u1","iss":"https://evil.example","aud":"fraiseql-e2e",)" + exp + "}")),
        "wrong issuer");
    expect_refused(
        bearer(hs256(R"({"sub":"u1","iss":"https://issuer.example","aud":"other",)" + exp + "}")),
        "wrong audience");
    expect_refused(bearer(hs256(claims(exp), secret + "x")), "other secret");
    std::string flipped = hs256(claims(exp));
    flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
    expect_refused(bearer(flipped), "flipped signature");
    // alg: none, with and without a signature part.
    const std::string none = b64url(R"({"alg":"none","typ":"JWT"})") + "." + b64url(claims(exp));
    expect_refused(bearer(none + "."), "alg none");
    expect_refused(bearer(none + "." + b64url(hmac_sha256(secret, none))), "alg none signed");
    expect_refused(bearer(hs256(claims(exp), secret, R"({"alg":"HS512","typ":"JWT"})")), "HS512");
    // Malformed base64url and shapes.
    expect_refused(bearer("eyJhbGciOiJIUzI1NiJ9!.e30.sig"), "bad base64url");
    expect_refused(bearer(hs256(claims(exp)) + "="), "padding");
    expect_refused(bearer("a.b"), "two parts");
    expect_refused(bearer("not-a-jwt"), "one part");
    expect_refused({{"Authorization", "Bearer"}}, "no token");
    expect_refused({{"Authorization", "Basic dXNlcjpwYXNz"}}, "basic");
    // A huge token (15,000 bytes: under the 16 KiB header limit, over nothing else).
    expect_refused(
        bearer(hs256(claims(exp + R"(,"pad":")" + std::string(11000, 'x') + "\""), "wrong")),
        "huge token");
    // Larger than the HTTP header limit: refused before authentication, and the server goes on.
    auto too_big = post_graphql(port(), body("{ items { id } }"), bearer(std::string(17000, 'a')));
    EXPECT_EQ(too_big.status, 431) << too_big.body;
    // A refused token never falls back to anonymous access, even though it is allowed here.
    auto anon = post(body("{ items { id } }"));
    EXPECT_EQ(serialize(anon.at("data")), R"({"items":[]})");
}

TEST_P(auth_e2e, a_batch_with_a_refused_token_is_401) {
    // One Authorization header for the whole batch: a refused token refuses every operation,
    // and the HTTP answer is the same 401 + challenge as for a single operation.
    start();
    const std::string batch = R"([{"query":"{ items { id } }"},{"query":"{ __typename }"}])";
    const std::string expired =
        hs256(R"({"sub":"u1","tenant_id":"tenant-a","exp":)" + std::to_string(now_s() - 60) + "}");
    auto r = post_graphql(port(), batch, bearer(expired));
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(r.headers["www-authenticate"].rfind("Bearer", 0), 0u) << r.body;
    const std::string refused =
        R"({"errors":[{"message":"Authentication required","extensions":{"code":"UNAUTHENTICATED"}}]})";
    EXPECT_EQ(r.body, "[" + refused + "," + refused + "]");
    // A batch where only some operations are refused (introspection = authenticated, no
    // token) is answered 200: the others have data.
    start({"FRAISEQL_INTROSPECTION=authenticated"});
    auto mixed = post_graphql(
        port(), R"([{"query":"{ __schema { queryType { name } } }"},{"query":"{ __typename }"}])");
    EXPECT_EQ(mixed.status, 200) << mixed.body;
    EXPECT_NE(mixed.body.find(R"({"data":{"__typename":"Query"}})"), std::string::npos);
}

TEST_P(auth_e2e, hs_rs_algorithm_confusion_is_refused) {
    rsa_key key;
    // Only a public key is configured (no secret): RS256 tokens, nothing else.
    server_.reset();
    server_ = std::make_unique<server_process>(
        std::vector<std::string>{
            "--schema", std::string(FRAISEQL_SOURCE_DIR) + "/tests/e2e/fixtures/security.graphql",
            "--database-url", app_url(), "--backend", std::string(pg::to_string(GetParam()))},
        std::vector<std::string>{"FRAISEQL_JWT_PUBLIC_KEY_FILE=" + key.path(), session_variables});
    ASSERT_TRUE(server_->ok()) << server_->log();
    const std::string payload = claims(R"("exp":)" + std::to_string(now_s() + 600));
    auto ok = post(body("{ items { tenantId } }"), bearer(key.rs256(payload)));
    EXPECT_TRUE(all_of_tenant(ok.at("data").at("items"), "tenant-a")) << last_.body;
    // The classic confusion: HS256 keyed with the public key's PEM text.
    expect_refused(bearer(hs256(payload, key.pem())), "HS256 keyed with the RSA public key");
    // An RS256 header over an HMAC signature.
    expect_refused(bearer(hs256(payload, key.pem(), R"({"alg":"RS256","typ":"JWT"})")),
                   "RS256 header, HMAC");
}

TEST_P(auth_e2e, anonymous_access_can_be_refused) {
    start({"FRAISEQL_ALLOW_ANONYMOUS=false"});
    auto r = post_graphql(port(), body("{ items { id } }"));
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(r.headers["www-authenticate"], "Bearer");
    EXPECT_NE(r.body.find("UNAUTHENTICATED"), std::string::npos);
    auto ok = post(body("{ items { tenantId } }"), bearer(token("tenant-b")));
    EXPECT_TRUE(all_of_tenant(ok.at("data").at("items"), "tenant-b")) << last_.body;
}

TEST_P(auth_e2e, forbidden_fields_are_null_with_forbidden_errors_at_their_path) {
    start();
    // A non-admin: `secret` is null with one FORBIDDEN error, everything else intact.
    auto v = query("{ item(id: 1) { id secret name } notes { tenantId } }",
                   token("tenant-a", "u", {"reader"}));
    EXPECT_EQ(serialize(v.at("data").at("item")), R"({"id":1,"secret":null,"name":"a-item-1"})")
        << last_.body;
    EXPECT_TRUE(all_of_tenant(v.at("data").at("notes"), "tenant-a"));
    ASSERT_EQ(error_codes(v), std::vector<std::string>{"FORBIDDEN"}) << last_.body;
    EXPECT_EQ(serialize(v.at("errors").as_array()[0].at("path")), R"(["item","secret"])");

    // In a list every item's `secret` is null, with one error per item at its response path
    // (GraphQL spec §7.1.2: list positions are 0-based indices), as any GraphQL server whose
    // field resolver refuses reports it.
    auto l = query("{ items(orderBy: [{id: ASC}]) { id secret } }", token("tenant-a"));
    const auto& items = l.at("data").at("items").as_array();
    ASSERT_EQ(items.size(), 5u) << last_.body;
    for (const auto& it : items)
        EXPECT_TRUE(it.at("secret").is_null()) << last_.body;
    EXPECT_EQ(error_codes(l), std::vector<std::string>(5, "FORBIDDEN")) << last_.body;
    for (std::size_t i = 0; i < 5 && i < error_codes(l).size(); ++i)
        EXPECT_EQ(serialize(l.at("errors").as_array()[i].at("path")),
                  R"(["items",)" + std::to_string(i) + R"(,"secret"])")
            << last_.body;
    // An empty list evaluates `secret` nowhere: no error.
    auto empty = query("{ items { id secret } }", token("tenant-none"));
    EXPECT_EQ(serialize(empty), R"({"data":{"items":[]}})");

    // An admin reads it (and, still, only the own tenant's).
    auto a = query("{ item(id: 1) { secret } other: item(id: 101) { secret } }",
                   token("tenant-a", "u", {"admin"}));
    EXPECT_EQ(serialize(a), R"({"data":{"item":{"secret":"a-secret-1"},"other":null}})");
    // Through a connection too.
    auto c =
        query("{ itemsConnection(first: 1) { edges { node { id secret } } } }", token("tenant-a"));
    EXPECT_TRUE(c.at("data")
                    .at("itemsConnection")
                    .at("edges")
                    .as_array()[0]
                    .at("node")
                    .at("secret")
                    .is_null())
        << last_.body;
    EXPECT_EQ(error_codes(c), std::vector<std::string>{"FORBIDDEN"});
    EXPECT_EQ(serialize(c.at("errors").as_array()[0].at("path")),
              R"(["itemsConnection","edges",0,"node","secret"])");
}

TEST_P(auth_e2e, forbidden_fields_cannot_be_filtered_or_ordered_on) {
    start();
    // Filtering or ordering on `secret` would disclose it (e.g. one istartswith per
    // character): the root field is refused (null, FORBIDDEN), the rest intact.
    const auto reader = token("tenant-a", "u", {"reader"});
    for (
        const std::string q :
        {R"({ hidden: items(where: {secret: {eq: "a-secret-1"}}) { id } notes { tenantId } })",
         R"({ hidden: items(where: {OR: [{name: {eq: "x"}}, {NOT: {secret: {istartswith: "a-secret-3"}}}]}) { id } notes { tenantId } })",
         R"({ hidden: items(orderBy: [{id: ASC}, {secret: DESC}]) { id } notes { tenantId } })",
         R"({ hidden: itemsConnection(first: 1, where: {secret: {eq: "a-secret-2"}}) { totalCount } notes { tenantId } })"}) {
        auto v = query(q, reader);
        EXPECT_EQ(error_codes(v), std::vector<std::string>{"FORBIDDEN"})
            << q << " -> " << last_.body;
        // hidden is non-null: the error nulls data (GraphQL null propagation), so the
        // answer carries nothing about the secrets either way.
        EXPECT_EQ(last_.body.find("\"id\""), std::string::npos) << q << " -> " << last_.body;
        EXPECT_EQ(last_.body.find("totalCount"), std::string::npos) << q << " -> " << last_.body;
    }
    // Admins may.
    auto a = query(R"({ items(where: {secret: {eq: "a-secret-1"}}) { id } })",
                   token("tenant-a", "u", {"admin"}));
    EXPECT_EQ(serialize(a), R"({"data":{"items":[{"id":1}]}})");
    // Filters on allowed fields are unaffected.
    auto ok = query(R"({ items(where: {name: {eq: "a-item-2"}}, orderBy: [{name: ASC}]) { id } })",
                    reader);
    EXPECT_EQ(serialize(ok), R"({"data":{"items":[{"id":2}]}})");
}

TEST_P(auth_e2e, a_type_with_auth_is_forbidden_for_other_roles) {
    start();
    auto v = query("{ audit { what } items { tenantId } }", token("tenant-a", "u", {"admin"}));
    // audit: [AuditEntry!] is nullable: null + FORBIDDEN, items intact.
    EXPECT_TRUE(v.at("data").at("audit").is_null()) << last_.body;
    EXPECT_TRUE(all_of_tenant(v.at("data").at("items"), "tenant-a"));
    EXPECT_EQ(error_codes(v), std::vector<std::string>{"FORBIDDEN"});
    EXPECT_EQ(serialize(v.at("errors").as_array()[0].at("path")), R"(["audit"])");
    auto ok = query("{ audit { what } }", token("tenant-b", "u", {"auditor"}));
    EXPECT_EQ(serialize(ok), R"({"data":{"audit":[{"what":"b-login"}]}})");
    // Roles as one space-separated string are understood too.
    auto str = post(body("{ audit { what } }"),
                    bearer(hs256(R"({"tenant_id":"tenant-a","roles":"reader auditor"})")));
    EXPECT_EQ(serialize(str), R"({"data":{"audit":[{"what":"a-login"}]}})");
}

TEST_P(auth_e2e, auth_on_a_root_query_field) {
    // @auth on the root field itself (its type Note has none): not run for other roles —
    // null plus FORBIDDEN at ["editorNotes"] — while `notes`, over the same view, is served.
    start();
    auto v = query("{ editorNotes { title } notes { tenantId } }",
                   token("tenant-a", "u", {"reader", "admin"}));
    EXPECT_TRUE(v.at("data").at("editorNotes").is_null()) << last_.body;
    EXPECT_TRUE(all_of_tenant(v.at("data").at("notes"), "tenant-a")) << last_.body;
    ASSERT_EQ(error_codes(v), std::vector<std::string>{"FORBIDDEN"}) << last_.body;
    EXPECT_EQ(serialize(v.at("errors").as_array()[0].at("path")), R"(["editorNotes"])");
    auto anon = query("{ editorNotes { title } }");
    EXPECT_EQ(error_codes(anon), std::vector<std::string>{"FORBIDDEN"}) << last_.body;
    // An editor is served, and RLS still applies to what it reads.
    auto ok = query("{ editorNotes { tenantId } }", token("tenant-b", "u", {"editor"}));
    EXPECT_FALSE(ok.as_object().contains("errors")) << last_.body;
    EXPECT_TRUE(all_of_tenant(ok.at("data").at("editorNotes"), "tenant-b")) << last_.body;
}

TEST_P(auth_e2e, a_forbidden_root_mutation_does_not_run) {
    start();
    const std::string marker = unique("wipe");
    const std::string m = "mutation { first: createNote(input: {title: \"" + marker +
                          "\"}) { title } wipeNotes(input: {marker: \"" + marker +
                          "\"}) { title } }";
    auto v = query(m, token("tenant-a", "u", {"editor"}));
    EXPECT_EQ(v.at("data").at("first").at("title"), marker.c_str()) << last_.body;
    EXPECT_TRUE(v.at("data").at("wipeNotes").is_null());
    EXPECT_EQ(error_codes(v), std::vector<std::string>{"FORBIDDEN"});
    EXPECT_EQ(serialize(v.at("errors").as_array()[0].at("path")), R"(["wipeNotes"])");
    const std::string count = "SELECT count(*) FROM sec_wipe_log WHERE marker = '" + marker + "'";
    EXPECT_EQ(query_column(admin_url(), count), std::vector<std::string>{"0"});
    // The same mutation as an admin runs (so the check above can fail).
    auto admin = query("mutation { wipeNotes(input: {marker: \"" + marker + "\"}) { title } }",
                       token("tenant-a", "u", {"admin"}));
    EXPECT_EQ(serialize(admin.at("data")), R"({"wipeNotes":{"title":"wiped"}})") << last_.body;
    EXPECT_EQ(query_column(admin_url(), count), std::vector<std::string>{"1"});
}

TEST_P(auth_e2e, introspection_policies) {
    const std::string q = "{ __schema { queryType { name } } }";
    start({"FRAISEQL_INTROSPECTION=public"});
    EXPECT_EQ(serialize(query(q)), R"({"data":{"__schema":{"queryType":{"name":"Query"}}}})");

    start({"FRAISEQL_INTROSPECTION=authenticated"});
    auto anon = post(body(q), {}, 401);
    EXPECT_EQ(error_codes(anon), std::vector<std::string>{"UNAUTHENTICATED"}) << last_.body;
    EXPECT_FALSE(anon.as_object().contains("data"));
    auto typed = post(body(R"({ __type(name: "Item") { name } })"), {}, 401);
    EXPECT_EQ(error_codes(typed), std::vector<std::string>{"UNAUTHENTICATED"});
    EXPECT_EQ(serialize(query(q, token("tenant-a"))),
              R"({"data":{"__schema":{"queryType":{"name":"Query"}}}})");
    // Ordinary queries and __typename are not introspection.
    EXPECT_EQ(serialize(query("{ __typename }")), R"({"data":{"__typename":"Query"}})");

    start({"FRAISEQL_INTROSPECTION=disabled"});
    auto off = post(body(q), bearer(token("tenant-a", "u", {"admin"})), 400);
    EXPECT_EQ(error_codes(off), std::vector<std::string>{"FORBIDDEN"}) << last_.body;
    EXPECT_EQ(serialize(query("{ items { tenantId } }", token("tenant-b"))
                            .at("data")
                            .at("items")
                            .as_array()[0]),
              R"({"tenantId":"tenant-b"})");
}

TEST_P(auth_e2e, production_mode_masks_database_errors) {
    start({"FRAISEQL_ENVIRONMENT=production", "FRAISEQL_LOG_FORMAT=text"});
    auto v = query("{ booms { id } }", token("tenant-a"));
    const std::string request_id = last_.headers["x-request-id"];
    ASSERT_FALSE(request_id.empty());
    ASSERT_EQ(error_codes(v), std::vector<std::string>{"DATABASE_ERROR"}) << last_.body;
    const std::string msg(v.at("errors").as_array()[0].at("message").as_string());
    EXPECT_NE(msg.find(request_id), std::string::npos) << msg;
    for (const char* leak : {"sec_hidden_table", "secret_column", "SELECT", "sec internal"})
        EXPECT_EQ(last_.body.find(leak), std::string::npos) << last_.body;
    // The details are in the server's log, under the same request id.
    const std::string log = server_->log();
    const auto at = log.find(request_id);
    ASSERT_NE(at, std::string::npos) << log;
    EXPECT_NE(log.find("sec internal failure", at), std::string::npos) << log;
    // Same failure in a mutation's WITH CHECK refusal.
    auto m = query("mutation { createNote(input: {title: \"p\", tenantId: \"tenant-b\"}) { id } }",
                   token("tenant-a"));
    EXPECT_EQ(error_codes(m), std::vector<std::string>{"DATABASE_ERROR"});
    EXPECT_EQ(last_.body.find("row-level security"), std::string::npos) << last_.body;

    start({"FRAISEQL_ENVIRONMENT=development"});
    auto dev = query("{ booms { id } }", token("tenant-a"));
    ASSERT_EQ(error_codes(dev), std::vector<std::string>{"DATABASE_ERROR"}) << last_.body;
    EXPECT_NE(last_.body.find("sec internal failure in table sec_hidden_table"), std::string::npos)
        << last_.body;
}

INSTANTIATE_TEST_SUITE_P(backends, auth_e2e, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test::security
