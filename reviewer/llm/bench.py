"""``reviewer bench --tokens``: prompt tokens of our requests against sending the raw diff and PR text."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

from ..config import Config
from .plan import build_plan
from .prompt import load_templates
from .tokens import count_messages, count_schema, counter_for

GOAL = 0.40


def token_report(cases: Sequence[Any], model: str | None = None) -> dict[str, Any]:
    """Plan (never send) the requests for each case's deterministic review and count them.

    ``baseline`` is what common reviewers send: the PR title and body plus the raw diff. ``ours``
    is every request we would send, everything included (instructions, answer schema, framing).
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
        baseline = counter.count(f"{case.title}\n\n{case.body}\n\n{case.diff}")
        sent = "\n".join(
            content for r in plan.requests for role, content in r.messages if role == "user"
        )
        named = sum(1 for fd in diff.files if fd.path in sent)
        fixed = len(plan.requests) * fixed_baseline
        rows.append(
            {
                "id": case.id,
                "ours": plan.prompt_tokens,
                "content": max(0, plan.prompt_tokens - fixed),
                "baseline": baseline,
                "requests": len(plan.requests),
                "files": len(diff.files),
                "named": named,
                "full": len(plan.full),
                "part": len(plan.part),
                "name": len(plan.name),
            }
        )
    ours = sum(r["ours"] for r in rows)
    base = sum(r["baseline"] for r in rows)
    content = sum(r["content"] for r in rows)
    base_req = base + fixed_baseline * len(rows)
    files = sum(r["files"] for r in rows)
    named = sum(r["named"] for r in rows)
    ratios = [r["ours"] / r["baseline"] for r in rows if r["baseline"]]

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

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
        "file_coverage": ratio(named, files),
        "seen": {k: sum(r[k] for r in rows) for k in ("full", "part", "name")},
        "per_case": rows,
    }
    report["summary"] = (
        f"LLM prompt tokens ({model}, {counter.name}): {ours} for {len(rows)} reviews vs {base} for raw diff + PR text "
        f"= {report['ratio']:.1%} (vs the same request with the raw diff: {report['ratio_vs_baseline_request']:.1%}; "
        f"change content only: {report['content_ratio']:.1%}; goal {GOAL:.0%}); file coverage "
        f"{report['file_coverage']:.0%}; seen in full/part/by name: {report['seen']['full']}/"
        f"{report['seen']['part']}/{report['seen']['name']} files"
        if rows and base
        else "no cases"
    )
    return report
