"""``reviewer bench``, the scorer behind every reported quality number: counts, ratios, the worst
repository, case selection and the report, on a small bench whose right answers are worked out by
hand from the bundled examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reviewer import bench
from reviewer.bench import Case, Confusion, Outcome, Score, caught, load_cases, score, worst
from reviewer.cli import main
from reviewer.errors import UsageError

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
INFRA = [
    "infra/environments/prod/backend.tf",
    "infra/environments/prod/database.tf",
    "infra/environments/prod/lambda.tf",
    "infra/environments/prod/network.tf",
]


def _case(**kw: Any) -> Case:
    values: dict[str, Any] = {
        "id": "c",
        "construction": "real-aligned",
        "title": "t",
        "body": "",
        "diff": "",
        "verdict": "aligned",
        "blast": "low",
        "oos": frozenset(),
    }
    return Case(**{**values, **kw})


def _outcome(
    case: Case, verdict: str, blast: str, oos: set[str], *, gated: bool = False
) -> Outcome:
    return Outcome(case, verdict, blast, frozenset(oos), 0.01, gated=gated)


def test_confusion_counts_and_metrics() -> None:
    c = Confusion()
    for predicted, actual in [(True, True)] * 3 + [(True, False)] + [(False, False)] * 4:
        c.add(predicted, actual)
    c.add(False, True)
    c.add(False, True)
    assert (c.tp, c.fp, c.tn, c.fn) == (3, 1, 4, 2)
    m = c.metrics()
    assert m["precision"] == 0.75 and m["recall"] == 0.6 and m["specificity"] == 0.8
    assert m["f1"] == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    # nothing to divide by: no figure, not a zero
    assert Confusion().metrics() == dict.fromkeys(("precision", "recall", "specificity", "f1"))
    # everything flagged was wrong and everything real was missed: F1 is 0, not undefined
    assert Confusion(fp=2, fn=1).metrics()["f1"] == 0.0
    assert Confusion(fp=1).metrics() == {
        "precision": 0.0,
        "recall": None,
        "specificity": 0.0,
        "f1": None,
    }


def test_a_planted_change_is_caught_only_with_all_three() -> None:
    planted = _case(construction="inject", verdict="mismatch", blast="high", oos=frozenset(INFRA))
    assert caught(_outcome(planted, "mismatch", "critical", {*INFRA, "README.md"}))
    assert caught(_outcome(planted, "mismatch", "high", set(INFRA)))
    assert not caught(_outcome(planted, "drift", "critical", set(INFRA)))  # not a mismatch
    assert not caught(_outcome(planted, "mismatch", "medium", set(INFRA)))  # blast too low
    assert not caught(_outcome(planted, "mismatch", "critical", set(INFRA[1:])))  # one path missed


def test_score_adds_up_every_figure() -> None:
    s = Score()
    planted = _case(construction="inject", verdict="mismatch", blast="high", oos=frozenset(INFRA))
    s.add(_outcome(planted, "mismatch", "critical", set(INFRA)))  # TP, blast right (critical=high)
    s.add(_outcome(_case(), "aligned", "low", set()))  # TN
    s.add(
        _outcome(
            _case(verdict="mismatch", blast="high", oos=frozenset({"a"})), "drift", "low", set()
        )
    )
    s.add(_outcome(_case(blast="medium"), "mismatch", "medium", {"b", "c"}, gated=True))
    d = s.as_dict()
    assert d["cases"] == 4 and d["honest"] == 2 and d["planted"] == 1
    # "flagged" counts drift too; "mismatch only" does not
    assert {k: d["flagged"][k] for k in ("tp", "fp", "tn", "fn")} == {
        "tp": 2,
        "fp": 1,
        "tn": 1,
        "fn": 0,
    }
    assert {k: d["mismatch_only"][k] for k in ("tp", "fp", "tn", "fn")} == {
        "tp": 1,
        "fp": 1,
        "tn": 1,
        "fn": 1,
    }
    assert (s.oos_tp, s.oos_fp, s.oos_fn) == (4, 2, 1)
    assert d["oos_precision"] == 4 / 6 and d["oos_recall"] == 4 / 5
    assert d["blast_accuracy"] == 3 / 4  # the drift case said low for a high label
    assert d["high_recall"] == 1 / 2
    assert d["honest_false_mismatch"] == 1 / 2 and d["gate_rate"] == 1 / 2
    assert d["planted_caught"] == 1.0
    assert Score().as_dict()["oos_precision"] is None


def test_score_groups_by_construction_or_repository() -> None:
    a = _outcome(_case(repo="x/a", construction="swap"), "aligned", "low", set())
    b = _outcome(_case(repo="x/b", construction="inject"), "aligned", "low", set())
    c = _outcome(_case(repo="x/a", construction="inject"), "aligned", "low", set())
    total, per = score([a, b, c])
    assert total.cases == 3 and list(per) == ["inject", "swap"]  # sorted by name
    assert per["inject"].cases == 2
    _, per_repo = score([a, b, c], "repo")
    assert {k: v.cases for k, v in per_repo.items()} == {"x/a": 2, "x/b": 1}


def test_worst_picks_the_lowest_score_and_the_highest_failure_rate() -> None:
    def repo(f1: float | None, recall: float | None, false: float | None) -> dict[str, Any]:
        return {
            "flagged": {"f1": f1},
            "mismatch_only": {"recall": recall},
            "honest_false_mismatch": false,
            "gate_rate": false,
            "planted_caught": recall,
        }

    w = worst({"a": repo(0.9, 0.5, 0.0), "b": repo(0.7, None, 0.25), "c": repo(None, 0.8, None)})
    assert w["flagged_f1"] == {"repo": "b", "value": 0.7}
    assert w["mismatch_recall"] == {"repo": "a", "value": 0.5}  # b has no figure: not the worst
    assert w["honest_false_mismatch"] == {"repo": "b", "value": 0.25}
    assert w["gate_rate"] == {"repo": "b", "value": 0.25}
    assert worst({"a": repo(None, None, None)})["flagged_f1"] is None


# --- the whole command on a small bench ---------------------------------------------------------


def _line(case_id: str, repo: str, construction: str, example: str, **labels: Any) -> str:
    title, _, body = (EXAMPLES / f"{example}.txt").read_text("utf-8").partition("\n")
    return json.dumps(
        {
            "id": case_id,
            "repo": repo,
            "construction": construction,
            "intent": {"title": title, "body": body.strip()},
            "diff": (EXAMPLES / f"{example}.diff").read_text("utf-8"),
            "labels": labels,
        }
    )


@pytest.fixture
def small_bench(tmp_path: Path) -> Path:
    """Four cases, two per repository: each cell of the confusion matrix once."""
    path = tmp_path / "bench.jsonl"
    lines = [
        # the incident, rightly labelled: a planted change, caught
        _line(
            "tp",
            "o/a",
            "inject",
            "cost-explorer-fix",
            verdict="mismatch",
            blast_radius="high",
            out_of_scope_paths=INFRA,
        ),
        # the honest fix, rightly labelled
        _line("tn", "o/a", "real-aligned", "honest-fix", verdict="aligned", blast_radius="low"),
        # the honest fix labelled a planted mismatch: missed, blast wrong, one path missed
        _line(
            "fn",
            "o/b",
            "real-creep",
            "honest-fix",
            verdict="mismatch",
            blast_radius="high",
            out_of_scope_paths=["CHANGELOG.md"],
        ),
        # the incident labelled honest: a false mismatch that gates, four paths too many
        _line(
            "fp", "o/b", "real-aligned", "cost-explorer-fix", verdict="aligned", blast_radius="low"
        ),
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_run_bench_json_report(small_bench: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", str(small_bench), "--format", "json"]) == 0
    r = json.loads(capsys.readouterr().out)
    t = r["total"]
    assert t["cases"] == 4 and r["errors"] == []
    assert {k: t["flagged"][k] for k in ("tp", "fp", "tn", "fn")} == {
        "tp": 1,
        "fp": 1,
        "tn": 1,
        "fn": 1,
    }
    assert t["flagged"]["f1"] == 0.5 and t["flagged"]["specificity"] == 0.5
    assert (t["oos_precision"], t["oos_recall"]) == (0.5, 0.8)
    assert (t["blast_accuracy"], t["high_recall"]) == (0.5, 0.5)
    assert (t["honest"], t["honest_false_mismatch"], t["gate_rate"]) == (2, 0.5, 0.5)
    assert r["inject_flagged_high"] == [1, 1] and t["planted_caught"] == 1.0
    assert list(r["per_construction"]) == ["inject", "real-aligned", "real-creep"]
    assert r["per_repo"]["o/a"]["flagged"]["f1"] == 1.0
    assert r["per_repo"]["o/b"]["flagged"]["f1"] == 0.0
    assert r["worst_repo"]["flagged_f1"] == {"repo": "o/b", "value": 0.0}
    assert r["worst_repo"]["honest_false_mismatch"] == {"repo": "o/b", "value": 1.0}
    assert r["worst_repo"]["planted_caught"] == {"repo": "o/a", "value": 1.0}
    assert r["median_ms"] > 0


def test_run_bench_text_report_and_misses(
    small_bench: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bench", str(small_bench), "--show", "misses"]) == 0
    out = capsys.readouterr().out
    assert f"bench: {small_bench} (4 cases, median " in out
    assert "flagged = drift or mismatch  TP   1 FP   1 TN   1 FN   1" in out
    assert "precision 0.500 recall 0.500 specificity 0.500 F1 0.500" in out
    assert "out-of-scope paths: precision 0.500 recall 0.800" in out
    assert "honest cases: 2, called mismatch 0.500, gated (exit 1, default policy) 0.500" in out
    assert "planted paths out of scope): 1/1" in out
    assert "  per repository:\n" in out and "worst repository: flagged F1 0.000 (o/b)" in out
    listed = [line.split()[:2] for line in out.splitlines() if line.startswith(("ok ", "BAD "))]
    assert listed == [["BAD", "fn"], ["BAD", "fp"]]  # the right answers are not listed
    assert "gated" in next(line for line in out.splitlines() if line.startswith("BAD fp"))
    assert "      missed oos: ['CHANGELOG.md']" in out
    assert "      extra oos: ['infra/environments/prod/backend.tf'" in out


def test_cases_and_repositories_are_selected(
    small_bench: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def cases(*args: str) -> int:
        assert main(["bench", str(small_bench), "--format", "json", *args]) == 0
        total: int = json.loads(capsys.readouterr().out)["total"]["cases"]
        return total

    assert cases("--cases", "tp", "fn") == 2
    assert cases("--only-repo", "o/b") == 2
    assert cases("--exclude-repo", "o/b") == 2
    assert cases("--only-repo", "o/a", "--exclude-repo", "o/a") == 0
    # one repository: no per-repository rows and no worst repository to name
    assert main(["bench", str(small_bench), "--only-repo", "o/a"]) == 0
    out = capsys.readouterr().out
    assert "per repository" not in out and "worst repository" not in out


def test_a_case_that_fails_is_an_error_not_a_crash(
    small_bench: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = bench.run_review

    def flaky(case: Case, **kw: Any) -> Any:
        if case.id == "tn":
            raise RuntimeError("boom")
        return real(case, **kw)

    monkeypatch.setattr(bench, "run_review", flaky)
    # a crash is a bug: the report is printed, the run fails with 3 and says why on stderr
    assert main(["bench", str(small_bench)]) == 3
    captured = capsys.readouterr()
    assert "  errors: 1\n    tn: RuntimeError: boom" in captured.out
    assert "1 review(s) crashed" in captured.err
    assert main(["bench", str(small_bench), "--format", "json"]) == 3
    r = json.loads(capsys.readouterr().out)
    assert r["errors"] == [{"id": "tn", "error": "RuntimeError: boom"}]
    # left out of every figure: not counted as a case that was not flagged
    assert r["total"]["flagged"]["tn"] == 0 and r["total"]["cases"] == 3


def test_load_cases_defaults_and_refuses_a_line_that_is_not_a_case(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"
    minimal = {"intent": {}, "diff": "", "labels": {"verdict": "aligned", "blast_radius": "low"}}
    path.write_text(json.dumps(minimal) + "\n" + json.dumps({**minimal, "twin": "x"}) + "\n")
    first, second = load_cases(str(path))
    assert (first.id, first.construction, first.repo, first.title, first.oos) == (
        "line-1",
        "unknown",
        "?",
        "",
        frozenset(),
    )
    assert second.id == "line-2" and second.twin == "x"
    path.write_text(json.dumps(minimal) + "\n" + json.dumps({"intent": {}, "diff": ""}) + "\n")
    with pytest.raises(UsageError, match=r"b\.jsonl:2: not a bench case \(KeyError"):
        load_cases(str(path))


def test_metamorphic_checks_and_token_figures_join_the_report(
    small_bench: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bench", str(small_bench), "--metamorphic", "--tokens"]) == 0
    out = capsys.readouterr().out
    assert "  metamorphic checks:\n" in out
    assert main(["bench", str(small_bench), "--format", "json", "--metamorphic", "--tokens"]) == 0
    r = json.loads(capsys.readouterr().out)
    checks = r["metamorphic"]
    assert checks and all(m["violations"] <= m["checked"] for m in checks.values())
    for name, m in checks.items():
        assert f"    {name}: {m['violations']} violations in {m['checked']} cases" in out
    assert r["tokens"]["summary"] in out


def test_two_runs_compare_case_by_case(
    small_bench: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    import runpy

    assert main(["bench", str(small_bench), "--format", "json"]) == 0
    before = tmp_path / "before.json"
    before.write_text(capsys.readouterr().out)
    cases = json.loads(before.read_text())["cases"]
    assert {c["id"] for c in cases} == {"tp", "fn", "fp", "tn"}
    assert all(
        {"repo", "construction", "label", "verdict", "blast", "gated"} <= c.keys() for c in cases
    )
    # a run where the honest false positive is fixed and the planted case is missed
    run = json.loads(before.read_text())
    for c in run["cases"]:
        if c["id"] == "fp":
            c["verdict"] = "aligned"
        if c["id"] == "tp":
            c["verdict"] = "drift"
    after = tmp_path / "after.json"
    after.write_text(json.dumps(run))
    script = Path(__file__).parents[1] / "scripts" / "verdict_moves.py"
    monkeypatch.setattr(
        "sys.argv", ["verdict_moves.py", str(before), str(after), "--informed", "o/b"]
    )
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(script), run_name="__main__")
    assert done.value.code == 0
    out = capsys.readouterr().out
    fp_repo = next(c["repo"] for c in cases if c["id"] == "fp")
    tp_repo = next(c["repo"] for c in cases if c["id"] == "tp")
    assert (fp_repo, tp_repo) == ("o/b", "o/a")
    assert "informed by o/b: better 1, worse 0; elsewhere: better 0, worse 1" in out
    assert "better fp (real-aligned): mismatch -> aligned" in out
    assert "WORSE  tp (inject): mismatch -> drift" in out
