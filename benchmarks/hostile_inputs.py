"""Time the scope of hostile and huge files: the inputs some tests check for behaviour only.

    python benchmarks/hostile_inputs.py [--runs 3]

``tests/scope/test_commands.py::test_hostile_input_never_raises`` and
``tests/scope/test_dependencies.py::test_a_20000_line_lockfile_is_summarised`` check what these
inputs give; how long they take is this benchmark's business (a runaway regular expression shows up
here as seconds, not as a flaky test). Each case goes through the project's own path, a unified
diff parsed by ``reviewer.diff`` and scoped by ``reviewer.scope.scope_file``, in hunk mode (no
blobs) and, for the lockfile, in full mode too. Prints the best and the median of ``--runs``.
Nothing is asserted: numbers, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: the inputs of test_hostile_input_never_raises, each written as a shell script's lines
HOSTILE = {
    "5MB": "x" * 5_000_000,
    "long-path": "rm -rf " + "a/" * 1_000_000,
    "nested": "$(" * 10_000 + "rm -rf /" + ")" * 10_000,
    "quotes": "'" * 3 + '"' * 3 + "\\" * 7,
    "replacement-chars": "echo \ufffd\ufffd; rm -rf / \r",
    "garbage": "\0\x01\x02 | | && ;; ) ( `",
}


def added_script(path: str, lines: list[str]) -> str:
    body = "".join(f"+{line}\n" for line in lines)
    return (
        f"diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n"
        f"@@ -0,0 +1,{len(lines)} @@\n{body}"
    )


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from reviewer.diff import parse_diff
    from reviewer.scope import scope_file
    from tests.helpers import DictBlobs, git_diff, package_lock

    cases: list[tuple[str, Callable[[], object]]] = []
    for name, text in HOSTILE.items():
        (fd,) = parse_diff(added_script("deploy.sh", [text, text + "\\", ""])).files
        label = f"deploy.sh, {name} ({len(text):,} chars), hunks"
        cases.append((label, partial(scope_file, fd, None)))
    old, new = package_lock(2000, bumped=False), package_lock(2000, bumped=True)
    (lock,) = parse_diff(git_diff("package-lock.json", old, new)).files
    blobs = DictBlobs({"package-lock.json": old}, {"package-lock.json": new})
    lines = len(new.splitlines())
    cases.append((f"package-lock.json ({lines:,} lines), full", lambda: scope_file(lock, blobs)))
    cases.append((f"package-lock.json ({lines:,} lines), hunks", lambda: scope_file(lock, None)))

    width = max(len(label) for label, _ in cases)
    print(f"{'case':<{width}}  {'best s':>8}  {'median s':>8}   ({args.runs} runs)")
    for label, fn in cases:
        best, median = timed(fn, args.runs)
        print(f"{label:<{width}}  {best:8.3f}  {median:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
