"""``reviewer serve``: the GitHub App webhook server (Starlette on uvicorn).

The review state lives in the sticky comment; the server's only file is the record of deliveries
already accepted (deliveries.py). A delivery must declare its length (at most ``MAX_BODY``); its
body is read with a running cap and a time limit, then verified (``X-Hub-Signature-256``,
HMAC-SHA256 over the raw body, compared in constant time), parsed, claimed by its
``X-GitHub-Delivery`` id (a replay is acknowledged and not reviewed again), and queued for a
bounded pool of worker threads; a full queue answers 503. Jobs for the same pull request run one
at a time within a process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import os
import queue
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from ..errors import GitHubError, UsageError
from ..record import field, record
from . import event as events
from .deliveries import Deliveries
from .flow import Settings, details, run
from .state import seal_key

log = logging.getLogger("intent_reviewer.app")
MAX_BODY = 25 * 1024 * 1024  # GitHub caps payloads at 25 MB
#: seconds a delivery's body may take to arrive (GitHub itself gives up on us after 10 s)
BODY_TIMEOUT = 30.0
DELIVERIES_FILE = "deliveries.sqlite3"

Job = Callable[[], None]


def verify_signature(secret: bytes, body: bytes, header: str | None) -> bool:
    if not header or not header.startswith("sha256="):
        return False
    want = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(want.encode("ascii"), header.strip().encode("ascii", "replace"))


class Pool:
    """N worker threads over a bounded queue."""

    def __init__(self, workers: int, limit: int) -> None:
        self._queue: queue.Queue[Job | None] = queue.Queue(maxsize=max(limit, 1))
        self._threads = [
            threading.Thread(target=self._work, name=f"review-{i}", daemon=True)
            for i in range(max(workers, 1))
        ]
        self._locks: dict[tuple[str, int], threading.Lock] = {}
        self._guard = threading.Lock()
        self.started = False

    def start(self) -> None:
        if not self.started:
            self.started = True
            for t in self._threads:
                t.start()

    def stop(self, timeout: float = 30.0) -> None:
        if not self.started:
            return
        for _ in self._threads:
            self._queue.put(None)
        for t in self._threads:
            t.join(timeout)
        self.started = False

    def submit(self, key: tuple[str, int], job: Job) -> bool:
        def locked() -> None:
            with self._guard:
                lock = self._locks.setdefault(key, threading.Lock())
            with lock:
                job()

        try:
            self._queue.put_nowait(locked)
        except queue.Full:
            return False
        return True

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    @property
    def busy(self) -> int:
        """Jobs queued or running."""
        return self._queue.unfinished_tasks

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            try:
                if job is None:
                    return
                job()
            except Exception:  # a bad delivery must not kill the worker
                log.exception("review job failed")
            finally:
                self._queue.task_done()


@record(frozen=False, slots=False)
class AppConfig:
    secret: bytes
    app_id: str
    private_key: str
    api_url: str = "https://api.github.com"
    workers: int = 2
    queue: int = 16
    inline_comments: int = 10
    llm: bool = False
    bot_logins: frozenset[str] = field(default_factory=frozenset)
    max_body: int = MAX_BODY
    body_timeout: float = BODY_TIMEOUT
    #: the SQLite file of deliveries already accepted; None keeps the record in memory only
    #: (``reviewer serve`` always gives a file: ``--deliveries-db``, default in ``--data-dir``)
    deliveries_db: Path | None = None


class Installations:
    """Clients authenticated as an installation, through PyGithub's App integration."""

    def __init__(self, config: AppConfig) -> None:
        from github import Auth, GithubIntegration

        from .api import THROTTLE

        self._integration = GithubIntegration(
            auth=Auth.AppAuth(config.app_id, config.private_key),
            base_url=config.api_url.rstrip("/"),
            retry=None,
            seconds_between_requests=THROTTLE[0],
            seconds_between_writes=THROTTLE[1],
        )
        self._slug: str | None = None

    def client(self, installation_id: int) -> Any:
        from .api import Client

        return Client(self._integration.get_github_for_installation(installation_id))

    def bot_login(self) -> str | None:
        if self._slug is None:
            try:
                self._slug = str(self._integration.get_app().slug)
            except (
                Exception
            ) as exc:  # any PyGithub/requests error: the Bot type still identifies us
                log.warning("cannot read the App's slug: %s", exc)
                return None
        return f"{self._slug}[bot]"


def create_app(config: AppConfig) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import ClientDisconnect, Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    pool = Pool(config.workers, config.queue)
    installs = Installations(config)
    deliveries = Deliveries(config.deliveries_db)
    settings = Settings(
        inline_comments=config.inline_comments,
        llm=config.llm,
        state_key=seal_key(config.secret.decode("utf-8", "surrogateescape")),
        check_annotations=True,
        bot_logins=config.bot_logins,
        server_url=_server_url(config.api_url),
    )

    def job_for(ev: events.Event) -> Job:
        def job() -> None:
            assert ev.installation_id is not None
            bot = installs.bot_login()
            if bot is None:
                # without our own login we cannot tell our comment from another bot's copy of it
                log.warning("%s #%s: not reviewed: the App's slug is unknown", ev.repo, ev.number)
                return
            client = installs.client(ev.installation_id)
            mine = _with_bots(settings, bot)
            try:
                outcome = run(client, ev, mine)
                if not outcome.skipped:
                    from .publish import Publisher

                    Publisher(client, outcome, mine).all()
                log.info(
                    "%s #%s %s.%s: %s",
                    ev.repo,
                    ev.number,
                    ev.name,
                    ev.action,
                    json.dumps(details(outcome)),
                )
            except GitHubError as exc:
                log.warning("%s #%s: %s", ev.repo, ev.number, exc)
            finally:
                client.close()

        return job

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
        if not verify_signature(config.secret, body, request.headers.get("x-hub-signature-256")):
            return JSONResponse({"error": "bad or missing X-Hub-Signature-256"}, status_code=401)
        name = request.headers.get("x-github-event", "")
        if name == "ping":
            return JSONResponse({"ok": "pong"})
        if name not in events.EVENTS:
            return JSONResponse({"ignored": f"event {name!r}"}, status_code=202)
        try:
            ev = events.parse(name, json.loads(body))
        except (ValueError, RecursionError):  # RecursionError: nested deeper than Python parses
            return JSONResponse({"error": "the body is not usable JSON"}, status_code=400)
        except GitHubError as exc:
            return JSONResponse({"ignored": str(exc)}, status_code=202)
        if not ev.relevant:
            return JSONResponse({"ignored": f"{name}.{ev.action}"}, status_code=202)
        if ev.installation_id is None:
            return JSONResponse({"error": "the payload names no installation"}, status_code=400)
        delivery = request.headers.get("x-github-delivery", "").strip()
        if not delivery:
            return JSONResponse({"error": "no X-GitHub-Delivery"}, status_code=400)
        if not deliveries.claim(delivery):
            return JSONResponse(
                {"ignored": f"delivery {delivery} was accepted before"}, status_code=202
            )
        if not pool.submit((ev.repo, ev.number), job_for(ev)):
            deliveries.release(delivery)
            return JSONResponse(
                {"error": "busy, retry later"}, status_code=503, headers={"Retry-After": "30"}
            )
        return JSONResponse({"queued": f"{ev.repo}#{ev.number}"}, status_code=202)

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse(
            {"ok": True, "queued": pool.pending, "busy": pool.busy, "workers": config.workers}
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        pool.start()
        try:
            yield
        finally:
            pool.stop()
            deliveries.close()

    app = Starlette(
        routes=[
            Route("/webhook", webhook, methods=["POST"]),
            Route("/", webhook, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.pool = pool
    app.state.deliveries = deliveries
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
    if args.workers < 1 or args.queue < 1:
        raise UsageError("--workers and --queue must be at least 1")
    data_dir = Path(
        getattr(args, "data_dir", None) or env.get("REVIEWER_DATA_DIR") or default_data_dir(env)
    )
    db = getattr(args, "deliveries_db", None) or env.get("REVIEWER_DELIVERIES_DB")
    return AppConfig(
        secret=secret.encode("utf-8"),
        app_id=app_id,
        private_key=key,
        api_url=env.get("GITHUB_API_URL") or "https://api.github.com",
        workers=args.workers,
        queue=args.queue,
        llm=bool(env.get("OPENAI_API_KEY", "").strip() or env.get("OPENAI_BASE_URL", "").strip()),
        deliveries_db=Path(db) if db else data_dir / DELIVERIES_FILE,
    )


def default_data_dir(env: dict[str, str]) -> Path:
    """``$XDG_DATA_HOME/intent-reviewer``, ``~/.local/share/intent-reviewer`` by default."""
    base = env.get("XDG_DATA_HOME") or str(
        Path(env.get("HOME") or Path.home()) / ".local" / "share"
    )
    return Path(base) / "intent-reviewer"


def serve(args: argparse.Namespace) -> int:
    config = config_from_env(args, dict(os.environ))
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
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="info")
    return 0
