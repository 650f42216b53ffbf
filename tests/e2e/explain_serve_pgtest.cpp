// One road (docs/adr/0009-one-planner.md): `fraiseql explain` refuses exactly what
// `fraiseql serve` refuses, with the same errors. Every document of the differential
// corpus goes through the real binary twice: `fraiseql explain` (a child process, no
// database) and `fraiseql serve` over HTTP (the blog database, each backend). The
// decision must agree — explain prints `{"errors":[...]}` and exits 1 exactly when the
// server answers without `data` (GraphQL-over-HTTP: a request error) — and so must every
// error's message, locations and code.
//
// The corpus: the graphql-js oracle's blog documents (tests/oracle/corpus/blog.graphql),
// hand-written blog cases under several sets of variables (fragments, @skip/@include on
// variables, defaults, invalid values, several operations), every golden SQL case
// (tests/golden/sql, its own schema) and the benchmark shapes (bench/queries). A mutation
// that explain accepts is not sent to the server: it would write to the shared database.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "support/cluster.hpp"
#include "support/server_process.hpp"

namespace fraiseql::test {
namespace {

namespace fs = std::filesystem;

struct document_case {
    std::string schema;    ///< path of the SDL file
    std::string name;      ///< for failure messages
    std::string query;
    std::string variables; ///< a JSON object, or empty
    std::string operation; ///< operationName, or empty
};

/// The errors of a refusal, one line each: message, locations, code. Empty: accepted.
struct decision {
    bool refused = false;
    std::string errors;
};

std::string describe(const boost::json::array& errors) {
    std::string out;
    for (const auto& e : errors) {
        const auto& o = e.as_object();
        out += std::string(o.at("message").as_string());
        if (const auto* locs = o.if_contains("locations"))
            for (const auto& l : locs->as_array())
                out += " @" + std::to_string(l.at("line").to_number<int>()) + ":" +
                       std::to_string(l.at("column").to_number<int>());
        if (const auto* ext = o.if_contains("extensions"))
            if (const auto* c = ext->as_object().if_contains("code"))
                out += " [" + std::string(c->as_string()) + "]";
        out += '\n';
    }
    return out;
}

struct child {
    pid_t pid = -1;
    int out = -1;
};

/// Starts `fraiseql explain` without a shell (the documents hold quotes of every kind).
child start_explain(const document_case& d) {
    std::vector<std::string> args = {fraiseql_binary(), "explain", "--schema", d.schema,
                                     "--query", d.query};
    if (!d.variables.empty()) {
        args.push_back("--variables");
        args.push_back(d.variables);
    }
    if (!d.operation.empty()) {
        args.push_back("--operation-name");
        args.push_back(d.operation);
    }
    int fds[2];
    if (pipe(fds) != 0) {
        ADD_FAILURE() << "pipe";
        return {};
    }
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    std::vector<char*> argv; // built before fork: the child only calls async-signal-safe functions
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        int null_fd = open("/dev/null", O_WRONLY);
        dup2(null_fd, STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(fds[1]);
    return {pid, fds[0]};
}

/// What explain said: its output (`raw`) read to the end, and its exit status.
decision finish_explain(const document_case& d, child c, std::string& raw) {
    raw.clear();
    if (c.pid < 0)
        return {};
    std::array<char, 4096> buf{};
    ssize_t n;
    while ((n = read(c.out, buf.data(), buf.size())) > 0)
        raw.append(buf.data(), static_cast<std::size_t>(n));
    close(c.out);
    int status = 0;
    waitpid(c.pid, &status, 0);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    decision out;
    // A refusal is the errors document alone; a plan is SQL comments, in which a root field
    // the SQL compiler refuses shows its own errors (the server answers those with data).
    out.refused = raw.rfind("{\"errors\":", 0) == 0;
    if (out.refused) {
        EXPECT_EQ(code, 1) << d.name;
        boost::system::error_code ec;
        auto v = boost::json::parse(raw, ec);
        EXPECT_FALSE(ec) << d.name << ": " << raw;
        if (!ec)
            out.errors = describe(v.at("errors").as_array());
    } else {
        EXPECT_TRUE(code == 0 || code == 1) << d.name << ": exit " << code << "\n" << raw;
    }
    return out;
}

decision serve(unsigned short port, const document_case& d, std::string& raw) {
    boost::json::object body;
    body["query"] = d.query;
    if (!d.variables.empty())
        body["variables"] = boost::json::parse(d.variables);
    if (!d.operation.empty())
        body["operationName"] = d.operation;
    auto r = post_graphql(port, boost::json::serialize(body));
    raw = std::to_string(r.status) + " " + r.body;
    decision out;
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);
    if (ec || !v.is_object()) {
        ADD_FAILURE() << d.name << ": not JSON: " << raw << r.error;
        return out;
    }
    out.refused = !v.as_object().contains("data");
    if (out.refused) {
        EXPECT_GE(r.status, 400) << d.name << ": " << raw;
        out.errors = describe(v.at("errors").as_array());
    }
    return out;
}

std::string read(const fs::path& p) { return read_text_file(p.string()); }

std::string source(const char* relative) {
    return std::string(FRAISEQL_SOURCE_DIR) + "/" + relative;
}

/// tests/oracle/corpus/blog.graphql: documents start at lines `#== name`.
void oracle_corpus(std::vector<document_case>& out) {
    const std::string schema = source("examples/blog/schema.graphql");
    const std::string text = read(source("tests/oracle/corpus/blog.graphql"));
    document_case* cur = nullptr;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto end = text.find('\n', pos);
        if (end == std::string::npos)
            end = text.size();
        const std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        if (line.rfind("#==", 0) == 0) {
            out.push_back({schema, "oracle " + line.substr(3), {}, {}, {}});
            cur = &out.back();
        } else if (cur) {
            cur->query += line + "\n";
        }
    }
}

/// Hand-written cases on the blog schema, each under several sets of variables.
void blog_cases(std::vector<document_case>& out) {
    const std::string schema = source("examples/blog/schema.graphql");
    const std::string id = "7a3b6f0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f";
    auto add = [&](const std::string& name, const std::string& query,
                   const std::vector<std::string>& var_sets, const std::string& op = {}) {
        for (std::size_t i = 0; i < var_sets.size(); ++i)
            out.push_back({schema, name + " #" + std::to_string(i), query, var_sets[i], op});
    };
    const std::vector<std::string> bools = {
        "",         R"({"v": true})",          R"({"v": false})",
        R"({"v": null})", R"({"v": "yes"})", R"({"v": true, "w": false})",
        R"({"v": false, "w": false})"};
    add("variables", R"(query ($id: UUID!, $n: Int = 5, $o: Int) {
        user(id: $id) { id } users(limit: $n, offset: $o) { email } })",
        {"", R"({"id": ")" + id + R"("})", R"({"id": "nope"})",
         R"({"id": ")" + id + R"(", "n": null})", R"({"id": ")" + id + R"(", "n": "2"})",
         R"({"id": 12, "n": 1.5})"});
    add("nullable-variable-for-non-null", "query ($id: UUID) { user(id: $id) { id } }",
        {"", R"({"id": null})", R"({"id": ")" + id + R"("})"});
    add("unused-variable", "query Q($x: Int) { users { id } }", {"", R"({"x": 1})"});
    add("directives", R"(query ($v: Boolean!, $w: Boolean = true) {
        users {
          id @skip(if: $v)
          email @include(if: $w)
          ...U @include(if: $v)
          ... on User @skip(if: $w) { age address { city } }
          address @skip(if: $v) { zip }
          address @include(if: $v) { city }
          firstName @skip(if: false) @include(if: true)
          lastName @skip(if: true)
        }
        __typename @skip(if: $v)
      }
      fragment U on User { firstName email tags })",
        bools);
    add("response-key-order",
        R"(query ($v: Boolean!) { users { a: email @include(if: $v) b: id a: email } })", bools);
    add("where-variables", R"(query ($since: DateTime, $r: Float = 4, $e: String, $d: [String!]) {
        posts(where: {publishedAt: {gte: $since}, rating: {gte: $r}, title: {in: $d},
                      author: {email: {eq: $e}}},
              orderBy: [{publishedAt: DESC_NULLS_LAST}, {title: ASC}], limit: 20) {
          id title author { id } comments { body author { firstName } }
        } })",
        {"", R"({"since": "2024-01-01T00:00:00Z"})", R"({"since": "bad"})",
         R"({"r": null, "e": "a@b.c", "d": ["x", "y"]})", R"({"d": [1]})"});
    // Refused mutations only (an accepted one is not sent): missing and invalid inputs.
    add("mutation", R"(mutation ($in: UpdatePostTitleInput!, $t: String!) {
        updatePostTitle(input: $in) {
          __typename
          ... on UpdatePostTitleSuccess { status post { id title } }
          ... on UpdatePostTitleError { code errors { message } }
        } })",
        {"", R"({"t": "x"})", R"({"t": "x", "in": {"id": ")" + id + R"("}})",
         R"({"t": "x", "in": {"id": ")" + id + R"(", "title": "y", "z": 1}})"});
    add("several-operations",
        "query A { users { id } } query B($v: Boolean!) { posts @skip(if: $v) { id } }",
        {"", R"({"v": true})", R"({"v": false})"}, "B");
    add("several-operations-no-name",
        "query A { users { id } } query B($v: Boolean!) { posts @skip(if: $v) { id } }", {""});
    add("unknown-operation", "query A { users { id } }", {""}, "C");
    add("introspection",
        R"(query ($n: String!) { __type(name: $n) { name kind } __schema { queryType { name } } })",
        {"", R"({"n": "User"})"});
    add("bad-literals", R"({ user(id: "not-a-uuid") { id } users(limit: "3") { id } })", {""});
    add("bad-uuid-literal", R"({ user(id: "not-a-uuid") { id } })", {""});
    add("fragment-cycle", "{ users { ...A } } fragment A on User { ...B } "
                          "fragment B on User { ...A }", {""});
    add("depth", "{ posts { author { posts { author { posts { author { posts { author { posts "
                 "{ author { posts { author { posts { author { posts { author { id } } } } } } "
                 "} } } } } } } } } }", {""});
}

void golden_corpus(std::vector<document_case>& out) {
    const std::string schema = source("tests/golden/sql/schema.graphql");
    for (const auto& e : fs::directory_iterator(source("tests/golden/sql"))) {
        if (!e.is_directory() || !fs::exists(e.path() / "query.graphql"))
            continue;
        const std::string name = "golden " + e.path().filename().string();
        const std::string query = read(e.path() / "query.graphql");
        out.push_back({schema, name, query, {}, {}});
        if (fs::exists(e.path() / "variables.json"))
            out.push_back({schema, name + " (variables)", query,
                           read(e.path() / "variables.json"), {}});
    }
}

void bench_corpus(std::vector<document_case>& out) {
    const std::string schema = source("bench/schema/bench.graphql");
    for (const auto& e : fs::directory_iterator(source("bench/queries"))) {
        if (e.path().string().find(".fraiseql.json") == std::string::npos)
            continue;
        auto jv = boost::json::parse(read(e.path())).as_object();
        document_case d{schema, "bench " + e.path().filename().string(),
                        std::string(jv.at("query").as_string()), {}, {}};
        if (const auto* v = jv.if_contains("variables"))
            d.variables = boost::json::serialize(*v);
        out.push_back(d);
    }
}

/// The corpus and what explain says of each document: computed once (explain needs no
/// database), compared with each backend's server.
struct explained {
    document_case doc;
    decision said;
    std::string raw;
    bool mutation = false;
};

const std::vector<explained>& corpus() {
    static const std::vector<explained> all = [] {
        std::vector<document_case> docs;
        oracle_corpus(docs);
        blog_cases(docs);
        golden_corpus(docs);
        bench_corpus(docs);
        std::vector<explained> out(docs.size());
        // A few commands at once: each is short, and mostly waits to be scheduled.
        constexpr std::size_t batch = 8;
        for (std::size_t first = 0; first < docs.size(); first += batch) {
            const std::size_t last = std::min(docs.size(), first + batch);
            std::vector<child> running;
            for (std::size_t i = first; i < last; ++i)
                running.push_back(start_explain(docs[i]));
            for (std::size_t i = first; i < last; ++i) {
                auto& x = out[i];
                x.said = finish_explain(docs[i], running[i - first], x.raw);
                if (auto parsed = graphql::parse_executable(docs[i].query))
                    x.mutation = graphql::selected_operation_kind(*parsed, docs[i].operation) ==
                                 graphql::operation_kind::mutation;
                x.doc = std::move(docs[i]);
            }
        }
        return out;
    }();
    return all;
}

std::string e2e_url() {
    return "postgres://postgres@127.0.0.1:" + cluster_env("FRAISEQL_TEST_PORT") + "/fraiseql_e2e";
}

class explain_serve : public ::testing::TestWithParam<pg::backend_kind> {
protected:
    void SetUp() override { FRAISEQL_REQUIRE_CLUSTER(); }
};

TEST_P(explain_serve, refuse_the_same_documents_with_the_same_errors) {
    std::map<std::string, std::unique_ptr<server_process>> servers;
    int refused = 0, accepted = 0, not_sent = 0;
    for (const auto& x : corpus()) {
        SCOPED_TRACE(x.doc.name + "\n" + x.doc.query + "\nvariables: " + x.doc.variables);
        if (x.mutation && !x.said.refused) {
            ++not_sent;
            continue;
        }
        auto& srv = servers[x.doc.schema];
        if (!srv) {
            srv = std::make_unique<server_process>(std::vector<std::string>{
                "--schema", x.doc.schema, "--database-url", e2e_url(), "--backend",
                std::string(pg::to_string(GetParam()))});
            ASSERT_TRUE(srv->ok()) << srv->log();
        }
        std::string raw;
        const decision got = serve(srv->port(), x.doc, raw);
        EXPECT_EQ(got.refused, x.said.refused) << "explain: " << x.raw << "\nserve: " << raw;
        EXPECT_EQ(got.errors, x.said.errors) << "explain: " << x.raw << "\nserve: " << raw;
        ++(x.said.refused ? refused : accepted);
    }
    std::cout << "explain and serve: " << refused << " refused, " << accepted << " accepted, "
              << not_sent << " accepted mutations not sent\n";
    // The corpus is what it claims: both decisions well represented.
    EXPECT_EQ(servers.size(), 3u);
    EXPECT_GE(refused, 40);
    EXPECT_GE(accepted, 60);
    EXPECT_LE(not_sent, 2);
}

// The issue's example: an unused variable. `serve` refuses it (spec §5.8.4), so `explain`
// exits non-zero with validation's message instead of printing SQL.
TEST(explain_one_road, an_unused_variable_is_refused_with_the_validation_message) {
    document_case d{source("examples/blog/schema.graphql"), "unused",
                    "query Q($x: Int) { users { id } }", R"({"x": 1})", {}};
    std::string raw;
    const decision said = finish_explain(d, start_explain(d), raw);
    EXPECT_TRUE(said.refused) << raw;
    EXPECT_EQ(said.errors,
              "Variable \"$x\" is never used in operation \"Q\". @1:9 [GRAPHQL_VALIDATION_FAILED]\n")
        << raw;
    EXPECT_EQ(raw.find("SELECT"), std::string::npos) << raw;
}

INSTANTIATE_TEST_SUITE_P(backends, explain_serve, all_backends(), backend_name{});

} // namespace
} // namespace fraiseql::test
