#pragma once
/// \file
/// A row sink that copies everything it receives (row views die when on_rows
/// returns), for driver tests on both backends.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fraiseql/pg/connection.hpp"

namespace fraiseql::test {

struct collect_sink : pg::row_sink {
    std::vector<pg::column_desc> columns;
    std::vector<std::vector<std::optional<std::string>>> rows;
    std::vector<std::string> tags;
    std::size_t column_sets = 0;
    std::size_t batches = 0; ///< on_rows calls

    void on_columns(std::span<const pg::column_desc> c) override {
        columns.assign(c.begin(), c.end());
        ++column_sets;
    }
    boost::asio::awaitable<bool> on_rows(std::span<const pg::row_view> batch) override {
        ++batches;
        for (const auto& r : batch) {
            auto& out = rows.emplace_back();
            for (const auto& f : r) {
                if (f.is_null()) out.emplace_back(std::nullopt);
                else out.emplace_back(std::string(f.text()));
            }
        }
        co_return true;
    }
    void on_complete(std::string_view tag) override { tags.emplace_back(tag); }
    /// Field (r, c) as text, "<NULL>" for SQL NULL.
    std::string at(std::size_t r, std::size_t c) const { return rows.at(r).at(c).value_or("<NULL>"); }
};

} // namespace fraiseql::test
