"""Test support: the CTest cluster, a served compat example, HTTP and JWT helpers.

The cluster is the one CTest starts (tools/pg-test-cluster.sh writes DIR/env; CTest passes
DIR in FRAISEQL_TEST_CLUSTER_DIR); a test that finds none fails, it never skips. The backend
is FRAISEQL_BACKEND (native | libpq), passed through to the native server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE_ROOT = HERE.parent  # python/
COMPAT = HERE / "compat"
JWT_SECRET = "compat-corpus-secret-0123456789abcdef"
if str(PACKAGE_ROOT) not in sys.path:  # the package under test, from the source tree
    sys.path.insert(0, str(PACKAGE_ROOT))


def cluster_env() -> dict:
    d = os.environ.get("FRAISEQL_TEST_CLUSTER_DIR")
    if not d or not (Path(d) / "env").is_file():
        raise AssertionError("no test cluster: set FRAISEQL_TEST_CLUSTER_DIR (run through ctest, "
                             "which starts tools/pg-test-cluster.sh)")
    env = {}
    for line in (Path(d) / "env").read_text().splitlines():
        k, _, v = line.partition("=")
        env[k] = v
    return env


def backend() -> str:
    return os.environ.get("FRAISEQL_BACKEND", "native")


def psql(env: dict, db: str, *args: str, input_sql: str | None = None) -> str:
    cmd = [f"{env['FRAISEQL_TEST_PG_BIN']}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
           "-h", "127.0.0.1", "-p", env["FRAISEQL_TEST_PORT"], "-U", "postgres", "-d", db,
           *args]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    r = subprocess.run(cmd, input=input_sql, capture_output=True, text=True, env=clean)
    if r.returncode != 0:
        raise AssertionError(f"psql failed: {r.stderr}")
    return r.stdout


def create_database(example: str) -> str:
    """A fresh database for one example and backend, loaded with its SQL; returns its URL."""
    env = cluster_env()
    db = f"compat_{example}_{backend()}"
    psql(env, "postgres", "-c", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)',
         "-c", f'CREATE DATABASE "{db}"')
    psql(env, db, "-1", "-f", str(COMPAT / "common.sql"), "-f",
         str(COMPAT / example / "schema.sql"))
    return f"postgresql://postgres@127.0.0.1:{env['FRAISEQL_TEST_PORT']}/{db}"


class Served:
    """``python3 -m fraiseql serve app:app`` of one compat example, on a free port."""

    def __init__(self, example: str, extra_env: dict | None = None, args: tuple = ()):
        self.url_db = create_database(example)
        env = dict(os.environ)
        env["PYTHONPATH"] = str(PACKAGE_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        env["DATABASE_URL"] = self.url_db
        env["FRAISEQL_LOG_LEVEL"] = "info"
        env.update(extra_env or {})
        self.tmp = tempfile.TemporaryDirectory(prefix="fraiseql-compat-")
        self.schema = Path(self.tmp.name) / "schema.graphql"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "fraiseql", "serve", "app:app", "--port", "0",
             "--schema-out", str(self.schema), *args],
            cwd=COMPAT / example, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        self.log: list[str] = []
        deadline = time.monotonic() + 30
        self.port = None
        while self.port is None:
            line = self.proc.stdout.readline()
            if not line or time.monotonic() > deadline:
                self.close()
                raise AssertionError("serve did not start:\n" + "".join(self.log))
            self.log.append(line)
            m = re.search(r"on http://[^:/]+:(\d+)/graphql", line)
            if m:
                self.port = int(m.group(1))
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.proc.stdout:
            self.log.append(line)

    def graphql(self, query: str, variables: dict | None = None, token: str | None = None):
        return post_graphql(self.port, query, variables, token)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self.tmp.cleanup()


def post_graphql(port: int, query: str, variables: dict | None = None,
                 token: str | None = None) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=body,
                                 headers={"content-type": "application/json"})
    if token:
        req.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt_hs256(claims: dict, secret: str = JWT_SECRET) -> str:
    """An HS256 token (RFC 7519), for the examples that configure jwt_secret."""
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = _b64(json.dumps({"exp": int(time.time()) + 600, **claims}).encode())
    sig = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(sig)}"
