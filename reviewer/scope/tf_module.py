"""Terraform addresses belong to a module (a directory of ``.tf`` files), not to one file.

Each file is analysed on its own, so a resource that leaves ``main.tf`` looks deleted even when
the same change adds it to ``database.tf`` next to it (the usual "split main.tf" refactor), and a
``moved`` block in one file does not cover a deletion in another. Terraform sees neither as a
destruction: the address is the same, or its state moves. :func:`relate` reads the scopes of a
whole change by directory and turns those deletion signals into a note on the file.

The other way round, a file renamed into another directory changes module with everything it
declares, even without a changed line: its resources get new addresses. That is a signal.

git's copy detection often calls the new file a copy of the old one. With whole files, a copy is
read as a new file (its resources are added); from the hunks alone, a copy keeps every line of
its source that its hunks do not remove, so a deletion whose line a copy keeps is a move too.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Callable

from ..models import REPLACEMENT, FileDiff, FileScope, Signal
from ..record import replace

#: the signals that say Terraform destroys an address
_DESTROYS = frozenset({"tf.resource_deleted", "tf.module_deleted"})


def _module_of(fs: FileScope) -> str | None:
    """The directory of a Terraform configuration file; None for anything else (``.tfvars``)."""
    if fs.language != "hcl" or not fs.path.endswith((".tf", ".tf.json")):
        return None
    return posixpath.dirname(fs.path)


def relate(
    files: tuple[FileScope, ...],
    diffs: tuple[FileDiff, ...],
    new_text: Callable[[str], str | None] = lambda path: None,
) -> tuple[FileScope, ...]:
    """``files`` (the scopes of ``diffs``, in order) with the deletions that stay in their module
    given back as notes; ``new_text(path)`` is a file's whole new text, when known.

    A module whose changed lines only move (every line one file removes, another adds, and the
    other way round) changes nothing Terraform reads: its files are ``cosmetic = "moved"``."""
    added: dict[tuple[str, str], str] = {}  # (module, address) -> the file that adds it
    moved: dict[tuple[str, str], str] = {}  # (module, `moved` source address) -> its file
    # copies read from their hunks alone: the lines of the source each one leaves out
    copies: dict[str, list[tuple[str, set[int]]]] = {}
    for fs, fd in zip(files, diffs, strict=True):
        module = _module_of(fs)
        if module is None:
            continue
        if fs.status == "copied" and fs.mode != "full" and fs.old_path:
            left_out = {old for h in fd.hunks for p, old, _, _ in h.numbered() if p == "-" and old}
            copies.setdefault(fs.old_path, []).append((fs.path, left_out))
        for sym in fs.symbols:
            if sym.kind in ("resource", "module") and sym.change in ("added", "renamed"):
                added.setdefault((module, sym.name), fs.path)
            elif sym.kind == "moved" and sym.change != "deleted" and sym.name.startswith("moved."):
                moved.setdefault((module, sym.name.removeprefix("moved.")), fs.path)
    still = _moved_only(files, diffs, new_text)
    out: list[FileScope] = []
    for fs in files:
        module = _module_of(fs)
        if module is not None and fs.status == "renamed" and fs.old_path:
            fs = _changes_module(fs, module)
        if module in still and fs.cosmetic is None and not _keeps_signals(fs, added, moved):
            fs = replace(fs, cosmetic="moved")
        if module is None or not any(s.code in _DESTROYS for s in fs.signals):
            out.append(fs)
            continue
        kept = []
        notes = list(fs.notes)
        for sig in fs.signals:
            address = sig.symbol or ""
            target = added.get((module, address)) if sig.code in _DESTROYS else None
            if target is None and sig.code in _DESTROYS and sig.line is not None:
                # a copy of this file that keeps the line naming it (copies are of the old text)
                target = next(
                    (
                        path
                        for path, left_out in copies.get(fs.path, ())
                        if posixpath.dirname(path) == module and sig.line not in left_out
                    ),
                    None,
                )
            source = moved.get((module, address)) if sig.code in _DESTROYS else None
            if target is not None and target != fs.path:
                notes.append(
                    f"`{address}` moves to {target}, in the same module: Terraform keeps it"
                )
            elif source is not None:
                notes.append(
                    f"a `moved` block in {source} carries the state of `{address}`: "
                    "Terraform keeps it"
                )
            else:
                kept.append(sig)
        out.append(replace(fs, signals=tuple(kept), notes=tuple(dict.fromkeys(notes))))
    return tuple(out)


def _moved_only(
    files: tuple[FileScope, ...],
    diffs: tuple[FileDiff, ...],
    new_text: Callable[[str], str | None],
) -> set[str]:
    """Modules whose changed lines (blank ones aside, whitespace squashed) only move between or
    within their files. A copy counts with its whole text, which only whole files give."""
    removed: dict[str, Counter[str]] = {}
    added: dict[str, Counter[str]] = {}
    unknown: set[str] = set()
    for fs, fd in zip(files, diffs, strict=True):
        module = _module_of(fs)
        if module is None:
            continue
        gone, new = removed.setdefault(module, Counter()), added.setdefault(module, Counter())
        if fs.status == "copied":
            text = new_text(fs.path) if fs.mode == "full" else None
            if text is None:
                unknown.add(module)
                continue
            new.update(k for k in (" ".join(t.split()) for t in text.split("\n")) if k)
            continue
        for h in fd.hunks:
            for line in h.lines:
                key = " ".join(line[1:].split())
                if key and line[:1] == "-":
                    gone[key] += 1
                elif key and line[:1] == "+":
                    new[key] += 1
    return {m for m in removed if m not in unknown and removed[m] and removed[m] == added[m]}


def _keeps_signals(
    fs: FileScope, added: dict[tuple[str, str], str], moved: dict[tuple[str, str], str]
) -> bool:
    """Whether a signal of ``fs`` stays once its module's moves are known."""
    module = _module_of(fs)
    return any(
        not (
            s.code in _DESTROYS
            and ((module or "", s.symbol or "") in added or (module or "", s.symbol or "") in moved)
        )
        for s in fs.signals
    )


def _changes_module(fs: FileScope, module: str) -> FileScope:
    """A signal on a Terraform file renamed into another directory."""
    assert fs.old_path is not None
    before = posixpath.dirname(fs.old_path)
    if before == module:
        return fs
    signal = Signal(
        REPLACEMENT,
        "tf.module_changed",
        f"moves `{posixpath.basename(fs.old_path)}` from module `{before or '.'}` to "
        f"`{module or '.'}`: what it declares gets new addresses, so Terraform destroys it there "
        "and creates it here, unless the whole module moves or its state is moved",
        None,
        "new",
        None,
        "high",
    )
    return replace(fs, signals=(*fs.signals, signal))
