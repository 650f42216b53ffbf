// GraphQL over WebSocket (src/http/websocket_session.hpp).

#include "websocket_session.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <map>
#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "fraiseql/ascii.hpp"
#include "fraiseql/auth/authenticate.hpp"
#include "fraiseql/exec/jwt.hpp"
#include "fraiseql/graphql/parser.hpp"
#include "fraiseql/graphql/planner.hpp"
#include "fraiseql/json/writer.hpp"
#include "graphql_ws.hpp"
#include "notify_listener.hpp"

namespace fraiseql::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace bjson = boost::json;
constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);

struct websocket_hub::shared {
    exec::engine& engine;
    std::shared_ptr<exec::live_query_hub> live;
    std::shared_ptr<const auth::jwt_verifier> verifier;
    std::unique_ptr<notify_listener> notify; ///< subscription_notify_channel
    std::mutex mu;
    std::list<std::weak_ptr<websocket_session>> sessions; // guarded by mu
    std::atomic<bool> stopping{false};
    std::atomic<std::uint64_t> accepted{0}, rejected{0}, init_refused{0}, slow_closed{0},
        slow_cut{0}, operations{0}, next_id{0};
    /// Result bytes queued for every socket (the sum of each one's queued_, never more than
    /// websocket_send_buffer each): the slow-subscriber bound as /metrics shows it.
    std::atomic<std::int64_t> queued_bytes{0};

    explicit shared(exec::engine& e) : engine(e) {}
};

namespace {

/// One message to send: `head`, the shared result (a cohort's, not copied per subscriber),
/// `tail`.
struct outgoing {
    std::string head;
    std::shared_ptr<const std::string> body;
    std::string tail;
    std::size_t size() const { return head.size() + (body ? body->size() : 0) + tail.size(); }
};

/// The comma-separated tokens of a header value, trimmed.
std::vector<std::string> tokens(std::string_view v) {
    std::vector<std::string> out;
    while (!v.empty()) {
        auto comma = v.find(',');
        auto t = ascii::trim_ows(v.substr(0, comma));
        if (!t.empty()) out.emplace_back(t);
        if (comma == std::string_view::npos) break;
        v.remove_prefix(comma + 1);
    }
    return out;
}

/// `v` as JSON text with every object's keys sorted, recursively: variables that differ only
/// in key order ({"a":1,"b":2} and {"b":2,"a":1}) are the same operation input (GraphQL
/// input objects are unordered, spec §3.10), so their subscribers share one cohort.
void append_canonical(std::string& out, const bjson::value& v) {
    if (v.is_object()) {
        const auto& o = v.get_object();
        std::vector<const bjson::key_value_pair*> kv;
        kv.reserve(o.size());
        for (const auto& e : o) kv.push_back(&e);
        std::sort(kv.begin(), kv.end(),
                  [](const auto* a, const auto* b) { return a->key() < b->key(); });
        out += '{';
        for (std::size_t i = 0; i < kv.size(); ++i) {
            if (i) out += ',';
            json::append_json_string(out, kv[i]->key());
            out += ':';
            append_canonical(out, kv[i]->value());
        }
        out += '}';
    } else if (v.is_array()) {
        out += '[';
        bool first = true;
        for (const auto& e : v.get_array()) {
            if (!first) out += ',';
            first = false;
            append_canonical(out, e);
        }
        out += ']';
    } else {
        out += bjson::serialize(v);
    }
}

// A response without "data" is a request error (GraphQL over HTTP): graphql-transport-ws
// answers it with an `error` message carrying the errors array.
std::optional<std::string> request_errors(const exec::response& r) {
    if (!r.request_error && r.status < 400 && r.body.rfind("{\"errors\"", 0) != 0)
        return std::nullopt;
    boost::system::error_code ec;
    auto v = bjson::parse(r.body, ec);
    if (ec || !v.is_object()) return std::string("[{\"message\":\"Internal error.\"}]");
    const auto& o = v.get_object();
    if (o.contains("data")) return std::nullopt;
    if (const auto* e = o.if_contains("errors"); e && e->is_array()) return bjson::serialize(*e);
    return std::string("[{\"message\":\"Internal error.\"}]");
}

} // namespace

class websocket_session : public std::enable_shared_from_this<websocket_session> {
public:
    websocket_session(std::shared_ptr<websocket_hub::shared> hub, beast::tcp_stream& stream,
                      const exec::config& cfg)
        : hub_(std::move(hub)), cfg_(cfg), ws_(stream),
          proto_(gws::limits{static_cast<std::size_t>(cfg.websocket_max_message_size), 64, 128,
                             cfg.max_subscriptions_per_connection}),
          wake_(stream.get_executor(), asio::steady_timer::time_point::max()),
          init_timer_(stream.get_executor()), cut_timer_(stream.get_executor()) {}
    ~websocket_session() { hub_->queued_bytes -= static_cast<std::int64_t>(queued_.load()); }

    asio::awaitable<void> run(bhttp::request<bhttp::string_body> req);

    /// From any thread: closes with `code` (after what is queued), e.g. 1001 at shutdown.
    void close_from_outside(gws::close_code code, std::string reason) {
        asio::post(ws_.get_executor(), [self = shared_from_this(), code, r = std::move(reason)] {
            if (self->finished_) return;
            self->close_with(self->proto_.close(code, r));
        });
    }

    /// A subscriber's result (called on the hub's strand). False when this socket cannot
    /// take it: its send buffer is full (the socket is closed) or it is gone.
    bool offer(const std::string& id, const std::shared_ptr<const std::string>& result);
    /// A subscriber's end (called on the hub's strand).
    void ended(const std::string& id, std::string errors);

    pg::clock::time_point expires_at() const { return expires_; }
    const std::string& authorization() const { return authorization_; }

private:
    class subscriber;

    void push_text(std::string m) {
        if (m.empty()) return;
        queued_ += m.size();
        hub_->queued_bytes += static_cast<std::int64_t>(m.size());
        queue_.push_back(outgoing{std::move(m), nullptr, {}});
        wake_.cancel();
    }
    void close_with(gws::close_frame f) {
        if (!closing_) closing_ = std::move(f);
        wake_.cancel();
    }
    /// `n` queued bytes written or discarded.
    void release(std::size_t n) {
        queued_ -= n;
        hub_->queued_bytes -= static_cast<std::int64_t>(n);
    }
    void drop_slow();
    void apply(gws::step s);
    void on_init(const bjson::value& payload);
    void start_operation(std::string id, exec::request req);
    void stop_operation(const std::string& id);
    std::string cohort_key(const exec::request& req) const;
    void finish();
    asio::awaitable<void> reader();
    asio::awaitable<void> writer();
    static asio::awaitable<void> run_once(std::shared_ptr<websocket_session> self, std::string id,
                                          exec::request req);

    std::shared_ptr<websocket_hub::shared> hub_;
    const exec::config& cfg_;
    websocket::stream<beast::tcp_stream&> ws_;
    gws::connection proto_;
    asio::steady_timer wake_;
    asio::steady_timer init_timer_;
    asio::steady_timer cut_timer_; ///< a slow subscriber's close frame must get out by then
    bool slow_ = false;
    std::deque<outgoing> queue_;
    std::atomic<std::size_t> queued_{0}; // bytes in queue_ and in the write under way
    std::optional<gws::close_frame> closing_;
    bool writing_ = false;
    bool reader_done_ = false;
    bool finished_ = false;

    // Set by connection_init.
    std::string authorization_;
    std::vector<std::pair<std::string, std::string>> headers_;
    auth::auth_context who_;
    pg::clock::time_point expires_ = pg::clock::time_point::max();
    std::string session_key_;

    std::map<std::string, std::uint64_t, std::less<>> live_; // id -> hub handle
    std::vector<std::shared_ptr<pg::cancel_signal>> running_; // one-shot operations
};

/// One live subscription of a socket, as the hub sees it.
class websocket_session::subscriber : public exec::live_subscriber {
public:
    subscriber(std::weak_ptr<websocket_session> s, std::string id, pg::clock::time_point exp,
               std::string authorization)
        : session_(std::move(s)), id_(std::move(id)), expires_(exp),
          authorization_(std::move(authorization)) {}
    bool deliver(const std::shared_ptr<const std::string>& result) override {
        auto s = session_.lock();
        return s && s->offer(id_, result);
    }
    void end(std::string_view errors) override {
        if (auto s = session_.lock()) s->ended(id_, std::string(errors));
    }
    pg::clock::time_point expires_at() const override { return expires_; }
    std::string authorization() const override { return authorization_; }

private:
    std::weak_ptr<websocket_session> session_;
    std::string id_;
    pg::clock::time_point expires_;
    std::string authorization_;
};

bool websocket_session::offer(const std::string& id,
                              const std::shared_ptr<const std::string>& result) {
    std::string head = "{\"type\":\"next\",\"id\":";
    json::append_json_string(head, id);
    head += ",\"payload\":";
    outgoing m{std::move(head), result, "}"};
    const auto n = m.size();
    // Reserve the bytes here (any thread), so that a socket that does not read is refused
    // at once instead of piling posted results up.
    auto before = queued_.fetch_add(n);
    if (before + n > cfg_.websocket_send_buffer) {
        queued_ -= n;
        ++hub_->slow_closed;
        asio::post(ws_.get_executor(), [self = shared_from_this()] { self->drop_slow(); });
        return false;
    }
    hub_->queued_bytes += static_cast<std::int64_t>(n);
    asio::post(ws_.get_executor(), [self = shared_from_this(), id, m = std::move(m), n]() mutable {
        if (self->finished_ || !self->proto_.active(id) || self->closing_) {
            self->release(n);
            return;
        }
        self->queue_.push_back(std::move(m));
        self->wake_.cancel();
    });
    return true;
}

// websocket_send_buffer is full: the socket is ended (docs/subscriptions.md "Slow
// subscribers"). What waits for it is freed at once — only the write under way stays, and
// its body is a cohort's shared result — and a close frame 1008 follows that write. A client
// that reads again within write_timeout gets what was written, then the 1008; one that does
// not read at all cannot get a close frame through its full TCP window, so its TCP
// connection is cut when write_timeout passes.
void websocket_session::drop_slow() {
    if (finished_ || slow_) return;
    slow_ = true;
    std::size_t dropped = 0;
    for (const auto& m : queue_) dropped += m.size();
    spdlog::warn("websocket: a subscriber did not read; {} bytes were queued "
                 "(websocket_send_buffer {}): closing with 1008",
                 queued_.load(), cfg_.websocket_send_buffer);
    queue_.clear();
    release(dropped);
    closing_.reset(); // a slow subscriber's 1008 takes precedence over a pending close
    close_with(proto_.close(gws::close_code::policy_violation,
                            "Slow consumer: results were not read (websocket_send_buffer)"));
    cut_timer_.expires_after(cfg_.write_timeout);
    cut_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (ec || self->finished_) return;
        ++self->hub_->slow_cut;
        boost::system::error_code ignored;
        auto& sock = beast::get_lowest_layer(self->ws_).socket();
        sock.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        sock.cancel(ignored);
    });
}

void websocket_session::ended(const std::string& id, std::string errors) {
    asio::post(ws_.get_executor(), [self = shared_from_this(), id, e = std::move(errors)] {
        if (self->finished_) return;
        self->live_.erase(id);
        self->push_text(self->proto_.error(id, e));
        // The socket's credentials have expired (or were refused on a refetch): every
        // operation on it would fail the same way, so the socket ends as a refused
        // connection_init does (docs/subscriptions.md "Authentication").
        if (e.find("\"UNAUTHENTICATED\"") != std::string::npos)
            self->close_with(self->proto_.close(gws::close_code::forbidden, "Token expired"));
    });
}

void websocket_session::apply(gws::step s) {
    for (auto& m : s.send) push_text(std::move(m));
    if (s.init) on_init(*s.init);
    if (s.subscribe) start_operation(std::move(s.subscribe->first), std::move(s.subscribe->second));
    if (s.complete) stop_operation(*s.complete);
    if (s.close) close_with(std::move(*s.close));
}

void websocket_session::on_init(const bjson::value& payload) {
    // Headers for the session variables of source `header:` are the upgrade request's, and
    // the payload's string entries (graphql-ws clients put their "headers" there).
    std::string auth_value;
    if (payload.is_object()) {
        auto take = [&](const bjson::object& o) {
            for (const auto& [k, v] : o) {
                if (!v.is_string()) continue;
                std::string name = ascii::to_lower(std::string(k));
                if (name == "authorization") auth_value = std::string(v.get_string());
                else headers_.emplace_back(std::move(name), std::string(v.get_string()));
            }
        };
        take(payload.get_object());
        if (const auto* h = payload.get_object().if_contains("headers"); h && h->is_object())
            take(h->get_object());
    }
    auto who = auth::authenticate(auth_value, hub_->verifier.get(), cfg_.allow_anonymous,
                                  std::chrono::system_clock::now());
    init_timer_.cancel();
    if (!who) {
        ++hub_->init_refused;
        spdlog::info("websocket: connection_init refused ({}: {})", auth::to_string(who.error().why),
                     who.error().log_message);
        close_with(proto_.reject("Forbidden: " +
                                 std::string(auth::auth_failure::client_message)));
        return;
    }
    who_ = std::move(*who);
    authorization_ = std::move(auth_value);
    if (const auto* exp = who_.claims.if_contains("exp"); exp && exp->is_number()) {
        boost::system::error_code ec;
        const double e = exp->to_number<double>(ec);
        if (!ec) {
            const auto left = std::chrono::duration<double>(
                e - std::chrono::duration<double>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count());
            expires_ = pg::clock::now() +
                       std::chrono::duration_cast<pg::clock::duration>(left) + cfg_.jwt_leeway;
        }
    }
    // What RLS and @auth can see of this socket (docs/adr/0014 decision 2): the session
    // variables' values, whether it is authenticated, its roles. Subscribers that differ in
    // any of them never share a cohort.
    session_key_ = who_.authenticated ? "A" : "-";
    for (const auto& sv : cfg_.session_variables) {
        std::string value;
        if (sv.source == exec::session_variable::source_kind::header) {
            for (const auto& [k, v] : headers_)
                if (k == sv.name) value = v;
        } else {
            value = auth::claim_text(who_.claims, sv.name);
        }
        session_key_ += '\x1f';
        session_key_ += sv.setting;
        session_key_ += '=';
        session_key_ += value;
    }
    auto roles = who_.roles;
    std::sort(roles.begin(), roles.end());
    for (const auto& r : roles) {
        session_key_ += '\x1e';
        session_key_ += r;
    }
    push_text(proto_.accept());
}

std::string websocket_session::cohort_key(const exec::request& req) const {
    std::string key = req.query;
    key += '\0';
    key += req.operation_name;
    key += '\0';
    append_canonical(key, req.variables);
    key += '\0';
    key += session_key_;
    return key;
}

void websocket_session::start_operation(std::string id, exec::request req) {
    ++hub_->operations;
    req.authorization = authorization_;
    req.headers = headers_;
    req.live = true;
    req.request_id = fmt::format("ws-{:x}", ++hub_->next_id);
    bool live = false;
    if (!req.query.empty()) {
        // The operation's kind decides the road; a document that does not parse runs once
        // and gets its syntax error from the engine like any request.
        auto doc = graphql::parse_executable(req.query);
        if (doc)
            if (auto k = graphql::selected_operation_kind(*doc, req.operation_name))
                live = *k == graphql::operation_kind::subscription;
    }
    if (live) {
        auto key = cohort_key(req);
        auto sub = std::make_shared<subscriber>(weak_from_this(), id, expires_, authorization_);
        live_[id] = 0; // before subscribe: the first result may be delivered at once
        const auto handle = hub_->live->subscribe(std::move(key), std::move(req), std::move(sub));
        if (auto it = live_.find(id); it != live_.end()) it->second = handle;
        return;
    }
    auto cancel = std::make_shared<pg::cancel_signal>();
    req.cancel = cancel;
    running_.push_back(cancel);
    asio::co_spawn(ws_.get_executor(), run_once(shared_from_this(), std::move(id), std::move(req)),
                   asio::detached);
}

asio::awaitable<void> websocket_session::run_once(std::shared_ptr<websocket_session> self,
                                                  std::string id, exec::request req) {
    auto cancel = req.cancel;
    exec::response r = co_await self->hub_->engine.execute(std::move(req));
    std::erase(self->running_, cancel);
    if (self->finished_) co_return;
    if (auto errors = request_errors(r)) {
        self->push_text(self->proto_.error(id, *errors));
    } else {
        self->push_text(self->proto_.next(id, r.body));
        self->push_text(self->proto_.complete(id));
    }
}

void websocket_session::stop_operation(const std::string& id) {
    if (auto it = live_.find(id); it != live_.end()) {
        hub_->live->unsubscribe(it->second);
        live_.erase(it);
    }
}

void websocket_session::finish() {
    finished_ = true;
    for (auto& [id, h] : live_) hub_->live->unsubscribe(h);
    live_.clear();
    for (auto& c : running_) c->fire();
    running_.clear();
    queue_.clear();
}

asio::awaitable<void> websocket_session::reader() {
    // A message is read in pieces and counted here, not refused by Beast's read_message_max:
    // Beast would tear the connection down at once, and the unread rest of the message in
    // our receive buffer would turn the close into a reset that destroys the 1009 close frame
    // in the client's buffer (RFC 9112 §9.6 says the same of HTTP). Over the limit, the
    // machine closes with 1009 (gracefully: the close handshake drains the input) and the
    // rest of the message is discarded as it arrives, never held.
    const std::size_t max = cfg_.websocket_max_message_size;
    beast::flat_buffer buffer;
    bool discarding = false;
    for (;;) {
        auto [ec, n] = co_await ws_.async_read_some(buffer, 16 * 1024, as_tuple_awaitable);
        if (ec) break;
        if (discarding) {
            buffer.clear();
            if (ws_.is_message_done()) discarding = false;
            continue;
        }
        if (buffer.size() > max) {
            apply(proto_.on_text(std::string_view(static_cast<const char*>(buffer.data().data()),
                                                  buffer.size())));
            buffer.clear();
            discarding = !ws_.is_message_done();
            continue;
        }
        if (!ws_.is_message_done()) continue;
        gws::step s = ws_.got_text() ? proto_.on_text(beast::buffers_to_string(buffer.data()))
                                     : proto_.on_binary();
        buffer.clear();
        apply(std::move(s));
    }
    reader_done_ = true;
    wake_.cancel();
}

asio::awaitable<void> websocket_session::writer() {
    for (;;) {
        while (!queue_.empty()) {
            outgoing m = std::move(queue_.front());
            queue_.pop_front();
            const std::array<asio::const_buffer, 3> parts{
                asio::buffer(m.head),
                m.body ? asio::buffer(*m.body) : asio::const_buffer(),
                asio::buffer(m.tail)};
            writing_ = true;
            auto [ec, n] = co_await ws_.async_write(parts, as_tuple_awaitable);
            writing_ = false;
            release(m.size());
            if (ec) co_return;
        }
        if (closing_) {
            websocket::close_reason why(static_cast<std::uint16_t>(closing_->code));
            why.reason = closing_->reason;
            co_await ws_.async_close(why, as_tuple_awaitable);
            co_return;
        }
        if (reader_done_) co_return;
        wake_.expires_at(asio::steady_timer::time_point::max());
        co_await wake_.async_wait(as_tuple_awaitable);
    }
}

asio::awaitable<void> websocket_session::run(bhttp::request<bhttp::string_body> req) {
    // Subprotocol negotiation (RFC 6455 §1.9): graphql-transport-ws or nothing. A client that
    // offers none of ours is accepted and closed at once with 4406, as graphql-ws's own
    // server does, so that it learns why instead of seeing a failed handshake.
    const std::string_view offered(req[bhttp::field::sec_websocket_protocol].data(),
                                   req[bhttp::field::sec_websocket_protocol].size());
    const auto offers = tokens(offered);
    const bool ours = std::find(offers.begin(), offers.end(), gws::subprotocol) != offers.end();
    for (const auto& h : req)
        headers_.emplace_back(ascii::to_lower(std::string(h.name_string())),
                              std::string(h.value().data(), h.value().size()));
    std::erase_if(headers_, [](const auto& h) { return h.first == "authorization"; });

    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout t;
    t.handshake_timeout = cfg_.write_timeout;
    t.idle_timeout = cfg_.websocket_keepalive;
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.set_option(websocket::stream_base::decorator([ours](websocket::response_type& res) {
        res.set(bhttp::field::server, "fraiseql");
        if (ours) res.set(bhttp::field::sec_websocket_protocol, gws::subprotocol);
    }));
    ws_.read_message_max(0); // no limit here: reader() counts (and answers 1009 itself)
    ws_.auto_fragment(false);
    ws_.text(true);

    auto [aec] = co_await ws_.async_accept(req, as_tuple_awaitable);
    if (aec) {
        finished_ = true;
        co_return;
    }
    ++hub_->accepted;
    if (!ours) {
        const bool legacy = std::find(offers.begin(), offers.end(), "graphql-ws") != offers.end();
        closing_ = gws::close_frame{
            gws::close_code::subprotocol_not_acceptable,
            legacy ? "Subprotocol not acceptable: use graphql-transport-ws (the legacy graphql-ws "
                     "protocol is not supported)"
                   : "Subprotocol not acceptable: use graphql-transport-ws"};
        closing_->reason = gws::close_reason(closing_->reason);
        proto_.close(closing_->code, "");
    } else {
        init_timer_.expires_after(cfg_.websocket_init_timeout);
        init_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (ec || self->finished_) return;
            self->apply(self->proto_.on_init_timeout());
        });
    }
    if (hub_->stopping) close_with(proto_.close(gws::close_code::going_away, "Server shutting down"));
    using namespace asio::experimental::awaitable_operators;
    co_await (reader() && writer());
    init_timer_.cancel();
    cut_timer_.cancel();
    finish();
}

websocket_hub::websocket_hub(asio::io_context& ioc, exec::engine& engine)
    : shared_(std::make_shared<shared>(engine)) {
    const auto& cfg = engine.settings();
    // The same verifier configuration as the engine's (fraiseql::auth): a token valid over
    // HTTP is valid here, and only such a one.
    auto jc = exec::make_jwt_config(cfg);
    if (jc.has_key()) {
        auto v = auth::jwt_verifier::create(jc);
        if (v) shared_->verifier = std::move(*v);
        else spdlog::error("websocket: cannot load the JWT keys: {}", v.error());
    }
    auto& eng = shared_->engine;
    shared_->live = exec::live_query_hub::create(
        ioc.get_executor(),
        [&eng](exec::request r) -> asio::awaitable<exec::response> {
            return eng.execute(std::move(r));
        },
        exec::live_query_options{cfg.subscription_refetch_interval,
                                 cfg.subscription_refetch_concurrency > 0
                                     ? cfg.subscription_refetch_concurrency
                                     : std::max<std::size_t>(1, cfg.pool_size / 2)});
}

websocket_hub::~websocket_hub() {
    if (shared_->notify) shared_->notify->stop();
    shared_->live->close();
}

void websocket_hub::start() {
    shared_->live->start();
    const auto& cfg = shared_->engine.settings();
    if (!cfg.subscription_notify_channel.empty())
        shared_->notify = std::make_unique<notify_listener>(
            cfg.subscription_notify_url.empty() ? cfg.database_url : cfg.subscription_notify_url,
            cfg.subscription_notify_channel,
            [weak = std::weak_ptr<exec::live_query_hub>(shared_->live)] {
                if (auto h = weak.lock()) h->poke();
            });
}

bool websocket_hub::admit() {
    const auto max = static_cast<std::int64_t>(shared_->engine.settings().max_websocket_connections);
    if (++open_ > max) {
        --open_;
        ++shared_->rejected;
        return false;
    }
    return true;
}

asio::awaitable<void> websocket_hub::serve(beast::tcp_stream& stream,
                                           bhttp::request<bhttp::string_body> req) {
    struct open_guard {
        std::atomic<std::int64_t>& n;
        ~open_guard() { --n; }
    } guard{open_};
    auto s = std::make_shared<websocket_session>(shared_, stream, shared_->engine.settings());
    std::list<std::weak_ptr<websocket_session>>::iterator entry;
    {
        std::lock_guard lk(shared_->mu);
        entry = shared_->sessions.insert(shared_->sessions.end(), s);
    }
    co_await s->run(std::move(req));
    std::lock_guard lk(shared_->mu);
    shared_->sessions.erase(entry);
}

void websocket_hub::shutdown() {
    shared_->stopping = true;
    std::vector<std::shared_ptr<websocket_session>> all;
    {
        std::lock_guard lk(shared_->mu);
        for (auto& w : shared_->sessions)
            if (auto s = w.lock()) all.push_back(std::move(s));
    }
    for (auto& s : all) s->close_from_outside(gws::close_code::going_away, "Server shutting down");
    if (shared_->notify) shared_->notify->stop();
    shared_->live->close();
}

std::string websocket_hub::metrics_text() const {
    const auto m = shared_->live->metrics();
    std::string out;
    auto one = [&out](std::string_view name, std::string_view type, std::string_view help,
                      auto value) {
        out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name,
                           value);
    };
    one("fraiseql_websocket_connections", "gauge", "Open WebSocket connections.", open_.load());
    one("fraiseql_websocket_connections_accepted_total", "counter",
        "WebSocket upgrades accepted.", shared_->accepted.load());
    one("fraiseql_websocket_connections_rejected_total", "counter",
        "WebSocket upgrades refused because max_websocket_connections were open.",
        shared_->rejected.load());
    one("fraiseql_websocket_init_refused_total", "counter",
        "connection_init refused (authentication), closed with 4403.",
        shared_->init_refused.load());
    one("fraiseql_websocket_slow_closed_total", "counter",
        "WebSockets closed because they did not read (websocket_send_buffer full).",
        shared_->slow_closed.load());
    one("fraiseql_websocket_slow_cut_total", "counter",
        "Slow WebSockets whose 1008 close frame could not get out within write_timeout: "
        "TCP connection cut.",
        shared_->slow_cut.load());
    one("fraiseql_websocket_queued_bytes", "gauge",
        "Result bytes queued for all WebSockets (each at most websocket_send_buffer).",
        std::max<std::int64_t>(0, shared_->queued_bytes.load()));
    one("fraiseql_websocket_operations_total", "counter",
        "Operations started on WebSockets (subscribe messages).", shared_->operations.load());
    one("fraiseql_subscription_subscribers", "gauge", "Live subscriptions.", m.subscribers);
    one("fraiseql_subscription_cohorts", "gauge",
        "Cohorts (subscribers sharing operation, variables and session values).", m.cohorts);
    one("fraiseql_subscription_refetches_total", "counter",
        "Cohort refetches run (one statement road each).", m.refetches);
    one("fraiseql_subscription_refetch_seconds_total", "counter",
        "Time spent in cohort refetches.", static_cast<double>(m.refetch_micros) / 1e6);
    one("fraiseql_subscription_pushes_total", "counter", "Results pushed to subscribers.",
        m.pushes);
    one("fraiseql_subscription_unchanged_total", "counter",
        "Refetches whose result had not changed (nothing pushed).", m.unchanged);
    one("fraiseql_subscription_refetch_failures_total", "counter",
        "Refetches that failed transiently (database down, timeout); retried next interval.",
        m.failures);
    one("fraiseql_subscription_dropped_total", "counter",
        "Subscribers dropped because they could not keep up.", m.dropped);
    one("fraiseql_subscription_expired_total", "counter",
        "Subscribers ended because their token expired.", m.expired);
    if (shared_->notify)
        one("fraiseql_subscription_notifications_total", "counter",
            "Notification batches received on subscription_notify_channel (each refetches "
            "every cohort).",
            shared_->notify->notifications());
    if (shared_->notify)
        one("fraiseql_subscription_notify_connected", "gauge",
            "1 while the LISTEN connection of subscription_notify_channel is up.",
            shared_->notify->connected() ? 1 : 0);
    return out;
}

} // namespace fraiseql::http
