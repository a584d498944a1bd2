"""The hooks under the real pre-commit framework: ``pre-commit install``, then real ``git commit``
and ``git push`` in temporary repositories.

The hooks come from the project's ``.pre-commit-hooks.yaml``, turned into ``repo: local`` hooks that
run this checkout with the test interpreter (``language: unsupported``): no virtualenv to build and
no package index, so the tests run offline. ``test_try_repo`` installs the project the way users get
it (a pre-commit virtualenv built from the checkout): it needs a package index (or a mirror, as pip
is configured) for the dependencies. The whole module is the slow lane, which CI runs.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import Repo

from .conftest import GOOD_ANSWER, destroy, fix_typo, open_questions

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"


def _language() -> str:
    from pre_commit.all_languages import languages

    return "unsupported" if "unsupported" in languages else "system"


def local_config(**overrides: Mapping[str, Any]) -> str:
    """The manifest's hooks as ``repo: local`` hooks running this checkout; ``verbose`` so that the
    notes of passing hooks can be checked too."""
    hooks = []
    for hook in yaml.safe_load(MANIFEST.read_text()):
        local = {
            k: v for k, v in hook.items() if k not in ("language", "minimum_pre_commit_version")
        }
        words = shlex.split(hook["entry"])
        assert words[0] == "reviewer"
        local["entry"] = shlex.join([sys.executable, "-m", "reviewer", *words[1:]])
        local["language"] = _language()
        local["verbose"] = True
        local.update(overrides.get(hook["id"], {}))
        hooks.append(local)
    config: str = yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}, sort_keys=False)
    return config


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One PRE_COMMIT_HOME for the module: pre-commit's environments are built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


class Framework:
    def __init__(self, repo: Repo, home: Path) -> None:
        self.repo = repo
        self.env = {
            **os.environ,
            "PRE_COMMIT_HOME": str(home),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "PRE_COMMIT_COLOR": "never",
        }

    def run(
        self, *argv: str, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            argv,
            cwd=self.repo.path,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=300,
        )

    def install(self, config: str) -> None:
        self.repo.write(".pre-commit-config.yaml", config)
        self.repo.git("add", ".pre-commit-config.yaml")
        self.repo.git("commit", "-q", "-m", "Add the pre-commit configuration")
        proc = self.run(
            sys.executable, "-m", "pre_commit", "install", "-t", "commit-msg", "-t", "pre-push"
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr

    def commit(self, *args: str, env: Mapping[str, str] | None = None) -> tuple[int, str]:
        proc = self.run("git", "commit", *args, env=env)
        return proc.returncode, proc.stdout + proc.stderr

    def head(self) -> str:
        return self.repo.git("rev-parse", "HEAD").strip()


@pytest.fixture
def fw(project: Repo, remote: Path, pre_commit_home: Path) -> Framework:
    framework = Framework(project, pre_commit_home)
    framework.install(local_config())
    framework.repo.git("push", "-q", "--no-verify", "origin", "main")
    return framework


def test_destructive_change_as_typo_fix_is_blocked(fw: Framework) -> None:
    before = fw.head()
    destroy(fw.repo)
    fw.repo.git("add", "-A")
    code, out = fw.commit("-m", "Fix typo in README")
    assert code != 0
    assert "intent review (staged change vs commit message)" in out and "Failed" in out
    assert "answers required" in out and "aws_db_instance.main" in out
    assert len(open_questions(out)) >= 2
    assert "Reviewer-Answer: Q" in out and "SKIP=intent-review git commit" in out
    assert fw.head() == before


def test_real_typo_fix_passes(fw: Framework) -> None:
    fix_typo(fw.repo)
    fw.repo.git("add", "-A")
    code, out = fw.commit("-m", "Fix typo in README")
    assert code == 0, out
    assert "Passed" in out


def test_answers_in_trailers_unblock(fw: Framework) -> None:
    destroy(fw.repo)
    fw.repo.git("add", "-A")
    _, out = fw.commit("-m", "Fix typo in README")
    ids = open_questions(out)
    trailers = "\n".join(f"Reviewer-Answer: {q} {GOOD_ANSWER}" for q in ids)
    code, out = fw.commit("-m", "Fix typo in README", "-m", trailers.replace(GOOD_ANSWER, "ok", 1))
    assert code != 0 and f"rejected answer to {ids[0]}: 'ok'" in out
    code, out = fw.commit("-m", "Fix typo in README", "-m", trailers)
    assert code == 0, out
    assert f"Reviewer-Answer: {ids[0]}" in fw.repo.git("log", "-1", "--format=%B")


def test_commit_all_and_partial_commits_review_what_is_committed(fw: Framework) -> None:
    """``git commit -a`` and ``git commit PATH`` commit through a temporary index: that one counts."""
    destroy(fw.repo)
    code, out = fw.commit("-a", "-m", "Fix typo in README")
    assert code != 0 and "aws_db_instance.main" in out
    fix_typo(fw.repo)
    code, out = fw.commit("-m", "Fix typo in README", "--", "README.md")
    assert code == 0, out
    assert fw.repo.git("show", "--name-only", "--format=", "HEAD").split() == ["README.md"]


def test_skip_is_the_documented_escape(fw: Framework) -> None:
    destroy(fw.repo)
    fw.repo.git("add", "-A")
    code, out = fw.commit("-m", "Fix typo in README", env={"SKIP": "intent-review"})
    assert code == 0, out
    assert "Skipped" in out


def test_editor_message_with_comments_and_verbose_diff(fw: Framework) -> None:
    """The message written in an editor: comment lines and the ``-v`` diff are not the intent."""
    destroy(fw.repo)
    fw.repo.git("add", "-A")
    editor = fw.repo.path.parent / "editor.sh"
    # the "editor" writes a subject above git's template; the template (comments, diff) stays
    editor.write_text(
        '#!/bin/sh\nprintf "Fix typo in README\\n" | cat - "$1" > "$1.new" && mv "$1.new" "$1"\n'
    )
    editor.chmod(0o755)
    code, out = fw.commit("-v", env={"GIT_EDITOR": str(editor)})
    assert code != 0
    assert "Intent (commit, fix): Fix typo in README" in out
    assert "Please enter the commit message" not in out.split("Intent (commit")[1].split("\n")[0]


def test_empty_commit_passes(fw: Framework) -> None:
    code, out = fw.commit("--allow-empty", "-m", "Trigger CI")
    assert code == 0, out
    assert "nothing staged: nothing to review" in out


def test_rename_only_commit_passes(fw: Framework) -> None:
    fw.repo.git("mv", "docs/guide.md", "docs/user-guide.md")
    code, out = fw.commit("-m", "Rename the guide to user-guide")
    assert code == 0, out
    assert "intent-review: ALIGNED" in out
    assert "docs/user-guide.md" in fw.repo.git("show", "--name-status", "--format=", "HEAD")


def test_merge_commit_is_not_reviewed_with_a_note(fw: Framework) -> None:
    fw.repo.git("checkout", "-q", "-b", "side")
    destroy(fw.repo)
    fw.repo.git("add", "-A")
    code, out = fw.commit(
        "-m", "Remove the prod database and renumber the VPC", env={"SKIP": "intent-review"}
    )
    assert code == 0, out
    fw.repo.git("checkout", "-q", "main")
    fix_typo(fw.repo)
    fw.repo.git("add", "-A")
    assert fw.commit("-m", "Fix typo in README")[0] == 0
    proc = fw.run("git", "merge", "--no-ff", "--no-edit", "side")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "merge commit: not reviewed here" in proc.stdout + proc.stderr
    assert len(fw.repo.git("rev-list", "--parents", "-n", "1", "HEAD").split()) == 3
    proc = fw.run("git", "log", "-1", "--format=%s")
    assert proc.stdout.startswith("Merge branch 'side'")


def test_conflicted_merge_commit(fw: Framework) -> None:
    fw.repo.git("checkout", "-q", "-b", "side")
    fw.repo.write("README.md", "# Project\n\nThis is the side readme.\n")
    assert fw.commit("-am", "Reword the README on side")[0] == 0
    fw.repo.git("checkout", "-q", "main")
    fix_typo(fw.repo)
    assert fw.commit("-am", "Fix typo in README")[0] == 0
    assert fw.run("git", "merge", "side").returncode != 0  # conflict
    fw.repo.write("README.md", "# Project\n\nThis is the merged readme.\n")
    fw.repo.git("add", "README.md")
    code, out = fw.commit("--no-edit", "-v")
    assert code == 0, out
    assert "merge commit: not reviewed here" in out
    assert len(fw.repo.git("rev-list", "--parents", "-n", "1", "HEAD").split()) == 3


def test_amend_reviews_what_the_amended_commit_contains(fw: Framework) -> None:
    destroy(fw.repo)
    fw.repo.git("add", "-A")
    code, out = fw.commit("-m", "Remove the prod database", env={"SKIP": "intent-review"})
    assert code == 0, out
    # nothing staged: a plain review would see an empty change; the amended commit is the outage
    code, out = fw.commit("--amend", "-m", "Fix typo in README")
    assert code != 0
    assert (
        "aws_db_instance.main" in out
        and "amend: reviewed what the amended commit will contain" in out
    )
    assert fw.repo.git("log", "-1", "--format=%s").strip() == "Remove the prod database"


def test_amend_of_a_harmless_commit_passes(fw: Framework) -> None:
    fix_typo(fw.repo)
    fw.repo.git("add", "-A")
    assert fw.commit("-m", "Fix typo in README")[0] == 0
    fw.repo.write("README.md", "# Project\n\nThis is the readme of the project!\n")
    fw.repo.git("add", "-A")
    code, out = fw.commit("--amend", "-m", "Fix typos in README")
    assert code == 0, out


def test_message_file_found_without_pass_filenames(fw: Framework) -> None:
    """pre-commit 4 passes no message file when pass_filenames is false: the hook finds it."""
    fw.repo.write(
        ".pre-commit-config.yaml", local_config(**{"intent-review": {"pass_filenames": False}})
    )
    fw.repo.git("add", ".pre-commit-config.yaml")
    assert fw.commit("-m", "Configure the hook without filenames")[0] == 0
    destroy(fw.repo)
    fw.repo.git("add", "-A")
    code, out = fw.commit("-m", "Fix typo in README")
    assert code != 0 and "answers required" in out


def test_pre_push_reviews_the_pushed_range(fw: Framework) -> None:
    fix_typo(fw.repo)
    fw.repo.git("add", "-A")
    assert fw.commit("-m", "Fix typo in README")[0] == 0
    destroy(fw.repo)
    fw.repo.git("add", "-A")
    assert fw.commit("-m", "Fix another typo", env={"SKIP": "intent-review"})[0] == 0

    proc = fw.run("git", "push", "origin", "main")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "intent review (pushed commits vs their messages)" in out
    assert "Fix typo in README: aligned" in out and "Fix another typo" in out
    ids = open_questions(out)
    assert ids

    trailers = "\n".join(f"Reviewer-Answer: {q} {GOOD_ANSWER}" for q in ids)
    assert fw.commit("--allow-empty", "-m", "Answer the review questions", "-m", trailers)[0] == 0
    proc = fw.run("git", "push", "origin", "main")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_pre_push_new_branch_deletion_and_force_push(fw: Framework) -> None:
    fw.repo.git("checkout", "-q", "-b", "feature")
    fw.repo.write("docs/guide.md", "# Guide\n\nHow to use the project, with examples.\n")
    assert fw.commit("-am", "Add examples to the guide")[0] == 0
    proc = fw.run("git", "push", "-u", "origin", "feature")  # a new remote ref
    assert proc.returncode == 0, proc.stdout + proc.stderr

    fw.repo.write("docs/guide.md", "# Guide\n\nHow to use the project, with two examples.\n")
    assert fw.commit("-a", "--amend", "-m", "Add two examples to the guide")[0] == 0
    proc = fw.run("git", "push", "--force", "origin", "feature")
    assert proc.returncode == 0, proc.stdout + proc.stderr

    proc = fw.run("git", "push", "origin", "--delete", "feature")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_pre_push_of_a_new_branch_with_a_risky_commit(fw: Framework) -> None:
    fw.repo.git("checkout", "-q", "-b", "cleanup")
    destroy(fw.repo)
    assert fw.commit("-am", "Tidy up", env={"SKIP": "intent-review"})[0] == 0
    proc = fw.run("git", "push", "-u", "origin", "cleanup")
    assert proc.returncode != 0
    assert "aws_db_instance.main" in proc.stdout + proc.stderr


def test_pre_push_first_push_to_an_empty_remote(
    project: Repo, pre_commit_home: Path, tmp_path: Path
) -> None:
    """pre-commit passes no range when the pushed history reaches a root commit: the whole history."""
    bare = tmp_path / "empty.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    project.git("remote", "add", "origin", str(bare))
    framework = Framework(project, pre_commit_home)
    framework.install(local_config())
    proc = framework.run("git", "push", "origin", "main")
    out = proc.stdout + proc.stderr
    assert "reviewed the whole history" in " ".join(out.split())
    assert "Initial import" in out and "Add the pre-commit configuration: aligned" in out
    assert (
        proc.returncode != 0
    )  # the initial import adds a state backend: a question like any other


def test_branch_intent_reaches_the_hook(fw: Framework) -> None:
    proc = fw.run(
        sys.executable,
        "-m",
        "reviewer",
        "intent",
        "set",
        "Delete the unused aws_db_instance.main database",
    )
    assert proc.returncode == 0, proc.stderr
    text = fw.repo.path.joinpath("infra/main.tf").read_text()
    fw.repo.write(
        "infra/main.tf", re.sub(r'resource "aws_db_instance".*?\n}\n\n', "", text, flags=re.S)
    )
    fw.repo.git("add", "-A")
    _, out = fw.commit("-m", "Apply the assistant's cleanup")
    flat = " ".join(out.split())
    assert "intent includes the prompt recorded for branch 'main'" in flat
    assert "intent-review: ALIGNED" in flat  # the prompt states the deletion: no mismatch


def _snapshot(dest: Path) -> None:
    """A clone of this checkout with its working tree as it is now (edits not yet committed too)."""
    subprocess.run(["git", "clone", "-q", str(ROOT), str(dest)], check=True)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for rel in filter(None, listed.split("\0")):
        source, target = ROOT / rel, dest / rel
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
        elif target.is_file():  # deleted in the working tree
            target.unlink()
    subprocess.run(["git", "add", "-A"], cwd=dest, check=True)


def test_try_repo(project: Repo, pre_commit_home: Path, tmp_path: Path) -> None:
    """The manifest as users get it: pre-commit builds its own virtualenv from a checkout."""
    clone = tmp_path / "checkout"
    _snapshot(clone)
    subprocess.run(
        ["git", "commit", "-q", "--allow-empty", "-m", "under test"], cwd=clone, check=True
    )
    destroy(project)
    project.git("add", "-A")
    msg = project.path / ".git" / "COMMIT_EDITMSG"
    msg.write_text("Fix typo in README\n")
    fw = Framework(project, pre_commit_home)
    proc = fw.run(
        sys.executable,
        "-m",
        "pre_commit",
        "try-repo",
        str(clone),
        "intent-review",
        "--hook-stage",
        "commit-msg",
        "--commit-msg-filename",
        str(msg),
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "answers required" in out and "SKIP=intent-review" in out
