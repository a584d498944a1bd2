"""Record classes: what ``@dataclass(frozen=True, slots=True)`` gives, at a tenth of the start-up cost.

The standard library's dataclasses compile five or six functions per class when the class is
defined (one ``exec`` each) and import ``inspect``; with about 30 classes on the path of an offline
review that was a fifth of a cold ``reviewer review``. A record compiles one function, its
``__init__``, and only when the class makes its first instance (many classes of a module are never
instantiated in a given run). Equality, hashing, ``repr`` and pickling are closures over an
:func:`operator.attrgetter`, which are built without compiling.

    @record
    class Point:
        x: int
        y: int = 0
        tags: list[str] = field(default_factory=list, compare=False)

Records are slotted unless ``slots=False`` and frozen unless ``frozen=False``; ``eq=False`` keeps identity
equality. ``__post_init__`` runs after ``__init__``. :func:`replace` copies with changes (and runs
``__post_init__`` again, like :func:`dataclasses.replace`). Annotations are read as strings
(``from __future__ import annotations``) and never evaluated.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar, overload

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_kwargs: object) -> Callable[[object], object]:
        return lambda decorated: decorated  # typing's own is 3.11+; it only informs type checkers


T = TypeVar("T")
C = TypeVar("C", bound=type)


__all__ = ["FrozenError", "field", "fields", "record", "replace"]


class FrozenError(AttributeError):
    """Assignment to a field of a frozen record."""


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class Field:
    __slots__ = ("compare", "default", "factory", "name", "repr")

    def __init__(
        self, default: Any, factory: Callable[[], Any] | None, repr: bool, compare: bool
    ) -> None:
        self.name = ""
        self.default = default
        self.factory = factory
        self.repr = repr
        self.compare = compare


@overload
def field(*, default: T, repr: bool = True, compare: bool = True) -> T: ...
@overload
def field(*, default_factory: Callable[[], T], repr: bool = True, compare: bool = True) -> T: ...
@overload
def field(*, repr: bool = True, compare: bool = True) -> Any: ...
def field(
    *,
    default: Any = MISSING,
    default_factory: Callable[[], Any] | None = None,
    repr: bool = True,
    compare: bool = True,
) -> Any:
    """A field with a default (or a factory called per instance) and its repr/compare flags."""
    if default is not MISSING and default_factory is not None:
        raise ValueError("a field takes default or default_factory, not both")
    return Field(default, default_factory, repr, compare)


@overload
def record(cls: C, /) -> C: ...
@overload
def record(*, frozen: bool = True, eq: bool = True, slots: bool = True) -> Callable[[C], C]: ...
@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(
    cls: C | None = None, /, *, frozen: bool = True, eq: bool = True, slots: bool = True
) -> C | Callable[[C], C]:
    """Make ``cls`` a record class (see the module docstring)."""

    def wrap(target: C) -> C:
        return _build(target, frozen=frozen, eq=eq, slots=slots)

    return wrap if cls is None else wrap(cls)


def fields(obj: object) -> tuple[str, ...]:
    """The field names of a record class or instance, in declaration order."""
    names: tuple[str, ...] = obj.__record_fields__  # type: ignore[attr-defined]
    return names


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of the record ``obj`` with ``changes``; ``__init__`` and ``__post_init__`` run again."""
    names = fields(obj)
    unknown = set(changes) - set(names)
    if unknown:
        raise TypeError(f"{type(obj).__name__} has no field {sorted(unknown)[0]!r}")
    args = {name: changes[name] if name in changes else getattr(obj, name) for name in names}
    return type(obj)(**args)


def _frozen_setattr(self: object, name: str, value: object) -> None:
    raise FrozenError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")


def _frozen_delattr(self: object, name: str) -> None:
    raise FrozenError(f"cannot delete field {name!r} of a frozen {type(self).__name__}")


def _rebuild(cls: type, values: tuple[Any, ...]) -> object:
    """Unpickle without running ``__init__``: the values were valid when pickled."""
    obj: object = object.__new__(cls)
    for name, value in zip(cls.__record_fields__, values, strict=True):  # type: ignore[attr-defined]
        object.__setattr__(obj, name, value)
    return obj


def _getter(names: tuple[str, ...]) -> Callable[[object], tuple[Any, ...]]:
    if not names:
        return lambda _obj: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    many: Callable[[object], tuple[Any, ...]] = attrgetter(*names)
    return many


def _build(cls: C, *, frozen: bool, eq: bool, slots: bool) -> C:
    ns = cls.__dict__
    names: list[str] = []
    specs: list[Field] = []
    for name in ns.get("__annotations__", {}):
        value = ns.get(name, MISSING)
        spec = value if isinstance(value, Field) else Field(value, None, True, True)
        spec.name = name
        names.append(name)
        specs.append(spec)

    # the field order rule is checked now; __init__ is compiled at the first instance
    seen_default = False
    for spec in specs:
        has_default = spec.factory is not None or spec.default is not MISSING
        if seen_default and not has_default:
            raise TypeError(
                f"{cls.__name__}: field {spec.name!r} without a default follows one with"
            )
        seen_default = seen_default or has_default
    post_init = "__post_init__" in ns

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        # stands in until the first instance: the class's own __init__ replaces it for good
        init = _compile_init(new, specs, frozen=frozen, post_init=post_init)
        new.__init__ = init  # type: ignore[misc]
        init(self, *args, **kwargs)

    body_ns = {k: v for k, v in ns.items() if k not in ("__dict__", "__weakref__")}
    for name in names:
        body_ns.pop(name, None)  # defaults live in __init__, the slot takes the name
    if slots:
        body_ns["__slots__"] = tuple(names)
    body_ns["__init__"] = __init__
    body_ns["__record_fields__"] = tuple(names)
    body_ns["__match_args__"] = tuple(names)

    every = _getter(tuple(names))
    shown = tuple(s.name for s in specs if s.repr)
    shown_get = _getter(shown)
    qualname = cls.__qualname__

    def __repr__(self: object) -> str:
        values = shown_get(self)
        inner = ", ".join(f"{n}={v!r}" for n, v in zip(shown, values, strict=True))
        return f"{qualname}({inner})"

    def __reduce__(self: object) -> tuple[Any, ...]:
        return (_rebuild, (type(self), every(self)))

    body_ns["__repr__"] = __repr__
    body_ns["__reduce__"] = __reduce__
    if eq:
        compared = _getter(tuple(s.name for s in specs if s.compare))

        def __eq__(self: object, other: object) -> bool:
            if other.__class__ is self.__class__:
                return compared(self) == compared(other)
            return NotImplemented

        body_ns["__eq__"] = __eq__
        if frozen:

            def __hash__(self: object) -> int:
                return hash(compared(self))

            body_ns["__hash__"] = __hash__
        else:
            body_ns["__hash__"] = None
    if frozen:
        body_ns["__setattr__"] = _frozen_setattr
        body_ns["__delattr__"] = _frozen_delattr
    new = type(cls)(cls.__name__, cls.__bases__, body_ns)
    new.__qualname__ = qualname
    for fn in (__init__, __repr__, __reduce__, body_ns.get("__eq__"), body_ns.get("__hash__")):
        if fn is not None:
            fn.__qualname__ = f"{qualname}.{fn.__name__}"
    return new


def _compile_init(cls: type, specs: list[Field], *, frozen: bool, post_init: bool) -> Any:
    """``cls.__init__`` as source, compiled once: as fast as a hand-written one."""
    env: dict[str, Any] = {"MISSING": MISSING, "_set": object.__setattr__}
    params: list[str] = []
    body: list[str] = []
    for spec in specs:
        name = spec.name
        if spec.factory is not None:
            env[f"_f_{name}"] = spec.factory
            params.append(f"{name}=MISSING")
            body.append(f"  if {name} is MISSING: {name} = _f_{name}()")
        elif spec.default is not MISSING:
            env[f"_d_{name}"] = spec.default
            params.append(f"{name}=_d_{name}")
        else:
            params.append(name)
        body.append(f"  _set(self, {name!r}, {name})" if frozen else f"  self.{name} = {name}")
    if post_init:
        body.append("  self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n" + ("\n".join(body) or "  pass") + "\n"
    exec(source, env)
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init
