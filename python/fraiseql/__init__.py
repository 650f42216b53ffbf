"""FraiseQL 1.x's Python API on the native core (docs/python.md).

The decorators keep their 1.x names and meanings; ``python3 -m fraiseql export app:app``
turns an application into the native server's SDL and ``python3 -m fraiseql serve app:app``
runs it. Standard library only.
"""

from . import types
from .app import FraiseQLApp
from .config import FraiseQLConfig
from .decorators import (
    UNSET, Connection, connection, dataloader_field, enum, error, failure, field, fraise_enum,
    fraise_field, fraise_input, fraise_interface, fraise_type, input, interface, mutation,
    query, requires_any_permission, requires_any_role, requires_auth, requires_permission,
    requires_role, result, success, type,
)
from .export import ExportError, export


def create_fraiseql_app(**kwargs) -> FraiseQLApp:
    """1.x's application factory; the result is also an ASGI application."""
    import sys

    app = FraiseQLApp(**kwargs)
    # 1.x registered decorated queries and mutations globally: the caller's module is
    # searched for those not passed explicitly (FraiseQLApp._registered).
    app._module = sys._getframe(1).f_globals.get("__name__")
    return app


__version__ = "1.9.0"

__all__ = [
    "UNSET", "Connection", "ExportError", "FraiseQLApp", "FraiseQLConfig", "connection",
    "create_fraiseql_app",
    "dataloader_field", "enum", "error", "export", "failure", "field", "fraise_enum",
    "fraise_field", "fraise_input", "fraise_interface", "fraise_type", "input", "interface",
    "mutation", "query", "requires_any_permission", "requires_any_role", "requires_auth",
    "requires_permission", "requires_role", "result", "success", "type", "types",
]
