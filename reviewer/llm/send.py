"""One request, sent with retries: backoff on 429/5xx, Retry-After respected, an overall deadline."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

from ..errors import LLMError
from ..record import field, record
from .client import ChatClient, ChatRequest, ChatResponse, PermanentError, TransientError

BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0


@record(frozen=False, slots=False)
class Meter:
    """What the calls cost, shared by the parallel chunks."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, *, calls: int = 0, prompt: int = 0, completion: int = 0) -> None:
        with self.lock:
            self.calls += calls
            self.prompt_tokens += prompt
            self.completion_tokens += completion


@record(slots=False)
class Clock:
    """Time, swappable in tests (no test waits for a real backoff)."""

    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


def backoff(attempt: int) -> float:
    delay: float = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
    return delay * (1 + random.random() / 4)


def send(
    client: ChatClient,
    request: ChatRequest,
    *,
    timeout_s: float,
    max_retries: int,
    deadline: float,
    meter: Meter,
    clock: Clock,
) -> ChatResponse:
    """The first answer, or LLMError once retries or the deadline run out."""
    attempt = 0
    while True:
        remaining = deadline - clock.now()
        if remaining <= 0:
            raise LLMError("the LLM deadline (llm.deadline_s) passed before an answer came")
        meter.add(calls=1)
        try:
            return client.complete(request, timeout=min(timeout_s, remaining))
        except PermanentError as exc:
            raise LLMError(f"the LLM endpoint refused the request: {exc}") from exc
        except TransientError as exc:
            attempt += 1
            if attempt > max_retries:
                tries = f"{attempt} attempt{'s' if attempt > 1 else ''}"
                raise LLMError(f"the LLM endpoint failed after {tries}: {exc}") from exc
            delay = exc.retry_after if exc.retry_after is not None else backoff(attempt)
            if clock.now() + delay >= deadline:
                raise LLMError(
                    f"the LLM endpoint failed ({exc}) and waiting {delay:.0f}s would pass llm.deadline_s"
                ) from exc
            clock.sleep(delay)
