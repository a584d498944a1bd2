"""Which symbol changes change a public API: removed, hidden, renamed, re-signed, module deleted."""

from __future__ import annotations

from collections.abc import Callable

from ...models import PUBLIC_API, Signal, Symbol
from ..engine import Definition, FileContext
from .spec import CodeSpec

_API_KINDS = frozenset(
    [
        "function",
        "method",
        "class",
        "interface",
        "struct",
        "enum",
        "trait",
        "type",
        "module",
        "variable",
        "constant",
        "field",
        "property",
        "object",
        "protocol",
        "record",
        "namespace",
        "macro",
    ]
)


def _module_hook(name: str) -> bool:
    """``__all__``, ``__getattr__``, ``__dir__`` at module level: machinery, not an API callers use."""
    return "." not in name and name.startswith("__") and name.endswith("__")


def _private_module(path: str) -> bool:
    """``pkg/_compat.py`` is private by convention (``__init__.py`` is the package itself)."""
    base = path.rsplit("/", 1)[-1]
    return base.startswith("_") and not base.startswith("__init__")


#: package directories whose code callers outside the project cannot (Go) or should not use
_PRIVATE_DIRS = frozenset({"internal", "_internal", "private", "_private", "impl", "_impl"})


def private_package(path: str) -> bool:
    """``pkg/internal/flows.py``, ``pip/_internal/...``, Go's ``internal/``: what a module there
    changes is no interface of the project (Go's compiler enforces it; the others say it)."""
    return any(
        part.lower() in _PRIVATE_DIRS or (part.startswith("_") and not part.startswith("__"))
        for part in path.split("/")[:-1]
    )


def symbol_signal(
    sym: Symbol,
    old: Definition | None,
    new: Definition | None,
    callers_see: Callable[[str], str] | None = None,
) -> Signal | None:
    """The public API signal of one symbol change in an API file (not a test, example or doc).

    ``callers_see`` reduces a function's signature to what callers depend on: a change of
    annotations only (``def f(x)`` -> ``def f(x: int) -> None``) is no change of the API."""
    if old is not None and new is not None and old.public and new.public is False:
        if sym.kind not in _API_KINDS:
            return None
        return Signal(
            kind=PUBLIC_API,
            code="code.public_hidden",
            detail=f"makes public {sym.kind} `{sym.name}` non-public",
            line=sym.line,
            side="new",
            symbol=sym.name,
            severity="medium",
        )
    if not sym.public or sym.kind not in _API_KINDS or _module_hook(sym.name):
        return None
    if sym.change == "deleted":
        return Signal(
            kind=PUBLIC_API,
            code="code.public_removed",
            detail=f"removes public {sym.kind} `{sym.name}`",
            line=sym.line,
            side="old",
            symbol=sym.name,
            severity="medium",
        )
    if sym.change == "signature":
        if (
            callers_see is not None
            and sym.kind in ("function", "method")
            and old is not None
            and new is not None
            and old.signature
            and callers_see(old.signature) == callers_see(new.signature)
        ):
            return None
        return Signal(
            kind=PUBLIC_API,
            code="code.public_signature",
            detail=f"changes the signature of public {sym.kind} `{sym.name}`",
            line=sym.line,
            side="new",
            symbol=sym.name,
            severity="medium",
        )
    if sym.change == "renamed":
        return Signal(
            kind=PUBLIC_API,
            code="code.public_renamed",
            detail=f"renames public {sym.kind} `{sym.old_name}` to `{sym.name}`",
            line=sym.line,
            side="new",
            symbol=sym.name,
            severity="medium",
        )
    return None


def module_signal(ctx: FileContext, spec: CodeSpec) -> Signal | None:
    """A deleted module of a language whose modules are API (Python), unless private by name."""
    if (
        ctx.status != "deleted"
        or not spec.extra.get("module_is_api")
        or _private_module(ctx.path)
        # a tool's settings written in code (`eslint.config.mjs`) are nobody's import
        or ctx.role == "config"
    ):
        return None
    return Signal(
        kind=PUBLIC_API,
        code="code.module_removed",
        detail=f"deletes module `{ctx.path}`",
        side="old",
        severity="high",
    )
