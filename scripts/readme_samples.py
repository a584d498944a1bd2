"""Keep the README's sample outputs real: regenerate (or check) them from the code itself.

A sample block in README.md looks like

    <!-- sample: review --diff examples/honest-fix.diff --intent-file examples/honest-fix.txt | lines=40 -->
    ```
    ...output...
    ```
    <!-- /sample -->

`python scripts/readme_samples.py` rewrites every block with the output of `reviewer <args>` (run
in-process from the repository root, colour off, the timing line's milliseconds shown as `N ms`);
`--check` exits 1 when a block differs. `lines=K` keeps the first K lines and says how many follow.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(
    r"(<!-- sample: (?P<spec>.*?) -->\n)```[a-z]*\n(?P<body>.*?)```\n(<!-- /sample -->)", re.S
)
_MS = re.compile(r"\b\d+ ms\b")


def run(spec: str) -> str:
    args, _, opts = spec.partition("|")
    limit = None
    for opt in opts.split():
        key, _, value = opt.partition("=")
        if key == "lines":
            limit = int(value)
    sys.path.insert(0, str(ROOT))
    from reviewer.cli import main

    out = io.StringIO()
    cwd = os.getcwd()
    os.environ["NO_COLOR"] = "1"
    try:
        os.chdir(ROOT)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            main(shlex.split(args))
    finally:
        os.chdir(cwd)
    lines = _MS.sub("N ms", out.getvalue()).splitlines()
    if limit is not None and len(lines) > limit:
        rest = len(lines) - limit
        lines = [*lines[:limit], f"... ({rest} more lines)"]
    return "\n".join(lines) + "\n"


def render(text: str) -> str:
    def fill(m: re.Match[str]) -> str:
        return f"{m.group(1)}```\n{run(m.group('spec'))}```\n{m.group(4)}"

    return BLOCK.sub(fill, text)


def main() -> int:
    readme = ROOT / "README.md"
    text = readme.read_text("utf-8")
    new = render(text)
    if "--check" in sys.argv[1:]:
        if new != text:
            print(
                "README.md samples are stale: run python scripts/readme_samples.py", file=sys.stderr
            )
            return 1
        return 0
    readme.write_text(new, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
