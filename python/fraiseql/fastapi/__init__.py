"""``fraiseql.fastapi``: 1.x's ``create_fraiseql_app`` (an ASGI app forwarding to the native
server; no FastAPI needed) and ``FraiseQLConfig``."""

from .. import create_fraiseql_app as _create
from ..config import FraiseQLConfig


def create_fraiseql_app(**kwargs):
    import sys

    app = _create(**kwargs)
    app._module = sys._getframe(1).f_globals.get("__name__")
    return app


__all__ = ["FraiseQLConfig", "create_fraiseql_app"]
