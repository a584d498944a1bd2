"""``reviewer backtest``: the offline reviewer replayed over a repository's merged history.

The unit of work is :func:`backtest_change` (change_review.py), a function of plain values (repository path,
commit, policy text, optional PR text) that returns a plain dict: the same call runs in a local
process pool here, or as a job on a shared queue when one machine is not enough.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from .. import git
from ..models import level_rank, severity_rank
from ..record import record
from .change_review import backtest_change
from .changes import Change
from .followups import FollowUp

SCHEMA = "intent-reviewer/backtest/1"


@record
class PolicySpec:
    """A candidate policy: a label, and the text of a ``.reviewer.toml`` (or a ``pyproject.toml``
    with ``[tool.reviewer]``); no text means the repository's own policy at each change's base."""

    name: str
    text: str | None = None


BASE_POLICY = PolicySpec("policy at each change's base")

# --- running many -----------------------------------------------------------------------------

#: the worker's own reader: one ``git cat-file --batch`` per worker process, reused for every
#: change it reviews (set by the pool's initializer; never shared across processes or threads)
_WORKER: dict[str, git.BlobReader] = {}


def _init_worker(repo: str) -> None:
    os.environ["REVIEWER_JOBS"] = "1"
    _WORKER[repo] = git.BlobReader(repo)


def _work(task: tuple[str, str, str | None, str | None]) -> dict[str, Any]:
    repo, commit, policy, intent = task
    return backtest_change(repo, commit, policy, intent=intent, reader=_WORKER.get(repo))


def run_changes(
    repo: str,
    tasks: Sequence[tuple[str, str | None, str | None]],
    *,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    redis_url: str | None = None,
) -> list[dict[str, Any]]:
    """Run ``backtest_change`` over ``(commit, policy, intent)`` tasks, in order; ``jobs`` > 1
    spreads them over that many worker processes, each with its own blob reader; ``redis_url``
    sends them to the ``reviewer worker`` processes of that Redis instead (queue.py)."""
    if redis_url:
        from .queue import run_remote

        return run_remote(redis_url, os.path.abspath(repo), tasks, progress=progress)
    full = [(repo, commit, policy, intent) for commit, policy, intent in tasks]
    results: list[dict[str, Any]] = []
    if jobs <= 1 or len(full) < 2:
        reader = git.BlobReader(repo)
        try:
            for i, task in enumerate(full, 1):
                results.append(backtest_change(*task[:3], intent=task[3], reader=reader))
                if progress:
                    progress(i, len(full))
        finally:
            reader.close()
        return results
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, min(16, len(full) // (jobs * 8) or 1))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(repo,)) as pool:
        for i, result in enumerate(pool.map(_work, full, chunksize=chunk), 1):
            results.append(result)
            if progress:
                progress(i, len(full))
    return results


# --- the report -------------------------------------------------------------------------------


def backtest(
    repo: str,
    changes: Sequence[Change],
    policies: Sequence[PolicySpec] = (BASE_POLICY,),
    *,
    tip: str,
    jobs: int = 1,
    redis_url: str | None = None,
    pr_texts: Mapping[str, str] | None = None,
    link: str | None = None,
    hotfix_days: int = 7,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Every change under every policy, then the report: totals, months, rules, areas, the
    riskiest changes and the noise estimate per policy, and the speed of the run."""
    from .followups import find_followups

    pr_texts = pr_texts or {}
    tasks = [(c.sha, p.text, pr_texts.get(c.sha)) for p in policies for c in changes]
    started = time.perf_counter()
    results = run_changes(repo, tasks, jobs=jobs, progress=progress, redis_url=redis_url)
    elapsed = time.perf_counter() - started
    followed = find_followups(repo, changes, tip, days=hotfix_days)
    n = len(changes)
    per_policy = [results[i * n : (i + 1) * n] for i in range(len(policies))]
    return {
        "schema": SCHEMA,
        "repository": os.path.basename(os.path.abspath(repo)),
        "tip": tip,
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "range": {
            "first": changes[0].sha if changes else None,
            "last": changes[-1].sha if changes else None,
            "changes": n,
        },
        "link": link,
        "speed": {
            "changes": n,
            "reviews": len(results),
            "jobs": jobs,
            "seconds": round(elapsed, 3),
            "changes_per_second": round(len(results) / elapsed, 2) if elapsed > 0 else None,
        },
        "policies": [
            summarize(p.name, rows, followed) for p, rows in zip(policies, per_policy, strict=True)
        ],
        "followups": {sha: f.to_dict() for sha, f in sorted(followed.items())},
    }


def summarize(
    name: str, rows: Sequence[Mapping[str, Any]], followed: Mapping[str, FollowUp]
) -> dict[str, Any]:
    """One policy's view of the history."""
    ok = [r for r in rows if not r.get("error")]
    blocked = [r for r in ok if r["blocked"]]
    months: dict[str, Counter[str]] = {}
    for r in ok:
        m = months.setdefault(r["month"], Counter())
        m["changes"] += 1
        m[r["verdict"]] += 1
        m["blocked"] += int(r["blocked"])
    rules: Counter[str] = Counter()
    rules_blocked: Counter[str] = Counter()
    for r in ok:
        for rule in r["rules"]:
            rules[rule] += 1
            rules_blocked[rule] += int(r["blocked"])
    areas: Counter[str] = Counter(a for r in blocked for a in r["areas"])
    noise = [r for r in blocked if r["sha"] not in followed]
    return {
        "name": name,
        "totals": {
            "changes": len(rows),
            "reviewed": len(ok),
            "errors": len(rows) - len(ok),
            "blocked": len(blocked),
            "block_rate": _rate(len(blocked), len(ok)),
            "verdicts": _counts((r["verdict"] for r in ok), ("aligned", "drift", "mismatch")),
            "blast_radius": _counts(
                (r["blast_radius"] for r in ok), ("low", "medium", "high", "critical")
            ),
        },
        "noise": {
            "blocked": len(blocked),
            "followed_up": len(blocked) - len(noise),
            "never_followed_up": len(noise),
            "noise_rate": _rate(len(noise), len(blocked)),
        },
        "months": [{"month": k, **_month(v)} for k, v in sorted(months.items())],
        "rules": [
            {"rule": rule, "changes": count, "blocked": rules_blocked[rule]}
            for rule, count in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "areas": [
            {"area": area, "blocked": count}
            for area, count in sorted(areas.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
        ],
        "riskiest": [_brief(r, followed) for r in sorted(ok, key=_risk, reverse=True)[:10]],
        "changes": [_brief(r, followed) for r in rows],
    }


def _month(c: Counter[str]) -> dict[str, int]:
    return {k: c[k] for k in ("changes", "aligned", "drift", "mismatch", "blocked")}


def _counts(values: Iterator[Any] | Any, keys: Sequence[str]) -> dict[str, int]:
    c = Counter(values)
    return {k: c[k] for k in keys}


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _risk(r: Mapping[str, Any]) -> tuple[int, int, int, int, int]:
    sev = r.get("max_severity")
    return (
        int(r["blocked"]),
        level_rank(r["blast_radius"]),
        severity_rank(sev) if sev else -1,
        r["unlicensed"],
        r["additions"] + r["deletions"],
    )


def _brief(r: Mapping[str, Any], followed: Mapping[str, FollowUp]) -> dict[str, Any]:
    keys = (
        "sha",
        "month",
        "author",
        "subject",
        "pr",
        "verdict",
        "blast_radius",
        "blocked",
        "rules",
        "change_kinds",
        "files",
        "additions",
        "deletions",
        "areas",
        "error",
    )
    out = {k: r.get(k) for k in keys}
    out["questions"] = list(r.get("questions") or [])[:3]
    f = followed.get(r["sha"])
    out["followed_up"] = f.to_dict() if f else None
    return out
