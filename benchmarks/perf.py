"""Performance benchmark of the offline review. Prints numbers; asserts nothing.

    python benchmarks/perf.py [--bench ../shared/bench/dev.jsonl] [--runs 15] [--files 8000]

1. cold start: `reviewer review` on a typical change (10 files, a few hundred changed lines) in a real
   git repository, wall time per run vs a bare `python -c pass` (goal: <= 10x); also the same change
   from a diff file and a change in one language. The commands take
   turns, and the median, the fastest run and the CPU time are printed: on a shared VM the same
   command varies by up to 2x. For a deterministic before/after, count instructions instead:
   `valgrind --tool=callgrind --callgrind-out-file=/dev/null python -m reviewer review ...`;
2. a large diff (about 8,000 files / 140,000 changed lines, built by concatenating the bench's diffs
   under renamed paths): wall time and peak RSS of `reviewer review --diff big.diff --format json`
   (goals: <= 10 s, <= 1 GB), time at 1/4, 1/2 and all of it (linear growth), and the time tree-sitter
   alone needs to parse the same changed text (goal: the review <= 4x that).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_BENCH = ROOT.parent / "shared" / "bench" / "dev.jsonl"


class Timing(NamedTuple):
    median: float  # wall seconds
    fastest: float  # wall seconds
    cpu: float  # median user + system seconds


def _interleaved(
    commands: list[tuple[list[str], Path | None, dict[str, str] | None]], runs: int
) -> list[Timing]:
    """Time each command ``runs`` times, taking turns, so that all of them see the same machine:
    on a shared VM the speed of the same command varies by a factor of two within a minute."""
    walls: list[list[float]] = [[] for _ in commands]
    cpus: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for i, (cmd, cwd, env) in enumerate(commands):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            proc = subprocess.run(
                cmd,
                cwd=cwd,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                check=False,
            )
            walls[i].append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus[i].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            if proc.returncode not in (0, 1):
                raise SystemExit(
                    f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[:500]}"
                )
    return [
        Timing(statistics.median(w), min(w), statistics.median(c))
        for w, c in zip(walls, cpus, strict=True)
    ]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _repo_with_change(
    repo: Path, before: dict[str, str], after: dict[str, str], message: str
) -> Path:
    """A new repository at ``repo``: a first commit of ``before``, then HEAD with ``after``."""
    for files, commit in ((before, "init"), (after, message)):
        for path, text in files.items():
            (repo / path).parent.mkdir(parents=True, exist_ok=True)
            (repo / path).write_text(text)
        if commit == "init":
            _git(repo, "init", "-q", "-b", "main")
        _git(repo, "add", "-A")
        _git(repo, "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", commit)
    return repo


def _handlers(count: int) -> str:
    return "".join(
        f"def handler_{j}(request):\n    value = request.get('k{j}')\n    return value * {j}\n\n\n"
        for j in range(count)
    )


def typical_repo(root: Path) -> Path:
    """A repository whose HEAD changes 10 files by a few hundred lines."""
    files: dict[str, str] = {}
    for i in range(4):
        files[f"src/svc{i}/handlers.py"] = _handlers(40)
    for i in range(2):
        files[f"pkg/mod{i}/server.go"] = "package mod\n\n" + "".join(
            f"func Handle{j}(x int) int {{\n\treturn x + {j}\n}}\n\n" for j in range(40)
        )
    files["infra/main.tf"] = "".join(
        f'resource "aws_s3_bucket" "b{j}" {{\n  bucket = "bucket-{j}"\n  force_destroy = false\n}}\n\n'
        for j in range(30)
    )
    files["deploy/app.yaml"] = "".join(
        f"---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{j}\nspec:\n  replicas: 2\n"
        for j in range(10)
    )
    files["README.md"] = "# Project\n\n" + "".join(f"Line {j} of docs.\n" for j in range(50))
    files["CHANGES.md"] = "# Changes\n\n- initial\n"
    changed: dict[str, str] = {}
    for path, text in files.items():
        if path.endswith(".py"):
            text = text.replace("* 1", "* 100").replace("return value", "return int(value)")
        elif path.endswith(".go"):
            text = text.replace("return x +", "return x -")
        elif path.endswith(".tf"):
            text = text.replace("force_destroy = false", "force_destroy = false\n  tags = {}")
        elif path.endswith(".yaml"):
            text = text.replace("replicas: 2", "replicas: 3")
        else:
            text += "- more\n"
        changed[path] = text
    return _repo_with_change(root / "typical", files, changed, "Tune handlers and replicas")


def one_language_repo(root: Path) -> Path:
    """A repository whose HEAD changes 10 Python files by 40 lines each: no language to split by."""
    files = {f"src/svc{i}/handlers.py": _handlers(20) for i in range(10)}
    changed = {p: t.replace("return value", "return int(value)") for p, t in files.items()}
    return _repo_with_change(root / "one-language", files, changed, "Parse handler values")


def big_diff(bench: Path, files_goal: int) -> tuple[str, int, int]:
    cases = [json.loads(line) for line in bench.read_text().splitlines() if line.strip()]
    parts: list[str] = []
    files = lines = 0
    rnd = 0
    header = re.compile(r"^(diff --git a/)(\S+) b/(\S+)", re.M)
    marker = re.compile(
        r"^(--- a/|\+\+\+ b/|rename from |rename to |copy from |copy to )(\S)", re.M
    )
    while files < files_goal:
        for c in cases:
            d = c["diff"]
            pre = f"r{rnd}/"
            d = header.sub(rf"\g<1>{pre}\g<2> b/{pre}\g<3>", d)
            d = marker.sub(rf"\g<1>{pre}\g<2>", d)
            parts.append(d if d.endswith("\n") else d + "\n")
            files += d.count("\ndiff --git ") + (1 if d.startswith("diff --git ") else 0)
            lines += sum(
                1 for ln in d.splitlines() if ln[:1] in "+-" and not ln.startswith(("+++ ", "--- "))
            )
        rnd += 1
    return "".join(parts), files, lines


def _env() -> dict[str, str]:
    """Run the checkout's code even when the package is not installed."""
    env = {**os.environ, "NO_COLOR": "1"}
    env["PYTHONPATH"] = str(ROOT) + (
        os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""
    )
    return env


def reviewer_cmd() -> list[str]:
    return [sys.executable, "-m", "reviewer"]


def run_child(cmd: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    t = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, err = proc.communicate()
    wall = time.perf_counter() - t
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"review failed ({proc.returncode}): {err.decode()[:500]}")
    return wall, usage.ru_maxrss / 1024


def treesitter_only(diff_text: str) -> float:
    """Seconds tree-sitter needs to parse every changed file's hunk fragments, both sides."""
    sys.path.insert(0, str(ROOT))
    from reviewer.diff import parse_diff
    from reviewer.paths import language_of
    from reviewer.scope import grammars
    from reviewer.scope.engine import FileContext

    diff = parse_diff(diff_text)
    texts: list[tuple[str, bytes]] = []
    for fd in diff.files:
        lang = language_of(fd.path)
        if not grammars.available(lang) or fd.binary:
            continue
        ctx = FileContext(fd, language=lang, role="code")
        for side in ("old", "new"):
            for seg in ctx.segments(side):
                texts.append((lang, seg.text.encode("utf-8", "replace")))
    for lang in {lang for lang, _ in texts}:
        grammars.parser(lang)  # load grammars outside the timing
    t = time.perf_counter()
    for lang, data in texts:
        grammars.parser(lang).parse(data)
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--files", type=int, default=8000)
    ap.add_argument("--skip-large", action="store_true")
    args = ap.parse_args()
    env = _env()
    print(f"machine: {os.cpu_count()} cpus, python {sys.version.split()[0]}")

    with tempfile.TemporaryDirectory() as tmp:
        repo = typical_repo(Path(tmp))
        patch = Path(tmp) / "typical.diff"
        patch.write_text(
            subprocess.run(
                ["git", "show", "--format=", "HEAD"],
                cwd=repo,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        one = one_language_repo(Path(tmp))
        review = [*reviewer_cmd(), "review", "--format", "json"]
        pr_like = [*review, "--base", "HEAD~1", "--intent", "Tune handlers and replicas"]
        base, cold, cold_diff, cold_one = _interleaved(
            [
                ([sys.executable, "-c", "pass"], None, None),
                (pr_like, repo, env),
                ([*review, "--diff", str(patch), "--intent", "Tune handlers"], Path(tmp), env),
                (pr_like, one, env),
            ],
            args.runs,
        )
        print(
            f"python -c pass: {base.median * 1000:.0f} ms median of {args.runs}, "
            f"fastest {base.fastest * 1000:.0f} ms, cpu {base.cpu * 1000:.0f} ms"
        )
        for label, t in (
            (
                "cold review of a typical change (10 files, ~400 changed lines, --base, full files)",
                cold,
            ),
            ("cold review of the same change from a diff file (hunk mode)", cold_diff),
            ("cold review of a one-language change (10 Python files, 400 changed lines)", cold_one),
        ):
            print(
                f"{label}: {t.median * 1000:.0f} ms median, ratio {t.median / base.median:.1f}x "
                f"(goal <= 10x); fastest {t.fastest * 1000:.0f} ms, "
                f"{t.fastest / base.fastest:.1f}x; cpu {t.cpu * 1000:.0f} ms, {t.cpu / base.cpu:.1f}x"
            )

        if args.skip_large or not args.bench.exists():
            return 0
        text, files, lines = big_diff(args.bench, args.files)
        print(f"large diff: {files} files, {lines} changed lines, {len(text) / 1e6:.1f} MB")
        sizes = []
        chunks = text.split("\ndiff --git ")
        for frac in (0.25, 0.5, 1.0):
            part = "\ndiff --git ".join(chunks[: max(1, int(len(chunks) * frac))]) + "\n"
            path = Path(tmp) / f"big-{frac}.diff"
            path.write_text(part)
            wall, rss = run_child(
                [
                    *reviewer_cmd(),
                    "review",
                    "--diff",
                    str(path),
                    "--format",
                    "json",
                    "-o",
                    os.devnull,
                    "--intent",
                    "large change",
                ],
                cwd=Path(tmp),
            )
            sizes.append((frac, wall, rss, len(part)))
            print(
                f"  {int(frac * 100):>3}% ({len(part) / 1e6:5.1f} MB): {wall:6.2f} s, peak RSS so far {rss:.0f} MB, "
                f"{wall / (len(part) / 1e6):.2f} s/MB"
            )
        ts = treesitter_only(text)
        full = sizes[-1][1]
        print(f"  goal: <= 10 s wall -> {full:.2f} s; <= 1 GB RSS -> {sizes[-1][2]:.0f} MB")
        print(
            f"  tree-sitter alone parsing the same hunk fragments: {ts:.2f} s; review/parse = {full / ts:.2f}x (goal <= 4x)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
