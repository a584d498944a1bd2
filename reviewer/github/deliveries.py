"""The App's record of webhook deliveries already accepted (``X-GitHub-Delivery``), in SQLite.

GitHub keeps a delivery's id when it is redelivered (by hand, or through the API), so the id says
"this event again". A delivery is claimed before it is queued and reviewed at most once, also across
restarts and by every process that shares the file. Ids older than ``KEEP_S`` are forgotten: GitHub
redelivers only recent deliveries.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

KEEP_S = 30 * 24 * 3600
#: forget old ids once per this many claims (a DELETE on every request is wasted work)
PRUNE_EVERY = 500
MAX_ID_CHARS = 200


class Deliveries:
    def __init__(self, path: Path | None, *, clock: Callable[[], float] = time.time) -> None:
        """``path`` None keeps the record in memory (one process, until it stops)."""
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._lock = threading.Lock()
        self._claims = 0
        # one connection, used under the lock: claims are a few microseconds each
        self._db = sqlite3.connect(
            ":memory:" if path is None else str(path), timeout=10.0, check_same_thread=False
        )
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS deliveries (id TEXT PRIMARY KEY, at REAL NOT NULL)"
            )

    def claim(self, delivery: str) -> bool:
        """True the first time ``delivery`` is seen; False for a replay."""
        now = self._clock()
        with self._lock, self._db:
            self._claims += 1
            if self._claims % PRUNE_EVERY == 0:
                self._db.execute("DELETE FROM deliveries WHERE at < ?", (now - KEEP_S,))
            cur = self._db.execute(
                "INSERT OR IGNORE INTO deliveries (id, at) VALUES (?, ?)",
                (delivery[:MAX_ID_CHARS], now),
            )
            return cur.rowcount == 1

    def release(self, delivery: str) -> None:
        """Forget a claim whose job was not queued (busy): GitHub may deliver it again."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM deliveries WHERE id = ?", (delivery[:MAX_ID_CHARS],))

    def close(self) -> None:
        with self._lock:
            self._db.close()
