"""``fraiseql.mutations``: 1.x's module path of the mutation decorator."""

from .decorators import mutation

__all__ = ["mutation"]
