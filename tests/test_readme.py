"""The sample outputs of the README and docs/*.md are real outputs of the code, and the README's
commands exist."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def _samples() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "doc_samples", ROOT / "scripts" / "doc_samples.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_samples_are_what_the_code_prints() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "doc_samples.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


def test_first_lines_are_the_two_commands_and_ci_runs_the_second() -> None:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```\n(pip install \. && .+)\n(pip install .+)\n```", text)
    assert block is not None
    run_cmd, test_cmd = block.group(1), block.group(2)
    assert "examples/cost-explorer-fix.diff" in run_cmd
    assert (ROOT / "examples" / "cost-explorer-fix.diff").is_file()
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_cmd in ci


def test_every_doc_with_samples_is_listed_and_a_lost_marker_fails() -> None:
    samples = _samples()
    docs = ["README.md", *(str(p.relative_to(ROOT)) for p in sorted((ROOT / "docs").glob("*.md")))]
    counted = {name: len(samples.BLOCK.findall((ROOT / name).read_text("utf-8"))) for name in docs}
    assert {name: n for name, n in counted.items() if n} == samples.SAMPLES
    text = (ROOT / "docs" / "pre-commit.md").read_text("utf-8")
    assert samples.problems("docs/pre-commit.md", text) == []
    # the marker deleted, the output left behind: both the count and the stray output are reported
    lost = re.sub(r"<!-- (/?)sample(: .*?)? -->\n", "", text)
    found = samples.problems("docs/pre-commit.md", lost)
    assert len(found) == 2 and "0 sample blocks, 1 expected" in found[0]
    assert "reviewer output outside a sample marker" in found[1]


def test_the_tests_say_they_use_a_scripted_server_not_a_model() -> None:
    for name in ("README.md", "docs/llm.md"):
        text = " ".join((ROOT / name).read_text("utf-8").split())
        assert "scripted local server" in text and "not a real model" in text, name
