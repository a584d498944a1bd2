"""enrich(): offline without a key, degraded or failing on bad answers, cached re-runs cost nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewer.config import Config, LLMSettings
from reviewer.errors import LLMError
from reviewer.llm import enrich
from reviewer.llm.cache import AnswerCache, cache_dir
from reviewer.llm.plan import skip_reason
from reviewer.models import BlastRadius, Review
from reviewer.record import replace
from reviewer.render.report_json import to_dict

from . import samples
from .fakes import FakeClient, FakeTime, TransientError, answer_json, reply

GOOD = answer_json(
    implied=["F3: The docs describe the new rounding."],
    findings=[
        {
            "title": "Rounding to 2 places changes stored totals",
            "severity": "medium",
            "path": "src/billing/invoice.py",
            "line": 12,
            "confidence": 0.6,
        }
    ],
    questions=["F2: Which data in billing-prod is lost when `aws_db_instance.main` goes?"],
    summary="Rounds invoice totals to cents. It also deletes the production database.",
)


def _run(client: FakeClient, **kw: object):  # type: ignore[no-untyped-def]
    kw.setdefault("cache", None)
    return enrich(samples.review(), samples.diff(), Config(), client=client, **kw)  # type: ignore[arg-type]


def test_no_key_means_the_offline_review_with_a_note() -> None:
    review = samples.review()
    out = enrich(review, samples.diff(), Config(), on_error="fail")
    assert out.findings == review.findings and out.verdict == review.verdict and not out.degraded
    assert out.llm is None and out.stats.llm_calls == 0
    assert any("offline review" in n and "OPENAI_API_KEY" in n for n in out.notes)


def test_a_remote_base_url_without_a_key_is_offline_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "https://llm.example.com/v1")
    out = enrich(samples.review(), samples.diff(), Config())
    assert any("is not a local server" in n for n in out.notes)


def test_a_good_answer_enriches_the_review() -> None:
    client = FakeClient([reply(GOOD, prompt=900, completion=120)])
    out = _run(client)
    assert not out.degraded
    assert out.summary == "Rounds invoice totals to cents. It also deletes the production database."
    assert any(f.source == "llm" and f.confidence == 0.6 for f in out.findings)
    assert out.questions[-1].text.startswith("Which data in billing-prod")
    assert out.stats.llm_calls == 1 and out.stats.llm_tokens == 1020
    assert out.stats.llm_cost_usd == pytest.approx((900 * 0.15 + 120 * 0.60) / 1e6)
    llm = out.llm
    assert llm is not None
    assert llm["model"] == "gpt-4o-mini" and str(llm["prompt_version"]).startswith("review-2/")
    assert len(str(llm["cache_key"])) == 64
    assert set(llm["seen"]) == {"full", "part", "name"}
    seen = llm["seen"]
    assert sorted(p for paths in seen.values() for p in paths) == sorted(
        fd.path for fd in samples.diff().files
    )
    report = to_dict(out)
    assert report["llm"]["cache_key"] == llm["cache_key"] and report["summary"] == out.summary
    json.dumps(report)


def test_model_override_reaches_the_request() -> None:
    client = FakeClient([reply(GOOD)])
    out = _run(client, model="gpt-4.1-mini")
    assert (
        client.requests[0].model == "gpt-4.1-mini"
        and out.llm is not None
        and out.llm["model"] == "gpt-4.1-mini"
    )


def test_reasoning_models_get_no_temperature() -> None:
    client = FakeClient([reply(GOOD)])
    _run(client, model="o4-mini")
    assert "temperature" not in client.requests[0].body()


def test_invalid_json_is_repaired_once() -> None:
    client = FakeClient([reply("Sure! Here is the review you asked for."), reply(GOOD)])
    out = _run(client)
    assert not out.degraded and out.stats.llm_calls == 2
    repair = client.requests[1].messages
    assert repair[-2] == ("assistant", "Sure! Here is the review you asked for.")
    assert repair[-1][0] == "user" and "not JSON" in repair[-1][1]


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (reply('{"summary": 3}'), "did not match the schema"),
        (reply(None, refusal="I can't help with that."), "refused"),
        (reply('{"implied": [', finish="length"), "cut off"),
        (reply("   "), "empty"),
    ],
)
def test_bad_answers_degrade_or_fail(answer: object, why: str) -> None:
    review = samples.review()
    out = _run(FakeClient([answer]))  # type: ignore[list-item]
    assert out.degraded and any(why in n for n in out.notes)
    assert out.findings == review.findings and out.verdict == review.verdict and out.summary is None
    assert out.stats.llm_calls >= 1 and out.llm is not None and why in str(out.llm["error"])
    with pytest.raises(LLMError, match=why):
        _run(FakeClient([answer]), on_error="fail")  # type: ignore[list-item]


def test_exhausted_retries_degrade_without_waiting() -> None:
    time = FakeTime()
    out = _run(FakeClient([TransientError("HTTP 500: boom")]), clock=time.clock)
    assert out.degraded and out.stats.llm_calls == 4 and len(time.slept) == 3


def test_a_rerun_of_an_unchanged_change_costs_nothing(tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path / "cache")
    first = _run(FakeClient([reply(GOOD)]), cache=cache)
    again_client = FakeClient([reply("never asked")])
    again = _run(again_client, cache=cache)
    assert again_client.requests == []
    assert (
        again.stats.llm_tokens == 0
        and again.stats.llm_calls == 0
        and again.stats.llm_cost_usd == 0.0
    )
    assert again.llm is not None and first.llm is not None
    assert again.llm["cache"] == "hit" and again.llm["cache_key"] == first.llm["cache_key"]
    assert again.findings == first.findings and again.summary == first.summary


def test_the_cache_key_changes_with_the_model(tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path)
    a = _run(FakeClient([reply(GOOD)]), cache=cache)
    b = _run(FakeClient([reply(GOOD)]), cache=cache, model="gpt-4o")
    assert a.llm is not None and b.llm is not None and a.llm["cache_key"] != b.llm["cache_key"]


def test_the_default_cache_lives_under_xdg_cache_home_and_verbose_prints_the_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "intent-reviewer" / "llm"
    out = enrich(
        samples.review(), samples.diff(), Config(), client=FakeClient([reply(GOOD)]), verbose=True
    )
    assert out.llm is not None
    key = str(out.llm["cache_key"])
    assert (tmp_path / "xdg" / "intent-reviewer" / "llm" / key[:2] / f"{key}.json").is_file()
    assert f"cache key {key} (miss)" in capsys.readouterr().err
    enrich(
        samples.review(), samples.diff(), Config(), client=FakeClient([reply(GOOD)]), verbose=True
    )
    assert f"cache key {key} (hit" in capsys.readouterr().err


def test_a_damaged_cache_entry_is_ignored(tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path)
    first = _run(FakeClient([reply(GOOD)]), cache=cache)
    assert first.llm is not None
    key = str(first.llm["cache_key"])
    (tmp_path / key[:2] / f"{key}.json").write_text("{not json")
    client = FakeClient([reply(GOOD)])
    _run(client, cache=cache)
    assert len(client.requests) == 1


def test_a_large_change_is_split_and_reviewed_in_parallel() -> None:
    from reviewer.diff import parse_diff

    from .test_plan import big_change

    review, diff_text = big_change(files=40)
    client = FakeClient([reply(answer_json())])
    config = Config(llm=LLMSettings(max_input_tokens=2500, concurrency=3))
    out = enrich(review, parse_diff(diff_text), config, client=client, cache=None)
    assert not out.degraded and out.llm is not None
    assert len(client.requests) == len(out.llm["requests"]) > 1  # type: ignore[arg-type]
    assert out.stats.llm_calls == len(client.requests)


def _quiet() -> Review:
    """Aligned, blast radius low, nothing of severity low or above: nothing for a model to do."""
    review = samples.review()
    return replace(
        review,
        verdict="aligned",
        requires_answers=False,
        blast_radius=BlastRadius("low", ("no risky change kinds found",)),
        findings=tuple(f for f in review.findings if f.severity == "info"),
        questions=(),
    )


def test_a_review_with_nothing_to_judge_or_sharpen_makes_no_call(
    capsys: pytest.CaptureFixture[str],
) -> None:
    client = FakeClient([reply(GOOD)])
    out = enrich(_quiet(), samples.diff(), Config(), client=client, cache=None, verbose=True)
    assert client.requests == [] and "no call" in capsys.readouterr().err
    assert out.findings == _quiet().findings and out.summary is None and not out.degraded
    assert out.stats.llm_calls == 0 and out.stats.llm_tokens == 0
    assert out.llm is not None and "nothing to judge" in str(out.llm["skipped"])
    assert any(n.startswith("LLM step skipped:") and "rule engine's" in n for n in out.notes)
    # without an endpoint, the offline note says why nothing was asked, as before
    offline = enrich(_quiet(), samples.diff(), Config())
    assert offline.llm is None and any("offline review" in n for n in offline.notes)


@pytest.mark.parametrize(
    "change",
    [
        {"verdict": "drift"},
        {"blast_radius": BlastRadius("medium", ("changes a deployed resource",))},
        {"findings": (samples.FINDINGS[2],)},  # a low drift finding to judge
        {"findings": (replace(samples.FINDINGS[0], licensed=True),)},  # a stated risk: questions
    ],
)
def test_anything_to_judge_or_sharpen_is_sent(change: dict[str, object]) -> None:
    review = replace(_quiet(), **change)
    assert skip_reason(review) is None
    client = FakeClient([reply(GOOD)])
    enrich(review, samples.diff(), Config(), client=client, cache=None)
    assert len(client.requests) == 1
