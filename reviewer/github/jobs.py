"""A webhook delivery as a job, and what a worker does with it: verify, parse, coalesce, review.

The server only verifies the signature and writes the raw delivery to a durable queue (SQLite in
deliveries.py, or Redis in redisq.py); everything else happens here, in a worker, whatever the
queue. A job ends in one of three ways (:class:`Result`): ``done`` (reviewed, coalesced into a
review that started after it was accepted, or ignored), ``later`` (its pull request is being
reviewed by another worker, or its installation is rate limited: put back without counting an
attempt) or ``retry`` (a failure: put back with a delay, at most ``MAX_ATTEMPTS`` times).

Coalescing: every accepted delivery gets a sequence number. A review records the newest number
accepted when it started, and reads the pull request as it is then; a waiting job for the same
pull request whose number is not above that is already covered by the review and ends ``done``
without calling GitHub. Comments carrying commands are never coalesced: a ``/signoff`` counts only
from the comment that triggers its run.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Literal, Protocol

from ..errors import GitHubError, ReviewerError
from ..record import record
from . import event as events
from . import slash
from .api import Client, Denied, Invalid, NotFound, RateLimited, RetryPolicy

log = logging.getLogger("intent_reviewer.app")

#: attempts of a failing job before it is given up (then a redelivery is accepted again)
MAX_ATTEMPTS = 4
#: seconds before the 2nd, 3rd, ... attempt
RETRY_DELAYS = (10.0, 60.0, 300.0)
#: a rate limit is waited out inside a job up to this long; a longer one puts the job back, so
#: that the worker goes on with other installations' jobs meanwhile
INLINE_WAIT = 20.0
#: seconds before a job whose pull request is being reviewed elsewhere is looked at again
BUSY_DELAY = 1.0
#: an installation token (valid one hour) is renewed this long before it expires
TOKEN_MARGIN = 300.0


class QueueUnavailable(ReviewerError):
    """The queue cannot keep a delivery (disk full, Redis unreachable): the server answers 503."""


def verify_signature(secret: bytes, body: bytes, header: str | None) -> bool:
    if not header or not header.startswith("sha256="):
        return False
    want = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(want.encode("ascii"), header.strip().encode("ascii", "replace"))


@record
class Job:
    delivery: str
    #: ``X-GitHub-Event``
    name: str
    #: the raw body, exactly as signed
    body: bytes
    #: ``X-Hub-Signature-256``: checked again by the worker (the queue is not trusted)
    signature: str
    #: the order in which deliveries were accepted
    seq: int
    #: failed attempts so far
    attempts: int = 0


@record
class Result:
    kind: Literal["done", "later", "retry"]
    note: str = ""
    #: ``later``: when to look at the job again (epoch seconds)
    at: float = 0.0
    #: the pull request (``owner/repo#number``), once known
    key: str | None = None
    #: ``done``: a review ran for this job
    reviewed: bool = False


def retry_delay(attempts: int) -> float:
    """Seconds before the next attempt of a job that failed ``attempts`` times."""
    return RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]


class Coordinator(Protocol):
    """What the workers of one queue share: who reviews which pull request, what was reviewed
    when, and which installations are rate limited."""

    def claim(self, key: str, job: Job) -> bool: ...
    def release(self, key: str, job: Job) -> None: ...
    def reviewed(self, key: str) -> int: ...
    def mark_reviewed(self, key: str, seq: int) -> None: ...
    def latest(self) -> int: ...
    def limited(self, installation: int) -> float: ...
    def limit(self, installation: int, until: float) -> None: ...


class Installations:
    """Installation tokens, each cached until ``TOKEN_MARGIN`` before it expires (GitHub's
    tokens live an hour; asking for one per job costs a request and the App's own rate limit)."""

    def __init__(
        self,
        app_id: str,
        private_key: str,
        api_url: str,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        from github import Auth, GithubIntegration

        from .api import THROTTLE

        self.api_url = api_url.rstrip("/")
        self._integration = GithubIntegration(
            auth=Auth.AppAuth(app_id, private_key),
            base_url=self.api_url,
            retry=None,
            seconds_between_requests=THROTTLE[0],
            seconds_between_writes=THROTTLE[1],
        )
        self._clock = clock
        self._tokens: dict[int, tuple[str, float]] = {}
        self._lock = threading.Lock()
        self._slug: str | None = None
        #: tokens asked of GitHub (for tests and the log)
        self.issued = 0

    def token(self, installation_id: int) -> str:
        now = self._clock()
        with self._lock:
            cached = self._tokens.get(installation_id)
        if cached is not None and cached[1] - TOKEN_MARGIN > now:
            return cached[0]
        try:
            auth = self._integration.get_access_token(installation_id)
        except Exception as exc:  # PyGithub/requests errors: a failure of this attempt
            raise GitHubError(
                f"cannot get a token for installation {installation_id}: {exc}"
            ) from exc
        expires = auth.expires_at.timestamp() if auth.expires_at is not None else now + 3600
        with self._lock:
            self._tokens[installation_id] = (str(auth.token), expires)
            self.issued += 1
        return str(auth.token)

    def forget(self, installation_id: int) -> None:
        """Drop a token GitHub refused (revoked, or the installation's permissions changed)."""
        with self._lock:
            self._tokens.pop(installation_id, None)

    def client(self, installation_id: int) -> Client:
        return Client.from_token(
            self.token(installation_id), self.api_url, retry=RetryPolicy(budget=INLINE_WAIT)
        )

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


def coalescible(ev: events.Event) -> bool:
    """Whether a review started after this event was accepted covers it: everything but a
    comment with commands, whose sign-off counts only in the run it triggers."""
    return ev.name != "issue_comment" or ev.comment is None or not slash.parse(ev.comment.body)


class Reviewer:
    """Handles one job at a time per calling thread; shared by all worker threads."""

    def __init__(
        self,
        secret: bytes,
        installs: Installations,
        review: Callable[[Client, events.Event], None],
        coordinator: Coordinator,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._secret = secret
        self.installs = installs
        self._review = review
        self._coord = coordinator
        self._clock = clock

    def handle(self, job: Job) -> Result:
        try:
            return self._handle(job)
        except Exception as exc:  # a bug must not kill the worker; the job is tried again
            log.exception("delivery %s: review job failed", job.delivery)
            return Result("retry", note=f"{type(exc).__name__}: {str(exc)[:200]}")

    def _handle(self, job: Job) -> Result:
        if not verify_signature(self._secret, job.body, job.signature):
            log.warning("delivery %s: bad signature in the queue: dropped", job.delivery)
            return Result("done", note="bad signature: dropped")
        try:
            data: Any = json.loads(job.body)
            ev = events.parse(job.name, data)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than Python parses
            return Result("done", note="ignored: the body is not usable JSON")
        except GitHubError as exc:
            return Result("done", note=f"ignored: {exc}")
        if not ev.relevant:
            return Result("done", note=f"ignored: {ev.name}.{ev.action}")
        if ev.installation_id is None:
            return Result("done", note="ignored: the payload names no installation")
        key = f"{ev.repo}#{ev.number}"
        now = self._clock()
        until = self._coord.limited(ev.installation_id)
        if until > now:
            return Result("later", note="installation rate limited", at=until, key=key)
        if coalescible(ev) and self._coord.reviewed(key) >= job.seq:
            return Result("done", note="coalesced into a later review", key=key)
        if not self._coord.claim(key, job):
            return Result("later", note="pull request busy", at=now + BUSY_DELAY, key=key)
        try:
            started = self._coord.latest()
            outcome = self._run(ev, key)
            if outcome.reviewed:
                self._coord.mark_reviewed(key, started)
            return outcome
        except RateLimited as exc:
            self._coord.limit(ev.installation_id, exc.until)
            log.warning("%s: %s; put back", key, exc)
            return Result("later", note="installation rate limited", at=exc.until, key=key)
        finally:
            self._coord.release(key, job)

    def _run(self, ev: events.Event, key: str) -> Result:
        assert ev.installation_id is not None
        try:
            client = self.installs.client(ev.installation_id)
        except GitHubError as exc:
            log.warning("%s: %s", key, exc)
            return Result("retry", note=str(exc), key=key)
        try:
            self._review(client, ev)
        except RateLimited:
            raise
        except (NotFound, Invalid) as exc:  # a deleted PR or repository: trying again won't help
            log.warning("%s: %s", key, exc)
            return Result("done", note=f"not reviewed: {exc}", key=key)
        except Denied as exc:
            if " 401" in str(exc):  # the cached token was revoked: a new one on the next attempt
                self.installs.forget(ev.installation_id)
                return Result("retry", note=str(exc), key=key)
            log.warning("%s: %s", key, exc)
            return Result("done", note=f"not reviewed: {exc}", key=key)
        except GitHubError as exc:
            log.warning("%s: %s", key, exc)
            return Result("retry", note=str(exc), key=key)
        finally:
            client.close()
        return Result("done", note="reviewed", key=key, reviewed=True)
