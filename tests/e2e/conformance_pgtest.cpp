// Acceptance audit of the product contract (product.md), over HTTP against the real server,
// for behaviours no other e2e test pins down: statement and request deadlines (TIMEOUT),
// mutation rollback and plain-JSONB results, context arguments, production masking, null
// propagation with `path`, GET rules, ES256 tokens from a JWKS file with leeway, and the
// configuration precedence. Both backends. Objects live in the `conformance` schema of
// fraiseql_e2e (tests/e2e/fixtures/conformance.sql); no other test reads them.

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "unit/auth/jwt_test_util.hpp"
#include "support/cluster.hpp"
#include "support/server_process.hpp"
#include "support/sql.hpp"

namespace fraiseql::test {
namespace {

namespace json = boost::json;

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// {"query": q} (plus "variables" when given) as JSON text.
std::string body(const std::string& q, const std::string& variables = "") {
    std::string out = "{\"query\":" + json::serialize(json::string(q));
    if (!variables.empty()) out += ",\"variables\":" + variables;
    return out + "}";
}

/// Percent-encodes a query-string value (RFC 3986 unreserved characters stay).
std::string url_encode(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            out += buf;
        }
    }
    return out;
}

long long now_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// A marker unique to this process and backend, so concurrent runs never see each other's rows.
std::string marker(const char* what, pg::backend_kind b) {
    return std::string(what) + "-" + std::string(pg::to_string(b)) + "-" + std::to_string(::getpid()) +
           "-" + std::to_string(now_s());
}

class conformance_e2e : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    static void SetUpTestSuite() {
        if (!cluster_available()) return;
        setup_error_ = exec_script(database_url_for("fraiseql_e2e"),
                                   read_text(std::string(FRAISEQL_SOURCE_DIR) +
                                             "/tests/e2e/fixtures/conformance.sql"));
    }
    void SetUp() override {
        FRAISEQL_REQUIRE_CLUSTER();
        ASSERT_EQ(setup_error_, "");
    }
    static std::string schema_path() {
        return std::string(FRAISEQL_SOURCE_DIR) + "/tests/e2e/fixtures/conformance.graphql";
    }
    /// Starts `fraiseql serve` on the conformance schema with `env` (KEY=VALUE) and extra flags.
    void start(std::vector<std::string> env = {}, std::vector<std::string> flags = {}) {
        std::vector<std::string> args = {"--schema", schema_path(), "--database-url",
                                         database_url_for("fraiseql_e2e"), "--backend",
                                         std::string(pg::to_string(GetParam()))};
        for (auto& f : flags) args.push_back(std::move(f));
        server_.reset();
        server_ = std::make_unique<server_process>(std::move(args), std::move(env));
        ASSERT_TRUE(server_->ok()) << server_->log();
    }
    unsigned short port() const { return server_->port(); }

    /// POSTs a GraphQL request; the parsed body (null and a failure when it is not JSON).
    json::value post(const std::string& json_body, const std::map<std::string, std::string>& headers = {},
                     int expected_status = 200) {
        auto r = post_graphql(port(), json_body, headers);
        EXPECT_EQ(r.status, expected_status) << r.error << r.body;
        boost::system::error_code ec;
        auto v = json::parse(r.body, ec);
        EXPECT_FALSE(ec) << "not JSON: " << r.body;
        return ec ? json::value() : v;
    }

    std::unique_ptr<server_process> server_;
    static inline std::string setup_error_;
};

/// The single error of a response (a copy); empty and a failure when there is not exactly one.
json::object only_error(const json::value& v) {
    if (!v.is_object() || !v.as_object().contains("errors") || v.at("errors").as_array().size() != 1) {
        ADD_FAILURE() << "expected exactly one error: " << json::serialize(v);
        return {};
    }
    return v.at("errors").as_array()[0].as_object();
}

// product.md §5 "Limits enforced: statement timeout, and a per-request deadline", §3.5 code
// TIMEOUT. The statement is cancelled (the view sleeps 3 s), the field fails with TIMEOUT at
// its path, and the server keeps serving.
TEST_P(conformance_e2e, statement_and_request_deadlines_are_timeout_errors) {
    for (const char* setting : {"FRAISEQL_STATEMENT_TIMEOUT=300ms", "FRAISEQL_REQUEST_TIMEOUT=300ms"}) {
        SCOPED_TRACE(setting);
        start({setting});
        const auto t0 = std::chrono::steady_clock::now();
        auto v = post(body("{ slow { id name } }"));
        const auto took = std::chrono::steady_clock::now() - t0;
        EXPECT_LT(took, std::chrono::milliseconds(2500)) << "the statement was not cancelled";
        // `slow` is [Item!]!: its failure nulls `data` (GraphQL spec §6.4.4).
        EXPECT_TRUE(v.at("data").is_null()) << json::serialize(v);
        const auto e = only_error(v);
        if (e.empty()) continue;
        EXPECT_EQ(e.at("extensions").at("code"), "TIMEOUT") << json::serialize(v);
        EXPECT_EQ(json::serialize(e.at("path")), R"(["slow"])");
        auto ok = post(body("{ items(orderBy: [{id: ASC}], limit: 1) { id } }"));
        EXPECT_EQ(json::serialize(ok), R"({"data":{"items":[{"id":1}]}})");
    }
}

// product.md §4: "a database error inside the function rolls the transaction back and is a
// top-level error" — the row the function inserted before raising is gone.
TEST_P(conformance_e2e, a_database_error_in_a_mutation_rolls_back_and_is_a_top_level_error) {
    start();
    const std::string m = marker("rollback", GetParam());
    auto v = post(body("mutation($m: String!) { writeThenFail(input: {theMarker: $m}) { id } }",
                       "{\"m\":\"" + m + "\"}"));
    EXPECT_TRUE(v.at("data").at("writeThenFail").is_null()) << json::serialize(v);
    const auto e = only_error(v);
    if (!e.empty()) {
        EXPECT_EQ(e.at("extensions").at("code"), "DATABASE_ERROR");
        EXPECT_EQ(json::serialize(e.at("path")), R"(["writeThenFail"])");
        // Development shows the database's message.
        EXPECT_NE(json::serialize(e.at("message")).find("conformance secret failure"), std::string::npos);
    }
    auto rows = query_column(database_url_for("fraiseql_e2e"),
                             "SELECT count(*) FROM conformance.t_write WHERE marker = '" + m + "'");
    EXPECT_EQ(rows, std::vector<std::string>{"0"});
}

// product.md §4: a plain-JSONB result is the entity, projected by the selection; the input
// goes to the function with snake_case keys (theMarker -> the_marker).
TEST_P(conformance_e2e, a_plain_jsonb_mutation_result_is_projected) {
    start();
    auto v = post(body(R"(mutation { a: echo(input: {theMarker: "hi"}) { __typename name inner { label } } })"));
    EXPECT_EQ(json::serialize(v),
              R"({"data":{"a":{"__typename":"Item","name":"hi","inner":{"label":"echo"}}}})");
}

// product.md §4: context values come first, from the request's session variables;
// docs/mutations.md: a variable the request does not provide is passed as NULL.
TEST_P(conformance_e2e, context_arguments_come_from_session_variables) {
    start({"FRAISEQL_SESSION_VARIABLES=app.tenant_id=header:x-tenant"});
    const std::string q = R"(mutation { withContext(input: {theMarker: "m"}) { name } })";
    auto with = post(body(q), {{"X-Tenant", "acme"}});
    EXPECT_EQ(json::serialize(with), R"({"data":{"withContext":{"name":"acme|m"}}})");
    auto without = post(body(q));
    EXPECT_EQ(json::serialize(without), R"({"data":{"withContext":{"name":"<null>|m"}}})");
}

// docs/mutations.md: a context name that matches no configured variable is an
// INTERNAL_SERVER_ERROR for that field; product.md §3.5: in production neither database nor
// internal details reach the client (they are logged).
TEST_P(conformance_e2e, production_masks_database_and_internal_errors) {
    const std::string fail_q = R"(mutation { writeThenFail(input: {theMarker: "p"}) { id } })";
    const std::string ctx_q = R"(mutation { withContext(input: {theMarker: "p"}) { id } })";
    const std::string shape_q = R"(mutation { notAnObject(input: {theMarker: "p"}) { id } })";

    start(); // development: details are shown
    {
        const auto ctx = only_error(post(body(ctx_q)));
        if (!ctx.empty()) {
            EXPECT_EQ(ctx.at("extensions").at("code"), "INTERNAL_SERVER_ERROR");
            EXPECT_NE(json::serialize(ctx.at("message")).find("tenant_id"), std::string::npos);
        }
        auto shape = post(body(shape_q));
        const auto e = only_error(shape);
        if (!e.empty()) {
            EXPECT_EQ(e.at("extensions").at("code"), "INTERNAL_SERVER_ERROR");
            EXPECT_NE(json::serialize(e.at("message")).find("fn_not_an_object"), std::string::npos);
        }
    }

    start({"FRAISEQL_ENVIRONMENT=production"});
    for (const auto& [q, code] : {std::pair{fail_q, "DATABASE_ERROR"}, std::pair{ctx_q, "INTERNAL_SERVER_ERROR"},
                                  std::pair{shape_q, "INTERNAL_SERVER_ERROR"}}) {
        SCOPED_TRACE(q);
        auto v = post(body(q));
        const auto e = only_error(v);
        if (e.empty()) continue;
        EXPECT_EQ(e.at("extensions").at("code"), code);
        const std::string msg(e.at("message").as_string());
        for (const char* secret : {"conformance secret failure", "tenant_id", "fn_", "session variable"})
            EXPECT_EQ(msg.find(secret), std::string::npos) << msg;
        EXPECT_NE(msg.find("request id"), std::string::npos) << msg;
    }
    // The details are in the server log.
    const std::string log = server_->log();
    EXPECT_NE(log.find("conformance secret failure"), std::string::npos);
    EXPECT_NE(log.find("fn_not_an_object"), std::string::npos);
}

// product.md §3.5: "a missing non-null value nulls the nearest nullable parent and adds an
// error with its path".
TEST_P(conformance_e2e, null_propagation_nulls_the_nearest_nullable_parent_with_a_path) {
    start();
    // Item.name is missing in row 2; items is [Item!]!, so the null reaches `data`.
    auto all = post(body("{ items(orderBy: [{id: ASC}]) { id name } }"));
    EXPECT_TRUE(all.at("data").is_null()) << json::serialize(all);
    const auto e1 = only_error(all);
    if (!e1.empty()) {
        EXPECT_EQ(json::serialize(e1.at("extensions").at("code")), R"("INTERNAL_SERVER_ERROR")");
        EXPECT_EQ(json::serialize(e1.at("path")), R"(["items",1,"name"])");
    }

    // [Item]: only the item becomes null.
    auto nullable = post(body("{ nullableItems(orderBy: [{id: ASC}]) { id name } }"));
    EXPECT_EQ(json::serialize(nullable.at("data")),
              R"({"nullableItems":[{"id":1,"name":"one"},null,{"id":3,"name":"three"}]})");
    const auto e2 = only_error(nullable);
    if (!e2.empty()) {
        EXPECT_EQ(json::serialize(e2.at("extensions").at("code")), R"("INTERNAL_SERVER_ERROR")");
        EXPECT_EQ(json::serialize(e2.at("path")), R"(["nullableItems",1,"name"])");
        EXPECT_TRUE(e2.contains("locations"));
    }

    // Inner.label is missing in row 2: `inner` (nullable) becomes null, the item stays.
    auto inner = post(body("{ items(orderBy: [{id: ASC}]) { id inner { label } } }"));
    EXPECT_EQ(json::serialize(inner.at("data")),
              R"({"items":[{"id":1,"inner":{"label":"a"}},{"id":2,"inner":null},{"id":3,"inner":{"label":"c"}}]})");
    const auto e3 = only_error(inner);
    if (!e3.empty()) {
        EXPECT_EQ(json::serialize(e3.at("extensions").at("code")), R"("INTERNAL_SERVER_ERROR")");
        EXPECT_EQ(json::serialize(e3.at("path")), R"(["items",1,"inner","label"])");
    }

    // A single object: the nullable root field becomes null.
    auto one = post(body("{ item(id: 2) { id name } }"));
    EXPECT_EQ(json::serialize(one.at("data")), R"({"item":null})");
    const auto e4 = only_error(one);
    if (!e4.empty()) {
        EXPECT_EQ(json::serialize(e4.at("extensions").at("code")), R"("INTERNAL_SERVER_ERROR")");
        EXPECT_EQ(json::serialize(e4.at("path")), R"(["item","name"])");
    }

    // Several root fields: a null reaching `data` nulls all of it.
    auto two = post(body("{ a: item(id: 1) { id } items { name } }"));
    EXPECT_TRUE(two.at("data").is_null()) << json::serialize(two);
}

// product.md §3.3: without `columns:` the real columns come from the catalog; a field whose
// key is a column reads the column, `{machine: {id: …}}` reads machine_id, other nested keys
// the document — in literals, variables, inside AND/OR/NOT, and on connections. The columns
// disagree with the document on purpose, so each answer shows which one was read.
TEST_P(conformance_e2e, hybrid_tables_route_filters_to_catalog_columns) {
    start();
    const std::string col_machine = "11111111-1111-1111-1111-111111111111";
    const std::string doc_machine = "22222222-2222-2222-2222-222222222222";
    auto ids = [&](const std::string& where, const std::string& vars = "") {
        const std::string q = vars.empty() ? "{ allocs(where: " + where + ", orderBy: [{id: ASC}]) { id } }"
                                           : "query($w: AllocWhereInput) { allocs(where: $w) { id } }";
        auto v = post(body(q, vars));
        return json::serialize(v.at("data"));
    };
    const std::string one = R"({"allocs":[{"id":1}]})";
    const std::string none = R"({"allocs":[]})";
    EXPECT_EQ(ids("{machine: {id: {eq: \"" + col_machine + "\"}}}"), one);
    EXPECT_EQ(ids("{machine: {id: {eq: \"" + doc_machine + "\"}}}"), none);
    EXPECT_EQ(ids("{status: {eq: \"col-active\"}}"), one);
    EXPECT_EQ(ids("{status: {eq: \"doc-active\"}}"), none);
    // machine_id from the column, name from the document, in one nested object.
    EXPECT_EQ(ids("{machine: {id: {eq: \"" + col_machine + "\"}, name: {eq: \"m1\"}}}"), one);
    EXPECT_EQ(ids("{OR: [{NOT: {status: {eq: \"col-idle\"}}}]}"), one);
    EXPECT_EQ(ids("", R"({"w":{"machine":{"id":{"eq":")" + col_machine + R"("}}}})"), one);
    EXPECT_EQ(ids("", R"({"w":{"AND":[{"status":{"in":["col-active"]}}]}})"), one);
    auto c = post(body("{ allocsConnection(where: {machine: {id: {eq: \"" + col_machine +
                       "\"}}}) { totalCount edges { node { id status } } } }"));
    EXPECT_EQ(json::serialize(c.at("data")),
              R"({"allocsConnection":{"totalCount":1,"edges":[{"node":{"id":1,"status":"doc-active"}}]}})");
}

// product.md §7: GET for queries only, with variables and operationName in the query
// string; a mutation selected over GET is 405 even when the document also has a query.
TEST_P(conformance_e2e, get_requests_take_variables_and_operation_name) {
    start();
    const std::string doc = "query Q($id: Int!) { item(id: $id) { name } } "
                            "mutation M { echo(input: {theMarker: \"get\"}) { name } }";
    auto q = http_request(port(), "GET",
                          "/graphql?query=" + url_encode(doc) + "&variables=" + url_encode(R"({"id":3})") +
                              "&operationName=Q");
    EXPECT_EQ(q.status, 200) << q.body;
    EXPECT_EQ(q.body, R"({"data":{"item":{"name":"three"}}})");
    auto m = http_request(port(), "GET", "/graphql?query=" + url_encode(doc) + "&operationName=M");
    EXPECT_EQ(m.status, 405) << m.body;
    EXPECT_EQ(m.headers["allow"], "POST");
    // Without operationName the document is ambiguous: a request error.
    auto amb = http_request(port(), "GET", "/graphql?query=" + url_encode(doc));
    EXPECT_EQ(amb.status, 400) << amb.body;
    EXPECT_NE(amb.body.find("GRAPHQL_VALIDATION_FAILED"), std::string::npos) << amb.body;
    // Bad variables JSON in the query string.
    auto bad = http_request(port(), "GET", "/graphql?query=" + url_encode(doc) + "&variables=%7B&operationName=Q");
    EXPECT_EQ(bad.status, 400) << bad.body;
}

// product.md §7 (GraphQL over HTTP): media types are case-insensitive (RFC 9110 §8.3.1) and
// a media type the client weights q=0 is not acceptable (RFC 9110 §12.5.1).
TEST_P(conformance_e2e, media_types_are_case_insensitive_and_honour_q_zero) {
    start();
    const std::string b = body("{ __typename }");
    auto upper = http_request(port(), "POST", "/graphql", b, {{"Content-Type", "Application/JSON; Charset=UTF-8"}});
    EXPECT_EQ(upper.status, 200) << upper.body;
    auto gql = post_graphql(port(), b, {{"Accept", "Application/GraphQL-Response+JSON"}});
    EXPECT_EQ(gql.headers["content-type"].rfind("application/graphql-response+json", 0), 0u);
    auto pref = post_graphql(port(), b, {{"Accept", "application/json, application/graphql-response+json;q=0.9"}});
    EXPECT_EQ(pref.headers["content-type"].rfind("application/graphql-response+json", 0), 0u);
    auto refused = post_graphql(port(), b, {{"Accept", "application/graphql-response+json;q=0, application/json"}});
    EXPECT_EQ(refused.headers["content-type"].rfind("application/json", 0), 0u);
    auto any = post_graphql(port(), b, {{"Accept", "*/*"}});
    EXPECT_EQ(any.headers["content-type"].rfind("application/json", 0), 0u);
    auto text = http_request(port(), "POST", "/graphql", b, {{"Content-Type", "text/plain"}});
    EXPECT_EQ(text.status, 415);
}

/// Reads what arrives on `fd` within `ms` milliseconds (until EOF or a quiet period).
std::string read_for(int fd, int ms) {
    std::string out;
    pollfd p{fd, POLLIN, 0};
    while (::poll(&p, 1, ms) > 0) {
        char buf[4096];
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
        ms = 200; // the rest of a response arrives promptly
    }
    return out;
}

// RFC 9110 §10.1.1: a client that sends `Expect: 100-continue` waits for an interim
// response before the body (curl for one second); the server sends it at once.
TEST_P(conformance_e2e, expect_100_continue_is_answered) {
    start();
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port());
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    const std::string b = body("{ __typename }");
    const std::string head = "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             "Expect: 100-continue\r\nConnection: close\r\nContent-Length: " +
                             std::to_string(b.size()) + "\r\n\r\n";
    ASSERT_EQ(::write(fd, head.data(), head.size()), static_cast<ssize_t>(head.size()));
    const std::string interim = read_for(fd, 500);
    EXPECT_EQ(interim.rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << interim;
    ASSERT_EQ(::write(fd, b.data(), b.size()), static_cast<ssize_t>(b.size()));
    const std::string rest = read_for(fd, 5000);
    ::close(fd);
    EXPECT_EQ(rest.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << rest;
    EXPECT_NE(rest.find(R"({"data":{"__typename":"Query"}})"), std::string::npos) << rest;
}

// product.md §5: ES256 with keys from a JWKS file, exp/nbf checked with jwt_leeway.
TEST_P(conformance_e2e, es256_tokens_from_a_jwks_file_with_leeway) {
    namespace jw = fraiseql_test::jwt;
    const auto key = jw::ec_key();
    const auto other = jw::ec_key();
    jw::temp_file jwks("{\"keys\":[" + jw::jwk(key, "k1") + "]}");
    start({"FRAISEQL_JWT_JWKS_FILE=" + jwks.path(), "FRAISEQL_JWT_LEEWAY=30", "FRAISEQL_ALLOW_ANONYMOUS=false",
           "FRAISEQL_JWT_ISSUER=https://issuer.example", "FRAISEQL_JWT_AUDIENCE=conformance"});
    const std::string header = R"({"alg":"ES256","typ":"JWT","kid":"k1"})";
    auto claims = [](const std::string& extra) {
        return R"({"sub":"u1","iss":"https://issuer.example","aud":"conformance")" + extra + "}";
    };
    const std::string q = body("{ __typename }");
    auto with = [&](const std::string& token) {
        return std::map<std::string, std::string>{{"Authorization", "Bearer " + token}};
    };
    const long long now = now_s();
    // Valid; expired 5 s ago and not valid for 5 more s are inside the 30 s leeway.
    for (const auto& c : {claims(",\"exp\":" + std::to_string(now + 600)),
                          claims(",\"exp\":" + std::to_string(now - 5)),
                          claims(",\"nbf\":" + std::to_string(now + 5))}) {
        auto v = post(q, with(jw::es_token(key, c, header)));
        EXPECT_EQ(json::serialize(v), R"({"data":{"__typename":"Query"}})") << c;
    }
    // Outside the leeway, another key, another audience, no token: 401 UNAUTHENTICATED.
    for (const auto& token : {jw::es_token(key, claims(",\"exp\":" + std::to_string(now - 120)), header),
                              jw::es_token(key, claims(",\"nbf\":" + std::to_string(now + 120)), header),
                              jw::es_token(other, claims(""), header),
                              jw::es_token(key, R"({"sub":"u1","iss":"https://issuer.example","aud":"x"})", header)}) {
        auto r = post_graphql(port(), q, with(token));
        EXPECT_EQ(r.status, 401) << r.body;
        EXPECT_NE(r.body.find("UNAUTHENTICATED"), std::string::npos) << r.body;
        EXPECT_NE(r.headers["www-authenticate"].find("Bearer"), std::string::npos);
    }
    auto anon = post_graphql(port(), q);
    EXPECT_EQ(anon.status, 401) << anon.body;
    EXPECT_EQ(anon.headers["www-authenticate"], "Bearer");
}

// Issue 8 / product.md §5: the JWKS file is re-read when it changes — a key rotated in by an
// atomic replace is accepted by the running server, the retired key refused — rate-limited
// to once per second (docs/security.md §2.5).
TEST_P(conformance_e2e, jwks_rotation_reaches_the_running_server) {
    namespace jw = fraiseql_test::jwt;
    const auto old_key = jw::ec_key();
    const auto new_key = jw::ec_key();
    jw::temp_file jwks("{\"keys\":[" + jw::jwk(old_key, "2023") + "]}");
    start({"FRAISEQL_JWT_JWKS_FILE=" + jwks.path(), "FRAISEQL_ALLOW_ANONYMOUS=false"});
    const std::string q = body("{ __typename }");
    const std::string claims = R"({"sub":"u1","exp":)" + std::to_string(now_s() + 600) + "}";
    auto status = [&](const jw::pkey& key, const char* kid) {
        const std::string header = std::string(R"({"alg":"ES256","kid":")") + kid + "\"}";
        return post_graphql(port(), q,
                            {{"Authorization", "Bearer " + jw::es_token(key, claims, header)}})
            .status;
    };
    EXPECT_EQ(status(old_key, "2023"), 200);
    EXPECT_EQ(status(new_key, "2024"), 401);
    // Publish the new key beside the old one, then retire the old one (atomic replaces).
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    jwks.replace("{\"keys\":[" + jw::jwk(old_key, "2023") + "," + jw::jwk(new_key, "2024") + "]}");
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    EXPECT_EQ(status(new_key, "2024"), 200);
    EXPECT_EQ(status(old_key, "2023"), 200);
    jwks.replace("{\"keys\":[" + jw::jwk(new_key, "2024") + "]}");
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    EXPECT_EQ(status(old_key, "2023"), 401);
    EXPECT_EQ(status(new_key, "2024"), 200);
}

// RFC 9110 §15.5.2: every 401 carries a WWW-Authenticate challenge — also the one for
// introspection under `introspection = authenticated` without a token (product.md §5).
TEST_P(conformance_e2e, every_401_carries_a_bearer_challenge) {
    start({"FRAISEQL_INTROSPECTION=authenticated",
           "FRAISEQL_JWT_SECRET=conformance-secret-0123456789-abcdefghijklmnop"});
    auto r = post_graphql(port(), body("{ __schema { queryType { name } } }"));
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(r.headers["www-authenticate"], "Bearer");
    auto ok = post_graphql(port(), body("{ __typename }"));
    EXPECT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(ok.headers.count("www-authenticate"), 0u);
}

// product.md §1: command-line flag > FRAISEQL_<NAME> > fraiseql.toml > default. Observed
// through max_page_size (the default limit) and environment (GraphiQL only in development).
TEST_P(conformance_e2e, configuration_precedence_is_flag_env_toml_default) {
    fraiseql_test::jwt::temp_file toml("max_page_size = 1\nenvironment = \"production\"\n");
    auto count_items = [&] {
        auto v = post(body("{ nullableItems(orderBy: [{id: ASC}]) { id } }"));
        return v.at("data").at("nullableItems").as_array().size();
    };
    auto graphiql = [&] {
        return http_request(port(), "GET", "/graphql", {}, {{"Accept", "text/html"}}).status;
    };
    start(); // defaults: max_page_size 1000, development
    EXPECT_EQ(count_items(), 3u);
    EXPECT_EQ(graphiql(), 200);
    start({}, {"--config", toml.path()});
    EXPECT_EQ(count_items(), 1u);
    EXPECT_NE(graphiql(), 200);
    start({"FRAISEQL_MAX_PAGE_SIZE=2", "FRAISEQL_ENVIRONMENT=development"}, {"--config", toml.path()});
    EXPECT_EQ(count_items(), 2u) << "the environment variable beats the file";
    EXPECT_EQ(graphiql(), 200);
    start({"FRAISEQL_ENVIRONMENT=development"}, {"--config", toml.path(), "--environment", "production"});
    EXPECT_NE(graphiql(), 200) << "the flag beats the environment variable";
}

/// Runs `fraiseql ARGS` and returns its exit status and output (stdout and stderr).
std::pair<int, std::string> run_cli(const std::string& args) {
    std::string out;
    FILE* p = popen((fraiseql_binary() + " " + args + " 2>&1").c_str(), "r");
    if (!p) return {-1, "popen failed"};
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    const int st = pclose(p);
    return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

// product.md §1: `fraiseql check` verifies that every function the schema names exists "with a
// compatible type": the call sends the context values, then the input as jsonb
// (docs/mutations.md), so a function taking an int, or fewer arguments, is a problem.
TEST_P(conformance_e2e, check_refuses_functions_that_cannot_take_the_call) {
    fraiseql_test::jwt::temp_file schema(read_text(schema_path()) + R"(
extend type Mutation {
  intInput(input: MarkerInput!): Item @function(name: "fn_int_input", schema: "conformance")
  contextMissing(input: MarkerInput!): Item @function(name: "fn_with_context", schema: "conformance")
}
)");
    auto [status, out] = run_cli("check --backend " + std::string(pg::to_string(GetParam())) + " --schema " +
                                 schema.path() + " --database-url " + database_url_for("fraiseql_e2e"));
    EXPECT_EQ(status, 1) << out;
    EXPECT_NE(out.find("Mutation.intInput"), std::string::npos) << out;
    EXPECT_NE(out.find("integer"), std::string::npos) << out;
    EXPECT_NE(out.find("Mutation.contextMissing"), std::string::npos) << out;
    EXPECT_EQ(out.find("Mutation.withContext"), std::string::npos) << out;
    EXPECT_EQ(out.find("Mutation.echo"), std::string::npos) << out;
    EXPECT_NE(out.find("2 problem(s)"), std::string::npos) << out;

    auto [ok_status, ok_out] = run_cli("check --backend " + std::string(pg::to_string(GetParam())) +
                                       " --schema " + schema_path() + " --database-url " +
                                       database_url_for("fraiseql_e2e"));
    EXPECT_EQ(ok_status, 0) << ok_out;
}

// product.md §1: `--help` on every sub-command and `--version` succeed; a usage error is exit 2
// (like a refused configuration), with a message.
TEST(conformance_cli, help_version_and_usage_errors) {
    for (const char* args : {"--help", "--version", "serve --help", "demo --help", "check --help", "explain --help"}) {
        auto [status, out] = run_cli(args);
        EXPECT_EQ(status, 0) << args << "\n" << out;
        EXPECT_FALSE(out.empty()) << args;
    }
    EXPECT_NE(run_cli("--version").second.find("fraiseql "), std::string::npos);
    EXPECT_NE(run_cli("check --help").second.find("--database-url"), std::string::npos);
    for (const char* args : {"", "serve --bogus", "explain --schema x.graphql", "nosuchcommand"}) {
        auto [status, out] = run_cli(args);
        EXPECT_EQ(status, 2) << "'" << args << "'\n" << out;
        EXPECT_FALSE(out.empty()) << args;
    }
}

INSTANTIATE_TEST_SUITE_P(backends, conformance_e2e, all_backends(), backend_name());

} // namespace
} // namespace fraiseql::test
