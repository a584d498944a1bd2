"""``reviewer bench``: score the offline review on a labelled JSONL bench (shared/bench/README.md)."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from .errors import UsageError
from .models import Review, level_rank
from .record import field, record

_LABEL_LEVEL = {"low": 0, "medium": 1, "high": 2}


@record(frozen=False, slots=False)
class Case:
    id: str
    construction: str
    title: str
    body: str
    diff: str
    verdict: str
    blast: str
    oos: frozenset[str]


@record(frozen=False, slots=False)
class Outcome:
    case: Case
    verdict: str
    blast: str
    oos: frozenset[str]
    seconds: float
    review: Review | None = None
    error: str | None = None


@record(frozen=False, slots=False)
class Confusion:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1
        else:
            self.tn += 1

    def metrics(self) -> dict[str, float | None]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else None
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else None
        s = self.tn / (self.tn + self.fp) if self.tn + self.fp else None
        f1 = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
        return {"precision": p, "recall": r, "specificity": s, "f1": f1}


@record(frozen=False, slots=False)
class Score:
    flagged: Confusion = field(default_factory=Confusion)
    mismatch_only: Confusion = field(default_factory=Confusion)
    oos_tp: int = 0
    oos_fp: int = 0
    oos_fn: int = 0
    blast_right: int = 0
    blast_total: int = 0
    high_total: int = 0
    high_found: int = 0
    cases: int = 0

    def add(self, o: Outcome) -> None:
        c = o.case
        actual = c.verdict == "mismatch"
        self.cases += 1
        self.flagged.add(o.verdict in ("drift", "mismatch"), actual)
        self.mismatch_only.add(o.verdict == "mismatch", actual)
        self.oos_tp += len(o.oos & c.oos)
        self.oos_fp += len(o.oos - c.oos)
        self.oos_fn += len(c.oos - o.oos)
        predicted = min(level_rank(o.blast), 2)  # critical is the top of "high"
        self.blast_total += 1
        self.blast_right += predicted == _LABEL_LEVEL[c.blast]
        if c.blast == "high":
            self.high_total += 1
            self.high_found += predicted >= 2

    def as_dict(self) -> dict[str, Any]:
        def ratio(a: int, b: int) -> float | None:
            return a / b if b else None

        return {
            "cases": self.cases,
            "flagged": {**vars(self.flagged), **self.flagged.metrics()},
            "mismatch_only": {**vars(self.mismatch_only), **self.mismatch_only.metrics()},
            "oos_precision": ratio(self.oos_tp, self.oos_tp + self.oos_fp),
            "oos_recall": ratio(self.oos_tp, self.oos_tp + self.oos_fn),
            "blast_accuracy": ratio(self.blast_right, self.blast_total),
            "high_recall": ratio(self.high_found, self.high_total),
        }


def load_cases(path: str) -> list[Case]:
    try:
        lines = Path(path).read_text("utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            labels = raw["labels"]
            out.append(
                Case(
                    id=str(raw.get("id", f"line-{n}")),
                    construction=str(raw.get("construction", "unknown")),
                    title=str(raw["intent"].get("title", "")),
                    body=str(raw["intent"].get("body", "")),
                    diff=str(raw["diff"]),
                    verdict=str(labels["verdict"]),
                    blast=str(labels["blast_radius"]),
                    oos=frozenset(labels.get("out_of_scope_paths", [])),
                )
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise UsageError(f"{path}:{n}: not a bench case ({type(exc).__name__}: {exc})") from exc
    return out


def review_case(case: Case) -> Outcome:
    from .diff import parse_diff
    from .intent import parse_intent
    from .review import review

    t0 = time.perf_counter()
    try:
        diff = parse_diff(case.diff)
        intent = parse_intent(case.body, source="commit", title=case.title)
        result = review(diff, intent)
    except Exception as exc:
        return Outcome(
            case,
            "error",
            "low",
            frozenset(),
            time.perf_counter() - t0,
            None,
            f"{type(exc).__name__}: {exc}",
        )
    level = result.blast_radius.level
    return Outcome(
        case,
        result.verdict,
        level,
        frozenset(result.out_of_scope_paths),
        time.perf_counter() - t0,
        result,
    )


def score(outcomes: list[Outcome]) -> tuple[Score, dict[str, Score]]:
    total = Score()
    per: dict[str, Score] = defaultdict(Score)
    for o in outcomes:
        total.add(o)
        per[o.case.construction].add(o)
    return total, dict(sorted(per.items()))


def run_bench(args: argparse.Namespace) -> int:
    cases = load_cases(args.file)
    if args.cases:
        wanted = set(args.cases)
        cases = [c for c in cases if c.id in wanted]
    outcomes = [review_case(c) for c in cases]
    total, per = score(outcomes)
    times = [o.seconds for o in outcomes]
    inject = [o for o in outcomes if o.case.construction == "inject"]
    inject_ok = sum(1 for o in inject if o.verdict != "aligned" and level_rank(o.blast) >= 2)
    result = {
        "file": args.file,
        "total": total.as_dict(),
        "per_construction": {k: v.as_dict() for k, v in per.items()},
        "inject_flagged_high": [inject_ok, len(inject)],
        "median_ms": statistics.median(times) * 1000 if times else 0.0,
        "errors": [{"id": o.case.id, "error": o.error} for o in outcomes if o.error],
    }
    if args.tokens:
        from .llm.bench import token_report

        result["tokens"] = token_report(cases, model=args.model)
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        print(_text(result))
        if "tokens" in result:
            print(result["tokens"]["summary"])
        if args.show != "none":
            print(_cases(outcomes, only_misses=args.show == "misses"))
    return 0


def _fmt(v: float | None) -> str:
    return "  -  " if v is None else f"{v:.3f}"


def _text(r: dict[str, Any]) -> str:
    lines = [
        f"bench: {r['file']} ({r['total']['cases']} cases, median {r['median_ms']:.1f} ms/case)"
    ]
    t = r["total"]
    for label, key in (
        ("flagged = drift or mismatch", "flagged"),
        ("flagged = mismatch only", "mismatch_only"),
    ):
        m = t[key]
        lines.append(
            f"  {label:<28} TP {m['tp']:>3} FP {m['fp']:>3} TN {m['tn']:>3} FN {m['fn']:>3}   "
            f"precision {_fmt(m['precision'])} recall {_fmt(m['recall'])} "
            f"specificity {_fmt(m['specificity'])} F1 {_fmt(m['f1'])}"
        )
    lines.append(
        f"  out-of-scope paths: precision {_fmt(t['oos_precision'])} recall {_fmt(t['oos_recall'])}   "
        f"blast radius accuracy {_fmt(t['blast_accuracy'])} high recall {_fmt(t['high_recall'])}"
    )
    ok, n = r["inject_flagged_high"]
    lines.append(f"  inject cases flagged with blast radius >= high: {ok}/{n}")
    lines.append("  per construction:")
    for name, s in r["per_construction"].items():
        m = s["flagged"]
        lines.append(
            f"    {name:<13} n={s['cases']:>3}  flagged TP {m['tp']:>3} FP {m['fp']:>3} TN {m['tn']:>3} FN {m['fn']:>3}"
            f"  mismatch-only recall {_fmt(s['mismatch_only']['recall'])}"
            f"  oos P {_fmt(s['oos_precision'])} R {_fmt(s['oos_recall'])}"
            f"  blast acc {_fmt(s['blast_accuracy'])} high R {_fmt(s['high_recall'])}"
        )
    if r["errors"]:
        lines.append(f"  errors: {len(r['errors'])}")
        for e in r["errors"][:10]:
            lines.append(f"    {e['id']}: {e['error']}")
    return "\n".join(lines)


def _cases(outcomes: list[Outcome], *, only_misses: bool) -> str:
    lines = []
    for o in outcomes:
        c = o.case
        flagged = o.verdict in ("drift", "mismatch")
        verdict_ok = flagged == (c.verdict == "mismatch")
        blast_ok = min(level_rank(o.blast), 2) == _LABEL_LEVEL[c.blast]
        if only_misses and verdict_ok and blast_ok and o.oos == c.oos:
            continue
        mark = "ok " if verdict_ok else "BAD"
        lines.append(
            f"{mark} {c.id} {c.construction:<12} label {c.verdict}/{c.blast} got {o.verdict}/{o.blast}  {c.title[:70]}"
        )
        if o.oos != c.oos:
            extra = sorted(o.oos - c.oos)
            missed = sorted(c.oos - o.oos)
            if extra:
                lines.append(f"      extra oos: {extra[:6]}")
            if missed:
                lines.append(f"      missed oos: {missed[:6]}")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_bench(argparse.Namespace()))
