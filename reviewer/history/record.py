"""Recording from the local surfaces: ``reviewer review --record DB`` and the hooks' ``--record``.

A review is recorded after it is shown; a history that cannot be written is a warning on stderr,
never a changed verdict or exit code.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import git
from ..errors import ReviewerError
from .feedback import parse_dismiss_trailers
from .store import Answer, ReviewMeta, now, record_review

if TYPE_CHECKING:
    from ..config import Config
    from ..models import Review


def record_cli_review(
    db: str,
    review: Review,
    *,
    repo: str | None,
    head: str | None,
    blocked: bool,
    config: Config,
) -> int | None:
    """Record a ``reviewer review`` run; returns the row id (None when it could not)."""
    where = _repository(repo)
    meta = ReviewMeta(
        surface="cli",
        repository=where,
        ref=_branch(repo) if where else None,
        commit=head,
        author=_author(repo) if where else None,
        blocked=blocked,
        policy=config.source,
    )
    return _safely(db, review, meta)


def record_hook_review(
    db: str,
    review: Review,
    *,
    messages: Sequence[str],
    rejected: Sequence[tuple[str, str, str]],
    blocked: bool,
    commit: str | None,
    config: Config,
) -> int | None:
    """Record a hook's review with what its commit messages say: the answers (accepted, and the
    refused ones with why), and the ``Reviewer-Dismiss:`` feedback."""
    author = _author(None)
    at = now()
    answers = [
        Answer(q.id, q.answer or "", True, by=author, at=at) for q in review.questions if q.answered
    ] + [Answer(qid, text, False, reason=why, by=author, at=at) for qid, text, why in rejected]
    meta = ReviewMeta(
        surface="hook",
        repository=_repository(None),
        ref=_branch(None),
        commit=commit,
        author=author,
        blocked=blocked,
        recorded_at=at,
        answers=tuple(answers),
        dismissals=tuple(parse_dismiss_trailers(messages, by=author)),
        policy=config.source,
    )
    return _safely(db, review, meta)


def _safely(db: str, review: Review, meta: ReviewMeta) -> int | None:
    try:
        return record_review(db, review, meta)
    except ReviewerError as exc:
        with contextlib.suppress(OSError):
            sys.stderr.write(f"reviewer: warning: not recorded: {exc}\n")
        return None


def _repository(repo: str | None) -> str | None:
    """The repository's name: ``owner/name`` of a GitHub origin, else its folder's name."""
    from .pulls import github_repo_of

    try:
        top = git.toplevel(repo)
    except ReviewerError:
        return None
    url = git.run(["config", "--get", "remote.origin.url"], cwd=top, check=False)
    return github_repo_of(url.decode("utf-8", "replace")) or os.path.basename(top)


def _branch(repo: str | None) -> str | None:
    out = git.run(["symbolic-ref", "--quiet", "--short", "HEAD"], cwd=repo, check=False)
    return out.decode("utf-8", "replace").strip() or None


def _author(repo: str | None) -> str | None:
    out = git.run(["var", "GIT_AUTHOR_IDENT"], cwd=repo, check=False).decode("utf-8", "replace")
    name = out.rsplit("<", 1)[0].strip()
    return name or None
