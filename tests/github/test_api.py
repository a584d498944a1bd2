"""The REST client: pagination, retry delays, error translation, the diff rebuilt from PR files."""

from __future__ import annotations

from typing import Any

import pytest

from reviewer.diff import parse_diff
from reviewer.errors import GitHubError
from reviewer.github.api import Client, Denied, RetryPolicy, retry_delay
from reviewer.github.sources import diff_from_files

from .conftest import risky_pr
from .fakegithub import REPO, FakeGitHub, Fault


def test_pagination_follows_link_headers(fake: FakeGitHub) -> None:
    risky_pr(fake)
    for i in range(7):
        fake.post_comment(2, "someone", f"comment {i}")
    fake.page_size_cap = 3
    client = Client.from_token("t", fake.url)
    assert [c.body for c in client.issue_comments(REPO, 2)] == [f"comment {i}" for i in range(7)]
    assert len([s for s in fake.log if s.path.endswith("/issues/2/comments")]) == 3


def test_retry_delay_prefers_retry_after_then_reset() -> None:
    policy = RetryPolicy(clock=lambda: 1000.0)
    assert retry_delay(429, {"retry-after": "12"}, 0, policy) == 12.0
    assert (
        retry_delay(403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1030"}, 0, policy)
        == 31.0
    )
    assert retry_delay(403, {}, 0, policy) >= 60.0  # a secondary limit without a hint
    assert 0.5 <= retry_delay(502, {}, 0, policy) <= 1.0
    assert retry_delay(502, {}, 10, policy) <= policy.max_delay


def test_errors_become_one_line(fake: FakeGitHub, sleeps: list[float]) -> None:
    risky_pr(fake)
    client = Client.from_token("t", fake.url)
    fake.read_only = True
    with pytest.raises(Denied) as denied:
        client.create_comment(REPO, 2, "x")
    assert "403 Resource not accessible by integration" in str(denied.value)
    fake.faults = [Fault("GET", r"/pulls/2$", 503, times=99)]
    with pytest.raises(GitHubError) as failed:
        client.pull(REPO, 2)
    assert "gave up after 5 attempt(s)" in str(failed.value) and "\n" not in str(failed.value)
    assert len(sleeps) == 4


def test_unreachable_server_is_a_known_error(sleeps: list[float]) -> None:
    client = Client.from_token("t", "http://127.0.0.1:9")
    with pytest.raises(GitHubError, match="cannot connect"):
        client.pull(REPO, 2)


def test_diff_from_files_keeps_every_file() -> None:
    files: list[dict[str, Any]] = [
        {"filename": "a.py", "status": "modified", "patch": "@@ -1 +1 @@\n-x\n+y"},
        {
            "filename": "new name.py",
            "previous_filename": "old.py",
            "status": "renamed",
            "changes": 0,
        },
        {"filename": "img.png", "status": "added", "changes": 0},
        {"filename": "big.sql", "status": "modified", "changes": 90000},
        {"filename": "gone.tf", "status": "removed", "patch": "@@ -1,2 +0,0 @@\n-a\n-b"},
        {"filename": 'we"ird\\.txt', "status": "added", "patch": "@@ -0,0 +1 @@\n+hi"},
    ]
    text, missing = diff_from_files(files)
    diff = parse_diff(text)
    assert [(f.path, f.status) for f in diff.files] == [
        ("a.py", "modified"),
        ("new name.py", "renamed"),
        ("img.png", "added"),
        ("big.sql", "modified"),
        ("gone.tf", "deleted"),
        ('we"ird\\.txt', "added"),
    ]
    assert missing == ["img.png", "big.sql"]
    assert diff.files[1].old_path == "old.py"
