#pragma once
/// \file
/// Stopping the database work of one request from outside it: an HTTP client that
/// went away (docs/http.md "Client disconnect").

#include <algorithm>
#include <mutex>
#include <vector>

#include "fraiseql/pg/connection.hpp"

namespace fraiseql::pg {

/// One per request, shared by the transport (which fires it) and the code that runs
/// the request's statements (which attaches each connection for the duration of a
/// run()). fire() cancels every attached connection's operation (connection::cancel:
/// a CancelRequest reaches the server) and makes every later attach fail, so a
/// statement that has not started yet never starts. Thread-safe: the transport may
/// fire from another thread than the one running the statements.
class cancel_signal {
public:
    void fire() noexcept {
        std::lock_guard lock(m_);
        fired_ = true;
        for (connection* c : attached_)
            c->cancel();
    }
    bool fired() const noexcept {
        std::lock_guard lock(m_);
        return fired_;
    }
    /// Attaches `c` until detach(); false (nothing attached) when already fired.
    bool attach(connection& c) {
        std::lock_guard lock(m_);
        if (fired_)
            return false;
        attached_.push_back(&c);
        return true;
    }
    /// After it returns, fire() no longer touches `c`.
    void detach(connection& c) noexcept {
        std::lock_guard lock(m_);
        attached_.erase(std::remove(attached_.begin(), attached_.end(), &c), attached_.end());
    }

private:
    mutable std::mutex m_;
    bool fired_ = false;
    std::vector<connection*> attached_;
};

/// Attaches a connection to a signal (if any) for one scope.
class cancel_scope {
public:
    cancel_scope(cancel_signal* s, connection& c) : s_(s), c_(c) {
        if (s_ && !s_->attach(c_)) {
            s_ = nullptr;
            fired_ = true;
        }
    }
    ~cancel_scope() {
        if (s_)
            s_->detach(c_);
    }
    cancel_scope(const cancel_scope&) = delete;
    cancel_scope& operator=(const cancel_scope&) = delete;
    /// True when the signal had fired before the scope began: do not start the work.
    bool already_fired() const noexcept { return fired_; }

private:
    cancel_signal* s_;
    connection& c_;
    bool fired_ = false;
};

} // namespace fraiseql::pg
