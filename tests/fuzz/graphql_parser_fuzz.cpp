// libFuzzer entry point for the GraphQL parser: any byte string, parsed as every document
// kind, must return a result (never crash, leak or run away); whatever parses must print to
// text that parses again and prints identically.
//
// Build (clang): -fsanitize=fuzzer,address,undefined; run with a time budget, e.g.
//   graphql_parser_fuzz -max_total_time=60 -max_len=4096 corpus/

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fraiseql/graphql/parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace fraiseql::graphql;
    const std::string src(reinterpret_cast<const char*>(data), size);
    parse_limits limits;
    limits.max_tokens = 20'000;
    auto any = parse(src, document_kind::any, limits);
    (void)parse(src, document_kind::executable, limits);
    (void)parse(src, document_kind::type_system, limits);
    if (any) {
        const std::string printed = print(*any);
        auto again = parse(printed, document_kind::any, parse_limits{0, 0, 128});
        if (!again || print(*again) != printed) std::abort(); // printer/parser disagree
    }
    return 0;
}
