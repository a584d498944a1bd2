"""The review history from the Action and the App: each review, its answers, sign-offs and
``/dismiss <finding-id> <reason>`` feedback, into the SQLite history ``reviewer stats`` reads.

Recording is best effort: a history that cannot be written is a note on the review, never a lost
review or a changed gate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .answers import is_bot

if TYPE_CHECKING:
    from .flow import Outcome, Settings


def record(outcome: Outcome, settings: Settings, *, surface: str) -> None:
    """Write ``outcome`` to ``settings.history_db`` when one is configured."""
    if not settings.history_db or outcome.review is None or outcome.pr is None:
        return
    from ..history.feedback import parse_dismiss_command
    from ..history.store import Answer, ReviewMeta, record_review

    pr = outcome.pr
    dismissals = []
    for comment in outcome.comments:
        if is_bot(comment, settings.bot_logins):
            continue
        found = parse_dismiss_command(comment.body, by=comment.login)
        if found is not None:
            dismissals.append(found)
    ledger = outcome.ledger
    answers = tuple(
        Answer(question=a.question, text=a.text, accepted=True, by=a.by, at=a.at)
        for a in (ledger.answers.values() if ledger is not None else ())
    )
    meta = ReviewMeta(
        surface=surface,
        repository=pr.repo,
        commit=pr.head_sha,
        pr=pr.number,
        author=pr.author,
        ai_assisted=outcome.assistance.detected if outcome.assistance is not None else None,
        blocked=outcome.gate.blocked if outcome.gate is not None else None,
        answers=answers,
        dismissals=tuple(dismissals),
        signed_off_by=outcome.gate.signed_off_by if outcome.gate is not None else (),
        policy=outcome.config.source if outcome.config is not None else None,
    )
    try:
        record_review(settings.history_db, outcome.review, meta)
    except Exception as exc:  # the history is a side record: the review itself must go out
        outcome.notes.append(f"could not record the review history ({type(exc).__name__}: {exc})")
