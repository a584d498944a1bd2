"""A repository's merged changes: the first-parent commits of a branch (merges and squashes), and
the intent each one stated (its own message, the merged commits' messages, or its PR text)."""

from __future__ import annotations

from collections.abc import Sequence

from .. import git
from ..record import record
from ..rx import lazy

#: GitHub's merge subject, and the "(#123)" a squash merge appends to the PR title
_MERGE_PR_RE = lazy(r"^Merge pull request #(\d+) from \S+")
_SQUASH_PR_RE = lazy(r"\(#(\d+)\)\s*$")
#: a merge message that says nothing about the change itself
_BARE_MERGE_RE = lazy(
    r"^(Merge (pull request #\d+ from \S+|branch '[^']*'( of \S+)?( into \S+)?|remote-tracking branch \S+( into \S+)?|(tag|commit) \S+( into \S+)?))\s*$"
)
_SEP, _END = "\x1f", "\x1e"


@record
class Change:
    """One merged change as ``git log --first-parent`` lists it."""

    sha: str
    parents: tuple[str, ...]
    time: int  # committer time, seconds since the epoch
    author: str
    subject: str

    @property
    def merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def pr(self) -> int | None:
        return pr_number(self.subject)


def pr_number(subject: str) -> int | None:
    """The pull request a merge or squash subject names (``Merge pull request #12 ...``,
    ``Title (#12)``), or None."""
    m = _MERGE_PR_RE.match(subject) or _SQUASH_PR_RE.search(subject)
    return int(m.group(1)) if m else None


def list_changes(
    repo: str,
    *,
    rev: str = "HEAD",
    since: str | None = None,
    until: str | None = None,
    max_count: int | None = None,
) -> list[Change]:
    """The first-parent changes of ``rev``, oldest first: every merge and every squash or direct
    commit on the branch, within ``since``/``until`` (git date expressions), the newest
    ``max_count`` of them."""
    args = ["log", "--first-parent", f"--format=%H{_SEP}%P{_SEP}%ct{_SEP}%an{_SEP}%s{_END}"]
    if since:
        args.append(f"--since={since}")
    if until:
        args.append(f"--until={until}")
    if max_count is not None:
        args.append(f"--max-count={max_count}")
    args += ["--end-of-options", git.resolve(rev, cwd=repo), "--"]
    out = git.run(args, cwd=repo).decode("utf-8", "replace")
    changes = []
    for chunk in out.split(_END):
        parts = chunk.strip("\n").split(_SEP)
        if len(parts) != 5:
            continue
        sha, parents, ctime, author, subject = parts
        changes.append(Change(sha, tuple(parents.split()), int(ctime or 0), author, subject))
    changes.reverse()
    return changes


@record
class ChangeText:
    """What a backtest needs of one commit besides its diff."""

    sha: str
    parents: tuple[str, ...]
    time: int
    author: str
    message: str


def read_change(repo: str, commit: str) -> ChangeText:
    """The commit's parents, time, author and full message (one git process)."""
    out = git.run(
        ["log", "-1", f"--format=%H{_SEP}%P{_SEP}%ct{_SEP}%an{_SEP}%B", "--end-of-options", commit],
        cwd=repo,
    ).decode("utf-8", "replace")
    sha, parents, ctime, author, message = out.split(_SEP, 4)
    return ChangeText(sha, tuple(parents.split()), int(ctime or 0), author, message.strip())


def stated_intent(repo: str, change: ChangeText) -> str:
    """The change's own message; for a merge whose message only names the branch, the merged
    commits' messages after it (what the author said, commit by commit)."""
    message = change.message
    if len(change.parents) < 2:
        return message
    lines = [line for line in message.splitlines() if line.strip()]
    if lines and _BARE_MERGE_RE.match(lines[0]) and len(lines) == 1:
        merged = git.commit_messages(change.parents[0], change.parents[1], cwd=repo)
        return "\n\n".join([message, *merged[-20:]])
    return message


def later_messages(repo: str, start: str, tip: str) -> Sequence[tuple[str, int, str]]:
    """``(sha, time, message)`` of every commit in ``start..tip`` (all parents), newest first."""
    out = git.run(
        ["log", f"--format=%H{_SEP}%ct{_SEP}%B{_END}", f"{start}..{tip}", "--"], cwd=repo
    ).decode("utf-8", "replace")
    found = []
    for chunk in out.split(_END):
        parts = chunk.strip("\n").split(_SEP, 2)
        if len(parts) == 3:
            found.append((parts[0], int(parts[1] or 0), parts[2]))
    return found


def first_parent_files(
    repo: str, start: str | None, tip: str
) -> Sequence[tuple[str, int, str, tuple[str, ...]]]:
    """``(sha, time, subject, paths)`` of each first-parent change in ``start..tip`` (all of
    ``tip``'s when ``start`` is None), as the change itself touched them (a merge against its
    first parent)."""
    out = git.run(
        [
            "log",
            "--first-parent",
            "--diff-merges=first-parent",
            "--name-only",
            f"--format={_END}%H{_SEP}%ct{_SEP}%s",
            f"{start}..{tip}" if start else tip,
            "--",
        ],
        cwd=repo,
    ).decode("utf-8", "replace")
    found = []
    for chunk in out.split(_END):
        head, _, rest = chunk.partition("\n")
        parts = head.split(_SEP, 2)
        if len(parts) != 3:
            continue
        paths = tuple(p for p in rest.splitlines() if p.strip())
        found.append((parts[0], int(parts[1] or 0), parts[2], paths))
    return found
