"""Keep the sample outputs of README.md and docs/*.md real: regenerate (or check) them from the code.

A sample block looks like

    <!-- sample: review --diff examples/honest-fix.diff --intent-file examples/honest-fix.txt | lines=40 -->
    ```
    ...output...
    ```
    <!-- /sample -->

`python scripts/doc_samples.py` rewrites every block with the output of `reviewer <args>` (run
in-process, colour off, the timing line's milliseconds shown as `N ms`); `--check` exits 1 when a
block differs. Options after `|`:

- `lines=K` keeps the first K lines and says how many follow;
- `repo=DIFF` runs the command in a temporary git repository whose last commit is the old side of
  DIFF and whose index is its new side (DIFF must show whole files: `git diff -U100000`), as a
  hook sees a staged change; `message=FILE` is then written to `.git/COMMIT_EDITMSG`;
- `json=KEY` shows the value of KEY in the JSON the command prints (an agent hook's `reason`).

Commands separated by ` ; ` run in turn (only the last one's output is shown), and `< FILE` gives
a command its standard input (`{repo}` in FILE becomes the repository's path).

Otherwise commands run from the repository root. The files and the number of samples each must
hold are listed in SAMPLES: a sample whose marker disappears fails the check, and so does reviewer
output (a block starting `intent-review:`) outside a marker.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: every file with samples, and how many it holds
SAMPLES: dict[str, int] = {"README.md": 2, "docs/agents.md": 1, "docs/pre-commit.md": 1}

BLOCK = re.compile(
    r"(<!-- sample: (?P<spec>.*?) -->\n)```[a-z]*\n(?P<body>.*?)```\n(<!-- /sample -->)", re.S
)
FENCE = re.compile(r"^```[a-z]*\n(?P<body>.*?)^```\n", re.S | re.M)
_MS = re.compile(r"\b\d+ ms\b")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Sample Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Sample Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _sides(diff: str) -> Iterator[tuple[str, str | None, str | None]]:
    """``(path, old text, new text)`` of each file of a diff that shows whole files."""
    for block in re.split(r"(?m)^(?=diff --git )", diff):
        if not block.startswith("diff --git "):
            continue
        head, _, body = block.partition("\n@@ ")
        path = re.search(r"^\+\+\+ b/(.*)$|^--- a/(.*)$", head, re.M)
        hunk = re.match(r"-(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@[^\n]*\n", body)
        if path is None or hunk is None or "\n@@ " in body or hunk.group(1) not in ("0", "1"):
            raise SystemExit(f"{path}: the sample's diff must show whole files (git diff -U100000)")
        old: list[str] = []
        new: list[str] = []
        for line in body[hunk.end() :].splitlines(keepends=True):
            if line.startswith(("-", " ")):
                old.append(line[1:])
            if line.startswith(("+", " ")):
                new.append(line[1:])
        name = path.group(1) or path.group(2)
        yield (
            name,
            None if "\nnew file mode" in head else "".join(old),
            None if "\ndeleted file mode" in head else "".join(new),
        )


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=_git_env())


def _git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return {**env, **GIT_ENV}


@contextlib.contextmanager
def _staged_repo(diff: Path, message: Path | None) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        repo.mkdir()
        _git(repo, "init", "-q", "-b", "main")
        sides = list(_sides(diff.read_text("utf-8")))
        for index in (1, 2):
            for path, *texts in sides:
                target = repo / path
                text = texts[index - 1]
                if text is None:
                    target.unlink(missing_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, "utf-8")
            _git(repo, "add", "-A")
            if index == 1:
                _git(repo, "commit", "-q", "--allow-empty", "-m", "Before the change")
        if message is not None:
            (repo / ".git" / "COMMIT_EDITMSG").write_text(message.read_text("utf-8"), "utf-8")
        yield repo


def run(spec: str) -> str:
    args, _, opts = spec.partition("|")
    options = dict(opt.partition("=")[::2] for opt in opts.split())
    sys.path.insert(0, str(ROOT))
    from reviewer.cli import main

    out = io.StringIO()
    cwd = os.getcwd()
    saved = dict(os.environ)
    os.environ["NO_COLOR"] = "1"
    with contextlib.ExitStack() as stack:
        where = ROOT
        if "repo" in options:
            message = ROOT / options["message"] if "message" in options else None
            where = stack.enter_context(_staged_repo(ROOT / options["repo"], message))
            os.environ.update(_git_env())
        stdin = sys.stdin
        try:
            os.chdir(where)
            for command in args.split(" ; "):
                words = shlex.split(command)
                if "<" in words:
                    at = words.index("<")
                    raw = (ROOT / words[at + 1]).read_text("utf-8")
                    data = raw.replace("{repo}", str(where)).encode("utf-8")
                    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
                    words = words[:at]
                out = io.StringIO()
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                    main(words)
        finally:
            sys.stdin = stdin
            os.chdir(cwd)
            os.environ.clear()
            os.environ.update(saved)
    text = out.getvalue()
    if "json" in options:
        text = str(json.loads(text)[options["json"]]) + "\n"
    lines = _MS.sub("N ms", text).splitlines()
    if "lines" in options and len(lines) > int(options["lines"]):
        limit = int(options["lines"])
        lines = [*lines[:limit], f"... ({len(lines) - limit} more lines)"]
    return "\n".join(lines) + "\n"


def render(text: str) -> str:
    def fill(m: re.Match[str]) -> str:
        return f"{m.group(1)}```\n{run(m.group('spec'))}```\n{m.group(4)}"

    return BLOCK.sub(fill, text)


def problems(name: str, text: str) -> list[str]:
    """What is wrong with the samples of one file, apart from being stale."""
    found = len(BLOCK.findall(text))
    out = []
    if found != SAMPLES.get(name, 0):
        out.append(f"{name}: {found} sample blocks, {SAMPLES.get(name, 0)} expected (SAMPLES)")
    unmarked = BLOCK.sub("", text)
    for m in FENCE.finditer(unmarked):
        if m.group("body").startswith("intent-review:"):
            out.append(f"{name}: reviewer output outside a sample marker: {m.group('body')[:60]!r}")
    return out


def main() -> int:
    check = "--check" in sys.argv[1:]
    files = ["README.md", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md"))]
    failed = False
    for name in files:
        path = ROOT / name
        text = path.read_text("utf-8")
        for problem in problems(name, text):
            print(problem, file=sys.stderr)
            failed = True
        new = render(text)
        if new == text:
            continue
        if check:
            print(f"{name}: samples are stale: run python scripts/doc_samples.py", file=sys.stderr)
            failed = True
        else:
            path.write_text(new, "utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
