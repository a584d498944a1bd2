"""``reviewer bench --tokens``: our requests counted against the raw diff and PR text, full coverage."""

from __future__ import annotations

from reviewer.bench import Case
from reviewer.llm.bench import token_report

from . import samples
from .test_plan import big_change


def _case(cid: str, title: str, body: str, diff: str) -> Case:
    return Case(
        id=cid,
        construction="real-aligned",
        title=title,
        body=body,
        diff=diff,
        verdict="aligned",
        blast="low",
        oos=frozenset(),
    )


def test_token_report_counts_every_case_with_full_coverage() -> None:
    _, big = big_change(45)
    cases = [
        _case("small", "fix: round invoice totals to cents", "", samples.DIFF),
        _case("big", "refactor: tidy helpers", "Long story.", big),
    ]
    report = token_report(cases, model="gpt-4o-mini")
    assert report["cases"] == 2 and report["file_coverage"] == 1.0 and report["exact"] is True
    big_row = next(r for r in report["per_case"] if r["id"] == "big")
    assert big_row["ours"] < big_row["baseline"] * 0.4  # a big diff is summarised, not re-sent
    assert report["ours_tokens"] == sum(r["ours"] for r in report["per_case"])
    assert 0 < report["content_tokens"] < report["ours_tokens"]
    assert "file coverage 100%" in report["summary"]
