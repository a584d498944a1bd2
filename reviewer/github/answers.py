"""The state's answers and sign-offs, re-verified against the conversation and updated from it. Pure
apart from the permission look-ups done through ``People``."""

from __future__ import annotations

from ..models import Question, Review
from ..record import field, record, replace
from . import slash
from .event import Comment
from .people import People
from .state import Answer, SignOff, State


@record(frozen=False, slots=False)
class Ledger:
    answers: dict[str, Answer]
    signoffs: list[SignOff]
    #: replies to post for the comment that triggered this run (rejected commands)
    replies: list[str] = field(default_factory=list)
    #: what happened to the triggering comment's commands, for the log and the summary
    log: list[str] = field(default_factory=list)
    rerun: bool = False


def is_bot(comment: Comment, bots: frozenset[str]) -> bool:
    """Any bot (or one of our own logins): its commands are never obeyed."""
    return (
        comment.user_type == "Bot"
        or comment.login.lower() in bots
        or comment.login.endswith("[bot]")
    )


def is_ours(comment: Comment, own: frozenset[str]) -> bool:
    """Written by this reviewer's own login (``<slug>[bot]`` for the App, ``github-actions[bot]``
    for the Action, the token's user for a personal token): only such comments are ever edited or
    deleted. Another bot that quotes our marker is someone else."""
    return comment.login.lower() in own


def reconcile(
    prior: State | None,
    comments: list[Comment],
    *,
    questions: set[str],
    head: str,
    people: People,
    trigger: Comment | None,
    bots: frozenset[str],
    watermark: int = 0,
) -> Ledger:
    """Verify the prior state's facts against their sources, then replay the conversation.

    Answers come from ``/answer`` comments by the PR author or a writer; the newest comment per
    question wins; a deleted comment withdraws its answer. Sign-offs by comment are only taken from
    the triggering comment and, from the prior state, only while their comment is unedited and the
    head is the same; either way the comment must have been written after ``head`` was first
    reviewed (its id above ``watermark``, see state.py). The triggering comment is read from
    ``comments`` (as the API has it now), never from the event payload: a replayed payload may be
    older than the comment, or the comment may be gone.
    """
    by_id = {c.id: c for c in comments}
    parsed = {c.id: slash.parse(c.body) for c in comments if "/" in c.body and not is_bot(c, bots)}
    ledger = Ledger(answers={}, signoffs=[])
    if trigger is not None and trigger.id not in by_id:
        ledger.log.append(f"the comment {trigger.id} that started this run is gone: ignored")
        trigger = None
    if trigger is not None and not is_bot(by_id[trigger.id], bots):
        parsed[trigger.id] = slash.parse(by_id[trigger.id].body)

    # 1. what the prior state says, kept only where the source record still says the same
    for a in prior.answers if prior else ():
        source = by_id.get(a.comment)
        if source is None or source.login.lower() != a.by.lower():
            continue
        current = next(
            (
                c
                for c in parsed.get(a.comment, [])
                if c.kind == "answer" and c.question == a.question and not c.problem
            ),
            None,
        )
        if current is not None:
            ledger.answers[a.question] = replace(a, text=current.text)
    for s in prior.signoffs if prior else ():
        if s.comment is None or s.head != head or s.comment <= watermark:
            continue  # review approvals are re-read from GitHub; other heads need a new sign-off
        source = by_id.get(s.comment)
        if (
            source is not None
            and not source.edited
            and source.login.lower() == s.by.lower()
            and any(c.kind == "signoff" for c in parsed.get(s.comment, []))
            and people.can_sign_off(s.by)
        ):
            ledger.signoffs.append(s)

    # 2. replay the conversation, oldest first
    for cid in sorted(parsed):
        comment = by_id[cid]
        mine = trigger is not None and cid == trigger.id
        for cmd in parsed[cid]:
            _apply(
                ledger,
                cmd,
                comment,
                mine=mine,
                questions=questions,
                head=head,
                people=people,
                watermark=watermark,
            )
    ledger.answers = {q: a for q, a in ledger.answers.items() if q in questions}
    return ledger


def _apply(
    ledger: Ledger,
    cmd: slash.Command,
    comment: Comment,
    *,
    mine: bool,
    questions: set[str],
    head: str,
    people: People,
    watermark: int = 0,
) -> None:
    who = comment.login
    if cmd.kind == "review":
        if mine and people.can_command(who):
            ledger.rerun = True
            ledger.log.append(f"/review by {who}")
        return
    if cmd.kind == "signoff":
        if not mine:
            return
        if comment.edited:
            ledger.log.append(f"/signoff by {who} ignored: the comment was edited")
        elif comment.id <= watermark:
            # written before this head was reviewed: the senior saw an older head, not this one
            ledger.log.append(f"/signoff by {who} ignored: written before {head[:12]} was reviewed")
            if people.can_sign_off(who):
                ledger.replies.append(
                    f"@{who} this `/signoff` was written before the review of {head[:12]}, the "
                    "current head: it does not sign off this head. Read the review and sign off again."
                )
        elif not people.can_sign_off(who):
            ledger.log.append(f"/signoff by {who} ignored: not a senior reviewer of this change")
            if people.can_command(who) and not people.is_author(who):
                ledger.replies.append(
                    f"@{who} only a senior reviewer other than the author can sign off."
                )
        elif not any(s.by.lower() == who.lower() for s in ledger.signoffs):
            ledger.signoffs.append(
                SignOff(by=who, at=comment.created_at, head=head, comment=comment.id)
            )
            ledger.log.append(f"/signoff by {who} recorded")
        return
    qid = cmd.question or ""
    existing = ledger.answers.get(qid)
    if existing is not None and existing.comment > comment.id:
        return  # a newer answer already stands
    if (
        existing is not None
        and existing.comment == comment.id
        and existing.by.lower() == who.lower()
    ):
        return  # verified above, text refreshed from the (possibly edited) comment
    if not people.can_command(who):
        if mine:
            ledger.log.append(f"/answer by {who} ignored: neither the author nor a writer")
        return
    if cmd.problem or qid not in questions:
        if mine:
            why = cmd.problem or f"there is no open question `{qid}` on this pull request"
            ledger.replies.append(f"@{who} answer not recorded: {why}.")
            ledger.log.append(f"/answer {qid or '?'} by {who} rejected: {why}")
        return
    ledger.answers[qid] = Answer(
        qid, cmd.text, who, comment.updated_at or comment.created_at, comment.id
    )
    if mine:
        ledger.log.append(f"/answer {qid} by {who} recorded")


def apply_answers(review: Review, answers: dict[str, Answer]) -> Review:
    from ..questions import answer_for

    def answered(q: Question) -> Question:
        a = answer_for(q, answers)
        return q if a is None else replace(q, answered=True, answer=f"{a.text} — @{a.by}")

    return replace(review, questions=tuple(answered(q) for q in review.questions))


def unanswered(questions: tuple[Question, ...]) -> list[Question]:
    return [q for q in questions if not q.answered]
