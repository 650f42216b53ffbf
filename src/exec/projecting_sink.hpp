#pragma once
// A row sink that projects each row's JSON document into the response as the
// rows arrive from the backend (no per-row tree, no buffering of the result set
// beyond the response being built). Rows go through the I/O thread's transformer
// (json::project_object): each call is synchronous and self-contained, so sinks of
// interleaved requests share it safely, and its member predictions stay warm from one
// request to the next.

#include <functional>
#include <string>
#include <vector>

#include "fraiseql/graphql/error.hpp"
#include "fraiseql/json/transform.hpp"
#include "fraiseql/pg/connection.hpp"

namespace fraiseql::exec {

class projecting_sink final : public pg::row_sink {
public:
    /// `list`: write `[row,row,…]` (without the closing bracket: call finish());
    /// otherwise keep only the first row. The document is read from column
    /// `column` of each row.
    projecting_sink(const json::projection& p, bool list, bool items_non_null, std::string& out,
                    std::vector<json::field_error>& errors, std::size_t column = 0);

    boost::asio::awaitable<bool> on_rows(std::span<const pg::row_view> rows) override;

    /// Streams: after a batch, when `out` holds at least `threshold` bytes of
    /// complete rows, `flush(out)` is awaited (it writes and clears `out`).
    void stream_to(std::function<boost::asio::awaitable<bool>(std::string&)>* flush,
                   std::size_t threshold, bool* flushed) {
        flush_ = flush;
        threshold_ = threshold;
        flushed_ = flushed;
    }

    /// Closes the list (`]`, or `[]` when empty).
    void finish();

    std::size_t count() const noexcept { return count_; }
    bool malformed() const noexcept { return malformed_; }
    /// A null item in a [T!] list: the whole list is null (spec §6.4.4).
    bool list_null() const noexcept { return list_null_; }
    /// The single row's object was nulled by a non-null violation.
    bool single_null() const noexcept { return single_null_; }

private:
    const json::projection& p_;
    bool list_;
    bool items_non_null_;
    std::string& out_;
    std::vector<json::field_error>& errors_;
    std::size_t column_;
    std::function<boost::asio::awaitable<bool>(std::string&)>* flush_ = nullptr;
    std::size_t threshold_ = 0;
    bool* flushed_ = nullptr;
    std::size_t count_ = 0;
    bool malformed_ = false;
    bool list_null_ = false;
    bool single_null_ = false;
};

/// Appends transform errors to GraphQL errors, their paths starting at the root field
/// `root_key` (nothing is built, nor allocated, when there are none: the usual case).
void append_field_errors(std::vector<graphql::error>& out, std::vector<json::field_error>& in,
                         const std::string& root_key);

} // namespace fraiseql::exec
