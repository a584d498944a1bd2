"""Print the per-repository table of the closing notes from `reviewer bench --format json` output.

    reviewer bench bench/out/corpus.jsonl --format json > now.json
    python scripts/bench_table.py now.json [before.json]

With two files, each cell reads ``before → now``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _cells(repo: dict[str, Any]) -> list[str]:
    honest = repo["honest"]
    fm = repo["honest_false_mismatch"]
    gate = repo["gate_rate"]
    return [
        str(honest),
        "-" if fm is None else f"{fm * 100:.1f}% ({round(fm * honest)})",
        "-" if gate is None else f"{gate * 100:.1f}%",
        f"{repo['flagged']['f1']:.3f}",
        f"{repo['mismatch_only']['recall']:.3f}",
    ]


def main(argv: list[str]) -> int:
    runs = [json.loads(Path(p).read_text("utf-8")) for p in argv[1:3]]
    now = runs[-1]
    head = ["repository", "honest", "false mismatch", "gated", "flagged F1", "mismatch recall"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for name in sorted(now["per_repo"]):
        cells = [_cells(r["per_repo"][name]) if name in r["per_repo"] else ["?"] * 5 for r in runs]
        merged = [" → ".join(dict.fromkeys(c[i] for c in cells)) for i in range(5)]
        print(f"| {name} | " + " | ".join(merged) + " |")
    total = [r["total"] for r in runs]
    print()
    for label, r in zip(["before", "now"][-len(runs) :], total, strict=True):
        f = r["flagged"]
        print(
            f"{label}: flagged F1 {f['f1']:.3f}, mismatch recall {r['mismatch_only']['recall']:.3f}, "
            f"honest false mismatch {r['honest_false_mismatch']:.3f}, gated {r['gate_rate']:.3f}, "
            f"planted caught {r['planted_caught']:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
