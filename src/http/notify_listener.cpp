// LISTEN on a dedicated connection (src/http/notify_listener.hpp). PostgreSQL docs: LISTEN,
// NOTIFY, libpq §34.9 "Asynchronous Notification" (PQconsumeInput + PQnotifies).

#include "notify_listener.hpp"

#include <poll.h>

#include <cerrno>

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

namespace fraiseql::http {

namespace {

// A quoted identifier: "..." with inner quotes doubled (SQL §4.1.1).
std::string quote_identifier(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

} // namespace

notify_listener::notify_listener(std::string database_url, std::string channel,
                                 std::function<void()> on_notify)
    : url_(std::move(database_url)), channel_(std::move(channel)),
      on_notify_(std::move(on_notify)) {
    thread_ = std::thread([this] { run(); });
}

notify_listener::~notify_listener() { stop(); }

void notify_listener::stop() {
    {
        std::lock_guard g(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

bool notify_listener::sleep_for(std::chrono::milliseconds d) {
    std::unique_lock g(mu_);
    cv_.wait_for(g, d, [this] { return stop_.load(); });
    return !stop_;
}

void notify_listener::run() {
    std::chrono::milliseconds backoff{1000};
    bool first = true;
    while (!stop_) {
        PGconn* c = PQconnectdb(url_.c_str());
        if (PQstatus(c) != CONNECTION_OK) {
            spdlog::warn("subscription_notify_channel: cannot connect ({}); retrying in {} ms",
                         PQerrorMessage(c), backoff.count());
            PQfinish(c);
            if (!sleep_for(backoff)) return;
            backoff = std::min(backoff * 2, std::chrono::milliseconds(30000));
            continue;
        }
        PGresult* r = PQexec(c, ("LISTEN " + quote_identifier(channel_)).c_str());
        const bool listening = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!listening) {
            spdlog::warn("subscription_notify_channel: LISTEN {} failed: {}", channel_,
                         PQerrorMessage(c));
            PQfinish(c);
            if (!sleep_for(backoff)) return;
            continue;
        }
        backoff = std::chrono::milliseconds(1000);
        connected_ = true;
        spdlog::info("subscription_notify_channel: listening on {}", channel_);
        // Changes made while no one listened are not notified again: refetch once.
        if (!first) on_notify_();
        first = false;
        while (!stop_) {
            pollfd p{PQsocket(c), POLLIN, 0};
            const int n = ::poll(&p, 1, 250);
            if (n < 0 && errno != EINTR) break;
            if (n <= 0) continue;
            if (!PQconsumeInput(c)) break; // the connection is gone
            bool any = false;
            while (PGnotify* note = PQnotifies(c)) {
                any = true;
                PQfreemem(note);
            }
            if (any) {
                ++notifications_;
                on_notify_();
            }
            if (PQstatus(c) != CONNECTION_OK) break;
        }
        connected_ = false;
        if (!stop_)
            spdlog::warn("subscription_notify_channel: connection lost ({}); reconnecting",
                         PQerrorMessage(c));
        PQfinish(c);
        if (!stop_ && !sleep_for(backoff)) return;
    }
}

} // namespace fraiseql::http
