"""A repository's own GitHub actions (`.github/actions/<name>/action.yml`), across the change.

Deleting a local action removes a check only while something still runs it. When the same change
removes its last `uses: ./.github/actions/<name>` and adds none back, the action is dead code: the
check that left is the workflow step, judged in the workflow's own file (where a step replaced by
another is netted). The deletion then destroys nothing and needs no statement of its own.
"""

from __future__ import annotations

from ..models import FileDiff, FileScope
from ..record import replace
from ..rx import lazy

ACTION_FILE = lazy(r"^(\.github/actions/[^/]+(?:/[^/]+)*)/action\.ya?ml$")


def uses(line: str, folder: str) -> bool:
    """The line runs the local action in ``folder`` (`uses: ./.github/actions/lint`)."""
    i = line.find(folder)
    if i < 0:
        return False
    tail = line[i + len(folder) :]
    return (not tail or tail[0] in " \t\"'/@#\r") and "uses" in line[:i]


def settle(files: tuple[FileScope, ...], diffs: tuple[FileDiff, ...]) -> tuple[FileScope, ...]:
    deleted = {
        fs.path: m.group(1)
        for fs in files
        if fs.status == "deleted" and (m := ACTION_FILE.match(fs.path))
    }
    if not deleted:
        return files
    removed: dict[str, list[str]] = {}
    still_used: set[str] = set()
    for fd in diffs:
        for h in fd.hunks:
            for line in h.lines:
                if line[:1] not in "+-":
                    continue
                for path, folder in deleted.items():
                    if not uses(line, folder):
                        continue
                    if line[0] == "-":
                        removed.setdefault(path, []).append(fd.path)
                    else:
                        still_used.add(path)
    out: list[FileScope] = []
    for fs in files:
        callers = removed.get(fs.path)
        if not callers or fs.path in still_used:
            out.append(fs)
            continue
        where = ", ".join(f"`{p}`" for p in dict.fromkeys(callers))
        signals = tuple(
            replace(
                s,
                severity="low",
                detail=f"{s.detail}, whose last use this change removes ({where})",
            )
            if s.code == "gha.action_deleted"
            else s
            for s in fs.signals
        )
        out.append(replace(fs, signals=signals))
    return tuple(out)
