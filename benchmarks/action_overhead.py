"""The Action's own overhead: install (from a fresh venv) plus a typical review, no LLM.

    python benchmarks/action_overhead.py [--installer uv,pip]

Runs the Action's install step (scripts/action_install.sh) into a new virtual environment, with
uv (cold cache, then warm cache, as actions/cache restores it) and with pip alone, then one
typical offline review (``reviewer review`` of an incident diff, as ``reviewer github`` runs it
minus the API calls) with the installed ``reviewer``. Prints seconds; the goal is at most 10 s
for install plus review on a runner. Needs a package index (PyPI or a mirror). Nothing is
asserted: numbers, not a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALL = ROOT / "scripts" / "action_install.sh"
INCIDENT = next(p for p in sorted((ROOT / "examples" / "incidents").iterdir()) if p.is_dir())


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: the review asks questions
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout}{done.stderr}")
    return elapsed, done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def run(installer: str, cache: Path, work: Path, label: str) -> None:
    venv = work / f"venv-{label}"
    shutil.rmtree(venv, ignore_errors=True)
    shutil.rmtree(f"{venv}-uv", ignore_errors=True)
    env = {**os.environ, "UV_CACHE_DIR": str(cache), "INTENT_REVIEWER_INSTALLER": installer}
    env.pop("VIRTUAL_ENV", None)
    # the venv of whoever runs this must not lend the install its packages or its uv
    env["PATH"] = os.pathsep.join(
        p for p in env["PATH"].split(os.pathsep) if not (Path(p) / "activate").exists()
    )
    install, how = timed(["bash", str(INSTALL), str(ROOT), str(venv)], env)
    review, _ = timed(
        [
            str(venv / "bin" / "reviewer"),
            "review",
            "--diff",
            str(INCIDENT / "change.diff"),
            "--intent",
            (INCIDENT / "intent.txt").read_text(),
            "--format",
            "json",
        ],
        env,
    )
    print(
        f"{label:<14} {how:<18} install {install:6.1f} s  review {review:5.2f} s  "
        f"total {install + review:6.1f} s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--installer", default="uv,pip")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cache = work / "uv-cache"
        for installer in args.installer.split(","):
            if installer == "uv":
                run("uv", cache, work, "uv, cold")
                run("uv", cache, work, "uv, warm")
            else:
                run("pip", work / "pip-unused", work, "pip")


if __name__ == "__main__":
    main()
