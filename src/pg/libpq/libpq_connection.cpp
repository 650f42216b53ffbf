// The libpq backend: PostgreSQL's own client library, used strictly non-blocking.
//
// libpq never waits here: every wait is an Asio async_wait on PQsocket() — on a duplicate of
// the descriptor once connected (see the constructor), during the connect on libpq's own,
// released before libpq may close it — raced against a steady_timer for the deadline. References are to the libpq 15 manual:
//   34.2  Connection Status / PQconnectStart + PQconnectPoll ("Connecting non-blocking")
//   34.4  Asynchronous Command Processing (PQsendQueryParams, PQconsumeInput, PQisBusy, PQflush)
//   34.5  Pipeline Mode (PQenterPipelineMode, PQpipelineSync, PGRES_PIPELINE_ABORTED)
//   34.6  Retrieving Query Results Row-by-Row (PQsetSingleRowMode)
//   34.7  Canceling Queries in Progress (PQgetCancel / PQcancel — blocking, so run off-thread)
//
// run(): one pipeline, one PQpipelineSync at the end → one round trip and one implicit
// transaction, exactly like the native driver's Parse/Bind/Execute…Sync. Rows arrive as
// PGRES_SINGLE_TUPLE results (single-row mode is set for each query just before its results
// are read, which is when libpq 15 accepts it in pipeline mode); several of them are handed
// to the sink in one on_rows call and PQclear'ed right after, so a large result is never
// held in memory by us.

#include "libpq_connection.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <cstring>
#include <variant>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace fraiseql::pg::libpq_backend {

namespace {

using asio::posix::stream_descriptor;
using boost::system::error_code;

/// How long a timed-out or abandoned statement may take to drain after the
/// CancelRequest before the connection is given up as broken.
constexpr std::chrono::milliseconds cancel_grace{1000};

/// PQconnectStart (host name lookup) blocks: it runs here, never on an I/O thread. Two
/// threads are plenty: the call is rare and short on a healthy server. Never destroyed: its
/// destructor would join a thread still blocked in libpq, and the process could not exit.
asio::thread_pool& blocking_pool() {
    static auto* pool = new asio::thread_pool(2);
    return *pool;
}

/// PQcancel blocks with no timeout of its own (libpq < 17): towards a host that accepts the
/// connection and then stays silent (a network partition) it waits until the kernel gives
/// up. Its own threads, so that a stuck cancel never delays connection starts; never
/// destroyed, for the same reason (chaos.backends/network_server.* stops a server whose
/// CancelRequest went into a black hole).
asio::thread_pool& cancel_pool() {
    static auto* pool = new asio::thread_pool(2);
    return *pool;
}

enum class wait_result { ready, timeout, failed };

/// Waits until the descriptor is readable and/or writable, or until `dl`.
asio::awaitable<wait_result> wait_fd(stream_descriptor& sd, bool readable, bool writable,
                                     deadline dl) {
    using namespace asio::experimental::awaitable_operators;
    asio::steady_timer timer(sd.get_executor(), dl);
    constexpr auto tok = asio::as_tuple(asio::use_awaitable);
    auto ec_of = [](const auto& v) { return std::visit([](const auto& t) { return std::get<0>(t); }, v); };
    std::size_t index = 0;
    error_code ec;
    if (readable && writable) {
        auto r = co_await (sd.async_wait(stream_descriptor::wait_read, tok) ||
                           sd.async_wait(stream_descriptor::wait_write, tok) ||
                           timer.async_wait(tok));
        index = r.index() == 2 ? 1 : 0;
        ec = ec_of(r);
    } else {
        auto r = co_await (sd.async_wait(writable ? stream_descriptor::wait_write
                                                  : stream_descriptor::wait_read,
                                         tok) ||
                           timer.async_wait(tok));
        index = r.index();
        ec = ec_of(r);
    }
    if (index == 1) co_return ec ? wait_result::failed : wait_result::timeout;
    co_return ec ? wait_result::failed : wait_result::ready;
}

/// Notices are not surfaced, with one exception: a FATAL or PANIC that arrives while the
/// session is idle (57P01 after pg_terminate_backend, a shutdown) reaches libpq as a notice —
/// it is recorded so that closed_by_peer() sees the session is over before the hang-up does.
void note_fatal_notice(void* arg, const PGresult* r) {
    const char* sev = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
    if (sev && (std::strcmp(sev, "FATAL") == 0 || std::strcmp(sev, "PANIC") == 0))
        *static_cast<bool*>(arg) = true;
}

/// The server said something of the operation (detail::exchange::answered): not an error
/// libpq made up itself (no SQLSTATE: the connection broke), not the FATAL a server closing
/// an idle session sends unasked, not PGRES_PIPELINE_ABORTED (libpq's own, for the queries
/// after an error).
bool is_answer(const PGresult* r) {
    const auto status = PQresultStatus(r);
    if (status == PGRES_PIPELINE_ABORTED) return false;
    if (status != PGRES_FATAL_ERROR) return true;
    const char* sev = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
    const char* code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    return sev && code && std::strcmp(sev, "FATAL") != 0 && std::strcmp(sev, "PANIC") != 0;
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

std::string field(const PGresult* r, int code) {
    const char* v = PQresultErrorField(r, code);
    return v ? std::string(v) : std::string();
}

std::int32_t int_field(const PGresult* r, int code) {
    const char* v = PQresultErrorField(r, code);
    std::int32_t out = 0;
    if (v) std::from_chars(v, v + std::strlen(v), out);
    return out;
}

/// PostgreSQL docs 55.8 "Error and Notice Message Fields", through PQresultErrorField.
server_message server_fields(const PGresult* r) {
    server_message m;
    m.severity = field(r, PG_DIAG_SEVERITY_NONLOCALIZED);
    if (m.severity.empty()) m.severity = field(r, PG_DIAG_SEVERITY);
    m.code = sqlstate(field(r, PG_DIAG_SQLSTATE));
    m.message = field(r, PG_DIAG_MESSAGE_PRIMARY);
    m.detail = field(r, PG_DIAG_MESSAGE_DETAIL);
    m.hint = field(r, PG_DIAG_MESSAGE_HINT);
    m.position = int_field(r, PG_DIAG_STATEMENT_POSITION);
    m.internal_position = int_field(r, PG_DIAG_INTERNAL_POSITION);
    m.internal_query = field(r, PG_DIAG_INTERNAL_QUERY);
    m.where = field(r, PG_DIAG_CONTEXT);
    m.schema_name = field(r, PG_DIAG_SCHEMA_NAME);
    m.table_name = field(r, PG_DIAG_TABLE_NAME);
    m.column_name = field(r, PG_DIAG_COLUMN_NAME);
    m.data_type_name = field(r, PG_DIAG_DATATYPE_NAME);
    m.constraint_name = field(r, PG_DIAG_CONSTRAINT_NAME);
    m.file = field(r, PG_DIAG_SOURCE_FILE);
    m.line = int_field(r, PG_DIAG_SOURCE_LINE);
    m.routine = field(r, PG_DIAG_SOURCE_FUNCTION);
    return m;
}

/// A failed connection attempt. libpq only gives us text here (the startup ErrorResponse
/// is folded into PQerrorMessage), so authentication and TLS failures are recognised by
/// libpq's and the server's fixed messages.
error connect_error(PGconn* conn, std::string_view fallback) {
    std::string msg = conn ? trim(PQerrorMessage(conn)) : std::string();
    if (msg.empty()) msg = std::string(fallback);
    error e{errc::connection_failed, msg};
    auto has = [&](std::string_view s) { return msg.find(s) != std::string::npos; };
    if (has("password authentication failed") || has("authentication failed for user")) {
        e.code = errc::auth_failed;
        e.mutable_server().code = sqlstate::invalid_password();
    } else if (has("no pg_hba.conf entry") || has("pg_hba.conf rejects") ||
               (has("role \"") && has("does not exist"))) {
        e.code = errc::auth_failed;
        e.mutable_server().code = sqlstate::invalid_authorization_specification();
    } else if (has("channel binding")) {
        // libpq refuses on its own side ("channel binding required, but …"), as the native
        // driver does: an authentication failure in both.
        e.code = errc::auth_failed;
    } else if (conn && PQconnectionNeedsPassword(conn)) {
        e.code = errc::auth_failed;
        e.mutable_server().code = sqlstate::invalid_password();
    } else if (has("SSL") || has("certificate") || has("TLS")) {
        e.code = errc::tls_error;
    }
    if (auto at = msg.find("FATAL:  "); at != std::string::npos) {
        e.mutable_server().severity = "FATAL";
        auto text = msg.substr(at + 8);
        e.mutable_server().message = text.substr(0, text.find('\n'));
        // libpq 15 keeps no PGresult for a startup ErrorResponse: the SQLSTATE of the
        // common cases is recovered from the server's (English) message.
        if (e.mutable_server().code.empty() && has("database \"") && has("\" does not exist"))
            e.mutable_server().code = sqlstate("3D000"); // invalid_catalog_name
    }
    return e;
}

/// PQconnectStart on the blocking pool (it may resolve a host name: getaddrinfo blocks).
/// The pool thread never touches the caller's io_context: a test or a shutting-down server
/// may destroy the context while the call is in flight (ASan saw exactly that with the
/// earlier co_spawn onto the pool, whose completion destroyed a work-tracked executor of the
/// dead context on the pool thread). The result goes through a shared state that the caller
/// polls with a timer, backing off from 50 us to 2 ms (connections are opened rarely, so
/// the polling costs nothing measurable); a connection the caller no longer waits for is
/// closed by the state's destructor.
asio::awaitable<PGconn*> connect_start_off_thread(std::string conninfo) {
    struct state {
        std::string conninfo;
        std::atomic<bool> done{false};
        PGconn* conn = nullptr;
        bool taken = false; // written by the caller after `done`; read by the last owner
        ~state() {
            if (!taken && conn) PQfinish(conn);
        }
    };
    auto st = std::make_shared<state>();
    st->conninfo = std::move(conninfo);
    asio::post(blocking_pool(), [st] {
        st->conn = PQconnectStart(st->conninfo.c_str());
        st->done.store(true, std::memory_order_release);
    });
    asio::steady_timer t(co_await asio::this_coro::executor);
    auto wait = std::chrono::microseconds(50);
    while (!st->done.load(std::memory_order_acquire)) {
        t.expires_after(wait);
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
        wait = std::min(wait * 2, std::chrono::microseconds(2000));
    }
    st->taken = true;
    co_return st->conn;
}

} // namespace

// ---------------------------------------------------------------------------------------
// libpq_connection

/// One group of results the reader expects, in pipeline order: a query's results end
/// with a NULL from PQgetResult, a sync point with PGRES_PIPELINE_SYNC.
struct libpq_connection::item {
    enum class kind : std::uint8_t { query, prepare, deallocate, sync };
    kind k = kind::query;
    row_sink* sink = nullptr;
    std::size_t plan = 0; ///< the statement (index into slots_)
};

struct libpq_connection::read_state {
    deadline dl;
    bool cancelling = false;                 ///< a CancelRequest was sent (or is being sent)
    errc reason = errc::ok;                  ///< timeout or cancelled, when cancelling
    std::shared_ptr<std::atomic<bool>> cancel_done;
    std::optional<error> fatal;              ///< connection-level failure: stop reading
    bool after_sync = false;                 ///< previous result was PGRES_PIPELINE_SYNC
    detail::exchange x;                      ///< what the reader found
    bool cancel_woken = false;               ///< a wait was aborted by cancel()
};

libpq_connection::libpq_connection(asio::any_io_executor ex, PGconn* conn,
                                   std::size_t cache_capacity)
    : ex_(std::move(ex)), conn_(conn), sock_(ex_), cache_(cache_capacity) {
    if (PGcancel* c = PQgetCancel(conn_)) cancel_.reset(c, PQfreeCancel);
    PQsetNoticeReceiver(conn_, note_fatal_notice, &fatal_notice_);
    // Asio waits on its own duplicate of libpq's socket. libpq closes its descriptor as soon
    // as it reads the end of the stream (a session the server closed while idle, met by the
    // next statement: pool.hpp liveness_check_after), and the number can then be reused at
    // once by a new connection's socket; Asio, still holding the old number, would re-arm or
    // deregister (epoll_ctl) the new socket's registration and steal or lose its wake-ups.
    // The duplicate keeps the number ours until this object closes it.
    error_code ec;
    const int fd = ::fcntl(PQsocket(conn_), F_DUPFD_CLOEXEC, 0);
    if (fd >= 0) sock_.assign(fd, ec);
    if (fd < 0 || ec) {
        if (fd >= 0) ::close(fd);
        broken_ = true;
    }
}

libpq_connection::~libpq_connection() {
    clear_batch();
    // Asio's duplicate (constructor); PQfinish closes libpq's own.
    error_code ec;
    sock_.close(ec);
    PQfinish(conn_);
}

asio::awaitable<result<std::unique_ptr<connection>>>
libpq_connection::open(asio::any_io_executor ex, std::string conninfo, std::size_t cache_capacity,
                       deadline dl) {
    // PQconnectStart may resolve a host name (getaddrinfo blocks), so it runs off-thread.
    PGconn* conn = co_await connect_start_off_thread(std::move(conninfo));
    if (!conn) co_return failure{error{errc::connection_failed, "libpq: out of memory"}};
    if (PQstatus(conn) == CONNECTION_BAD) {
        auto e = connect_error(conn, "connection failed");
        PQfinish(conn);
        co_return failure{std::move(e)};
    }
    // connect_timeout bounds the whole attempt, as in the native driver. libpq only
    // enforces it in its blocking PQconnectdb, not in PQconnectPoll, so it is applied here.
    if (PQconninfoOption* opts = PQconninfo(conn)) {
        for (PQconninfoOption* o = opts; o->keyword; ++o) {
            if (std::strcmp(o->keyword, "connect_timeout") != 0 || !o->val) continue;
            int secs = 0;
            std::from_chars(o->val, o->val + std::strlen(o->val), secs);
            if (secs > 0) dl = std::min(dl, clock::now() + std::chrono::seconds(secs));
        }
        PQconninfoFree(opts);
    }

    // 34.2: "If PQconnectPoll(conn) last returned PGRES_POLLING_READING, wait until the
    // socket is ready to read … PGRES_POLLING_WRITING … ready to write". The socket may
    // change between calls (multiple hosts, sslmode=prefer retry), so it is re-assigned
    // every round and released before libpq can close it.
    stream_descriptor sd(ex);
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    while (st != PGRES_POLLING_OK) {
        if (st == PGRES_POLLING_FAILED) {
            auto e = connect_error(conn, "connection failed");
            PQfinish(conn);
            co_return failure{std::move(e)};
        }
        error_code ec;
        sd.assign(PQsocket(conn), ec);
        wait_result w = ec ? wait_result::failed
                           : co_await wait_fd(sd, st == PGRES_POLLING_READING,
                                              st == PGRES_POLLING_WRITING, dl);
        if (sd.is_open()) sd.release();
        if (w == wait_result::timeout) {
            // Same code and wording as the native driver: the deadline, not the server.
            std::string where = PQhost(conn) ? PQhost(conn) : "";
            if (where.empty() || where.front() != '/') where += std::string(":") + PQport(conn);
            else where += std::string("/.s.PGSQL.") + PQport(conn);
            PQfinish(conn);
            co_return failure{
                error{errc::timeout, "connecting to " + where + ": deadline expired"}};
        }
        if (w == wait_result::failed) {
            PQfinish(conn);
            co_return failure{error{errc::connection_failed,
                                    "could not wait on the connection's socket"}};
        }
        st = PQconnectPoll(conn);
    }
    if (PQsetnonblocking(conn, 1) != 0) {
        auto e = connect_error(conn, "PQsetnonblocking failed");
        PQfinish(conn);
        co_return failure{std::move(e)};
    }
    std::unique_ptr<connection> c(new libpq_connection(std::move(ex), conn, cache_capacity));
    co_return c;
}

error libpq_connection::lost(std::string_view what) {
    broken_ = true;
    std::string msg(what);
    if (conn_) {
        std::string detail = trim(PQerrorMessage(conn_));
        if (!detail.empty()) msg += ": " + detail;
    }
    return error{errc::connection_lost, std::move(msg)};
}

bool libpq_connection::closed_by_peer() const noexcept {
    // An idle connection has nothing to read unless the server is closing it (FATAL
    // 57P01 after pg_terminate_backend or a shutdown, then EOF) or sent a notification.
    // A zero-timeout poll finds out without blocking.
    pollfd p{PQsocket(conn_), POLLIN | POLLRDHUP, 0};
    if (p.fd >= 0 && ::poll(&p, 1, 0) > 0) {
        if (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) return true;
        if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK) return true;
        // Over TLS the FATAL can be read before the hang-up: PQisBusy parses what was read,
        // and libpq hands an idle-time error to the notice receiver (note_fatal_notice).
        (void)PQisBusy(conn_);
        if (fatal_notice_) return true;
    }
    return false;
}

char libpq_connection::last_status() const noexcept {
    if (PQstatus(conn_) != CONNECTION_OK || !sock_.is_open()) return 0;
    switch (PQtransactionStatus(conn_)) {
    case PQTRANS_IDLE: return 'I';
    case PQTRANS_INTRANS: return 'T';
    case PQTRANS_INERROR: return 'E';
    default: return 0; // PQTRANS_ACTIVE (mid-command), PQTRANS_UNKNOWN
    }
}

std::string libpq_connection::parameter(std::string_view name) const {
    const char* v = PQparameterStatus(conn_, std::string(name).c_str());
    return v ? std::string(v) : std::string();
}

std::int32_t libpq_connection::backend_pid() const noexcept { return PQbackendPID(conn_); }

void libpq_connection::interrupt() noexcept {
    // cancel_requested_ is polled by next_result() and flush(); cancelling the descriptor's
    // waits wakes whichever of them is waiting now, which then takes the deadline path
    // (start_cancel: PQcancel off the I/O thread, drain within cancel_grace).
    error_code ec;
    sock_.cancel(ec);
}

void libpq_connection::clear_batch() noexcept {
    for (PGresult* r : batch_) PQclear(r);
    batch_.clear();
}

asio::awaitable<result<void>> libpq_connection::flush(deadline dl) {
    // 34.4: after sending in non-blocking mode, call PQflush until it returns 0; when it
    // returns 1 wait for read- or write-readiness and consume input when readable (the
    // server may be blocked sending us results while we are still writing a pipeline).
    for (;;) {
        int r = PQflush(conn_);
        if (r == 0) co_return result<void>{};
        if (r < 0) co_return failure{lost("sending failed")};
        auto w = co_await wait_fd(sock_, true, true, dl);
        if (cancel_requested_ || w == wait_result::timeout) {
            broken_ = true; // a partly sent message cannot be taken back
            co_return failure{detail::send_interrupted(cancel_requested_)};
        }
        if (w == wait_result::failed || PQconsumeInput(conn_) == 0)
            co_return failure{lost("connection lost while sending")};
    }
}

void libpq_connection::start_cancel(read_state& st, errc reason) {
    if (st.cancelling) return;
    st.cancelling = true;
    st.reason = reason;
    st.dl = clock::now() + cancel_grace;
    auto done = std::make_shared<std::atomic<bool>>(false);
    st.cancel_done = done;
    if (!cancel_) {
        broken_ = true;
        done->store(true);
        return;
    }
    // PQcancel opens a connection and waits for the postmaster: never on an I/O thread.
    // Unbounded: finish_cancel gives up after the grace period whatever PQcancel does.
    asio::post(cancel_pool(), [c = cancel_, done] {
        char buf[256];
        PQcancel(c.get(), buf, sizeof buf);
        done->store(true);
    });
}

asio::awaitable<void> libpq_connection::finish_cancel(read_state& st) {
    // A CancelRequest still in flight could interrupt the *next* statement on this
    // connection; wait for PQcancel to return (the postmaster has signalled the backend,
    // and a signal arriving while the backend is idle is ignored). Not done in the grace
    // period → give the connection up.
    asio::steady_timer t(ex_);
    while (!st.cancel_done->load() && clock::now() < st.dl) {
        t.expires_after(std::chrono::milliseconds(1));
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (!st.cancel_done->load()) broken_ = true;
}

bool libpq_connection::result_ready() {
    if (!PQisBusy(conn_)) return true;
    // One non-blocking read to see whether more rows are already in the socket.
    if (PQconsumeInput(conn_) == 0) return true; // let next_result report the failure
    return !PQisBusy(conn_);
}

asio::awaitable<PGresult*> libpq_connection::next_result(read_state& st) {
    while (PQisBusy(conn_)) {
        if (cancel_requested_ && !st.cancelling) start_cancel(st, errc::cancelled);
        auto w = co_await wait_fd(sock_, true, false, st.dl);
        // Woken by cancel() (once): start the CancelRequest and wait for the drain.
        if (w == wait_result::failed && cancel_requested_ && !st.cancel_woken) {
            st.cancel_woken = true;
            continue;
        }
        if (w == wait_result::timeout) {
            if (!st.cancelling) {
                start_cancel(st, errc::timeout);
                continue;
            }
            broken_ = true;
            st.fatal = detail::no_resync(st.reason);
            co_return nullptr;
        }
        if (w == wait_result::failed || PQconsumeInput(conn_) == 0) {
            st.fatal = lost("connection lost");
            co_return nullptr;
        }
    }
    PGresult* r = PQgetResult(conn_);
    if (!r && PQstatus(conn_) != CONNECTION_OK) st.fatal = lost("connection lost");
    co_return r;
}

void libpq_connection::send_columns(row_sink* sink, const PGresult* res) {
    if (!sink) return;
    int n = PQnfields(res);
    columns_.clear();
    columns_.reserve(std::size_t(n));
    for (int i = 0; i < n; ++i) {
        column_desc c;
        c.name = PQfname(res, i);
        c.table_oid = PQftable(res, i);
        c.column_attr = static_cast<std::int16_t>(PQftablecol(res, i));
        c.type_oid = PQftype(res, i);
        c.type_size = static_cast<std::int16_t>(PQfsize(res, i));
        c.type_modifier = PQfmod(res, i);
        c.fmt = PQfformat(res, i) == 1 ? format::binary : format::text;
        columns_.push_back(std::move(c));
    }
    sink->on_columns(columns_);
}

asio::awaitable<void> libpq_connection::deliver_batch(row_sink* sink, read_state& st) {
    if (batch_.empty()) co_return;
    if (!sink || st.cancelling) {
        clear_batch();
        co_return;
    }
    // Views point into the PGresults, which stay alive until on_rows returns. A batch is
    // many single-row results, or one multi-row result delivered in slices.
    std::size_t total_rows = 0;
    for (PGresult* r : batch_) total_rows += std::size_t(PQntuples(r));
    std::size_t row = 0;
    for (PGresult* r : batch_) {
        const int nrows = PQntuples(r);
        const int ncols = PQnfields(r);
        for (int i = 0; i < nrows; ++i) {
            if (rows_.empty()) {
                fields_.clear();
                fields_.reserve(std::min(total_rows - row, max_batch_rows) * std::size_t(ncols));
            }
            for (int c = 0; c < ncols; ++c) {
                field_view f;
                if (!PQgetisnull(r, i, c)) {
                    f.data = PQgetvalue(r, i, c);
                    f.size = PQgetlength(r, i, c);
                    stats_.bytes_received += std::uint64_t(f.size);
                }
                fields_.push_back(f);
            }
            rows_.push_back(row_view(std::span<const field_view>(
                fields_.data() + fields_.size() - std::size_t(ncols), std::size_t(ncols))));
            ++row;
            if (rows_.size() == max_batch_rows || row == total_rows) {
                bool keep = true;
                st.x.delivered = true;
                try {
                    keep = co_await sink->on_rows(rows_);
                } catch (...) {
                    rows_.clear();
                    clear_batch();
                    broken_ = true; // we cannot know where the statement stands
                    throw;
                }
                rows_.clear();
                if (!keep) {
                    start_cancel(st, errc::cancelled);
                    clear_batch();
                    co_return;
                }
            }
        }
    }
    rows_.clear();
    clear_batch();
}

asio::awaitable<detail::exchange> libpq_connection::read_results(std::span<const item> items,
                                                                 deadline dl) {
    read_state st;
    st.dl = dl;
    for (const item& it : items) {
        if (st.fatal) break;
        if (it.k == item::kind::sync) {
            PGresult* r = co_await next_result(st);
            if (st.fatal) break;
            // libpq 15 returns the sync as its own result, with no NULL after it.
            if (!r || PQresultStatus(r) != PGRES_PIPELINE_SYNC) {
                if (r) PQclear(r);
                st.fatal = lost("pipeline out of step (expected a sync point)");
                break;
            }
            PQclear(r);
            st.x.answered = true;
            st.after_sync = true;
            continue;
        }
        // 34.6: single-row mode must be chosen before the query's first result is read;
        // in pipeline mode it applies to the query at the head of the queue (this one).
        // It only matters for queries; harmless (refused) for the others.
        if (it.k == item::kind::query) PQsetSingleRowMode(conn_);
        bool first = true;
        bool columns_sent = false;
        for (;;) {
            PGresult* r = co_await next_result(st);
            if (st.fatal) break;
            if (!r) {
                if (first && st.after_sync) { // tolerate a NULL after a sync point
                    st.after_sync = false;
                    if (it.k == item::kind::query) PQsetSingleRowMode(conn_);
                    continue;
                }
                break; // this item's results are complete
            }
            first = false;
            st.after_sync = false;
            if (is_answer(r)) st.x.answered = true;
            switch (PQresultStatus(r)) {
            case PGRES_SINGLE_TUPLE:
                st.x.delivered = true;
                if (!columns_sent) send_columns(st.cancelling ? nullptr : it.sink, r);
                columns_sent = true;
                batch_.push_back(r);
                if (batch_.size() >= max_batch_rows || !result_ready())
                    co_await deliver_batch(it.sink, st);
                break;
            case PGRES_TUPLES_OK:
                if (it.k == item::kind::query) st.x.delivered = true;
                if (!columns_sent) send_columns(st.cancelling ? nullptr : it.sink, r);
                columns_sent = false; // a simple query may return several result sets
                {
                    std::string tag = PQcmdStatus(r); // r is cleared with the batch
                    ++stats_.statements;
                    batch_.push_back(r);
                    co_await deliver_batch(it.sink, st);
                    if (it.sink && !st.cancelling) it.sink->on_complete(tag);
                }
                break;
            case PGRES_COMMAND_OK:
            case PGRES_EMPTY_QUERY:
                if (it.k == item::kind::query) st.x.delivered = true;
                co_await deliver_batch(it.sink, st);
                if (it.k == item::kind::prepare) {
                    protocol::statement_cache::confirm(*slots_[it.plan].entry);
                } else if (it.k == item::kind::query) {
                    ++stats_.statements;
                    cache_.on_command_tag(PQcmdStatus(r));
                    if (it.sink && !st.cancelling) it.sink->on_complete(PQcmdStatus(r));
                }
                PQclear(r);
                break;
            case PGRES_FATAL_ERROR: {
                co_await deliver_batch(it.sink, st);
                if (it.k != item::kind::deallocate && !st.x.first_error) {
                    server_message m = server_fields(r);
                    if (m.message.empty()) { // raised by libpq itself: no fields
                        m.message = trim(PQresultErrorMessage(r));
                        if (m.severity.empty()) m.severity = "ERROR";
                    }
                    if (m.code.empty() && PQstatus(conn_) != CONNECTION_OK)
                        st.fatal = lost("connection lost");
                    // A statement served from the cache that the server no longer has
                    // or can no longer use (statement_cache.hpp).
                    const protocol::cache_slot slot =
                        it.plan < slots_.size() ? slots_[it.plan] : protocol::cache_slot{};
                    if (it.k == item::kind::query && slot.how == protocol::send_mode::cached &&
                        cache_.invalidate(slot.entry, m.code))
                        st.x.invalidated = true; // the rest of the pipeline was skipped
                    st.x.error_index = it.plan;
                    st.x.first_error = std::move(m);
                }
                PQclear(r);
                break;
            }
            case PGRES_PIPELINE_ABORTED:
                PQclear(r);
                break;
            case PGRES_COPY_IN:
            case PGRES_COPY_OUT:
                // Not part of this interface; handled like the native driver so that the
                // session stays in sync (simple queries only: libpq refuses COPY in
                // pipeline mode, the native driver reports it as a protocol error).
                PQclear(r);
                co_await skip_copy(st);
                break;
            default: {
                // Anything else (COPY BOTH, …) is not part of this interface.
                std::string status = PQresStatus(PQresultStatus(r));
                PQclear(r);
                broken_ = true;
                st.fatal = error{errc::unsupported, "unexpected result status " + status};
                break;
            }
            }
            if (st.fatal) break;
        }
    }
    clear_batch();
    if (st.cancelling) co_await finish_cancel(st);
    if (st.fatal) {
        broken_ = true;
        st.x.failure = std::move(st.fatal);
    } else if (st.cancelling) {
        st.x.aborted = st.reason;
    }
    // What this pipeline prepared is kept only once the server confirmed it.
    if (st.x.failure || st.x.first_error || st.cancelling) cache_.drop_unconfirmed();
    cache_.end_operation();
    co_return std::move(st.x);
}

asio::awaitable<void> libpq_connection::skip_copy(read_state& st) {
    // 34.10 (Functions Associated with the COPY Command). COPY FROM STDIN: refused with
    // PQputCopyEnd(errormsg), which sends CopyFail; the server answers with an error.
    // COPY TO STDOUT: the data is read and discarded. Either way the results that
    // follow (the COPY's error or CommandComplete) are read as usual.
    if (PQputCopyEnd(conn_, "COPY FROM STDIN is not supported by the FraiseQL driver") == 1) {
        if (auto f = co_await flush(st.dl); !f) st.fatal = std::move(f).error();
        co_return;
    }
    for (;;) {
        char* buf = nullptr;
        const int n = PQgetCopyData(conn_, &buf, 1);
        if (buf) PQfreemem(buf);
        if (n > 0) continue;
        if (n < 0) co_return; // -1: done; -2: error, reported by the next PQgetResult
        const auto w = co_await wait_fd(sock_, true, false, st.dl);
        if (w == wait_result::timeout) {
            broken_ = true;
            st.fatal = error{errc::timeout, "deadline expired during COPY TO STDOUT"};
            co_return;
        }
        if (w == wait_result::failed || PQconsumeInput(conn_) == 0) {
            st.fatal = lost("connection lost during COPY");
            co_return;
        }
    }
}

void libpq_connection::leave_pipeline() {
    // 34.5.1.4: PQexitPipelineMode fails while results are pending; a trailing NULL from
    // PQgetResult may still be queued after the last sync point.
    for (int i = 0; i < 4 && PQpipelineStatus(conn_) != PQ_PIPELINE_OFF; ++i) {
        if (PQexitPipelineMode(conn_) == 1) return;
        if (PQisBusy(conn_)) break;
        if (PGresult* r = PQgetResult(conn_)) PQclear(r);
    }
    if (PQpipelineStatus(conn_) != PQ_PIPELINE_OFF) broken_ = true;
}

asio::awaitable<detail::exchange>
libpq_connection::send_pipeline(std::span<const statement> statements, deadline dl) {
    // How each statement is sent (statement_cache.hpp): reusing a prepared statement,
    // prepared now (within this pipeline, before its first execution), or unnamed.
    closes_.clear();
    cache_.take_closes(closes_);
    cache_.begin_pipeline();
    slots_.clear();
    const auto hits = cache_.hits(), misses = cache_.misses();
    for (const statement& s : statements)
        slots_.push_back(cache_.lookup(s.sql, s.params, s.cache, closes_));
    stats_.prepared_cache_hits += cache_.hits() - hits;
    stats_.prepared_cache_misses += cache_.misses() - misses;
    if (PQenterPipelineMode(conn_) != 1)
        co_return detail::exchange::failed(lost("cannot enter pipeline mode"));
    std::vector<item> items;
    items.reserve(statements.size() * 2 + closes_.size() + 2);
    bool sent = true;
    // Evicted and invalidated statements are deallocated in their own sync segment, first:
    // an error in the user's statements then cannot skip them, and theirs cannot abort the
    // user's.
    if (!closes_.empty()) {
        for (const std::string& name : closes_) {
            std::string sql = "DEALLOCATE " + name;
            sent = sent && PQsendQueryParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr,
                                             nullptr, 0) == 1;
            items.push_back(item{item::kind::deallocate, nullptr, 0});
        }
        sent = sent && PQpipelineSync(conn_) == 1;
        items.push_back(item{item::kind::sync, nullptr, 0});
    }

    std::vector<Oid> types;
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
    std::string text_params; // text parameters must be NUL-terminated for libpq
    std::string sql;
    for (std::size_t i = 0; i < statements.size() && sent; ++i) {
        const statement& s = statements[i];
        const protocol::cache_slot& p = slots_[i];
        const int n = static_cast<int>(s.params.size());
        types.clear();
        values.clear();
        lengths.clear();
        formats.clear();
        text_params.clear();
        std::vector<std::size_t> offsets;
        for (const param& prm : s.params) {
            types.push_back(prm.type_oid);
            formats.push_back(prm.fmt == format::binary ? 1 : 0);
            lengths.push_back(static_cast<int>(prm.value.size()));
            offsets.push_back(text_params.size());
            if (!prm.null && prm.fmt == format::text) {
                text_params.append(prm.value);
                text_params.push_back('\0');
            }
        }
        for (std::size_t k = 0; k < s.params.size(); ++k) {
            const param& prm = s.params[k];
            if (prm.null) values.push_back(nullptr);
            else if (prm.fmt == format::binary) values.push_back(prm.value.data());
            else values.push_back(text_params.data() + offsets[k]);
        }
        const int result_format = s.result_format == format::binary ? 1 : 0;
        if (p.how == protocol::send_mode::prepare) {
            sql.assign(s.sql);
            sent = PQsendPrepare(conn_, p.entry->name.c_str(), sql.c_str(), n, types.data()) == 1;
            items.push_back(item{item::kind::prepare, nullptr, i});
        }
        if (!sent) break;
        if (p.how == protocol::send_mode::unnamed) {
            sql.assign(s.sql);
            sent = PQsendQueryParams(conn_, sql.c_str(), n, types.data(), values.data(),
                                     lengths.data(), formats.data(), result_format) == 1;
        } else {
            sent = PQsendQueryPrepared(conn_, p.entry->name.c_str(), n, values.data(),
                                       lengths.data(), formats.data(), result_format) == 1;
        }
        items.push_back(item{item::kind::query, s.sink, i});
    }
    sent = sent && PQpipelineSync(conn_) == 1;
    items.push_back(item{item::kind::sync, nullptr, 0});
    if (!sent) co_return detail::exchange::failed(lost("sending the pipeline failed"));

    if (auto f = co_await flush(dl); !f) co_return detail::exchange::failed(std::move(f).error());
    auto r = co_await read_results(items, dl);
    if (!broken_) leave_pipeline();
    co_return r;
}

asio::awaitable<detail::exchange> libpq_connection::send_simple(std::string_view sql,
                                                                row_sink* sink, deadline dl) {
    if (PQsendQuery(conn_, std::string(sql).c_str()) != 1)
        co_return detail::exchange::failed(lost("sending the query failed"));
    if (auto f = co_await flush(dl); !f) co_return detail::exchange::failed(std::move(f).error());
    const item it{item::kind::query, sink, 0};
    co_return co_await read_results(std::span<const item>(&it, 1), dl);
}

} // namespace fraiseql::pg::libpq_backend
