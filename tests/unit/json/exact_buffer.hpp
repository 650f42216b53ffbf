#pragma once
// An exactly sized heap copy of a document, so that ASan reports any read past its end (rows
// reach the transform as views into a receive buffer, without padding).

#include <cstring>
#include <memory>
#include <string_view>

namespace fraiseql::json::test_support {

struct exact {
    std::unique_ptr<char[]> buf;
    std::size_t n;
    explicit exact(std::string_view s) : buf(new char[s.size() == 0 ? 1 : s.size()]), n(s.size()) {
        std::memcpy(buf.get(), s.data(), s.size());
    }
    std::string_view view() const { return {buf.get(), n}; }
};

} // namespace fraiseql::json::test_support
