"""Record ``cassettes/`` by running the scenarios against an OpenAI-compatible endpoint.

    python -m tests.llm.record_cassettes                     # the scripted local server (stub_server.py)
    OPENAI_API_KEY=... python -m tests.llm.record_cassettes --base-url https://api.openai.com/v1 ok

By default every scenario is recorded against the scripted server on 127.0.0.1. With ``--base-url``
only the scenarios a real endpoint can reproduce (``ok``) are recorded there, with OPENAI_API_KEY;
the authorization header never reaches a cassette (see cassettes/README.md).
"""

from __future__ import annotations

import argparse
import os
import sys

import vcr

from reviewer.llm.client import Endpoint, OpenAIClient

from .scenarios import CASSETTES, SCENARIOS
from .stub_server import StubServer

KEEP_HEADERS = {"content-type", "accept"}


def keep_few_headers(request: object) -> object:
    """Cassettes keep no credential and no machine details: only what matching and replay need."""
    headers = request.headers  # type: ignore[attr-defined]
    for name in list(headers):
        if name.lower() not in KEEP_HEADERS:
            del headers[name]
    return request


def recorder() -> vcr.VCR:
    return vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode="all",
        match_on=["method", "path", "body"],
        filter_headers=["authorization"],
        before_record_request=keep_few_headers,
        decode_compressed_response=True,
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "names", nargs="*", help="scenarios to record (default: all that the target can)"
    )
    p.add_argument(
        "--base-url", help="a real OpenAI-compatible endpoint instead of the scripted server"
    )
    args = p.parse_args(argv)
    chosen = [s for s in SCENARIOS if not args.names or s.name in args.names]
    if args.base_url:
        chosen = [s for s in chosen if s.real]
        key = os.environ.get("OPENAI_API_KEY")
        if not key:
            p.error("--base-url needs OPENAI_API_KEY")
    from .scenarios import run

    for scenario in chosen:
        path = f"{scenario.name}.yaml"
        (CASSETTES / path).unlink(missing_ok=True)  # "all" would keep the old interactions too
        if args.base_url:
            client = OpenAIClient(Endpoint(base_url=args.base_url, api_key=key or "", local=False))
            with recorder().use_cassette(path):
                out, _ = run(scenario, client)
        else:
            with StubServer(scenario.replies) as server:
                client = OpenAIClient(
                    Endpoint(base_url=server.base_url, api_key="sk-test-not-a-real-key", local=True)
                )
                with recorder().use_cassette(path):
                    out, _ = run(scenario, client)
        print(f"{path}: degraded={out.degraded} calls={out.stats.llm_calls}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
