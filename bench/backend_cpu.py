#!/usr/bin/env python3
"""PostgreSQL's own CPU per execution of one statement, as the backend process's user + system
time (/proc/<pid>/stat) over N executions in a plpgsql loop: CPU time, not wall time, so a
busy machine inflates it far less than it does a tps figure (it still moves with cache
pressure: take the least of several runs). The loop re-plans each EXECUTE, so planning is
included. Needs psql on PATH and the PG* environment of the target database, and must run on
the database's host (it reads the backend's /proc entry).

    bench/backend_cpu.py FILE.sql [N=4000] [RUNS=4]   -> least µs per execution of RUNS runs
"""
import os
import subprocess
import sys


def cpu_per_exec(sql: str, n: int) -> float:
    p = subprocess.Popen(["psql", "-X", "-qAt"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True, bufsize=1)
    p.stdin.write("SELECT pg_backend_pid();\n")
    p.stdin.flush()
    pid = int(p.stdout.readline())

    def cpu_ms() -> float:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    body = sql.replace("'", "''")

    def loop(count: int) -> None:
        p.stdin.write(f"DO $$BEGIN FOR i IN 1..{count} LOOP EXECUTE '{body}'; END LOOP; END$$;\n"
                      "SELECT 1;\n")
        p.stdin.flush()
        p.stdout.readline()

    loop(200)  # warm the caches
    c0 = cpu_ms()
    loop(n)
    c1 = cpu_ms()
    p.stdin.close()
    p.wait()
    return (c1 - c0) * 1000 / n


def main() -> None:
    sql = open(sys.argv[1]).read().strip().rstrip(";")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    print(f"{min(cpu_per_exec(sql, n) for _ in range(runs)):.1f}")


if __name__ == "__main__":
    main()
