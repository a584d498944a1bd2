"""A small diff is scoped in two processes: the split, the wire format, and every way the child
can fail, which must all give what one process gives."""

from __future__ import annotations

import os

import pytest

import reviewer.scope as scope_mod
from reviewer.diff import parse_diff
from reviewer.models import FileScope, Signal, Symbol
from reviewer.scope import (
    FIRST_USE,
    FORK_MIN_WORK,
    PARENT_WORK,
    ScopeJob,
    _can_fork,
    _from_wire,
    _halves,
    _to_wire,
    build_scope,
    scope_file,
    start_scope,
)
from tests.helpers import DictBlobs, git_diff


def _change(n: int) -> tuple[dict[str, str], dict[str, str], str]:
    """Python, Go and Terraform files, each with ``n`` changed functions or resources."""
    old: dict[str, str] = {}
    new: dict[str, str] = {}
    for i in range(2):
        path = f"svc{i}/handlers.py"
        old[path] = "".join(f"def handler_{j}(request):\n    return {j}\n\n\n" for j in range(n))
        new[path] = "".join(
            f"def handler_{j}(request, extra=None):\n    return {j} * 2\n\n\n" for j in range(n)
        )
    old["pkg/server.go"] = "package pkg\n\n" + "".join(
        f"func Handle{j}(x int) int {{\n\treturn x + {j}\n}}\n\n" for j in range(n)
    )
    new["pkg/server.go"] = old["pkg/server.go"].replace("x +", "x -")
    old["infra/main.tf"] = "".join(
        f'resource "aws_s3_bucket" "b{j}" {{\n  bucket = "bucket-{j}"\n}}\n\n' for j in range(n)
    )
    new["infra/main.tf"] = old["infra/main.tf"].replace('bucket = "', 'bucket = "new-')
    text = "".join(git_diff(path, old[path], new[path]) for path in sorted(old))
    return old, new, text


@pytest.fixture
def change() -> tuple[DictBlobs, str]:
    old, new, text = _change(30)
    return DictBlobs(old, new), text


def _serial(diff_text: str, blobs: DictBlobs | None) -> tuple[FileScope, ...]:
    diff = parse_diff(diff_text)
    return tuple(scope_file(fd, blobs) for fd in diff.files)


def _scope_forked(diff_text: str, blobs: DictBlobs | None) -> tuple[FileScope, ...]:
    """The change scoped by a forked child and this process, split as ``_halves`` splits it."""
    files = parse_diff(diff_text).files
    halves = _halves(files)
    assert halves is not None
    with ScopeJob(files, blobs, 1) as job:
        job.fork(*halves)
        return job.result().files


def test_halves_keep_a_language_on_one_side_and_balance_the_work(
    change: tuple[DictBlobs, str],
) -> None:
    _, text = change
    files = parse_diff(text).files
    halves = _halves(files)
    assert halves is not None
    mine, theirs = halves
    assert sorted(mine + theirs) == list(range(len(files)))
    langs = [{files[i].path.rsplit(".", 1)[1] for i in side} for side in halves]
    assert not langs[0] & langs[1]
    assert "py" in langs[0] or "py" in langs[1]
    # both Python files go together, so that the grammar and query are loaded once
    py_side = 0 if "py" in langs[0] else 1
    assert {files[i].path for i in halves[py_side]} >= {"svc0/handlers.py", "svc1/handlers.py"}
    # the child (second) gets the heavier side: this process has other work meanwhile
    work = [sum(files[i].additions + files[i].deletions for i in side) for side in halves]
    assert work[0] <= work[1] + FIRST_USE


def test_one_language_is_shared_out_when_it_is_most_of_the_work() -> None:
    _, _, text = _change(30)
    py_only = tuple(fd for fd in parse_diff(text).files if fd.path.endswith(".py"))
    halves = _halves(py_only)
    assert halves == ([0], [1])  # both sides load Python: still half the wall time


def test_no_split_for_little_work() -> None:
    _, _, small = _change(2)
    files = parse_diff(small).files
    work = sum(fd.additions + fd.deletions for fd in files) + FIRST_USE * 3
    assert work < 2 * FORK_MIN_WORK
    assert _halves(files) is None


def test_this_process_takes_less_as_it_has_other_work_meanwhile() -> None:
    # ten files of one language, forty changed lines each: four here, six in the child
    diff = "".join(
        git_diff(
            f"m{i}.py",
            "".join(f"x{j} = {j}\n" for j in range(20)),
            "".join(f"x{j} = {j + 1}\n" for j in range(20)),
        )
        for i in range(10)
    )
    files = parse_diff(diff).files
    assert all(fd.additions + fd.deletions == 40 for fd in files)
    halves = _halves(files)
    assert halves is not None
    mine, theirs = halves
    assert (len(mine), len(theirs)) == (4, 6)
    assert PARENT_WORK + FIRST_USE + 40 * len(mine) <= FIRST_USE + 40 * len(theirs) + 40


def test_forked_scope_equals_one_process(change: tuple[DictBlobs, str]) -> None:
    blobs, text = change
    forked = _scope_forked(text, blobs)
    assert forked == _serial(text, blobs)
    assert [fs.mode for fs in forked] == ["full"] * len(forked)
    assert sum(len(fs.symbols) for fs in forked) >= 4 * 30
    # hunk mode too
    assert _scope_forked(text, None) == _serial(text, None)


def test_build_scope_forks_a_small_multi_language_diff(
    change: tuple[DictBlobs, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blobs, text = change
    forks: list[int] = []
    real_fork = os.fork

    def counting_fork() -> int:
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(scope_mod, "_can_fork", lambda: True)
    monkeypatch.setattr(os, "fork", counting_fork)
    scope = build_scope(parse_diff(text), blobs=blobs)
    assert forks == [1]
    assert scope.files == _serial(text, blobs)
    # jobs=1 keeps one process
    forks.clear()
    assert build_scope(parse_diff(text), blobs=blobs, jobs=1).files == scope.files
    assert forks == []


def test_a_child_that_dies_is_replaced_by_this_process(
    change: tuple[DictBlobs, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blobs, text = change
    parent = os.getpid()
    real = scope_mod.scope_file

    def dying(fd, source=None):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            os._exit(7)
        return real(fd, source)

    monkeypatch.setattr(scope_mod, "scope_file", dying)
    assert _scope_forked(text, blobs) == _serial(text, blobs)


def test_a_child_that_sends_garbage_is_replaced(
    change: tuple[DictBlobs, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blobs, text = change
    monkeypatch.setattr(scope_mod, "_to_wire", lambda fs: object())  # marshal cannot carry it
    assert _scope_forked(text, blobs) == _serial(text, blobs)


def test_an_analyzer_error_in_strict_mode_surfaces_in_the_parent(
    change: tuple[DictBlobs, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blobs, text = change
    real = scope_mod.scope_file

    def broken(fd, source=None):  # type: ignore[no-untyped-def]
        if fd.path.endswith(".go"):
            raise RuntimeError("analyzer bug")
        return real(fd, source)

    monkeypatch.setattr(scope_mod, "scope_file", broken)
    with pytest.raises(RuntimeError, match="analyzer bug"):
        _scope_forked(text, blobs)


def test_wire_format_round_trips_every_field() -> None:
    fs = FileScope(
        path="a b/ü.py",
        old_path="old.py",
        status="renamed",
        language="python",
        role="code",
        symbols=(
            Symbol("function", "f", "renamed", 3, "g", True),
            Symbol("class", "C", "added", None, None, None),
        ),
        signals=(Signal("public_api", "code.public_renamed", "renames", 3, "new", "f", "high"),),
        additions=4,
        deletions=2,
        mode="full",
        notes=("a note",),
        cosmetic="comments",
        similarity=88,
    )
    assert _from_wire(_to_wire(fs)) == fs


def test_no_fork_while_threads_run() -> None:
    import threading

    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert not _can_fork()
    finally:
        stop.set()
        worker.join()


def test_work_meanwhile_then_result_and_a_cancelled_child_is_reaped(
    change: tuple[DictBlobs, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blobs, text = change
    monkeypatch.setattr(scope_mod, "_can_fork", lambda: True)
    with start_scope(parse_diff(text), blobs=blobs) as job:
        pid = job._pid
        assert pid is not None  # the child is at work while this process does other things
        done = job.result()
    assert done.files == _serial(text, blobs)
    with start_scope(parse_diff(text), blobs=blobs) as job:
        pid = job._pid
        assert pid is not None
    # leaving without result(): the child is stopped and collected, nothing is left behind
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)


def test_no_process_to_spare_means_one_process(
    change: tuple[DictBlobs, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blobs, text = change

    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(scope_mod, "_can_fork", lambda: True)
    monkeypatch.setattr(os, "fork", refused)
    before = len(os.listdir("/proc/self/fd"))
    assert build_scope(parse_diff(text), blobs=blobs).files == _serial(text, blobs)
    assert len(os.listdir("/proc/self/fd")) == before  # the pipe is not left open
