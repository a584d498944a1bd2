"""The App's queue past one machine: the same jobs through Dramatiq on Redis.

``reviewer serve --redis URL`` only receives: it records the delivery id and enqueues a Dramatiq
message (JSON: the raw body in base64, its signature, its sequence number). ``reviewer worker``
processes, on any number of machines, consume the queue with worker threads. Dramatiq gives
at-least-once delivery: a message is acknowledged only after its job settles, the messages of a
worker that dies unacknowledged are put back by the other workers (after ``HEARTBEAT_MS``), and a
stopping worker puts back what it fetched but did not start. Retries, coalescing, per-PR locks and
rate-limit pauses are the project's own (jobs.py), in Redis keys under ``NAMESPACE``, so both
queues behave alike.

Redis is trusted to keep jobs, not to invent them: a worker verifies each job's webhook signature
again before acting on it, and Dramatiq messages name an actor, never code to run.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import signal
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .jobs import MAX_ATTEMPTS, Coordinator, Job, QueueUnavailable, Result, Reviewer, retry_delay

if TYPE_CHECKING:
    from .app import AppConfig

log = logging.getLogger("intent_reviewer.app")

NAMESPACE = "intent-reviewer"
QUEUE = "reviews"
ACTOR = "review_delivery"
#: a worker silent this long is dead: its unacknowledged jobs go back to the queue
HEARTBEAT_MS = 30_000
#: how long a delivery id is remembered (GitHub redelivers only recent deliveries)
KEEP_S = 30 * 24 * 3600
#: a per-PR lock outlives a crashed worker by at most this long
LOCK_MS = 15 * 60 * 1000
MAX_ID_CHARS = 200

# claim a delivery id (unless it is queued, running or done) and number it, atomically
_ACCEPT = """
local s = redis.call('GET', KEYS[1])
if s and s ~= 'failed' then return 0 end
local seq = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], 'queued', 'EX', ARGV[1])
return seq
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_MAX = """
local c = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > c then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
return 0
"""


def _key(*parts: object) -> str:
    return ":".join((NAMESPACE, *(str(p) for p in parts)))


class RedisQueue:
    """The server's queue and the workers' :class:`~reviewer.github.jobs.Coordinator`."""

    def __init__(self, url: str, *, clock: Callable[[], float] = time.time) -> None:
        import redis
        from dramatiq.brokers.redis import RedisBroker

        self._redis_error = redis.RedisError
        self._clock = clock
        self.client = redis.Redis.from_url(url)
        self.broker = RedisBroker(  # type: ignore[no-untyped-call]
            client=self.client,
            namespace=NAMESPACE,
            heartbeat_timeout=HEARTBEAT_MS,
            # dead workers' messages are looked for on 1 in 20 fetches, not 1 in 1000
            maintenance_chance=50_000,
        )
        self.broker.declare_queue(QUEUE)
        self._accept = self.client.register_script(_ACCEPT)
        self._release = self.client.register_script(_RELEASE)
        self._max = self.client.register_script(_MAX)

    # --- the server's side -----------------------------------------------------------------

    def accept(self, delivery: str, name: str, body: bytes, signature: str) -> bool:
        delivery = delivery[:MAX_ID_CHARS]
        key = _key("delivery", delivery)
        try:
            seq = int(self._accept(keys=[key, _key("seq")], args=[KEEP_S]))
            if not seq:
                return False
            self.enqueue(Job(delivery, name, body, signature, seq))
        except self._redis_error as exc:
            with contextlib.suppress(self._redis_error):
                self.client.delete(key)
            raise QueueUnavailable(f"Redis: {exc}") from exc
        return True

    def enqueue(self, job: Job, *, delay: float = 0.0) -> None:
        import dramatiq

        message: dramatiq.Message[Any] = dramatiq.Message(
            queue_name=QUEUE,
            actor_name=ACTOR,
            args=(
                job.delivery,
                job.name,
                base64.b64encode(job.body).decode("ascii"),
                job.signature,
                job.seq,
                job.attempts,
            ),
            kwargs={},
            # retries are ours (jobs.py), the same for both queues
            options={"max_retries": 0},
        )
        ms = int(delay * 1000)
        self.broker.enqueue(message, delay=ms if ms > 0 else None)

    def counts(self) -> dict[str, int]:
        try:
            queued = int(self.client.hlen(_key(f"{QUEUE}.msgs")))
            delayed = int(self.client.hlen(_key(f"{QUEUE}.DQ.msgs")))
        except self._redis_error:
            return {"queued": -1}
        return {"queued": queued + delayed}

    def close(self) -> None:
        self.broker.close()

    # --- the workers' side -----------------------------------------------------------------

    def settle(self, job: Job, result: Result) -> str:
        """Record how a job ended, and queue it again when it must run again."""
        now = self._clock()
        if result.kind == "later":
            self.enqueue(job, delay=max(0.0, result.at - now))
            return "queued"
        if result.kind == "retry":
            attempts = job.attempts + 1
            if attempts < MAX_ATTEMPTS:
                self.enqueue(
                    Job(job.delivery, job.name, job.body, job.signature, job.seq, attempts),
                    delay=retry_delay(attempts),
                )
                return "queued"
            state = "failed"
        else:
            state = "done"
        self.client.set(_key("delivery", job.delivery), state, ex=KEEP_S)
        return state

    def state(self, delivery: str) -> str | None:
        value = self.client.get(_key("delivery", delivery[:MAX_ID_CHARS]))
        if value is None:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)

    # --- Coordinator -----------------------------------------------------------------------

    def claim(self, key: str, job: Job) -> bool:
        return bool(self.client.set(_key("lock", key), job.seq, nx=True, px=LOCK_MS))

    def release(self, key: str, job: Job) -> None:
        self._release(keys=[_key("lock", key)], args=[job.seq])

    def reviewed(self, key: str) -> int:
        return int(self.client.get(_key("reviewed", key)) or 0)

    def mark_reviewed(self, key: str, seq: int) -> None:
        self._max(keys=[_key("reviewed", key)], args=[seq, KEEP_S])

    def latest(self) -> int:
        return int(self.client.get(_key("seq")) or 0)

    def limited(self, installation: int) -> float:
        return float(self.client.get(_key("limited", installation)) or 0.0)

    def limit(self, installation: int, until: float) -> None:
        ms = int((until - self._clock()) * 1000)
        if ms > 0:
            self.client.set(_key("limited", installation), until, px=ms)


def work(
    config: AppConfig,
    build: Callable[[AppConfig, Coordinator], Reviewer],
    *,
    stop: threading.Event | None = None,
) -> int:
    """Run ``config.workers`` worker threads until ``stop`` (or SIGTERM/SIGINT) is set; then give
    running jobs ``config.shutdown_grace`` seconds and put back everything not started."""
    import dramatiq

    assert config.redis_url
    queue = RedisQueue(config.redis_url)
    reviewer = build(config, queue)

    def review_delivery(
        delivery: str, name: str, body: str, signature: str, seq: int, attempts: int = 0
    ) -> None:
        job = Job(delivery, name, base64.b64decode(body), signature, seq, attempts)
        result = reviewer.handle(job)
        state = queue.settle(job, result)
        log.info("delivery %s: %s (%s)", delivery, result.note, state)

    dramatiq.actor(broker=queue.broker, actor_name=ACTOR, queue_name=QUEUE, max_retries=0)(
        review_delivery
    )
    # the same workers run backtest jobs (``reviewer backtest --redis``)
    from ..history.queue import register

    register(queue.broker, queue.client)
    if stop is None:
        stop = threading.Event()

        def on_signal(signum: int, frame: Any) -> None:
            assert stop is not None
            stop.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
    worker = dramatiq.Worker(queue.broker, worker_threads=config.workers, worker_timeout=200)
    worker.start()
    log.info(
        "reviewing jobs from %s with %d thread(s)", _safe_url(config.redis_url), config.workers
    )
    try:
        while not stop.wait(1.0):
            pass
    finally:
        worker.stop(timeout=int(config.shutdown_grace * 1000))
        queue.close()
    return 0


def _safe_url(url: str) -> str:
    """The URL without its password, for the log."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}{parts.path}"
