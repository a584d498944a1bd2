"""The README's sample outputs are real outputs of the code, and its commands exist."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_samples_are_what_the_code_prints() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "readme_samples.py"), "--check"],
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
