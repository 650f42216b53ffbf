"""The ASGI path: ``create_fraiseql_app(...)`` is an ASGI application that starts the native
server on a private loopback port (lifespan) and forwards each HTTP request to it. Driven
here by calling the ASGI callable directly, as uvicorn would."""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import sys
import unittest

import support


async def asgi_request(app, method: str, path: str, body: bytes = b"", headers=(),
                       query_string: bytes = b""):
    sent = []
    chunks = [body[:7], body[7:]] if len(body) > 7 else [body]  # a body in two messages

    async def receive():
        part = chunks.pop(0)
        return {"type": "http.request", "body": part, "more_body": bool(chunks)}

    async def send(msg):
        sent.append(msg)

    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(),
             "query_string": query_string,
             "headers": [(b"content-type", b"application/json"), *headers]}
    await app(scope, receive, send)
    start = sent[0]
    data = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], dict(start["headers"]), data


class AsgiForwarding(unittest.TestCase):
    def test_lifespan_forwarding_and_shutdown(self):
        url = support.create_database("catalog")
        os.environ["DATABASE_URL"] = url
        sys.path.insert(0, str(support.COMPAT / "catalog"))
        try:
            mod = importlib.import_module("app")
        finally:
            sys.path.pop(0)
            sys.modules.pop("app", None)
        app = mod.app
        asyncio.run(self._run(app))
        self.assertIsNone(app._proc)  # lifespan.shutdown stopped the native server

    async def _run(self, app):
        msgs = [{"type": "lifespan.startup"}]
        out = []

        async def receive():
            while not msgs:
                await asyncio.sleep(0.01)
            return msgs.pop(0)

        async def send(m):
            out.append(m["type"])

        life = asyncio.create_task(app({"type": "lifespan"}, receive, send))
        while "lifespan.startup.complete" not in out:
            self.assertNotIn("lifespan.startup.failed", out)
            await asyncio.sleep(0.05)
        body = json.dumps({"query": '{ product(sku: "RUN-1") { name variants { sku } } }'})
        status, headers, data = await asgi_request(app, "POST", "/graphql", body.encode())
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(data), {"data": {"product": {
            "name": "Runner", "variants": [{"sku": "RUN-1-42"}, {"sku": "RUN-1-43"}]}}})
        self.assertIn(b"content-type", headers)
        # the same keep-alive connection serves the next request; GET with a query string
        status, _, data = await asgi_request(
            app, "GET", "/graphql", query_string=b"query=%7Bproducts%7Bsku%7D%7D")
        self.assertEqual((status, len(json.loads(data)["data"]["products"])), (200, 3))
        self.assertEqual(len(app._idle), 1)
        status, _, data = await asgi_request(app, "GET", "/health")
        self.assertEqual(status, 200)
        # a mutation over GET is the native server's 405, passed through unchanged
        status, _, _ = await asgi_request(app, "GET", "/graphql",
                                          query_string=b"query=mutation%7Bx%7D")
        self.assertEqual(status, 405)
        msgs.append({"type": "lifespan.shutdown"})
        await life
        self.assertEqual(out, ["lifespan.startup.complete", "lifespan.shutdown.complete"])


if __name__ == "__main__":
    unittest.main()
