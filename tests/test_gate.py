"""The block decision of every surface, as a table: today's deciders (before ``reviewer/gate.py``)."""

from __future__ import annotations

import itertools

import pytest

from reviewer.agent.stop import decide as agent_decide
from reviewer.cli import exit_code
from reviewer.config import AgentPolicy
from reviewer.github.flow import decide as flow_decide
from reviewer.intent import parse_intent
from reviewer.models import BlastRadius, Finding, Question, Review
from reviewer.precommit import blocked

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
#: (required, none given), given (required and given). 1 = blocks. fail_on "never" never blocks.
# requires over questions          signoff  cli hook flow
TODAY = """
    no   no   answered           -        0   0    0
    no   no   answered           given    0   0    0
    no   no   answered           missing  0   0    1
    no   no   answered+llm-open  -        0   0    0
    no   no   answered+llm-open  given    0   0    0
    no   no   answered+llm-open  missing  0   0    1
    no   no   llm-answered       -        0   0    0
    no   no   llm-answered       given    0   0    0
    no   no   llm-answered       missing  0   0    1
    no   no   llm-open           -        0   0    0
    no   no   llm-open           given    0   0    0
    no   no   llm-open           missing  0   0    1
    no   no   none               -        0   0    0
    no   no   none               given    0   0    0
    no   no   none               missing  0   0    1
    no   no   open               -        0   0    0
    no   no   open               given    0   0    0
    no   no   open               missing  0   0    1
    no   yes  answered           -        1   0    0
    no   yes  answered           given    1   0    0
    no   yes  answered           missing  1   0    1
    no   yes  answered+llm-open  -        1   0    1
    no   yes  answered+llm-open  given    1   0    1
    no   yes  answered+llm-open  missing  1   0    1
    no   yes  llm-answered       -        1   0    0
    no   yes  llm-answered       given    1   0    0
    no   yes  llm-answered       missing  1   0    1
    no   yes  llm-open           -        1   0    1
    no   yes  llm-open           given    1   0    1
    no   yes  llm-open           missing  1   0    1
    no   yes  none               -        1   1    1
    no   yes  none               given    1   1    0
    no   yes  none               missing  1   1    1
    no   yes  open               -        1   1    1
    no   yes  open               given    1   1    1
    no   yes  open               missing  1   1    1
    yes  no   answered           -        0   0    0
    yes  no   answered           given    0   0    0
    yes  no   answered           missing  0   0    1
    yes  no   answered+llm-open  -        1   0    1
    yes  no   answered+llm-open  given    1   0    1
    yes  no   answered+llm-open  missing  1   0    1
    yes  no   llm-answered       -        0   0    0
    yes  no   llm-answered       given    0   0    0
    yes  no   llm-answered       missing  0   0    1
    yes  no   llm-open           -        1   0    1
    yes  no   llm-open           given    1   0    1
    yes  no   llm-open           missing  1   0    1
    yes  no   open               -        1   1    1
    yes  no   open               given    1   1    1
    yes  no   open               missing  1   1    1
    yes  yes  answered           -        1   0    0
    yes  yes  answered           given    1   0    0
    yes  yes  answered           missing  1   0    1
    yes  yes  answered+llm-open  -        1   0    1
    yes  yes  answered+llm-open  given    1   0    1
    yes  yes  answered+llm-open  missing  1   0    1
    yes  yes  llm-answered       -        1   0    0
    yes  yes  llm-answered       given    1   0    0
    yes  yes  llm-answered       missing  1   0    1
    yes  yes  llm-open           -        1   0    1
    yes  yes  llm-open           given    1   0    1
    yes  yes  llm-open           missing  1   0    1
    yes  yes  open               -        1   1    1
    yes  yes  open               given    1   1    1
    yes  yes  open               missing  1   1    1
"""


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


def _flow(review: Review, fail_on: str, signoff: str) -> bool:
    gate = flow_decide(
        review,
        fail_on,
        signoff_required=signoff != "-",
        signed_off_by=("senior",) if signoff == "given" else (),
    )
    return gate.blocked


@pytest.mark.parametrize(
    ("requires", "over", "questions", "signoff", "cli", "hook", "flow"), _rows(TODAY)
)
def test_today(
    requires: str, over: str, questions: str, signoff: str, cli: str, hook: str, flow: str
) -> None:
    review, fail_on = make_review(requires, over, questions)
    assert (exit_code(review, fail_on) != 0) == (cli == "1")
    assert blocked(review, fail_on) == (hook == "1")
    assert _flow(review, fail_on, signoff) == (flow == "1")


def test_today_never_blocks_nothing() -> None:
    for requires, over, questions, signoff in itertools.product(
        ("no", "yes"), ("no", "yes"), QUESTIONS, ("-", "missing", "given")
    ):
        review, _ = make_review(requires, over, questions)
        assert exit_code(review, "never") == 0
        assert not blocked(review, "never")
        assert not _flow(review, "never", signoff)


#: the agent's Stop: its own policy (block_at), not fail_on; allow / block / report
# verdict  blast     questions          block_at  agent
AGENT_TODAY = """
mismatch   medium    open               high      block
mismatch   medium    open               never     block
mismatch   medium    none               high      allow
mismatch   medium    llm-open           high      allow
mismatch   medium    answered+llm-open  high      allow
aligned    critical  open               high      block
aligned    critical  open               never     report
aligned    high      open               high      block
aligned    high      open               never     report
drift      high      open               medium    block
drift      low       open               high      report
aligned    low       answered           high      allow
"""


@pytest.mark.parametrize(("verdict", "blast", "questions", "block_at", "agent"), _rows(AGENT_TODAY))
def test_agent_today(verdict: str, blast: str, questions: str, block_at: str, agent: str) -> None:
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
