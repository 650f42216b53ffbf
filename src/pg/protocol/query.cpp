// Query phase: extended-protocol pipelines and simple queries
// (PostgreSQL docs "55.2.2. Simple Query", "55.2.3. Extended Query", "55.2.4. Pipelining").
#include "query.hpp"

#include <limits>

#include "frontend.hpp"

namespace fraiseql::pg::protocol {

// ---- query_machine ---------------------------------------------------------

fraiseql::result<void, std::string> query_machine::start_pipeline(std::span<const statement_spec> stmts,
                                                        std::string& out) {
    // Validate first so that a refusal leaves the cache and `out` untouched.
    for (std::size_t i = 0; i < stmts.size(); ++i) {
        const auto& s = stmts[i];
        if (s.sql.find('\0') != std::string_view::npos)
            return failure<std::string>{"statement " + std::to_string(i) +
                                        ": SQL contains a NUL byte"};
        if (s.params.size() > std::numeric_limits<std::uint16_t>::max())
            return failure<std::string>{"statement " + std::to_string(i) +
                                        ": more than 65535 parameters"};
        for (const auto& p : s.params)
            if (!p.null && p.value.size() > max_message_size)
                return failure<std::string>{"statement " + std::to_string(i) +
                                            ": parameter larger than 1 GiB"};
    }
    if (stmts.size() > std::numeric_limits<std::uint32_t>::max())
        return failure<std::string>{"too many statements"};

    simple_ = false;
    failed_ = false;
    finished_ = false;
    invalidated_ = false;
    expect_.clear();
    head_ = 0;
    stmts_.clear();
    body_.clear();
    closes_.clear();
    cache_.take_closes(closes_);
    cache_.begin_pipeline();
    bool encoded = true;

    for (std::size_t i = 0; i < stmts.size() && encoded; ++i) {
        const auto& s = stmts[i];
        const auto idx = static_cast<std::uint32_t>(i);
        const cache_slot slot = cache_.lookup(s.sql, s.params, s.cache, closes_);
        stmts_.push_back({slot.entry, s.result_format});
        switch (slot.how) {
        case send_mode::cached:
            encoded = append_bind(body_, "", slot.entry->name, s.params, s.result_format) &&
                      append_execute(body_, "");
            for (auto x : {expect::bind_complete, expect::exec}) expect_.push_back({x, idx});
            break;
        case send_mode::prepare:
            encoded = append_parse(body_, slot.entry->name, s.sql, s.params) &&
                      append_describe(body_, 'S', slot.entry->name) &&
                      append_bind(body_, "", slot.entry->name, s.params, s.result_format) &&
                      append_execute(body_, "");
            for (auto x : {expect::parse_complete, expect::param_desc, expect::stmt_desc,
                           expect::bind_complete, expect::exec})
                expect_.push_back({x, idx});
            break;
        case send_mode::unnamed:
            encoded = append_parse(body_, "", s.sql, s.params) &&
                      append_bind(body_, "", "", s.params, s.result_format) &&
                      append_describe(body_, 'P', "") && append_execute(body_, "");
            for (auto x : {expect::parse_complete, expect::bind_complete, expect::portal_desc,
                           expect::exec})
                expect_.push_back({x, idx});
            break;
        }
    }
    if (!encoded) {
        // Only reachable when a message exceeds the protocol limit after validation
        // (e.g. the sum of the parameters): forget what this batch added to the cache and
        // keep the statements to close for the next pipeline.
        cache_.drop_unconfirmed();
        for (auto& n : closes_) cache_.close_later(std::move(n));
        closes_.clear();
        finished_ = true;
        return failure<std::string>{"statement " + std::to_string(stmts_.size() - 1) +
                                    ": message larger than 1 GiB"};
    }
    // Closes first (evicted or invalidated statements): nothing before them can fail, so
    // they are never skipped by an error ("55.2.3. Extended Query").
    expect_.insert(expect_.begin(), closes_.size(), {expect::close_complete, 0});
    for (const auto& name : closes_) (void)append_close(out, 'S', name);
    out.append(body_);
    append_sync(out);
    expect_.push_back({expect::ready, 0});
    return {};
}

fraiseql::result<void, std::string> query_machine::start_simple(std::string_view sql, std::string& out) {
    if (!append_query(out, sql)) return failure<std::string>{"SQL contains a NUL byte"};
    simple_ = true;
    failed_ = false;
    finished_ = false;
    copy_out_ = false;
    invalidated_ = false;
    result_index_ = 0;
    expect_.clear();
    head_ = 0;
    stmts_.clear();
    return {};
}

event query_machine::fail_protocol(const char* why) {
    event e;
    e.k = event::kind::protocol_error;
    e.text = why;
    return e;
}

event query_machine::on_frame(const frame& f) {
    event e;
    switch (f.type) {
    case 'N':
        if (!parse_error_fields(f.body, notice_)) return fail_protocol("malformed NoticeResponse");
        e.k = event::kind::notice;
        return e;
    case 'A':
        if (!parse_notification(f.body, e.pid, e.text, e.text2))
            return fail_protocol("malformed NotificationResponse");
        e.k = event::kind::notification;
        return e;
    case 'S':
        if (!parse_parameter_status(f.body, e.text, e.text2))
            return fail_protocol("malformed ParameterStatus");
        e.k = event::kind::parameter;
        return e;
    case 'E': {
        if (!parse_error_fields(f.body, error_)) return fail_protocol("malformed ErrorResponse");
        if (finished_) return fail_protocol("ErrorResponse outside an operation");
        // After an error the server skips to Sync (pipeline) or ends the query string
        // (simple): a second one is a violation, and cache entries may already be gone.
        if (failed_) return fail_protocol("second ErrorResponse before ReadyForQuery");
        failed_ = true;
        e.k = event::kind::error;
        if (simple_) {
            e.index = result_index_;
            return e;
        }
        if (head_ < expect_.size()) {
            e.index = expect_[head_].index;
            if (expect_[head_].what != expect::close_complete && e.index < stmts_.size()) {
                // The server dropped or invalidated the statement behind our back.
                prepared_statement* entry = stmts_[e.index].entry;
                if (cache_.invalidate(entry, error_.code)) {
                    invalidated_ = true;
                    for (auto& st : stmts_)
                        if (st.entry == entry) st.entry = nullptr;
                }
            }
        }
        // A statement whose Parse/Describe did not complete is not kept. Forget every
        // pointer to an erased entry so nothing later can reach freed memory.
        for (auto& st : stmts_)
            if (st.entry && !st.entry->described) st.entry = nullptr;
        cache_.drop_unconfirmed();
        return e;
    }
    case 'Z':
        if (finished_) return fail_protocol("ReadyForQuery outside an operation");
        if (!parse_ready(f.body, e.status)) return fail_protocol("malformed ReadyForQuery");
        if (!simple_ && !failed_ && head_ + 1 != expect_.size())
            return fail_protocol("ReadyForQuery before all results arrived");
        finished_ = true;
        cache_.end_operation();
        e.k = event::kind::ready;
        return e;
    default:
        break;
    }
    if (finished_) return fail_protocol("message outside an operation");
    if (failed_) return fail_protocol("message after ErrorResponse before ReadyForQuery");
    return simple_ ? on_simple_frame(f) : on_pipeline_frame(f);
}

event query_machine::on_complete(const frame& f, std::size_t index) {
    event e;
    e.k = event::kind::complete;
    e.index = index;
    if (f.type == 'C') {
        if (!parse_command_complete(f.body, e.text)) return fail_protocol("malformed CommandComplete");
        // The server forgot every prepared statement: so must the cache (after this
        // operation, since statements later in the pipeline still point at entries).
        cache_.on_command_tag(e.text);
    }
    return e;
}

event query_machine::on_pipeline_frame(const frame& f) {
    if (head_ + 1 >= expect_.size()) return fail_protocol("unexpected message after the last result");
    const expectation x = expect_[head_];
    event e;
    e.index = x.index;
    auto match = [&](char t) { return f.type == t; };
    switch (x.what) {
    case expect::close_complete:
        if (!match('3')) return fail_protocol("expected CloseComplete");
        ++head_;
        return e;
    case expect::parse_complete:
        if (!match('1')) return fail_protocol("expected ParseComplete");
        ++head_;
        return e;
    case expect::param_desc:
        if (!match('t')) return fail_protocol("expected ParameterDescription");
        ++head_;
        return e;
    case expect::stmt_desc: {
        prepared_statement* entry = stmts_[x.index].entry;
        if (!entry) return fail_protocol("statement description without a statement");
        if (match('T')) {
            if (!parse_row_description(f.body, entry->columns))
                return fail_protocol("malformed RowDescription");
        } else if (match('n')) {
            entry->columns.clear();
        } else {
            return fail_protocol("expected RowDescription or NoData");
        }
        entry->described = true;
        ++head_;
        return e;
    }
    case expect::bind_complete: {
        if (!match('2')) return fail_protocol("expected BindComplete");
        ++head_;
        const auto& st = stmts_[x.index];
        if (st.entry) {
            if (!st.entry->described) return fail_protocol("statement used before described");
            if (!st.entry->columns.empty()) {
                // Describe Statement reports format 0 (unknown yet); Bind decided it.
                for (auto& c : st.entry->columns) c.fmt = st.fmt;
                e.k = event::kind::columns;
                e.columns = st.entry->columns;
            }
        }
        return e;
    }
    case expect::portal_desc:
        if (match('T')) {
            if (!parse_row_description(f.body, columns_))
                return fail_protocol("malformed RowDescription");
            e.k = event::kind::columns;
            e.columns = columns_;
        } else if (match('n')) {
            columns_.clear();
        } else {
            return fail_protocol("expected RowDescription or NoData");
        }
        ++head_;
        return e;
    case expect::exec:
        switch (f.type) {
        case 'D':
            e.k = event::kind::row;
            e.text = f.body;
            return e;
        case 'C': case 'I': case 's':
            ++head_;
            return on_complete(f, x.index);
        case 'G': case 'H': case 'W':
            return fail_protocol("COPY is not supported in a pipeline");
        default:
            return fail_protocol("unexpected message during Execute");
        }
    case expect::ready:
        break;
    }
    return fail_protocol("unexpected message");
}

event query_machine::on_simple_frame(const frame& f) {
    event e;
    e.index = result_index_;
    if (copy_out_) {
        if (f.type == 'd') return e;
        if (f.type == 'c') {
            copy_out_ = false;
            return e;
        }
    }
    switch (f.type) {
    case 'T':
        if (!parse_row_description(f.body, columns_)) return fail_protocol("malformed RowDescription");
        e.k = event::kind::columns;
        e.columns = columns_;
        return e;
    case 'D':
        e.k = event::kind::row;
        e.text = f.body;
        return e;
    case 'C': case 'I':
        return on_complete(f, result_index_++);
    case 'G':
        e.k = event::kind::copy_in;
        return e;
    case 'H':
        copy_out_ = true; // data is discarded: COPY TO STDOUT has no sink here
        return e;
    default:
        return fail_protocol("unexpected message in simple query");
    }
}

} // namespace fraiseql::pg::protocol
