#include "fraiseql/json/keys.hpp"

namespace fraiseql::json {

std::string to_snake_key(std::string_view name) {
    std::string out;
    out.reserve(name.size() + name.size() / 2);
    for (char c : name) {
        if (c >= 'A' && c <= 'Z') {
            // Spec §2: `_` before each uppercase letter — except at the start (no leading `_`
            // for a PascalCase name) and right after an `_` (no doubled separator).
            if (!out.empty() && out.back() != '_') out.push_back('_');
            out.push_back(static_cast<char>(c - 'A' + 'a'));
        } else {
            out.push_back(c);
        }
    }
    return out;
}

} // namespace fraiseql::json
