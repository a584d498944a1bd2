"""Time ``reviewer hook commit-msg`` cold, on a typical staged change, against ``python -c pass``.

    python benchmarks/hook_bench.py [--runs 20] [--files 10] [--lines 40]

Builds a temporary git repository with a typical change (10 files: Python, Terraform, YAML,
Markdown; a few hundred changed lines), stages it, and runs the hook as git would: a new
interpreter each time. Prints the median and p90 in seconds; the goal is at most 0.5 s more than
the interpreter's own start. Nothing is asserted: numbers, not a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _py_module(i: int, lines: int, variant: int) -> str:
    body = [f'"""Module {i}."""', "", "from __future__ import annotations", ""]
    for f in range(lines // 4):
        body += [
            f"def handler_{i}_{f}(value: int) -> int:",
            f"    return value * {f + variant}",
            "",
            "",
        ]
    return "\n".join(body) + "\n"


def _terraform(lines: int, variant: int) -> str:
    out = []
    for r in range(lines // 5):
        out += [
            f'resource "aws_s3_bucket" "b{r}" {{',
            f'  bucket = "bench-{r}"',
            f'  tags   = {{ v = "{variant}" }}',
            "}",
            "",
        ]
    return "\n".join(out)


def _yaml(lines: int, variant: int) -> str:
    return "settings:\n" + "".join(f"  key_{k}: {k * variant}\n" for k in range(lines))


def build_repo(root: Path, files: int, lines: int) -> Path:
    repo = root / "repo"
    repo.mkdir()
    env = {**os.environ, **GIT_ENV}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

    def write(variant: int) -> None:
        for i in range(files):
            kind = i % 4
            if kind in (0, 1):
                path, text = repo / "src" / f"mod{i}.py", _py_module(i, lines, variant)
            elif kind == 2:
                path, text = repo / "infra" / f"s3_{i}.tf", _terraform(lines, variant)
            else:
                path, text = repo / "config" / f"settings{i}.yaml", _yaml(lines, variant)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        (repo / "README.md").write_text(f"# Bench\n\nVersion {variant}.\n")

    git("init", "-q", "-b", "main")
    write(1)
    git("add", "-A")
    git("commit", "-q", "-m", "Initial import")
    write(2)
    git("add", "-A")
    stat = subprocess.run(
        ["git", "diff", "--cached", "--shortstat"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    print(f"staged change: {stat.stdout.strip()}")
    (repo / ".git" / "COMMIT_EDITMSG").write_text(
        "Tune handler factors, bucket tags and settings\n\n# Please enter the commit message.\n"
    )
    return repo


def time_runs(
    cmd: list[str], cwd: Path, runs: int, env: dict[str, str]
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (user + system, the process and its git children) seconds per run."""
    wall, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True)
        wall.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode not in (0, 1):
            sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-400:]}")
    return wall, cpu


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--files", type=int, default=10)
    ap.add_argument("--lines", type=int, default=60, help="changed lines per file (about)")
    args = ap.parse_args(argv)
    env = {**os.environ, **GIT_ENV, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as tmp:
        repo = build_repo(Path(tmp), args.files, args.lines)
        hook = [sys.executable, "-m", "reviewer", "hook", "commit-msg", ".git/COMMIT_EDITMSG"]
        subprocess.run(
            hook, cwd=repo, env=env, capture_output=True
        )  # compile .pyc once, like an install
        base, base_cpu = time_runs([sys.executable, "-c", "pass"], repo, args.runs, env)
        hooked, hooked_cpu = time_runs(hook, repo, args.runs, env)
        out = subprocess.run(hook, cwd=repo, env=env, capture_output=True, text=True)
    last = out.stdout.strip().splitlines()
    print(f"hook verdict: {last[0] if last else '?'} (exit {out.returncode})")
    print(
        f"{'':24} {'median':>8} {'p90':>8} {'cpu':>8}  (seconds, {args.runs} runs; cpu = median user+sys)"
    )
    for name, wall, cpu in (
        ("python -c pass", base, base_cpu),
        ("reviewer hook commit-msg", hooked, hooked_cpu),
    ):
        print(
            f"{name:24} {statistics.median(wall):8.3f} {p90(wall):8.3f} {statistics.median(cpu):8.3f}"
        )
    added = statistics.median(hooked) - statistics.median(base)
    print(f"added by the hook (median wall): {added:.3f} s (goal: at most 0.500 s)")
    if os.getloadavg()[0] > (os.cpu_count() or 1):
        print(
            f"note: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: wall times are inflated; cpu is steadier"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
