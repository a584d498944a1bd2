"""The git reader: many blobs in few round trips, and nothing malformed ever sent to git."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from reviewer import git
from reviewer.errors import GitError
from tests.conftest import Repo


def test_blobs_are_read_in_batches_in_order(repo: Repo) -> None:
    repo.write("a.txt", "alpha\n")
    repo.write("b.txt", "beta\n")
    repo.commit("init")
    specs = ["HEAD:a.txt", "HEAD:missing.txt", "HEAD:b.txt", "HEAD:bad\npath"] * 3000
    with git.BlobReader(repo.path) as reader:
        got = reader.read_objects(specs)  # far more than one pipe's worth of requests
        assert got[:4] == [b"alpha\n", None, b"beta\n", None]
        assert got == got[:4] * 3000
        assert reader.read_objects(["a\nb", "c\rd"]) == [None, None]
        assert reader.read("HEAD", "b.txt") == b"beta\n"
        assert reader.read("HEAD", "a\n.txt") is None
        assert reader.read_objects(["HEAD"]) == [None]  # a commit, not a blob


def test_blob_sources_read_both_sides_at_once(repo: Repo) -> None:
    repo.write("a.txt", "old\n")
    old = repo.commit("one")
    repo.write("a.txt", "new\n")
    new = repo.commit("two")
    with git.BlobReader(repo.path) as reader:
        blobs = git.GitBlobs(reader, old, new)
        assert blobs.get_many([("old", "a.txt"), ("new", "a.txt"), ("new", "gone")]) == [
            b"old\n",
            b"new\n",
            None,
        ]
        blob_id = repo.git("rev-parse", f"{old}:a.txt").strip()
        by_id = git.ObjectBlobs(reader, {("old", "a.txt"): blob_id, ("new", "a.txt"): "HEAD"})
        # a blob id is read; anything that is not hex is never sent as a revision expression
        assert by_id.get_many([("old", "a.txt"), ("new", "a.txt")]) == [b"old\n", None]


def test_pr_change_is_pr_range_and_its_diff_side_by_side(repo: Repo, tmp_path: Path) -> None:
    repo.write("a.txt", "one\n")
    repo.commit("init")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("a.txt", "two\n")
    repo.write("b.txt", "new\n")
    repo.commit("change")
    repo.git("checkout", "-q", "main")
    repo.write("c.txt", "main moved on\n")
    repo.commit("later on main")

    got = git.pr_change("main", "feature", cwd=repo.path)
    assert got is not None
    revs, raw = got
    assert revs == git.pr_range("main", "feature", cwd=repo.path)
    assert raw == git.diff_range(revs[0], revs[1], cwd=repo.path)
    assert b"b/b.txt" in raw and b"c.txt" not in raw  # three dots: not what main did since

    with pytest.raises(GitError, match="unknown revision 'nope'"):
        git.pr_change("main", "nope", cwd=repo.path)
    with pytest.raises(GitError, match="not a revision"):
        git.pr_change("--output=written", "HEAD", cwd=repo.path)
    assert not (repo.path / "written").exists()  # never handed to git as an option
    outside = tmp_path / "plain"
    outside.mkdir()
    assert git.pr_change("main", "HEAD", cwd=outside) is None


def test_without_git_every_entry_point_is_one_clear_error(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(repo.path / "no-such-dir"))
    for call in (
        lambda: git.run(["status"], cwd=repo.path),
        lambda: git.show_file("HEAD", "a.txt", cwd=repo.path),
        lambda: git.BlobReader(repo.path),
        lambda: git.pr_change("main", "HEAD", cwd=repo.path),
    ):
        with pytest.raises(GitError, match="git is not installed or not on PATH"):
            call()


def _history(repo: Repo) -> tuple[str, str]:
    """main with three commits, a feature branch forked from the first: (fork point, feature tip)."""
    repo.write("app.py", "A = 1\n")
    fork = repo.commit("one")
    repo.write("app.py", "A = 2\n")
    repo.commit("two")
    repo.write("app.py", "A = 3\n")
    repo.commit("three")
    repo.git("checkout", "-q", "-b", "feature", fork)
    repo.write("lib.py", "B = 1\n")
    tip = repo.commit("feature")
    repo.git("checkout", "-q", "main")
    return fork, tip


def _shallow(repo: Repo, tmp_path: Path, *args: str) -> Repo:
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", *args, f"file://{repo.path}", str(clone)],
        check=True,
        capture_output=True,
    )
    shallow = Repo.__new__(Repo)  # an existing clone: no `git init`
    shallow.path = clone
    return shallow


@pytest.mark.parametrize("branches", ["one", "both"])
def test_a_shallow_clone_says_in_one_line_how_to_fetch_the_history(
    repo: Repo,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    branches: str,
) -> None:
    from reviewer.cli import main

    _history(repo)
    clone = _shallow(repo, tmp_path, *(["--no-single-branch"] if branches == "both" else []))
    monkeypatch.chdir(clone.path)
    # "one": main~1 is not there at all; "both": both tips are, but not their merge base
    base, head = ("main~1", "HEAD") if branches == "one" else ("origin/main", "origin/feature")
    code = main(["review", "--base", base, "--head", head, "--intent", "x"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert "shallow" in err and "git fetch --unshallow" in err and "fetch-depth: 0" in err


def test_deepen_fetches_a_shallow_clone_down_to_the_merge_base(repo: Repo, tmp_path: Path) -> None:
    fork, tip = _history(repo)
    main_tip = repo.git("rev-parse", "main").strip()
    clone = _shallow(repo, tmp_path)
    assert git.is_shallow(clone.path) and not git.is_shallow(repo.path)
    assert git.deepen(main_tip, tip, cwd=clone.path)
    assert git.merge_base(main_tip, tip, cwd=clone.path) == fork


def test_worktree_tree_sees_an_edit_made_in_the_same_second_with_the_same_size(
    repo: Repo,
) -> None:
    # "racy git": the entry's stat data matches, so git must compare contents; a scratch index
    # with a fresh mtime would make it trust the stale entry
    repo.write("report.py", 'CURRENCY = "EUR"\n')
    repo.commit("Initial")
    repo.write("report.py", 'CURRENCY = "USD"\n')
    time.sleep(1.1)  # the review runs a second later, as an agent's Stop does
    tree = git.worktree_tree(cwd=repo.path)
    blob = repo.git("rev-parse", f"{tree}:report.py").strip()
    assert blob == repo.git("hash-object", "report.py").strip()
