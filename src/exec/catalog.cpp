#include "fraiseql/exec/catalog.hpp"

#include <map>
#include <set>

#include "fraiseql/json/keys.hpp"

namespace fraiseql::exec {

namespace asio = boost::asio;

namespace {

/// Collects every row's text fields.
class collect_sink final : public pg::row_sink {
public:
    std::vector<std::vector<std::optional<std::string>>> rows;
    asio::awaitable<bool> on_rows(std::span<const pg::row_view> batch) override {
        for (const auto& r : batch) {
            auto& out = rows.emplace_back();
            for (const auto& f : r)
                out.push_back(f.is_null() ? std::nullopt : std::optional<std::string>(std::string(f.text())));
        }
        co_return true;
    }
};

asio::awaitable<pg::result<collect_sink>> query(pg::connection& conn, std::string_view sql,
                                                std::vector<std::string> args) {
    collect_sink sink;
    std::vector<pg::param> params;
    for (const auto& a : args) params.push_back(pg::param::text(a));
    pg::statement st{sql, params, &sink};
    auto r = co_await conn.run(std::span<const pg::statement>(&st, 1),
                               pg::clock::now() + std::chrono::seconds(30));
    if (!r) co_return failure{std::move(r).error()};
    co_return std::move(sink);
}

constexpr const char* columns_sql =
    "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
    "WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";

std::string describe(const pg::error& e) {
    return e.code == pg::errc::server_error ? e.server().message : e.message;
}

/// Keys used by the field selection rule, collected from a sample document.
void collect_keys(std::string_view doc, std::set<std::string>& keys) {
    // A light scan of top-level keys: enough for the spelling hint.
    int depth = 0;
    bool in_str = false, esc = false, expect_key = false;
    std::string cur;
    for (std::size_t i = 0; i < doc.size(); ++i) {
        char c = doc[i];
        if (in_str) {
            if (esc) esc = false;
            else if (c == '\\') esc = true;
            else if (c == '"') {
                in_str = false;
                if (expect_key && depth == 1) {
                    std::size_t j = i + 1;
                    while (j < doc.size() && doc[j] == ' ') ++j;
                    if (j < doc.size() && doc[j] == ':') keys.insert(cur);
                }
            } else if (depth == 1) cur += c;
            continue;
        }
        if (c == '"') {
            in_str = true;
            cur.clear();
            expect_key = true;
        } else if (c == '{' || c == '[') ++depth;
        else if (c == '}' || c == ']') --depth;
    }
}

std::string camel_of(std::string_view snake) {
    std::string out;
    bool up = false;
    for (char c : snake) {
        if (c == '_') {
            up = !out.empty();
            continue;
        }
        out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        up = false;
    }
    return out;
}

} // namespace

asio::awaitable<std::vector<std::string>> discover_columns(pg::connection& conn, graphql::schema& s) {
    std::vector<std::string> problems;
    for (const auto& tp : s.types()) {
        if (!tp->view || tp->view->columns_declared) continue;
        std::vector<std::string> args{tp->view->name};
        auto rows = co_await query(conn, columns_sql, std::move(args));
        if (!rows) {
            problems.push_back(tp->name + ": cannot read the columns of " + tp->view->name + ": " +
                               describe(rows.error()));
            continue;
        }
        auto* t = s.find_type_mut(tp->name);
        for (const auto& r : rows->rows)
            if (r[0] && (!t->view->jsonb_column || *r[0] != *t->view->jsonb_column))
                t->view->columns.push_back(*r[0]);
    }
    co_return problems;
}

asio::awaitable<std::vector<check_problem>> check_schema(pg::connection& conn,
                                                         const graphql::schema& s) {
    std::vector<check_problem> out;
    auto err = [&](std::string m) { out.push_back({check_problem::level::error, std::move(m)}); };
    auto warn = [&](std::string m) { out.push_back({check_problem::level::warning, std::move(m)}); };
    for (const auto& tp : s.types()) {
        if (!tp->view) continue;
        const auto& v = *tp->view;
        std::vector<std::string> args{v.name};
        auto rows = co_await query(conn, columns_sql, std::move(args));
        if (!rows) {
            err(tp->name + ": @view \"" + v.name + "\": " + describe(rows.error()));
            continue;
        }
        if (rows->rows.empty()) {
            err(tp->name + ": @view \"" + v.name + "\" does not exist");
            continue;
        }
        std::map<std::string, std::string> cols;
        for (const auto& r : rows->rows) cols[r[0].value_or("")] = r[1].value_or("");
        if (v.jsonb_column) {
            auto it = cols.find(*v.jsonb_column);
            if (it == cols.end())
                err(tp->name + ": \"" + v.name + "\" has no column \"" + *v.jsonb_column + "\"");
            else if (it->second != "jsonb" && it->second != "json")
                err(tp->name + ": \"" + v.name + "\"." + *v.jsonb_column + " is " + it->second +
                    ", expected jsonb");
        }
        for (const auto& c : v.columns)
            if (v.columns_declared && !cols.count(c))
                err(tp->name + ": \"" + v.name + "\" has no column \"" + c + "\" (declared in columns:)");
        // Sample documents: warn about keys that never appear but have a camelCase twin.
        if (v.jsonb_column && cols.count(*v.jsonb_column)) {
            std::string sql = "SELECT t." + std::string("\"");
            for (char c : *v.jsonb_column) sql += c == '"' ? std::string("\"\"") : std::string(1, c);
            sql += "\"::text FROM ";
            std::string rel;
            std::string_view name = v.name;
            while (true) {
                auto dot = name.find('.');
                rel += "\"";
                for (char c : name.substr(0, dot)) rel += c == '"' ? std::string("\"\"") : std::string(1, c);
                rel += "\"";
                if (dot == std::string_view::npos) break;
                rel += ".";
                name.remove_prefix(dot + 1);
            }
            sql += rel + " AS t LIMIT 100";
            auto sample = co_await query(conn, sql, std::vector<std::string>{});
            if (!sample) {
                err(tp->name + ": cannot sample \"" + v.name + "\": " + describe(sample.error()));
                continue;
            }
            if (sample->rows.empty()) continue;
            std::set<std::string> keys;
            for (const auto& r : sample->rows)
                if (r[0]) collect_keys(*r[0], keys);
            for (const auto& f : tp->fields) {
                if (keys.count(f.key) || cols.count(f.key)) continue;
                for (const auto& k : keys) {
                    if (camel_of(k) == f.name && k != f.key) {
                        warn("\"" + tp->name + "." + f.name + "\" reads \"" + f.key + "\", rows have \"" +
                             k + "\": add @key(name: \"" + k + "\")");
                        break;
                    }
                }
            }
        }
    }
    if (const auto* m = s.mutation_type()) {
        for (const auto& f : m->fields) {
            if (!f.function) continue;
            // docs/mutations.md "The call": one argument per context entry, then the JSONB
            // input when the field has arguments. An overload is callable when it takes that
            // many arguments (counting defaults) and the input parameter is jsonb — `$n::jsonb`
            // has no implicit cast to json or anything else.
            const std::size_t nargs = f.function->context.size() + (f.args.empty() ? 0 : 1);
            std::vector<std::string> args{f.function->schema, f.function->name, std::to_string(nargs)};
            auto rows = co_await query(
                conn,
                "SELECT p.pronargs, p.pronargdefaults, "
                "CASE WHEN $3::int > 0 AND p.pronargs >= $3::int "
                "THEN format_type(p.proargtypes[$3::int - 1], NULL) ELSE '' END "
                "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = $1 AND p.proname = $2",
                std::move(args));
            const std::string fn = f.function->schema + "." + f.function->name;
            if (!rows) {
                err("Mutation." + f.name + ": " + describe(rows.error()));
                continue;
            }
            if (rows->rows.empty()) {
                err("Mutation." + f.name + ": function " + fn + " does not exist");
                continue;
            }
            bool callable = false;
            std::string seen;
            for (const auto& r : rows->rows) {
                const std::size_t total = std::stoul(r[0].value_or("0"));
                const std::size_t defaults = std::stoul(r[1].value_or("0"));
                const std::string input_type = r[2].value_or("");
                if (!seen.empty()) seen += ", ";
                seen += std::to_string(total) + " argument(s)";
                if (total < nargs || total - defaults > nargs) continue;
                if (!f.args.empty() && input_type != "jsonb") {
                    seen += " (argument " + std::to_string(nargs) + " is " + input_type + ")";
                    continue;
                }
                callable = true;
            }
            if (!callable)
                err("Mutation." + f.name + ": function " + fn + " cannot be called with " +
                    std::to_string(f.function->context.size()) + " context value(s)" +
                    (f.args.empty() ? std::string() : " and a jsonb input") + "; it takes " + seen);
        }
    }
    co_return out;
}

} // namespace fraiseql::exec
