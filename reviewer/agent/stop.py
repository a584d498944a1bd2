"""The Stop review: the work tree (staged, unstaged, untracked) against the user's prompts since
the session's base commit, and what to tell the agent or the user."""

from __future__ import annotations

import time
from collections.abc import Iterable

from .. import gate as gates
from .. import git
from ..commit_message import apply_answers, parse_answers
from ..config import AgentPolicy, Config
from ..errors import AgentError
from ..intent_store import IntentStore
from ..models import Question, Review, level_rank
from ..record import record
from .capture import Session, transcript_prompts

ALLOW, BLOCK, REPORT = "allow", "block", "report"
MAX_LISTED = 8


@record
class Checked:
    """A reviewed change and what the policy makes of it."""

    review: Review
    base: str
    action: str  # ALLOW, BLOCK or REPORT
    open: tuple[Question, ...]
    agent_may_answer: bool


def review_worktree(
    intent_text: str,
    base: str,
    *,
    answers: Iterable[str] = (),
    agent_reply: str | None = None,
    started: float | None = None,
) -> tuple[Review, Config] | None:
    """Review the work tree against ``base`` (a commit, or the empty tree); None when nothing
    changed. ``answers`` are texts whose ``Reviewer-Answer:`` lines always count (the user's
    prompts); ``agent_reply``'s count only where the policy lets the agent answer."""
    from ..diff import decode, parse_diff
    from ..hook_review import policy_before
    from ..intent import parse_intent
    from ..pipeline import review_change

    started = time.perf_counter() if started is None else started
    tree = git.worktree_tree()
    raw = git.diff_between(base, tree)
    if not raw.strip():
        return None
    reader = git.BlobReader()
    try:
        # the policy from before the session: an agent cannot relax the review of its own change
        config = policy_before(None, None if base == git.EMPTY_TREE else base, reader)
        diff = parse_diff(decode(raw))
        intent = parse_intent(intent_text, source="prompt")
        result = review_change(
            diff, intent, config, blobs=git.GitBlobs(reader, base, tree), started=started
        )
    finally:
        reader.close()
    result, _ = apply_answers(result, parse_answers(answers))
    if agent_reply and may_answer(result, config.agent):
        result, _ = apply_answers(result, parse_answers([agent_reply]))
    return result, config


def may_answer(review: Review, policy: AgentPolicy) -> bool:
    """Whether the agent's own reply may answer this review's questions."""
    limit = policy.agent_may_answer
    return limit != "never" and level_rank(review.blast_radius.level) <= level_rank(limit)


def decide(
    review: Review, policy: AgentPolicy, *, again: bool, already: set[str]
) -> tuple[str, tuple[Question, ...]]:
    """ALLOW (nothing open), BLOCK (send the agent back once) or REPORT (tell the user).

    Whether the review blocks is ``gate.decide`` under ``fail_on = "mismatch"`` and the policy's
    ``block_at``; the agent is sent back only with open questions."""
    gate = gates.decide(review, "mismatch", block_at=policy.block_at)
    open_ = gate.open
    if not open_:
        return ALLOW, ()
    if not gate.blocked or policy.mode != "block":
        return REPORT, open_
    # one round only: a question already sent back goes to the user, never back to the agent
    if again or {q.id for q in open_} <= already:
        return REPORT, open_
    return BLOCK, open_


def intent_for(session: Session, transcript: str | None) -> tuple[str, list[str]]:
    """The intent text (the branch's recorded intent and the session's prompts) and the prompts
    themselves (their answers count). Without recorded prompts, the transcript's."""
    prompts = session.prompts
    if not prompts and transcript:
        prompts = [p for p in transcript_prompts(transcript) if not session.is_ours(p)]
    recorded = IntentStore.here().get()
    parts = [str(recorded["text"])] if recorded else []
    parts += [p for p in prompts if not parts or p not in parts[0]]
    return "\n\n".join(parts), prompts


def check(
    session: Session, *, transcript: str | None, again: bool, last_message: str | None
) -> Checked | None:
    started = time.perf_counter()
    base = session.start()
    text, prompts = intent_for(session, transcript)
    if not text.strip():
        raise AgentError(
            "no prompt was recorded for this session and none could be read from a transcript: "
            "install the prompt hook (reviewer agent install) or record the intent with "
            "`reviewer intent set`"
        )
    done = review_worktree(text, base, answers=prompts, agent_reply=last_message, started=started)
    if done is None:
        return None
    review, config = done
    action, open_ = decide(review, config.agent, again=again, already=session.blocked)
    return Checked(review, base, action, open_, may_answer(review, config.agent))


# --- what the agent and the user read ----------------------------------------------------------


def block_reason(checked: Checked) -> str:
    """What the agent reads when it is sent back: what is out of scope, what is risky, the
    questions, and how to resolve them."""
    r = checked.review
    lines = [
        f"intent-review: this change does more than the user asked "
        f"({r.verdict.upper()}, blast radius {r.blast_radius.level.upper()}). "
        "Resolve it before you finish.",
        f"The user asked: {_quote(r.intent.text)}",
    ]
    oos = [fr for fr in r.files if not fr.explained]
    if oos:
        lines.append("Changed but not asked for (compared with the session's base commit):")
        for fr in oos[:MAX_LISTED]:
            kinds = ", ".join(fr.scope.change_kinds)
            lines.append(f"  - {fr.scope.path} ({fr.scope.status}{'; ' + kinds if kinds else ''})")
        if len(oos) > MAX_LISTED:
            lines.append(f"  - ... and {len(oos) - MAX_LISTED} more")
    risky = [
        f for f in r.findings if not f.licensed and f.severity in ("medium", "high", "critical")
    ]
    if risky:
        lines.append("Risky changes:")
        for f in risky[:MAX_LISTED]:
            where = f" ({f.path}{':' + str(f.line) if f.line else ''})" if f.path else ""
            lines.append(f"  - {f.severity.upper()} {f.rule} {f.title}{where}")
        if len(risky) > MAX_LISTED:
            lines.append(f"  - ... and {len(risky) - MAX_LISTED} more")
    lines.append("Questions:")
    for q in checked.open[:MAX_LISTED]:
        lines.append(f"  - {q.id}: {q.text}")
    first = checked.open[0].id
    revert = f"git restore --source={checked.base[:12]} --staged --worktree -- <path>"
    if checked.base == git.EMPTY_TREE:
        revert = "git rm --cached <path> and delete the file"
    lines.append("What to do:")
    lines.append(
        f"  1. If the user did not ask for a change listed above, revert it ({revert}; "
        "delete files you added) and finish."
    )
    if checked.agent_may_answer:
        lines.append(
            "  2. If the change is needed, say in your reply what it does and why, and answer "
            f'each question on its own line: "Reviewer-Answer: {first} <what you checked, in a '
            'sentence>".'
        )
    else:
        lines.append(
            "  2. If the change is needed, do not answer these questions yourself (the blast "
            "radius is too high for that): state in your reply exactly what the change does and "
            "ask the user to confirm. The user answers in their next prompt, by asking for the "
            f'change in so many words or with "Reviewer-Answer: {first} <answer>".'
        )
    return "\n".join(lines)


def user_report(checked: Checked) -> str:
    """What the user sees when the agent finishes with questions still open."""
    r = checked.review
    lines = [
        f"intent-review: {r.verdict.upper()} · blast radius {r.blast_radius.level.upper()} · "
        f"{len(checked.open)} open question(s) on the agent's change:"
    ]
    for q in checked.open[:MAX_LISTED]:
        lines.append(f"  - {q.id}: {q.text}")
    if r.out_of_scope_paths:
        shown = ", ".join(r.out_of_scope_paths[:MAX_LISTED])
        lines.append(f"Not asked for: {shown}")
    lines.append(
        'Answer in your next prompt ("Reviewer-Answer: <id> <answer>"), or ask the agent to '
        "revert what you did not ask for."
    )
    return "\n".join(lines)


def _quote(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return f'"{flat if len(flat) <= limit else flat[: limit - 3] + "..."}"'
