"""``fraiseql.types.scalars``: 1.x's module path of the scalar types."""

from .. import *  # noqa: F401,F403
from .. import ID, JSON, UUID, Date, DateTime  # noqa: F401
