"""Which merged changes were later reverted or hot-fixed: the evidence that a block was not noise.

An estimate, from commit text and paths only: a change counts as followed up when a later commit
reverts it (``This reverts commit <sha>``, ``Revert "<its subject>"``, ``Revert #<its PR>``), or
when, within a few days, a later change names it (its PR number or commit id) or calls itself a
hot-fix, a regression fix or a rollback and touches one of its files.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..record import record
from ..rx import lazy
from .changes import Change, first_parent_files, later_messages, pr_number

_REVERTS_SHA = lazy(r"\bThis reverts commit ([0-9a-f]{7,40})\b")
_REVERT_SUBJECT = lazy(r'^Revert "(.+)"\s*(?:\(#\d+\))?\s*$')
_REVERT_PR = lazy(r"^Revert(?:s|ed)?\b.*?(?:PR\s*|pull request\s*|)#(\d+)\b", re.I)
_HOTFIX = lazy(
    r"\b(hot-?fix(es|ed)?|regressions?|roll(ed|s)?[ -]?back|revert(s|ed)?|broken by|breakage"
    r"|fix(es|ed)? (the )?(build|crash|outage))\b",
    re.I,
)


@record
class FollowUp:
    how: str  # "reverted" or "hot-fixed"
    by: str  # the commit that did it

    def to_dict(self) -> dict[str, str]:
        return {"how": self.how, "by": self.by}


def find_followups(
    repo: str, changes: Sequence[Change], tip: str, *, days: int = 7
) -> dict[str, FollowUp]:
    """``{change sha: FollowUp}`` for the changes later reverted or hot-fixed (up to ``tip``)."""
    if not changes:
        return {}
    first = changes[0]
    start = first.parents[0] if first.parents else None
    by_sha = {c.sha: c for c in changes}
    # a revert names the merge commit, or the merged branch's head
    heads = {c.parents[1]: c for c in changes if len(c.parents) > 1}
    by_subject = {c.subject: c for c in changes}
    by_pr = {c.pr: c for c in changes if c.pr is not None}
    found: dict[str, FollowUp] = {}

    def mark(change: Change | None, how: str, by: str, when: int) -> None:
        if change is not None and change.sha != by and when >= change.time:
            found.setdefault(change.sha, FollowUp(how, by))

    for sha, when, message in later_messages(repo, first.sha, tip):
        subject = message.split("\n", 1)[0].strip()
        for prefix in _REVERTS_SHA.findall(message):
            target = _by_prefix(prefix, by_sha) or _by_prefix(prefix, heads)
            mark(target, "reverted", sha, when)
        m = _REVERT_SUBJECT.match(subject)
        if m:
            mark(by_subject.get(m.group(1)), "reverted", sha, when)
        m = _REVERT_PR.match(subject)
        if m:
            mark(by_pr.get(int(m.group(1))), "reverted", sha, when)

    window = days * 86400
    touched = first_parent_files(repo, start, tip)
    files = {sha: set(paths) for sha, _t, _s, paths in touched}
    for sha, when, subject, paths in touched:
        named = _named(subject, by_pr, by_sha)
        hot = bool(_HOTFIX.search(subject))
        for c in changes:
            if c.sha == sha or not (0 <= when - c.time <= window):
                continue
            if c in named or (hot and files.get(c.sha, set()) & set(paths)):
                mark(c, "hot-fixed", sha, when)
    return found


def _by_prefix(prefix: str, table: dict[str, Change]) -> Change | None:
    if prefix in table:
        return table[prefix]
    hits = [c for sha, c in table.items() if sha.startswith(prefix)]
    return hits[0] if len(hits) == 1 else None


def _named(subject: str, by_pr: dict[int, Change], by_sha: dict[str, Change]) -> list[Change]:
    """The changes a follow-up's subject names by PR number (``#12`` other than its own) or id."""
    own = pr_number(subject)
    out = [
        by_pr[int(n)] for n in re.findall(r"#(\d+)\b", subject) if int(n) in by_pr and int(n) != own
    ]
    for word in re.findall(r"\b[0-9a-f]{7,40}\b", subject):
        c = _by_prefix(word, by_sha)
        if c is not None:
            out.append(c)
    return out
