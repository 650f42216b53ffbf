"""The FraiseQL 1.x decorators, with their 1.x meanings.

Each decorator only records metadata on the class or function (``__fraiseql__``), so a 1.x
application module imports unchanged; ``fraiseql.export`` later turns what was recorded into
SDL for the native server (docs/python.md). Nothing here runs on the request path.
"""

from __future__ import annotations

import enum as _enum
import inspect
from dataclasses import dataclass, field as _dc_field
from typing import Any, Callable


class _Unset:
    """1.x's ``UNSET``: an input field the client did not send (distinct from ``None``)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET = _Unset()


@dataclass
class Meta:
    """What a decorator recorded about a class or a function."""

    kind: str  # type input enum interface success error query mutation
    sql_source: str | None = None
    jsonb_column: str | None = "data"
    implements: list = _dc_field(default_factory=list)
    function: str | None = None
    schema: str | None = None
    context_params: dict = _dc_field(default_factory=dict)
    roles: list | None = None
    auth: bool = False
    connection: dict | None = None
    obj: Any = None
    source: tuple = ("<unknown>", 0)


def _where(obj: Any) -> tuple:
    """file and line of a class or function, for precise export messages."""
    try:
        target = inspect.unwrap(obj)
        lines, start = inspect.getsourcelines(target)
        # The `def`/`class` line, not the first decorator's.
        for i, text in enumerate(lines):
            if text.lstrip().startswith(("def ", "async def ", "class ")):
                start += i
                break
        return (inspect.getsourcefile(target) or "<unknown>", start)
    except (OSError, TypeError):
        return ("<unknown>", 0)


def _constructible(cls: type) -> None:
    """1.x types are constructed with keyword arguments (``Todo(id="1", ...)``)."""
    if "__init__" in cls.__dict__:
        return
    defaults = {k: v for k, v in cls.__dict__.items() if not k.startswith("__")}

    def __init__(self, **kwargs):
        for name in getattr(cls, "__annotations__", {}):
            if name in kwargs:
                setattr(self, name, kwargs.pop(name))
            elif name not in defaults:
                setattr(self, name, None)
        for k, v in kwargs.items():
            setattr(self, k, v)

    cls.__init__ = __init__


def _mark(cls_or_fn: Any, meta: Meta) -> Any:
    meta.obj = cls_or_fn
    meta.source = _where(cls_or_fn)
    try:
        cls_or_fn.__fraiseql__ = meta
    except (AttributeError, TypeError):
        pass
    if inspect.isclass(cls_or_fn) and meta.kind not in ("enum", "mutation"):
        _constructible(cls_or_fn)
    return cls_or_fn


def _class_decorator(kind: str):
    def deco(_cls=None, **kwargs):
        def wrap(cls):
            meta = Meta(kind=kind)
            if "sql_source" in kwargs:
                meta.sql_source = kwargs["sql_source"]
            if "jsonb_column" in kwargs:
                meta.jsonb_column = kwargs["jsonb_column"]
            meta.implements = list(kwargs.get("implements") or [])
            return _mark(cls, meta)

        return wrap(_cls) if _cls is not None else wrap

    deco.__name__ = kind
    return deco


type = _class_decorator("type")  # noqa: A001 - the 1.x name
fraise_type = type
input = _class_decorator("input")  # noqa: A001
fraise_input = input
interface = _class_decorator("interface")
fraise_interface = interface
success = _class_decorator("success")
error = _class_decorator("error")
failure = error  # 1.8.0's spelling
result = _class_decorator("type")


def enum(cls=None, **_kwargs):
    """``@fraiseql.enum`` on a Python ``Enum``: a GraphQL enum of the member names."""

    def wrap(c):
        if not (inspect.isclass(c) and issubclass(c, _enum.Enum)):
            raise TypeError(f"@fraiseql.enum expects an Enum subclass, got {c!r}")
        return _mark(c, Meta(kind="enum"))

    return wrap(cls) if cls is not None else wrap


fraise_enum = enum


def query(fn: Callable | None = None, **_kwargs):
    """``@fraiseql.query`` on a resolver ``async def name(info, ...) -> T``."""

    def wrap(f):
        meta = getattr(f, "__fraiseql__", None)
        if meta is None or meta.kind != "query":
            meta = Meta(kind="query")
            _mark(f, meta)
        return f

    return wrap(fn) if fn is not None else wrap


def connection(node_type: Any = None, view_name: str | None = None, default_page_size: int = 20,
               max_page_size: int = 100, include_total_count: bool = True,
               cursor_field: str = "id", jsonb_column: str | None = None, **_kwargs):
    """``@fraiseql.connection(node_type=T, view_name=...)``: a Relay connection query."""

    def wrap(f):
        meta = getattr(f, "__fraiseql__", None) or Meta(kind="query")
        meta.connection = {
            "node_type": node_type, "view_name": view_name,
            "default_page_size": default_page_size, "max_page_size": max_page_size,
            "include_total_count": include_total_count, "cursor_field": cursor_field,
            "jsonb_column": jsonb_column,
        }
        _mark(f, meta)
        return f

    return wrap


def mutation(_obj=None, *, function: str | None = None, schema: str | None = None,
             context_params: dict | None = None, **_kwargs):
    """``@fraiseql.mutation`` on a class (``input``, ``success``, ``error``/``failure``) or on a
    resolver function (refused at export: custom Python)."""

    def wrap(obj):
        meta = Meta(kind="mutation", function=function, schema=schema,
                    context_params=dict(context_params or {}))
        return _mark(obj, meta)

    return wrap(_obj) if _obj is not None else wrap


class _FieldResolver:
    """A ``@fraiseql.field`` method: Python code run per object, refused at export."""

    def __init__(self, fn: Callable, description: str | None = None):
        self.fn = fn
        self.description = description or inspect.getdoc(fn)
        self.source = _where(fn)

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, objtype=None):
        return self.fn if obj is None else self.fn.__get__(obj, objtype)


def field(fn: Callable | None = None, *, description: str | None = None, **_kwargs):
    """``@fraiseql.field``: a computed field (a method run per object)."""
    if fn is not None and callable(fn):
        return _FieldResolver(fn, description)
    return lambda f: _FieldResolver(f, description)


dataloader_field = field


class FraiseField:
    """``fraise_field(...)``: attribute metadata (default, description, GraphQL name)."""

    def __init__(self, default: Any = UNSET, description: str | None = None,
                 graphql_name: str | None = None, **_kwargs):
        self.default = default
        self.description = description
        self.graphql_name = graphql_name


def fraise_field(default: Any = UNSET, description: str | None = None,
                 graphql_name: str | None = None, **kwargs) -> Any:
    return FraiseField(default=default, description=description, graphql_name=graphql_name,
                       **kwargs)


def _auth_marker(roles: list | None):
    def deco(fn):
        meta = getattr(fn, "__fraiseql_auth__", None) or {"roles": None}
        if roles:
            meta["roles"] = sorted(set((meta["roles"] or []) + list(roles)))
        fn.__fraiseql_auth__ = meta
        inner = getattr(fn, "__fraiseql__", None)
        if inner is not None:
            inner.auth = True
            inner.roles = meta["roles"]
        return fn

    return deco


def requires_auth(fn):
    """``@requires_auth``: a token is needed (maps to ``@auth(roles: [])`` ... see docs)."""
    return _auth_marker(None)(fn)


def requires_role(role: str):
    return _auth_marker([role])


def requires_any_role(*roles: str):
    return _auth_marker(list(roles))


def requires_permission(permission: str):
    """Permissions have no native equivalent: recorded so that export refuses precisely."""

    def deco(fn):
        fn.__fraiseql_permission__ = permission
        return fn

    return deco


requires_any_permission = requires_permission


def meta_of(obj: Any) -> Meta | None:
    return getattr(obj, "__fraiseql__", None) if obj is not None else None


class Connection:
    """1.x's ``Connection[T]`` return annotation of a ``@fraiseql.connection`` query."""

    def __class_getitem__(cls, item):
        return _ConnectionOf(item)


class _ConnectionOf:
    def __init__(self, node):
        self.node = node

    def __repr__(self):
        return f"Connection[{getattr(self.node, '__name__', self.node)}]"
