"""Compiling a 1.x query resolver by running it once against a recording database.

A resolver is called with a recording ``info`` (``info.context["db"]`` records ``find`` /
``find_one``) and with one sentinel per argument. It is accepted when it makes exactly one
call whose view, filters, order and limit the SDL can express, and returns that call's result
unchanged; anything else (a branch on an argument, another database method, a change to the
result, a context value used as a filter, ...) stops the export with a message that names the
construct and the line (docs/python.md, "What is refused"). Nothing is guessed: a construct
this module does not recognise is refused.
"""

from __future__ import annotations

import inspect
import sys
from dataclasses import dataclass, field
from typing import Any


class Refused(Exception):
    """The resolver is custom Python; ``line`` is where (0: the ``def`` line)."""

    def __init__(self, reason: str, line: int = 0):
        super().__init__(reason)
        self.reason = reason
        self.line = line


def _caller_line(code) -> int:
    """Line of the innermost frame of the resolver's code object, for the message."""
    f = sys._getframe(2)
    while f is not None:
        if f.f_code is code:
            return f.f_lineno
        f = f.f_back
    return 0


class _Probe:
    """Shared behaviour of sentinels: any use in Python beyond passing it on is refused."""

    _what = "value"

    def _refuse(self, how: str):
        raise Refused(f"{self._what} {how}", _caller_line(_Recorder.current_code))

    def __bool__(self):
        self._refuse("is tested in a branch (if/and/or)")

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        self._refuse(f"is used in Python (.{name})")

    def __getitem__(self, key):
        self._refuse(f"is used in Python ([{key!r}])")

    def __iter__(self):
        self._refuse("is iterated")

    def __format__(self, spec):
        self._refuse("is formatted into a string")

    def __str__(self):
        self._refuse("is converted to a string")

    def __eq__(self, other):
        self._refuse("is compared")

    def __ne__(self, other):
        self._refuse("is compared")

    def __hash__(self):
        return id(self)

    def __repr__(self):
        return self._what

    def __len__(self):
        self._refuse("is measured (len)")

    def __add__(self, other):
        self._refuse("is used in arithmetic")

    __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __add__
    __lt__ = __le__ = __gt__ = __ge__ = __eq__


class Arg(_Probe):
    """The value of the resolver's argument ``name``."""

    def __init__(self, name: str):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "_what", f"argument '{name}'")


class ContextValue(_Probe):
    """``info.context[name]`` for a name other than ``db``."""

    def __init__(self, name: str):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "_what", f"context value '{name}'")


class Rows(_Probe):
    """What ``find``/``find_one`` returned: only returning it unchanged is accepted."""

    def __init__(self, call: "FindCall"):
        object.__setattr__(self, "call", call)
        object.__setattr__(self, "_what", f"the result of db.{call.method}")


@dataclass
class FindCall:
    method: str  # find | find_one
    view: Any
    kwargs: dict = field(default_factory=dict)
    line: int = 0


class _Immediate:
    """An awaitable that completes at once with ``value``."""

    def __init__(self, value):
        self.value = value

    def __await__(self):
        return self.value
        yield  # pragma: no cover - makes this a generator


class _Recorder:
    """The recording ``info.context["db"]``."""

    current_code = None

    def __init__(self):
        self.calls: list[FindCall] = []

    def _record(self, method: str, view: Any, args: tuple, kwargs: dict):
        line = _caller_line(_Recorder.current_code)
        # 1.x: find(view_name, field_name=None, info=None, **kwargs)
        if len(args) > 2:
            raise Refused(f"db.{method} has unexpected positional arguments", line)
        kwargs = {k: v for k, v in kwargs.items() if k != "info"}
        kwargs.pop("field_name", None)
        call = FindCall(method, view, kwargs, line)
        self.calls.append(call)
        if len(self.calls) > 1:
            raise Refused(f"makes more than one database call (db.{method} again)", line)
        return _Immediate(Rows(call))

    def find(self, view_name, *args, **kwargs):
        return self._record("find", view_name, args, kwargs)

    def find_one(self, view_name, *args, **kwargs):
        return self._record("find_one", view_name, args, kwargs)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise Refused(f"calls db.{name} (only db.find and db.find_one are compiled)",
                      _caller_line(_Recorder.current_code))


class _Context(dict):
    def __init__(self, db):
        super().__init__()
        self.db = db

    def __getitem__(self, key):
        if key == "db":
            return self.db
        return ContextValue(key)

    def get(self, key, default=None):
        return self[key]

    def __contains__(self, key):
        return True


class _Info:
    def __init__(self, db):
        self.context = _Context(db)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise Refused(f"reads info.{name}", _caller_line(_Recorder.current_code))


@dataclass
class Recording:
    call: FindCall
    params: list  # names of the resolver's parameters (without info)
    defaults: dict  # parameter name -> default value (absent: required)


def record(fn) -> Recording:
    """Run ``fn`` once against the recorder; returns its single find call or raises Refused."""
    target = inspect.unwrap(fn)
    sig = inspect.signature(target)
    db = _Recorder()
    info = _Info(db)
    args, kwargs, params, defaults = [], {}, [], {}
    for i, (name, p) in enumerate(sig.parameters.items()):
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if i == 0 and name in ("info", "_info") or (i == 0 and name not in ("root", "self")
                                                     and p.annotation is p.empty
                                                     and name.endswith("info")):
            args.append(info)
            continue
        if name == "info":
            kwargs[name] = info
            continue
        params.append(name)
        if p.default is not p.empty:
            defaults[name] = p.default
        kwargs[name] = Arg(name)
    if not inspect.iscoroutinefunction(target):
        raise Refused("is not an async function")
    _Recorder.current_code = target.__code__
    try:
        coro = target(*args, **kwargs)
        try:
            coro.send(None)
        except StopIteration as stop:
            result = stop.value
        else:
            coro.close()
            raise Refused("awaits something other than db.find/db.find_one")
    except Refused:
        raise
    except Exception as exc:  # the resolver failed on a sentinel: custom Python
        tb = exc.__traceback__
        line = 0
        while tb is not None:
            if tb.tb_frame.f_code is target.__code__:
                line = tb.tb_lineno
            tb = tb.tb_next
        raise Refused(f"raised {type(exc).__name__}: {exc}", line) from None
    finally:
        _Recorder.current_code = None
    if not db.calls:
        raise Refused("makes no database call (db.find/db.find_one)")
    if not isinstance(result, Rows) or result.call is not db.calls[0]:
        raise Refused(f"does not return the result of db.{db.calls[0].method} unchanged",
                      db.calls[0].line)
    return Recording(db.calls[0], params, defaults)
