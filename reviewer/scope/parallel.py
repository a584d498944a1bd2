"""A large diff scoped by a pool of worker processes (the CLI's choice for 400 files and more).

The work is handed to the workers explicitly, through the pool's initializer, never through a
module global of the caller; and the pool is never forked while another thread is alive (a lock
held by that thread would be copied into the children), so a server reviewing two pull requests at
once scopes each in its own thread, serially.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import TYPE_CHECKING

from ..models import Diff, FileDiff, FileScope, Scope
from . import build_scope, prefetch, scope_file, whole_scope

if TYPE_CHECKING:
    from . import BlobSource

#: below this many files one process is faster than starting workers
PARALLEL_MIN_FILES = 400

#: the files and contents of the scope this worker process helps with (set in each worker only)
_worker_work: tuple[tuple[FileDiff, ...], BlobSource | None] | None = None


def workers_for(n_files: int, jobs: int | None = None) -> int:
    """How many processes to use: ``jobs`` when given; one below ``PARALLEL_MIN_FILES``, off
    Linux, with ``REVIEWER_JOBS=1``, or while another thread is alive."""
    if jobs is not None:
        return max(1, jobs) if threading.active_count() == 1 else 1
    if (
        n_files < PARALLEL_MIN_FILES
        or sys.platform != "linux"
        or os.environ.get("REVIEWER_JOBS") == "1"
        or threading.active_count() > 1
    ):
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 8))


def build_scope_parallel(
    diff: Diff, *, blobs: BlobSource | None = None, jobs: int | None = None
) -> Scope:
    """The same scope as :func:`reviewer.scope.build_scope`, over ``workers_for`` processes."""
    files = diff.files
    workers = workers_for(len(files), jobs)
    if workers <= 1:
        return build_scope(diff, blobs=blobs)
    source = prefetch(files, blobs) if blobs is not None else None
    import multiprocessing

    ctx = multiprocessing.get_context("fork")  # the workers inherit the loaded grammars
    with ctx.Pool(workers, initializer=_take_work, initargs=(files, source)) as pool:
        parts = pool.map(_scope_range, _chunks(len(files), workers * 4), chunksize=1)
    return whole_scope(tuple(fs for part in parts for fs in part), files, source)


def _take_work(files: tuple[FileDiff, ...], source: BlobSource | None) -> None:
    global _worker_work
    _worker_work = (files, source)
    # Ctrl-C reaches the whole process group: the parent stops the pool and says so once; a
    # worker that raised KeyboardInterrupt itself would leave the pool waiting for it
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _scope_range(bounds: tuple[int, int]) -> list[FileScope]:
    assert _worker_work is not None, "a worker scopes only what its pool gave it"
    files, source = _worker_work
    return [scope_file(fd, source) for fd in files[bounds[0] : bounds[1]]]


def _chunks(n: int, parts: int) -> list[tuple[int, int]]:
    size = max(1, -(-n // parts))
    return [(i, min(n, i + size)) for i in range(0, n, size)]
