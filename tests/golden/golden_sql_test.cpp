// Golden tests of the WHERE / ORDER BY / pagination compiler (product.md §3).
//
// Each directory tests/golden/sql/<case>/ holds
//   query.graphql         an operation on tests/golden/sql/schema.graphql
//   variables.json        its variables (optional)
//   expected.sql          per root field: "-- <response key>", the SQL, ";"
//   expected_params.json  per root field: its bind parameters, in order
//   expected_error.txt    instead of the two above when planning or compiling fails:
//                         one "<response key or plan>: <code>: <message>" per line
//   same_as               optional: the name of another case whose SQL and parameters must
//                         be identical (a literal and its variables, say)
// FRAISEQL_UPDATE_GOLDEN=1 rewrites the expected files from the current output, so that a
// change of the compiler shows as a diff to review like code.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/graphql/schema_builder.hpp"
#include "fraiseql/json/writer.hpp"
#include "fraiseql/sql/compiler.hpp"
#include "fraiseql/sql/connection.hpp"
#include "support/input_json.hpp"

namespace {

namespace fs = std::filesystem;
using fraiseql::graphql::input_value;

const fs::path root = fs::path(FRAISEQL_SOURCE_DIR) / "tests" / "golden" / "sql";

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
}


std::vector<std::string> case_names() {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root, ec))
        if (e.is_directory() && fs::exists(e.path() / "query.graphql"))
            out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

const fraiseql::graphql::schema& golden_schema() {
    static std::shared_ptr<fraiseql::graphql::schema> s = [] {
        auto r = fraiseql::graphql::load_schema_file((root / "schema.graphql").string());
        if (!r) {
            std::string all;
            for (const auto& e : r.error()) all += e + "\n";
            ADD_FAILURE() << "golden schema does not build:\n" << all;
            return std::shared_ptr<fraiseql::graphql::schema>();
        }
        return *r;
    }();
    return *s;
}

/// What a case produces.
struct output {
    std::string sql;
    std::string params;
    std::string errors;
};

/// A root field's statement, compiled as the server compiles it: a connection by
/// compile_connection (exec/connection.cpp), any other by compile_root_query.
fraiseql::result<fraiseql::sql::statement, std::vector<fraiseql::graphql::error>>
compile_statement(const fraiseql::graphql::schema& s, const fraiseql::graphql::field_plan& fp) {
    if (fp.resolved_by == fraiseql::graphql::root_resolver::connection) {
        auto c = fraiseql::sql::compile_connection(s, fp, 100);
        if (!c) return fraiseql::failure{std::move(c.error())};
        return std::move(c->stmt);
    }
    auto c = fraiseql::sql::compile_root_query(s, fp, {100});
    if (!c) return fraiseql::failure{std::move(c.error())};
    return std::move(c->stmt);
}

output run_case(const std::string& name) {
    output out;
    const fs::path dir = root / name;
    const auto& s = golden_schema();
    input_value vars;
    if (fs::exists(dir / "variables.json")) {
        boost::system::error_code ec;
        auto jv = boost::json::parse(read(dir / "variables.json"), ec);
        if (ec) {
            out.errors = "variables.json: " + ec.message() + "\n";
            return out;
        }
        vars = fraiseql::test::input_from_json(jv);
    }
    auto doc = fraiseql::graphql::parse_executable(read(dir / "query.graphql"));
    if (!doc) {
        out.errors = "parse: " + doc.error().message + "\n";
        return out;
    }
    auto plan = fraiseql::graphql::plan_operation(s, *doc, "", vars);
    if (!plan) {
        for (const auto& e : plan.error()) out.errors += "plan: " + e.code + ": " + e.message + "\n";
        return out;
    }
    out.params = "{";
    bool first = true;
    for (const auto& fp : plan->root_fields) {
        if (!fp.field || fp.field->root == fraiseql::graphql::field_def::root_kind::none) continue;
        auto c = compile_statement(s, fp);
        if (!c) {
            for (const auto& e : c.error())
                out.errors += fp.response_key + ": " + e.code + ": " + e.message + "\n";
            continue;
        }
        out.sql += "-- " + fp.response_key + "\n" + c->text + ";\n";
        out.params += first ? "\n  " : ",\n  ";
        first = false;
        fraiseql::json::append_json_key(out.params, fp.response_key);
        out.params += " [";
        for (std::size_t i = 0; i < c->params.size(); ++i) {
            out.params += i ? ",\n    " : "\n    ";
            if (c->params[i]) fraiseql::json::append_json_string(out.params, *c->params[i]);
            else out.params += "null";
        }
        out.params += c->params.empty() ? "]" : "\n  ]";
    }
    out.params += first ? "}\n" : "\n}\n";
    return out;
}

class golden_sql : public ::testing::TestWithParam<std::string> {};

TEST_P(golden_sql, compiles_as_expected) {
    const std::string name = GetParam();
    const fs::path dir = root / name;
    output out = run_case(name);
    const bool update = std::getenv("FRAISEQL_UPDATE_GOLDEN") != nullptr;
    struct file { const char* name; const std::string& text; bool produced; };
    const bool failed = !out.errors.empty();
    const file files[] = {{"expected.sql", out.sql, !failed},
                          {"expected_params.json", out.params, !failed},
                          {"expected_error.txt", out.errors, failed}};
    for (const auto& f : files) {
        const fs::path p = dir / f.name;
        if (update) {
            if (f.produced) write(p, f.text);
            else fs::remove(p);
            continue;
        }
        if (!f.produced) {
            EXPECT_FALSE(fs::exists(p)) << name << ": " << f.name << " is expected but not produced"
                                        << (failed ? "; errors:\n" + out.errors : std::string());
            continue;
        }
        ASSERT_TRUE(fs::exists(p)) << name << ": missing " << f.name
                                   << " (run with FRAISEQL_UPDATE_GOLDEN=1); output:\n" << f.text;
        EXPECT_EQ(read(p), f.text) << name << "/" << f.name;
    }
    if (fs::exists(dir / "same_as")) {
        std::string other = read(dir / "same_as");
        while (!other.empty() && (other.back() == '\n' || other.back() == ' ')) other.pop_back();
        output o = run_case(other);
        EXPECT_TRUE(out.errors.empty() && o.errors.empty()) << out.errors << o.errors;
        EXPECT_EQ(out.sql, o.sql) << name << " vs " << other;
        EXPECT_EQ(out.params, o.params) << name << " vs " << other;
    }
}

INSTANTIATE_TEST_SUITE_P(sql, golden_sql, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

TEST(golden_sql_cases, exist) {
    // A broken path would otherwise make the suite pass with no case at all.
    EXPECT_GE(case_names().size(), 30u) << "no golden cases found under " << root;
}

} // namespace
