"""How long the reviews people read are: questions asked and the PR comment's size, over a bench file.

    python benchmarks/review_size.py BENCH.jsonl [--construction real-honest] [--show 10]
                                     [--diff examples/cost-explorer-fix.diff --intent examples/...txt]

For every case (by default those whose ``construction`` is ``real-honest``: merged pull requests as
their authors described them) it runs the offline review and renders the Markdown comment, then
prints the median and largest number of questions asked, the median and largest comment in KB
(1,000 bytes of UTF-8), and the cases with the most questions and the largest comments. With
``--diff``/``--intent`` it also reports one extra change (the bundled incident). Numbers, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reviewer.bench import load_cases, run_review  # noqa: E402
from reviewer.diff import parse_diff  # noqa: E402
from reviewer.intent import parse_intent  # noqa: E402
from reviewer.render.markdown import render as render_markdown  # noqa: E402
from reviewer.review import review  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("file", metavar="BENCH.jsonl")
    p.add_argument("--construction", default="real-honest", help="'' for every case")
    p.add_argument("--show", type=int, default=5, help="list this many of the largest reviews")
    p.add_argument("--diff", help="also review this diff file ...")
    p.add_argument("--intent", help="... against this intent file")
    args = p.parse_args()

    cases = [
        c
        for c in load_cases(args.file)
        if not args.construction or c.construction == args.construction
    ]
    rows: list[tuple[str, int, int, int, int]] = []
    for case in cases:
        r = run_review(case)
        size = len(render_markdown(r).encode("utf-8"))
        folded = len(getattr(r, "folded_questions", ()))
        rows.append((case.id, len(r.questions), folded, len(r.findings), size))
    if not rows:
        print("no cases")
        return 1
    qs = [row[1] for row in rows]
    kb = [row[4] / 1000 for row in rows]
    print(f"{len(rows)} cases ({args.construction or 'all constructions'}) from {args.file}")
    print(f"questions asked: median {statistics.median(qs):g}, max {max(qs)}, total {sum(qs)}")
    print(f"  reviews with no question: {sum(1 for q in qs if q == 0)}")
    print(f"  folded (listed, not asked): total {sum(row[2] for row in rows)}")
    print(f"Markdown comment: median {statistics.median(kb):.1f} KB, max {max(kb):.1f} KB")
    if args.show:
        print("\nmost questions (id, questions, folded, findings, bytes):")
        for row in sorted(rows, key=lambda r: (-r[1], r[0]))[: args.show]:
            print("  ", *row)
        print("largest comments:")
        for row in sorted(rows, key=lambda r: (-r[4], r[0]))[: args.show]:
            print("  ", *row)
    if args.diff and args.intent:
        text = Path(args.intent).read_text("utf-8")
        r = review(parse_diff(Path(args.diff).read_text("utf-8")), parse_intent(text, source="cli"))
        size = len(render_markdown(r).encode("utf-8"))
        print(
            f"\n{args.diff}: {len(r.questions)} questions, {len(r.findings)} findings, "
            f"Markdown {size / 1000:.1f} KB"
        )
        for q in r.questions:
            print(f"  {q.id} {q.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
