"""A small stateful GitHub REST server for tests: a real HTTP server on 127.0.0.1.

Every request it receives is checked against GitHub's REST description (``openapi.py``), and so is
every response it sends, which is built from the description's own examples; any mismatch is
recorded in ``errors`` (the ``github`` fixture fails the test on it). It keeps just enough state
for the review flows: pull requests with their files, commits and file contents, issue comments,
review comments, reviews, check runs, statuses, review requests, permissions and team members.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .openapi import Spec, spec

REPO = "Codertocat/Hello-World"
DOCS = "https://docs.github.com/rest"


@dataclass
class PR:
    number: int
    title: str
    body: str
    base_sha: str
    head_sha: str
    author: str = "Codertocat"
    author_type: str = "User"
    labels: list[str] = field(default_factory=list)
    head_repo: str = REPO
    state: str = "open"
    files: list[dict[str, Any]] = field(
        default_factory=list
    )  # filename, status, patch, previous_filename
    commits: list[dict[str, Any]] = field(default_factory=list)  # message, login, name, email


@dataclass
class Fault:
    method: str
    pattern: str  # regex on the path
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    message: str = "Server Error"
    times: int = 1


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes | None
    headers: dict[str, str]
    status: int = 0
    raw_path: str = ""  # as sent, percent-encoding kept


class FakeGitHub:
    def __init__(self, spec_: Spec | None = None) -> None:
        self.spec = spec_ or spec()
        self.lock = threading.RLock()
        self.pulls: dict[int, PR] = {}
        self.contents: dict[tuple[str, str], bytes] = {}
        self.merge_base: dict[int, str] = {}
        self.comments: list[dict[str, Any]] = []
        self.review_comments: list[dict[str, Any]] = []
        self.reviews: list[dict[str, Any]] = []
        self.check_runs: list[dict[str, Any]] = []
        self.statuses: list[dict[str, Any]] = []
        self.review_requests: list[dict[str, Any]] = []
        self.permissions: dict[str, str] = {"codertocat": "admin"}
        self.teams: dict[tuple[str, str], set[str]] = {}
        self.teams_readable = True
        self.read_only = False
        self.checks_allowed = True
        self.user: str | None = None  # GET /user answers 403 (an installation token) when None
        self.app_slug = "intent-reviewer"
        self.app_id = "12345"
        #: when set, /app requests must carry a JWT signed by the matching private key
        self.app_public_key: str | None = None
        #: who the reviewer's own writes are authored by (the token's identity)
        self.bot_login = "github-actions[bot]"
        self.faults: list[Fault] = []
        self.log: list[Seen] = []
        self.errors: list[str] = []
        self.before: Callable[[str, str], object] | None = None
        self.page_size_cap = 100
        self._ids = 1000
        self._clock = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> FakeGitHub:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else each response waits for a delayed ACK (40 ms)

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _any(self) -> None:
                fake._handle(self)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _any

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        assert isinstance(host, str)
        return f"http://{host}:{port}"

    # --- helpers for tests ----------------------------------------------------------------------

    def next_id(self) -> int:
        with self.lock:
            self._ids += 1
            return self._ids

    def now(self) -> str:
        with self.lock:
            self._clock += 1
            return f"2026-01-01T{self._clock // 3600:02d}:{self._clock // 60 % 60:02d}:{self._clock % 60:02d}Z"

    def user_json(self, login: str, user_type: str = "User") -> dict[str, Any]:
        user = self.spec.example(
            "POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", 201
        )["user"]
        user.update(login=login, type=user_type, id=abs(hash(login)) % 10_000_000 + 1)
        return self._rewrite(user)  # type: ignore[no-any-return]

    def post_comment(
        self, number: int, login: str, body: str, user_type: str = "User"
    ) -> dict[str, Any]:
        """A comment as a person (or another bot) would post it, outside the reviewer."""
        with self.lock:
            return self._new_comment(number, login, body, user_type)

    def edit_comment_as(self, comment_id: int, body: str) -> dict[str, Any]:
        """Someone edits an existing comment (GitHub keeps the author, changes updated_at)."""
        with self.lock:
            c = next(c for c in self.comments if c["id"] == comment_id)
            c["body"] = body
            c["updated_at"] = self.now()
            return copy.deepcopy(c)

    def add_review(self, number: int, login: str, state: str, commit_id: str) -> dict[str, Any]:
        with self.lock:
            r: dict[str, Any] = self.spec.example(
                "GET", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", 200
            )[0]
            r.update(
                id=self.next_id(),
                user=self.user_json(login),
                state=state,
                commit_id=commit_id,
                body="",
                submitted_at=self.now(),
            )
            r["@number"] = number
            self.reviews.append(r)
            return r

    def bot_comments(self, number: int) -> list[dict[str, Any]]:
        return [c for c in self.comments if c["@number"] == number and c["user"]["type"] == "Bot"]

    def writes(self) -> list[Seen]:
        return [s for s in self.log if s.method in ("POST", "PATCH", "DELETE", "PUT")]

    # --- request handling -----------------------------------------------------------------------

    def _rewrite(self, data: Any) -> Any:
        text = json.dumps(data).replace("https://api.github.com", self.url)
        return json.loads(text)

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        path = unquote(parts.path)
        raw_path = parts.path
        query = parse_qs(parts.query)
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else None
        seen = Seen(
            h.command,
            path,
            query,
            body,
            {k.lower(): v for k, v in h.headers.items()},
            raw_path=raw_path,
        )
        with self.lock:
            self.log.append(seen)
            self.errors += self.spec.check_request(h.command, raw_path, query, body)
        if self.before is not None:
            self.before(h.command, path)
        try:
            status, headers, data = self._route(h.command, path, query, body, seen.headers)
        except Exception as exc:  # a bug in the fake: fail the test, not the client
            self.errors.append(f"fake crashed on {h.command} {path}: {type(exc).__name__}: {exc}")
            status, headers, data = 500, {}, {"message": "fake crashed"}
        seen.status = status
        if status < 300:
            self.errors += self.spec.check_response(h.command, raw_path, status, data)
        payload = b"" if data is None else json.dumps(data).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json; charset=utf-8")
        h.send_header("Content-Length", str(len(payload)))
        for k, v in headers.items():
            h.send_header(k, v)
        h.end_headers()
        if payload:
            h.wfile.write(payload)

    def _error(
        self, status: int, message: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], Any]:
        return status, headers or {}, {"message": message, "documentation_url": DOCS}

    def _route(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        body: bytes | None,
        headers: dict[str, str],
    ) -> tuple[int, dict[str, str], Any]:
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and fault.method == method and re.search(fault.pattern, path):
                    fault.times -= 1
                    return self._error(fault.status, fault.message, fault.headers)
        if "authorization" not in headers:
            return self._error(401, "Requires authentication")
        if path.startswith("/app") and self.app_public_key is not None:
            import jwt  # PyJWT, which PyGithub signs the App's token with

            try:
                claims = jwt.decode(
                    headers["authorization"].removeprefix("Bearer "),
                    self.app_public_key,
                    algorithms=["RS256"],
                )
            except jwt.PyJWTError as exc:
                return self._error(401, f"A JSON web token could not be decoded ({exc})")
            if str(claims.get("iss")) != self.app_id:
                return self._error(401, "Integration not found")
        data = json.loads(body) if body else None
        if (
            method in ("POST", "PATCH", "DELETE", "PUT")
            and self.read_only
            and not path.startswith("/app/")
        ):
            return self._error(403, "Resource not accessible by integration")
        for verb, rx, fn in self._routes():
            m = re.fullmatch(rx, path)
            if m and verb == method:
                with self.lock:
                    return fn(*m.groups(), query=query, data=data)
        return self._error(404, "Not Found")

    def _routes(self) -> list[tuple[str, str, Callable[..., tuple[int, dict[str, str], Any]]]]:
        r = rf"/repos/{re.escape(REPO)}"
        return [
            ("GET", r + r"/pulls/(\d+)", self._get_pull),
            ("GET", r + r"/pulls/(\d+)/files", self._get_files),
            ("GET", r + r"/pulls/(\d+)/commits", self._get_commits),
            ("GET", r + r"/compare/([0-9a-f]+)\.\.\.([0-9a-f]+)", self._compare),
            ("GET", r + r"/contents/(.+)", self._contents),
            ("GET", r + r"/issues/(\d+)/comments", self._list_comments),
            ("POST", r + r"/issues/(\d+)/comments", self._create_comment),
            ("PATCH", r + r"/issues/comments/(\d+)", self._edit_comment),
            ("DELETE", r + r"/issues/comments/(\d+)", self._delete_comment),
            ("GET", r + r"/pulls/(\d+)/comments", self._list_review_comments),
            ("GET", r + r"/pulls/(\d+)/reviews", self._list_reviews),
            ("POST", r + r"/pulls/(\d+)/reviews", self._create_review),
            ("POST", r + r"/check-runs", self._create_check_run),
            ("POST", r + r"/statuses/([0-9a-f]+)", self._create_status),
            ("POST", r + r"/pulls/(\d+)/requested_reviewers", self._request_reviewers),
            ("GET", r + r"/collaborators/([^/]+)/permission", self._permission),
            ("GET", r"/orgs/([^/]+)/teams/([^/]+)/memberships/([^/]+)", self._membership),
            ("GET", r"/user", self._whoami),
            ("GET", r"/app", self._app),
            ("POST", r"/app/installations/(\d+)/access_tokens", self._access_token),
        ]

    def _page(
        self, items: list[Any], query: dict[str, list[str]], path: str
    ) -> tuple[int, dict[str, str], Any]:
        per = min(int(query.get("per_page", ["30"])[0]), self.page_size_cap)
        page = int(query.get("page", ["1"])[0])
        chunk = items[(page - 1) * per : page * per]
        headers = {}
        if page * per < len(items):
            headers["Link"] = f'<{self.url}{path}?per_page={per}&page={page + 1}>; rel="next"'
        return (
            200,
            headers,
            self._rewrite([{k: v for k, v in i.items() if not k.startswith("@")} for i in chunk]),
        )

    # --- pull requests ----------------------------------------------------------------------------

    def pull_json(self, pr: PR) -> dict[str, Any]:
        data = self.spec.example("GET", "/repos/{owner}/{repo}/pulls/{pull_number}", 200)
        label = data["labels"][0]
        data.update(
            number=pr.number,
            title=pr.title,
            body=pr.body,
            state=pr.state,
            draft=False,
            user=self.user_json(pr.author, pr.author_type),
            labels=[{**label, "name": name, "id": i + 1} for i, name in enumerate(pr.labels)],
            requested_teams=[],
        )
        data["head"]["sha"], data["base"]["sha"] = pr.head_sha, pr.base_sha
        data["base"]["ref"] = "main"
        data["base"]["repo"]["full_name"] = REPO
        data["head"]["repo"]["full_name"] = pr.head_repo
        return self._rewrite(data)  # type: ignore[no-any-return]

    def _get_pull(self, n: str, **_: Any) -> tuple[int, dict[str, str], Any]:
        pr = self.pulls.get(int(n))
        return (200, {}, self.pull_json(pr)) if pr else self._error(404, "Not Found")

    def _get_files(
        self, n: str, query: dict[str, list[str]], **_: Any
    ) -> tuple[int, dict[str, str], Any]:
        pr = self.pulls[int(n)]
        template = self.spec.example("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files", 200)[
            0
        ]
        items = []
        for f in pr.files:
            entry = copy.deepcopy(template)
            entry.pop("patch", None)
            patch = f.get("patch")
            adds = sum(1 for line in (patch or "").splitlines() if line.startswith("+"))
            dels = sum(1 for line in (patch or "").splitlines() if line.startswith("-"))
            entry.update(
                filename=f["filename"],
                status=f.get("status", "modified"),
                additions=adds,
                deletions=dels,
                changes=adds + dels,
            )
            if patch is not None:
                entry["patch"] = patch
            if f.get("previous_filename"):
                entry["previous_filename"] = f["previous_filename"]
            items.append(entry)
        return self._page(items, query, f"/repos/{REPO}/pulls/{n}/files")

    def _get_commits(
        self, n: str, query: dict[str, list[str]], **_: Any
    ) -> tuple[int, dict[str, str], Any]:
        pr = self.pulls[int(n)]
        template = self.spec.example(
            "GET", "/repos/{owner}/{repo}/pulls/{pull_number}/commits", 200
        )[0]
        items = []
        for i, c in enumerate(pr.commits):
            entry = copy.deepcopy(template)
            entry["sha"] = f"{i + 1:040x}"
            entry["commit"]["message"] = c["message"]
            entry["commit"]["author"].update(
                name=c.get("name", "Test"), email=c.get("email", "t@example.com")
            )
            entry["author"] = (
                self.user_json(c["login"], "Bot" if c["login"].endswith("[bot]") else "User")
                if c.get("login")
                else None
            )
            items.append(entry)
        return self._page(items, query, f"/repos/{REPO}/pulls/{n}/commits")

    def _compare(self, base: str, head: str, **_: Any) -> tuple[int, dict[str, str], Any]:
        data = self.spec.example("GET", "/repos/{owner}/{repo}/compare/{basehead}", 200)
        pr = next((p for p in self.pulls.values() if p.head_sha == head), None)
        data["merge_base_commit"]["sha"] = self.merge_base.get(pr.number, base) if pr else base
        return 200, {}, self._rewrite(data)

    def _contents(
        self, path: str, query: dict[str, list[str]], **_: Any
    ) -> tuple[int, dict[str, str], Any]:
        ref = query.get("ref", [""])[0]
        blob = self.contents.get((ref, path))
        if blob is None:
            return self._error(404, "Not Found")
        data = self.spec.example(
            "GET", "/repos/{owner}/{repo}/contents/{path}", 200, "response-if-content-is-a-file"
        )
        data.update(
            type="file",
            encoding="base64",
            size=len(blob),
            name=path.rsplit("/", 1)[-1],
            path=path,
            content=base64.b64encode(blob).decode(),
        )
        return 200, {}, self._rewrite(data)

    # --- issue comments ---------------------------------------------------------------------------

    def _new_comment(self, number: int, login: str, body: str, user_type: str) -> dict[str, Any]:
        c = self.spec.example("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", 201)
        cid, now = self.next_id(), self.now()
        c.update(
            id=cid,
            node_id=f"IC_{cid}",
            body=body,
            user=self.user_json(login, user_type),
            created_at=now,
            updated_at=now,
            author_association="OWNER",
            html_url=f"https://github.com/{REPO}/pull/{number}#issuecomment-{cid}",
            url=f"https://api.github.com/repos/{REPO}/issues/comments/{cid}",
            issue_url=f"https://api.github.com/repos/{REPO}/issues/{number}",
        )
        c = self._rewrite(c)
        c["@number"] = number
        self.comments.append(c)
        return copy.deepcopy(c)

    def _list_comments(
        self, n: str, query: dict[str, list[str]], **_: Any
    ) -> tuple[int, dict[str, str], Any]:
        items = sorted((c for c in self.comments if c["@number"] == int(n)), key=lambda c: c["id"])
        return self._page(items, query, f"/repos/{REPO}/issues/{n}/comments")

    def _create_comment(self, n: str, data: Any, **_: Any) -> tuple[int, dict[str, str], Any]:
        c = self._new_comment(int(n), self.bot_login, data["body"], "Bot")
        return 201, {}, {k: v for k, v in c.items() if not k.startswith("@")}

    def _edit_comment(self, cid: str, data: Any, **_: Any) -> tuple[int, dict[str, str], Any]:
        c = next((c for c in self.comments if c["id"] == int(cid)), None)
        if c is None:
            return self._error(404, "Not Found")
        c["body"] = data["body"]
        c["updated_at"] = self.now()
        return 200, {}, {k: v for k, v in c.items() if not k.startswith("@")}

    def _delete_comment(self, cid: str, **_: Any) -> tuple[int, dict[str, str], Any]:
        before = len(self.comments)
        self.comments = [c for c in self.comments if c["id"] != int(cid)]
        return (204, {}, None) if len(self.comments) < before else self._error(404, "Not Found")

    # --- reviews and review comments --------------------------------------------------------------

    def _list_review_comments(
        self, n: str, query: dict[str, list[str]], **_: Any
    ) -> tuple[int, dict[str, str], Any]:
        items = [c for c in self.review_comments if c["@number"] == int(n)]
        return self._page(items, query, f"/repos/{REPO}/pulls/{n}/comments")

    def _list_reviews(
        self, n: str, query: dict[str, list[str]], **_: Any
    ) -> tuple[int, dict[str, str], Any]:
        items = [r for r in self.reviews if r["@number"] == int(n)]
        return self._page(items, query, f"/repos/{REPO}/pulls/{n}/reviews")

    def _create_review(self, n: str, data: Any, **_: Any) -> tuple[int, dict[str, str], Any]:
        pr = self.pulls[int(n)]
        valid = _commentable(pr)
        for c in data.get("comments", []):
            side = c.get("side", "RIGHT")
            if c["line"] not in valid.get((c["path"], side), set()):
                return (
                    422,
                    {},
                    {
                        "message": "Unprocessable Entity",
                        "documentation_url": DOCS,
                        "errors": ["Line could not be resolved"],
                    },
                )
        review = self.add_review(
            int(n), self.bot_login, "COMMENTED", data.get("commit_id", pr.head_sha)
        )
        review["user"]["type"] = "Bot"
        template = self.spec.example(
            "GET", "/repos/{owner}/{repo}/pulls/{pull_number}/comments", 200
        )[0]
        for c in data.get("comments", []):
            rc = copy.deepcopy(template)
            rc.update(
                id=self.next_id(),
                body=c["body"],
                path=c["path"],
                line=c["line"],
                side=c.get("side", "RIGHT"),
                user=self.user_json(self.bot_login, "Bot"),
                pull_request_review_id=review["id"],
            )
            rc["@number"] = int(n)
            self.review_comments.append(self._rewrite(rc))
        return 200, {}, self._rewrite({k: v for k, v in review.items() if not k.startswith("@")})

    # --- checks, statuses, reviewers ------------------------------------------------------------

    def _create_check_run(self, data: Any, **_: Any) -> tuple[int, dict[str, str], Any]:
        if not self.checks_allowed:
            return self._error(403, "Resource not accessible by personal access token")
        self.check_runs.append(data)
        run = self.spec.example("POST", "/repos/{owner}/{repo}/check-runs", 201)
        run.update(
            id=self.next_id(),
            name=data["name"],
            head_sha=data["head_sha"],
            status=data.get("status", "queued"),
            conclusion=data.get("conclusion"),
        )
        return 201, {}, self._rewrite(run)

    def _create_status(self, sha: str, data: Any, **_: Any) -> tuple[int, dict[str, str], Any]:
        self.statuses.append({"sha": sha, **data})
        status = self.spec.example("POST", "/repos/{owner}/{repo}/statuses/{sha}", 201)
        status.update(
            state=data["state"],
            context=data.get("context", "default"),
            description=data.get("description"),
            target_url=data.get("target_url"),
        )
        return 201, {}, self._rewrite(status)

    def _request_reviewers(self, n: str, data: Any, **_: Any) -> tuple[int, dict[str, str], Any]:
        pr = self.pulls[int(n)]
        if any(u.lower() == pr.author.lower() for u in data.get("reviewers", [])):
            return (
                422,
                {},
                {
                    "message": "Review cannot be requested from pull request author.",
                    "documentation_url": DOCS,
                },
            )
        self.review_requests.append(data)
        resp = self.spec.example(
            "POST", "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", 201
        )
        resp.update(
            requested_teams=[],
            requested_reviewers=[self.user_json(u) for u in data.get("reviewers", [])],
        )
        return 201, {}, self._rewrite(resp)

    def _permission(self, login: str, **_: Any) -> tuple[int, dict[str, str], Any]:
        perm = self.permissions.get(login.lower(), "read")
        data = self.spec.example(
            "GET", "/repos/{owner}/{repo}/collaborators/{username}/permission", 200
        )
        data.update(
            permission="write" if perm == "maintain" else perm,
            role_name=perm,
            user=self.user_json(login),
        )
        data["user"]["role_name"] = perm
        return 200, {}, self._rewrite(data)

    def _membership(
        self, org: str, team: str, login: str, **_: Any
    ) -> tuple[int, dict[str, str], Any]:
        if not self.teams_readable:
            return self._error(403, "Resource not accessible by integration")
        if login.lower() not in {m.lower() for m in self.teams.get((org, team), set())}:
            return self._error(404, "Not Found")
        data = self.spec.example("GET", "/orgs/{org}/teams/{team_slug}/memberships/{username}", 200)
        data.update(state="active", role="member")
        return 200, {}, self._rewrite(data)

    def _whoami(self, **_: Any) -> tuple[int, dict[str, str], Any]:
        if self.user is None:
            return self._error(403, "Resource not accessible by integration")
        data = self.spec.example("GET", "/user", 200)
        data.update(login=self.user)
        return 200, {}, self._rewrite(data)

    def _app(self, **_: Any) -> tuple[int, dict[str, str], Any]:
        data = self.spec.example("GET", "/app", 200)
        data.update(slug=self.app_slug)
        return 200, {}, self._rewrite(data)

    def _access_token(self, inst: str, **_: Any) -> tuple[int, dict[str, str], Any]:
        data = self.spec.example("POST", "/app/installations/{installation_id}/access_tokens", 201)
        data.update(token=f"ghs_installation{inst}", expires_at="2099-01-01T00:00:00Z")
        return 201, {}, self._rewrite(data)


def _commentable(pr: PR) -> dict[tuple[str, str], set[int]]:
    """The lines GitHub accepts review comments on: inside the hunks of each file's patch."""
    out: dict[tuple[str, str], set[int]] = {}
    for f in pr.files:
        right = out.setdefault((f["filename"], "RIGHT"), set())
        left = out.setdefault((f.get("previous_filename") or f["filename"], "LEFT"), set())
        old = new = 0
        for line in (f.get("patch") or "").splitlines():
            m = re.match(r"@@ -(\d+)(?:,\d+)? \+(\d+)", line)
            if m:
                old, new = int(m.group(1)), int(m.group(2))
            elif line.startswith("+"):
                right.add(new)
                new += 1
            elif line.startswith("-"):
                left.add(old)
                old += 1
            else:
                right.add(new)
                left.add(old)
                old += 1
                new += 1
    return out
