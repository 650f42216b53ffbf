#include "projecting_sink.hpp"

#include "fraiseql/graphql/error.hpp"
#include "fraiseql/json/buffer_pool.hpp"

namespace fraiseql::exec {

projecting_sink::projecting_sink(const json::projection& p, bool list, bool items_non_null,
                                 std::string& out, std::vector<json::field_error>& errors,
                                 std::size_t column)
    : p_(p), list_(list), items_non_null_(items_non_null), out_(out), errors_(errors), column_(column) {
    // A value that starts empty grows in a spare buffer of an earlier request
    // (json/buffer_pool.hpp) instead of the heap; write_response gives it back.
    if (out_.empty() && out_.capacity() <= std::string().capacity()) out_ = json::take_buffer();
}

boost::asio::awaitable<bool> projecting_sink::on_rows(std::span<const pg::row_view> rows) {
    for (const auto& row : rows) {
        if (malformed_ || (!list_ && count_ > 0)) break;
        const bool present = row.size() > column_ && !row[column_].is_null();
        if (list_) out_ += count_ ? "," : "[";
        const std::size_t mark = out_.size();
        const std::size_t err_mark = errors_.size();
        json::transform_status st = present ? json::project_object(row[column_].text(), p_, out_, errors_)
                                            : json::transform_status::null_document;
        if (list_)
            for (std::size_t i = err_mark; i < errors_.size(); ++i)
                errors_[i].path.insert(errors_[i].path.begin(), count_);
        switch (st) {
        case json::transform_status::ok: break;
        case json::transform_status::null_propagated:
        case json::transform_status::null_document:
            if (list_ && items_non_null_) {
                if (st == json::transform_status::null_document)
                    errors_.push_back({"Cannot return null for non-nullable list item of type " +
                                           p_.type_name() + ".",
                                       {count_}, 0, 0});
                list_null_ = true;
            }
            out_.resize(mark);
            out_ += "null";
            if (!list_) single_null_ = true;
            break;
        case json::transform_status::malformed:
        case json::transform_status::too_deep:
            out_.resize(mark);
            malformed_ = true;
            break;
        }
        ++count_;
    }
    if (malformed_) co_return false;
    // A null item in a [T!] list nulls the list: impossible once rows have left,
    // so the stream is abandoned (the engine aborts the response).
    if (list_null_ && flushed_ && *flushed_) co_return false;
    if (flush_ && *flush_ && list_ && !list_null_ && out_.size() >= threshold_) {
        if (!co_await (*flush_)(out_)) co_return false;
        *flushed_ = true;
    }
    co_return true;
}

void projecting_sink::finish() {
    if (!list_) return;
    if (count_ == 0) out_ += '[';
    out_ += ']';
}

void append_field_errors(std::vector<graphql::error>& out, std::vector<json::field_error>& in,
                         const std::string& root_key) {
    for (auto& fe : in) {
        graphql::error e;
        e.message = std::move(fe.message);
        e.path.emplace_back(root_key);
        for (auto& seg : fe.path) {
            if (auto* s = std::get_if<std::string>(&seg)) e.path.emplace_back(std::move(*s));
            else e.path.emplace_back(static_cast<std::int64_t>(std::get<std::size_t>(seg)));
        }
        if (fe.line) e.locations.push_back({fe.line, fe.column});
        // Every field error of the transform is a non-null violation: the data broke the
        // schema's promise, which is the server's fault (product.md §3.5: every error has
        // a code; graphql-js reports these as field errors, Apollo as INTERNAL_SERVER_ERROR).
        e.code = graphql::code::internal_error;
        out.push_back(std::move(e));
    }
    in.clear();
}

} // namespace fraiseql::exec
