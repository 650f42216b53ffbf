#!/usr/bin/env python3
"""Summarise a benchmark run (bench/run-all.sh): medians over repetitions, noise, ratios.

    python3 bench/summarize.py DIR

Reads DIR/raw.csv (one line per measured run) and DIR/environment.txt, writes
  DIR/summary.csv     one line per (system, shape, connections): medians, noise, load markers
  DIR/ratios.csv      the ratios docs/benchmarks.md reports, per (shape, connections)
  DIR/summary.md      the same as Markdown tables (pasted into docs/benchmarks.md)
  DIR/throughput.dat, DIR/latency.dat, DIR/memory.dat   gnuplot inputs (bench/plot/*.gp)

Noise is the spread of requests/s over the repetitions, (max - min) / median. A group is
marked "under load" when, during at least one of its runs, compiler processes of other users
were running (column compilers_running > 0).
"""
import csv
import math
import os
import statistics
import sys
from collections import defaultdict

SYSTEMS = ["fraiseql-native", "fraiseql-libpq", "postgraphile", "pgbench-emitted",
           "pgbench-handwritten", "fraiseql-nocache"]
SHAPES = {
    "a_by_id": "(a) one object by id",
    "b_list20": "(b) list of 20, 3 scalar fields",
    "c_nested20": "(c) list of 20, nested object, 5 fields",
    "d_filtered": "(d) filtered list",
    "e_list10k": "(e) 10,000-row list",
}
# (name, numerator system, denominator system, meaning)
RATIOS = [
    ("fraiseql/postgraphile", "fraiseql-native", "postgraphile",
     "FraiseQL (native) throughput over PostGraphile's"),
    ("fraiseql/pgbench-same-sql", "fraiseql-native", "pgbench-emitted",
     "FraiseQL over pgbench running the exact SQL FraiseQL emits: FraiseQL's own overhead"),
    ("pgbench-same-sql/pgbench-handwritten", "pgbench-emitted", "pgbench-handwritten",
     "the emitted SQL over hand-written SQL on the base tables: the price of the JSONB design"),
    ("native/libpq", "fraiseql-native", "fraiseql-libpq",
     "FraiseQL's native backend over its libpq backend"),
    ("plan-cache on/off", "fraiseql-native", "fraiseql-nocache",
     "the native backend with the plan cache over the same server with plan_cache_size = 0"),
]


def num(v):
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def opt(v, digits):
    return "" if v is None else f"{v:.{digits}f}"


def fmt(v, digits=0):
    if v is None:
        return "–"
    return f"{v:,.{digits}f}"


def main(out):
    rows = list(csv.DictReader(open(os.path.join(out, "raw.csv"))))
    groups = defaultdict(list)
    for r in rows:
        groups[(r["system"], r["shape"], int(r["connections"]))].append(r)

    def ms(us):
        return us / 1000 if us is not None else None

    summary = {}
    for key, rs in groups.items():
        rps = [num(r["requests_per_s"]) for r in rs]
        # A run that completed no request has no latency (wrk reports 0).
        done = [r for r in rs if (num(r["requests_per_s"]) or 0) > 0]
        p50 = [num(r["p50_us"]) for r in done]
        p99 = [num(r["p99_us"]) for r in done]
        mean = [num(r["mean_us"]) for r in done]
        cpu = [num(r.get("server_cpu_us_per_request")) for r in done]
        rss = [num(r["peak_rss_kb"]) for r in rs if num(r["peak_rss_kb"]) is not None]
        idle = [num(r["idle_rss_kb"]) for r in rs if num(r["idle_rss_kb"]) is not None]
        med = statistics.median(rps)
        summary[key] = {
            "runs": len(rs),
            "rps": med,
            "rps_min": min(rps),
            "rps_max": max(rps),
            "noise_pct": (max(rps) - min(rps)) / med * 100 if med and len(rps) > 1 else None,
            "p50_ms": ms(median(p50)),
            "p99_ms": ms(median(p99)),
            "mean_ms": ms(median(mean)),
            "cpu_us": median(cpu),
            "peak_rss_mib": max(rss) / 1024 if rss else None,
            "idle_rss_mib": min(idle) / 1024 if idle else None,
            "errors": sum(int(num(r["errors"]) or 0) for r in rs),
            "max_load": max(num(r["loadavg_1m"]) or 0 for r in rs),
            "under_load": any(int(num(r["compilers_running"]) or 0) > 0 for r in rs),
        }

    systems = [s for s in SYSTEMS if any(k[0] == s for k in summary)]
    shapes = [s for s in SHAPES if any(k[1] == s for k in summary)]
    conns = sorted({k[2] for k in summary})

    with open(os.path.join(out, "summary.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["system", "shape", "connections", "runs", "requests_per_s_median",
                    "requests_per_s_min", "requests_per_s_max", "noise_pct", "p50_ms_median",
                    "p99_ms_median", "mean_ms_median", "server_cpu_us_per_request_median", "peak_rss_mib_max", "idle_rss_mib", "errors",
                    "max_loadavg_1m", "under_load"])
        for (sys_, shape, c), s in sorted(summary.items()):
            w.writerow([sys_, shape, c, s["runs"], f"{s['rps']:.1f}", f"{s['rps_min']:.1f}",
                        f"{s['rps_max']:.1f}",
                        f"{s['noise_pct']:.1f}" if s["noise_pct"] is not None else "",
                        opt(s["p50_ms"], 3), opt(s["p99_ms"], 3), opt(s["mean_ms"], 3),
                        opt(s["cpu_us"], 1),
                        f"{s['peak_rss_mib']:.1f}" if s["peak_rss_mib"] else "",
                        f"{s['idle_rss_mib']:.1f}" if s["idle_rss_mib"] else "", s["errors"],
                        f"{s['max_load']:.2f}", int(s["under_load"])])

    ratio_rows = []
    for shape in shapes:
        for c in conns:
            row = {"shape": shape, "connections": c}
            for name, a, b, _ in RATIOS:
                sa, sb = summary.get((a, shape, c)), summary.get((b, shape, c))
                row[name] = sa["rps"] / sb["rps"] if sa and sb and sb["rps"] else None
            na, nb = summary.get(("fraiseql-native", shape, c)), summary.get(
                ("fraiseql-libpq", shape, c))
            row["native/libpq peak RSS"] = (na["peak_rss_mib"] / nb["peak_rss_mib"]
                                            if na and nb and na["peak_rss_mib"]
                                            and nb["peak_rss_mib"] else None)
            ratio_rows.append(row)
    ratio_names = [r[0] for r in RATIOS] + ["native/libpq peak RSS"]
    with open(os.path.join(out, "ratios.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["shape", "connections"] + ratio_names)
        for r in ratio_rows:
            w.writerow([r["shape"], r["connections"]] +
                       [f"{r[n]:.3f}" if r[n] is not None else "" for n in ratio_names])

    md = []
    md.append("### Throughput and latency (medians of the repetitions)\n")
    md.append("req/s = requests (or pgbench transactions) per second; latencies in ms (wrk's "
              "mean/p50/p99; for pgbench only its mean latency, = connections / tps, see "
              "docs/benchmarks.md); server CPU = user+system CPU time of the server process "
              "per request (/proc/PID/stat; includes idle-loop overhead); "
              "noise = (max − min) / median of req/s over the repetitions; RSS = peak "
              "resident memory of the server process during the run (VmHWM, reset before "
              "each run), max over the repetitions; † = other users' compilers were "
              "running during at least one repetition.\n")
    for shape in shapes:
        md.append(f"\n#### {SHAPES[shape]}\n")
        md.append("| system | conns | req/s | noise | mean ms | p50 ms | p99 ms | server CPU "
                  "µs/req | peak RSS MiB | errors |")
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for c in conns:
            for sys_ in systems:
                s = summary.get((sys_, shape, c))
                if not s:
                    continue
                mark = " †" if s["under_load"] else ""
                md.append(f"| {sys_} | {c} | {fmt(s['rps'])}{mark} | "
                          f"{fmt(s['noise_pct'])}% | {fmt(s['mean_ms'], 2)} | "
                          f"{fmt(s['p50_ms'], 2)} | {fmt(s['p99_ms'], 2)} | "
                          f"{fmt(s['cpu_us'])} | "
                          f"{fmt(s['peak_rss_mib'], 1)} | {s['errors']} |")
    md.append("\n### Ratios (of median req/s; RSS ratio of peak memory)\n")
    md.append("| shape | conns | " + " | ".join(ratio_names) + " |")
    md.append("| --- | ---: |" + " ---: |" * len(ratio_names))
    for r in ratio_rows:
        md.append(f"| {r['shape']} | {r['connections']} | " +
                  " | ".join(f"{r[n]:.2f}" if r[n] is not None else "–" for n in ratio_names)
                  + " |")
    md.append("")
    for name, _, _, meaning in RATIOS:
        md.append(f"- **{name}**: {meaning}.")
    md.append("- **native/libpq peak RSS**: below 1 means the native backend used less memory.")
    open(os.path.join(out, "summary.md"), "w").write("\n".join(md) + "\n")

    # gnuplot inputs: one block (index) per shape, one column per system, NaN when absent.
    def block_file(name, metric, conn_filter=None):
        with open(os.path.join(out, name), "w") as f:
            f.write("# columns: connections " + " ".join(SYSTEMS) + "\n")
            for shape in SHAPES:
                f.write(f"# {shape}\n")
                for c in conns:
                    vals = []
                    for sys_ in SYSTEMS:
                        s = summary.get((sys_, shape, c))
                        v = metric(s) if s else None
                        vals.append("NaN" if v is None else f"{v:.4f}")
                    f.write(f"{c} " + " ".join(vals) + "\n")
                f.write("\n\n")

    block_file("throughput.dat", lambda s: s["rps"])
    block_file("latency_p50.dat", lambda s: s["p50_ms"] if s["p50_ms"] is not None
               else s["mean_ms"])
    block_file("latency_p99.dat", lambda s: s["p99_ms"])
    with open(os.path.join(out, "memory.dat"), "w") as f:
        f.write("# shape fraiseql-native fraiseql-libpq postgraphile (peak RSS MiB, max over "
                "connections)\n")
        for shape in SHAPES:
            vals = []
            for sys_ in SYSTEMS[:3]:
                v = [summary[(sys_, shape, c)]["peak_rss_mib"] for c in conns
                     if (sys_, shape, c) in summary and summary[(sys_, shape, c)]["peak_rss_mib"]]
                vals.append(f"{max(v):.2f}" if v else "NaN")
            f.write(f"{shape} " + " ".join(vals) + "\n")
    print(open(os.path.join(out, "summary.md")).read())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: summarize.py DIR")
    main(sys.argv[1])
