"""Who may do what on a pull request: answer and re-run (author or write access), sign off (seniors).

Results are cached per run; a permission GitHub will not tell us counts as none (fail closed).
"""

from __future__ import annotations

from .api import Client

WRITE = frozenset({"admin", "maintain", "write"})


class People:
    def __init__(self, client: Client, repo: str, author: str, seniors: tuple[str, ...]) -> None:
        self._client = client
        self._repo = repo
        self.author = author
        self.seniors = tuple(s.strip().lstrip("@") for s in seniors if s.strip())
        self._perm: dict[str, str] = {}
        self._senior: dict[str, bool] = {}
        self.notes: list[str] = []

    def permission(self, login: str) -> str:
        key = login.lower()
        if key not in self._perm:
            self._perm[key] = self._client.permission(self._repo, login)
        return self._perm[key]

    def is_author(self, login: str) -> bool:
        return login.lower() == self.author.lower()

    def can_command(self, login: str) -> bool:
        """``/answer`` and ``/review``: the PR author, or anyone with write access."""
        return self.is_author(login) or self.permission(login) in WRITE

    def is_senior(self, login: str) -> bool:
        key = login.lower()
        if key in self._senior:
            return self._senior[key]
        result = False
        if not self.seniors:
            # no seniors configured: anyone with write access other than the author
            result = self.permission(login) in WRITE
        for entry in self.seniors:
            if "/" not in entry:
                if entry.lower() == key:
                    result = True
                    break
                continue
            org, _, team = entry.partition("/")
            member = self._client.team_member(org, team, login)
            if member is None:
                self.notes.append(
                    f"cannot read the members of team `{entry}` (the token needs organization "
                    "members: read); list senior reviewers by login instead"
                )
            if member:
                result = True
                break
        self._senior[key] = result
        return result

    def can_sign_off(self, login: str) -> bool:
        return not self.is_author(login) and self.is_senior(login)

    def reviewer_requests(self) -> tuple[list[str], list[str]]:
        """(logins, team slugs) to request; never the author (GitHub refuses that)."""
        users = [s for s in self.seniors if "/" not in s and not self.is_author(s)]
        owner = self._repo.split("/")[0].lower()
        teams = [
            s.partition("/")[2]
            for s in self.seniors
            if "/" in s and s.split("/")[0].lower() == owner
        ]
        return users, teams
