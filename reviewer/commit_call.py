"""What the ``git commit`` running a hook was asked to do (``--amend``, ``--allow-empty-message``):
git does not tell hooks, so it is read from the parent processes' command lines (Linux ``/proc``)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from . import git
from .record import record

_GIT_OPTS_WITH_VALUE = frozenset(
    {"-c", "-C", "--git-dir", "--work-tree", "--namespace", "--config-env", "--super-prefix"}
)
_NOT_ALIASES = frozenset(
    {"merge", "rebase", "cherry-pick", "revert", "am", "pull", "stash", "commit-tree"}
)


@record
class CommitCall:
    """What the ``git commit`` running this hook was asked to do (what git does not tell hooks)."""

    amend: bool = False
    allow_empty_message: bool = False


def commit_call() -> CommitCall | None:
    """The options of the nearest ``git commit`` ancestor, read from /proc (Linux); None when the
    hook does not run under ``git commit`` or there is no /proc (then the staged change is reviewed
    alone; the pre-push hook still sees an amended commit whole)."""
    pid = os.getppid()
    for _ in range(12):
        if pid <= 1:
            return None
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            stat = Path(f"/proc/{pid}/stat").read_bytes()
        except OSError:
            return None
        words = [a.decode("utf-8", "surrogateescape") for a in argv]
        while words and not words[-1]:
            words.pop()
        args = git_commit_args(words)
        if args is not None:
            return parse_commit_args(args)
        if words and os.path.basename(words[0]) in ("git", "git.exe"):
            return None  # another git command (merge, rebase ...) made this commit
        try:
            pid = int(stat.rsplit(b")", 1)[1].split()[1])
        except (IndexError, ValueError):
            return None
    return None


def git_commit_args(
    argv: list[str], *, aliases: Mapping[str, str] | None = None
) -> list[str] | None:
    """The arguments after ``commit`` when ``argv`` is a ``git commit`` (or an alias of it) call."""
    if not argv or os.path.basename(argv[0]) not in ("git", "git.exe"):
        return None
    i = 1
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in _GIT_OPTS_WITH_VALUE else 1
    if i >= len(argv):
        return None
    sub, rest = argv[i], argv[i + 1 :]
    if sub == "commit":
        return rest
    if sub in _NOT_ALIASES or not re.fullmatch(r"[\w.-]+", sub):
        return None
    value = aliases.get(sub) if aliases is not None else git.alias(sub)
    if not value or value.startswith("!"):
        return None
    import shlex

    try:
        words = shlex.split(value)
    except ValueError:
        return None
    return words[1:] + rest if words and words[0] == "commit" else None


def parse_commit_args(args: list[str]) -> CommitCall:
    """``--amend`` and ``--allow-empty-message``, as git's option parser reads them (unique prefixes,
    ``--no-`` negation, the last one wins, nothing after ``--``)."""
    amend = allow_empty_message = False
    for word in args:
        if word == "--":
            break
        if len(word) >= 4 and "--amend".startswith(word):
            amend = True
        elif word == "--no-amend":
            amend = False
        elif len(word) > len("--allow-empty") and "--allow-empty-message".startswith(word):
            allow_empty_message = True
        elif word == "--no-allow-empty-message":
            allow_empty_message = False
    return CommitCall(amend=amend, allow_empty_message=allow_empty_message)
