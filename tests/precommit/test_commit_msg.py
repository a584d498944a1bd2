"""``reviewer hook commit-msg`` in-process, in real repositories (the framework is in test_framework.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import reviewer.commands.commit_msg as commit_msg_command
from reviewer.cli import main
from tests.conftest import Repo

from .conftest import GOOD_ANSWER, destroy, fix_typo, open_questions


@pytest.fixture
def here(project: Repo, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """Inside the project, and not under any real ``git commit`` (in case the suite runs in a hook)."""
    monkeypatch.chdir(project.path)
    monkeypatch.setattr(commit_msg_command, "commit_call", lambda: None)
    return project


def hook(
    capsys: pytest.CaptureFixture[str], repo: Repo, message: str, *extra: str
) -> tuple[int, str]:
    msg = repo.path / ".git" / "COMMIT_EDITMSG"
    msg.write_text(message)
    code = main(["hook", "commit-msg", *extra, str(msg)])
    out, err = capsys.readouterr()
    return code, out + err


def test_destructive_change_as_typo_fix_is_blocked(
    here: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    destroy(here)
    here.git("add", "-A")
    code, out = hook(capsys, here, "Fix typo in README\n\n# Please enter the commit message.\n")
    assert code == 1
    assert "MISMATCH" in out and "answers required" in out
    assert "aws_db_instance.main" in out
    assert len(open_questions(out)) >= 2
    last = out.strip().splitlines()[-1]
    assert "Reviewer-Answer: Q" in last and "SKIP=intent-review git commit" in last


def test_real_typo_fix_passes(here: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    fix_typo(here)
    here.git("add", "-A")
    code, out = hook(capsys, here, "Fix typo in README\n")
    assert code == 0, out
    assert "ALIGNED" in out


def test_answers_in_trailers_unblock(here: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    destroy(here)
    here.git("add", "-A")
    _, out = hook(capsys, here, "Fix typo in README\n")
    ids = open_questions(out)
    trailers = "".join(f"Reviewer-Answer: {q} {GOOD_ANSWER}\n" for q in ids)
    code, out = hook(capsys, here, f"Fix typo in README\n\n{trailers}")
    assert code == 0, out
    assert open_questions(out) == []
    assert out.count("[x]") == len(ids)
    assert "answer: The database was migrated" in out


def test_trivial_answers_are_rejected_by_name(
    here: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    destroy(here)
    here.git("add", "-A")
    _, out = hook(capsys, here, "Fix typo in README\n")
    first, second, *rest = open_questions(out)
    trailers = f"Reviewer-Answer: {first} n/a\nReviewer-Answer: {second} Intentional\n"
    trailers += "".join(f"Reviewer-Answer: {q} {GOOD_ANSWER}\n" for q in rest)
    code, out = hook(capsys, here, f"Fix typo in README\n\n{trailers}")
    assert code == 1
    assert f"rejected answer to {first}: 'n/a' is a placeholder" in out
    assert f"rejected answer to {second}: 'Intentional' is one word" in out
    assert open_questions(out) == [first, second]


def test_unknown_question_ids_are_reported(here: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    fix_typo(here)
    here.git("add", "-A")
    code, out = hook(
        capsys, here, f"Fix typo in README\n\nReviewer-Answer: QDEADBEE {GOOD_ANSWER}\n"
    )
    assert code == 0
    assert "unknown question(s) QDEADBEE" in out


def test_comment_lines_are_not_intent(here: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    here.git("config", "core.commentChar", ";")
    destroy(here)
    here.git("add", "-A")
    code, out = hook(
        capsys, here, "Fix typo in README\n; Delete aws_db_instance.main, recreate the VPC\n"
    )
    assert code == 1
    assert "Delete aws_db_instance" not in out


def test_policy_comes_from_head_not_from_the_index(
    here: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    destroy(here)
    here.write(".reviewer.toml", 'fail_on = "never"\n')
    here.git("add", "-A")
    code, _ = hook(capsys, here, "Fix typo in README\n")
    assert code == 1  # the staged policy that would let it through is not the one that reviews it

    here.git("reset", "-q")
    here.git("add", ".reviewer.toml")
    here.git("commit", "-q", "-m", "Add the review policy")
    destroy(here)
    here.git("add", "-A")
    code, out = hook(capsys, here, "Fix typo in README\n")
    assert code == 0, out


def test_fail_on_never_argument(here: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    destroy(here)
    here.git("add", "-A")
    code, out = hook(capsys, here, "Fix typo in README\n", "--fail-on", "never")
    assert code == 0
    assert "answers required" in out  # still shown, just not blocking


def test_branch_intent_is_part_of_the_intent(
    here: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    destroy(here)
    here.git("add", "-A")
    _, without = hook(capsys, here, "Apply the assistant's infrastructure change\n")
    assert (
        main(
            [
                "intent",
                "set",
                "Delete the unused aws_db_instance.main database and move aws_vpc.main to 10.1.0.0/16",
            ]
        )
        == 0
    )
    capsys.readouterr()
    _, with_prompt = hook(capsys, here, "Apply the assistant's infrastructure change\n")
    assert "intent includes the prompt recorded for branch 'main'" in with_prompt
    assert "intent-review: MISMATCH" in without and "intent-review: ALIGNED" in with_prompt
    # the stated change still asks its "what could go wrong" (one concern), without blocking
    assert len(open_questions(with_prompt)) <= len(open_questions(without))
    assert "answers required" in without and "answers required" not in with_prompt


def test_nothing_staged_passes(here: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = hook(capsys, here, "Trigger CI\n")
    assert code == 0
    assert "nothing staged" in out


def test_message_file_defaults_to_commit_editmsg(
    here: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    destroy(here)
    here.git("add", "-A")
    (here.path / ".git" / "COMMIT_EDITMSG").write_text("Fix typo in README\n")
    assert main(["hook", "commit-msg"]) == 1
    assert "answers required" in capsys.readouterr().out


def test_first_commit_of_a_repository(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo.path)
    monkeypatch.setattr(commit_msg_command, "commit_call", lambda: None)
    repo.write("README.md", "# New project\n")
    repo.write("src/app.py", "def main() -> None:\n    print('hello')\n")
    repo.git("add", "-A")
    code, out = hook(capsys, repo, "Add the project skeleton: README and src/app.py\n")
    assert code == 0, out


def test_llm_is_opt_in_and_never_blocks_offline(
    here: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    fix_typo(here)
    here.git("add", "-A")
    code, out = hook(capsys, here, "Fix typo in README\n", "--llm")
    assert code == 0, out
    assert "llm" in out.lower()  # skipped or degraded, and it says so


def test_errors_are_one_line_exit_2(
    here: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["hook", "commit-msg", str(tmp_path / "missing")]) == 2
    assert "no such commit message file" in capsys.readouterr().err
    assert main(["hook"]) == 2
    capsys.readouterr()
    elsewhere = tmp_path / "not-a-repo"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert main(["hook", "commit-msg", "msg"]) == 2
    err = capsys.readouterr().err
    assert "not a git repository" in err and len(err.strip().splitlines()) == 1
