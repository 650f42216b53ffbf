/*
 * io_floor: the physical floor of one by-id GraphQL request on this machine (issue 15).
 *
 * A measuring instrument, not a server. It does exactly the I/O of FraiseQL's by-id request
 * and nothing else: no GraphQL parsing, no planning, no JSON transform. Single-threaded, one
 * level-triggered epoll set, libc only.
 *
 *   - accepts HTTP/1.1 keep-alive connections on 127.0.0.1:PORT; reads one request (the end
 *     of the headers, then Content-Length bytes of body) with one recv() per readiness;
 *   - takes a free PostgreSQL connection from a pool of N (requests queue, FIFO, when every
 *     connection is busy) and sends one pre-built Bind (to a statement prepared at startup)
 *     + Execute + Sync in one send();
 *   - reads until ReadyForQuery, keeps the DataRow's single column (the row's JSON text) and
 *     answers HTTP 200 with {"data":{"FIELD":<row>}} in one send().
 *
 * So a request costs, in the steady state, four I/O system calls (recv HTTP, send to
 * PostgreSQL, recv from PostgreSQL, send HTTP) plus its share of epoll_wait; a partial write
 * adds an epoll_ctl for EPOLLOUT (never seen with these sizes). The HTTP request is not
 * interpreted beyond its framing: every request gets the same answer.
 *
 * It checks its own answers and stops loudly (exit 1) on anything unexpected: an
 * ErrorResponse, a message other than BindComplete/DataRow/CommandComplete/ReadyForQuery
 * (notices and parameter status aside), a result that is not exactly one non-NULL row of one
 * column, or a row whose bytes differ from the one read at startup; an HTTP request that is
 * not POST, lacks Content-Length or does not fit the buffer.
 *
 * PostgreSQL: protocol 3.0 startup, sslmode off, trust authentication only (any other
 * request is an error: the bench cluster uses trust). TCP to --pg-host/--pg-port with
 * TCP_NODELAY, or the unix socket --pg-socket PATH (the socket file, e.g.
 * /tmp/.s.PGSQL.5432). The statement is prepared with the parameter's type left to the
 * server (OID 0), like a text parameter; the value travels as text.
 *
 *   cc -O2 -Wall -Wextra -o io_floor bench/floor/io_floor.c
 *   io_floor --port 18500 --pg-port 5432 --dbname fraiseql_bench --pool 10 \
 *            --sql 'SELECT ... WHERE id = $1' --param 24c9e15e-... --field user
 *
 * Prints "io_floor: ready" on stderr when it listens; on SIGINT/SIGTERM it prints
 * "io_floor: served N requests" and exits 0. bench/floor.sh drives it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

enum { HTTP_IN = 16384, PG_IN_MAX = 1 << 20, MAX_EVENTS = 64 };
enum kind { LISTENER, CLIENT, PG };

struct conn {
    enum kind kind;
    int fd;
    char* in;
    size_t inlen, incap;
    char* out; /* pending output: out[outoff, outlen) */
    size_t outlen, outoff, outcap;
    int want_out; /* EPOLLOUT registered */
    /* CLIENT */
    int busy;           /* a request is being served (queued, at PostgreSQL or being written) */
    int dead;           /* the peer went away while PostgreSQL had its request */
    size_t reqlen;      /* bytes of the request being served, consumed when answered */
    struct conn* pg;    /* the PostgreSQL connection serving it */
    struct conn* qnext; /* FIFO of requests waiting for a PostgreSQL connection */
    /* PG */
    struct conn* client; /* owner, NULL when idle */
    struct conn* fnext;  /* free list (PG); list of closed clients to free (CLIENT) */
    int rows;
};

static int epfd;
static struct conn* free_pg;
static struct conn* closed; /* clients closed during this epoll batch, freed after it */
static struct conn *queue_head, *queue_tail;
static char* bind_msg;
static size_t bind_len;
static char* expected_row;
static size_t expected_len;
static const char* field = "user";
static unsigned long long served;
static volatile sig_atomic_t stop;

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("io_floor: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void* xrealloc(void* p, size_t n) {
    void* q = realloc(p, n);
    if (!q)
        die("out of memory (%zu bytes)", n);
    return q;
}

static void reserve(char** buf, size_t* cap, size_t need) {
    if (need <= *cap)
        return;
    size_t n = *cap ? *cap : 256;
    while (n < need)
        n *= 2;
    *buf = xrealloc(*buf, n);
    *cap = n;
}

static void put_u32(char* p, uint32_t v) {
    v = htonl(v);
    memcpy(p, &v, 4);
}
static void put_u16(char* p, uint16_t v) {
    v = htons(v);
    memcpy(p, &v, 2);
}
static uint32_t get_u32(const char* p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return ntohl(v);
}
static uint16_t get_u16(const char* p) {
    uint16_t v;
    memcpy(&v, p, 2);
    return ntohs(v);
}

/* A growable protocol message under construction. */
struct msg {
    char* p;
    size_t len, cap;
};
static void m_bytes(struct msg* m, const void* b, size_t n) {
    reserve(&m->p, &m->cap, m->len + n);
    memcpy(m->p + m->len, b, n);
    m->len += n;
}
static void m_u32(struct msg* m, uint32_t v) {
    char b[4];
    put_u32(b, v);
    m_bytes(m, b, 4);
}
static void m_u16(struct msg* m, uint16_t v) {
    char b[2];
    put_u16(b, v);
    m_bytes(m, b, 2);
}
static void m_str(struct msg* m, const char* s) {
    m_bytes(m, s, strlen(s) + 1);
}
/* Starts a typed message; m_end fills in its length. */
static size_t m_begin(struct msg* m, char type) {
    m_bytes(m, &type, 1);
    size_t at = m->len;
    m_u32(m, 0);
    return at;
}
static void m_end(struct msg* m, size_t at) {
    put_u32(m->p + at, (uint32_t)(m->len - at));
}

/* ------------------------------------------------------------ blocking startup I/O */

static void write_all(int fd, const char* p, size_t n) {
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            die("send to PostgreSQL: %s", w < 0 ? strerror(errno) : "wrote 0");
        p += w;
        n -= (size_t)w;
    }
}

static void read_all(int fd, char* p, size_t n) {
    while (n) {
        ssize_t r = recv(fd, p, n, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            die("recv from PostgreSQL: %s", strerror(errno));
        if (r == 0)
            die("PostgreSQL closed the connection during startup");
        p += r;
        n -= (size_t)r;
    }
}

/* The 'M' field of an ErrorResponse body. */
static const char* error_text(const char* body, size_t n) {
    static char buf[512];
    size_t i = 0;
    while (i < n && body[i]) {
        char code = body[i++];
        const char* s = body + i;
        size_t l = strnlen(s, n - i);
        if (code == 'M') {
            snprintf(buf, sizeof buf, "%.*s", (int)l, s);
            return buf;
        }
        i += l + 1;
    }
    return "(no message)";
}

/* Reads one message: returns its type, the body in *body (malloc'd, reused), its length. */
static char read_msg(int fd, char** body, size_t* cap, size_t* len) {
    char h[5];
    read_all(fd, h, 5);
    uint32_t l = get_u32(h + 1);
    if (l < 4 || l > PG_IN_MAX)
        die("bad message length %u from PostgreSQL", l);
    reserve(body, cap, l - 4 + 1);
    read_all(fd, *body, l - 4);
    *len = l - 4;
    if (h[0] == 'E')
        die("PostgreSQL: %s", error_text(*body, *len));
    return h[0];
}

/* Reads up to ReadyForQuery; keeps the single DataRow's column (when want_row). */
static void read_until_ready(int fd, int want_row) {
    char* body = NULL;
    size_t cap = 0, len = 0;
    int rows = 0;
    for (;;) {
        char t = read_msg(fd, &body, &cap, &len);
        if (t == 'Z')
            break;
        if (t == 'D') {
            if (len < 6 || get_u16(body) != 1)
                die("expected a row of one column");
            uint32_t cl = get_u32(body + 2);
            if (cl == 0xffffffffu || cl != len - 6)
                die("expected one non-NULL column (the object's JSON); got NULL: no such row?");
            rows++;
            expected_row = xrealloc(expected_row, cl ? cl : 1);
            memcpy(expected_row, body + 6, cl);
            expected_len = cl;
        } else if (t != '1' && t != '2' && t != 'C' && t != 'K' && t != 'N' && t != 'S' &&
                   t != 'n') {
            die("unexpected message '%c' during startup", t);
        }
    }
    free(body);
    if (want_row && rows != 1)
        die("the statement returned %d rows, expected exactly 1", rows);
}

static void set_nonblock(int fd) {
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        die("fcntl: %s", strerror(errno));
}

static void set_nodelay(int fd) {
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0)
        die("TCP_NODELAY: %s", strerror(errno));
}

struct pg_opts {
    const char *host, *socket, *dbname, *user, *sql;
};

static int pg_connect(const struct pg_opts* o, int port, int prepare) {
    int fd;
    if (o->socket) {
        struct sockaddr_un a = {.sun_family = AF_UNIX};
        if (strlen(o->socket) >= sizeof a.sun_path)
            die("socket path too long: %s", o->socket);
        strcpy(a.sun_path, o->socket);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr*)&a, sizeof a) < 0)
            die("connect %s: %s", o->socket, strerror(errno));
    } else {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        if (inet_pton(AF_INET, o->host, &a.sin_addr) != 1)
            die("--pg-host must be an IPv4 address: %s", o->host);
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr*)&a, sizeof a) < 0)
            die("connect %s:%d: %s", o->host, port, strerror(errno));
        set_nodelay(fd);
    }
    /* StartupMessage: length, protocol 3.0, parameters, terminator. */
    struct msg m = {0};
    m_u32(&m, 0);
    m_u32(&m, 196608);
    m_str(&m, "user");
    m_str(&m, o->user);
    m_str(&m, "database");
    m_str(&m, o->dbname);
    m_str(&m, "client_encoding");
    m_str(&m, "UTF8");
    m_bytes(&m, "", 1);
    put_u32(m.p, (uint32_t)m.len);
    write_all(fd, m.p, m.len);

    char* body = NULL;
    size_t cap = 0, len = 0;
    char t = read_msg(fd, &body, &cap, &len);
    if (t != 'R' || len < 4)
        die("expected an authentication message, got '%c'", t);
    if (get_u32(body) != 0)
        die("PostgreSQL asks for authentication (method %u): io_floor supports trust only",
            get_u32(body));
    free(body);
    read_until_ready(fd, 0);

    if (prepare) {
        /* Parse "s" (one parameter, type left to the server) + Sync. */
        m.len = 0;
        size_t at = m_begin(&m, 'P');
        m_str(&m, "s");
        m_str(&m, o->sql);
        m_u16(&m, 1);
        m_u32(&m, 0);
        m_end(&m, at);
        at = m_begin(&m, 'S');
        m_end(&m, at);
        write_all(fd, m.p, m.len);
        read_until_ready(fd, 0);
    }
    free(m.p);
    return fd;
}

/* ------------------------------------------------------------ event loop */

static void ep(int op, struct conn* c, uint32_t events) {
    struct epoll_event e = {.events = events, .data.ptr = c};
    if (epoll_ctl(epfd, op, c->fd, &e) < 0)
        die("epoll_ctl: %s", strerror(errno));
}

static void close_client(struct conn* c) {
    if (c->fd >= 0) {
        if (epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL) < 0)
            die("epoll_ctl DEL: %s", strerror(errno));
        close(c->fd);
        c->fd = -1;
    }
    if (c->pg) { /* PostgreSQL still has its request: freed when the answer comes */
        c->dead = 1;
        return;
    }
    if (c->busy) { /* queued: unlink */
        struct conn** p = &queue_head;
        while (*p && *p != c)
            p = &(*p)->qnext;
        if (*p) {
            *p = c->qnext;
            if (queue_tail == c) {
                queue_tail = NULL;
                for (struct conn* q = queue_head; q; q = q->qnext)
                    queue_tail = q;
            }
        }
    }
    /* Later events of this batch may still name c: freed after the batch. */
    c->fnext = closed;
    closed = c;
}

/* Sends c->out[outoff, outlen). Returns 0 when done or waiting for EPOLLOUT, -1 on a
 * connection error (the caller decides). One send() when it all fits. */
static int flush(struct conn* c) {
    while (c->outoff < c->outlen) {
        ssize_t w = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!c->want_out) {
                c->want_out = 1;
                ep(EPOLL_CTL_MOD, c, EPOLLIN | EPOLLOUT);
            }
            return 0;
        }
        if (w <= 0)
            return -1;
        c->outoff += (size_t)w;
    }
    c->outoff = c->outlen = 0;
    if (c->want_out) {
        c->want_out = 0;
        ep(EPOLL_CTL_MOD, c, EPOLLIN);
    }
    return 0;
}

static void dispatch(struct conn* c, struct conn* pg) {
    c->pg = pg;
    pg->client = c;
    pg->rows = 0;
    reserve(&pg->out, &pg->outcap, bind_len);
    memcpy(pg->out, bind_msg, bind_len);
    pg->outlen = bind_len;
    pg->outoff = 0;
    if (flush(pg) < 0)
        die("send to PostgreSQL: %s", strerror(errno));
}

static void try_request(struct conn* c);

/* The answer to c's request is in c->out: send it, then look for the next request. */
static void answer(struct conn* c) {
    if (flush(c) < 0) {
        close_client(c);
        return;
    }
    if (c->outlen == 0) /* all sent: the request is done */
        try_request(c);
}

/* Is a whole request buffered? Then take a PostgreSQL connection or queue. */
static void try_request(struct conn* c) {
    if (c->busy) {
        /* done with the previous one? */
        if (c->pg || c->outlen)
            return;
        memmove(c->in, c->in + c->reqlen, c->inlen - c->reqlen);
        c->inlen -= c->reqlen;
        c->reqlen = 0;
        c->busy = 0;
    }
    char* end = memmem(c->in, c->inlen, "\r\n\r\n", 4);
    if (!end) {
        if (c->inlen == HTTP_IN)
            die("an HTTP request's headers exceed %d bytes", HTTP_IN);
        return;
    }
    size_t hdr = (size_t)(end - c->in) + 4;
    if (c->inlen < 5 || memcmp(c->in, "POST ", 5) != 0)
        die("not a POST request: %.20s", c->in);
    long cl = -1;
    for (char* p = c->in; p < end;) {
        char* eol = memmem(p, (size_t)(end - p) + 2, "\r\n", 2);
        if (eol - p > 15 && strncasecmp(p, "content-length:", 15) == 0)
            cl = strtol(p + 15, NULL, 10);
        p = eol + 2;
    }
    if (cl < 0 || hdr + (size_t)cl > HTTP_IN)
        die("request without Content-Length, or larger than %d bytes", HTTP_IN);
    if (c->inlen < hdr + (size_t)cl)
        return;
    c->reqlen = hdr + (size_t)cl;
    c->busy = 1;
    if (free_pg) {
        struct conn* pg = free_pg;
        free_pg = pg->fnext;
        dispatch(c, pg);
    } else {
        c->qnext = NULL;
        if (queue_tail)
            queue_tail->qnext = c;
        else
            queue_head = c;
        queue_tail = c;
    }
}

static void client_readable(struct conn* c) {
    if (c->inlen == HTTP_IN)
        die("a client sent more than %d bytes ahead", HTTP_IN);
    ssize_t r = recv(c->fd, c->in + c->inlen, HTTP_IN - c->inlen, 0);
    if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
        return;
    if (r <= 0) { /* EOF or reset: wrk closes its connections at the end */
        close_client(c);
        return;
    }
    c->inlen += (size_t)r;
    if (!c->busy)
        try_request(c);
}

/* PostgreSQL finished c's request (ReadyForQuery): answer and reuse the connection. */
static void pg_done(struct conn* pg) {
    struct conn* c = pg->client;
    pg->client = NULL;
    c->pg = NULL;
    if (queue_head) {
        struct conn* next = queue_head;
        queue_head = next->qnext;
        if (!queue_head)
            queue_tail = NULL;
        dispatch(next, pg);
    } else {
        pg->fnext = free_pg;
        free_pg = pg;
    }
    served++;
    if (c->dead)
        close_client(c);
    else
        answer(c);
}

static void pg_message(struct conn* pg, char t, const char* body, size_t len) {
    struct conn* c = pg->client;
    if (!c)
        die("a message '%c' from an idle PostgreSQL connection", t);
    switch (t) {
    case '2': /* BindComplete */
    case 'N': /* NoticeResponse */
    case 'S': /* ParameterStatus */
        return;
    case 'C': /* CommandComplete */
        if (pg->rows != 1)
            die("the statement returned %d rows, expected 1", pg->rows);
        return;
    case 'E':
        die("PostgreSQL: %s", error_text(body, len));
    case 'D': {
        if (++pg->rows != 1 || len < 6 || get_u16(body) != 1)
            die("expected exactly one row of one column");
        uint32_t cl = get_u32(body + 2);
        if (cl != len - 6 || cl != expected_len || memcmp(body + 6, expected_row, cl) != 0)
            die("the row differs from the one read at startup");
        /* The answer, complete in c->out, sent at ReadyForQuery. */
        char head[160];
        size_t pre = strlen("{\"data\":{\"\":") + strlen(field), post = 2;
        int hl = snprintf(head, sizeof head,
                          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          "Content-Length: %zu\r\n\r\n{\"data\":{\"%s\":",
                          pre + cl + post, field);
        if (hl < 0 || (size_t)hl >= sizeof head)
            die("--field too long");
        reserve(&c->out, &c->outcap, (size_t)hl + cl + post);
        memcpy(c->out, head, (size_t)hl);
        memcpy(c->out + hl, body + 6, cl);
        memcpy(c->out + hl + cl, "}}", post);
        c->outlen = (size_t)hl + cl + post;
        c->outoff = 0;
        return;
    }
    case 'Z':
        if (pg->rows != 1)
            die("ReadyForQuery after %d rows, expected 1", pg->rows);
        pg_done(pg);
        return;
    default:
        die("unexpected message '%c' from PostgreSQL", t);
    }
}

static void pg_readable(struct conn* pg) {
    if (pg->incap - pg->inlen < 4096)
        reserve(&pg->in, &pg->incap, pg->inlen + 4096);
    ssize_t r = recv(pg->fd, pg->in + pg->inlen, pg->incap - pg->inlen, 0);
    if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
        return;
    if (r < 0)
        die("recv from PostgreSQL: %s", strerror(errno));
    if (r == 0)
        die("PostgreSQL closed a connection");
    pg->inlen += (size_t)r;
    size_t at = 0;
    while (pg->inlen - at >= 5) {
        uint32_t l = get_u32(pg->in + at + 1);
        if (l < 4 || l > PG_IN_MAX)
            die("bad message length %u from PostgreSQL", l);
        if (pg->inlen - at < 1 + (size_t)l)
            break;
        pg_message(pg, pg->in[at], pg->in + at + 5, l - 4);
        at += 1 + l;
    }
    memmove(pg->in, pg->in + at, pg->inlen - at);
    pg->inlen -= at;
}

static void on_signal(int sig) {
    (void)sig;
    stop = 1;
}

static void usage(void) {
    fputs("usage: io_floor --sql SQL --param VALUE [--port 18500] [--pool 10]\n"
          "                [--pg-host 127.0.0.1] [--pg-port 5432] [--pg-socket PATH]\n"
          "                [--dbname postgres] [--user postgres] [--field user]\n",
          stderr);
    exit(2);
}

int main(int argc, char** argv) {
    struct pg_opts o = {.host = "127.0.0.1", .dbname = "postgres", .user = "postgres"};
    const char* param = NULL;
    int port = 18500, pg_port = 5432, pool = 10;
    static const struct option opts[] = {{"port", required_argument, 0, 'p'},
                                         {"pool", required_argument, 0, 'n'},
                                         {"pg-host", required_argument, 0, 'h'},
                                         {"pg-port", required_argument, 0, 'P'},
                                         {"pg-socket", required_argument, 0, 'u'},
                                         {"dbname", required_argument, 0, 'd'},
                                         {"user", required_argument, 0, 'U'},
                                         {"sql", required_argument, 0, 's'},
                                         {"param", required_argument, 0, 'v'},
                                         {"field", required_argument, 0, 'f'},
                                         {0, 0, 0, 0}};
    for (int ch; (ch = getopt_long(argc, argv, "", opts, NULL)) != -1;) {
        switch (ch) {
        case 'p':
            port = atoi(optarg);
            break;
        case 'n':
            pool = atoi(optarg);
            break;
        case 'h':
            o.host = optarg;
            break;
        case 'P':
            pg_port = atoi(optarg);
            break;
        case 'u':
            o.socket = optarg;
            break;
        case 'd':
            o.dbname = optarg;
            break;
        case 'U':
            o.user = optarg;
            break;
        case 's':
            o.sql = optarg;
            break;
        case 'v':
            param = optarg;
            break;
        case 'f':
            field = optarg;
            break;
        default:
            usage();
        }
    }
    if (optind != argc || !o.sql || !param || port <= 0 || port > 65535 || pool <= 0 ||
        pg_port <= 0 || pg_port > 65535)
        usage();

    /* The per-request message: Bind (unnamed portal, statement "s", one text parameter,
     * text results) + Execute (all rows) + Sync, built once. */
    struct msg m = {0};
    size_t at = m_begin(&m, 'B');
    m_str(&m, "");
    m_str(&m, "s");
    m_u16(&m, 0);
    m_u16(&m, 1);
    m_u32(&m, (uint32_t)strlen(param));
    m_bytes(&m, param, strlen(param));
    m_u16(&m, 0);
    m_end(&m, at);
    at = m_begin(&m, 'E');
    m_str(&m, "");
    m_u32(&m, 0);
    m_end(&m, at);
    at = m_begin(&m, 'S');
    m_end(&m, at);
    bind_msg = m.p;
    bind_len = m.len;

    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0)
        die("epoll_create1: %s", strerror(errno));
    for (int i = 0; i < pool; i++) {
        struct conn* pg = calloc(1, sizeof *pg);
        if (!pg)
            die("out of memory");
        pg->kind = PG;
        pg->fd = pg_connect(&o, pg_port, 1);
        if (i == 0) { /* the expected answer, read once */
            write_all(pg->fd, bind_msg, bind_len);
            read_until_ready(pg->fd, 1);
        }
        set_nonblock(pg->fd);
        ep(EPOLL_CTL_ADD, pg, EPOLLIN);
        pg->fnext = free_pg;
        free_pg = pg;
    }

    struct conn* ls = calloc(1, sizeof *ls);
    if (!ls)
        die("out of memory");
    ls->kind = LISTENER;
    ls->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (ls->fd < 0 || setsockopt(ls->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(ls->fd, (struct sockaddr*)&a, sizeof a) < 0 || listen(ls->fd, 1024) < 0)
        die("listen on 127.0.0.1:%d: %s", port, strerror(errno));
    ep(EPOLL_CTL_ADD, ls, EPOLLIN);

    struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART: epoll_wait returns */
    if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
        die("sigaction: %s", strerror(errno));
    fprintf(stderr, "io_floor: ready on 127.0.0.1:%d, %d PostgreSQL connections, row %zu bytes\n",
            port, pool, expected_len);

    struct epoll_event ev[MAX_EVENTS];
    while (!stop) {
        int n = epoll_wait(epfd, ev, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("epoll_wait: %s", strerror(errno));
        }
        for (int i = 0; i < n; i++) {
            struct conn* c = ev[i].data.ptr;
            uint32_t e = ev[i].events;
            switch (c->kind) {
            case LISTENER: {
                int fd = accept4(ls->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (fd < 0) {
                    if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
                        break;
                    die("accept4: %s", strerror(errno));
                }
                set_nodelay(fd);
                struct conn* cl = calloc(1, sizeof *cl);
                if (!cl)
                    die("out of memory");
                cl->kind = CLIENT;
                cl->fd = fd;
                cl->in = xrealloc(NULL, HTTP_IN);
                ep(EPOLL_CTL_ADD, cl, EPOLLIN);
                break;
            }
            case CLIENT:
                if (c->fd < 0) /* closed earlier in this batch */
                    break;
                if ((e & EPOLLOUT) && c->outlen) {
                    answer(c);
                    break; /* c may be freed */
                }
                if (e & (EPOLLIN | EPOLLERR | EPOLLHUP))
                    client_readable(c);
                break;
            case PG:
                if ((e & EPOLLOUT) && c->outlen && flush(c) < 0)
                    die("send to PostgreSQL: %s", strerror(errno));
                if (e & (EPOLLIN | EPOLLERR | EPOLLHUP))
                    pg_readable(c);
                break;
            }
        }
        while (closed) {
            struct conn* c = closed;
            closed = c->fnext;
            free(c->in);
            free(c->out);
            free(c);
        }
    }
    fprintf(stderr, "io_floor: served %llu requests\n", served);
    return 0;
}
