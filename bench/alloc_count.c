/* A heap-allocation counter for bench/counts.sh, preloaded into the server (LD_PRELOAD).
 * Counts calls of malloc, calloc, realloc (those that allocate), posix_memalign,
 * aligned_alloc and memalign — every path operator new takes with glibc — and frees, in
 * relaxed atomics; forwards to glibc's own allocator (__libc_* entry points, so no dlsym
 * recursion). On SIGUSR2 it appends "allocations frees\n" to the file named by
 * ALLOC_COUNT_FILE with async-signal-safe calls only, so the script can take a snapshot
 * before and after a measured run and divide by the number of requests.
 *
 * With ALLOC_COUNT_TRACE=PATH it also writes, between the first and the second SIGUSR2, the
 * call stack of every allocation to PATH (backtrace_symbols_fd: `binary(+offset)` lines, one
 * stack per allocation, ended by "--"): which code allocated in the measured window
 * (bench/alloc_sites.sh turns them into function names). Slow per allocation; meant for the
 * rare ones left after warm-up. */
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void* __libc_malloc(size_t);
extern void* __libc_calloc(size_t, size_t);
extern void* __libc_realloc(void*, size_t);
extern void __libc_free(void*);
extern void* __libc_memalign(size_t, size_t);

static atomic_ulong allocations;
static atomic_ulong frees;
static int out_fd = -1;
static int trace_fd = -1;
static atomic_int dumps;
static __thread int in_trace;

static size_t format_ulong(char* buf, unsigned long v);

static void trace(size_t size) {
    if (trace_fd < 0 || atomic_load_explicit(&dumps, memory_order_relaxed) != 1 || in_trace) return;
    in_trace = 1;
    char line[32] = "size ";
    size_t k = 5 + format_ulong(line + 5, size);
    line[k++] = '\n';
    (void)!write(trace_fd, line, k);
    void* pcs[32];
    int n = backtrace(pcs, 32);
    backtrace_symbols_fd(pcs, n, trace_fd);
    (void)!write(trace_fd, "--\n", 3);
    in_trace = 0;
}

static void count_alloc(size_t size) {
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    trace(size);
}

void* malloc(size_t n) {
    count_alloc(n);
    return __libc_malloc(n);
}
void* calloc(size_t a, size_t b) {
    count_alloc(a * b);
    return __libc_calloc(a, b);
}
void* realloc(void* p, size_t n) {
    if (!p) count_alloc(n);
    return __libc_realloc(p, n);
}
void free(void* p) {
    if (p) atomic_fetch_add_explicit(&frees, 1, memory_order_relaxed);
    __libc_free(p);
}
void* memalign(size_t align, size_t n) {
    count_alloc(n);
    return __libc_memalign(align, n);
}
void* aligned_alloc(size_t align, size_t n) {
    count_alloc(n);
    return __libc_memalign(align, n);
}
int posix_memalign(void** out, size_t align, size_t n) {
    count_alloc(n);
    void* p = __libc_memalign(align, n);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}

static size_t format_ulong(char* buf, unsigned long v) {
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; ++i) buf[i] = tmp[n - 1 - i];
    return n;
}

static void dump(int sig) {
    (void)sig;
    if (out_fd < 0) return;
    char line[64];
    size_t n = format_ulong(line, atomic_load(&allocations));
    line[n++] = ' ';
    n += format_ulong(line + n, atomic_load(&frees));
    line[n++] = '\n';
    (void)!write(out_fd, line, n);
    atomic_fetch_add(&dumps, 1);
}

__attribute__((constructor)) static void init(void) {
    const char* path = getenv("ALLOC_COUNT_FILE");
    if (!path) return;
    out_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = dump;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR2, &sa, NULL);
    const char* trace_path = getenv("ALLOC_COUNT_TRACE");
    if (trace_path) {
        in_trace = 1; // backtrace() loads libgcc (and allocates) on its first call
        void* pc[2];
        backtrace(pc, 2);
        in_trace = 0;
        trace_fd = open(trace_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    }
}
