"""``reviewer bench --tokens``: our requests counted against the raw diff and PR text, full coverage."""

from __future__ import annotations

from reviewer.bench import Case
from reviewer.llm.token_bench import token_report

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


#: the invoice fix alone: aligned, blast radius low, no finding: the LLM is not asked
QUIET = samples.DIFF.split("diff --git a/infra/main.tf")[0]


def test_token_report_counts_every_case_with_full_coverage() -> None:
    _, big = big_change(45)
    cases = [
        _case("small", "fix: round invoice totals to cents", "", samples.DIFF),
        _case("big", "refactor: tidy helpers", "Long story.", big),
        _case("quiet", "fix: round invoice totals to cents", "", QUIET),
    ]
    report = token_report(cases, model="gpt-4o-mini")
    assert report["cases"] == 3 and report["file_coverage"] == 1.0 and report["exact"] is True
    rows = {r["id"]: r for r in report["per_case"]}
    assert rows["big"]["ours"] < rows["big"]["baseline"] * 0.4  # summarised, not re-sent
    assert report["ours_tokens"] == sum(r["ours"] for r in report["per_case"])
    assert 0 < report["content_tokens"] < report["ours_tokens"]
    assert "file coverage 100%" in report["summary"]
    # a skipped review sends nothing and counts 0; what sending it would cost is reported too
    assert report["skipped"] == 1 and report["skipped_files"] == 1
    assert rows["quiet"]["skipped"] and rows["quiet"]["ours"] == rows["quiet"]["requests"] == 0
    assert rows["quiet"]["planned"] > 0 and not rows["small"]["skipped"]
    assert report["planned_tokens"] == report["ours_tokens"] + rows["quiet"]["planned"]
    assert report["ratio_without_skipping"] > report["ratio"]
    assert report["file_coverage_planned"] == 1.0
    assert "1 review(s) needed no LLM call" in report["summary"]
