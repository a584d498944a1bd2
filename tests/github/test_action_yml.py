"""action.yml and the documented workflows validate against the Actions schemas (check-jsonschema's
vendored SchemaStore copies: no network), and action.yml wires every input to the program."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "github.md"


def check(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_action_yml_matches_the_actions_schema() -> None:
    result = check("vendor.github-actions", ROOT / "action.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_documented_workflow_matches_the_workflows_schema(tmp_path: Path) -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(), re.S)
    workflows = [b for b in blocks if b.startswith("name:") and "\non:" in b]
    assert workflows, "docs/github.md shows a workflow"
    files = []
    for i, text in enumerate(workflows):
        files.append(tmp_path / f"workflow{i}.yml")
        files[-1].write_text(text)
    result = check("vendor.github-workflows", *files)
    assert result.returncode == 0, result.stdout + result.stderr
    main = workflows[0]
    assert len(main.strip().splitlines()) <= 25
    assert "pull_request_target" not in main and "permissions:" in main and "concurrency:" in main


def test_every_input_reaches_the_program_as_an_environment_variable() -> None:
    yaml = pytest.importorskip("yaml")
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    steps = action["runs"]["steps"]
    review = next(s for s in steps if s.get("id") == "review")
    wired = " ".join(review["env"].values())
    for name in action["inputs"]:
        assert f"inputs.{name}" in wired, f"input {name} is not passed to reviewer github"
    for step in steps:  # inputs are never interpolated into script text (script injection)
        assert "inputs." not in step.get("run", "") and "github.event" not in step.get("run", "")
    for name, out in action["outputs"].items():
        assert out["value"] == f"${{{{ steps.review.outputs.{name} }}}}"
