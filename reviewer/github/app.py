"""``reviewer serve``: the GitHub App webhook server (Starlette on uvicorn).

Stateless: all review state lives in the sticky comment, so replicas behind any load balancer are
equivalent. A delivery is verified (``X-Hub-Signature-256``, HMAC-SHA256 over the raw body, compared
in constant time), parsed, and queued for a bounded pool of worker threads; a full queue answers 503
and GitHub redelivers later. Jobs for the same pull request run one at a time within a process.
"""

from __future__ import annotations

import argparse
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
from .flow import Settings, details, run
from .state import seal_key

log = logging.getLogger("intent_reviewer.app")
MAX_BODY = 25 * 1024 * 1024  # GitHub caps payloads at 25 MB

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
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    pool = Pool(config.workers, config.queue)
    installs = Installations(config)
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
            client = installs.client(ev.installation_id)
            bot = installs.bot_login()
            mine = _with_bots(settings, bot) if bot else settings
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

    async def webhook(request: Request) -> JSONResponse:
        size = request.headers.get("content-length")
        if size and size.isdigit() and int(size) > MAX_BODY:
            return JSONResponse({"error": "payload too large"}, status_code=413)
        body = await request.body()
        if not verify_signature(config.secret, body, request.headers.get("x-hub-signature-256")):
            return JSONResponse({"error": "bad or missing X-Hub-Signature-256"}, status_code=401)
        name = request.headers.get("x-github-event", "")
        if name == "ping":
            return JSONResponse({"ok": "pong"})
        if name not in events.EVENTS:
            return JSONResponse({"ignored": f"event {name!r}"}, status_code=202)
        try:
            ev = events.parse(name, json.loads(body))
        except ValueError:
            return JSONResponse({"error": "the body is not JSON"}, status_code=400)
        except GitHubError as exc:
            return JSONResponse({"ignored": str(exc)}, status_code=202)
        if not ev.relevant:
            return JSONResponse({"ignored": f"{name}.{ev.action}"}, status_code=202)
        if ev.installation_id is None:
            return JSONResponse({"error": "the payload names no installation"}, status_code=400)
        if not pool.submit((ev.repo, ev.number), job_for(ev)):
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

    app = Starlette(
        routes=[
            Route("/webhook", webhook, methods=["POST"]),
            Route("/", webhook, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.pool = pool
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
    return AppConfig(
        secret=secret.encode("utf-8"),
        app_id=app_id,
        private_key=key,
        api_url=env.get("GITHUB_API_URL") or "https://api.github.com",
        workers=args.workers,
        queue=args.queue,
        llm=bool(env.get("OPENAI_API_KEY", "").strip() or env.get("OPENAI_BASE_URL", "").strip()),
    )


def serve(args: argparse.Namespace) -> int:
    config = config_from_env(args, dict(os.environ))
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
