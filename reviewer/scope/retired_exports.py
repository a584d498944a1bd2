"""An export removed together with every import of it the change shows: the package stops using
its own helper (`stripColor` in `lib/help.js`, imported by `lib/command.js` and a test), which is
not the same as taking an interface away from its users.

Such a removal is noted (low) instead of judged a public interface removed (medium): the change
shows the name leaving every line that used it and no line that still does. A removal whose users
the change does not touch keeps its severity.
"""

from __future__ import annotations

import re

from ..models import FileDiff, FileScope, Signal
from ..record import replace

_REMOVED = "code.public_removed"


def _lines(fd: FileDiff, sign: str) -> list[str]:
    return [ln[1:] for h in fd.hunks for ln in h.lines if ln[:1] == sign]


def settle_exports(
    files: tuple[FileScope, ...], diffs: tuple[FileDiff, ...]
) -> tuple[FileScope, ...]:
    names = {
        s.symbol.rsplit(".", 1)[-1]
        for fs in files
        for s in fs.signals
        if s.code == _REMOVED and s.symbol and "." not in s.symbol
    }
    if not names:
        return files
    by_path = {fd.path: fd for fd in diffs}
    retired: set[str] = set()
    for name in names:
        word = re.compile(rf"\b{re.escape(name)}\b")
        if any(word.search(t) for fd in diffs for t in _lines(fd, "+")):
            continue  # still used (or re-added) somewhere the change shows
        importers = [
            fd
            for fd in diffs
            if any(
                word.search(t) and re.search(r"\bimport\b|\brequire\s*\(", t)
                for t in _lines(fd, "-")
            )
        ]
        if importers:
            retired.add(name)
    if not retired:
        return files
    out: list[FileScope] = []
    for fs in files:
        if fs.path not in by_path or not any(s.code == _REMOVED for s in fs.signals):
            out.append(fs)
            continue
        signals = tuple(
            _noted(s) if s.code == _REMOVED and s.symbol in retired else s for s in fs.signals
        )
        out.append(replace(fs, signals=signals))
    return tuple(out)


def _noted(sig: Signal) -> Signal:
    return replace(
        sig,
        severity="low",
        detail=f"{sig.detail}, and every import of it the change shows: no line still uses it",
    )
