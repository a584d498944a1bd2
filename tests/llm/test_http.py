"""The HTTP layer: the openai client against recorded traffic (cassettes/) and a live local server.

Cassettes replay with ``record_mode="none"`` and match on method, path and body, so a change to what
the client sends fails here until the cassettes are re-recorded (python -m tests.llm.record_cassettes).
Every request body, recorded or live, is validated against the request schema of OpenAI's OpenAPI
document (openapi/chat_request.schema.json, see openapi/PROVENANCE.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import vcr
import yaml

from reviewer.config import Config, LLMSettings
from reviewer.llm import enrich
from reviewer.llm.client import ChatRequest, Endpoint, OpenAIClient
from reviewer.llm.prompt import load_templates

from . import samples
from .fakes import FakeTime
from .scenarios import CASSETTES, SCENARIOS, Scenario, run
from .stub_server import Reply, StubServer, ok

SCHEMA = json.loads((Path(__file__).parent / "openapi" / "chat_request.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def _cassette(name: str) -> dict[str, Any]:
    cassette: dict[str, Any] = yaml.safe_load((CASSETTES / f"{name}.yaml").read_text())
    return cassette


def _replay_client(name: str) -> OpenAIClient:
    """A client aimed where the cassette was recorded (which picks the same body fields)."""
    uri = urlsplit(_cassette(name)["interactions"][0]["request"]["uri"])
    base = f"{uri.scheme}://{uri.netloc}/v1"
    local = uri.hostname in ("127.0.0.1", "localhost")
    return OpenAIClient(Endpoint(base_url=base, api_key="sk-replay-not-a-key", local=local))


def _player() -> vcr.VCR:
    return vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode="none",
        match_on=["method", "path", "body"],
        filter_headers=["authorization"],
    )


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_recorded_scenarios(scenario: Scenario) -> None:
    client = _replay_client(scenario.name)
    with _player().use_cassette(f"{scenario.name}.yaml", allow_playback_repeats=False) as cassette:
        out, time = run(scenario, client)
        assert cassette.all_played, "the client sent fewer requests than were recorded"
    assert out.degraded is scenario.degraded
    assert out.stats.llm_calls == scenario.calls
    assert tuple(time.slept[: len(scenario.sleeps)]) == scenario.sleeps
    review = samples.review()
    assert out.verdict == review.verdict and out.blast_radius == review.blast_radius
    assert {f.id for f in review.findings} <= {f.id for f in out.findings}
    if scenario.degraded:
        assert out.llm is not None and scenario.error in str(out.llm["error"])
        assert out.findings == review.findings and out.summary is None
    else:
        assert out.summary and out.llm is not None and out.llm["cache"] == "miss"
        assert out.stats.llm_tokens > 0


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_recorded_bodies_are_valid_openai_requests(scenario: Scenario) -> None:
    cassette = _cassette(scenario.name)
    for interaction in cassette["interactions"]:
        request = interaction["request"]
        assert (
            request["method"] == "POST" and urlsplit(request["uri"]).path == "/v1/chat/completions"
        )
        assert "authorization" not in {k.lower() for k in request["headers"]}
        body = json.loads(request["body"])
        errors = [e.message for e in VALIDATOR.iter_errors(body)]
        assert errors == []
        assert body["response_format"]["json_schema"]["strict"] is True


def test_cassettes_hold_no_credentials() -> None:
    for path in CASSETTES.glob("*.yaml"):
        text = path.read_text().lower()
        assert "authorization" not in text and "sk-test" not in text and "bearer" not in text


@pytest.mark.parametrize("field", ["max_completion_tokens", "max_tokens"])
def test_built_bodies_are_valid_openai_requests(field: str) -> None:
    schema = load_templates().schema
    for temperature in (0.0, None):
        body = ChatRequest(
            "o4-mini", (("system", "s"), ("user", "u")), schema, 1500, temperature
        ).body(max_tokens_field=field)
        assert list(VALIDATOR.iter_errors(body)) == []
    bad = ChatRequest("gpt-4o-mini", (("system", "s"), ("robot", "u")), schema, 10, 0.0).body()
    assert list(VALIDATOR.iter_errors(bad))  # the schema really checks


def test_live_local_server_receives_valid_requests_with_the_key() -> None:
    with StubServer([ok]) as server:
        client = OpenAIClient(
            Endpoint(base_url=server.base_url, api_key="sk-live-test", local=True)
        )
        out = enrich(samples.review(), samples.diff(), Config(), client=client, cache=None)
        received = list(server.received)
    assert not out.degraded and len(received) == 1
    assert received[0]["path"] == "/v1/chat/completions"
    assert {k.lower(): v for k, v in received[0]["headers"].items()}[
        "authorization"
    ] == "Bearer sk-live-test"
    assert list(VALIDATOR.iter_errors(received[0]["body"])) == []


def test_a_timeout_degrades() -> None:
    config = Config(llm=LLMSettings(timeout_s=0.3, deadline_s=5.0, max_retries=1))
    with StubServer([Reply(delay=5.0, body={})]) as server:
        client = OpenAIClient(Endpoint(base_url=server.base_url, api_key="k", local=True))
        time = FakeTime()
        out = enrich(
            samples.review(), samples.diff(), config, client=client, cache=None, clock=time.clock
        )
    assert out.degraded and out.llm is not None and "no answer within" in str(out.llm["error"])
    assert out.stats.llm_calls == 2 and len(time.slept) == 1
