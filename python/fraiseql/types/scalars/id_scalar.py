"""``fraiseql.types.scalars.id_scalar.ID`` (1.x's module path, used by examples/fastapi)."""

from .. import ID  # noqa: F401
