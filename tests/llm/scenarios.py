"""The HTTP scenarios: what the test server answers, and what the review must look like after.

Shared by ``test_http.py`` (replaying ``cassettes/``) and ``record_cassettes.py`` (recording them).
Every scenario reviews the hand-built sample (samples.py), so a recorded request body changes only
when this package's prompt, planning or client code does: then re-record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewer.config import Config, LLMSettings
from reviewer.llm import enrich
from reviewer.llm.client import ChatClient
from reviewer.models import Review

from . import samples
from .fakes import FakeTime
from .stub_server import Reply, ReplyFor, completion, ok

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
#: replay target: nothing listens there; vcrpy answers before a connection is made
REPLAY_BASE_URL = "http://127.0.0.1:9/v1"
CONFIG = Config(llm=LLMSettings(max_retries=2))


def _error(status: int, message: str, **headers: str) -> Reply:
    return Reply(
        status=status,
        body={"error": {"message": message, "type": "server_error", "code": None}},
        headers=headers,
    )


@dataclass(frozen=True)
class Scenario:
    name: str
    replies: tuple[Reply | ReplyFor, ...]
    degraded: bool
    calls: int
    sleeps: tuple[float, ...] = ()
    error: str = ""  # a part of the one-line reason when degraded
    #: recordable against a real endpoint (re-recording there replaces the scripted answer)
    real: bool = False
    notes: dict[str, Any] = field(default_factory=dict)


SCENARIOS = (
    Scenario("ok", (ok,), degraded=False, calls=1, real=True),
    Scenario(
        "server_error_then_ok",
        (_error(500, "The server had an error"), ok),
        degraded=False,
        calls=2,
    ),
    Scenario(
        "rate_limited_then_ok",
        (_error(429, "Rate limit reached", **{"retry-after": "7"}), ok),
        degraded=False,
        calls=2,
        sleeps=(7.0,),
    ),
    Scenario(
        "not_json_then_repaired",
        (Reply(body=completion("Sure! Here is my review: everything looks fine.")), ok),
        degraded=False,
        calls=2,
    ),
    Scenario(
        "schema_violation",
        (Reply(body=completion('{"summary": 3}')),),
        degraded=True,
        calls=2,
        error="schema",
    ),
    Scenario(
        "refusal",
        (Reply(body=completion(None, refusal="I'm sorry, I can't help with that.")),),
        degraded=True,
        calls=1,
        error="refused",
    ),
    Scenario(
        "truncated",
        (Reply(body=completion('{"implied": ["F3: the docs follow the', finish="length")),),
        degraded=True,
        calls=1,
        error="cut off",
    ),
    Scenario(
        "server_errors_exhausted",
        (_error(503, "Service unavailable"),),
        degraded=True,
        calls=3,
        error="503",
    ),
    Scenario(
        "unauthorized",
        (_error(401, "Incorrect API key provided"),),
        degraded=True,
        calls=1,
        error="401",
    ),
    Scenario(
        "html_body", (Reply(body=b"<html><body>Proxy login</body></html>"),), degraded=True, calls=1
    ),
)


def run(scenario: Scenario, client: ChatClient) -> tuple[Review, FakeTime]:
    time = FakeTime()
    out = enrich(
        samples.review(), samples.diff(), CONFIG, client=client, cache=None, clock=time.clock
    )
    return out, time
