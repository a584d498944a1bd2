"""The CLI, in-process: every diff source, intent source, output format and exit code."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

import jsonschema
import pytest

from reviewer import __version__
from reviewer.cli import main
from reviewer.errors import GitError, UsageError
from tests.conftest import Repo

ROOT = Path(__file__).parents[1]
SCHEMA = json.loads((Path(__file__).parents[1] / "docs" / "report-v1.schema.json").read_text())

CART_OLD = "def total(items):\n    return sum(i.price for i in items)\n"
CART_NEW = "def total(items):\n    return round(sum(i.price for i in items), 2)\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def shop(repo: Repo) -> Repo:
    repo.write("shop/cart.py", CART_OLD)
    repo.write("shop/payment.py", "def charge(card):\n    return card.charge()\n")
    repo.commit("init")
    return repo


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"reviewer {__version__} (intent-reviewer)"


def test_a_command_parser_is_built_alone_and_every_command_still_parses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from reviewer.cli import build_parser

    only = build_parser("bench")
    assert only.parse_args(["bench", "x.jsonl", "--show", "misses"]).show == "misses"
    with pytest.raises(UsageError):
        only.parse_args(["review", "--base", "main"])  # review has no arguments in this parser
    code, _, err = run(capsys, "bench", "x.jsonl", "--bogus")
    assert code == 2 and "unrecognized arguments: --bogus" in err
    code, out, _ = run(capsys, "--help")
    assert code == 0 and all(c in out for c in ("review", "bench", "intent", "hook", "github"))
    code, out, _ = run(capsys, "hook", "pre-push", "--help")
    assert code == 0 and "--from-ref" in out


def test_review_a_branch_like_a_pull_request(
    shop: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(shop.path)
    shop.git("checkout", "-q", "-b", "feature")
    shop.write("shop/cart.py", CART_NEW)
    shop.commit("Round the cart total to cents")
    code, out, err = run(
        capsys, "review", "--base", "main", "--intent-from-commits", "--format", "json"
    )
    report = json.loads(out)
    jsonschema.validate(report, SCHEMA)
    assert code == 0, err
    assert report["verdict"] == "aligned"
    assert report["intent"]["source"] == "commit"
    (f,) = report["files"]
    assert f["path"] == "shop/cart.py" and f["mode"] == "full" and f["explained"]
    assert f["symbols"] == [
        {"kind": "function", "name": "total", "change": "modified", "line": 1, "public": True}
    ]


def test_three_dot_semantics_ignore_what_base_did_since(
    shop: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(shop.path)
    shop.git("checkout", "-q", "-b", "feature")
    shop.write("shop/cart.py", CART_NEW)
    shop.commit("Round the cart total")
    shop.git("checkout", "-q", "main")
    shop.write("shop/payment.py", "def charge(card, amount):\n    return card.charge(amount)\n")
    shop.commit("unrelated work on main")
    _code, out, _ = run(
        capsys,
        "review",
        "--base",
        "main",
        "--head",
        "feature",
        "--intent",
        "Round the cart total",
        "--format",
        "json",
    )
    assert [f["path"] for f in json.loads(out)["files"]] == ["shop/cart.py"]


def test_staged_changes_and_unexplained_file(
    shop: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(shop.path)
    shop.write("shop/cart.py", CART_NEW)
    shop.write("shop/payment.py", "def charge(card, retries=3):\n    return card.charge()\n")
    shop.git("add", "-A")
    code, out, _ = run(
        capsys, "review", "--staged", "--intent", "Round the cart total", "--format", "json"
    )
    report = json.loads(out)
    assert report["out_of_scope_paths"] == ["shop/payment.py"]
    assert report["verdict"] in ("drift", "mismatch")
    assert code == (1 if report["verdict"] == "mismatch" else 0)


def test_diff_from_a_file_and_from_stdin(
    shop: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(shop.path)
    shop.write("shop/cart.py", CART_NEW)
    shop.commit("Round the cart total")
    text = shop.git("show", "--format=", "HEAD")
    patch = tmp_path / "change.diff"
    patch.write_text(text)
    code, out, _ = run(
        capsys,
        "review",
        "--diff",
        str(patch),
        "--intent",
        "Round the cart total",
        "--format",
        "json",
    )
    from_file = json.loads(out)
    # the index line's blob ids are in this repository: whole files are read
    assert from_file["files"][0]["mode"] == "full"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    code2, out2, _ = run(
        capsys, "review", "-", "--intent", "Round the cart total", "--format", "json"
    )
    assert json.loads(out2)["files"] == from_file["files"]
    assert code == code2 == 0


def test_policy_comes_from_the_base_revision(
    shop: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(shop.path)
    shop.write(".reviewer.toml", 'fail_on = "drift"\n')
    shop.commit("policy")
    shop.git("checkout", "-q", "-b", "sneaky")
    shop.write(".reviewer.toml", 'fail_on = "never"\n')
    shop.write("shop/payment.py", "def charge(card, retries=3):\n    return card.charge()\n")
    shop.write("shop/cart.py", CART_NEW)
    shop.commit("Round the cart total")
    code, out, err = run(
        capsys,
        "review",
        "--base",
        "main",
        "--intent",
        "Round the cart total",
        "-v",
        "--format",
        "json",
    )
    assert "at " in err and ".reviewer.toml" in err
    assert json.loads(out)["verdict"] != "aligned"
    assert code == 1  # the base's fail_on = "drift" applies, not the branch's "never"


def test_text_output_is_plain_without_a_tty(
    shop: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    patch = tmp_path / "x.diff"
    patch.write_text(
        "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"
    )
    code, out, _ = run(capsys, "review", "--diff", str(patch), "--intent", "")
    assert "\033[" not in out
    assert out.startswith("intent-review: MISMATCH")
    assert "What is this change supposed to do?" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    assert code == 1


def test_output_file_and_fail_on_never(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    patch = tmp_path / "x.diff"
    patch.write_text(
        "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"
    )
    out_file = tmp_path / "r.json"
    code, out, _ = run(
        capsys,
        "review",
        "--diff",
        str(patch),
        "--format",
        "json",
        "-o",
        str(out_file),
        "--fail-on",
        "never",
    )
    assert code == 0 and out == ""
    jsonschema.validate(json.loads(out_file.read_text()), SCHEMA)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["review"], "exactly one diff source"),
        (["review", "--diff", "a", "--staged"], "exactly one diff source"),
        (["review", "--diff", "/nonexistent/x.diff"], "no such file"),
        (["review", "--diff", "/"], "is a directory"),
        (["review", "--head", "x", "--diff", "a"], "--head needs --base"),
        (["review", "--diff", "a", "--intent", "x", "--intent-file", "y"], "at most one of"),
        (["review", "--diff", "a", "--intent-from-commits"], "needs --base"),
        (["review", "--format", "pdf", "--diff", "a"], "invalid choice"),
        (["nonsense"], "invalid choice"),
    ],
)
def test_usage_errors_are_one_line_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_not_a_diff_and_bad_revision(
    shop: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text("Dear reviewer,\nplease approve.\n")
    code, _, err = run(capsys, "review", "--diff", str(letter))
    assert code == 2 and "not a unified diff" in err and err.count("\n") == 1
    monkeypatch.chdir(shop.path)
    code, _, err = run(capsys, "review", "--base", "no-such-branch")
    assert code == 2 and "unknown revision 'no-such-branch'" in err


def test_pr_range_answers_like_the_separate_steps(shop: Repo) -> None:
    from reviewer import git

    base = shop.git("rev-parse", "HEAD").strip()
    shop.git("checkout", "-q", "-b", "feature")
    shop.write("shop/cart.py", CART_NEW)
    head = shop.commit("round totals")
    shop.git("checkout", "-q", "main")
    shop.write("README.md", "main moved on\n")
    moved = shop.commit("docs")
    got = git.pr_range("main", "feature", cwd=shop.path)
    assert got == (moved, head, base)
    assert got == (
        git.resolve("main", cwd=shop.path),
        git.resolve("feature", cwd=shop.path),
        git.merge_base(moved, head, cwd=shop.path),
    )
    with pytest.raises(GitError, match="unknown revision 'nope'"):
        git.pr_range("main", "nope", cwd=shop.path)
    with pytest.raises(GitError, match="not a revision"):
        git.pr_range("--output=x", "HEAD", cwd=shop.path)


def test_unrelated_histories_are_one_clear_line(
    shop: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shop.git("checkout", "-q", "--orphan", "other")
    shop.write("other.txt", "unrelated\n")
    shop.commit("unrelated root")
    monkeypatch.chdir(shop.path)
    code, _, err = run(capsys, "review", "--base", "main", "--head", "other")
    assert code == 2 and "no common ancestor" in err and err.count("\n") == 1


def test_base_outside_a_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "review", "--base", "main")
    assert code == 2 and "not inside a git work tree" in err


def test_invalid_policy_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text("fail_on = 'sometimes'\n")
    patch = tmp_path / "x.diff"
    patch.write_text(
        "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"
    )
    code, _, err = run(capsys, "review", "--diff", str(patch), "--config", str(cfg))
    assert code == 2 and "fail_on must be one of" in err


def test_a_bug_is_exit_3_with_a_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_a: object, **_k: object) -> None:
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr("reviewer.review.review", boom)
    patch = tmp_path / "x.diff"
    patch.write_text(
        "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"
    )
    code, _, err = run(capsys, "review", "--diff", str(patch))
    assert code == 3 and "internal error" in err and err.count("\n") == 1
    log = Path(err.rsplit("Details: ", 1)[1].strip())
    assert "ZeroDivisionError: simulated bug" in log.read_text()


def test_a_missing_extra_is_a_setup_error_not_a_crash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    for name in [
        m for m in sys.modules if m == "github" or m.startswith(("github.", "reviewer.github"))
    ]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "github", None)  # as if PyGithub were not installed
    code, _, err = run(capsys, "github")
    assert code == 2
    assert "pip install 'intent-reviewer[github]'" in err and err.count("\n") == 1


# --- the process exit (reviewer.cli.run) -----------------------------------------------------------


def _module_run(
    *args: str, stdout: int | IO[Any] = subprocess.PIPE
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "reviewer", *args],
        cwd=ROOT,
        stdout=stdout,
        stderr=subprocess.PIPE,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


INCIDENT = ("review", "--diff", "examples/cost-explorer-fix.diff", "--intent-file")


def test_quick_exit_keeps_the_whole_output_and_the_exit_code(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    with out.open("wb") as fh:
        proc = _module_run(
            *INCIDENT, "examples/cost-explorer-fix.txt", "--format", "json", stdout=fh
        )
    assert proc.returncode == 1, proc.stderr  # the incident requires answers
    report = json.loads(out.read_text())
    assert report["verdict"] == "mismatch"
    assert proc.stderr == b""


def test_a_failed_write_is_one_line_exit_2() -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full")
    with open("/dev/full", "wb") as full:
        proc = _module_run(
            *INCIDENT, "examples/cost-explorer-fix.txt", "--format", "json", stdout=full
        )
    assert proc.returncode == 2
    lines = proc.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reviewer: error: cannot write the output"), (
        lines
    )


def test_a_reader_that_goes_away_is_not_an_error() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "reviewer", *INCIDENT, "examples/cost-explorer-fix.txt"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT), "REVIEWER_JOBS": "1"},
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `| head -c 0`: gone before the review writes a byte
    with proc.stderr:
        err = proc.stderr.read()
    assert proc.wait() in (0, 1), err
    assert b"Traceback" not in err and b"Exception ignored" not in err


def _run_console(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``reviewer ARGS`` as the console script runs it, with an atexit handler that speaks."""
    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write('atexit ran\\n'))\n"
        f"sys.argv = ['reviewer', *{list(args)!r}]\n"
        "from reviewer.cli import run\n"
        "run()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )


def test_the_quick_exit_skips_the_teardown_unless_opted_out() -> None:
    args = (*INCIDENT, "examples/cost-explorer-fix.txt", "--format", "json")
    quick = _run_console(*args, env={})
    normal = _run_console(*args, env={"REVIEWER_NO_FAST_EXIT": "1"})
    assert quick.returncode == normal.returncode == 1
    reports = [json.loads(p.stdout) for p in (quick, normal)]
    for report in reports:
        report["stats"].pop("elapsed_ms")
    assert reports[0] == reports[1]
    assert quick.stderr == "" and normal.stderr == "atexit ran\n"
    # other commands always exit normally
    assert _run_console("--version", env={}).stderr == "atexit ran\n"


def test_the_collector_is_tuned_by_run_not_by_importing_the_cli(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    from reviewer import cli

    proc = subprocess.run(
        [sys.executable, "-c", "import gc, reviewer.cli; print(gc.get_threshold()[0])"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout.strip() == str(gc.get_threshold()[0]) != "20000"
    calls: list[tuple[int, ...]] = []
    monkeypatch.setattr(gc, "set_threshold", lambda *a: calls.append(a))
    monkeypatch.setattr(cli, "main", lambda: 0)
    monkeypatch.setattr(sys, "argv", ["reviewer", "--version"])
    with pytest.raises(SystemExit):
        cli.run()
    assert calls == [(20_000, 10, 10)]


def test_an_offline_review_imports_nothing_it_does_not_need(tmp_path: Path) -> None:
    """Each of these is milliseconds of every cold start, and none is needed offline."""
    from tests.helpers import git_diff

    files = {
        "app/cart.py": (
            "def total(items):\n    return 1\n",
            "def total(items, tax):\n    return 2\n",
        ),
        "pkg/srv.go": (
            "package pkg\n\nfunc A() int {\n\treturn 1\n}\n",
            "package pkg\n\nfunc A() int {\n\treturn 2\n}\n",
        ),
        "infra/main.tf": ('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n', ""),
        "deploy/app.yaml": (
            "kind: Deployment\nmetadata:\n  name: a\nspec:\n  replicas: 2\n",
            "kind: Deployment\nmetadata:\n  name: a\nspec:\n  replicas: 0\n",
        ),
    }
    patch = tmp_path / "change.diff"
    patch.write_text("".join(git_diff(path, old, new) for path, (old, new) in files.items()))
    # typing is imported: type-only imports are plain ``typing.TYPE_CHECKING`` blocks (issue 15).
    # The text report (what hooks print) needs no json: ``--format json`` prints with json.dumps.
    unwanted = [
        "tree_sitter",
        "dataclasses",
        "inspect",
        "pathlib",
        "difflib",
        "pickle",
        "multiprocessing",
        "importlib.resources",
        "shutil",
        "openai",
        "httpx",
        "github",
        "tempfile",
        "hashlib",
        "json",
    ]
    # What the interpreter imports before any of our code runs (site, .pth files such as an
    # editable install's finder, which imports pathlib) is not ours to avoid: compare against a bare
    # interpreter started the same way.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REVIEWER_STRICT": "1"}
    show = "import sys; print(' '.join(sorted(sys.modules)))"
    bare = subprocess.run(
        [sys.executable, "-c", show],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    baseline = set(bare.stdout.split())
    assert "reviewer" not in baseline and "tree_sitter" not in baseline, baseline
    script = (
        "import sys, io\n"
        "from reviewer.cli import main\n"
        "real, sys.stdout = sys.stdout, io.StringIO()\n"
        f"code = main(['review', '--diff', {str(patch)!r}, '--intent', 'x'])\n"
        "sys.stdout = real\n"
        "print(code, ' '.join(sorted(sys.modules)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    code, *loaded = proc.stdout.split()
    assert code == "1", proc.stdout
    assert "reviewer.scope" in loaded  # the review ran in that process
    ours = set(loaded) - baseline
    assert sorted(m for m in unwanted if m in ours) == []


def test_splitting_a_terraform_file_is_a_refactor_not_a_destruction(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'
    db = 'resource "aws_db_instance" "db" {\n  engine = "postgres"\n  allocated_storage = 20\n}\n'
    repo.write("infra/main.tf", bucket + "\n" + db)
    repo.commit("init")
    repo.write("infra/main.tf", bucket)
    repo.write("infra/database.tf", db)
    repo.commit("split")
    monkeypatch.chdir(repo.path)
    intent = "Move the database resource into its own file, no infrastructure change"
    code, out, _ = run(capsys, "review", "--base", "HEAD~1", "--intent", intent, "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["verdict"] == "aligned", report["findings"]
    assert report["blast_radius"]["level"] == "low"
    # the same diff under an intent that says nothing of it is still drift
    code, out, _ = run(
        capsys, "review", "--base", "HEAD~1", "--intent", "Fix the README", "--format", "json"
    )
    assert json.loads(out)["verdict"] != "aligned"
