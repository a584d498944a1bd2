"""The Stop hook's cost on a typical agent change: ``python benchmarks/agent_hook_bench.py``.

Builds a repository with a few dozen files, records a prompt, makes a typical honest change (two
files edited, one test added, untracked) and times ``reviewer agent hook claude`` on a Stop payload,
cold processes each time, against ``python -c pass``. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

RUNS = 15
ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, env=ENV, check=True, capture_output=True)


def build(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    for i in range(40):
        (root / "billing").mkdir(exist_ok=True)
        (root / "billing" / f"module_{i}.py").write_text(
            "".join(f"def f{j}(x):\n    return x * {j}\n\n\n" for j in range(30))
        )
    (root / "billing" / "report.py").write_text(
        'def currency(amount):\n    return f"{amount:.2f} EUR"\n'
    )
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")


def hook(root: Path, payload: Mapping[str, object]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "reviewer", "agent", "hook", "claude"],
        input=json.dumps(payload).encode(),
        cwd=root,
        env=ENV,
        capture_output=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0 or b'"decision"' in proc.stdout:
        raise SystemExit(
            f"unexpected hook answer: {proc.returncode} {proc.stdout!r} {proc.stderr!r}"
        )
    return elapsed * 1000


def baseline() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build(root)
        common = {"session_id": "bench", "transcript_path": "", "cwd": str(root)}
        prompt = {
            **common,
            "hook_event_name": "UserPromptSubmit",
            "prompt": "Fix the currency of the daily cost report in billing/report.py: USD, not EUR",
        }
        prompt_ms = [hook(root, prompt) for _ in range(3)]
        report = root / "billing" / "report.py"
        report.write_text(report.read_text().replace("EUR", "USD"))
        (root / "tests").mkdir()
        (root / "tests" / "test_report.py").write_text(
            "from billing.report import currency\n\n\ndef test_usd():\n"
            '    assert currency(1) == "1.00 USD"\n'
        )
        stop = {**common, "hook_event_name": "Stop", "stop_hook_active": False}
        stop_ms = [hook(root, stop) for _ in range(RUNS)]
        base_ms = [baseline() for _ in range(RUNS)]
    print(f"python -c pass          median {statistics.median(base_ms):6.1f} ms")
    print(f"UserPromptSubmit hook   median {statistics.median(prompt_ms):6.1f} ms")
    print(
        f"Stop hook (review)      median {statistics.median(stop_ms):6.1f} ms, "
        f"max {max(stop_ms):6.1f} ms over {RUNS} runs (goal: <= 300 ms)"
    )
    print(
        f"Stop hook overhead over interpreter start: "
        f"{statistics.median(stop_ms) - statistics.median(base_ms):6.1f} ms"
    )


if __name__ == "__main__":
    main()
