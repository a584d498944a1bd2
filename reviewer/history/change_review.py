"""One merged change reviewed as the gate would have reviewed it when it was proposed: the unit
of work of a backtest, run in this process, in a worker process, or by a ``reviewer worker`` of a
shared Redis (queue.py)."""

from __future__ import annotations

import os
import time
from typing import Any

from .. import git
from ..errors import ReviewerError
from ..models import severity_rank
from .changes import ChangeText, read_change, stated_intent

#: the areas a change is counted in: directories this many levels deep
AREA_DEPTH = 2
MAX_PATHS = 200


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
