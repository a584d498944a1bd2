"""The CLI explains itself: help with examples and exit codes, empty reviews, real causes, Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reviewer.cli import _COMMANDS, main
from tests.conftest import Repo

ROOT = Path(__file__).parents[1]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _commands() -> list[list[str]]:
    nested = {
        "intent": ["set", "show", "clear"],
        "hook": ["commit-msg", "pre-push"],
        "agent": ["hook", "install"],
    }
    out = [[name] for name in _COMMANDS]
    out += [[name, action] for name, actions in nested.items() for action in actions]
    return out


@pytest.mark.parametrize("command", _commands(), ids=" ".join)
def test_every_command_has_a_description_two_examples_and_exit_codes(
    capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    code, out, _ = run(capsys, *command, "--help")
    assert code == 0
    assert "examples:" in out and "exit codes" in out
    examples = out.split("examples:")[1].split("exit codes")[0]
    assert len([line for line in examples.splitlines() if line.strip()]) >= 2
    # every flag says what it does
    for line in out.split("options:")[1].split("examples:")[0].splitlines():
        if line.strip().startswith("--") and "  " not in line.strip():
            nxt = out.split(line, 1)[1].splitlines()[1] if line in out else ""
            assert nxt.startswith(" " * 10), f"{command}: {line.strip()} has no help"
    assert "../" not in out and "DESIGN.md" not in out


def test_serve_names_its_secrets_and_fail_on_says_when_it_blocks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run(capsys, "serve", "--help")
    for secret in ("GITHUB_WEBHOOK_SECRET", "GITHUB_APP_ID", "GITHUB_APP_PRIVATE_KEY"):
        assert secret in out
    _, out, _ = run(capsys, "review", "--help")
    flat = " ".join(out.split())
    assert "critical blast radius" in flat and "high: also a high or critical" in flat
    assert "130" in out


def test_an_empty_diff_is_not_a_silent_pass(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.diff"
    empty.write_text("")
    code, out, err = run(capsys, "review", "--diff", str(empty), "--intent", "x")
    assert code == 2 and not out and "nothing to review" in err
    code, out, _ = run(capsys, "review", "--diff", str(empty), "--intent", "x", "--allow-empty")
    assert code == 0 and "ALIGNED" in out


def test_an_empty_range_and_nothing_staged_say_nothing_to_review(
    capsys: pytest.CaptureFixture[str], repo: Repo
) -> None:
    repo.write("a.txt", "a\n")
    repo.commit("init")
    code, _, err = run(
        capsys, "review", "--repo", str(repo.path), "--base", "HEAD", "--intent", "x"
    )
    assert code == 2 and "nothing to review" in err and "--base" in err
    code, _, err = run(capsys, "review", "--repo", str(repo.path), "--staged", "--intent", "x")
    assert code == 2 and "nothing is staged" in err


def test_a_missing_repo_is_named_as_such(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "review", "--base", "main", "--repo", "does-not-exist", "--intent", "x"
    )
    assert code == 2 and "does-not-exist: no such directory" in err
    assert "not installed" not in err


def test_ctrl_c_prints_one_line_and_exits_130(tmp_path: Path) -> None:
    # a large multi-language diff keeps the review (and its forked workers) busy for a while
    parts = []
    for i in range(3000):
        ext = ("py", "js", "go", "tf")[i % 4]
        parts.append(
            f"diff --git a/m{i}/f.{ext} b/m{i}/f.{ext}\n--- a/m{i}/f.{ext}\n+++ b/m{i}/f.{ext}\n"
            f"@@ -1,1 +1,1 @@\n-x = {i}\n+x = {i + 1}\n"
        )
    big = tmp_path / "big.diff"
    big.write_text("".join(parts))
    proc = subprocess.Popen(
        [sys.executable, "-m", "reviewer", "review", "--diff", str(big), "--intent", "x"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        start_new_session=True,
    )
    time.sleep(0.4)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)  # like a terminal: the whole process group
    _, err = proc.communicate(timeout=60)
    text = err.decode()
    if proc.returncode == 130:
        assert text.strip() == "reviewer: interrupted"
    assert "Traceback" not in text
