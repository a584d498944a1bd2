"""``reviewer/gate.py``: the block decision of every surface, as a table, and what it changed."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from reviewer import gate
from reviewer.agent.stop import decide as agent_decide
from reviewer.config import AgentPolicy
from reviewer.intent import parse_intent
from reviewer.models import BlastRadius, Finding, Question, Review

RULES = Finding(id="RV201-a", rule="RV201", severity="high", title="deletes x")
LLM = Finding(id="RV900-b", rule="RV900", severity="medium", title="may break y", source="llm")

#: the questions a review asks: the rules' question (open or answered), the LLM's (about its finding)
QUESTIONS = {
    "none": (),
    "open": (Question("QRULES", RULES.id, "?"),),
    "answered": (Question("QRULES", RULES.id, "?", answered=True, answer="checked it"),),
    "llm-open": (Question("QLLM", LLM.id, "?"),),
    "llm-answered": (Question("QLLM", LLM.id, "?", answered=True, answer="checked it"),),
    "answered+llm-open": (
        Question("QRULES", RULES.id, "?", answered=True, answer="checked it"),
        Question("QLLM", LLM.id, "?"),
    ),
}

#: requires: the review requires answers (a mismatch or a critical blast radius, with questions);
#: over: the verdict or blast radius reaches fail_on by itself. signoff: - (not required), missing
#: (required, none given), given (required and given). 1 = blocks; fail_on "never" never blocks.
#: gate: every surface now; cli, hook, flow: what each decided before reviewer/gate.py (the CLI
#: ignores sign-offs and the hook has none: their "before" is only meaningful on "-" rows).
# requires over  questions          signoff  gate  cli hook flow (before)
TABLE = """
no       no    answered           -        0     0   0    0
no       no    answered           given    0     0   0    0
no       no    answered           missing  1     0   0    1
no       no    answered+llm-open  -        0     0   0    0
no       no    answered+llm-open  given    0     0   0    0
no       no    answered+llm-open  missing  1     0   0    1
no       no    llm-answered       -        0     0   0    0
no       no    llm-answered       given    0     0   0    0
no       no    llm-answered       missing  1     0   0    1
no       no    llm-open           -        0     0   0    0
no       no    llm-open           given    0     0   0    0
no       no    llm-open           missing  1     0   0    1
no       no    none               -        0     0   0    0
no       no    none               given    0     0   0    0
no       no    none               missing  1     0   0    1
no       no    open               -        0     0   0    0
no       no    open               given    0     0   0    0
no       no    open               missing  1     0   0    1
no       yes   answered           -        0     1   0    0
no       yes   answered           given    0     1   0    0
no       yes   answered           missing  1     1   0    1
no       yes   answered+llm-open  -        0     1   0    1
no       yes   answered+llm-open  given    0     1   0    1
no       yes   answered+llm-open  missing  1     1   0    1
no       yes   llm-answered       -        1     1   0    0
no       yes   llm-answered       given    0     1   0    0
no       yes   llm-answered       missing  1     1   0    1
no       yes   llm-open           -        1     1   0    1
no       yes   llm-open           given    0     1   0    1
no       yes   llm-open           missing  1     1   0    1
no       yes   none               -        1     1   1    1
no       yes   none               given    0     1   1    0
no       yes   none               missing  1     1   1    1
no       yes   open               -        1     1   1    1
no       yes   open               given    1     1   1    1
no       yes   open               missing  1     1   1    1
yes      no    answered           -        0     0   0    0
yes      no    answered           given    0     0   0    0
yes      no    answered           missing  1     0   0    1
yes      no    answered+llm-open  -        0     1   0    1
yes      no    answered+llm-open  given    0     1   0    1
yes      no    answered+llm-open  missing  1     1   0    1
yes      no    llm-answered       -        1     0   0    0
yes      no    llm-answered       given    0     0   0    0
yes      no    llm-answered       missing  1     0   0    1
yes      no    llm-open           -        1     1   0    1
yes      no    llm-open           given    0     1   0    1
yes      no    llm-open           missing  1     1   0    1
yes      no    open               -        1     1   1    1
yes      no    open               given    1     1   1    1
yes      no    open               missing  1     1   1    1
yes      yes   answered           -        0     1   0    0
yes      yes   answered           given    0     1   0    0
yes      yes   answered           missing  1     1   0    1
yes      yes   answered+llm-open  -        0     1   0    1
yes      yes   answered+llm-open  given    0     1   0    1
yes      yes   answered+llm-open  missing  1     1   0    1
yes      yes   llm-answered       -        1     1   0    0
yes      yes   llm-answered       given    0     1   0    0
yes      yes   llm-answered       missing  1     1   0    1
yes      yes   llm-open           -        1     1   0    1
yes      yes   llm-open           given    0     1   0    1
yes      yes   llm-open           missing  1     1   0    1
yes      yes   open               -        1     1   1    1
yes      yes   open               given    1     1   1    1
yes      yes   open               missing  1     1   1    1
"""

#: where a surface's decision changed when the deciders became one (requires, over, questions,
#: signoff): the CLI takes no answers, so its changes are unreachable from ``reviewer review``
CHANGED = {
    "cli": {
        ("no", "yes", "answered", "-"),
        ("no", "yes", "answered+llm-open", "-"),
        ("yes", "no", "answered+llm-open", "-"),
        ("yes", "no", "llm-answered", "-"),
        ("yes", "yes", "answered", "-"),
        ("yes", "yes", "answered+llm-open", "-"),
    },
    # the hook counted no LLM question, and passed a review whose only questions were the LLM's
    "hook": {
        ("no", "yes", "llm-answered", "-"),
        ("no", "yes", "llm-open", "-"),
        ("yes", "no", "llm-answered", "-"),
        ("yes", "no", "llm-open", "-"),
        ("yes", "yes", "llm-answered", "-"),
        ("yes", "yes", "llm-open", "-"),
    },
    # the flow counted the LLM's questions: an open one held an answered review, an answered one
    # released a review that had no question of the rules (now a sign-off does)
    "flow": {
        ("no", "yes", "answered+llm-open", "-"),
        ("no", "yes", "answered+llm-open", "given"),
        ("no", "yes", "llm-answered", "-"),
        ("no", "yes", "llm-open", "given"),
        ("yes", "no", "answered+llm-open", "-"),
        ("yes", "no", "answered+llm-open", "given"),
        ("yes", "no", "llm-answered", "-"),
        ("yes", "no", "llm-open", "given"),
        ("yes", "yes", "answered+llm-open", "-"),
        ("yes", "yes", "answered+llm-open", "given"),
        ("yes", "yes", "llm-answered", "-"),
        ("yes", "yes", "llm-open", "given"),
    },
}


def _rows(table: str) -> list[tuple[str, ...]]:
    return [tuple(line.split()) for line in table.strip().splitlines()]


def make_review(requires: str, over: str, questions: str) -> tuple[Review, str]:
    """A review with these traits, and the fail_on that its verdict (over) reaches or not."""
    verdict, blast, fail_on = {
        ("no", "no"): ("aligned", "low", "mismatch"),
        ("no", "yes"): ("drift", "low", "drift"),
        ("yes", "no"): ("aligned", "critical", "mismatch"),
        ("yes", "yes"): ("mismatch", "medium", "mismatch"),
    }[(requires, over)]
    review = Review(
        verdict=verdict,  # type: ignore[arg-type]
        requires_answers=requires == "yes",
        blast_radius=BlastRadius(blast),  # type: ignore[arg-type]
        intent=parse_intent("Fix the report"),
        files=(),
        findings=(RULES, LLM),
        questions=QUESTIONS[questions],
    )
    return review, fail_on


def _decide(review: Review, fail_on: str, signoff: str) -> gate.Gate:
    return gate.decide(
        review,
        fail_on,
        signoff_required=signoff != "-",
        signed_off_by=("senior",) if signoff == "given" else (),
    )


@pytest.mark.parametrize(
    ("requires", "over", "questions", "signoff", "blocks"), [r[:5] for r in _rows(TABLE)]
)
def test_the_gate(requires: str, over: str, questions: str, signoff: str, blocks: str) -> None:
    review, fail_on = make_review(requires, over, questions)
    decided = _decide(review, fail_on, signoff)
    assert decided.blocked == (blocks == "1")
    assert decided.blocked == bool(decided.reasons)
    assert decided.conclusion == ("action_required" if decided.blocked else "success")
    assert all(not q.answered and q.finding != LLM.id for q in decided.open)


def test_the_changes_are_the_named_ones() -> None:
    changed: dict[str, set[tuple[str, ...]]] = {"cli": set(), "hook": set(), "flow": set()}
    for requires, over, questions, signoff, now, cli, hook, flow in _rows(TABLE):
        key = (requires, over, questions, signoff)
        for surface, before in (("cli", cli), ("hook", hook), ("flow", flow)):
            if before != now and (surface == "flow" or signoff == "-"):
                changed[surface].add(key)
    assert changed == CHANGED


def test_never_blocks_nothing() -> None:
    for requires, over, questions, signoff in itertools.product(
        ("no", "yes"), ("no", "yes"), QUESTIONS, ("-", "missing", "given")
    ):
        review, _ = make_review(requires, over, questions)
        assert not _decide(review, "never", signoff).blocked


def test_answering_or_signing_off_never_blocks_more() -> None:
    for requires, over, fail_on in itertools.product(("no", "yes"), ("no", "yes"), gate.FAIL_ON):
        review, _ = make_review(requires, over, "open")
        answered, _ = make_review(requires, over, "answered")
        assert _decide(answered, fail_on, "-").blocked <= _decide(review, fail_on, "-").blocked
        for questions in QUESTIONS:
            r, _ = make_review(requires, over, questions)
            assert _decide(r, fail_on, "given").blocked <= _decide(r, fail_on, "-").blocked


def test_every_surface_asks_the_gate() -> None:
    from reviewer.commands import commit_msg, pre_push, review
    from reviewer.github import flow
    from reviewer.history import change_review, replay

    for surface in (flow, commit_msg, pre_push, review):
        assert surface.decide is gate.decide, surface
    for module in (change_review, replay):
        assert "from ..gate import decide" in Path(module.__file__ or "").read_text()


#: the agent's Stop: the gate under fail_on "mismatch" and the policy's block_at; allow (nothing
#: open), block (send the agent back once), report (tell the user). Changed by the gate: a review
#: that requires answers (here a critical blast radius) now blocks even under block_at "never"
# verdict  blast     questions          block_at  agent
AGENT = """
mismatch   medium    open               high      block
mismatch   medium    open               never     block
mismatch   medium    none               high      allow
mismatch   medium    llm-open           high      allow
mismatch   medium    answered+llm-open  high      allow
aligned    critical  open               high      block
aligned    critical  open               never     block
aligned    high      open               high      block
aligned    high      open               never     report
drift      high      open               medium    block
drift      low       open               high      report
aligned    low       answered           high      allow
"""


@pytest.mark.parametrize(("verdict", "blast", "questions", "block_at", "agent"), _rows(AGENT))
def test_agent(verdict: str, blast: str, questions: str, block_at: str, agent: str) -> None:
    asked = QUESTIONS[questions]
    review = Review(
        verdict=verdict,  # type: ignore[arg-type]
        requires_answers=(verdict == "mismatch" or blast == "critical") and bool(asked),
        blast_radius=BlastRadius(blast),  # type: ignore[arg-type]
        intent=parse_intent("Fix the report"),
        files=(),
        findings=(RULES, LLM),
        questions=asked,
    )
    action, _ = agent_decide(review, AgentPolicy(block_at=block_at), again=False, already=set())
    assert action == agent
    warned, _ = agent_decide(
        review, AgentPolicy(block_at=block_at, mode="warn"), again=False, already=set()
    )
    assert warned == ("report" if agent == "block" else agent)
