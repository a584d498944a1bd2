"""Backtests past one machine: each change a job on the App's Redis queue (Dramatiq).

``reviewer backtest --redis URL`` sends one message per (change, policy) to the ``backtests``
queue and collects the results from a Redis list; the ``reviewer worker`` processes that review
the App's deliveries run ``backtest_change`` for them too. The repository must be at the same path
on every worker's machine (a shared volume or a clone at that path): a job names a path and a
commit, never code. Results come back in the order the changes were sent.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import ReviewerError

NAMESPACE = "intent-reviewer"
QUEUE = "backtests"
ACTOR = "backtest_change"
#: results wait this long for their collector, then expire
RESULTS_TTL_S = 24 * 3600


def _results_key(run: str) -> str:
    return f"{NAMESPACE}:backtest:{run}"


def register(broker: Any, client: Any) -> None:
    """Make this worker run backtest jobs too (called by ``reviewer worker``)."""
    import dramatiq

    from .change_review import backtest_change

    def run_backtest(
        run: str, index: int, repo: str, commit: str, policy: str | None, intent: str | None
    ) -> None:
        result = backtest_change(repo, commit, policy, intent=intent)
        key = _results_key(run)
        client.rpush(key, json.dumps({"i": index, "result": result}))
        client.expire(key, RESULTS_TTL_S)

    broker.declare_queue(QUEUE)
    dramatiq.actor(broker=broker, actor_name=ACTOR, queue_name=QUEUE, max_retries=0)(run_backtest)


def run_remote(
    url: str,
    repo: str,
    tasks: Sequence[tuple[str, str | None, str | None]],
    *,
    timeout: float = 3600.0,
    progress: Callable[[int, int], None] | None = None,
) -> list[dict[str, Any]]:
    """Send every ``(commit, policy, intent)`` task and wait for all the results."""
    import dramatiq
    import redis
    from dramatiq.brokers.redis import RedisBroker

    client = redis.Redis.from_url(url)
    broker = RedisBroker(client=client, namespace=NAMESPACE)  # type: ignore[no-untyped-call]
    broker.declare_queue(QUEUE)
    run = uuid.uuid4().hex
    key = _results_key(run)
    try:
        for i, (commit, policy, intent) in enumerate(tasks):
            broker.enqueue(
                dramatiq.Message(
                    queue_name=QUEUE,
                    actor_name=ACTOR,
                    args=(run, i, repo, commit, policy, intent),
                    kwargs={},
                    options={},
                )
            )
        results: dict[int, dict[str, Any]] = {}
        deadline = time.monotonic() + timeout
        while len(results) < len(tasks):
            left = deadline - time.monotonic()
            if left <= 0:
                raise ReviewerError(
                    f"{len(tasks) - len(results)} of {len(tasks)} backtest results did not arrive "
                    f"in {timeout:.0f} s: are `reviewer worker` processes running on this Redis, "
                    f"with the repository at {repo}?"
                )
            got = client.blpop([key], timeout=max(1, min(5, int(left))))
            if got is None:
                continue
            item = json.loads(got[1])
            results[int(item["i"])] = item["result"]
            if progress:
                progress(len(results), len(tasks))
        return [results[i] for i in range(len(tasks))]
    except redis.RedisError as exc:
        raise ReviewerError(f"Redis: {exc}") from exc
    finally:
        client.delete(key)
        client.close()
