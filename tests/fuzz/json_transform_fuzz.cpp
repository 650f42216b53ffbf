// libFuzzer target for the response transform (FRAISEQL_BUILD_FUZZ, clang):
// arbitrary bytes as a row must give a status, never a crash, an out-of-bounds read or a
// sanitizer report; and the statuses must agree with the validator.
//
// Invariants checked (trap on violation):
//   * ok => the output is valid JSON;
//   * malformed/too_deep => output and errors untouched;
//   * a valid document whose top level is an object => ok or null_propagated;
//   * project_object reports malformed/too_deep => is_valid_json() is false, or the top level
//     is not an object;
//   * the long-lived transformer (warm member predictions) and a new one agree exactly.

#include "fraiseql/json/transform.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace fraiseql::json;

std::vector<std::shared_ptr<const projection>> make_projections() {
    auto leaf = std::make_shared<const projection>(
        "Leaf", std::vector<projected_field>{value_field("a", "a", true), value_field("b", "b"),
                                             typename_field("Leaf")});
    projected_field tags = value_field("tags", "tags");
    tags.items_non_null = true;
    auto mid = std::make_shared<const projection>(
        "Mid", std::vector<projected_field>{object_field("a", "x", leaf),
                                            object_list_field("b", "y", leaf, false, true),
                                            tags, value_field("a", "z")});
    auto root = std::make_shared<const projection>(
        "Root", std::vector<projected_field>{value_field("id", "id", true),
                                             object_field("a", "a", mid, true),
                                             object_list_field("b", "b", mid),
                                             object_list_field("a", "c", leaf),
                                             value_field("first_name", "firstName")});
    return {root, mid, leaf};
}

bool top_is_object(std::string_view s) {
    for (char c : s) {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        return c == '{';
    }
    return false;
}

void check(bool ok) {
    if (!ok) __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto projections = make_projections();
    static transformer t;
    const std::string_view doc(reinterpret_cast<const char*>(data), size);
    const bool valid = is_valid_json(doc);
    for (const auto& p : projections) {
        std::string out = "x";
        std::vector<field_error> errors;
        const auto st = t.project_object(doc, *p, out, errors);
        switch (st) {
        case transform_status::ok:
            check(valid);
            check(is_valid_json(std::string_view(out).substr(1)));
            break;
        case transform_status::null_propagated:
            check(valid && out == "x" && !errors.empty());
            break;
        case transform_status::null_document:
            check(valid && out == "x");
            break;
        case transform_status::malformed:
        case transform_status::too_deep:
            check(out == "x" && errors.empty());
            check(!valid || !top_is_object(doc));
            break;
        }
        if (valid && top_is_object(doc))
            check(st == transform_status::ok || st == transform_status::null_propagated);
        {
            // `t` has seen every earlier input (its member predictions are warm); a new
            // transformer must give exactly the same result.
            transformer cold;
            std::string cold_out = "x";
            std::vector<field_error> cold_errors;
            const auto cs = cold.project_object(doc, *p, cold_out, cold_errors);
            check(cs == st && cold_out == out && cold_errors.size() == errors.size());
            if (st == transform_status::malformed || st == transform_status::too_deep)
                check(cold.error_offset() == t.error_offset());
        }
        std::string list_out;
        const auto ls = t.project_list(doc, *p, size % 2 == 0, list_out, errors);
        if (ls == transform_status::ok) check(is_valid_json(list_out));
    }
    return 0;
}
