"""``reviewer backtest``: the offline reviewer replayed over a repository's merged history.

The unit of work is :func:`backtest_change`, a function of plain values (repository path,
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
from ..errors import ReviewerError
from ..models import level_rank, severity_rank
from ..record import record
from .changes import Change, ChangeText, read_change, stated_intent
from .followups import FollowUp

SCHEMA = "intent-reviewer/backtest/1"
#: the areas a change is counted in: directories this many levels deep
AREA_DEPTH = 2
MAX_PATHS = 200


@record
class PolicySpec:
    """A candidate policy: a label, and the text of a ``.reviewer.toml`` (or a ``pyproject.toml``
    with ``[tool.reviewer]``); no text means the repository's own policy at each change's base."""

    name: str
    text: str | None = None


BASE_POLICY = PolicySpec("policy at each change's base")


# --- the unit of work -------------------------------------------------------------------------


def backtest_change(
    repo: str,
    commit: str,
    policy: str | None = None,
    *,
    intent: str | None = None,
    reader: git.BlobReader | None = None,
) -> dict[str, Any]:
    """Review one merged change as the gate would have when it was proposed.

    The diff is the change against its first parent; the intent is its own message (a merge that
    only names its branch adds the merged commits' messages), or ``intent`` (its PR title and
    body) when given; the policy is ``policy`` (TOML text) or the repository's policy at the
    first parent. Returns the change's summary; a change that cannot be reviewed comes back with
    ``error`` set rather than raising, so one bad commit never stops a backtest.

    ``reader`` lets a worker reuse one ``git cat-file --batch`` process over many changes.
    """
    started = time.perf_counter()
    own = reader is None
    blob_reader = git.BlobReader(repo) if reader is None else reader
    try:
        text = read_change(repo, commit)
        try:
            return _review_summary(repo, text, policy, intent, blob_reader, started)
        except ReviewerError as exc:
            return _error_summary(text, f"{type(exc).__name__}: {exc}")
        except Exception as exc:
            if os.environ.get("REVIEWER_STRICT") == "1":
                raise
            return _error_summary(text, f"internal error: {type(exc).__name__}: {exc}"[:300])
    finally:
        if own:
            blob_reader.close()


def _review_summary(
    repo: str,
    change: ChangeText,
    policy: str | None,
    intent_text: str | None,
    reader: git.BlobReader,
    started: float,
) -> dict[str, Any]:
    from ..diff import decode, parse_diff
    from ..gate import decide
    from ..intent import parse_intent
    from ..pipeline import review_change

    base = change.parents[0] if change.parents else git.EMPTY_TREE
    config = _config(policy, base if change.parents else None, reader)
    diff = parse_diff(decode(git.diff_between(base, change.sha, cwd=repo)))
    if intent_text is not None:
        intent = parse_intent(intent_text, source="pr")
    else:
        intent = parse_intent(stated_intent(repo, change), source="commit")
    # the scope is built in this process: the backtest's own pool is the parallelism
    result = review_change(
        diff, intent, config, blobs=git.GitBlobs(reader, base, change.sha), started=started
    )
    live = [
        f
        for f in result.findings
        if not f.licensed and severity_rank(f.severity) >= severity_rank("low")
    ]
    risky_paths = [f.path for f in live if f.path]
    paths = [fr.scope.path for fr in result.files]
    summary = _base_summary(change)
    summary.update(
        {
            "policy": config.source,
            "verdict": result.verdict,
            "blast_radius": result.blast_radius.level,
            "requires_answers": result.requires_answers,
            "blocked": decide(result, config.fail_on).blocked,
            "rules": sorted({f.rule for f in live}),
            "max_severity": max((f.severity for f in live), key=severity_rank, default=None),
            "findings": len(result.findings),
            "unlicensed": len(live),
            "questions": [q.text for q in result.questions],
            "change_kinds": sorted({k for fr in result.files for k in fr.scope.change_kinds}),
            "files": len(paths),
            "additions": result.stats.additions,
            "deletions": result.stats.deletions,
            "paths": paths[:MAX_PATHS],
            "areas": sorted({area_of(p) for p in (risky_paths or paths)}),
            "intent_source": intent.source,
            "elapsed_ms": int((time.perf_counter() - started) * 1000),
            "error": None,
        }
    )
    return summary


def _config(policy: str | None, base: str | None, reader: git.BlobReader) -> Any:
    from .. import config as cfg

    if policy is not None:
        return policy_from_text(policy, source="--policy")
    if base is None:
        return cfg.Config()

    def read_at(name: str) -> str | None:
        data = reader.read(base, name)
        return None if data is None else data.decode("utf-8", "replace")

    return cfg.load_at(read_at, where=f"at {base[:12]}")


def policy_from_text(text: str, *, source: str) -> Any:
    """A policy from a ``.reviewer.toml`` text, or a ``pyproject.toml`` text with
    ``[tool.reviewer]`` (told apart by its ``[tool]`` table)."""
    from .. import config as cfg

    pyproject = any(line.strip().startswith("[tool.") for line in text.splitlines())
    return cfg.load_text(text, source=source, pyproject=pyproject)


def _base_summary(change: ChangeText) -> dict[str, Any]:
    from .changes import pr_number

    subject = change.message.split("\n", 1)[0]
    return {
        "sha": change.sha,
        "parents": list(change.parents),
        "time": change.time,
        "month": time.strftime("%Y-%m", time.gmtime(change.time)),
        "author": change.author,
        "subject": subject[:300],
        "pr": pr_number(subject),
    }


def _error_summary(change: ChangeText, error: str) -> dict[str, Any]:
    summary = _base_summary(change)
    summary.update(
        {
            "policy": None,
            "verdict": None,
            "blast_radius": None,
            "requires_answers": False,
            "blocked": False,
            "rules": [],
            "max_severity": None,
            "findings": 0,
            "unlicensed": 0,
            "questions": [],
            "change_kinds": [],
            "files": 0,
            "additions": 0,
            "deletions": 0,
            "paths": [],
            "areas": [],
            "intent_source": None,
            "elapsed_ms": 0,
            "error": error,
        }
    )
    return summary


def area_of(path: str) -> str:
    """The directory a path is counted under: ``AREA_DEPTH`` levels, ``(root)`` for top files."""
    parts = path.split("/")[:-1]
    return "/".join(parts[:AREA_DEPTH]) if parts else "(root)"


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
