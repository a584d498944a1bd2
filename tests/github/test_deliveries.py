"""The embedded queue: durable across restarts, one job per delivery id, bounded retries."""

from __future__ import annotations

from pathlib import Path

from reviewer.github.deliveries import Deliveries
from reviewer.github.jobs import MAX_ATTEMPTS, Result


def test_a_job_running_when_the_process_stopped_is_queued_again(tmp_path: Path) -> None:
    db = tmp_path / "q.sqlite3"
    q = Deliveries(db)
    assert q.accept("d1", "pull_request", b"{}", "sha256=x")
    job = q.take()
    assert job is not None and job.body == b"{}" and job.signature == "sha256=x"
    q.close()  # a crash: the job never settled
    q = Deliveries(db)
    assert q.counts()["queued"] == 1
    again = q.take()
    assert again is not None and again.delivery == "d1" and again.seq == job.seq
    q.close()


def test_a_redelivery_is_queued_once_and_again_only_after_it_failed() -> None:
    now = [1000.0]
    q = Deliveries(None, clock=lambda: now[0])
    assert q.accept("d1", "pull_request", b"{}", "s")
    assert not q.accept("d1", "pull_request", b"{}", "s"), "queued: not twice"
    for attempt in range(1, MAX_ATTEMPTS + 1):
        job = q.take()
        assert job is not None and job.attempts == attempt - 1
        assert not q.accept("d1", "pull_request", b"{}", "s"), "running or waiting to retry"
        state = q.settle(job, Result("retry", note="boom"))
        now[0] += 3600  # past any retry delay
        assert state == ("failed" if attempt == MAX_ATTEMPTS else "queued")
    assert q.state("d1") == ("failed", "boom")
    assert q.accept("d1", "pull_request", b"{}", "s"), "a redelivery of a failed job is new work"
    job = q.take()
    assert job is not None and job.attempts == 0
    q.settle(job, Result("done", note="reviewed"))
    assert not q.accept("d1", "pull_request", b"{}", "s"), "done: a replay is not reviewed again"


def test_a_job_put_back_later_waits_and_a_busy_pull_request_is_skipped() -> None:
    now = [1000.0]
    q = Deliveries(None, clock=lambda: now[0])
    for d in ("a", "b", "c"):
        q.accept(d, "pull_request", b"{}", "s")
    a = q.take()
    assert a is not None and q.claim("o/r#1", a)
    b = q.take()
    assert b is not None and not q.claim("o/r#1", b)
    q.settle(b, Result("later", at=now[0], key="o/r#1"))
    c = q.take()
    assert c is not None and c.delivery == "c", "b waits while its pull request is reviewed"
    q.settle(c, Result("later", at=now[0] + 60, note="installation rate limited"))
    assert q.take() is None
    q.release("o/r#1", a)
    q.settle(a, Result("done", key="o/r#1"))
    assert (job := q.take()) is not None and job.delivery == "b"
    now[0] += 61
    assert (job := q.take()) is not None and job.delivery == "c"


def test_the_first_version_of_the_file_is_migrated(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "old.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE deliveries (id TEXT PRIMARY KEY, at REAL NOT NULL)")
        conn.execute("INSERT INTO deliveries VALUES ('seen', 1.0)")
    conn.close()
    q = Deliveries(db)
    assert not q.accept("seen", "pull_request", b"{}", "s")
    assert q.accept("new", "pull_request", b"{}", "s")
    q.close()
