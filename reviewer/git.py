"""Everything that talks to git: diffs, commit messages, blobs. The project's only subprocess user."""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
from collections.abc import Sequence
from types import TracebackType
from typing import IO, TYPE_CHECKING

from .errors import GitError
from .record import record

if TYPE_CHECKING:
    from pathlib import Path

#: revision marker for "the index" (staged content), as opposed to a commit
INDEX = ":index:"
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

_DIFF_FLAGS = (
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "-M",
    "--find-copies",
    "--submodule=short",
)


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    if extra:
        env.update(extra)
    # a hook runs with GIT_DIR/GIT_INDEX_FILE set by git; keep those, but never page or prompt
    env.update({"GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    return env


def run(
    args: Sequence[str],
    *,
    cwd: str | Path | None = None,
    check: bool = True,
    env: dict[str, str] | None = None,
) -> bytes:
    """Run ``git args`` and return stdout; failures become one-line GitErrors. ``env`` adds to
    the environment (e.g. ``GIT_INDEX_FILE`` for a scratch index)."""
    return _Running(args, cwd, env=env).result(check=check)


def _spawn(
    args: Sequence[str],
    cwd: str | Path | None,
    *,
    stdin: int = subprocess.DEVNULL,
    stderr: int = subprocess.PIPE,
    env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """``git args`` started, its output piped; a git that cannot start is a one-line GitError."""
    try:
        return subprocess.Popen(
            ["git", *args],
            cwd=cwd,
            env=_env(env),
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
    except FileNotFoundError as exc:
        # Popen reports a missing working directory as the missing program: name the real one
        if cwd is not None and not os.path.isdir(cwd):
            raise GitError(f"{cwd}: no such directory") from exc
        raise GitError("git is not installed or not on PATH") from exc
    except NotADirectoryError as exc:
        raise GitError(f"{cwd}: not a directory") from exc
    except OSError as exc:
        raise GitError(f"could not run git: {exc}") from exc


def _failed(args: Sequence[str], code: int, stderr: bytes) -> GitError:
    message = stderr.decode("utf-8", "replace").strip().splitlines()
    first = next((m for m in message if m.startswith(("fatal:", "error:"))), None)
    detail = first or (message[0] if message else f"exit code {code}")
    return GitError(f"git {args[0]} failed: {detail.removeprefix('fatal: ')}")


class _Running:
    """``git args`` started in the background; :meth:`result` is what :func:`run` returns."""

    def __init__(
        self, args: Sequence[str], cwd: str | Path | None, *, env: dict[str, str] | None = None
    ) -> None:
        self._args = args
        self._proc = _spawn(args, cwd, env=env)

    def result(self, *, check: bool = True) -> bytes:
        out, err = self._proc.communicate()
        if check and not self.ok:
            raise _failed(self._args, self._proc.returncode, err)
        return out

    @property
    def ok(self) -> bool:
        """Whether git exited with 0 (after :meth:`result`)."""
        return self._proc.returncode == 0

    def cancel(self) -> None:
        with contextlib.suppress(OSError):
            self._proc.kill()
        self._proc.communicate()


def toplevel(cwd: str | Path | None = None) -> str:
    out = run(["rev-parse", "--show-toplevel"], cwd=cwd)
    return out.decode("utf-8", "surrogateescape").strip()


def resolve(rev: str, *, cwd: str | Path | None = None) -> str:
    """A revision -> full commit id; a clear error when it does not exist."""
    if rev.startswith("-"):
        raise GitError(f"not a revision: {rev!r}")
    out = run(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
        cwd=cwd,
        check=False,
    )
    sha = out.decode().strip()
    if not sha:
        raise GitError(
            f"unknown revision {rev!r}: "
            + (_SHALLOW_HINT if is_shallow(cwd) else "fetch it or check the name")
        )
    return sha


#: what to do about a shallow clone, said in the one line of the error
_SHALLOW_HINT = (
    "this clone is shallow and lacks the history: run `git fetch --unshallow` "
    "(in GitHub Actions, check out with `fetch-depth: 0`)"
)


def merge_base(base: str, head: str, *, cwd: str | Path | None = None) -> str:
    out = run(["merge-base", base, head], cwd=cwd, check=False).decode().strip()
    if not out:
        if is_shallow(cwd):
            raise GitError(f"{base} and {head}: no common ancestor in view: {_SHALLOW_HINT}")
        raise GitError(f"{base} and {head} have no common ancestor: cannot compute a PR-style diff")
    return out


def is_shallow(cwd: str | Path | None = None) -> bool:
    """Whether this is a shallow clone (``actions/checkout`` makes one by default)."""
    out = run(["rev-parse", "--is-shallow-repository"], cwd=cwd, check=False)
    return out.strip() == b"true"


def deepen(base: str, head: str, *, cwd: str | Path | None = None, rounds: int = 5) -> bool:
    """Fetch ``base`` and ``head`` from ``origin`` into a shallow clone and deepen it until they
    have a merge base (at most ``rounds`` fetches, each twice as deep). True when they have one."""
    depth = 50
    for _ in range(rounds):
        if _has_commit(base, cwd) and _has_commit(head, cwd):
            if run(["merge-base", base, head], cwd=cwd, check=False).strip():
                return True
            how = f"--deepen={depth}"
        else:
            how = f"--depth={depth}"
        try:
            run(["fetch", "--quiet", "--no-tags", how, "origin", base, head], cwd=cwd)
        except GitError:
            return False
        depth *= 2
    return bool(run(["merge-base", base, head], cwd=cwd, check=False).strip())


def _has_commit(rev: str, cwd: str | Path | None) -> bool:
    return bool(
        run(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd=cwd, check=False).strip()
    )


def pr_range(base: str, head: str, *, cwd: str | Path | None = None) -> tuple[str, str, str] | None:
    """``(base, head, fork point)`` as commit ids, like a pull request's ``base...head``; None
    when ``cwd`` is not inside a work tree.

    One ``git rev-parse base...head`` answers all three (it prints head, base and ``^`` the merge
    base) and whether this is a work tree: three processes fewer on every ``--base`` review. When
    it fails, the separate steps run to say exactly what is wrong.
    """
    _check_revisions(base, head)
    out = run(
        ["rev-parse", "--is-inside-work-tree", f"{base}^{{commit}}...{head}^{{commit}}"],
        cwd=cwd,
        check=False,
    )
    lines = out.decode("utf-8", "replace").split()
    if len(lines) >= 4 and lines[0] == "true" and lines[3].startswith("^"):
        return lines[2], lines[1], lines[3][1:]
    if not inside_work_tree(cwd):
        return None
    base_sha, head_sha = resolve(base, cwd=cwd), resolve(head, cwd=cwd)
    return base_sha, head_sha, merge_base(base_sha, head_sha, cwd=cwd)


def _check_revisions(*revs: str) -> None:
    for rev in revs:
        if rev.startswith("-") or "..." in rev:
            raise GitError(f"not a revision: {rev!r}")


def pr_change(
    base: str, head: str, *, cwd: str | Path | None = None
) -> tuple[tuple[str, str, str], bytes] | None:
    """:func:`pr_range` and :func:`diff_range` of it, with the diff running while rev-parse
    answers (two git processes side by side, so neither waits for the other). None when ``cwd``
    is not inside a work tree; the errors are :func:`pr_range`'s, then the diff's."""
    _check_revisions(base, head)
    diff = _Running(["diff", *_DIFF_FLAGS, f"{base}...{head}", "--"], cwd)
    try:
        revs = pr_range(base, head, cwd=cwd)
    except BaseException:
        diff.cancel()
        raise
    if revs is None:
        diff.cancel()
        return None
    return revs, diff.result()


def diff_range(base: str, head: str, *, cwd: str | Path | None = None) -> bytes:
    """``git diff base...head``: the change head makes since it forked from base, like a PR."""
    return run(["diff", *_DIFF_FLAGS, f"{base}...{head}", "--"], cwd=cwd)


def diff_staged(*, base: str | None = None, cwd: str | Path | None = None) -> bytes:
    """The index against HEAD, or against ``base`` (``HEAD^`` for an amend, the empty tree)."""
    return run(["diff", "--cached", *_DIFF_FLAGS, *([base] if base else []), "--"], cwd=cwd)


def diff_between(old: str, new: str, *, cwd: str | Path | None = None) -> bytes:
    """Two-dot ``git diff old new``: exactly what ``new`` changes relative to ``old``."""
    return run(["diff", *_DIFF_FLAGS, old, new, "--"], cwd=cwd)


def worktree_tree(*, cwd: str | Path | None = None) -> str:
    """The work tree as git would commit it with ``git add -A`` (staged, unstaged and untracked
    files, minus ignored ones), written as a tree object: the index is left untouched.

    A scratch copy of the index keeps git's stat cache, so only changed files are hashed."""
    import shutil
    import tempfile

    index = run(["rev-parse", "--path-format=absolute", "--git-path", "index"], cwd=cwd)
    real = index.decode("utf-8", "surrogateescape").strip()
    with tempfile.TemporaryDirectory(prefix="reviewer-index-") as tmp:
        scratch = os.path.join(tmp, "index")
        if os.path.exists(real):
            # copy2 keeps the index's mtime: git trusts a cached entry only when the file is
            # older than the index ("racy git"); a fresh mtime would hide an edit made in the same
            # second as the last commit, with the same size (EUR -> USD)
            shutil.copy2(real, scratch)
        env = {"GIT_INDEX_FILE": scratch}
        run(["add", "-A"], cwd=cwd, env=env)  # no pathspec: the whole tree, from any folder
        return run(["write-tree"], cwd=cwd, env=env).decode().strip()


def head_commit(*, cwd: str | Path | None = None) -> str | None:
    """HEAD's commit id, or None in a repository without commits."""
    out = run(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], cwd=cwd, check=False)
    return out.decode().strip() or None


def commit_messages(base: str, head: str, *, cwd: str | Path | None = None) -> list[str]:
    """Messages of the commits in ``base..head``, oldest first."""
    out = run(["log", "--reverse", "--format=%B%x00", f"{base}..{head}", "--"], cwd=cwd)
    text = out.decode("utf-8", "replace")
    return [m.strip() for m in text.split("\x00") if m.strip()]


def show_file(rev: str, path: str, *, cwd: str | Path | None = None) -> bytes | None:
    """A file's bytes at a revision, or None when it does not exist there."""
    running = _Running(["cat-file", "blob", f"{rev}:{path}"], cwd)
    data = running.result(check=False)
    return data if running.ok else None


def _spec(rev: str, path: str) -> str:
    """A ``cat-file`` object name; a path with a line break is never sent (it stays unread)."""
    return f":0:{path}" if rev == INDEX else f"{rev}:{path}"


class BlobReader:
    """Reads many blobs through one ``git cat-file --batch`` process.

    ``rev`` may be a commit id or INDEX for staged content. Thread-safe; use as a context manager.
    """

    def __init__(self, cwd: str | Path | None = None) -> None:
        self._proc = _spawn(
            ["cat-file", "--batch"], cwd, stdin=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self._lock = threading.Lock()

    def read(self, rev: str, path: str) -> bytes | None:
        return self.read_objects([_spec(rev, path)])[0]

    def read_objects(self, specs: Sequence[str]) -> list[bytes | None]:
        """Many objects in few round trips: requests go out in batches (small enough for the
        pipe, so that git never waits on a reader that is still writing), answers are read after.
        """
        proc = self._proc
        assert proc.stdin is not None and proc.stdout is not None
        out: list[bytes | None] = [None] * len(specs)
        with self._lock:
            i = 0
            while i < len(specs):
                batch: list[int] = []
                payload = bytearray()
                while i < len(specs) and (not batch or len(payload) < _BATCH_BYTES):
                    line = specs[i].encode("utf-8", "surrogateescape")
                    if b"\n" not in line and b"\r" not in line:
                        payload += line + b"\n"
                        batch.append(i)
                    i += 1
                if not batch:
                    continue
                try:
                    proc.stdin.write(payload)
                    proc.stdin.flush()
                    for k in batch:
                        out[k] = _read_answer(proc.stdout)
                except (OSError, ValueError) as exc:
                    raise GitError(f"reading {specs[batch[0]]} from git failed: {exc}") from exc
        return out

    def done(self) -> None:
        """No more reads: git sees the end of its input and exits while we work; :meth:`close`
        then only collects it (no wait at the end of a review)."""
        stdin = self._proc.stdin
        if stdin is not None:
            with self._lock, contextlib.suppress(OSError):
                stdin.close()

    def close(self) -> None:
        proc = self._proc
        if proc.stdin is not None:  # also when git has exited already (not a repository)
            with contextlib.suppress(OSError):
                proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


#: bytes of requests written before reading answers: well under a pipe's 64 kB
_BATCH_BYTES = 16 * 1024


def _read_answer(stdout: IO[bytes]) -> bytes | None:
    header = stdout.readline()
    parts = header.split()
    if len(parts) != 3:  # "<spec> missing" / "ambiguous"
        return None
    data = stdout.read(int(parts[2]))
    stdout.read(1)  # the newline after the content
    return data if parts[1] == b"blob" else None


class GitBlobs:
    """Both sides of a change as a BlobSource: ``old`` at one revision, ``new`` at another (or INDEX)."""

    def __init__(self, reader: BlobReader, old_rev: str, new_rev: str) -> None:
        self._reader = reader
        self._revs = {"old": old_rev, "new": new_rev}

    def get(self, side: str, path: str) -> bytes | None:
        return self._reader.read(self._revs[side], path)

    def get_many(self, keys: Sequence[tuple[str, str]]) -> list[bytes | None]:
        return self._reader.read_objects([_spec(self._revs[side], path) for side, path in keys])


class ObjectBlobs:
    """A BlobSource for a diff read from a file: blobs by the ids of its ``index`` lines."""

    def __init__(self, reader: BlobReader, ids: dict[tuple[str, str], str]) -> None:
        self._reader = reader
        self._ids = ids  # (side, path) -> abbreviated blob id

    def get(self, side: str, path: str) -> bytes | None:
        return self.get_many([(side, path)])[0]

    def get_many(self, keys: Sequence[tuple[str, str]]) -> list[bytes | None]:
        # an id that is not hex is never sent (it would be read as a revision expression)
        specs = [self._ids.get(key) or "" for key in keys]
        specs = [b if b and all(c in "0123456789abcdef" for c in b) else "\n" for b in specs]
        return self._reader.read_objects(specs)


def inside_work_tree(cwd: str | Path | None = None) -> bool:
    out = run(["rev-parse", "--is-inside-work-tree"], cwd=cwd, check=False)
    return out.strip() == b"true"


def grep_words(rev: str, words: list[str], *, cwd: str | Path | None = None) -> dict[str, set[str]]:
    """Files at ``rev`` containing each whole word (``git grep -w -F``, one process for all)."""
    found: dict[str, set[str]] = {w: set() for w in words}
    if not words:
        return found
    args = ["grep", "-I", "-o", "-w", "-F", "--full-name", "-z"]
    for w in words:
        args += ["-e", w]
    args += [rev, "--"]
    out = run(args, cwd=cwd, check=False)
    prefix = f"{rev}:"
    for line in out.split(b"\n"):
        # with -z: "<rev>:<path>\0<match>"
        parts = line.split(b"\0")
        if len(parts) < 2:
            continue
        path = parts[0].decode("utf-8", "surrogateescape")
        path = path[len(prefix) :] if path.startswith(prefix) else path
        match = parts[-1].decode("utf-8", "surrogateescape")
        if match in found:
            found[match].add(path)
    return found


# --- refs, commits and paths (the commit hooks) ---------------------------------------------------


def verify_commit(rev: str, *, cwd: str | Path | None = None) -> str | None:
    """``rev``'s commit id, or None when it names no commit (``rev`` is never read as an option)."""
    if rev.startswith("-"):
        return None
    out = run(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
        cwd=cwd,
        check=False,
    )
    return out.decode().strip() or None


def parents(sha: str, *, cwd: str | Path | None = None) -> list[str]:
    out = run(["rev-list", "--parents", "-n", "1", sha, "--"], cwd=cwd).decode().split()
    return out[1:]


def symbolic_ref(ref: str, *, cwd: str | Path | None = None) -> str | None:
    out = run(["symbolic-ref", "--quiet", ref], cwd=cwd, check=False)
    return out.decode("utf-8", "replace").strip() or None


def short_ref(ref: str) -> str:
    """``refs/heads/main`` -> ``main`` (also remotes, tags and any ``refs/``)."""
    for prefix in ("refs/heads/", "refs/remotes/", "refs/tags/", "refs/"):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return ref


def current_branch(*, cwd: str | Path | None = None) -> str:
    """The checked-out branch's short name, or ``HEAD`` when detached."""
    out = run(["symbolic-ref", "--quiet", "--short", "HEAD"], cwd=cwd, check=False)
    return out.decode("utf-8", "replace").strip() or "HEAD"


def alias(name: str, *, cwd: str | Path | None = None) -> str | None:
    """The value of git alias ``name``, or None."""
    out = run(["config", "--get", f"alias.{name}"], cwd=cwd, check=False)
    return out.decode("utf-8", "replace").strip() or None


def git_paths(*names: str, cwd: str | Path | None = None) -> list[Path]:
    """``git rev-parse --git-path`` of each name, absolute: files in this worktree's git directory."""
    from pathlib import Path

    args = ["rev-parse", "--path-format=absolute"]
    for name in names:
        args += ["--git-path", name]
    out = run(args, cwd=cwd).decode("utf-8", "surrogateescape").splitlines()
    if len(out) != len(names):
        raise GitError(
            "git rev-parse --git-path gave an unexpected answer: is git older than 2.31?"
        )
    return [Path(p) for p in out]


@record
class Commit:
    sha: str
    parents: tuple[str, ...]
    message: str


def log_commits(base: str | None, head: str, *, cwd: str | Path | None = None) -> list[Commit]:
    """The commits in base..head (all of head's history when base is None), oldest first."""
    spec = [f"{base}..{head}"] if base else [head]
    out = run(
        ["log", "--topo-order", "--reverse", "--format=%H %P%x01%B%x00", *spec, "--"], cwd=cwd
    )
    commits = []
    for chunk in out.decode("utf-8", "replace").split("\x00"):
        head_part, sep, message = chunk.strip("\n").partition("\x01")
        if not sep:
            continue
        ids = head_part.split()
        commits.append(Commit(ids[0], tuple(ids[1:]), message.strip()))
    return commits
