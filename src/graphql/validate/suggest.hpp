#pragma once
// "Did you mean …?" suggestions, worded and ranked as graphql-js 16.8 does
// (jsutils/suggestionList, didYouMean, naturalCompare), so that messages match it.

#include <string>
#include <string_view>
#include <vector>

namespace fraiseql::graphql::detail {

/// Orders strings with runs of digits compared as numbers ("a2" < "a10").
int natural_compare(std::string_view a, std::string_view b) noexcept;

/// The options within a lexical distance (optimal string alignment, case-insensitive)
/// of about 40% of `input`'s length, nearest first, ties in natural order.
std::vector<std::string_view> suggestion_list(std::string_view input,
                                              const std::vector<std::string_view>& options);

/// ` Did you mean "a", "b", or "c"?` (at most five), or "" when there is none.
/// `sub_message` ("the enum value", "to use an inline fragment on") goes after "mean".
std::string did_you_mean(const std::vector<std::string_view>& suggestions,
                         std::string_view sub_message = {});

} // namespace fraiseql::graphql::detail
