"""``reviewer hook pre-push`` in-process: every way a pushed range arrives, and every kind of push."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

import reviewer.commands.pre_push as pre_push_command
from reviewer.cli import main
from tests.conftest import Repo

from .conftest import GOOD_ANSWER, destroy, fix_typo, open_questions

ZERO = "0" * 40


@pytest.fixture
def pushed(project: Repo, remote: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """main on origin, then two local commits: a real typo fix and the outage dressed as one."""
    monkeypatch.chdir(project.path)
    fix_typo(project)
    project.commit("Fix typo in README")
    destroy(project)
    project.commit("Fix another typo in README")
    return project


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["hook", "pre-push", *argv])
    out, err = capsys.readouterr()
    return code, out + err


def sha(repo: Repo, rev: str) -> str:
    return repo.git("rev-parse", rev).strip()


def test_each_pushed_commit_is_reviewed_against_its_own_message(
    pushed: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "--from-ref", "origin/main", "--to-ref", "HEAD")
    assert code == 1
    assert "Fix typo in README: aligned" in out
    assert "--- intent-review-push:" in out and "Fix another typo in README" in out
    assert "aws_db_instance.main" in out
    assert "SKIP=intent-review-push git push" in out.strip().splitlines()[-1]


def test_pre_commit_environment(
    pushed: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRE_COMMIT", "1")
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", sha(pushed, "origin/main"))
    monkeypatch.setenv("PRE_COMMIT_TO_REF", sha(pushed, "HEAD"))
    monkeypatch.setenv("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/main")
    monkeypatch.setenv("PRE_COMMIT_REMOTE_NAME", "origin")
    code, out = run(capsys)
    assert code == 1
    assert "aws_db_instance.main" in out


def test_answers_in_any_pushed_commit_unblock(
    pushed: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = run(capsys, "--from-ref", "origin/main", "--to-ref", "HEAD")
    trailers = "\n".join(f"Reviewer-Answer: {q} {GOOD_ANSWER}" for q in open_questions(out))
    pushed.git("commit", "-q", "--allow-empty", "-m", "Answer the review questions", "-m", trailers)
    code, out = run(capsys, "--from-ref", "origin/main", "--to-ref", "HEAD")
    assert code == 0, out
    assert open_questions(out) == [] and "[x]" in out


def test_answers_outside_the_range_do_not_count(
    pushed: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = run(capsys, "--from-ref", "origin/main", "--to-ref", "HEAD")
    trailers = "\n".join(f"Reviewer-Answer: {q} {GOOD_ANSWER}" for q in open_questions(out))
    pushed.git("commit", "-q", "--allow-empty", "-m", "Answers", "-m", trailers)
    code, _ = run(capsys, "--from-ref", "origin/main", "--to-ref", "HEAD~1")
    assert code == 1


def test_git_native_protocol_new_branch_and_deletion(
    pushed: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pushed.git("branch", "feature")
    lines = (
        f"refs/heads/feature {sha(pushed, 'feature')} refs/heads/feature {ZERO}\n"
        f"(delete) {ZERO} refs/heads/old {sha(pushed, 'origin/main')}\n"
    )
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(lines.encode())))
    code, out = run(capsys, "origin", "file:///unused")
    assert code == 1
    assert "new remote ref" in out
    assert "deleting a remote ref: nothing to review" in out
    assert "Fix typo in README: aligned" in out  # only the commits that are not on origin


def test_nothing_new_to_push(
    pushed: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pushed.git("push", "-q", "origin", "main", "--no-verify")
    lines = f"refs/heads/main {sha(pushed, 'main')} refs/heads/copy {ZERO}\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(lines.encode())))
    code, out = run(capsys, "origin", "file:///unused")
    assert code == 0
    assert "already on the remote" in out


def test_force_push_does_not_crash(pushed: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    pushed.git("push", "-q", "origin", "main", "--no-verify")
    old = sha(pushed, "origin/main")
    pushed.git("reset", "-q", "--hard", "HEAD~2")
    pushed.write("docs/guide.md", "# Guide\n\nHow to use the project, with examples.\n")
    pushed.commit("Add examples to the guide")
    code, out = run(capsys, "--from-ref", old, "--to-ref", "HEAD")
    assert code == 0, out
    assert "Add examples to the guide: aligned" in out


def test_by_hand_reviews_the_commits_not_on_any_remote(
    pushed: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys)
    assert code == 1
    assert "Fix typo in README: aligned" in out and "Fix another typo in README" in out
    assert "Initial import" not in out


def test_by_hand_without_remotes_uses_the_default_branch(
    project: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project.path)
    project.git("checkout", "-q", "-b", "feature")
    fix_typo(project)
    project.commit("Fix typo in README")
    code, out = run(capsys)
    assert code == 0, out
    assert "Fix typo in README: aligned" in out and "Initial import" not in out


def test_whole_history_of_a_new_repository(
    project: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project.path)
    code, out = run(capsys)
    assert code == 1  # an initial import of a state backend is a question like any other
    assert "Initial import" in out and "reviewed the whole history" in out


def test_merge_commits_in_the_range_are_noted(
    pushed: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    pushed.git("checkout", "-q", "-b", "side", "origin/main")
    pushed.write("docs/guide.md", "# Guide\n\nHow to use the project well.\n")
    pushed.commit("Improve the guide wording")
    pushed.git("checkout", "-q", "main")
    pushed.git("merge", "-q", "--no-ff", "--no-verify", "-m", "Merge branch 'side'", "side")
    code, out = run(capsys, "--from-ref", "origin/main", "--to-ref", "HEAD")
    assert code == 1  # the outage commit still needs its answers
    assert "Merge branch 'side': merge commit: not reviewed" in out
    assert "Improve the guide wording: aligned" in out


def test_long_ranges_are_reviewed_as_one_change(
    pushed: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pre_push_command, "MAX_PUSH_COMMITS", 1)
    code, out = run(capsys, "--from-ref", "origin/main", "--to-ref", "HEAD")
    assert code == 1
    assert "2 commits: reviewed as one change" in out


def test_bad_refs_are_one_line_errors(pushed: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "--from-ref", "no-such-ref", "--to-ref", "HEAD")
    assert code == 2 and "unknown revision 'no-such-ref'" in out
    code, out = run(capsys, "--from-ref", "origin/main")
    assert code == 2 and "both --from-ref and --to-ref" in out


def test_policy_comes_from_the_remote_side(
    pushed: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # a pushed commit that relaxes the policy does not relax the review of the push
    pushed.write(".reviewer.toml", 'fail_on = "never"\n')
    pushed.commit("Add a review policy")
    code, _ = run(capsys, "--from-ref", "origin/main", "--to-ref", "HEAD")
    assert code == 1


def test_runs_as_a_plain_git_hook(pushed: Repo, remote: Path) -> None:
    """git itself calls ``reviewer hook pre-push REMOTE URL`` with the refs on stdin."""
    hook = pushed.path / ".git" / "hooks" / "pre-push"
    root = Path(__file__).resolve().parents[2]
    hook.write_text(
        f'#!/bin/sh\nPYTHONPATH="{root}" exec "{sys.executable}" -m reviewer hook pre-push "$@"\n'
    )
    hook.chmod(0o755)
    proc = subprocess.run(
        ["git", "push", "origin", "main"], cwd=pushed.path, capture_output=True, text=True
    )
    assert proc.returncode != 0
    assert "aws_db_instance.main" in proc.stdout + proc.stderr
    pushed.git("push", "-q", "--no-verify", "origin", "origin/main:refs/heads/old")
    proc = subprocess.run(
        ["git", "push", "origin", "--delete", "old"],
        cwd=pushed.path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "deleting a remote ref" in proc.stdout + proc.stderr


def test_each_pushed_commit_is_recorded_in_the_history(
    pushed: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from reviewer.history.store import Store

    db = tmp_path / "history.sqlite3"
    code, _ = run(capsys, "--from-ref", "origin/main", "--to-ref", "HEAD", "--record", str(db))
    assert code == 1
    with Store(str(db)) as store:
        rows = store.db.execute("select surface, commit_sha, blocked from reviews").fetchall()
    assert sorted((r[1], r[2]) for r in rows) == sorted(
        [(sha(pushed, "HEAD~1"), 0), (sha(pushed, "HEAD"), 1)]
    )
    assert {r[0] for r in rows} == {"hook"}
