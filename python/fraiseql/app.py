"""The object ``create_fraiseql_app`` returns: the application's declarations, its settings,
the native server it runs, and an ASGI application that forwards to that server.

Serving never runs Python per request beyond the ASGI forwarding (docs/python.md, "Ways to
run"): ``python3 -m fraiseql serve app:app`` replaces the Python process with the native
server; ``uvicorn app:app`` starts the native server on a private loopback port and forwards
each HTTP request to it.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from . import decorators as d
from .config import NATIVE_KEYS, FraiseQLConfig
from .export import Options, export


def find_binary() -> str:
    """The native ``fraiseql`` executable: $FRAISEQL_BINARY, the source tree's build, PATH."""
    env = os.environ.get("FRAISEQL_BINARY")
    if env:
        return env
    here = Path(__file__).resolve().parent.parent.parent
    for preset in ("ci", "release", "dev"):
        p = here / "build" / preset / "apps" / "fraiseql" / "fraiseql"
        if p.is_file() and os.access(p, os.X_OK):
            return str(p)
    found = shutil.which("fraiseql")
    if found:
        return found
    raise RuntimeError("the native fraiseql server was not found: install the fraiseql "
                       "package (make package) or set FRAISEQL_BINARY")


class FraiseQLApp:
    """A 1.x application: ``create_fraiseql_app(database_url=..., types=..., queries=...)``."""

    def __init__(self, *, database_url=None, types=(), queries=(), mutations=(), config=None,
                 production=False, title=None, description=None, version=None,
                 context_getter=None, auth=None, connection_pool_size=None,
                 connection_pool_timeout=None, **kwargs):
        self.config = config if config is not None else FraiseQLConfig()
        if database_url is not None:
            self.config.database_url = database_url
        if production:
            self.config.environment = "production"
        if connection_pool_size is not None:
            self.config.database_pool_size = connection_pool_size
        if connection_pool_timeout is not None:
            self.config.database_pool_timeout = connection_pool_timeout
        self.types = list(types or ())
        self.queries = list(queries or ())
        self.mutations = list(mutations or ())
        self.title, self.description, self.version = title, description, version
        self.refused_options = []
        if context_getter is not None:
            self.refused_options.append(
                "create_fraiseql_app(context_getter=...) runs Python per request: context "
                "values come from the token (session_variables, claim:NAME) or a header "
                "(header:NAME) in the native server")
        if auth is not None:
            self.refused_options.append(
                "create_fraiseql_app(auth=...) is a Python auth provider: configure jwt_secret, "
                "jwt_public_key_file or jwt_jwks_file in FraiseQLConfig")
        for k in kwargs:
            self.refused_options.append(f"create_fraiseql_app({k}=...) has no native equivalent")
        self._proc = None
        self._port = None
        self._lock = threading.Lock()
        self._idle: list = []

    # -- declarations ---------------------------------------------------------------------

    def _registered(self):
        """Decorated queries and mutations of the application's modules that were not passed
        explicitly (1.x registered @fraiseql.query functions globally)."""
        mods = {getattr(o, "__module__", None) for o in self.types + self.queries
                + self.mutations}
        mods.add(getattr(self, "_module", None))
        qs, ms = list(self.queries), list(self.mutations)
        for mod_name in sorted(m for m in mods if m):
            mod = sys.modules.get(mod_name)
            for obj in list(vars(mod).values()) if mod else []:
                meta = d.meta_of(obj)
                if meta is None or getattr(obj, "__module__", None) != mod_name:
                    continue
                if meta.kind == "query" and obj not in qs:
                    qs.append(obj)
                elif meta.kind == "mutation" and obj not in ms:
                    ms.append(obj)
        return qs, ms

    def export(self, options: Options | None = None):
        """(SDL, Settings) of the application; raises ExportError."""
        from .export import ExportError

        problems = list(self.refused_options) + self.config.unsupported()
        if problems:
            raise ExportError(problems)
        options = options or Options()
        options.default_mutation_schema = self.config.default_mutation_schema or "public"
        options.allow_anonymous = not self.config.authenticates()
        qs, ms = self._registered()
        return export(self.types, qs, ms, options)

    def native_settings(self, settings) -> dict:
        out = self.config.native_settings()
        sv = [s for s in out.get("session_variables", "").split(",") if s]
        names = {s.split("=", 1)[0] for s in sv}
        for setting, source in settings.session_variables.items():
            if setting not in names:
                sv.append(f"{setting}={source}")
        if sv:
            out["session_variables"] = ",".join(sv)
        return out

    def command(self, schema_path: str, options: Options | None = None, port=None):
        """argv and environment of the native server for this application."""
        sdl, settings = self.export(options)
        Path(schema_path).write_text(sdl)
        native = self.native_settings(settings)
        if not native.get("database_url") and not os.environ.get("FRAISEQL_DATABASE_URL"):
            raise RuntimeError("no database_url: pass create_fraiseql_app(database_url=...) "
                               "or set FRAISEQL_DATABASE_URL")
        if port is not None:
            native["port"] = str(port)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("FRAISEQL_") or k[9:].lower() in NATIVE_KEYS
               or k.startswith("FRAISEQL_TEST_")}
        for k, v in native.items():
            env["FRAISEQL_" + k.upper()] = v
        return [find_binary(), "serve", "--schema", schema_path], env

    # -- the native server, for the ASGI path -------------------------------------------------

    def start(self, options: Options | None = None, timeout: float = 30.0) -> int:
        """Start the native server on a free loopback port; returns the port."""
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                return self._port
            self._dir = tempfile.mkdtemp(prefix="fraiseql-")
            argv, env = self.command(os.path.join(self._dir, "schema.graphql"), options, port=0)
            env["FRAISEQL_HOST"] = "127.0.0.1"
            self._proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE,
                                          stderr=subprocess.STDOUT, text=True)
            port = None
            lines = []
            while port is None:
                line = self._proc.stdout.readline()
                if not line:
                    raise RuntimeError("the native server stopped:\n" + "".join(lines[-20:]))
                lines.append(line)
                sys.stderr.write(line)
                m = re.search(r"on http://[^:/]+:(\d+)/graphql", line)
                if m:
                    port = int(m.group(1))
            threading.Thread(target=self._drain, daemon=True).start()
            self._port = port
            return port

    def _drain(self):
        proc = self._proc
        try:
            for line in proc.stdout:
                sys.stderr.write(line)
        except ValueError:  # stop() closed the pipe
            pass

    def stop(self):
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                self._proc.terminate()
                try:
                    self._proc.wait(15)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
            if self._proc is not None and self._proc.stdout:
                self._proc.stdout.close()
            if self._proc is not None:
                shutil.rmtree(self._dir, ignore_errors=True)
            self._proc = None
            self._idle.clear()

    # -- ASGI ------------------------------------------------------------------------------

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                msg = await receive()
                if msg["type"] == "lifespan.startup":
                    try:
                        await asyncio.get_running_loop().run_in_executor(None, self.start)
                    except Exception as exc:  # reported to the ASGI server
                        await send({"type": "lifespan.startup.failed", "message": str(exc)})
                        return
                    await send({"type": "lifespan.startup.complete"})
                elif msg["type"] == "lifespan.shutdown":
                    for _, w in self._idle:  # on the loop that owns them
                        w.close()
                    self._idle.clear()
                    await asyncio.get_running_loop().run_in_executor(None, self.stop)
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            raise RuntimeError(f"FraiseQL's ASGI app serves HTTP only, not {scope['type']} "
                               "(subscriptions: use `python3 -m fraiseql serve`)")
        if self._proc is None:
            await asyncio.get_running_loop().run_in_executor(None, self.start)
        body = b""
        while True:
            msg = await receive()
            body += msg.get("body", b"")
            if not msg.get("more_body"):
                break
        await self._forward(scope, body, send)

    async def _connection(self):
        while self._idle:
            r, w = self._idle.pop()
            if not w.is_closing() and not r.at_eof():
                return r, w
            w.close()
        return await asyncio.open_connection("127.0.0.1", self._port)

    async def _forward(self, scope, body: bytes, send):
        path = scope.get("raw_path") or scope["path"].encode()
        if scope.get("query_string"):
            path += b"?" + scope["query_string"]
        head = [scope["method"].encode() + b" " + path + b" HTTP/1.1",
                b"host: 127.0.0.1", b"content-length: " + str(len(body)).encode()]
        for k, v in scope.get("headers", []):
            if k.lower() not in (b"host", b"content-length", b"connection",
                                 b"transfer-encoding", b"keep-alive"):
                head.append(k + b": " + v)
        request = b"\r\n".join(head) + b"\r\n\r\n" + body
        for attempt in (0, 1):
            r, w = await self._connection()
            try:
                w.write(request)
                await w.drain()
                status_line = await r.readline()
                if not status_line:
                    raise ConnectionResetError("closed")
                break
            except (ConnectionError, OSError):
                w.close()
                if attempt:
                    raise
        status = int(status_line.split()[1])
        headers, length, chunked, close = [], None, False, False
        while True:
            line = await r.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            k, _, v = line.partition(b":")
            k, v = k.strip().lower(), v.strip()
            if k == b"content-length":
                length = int(v)
            elif k == b"transfer-encoding" and b"chunked" in v.lower():
                chunked = True
                continue
            elif k == b"connection":
                close = v.lower() == b"close"
                continue
            headers.append((k, v))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        if chunked:
            while True:
                size = int((await r.readline()).split(b";")[0], 16)
                if size == 0:
                    await r.readline()
                    break
                data = await r.readexactly(size)
                await r.readline()
                await send({"type": "http.response.body", "body": data, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        else:
            data = await r.readexactly(length) if length else b""
            await send({"type": "http.response.body", "body": data})
        if close:
            w.close()
        else:
            self._idle.append((r, w))
