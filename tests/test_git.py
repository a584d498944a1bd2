"""The git reader: many blobs in few round trips, and nothing malformed ever sent to git."""

from __future__ import annotations

from reviewer import git
from tests.conftest import Repo


def test_blobs_are_read_in_batches_in_order(repo: Repo) -> None:
    repo.write("a.txt", "alpha\n")
    repo.write("b.txt", "beta\n")
    repo.commit("init")
    specs = ["HEAD:a.txt", "HEAD:missing.txt", "HEAD:b.txt", "HEAD:bad\npath"] * 3000
    with git.BlobReader(repo.path) as reader:
        got = reader.read_objects(specs)  # far more than one pipe's worth of requests
        assert got[:4] == [b"alpha\n", None, b"beta\n", None]
        assert got == got[:4] * 3000
        assert reader.read_objects(["a\nb", "c\rd"]) == [None, None]
        assert reader.read("HEAD", "b.txt") == b"beta\n"
        assert reader.read("HEAD", "a\n.txt") is None
        assert reader.read_objects(["HEAD"]) == [None]  # a commit, not a blob


def test_blob_sources_read_both_sides_at_once(repo: Repo) -> None:
    repo.write("a.txt", "old\n")
    old = repo.commit("one")
    repo.write("a.txt", "new\n")
    new = repo.commit("two")
    with git.BlobReader(repo.path) as reader:
        blobs = git.GitBlobs(reader, old, new)
        assert blobs.get_many([("old", "a.txt"), ("new", "a.txt"), ("new", "gone")]) == [
            b"old\n",
            b"new\n",
            None,
        ]
        blob_id = repo.git("rev-parse", f"{old}:a.txt").strip()
        by_id = git.ObjectBlobs(reader, {("old", "a.txt"): blob_id, ("new", "a.txt"): "HEAD"})
        # a blob id is read; anything that is not hex is never sent as a revision expression
        assert by_id.get_many([("old", "a.txt"), ("new", "a.txt")]) == [b"old\n", None]
