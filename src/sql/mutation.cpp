// Mutations through PostgreSQL functions (product.md §4; the original's
// semantics: reference §4.2). See include/fraiseql/sql/mutation.hpp.

#include "fraiseql/sql/mutation.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include "fraiseql/json/writer.hpp"
#include "raw_json.hpp"

namespace fraiseql::sql {

using graphql::input_value;
using graphql::named_kind;
using K = input_value::kind;

namespace {

using errors_t = std::vector<graphql::error>;

bool ends_with(std::string_view s, std::string_view suffix) noexcept {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// ---- input serialisation ---------------------------------------------------------

void write_float(std::string& out, double d) {
    // Shortest text that reads back as the same double (0.1 stays "0.1").
    if (!std::isfinite(d)) {
        out += "null";
        return;
    }
    std::array<char, 64> buf{};
    auto [p, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), d);
    if (ec != std::errc()) {
        out += "null";
        return;
    }
    out.append(buf.data(), p);
}

void write_input(std::string& out, const graphql::schema& s, const graphql::type_expr& type,
                 const input_value& v) {
    if (v.is_null()) {
        out += "null";
        return;
    }
    const graphql::type_expr t = type.nullable();
    if (!t.is_named()) { // a list type
        const graphql::type_expr item = t.of_type();
        if (v.type() != K::list) { // coercion already wrapped single values; be safe
            out += '[';
            write_input(out, s, item, v);
            out += ']';
            return;
        }
        out += '[';
        bool first = true;
        for (const auto& x : v.as_list()) {
            if (!first) out += ',';
            first = false;
            write_input(out, s, item, x);
        }
        out += ']';
        return;
    }
    const graphql::type_def* td = s.find_type(t.name);
    if (td && td->kind == named_kind::input_object && v.type() == K::object) {
        out += '{';
        bool first = true;
        for (const auto& [name, x] : v.as_object()) {
            if (!first) out += ',';
            first = false;
            // The §2 key rule, the same one filters and projection use.
            json::append_json_key(out, graphql::field_key(name));
            const graphql::argument_def* f = td->find_input_field(name);
            if (f) write_input(out, s, f->type, x);
            else out += x.to_json(); // coercion refuses unknown fields; defensive only
        }
        out += '}';
        return;
    }
    // JSON: user data, keys untouched.
    if (t.name == "JSON") {
        out += v.to_json();
        return;
    }
    if ((t.name == "BigInt" || t.name == "Decimal") && v.type() == K::string &&
        raw_json::is_number(v.as_string())) {
        out += v.as_string(); // exact digits as a JSON number
        return;
    }
    switch (v.type()) {
    case K::floating: write_float(out, v.as_double()); return;
    case K::integer: out += std::to_string(v.as_int()); return;
    case K::boolean: out += v.as_bool() ? "true" : "false"; return;
    case K::string:
    case K::enum_: json::append_json_string(out, v.as_string()); return;
    default: out += v.to_json(); return;
    }
}

// ---- result interpretation -------------------------------------------------------

struct full_result {
    std::optional<std::string_view> status, message, entity_id, entity_type, entity, updated_fields,
        cascade, metadata;
};

/// Whether a named type is an object type.
bool is_object_type(const graphql::schema& s, const graphql::type_expr& t) {
    const auto* td = s.find_type(t.name);
    return td && td->kind == named_kind::object;
}

/// The success type's field that carries the entity: the object-typed field whose
/// type is the entity's type (from entity_type), else the first object-typed one.
const graphql::field_def* entity_field(const graphql::schema& s, const graphql::type_def& t,
                                       std::optional<std::string> entity_type) {
    const graphql::field_def* first = nullptr;
    for (const auto& f : t.fields) {
        if (f.name == "errors" || !is_object_type(s, f.type)) continue;
        if (entity_type && f.type.name == *entity_type) return &f;
        if (!first) first = &f;
    }
    return first;
}

std::optional<std::string> string_value(std::optional<std::string_view> raw) {
    if (!raw) return std::nullopt;
    return raw_json::decode_string(*raw);
}

/// Writes the document of a union member (`t`): one key per field of `t`, from the
/// mutation_response members (see the header for the mapping).
std::string member_document(const graphql::schema& s, const graphql::type_def& t,
                            const full_result& r, const status_class& st, bool error) {
    std::optional<std::vector<raw_json::member>> meta;
    if (r.metadata) meta = raw_json::split_object(*r.metadata);
    std::optional<std::vector<raw_json::member>> entity;
    if (r.entity) entity = raw_json::split_object(*r.entity);
    const graphql::field_def* ef = error ? nullptr : entity_field(s, t, string_value(r.entity_type));

    std::string out = "{";
    bool first = true;
    auto put = [&](const graphql::field_def& f, std::string_view raw) {
        if (!first) out += ',';
        first = false;
        json::append_json_key(out, f.key);
        out += raw;
    };
    for (const auto& f : t.fields) {
        const std::string& n = f.name;
        if (n == "status" && r.status) put(f, *r.status);
        else if (n == "message" && r.message) put(f, *r.message);
        else if (n == "code") put(f, std::to_string(error ? st.code : 200));
        else if (n == "errors" && error) {
            if (meta)
                if (auto e = raw_json::find(*meta, "errors")) {
                    put(f, *e);
                    continue;
                }
            // One error generated from the status (the original's auto-generated list).
            std::string gen = "[{\"message\":";
            if (r.message && *r.message != "null") gen += *r.message;
            else if (r.status) gen += *r.status;
            else gen += "null";
            gen += ",\"code\":" + std::to_string(st.code) + ",\"identifier\":";
            json::append_json_string(gen, st.identifier);
            gen += ",\"details\":null}]";
            put(f, gen);
        } else if (n == "updatedFields" && r.updated_fields) put(f, *r.updated_fields);
        else if ((n == "id" || n == "entityId") && r.entity_id && *r.entity_id != "null")
            put(f, *r.entity_id);
        else if ((n == "id" || n == "entityId") && entity && raw_json::find(*entity, "id"))
            put(f, *raw_json::find(*entity, "id"));
        else if (n == "entityType" && r.entity_type) put(f, *r.entity_type);
        else if (n == "cascade" && r.cascade) put(f, *r.cascade);
        else if (n == "metadata" && r.metadata) put(f, *r.metadata);
        else if (&f == ef && r.entity) put(f, *r.entity);
        else if (meta) {
            // Any other field reads the metadata key of the same name (#294 in the
            // original: scalar metadata promoted to the error type; here any type).
            if (auto m = raw_json::find(*meta, f.key)) put(f, *m);
        }
    }
    out += '}';
    return out;
}

const char* error_code_for(const status_class& st) {
    switch (st.code) {
    case 401: return graphql::code::unauthenticated;
    case 403: return graphql::code::forbidden;
    case 408: return graphql::code::timeout;
    case 404:
    case 409:
    case 422: return graphql::code::bad_user_input;
    default: return graphql::code::internal_error;
    }
}

} // namespace

bool is_error_type_name(std::string_view n) noexcept {
    return ends_with(n, "Error") || ends_with(n, "Failure");
}

fraiseql::result<mutation_shape, std::string> mutation_shape_of(const graphql::schema& s,
                                                                const graphql::field_def& f) {
    mutation_shape out;
    const graphql::type_def* t = s.find_type(f.type.name);
    if (!t) return failure{std::string("unknown return type \"" + f.type.name + "\"")};
    if (f.type.is_list())
        return failure{"mutation \"" + f.name + "\" returns a list; return an object type (the " +
                       "entity) or a union XSuccess | XError"};
    if (t->kind == named_kind::object) {
        out.kind = mutation_shape::form::entity;
        out.entity_type = t;
        return out;
    }
    if (t->kind != named_kind::union_)
        return failure{"mutation \"" + f.name + "\" returns \"" + t->name +
                       "\"; return an object type (the entity) or a union XSuccess | XError"};
    out.kind = mutation_shape::form::union_;
    for (const auto& m : t->possible_types) {
        const graphql::type_def* mt = s.find_type(m);
        if (!mt) continue;
        if (is_error_type_name(m)) {
            if (!out.error_type) out.error_type = mt;
        } else if (out.success_type) {
            return failure{"union \"" + t->name + "\" of mutation \"" + f.name +
                           "\" has two success members (\"" + out.success_type->name + "\", \"" +
                           m + "\"); error members are named ...Error or ...Failure"};
        } else {
            out.success_type = mt;
        }
    }
    if (!out.success_type || !out.error_type)
        return failure{"union \"" + t->name + "\" of mutation \"" + f.name +
                       "\" needs one success member and an error member named ...Error or "
                       "...Failure"};
    return out;
}

std::string input_to_json(const graphql::schema& s, const graphql::type_expr& type,
                          const input_value& v) {
    std::string out;
    write_input(out, s, type, v);
    return out;
}

fraiseql::result<mutation_call, errors_t>
compile_mutation(const graphql::schema& s, const graphql::field_plan& field,
                 std::span<const std::optional<std::string>> context_values) {
    auto fail = [&](std::string msg) {
        return failure{errors_t{graphql::error::at(std::move(msg), field.loc, graphql::code::internal_error)}};
    };
    const graphql::field_def* fd = field.field;
    if (!fd || !fd->function) return fail("Mutation \"" + field.name + "\" has no @function.");
    const graphql::function_def& fn = *fd->function;
    auto shape = mutation_shape_of(s, *fd);
    if (!shape) return fail("Mutation \"" + field.name + "\": " + shape.error() + ".");
    if (context_values.size() != fn.context.size())
        return fail("Mutation \"" + field.name + "\": context values do not match @function(context:).");

    mutation_call out;
    out.shape = *shape;
    auto& params = out.stmt.params;
    std::string args;
    for (const auto& v : context_values) {
        params.push_back(v);
        if (!args.empty()) args += ", ";
        // Untyped: PostgreSQL types the parameter from the function's signature.
        args += "$" + std::to_string(params.size());
    }
    bool has_json = false;
    if (const graphql::argument_def* in = fd->find_arg("input")) {
        const input_value* v = field.arg("input");
        out.input_json = input_to_json(s, in->type, v ? *v : input_value::null());
        has_json = true;
    } else if (!fd->args.empty()) {
        // No `input` argument: the arguments themselves form the object.
        out.input_json = "{";
        bool first = true;
        for (const auto& a : fd->args) {
            const input_value* v = field.arg(a.name);
            if (!v) continue;
            if (!first) out.input_json += ',';
            first = false;
            json::append_json_key(out.input_json, graphql::field_key(a.name));
            out.input_json += input_to_json(s, a.type, *v);
        }
        out.input_json += '}';
        has_json = true;
    }
    if (has_json) {
        if (out.input_json == "null") params.emplace_back(std::nullopt);
        else params.emplace_back(out.input_json);
        if (!args.empty()) args += ", ";
        args += "$" + std::to_string(params.size()) + "::jsonb";
    }
    // The function runs once: OFFSET 0 keeps the sub-select from being flattened
    // into the outer query (which reads `r` twice).
    out.stmt.text = "SELECT to_jsonb(x.r)::text, pg_typeof(x.r) IN ('json'::regtype, "
                    "'jsonb'::regtype) FROM (SELECT " +
                    quote_ident(fn.schema.empty() ? std::string("public") : fn.schema) + "." +
                    quote_ident(fn.name) + "(" + args + ") AS r OFFSET 0) AS x";
    return out;
}

status_class classify_status(std::string_view status) {
    status_class out;
    const std::string s = lower(status);
    const auto colon = s.find(':');
    const std::string word = s.substr(0, colon);
    if (colon != std::string::npos) out.identifier = std::string(status.substr(colon + 1));
    static constexpr std::string_view success_words[] = {
        "success", "created", "new", "updated", "deleted", "completed",
        "ok",      "done",    "existing", "synced", "cancelled"};
    for (auto w : success_words)
        if (word == w) {
            out.recognised = out.success = true;
            out.code = 200;
            return out;
        }
    struct mapping {
        std::string_view word;
        int code;
    };
    static constexpr mapping errors[] = {
        {"noop", 422},         {"blocked", 422},   {"skipped", 422},  {"ignored", 422},
        {"validation", 422},   {"not_found", 404}, {"unauthorized", 401},
        {"forbidden", 403},    {"conflict", 409},  {"timeout", 408},  {"failed", 500},
        {"error", 500}};
    for (const auto& m : errors)
        if (word == m.word) {
            out.recognised = true;
            out.code = m.code;
            break;
        }
    if (out.recognised && (word == "failed" || word == "error") && colon != std::string::npos) {
        // `failed:validation`, `failed:not_found:post`: the word after the prefix decides.
        const std::string rest = s.substr(colon + 1);
        for (const auto& m : errors)
            if (m.code != 500 && rest.rfind(m.word, 0) == 0) {
                out.code = m.code;
                break;
            }
    }
    return out;
}

mutation_outcome interpret_mutation_result(const graphql::schema& s, const mutation_shape& shape,
                                           std::optional<std::string_view> doc, bool is_json) {
    mutation_outcome out;
    full_result r;
    bool full = false;
    std::optional<std::vector<raw_json::member>> members;
    if (doc) members = raw_json::split_object(*doc);
    if (doc && members) {
        auto st = raw_json::find(*members, "status");
        std::optional<std::string> st_text = string_value(st);
        if (st_text && (!is_json || classify_status(*st_text).recognised)) {
            full = true;
            r.status = st;
            r.message = raw_json::find(*members, "message");
            r.entity_id = raw_json::find(*members, "entity_id");
            r.entity_type = raw_json::find(*members, "entity_type");
            r.entity = raw_json::find(*members, "entity");
            r.updated_fields = raw_json::find(*members, "updated_fields");
            r.cascade = raw_json::find(*members, "cascade");
            if (!r.cascade) r.cascade = raw_json::find(*members, "_cascade");
            r.metadata = raw_json::find(*members, "metadata");
        }
    }
    static constexpr std::string_view no_result = "\"failed:no_result\"";
    static constexpr std::string_view no_result_message = "\"The function returned no result.\"";
    static constexpr std::string_view success = "\"success\"";
    if (!full) {
        if (!doc) {
            if (shape.kind == mutation_shape::form::entity) return out; // null value
            r.status = no_result;
            r.message = no_result_message;
        } else {
            r.status = success;
            r.entity = *doc;
        }
    }
    if (r.entity && *r.entity == "null") r.entity.reset();
    const std::string status_text = string_value(r.status).value_or("");
    const status_class st = classify_status(status_text);
    // A composite with an unrecognised status is not a success (code 500).
    const bool ok = st.recognised && st.success;

    if (shape.kind == mutation_shape::form::entity) {
        if (ok) {
            if (r.entity) {
                out.type = shape.entity_type;
                out.document = std::string(*r.entity);
            }
            return out;
        }
        std::string msg = string_value(r.message).value_or("");
        if (msg.empty()) msg = "The mutation failed with status \"" + status_text + "\".";
        out.field_error = graphql::error::at(std::move(msg), {}, error_code_for(st));
        return out;
    }
    out.type = ok ? shape.success_type : shape.error_type;
    out.document = member_document(s, *out.type, r, st, !ok);
    return out;
}

} // namespace fraiseql::sql
