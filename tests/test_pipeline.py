"""``reviewer/pipeline.py``: one review for every surface, and the LLM step's one failure policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import reviewer.llm
from reviewer.config import Config
from reviewer.diff import decode, parse_diff
from reviewer.errors import LLMError, ReviewerError, UsageError
from reviewer.intent import parse_intent
from reviewer.models import Diff, Finding, Review
from reviewer.pipeline import LLMStep, lowered_by, review_change
from reviewer.record import replace
from reviewer.review import review

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def change() -> tuple[Diff, Any]:
    diff = parse_diff(decode((ROOT / "examples/cost-explorer-fix.diff").read_bytes()))
    intent = parse_intent((ROOT / "examples/cost-explorer-fix.txt").read_text())
    return diff, intent


def _comparable(r: Review) -> Review:
    return replace(r, stats=replace(r.stats, elapsed_ms=0))


def test_without_the_llm_it_is_the_rule_engines_review(change: tuple[Diff, Any]) -> None:
    diff, intent = change
    direct = review(diff, intent, Config())
    assert _comparable(review_change(diff, intent, Config())) == _comparable(direct)
    assert _comparable(review_change(diff, intent, Config(), parallel=True)) == _comparable(direct)


def _fake(monkeypatch: pytest.MonkeyPatch, behave: Any) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def enrich(review: Review, diff: Diff, config: Config, **kw: Any) -> Review:
        calls.append({"config": config, **kw})
        result: Review = behave(review)
        return result

    monkeypatch.setattr(reviewer.llm, "enrich", enrich)
    return calls


def _raise(exc: BaseException) -> Any:
    def behave(review: Review) -> Review:
        raise exc

    return behave


FAILURES = [
    LLMError("the endpoint answered 500 after 3 attempts"),
    ReviewerError("something known"),
]


@pytest.mark.parametrize("exc", FAILURES, ids=lambda e: type(e).__name__)
def test_a_failure_leaves_the_deterministic_review_degraded_with_a_note(
    change: tuple[Diff, Any], monkeypatch: pytest.MonkeyPatch, exc: Exception
) -> None:
    diff, intent = change
    _fake(monkeypatch, _raise(exc))
    floor = review_change(diff, intent, Config())
    got = review_change(diff, intent, Config(), llm=LLMStep())
    assert got.degraded and not floor.degraded
    assert got.notes[-1] == f"LLM step failed, deterministic review only: {exc}"
    assert _comparable(replace(got, degraded=False, notes=floor.notes)) == _comparable(floor)


def test_a_bug_in_the_step_degrades_too_but_fails_the_tests(
    change: tuple[Diff, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    diff, intent = change
    _fake(monkeypatch, _raise(KeyError("oops")))
    with pytest.raises(KeyError):  # REVIEWER_STRICT (tests/conftest.py)
        review_change(diff, intent, Config(), llm=LLMStep())
    monkeypatch.delenv("REVIEWER_STRICT")
    got = review_change(diff, intent, Config(), llm=LLMStep())
    assert got.degraded and "LLM step failed" in got.notes[-1]


def test_on_error_fail_raises_the_failure(
    change: tuple[Diff, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    diff, intent = change
    calls = _fake(monkeypatch, _raise(LLMError("down")))
    with pytest.raises(LLMError):
        review_change(diff, intent, Config(), llm=LLMStep(on_error="fail"))
    assert calls[0]["on_error"] == "fail"


def test_a_missing_extra_skips_the_step(
    change: tuple[Diff, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    diff, intent = change
    _fake(monkeypatch, _raise(ModuleNotFoundError("No module named 'openai'", name="openai")))
    got = review_change(diff, intent, Config(), llm=LLMStep())
    assert not got.degraded
    assert got.notes[-1].startswith("LLM step skipped: the llm extra is not installed (openai")
    with pytest.raises(UsageError, match=r"intent-reviewer\[llm\]"):
        review_change(diff, intent, Config(), llm=LLMStep(on_error="fail"))


def test_a_missing_module_of_ours_is_a_failure_not_a_skip(
    change: tuple[Diff, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    diff, intent = change
    monkeypatch.delenv("REVIEWER_STRICT")
    _fake(monkeypatch, _raise(ModuleNotFoundError("No module named 'x'", name="reviewer.x")))
    assert review_change(diff, intent, Config(), llm=LLMStep()).degraded


def test_an_enriched_review_is_kept_and_the_step_gets_its_settings(
    change: tuple[Diff, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    diff, intent = change
    extra = Finding(id="RVLLM-x", rule="RV900", severity="low", title="more", source="llm")
    calls = _fake(monkeypatch, lambda r: replace(r, findings=(*r.findings, extra)))
    step = LLMStep(model="m", verbose=True, base_url="http://127.0.0.1:1/v1")
    got = review_change(diff, intent, Config(), llm=step)
    assert got.findings[-1] == extra and not got.degraded
    (call,) = calls
    assert call["model"] == "m" and call["verbose"] is True and call["on_error"] == "degrade"
    assert call["config"].llm.base_url == "http://127.0.0.1:1/v1"


LOWERINGS = {
    "verdict": lambda r: replace(r, verdict="aligned"),
    "blast radius": lambda r: replace(r, blast_radius=replace(r.blast_radius, level="low")),
    "finding": lambda r: replace(r, findings=r.findings[1:]),
    "question": lambda r: replace(r, questions=r.questions[1:]),
    "requires answers": lambda r: replace(r, requires_answers=False),
}


@pytest.mark.parametrize("what", LOWERINGS)
def test_a_step_that_lowers_the_review_is_discarded(
    change: tuple[Diff, Any], monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    diff, intent = change
    floor = review_change(diff, intent, Config())
    assert floor.verdict == "mismatch" and floor.requires_answers and floor.questions
    assert lowered_by(floor, LOWERINGS[what](floor)) is not None
    _fake(monkeypatch, LOWERINGS[what])
    got = review_change(diff, intent, Config(), llm=LLMStep())
    assert got.degraded and got.notes[-1].startswith("LLM step discarded: it lowered the review")
    assert _comparable(replace(got, degraded=False, notes=floor.notes)) == _comparable(floor)
    with pytest.raises(ReviewerError):
        review_change(diff, intent, Config(), llm=LLMStep(on_error="fail"))


def test_every_surface_takes_the_one_policy(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``reviewer review --llm`` without the extra: the review and a note (exit by the gate), or
    with ``--on-llm-error fail`` one line and exit 2."""
    import json

    from reviewer.cli import main

    _fake(monkeypatch, _raise(ModuleNotFoundError("No module named 'openai'", name="openai")))
    argv = ["review", "--diff", str(ROOT / "examples/cost-explorer-fix.diff")]
    argv += ["--intent-file", str(ROOT / "examples/cost-explorer-fix.txt"), "--llm"]
    assert main([*argv, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert any(n.startswith("LLM step skipped") for n in report["notes"])
    assert main([*argv, "--on-llm-error", "fail"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'intent-reviewer[llm]'" in err
