// The arguments of xsGroupBy, refused before any SQL is built (product.md §3.6, §9 "enforced
// before the work is done"; docs/adr/0015-aggregates.md): empty or oversized `by`, a field
// grouped twice, a bucket on a field that is not a date, a `having` nested too deeply or
// holding too many conditions, a time zone that is not a zone name. The values were coerced
// by the planner, so their shapes are those of the generated inputs.

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "budget.hpp"
#include "fraiseql/graphql/aggregates.hpp"

namespace fraiseql::graphql::detail {
namespace {

using K = input_value::kind;

/// The depth of AND/OR/NOT nesting and the operators a having value holds, iteratively
/// (a coerced value nests as deeply as its JSON); stops once past `stop` conditions.
struct having_size {
    std::size_t depth = 0;
    std::uint64_t conditions = 0;
};
having_size measure_having(const input_value& v, std::uint64_t stop) {
    having_size out;
    std::vector<std::pair<const input_value*, std::size_t>> todo{{&v, 1}};
    while (!todo.empty() && !(stop && out.conditions > stop)) {
        auto [h, depth] = todo.back();
        todo.pop_back();
        if (h->type() != K::object)
            continue;
        out.depth = std::max(out.depth, depth);
        for (const auto& [name, x] : h->as_object()) {
            if (x.is_null())
                continue;
            if (name == "AND" || name == "OR") {
                if (x.type() == K::list)
                    for (const auto& item : x.as_list())
                        todo.emplace_back(&item, depth + 1);
            } else if (name == "NOT") {
                todo.emplace_back(&x, depth + 1);
            } else if (name == "count") {
                if (x.type() == K::object)
                    out.conditions += x.as_object().size();
            } else if (x.type() == K::object) {
                // {sum: {price: {gt: 1, lt: 9}}}: one condition per operator.
                for (const auto& [field, ops] : x.as_object())
                    if (ops.type() == K::object)
                        out.conditions += ops.as_object().size();
            }
        }
    }
    return out;
}

/// A time zone argument is passed to PostgreSQL as a parameter; this only refuses what no
/// zone name or offset is spelled with, so that the message is ours (PostgreSQL reports an
/// unknown zone itself: "time zone ... not recognized").
bool zone_spelling(const std::string& z) {
    if (z.empty() || z.size() > 64)
        return false;
    for (char c : z)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
              c == '+' || c == ':'))
            return false;
    return true;
}

} // namespace

void check_aggregate_args(const schema& s, const std::vector<field_plan>& roots,
                          std::uint32_t max_conditions, std::vector<error>& errors) {
    for (const auto& fp : roots) {
        if (!fp.field || fp.field->root != field_def::root_kind::group_by)
            continue;
        const type_def* x = s.find_type(fp.field->aggregate_of);
        if (!x)
            continue;
        auto fail = [&](std::string msg, const char* c) {
            // A request error, like the where budget's: nothing runs, so no path.
            errors.push_back(error::at(std::move(msg), fp.loc, c));
        };
        const std::string where = "\"" + fp.response_key + "\"";
        if (const input_value* by = fp.arg("by"); by && by->type() == K::list) {
            const auto& items = by->as_list();
            if (items.empty())
                fail("The by argument of " + where +
                         " is empty: give at least one field to "
                         "group by, e.g. by: [{field: " +
                         (s.find_type(x->name + "Field") &&
                                  !s.find_type(x->name + "Field")->enum_values.empty()
                              ? s.find_type(x->name + "Field")->enum_values[0].name
                              : std::string("id")) +
                         "}] (for the totals of all the rows, query " +
                         fp.field->name.substr(0, fp.field->name.size() - 7) + "Aggregate).",
                     code::bad_user_input);
            if (items.size() > max_group_by_entries) {
                fail("The by argument of " + where + " has " + std::to_string(items.size()) +
                         " entries; the limit is " + std::to_string(max_group_by_entries) + ".",
                     code::query_too_complex);
                continue;
            }
            std::vector<std::string> seen;
            for (const auto& item : items) {
                const input_value* f = item.find("field");
                if (!f || f->is_null())
                    continue; // refused by coercion (field: XField!)
                const std::string& name = f->as_string();
                if (std::find(seen.begin(), seen.end(), name) != seen.end())
                    fail("The by argument of " + where + " names \"" + name +
                             "\" twice; a field is one key of a group (its key has one \"" + name +
                             "\").",
                         code::bad_user_input);
                seen.push_back(name);
                const input_value* b = item.find("bucket");
                if (!b || b->is_null())
                    continue;
                const field_def* fd = x->find_field(name);
                const std::string scalar = fd ? fd->type.name : std::string();
                const time_bucket* tb = find_time_bucket(b->as_string());
                if (!bucketable(scalar))
                    fail("Cannot bucket \"" + name + "\" of " + x->name + " by " + b->as_string() +
                             ": it is a " + scalar +
                             "; time buckets apply to Date and DateTime fields only.",
                         code::bad_user_input);
                else if (tb && !tb->dates && scalar == "Date")
                    fail("Cannot bucket \"" + name + "\" of " + x->name + " by " + b->as_string() +
                             ": a Date has no " + std::string(tb->unit) +
                             "s; use DAY or a coarser bucket.",
                         code::bad_user_input);
            }
        }
        if (const input_value* h = fp.arg("having"); h && !h->is_null()) {
            const having_size n = measure_having(*h, max_conditions);
            if (n.depth > max_having_depth)
                fail("The having argument of " + where + " nests AND/OR/NOT more than " +
                         std::to_string(max_having_depth) + " levels deep.",
                     code::query_too_complex);
            else if (max_conditions && n.conditions > max_conditions)
                fail("The having argument of " + where + " has more than " +
                         std::to_string(max_conditions) +
                         " conditions; the limit (max_filter_conditions) is " +
                         std::to_string(max_conditions) + ".",
                     code::query_too_complex);
        }
        if (const input_value* z = fp.arg("timezone"); z && !z->is_null())
            if (!zone_spelling(z->as_string()))
                fail("The timezone argument of " + where +
                         " is not a time zone name (an IANA name such as \"Europe/Paris\" or "
                         "\"UTC\").",
                     code::bad_user_input);
    }
}

} // namespace fraiseql::graphql::detail

namespace fraiseql::graphql {

std::vector<std::string> aggregate_arg_fields(const field_plan& root) {
    std::vector<std::string> out;
    if (const input_value* by = root.arg("by"); by && by->type() == input_value::kind::list)
        for (const auto& item : by->as_list())
            if (const input_value* f = item.find("field"); f && !f->is_null())
                out.push_back(f->as_string());
    // having / orderBy: {fn: {field: …}} and {key: {field: …}}; AND/OR/NOT repeat the type.
    std::vector<const input_value*> todo;
    for (const char* arg : {"having", "orderBy"})
        if (const input_value* v = root.arg(arg))
            todo.push_back(v);
    while (!todo.empty()) {
        const input_value* v = todo.back();
        todo.pop_back();
        if (v->type() == input_value::kind::list) {
            for (const auto& item : v->as_list())
                todo.push_back(&item);
            continue;
        }
        if (v->type() != input_value::kind::object)
            continue;
        for (const auto& [name, x] : v->as_object()) {
            if (name == "AND" || name == "OR" || name == "NOT")
                todo.push_back(&x);
            else if (name != "count" && x.type() == input_value::kind::object)
                for (const auto& [field, ignored] : x.as_object())
                    out.push_back(field);
        }
    }
    return out;
}

} // namespace fraiseql::graphql
