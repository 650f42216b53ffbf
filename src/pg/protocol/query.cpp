// Query phase: extended-protocol pipelines and simple queries
// (PostgreSQL docs "55.2.2. Simple Query", "55.2.3. Extended Query", "55.2.4. Pipelining").
#include "query.hpp"

#include <limits>

#include "frontend.hpp"

namespace fraiseql::pg::protocol {

// ---- statement_cache ------------------------------------------------------

prepared_statement* statement_cache::find(std::string_view key) {
    auto it = map_.find(key);
    if (it == map_.end()) return nullptr;
    list_.splice(list_.begin(), list_, it->second);
    return &*it->second;
}

prepared_statement* statement_cache::lru() noexcept {
    return list_.empty() ? nullptr : &list_.back();
}

prepared_statement* statement_cache::insert(std::string key, std::string name) {
    list_.push_front(prepared_statement{std::move(key), std::move(name), {}, false, 0});
    map_[list_.front().key] = list_.begin();
    return &list_.front();
}

void statement_cache::erase(prepared_statement* e) {
    auto it = map_.find(e->key);
    if (it == map_.end() || &*it->second != e) return;
    auto lit = it->second;
    map_.erase(it);
    list_.erase(lit);
}

void statement_cache::clear() {
    map_.clear();
    list_.clear();
}

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

    ++batch_;
    simple_ = false;
    failed_ = false;
    finished_ = false;
    clear_cache_at_ready_ = false;
    invalidated_ = false;
    expect_.clear();
    head_ = 0;
    stmts_.clear();
    pending_.clear();
    body_.clear();
    const std::size_t out_start = out.size();
    bool encoded = true;

    for (const auto& name : close_queue_) {
        (void)append_close(out, 'S', name);
        expect_.push_back({expect::close_complete, 0});
    }
    close_queue_.clear();

    for (std::size_t i = 0; i < stmts.size(); ++i) {
        const auto& s = stmts[i];
        const auto idx = static_cast<std::uint32_t>(i);
        bool ok = true;
        prepared_statement* e = nullptr;
        if (s.cache && cache_.capacity() > 0) {
            key_.assign(s.sql);
            key_.push_back('\0');
            for (const auto& p : s.params) {
                key_.append(reinterpret_cast<const char*>(&p.type_oid), sizeof p.type_oid);
            }
            e = cache_.find(key_);
            if (e) {
                ++hits_;
                e->batch = batch_;
                ok = append_bind(body_, "", e->name, s.params, s.result_format) &&
                     append_execute(body_, "");
                expect_.push_back({expect::bind_complete, idx});
                expect_.push_back({expect::exec, idx});
                stmts_.push_back({e, s.result_format});
                if (!ok) {
                    encoded = false;
                    break;
                }
                continue;
            }
            ++misses_;
            bool room = cache_.size() < cache_.capacity();
            if (!room) {
                // Evict the least recently used unless this very pipeline uses it.
                prepared_statement* victim = cache_.lru();
                if (victim && victim->batch != batch_) {
                    (void)append_close(out, 'S', victim->name);
                    expect_.insert(expect_.begin(), {expect::close_complete, 0});
                    cache_.erase(victim);
                    room = true;
                }
            }
            if (room) {
                e = cache_.insert(key_, "fq_" + std::to_string(++next_name_));
                e->batch = batch_;
                pending_.push_back(e);
                ok = append_parse(body_, e->name, s.sql, s.params) &&
                     append_describe(body_, 'S', e->name) &&
                     append_bind(body_, "", e->name, s.params, s.result_format) &&
                     append_execute(body_, "");
                expect_.push_back({expect::parse_complete, idx});
                expect_.push_back({expect::param_desc, idx});
                expect_.push_back({expect::stmt_desc, idx});
                expect_.push_back({expect::bind_complete, idx});
                expect_.push_back({expect::exec, idx});
                stmts_.push_back({e, s.result_format});
                if (!ok) {
                    encoded = false;
                    break;
                }
                continue;
            }
        }
        ok = append_parse(body_, "", s.sql, s.params) &&
             append_bind(body_, "", "", s.params, s.result_format) &&
             append_describe(body_, 'P', "") && append_execute(body_, "");
        expect_.push_back({expect::parse_complete, idx});
        expect_.push_back({expect::bind_complete, idx});
        expect_.push_back({expect::portal_desc, idx});
        expect_.push_back({expect::exec, idx});
        stmts_.push_back({nullptr, s.result_format});
        if (!ok) {
            encoded = false;
            break;
        }
    }
    if (!encoded) {
        // Only reachable when a message exceeds the protocol limit after validation
        // (e.g. the sum of the parameters); undo what this batch added to the cache.
        for (auto* p : pending_) cache_.erase(p);
        pending_.clear();
        out.resize(out_start);
        finished_ = true;
        return failure<std::string>{"statement " + std::to_string(stmts_.size() - 1) +
                                    ": message larger than 1 GiB"};
    }
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
    clear_cache_at_ready_ = false;
    invalidated_ = false;
    result_index_ = 0;
    expect_.clear();
    head_ = 0;
    stmts_.clear();
    pending_.clear();
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
                prepared_statement* entry = stmts_[e.index].entry;
                const auto code = error_.code.str();
                // The server dropped or invalidated the statement behind our back.
                if (entry && entry->described && (code == "26000" || code == "0A000")) {
                    if (code == "0A000") close_queue_.push_back(entry->name);
                    invalidated_ = true;
                    for (auto& p : pending_)
                        if (p == entry) p = nullptr;
                    for (auto& st : stmts_)
                        if (st.entry == entry) st.entry = nullptr;
                    cache_.erase(entry);
                }
            }
        }
        // A statement whose Parse/Describe did not complete is not kept. Forget every
        // pointer to an erased entry so nothing later can reach freed memory.
        for (auto* p : pending_) {
            if (!p || p->described) continue;
            for (auto& st : stmts_)
                if (st.entry == p) st.entry = nullptr;
            cache_.erase(p);
        }
        pending_.clear();
        return e;
    }
    case 'Z':
        if (finished_) return fail_protocol("ReadyForQuery outside an operation");
        if (!parse_ready(f.body, e.status)) return fail_protocol("malformed ReadyForQuery");
        if (!simple_ && !failed_ && head_ + 1 != expect_.size())
            return fail_protocol("ReadyForQuery before all results arrived");
        finished_ = true;
        if (clear_cache_at_ready_) cache_.clear();
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
        if (e.text == "DISCARD ALL" || e.text == "DEALLOCATE ALL") clear_cache_at_ready_ = true;
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
