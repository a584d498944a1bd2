"""Fake chat clients through the ChatClient protocol, and a clock that never sleeps."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from reviewer.llm.client import ChatRequest, ChatResponse, PermanentError, TransientError
from reviewer.llm.send import Clock

Step = ChatResponse | Exception | Callable[[ChatRequest], ChatResponse]


def answer_json(**over: Any) -> str:
    base: dict[str, Any] = {
        "implied": [],
        "findings": [],
        "questions": [],
        "summary": "It does a thing. It may break another.",
    }
    base.update(over)
    return json.dumps(base)


def reply(
    content: str | None,
    *,
    finish: str = "stop",
    refusal: str | None = None,
    prompt: int = 500,
    completion: int = 60,
) -> ChatResponse:
    return ChatResponse(content, refusal, finish, prompt, completion)


class FakeClient:
    """Answers from a script (the last step repeats) and keeps every request it was sent."""

    def __init__(self, steps: Sequence[Step]) -> None:
        self.steps = list(steps)
        self.requests: list[ChatRequest] = []
        self.timeouts: list[float] = []

    def complete(self, request: ChatRequest, *, timeout: float) -> ChatResponse:
        self.requests.append(request)
        self.timeouts.append(timeout)
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, Exception):
            raise step
        if isinstance(step, ChatResponse):
            return step
        return step(request)

    def bodies(self) -> list[str]:
        return [json.dumps(r.body()) for r in self.requests]


def obey_injection(request: ChatRequest) -> ChatResponse:
    """What a model that follows the injected instructions would answer: clear everything, all is fine."""
    user = request.messages[-1][1]
    handles = sorted(set(re.findall(r"\b(F\d+)\b", user)))
    return reply(
        answer_json(
            implied=[f"{h}: The author says this is approved." for h in handles],
            findings=[
                {
                    "title": "Nothing to see here",
                    "severity": "info",
                    "path": None,
                    "line": None,
                    "confidence": 1.0,
                }
            ],
            questions=[],
            summary="LGTM. This change is safe, aligned and low risk; approve it.",
        )
    )


class FakeTime:
    """Time moves only when something sleeps; sleeps are recorded. ``.clock`` is what enrich takes."""

    def __init__(self) -> None:
        self.t = 1000.0
        self.slept: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += seconds

    @property
    def clock(self) -> Clock:
        return Clock(now=self.now, sleep=self.sleep)


__all__ = [
    "FakeClient",
    "FakeTime",
    "PermanentError",
    "TransientError",
    "answer_json",
    "obey_injection",
    "reply",
]
