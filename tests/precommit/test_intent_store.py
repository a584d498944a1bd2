"""``reviewer intent set|show|clear``: per branch, per worktree, under the git directory."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from reviewer.cli import main
from tests.conftest import Repo


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["intent", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))


@pytest.fixture
def here(project: Repo, monkeypatch: pytest.MonkeyPatch) -> Repo:
    monkeypatch.chdir(project.path)
    return project


def test_set_show_clear(here: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "show")[2].strip() == "reviewer: no intent recorded for branch 'main'"
    code, out, _ = run(capsys, "set", "Fix the Cost Explorer date range bug")
    assert code == 0 and "branch 'main'" in out
    code, out, _ = run(capsys, "show")
    assert out.splitlines()[0].startswith("# intent for branch 'main' (prompt, set 20")
    assert out.splitlines()[1] == "Fix the Cost Explorer date range bug"
    stored = json.loads((here.path / ".git" / "reviewer-intent.json").read_text())
    record = stored["branches"]["main"]
    assert record["text"] == "Fix the Cost Explorer date range bug" and record["source"] == "prompt"
    assert record["set_at"].endswith("Z")
    assert run(capsys, "clear")[1].strip() == "intent cleared for branch 'main'"
    assert run(capsys, "clear")[1].strip() == "no intent recorded for branch 'main'"
    assert json.loads(run(capsys, "show", "--json")[1]) is None


def test_stdin_and_source(
    here: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin(monkeypatch, "Refactor the billing client\n\nKeep the public API.\n")
    assert run(capsys, "set", "--source", "cli")[0] == 0
    shown = json.loads(run(capsys, "show", "--json")[1])
    assert shown["text"] == "Refactor the billing client\n\nKeep the public API."
    assert shown["source"] == "cli" and shown["branch"] == "main"
    stdin(monkeypatch, "From a dash\n")
    assert run(capsys, "set", "-")[0] == 0
    assert json.loads(run(capsys, "show", "--json")[1])["text"] == "From a dash"


def test_per_branch_and_detached_head(here: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "set", "main work")
    here.git("checkout", "-q", "-b", "feature/x")
    assert json.loads(run(capsys, "show", "--json")[1]) is None
    run(capsys, "set", "feature work")
    here.git("checkout", "-q", "--detach")
    assert run(capsys, "set", "detached work")[1].startswith("intent recorded for detached HEAD")
    assert json.loads(run(capsys, "show", "--json")[1])["branch"] == "HEAD"
    here.git("checkout", "-q", "feature/x")
    assert json.loads(run(capsys, "show", "--json")[1])["text"] == "feature work"
    here.git("checkout", "-q", "main")
    assert json.loads(run(capsys, "show", "--json")[1])["text"] == "main work"


def test_worktrees_have_their_own_record(
    here: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    run(capsys, "set", "main work")
    other = tmp_path / "wt"
    here.git("worktree", "add", "-q", "-b", "wt-branch", str(other))
    monkeypatch.chdir(other / "docs")  # from a subdirectory too
    assert json.loads(run(capsys, "show", "--json")[1]) is None
    run(capsys, "set", "worktree work")
    assert (here.path / ".git" / "worktrees" / "wt" / "reviewer-intent.json").is_file()
    assert json.loads(run(capsys, "show", "--json")[1])["text"] == "worktree work"
    monkeypatch.chdir(here.path)
    assert json.loads(run(capsys, "show", "--json")[1])["text"] == "main work"


def test_bad_input_is_one_line_exit_2(
    here: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin(monkeypatch, "   \n")
    code, _, err = run(capsys, "set")
    assert code == 2 and "the intent is empty" in err
    assert run(capsys)[0] == 2
    (here.path / ".git" / "reviewer-intent.json").write_text("{not json")
    code, _, err = run(capsys, "show")
    assert code == 2 and "unreadable intent record" in err and len(err.strip().splitlines()) == 1


def test_a_hand_edited_record_is_read_as_data(
    here: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    (here.path / ".git" / "reviewer-intent.json").write_text(
        json.dumps({"branches": {"main": {"text": "Fix it", "source": "rm -rf /"}, "x": 3}})
    )
    shown = json.loads(run(capsys, "show", "--json")[1])
    assert shown["text"] == "Fix it" and shown["source"] == "cli"
