#include "response_writer.hpp"

#include <map>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "fraiseql/json/buffer_pool.hpp"
#include "fraiseql/json/writer.hpp"

namespace fraiseql::exec {

namespace {

void append_errors(std::string& out, const std::vector<graphql::error>& errors) {
    for (std::size_t i = 0; i < errors.size(); ++i) {
        if (i) out += ',';
        graphql::append_error_json(out, errors[i]);
    }
}

/// Appends to `out` the response paths at which the field at the end of `path` (from
/// `depth` on) was evaluated inside `v`: lists contribute their 0-based indices (GraphQL
/// spec §7.1.2 "path"). A null parent counts (a non-null forbidden field nulls it, §6.4.4);
/// a missing key (another member of a union) or an empty list does not.
void forbidden_paths(const boost::json::value& v, const std::vector<graphql::path_element>& path,
                     std::size_t depth, std::vector<graphql::path_element>& at,
                     std::vector<std::vector<graphql::path_element>>& out) {
    if (v.is_array()) {
        const auto& a = v.get_array();
        for (std::size_t i = 0; i < a.size(); ++i) {
            at.emplace_back(static_cast<std::int64_t>(i));
            forbidden_paths(a[i], path, depth, at, out);
            at.pop_back();
        }
        return;
    }
    const auto* key = std::get_if<std::string>(&path[depth]);
    if (!key) return;
    if (depth + 1 == path.size()) {
        if (v.is_object() || v.is_null()) {
            out.push_back(at);
            out.back().emplace_back(*key);
        }
        return;
    }
    if (!v.is_object()) return;
    const auto* child = v.get_object().if_contains(*key);
    if (!child) return;
    at.emplace_back(*key);
    forbidden_paths(*child, path, depth + 1, at, out);
    at.pop_back();
}

} // namespace

std::string errors_body(const std::vector<graphql::error>& errors) {
    std::string out = json::take_buffer();
    out += "{\"errors\":[";
    append_errors(out, errors);
    out += "]}";
    return out;
}

void expand_forbidden_paths(std::vector<graphql::error>& errors,
                            const std::vector<graphql::field_plan>& roots,
                            const field_results& results) {
    std::vector<graphql::error> out;
    std::map<std::size_t, boost::json::value> parsed;
    for (auto& e : errors) {
        const auto* root_key = e.path.empty() ? nullptr : std::get_if<std::string>(&e.path[0]);
        std::size_t root = roots.size();
        for (std::size_t i = 0; root_key && i < roots.size(); ++i)
            if (roots[i].response_key == *root_key) root = i;
        if (e.path.size() < 2 || root == roots.size() || results[root].is_null) {
            out.push_back(std::move(e));
            continue;
        }
        auto it = parsed.find(root);
        if (it == parsed.end()) {
            boost::system::error_code ec;
            auto v = boost::json::parse(results[root].json, ec);
            it = parsed.emplace(root, ec ? boost::json::value() : std::move(v)).first;
            if (ec)
                spdlog::warn("cannot parse a root value to place @auth errors: {}", ec.message());
        }
        std::vector<std::vector<graphql::path_element>> paths;
        std::vector<graphql::path_element> at{e.path[0]};
        forbidden_paths(it->second, e.path, 1, at, paths);
        for (auto& p : paths) {
            graphql::error x = e;
            x.path = std::move(p);
            out.push_back(std::move(x));
        }
    }
    errors = std::move(out);
}

response write_response(const graphql::operation_plan& plan, roots_outcome outcome,
                        std::vector<graphql::error>& errors) {
    const auto& roots = plan.root_fields;
    auto& results = outcome.results;
    response res;
    bool data_null = false;
    for (std::size_t i = 0; i < roots.size(); ++i)
        if (results[i].is_null && roots[i].field && roots[i].field->type.is_non_null())
            data_null = true;
    // A streamed list is already gone: its @auth errors keep the field's path without
    // indices. With data null there is no path to place them at.
    if (!outcome.stream_started && !data_null) expand_forbidden_paths(errors, roots, results);
    for (auto& r : results)
        for (auto& e : r.errors) errors.push_back(std::move(e));
    auto finish = [&](std::string& body) {
        if (!errors.empty()) {
            body += ",\"errors\":[";
            append_errors(body, errors);
            body += ']';
        }
        body += '}';
    };
    if (outcome.stream_started) {
        // The head of the value is already with the client.
        if (results[0].is_null) {
            res.aborted = true;
            return res;
        }
        res.streamed = true;
        res.body = std::move(results[0].json);
        res.body += '}';
        finish(res.body);
        return res;
    }
    // The body and the roots' values are per-thread spare buffers (json/buffer_pool.hpp):
    // each root's value goes back to the pool once copied, and the transport gives the body
    // back once written, so a steady stream of requests reuses the same memory.
    std::string& body = res.body;
    std::size_t size = 32;
    for (const auto& r : results) size += r.json.size() + 16;
    body = json::take_buffer(size);
    body.reserve(size);
    body += "{\"data\":";
    if (data_null) {
        body += "null";
    } else {
        body += '{';
        for (std::size_t i = 0; i < roots.size(); ++i) {
            if (i) body += ',';
            json::append_json_string(body, roots[i].response_key);
            body += ':';
            // Not `is_null ? "null" : json`: that conditional is a std::string copy.
            if (results[i].is_null) body += "null";
            else body += results[i].json;
        }
        body += '}';
    }
    for (auto& r : results) json::give_back(r.json);
    finish(body);
    return res;
}

} // namespace fraiseql::exec
