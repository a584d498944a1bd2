"""The bench corpus: recipe -> cases from a real (throwaway) git repository, and the bench report on them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reviewer import corpus
from reviewer.cli import main
from tests.conftest import Repo

MAIN_TF = """\
resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}

resource "aws_nat_gateway" "this" {
  allocation_id = "eipalloc-1"
  subnet_id     = "subnet-1"
}

resource "aws_db_instance" "main" {
  identifier          = "main"
  deletion_protection = true
}
"""

WORKFLOW = """\
name: ci
on:
  pull_request:
  push:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: make lint
"""


@pytest.fixture
def upstream(tmp_path: Path) -> dict[str, Any]:
    """A small project with a few merged changes, cloned bare as a snapshot would be."""
    r = Repo(tmp_path / "work")
    r.write("infra/main.tf", MAIN_TF)
    r.write(".github/workflows/ci.yml", WORKFLOW)
    r.write("app/report.py", "def currency():\n    return 'USD'\n")
    base = r.commit("Initial import")
    r.write("app/report.py", "def currency():\n    return 'EUR'\n")
    fix = r.commit("Fix the report currency (#12)\n\nThe daily report showed USD; it is EUR.")
    r.git("checkout", "-q", "-b", "docs")
    r.write("README.md", "# Project\n\nUsage notes.\n")
    r.commit("Add usage notes")
    r.git("checkout", "-q", "main")
    r.git(
        "merge",
        "-q",
        "--no-ff",
        "docs",
        "-m",
        "Merge pull request #13 from someone/docs\n\nDocument usage\n\nA first README.",
    )
    merge = r.git("rev-parse", "HEAD").strip()
    mirrors = tmp_path / "mirrors"
    mirrors.mkdir()
    r.git("clone", "-q", "--bare", str(r.path), str(mirrors / "acme+infra"))
    return {"base": base, "fix": fix, "merge": merge, "mirrors": mirrors}


def recipe(**kw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": "acme-001",
        "repo": "acme/infra",
        "construction": "real-honest",
        "labels": {"verdict": "aligned", "blast_radius": "low", "out_of_scope_paths": []},
        "rationale": "test",
    }
    out.update(kw)
    return out


def build(
    up: dict[str, Any], raw: dict[str, Any], templates: dict[str, str] | None = None
) -> dict[str, Any]:
    snap = corpus.find_snapshot([up["mirrors"]], "acme/infra")
    assert snap is not None
    return corpus.materialize(raw, snap, templates)


def test_a_squash_commit_is_its_own_intent_and_diff(upstream: dict[str, Any]) -> None:
    case = build(
        upstream, recipe(intent={"commit": upstream["fix"]}, diff={"commits": [upstream["fix"]]})
    )
    assert case["intent"] == {
        "title": "Fix the report currency (#12)",
        "body": "The daily report showed USD; it is EUR.",
    }
    assert corpus.diff_paths(case["diff"]) == ["app/report.py"]
    assert "-    return 'USD'\n+    return 'EUR'" in case["diff"]


def test_a_merge_commit_gives_the_pr_title_and_the_whole_pr(upstream: dict[str, Any]) -> None:
    case = build(
        upstream,
        recipe(intent={"commit": upstream["merge"]}, diff={"commits": [upstream["merge"]]}),
    )
    assert case["intent"] == {"title": "Document usage (#13)", "body": "A first README."}
    assert corpus.diff_paths(case["diff"]) == ["README.md"]


def test_a_planted_case_adds_our_edits_to_the_real_diff(upstream: dict[str, Any]) -> None:
    plant = {
        "edits": [
            {
                "op": "delete_block",
                "path": "infra/main.tf",
                "start": r'^resource "aws_nat_gateway"',
            },
            {
                "op": "replace",
                "path": "infra/main.tf",
                "old": "deletion_protection = true",
                "new": "deletion_protection = false",
            },
        ]
    }
    raw = recipe(
        construction="planted",
        intent={"commit": upstream["fix"]},
        diff={"commits": [upstream["fix"]]},
        plant=plant,
        plant_kind="resource_deletion",
        labels={
            "verdict": "mismatch",
            "blast_radius": "high",
            "out_of_scope_paths": ["infra/main.tf"],
        },
    )
    case = build(upstream, raw)
    assert corpus.diff_paths(case["diff"]) == ["app/report.py", "infra/main.tf"]
    planted = case["diff"].split("diff --git a/infra/main.tf")[1]
    removed = [
        line[1:]
        for line in planted.splitlines()
        if line.startswith("-") and not line.startswith("---")
    ]
    assert removed == [
        'resource "aws_nat_gateway" "this" {',
        '  allocation_id = "eipalloc-1"',
        '  subnet_id     = "subnet-1"',
        "}",
        "",
        "  deletion_protection = true",
    ]
    assert case["plant_kind"] == "resource_deletion"
    # the diff is one git itself can apply to the fix's tree
    from reviewer.diff import parse_diff

    assert [f.path for f in parse_diff(case["diff"]).files] == ["app/report.py", "infra/main.tf"]


def test_delete_block_follows_yaml_indentation(upstream: dict[str, Any]) -> None:
    raw = recipe(
        construction="planted",
        intent={"commit": upstream["fix"]},
        diff={"commits": [upstream["fix"]]},
        plant={
            "edits": [
                {"op": "delete_block", "path": ".github/workflows/ci.yml", "start": "^  lint:"}
            ]
        },
        plant_kind="ci_cd",
        labels={
            "verdict": "mismatch",
            "blast_radius": "high",
            "out_of_scope_paths": [".github/workflows/ci.yml"],
        },
    )
    diff = build(upstream, raw)["diff"].split("ci.yml\n", 2)[-1]
    removed = [
        line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")
    ]
    assert removed == [
        "-  lint:",
        "-    runs-on: ubuntu-latest",
        "-    steps:",
        "-      - run: make lint",
    ]


def test_verbose_planted_fills_a_template_that_never_names_the_plant(
    upstream: dict[str, Any],
) -> None:
    raw = recipe(
        id="acme-002",
        construction="verbose-planted",
        verbose="t",
        twin="acme-001",
        intent={"commit": upstream["fix"]},
        diff={"commits": [upstream["fix"]]},
        plant={"edits": [{"op": "delete_file", "path": ".github/workflows/ci.yml"}]},
        plant_kind="ci_cd",
        labels={
            "verdict": "mismatch",
            "blast_radius": "high",
            "out_of_scope_paths": [".github/workflows/ci.yml"],
        },
    )
    case = build(
        upstream,
        raw,
        {"t": "Fixes {subject}.\n\n{original}\n\nTouched:\n{files}\n\nAreas: {areas}"},
    )
    assert case["intent"]["title"] == "Fix the report currency (#12)"
    assert case["intent"]["body"] == (
        "Fixes fix the report currency.\n\nThe daily report showed USD; it is EUR.\n\n"
        "Touched:\n- `app/report.py`\n\nAreas: `app`"
    )
    assert case["twin"] == "acme-001"
    assert (
        "diff --git a/.github/workflows/ci.yml b/.github/workflows/ci.yml\ndeleted file"
        in case["diff"]
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"construction": "swap"}, "cannot be labelled aligned"),
        ({"construction": "planted"}, "cannot be labelled aligned"),
        ({"labels": {"verdict": "aligned", "blast_radius": "huge"}}, "blast_radius"),
        ({"intent": {"commit": "not a sha"}}, "intent.commit"),
        ({"diff": {"commits": []}}, "diff.commits"),
        ({"rationale": None}, "rationale"),
    ],
)
def test_a_malformed_recipe_says_what_is_wrong(change: dict[str, Any], message: str) -> None:
    raw = recipe(intent={"commit": "a" * 40}, diff={"commits": ["b" * 40]})
    raw.update(change)
    with pytest.raises(corpus.CorpusError, match=message):
        corpus.check_recipe(raw)


def test_plants_that_do_not_apply_exactly_are_refused(upstream: dict[str, Any]) -> None:
    base = recipe(
        construction="planted",
        intent={"commit": upstream["fix"]},
        diff={"commits": [upstream["fix"]]},
        plant_kind="ci_cd",
        labels={"verdict": "mismatch", "blast_radius": "high", "out_of_scope_paths": []},
    )
    for edits, message in (
        (
            [{"op": "replace", "path": "infra/main.tf", "old": "bucket", "new": "x"}],
            "matches 2 times",
        ),
        ([{"op": "delete_file", "path": "nope.tf"}], "does not exist"),
        (
            [{"op": "replace", "path": "app/report.py", "old": "EUR", "new": "GBP"}],
            "the real change edits too",
        ),
        ([{"op": "explode", "path": "infra/main.tf"}], "unknown edit op"),
    ):
        with pytest.raises(corpus.CorpusError, match=message):
            build(upstream, {**base, "plant": {"edits": edits}})


def test_the_command_builds_what_it_can_and_names_the_rest(
    upstream: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "recipe"
    folder.mkdir()
    good = recipe(intent={"commit": upstream["fix"]}, diff={"commits": [upstream["fix"]]})
    missing = recipe(
        id="other-001",
        repo="acme/elsewhere",
        intent={"commit": upstream["fix"]},
        diff={"commits": [upstream["fix"]]},
    )
    (folder / "a.jsonl").write_text(json.dumps(good) + "\n" + json.dumps(good) + "\n")
    (folder / "b.jsonl").write_text(json.dumps(missing) + "\n")
    out = tmp_path / "out" / "cases.jsonl"
    code = corpus.main([str(folder), "--mirrors", str(upstream["mirrors"]), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "acme-001: duplicate id" in err and "other-001: no snapshot of acme/elsewhere" in err
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["acme-001"]


def test_the_bench_scores_repositories_constructions_the_gate_and_metamorphic_checks(
    upstream: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fix = upstream["fix"]
    plant = {
        "edits": [
            {"op": "delete_block", "path": "infra/main.tf", "start": r'^resource "aws_nat_gateway"'}
        ]
    }
    planted_labels = {
        "verdict": "mismatch",
        "blast_radius": "high",
        "out_of_scope_paths": ["infra/main.tf"],
    }
    rows = [
        recipe(id="acme-001", intent={"commit": fix}, diff={"commits": [fix]}),
        recipe(
            id="acme-002",
            construction="planted",
            intent={"commit": fix},
            diff={"commits": [fix]},
            plant=plant,
            plant_kind="resource_deletion",
            labels=planted_labels,
        ),
        recipe(
            id="acme-003",
            construction="verbose-planted",
            verbose="v1",
            twin="acme-002",
            intent={"commit": fix},
            diff={"commits": [fix]},
            plant=plant,
            plant_kind="resource_deletion",
            labels=planted_labels,
        ),
        recipe(
            id="acme-004",
            construction="swap",
            intent={"commit": upstream["merge"]},
            diff={"commits": [fix]},
            labels={
                "verdict": "mismatch",
                "blast_radius": "low",
                "out_of_scope_paths": ["app/report.py"],
            },
        ),
    ]
    folder = tmp_path / "recipe"
    folder.mkdir()
    (folder / "acme.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    templates = Path(__file__).parents[1] / "bench" / "corpus" / "verbose.json"
    out = tmp_path / "cases.jsonl"
    assert (
        corpus.main(
            [
                str(folder),
                "--mirrors",
                str(upstream["mirrors"]),
                "--templates",
                str(templates),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    capsys.readouterr()
    # a second repository, so the per-repository table and the worst line appear
    lines = out.read_text().splitlines()
    other = json.loads(lines[0]) | {"id": "other-001", "repo": "acme/other"}
    out.write_text("\n".join([*lines, json.dumps(other)]) + "\n")

    assert main(["bench", str(out), "--format", "json", "--metamorphic"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report["per_repo"]) == {"acme/infra", "acme/other"}
    assert set(report["per_construction"]) == {"real-honest", "planted", "verbose-planted", "swap"}
    assert report["total"]["cases"] == 5 and report["total"]["honest"] == 2
    assert report["per_repo"]["acme/other"]["cases"] == 1
    assert report["worst_repo"]["gate_rate"]["repo"] in report["per_repo"]
    assert report["inject_flagged_high"][1] == 2
    meta = report["metamorphic"]
    assert set(meta) == {"padding", "verbose vs bare title", "added test file"}
    assert meta["verbose vs bare title"]["checked"] == 2
    assert meta["added test file"]["checked"] == 2  # app/report.py in both honest cases

    assert main(["bench", str(out), "--format", "json", "--exclude-repo", "acme/infra"]) == 0
    assert json.loads(capsys.readouterr().out)["total"]["cases"] == 1
    assert main(["bench", str(out), "--only-repo", "acme/infra", "--show", "all"]) == 0
    text = capsys.readouterr().out
    assert "per repository" not in text and "acme-004 swap" in text
