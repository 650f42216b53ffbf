"""Cost of the ASGI forwarding path vs the native server directly (docs/python.md).

    FRAISEQL_TEST_CLUSTER_DIR=build/ci/pgtest python3 python/bench/asgi_bench.py \
        [--seconds 5] [--clients 4]

Loads the compat example `catalog` into the cluster, starts the native server the way
``create_fraiseql_app(...)``'s ASGI object does (``app.start()``), and runs the same
by-key query against (a) the native server's port and (b) an ASGI HTTP server hosting the app
object in a separate process. No uvicorn is available offline, so (b) is a minimal
standard-library HTTP/1.1 keep-alive server that calls the ASGI app exactly as uvicorn does
(scope, receive, send); the figure is the cost of one Python process and one extra loopback
hop per request. The load is keep-alive ``http.client`` connections, one per client thread,
in a third process.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import importlib
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE.parent))

QUERY = json.dumps(
    {"query": '{ product(sku: "RUN-1") { name variants { sku price { amount } } } }'})


def load_app():
    sys.path.insert(0, str(HERE.parent / "tests" / "compat" / "catalog"))
    mod = importlib.import_module("app")
    sys.path.pop(0)
    return mod.app


async def serve_asgi(app, port: int, ready: str):
    """A minimal HTTP/1.1 keep-alive server that hands each request to an ASGI app."""

    async def handle(reader, writer):
        while True:
            line = await reader.readline()
            if not line:
                break
            method, target, _ = line.decode().split(" ", 2)
            headers, length = [], 0
            while True:
                h = await reader.readline()
                if h in (b"\r\n", b""):
                    break
                k, _, v = h.partition(b":")
                k, v = k.strip().lower(), v.strip()
                headers.append((k, v))
                if k == b"content-length":
                    length = int(v)
            body = await reader.readexactly(length) if length else b""
            path, _, qs = target.partition("?")
            scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(),
                     "query_string": qs.encode(), "headers": headers}
            out = []

            async def receive():
                return {"type": "http.request", "body": body, "more_body": False}

            async def send(msg):
                out.append(msg)

            await app(scope, receive, send)
            data = b"".join(m.get("body", b"") for m in out[1:])
            head = [f"HTTP/1.1 {out[0]['status']} OK".encode()]
            head += [k + b": " + v for k, v in out[0]["headers"] if k != b"content-length"]
            head.append(b"content-length: " + str(len(data)).encode())
            writer.write(b"\r\n".join(head) + b"\r\n\r\n" + data)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    await asyncio.get_running_loop().run_in_executor(None, app.start)
    Path(ready).write_text(str(server.sockets[0].getsockname()[1]))
    async with server:
        await server.serve_forever()


def load(port: int, seconds: float, clients: int) -> dict:
    lat: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker():
        c = http.client.HTTPConnection("127.0.0.1", port)
        mine = []
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            c.request("POST", "/graphql", QUERY, {"content-type": "application/json"})
            r = c.getresponse()
            body = r.read()
            mine.append(time.perf_counter() - t0)
            assert r.status == 200 and b"Runner" in body, body
        with lock:
            lat.extend(mine)

    ts = [threading.Thread(target=worker) for _ in range(clients)]
    t0 = time.monotonic()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    elapsed = time.monotonic() - t0
    lat.sort()
    return {"requests": len(lat), "rps": len(lat) / elapsed,
            "p50_ms": 1000 * lat[len(lat) // 2], "p99_ms": 1000 * lat[int(len(lat) * 0.99)],
            "mean_ms": 1000 * statistics.fmean(lat)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--clients", type=int, default=4)
    p.add_argument("--serve-asgi", help=argparse.SUPPRESS)
    p.add_argument("--load", type=int, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.serve_asgi:
        asyncio.run(serve_asgi(load_app(), 0, a.serve_asgi))
        return
    if a.load:
        print(json.dumps(load(a.load, a.seconds, a.clients)))
        return
    import support

    os.environ["DATABASE_URL"] = support.create_database("catalog")
    app = load_app()
    direct_port = app.start()
    ready = Path(f"/tmp/fraiseql-asgi-bench-{os.getpid()}")
    asgi = subprocess.Popen([sys.executable, __file__, "--serve-asgi", str(ready)],
                            stderr=subprocess.DEVNULL)
    try:
        while not ready.exists() or not ready.read_text():
            time.sleep(0.1)
        asgi_port = int(ready.read_text())

        def run(port):
            out = subprocess.run([sys.executable, __file__, "--load", str(port), "--seconds",
                                  str(a.seconds), "--clients", str(a.clients)],
                                 capture_output=True, text=True, check=True)
            return json.loads(out.stdout)

        run(direct_port), run(asgi_port)  # warm-up (prepared statements, pools)
        for name, port in (("native serve", direct_port), ("ASGI forwarding", asgi_port)):
            r = run(port)
            print(f"{name:16} {r['rps']:8.0f} req/s  p50 {r['p50_ms']:6.2f} ms  "
                  f"p99 {r['p99_ms']:6.2f} ms  mean {r['mean_ms']:6.2f} ms  "
                  f"({r['requests']} requests, {a.clients} clients, {a.seconds:g} s)")
    finally:
        asgi.terminate()
        asgi.wait()
        app.stop()
        ready.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
