"""The App's embedded, durable queue: every accepted webhook delivery and its job, in SQLite.

A delivery is written (raw body and signature, in one transaction with its id) before the server
answers 202, so a restart loses nothing: jobs that were running when a process stopped are queued
again when the file is next opened. A delivery's state is ``queued``, ``running``, ``done`` or
``failed`` (``MAX_ATTEMPTS`` failures). Its ``X-GitHub-Delivery`` id (kept by GitHub when a
delivery is redelivered) says "this event again": a redelivery of a queued, running or done
delivery is acknowledged and not queued twice; a redelivery of a failed one is queued anew. Ids
older than ``KEEP_S`` are forgotten: GitHub redelivers only recent deliveries.

One process uses a file at a time (its workers are threads); it also serves as that process's
:class:`~reviewer.github.jobs.Coordinator`: which pull request is being reviewed (in memory),
and the sequence number each pull request was last reviewed at (in the file).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .jobs import MAX_ATTEMPTS, Job, Result, retry_delay

KEEP_S = 30 * 24 * 3600
#: forget old ids once per this many deliveries (a DELETE on every request is wasted work)
PRUNE_EVERY = 500
MAX_ID_CHARS = 200
STATES = ("queued", "running", "done", "failed")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    body BLOB,
    signature TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before REAL NOT NULL DEFAULT 0,
    key TEXT,
    note TEXT NOT NULL DEFAULT '',
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_ready ON jobs (state, not_before);
CREATE TABLE IF NOT EXISTS reviewed (key TEXT PRIMARY KEY, seq INTEGER NOT NULL, at REAL NOT NULL);
"""


class Deliveries:
    def __init__(self, path: Path | None, *, clock: Callable[[], float] = time.time) -> None:
        """``path`` None keeps the queue in memory (one process, until it stops: for tests)."""
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._lock = threading.Lock()
        self._accepted = 0
        self._closed = False
        self._claims: dict[str, int] = {}
        self._limits: dict[int, float] = {}
        # one connection, used under the lock: each statement is a few microseconds
        self._db = sqlite3.connect(
            ":memory:" if path is None else str(path), timeout=10.0, check_same_thread=False
        )
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            # a 202 promises the delivery is kept: commit to the disk, not to the OS's cache
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
            self._migrate()
            # jobs of a process that stopped while running them
            self._db.execute("UPDATE jobs SET state = 'queued' WHERE state = 'running'")

    def _migrate(self) -> None:
        """The first version kept ids only (``deliveries``): they become done jobs."""
        old = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'deliveries'"
        ).fetchone()
        if old:
            self._db.execute(
                "INSERT OR IGNORE INTO jobs (delivery, name, state, at) "
                "SELECT id, '', 'done', at FROM deliveries"
            )
            self._db.execute("DROP TABLE deliveries")

    # --- the server's side -----------------------------------------------------------------

    def accept(self, delivery: str, name: str, body: bytes, signature: str) -> bool:
        """Queue a delivery; False when it is a redelivery of one queued, running or done."""
        now = self._clock()
        delivery = delivery[:MAX_ID_CHARS]
        with self._lock, self._db:
            self._accepted += 1
            if self._accepted % PRUNE_EVERY == 0:
                self._db.execute(
                    "DELETE FROM jobs WHERE state IN ('done', 'failed') AND at < ?",
                    (now - KEEP_S,),
                )
                self._db.execute("DELETE FROM reviewed WHERE at < ?", (now - KEEP_S,))
            row = self._db.execute(
                "SELECT state FROM jobs WHERE delivery = ?", (delivery,)
            ).fetchone()
            if row is not None and row[0] != "failed":
                return False
            if row is not None:  # given up before: a redelivery is a new job
                self._db.execute("DELETE FROM jobs WHERE delivery = ?", (delivery,))
            self._db.execute(
                "INSERT INTO jobs (delivery, name, body, signature, state, at) "
                "VALUES (?, ?, ?, ?, 'queued', ?)",
                (delivery, name, body, signature, now),
            )
            return True

    # --- the workers' side -----------------------------------------------------------------

    def take(self) -> Job | None:
        """The oldest job that is due and whose pull request nobody is reviewing, now running."""
        now = self._clock()
        with self._lock, self._db:
            if self._closed:
                return None
            row = self._db.execute(
                "SELECT seq, delivery, name, body, signature, attempts FROM jobs "
                "WHERE state = 'queued' AND not_before <= ? AND (key IS NULL OR key NOT IN "
                "(SELECT key FROM jobs WHERE state = 'running' AND key IS NOT NULL)) "
                "ORDER BY seq LIMIT 1",
                (now,),
            ).fetchone()
            if row is None:
                return None
            self._db.execute("UPDATE jobs SET state = 'running' WHERE seq = ?", (row[0],))
        return Job(
            delivery=row[1],
            name=row[2],
            body=bytes(row[3] or b""),
            signature=row[4],
            seq=row[0],
            attempts=row[5],
        )

    def settle(self, job: Job, result: Result) -> str:
        """Record how a job ended; returns its new state."""
        now = self._clock()
        if result.kind == "done":
            state, attempts, due = "done", job.attempts, now
        elif result.kind == "later":
            state, attempts, due = "queued", job.attempts, result.at
        else:
            attempts = job.attempts + 1
            state = "failed" if attempts >= MAX_ATTEMPTS else "queued"
            due = now + retry_delay(attempts)
        with self._lock, self._db:
            if self._closed:
                return state
            keep_body = state == "queued"
            self._db.execute(
                "UPDATE jobs SET state = ?, attempts = ?, not_before = ?, "
                "key = COALESCE(?, key), note = ?, at = ?"
                + ("" if keep_body else ", body = NULL")
                + " WHERE seq = ?",
                (state, attempts, due, result.key, result.note[:500], now, job.seq),
            )
        return state

    def put_back(self, job: Job) -> None:
        """A running job that will not finish here (shutdown): queued again, no attempt counted."""
        with self._lock, self._db:
            if not self._closed:
                self._db.execute(
                    "UPDATE jobs SET state = 'queued' WHERE seq = ? AND state = 'running'",
                    (job.seq,),
                )

    def next_due(self) -> float | None:
        """When the earliest queued job becomes due (epoch seconds), or None."""
        with self._lock:
            if self._closed:
                return None
            row = self._db.execute(
                "SELECT MIN(not_before) FROM jobs WHERE state = 'queued'"
            ).fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def counts(self) -> dict[str, int]:
        with self._lock:
            if self._closed:
                return dict.fromkeys(STATES, 0)
            rows = self._db.execute("SELECT state, COUNT(*) FROM jobs GROUP BY state").fetchall()
        return {**dict.fromkeys(STATES, 0), **{str(s): int(n) for s, n in rows}}

    def state(self, delivery: str) -> tuple[str, str] | None:
        """(state, note) of a delivery, or None when unknown."""
        with self._lock:
            row = self._db.execute(
                "SELECT state, note FROM jobs WHERE delivery = ?", (delivery[:MAX_ID_CHARS],)
            ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]))

    # --- Coordinator -----------------------------------------------------------------------

    def claim(self, key: str, job: Job) -> bool:
        with self._lock:
            holder = self._claims.setdefault(key, job.seq)
            if holder == job.seq and not self._closed:
                with self._db:
                    self._db.execute("UPDATE jobs SET key = ? WHERE seq = ?", (key, job.seq))
            return holder == job.seq

    def release(self, key: str, job: Job) -> None:
        with self._lock:
            if self._claims.get(key) == job.seq:
                del self._claims[key]

    def reviewed(self, key: str) -> int:
        with self._lock:
            if self._closed:
                return 0
            row = self._db.execute("SELECT seq FROM reviewed WHERE key = ?", (key,)).fetchone()
        return int(row[0]) if row else 0

    def mark_reviewed(self, key: str, seq: int) -> None:
        with self._lock, self._db:
            if not self._closed:
                self._db.execute(
                    "INSERT INTO reviewed (key, seq, at) VALUES (?, ?, ?) ON CONFLICT (key) "
                    "DO UPDATE SET seq = MAX(seq, excluded.seq), at = excluded.at",
                    (key, seq, self._clock()),
                )

    def latest(self) -> int:
        with self._lock:
            if self._closed:
                return 0
            row = self._db.execute("SELECT MAX(seq) FROM jobs").fetchone()
        return int(row[0] or 0)

    def limited(self, installation: int) -> float:
        with self._lock:
            return self._limits.get(installation, 0.0)

    def limit(self, installation: int, until: float) -> None:
        with self._lock:
            self._limits[installation] = max(until, self._limits.get(installation, 0.0))

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._db.close()
