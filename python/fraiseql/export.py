"""From decorated 1.x classes and resolvers to the native server's SDL (product spec §2, §4).

``export(app)`` returns the SDL text and the server settings derived from the application;
every construct the native server cannot serve with the same meaning is collected as a
``file:line: ...`` message and raised together as ``ExportError`` — never a silent difference.
The mapping is documented in docs/python.md.
"""

from __future__ import annotations

import enum
import inspect
import json
import re
import sys
import types as _pytypes
import typing
from dataclasses import dataclass, field

from . import decorators as d
from . import recording
from .types import graphql_scalar


class ExportError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


# ---- naming (product spec §2: the one rule from a GraphQL name to a JSONB key) -----------

def to_camel(name: str) -> str:
    """1.x's auto_camel_case: ``first_name`` -> ``firstName``, ``_x`` keeps its underscore."""
    lead = len(name) - len(name.lstrip("_"))
    parts = [p for p in name[lead:].split("_") if p != ""]
    if not parts:
        return name
    return "_" * lead + parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def field_key(graphql_name: str) -> str:
    """The native server's rule: ``_`` before each uppercase letter, lowercased."""
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), graphql_name)


def to_snake(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _where(obj) -> tuple:
    meta = d.meta_of(obj)
    if meta is not None and meta.source[1]:
        return meta.source
    return d._where(obj)


def _order_default(v, node) -> tuple[str | None, str]:
    """A 1.x constant ``order_by`` as a GraphQL ``[TOrderByInput!]`` literal: the string form
    ("created_at DESC, title"), a dict ({"created_at": "desc"}), or a list of pairs, dicts or
    {"field": ..., "direction": ...} items; dotted keys are nested objects. Returns
    (literal, "") or (None, why)."""
    items: list[tuple[str, str]] = []
    if isinstance(v, str):
        for part in v.split(","):
            words = part.split()
            if not words or len(words) > 2:
                return None, f"cannot read {part.strip()!r}"
            items.append((words[0], words[1] if len(words) == 2 else "ASC"))
    elif isinstance(v, dict):
        items = [(str(k), str(d)) for k, d in v.items()]
    elif isinstance(v, (list, tuple)):
        for it in v:
            if isinstance(it, (list, tuple)) and len(it) == 2:
                items.append((str(it[0]), str(getattr(it[1], "name", it[1]))))
            elif isinstance(it, dict) and set(it) == {"field", "direction"}:
                items.append((str(it["field"]), str(getattr(it["direction"], "name",
                                                            it["direction"]))))
            elif isinstance(it, dict) and len(it) == 1:
                (k, d), = it.items()
                items.append((str(k), str(getattr(d, "name", d))))
            else:
                return None, f"cannot read {it!r}"
    else:
        return None, f"a {type(v).__name__}"
    try:
        known = set(typing.get_type_hints(node))
    except Exception:
        known = set(getattr(node, "__annotations__", {}))
    out = []
    for key, direction in items:
        d = direction.upper()
        if d not in ("ASC", "DESC"):
            return None, f"direction {direction!r}"
        path = key.split(".")
        if path[0] not in known:
            return None, f"{node.__name__} has no field {path[0]!r}"
        lit = d
        for part in reversed(path):
            lit = "{" + to_camel(part) + ": " + lit + "}"
        out.append(lit)
    return "[" + ", ".join(out) + "]", ""


def _loc(src: tuple, line: int = 0) -> str:
    return f"{src[0]}:{line or src[1]}"


# ---- the application's declarations ------------------------------------------------------

@dataclass
class Options:
    drop_python_fields: bool = False  # @fraiseql.field methods: drop instead of refusing
    skip_unsupported: bool = False  # refused queries/mutations: leave out (listed) instead
    default_mutation_schema: str = "public"
    allow_anonymous: bool = True  # False when the application configures authentication


@dataclass
class Settings:
    """What ``serve`` passes to the native server beside the schema."""

    session_variables: dict = field(default_factory=dict)  # setting -> source
    skipped: list = field(default_factory=list)  # messages of left-out constructs


@dataclass
class _Out:
    kind: str  # type input enum interface union
    name: str
    lines: list
    directives: str = ""
    description: str | None = None
    implements: list = field(default_factory=list)


class _Exporter:
    def __init__(self, types, queries, mutations, options: Options):
        self.opts = options
        self.problems: list[str] = []
        self.settings = Settings()
        self.out: dict[str, _Out] = {}
        self.order: list[str] = []
        self.classes_by_name: dict[str, type] = {}
        self.input_names: set[str] = set()
        self.need_error_type = False
        self.types = list(types)
        self.queries = list(queries)
        self.mutations = list(mutations)
        self.query_fields: list[str] = []
        self.mutation_fields: list[str] = []
        self.connection_lists: dict[str, str] = {}
        self.query_names: set[str] = set()
        self.type_views: dict[str, set] = {}
        for obj in self.types + self.mutations:
            if inspect.isclass(obj):
                self.classes_by_name.setdefault(obj.__name__, obj)

    def problem(self, src: tuple, msg: str, line: int = 0):
        self.problems.append(f"{_loc(src, line)}: {msg}")

    # -- type hints -> SDL type expressions ------------------------------------------------

    def _hints(self, cls) -> dict:
        mod = sys.modules.get(cls.__module__)
        ns = dict(vars(mod)) if mod else {}
        ns.update(self.classes_by_name)
        self._ns = ns  # for forward references met while converting these hints
        hints = {}
        for klass in reversed(cls.__mro__):
            if klass is object:
                continue
            for name, ann in getattr(klass, "__annotations__", {}).items():
                if isinstance(ann, str):
                    try:
                        ann = eval(ann, ns)  # noqa: S307 - the application's own annotation
                    except Exception:
                        ann = self.classes_by_name.get(ann.strip("'\""), ann)
                hints[name] = ann
        return hints

    def _hints_eval(self, cls, ann):
        if isinstance(ann, str):
            mod = sys.modules.get(cls.__module__)
            ns = dict(vars(mod)) if mod else {}
            ns.update(self.classes_by_name)
            try:
                return eval(ann, ns)  # noqa: S307 - the application's own annotation
            except Exception:
                return self.classes_by_name.get(ann, ann)
        return ann

    def sdl_type(self, tp, src, where: str, as_input: bool) -> str | None:
        """SDL type expression of a hint (non-null unless Optional)."""
        nullable = False
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            return self.sdl_type(typing.get_args(tp)[0], src, where, as_input)
        if origin in (typing.Union, _pytypes.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            nullable = len(args) < len(typing.get_args(tp))
            if len(args) != 1:
                self.problem(src, f"{where}: a union of several types ({tp}) has no SDL "
                                  "equivalent outside mutation results")
                return None
            tp = args[0]
            origin = typing.get_origin(tp)
        bang = "" if nullable else "!"
        if origin in (list, typing.List, set, tuple):
            args = typing.get_args(tp)
            inner = self.sdl_type(args[0], src, where, as_input) if args else "JSON"
            if inner is None:
                return None
            return f"[{inner}]{bang}"
        if origin is dict or tp is dict or tp is typing.Any:
            return "JSON" + bang
        if isinstance(tp, typing.ForwardRef):
            tp = tp.__forward_arg__
        for _ in range(3):  # "'Person'" under `from __future__ import annotations`
            if not isinstance(tp, str):
                break
            name = tp.strip("'\" ")
            tp = self.classes_by_name.get(name) or getattr(self, "_ns", {}).get(name, name)
            if isinstance(tp, str) and tp == name:
                try:
                    tp = eval(name, dict(getattr(self, "_ns", {})))  # noqa: S307
                except Exception:
                    break
        if typing.get_origin(tp) is not None and tp is not origin:
            return self.sdl_type(tp, src, where, as_input)
        scalar = graphql_scalar(tp)
        if scalar:
            return scalar + bang
        if inspect.isclass(tp) and issubclass(tp, enum.Enum):
            self.add_enum(tp)
            return tp.__name__ + bang
        if inspect.isclass(tp):
            name = self.add_class(tp, as_input)
            return (name + bang) if name else None
        self.problem(src, f"{where}: type {tp!r} has no SDL equivalent")
        return None

    # -- declarations ------------------------------------------------------------------------

    def _emit(self, o: _Out):
        if o.name not in self.out:
            self.order.append(o.name)
        self.out[o.name] = o

    def add_enum(self, cls):
        if cls.__name__ in self.out:
            return
        values = [f"  {m.name}" for m in cls]
        differ = [m.name for m in cls if isinstance(m.value, str) and m.value != m.name]
        if differ:
            # The native server passes the view's text through and sends names to functions,
            # where 1.x mapped values <-> names in Python (docs/python.md, "Enums").
            print(f"{_loc(_where(cls))}: note: enum '{cls.__name__}': values differ from the "
                  f"names ({', '.join(differ)}): views must emit, and functions receive, the "
                  "member names", file=sys.stderr)
        self._emit(_Out("enum", cls.__name__, values, description=inspect.getdoc(cls)
                        if cls.__doc__ and cls.__doc__ != enum.Enum.__doc__ else None))

    def add_class(self, cls, as_input: bool, role: str | None = None) -> str | None:
        meta = d.meta_of(cls)
        kind = role or (meta.kind if meta else ("input" if as_input else "type"))
        if as_input and kind != "input":
            kind = "input"
        name = cls.__name__
        if name in self.out or name in getattr(self, "_busy", set()):
            return name
        self._busy = getattr(self, "_busy", set()) | {name}
        self.classes_by_name.setdefault(name, cls)
        src = _where(cls)
        hints = self._hints(cls)
        if not hints and "__init__" in cls.__dict__ and not d.meta_of(cls):
            # An undecorated 1.x result class (examples/context_parameters): its fields are
            # its constructor's annotated parameters.
            try:
                sig = inspect.signature(cls.__dict__["__init__"])
                hints = {p.name: p.annotation for p in list(sig.parameters.values())[1:]
                         if p.annotation is not p.empty}
                hints = {k: (self._hints_eval(cls, v)) for k, v in hints.items()}
            except (TypeError, ValueError):
                hints = {}
        lines: list[str] = []
        declared = set()
        has_entity = any(self._is_object(h) for h in hints.values())
        for attr, hint in hints.items():
            if attr.startswith("_") or typing.get_origin(hint) is typing.ClassVar:
                continue
            default = cls.__dict__.get(attr, d.UNSET)
            description, gname = None, None
            if isinstance(default, d.FraiseField):
                description, gname, default = default.description, default.graphql_name, \
                    default.default
            gname = gname or to_camel(attr)
            declared.add(gname)
            sdl = self.sdl_type(hint, src, f"field '{name}.{attr}'", kind == "input")
            if sdl is None:
                continue
            auto = {"success": ("status", "message", "updatedFields")
                    + (("id",) if has_entity else ()),
                    "error": ("status", "message", "code", "errors")}.get(kind, ())
            if gname in auto:
                continue  # the auto-fields below, typed as the server fills them
            if kind in ("success", "error") and not self._is_object(hint):
                sdl = sdl.rstrip("!")  # read from metadata: may be absent (docs/python.md)
            line = f"  {gname}: {sdl}"
            if kind == "input":
                if default is not d.UNSET and default is not None and not callable(default):
                    lit = _literal(default)
                    if lit is None:
                        self.problem(src, f"field '{name}.{attr}': default {default!r} has no "
                                          "GraphQL literal")
                    else:
                        line += f" = {lit}"
            elif field_key(gname) != attr:
                line += f' @key(name: "{attr}")'
            if description:
                line = f"  {_string(description)}\n" + line
            lines.append(line)
        if kind == "success":
            lines[:0] = ["  status: String!", "  message: String", "  updatedFields: [String!]"]
            if has_entity:
                lines.insert(3, "  id: String")
        elif kind == "error":
            self.need_error_type = True
            lines[:0] = ["  status: String!", "  message: String", "  code: Int!",
                         "  errors: [Error!]"]
        for attr, value in cls.__dict__.items():
            if isinstance(value, d._FieldResolver):
                msg = (f"field '{name}.{attr}' is a Python method (@fraiseql.field): compute it "
                       "in the view's data column and declare it as an attribute")
                if self.opts.drop_python_fields:
                    print(f"{_loc(value.source)}: note: dropped: {msg}", file=sys.stderr)
                else:
                    self.problem(value.source, msg + " (or export with --drop-python-fields)")
        if not lines:
            lines = ["  _empty: Boolean"] if kind == "input" else ["  _empty: Boolean"]
        out_kind = {"input": "input", "interface": "interface", "enum": "enum"}.get(kind, "type")
        o = _Out(out_kind, name, lines, description=_class_doc(cls))
        if meta and kind == "type" and meta.sql_source:
            o.directives = " " + _view_directive(meta.sql_source, meta.jsonb_column)
        if meta and meta.implements:
            o.implements = [self.add_class(i, False) for i in meta.implements]
        roles = getattr(cls, "__fraiseql_auth__", None)
        if roles is not None and roles["roles"]:
            o.directives += f" @auth(roles: {json.dumps(roles['roles'])})"
        self._emit(o)
        return name

    def _is_object(self, hint) -> bool:
        for a in [hint, *typing.get_args(hint)]:
            if inspect.isclass(a) and not issubclass(a, enum.Enum) and graphql_scalar(a) is None \
                    and a not in (list, dict, type(None)):
                m = d.meta_of(a)
                if m is None or m.kind in ("type", "interface"):
                    return True
        return False

    # -- queries -----------------------------------------------------------------------------

    def add_query(self, fn):
        meta = d.meta_of(fn)
        src = _where(fn)
        name = to_camel(fn.__name__)
        where = f"query '{fn.__name__}'"
        try:
            ret = typing.get_type_hints(fn).get("return")
        except Exception:
            ret = inspect.signature(fn).return_annotation
        if getattr(fn, "__fraiseql_permission__", None):
            return self.refuse(src, f"{where} uses @requires_permission, which has no native "
                                    "equivalent: use @requires_role (roles from the token)")
        conn = meta.connection if meta else None
        if conn:
            return self.add_connection(fn, conn, src, name, where)
        try:
            rec = recording.record(fn)
        except recording.Refused as r:
            return self.refuse(src, f"{where} is custom Python ({r.reason}): move it into a "
                                    "view or a function", r.line)
        call = rec.call
        if not isinstance(call.view, str):
            return self.refuse(src, f"{where} is custom Python (the view name is computed): "
                                    "name the view with a literal", call.line)
        single = call.method == "find_one"
        origin = typing.get_origin(ret)
        inner = [a for a in typing.get_args(ret) if a is not type(None)]
        node = None
        if conn:
            node = conn.get("node_type") or (inner[0] if inner else None)
        elif origin in (list, typing.List):
            node = inner[0] if inner else None
        elif origin in (typing.Union, _pytypes.UnionType) and len(inner) == 1:
            node = inner[0]
        elif inspect.isclass(ret):
            node = ret
        if node is None or not inspect.isclass(node):
            return self.refuse(src, f"{where} returns {ret!r}: a query returns T, T | None, "
                                    "list[T] or a Connection[T] of a @fraiseql.type")
        is_list = origin in (list, typing.List)
        if single and (is_list or conn):
            return self.refuse(src, f"{where} returns a list but calls db.find_one", call.line)
        if not single and not is_list and not conn:
            return self.refuse(src, f"{where} returns one object but calls db.find: use "
                                    "find_one", call.line)
        type_name = self.add_class(node, False)
        node_meta = d.meta_of(node)
        jsonb = node_meta.jsonb_column if node_meta else "data"
        kw = dict(call.kwargs)
        args_sdl: list[str] = []
        # -- the recognised keyword arguments of find/find_one (1.x db.find signature).
        for k in ("where", "order_by", "limit", "offset", "first", "after", "last", "before"):
            if k not in kw:
                continue
            v = kw.pop(k)
            if isinstance(v, recording.Arg) and (v.name == k or to_camel(v.name)
                                                   == to_camel(k)):
                if k == "limit" and not single and isinstance(rec.defaults.get(v.name), int):
                    args_sdl.append(f"limit: Int = {rec.defaults[v.name]}")
                continue  # pass-through: the native list field has it
            if v is None:
                continue
            if isinstance(v, recording.Arg):
                native = to_camel(k)
                return self.refuse(src, f"{where} passes argument '{v.name}' as {k}=: the "
                                        f"native list field's argument is '{native}'; rename "
                                        f"the parameter to '{k}' (clients then send "
                                        f"'{native}')", call.line)
            if k == "order_by" and not single:
                # A constant order becomes the field's default orderBy (docs/filtering.md
                # "Defaults on root fields"); clients may now pass their own.
                default, why = _order_default(v, node)
                if default is None:
                    return self.refuse(src, f"{where} orders by a constant ({v!r}) that cannot "
                                            f"be written as a default orderBy ({why}): use the "
                                            "list form [(\"field\", \"DESC\"), ...]", call.line)
                args_sdl.append(f"orderBy: [{type_name}OrderByInput!] = {default}")
                print(f"{_loc(src, call.line)}: note: {where}: the constant order is the "
                      "field's default orderBy; clients may pass their own", file=sys.stderr)
                continue
            if k == "limit" and isinstance(v, int) and not single and v >= 0:
                args_sdl.append(f"limit: Int = {v}")
                print(f"{_loc(src, call.line)}: note: {where}: limit={v} is the field's default "
                      "limit; clients may pass their own (up to max_page_size)",
                      file=sys.stderr)
                continue
            if k == "where":
                return self.refuse(src, f"{where} applies a constant filter ({v!r}): the SDL "
                                        "cannot fix a filter on a root field yet; move it "
                                        "into a view (CREATE VIEW ... WHERE ...)", call.line)
            return self.refuse(src, f"{where} is custom Python ({k}={v!r} is computed in "
                                    "Python): move it into a view or a function", call.line)
        # -- the remaining keyword arguments are equality filters.
        for k, v in kw.items():
            if isinstance(v, recording.ContextValue):
                return self.refuse(src, f"{where} filters on context['{v.name}']: enforce it "
                                        "with a row-level security policy on current_setting("
                                        f"'app.{v.name}') (session_variables) and drop the "
                                        "filter", call.line)
            if not isinstance(v, recording.Arg):
                return self.refuse(src, f"{where} filters {k}={v!r}, a constant: the SDL cannot "
                                        "fix a filter on a root field yet; move it into a view",
                                   call.line)
            if v.name != k:
                return self.refuse(src, f"{where} passes argument '{v.name}' as filter '{k}': "
                                        "name the parameter as the field", call.line)
        params = [p for p in rec.params]
        used = {v.name for v in call.kwargs.values() if isinstance(v, recording.Arg)}
        unused = [p for p in params if p not in used]
        if unused:
            return self.refuse(src, f"{where} has parameters the database call does not use "
                                    f"({', '.join(unused)}): custom Python", call.line)
        hints = typing.get_type_hints(fn) if True else {}
        if not single:
            # Bound arguments of a list (docs/filtering.md): an equality filter when given,
            # nothing when omitted — 1.x's `find(view, status=status)` with status=None.
            bound = [k for k, v in call.kwargs.items() if isinstance(v, recording.Arg)
                     and k not in ("where", "order_by", "limit", "offset")]
            for p in bound:
                sdl = self.sdl_type(hints.get(p, str), src, f"{where} argument '{p}'", True)
                if sdl is None:
                    return
                args_sdl.append(f"{to_camel(p)}: {sdl.rstrip('!')}")
            if bound:
                print(f"{_loc(src, call.line)}: note: {where}: {', '.join(bound)} filter(s) "
                      "the list by equality when given, not when omitted or null",
                      file=sys.stderr)
        if single:
            for p in params:
                sdl = self.sdl_type(hints.get(p, str), src, f"{where} argument '{p}'", True)
                if sdl is None:
                    return
                if not sdl.endswith("!"):
                    # An omitted argument would drop the filter and return some row; 1.x
                    # filtered on NULL (no row). Required keeps answers identical.
                    print(f"{_loc(src)}: note: {where}: argument '{p}' is required in the "
                          "native schema (an equality filter cannot be omitted)",
                          file=sys.stderr)
                    sdl += "!"
                args_sdl.append(f"{to_camel(p)}: {sdl}")
        directives = self._root_view(type_name, node_meta, call.view, jsonb)
        roles = getattr(fn, "__fraiseql_auth__", None)
        if roles is not None and roles["roles"]:
            directives += f" @auth(roles: {json.dumps(roles['roles'])})"
        elif roles is not None and self.opts.allow_anonymous:
            # @auth(roles: []) admits anonymous requests: only a server that refuses them
            # (allow_anonymous = false) gives @requires_auth its 1.x meaning.
            return self.refuse(src, f"{where} uses @requires_auth but the application allows "
                                    "anonymous requests: configure auth (FraiseQLConfig "
                                    "jwt_secret/auth) so every request needs a token, or use "
                                    "@requires_role")
        desc = inspect.getdoc(fn)
        prefix = f"  {_string(desc)}\n" if desc else ""
        arglist = f"({', '.join(args_sdl)})" if args_sdl else ""
        rtype = f"[{type_name}!]!" if is_list else type_name
        self.query_fields.append(f"{prefix}  {name}{arglist}: {rtype}{directives}")
        self.query_names.add(name)

    def add_connection(self, fn, conn, src, name, where):
        """``@fraiseql.connection``: 1.x generated the resolver (the body is not run); the
        native server generates ``<list>Connection`` beside each root list field."""
        node = conn.get("node_type")
        if not inspect.isclass(node):
            return self.refuse(src, f"{where}: @fraiseql.connection needs node_type=")
        if not name.endswith("Connection") or name == "Connection":
            return self.refuse(src, f"{where} is a connection named '{name}': the native "
                                    "server names connections '<list>Connection'; rename the "
                                    f"query to '{name}_connection'")
        base = fn.__name__[: -len("_connection")] if fn.__name__.endswith("_connection") \
            else to_snake(name[: -len("Connection")])
        view = conn.get("view_name") or f"v_{base}"
        node_meta = d.meta_of(node)
        jsonb = conn.get("jsonb_column") or (node_meta.jsonb_column if node_meta else "data")
        if conn.get("cursor_field", "id") != "id":
            return self.refuse(src, f"{where}: cursor_field='{conn['cursor_field']}': native "
                                    "cursors are keyset cursors on the client's orderBy with "
                                    "id as tie-breaker; drop cursor_field")
        print(f"{_loc(src)}: note: {where}: without first/last, 1.x returned "
              f"default_page_size={conn.get('default_page_size')} rows; the native server "
              "returns up to max_page_size (a server setting, default 1000)", file=sys.stderr)
        type_name = self.add_class(node, False)
        list_name = name[: -len("Connection")]
        directives = self._root_view(type_name, node_meta, view, jsonb)
        desc = inspect.getdoc(fn)
        prefix = f"  {_string(desc)}\n" if desc else ""
        self.connection_lists[list_name] = (
            f"{prefix}  {list_name}: [{type_name}!]!{directives}")

    def _root_view(self, type_name, node_meta, view, jsonb) -> str:
        """The root field's @view, or a placeholder resolved in run(): a type without
        sql_source read from one view only gets @view on the type (the native server's
        generated <list>Connection reads the type's @view, not the list field's)."""
        type_view = node_meta.sql_source if node_meta else None
        if view == type_view:
            return ""
        if type_view is None:
            self.type_views.setdefault(type_name, set()).add((view, jsonb))
            return f"\x00{type_name}\x01{view}\x01{jsonb}\x00"
        return " " + _view_directive(view, jsonb)

    def _resolve_views(self, text: str) -> str:
        def sub(m):
            tname, view, jsonb = m.group(1), m.group(2), m.group(3)
            jsonb = None if jsonb == "None" else jsonb
            if len(self.type_views.get(tname, ())) == 1:
                return ""
            return " " + _view_directive(view, jsonb)

        return re.sub("\x00([^\x01]*)\x01([^\x01]*)\x01([^\x00]*)\x00", sub, text)

    def refuse(self, src, msg, line=0):
        if self.opts.skip_unsupported:
            m = f"{_loc(src, line)}: {msg}"
            self.settings.skipped.append(m)
            print(f"{m} (left out: --skip-unsupported)", file=sys.stderr)
        else:
            self.problem(src, msg, line)

    # -- mutations ---------------------------------------------------------------------------

    def add_mutation(self, obj):
        meta = d.meta_of(obj)
        src = _where(obj)
        if not inspect.isclass(obj):
            return self.refuse(src, f"mutation '{obj.__name__}' is custom Python (a resolver "
                                    "function): declare a class mutation with function=, or "
                                    "move the logic into a PostgreSQL function")
        cname = obj.__name__
        where = f"mutation '{cname}'"
        for m in ("resolve", "execute", "__call__"):
            if m in obj.__dict__:
                line = d._where(obj.__dict__[m])[1]
                return self.refuse(src, f"{where} is custom Python (it defines {m}()): move the "
                                        "logic into its PostgreSQL function", line)
        hints = self._hints(obj)
        for role in ("input", "success", "error", "failure"):
            if isinstance(hints.get(role), str):
                return self.refuse(src, f"{where}: cannot resolve the annotation {role}: "
                                        f"{hints[role]!r} (define the class at module level)")
        inp, suc = hints.get("input"), hints.get("success")
        err = hints.get("error", hints.get("failure"))
        if suc is None or err is None:
            return self.refuse(src, f"{where} needs `success` and `error` (or `failure`)")
        errors = [a for a in typing.get_args(err)] if typing.get_origin(err) in (
            typing.Union, _pytypes.UnionType) else [err]
        members = [self.add_class(suc, False, "success")]
        if members[0].endswith(("Error", "Failure")):
            return self.refuse(src, f"{where}: the success type '{members[0]}' must not end "
                                    "with Error or Failure (the native server picks the result "
                                    "member by that suffix)")
        for e in errors:
            n = self.add_class(e, False, "error")
            if not n.endswith(("Error", "Failure")):
                return self.refuse(src, f"{where}: the error type '{n}' must end with Error or "
                                        "Failure (the native server picks the result member "
                                        "by that suffix): rename the class")
            members.append(n)
        union = f"{cname}Result"
        self._emit(_Out("union", union, [" | ".join(members)]))
        args = ""
        if inp is not None:
            iname = self.add_class(inp, True, "input")
            args = f"(input: {iname}!)"
        fn_name = meta.function or to_snake(cname)
        schema = meta.schema or self.opts.default_mutation_schema
        if "." in fn_name:
            schema, fn_name = fn_name.split(".", 1)
        ctx = []
        for key in meta.context_params:
            var = "user_id" if key == "user" else key
            ctx.append(var)
            source = "claim:sub" if key in ("user", "user_id") else f"claim:{key}"
            self.settings.session_variables.setdefault(f"app.{var}", source)
        fargs = f'name: "{fn_name}", schema: "{schema}"'
        if ctx:
            fargs += f", context: {json.dumps(ctx)}"
        desc = inspect.getdoc(obj)
        prefix = f"  {_string(desc)}\n" if desc else ""
        self.mutation_fields.append(
            f"{prefix}  {_lower_first(cname)}{args}: {union}! @function({fargs})")

    # -- output --------------------------------------------------------------------------------

    def run(self) -> str:
        for t in self.types:
            if inspect.isclass(t) and issubclass(t, enum.Enum):
                self.add_enum(t)
            elif inspect.isclass(t):
                self.add_class(t, False)
        for q in self.queries:
            self.add_query(q)
        for m in self.mutations:
            self.add_mutation(m)
        declared = self.query_names
        for list_name, line in self.connection_lists.items():
            if list_name not in declared:  # the list field the connection is generated from
                self.query_fields.append(line)
        if self.problems:
            raise ExportError(self.problems)
        if not self.query_fields:
            raise ExportError(["the application declares no query the native server can serve"])
        for tname, views in self.type_views.items():
            o = self.out.get(tname)
            if len(views) == 1 and o is not None and "@view" not in o.directives:
                view, jsonb = next(iter(views))
                o.directives = " " + _view_directive(view, jsonb) + o.directives
        self.query_fields = [self._resolve_views(f) for f in self.query_fields]
        parts = ["# Exported by `python3 -m fraiseql export` from a FraiseQL 1.x application;",
                 "# regenerate it, do not edit (docs/python.md).", ""]
        if self.need_error_type and "Error" not in self.out:
            parts.append('"One problem found by a mutation function."\n'
                         "type Error {\n  message: String!\n  code: Int!\n"
                         "  identifier: String\n  details: JSON\n}\n")
        for n in self.order:
            o = self.out[n]
            doc = f"{_string(o.description)}\n" if o.description else ""
            if o.kind == "union":
                parts.append(f"union {o.name} = {o.lines[0]}\n")
                continue
            impl = f" implements {' & '.join(o.implements)}" if o.implements else ""
            parts.append(f"{doc}{o.kind} {o.name}{impl}{o.directives} {{\n"
                         + "\n".join(o.lines) + "\n}\n")
        parts.append("type Query {\n" + "\n".join(self.query_fields) + "\n}\n")
        if self.mutation_fields:
            parts.append("type Mutation {\n" + "\n".join(self.mutation_fields) + "\n}\n")
        return "\n".join(parts).rstrip("\n") + "\n"


def _class_doc(cls) -> str | None:
    doc = cls.__dict__.get("__doc__")
    return inspect.cleandoc(doc) if doc else None


def _string(text: str) -> str:
    if "\n" in text:
        return '"""\n' + text.replace('"""', '\\"""') + '\n"""'
    return json.dumps(text)


def _view_directive(view: str, jsonb: str | None) -> str:
    if jsonb is None:
        return f'@view(name: "{view}", jsonbColumn: null)'
    if jsonb != "data":
        return f'@view(name: "{view}", jsonbColumn: "{jsonb}")'
    return f'@view(name: "{view}")'


def _literal(v) -> str | None:
    if isinstance(v, enum.Enum):
        return v.name
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, (list, tuple)):
        items = [_literal(x) for x in v]
        return None if None in items else "[" + ", ".join(items) + "]"
    return None


def export(types=(), queries=(), mutations=(), options: Options | None = None):
    """SDL text and Settings for the given declarations; raises ExportError."""
    ex = _Exporter(types, queries, mutations, options or Options())
    sdl = ex.run()
    return sdl, ex.settings
