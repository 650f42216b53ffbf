#!/usr/bin/env python3
"""CPU per request of every process taking part in one load run, for bench/floor.sh.

    measure.py run LABEL RUN SERVER_PID POSTMASTER_PID -- wrk|pgbench ARGS...
        runs the load generator to its end and appends nothing: prints one TSV line
        LABEL RUN req/s requests server_user_us server_sys_us pg_us client_us
        (per request; server_* are 0 when SERVER_PID is 0, i.e. for pgbench)
    measure.py summary FILE.tsv
        the median and the spread (min-max) of each figure per label, and the throughput
        bounds that follow (below); rows labelled pgbench-startup (pgbench -t 1: connection
        start and end only) are subtracted from the other pgbench rows

Server: user and system time from /proc/PID/stat (all threads), before and after.
PostgreSQL: the postmaster's own time plus its reaped children's (cutime, cstime) plus every
live child's user + system time, before and after: so backends that start and exit during the
run (pgbench's) count as much as the pool's long-lived ones. Load generator (wrk, pgbench):
its rusage from wait4 (all threads, whole life, microsecond resolution). Each run is checked:
wrk must report no error of any kind (post.lua counts non-2xx statuses), pgbench no failed
transaction.
"""
import json
import os
import re
import statistics
import subprocess
import sys
import time

TCK = os.sysconf("SC_CLK_TCK")


def stat(pid):
    # Fields after the command name: state is [0], utime [11], stime [12], cutime [13], cstime [14].
    with open(f"/proc/{pid}/stat") as f:
        return [int(x) if x.lstrip("-").isdigit() else 0 for x in f.read().rsplit(")", 1)[1].split()]


def children(pid):
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def pg_ticks(pm, settle_to=None):
    """Ticks of the postmaster, its reaped children and its live children. With settle_to, first
    waits (up to 5 s) until no more than that many children are alive: a child that exits
    between the reading of its stat and the postmaster's would otherwise be missed or counted
    twice (pgbench's backends exit as it ends)."""
    kids = children(pm)
    if settle_to is not None:
        for _ in range(100):
            if len(kids) <= settle_to:
                break
            time.sleep(0.05)
            kids = children(pm)
        else:
            sys.exit(f"PostgreSQL's backends did not exit: {len(kids)} children, {settle_to} before")
    t = 0
    for c in kids:
        try:
            cs = stat(c)
        except OSError:
            sys.exit(f"child {c} of the postmaster exited during the measurement")
        t += cs[11] + cs[12]
    s = stat(pm)
    return t + s[11] + s[12] + s[13] + s[14], len(kids)


def run(label, run_no, server_pid, pm, cmd):
    s0 = stat(server_pid) if server_pid else None
    p0, kids0 = pg_ticks(pm)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    p1, _ = pg_ticks(pm, settle_to=kids0)
    s1 = stat(server_pid) if server_pid else None
    if status != 0:
        sys.exit(f"{cmd[0]} failed ({status}): {out}")
    if os.path.basename(cmd[0]) != "pgbench":  # wrk with bench/wrk/post.lua
        m = re.search(r"^BENCH_JSON (.*)$", out, re.M)
        if not m:
            sys.exit(f"no BENCH_JSON line from wrk: {out}")
        d = json.loads(m.group(1))
        bad = sum(d[k] for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout"))
        if bad:
            sys.exit(f"wrk errors: {d}")
        n, rate = d["requests"], d["requests_per_s"]
    else:
        n = re.search(r"number of transactions actually processed: (\d+)", out)
        tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out)
        failed = re.search(r"number of failed transactions: (\d+)", out)
        if not n or not tps or (failed and int(failed.group(1))):
            sys.exit(f"pgbench did not complete cleanly: {out}")
        n, rate = int(n.group(1)), float(tps.group(1))
    if n == 0:
        sys.exit(f"no request completed: {out}")
    us = lambda ticks: ticks / TCK / n * 1e6
    su = us(s1[11] - s0[11]) if s0 else 0.0
    ss = us(s1[12] - s0[12]) if s0 else 0.0
    client = (ru.ru_utime + ru.ru_stime) / n * 1e6
    print(f"{label}\t{run_no}\t{rate:.0f}\t{n}\t{su:.1f}\t{ss:.1f}\t{us(p1 - p0):.1f}\t{client:.1f}")


def summary(path):
    rows = {}
    order = []
    for line in open(path):
        if not line.strip() or line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        if f[0] not in rows:
            order.append(f[0])
        rows.setdefault(f[0], []).append([float(x) for x in f[2:]])

    # pgbench's connection start and end (a backend fork per client: tens of ms of
    # PostgreSQL CPU each on this VM) are not per-transaction work: "pgbench-startup" runs
    # (-t 1) measure them and they are taken out of the pgbench rows.
    startup = rows.pop("pgbench-startup", None)
    if startup:
        order.remove("pgbench-startup")
        ov_pg = statistics.median(r[4] * r[1] for r in startup)
        ov_client = statistics.median(r[5] * r[1] for r in startup)
        for label in order:
            if label.startswith("pgbench"):
                for r in rows[label]:
                    r[4] -= ov_pg / r[1]
                    r[5] -= ov_client / r[1]
        print(f"pgbench's connection start and end, taken out of its rows (median of "
              f"{len(startup)} runs of -t 1): PostgreSQL {ov_pg / 1000:.1f} ms, pgbench "
              f"{ov_client / 1000:.1f} ms per run of {startup[0][1]:.0f} clients")
        print()

    def med(label, i):
        return statistics.median(r[i] for r in rows[label])

    def spread(label, i, fmt):
        v = [r[i] for r in rows[label]]
        return fmt % med(label, i) + (" (" + fmt % min(v) + "–" + fmt % max(v) + ")" if len(v) > 1 else "")

    # columns: 0 req/s, 1 requests, 2 server user, 3 server system, 4 PostgreSQL, 5 client
    print("| system | runs | req/s | server user µs | server system µs | PostgreSQL µs |"
          " load generator µs | all CPU µs | 2 CPU-s ÷ all CPU |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    total = {}
    for label in order:
        t = statistics.median(r[2] + r[3] + r[4] + r[5] for r in rows[label])
        total[label] = t
        print(f"| {label} | {len(rows[label])} | {spread(label, 0, '%.0f')} | "
              f"{spread(label, 2, '%.1f')} | {spread(label, 3, '%.1f')} | "
              f"{spread(label, 4, '%.1f')} | {spread(label, 5, '%.1f')} | {t:.1f} | "
              f"{2e6 / t:.0f} |")
    ref = "pgbench-handwritten"
    if ref not in rows:
        return
    print()
    print(f"Best throughput ratio against {ref} on 2 saturated vCPUs = "
          "(pgbench client + PostgreSQL for its SQL) ÷ (wrk + server + PostgreSQL for the "
          "emitted SQL), medians:")
    print()
    budget = total[ref]
    for label in order:
        if label == ref:
            continue
        other = med(label, 4) + med(label, 5)
        print(f"- {label}: {budget:.1f} ÷ {total[label]:.1f} = **{budget / total[label]:.2f}**"
              f" (measured {med(label, 0) / med(ref, 0):.2f}); for 0.80 the server may use at most"
              f" {budget / 0.8 - other:.1f} µs per request with this wrk + PostgreSQL"
              f" ({other:.1f} µs)")


if __name__ == "__main__":
    if len(sys.argv) >= 8 and sys.argv[1] == "run" and sys.argv[6] == "--":
        run(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[7:])
    elif len(sys.argv) == 3 and sys.argv[1] == "summary":
        summary(sys.argv[2])
    else:
        sys.exit(__doc__)
