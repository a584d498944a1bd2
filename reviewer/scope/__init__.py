"""Diff (+ optional blobs) -> Scope: every changed file, what it touches, which change kinds."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..models import Diff, FileDiff, FileScope, Hunk, Scope, Side, Signal, Symbol
from ..paths import in_sample_dir, language_of, role_of
from ..record import replace
from ..rx import lazy
from .engine import FileContext, squash
from .registry import analyzers_for

#: tests set REVIEWER_STRICT=1 so that an analyzer bug fails loudly instead of becoming a note
STRICT = os.environ.get("REVIEWER_STRICT") == "1"


if TYPE_CHECKING:
    from typing import Protocol

    class BlobSource(Protocol):
        """Whole file contents for one side of the change (``None`` when unavailable)."""

        def get(self, side: Side, path: str) -> bytes | None: ...


def build_scope(diff: Diff, *, blobs: BlobSource | None = None) -> Scope:
    """Scope every file of the diff, in this process: serial and pure (a large diff from the CLI
    may instead go through :func:`reviewer.scope.parallel.build_scope_parallel`)."""
    files = diff.files
    source = prefetch(files, blobs) if blobs is not None else None
    return whole_scope(tuple(scope_file(fd, source) for fd in files), files, source)


def whole_scope(
    files: tuple[FileScope, ...], diffs: tuple[FileDiff, ...], source: BlobSource | None
) -> Scope:
    """The scope of the whole change, from its files' scopes: what no single file can tell (a
    Terraform resource that moves between two files of its module) is settled here."""
    if any(fs.language == "hcl" for fs in files):
        from .terraform import open_gates, relate

        def new_text(path: str) -> str | None:
            return _decode(source.get("new", path)) if source is not None else None

        files = open_gates(relate(files, diffs, new_text), diffs)
    if any(fs.status == "deleted" and fs.path.startswith(".github/actions/") for fs in files):
        from .local_actions import settle

        files = settle(files, diffs)
    if any(s.code == "code.public_removed" for fs in files for s in fs.signals):
        from .retired_exports import settle_exports

        files = settle_exports(files, diffs)
    return Scope(files=files)


class _Prefetched:
    def __init__(self, data: dict[tuple[str, str], bytes | None]) -> None:
        self._data = data

    def get(self, side: Side, path: str) -> bytes | None:
        return self._data.get((side, path))


def prefetch(files: tuple[FileDiff, ...], blobs: BlobSource) -> BlobSource:
    """Every whole-file content the scope will ask for, read at once (one pipelined exchange with
    git), so that the source can be shared with worker processes, which cannot share the reader."""
    keys: list[tuple[Side, str]] = []
    for fd in files:
        if not fd.hunks or fd.binary:
            continue
        if fd.status != "added":
            keys.append(("old", fd.old_path or fd.path))
        if fd.status != "deleted":
            keys.append(("new", fd.path))
    get_many = getattr(blobs, "get_many", None)
    values = (
        get_many(keys) if get_many is not None else [blobs.get(side, path) for side, path in keys]
    )
    return _Prefetched(dict(zip(keys, values, strict=True)))


def _as_added(fd: FileDiff, text: str) -> FileDiff:
    """``fd`` as the diff of a new file holding ``text``."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    hunk = Hunk(0, 0, 1, len(lines), "", tuple("+" + line for line in lines))
    return replace(fd, status="added", old_path=None, hunks=(hunk,), old_blob=None)


def _decode(data: bytes | None) -> str | None:
    if data is None:
        return None
    if b"\0" in data[:8000]:
        return None
    return data.decode("utf-8", "replace")


def scope_file(fd: FileDiff, blobs: BlobSource | None = None) -> FileScope:
    language = language_of(fd.path)
    role = role_of(fd.path)
    notes: list[str] = list(fd.problems)
    base = {
        "path": fd.path,
        "old_path": fd.old_path,
        "status": fd.status,
        "additions": fd.additions,
        "deletions": fd.deletions,
        "similarity": fd.similarity,
        "role": role,
    }
    if fd.binary or language == "binary":
        notes.append("binary file: contents not analysed")
        return FileScope(language="binary", mode="none", notes=tuple(notes), **base)  # type: ignore[arg-type]
    if fd.submodule:
        notes.append(_submodule_note(fd))
        return FileScope(language="submodule", mode="none", notes=tuple(notes), **base)  # type: ignore[arg-type]
    if fd.symlink:
        notes.append(_symlink_note(fd))
        return FileScope(language="symlink", mode="none", notes=tuple(notes), **base)  # type: ignore[arg-type]
    if fd.mode_change:
        notes.append(f"file mode changed from {fd.old_mode} to {fd.new_mode}")
    if not fd.hunks:
        if fd.status == "renamed":
            notes.append(f"renamed from {fd.old_path} without content changes")
        elif fd.status == "copied":
            notes.append(f"copied from {fd.old_path} without content changes")
        elif fd.status in ("added", "deleted"):
            notes.append(f"empty file {fd.status}")
        elif not fd.mode_change:
            notes.append("no content changes in the diff")

    old_src = new_src = None
    if blobs is not None and fd.hunks:
        if fd.status != "added":
            old_src = _decode(blobs.get("old", fd.old_path or fd.path))
        if fd.status != "deleted":
            new_src = _decode(blobs.get("new", fd.path))
    analysed = fd
    if fd.status == "copied" and fd.hunks:
        # a copy is a new file: what it leaves out of its source is not deleted (the source
        # keeps it, or its own diff says otherwise), so it is read as added, whole when possible
        if new_src is not None:
            analysed, old_src = _as_added(fd, new_src), None
            notes.append(f"a copy of {fd.old_path}: everything in it is reviewed as new")
        else:
            notes.append(f"a copy of {fd.old_path}: what it leaves out of it is not a deletion")
    ctx = FileContext(
        analysed, language=language, role=role, old_source=old_src, new_source=new_src
    )

    symbols: list[Symbol] = []
    signals: list[Signal] = []
    cosmetic: str | None = None
    reported_language = language
    if fd.hunks or fd.status in ("added", "deleted"):
        for fn in analyzers_for(fd.path, language, role):
            try:
                part = fn(ctx)
            except RecursionError:
                ctx.note("nesting too deep to analyse; reviewed from its lines only")
                continue
            except Exception as exc:
                if STRICT:
                    raise
                ctx.note(f"could not analyse ({type(exc).__name__}); reviewed from its lines only")
                continue
            if analysed.status == "copied":  # hunks only: the old side is the source's
                part.symbols[:] = [s for s in part.symbols if s.change != "deleted"]
                part.signals[:] = [s for s in part.signals if s.side != "old"]
            symbols.extend(part.symbols)
            signals.extend(part.signals)
            ctx.notes.extend(n for n in part.notes if n not in ctx.notes)
            if part.cosmetic is not None and cosmetic is None:
                cosmetic = part.cosmetic
            if part.language:
                reported_language = part.language
    if not symbols and fd.hunks:
        symbols.extend(_hunk_sections(fd.hunks))
    if cosmetic is None and fd.status in ("modified", "renamed") and fd.hunks and spelling_only(fd):
        cosmetic = "spelling"
    if cosmetic is None and fd.status == "modified" and fd.hunks and descriptions_only(fd):
        cosmetic = "description"
    notes.extend(n for n in ctx.notes if n not in notes)
    # a sample app's manifest (`examples/fixtures/app/pyproject.toml`) is installed by nobody
    # who installs the project
    if role in _NOTHING_DEPLOYED or (role in ("dependency", "lockfile") and in_sample_dir(fd.path)):
        signals = [_in_sample(s) for s in signals]
    return FileScope(
        language=reported_language,
        symbols=tuple(_dedupe(symbols)),
        signals=tuple(_dedupe(signals)),
        mode="full" if ctx.full else "hunks",
        notes=tuple(notes),
        cosmetic=cosmetic,
        **base,  # type: ignore[arg-type]
    )


_WORD_RE = lazy(r"[A-Za-z0-9_]+")


#: a line that only sets a human-readable description: `description = "..."` (HCL),
#: `description: ...` (YAML), `help = "..."`
_DESCRIPTION_LINE = lazy(
    r"""^\s*["']?(?:description|help|summary|title)["']?\s*[:=]\s*["'].*["'],?\s*$"""
)


def descriptions_only(fd: FileDiff) -> bool:
    """Every changed line sets a description (an output's or a variable's, a parameter's help):
    what people read, not what runs."""
    changed = [ln[1:] for h in fd.hunks for ln in h.lines if ln[:1] in "+-"]
    return bool(changed) and all(_DESCRIPTION_LINE.match(t) for t in changed)


def spelling_only(fd: FileDiff) -> bool:
    """Every hunk only corrects the spelling of words (identifiers included): each changed word
    is replaced by a near-identical one, nothing is added or removed."""
    for h in fd.hunks:
        old = [w for line in h.lines if line[:1] == "-" for w in _WORD_RE.findall(line[1:])]
        new = [w for line in h.lines if line[:1] == "+" for w in _WORD_RE.findall(line[1:])]
        if len(old) != len(new):
            return False
        changed = [(a, b) for a, b in zip(old, new, strict=False) if a != b]
        if not changed:
            return (
                False  # a moved or re-indented line is not a spelling fix (indentation can matter)
            )
        for a, b in changed:
            if len(a) < 3 or len(b) < 3 or a.lower() == b.lower():
                return False
            if _similarity(a.lower(), b.lower()) < 0.75:
                return False
        if len(changed) > 12:
            return False
    return True


def _similarity(a: str, b: str) -> float:
    import difflib  # only for changes that look like spelling fixes, not on every cold start

    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _hunk_sections(hunks: Iterable[object]) -> list[Symbol]:
    out: list[Symbol] = []
    for h in hunks:
        section = squash(getattr(h, "section", ""))
        if section:
            out.append(Symbol("section", section[:120], "modified", getattr(h, "new_start", None)))
    return out


#: roles whose files nobody deploys or imports: an example's bucket, a test's fixture, a doc snippet
_NOTHING_DEPLOYED = frozenset({"example", "test", "docs"})
#: kinds that are about what is deployed or consumed; in such files they are low (their commands,
#: CI and agent instructions still run, so those keep their severity)
_DEPLOYED_KINDS = frozenset(
    {
        "resource_deletion",
        "replacement",
        "environment_definition",
        "protection_toggle",
        "permission_widening",
        "destructive_data",
        "public_api",
        "global_config",
        "dependency",
    }
)


def _in_sample(sig: Signal) -> Signal:
    if sig.kind in _DEPLOYED_KINDS and sig.severity not in ("info", "low"):
        return replace(sig, severity="low")
    return sig


def _dedupe(items: Iterable[Symbol] | Iterable[Signal]) -> list:  # type: ignore[type-arg]
    return list(dict.fromkeys(items))


def _submodule_note(fd: FileDiff) -> str:
    old = new = None
    for h in fd.hunks:
        for line in h.lines:
            if line.startswith("-Subproject commit "):
                old = line.split()[-1][:12]
            elif line.startswith("+Subproject commit "):
                new = line.split()[-1][:12]
    if fd.status == "added":
        return f"submodule added at {new or 'an unknown commit'}"
    if fd.status == "deleted":
        return "submodule removed"
    return f"submodule pointer moved from {old or '?'} to {new or '?'}"


def _symlink_note(fd: FileDiff) -> str:
    old = [line[1:] for h in fd.hunks for line in h.lines if line[:1] == "-"]
    new = [line[1:] for h in fd.hunks for line in h.lines if line[:1] == "+"]
    if fd.status == "added":
        return f"symlink added pointing to {new[0] if new else '?'}"
    if fd.status == "deleted":
        return f"symlink removed (pointed to {old[0] if old else '?'})"
    if fd.mode_change:
        return f"file mode changed from {fd.old_mode} to {fd.new_mode}"
    return f"symlink target changed from {old[0] if old else '?'} to {new[0] if new else '?'}"
