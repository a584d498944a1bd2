"""A second, independent check of every request shape the reviewer sends: Stoplight Prism, serving
GitHub's REST description (the trimmed copy in data/openapi.json), validates each request recorded by
the fake during the Action and App flows.

Prism comes from npm (``@stoplight/prism-cli``). Locally the test is skipped when Prism is missing; in
CI (``CI`` set) a missing Prism is a failure: ``.ci/run`` installs it and sets ``PRISM_BIN``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import DATA, Runner, pr_event, review_event
from .fakegithub import FakeGitHub
from .test_flow import ai_pr, answer_all, say

ROOT = Path(__file__).resolve().parents[2]


def prism_bin() -> str | None:
    for candidate in (
        os.environ.get("PRISM_BIN"),
        shutil.which("prism"),
        str(ROOT / "node_modules/.bin/prism"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="module")
def prism() -> Iterator[str]:
    binary = prism_bin()
    if binary is None:
        message = "Prism is not installed (npm install @stoplight/prism-cli@5.16.0; set PRISM_BIN)"
        if os.environ.get("CI"):
            pytest.fail(message + ": CI must install it")
        pytest.skip(message)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [binary, "mock", "-h", "127.0.0.1", "-p", str(port), str(DATA / "openapi.json")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/user", headers={"Accept": "application/json"}, timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("Prism did not start")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def violations(prism: str, seen: Any) -> list[str]:
    import httpx

    query = "&".join(f"{k}={v}" for k, values in seen.query.items() for v in values)
    headers = {
        "Accept": "application/json",
        "Authorization": seen.headers.get("authorization", "token x"),
    }
    if seen.body:
        headers["Content-Type"] = "application/json"
    path = seen.raw_path
    if "/contents/" in path:
        # GitHub wants the file path's slashes as they are (an encoded %2F can 404), but an OpenAPI path
        # parameter is one segment: encode them for Prism only
        head, _, rest = path.partition("/contents/")
        path = f"{head}/contents/{rest.replace('/', '%2F')}"
    r = httpx.request(
        seen.method,
        f"{prism}{path}{'?' + query if query else ''}",
        content=seen.body,
        headers=headers,
        timeout=10,
    )
    # Prism also reports its own example responses that drift from the schemas: only requests count here
    found = [
        v["message"]
        for v in json.loads(r.headers.get("sl-violations", "[]"))
        if v.get("severity") == "Error" and v.get("location", [""])[0] == "request"
    ]
    if r.status_code in (404, 405) and not found:
        found = [f"{r.status_code}: {r.text[:200]}"]
    return [f"{seen.method} {seen.raw_path}: {m}" for m in found]


def test_every_request_of_the_flows_is_valid_for_prism(
    prism: str, fake: FakeGitHub, runner: Runner
) -> None:
    pr = ai_pr(fake)
    fake.teams[("acme", "leads")] = {"carol"}
    fake.contents[(pr.base_sha, ".reviewer.toml")] = b'senior_reviewers = ["alice", "acme/leads"]\n'
    fake.contents[(pr.head_sha, "app/cost.py")] = b'def label():\n    return "Cost Explorer"\n'
    fake.user = "review-bot"
    runner.run("pull_request", pr_event(fake))
    answer_all(fake, runner)
    say(fake, runner, "bob", "/signoff")
    say(fake, runner, "Codertocat", "/answer Q0000000 nothing to see here")
    review = fake.add_review(2, "carol", "APPROVED", pr.head_sha)
    runner.run("pull_request_review", review_event(fake, review))
    fake.checks_allowed = False
    runner.run("pull_request", pr_event(fake, action="synchronize"))
    fake.read_only = True
    runner.run("pull_request", pr_event(fake, action="synchronize"))

    kinds = {(s.method, s.path.split("/")[-1] if s.method != "GET" else s.path) for s in fake.log}
    assert len(kinds) >= 10
    unique: dict[tuple[str, str, str, bytes | None], Any] = {}
    for s in fake.log:
        unique.setdefault((s.method, s.raw_path, json.dumps(s.query, sort_keys=True), s.body), s)
    problems = [p for s in unique.values() for p in violations(prism, s)]
    assert not problems, "\n".join(problems)


def test_prism_rejects_what_github_would(prism: str) -> None:
    """The checker checks: a misspelt body field and an unknown path are reported."""
    from .fakegithub import Seen

    bad_body = Seen(
        "POST",
        "/repos/o/r/issues/2/comments",
        {},
        b'{"bodyy": "x"}',
        {},
        raw_path="/repos/o/r/issues/2/comments",
    )
    bad_path = Seen(
        "GET", "/repos/o/r/pulls/2/filez", {}, None, {}, raw_path="/repos/o/r/pulls/2/filez"
    )
    bad_query = Seen(
        "GET",
        "/repos/o/r/pulls/2/files",
        {"per_page": ["many"]},
        None,
        {},
        raw_path="/repos/o/r/pulls/2/files",
    )
    assert (
        violations(prism, bad_body) and violations(prism, bad_path) and violations(prism, bad_query)
    )


def test_the_app_requests_are_valid_for_prism(
    prism: str, fake: FakeGitHub, app_key: tuple[str, str]
) -> None:
    from starlette.testclient import TestClient

    from reviewer.github.app import AppConfig, create_app

    from .conftest import risky_pr
    from .test_app import SECRET, deliver, wait_idle

    fake.bot_login, fake.app_public_key = "intent-reviewer[bot]", app_key[1]
    risky_pr(fake)
    app = create_app(
        AppConfig(secret=SECRET, app_id=fake.app_id, private_key=app_key[0], api_url=fake.url)
    )
    with TestClient(app) as client:
        deliver(client, "pull_request", pr_event(fake))
        wait_idle(app)
    assert {"/app", "/app/installations/1/access_tokens"} <= {s.path for s in fake.log}
    problems = [p for s in fake.log for p in violations(prism, s)]
    assert not problems, "\n".join(problems)
