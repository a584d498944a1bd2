"""Recording from the CLI (``review --record``) and the commit-msg hook's trailers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import reviewer.commands.commit_msg as commit_msg_command
from reviewer.cli import main
from reviewer.history.store import Store
from tests.conftest import Repo
from tests.precommit.conftest import GOOD_ANSWER, MAIN_TF, README, destroy


@pytest.fixture
def project(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> Repo:
    repo.write("infra/main.tf", MAIN_TF)
    repo.write("README.md", README)
    repo.commit("Initial import")
    monkeypatch.chdir(repo.path)
    monkeypatch.setattr(commit_msg_command, "commit_call", lambda: None)
    return repo


def test_review_record_writes_one_row(
    project: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "history.sqlite")
    destroy(project)
    project.git("add", "-A")
    code = main(["review", "--staged", "--intent", "Fix typo in README", "--record", db])
    capsys.readouterr()
    assert code == 1
    with Store(db) as s:
        rows = s.db.execute(
            "SELECT surface, repository, verdict, blocked, author FROM reviews"
        ).fetchall()
        assert rows == [("cli", "repo", "mismatch", 1, "Test Author")]
        assert s.db.execute("SELECT count(*) FROM questions").fetchone()[0] > 0


def test_an_unwritable_history_is_a_warning_not_a_new_exit_code(
    project: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("README.md", README.replace("teh", "the"))
    project.git("add", "-A")
    code = main(["review", "--staged", "--intent", "Fix typo in README", "--record", str(tmp_path)])
    assert code == 0
    assert "not recorded" in capsys.readouterr().err


def test_hook_records_answers_placeholders_and_dismissals(
    project: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "history.sqlite")
    destroy(project)
    project.git("add", "-A")
    msg = project.path / ".git" / "COMMIT_EDITMSG"
    msg.write_text("Fix typo in README\n")
    assert main(["hook", "commit-msg", "--record", db, str(msg)]) == 1
    ids = re.findall(r"\[ \] (Q[0-9A-F]{7})", capsys.readouterr().out)
    assert ids
    trailers = [f"Reviewer-Answer: {ids[0]} ok"]
    trailers += [f"Reviewer-Answer: {q} {GOOD_ANSWER}" for q in ids[1:]]
    trailers.append(f"Reviewer-Dismiss: {ids[0]} the database was retired on purpose")
    msg.write_text("Fix typo in README\n\n" + "\n".join(trailers) + "\n")
    main(["hook", "commit-msg", "--record", db, str(msg)])
    capsys.readouterr()
    with Store(db) as s:
        assert s.db.execute("SELECT count(*), sum(blocked) FROM reviews").fetchone() == (2, 2)
        refused = s.db.execute(
            "SELECT question_id, text, reason FROM answers WHERE accepted = 0"
        ).fetchall()
        assert refused == [(ids[0], "ok", "a placeholder")]
        accepted = s.db.execute("SELECT count(*) FROM answers WHERE accepted = 1").fetchone()[0]
        assert accepted == len(ids) - 1
        (rule, reason, by) = s.db.execute(
            "SELECT rule, reason, dismissed_by FROM dismissals"
        ).fetchone()
        assert rule and rule.startswith("RV") and by == "Test Author"
        assert reason == "the database was retired on purpose"
