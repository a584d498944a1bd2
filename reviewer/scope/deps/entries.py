"""What a manifest declares, as ``Entry`` records, and the helpers every manifest scanner shares."""

from __future__ import annotations

import re
from collections.abc import Callable

from ...models import DEPENDENCY, Severity, Side, Signal
from ...record import record
from ...rx import lazy


@record
class Entry:
    kind: str  # "dep", "runtime", "source" or "script"
    name: str
    spec: str  # version spec, runtime constraint, URL or command
    section: str  # runtime, dev, optional, peer, build, override, indirect, property, "" (unknown)
    line: int
    end: int = 0  # last line of a multi-line entry (a pom <dependency> block)

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, _norm(self.name))


Scanner = Callable[[list[tuple[int | None, str]]], list[Entry]]

_GO_MAJOR_RE = lazy(r"(/v\d+|\.v\d+)$")


def _norm(name: str) -> str:
    low = name.lower().strip()
    low = _GO_MAJOR_RE.sub("", low)
    return re.sub(r"[-_.]+", "-", low) if "/" not in low and ":" not in low else low


_URL_SPEC_RE = lazy(
    r"^(?:git\+|hg\+|svn\+|bzr\+|git://|https?://|ssh://|github:|gitlab:|bitbucket:|file:|link:|"
    r"[\w.-]+/[\w.-]+#|(?:git|github|url|path|registry|index|hosted)=)"
)


def is_url(spec: str) -> bool:
    return bool(_URL_SPEC_RE.match(spec.strip().lstrip("@ ").strip()))


_SPEC_LIKE_RE = lazy(
    r"^(?:[\^~<>=!*]|\d|v\d|latest$|next$|workspace:|npm:|git|github:|file:|link:|https?:)"
)


def spec_like(value: str) -> bool:
    return bool(_SPEC_LIKE_RE.match(value.strip()))


_INLINE_VERSION_RE = lazy(r"""\bversion\s*=\s*["']([^"']*)["']""")
_INLINE_SOURCE_RE = lazy(r"""\b(git|url|path|registry|index|github)\s*=\s*["']([^"']*)["']""")


def inline(value: str) -> tuple[str, str]:
    """(version, source) of a TOML dependency value: ``"^1.2"`` or ``{ version = "1", git = ... }``."""
    if not value.startswith("{"):
        return value, ""
    v = _INLINE_VERSION_RE.search(value)
    s = _INLINE_SOURCE_RE.search(value)
    return (v.group(1) if v else ""), (f"{s.group(1)}={s.group(2)}" if s else "")


def toml_dep(name: str, value: str, section: str, line: int) -> list[Entry]:
    version, source = inline(value)
    out = [Entry("dep", name, source or version, section, line)]
    return out


def add(out: list[Entry], e: Entry | None) -> None:
    if e is not None:
        out.append(e)


def dependency_signal(
    code: str, detail: str, line: int | None, side: Side, symbol: str | None, severity: Severity
) -> Signal:
    return Signal(
        kind=DEPENDENCY,
        code=code,
        detail=detail,
        line=line,
        side=side,
        symbol=symbol,
        severity=severity,
    )
