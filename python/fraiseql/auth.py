"""``fraiseql.auth``: 1.x's authorization decorators (docs/python.md, "Authentication")."""

from .decorators import (requires_any_permission, requires_any_role, requires_auth,
                         requires_permission, requires_role)

__all__ = ["requires_any_permission", "requires_any_role", "requires_auth",
           "requires_permission", "requires_role"]
