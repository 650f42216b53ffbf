// The C++ side of the graphql-js differential test (tests/oracle/compare.cjs):
//
//   oracle_tool print-schema SDL_FILE            our schema, printed as SDL
//   oracle_tool introspect SDL_FILE QUERY_FILE   {"data":…} of an introspection query
//   oracle_tool validate SDL_FILE DOCS_JSONL     one JSON line per document: parse result
//                                                and validation errors
//   oracle_tool build-schemas DOCS_JSONL         one JSON line per SDL document: whether
//                                                build_schema accepts it, and its errors
//
// DOCS_JSONL has one {"id":…,"source":…} object per line. Exit status 0 unless the tool
// itself could not run (an unreadable file, a schema that does not build).

#include <boost/json.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "exec/introspection.hpp"
#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/graphql/schema_builder.hpp"
#include "fraiseql/graphql/validate.hpp"

namespace gql = fraiseql::graphql;
namespace json = boost::json;

namespace {

bool read_file(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return true;
}

json::array locations(const std::vector<gql::source_location>& locs) {
    json::array out;
    for (auto l : locs) out.push_back(json::array{l.line, l.column});
    return out;
}

/// For each line of a JSON-lines file `{"id": …, "source": "…"}`: `answer(source, out)` fills
/// the result object (which already carries the id), printed as one line. 2 if unreadable.
template <typename Answer>
int for_each_document(const std::string& docs_path, Answer answer) {
    std::ifstream in(docs_path, std::ios::binary);
    if (!in) {
        std::cerr << "cannot read " << docs_path << "\n";
        return 2;
    }
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        json::object doc = json::parse(line).as_object();
        json::object out;
        out["id"] = doc["id"];
        answer(std::string(doc["source"].as_string()), out);
        std::cout << json::serialize(out) << "\n";
    }
    return 0;
}

int validate_all(const gql::schema& s, const std::string& docs_path) {
    return for_each_document(docs_path, [&](const std::string& source, json::object& out) {
        auto parsed = gql::parse(source, gql::document_kind::any);
        if (!parsed) {
            out["parsed"] = false;
            out["message"] = parsed.error().message;
            out["locations"] = json::array{json::array{parsed.error().line, parsed.error().column}};
        } else {
            out["parsed"] = true;
            json::array errors;
            for (const auto& e : gql::validate(s, *parsed)) {
                json::object je;
                je["message"] = e.message;
                je["locations"] = locations(e.locations);
                je["code"] = e.code;
                errors.push_back(std::move(je));
            }
            out["errors"] = std::move(errors);
        }
    });
}

int introspect(const gql::schema& s, const std::string& query_path) {
    std::string query;
    if (!read_file(query_path, query)) {
        std::cerr << "cannot read " << query_path << "\n";
        return 2;
    }
    auto doc = gql::parse_executable(query);
    if (!doc) {
        std::cerr << "introspection query: " << doc.error().message << "\n";
        return 1;
    }
    // plan_operation validates first (the engine's road), so an invalid query fails here.
    auto plan = gql::plan_operation(s, *doc, "", gql::input_value::null(), gql::plan_options{0, 0});
    if (!plan) {
        for (const auto& e : plan.error()) std::cerr << "introspection query: " << e.message << "\n";
        return 1;
    }
    std::string out = "{\"data\":{";
    bool first = true;
    for (const auto& f : plan->root_fields) {
        if (!first) out += ',';
        first = false;
        out += "\"" + f.response_key + "\":";
        fraiseql::exec::write_introspection(s, f, out);
    }
    out += "}}";
    std::cout << out << "\n";
    return 0;
}

int build_schemas(const std::string& docs_path) {
    return for_each_document(docs_path, [](const std::string& source, json::object& out) {
        auto built = gql::build_schema(source);
        out["ok"] = bool(built);
        json::array errors;
        if (!built)
            for (const auto& e : built.error()) {
                json::object je;
                je["message"] = e.message;
                je["locations"] = locations(e.locations);
                errors.push_back(std::move(je));
            }
        out["errors"] = std::move(errors);
    });
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: oracle_tool print-schema|introspect|validate SDL_FILE [FILE] | build-schemas DOCS_JSONL\n";
        return 2;
    }
    const std::string cmd = argv[1];
    if (cmd == "build-schemas") return build_schemas(argv[2]);
    auto built = gql::load_schema_file(argv[2]);
    if (!built) {
        for (const auto& m : built.error()) std::cerr << m << "\n";
        return 1;
    }
    const gql::schema& s = **built;
    if (cmd == "print-schema") {
        std::cout << gql::print_schema(s) << "\n";
        return 0;
    }
    if (argc < 4) {
        std::cerr << "missing file argument\n";
        return 2;
    }
    if (cmd == "introspect") return introspect(s, argv[3]);
    if (cmd == "validate") return validate_all(s, argv[3]);
    std::cerr << "unknown command " << cmd << "\n";
    return 2;
}
