"""Webhook / Actions event payloads -> the few facts a review run needs. Pure; payloads are data."""

from __future__ import annotations

import json
from typing import Any

from ..errors import GitHubError
from ..record import record

#: pull_request actions that (may) change what is reviewed: code, text, labels (AI markers)
PR_ACTIONS = frozenset(
    {"opened", "synchronize", "reopened", "edited", "ready_for_review", "labeled", "unlabeled"}
)
COMMENT_ACTIONS = frozenset({"created", "edited"})
REVIEW_ACTIONS = frozenset({"submitted", "dismissed"})
EVENTS = ("pull_request", "issue_comment", "pull_request_review")


@record
class PullRequest:
    repo: str  # owner/name of the base repository
    number: int
    title: str
    body: str
    author: str
    author_type: str  # "User", "Bot", ...
    base_sha: str
    head_sha: str
    base_ref: str
    head_repo: str | None  # None when the fork was deleted
    labels: tuple[str, ...] = ()
    draft: bool = False
    state: str = "open"

    @property
    def from_fork(self) -> bool:
        return self.head_repo != self.repo


@record
class Comment:
    id: int
    login: str
    user_type: str
    body: str
    created_at: str
    updated_at: str

    @property
    def edited(self) -> bool:
        return self.updated_at != self.created_at


@record
class ReviewEvent:
    id: int
    login: str
    state: str  # approved, changes_requested, commented, dismissed (lower case)
    commit_id: str | None


@record
class Event:
    name: str
    action: str
    repo: str
    number: int
    pr: PullRequest | None  # absent for issue_comment: fetched from the API
    comment: Comment | None = None
    review: ReviewEvent | None = None
    sender: str = ""
    installation_id: int | None = None

    @property
    def relevant(self) -> bool:
        """Whether this event can change the review, its answers or its sign-offs."""
        if self.name == "pull_request":
            return self.action in PR_ACTIONS and (self.pr is None or self.pr.state == "open")
        if self.name == "issue_comment":
            return self.action in COMMENT_ACTIONS and self.comment is not None
        if self.name == "pull_request_review":
            return self.action in REVIEW_ACTIONS
        return False


def load(path: str, name: str) -> Event:
    try:
        with open(path, "rb") as fh:
            data = json.loads(fh.read(30 * 1024 * 1024))
    except FileNotFoundError as exc:
        raise GitHubError(
            f"the event file {path} does not exist (is this running in GitHub Actions?)"
        ) from exc
    except (OSError, ValueError) as exc:
        raise GitHubError(f"cannot read the event file {path}: {exc}") from exc
    return parse(name, data)


def parse(name: str, data: Any) -> Event:
    """A payload -> Event; GitHubError (one line) when it lacks what a review needs."""
    if name not in EVENTS:
        raise GitHubError(
            f"event {name!r} is not supported: run on pull_request, issue_comment or pull_request_review"
        )
    if not isinstance(data, dict):
        raise GitHubError("the event payload is not a JSON object")
    repo = _str(data, "repository", "full_name")
    installation = data.get("installation")
    inst_id = installation.get("id") if isinstance(installation, dict) else None
    common = {
        "name": name,
        "action": _str(data, "action"),
        "repo": repo,
        "sender": _opt_str(data, "sender", "login") or "",
        "installation_id": inst_id if isinstance(inst_id, int) else None,
    }
    if name == "issue_comment":
        issue = data.get("issue")
        if not isinstance(issue, dict) or not issue.get("pull_request"):
            # a comment on a plain issue: nothing to review
            return Event(**common, number=_int(data, "issue", "number"), pr=None)  # type: ignore[arg-type]
        return Event(
            **common,  # type: ignore[arg-type]
            number=_int(data, "issue", "number"),
            pr=None,
            comment=comment_from(data.get("comment")),
        )
    pr = pull_request_from(data.get("pull_request"), repo)
    review = None
    if name == "pull_request_review":
        raw = data.get("review")
        if not isinstance(raw, dict):
            raise GitHubError("the pull_request_review payload has no review")
        review = ReviewEvent(
            id=_int(raw, "id"),
            login=_opt_str(raw, "user", "login") or "",
            state=str(raw.get("state") or "").lower(),
            commit_id=raw.get("commit_id") if isinstance(raw.get("commit_id"), str) else None,
        )
    return Event(**common, number=pr.number, pr=pr, review=review)  # type: ignore[arg-type]


def pull_request_from(raw: Any, repo: str) -> PullRequest:
    """A pull request object (webhook or REST ``GET /pulls/{n}``) -> PullRequest."""
    if not isinstance(raw, dict):
        raise GitHubError("the payload has no pull_request object")
    labels = raw.get("labels") or []
    head_repo = raw.get("head", {}).get("repo") if isinstance(raw.get("head"), dict) else None
    return PullRequest(
        repo=_opt_str(raw, "base", "repo", "full_name") or repo,
        number=_int(raw, "number"),
        title=_opt_str(raw, "title") or "",
        body=_opt_str(raw, "body") or "",
        author=_opt_str(raw, "user", "login") or "",
        author_type=_opt_str(raw, "user", "type") or "User",
        base_sha=_sha(raw, "base"),
        head_sha=_sha(raw, "head"),
        base_ref=_opt_str(raw, "base", "ref") or "",
        head_repo=head_repo.get("full_name") if isinstance(head_repo, dict) else None,
        labels=tuple(
            str(lab.get("name"))
            for lab in labels
            if isinstance(lab, dict) and isinstance(lab.get("name"), str)
        ),
        draft=bool(raw.get("draft")),
        state=_opt_str(raw, "state") or "open",
    )


def comment_from(raw: Any) -> Comment:
    if not isinstance(raw, dict):
        raise GitHubError("the issue_comment payload has no comment")
    return Comment(
        id=_int(raw, "id"),
        login=_opt_str(raw, "user", "login") or "",
        user_type=_opt_str(raw, "user", "type") or "User",
        body=_opt_str(raw, "body") or "",
        created_at=_opt_str(raw, "created_at") or "",
        updated_at=_opt_str(raw, "updated_at") or _opt_str(raw, "created_at") or "",
    )


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _opt_str(data: Any, *keys: str) -> str | None:
    value = _get(data, *keys)
    return value if isinstance(value, str) else None


def _str(data: Any, *keys: str) -> str:
    value = _opt_str(data, *keys)
    if not value:
        raise GitHubError(f"the event payload has no {'.'.join(keys)}")
    return value


def _int(data: Any, *keys: str) -> int:
    value = _get(data, *keys)
    if isinstance(value, bool) or not isinstance(value, int):
        raise GitHubError(f"the event payload has no numeric {'.'.join(keys)}")
    return value


def _sha(raw: Any, side: str) -> str:
    sha = _opt_str(raw, side, "sha") or ""
    if len(sha) < 7 or not all(c in "0123456789abcdef" for c in sha.lower()):
        raise GitHubError(f"the pull request has no valid {side}.sha")
    return sha
