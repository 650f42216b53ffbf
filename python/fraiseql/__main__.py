"""``python3 -m fraiseql export|serve MODULE:ATTR`` (docs/python.md)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile

from .app import FraiseQLApp
from .export import ExportError, Options


def load_app(spec: str) -> FraiseQLApp:
    """``module:attr`` (attr defaults to ``app``; a factory function is called)."""
    mod_name, _, attr = spec.partition(":")
    sys.path.insert(0, os.getcwd())
    mod = importlib.import_module(mod_name)
    obj = getattr(mod, attr or "app", None)
    if obj is None:
        raise SystemExit(f"fraiseql: {mod_name} has no attribute {attr or 'app'}")
    if not isinstance(obj, FraiseQLApp) and callable(obj):
        obj = obj()
    if not isinstance(obj, FraiseQLApp):
        raise SystemExit(f"fraiseql: {spec} is not a create_fraiseql_app(...) application")
    return obj


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m fraiseql",
                                description="Run a FraiseQL 1.x application on the native core.")
    sub = p.add_subparsers(dest="cmd", required=True)
    for name, help_ in (("export", "print the application's schema (SDL)"),
                        ("serve", "export, then run the native server")):
        s = sub.add_parser(name, help=help_)
        s.add_argument("app", help="MODULE:ATTR of the create_fraiseql_app(...) object")
        s.add_argument("--drop-python-fields", action="store_true",
                       help="leave out @fraiseql.field methods instead of refusing them")
        s.add_argument("--skip-unsupported", action="store_true",
                       help="leave out refused queries and mutations (each is listed)")
        if name == "export":
            s.add_argument("-o", "--output", help="write the SDL to this file")
        else:
            s.add_argument("--schema-out", help="keep the exported SDL in this file")
            s.add_argument("--port", type=int)
            s.add_argument("--host")
            s.add_argument("--backend")
    a = p.parse_args(argv)
    app = load_app(a.app)
    opts = Options(drop_python_fields=a.drop_python_fields, skip_unsupported=a.skip_unsupported)
    try:
        if a.cmd == "export":
            sdl, _ = app.export(opts)
            if a.output:
                with open(a.output, "w") as f:
                    f.write(sdl)
            else:
                sys.stdout.write(sdl)
            return 0
        path = a.schema_out or os.path.join(tempfile.mkdtemp(prefix="fraiseql-"),
                                            "schema.graphql")
        cmd, env = app.command(path, opts, port=a.port)
        if a.host:
            env["FRAISEQL_HOST"] = a.host
        if a.backend:
            env["FRAISEQL_BACKEND"] = a.backend
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(cmd[0], cmd, env)  # the native server replaces this process
    except ExportError as e:
        for line in e.problems:
            print(line, file=sys.stderr)
        print(f"fraiseql: {len(e.problems)} construct(s) cannot be served by the native core "
              "(docs/python.md, \"What is refused\")", file=sys.stderr)
        return 1
    except RuntimeError as e:
        print(f"fraiseql: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
