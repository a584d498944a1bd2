"""The App past one machine: ``reviewer serve --redis`` receives, two ``reviewer worker``
processes review, through Dramatiq on a real ``redis-server`` (started by ``.ci/run``, or here)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from reviewer.github.app import AppConfig, create_app
from reviewer.github.jobs import Job

from .conftest import pr_event, risky_pr
from .fakegithub import FakeGitHub
from .test_app import SECRET, deliver

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    url = os.environ.get("REVIEWER_TEST_REDIS_URL")
    if url:
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the Redis tests: .ci/run installs and starts redis-server")
        pytest.skip("no redis-server binary here (apt-get install redis-server); CI runs these")
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--dir", tmp],
            stdout=subprocess.DEVNULL,
        )
        try:
            import redis

            client = redis.Redis(port=port)
            deadline = time.monotonic() + 20
            while True:
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise
                    time.sleep(0.05)
            client.close()
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            proc.terminate()
            proc.wait(10)


@pytest.fixture
def redis_db(redis_url: str) -> str:
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()
    return redis_url


def _start_workers(
    n: int, fake: FakeGitHub, key: str, url: str, logs: Path
) -> list[subprocess.Popen[bytes]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "OPENAI_"))}
    env.update(
        GITHUB_WEBHOOK_SECRET=SECRET.decode(),
        GITHUB_APP_ID=fake.app_id,
        GITHUB_APP_PRIVATE_KEY=key,
        GITHUB_API_URL=fake.url,
        REVIEWER_REDIS_URL=url,
    )
    return [
        subprocess.Popen(
            [sys.executable, "-m", "reviewer", "worker", "--workers", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(logs / f"worker-{i}.log").open("wb"),
        )
        for i in range(n)
    ]


def _stop(procs: list[subprocess.Popen[bytes]]) -> list[int | None]:
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    codes: list[int | None] = []
    for p in procs:
        try:
            codes.append(p.wait(30))
        except subprocess.TimeoutExpired:
            p.kill()
            codes.append(p.wait())
    return codes


def test_serve_receives_and_two_workers_review_every_delivery(
    redis_db: str, fake: FakeGitHub, app_key: tuple[str, str], tmp_path: Path
) -> None:
    fake.bot_login = "intent-reviewer[bot]"
    fake.app_public_key = app_key[1]
    risky_pr(fake)
    risky_pr(fake, number=3)
    app = create_app(
        AppConfig(
            secret=SECRET,
            app_id=fake.app_id,
            private_key=app_key[0],
            api_url=fake.url,
            redis_url=redis_db,
        )
    )
    assert app.state.pool is None, "with Redis, the server only receives"
    queue: Any = app.state.queue
    workers = _start_workers(2, fake, app_key[0], redis_db, tmp_path)
    ids = [f"d-{i}" for i in range(60)]
    try:
        with TestClient(app) as client:
            payloads = [pr_event(fake), pr_event(fake, number=3)]
            codes = [
                deliver(client, "pull_request", payloads[i % 2], delivery=d).status_code
                for i, d in enumerate(ids)
            ]
            assert codes == [202] * len(ids)
            replay = deliver(client, "pull_request", payloads[0], delivery=ids[0])
            assert "ignored" in replay.json()
            # a job written straight into Redis, not signed with the webhook secret: dropped
            queue.enqueue(Job("forged", "pull_request", b"{}", "sha256=" + "0" * 64, 10**6))
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                states = [queue.state(d) for d in ids]
                if all(s == "done" for s in states) and queue.counts()["queued"] == 0:
                    break
                assert all(p.poll() is None for p in workers), "a worker died"
                time.sleep(0.1)
            assert [queue.state(d) for d in ids] == ["done"] * len(ids)
            assert client.get("/healthz").json()["queue"] == "redis"
    finally:
        codes = _stop(workers)
    logs = "".join(p.read_text() for p in tmp_path.glob("worker-*.log"))
    assert codes == [0, 0], logs
    assert "bad signature in the queue" in logs
    assert len(fake.bot_comments(2)) == 1 and len(fake.bot_comments(3)) == 1
    reviews = len(fake.check_runs)
    assert 2 <= reviews < len(ids), f"{reviews} reviews for {len(ids)} deliveries"
    assert "coalesced" in logs


def test_a_backtest_goes_through_the_workers_of_the_queue(
    fake: FakeGitHub, app_key: tuple[str, str], redis_db: str, tmp_path: Path
) -> None:
    """``reviewer backtest --redis``: the same results as a local run, from a worker process."""
    from reviewer.history.backtest import run_changes
    from reviewer.history.changes import list_changes

    from ..conftest import Repo

    repo = Repo(tmp_path / "project")
    repo.write("infra/main.tf", 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n')
    repo.commit("Initial import")
    repo.write("README.md", "# Project\n")
    repo.commit("docs: add a README (#1)")
    repo.write("infra/main.tf", "")
    repo.commit("Fix typo in README (#2)")
    tasks = [(c.sha, None, None) for c in list_changes(str(repo.path))]
    local = run_changes(str(repo.path), tasks)
    workers = _start_workers(1, fake, app_key[0], redis_db, tmp_path)
    try:
        remote = run_changes(str(repo.path), tasks, redis_url=redis_db)
    finally:
        _stop(workers)

    def stable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in r.items() if k != "elapsed_ms"} for r in rows]

    assert stable(remote) == stable(local)
    assert [r["blocked"] for r in remote] == [False, False, True]  # the unstated deletion
