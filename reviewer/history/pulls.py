"""PR titles and bodies for a backtest, read from the GitHub REST API with a token (opt-in).

Only the standard library's HTTP client is used here: a backtest should not need the github
extra. ``fetch`` is swappable so that tests never reach the network.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import GitHubError
from .changes import Change

API = "https://api.github.com"
Fetch = Callable[[str, str], Any]


def github_repo_of(url: str) -> str | None:
    """``owner/name`` of a GitHub remote URL (https or ssh), or None."""
    m = re.match(
        r"^(?:https?://(?:[^@/]+@)?github\.com/|git@github\.com:|ssh://git@github\.com/)"
        r"([\w.-]+)/([\w.-]+?)(?:\.git)?/?$",
        url.strip(),
    )
    return f"{m.group(1)}/{m.group(2)}" if m else None


def _fetch(url: str, token: str) -> Any:
    request = urllib.request.Request(
        url,
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "intent-reviewer-backtest",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise GitHubError(
            f"GitHub API {exc.code} for {url}: check the token and repository"
        ) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise GitHubError(f"GitHub API unreachable ({exc})") from exc


def pr_texts(
    repository: str, changes: Sequence[Change], token: str, *, fetch: Fetch = _fetch
) -> dict[str, str]:
    """``{commit: "title\\n\\nbody"}`` for the changes that came from a pull request: by the PR
    number their subject names, else by asking which PR the commit belongs to."""
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", repository):
        raise GitHubError(f"not a GitHub repository name: {repository!r} (use OWNER/NAME)")
    out: dict[str, str] = {}
    for change in changes:
        pr: Any
        if change.pr is not None:
            pr = fetch(f"{API}/repos/{repository}/pulls/{change.pr}", token)
        else:
            found = fetch(f"{API}/repos/{repository}/commits/{change.sha}/pulls", token)
            pr = found[0] if isinstance(found, list) and found else None
        if isinstance(pr, dict) and isinstance(pr.get("title"), str):
            body = pr.get("body") if isinstance(pr.get("body"), str) else ""
            out[change.sha] = f"{pr['title']}\n\n{body}".strip()
    return out
