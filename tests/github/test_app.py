"""``reviewer serve``: signature checks, the bounded queue, installation auth, the same flow as the Action."""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from reviewer.cli import main
from reviewer.github.app import AppConfig, config_from_env, create_app, verify_signature
from reviewer.github.state import embedded

from .conftest import BASE, HEAD, HEAD2, comment_event, pr_event, risky_pr
from .fakegithub import FakeGitHub

SECRET = b"It's a Secret to Everybody"


def sign(body: bytes, secret: bytes = SECRET) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def deliver(
    client: TestClient,
    name: str,
    payload: dict[str, Any],
    *,
    secret: bytes | None = SECRET,
    delivery: str | None = None,
) -> Any:
    """A delivery as GitHub makes it; a new delivery id unless ``delivery`` replays one."""
    body = json.dumps(payload).encode()
    headers = {
        "X-GitHub-Event": name,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "Content-Type": "application/json",
    }
    if secret is not None:
        headers["X-Hub-Signature-256"] = sign(body, secret)
    return client.post("/webhook", content=body, headers=headers)


def wait_idle(app: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while app.state.pool.busy and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not app.state.pool.busy, "the review jobs did not finish"


@pytest.fixture
def app_fake(fake: FakeGitHub, app_key: tuple[str, str]) -> FakeGitHub:
    fake.bot_login = "intent-reviewer[bot]"
    fake.app_public_key = app_key[1]
    return fake


@pytest.fixture
def served(app_fake: FakeGitHub, app_key: tuple[str, str]) -> Iterator[tuple[TestClient, Any]]:
    """The App with real installation auth (PyGithub's GithubIntegration) against the fake."""
    app = create_app(
        AppConfig(
            secret=SECRET, app_id=app_fake.app_id, private_key=app_key[0], api_url=app_fake.url
        )
    )
    with TestClient(app) as client:
        yield client, app


def test_signature_is_constant_time_hmac_over_the_raw_body() -> None:
    body = b'{"zen": "Keep it logically awesome."}'
    assert verify_signature(SECRET, body, sign(body))
    assert not verify_signature(SECRET, body + b" ", sign(body))
    assert not verify_signature(SECRET, body, None)
    assert not verify_signature(
        SECRET, body, "sha1=" + hmac.new(SECRET, body, hashlib.sha1).hexdigest()
    )
    assert not verify_signature(SECRET, body, "sha256=ünïcode")


def test_unsigned_or_wrongly_signed_deliveries_are_refused(
    served: tuple[TestClient, Any], app_fake: FakeGitHub
) -> None:
    client, _ = served
    risky_pr(app_fake)
    payload = pr_event(app_fake)
    assert deliver(client, "pull_request", payload, secret=None).status_code == 401
    assert deliver(client, "pull_request", payload, secret=b"wrong").status_code == 401
    assert app_fake.log == []
    assert deliver(client, "ping", {"zen": "hi"}).json() == {"ok": "pong"}
    assert client.get("/healthz").json()["ok"] is True
    assert deliver(client, "push", {}).status_code == 202


def test_opened_then_answers_through_the_app(
    served: tuple[TestClient, Any], app_fake: FakeGitHub
) -> None:
    client, app = served
    risky_pr(app_fake)
    assert deliver(client, "pull_request", pr_event(app_fake)).status_code == 202
    wait_idle(app)
    (bot,) = app_fake.bot_comments(2)
    assert bot["user"]["login"] == "intent-reviewer[bot]" and embedded(bot["body"])
    run = app_fake.check_runs[-1]
    assert run["conclusion"] == "action_required"
    assert any(a["path"] == "infra/main.tf" for a in run["output"].get("annotations", []))
    assert any(s.path == "/app/installations/1/access_tokens" for s in app_fake.log)
    assert all(
        s.headers["authorization"] == "token ghs_installation1"
        for s in app_fake.log
        if s.path.startswith("/repos/")
    )

    state = json.loads(embedded(bot["body"]).split(":", 2)[2].removesuffix(":end-state"))  # type: ignore[union-attr]
    assert state["alg"] == "hmac-sha256", (
        "the App seals its state with a key derived from its secret"
    )
    answers = "\n".join(
        f"/answer {q} Checked: the final snapshot exists and restores in staging."
        for q in state["state"]["questions"]
    )
    app_fake.permissions["mallory"] = "read"
    outsider = app_fake.post_comment(2, "mallory", answers)
    deliver(client, "issue_comment", comment_event(app_fake, outsider))
    wait_idle(app)
    assert app_fake.check_runs[-1]["conclusion"] == "action_required"
    author = app_fake.post_comment(2, "Codertocat", answers)
    deliver(client, "issue_comment", comment_event(app_fake, author))
    wait_idle(app)
    assert app_fake.check_runs[-1]["conclusion"] == "success"
    assert len([c for c in app_fake.bot_comments(2) if embedded(c["body"])]) == 1


def test_a_burst_is_accepted_whole_and_coalesced(
    app_fake: FakeGitHub, app_key: tuple[str, str]
) -> None:
    """200 deliveries while every worker is busy: all 202, none lost, one review per pull request
    for all the deliveries that waited (GitHub does not redeliver a 503 on its own)."""
    risky_pr(app_fake)
    risky_pr(app_fake, number=3)
    release = threading.Event()
    app_fake.before = lambda method, path: (
        release.wait(300) if path.endswith(("/pulls/2", "/pulls/3")) else None
    )
    app = _app(app_fake, app_key[0], workers=2)
    payloads = [pr_event(app_fake), pr_event(app_fake, number=3)]
    try:
        with TestClient(app) as client:
            codes = [
                deliver(client, "pull_request", payloads[i % 2], delivery=f"burst-{i}").status_code
                for i in range(200)
            ]
            assert codes == [202] * 200
            release.set()
            wait_idle(app, 120)
            counts = app.state.queue.counts()
    finally:
        release.set()
    assert counts == {"queued": 0, "running": 0, "done": 200, "failed": 0}
    reviews = len(app_fake.check_runs)
    assert 2 <= reviews <= 4, f"{reviews} reviews for 200 deliveries of 2 pull requests"
    assert len(app_fake.bot_comments(2)) == 1 and len(app_fake.bot_comments(3)) == 1, (
        "jobs for the same pull request never race each other"
    )


def test_shutdown_puts_running_jobs_back_and_a_restart_reviews_them(
    app_fake: FakeGitHub, app_key: tuple[str, str], tmp_path: Any
) -> None:
    risky_pr(app_fake)
    db = tmp_path / "deliveries.sqlite3"
    stuck = threading.Event()
    app_fake.before = lambda method, path: stuck.wait(30) if path.endswith("/pulls/2") else None
    app = _app(app_fake, app_key[0], deliveries_db=db, shutdown_grace=0.2)
    try:
        with TestClient(app) as client:
            for _ in range(30):
                assert deliver(client, "pull_request", pr_event(app_fake)).status_code == 202
            deadline = time.monotonic() + 20
            while not app.state.queue.counts()["running"] and time.monotonic() < deadline:
                time.sleep(0.01)
        # the lifespan ended with a review still waiting on GitHub: it was put back
        assert app.state.pool.put_back == 1
    finally:
        stuck.set()
    assert app_fake.check_runs == []
    app = _app(app_fake, app_key[0], deliveries_db=db)
    with TestClient(app) as client:
        wait_idle(app)
        counts = app.state.queue.counts()
    assert counts["done"] == 30 and counts["failed"] == 0
    assert 1 <= len(app_fake.check_runs) <= 2


def test_a_rate_limited_installation_does_not_stall_the_others(
    app_fake: FakeGitHub, app_key: tuple[str, str]
) -> None:
    from .fakegithub import Fault

    risky_pr(app_fake)
    risky_pr(app_fake, number=3)
    reset = str(int(time.time()) + 3600)
    app_fake.faults.append(
        Fault(
            "GET",
            r"/issues/2/comments$",
            403,
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset},
            "API rate limit exceeded for installation ID 1.",
        )
    )
    other = pr_event(app_fake, number=3)
    other["installation"]["id"] = 2
    app = _app(app_fake, app_key[0], workers=1)
    with TestClient(app) as client:
        deliver(client, "pull_request", pr_event(app_fake), delivery="limited")
        deliver(client, "pull_request", other, delivery="free")
        deadline = time.monotonic() + 30
        while app.state.queue.state("free")[0] != "done" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert app.state.queue.state("free")[0] == "done"
        assert app.state.queue.state("limited") == ("queued", "installation rate limited")
    (run,) = app_fake.check_runs
    assert run["head_sha"] == HEAD
    assert app_fake.bot_comments(3) and not app_fake.bot_comments(2)


def test_installation_tokens_are_cached_until_shortly_before_they_expire(
    served: tuple[TestClient, Any], app_fake: FakeGitHub, app_key: tuple[str, str]
) -> None:
    client, app = served
    risky_pr(app_fake)
    for action in ("opened", "edited", "synchronize"):
        deliver(client, "pull_request", pr_event(app_fake, action=action))
        wait_idle(app)
    tokens = [s for s in app_fake.log if s.path == "/app/installations/1/access_tokens"]
    assert len(tokens) == 1 and len(app_fake.check_runs) == 3

    from reviewer.github.jobs import TOKEN_MARGIN, Installations

    expiry = 4070908800.0  # the fake's 2099-01-01T00:00:00Z
    now = [expiry - TOKEN_MARGIN - 1]
    installs = Installations(app_fake.app_id, app_key[0], app_fake.url, clock=lambda: now[0])
    installs.token(1)
    installs.token(1)
    assert installs.issued == 1
    now[0] = expiry - TOKEN_MARGIN + 1
    installs.token(1)
    assert installs.issued == 2


def test_refuses_to_start_without_a_secret(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "GITHUB_WEBHOOK_SECRET" in err


def test_needs_app_credentials() -> None:
    args = argparse.Namespace(workers=2, queue=16)
    from reviewer.errors import UsageError

    with pytest.raises(UsageError, match="GITHUB_APP_ID"):
        config_from_env(args, {"GITHUB_WEBHOOK_SECRET": "x"})
    conf = config_from_env(
        args, {"GITHUB_WEBHOOK_SECRET": "x", "GITHUB_APP_ID": "1", "GITHUB_APP_PRIVATE_KEY": "k"}
    )
    assert conf.secret == b"x" and conf.api_url == "https://api.github.com"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_runs_under_uvicorn(app_key: tuple[str, str], tmp_path: Any) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update(
        GITHUB_WEBHOOK_SECRET=SECRET.decode(),
        GITHUB_APP_ID="1",
        GITHUB_APP_PRIVATE_KEY=app_key[0],
        GITHUB_API_URL="http://127.0.0.1:9",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "reviewer", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        import httpx

        deadline = time.monotonic() + 30
        health = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health is not None and health.json()["ok"] is True
        body = b"{}"
        refused = httpx.post(
            f"http://127.0.0.1:{port}/webhook", content=body, headers={"X-GitHub-Event": "ping"}
        )
        assert refused.status_code == 401
        ok = httpx.post(
            f"http://127.0.0.1:{port}/webhook",
            content=body,
            headers={"X-GitHub-Event": "ping", "X-Hub-Signature-256": sign(body)},
        )
        assert ok.json() == {"ok": "pong"}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        assert proc.stderr is not None
        proc.stderr.close()


def _app(fake: FakeGitHub, key: str, **kw: Any) -> Any:
    return create_app(
        AppConfig(secret=SECRET, app_id=fake.app_id, private_key=key, api_url=fake.url, **kw)
    )


async def _raw_post(
    app: Any, headers: dict[str, str], chunks: list[bytes], *, hang: bool = False
) -> int:
    """One POST /webhook straight through ASGI: the body arrives as ``chunks``, then ends (or,
    with ``hang``, never does)."""
    import asyncio

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/webhook",
        "raw_path": b"/webhook",
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8080),
    }
    pending = [{"type": "http.request", "body": c, "more_body": True} for c in chunks]

    async def receive() -> dict[str, Any]:
        if pending:
            return pending.pop(0)
        if hang:
            await asyncio.Event().wait()
        return {"type": "http.request", "body": b"", "more_body": False}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await asyncio.wait_for(app(scope, receive, send), 20)
    return int(next(m["status"] for m in sent if m["type"] == "http.response.start"))


def test_a_body_without_a_length_is_refused_unread(
    app_fake: FakeGitHub, app_key: tuple[str, str]
) -> None:
    body = b'{"zen": "hi"}'
    headers = {"X-GitHub-Event": "ping", "X-Hub-Signature-256": sign(body)}
    with TestClient(_app(app_fake, app_key[0])) as client:
        chunked = client.post("/webhook", content=iter([body]), headers=headers)
        assert chunked.status_code == 411


def test_a_body_longer_than_declared_or_allowed_is_cut_off(
    app_fake: FakeGitHub, app_key: tuple[str, str]
) -> None:
    import asyncio

    app = _app(app_fake, app_key[0], max_body=1000)
    body = b'{"zen": "' + b"x" * 2000 + b'"}'
    headers = {"X-GitHub-Event": "ping", "X-Hub-Signature-256": sign(body)}
    lying = {**headers, "Content-Length": "20"}
    assert asyncio.run(_raw_post(app, lying, [body[:10], body[10:]])) == 413
    honest = {**headers, "Content-Length": str(len(body))}
    assert asyncio.run(_raw_post(app, honest, [body])) == 413


def test_a_body_that_never_arrives_times_out(
    app_fake: FakeGitHub, app_key: tuple[str, str]
) -> None:
    import asyncio

    app = _app(app_fake, app_key[0], body_timeout=0.05)
    headers = {"X-GitHub-Event": "ping", "Content-Length": "100"}
    assert asyncio.run(_raw_post(app, headers, [b"{"], hang=True)) == 408


def test_deeply_nested_json_with_a_valid_signature_is_accepted_then_dropped(
    served: tuple[TestClient, Any],
) -> None:
    """The handler does not parse bodies (a worker does): a signed body is queued, and a worker
    drops one that is not usable JSON."""
    client, app = served
    body = b"[" * 200_000 + b"]" * 200_000
    headers = {
        "X-GitHub-Event": "pull_request",
        "X-GitHub-Delivery": "deep",
        "X-Hub-Signature-256": sign(body),
    }
    assert client.post("/webhook", content=body, headers=headers).status_code == 202
    wait_idle(app)
    assert app.state.queue.state("deep") == ("done", "ignored: the body is not usable JSON")


def test_a_replayed_delivery_is_reviewed_once_also_after_a_restart(
    app_fake: FakeGitHub, app_key: tuple[str, str], tmp_path: Any
) -> None:
    risky_pr(app_fake)
    db = tmp_path / "data" / "deliveries.sqlite3"
    payload = pr_event(app_fake)
    for _ in range(2):  # two processes, one after the other, sharing the file
        app = _app(app_fake, app_key[0], deliveries_db=db)
        with TestClient(app) as client:
            for _ in range(2):
                answer = deliver(client, "pull_request", payload, delivery="d-same")
                assert answer.status_code == 202
            wait_idle(app)
    assert len(app_fake.check_runs) == 1, "the same delivery id is reviewed once"
    assert db.exists()
    app = _app(app_fake, app_key[0], deliveries_db=db)
    with TestClient(app) as client:
        deliver(client, "pull_request", payload, delivery="d-other")
        wait_idle(app)
    assert len(app_fake.check_runs) == 2, "a new delivery is reviewed"


def test_the_deliveries_file_lives_in_the_data_dir_unless_named() -> None:
    args = argparse.Namespace(workers=2, queue=16)
    env = {
        "GITHUB_WEBHOOK_SECRET": "x",
        "GITHUB_APP_ID": "1",
        "GITHUB_APP_PRIVATE_KEY": "k",
        "XDG_DATA_HOME": "/srv/data",
    }
    conf = config_from_env(args, env)
    assert str(conf.deliveries_db) == "/srv/data/intent-reviewer/deliveries.sqlite3"
    conf = config_from_env(args, {**env, "REVIEWER_DATA_DIR": "/var/lib/reviewer"})
    assert str(conf.deliveries_db) == "/var/lib/reviewer/deliveries.sqlite3"
    named = argparse.Namespace(workers=2, queue=16, deliveries_db="/tmp/d.db", data_dir=None)
    assert str(config_from_env(named, env).deliveries_db) == "/tmp/d.db"


def test_replaying_a_signoff_delivery_after_a_push_does_not_sign_off_the_new_head(
    served: tuple[TestClient, Any], app_fake: FakeGitHub
) -> None:
    client, app = served
    app_fake.contents[(BASE, ".reviewer.toml")] = b'senior_reviewers = ["alice"]\n'
    app_fake.permissions["alice"] = "write"
    pr = risky_pr(app_fake, labels=["ai-assisted"])
    deliver(client, "pull_request", pr_event(app_fake))
    wait_idle(app)
    (bot,) = app_fake.bot_comments(2)
    state = json.loads(embedded(bot["body"]).split(":", 2)[2].removesuffix(":end-state"))  # type: ignore[union-attr]
    answers = "\n".join(
        f"/answer {q} Checked: the final snapshot exists and restores in staging."
        for q in state["state"]["questions"]
    )
    deliver(
        client,
        "issue_comment",
        comment_event(app_fake, app_fake.post_comment(2, "Codertocat", answers)),
    )
    signoff = comment_event(app_fake, app_fake.post_comment(2, "alice", "/signoff"))
    deliver(client, "issue_comment", signoff, delivery="d-signoff")
    wait_idle(app)
    assert app_fake.check_runs[-1]["conclusion"] == "success"

    pr.head_sha = HEAD2
    deliver(client, "pull_request", pr_event(app_fake, action="synchronize"))
    wait_idle(app)
    assert app_fake.check_runs[-1]["conclusion"] == "action_required"
    replay = deliver(client, "issue_comment", signoff, delivery="d-signoff")
    assert "ignored" in replay.json()
    deliver(client, "issue_comment", signoff)  # even as a new delivery: written for the old head
    wait_idle(app)
    assert app_fake.check_runs[-1]["head_sha"] == HEAD2
    assert app_fake.check_runs[-1]["conclusion"] == "action_required"


def test_the_app_edits_only_its_own_comment(
    served: tuple[TestClient, Any], app_fake: FakeGitHub
) -> None:
    client, app = served
    risky_pr(app_fake)
    deliver(client, "pull_request", pr_event(app_fake))
    wait_idle(app)
    (ours,) = app_fake.bot_comments(2)
    app_fake.comments.clear()
    theirs = app_fake.post_comment(2, "github-actions[bot]", ours["body"], user_type="Bot")
    deliver(client, "pull_request", pr_event(app_fake, action="synchronize"))
    wait_idle(app)
    assert next(c for c in app_fake.comments if c["id"] == theirs["id"])["body"] == ours["body"]
    mine = [c for c in app_fake.comments if c["user"]["login"] == "intent-reviewer[bot]"]
    assert len(mine) == 1 and embedded(mine[0]["body"])


def test_a_worker_needs_redis(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", "x")
    monkeypatch.setenv("GITHUB_APP_ID", "1")
    monkeypatch.setenv("GITHUB_APP_PRIVATE_KEY", "k")
    monkeypatch.delenv("REVIEWER_REDIS_URL", raising=False)
    assert main(["worker"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "REVIEWER_REDIS_URL" in err
