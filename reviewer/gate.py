"""Whether a review blocks: the one answer for the CLI, the commit hooks, the Action, the App and the
agent hooks.

A review **reaches** ``fail_on`` when it requires answers (a mismatch, or a critical blast radius,
with questions) or when its verdict or blast radius crosses the threshold by itself: ``mismatch`` a
mismatch verdict, ``drift`` any verdict but aligned, ``high`` a high or critical blast radius.
``block_at`` (the agent hooks' level) adds a blast-radius threshold. The questions the gate counts
are the rules' questions; a question about an LLM finding is advisory everywhere: its id comes from
the model's wording, so an answer to it cannot be matched on the next run.

====================  ===========================================  =======
fail_on "never"       anything                                     passes
the review reaches    a counted question is unanswered             blocks
fail_on               every counted question is answered           passes
                      no counted question (none, or only the
                      LLM's), no sign-off                          blocks
                      no counted question, signed off              passes
it does not reach it  (whatever the questions)                     passes
a sign-off is         and none given (unless fail_on "never")      blocks
required
====================  ===========================================  =======

Only the GitHub flow has sign-offs (an AI-assisted change with a high blast radius requires one;
any senior's sign-off releases a review that has nothing to answer). The CLI takes no answers, so
for ``reviewer review`` a review blocks exactly when it reaches ``fail_on``. The agent hooks send the
agent back only with open questions: a blocking review with nothing to answer is left to the
commit hooks and the pull request.
"""

from __future__ import annotations

from .models import Question, Review, level_rank
from .record import record

FAIL_ON = ("never", "mismatch", "drift", "high")


@record(slots=False)
class Gate:
    blocked: bool
    reasons: tuple[str, ...] = ()
    #: the counted questions still unanswered (advisory LLM questions are not among them)
    open: tuple[Question, ...] = ()
    signoff_required: bool = False
    signed_off_by: tuple[str, ...] = ()

    @property
    def conclusion(self) -> str:
        return "action_required" if self.blocked else "success"


def counted(review: Review) -> tuple[Question, ...]:
    """The questions the gate counts: all but those about the LLM's findings."""
    llm = {f.id for f in review.findings if f.source == "llm"}
    return tuple(q for q in review.questions if q.finding not in llm)


def reaches(review: Review, fail_on: str, *, block_at: str | None = None) -> bool:
    """Whether the review is one that must be faced before it goes in (see the module docstring)."""
    if fail_on == "never":
        return False
    level = level_rank(review.blast_radius.level)
    return (
        review.requires_answers
        or (fail_on == "mismatch" and review.verdict == "mismatch")
        or (fail_on == "drift" and review.verdict != "aligned")
        or (fail_on == "high" and level >= level_rank("high"))
        or (block_at not in (None, "never") and level >= level_rank(block_at))
    )


def decide(
    review: Review,
    fail_on: str,
    *,
    block_at: str | None = None,
    signoff_required: bool = False,
    signed_off_by: tuple[str, ...] = (),
) -> Gate:
    """Whether ``review`` blocks under ``fail_on``, with the reasons when it does."""
    asked = counted(review)
    open_ = tuple(q for q in asked if not q.answered)
    reasons: list[str] = []
    if fail_on != "never":
        if reaches(review, fail_on, block_at=block_at):
            if open_:
                reasons.append(f"{len(open_)} of {len(review.questions)} question(s) unanswered")
            elif not asked and not signed_off_by:
                reasons.append(
                    f"the review reaches fail-on ({fail_on}) with no question to answer: "
                    "a sign-off is needed"
                )
        if signoff_required and not signed_off_by:
            reasons.append(
                "AI-assisted change with a high blast radius: a senior sign-off is missing"
            )
    return Gate(bool(reasons), tuple(reasons), open_, signoff_required, signed_off_by)
