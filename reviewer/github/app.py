"""``reviewer serve`` and ``reviewer worker``: the GitHub App's webhook server (Starlette on
uvicorn) and its workers.

The server is cheap and never busy: a delivery must declare its length (at most ``MAX_BODY``); its
body is read with a running cap and a time limit, its signature verified (``X-Hub-Signature-256``,
HMAC-SHA256 over the raw body, compared in constant time), and the raw delivery written to a
durable queue before the answer, 202. Parsing, coalescing and reviewing happen in workers
(jobs.py). The queue is an SQLite file with worker threads in the server's process by default
(deliveries.py, :class:`Pool`), or Redis through Dramatiq (redisq.py), where ``reviewer serve``
only receives and ``reviewer worker`` processes on any number of machines review.

SIGTERM stops accepting, gives running jobs ``SHUTDOWN_GRACE`` seconds to finish, puts the
others back in the queue and exits; queued jobs wait in the queue for the next start.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, Protocol

from ..errors import GitHubError, UsageError
from ..record import field, record
from . import event as events
from .deliveries import Deliveries
from .flow import Settings, details, run
from .jobs import (
    Coordinator,
    Installations,
    Job,
    QueueUnavailable,
    Reviewer,
    verify_signature,
)
from .state import seal_key

__all__ = ["AppConfig", "Pool", "config_from_env", "create_app", "serve", "verify_signature"]

log = logging.getLogger("intent_reviewer.app")
MAX_BODY = 25 * 1024 * 1024  # GitHub caps payloads at 25 MB
#: seconds a delivery's body may take to arrive (GitHub itself gives up on us after 10 s)
BODY_TIMEOUT = 30.0
#: seconds running jobs get to finish on SIGTERM before they are put back in the queue
SHUTDOWN_GRACE = 6.0
#: seconds uvicorn waits for open requests on SIGTERM (a delivery is answered in milliseconds)
REQUEST_GRACE = 2.0
DELIVERIES_FILE = "deliveries.sqlite3"


class Queue(Protocol):
    """What the server needs of a queue."""

    def accept(self, delivery: str, name: str, body: bytes, signature: str) -> bool: ...
    def counts(self) -> dict[str, int]: ...
    def close(self) -> None: ...


class Pool:
    """N worker threads over the embedded queue."""

    def __init__(
        self,
        queue: Deliveries,
        reviewer: Reviewer,
        workers: int,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._queue = queue
        self._reviewer = reviewer
        self._clock = clock
        self._threads = [
            threading.Thread(target=self._work, name=f"review-{i}", daemon=True)
            for i in range(max(workers, 1))
        ]
        self._running: dict[int, Job] = {}
        self._guard = threading.Lock()
        self._wake = threading.Condition()
        self._stopping = threading.Event()
        self.started = False
        #: jobs put back at shutdown, for the log and tests
        self.put_back = 0

    def start(self) -> None:
        if not self.started:
            self.started = True
            for t in self._threads:
                t.start()

    def wake(self) -> None:
        with self._wake:
            self._wake.notify_all()

    def stop(self, grace: float = SHUTDOWN_GRACE) -> None:
        """Take no new job; give running ones ``grace`` seconds, then put them back."""
        if not self.started:
            return
        self._stopping.set()
        self.wake()
        deadline = time.monotonic() + grace
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))
        with self._guard:
            left = list(self._running.values())
            self._running.clear()
        for job in left:  # a thread still in a review: the job runs again after a restart
            self._queue.put_back(job)
        self.put_back += len(left)
        if left:
            log.info("shutdown: %d running job(s) put back in the queue", len(left))
        self.started = False

    @property
    def pending(self) -> int:
        return self._queue.counts()["queued"]

    @property
    def busy(self) -> int:
        """Jobs queued or running."""
        counts = self._queue.counts()
        return counts["queued"] + counts["running"]

    def _work(self) -> None:
        while not self._stopping.is_set():
            job = self._queue.take()
            if job is None:
                due = self._queue.next_due()
                wait = 0.5 if due is None else min(0.5, max(0.01, due - self._clock()))
                with self._wake:
                    if not self._stopping.is_set():
                        self._wake.wait(wait)
                continue
            with self._guard:
                self._running[job.seq] = job
            result = self._reviewer.handle(job)
            with self._guard:
                if self._running.pop(job.seq, None) is None:
                    continue  # put back by stop(): it is not ours to settle any more
                self._queue.settle(job, result)
            if result.kind == "done":
                log.info("delivery %s: %s", job.delivery, result.note)
            self.wake()  # a pull request may be free for a waiting job


@record(frozen=False, slots=False)
class AppConfig:
    secret: bytes
    app_id: str
    private_key: str
    api_url: str = "https://api.github.com"
    workers: int = 2
    inline_comments: int = 10
    llm: bool = False
    bot_logins: frozenset[str] = field(default_factory=frozenset)
    max_body: int = MAX_BODY
    body_timeout: float = BODY_TIMEOUT
    #: the SQLite file of the embedded queue (deliveries and their jobs); None keeps it in memory
    #: (``reviewer serve`` always gives a file: ``--deliveries-db``, default in ``--data-dir``)
    deliveries_db: Path | None = None
    #: the SQLite review history each review is recorded in (``--history-db`` or
    #: ``$REVIEWER_HISTORY_DB``); None records nothing
    history_db: str | None = None
    #: a Redis URL: the jobs go to Redis for ``reviewer worker`` processes; the server only receives
    redis_url: str | None = None
    shutdown_grace: float = SHUTDOWN_GRACE


def build_reviewer(config: AppConfig, coordinator: Coordinator) -> Reviewer:
    """What every worker runs: the Action's flow, authenticated as the App's installation."""
    installs = Installations(config.app_id, config.private_key, config.api_url)
    settings = Settings(
        surface="app",
        history_db=config.history_db,
        inline_comments=config.inline_comments,
        llm=config.llm,
        state_key=seal_key(config.secret.decode("utf-8", "surrogateescape")),
        check_annotations=True,
        bot_logins=config.bot_logins,
        server_url=_server_url(config.api_url),
    )

    def review(client: Any, ev: events.Event) -> None:
        bot = installs.bot_login()
        if bot is None:
            # without our own login we cannot tell our comment from another bot's copy of it
            raise GitHubError("the App's slug is unknown (GET /app failed)")
        mine = _with_bots(settings, bot)
        outcome = run(client, ev, mine)
        if not outcome.skipped:
            from .publish import Publisher

            Publisher(client, outcome, mine).all()
        log.info(
            "%s #%s %s.%s: %s", ev.repo, ev.number, ev.name, ev.action, json.dumps(details(outcome))
        )

    return Reviewer(config.secret, installs, review, coordinator)


def _need_queue_extra() -> None:
    try:
        import dramatiq  # noqa: F401
        import redis  # noqa: F401
    except ImportError as exc:
        raise UsageError(
            "--redis needs the queue extra: pip install 'intent-reviewer[github,queue]'"
        ) from exc


def open_queue(config: AppConfig) -> tuple[Queue, Pool | None]:
    if config.redis_url:
        _need_queue_extra()
        from .redisq import RedisQueue

        return RedisQueue(config.redis_url), None
    spool = Deliveries(config.deliveries_db)
    return spool, Pool(spool, build_reviewer(config, spool), config.workers)


def create_app(config: AppConfig) -> Any:
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import ClientDisconnect, Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    queue, pool = open_queue(config)

    async def read_body(request: Request) -> bytes | JSONResponse:
        """The body, read with a running cap and a deadline: nothing unauthenticated is buffered
        beyond what the request declared, and never beyond ``max_body``."""
        size = request.headers.get("content-length", "").strip()
        if not size.isdigit():  # GitHub always sends a length; chunked uploads are refused
            return JSONResponse({"error": "a Content-Length is required"}, status_code=411)
        limit = int(size)
        if limit > config.max_body:
            return JSONResponse({"error": "payload too large"}, status_code=413)

        async def read() -> bytes | None:
            chunks, got = [], 0
            async for chunk in request.stream():
                got += len(chunk)
                if got > limit:
                    return None
                chunks.append(chunk)
            return b"".join(chunks)

        try:
            body = await asyncio.wait_for(read(), config.body_timeout)
        except asyncio.TimeoutError:
            return JSONResponse({"error": "the body took too long"}, status_code=408)
        except ClientDisconnect:
            return JSONResponse({"error": "the client went away"}, status_code=400)
        if body is None:
            return JSONResponse({"error": "payload too large"}, status_code=413)
        return body

    async def webhook(request: Request) -> JSONResponse:
        body = await read_body(request)
        if isinstance(body, JSONResponse):
            return body
        signature = request.headers.get("x-hub-signature-256", "")
        if not verify_signature(config.secret, body, signature):
            return JSONResponse({"error": "bad or missing X-Hub-Signature-256"}, status_code=401)
        name = request.headers.get("x-github-event", "")
        if name == "ping":
            return JSONResponse({"ok": "pong"})
        if name not in events.EVENTS:
            return JSONResponse({"ignored": f"event {name!r}"}, status_code=202)
        delivery = request.headers.get("x-github-delivery", "").strip()
        if not delivery:
            return JSONResponse({"error": "no X-GitHub-Delivery"}, status_code=400)
        try:
            fresh = await run_in_threadpool(queue.accept, delivery, name, body, signature.strip())
        except (QueueUnavailable, sqlite3.Error) as exc:
            # the only 5xx: the queue cannot keep it (disk full, Redis down), never "busy"
            log.error("delivery %s not kept: %s", delivery, exc)
            return JSONResponse(
                {"error": "the queue is unavailable"},
                status_code=503,
                headers={"Retry-After": "60"},
            )
        if not fresh:
            return JSONResponse(
                {"ignored": f"delivery {delivery} was accepted before"}, status_code=202
            )
        if pool is not None:
            pool.wake()
        return JSONResponse({"queued": delivery}, status_code=202)

    async def healthz(request: Request) -> JSONResponse:
        counts = await run_in_threadpool(queue.counts)
        return JSONResponse(
            {
                "ok": True,
                "queue": "redis" if config.redis_url else "sqlite",
                **counts,
                "workers": config.workers if pool is not None else 0,
            }
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        if pool is not None:
            pool.start()
        try:
            yield
        finally:
            if pool is not None:
                await run_in_threadpool(pool.stop, config.shutdown_grace)
            queue.close()

    app = Starlette(
        routes=[
            Route("/webhook", webhook, methods=["POST"]),
            Route("/", webhook, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.pool = pool
    app.state.queue = queue
    return app


def _with_bots(settings: Settings, login: str) -> Settings:
    from ..record import replace

    return replace(settings, bot_logins=settings.bot_logins | {login.lower()})


def _server_url(api_url: str) -> str:
    api = api_url.rstrip("/")
    if api == "https://api.github.com":
        return "https://github.com"
    return api.removesuffix("/api/v3")


def config_from_env(args: argparse.Namespace, env: dict[str, str]) -> AppConfig:
    secret = env.get("GITHUB_WEBHOOK_SECRET", "")
    if not secret.strip():
        raise UsageError("refusing to start without a webhook secret: set GITHUB_WEBHOOK_SECRET")
    app_id = env.get("GITHUB_APP_ID", "").strip()
    key = env.get("GITHUB_APP_PRIVATE_KEY", "")
    key_file = env.get("GITHUB_APP_PRIVATE_KEY_FILE", "")
    if not key and key_file:
        try:
            key = Path(key_file).read_text("utf-8")
        except OSError as exc:
            raise UsageError(
                f"GITHUB_APP_PRIVATE_KEY_FILE {key_file}: cannot read ({exc.strerror or exc})"
            ) from exc
    if not app_id or not key.strip():
        raise UsageError(
            "set GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY (or GITHUB_APP_PRIVATE_KEY_FILE)"
        )
    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    data_dir = Path(
        getattr(args, "data_dir", None) or env.get("REVIEWER_DATA_DIR") or default_data_dir(env)
    )
    db = getattr(args, "deliveries_db", None) or env.get("REVIEWER_DELIVERIES_DB")
    redis_url = (getattr(args, "redis", None) or env.get("REVIEWER_REDIS_URL") or "").strip()
    return AppConfig(
        secret=secret.encode("utf-8"),
        app_id=app_id,
        private_key=key,
        api_url=env.get("GITHUB_API_URL") or "https://api.github.com",
        workers=args.workers,
        llm=bool(env.get("OPENAI_API_KEY", "").strip() or env.get("OPENAI_BASE_URL", "").strip()),
        deliveries_db=Path(db) if db else data_dir / DELIVERIES_FILE,
        redis_url=redis_url or None,
        history_db=(
            getattr(args, "history_db", None) or env.get("REVIEWER_HISTORY_DB") or ""
        ).strip()
        or None,
    )


def default_data_dir(env: dict[str, str]) -> Path:
    """``$XDG_DATA_HOME/intent-reviewer``, ``~/.local/share/intent-reviewer`` by default."""
    base = env.get("XDG_DATA_HOME") or str(
        Path(env.get("HOME") or Path.home()) / ".local" / "share"
    )
    return Path(base) / "intent-reviewer"


def _logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def serve(args: argparse.Namespace) -> int:
    config = config_from_env(args, dict(os.environ))
    if not config.redis_url:
        try:
            assert config.deliveries_db is not None
            config.deliveries_db.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(
                f"cannot create the data directory for {config.deliveries_db}: {exc.strerror or exc}"
            ) from exc
    try:
        import uvicorn
    except ImportError as exc:
        raise UsageError(
            "reviewer serve needs the github extra: pip install 'intent-reviewer[github]'"
        ) from exc
    _logging()
    uvicorn.run(
        create_app(config),
        host=args.host,
        port=args.port,
        log_level="info",
        timeout_graceful_shutdown=int(REQUEST_GRACE),
    )
    return 0


def worker(args: argparse.Namespace) -> int:
    """``reviewer worker``: review jobs from Redis until SIGTERM or Ctrl-C."""
    config = config_from_env(args, dict(os.environ))
    if not config.redis_url:
        raise UsageError("reviewer worker needs a Redis URL: --redis or REVIEWER_REDIS_URL")
    _need_queue_extra()
    from .redisq import work

    _logging()
    return work(config, build_reviewer)
