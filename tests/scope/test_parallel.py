"""A large diff over a pool of processes: the same scope as one process, work passed explicitly,
and never a fork while another thread is alive (two reviews at once in a server)."""

from __future__ import annotations

import threading

import pytest

import reviewer.scope.parallel as parallel
from reviewer.diff import parse_diff
from reviewer.scope import build_scope
from tests.helpers import DictBlobs, git_diff


def _change(tag: str, n: int) -> tuple[DictBlobs, str]:
    """``n`` Python and Terraform files whose names carry ``tag``."""
    old: dict[str, str] = {}
    new: dict[str, str] = {}
    for i in range(n):
        py = f"{tag}/svc{i}/handlers.py"
        old[py] = f"def handler_{tag}_{i}(request):\n    return {i}\n"
        new[py] = f"def handler_{tag}_{i}(request, extra=None):\n    return {i} * 2\n"
        tf = f"{tag}/infra{i}/main.tf"
        old[tf] = f'resource "aws_s3_bucket" "{tag}{i}" {{\n  bucket = "b-{i}"\n}}\n'
        new[tf] = old[tf].replace('"b-', '"new-b-')
    text = "".join(git_diff(p, old[p], new[p]) for p in sorted(old))
    return DictBlobs(old, new), text


def test_the_pool_gives_what_one_process_gives() -> None:
    blobs, text = _change("a", 40)
    diff = parse_diff(text)
    serial = build_scope(diff, blobs=blobs)
    pooled = parallel.build_scope_parallel(diff, blobs=blobs, jobs=2)
    assert pooled == serial
    assert parallel._worker_work is None  # the caller's module state is never the channel


def test_small_diffs_and_threads_stay_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parallel.workers_for(10) == 1
    monkeypatch.setattr("sys.platform", "linux")  # the same sys as parallel's
    started = threading.Event()
    stop = threading.Event()

    def busy() -> None:
        started.set()
        stop.wait(10)

    t = threading.Thread(target=busy)
    t.start()
    try:
        started.wait(5)
        assert parallel.workers_for(5000) == 1
        assert parallel.workers_for(5000, jobs=4) == 1
    finally:
        stop.set()
        t.join()
    monkeypatch.setenv("REVIEWER_JOBS", "1")
    assert parallel.workers_for(5000) == 1


def test_two_large_reviews_at_once_each_get_their_own_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 10)
    changes = {tag: _change(tag, 30) for tag in ("left", "right")}
    results: dict[str, list[str]] = {}
    errors: list[BaseException] = []

    def review(tag: str) -> None:
        try:
            blobs, text = changes[tag]
            scope = parallel.build_scope_parallel(parse_diff(text), blobs=blobs)
            results[tag] = [fs.path for fs in scope.files]
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=review, args=(tag,)) for tag in changes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    for tag, paths in results.items():
        assert len(paths) == 60 and all(p.startswith(f"{tag}/") for p in paths)
