"""The REST API boundary: PyGithub for auth, transport and throttling; our own retries and errors.

Every request names its REST path explicitly (so tests can check each one against GitHub's
official OpenAPI description). PyGithub's own urllib3 retries are off: ``_call`` retries instead,
honouring ``Retry-After`` and ``X-RateLimit-Reset`` within a time budget, so a CI job never sleeps
for an hour and a failure becomes one clear line.

Errors: ``Denied`` (401/403 that is not a rate limit: a read-only token, a fork, a missing
permission), ``NotFound`` (404), ``Invalid`` (422), and plain ``GitHubError`` after retries.
"""

from __future__ import annotations

import base64
import contextlib
import random
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import quote

import github
import requests
from github import Auth, GithubException

from ..errors import GitHubError
from ..record import record
from ..rx import lazy
from .event import Comment, comment_from

T = TypeVar("T")
DEFAULT_API = "https://api.github.com"
#: seconds between requests and between writes: GitHub's advice against secondary rate limits
THROTTLE: tuple[float, float] = (0.25, 1.0)
MAX_PAGES = 30
_LINK_NEXT_RE = lazy(r'<([^>]+)>\s*;\s*rel="next"')


class Denied(GitHubError):
    """401/403 that is not a rate limit: the token may not do this (read-only, fork, permission)."""


class NotFound(GitHubError):
    pass


class Invalid(GitHubError):
    """422: GitHub rejected the request's content (a line outside the diff, an unknown reviewer...)."""


class RateLimited(GitHubError):
    """A rate limit that lasts longer than the retry budget: try again at ``until`` (epoch s)."""

    def __init__(self, message: str, *, until: float) -> None:
        super().__init__(message)
        self.until = until


@record(slots=False)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 60.0
    #: the most a single call may spend sleeping before it gives up
    budget: float = 180.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time


def _headers(exc: GithubException) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in (exc.headers or {}).items()}


def _message(exc: GithubException) -> str:
    data = exc.data
    msg = data.get("message") if isinstance(data, dict) else None
    return (
        str(msg or exc.message or "").strip().splitlines()[0][:200] if (msg or exc.message) else ""
    )


def is_rate_limited(status: int, headers: Mapping[str, str], message: str) -> bool:
    if status == 429:
        return True
    if status != 403:
        return False
    low = message.lower()
    return (
        headers.get("x-ratelimit-remaining") == "0"
        or "rate limit" in low
        or "retry-after" in headers
    )


def retry_delay(
    status: int, headers: Mapping[str, str], attempt: int, policy: RetryPolicy
) -> float:
    """How long to wait before the next attempt (``attempt`` counts from 0)."""
    after = headers.get("retry-after", "").strip()
    if after.isdigit():
        return float(after)
    reset = headers.get("x-ratelimit-reset", "")
    if headers.get("x-ratelimit-remaining") == "0" and reset.isdigit():
        now: float = policy.clock()
        return max(0.0, float(reset) - now) + 1.0
    if status in (403, 429):  # secondary rate limit without a hint: at least a minute, says GitHub
        return max(60.0, policy.base_delay * 2.0**attempt)
    delay = min(policy.max_delay, policy.base_delay * 2.0**attempt)
    return delay * (0.5 + random.random() / 2)


class Client:
    """A REST client for one token (Action) or one App installation."""

    def __init__(self, gh: github.Github, *, retry: RetryPolicy | None = None) -> None:
        self._gh = gh
        self._req = gh.requester
        self.retry = retry or RetryPolicy()

    @classmethod
    def from_token(
        cls, token: str, base_url: str = DEFAULT_API, *, retry: RetryPolicy | None = None
    ) -> Client:
        gh = github.Github(
            auth=Auth.Token(token),
            base_url=base_url.rstrip("/"),
            retry=None,
            timeout=30,
            seconds_between_requests=THROTTLE[0],
            seconds_between_writes=THROTTLE[1],
        )
        return cls(gh, retry=retry)

    def close(self) -> None:
        self._gh.close()

    # --- transport --------------------------------------------------------------------------

    def request(
        self, verb: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None
    ) -> tuple[dict[str, str], Any]:
        return self._call(
            verb,
            path,
            lambda: self._req.requestJsonAndCheck(verb, path, parameters=params, input=body),
        )

    def paginate(self, path: str, params: dict[str, Any] | None = None) -> list[Any]:
        items: list[Any] = []
        url: str | None = path
        query: dict[str, Any] | None = {"per_page": 100, **(params or {})}
        for _ in range(MAX_PAGES):
            assert url is not None
            headers, data = self.request("GET", url, params=query)
            if not isinstance(data, list):
                raise GitHubError(f"GitHub API GET {path}: expected a list")
            items.extend(data)
            match = _LINK_NEXT_RE.search(headers.get("link", ""))
            if not match:
                break
            url, query = match.group(1), None  # the next link carries its own query
        return items

    def _call(self, verb: str, path: str, fn: Callable[[], T]) -> T:
        where = f"GitHub API {verb} {path.split('?')[0]}"
        slept = 0.0
        for attempt in range(self.retry.attempts):
            try:
                return fn()
            except GithubException as exc:
                headers, message, status = _headers(exc), _message(exc), exc.status
                limited = is_rate_limited(status, headers, message)
                if not limited and status < 500:
                    raise _translate(where, status, message) from exc
                delay = retry_delay(status, headers, attempt, self.retry)
                last = f"{where}: {status} {message}".rstrip()
                if limited and headers.get("x-ratelimit-reset", "").isdigit():
                    reset = time.strftime(
                        "%H:%M:%S UTC", time.gmtime(int(headers["x-ratelimit-reset"]))
                    )
                    last = f"{where}: rate limit exceeded (it resets at {reset})"
                elif limited:
                    last = f"{where}: rate limited ({message or status})"
            except (requests.ConnectionError, requests.Timeout) as exc:
                delay = min(self.retry.max_delay, self.retry.base_delay * 2.0**attempt)
                limited = False
                last = f"{where}: cannot connect ({type(exc).__name__})"
            if attempt + 1 >= self.retry.attempts or slept + delay > self.retry.budget:
                text = f"{last}; gave up after {attempt + 1} attempt(s)"
                if limited:
                    raise RateLimited(text, until=self.retry.clock() + delay)
                raise GitHubError(text)
            self.retry.sleep(delay)
            slept += delay
        raise GitHubError(
            f"{where}: gave up"
        )  # pragma: no cover - the loop always returns or raises

    # --- endpoints ---------------------------------------------------------------------------

    def pull(self, repo: str, number: int) -> dict[str, Any]:
        return self.request("GET", f"/repos/{repo}/pulls/{number}")[1]  # type: ignore[no-any-return]

    def merge_base(self, repo: str, base: str, head: str) -> str:
        """The commit a pull request's diff is computed from (``base...head``)."""
        _, data = self.request(
            "GET", f"/repos/{repo}/compare/{base}...{head}", params={"per_page": 1}
        )
        sha = data.get("merge_base_commit", {}).get("sha") if isinstance(data, dict) else None
        if not isinstance(sha, str):
            raise GitHubError(f"GitHub API compare {base[:12]}...{head[:12]}: no merge base")
        return sha

    def pull_files(self, repo: str, number: int) -> list[dict[str, Any]]:
        return self.paginate(f"/repos/{repo}/pulls/{number}/files")

    def pull_commits(self, repo: str, number: int) -> list[dict[str, Any]]:
        return self.paginate(f"/repos/{repo}/pulls/{number}/commits")

    def file_at(self, repo: str, path: str, ref: str) -> bytes | None:
        """A file's bytes at ``ref``; None when absent, a directory, or too large for the API."""
        try:
            _, data = self.request(
                "GET", f"/repos/{repo}/contents/{quote(path)}", params={"ref": ref}
            )
        except NotFound:
            return None
        if (
            not isinstance(data, dict)
            or data.get("type") != "file"
            or data.get("encoding") != "base64"
        ):
            return None
        try:
            return base64.b64decode(str(data.get("content") or ""))
        except ValueError:
            return None

    def issue_comments(self, repo: str, number: int) -> list[Comment]:
        return [comment_from(c) for c in self.paginate(f"/repos/{repo}/issues/{number}/comments")]

    def create_comment(self, repo: str, number: int, body: str) -> Comment:
        _, data = self.request(
            "POST", f"/repos/{repo}/issues/{number}/comments", body={"body": body}
        )
        return comment_from(data)

    def edit_comment(self, repo: str, comment_id: int, body: str) -> Comment:
        _, data = self.request(
            "PATCH", f"/repos/{repo}/issues/comments/{comment_id}", body={"body": body}
        )
        return comment_from(data)

    def delete_comment(self, repo: str, comment_id: int) -> None:
        with contextlib.suppress(NotFound):  # another run deleted it first
            self.request("DELETE", f"/repos/{repo}/issues/comments/{comment_id}")

    def review_comments(self, repo: str, number: int) -> list[dict[str, Any]]:
        return self.paginate(f"/repos/{repo}/pulls/{number}/comments")

    def create_review(self, repo: str, number: int, body: dict[str, Any]) -> None:
        self.request("POST", f"/repos/{repo}/pulls/{number}/reviews", body=body)

    def reviews(self, repo: str, number: int) -> list[dict[str, Any]]:
        return self.paginate(f"/repos/{repo}/pulls/{number}/reviews")

    def create_check_run(self, repo: str, body: dict[str, Any]) -> None:
        self.request("POST", f"/repos/{repo}/check-runs", body=body)

    def create_status(self, repo: str, sha: str, body: dict[str, Any]) -> None:
        self.request("POST", f"/repos/{repo}/statuses/{sha}", body=body)

    def request_reviewers(self, repo: str, number: int, users: list[str], teams: list[str]) -> None:
        body: dict[str, Any] = {"reviewers": users}
        if teams:
            body["team_reviewers"] = teams
        self.request("POST", f"/repos/{repo}/pulls/{number}/requested_reviewers", body=body)

    def permission(self, repo: str, login: str) -> str:
        """admin, maintain, write, triage, read or none (none also when GitHub will not say)."""
        try:
            _, data = self.request("GET", f"/repos/{repo}/collaborators/{quote(login)}/permission")
        except (NotFound, Denied):
            return "none"
        role = str(data.get("role_name") or "") if isinstance(data, dict) else ""
        perm = str(data.get("permission") or "none") if isinstance(data, dict) else "none"
        return role if role in ("maintain", "triage") else perm

    def team_member(self, org: str, team: str, login: str) -> bool | None:
        """True/False, or None when the token may not read the team (fail closed, say why)."""
        try:
            _, data = self.request(
                "GET", f"/orgs/{quote(org)}/teams/{quote(team)}/memberships/{quote(login)}"
            )
        except NotFound:
            return False
        except Denied:
            return None
        return isinstance(data, dict) and data.get("state") == "active"

    def whoami(self) -> str | None:
        """The login behind the token, or None for installation tokens (which may not ask)."""
        try:
            _, data = self.request("GET", "/user")
        except (Denied, NotFound):
            return None
        login = data.get("login") if isinstance(data, dict) else None
        return login if isinstance(login, str) else None


def _translate(where: str, status: int, message: str) -> GitHubError:
    text = f"{where}: {status} {message}".rstrip()
    if status in (401, 403):
        return Denied(text)
    if status == 404:
        return NotFound(text)
    if status == 422:
        return Invalid(text)
    return GitHubError(text)
