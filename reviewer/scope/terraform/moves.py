"""Moves: ``moved`` / ``removed`` blocks, and addresses that move between the files of a module.

Terraform addresses belong to a module (a directory of ``.tf`` files), not to one file.
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
import re
from collections import Counter
from collections.abc import Callable, Iterable

from ...models import REPLACEMENT, FileDiff, FileScope, Signal
from ...record import replace
from ...rx import lazy
from .definitions import Reading
from .groups import bool_value

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

    A move keeps its deletion quiet only when the block reads the same at both ends (a `moved`
    block's target may have a new header); a block that changes on the way, or that cannot be
    read at both ends, gets a medium ``tf.moved_and_changed`` instead, as an attribute that forces
    replacement still recreates it. A module whose changed lines only move (every line one file
    removes, another adds, and the other way round) changes nothing Terraform reads: its files are
    ``cosmetic = "moved"``."""
    added: dict[tuple[str, str], tuple[str, int | None]] = {}  # (module, address) -> file, line
    moved: dict[tuple[str, str], str] = {}  # (module, `moved` source address) -> its file
    copies: dict[str, list[tuple[str, _Lines]]] = {}  # source -> copies read from hunks alone
    lines: dict[str, _Lines] = {}
    for fs, fd in zip(files, diffs, strict=True):
        module = _module_of(fs)
        if module is None:
            continue
        text = new_text(fs.path) if fs.mode == "full" else None
        lines[fs.path] = _Lines(fd, text)
        if fs.status == "copied" and text is None and fs.old_path:
            copies.setdefault(fs.old_path, []).append((fs.path, lines[fs.path]))
        for sym in fs.symbols:
            if sym.kind in ("resource", "module") and sym.change in ("added", "renamed"):
                added.setdefault((module, sym.name), (fs.path, sym.line))
            elif sym.kind == "moved" and sym.change != "deleted" and sym.name.startswith("moved."):
                moved.setdefault((module, sym.name.removeprefix("moved.")), fs.path)
    targets = _moved_targets(set(moved.values()), lines)
    still = _moved_only(files, diffs, lines)
    out: list[FileScope] = []
    for fs in files:
        module = _module_of(fs)
        if module is not None and fs.status == "renamed" and fs.old_path:
            fs = _changes_module(fs, module)
        if module is None or not any(s.code in _DESTROYS for s in fs.signals):
            if module in still and fs.cosmetic is None and not fs.signals:
                fs = replace(fs, cosmetic="moved")
            out.append(fs)
            continue
        kept: list[Signal] = []
        notes = list(fs.notes)
        for sig in fs.signals:
            address = sig.symbol or ""
            if sig.code not in _DESTROYS or sig.line is None:
                kept.append(sig)
                continue
            gone = _block(lines[fs.path].old_line, sig.line)
            there = added.get((module, address))
            source = moved.get((module, address))
            if there is not None and there[0] != fs.path:
                where, same = there[0], _same(gone, lines[there[0]], there[1], header=True)
            elif kept_by := _keeping_copy(copies.get(fs.path, ()), module, sig.line, gone):
                where, same = kept_by
            elif source is not None:
                target = targets.get(address)
                there = added.get((module, target or ""))
                where = f"`{target}` (a `moved` block in {source})" if target else source
                same = there is not None and _same(gone, lines[there[0]], there[1], header=False)
            else:
                kept.append(sig)
                continue
            if same:
                notes.append(
                    f"`{address}` moves to {where}, in the same module: Terraform keeps it"
                )
                continue
            kept.append(
                Signal(
                    kind=REPLACEMENT,
                    code="tf.moved_and_changed",
                    detail=f"moves `{address}` to {where}, and the block does not read the same there: "
                    "an attribute that forces replacement still destroys and recreates it",
                    line=sig.line,
                    side="old",
                    symbol=address,
                    severity="medium",
                )
            )
        cosmetic = "moved" if module in still and fs.cosmetic is None and not kept else fs.cosmetic
        out.append(
            replace(fs, signals=tuple(kept), notes=tuple(dict.fromkeys(notes)), cosmetic=cosmetic)
        )
    return tuple(out)


class _Lines:
    """One file's changed lines by number, and its whole new text when known."""

    def __init__(self, fd: FileDiff, text: str | None) -> None:
        self.removed: dict[int, str] = {}
        self.added: dict[int, str] = {}
        #: old line numbers that an added line follows (a copy's insertions, in its source's lines)
        self.inserted_after: set[int] = set()
        for h in fd.hunks:
            last_old = h.old_start - 1
            for prefix, old, new, line in h.numbered():
                if prefix == "-" and old is not None:
                    self.removed[old] = line
                    last_old = old
                elif prefix == "+" and new is not None:
                    self.added[new] = line
                    self.inserted_after.add(last_old)
                elif old is not None:
                    last_old = old
        self.text = text.split("\n") if text is not None else None

    def old_line(self, number: int) -> str | None:
        return self.removed.get(number)

    def new_line(self, number: int) -> str | None:
        if self.text is not None and 0 < number <= len(self.text):
            return self.text[number - 1]
        return self.added.get(number)


def _block(line_at: Callable[[int], str | None], start: int) -> list[str] | None:
    """The brace-delimited block whose header is line ``start``, whitespace squashed; None when a
    line of it is unknown (not among the changed lines) or it never closes."""
    out: list[str] = []
    depth = 0
    opened = False
    number = start
    while len(out) < 5000:
        line = line_at(number)
        if line is None:
            return None
        out.append(" ".join(line.split()))
        depth += line.count("{") - line.count("}")
        opened = opened or "{" in line
        if opened and depth <= 0:
            return out
        number += 1
    return None


def _same(gone: list[str] | None, there: _Lines, line: int | None, *, header: bool) -> bool:
    """Whether the block added at ``line`` of ``there`` reads like ``gone`` (its header aside when
    ``header`` is False: a `moved` block's target has a new address)."""
    if gone is None or line is None:
        return False
    block = _block(there.new_line, line)
    if block is None:
        return False
    return block == gone if header else block[1:] == gone[1:]


def _keeping_copy(
    copies: Iterable[tuple[str, _Lines]], module: str, start: int, gone: list[str] | None
) -> tuple[str, bool] | None:
    """A copy (read from its hunks) in ``module`` that keeps the header line ``start`` of its
    source, and whether it keeps the whole block untouched (no line of it removed, nothing
    inserted inside it)."""
    for path, copy in copies:
        if posixpath.dirname(path) != module or start in copy.removed:
            continue
        if gone is None:
            return path, False
        span = range(start, start + len(gone))
        untouched = not any(n in copy.removed for n in span) and not any(
            n in copy.inserted_after for n in span[:-1]
        )
        return path, untouched
    return None


def _moved_targets(paths: set[str], lines: dict[str, _Lines]) -> dict[str, str]:
    """``from`` -> ``to`` of the `moved` blocks added in ``paths`` (from the whole new text when
    known, otherwise from their added lines)."""
    out: dict[str, str] = {}
    for path in paths:
        fl = lines.get(path)
        if fl is None:
            continue
        text = (
            "\n".join(fl.text)
            if fl.text is not None
            else "\n".join(fl.added[n] for n in sorted(fl.added))
        )
        for body in _MOVED_RE.findall(text):
            ends = dict(_END_RE.findall(body))
            if "from" in ends and "to" in ends:
                out.setdefault(ends["from"], ends["to"])
    return out


_MOVED_RE = lazy(r"(?m)^[ \t]*moved[ \t]*\{([^{}]*)\}")
_END_RE = lazy(r"(?m)^[ \t]*(from|to)[ \t]*=[ \t]*([^\s#]+)")


def _moved_only(
    files: tuple[FileScope, ...], diffs: tuple[FileDiff, ...], lines: dict[str, _Lines]
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
            text = lines[fs.path].text
            if text is None:
                unknown.add(module)
                continue
            new.update(k for k in (" ".join(t.split()) for t in text) if k)
            continue
        for h in fd.hunks:
            for line in h.lines:
                key = " ".join(line[1:].split())
                if key and line[:1] == "-":
                    gone[key] += 1
                elif key and line[:1] == "+":
                    new[key] += 1
    return {m for m in removed if m not in unknown and removed[m] and removed[m] == added[m]}


def _changes_module(fs: FileScope, module: str) -> FileScope:
    """A signal on a Terraform file renamed into another directory."""
    assert fs.old_path is not None
    before = posixpath.dirname(fs.old_path)
    if before == module:
        return fs
    signal = Signal(
        kind=REPLACEMENT,
        code="tf.module_changed",
        detail=f"moves `{posixpath.basename(fs.old_path)}` from module `{before or '.'}` to "
        f"`{module or '.'}`: what it declares gets new addresses, so Terraform destroys it there "
        "and creates it here, unless the whole module moves or its state is moved",
        line=None,
        side="new",
        symbol=None,
        severity="high",
    )
    return replace(fs, signals=(*fs.signals, signal))


def address_of(ref: str) -> str:
    """``module.a.aws_x.b[0]`` -> ``module.a.aws_x.b``: the address without instance keys."""
    return re.sub(r"\[[^\]]*\]", "", ref.strip().strip('"'))


def moved_pairs(side: Reading) -> list[tuple[str, str]]:
    """``(from, to)`` of the `moved` blocks of one side."""
    found: dict[int, dict[str, str]] = {}
    for _seg, _sc, a in side.attrs:
        if a.top is not None and a.top.type == "moved" and a.path == () and a.key in ("from", "to"):
            found.setdefault(id(a.top), {})[a.key] = a.value
    return [(v["from"], v["to"]) for v in found.values() if "from" in v and "to" in v]


def removed_destroys(side: Reading, name: str) -> bool:
    """Whether the `removed` block ``name`` destroys its resource (``destroy = false`` forgets it)."""
    for _seg, _sc, a in side.attrs:
        top = a.top
        if top is None or top.type != "removed" or a.key != "destroy" or a.path != ("lifecycle",):
            continue
        if side.block_keys.get(id(top), ("", ""))[1] == name:
            return bool_value(a.value) is not False
    return True
