"""``enrich``: the deterministic review, sharpened by an LLM when one is configured; never lost."""

from __future__ import annotations

import hashlib
import sys
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Any, Literal

from ..config import Config, LLMSettings
from ..errors import LLMError
from ..models import Diff, Review
from ..record import record, replace
from .answer import Answer, InvalidAnswer, parse_answer
from .cache import AnswerCache, cache_key
from .catalog import cost_usd
from .client import (
    ChatClient,
    ChatRequest,
    ChatResponse,
    Endpoint,
    OpenAIClient,
    resolve_endpoint,
    temperature_for,
)
from .merge import merge, one_line
from .plan import Plan, Request, build_plan, skip_reason
from .prompt import Templates, fill, load_templates
from .send import Clock, Meter, send
from .tokens import TokenCounter, counter_for

#: how much of a bad answer goes back to the model in the repair request
REPAIR_ECHO = 4000


@record
class _Done:
    answer: Answer
    key: str
    hit: bool


@record(slots=False)
class _Context:
    client: ChatClient
    model: str
    settings: LLMSettings
    templates: Templates
    counter: TokenCounter
    cache: AnswerCache | None
    meter: Meter
    clock: Clock
    deadline: float
    temperature: float | None
    verbose: bool


def enrich(
    review: Review,
    diff: Diff,
    config: Config,
    *,
    model: str | None = None,
    on_error: Literal["degrade", "fail"] | str = "degrade",
    verbose: bool = False,
    client: ChatClient | None = None,
    cache: AnswerCache | Literal["default"] | None = "default",
    clock: Clock | None = None,
) -> Review:
    """Sharpen ``review``; without a configured endpoint, return it unchanged with a note saying so.

    ``on_error="fail"`` raises LLMError when the endpoint or its answers fail; ``"degrade"`` returns
    the deterministic review marked ``degraded``. ``client``, ``cache`` and ``clock`` are for tests.
    """
    settings = config.llm
    model = model or settings.model
    meter = Meter()
    info: dict[str, Any] = {"model": model}
    try:
        endpoint = resolve_endpoint(settings)
        if client is None and isinstance(endpoint, str):
            return _offline(review, endpoint)
        if isinstance(endpoint, Endpoint):
            info["endpoint"] = endpoint.host
        templates = load_templates()
        info["prompt_version"] = templates.version
        skip = skip_reason(review)
        if skip is not None:
            if verbose:
                _say(f"llm: no call: {skip}")
            return _skipped(review, skip, info)
        if client is None:
            assert isinstance(endpoint, Endpoint)
            client = OpenAIClient(endpoint)
        counter = counter_for(model)
        plan = build_plan(review, diff, settings, model, templates, counter)
        clock = clock or Clock()
        ctx = _Context(
            client=client,
            model=model,
            settings=settings,
            templates=templates,
            counter=counter,
            cache=AnswerCache() if cache == "default" else cache,
            meter=meter,
            clock=clock,
            deadline=clock.now() + settings.deadline_s,
            temperature=temperature_for(model, settings),
            verbose=verbose,
        )
        if verbose:
            _say(
                f"llm: {model} at {info.get('endpoint', 'a test client')}, prompt {templates.version}, "
                f"{len(plan.requests)} request(s), {plan.prompt_tokens} prompt tokens ({counter.name})"
            )
        done = _run_all(plan, ctx)
    except LLMError as exc:
        if on_error == "fail":
            raise
        return _degraded(review, exc, meter, info)
    return _finish(review, plan, done, meter, info, counter)


# --- running the plan ------------------------------------------------------------------------------


def _run_all(plan: Plan, ctx: _Context) -> list[_Done]:
    if len(plan.requests) == 1:
        return [_run_one(plan.requests[0], ctx)]
    workers = max(1, min(ctx.settings.concurrency, len(plan.requests)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="reviewer-llm") as pool:
        futures = [pool.submit(_run_one, r, ctx) for r in plan.requests]
        _, pending = wait(futures, return_when=FIRST_EXCEPTION)
        failed = next((f for f in futures if f.done() and f.exception() is not None), None)
        if failed is not None:
            for f in pending:
                f.cancel()
            exc = failed.exception()
            assert exc is not None
            raise exc
    return [f.result() for f in futures]


def _run_one(request: Request, ctx: _Context) -> _Done:
    chat = ChatRequest(
        model=ctx.model,
        messages=request.messages,
        schema=ctx.templates.schema,
        max_output_tokens=ctx.settings.max_output_tokens,
        temperature=ctx.temperature,
    )
    key = cache_key(ctx.model, ctx.templates.version, chat.body())
    if ctx.cache is not None:
        entry = ctx.cache.get(key)
        if entry is not None:
            try:
                answer = parse_answer(entry["content"], ctx.templates.schema)
            except InvalidAnswer:
                pass
            else:
                if ctx.verbose:
                    _say(
                        f"llm: request {request.index + 1}: cache key {key} (hit: no call, 0 tokens)"
                    )
                return _Done(answer, key, True)
    if ctx.verbose:
        _say(f"llm: request {request.index + 1}: cache key {key} (miss)")

    content = _content(_send(chat, request.prompt_tokens, ctx), ctx)
    try:
        answer = parse_answer(content, ctx.templates.schema)
    except InvalidAnswer as first:
        repair = replace(
            chat,
            messages=(
                *chat.messages,
                ("assistant", content[:REPAIR_ECHO]),
                ("user", fill(ctx.templates.repair, {"error": str(first)})),
            ),
        )
        planned = request.prompt_tokens + ctx.counter.count(content[:REPAIR_ECHO]) + 40
        content = _content(_send(repair, planned, ctx), ctx)
        try:
            answer = parse_answer(content, ctx.templates.schema)
        except InvalidAnswer as second:
            raise LLMError(
                f"the model's answer did not match the schema, even after one repair ({second})"
            ) from None
    if ctx.cache is not None:
        ctx.cache.put(
            key,
            content=content,
            model=ctx.model,
            prompt_tokens=request.prompt_tokens,
            completion_tokens=0,
        )
    return _Done(answer, key, False)


def _send(chat: ChatRequest, planned_prompt: int, ctx: _Context) -> ChatResponse:
    response = send(
        ctx.client,
        chat,
        timeout_s=ctx.settings.timeout_s,
        max_retries=ctx.settings.max_retries,
        deadline=ctx.deadline,
        meter=ctx.meter,
        clock=ctx.clock,
    )
    completion = response.completion_tokens
    if completion is None:
        completion = ctx.counter.count(response.content or response.refusal or "")
    prompt = response.prompt_tokens if response.prompt_tokens is not None else planned_prompt
    ctx.meter.add(prompt=prompt, completion=completion)
    return response


def _content(response: ChatResponse, ctx: _Context) -> str:
    if response.refusal:
        raise LLMError(f"the model refused to answer: {one_line(response.refusal, 120)}")
    if response.finish_reason == "length":
        raise LLMError(
            f"the model's answer was cut off at llm.max_output_tokens ({ctx.settings.max_output_tokens})"
        )
    if response.finish_reason == "content_filter":
        raise LLMError("the endpoint's content filter stopped the answer")
    if not response.content or not response.content.strip():
        raise LLMError("the model returned an empty answer")
    return response.content


# --- results --------------------------------------------------------------------------------------


def _finish(
    review: Review,
    plan: Plan,
    done: list[_Done],
    meter: Meter,
    info: dict[str, Any],
    counter: TokenCounter,
) -> Review:
    merged = merge(review, [d.answer for d in done], plan.handles, plan.paths)
    keys = [d.key for d in done]
    cost = cost_usd(info["model"], meter.prompt_tokens, meter.completion_tokens)
    info.update(
        {
            "cache_key": keys[0]
            if len(keys) == 1
            else hashlib.sha256("\n".join(keys).encode()).hexdigest(),
            "cache": "hit"
            if all(d.hit for d in done)
            else "miss"
            if not any(d.hit for d in done)
            else "partial",
            "requests": [{"cache_key": d.key, "cache": "hit" if d.hit else "miss"} for d in done],
            "encoding": plan.encoding,
            "token_count": "exact" if counter.exact and not plan.token_caveat else "approximate",
            "budget_tokens": plan.budget,
            "seen": {"full": list(plan.full), "part": list(plan.part), "name": list(plan.name)},
            "redactions": plan.redactions,
            "prompt_tokens": meter.prompt_tokens,
            "completion_tokens": meter.completion_tokens,
            "resolved": list(merged.resolved),
            "refused": list(merged.refused),
            "cost_usd": None if cost is None else round(cost, 6),
        }
    )
    if plan.token_caveat:
        info["token_caveat"] = plan.token_caveat
    tokens = meter.prompt_tokens + meter.completion_tokens
    notes = [
        f"LLM {info['model']} (prompt {info['prompt_version']}) saw {len(plan.full)} file(s) in full, "
        f"{len(plan.part)} in part, {len(plan.name)} by name only; {len(done)} request(s), {tokens} tokens"
        + (" (answers from the cache)" if info["cache"] == "hit" else "")
    ]
    if plan.redactions:
        notes.append(f"{plan.redactions} secret(s) were redacted before anything was sent")
    if merged.refused:
        notes.append(f"ignored LLM output it may not act on: {'; '.join(merged.refused[:3])}")
    result = merged.review
    stats = replace(
        result.stats,
        llm_tokens=result.stats.llm_tokens + tokens,
        llm_calls=result.stats.llm_calls + meter.calls,
        llm_cost_usd=round(result.stats.llm_cost_usd + (cost or 0.0), 6),
    )
    return replace(result, stats=stats, notes=(*result.notes, *notes), llm=info)


def _skipped(review: Review, reason: str, info: dict[str, Any]) -> Review:
    """No call: the rule engine's review, its own summary, and a note saying why."""
    info = {**info, "skipped": reason, "requests": [], "prompt_tokens": 0, "completion_tokens": 0}
    note = f"LLM step skipped: {reason}; the review and its summary are the rule engine's"
    return replace(review, notes=(*review.notes, note), llm=info)


def _offline(review: Review, reason: str) -> Review:
    note = f"offline review: --llm was requested but {reason}"
    return replace(review, notes=(*review.notes, note))


def _degraded(review: Review, exc: LLMError, meter: Meter, info: dict[str, Any]) -> Review:
    reason = one_line(str(exc), 300)
    info = {
        **info,
        "error": reason,
        "prompt_tokens": meter.prompt_tokens,
        "completion_tokens": meter.completion_tokens,
    }
    cost = cost_usd(str(info["model"]), meter.prompt_tokens, meter.completion_tokens) or 0.0
    stats = replace(
        review.stats,
        llm_tokens=review.stats.llm_tokens + meter.prompt_tokens + meter.completion_tokens,
        llm_calls=review.stats.llm_calls + meter.calls,
        llm_cost_usd=round(review.stats.llm_cost_usd + cost, 6),
    )
    note = f"degraded: the LLM step failed ({reason}); this is the deterministic review"
    return replace(review, degraded=True, stats=stats, notes=(*review.notes, note), llm=info)


def _say(text: str) -> None:
    try:
        sys.stderr.write(f"reviewer: {text}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
