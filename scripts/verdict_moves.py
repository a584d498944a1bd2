"""Which verdicts a change moved, split into the repositories that informed it and the others.

    reviewer bench bench/out/corpus.jsonl --format json > before.json   # at the old commit
    reviewer bench bench/out/corpus.jsonl --format json > after.json    # at the new one
    python scripts/verdict_moves.py before.json after.json [--informed owner/repo,...]

A case moved *better* when an honest case came closer to `aligned`, or a case labelled `mismatch`
came closer to `mismatch` (aligned < drift < mismatch); *worse* the other way. With `--informed`,
the repositories whose cases prompted the change are counted apart from the others: the others
are the out-of-sample evidence for it. The moved cases are listed below the counts.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from typing import Any

_ORDER = {"aligned": 0, "drift": 1, "mismatch": 2, "error": -1}


def _cases(path: str) -> dict[str, dict[str, Any]]:
    with open(path) as f:
        run = json.load(f)
    if "cases" not in run:
        raise SystemExit(f"{path}: no per-case outcomes (made by a reviewer before they were kept)")
    return {c["id"]: c for c in run["cases"]}


def moves(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]], informed: set[str]
) -> tuple[Counter[tuple[str, str]], list[str]]:
    counts: Counter[tuple[str, str]] = Counter()
    lines: list[str] = []
    for cid, a in sorted(after.items()):
        b = before.get(cid)
        if b is None or b["verdict"] == a["verdict"]:
            continue
        step = _ORDER[a["verdict"]] - _ORDER[b["verdict"]]
        better = step < 0 if a["label"] == "aligned" else step > 0
        where = "there" if a["repo"] in informed else "elsewhere"
        counts[where, "better" if better else "worse"] += 1
        lines.append(
            f"  {'better' if better else 'WORSE '} {cid} ({a['construction']}): "
            f"{b['verdict']} -> {a['verdict']}"
        )
    return counts, lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("before")
    p.add_argument("after")
    p.add_argument("--informed", default="", help="comma-separated owner/repo that prompted it")
    args = p.parse_args(argv)
    informed = {r.strip() for r in args.informed.split(",") if r.strip()}
    counts, lines = moves(_cases(args.before), _cases(args.after), informed)
    print(
        f"informed by {', '.join(sorted(informed)) or '(none given)'}: "
        f"better {counts['there', 'better']}, worse {counts['there', 'worse']}; "
        f"elsewhere: better {counts['elsewhere', 'better']}, worse {counts['elsewhere', 'worse']}"
    )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
