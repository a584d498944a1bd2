"""One question per concern, at most ``max_questions``, ids that survive the grouping."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer.config import Config
from reviewer.diff import parse_diff
from reviewer.intent import parse_intent
from reviewer.models import BlastRadius, Finding, Question, Review
from reviewer.questions import _qid, answer_for, make_questions
from reviewer.record import fields
from reviewer.review import review

if TYPE_CHECKING:
    from reviewer.models import Severity

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _incident(config: Config | None = None) -> Review:
    diff = parse_diff((EXAMPLES / "cost-explorer-fix.diff").read_text("utf-8"))
    intent = parse_intent((EXAMPLES / "cost-explorer-fix.txt").read_text("utf-8"), source="cli")
    return review(diff, intent, config)


def _f(
    rule: str, kind: str | None, symbol: str | None, path: str, sev: Severity = "critical"
) -> Finding:
    return Finding(
        id=f"{rule}-{symbol or path}", rule=rule, severity=sev, title="t", path=path,
        symbol=symbol, kind=kind,
    )  # fmt: skip


def test_the_incident_asks_few_questions_that_cover_every_destroyed_resource() -> None:
    r = _incident()
    assert r.requires_answers and 1 <= len(r.questions) <= 7
    text = "\n".join(q.text for q in r.questions)
    destroyed = {
        f.symbol for f in r.findings if f.kind in ("resource_deletion", "replacement") and f.symbol
    }
    assert len(destroyed) >= 7
    for name in destroyed:
        assert f"`{name}`" in text, name
    assert "`terraform.backend.s3`" in text  # the state backend
    assert "`aws_db_instance.reports`" in text and "guard" in text  # the protection toggles
    # every risky finding is asked about or folded, never dropped
    covered = {fid for q in (*r.questions, *r.folded_questions) for fid in q.findings}
    assert {f.id for f in r.findings if f.severity == "critical"} <= covered


def test_a_resource_with_several_attribute_changes_and_a_key_change_is_one_question() -> None:
    r = _incident()
    subnet = [q for q in r.questions if "`aws_subnet.private`" in q.text]
    assert len(subnet) == 1


def test_ids_survive_the_grouping_through_aliases() -> None:
    r = _incident()
    q = next(q for q in r.questions if "`aws_subnet.private`" in q.text)
    # the id each finding's own question had before: first finding's is the id, others are aliases
    subnet = [f for f in r.findings if f.symbol == "aws_subnet.private"]
    assert _qid(subnet[0].id, 0) in (q.id, *q.aliases)
    for f in subnet:
        assert _qid(f.id, 0) in (q.id, *q.aliases)
    old = _qid(subnet[-1].id, 0)
    assert answer_for(q, {old: "an answer"}) == "an answer"


def test_max_questions_folds_the_rest_by_risk_and_the_gate_counts_the_asked() -> None:
    r = _incident(Config(max_questions=2))
    assert len(r.questions) == 2 and r.folded_questions
    assert "destroys" in r.questions[0].text or "deletes" in r.questions[0].text
    from reviewer.gate import decide

    answered = tuple(Question(q.id, q.finding, q.text, answered=True) for q in r.questions)
    r = r.__class__(**{**_fields(r), "questions": answered})
    assert not decide(r, "never").blocked and not decide(r, "mismatch").blocked


def _fields(r: Review) -> dict[str, Any]:
    return {name: getattr(r, name) for name in fields(r)}


def test_an_out_of_scope_file_is_asked_about_once() -> None:
    findings = [
        _f("RV209", "global_config", "var.x", "mod/variables.tf", "medium"),
        _f("RV101", None, None, "mod/variables.tf", "low"),
        _f("RV101", None, None, "src/a.py", "low"),
        _f("RV101", None, None, "src/b.py", "low"),
    ]
    asked, folded = make_questions(findings, BlastRadius("medium"))
    assert not folded
    assert len(asked) == 2
    assert sum("variables.tf" in q.text or "var.x" in q.text for q in asked) == 1
    assert "`src/a.py` and `src/b.py` are changed" in asked[1].text


def test_no_moved_question_about_a_kubernetes_object() -> None:
    f = _f("RV201", "resource_deletion", "Deployment/web", "k8s/web.yaml")
    (q,), _ = make_questions([f], BlastRadius("critical"))
    assert "moved" not in q.text and "`Deployment/web`" in q.text


def test_no_lockfile_question_about_the_python_requirement() -> None:
    f = _f("RV212", "dependency", "requires-python", "pyproject.toml", "high")
    (q,), _ = make_questions([f], BlastRadius("high"))
    assert "lockfile" not in q.text and "runtime" in q.text


def test_no_rollback_question_on_a_small_change_or_a_revert() -> None:
    f = _f("RV202", "replacement", "aws_vpc.main", "infra/main.tf")
    rollback = Finding(
        id="RV502-x", rule="RV502", severity="info", title="The blast radius is high"
    )
    small, _ = make_questions([f, rollback], BlastRadius("high"), changed_lines=3)
    assert not any(q.finding == "RV502-x" for q in small)
    revert, _ = make_questions([f, rollback], BlastRadius("high"), changed_lines=300, revert=True)
    assert not any(q.finding == "RV502-x" for q in revert)
    big, _ = make_questions([f, rollback], BlastRadius("high"), changed_lines=300)
    assert any(q.finding == "RV502-x" for q in big)
