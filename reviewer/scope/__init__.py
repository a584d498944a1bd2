"""Diff (+ optional blobs) -> Scope: every changed file, what it touches, which change kinds."""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
from collections.abc import Iterable

from ..models import Diff, FileDiff, FileScope, Hunk, Scope, Side, Signal, Symbol
from ..paths import language_of, role_of
from ..record import fields, replace
from ..rx import lazy
from .engine import FileContext, squash
from .registry import analyzers_for

#: tests set REVIEWER_STRICT=1 so that an analyzer bug fails loudly instead of becoming a note
STRICT = os.environ.get("REVIEWER_STRICT") == "1"
#: REVIEWER_JOBS=1 keeps everything in one process (debugging, profiling, no fork allowed)
STRICT_SERIAL = os.environ.get("REVIEWER_JOBS") == "1"


TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the offline path
if TYPE_CHECKING:
    from typing import Protocol

    class BlobSource(Protocol):
        """Whole file contents for one side of the change (``None`` when unavailable)."""

        def get(self, side: Side, path: str) -> bytes | None: ...


#: below this many files one process is faster than starting workers
PARALLEL_MIN_FILES = 400


def build_scope(diff: Diff, *, blobs: BlobSource | None = None, jobs: int | None = None) -> Scope:
    """Scope every file of the diff (see :func:`start_scope`)."""
    with start_scope(diff, blobs=blobs, jobs=jobs) as job:
        return job.result()


def start_scope(
    diff: Diff, *, blobs: BlobSource | None = None, jobs: int | None = None
) -> ScopeJob:
    """Start scoping ``diff``; :meth:`ScopeJob.result` finishes it.

    A large diff is split over a pool of worker processes. A small one with enough work is split
    in two (see :func:`_halves`): a forked child starts on its side at once, so the caller can do
    other work (read the intent, load the policy) before ``result()`` scopes this process's side
    and collects the child's. Workers are forked (Linux) so that they inherit the loaded
    grammars; whole-file contents are read first, in one pipelined exchange with git, because
    the git reader cannot be shared with forks. ``jobs=1`` keeps everything in this process.
    """
    files = diff.files
    workers = _workers(len(files), jobs)
    source = _prefetch(files, blobs) if blobs is not None else None
    job = ScopeJob(files, source, workers)
    if workers <= 1 and jobs is None and _can_fork():
        halves = _halves(files)
        if halves is not None:
            # no process or pipe to spare (limits, a sandbox): one process then
            with contextlib.suppress(OSError):
                job.fork(*halves)
    return job


class ScopeJob:
    """A scope under way. Use it as a context manager (or call :meth:`cancel`), so that a child
    whose result is never asked for is stopped."""

    def __init__(
        self, files: tuple[FileDiff, ...], source: BlobSource | None, workers: int
    ) -> None:
        self._files = files
        self._source = source
        self._workers = workers
        self._mine: list[int] = list(range(len(files)))
        self._theirs: list[int] = []
        self._pid: int | None = None
        self._pipe: int | None = None

    def fork(self, mine: list[int], theirs: list[int]) -> None:
        """A child scopes ``theirs`` and sends the result back through a pipe (``marshal``:
        ``pickle`` would be 2 ms more to import)."""
        read_fd, write_fd = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            raise
        if pid == 0:  # the child: never returns into the caller
            status = 1
            try:
                os.close(read_fd)
                scoped = [scope_file(self._files[i], self._source) for i in theirs]
                with open(write_fd, "wb") as fh:
                    fh.write(marshal.dumps([_to_wire(fs) for fs in scoped]))
                status = 0
            finally:
                os._exit(status)
        os.close(write_fd)
        self._pid, self._pipe = pid, read_fd
        self._mine, self._theirs = mine, theirs

    def result(self) -> Scope:
        """The scope of every file, in the diff's order. If the child failed in any way, its half
        is scoped here too, so an analyzer error surfaces here, as in one process."""
        files, source = self._files, self._source
        if self._workers > 1:
            return _whole(_pooled(files, source, self._workers), files, source)
        out = {i: scope_file(files[i], source) for i in self._mine}
        if self._pid is not None and self._pipe is not None:
            pid, pipe = self._pid, self._pipe
            self._pid = self._pipe = None
            try:
                with open(pipe, "rb") as fh:
                    data = fh.read()
                _, status = os.waitpid(pid, 0)
            except BaseException:
                _reap(pid)
                raise
            scoped = _read_wire(data) if status == 0 else None
            if scoped is not None and len(scoped) == len(self._theirs):
                out.update(zip(self._theirs, scoped, strict=True))
        return _whole(
            tuple(out[i] if i in out else scope_file(files[i], source) for i in range(len(files))),
            files,
            source,
        )

    def cancel(self) -> None:
        """Stop a child whose result is not needed (an error on the way to :meth:`result`)."""
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None
        if self._pid is not None:
            _reap(self._pid)
            self._pid = None

    def __enter__(self) -> ScopeJob:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


def _whole(
    files: tuple[FileScope, ...], diffs: tuple[FileDiff, ...], source: BlobSource | None
) -> Scope:
    """The scope of the whole change, from its files' scopes: what no single file can tell (a
    Terraform resource that moves between two files of its module) is settled here."""
    if any(fs.language == "hcl" for fs in files):
        from .tf_module import relate

        def new_text(path: str) -> str | None:
            return _decode(source.get("new", path)) if source is not None else None

        files = relate(files, diffs, new_text)
    return Scope(files=files)


def _pooled(
    files: tuple[FileDiff, ...], source: BlobSource | None, workers: int
) -> tuple[FileScope, ...]:
    global _SHARED
    _SHARED = (files, source)
    try:
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        chunks = _chunks(len(files), workers * 4)
        with ctx.Pool(workers) as pool:
            parts = pool.map(_scope_range, chunks, chunksize=1)
    finally:
        _SHARED = None
    return tuple(fs for part in parts for fs in part)


_SHARED: tuple[tuple[FileDiff, ...], BlobSource | None] | None = None


def _workers(n_files: int, jobs: int | None) -> int:
    if jobs is not None:
        return max(1, jobs)
    if n_files < PARALLEL_MIN_FILES or sys.platform != "linux" or STRICT_SERIAL:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 8))


#: a side of a two-process split must carry at least this much work (changed lines, plus
#: FIRST_USE for each language the side loads): below it, starting the child costs more than it saves
FORK_MIN_WORK = 150
#: the one-time cost of a language in a process (grammar, query compilation, analyzer import),
#: in changed lines: about 5 ms each
FIRST_USE = 50
#: what this process does while the child works (read the intent and the policy, import the
#: review), in changed lines
PARENT_WORK = 70


def _can_fork() -> bool:
    if sys.platform != "linux" or STRICT_SERIAL:
        return False
    try:
        if len(os.sched_getaffinity(0)) < 2:
            return False
    except (AttributeError, OSError):
        return False
    # forking a process with threads can copy a held lock into the child
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def _halves(files: tuple[FileDiff, ...]) -> tuple[list[int], list[int]] | None:
    """Split the files of a small diff in two sides of about equal work: ``(this process's, the
    child's)``. ``None`` when it does not pay.

    Work is the number of changed lines, plus ``FIRST_USE`` for each language a side loads: in
    whole-file mode parsing grows with the file too, but the per-symbol work over the changed
    lines is most of the time. This process starts ``PARENT_WORK`` behind: it reads the intent
    and the policy meanwhile. Languages go to a side whole, the largest first, so that no grammar
    and query is loaded twice; then the files of one language may be shared out, when loading
    it on both sides still evens the work (a diff in one language, above all)."""
    groups: dict[str, list[int]] = {}
    work: dict[str, int] = {}
    for i, fd in enumerate(files):
        key = language_of(fd.path)
        groups.setdefault(key, []).append(i)
        work[key] = work.get(key, FIRST_USE) + fd.additions + fd.deletions
    sides: tuple[list[int], list[int]] = ([], [])
    loads = [PARENT_WORK, 0]
    placed: tuple[list[str], list[str]] = ([], [])
    for key in sorted(groups, key=lambda k: (-work[k], k)):
        side = 0 if loads[0] <= loads[1] else 1
        sides[side].extend(groups[key])
        loads[side] += work[key]
        placed[side].append(key)
    heavy = 0 if loads[0] >= loads[1] else 1
    light = 1 - heavy
    shared = next((k for k in placed[heavy] if len(groups[k]) > 1), None)
    if shared is not None:
        # move the language's files one by one while that lowers the larger side
        order = sorted(groups[shared], key=lambda i: -(files[i].additions + files[i].deletions))
        best = max(loads)
        moved: list[int] = []
        for i in order[:-1]:
            lines = files[i].additions + files[i].deletions
            heavy_load = loads[heavy] - lines
            light_load = loads[light] + lines + (FIRST_USE if not moved else 0)
            if max(heavy_load, light_load) >= best:
                break
            moved.append(i)
            loads[heavy], loads[light], best = heavy_load, light_load, max(heavy_load, light_load)
        for i in moved:
            sides[heavy].remove(i)
            sides[light].append(i)
    if min(loads[0] - PARENT_WORK, loads[1]) < FORK_MIN_WORK:
        return None
    return sorted(sides[0]), sorted(sides[1])


def _reap(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass


def _read_wire(data: bytes) -> list[FileScope] | None:
    try:
        return [_from_wire(item) for item in marshal.loads(data)]
    except (EOFError, ValueError, TypeError):
        return None


def _to_wire(fs: FileScope) -> tuple[object, ...]:
    """A FileScope as nested tuples of plain values (what ``marshal`` carries)."""
    return (
        *(getattr(fs, name) for name in _PLAIN_FIELDS),
        tuple(tuple(getattr(s, name) for name in fields(Symbol)) for s in fs.symbols),
        tuple(tuple(getattr(s, name) for name in fields(Signal)) for s in fs.signals),
    )


def _from_wire(data: tuple[object, ...]) -> FileScope:
    *plain, symbols, signals = data
    return FileScope(
        **dict(zip(_PLAIN_FIELDS, plain, strict=True)),  # type: ignore[arg-type]
        symbols=tuple(Symbol(*s) for s in symbols),  # type: ignore[attr-defined]
        signals=tuple(Signal(*s) for s in signals),  # type: ignore[attr-defined]
    )


_PLAIN_FIELDS = tuple(n for n in fields(FileScope) if n not in ("symbols", "signals"))


def _chunks(n: int, parts: int) -> list[tuple[int, int]]:
    size = max(1, -(-n // parts))
    return [(i, min(n, i + size)) for i in range(0, n, size)]


def _scope_range(bounds: tuple[int, int]) -> list[FileScope]:
    assert _SHARED is not None
    files, source = _SHARED
    return [scope_file(fd, source) for fd in files[bounds[0] : bounds[1]]]


class _Prefetched:
    def __init__(self, data: dict[tuple[str, str], bytes | None]) -> None:
        self._data = data

    def get(self, side: Side, path: str) -> bytes | None:
        return self._data.get((side, path))


def _prefetch(files: tuple[FileDiff, ...], blobs: BlobSource) -> BlobSource:
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
    notes.extend(n for n in ctx.notes if n not in notes)
    if role in _NOTHING_DEPLOYED:
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
    import difflib  # only for changes that look like spelling fixes: 2 ms off every cold start

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
