"""Webhook payloads: the real examples validate against the schemas and parse into events."""

from __future__ import annotations

import pytest

from reviewer.errors import GitHubError
from reviewer.github.event import parse

from .conftest import validate_webhook, webhook

EXAMPLES = [
    ("pull_request", "opened"),
    ("pull_request", "synchronize"),
    ("pull_request", "closed"),
    ("issue_comment", "created"),
    ("pull_request_review", "submitted"),
]


@pytest.mark.parametrize(("name", "action"), EXAMPLES)
def test_examples_match_their_schema(name: str, action: str) -> None:
    validate_webhook(name, webhook(name, action))


def test_pull_request_event() -> None:
    ev = parse("pull_request", webhook("pull_request", "opened"))
    assert ev.relevant and ev.pr is not None and ev.installation_id is not None
    assert (ev.repo, ev.number, ev.pr.head_sha[:7], ev.pr.from_fork) == (
        "Codertocat/Hello-World",
        2,
        "ec26c3e",
        False,
    )


def test_closed_is_not_relevant() -> None:
    assert not parse("pull_request", webhook("pull_request", "closed")).relevant


def test_comment_on_a_plain_issue_is_not_relevant_and_on_a_pr_is() -> None:
    payload = webhook("issue_comment", "created")
    assert "pull_request" not in payload["issue"]
    assert not parse("issue_comment", payload).relevant
    payload["issue"]["pull_request"] = {
        "url": "https://api.github.com/repos/Codertocat/Hello-World/pulls/1",
        "html_url": "https://github.com/Codertocat/Hello-World/pull/1",
        "diff_url": "https://github.com/Codertocat/Hello-World/pull/1.diff",
        "patch_url": "https://github.com/Codertocat/Hello-World/pull/1.patch",
    }
    validate_webhook("issue_comment", payload)
    ev = parse("issue_comment", payload)
    assert (
        ev.relevant
        and ev.comment is not None
        and ev.comment.login == payload["comment"]["user"]["login"]
    )


def test_review_event() -> None:
    ev = parse("pull_request_review", webhook("pull_request_review", "submitted"))
    assert ev.review is not None and ev.relevant


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"action": "opened"},
        {"action": "opened", "repository": {"full_name": "o/r"}, "pull_request": {"number": "2"}},
    ],
)
def test_unusable_payloads_are_one_line_errors(payload: object) -> None:
    with pytest.raises(GitHubError) as info:
        parse("pull_request", payload)
    assert "\n" not in str(info.value)


def test_unsupported_event() -> None:
    with pytest.raises(GitHubError, match="not supported"):
        parse("push", {})
