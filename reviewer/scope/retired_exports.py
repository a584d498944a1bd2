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


_WORD = re.compile(r"\w+")
_IMPORT = re.compile(r"\bimport\b|\brequire\s*\(")


def settle_exports(
    files: tuple[FileScope, ...], diffs: tuple[FileDiff, ...]
) -> tuple[FileScope, ...]:
    names = {
        s.symbol
        for fs in files
        for s in fs.signals
        if s.code == _REMOVED and s.symbol and "." not in s.symbol
    }
    if not names:
        return files
    # every word an added line holds, and every word a removed import holds: one pass each
    still_used: set[str] = set()
    imported: set[str] = set()
    for fd in diffs:
        still_used.update(_WORD.findall("\n".join(_lines(fd, "+"))))
        gone = "\n".join(_lines(fd, "-"))
        if _IMPORT.search(gone):
            imported.update(
                w for t in gone.splitlines() if _IMPORT.search(t) for w in _WORD.findall(t)
            )
    retired = {n for n in names if n in imported and n not in still_used}
    if not retired:
        return files
    out: list[FileScope] = []
    for fs in files:
        if not any(s.code == _REMOVED and s.symbol in retired for s in fs.signals):
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
