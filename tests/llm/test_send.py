"""Retries: backoff on transient errors, Retry-After respected, the deadline and the retry cap hold."""

from __future__ import annotations

import pytest

from reviewer.errors import LLMError
from reviewer.llm.client import ChatRequest, retry_after
from reviewer.llm.send import BACKOFF_BASE, Meter, send

from .fakes import FakeClient, FakeTime, PermanentError, TransientError, reply

REQUEST = ChatRequest("gpt-4o-mini", (("system", "s"), ("user", "u")), {"type": "object"}, 100, 0.0)


def _send(
    client: FakeClient, time: FakeTime, *, retries: int = 3, deadline: float = 180.0
) -> object:
    return send(
        client,
        REQUEST,
        timeout_s=60.0,
        max_retries=retries,
        deadline=time.now() + deadline,
        meter=Meter(),
        clock=time.clock,
    )


def test_retry_after_is_respected_exactly() -> None:
    time = FakeTime()
    client = FakeClient(
        [
            TransientError("HTTP 429", retry_after=7.0),
            TransientError("HTTP 429", retry_after=2.5),
            reply("{}"),
        ]
    )
    assert _send(client, time) == reply("{}")
    assert time.slept == [7.0, 2.5]


def test_backoff_grows_without_retry_after() -> None:
    time = FakeTime()
    client = FakeClient([TransientError("HTTP 500"), TransientError("HTTP 502"), reply("{}")])
    _send(client, time)
    first, second = time.slept
    assert BACKOFF_BASE <= first <= BACKOFF_BASE * 1.25
    assert 2 * BACKOFF_BASE <= second <= 2 * BACKOFF_BASE * 1.25


def test_gives_up_after_max_retries() -> None:
    time = FakeTime()
    client = FakeClient([TransientError("HTTP 503")])
    with pytest.raises(LLMError, match="after 3 attempts"):
        _send(client, time, retries=2)
    assert len(client.requests) == 3


def test_never_sleeps_past_the_deadline() -> None:
    time = FakeTime()
    client = FakeClient([TransientError("HTTP 429", retry_after=120.0), reply("{}")])
    with pytest.raises(LLMError, match="deadline"):
        _send(client, time, deadline=60.0)
    assert time.slept == []


def test_each_attempt_gets_at_most_the_remaining_time() -> None:
    time = FakeTime()
    client = FakeClient([TransientError("x", retry_after=50.0), reply("{}")])
    _send(client, time, deadline=70.0)
    assert client.timeouts == [60.0, pytest.approx(20.0)]


def test_permanent_errors_are_not_retried() -> None:
    time = FakeTime()
    client = FakeClient([PermanentError("HTTP 401: bad key")])
    with pytest.raises(LLMError, match="401"):
        _send(client, time)
    assert len(client.requests) == 1


def test_retry_after_headers() -> None:
    assert retry_after({"retry-after": "3"}) == 3.0
    assert retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # in the past
    assert retry_after({"retry-after": "soon"}) is None
    assert retry_after({}) is None
