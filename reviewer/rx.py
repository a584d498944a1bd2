"""Regular expressions compiled on first use.

``re.compile`` runs the pure-Python sre parser and compiler: 0.1 to 1 ms per pattern. A module
with dozens of patterns, most of which a given review never needs (an analyzer's rare branches),
pays that on every cold start. :func:`lazy` returns a stand-in that compiles on the first
attribute access and then binds the compiled pattern's methods on itself, so later calls go
straight to C. Use it for patterns whose methods are called (``.search``, ``.sub`` ...); where a
real :class:`re.Pattern` is needed (``re.sub(pattern, ...)``, ``isinstance``), use ``re.compile``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

_BOUND = (
    "search",
    "match",
    "fullmatch",
    "finditer",
    "findall",
    "sub",
    "subn",
    "split",
    "scanner",
    "pattern",
    "flags",
    "groups",
    "groupindex",
)


class _Lazy:
    __slots__ = ("__dict__", "_args")

    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        compiled = re.compile(*self._args)
        for attr in _BOUND:
            self.__dict__[attr] = getattr(compiled, attr)
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self._args[0]!r})"


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A pattern compiled when first used (see the module docstring)."""
    return _Lazy(pattern, flags)  # type: ignore[return-value]
