"""``reviewer bench --tokens``: prompt tokens of our requests against sending the raw diff and PR text."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

from ..config import Config
from .plan import build_plan, skip_reason
from .prompt import load_templates
from .tokens import count_messages, count_schema, counter_for

GOAL = 0.40


def token_report(cases: Sequence[Any], model: str | None = None) -> dict[str, Any]:
    """Plan (never send) the requests for each case's deterministic review and count them.

    ``baseline`` is what common reviewers send: the PR title and body plus the raw diff. ``ours``
    is every request we would send, everything included (instructions, answer schema, framing);
    a review the LLM has nothing to add to (plan.skip_reason) sends nothing and counts 0, and the
    report says how many were skipped and what they would have cost (``planned``).
    ``baseline_request`` gives the baseline the same instructions and schema, for a like-for-like
    comparison; ``content`` compares only what is said about the change (intent, scope, excerpts).
    """
    from ..diff import parse_diff
    from ..intent import parse_intent
    from ..review import review

    config = Config()
    model = model or config.llm.model
    templates = load_templates()
    counter = counter_for(model)
    fixed_baseline = count_messages(
        counter, [("system", templates.system), ("user", "")]
    ) + count_schema(counter, templates.schema)
    rows: list[dict[str, Any]] = []
    for case in cases:
        diff = parse_diff(case.diff)
        result = review(diff, parse_intent(case.body, source="commit", title=case.title), config)
        plan = build_plan(result, diff, config.llm, model, templates, counter)
        skipped = skip_reason(result) is not None
        baseline = counter.count(f"{case.title}\n\n{case.body}\n\n{case.diff}")
        text = "\n".join(
            content for r in plan.requests for role, content in r.messages if role == "user"
        )
        named = sum(1 for fd in diff.files if fd.path in text)
        requests = 0 if skipped else len(plan.requests)
        ours = 0 if skipped else plan.prompt_tokens
        rows.append(
            {
                "id": case.id,
                "ours": ours,
                "planned": plan.prompt_tokens,
                "skipped": skipped,
                "content": max(0, ours - requests * fixed_baseline),
                "baseline": baseline,
                "requests": requests,
                "files": len(diff.files),
                "named": named,
                "full": len(plan.full),
                "part": len(plan.part),
                "name": len(plan.name),
            }
        )
    sent = [r for r in rows if not r["skipped"]]
    ours = sum(r["ours"] for r in rows)
    planned = sum(r["planned"] for r in rows)
    base = sum(r["baseline"] for r in rows)
    content = sum(r["content"] for r in rows)
    base_req = base + fixed_baseline * len(rows)
    ratios = [r["ours"] / r["baseline"] for r in rows if r["baseline"]]

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    def pct(value: float | None, digits: int = 1) -> str:
        return "-" if value is None else f"{value:.{digits}%}"

    report: dict[str, Any] = {
        "model": model,
        "encoding": counter.name,
        "exact": counter.exact and not counter.caveat,
        "cases": len(rows),
        "goal": GOAL,
        "ours_tokens": ours,
        "baseline_tokens": base,
        "ratio": ratio(ours, base),
        "ours_per_review": round(ours / len(rows), 1) if rows else 0.0,
        "baseline_per_review": round(base / len(rows), 1) if rows else 0.0,
        "instructions_tokens_per_request": fixed_baseline,
        "ratio_vs_baseline_request": ratio(ours, base_req),
        "content_tokens": content,
        "content_ratio": ratio(content, base),
        "median_case_ratio": round(statistics.median(ratios), 4) if ratios else None,
        "requests": sum(r["requests"] for r in rows),
        # reviews the LLM had nothing to add to: no call; what sending them anyway would cost
        "skipped": len(rows) - len(sent),
        "skipped_files": sum(r["files"] for r in rows if r["skipped"]),
        "planned_tokens": planned,
        "ratio_without_skipping": ratio(planned, base),
        # every changed file of every review that is sent, named in its requests
        "file_coverage": ratio(sum(r["named"] for r in sent), sum(r["files"] for r in sent)),
        "file_coverage_planned": ratio(
            sum(r["named"] for r in rows), sum(r["files"] for r in rows)
        ),
        "seen": {k: sum(r[k] for r in sent) for k in ("full", "part", "name")},
        "per_case": rows,
    }
    report["summary"] = (
        f"LLM prompt tokens ({model}, {counter.name}): {ours} for {len(rows)} reviews vs {base} "
        f"for raw diff + PR text = {pct(report['ratio'])} (vs the same request with the raw diff: "
        f"{pct(report['ratio_vs_baseline_request'])}; change content only: "
        f"{pct(report['content_ratio'])}; goal {GOAL:.0%}); {report['skipped']} review(s) needed "
        f"no LLM call (sending them too: {pct(report['ratio_without_skipping'])}); file coverage "
        f"{pct(report['file_coverage'], 0)}; seen in full/part/by name: {report['seen']['full']}/"
        f"{report['seen']['part']}/{report['seen']['name']} files"
        if rows and base
        else "no cases"
    )
    return report
