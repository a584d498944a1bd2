"""Fixtures for the GitHub tests: the fake REST server, webhook payloads, an Actions runner env."""

from __future__ import annotations

import copy
import io
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import redirect_stdout
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from reviewer.cli import main
from reviewer.github import api

from .fakegithub import PR, REPO, FakeGitHub

DATA = Path(__file__).parent / "data"
BASE = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"
HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
HEAD2 = "0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e"

TF_PATCH = (
    '@@ -1,12 +1,3 @@\n resource "aws_s3_bucket" "logs" {\n   bucket = "logs"\n }\n-\n'
    '-resource "aws_db_instance" "main" {\n-  engine              = "postgres"\n'
    '-  instance_class      = "db.t3.micro"\n-  allocated_storage   = 20\n'
    "-  skip_final_snapshot = false\n-  deletion_protection = true\n-}\n-"
)
PY_PATCH = (
    '@@ -1,3 +1,3 @@\n def label():\n-    return "Cost Explorr"\n+    return "Cost Explorer"\n '
)
RISKY_FILES = [
    {"filename": "infra/main.tf", "status": "modified", "patch": TF_PATCH},
    {"filename": "app/cost.py", "status": "modified", "patch": PY_PATCH},
]
SAFE_FILES = [{"filename": "app/cost.py", "status": "modified", "patch": PY_PATCH}]


@cache
def webhook_schema() -> dict[str, Any]:
    return json.loads((DATA / "webhook-schema.json").read_text())  # type: ignore[no-any-return]


def validate_webhook(name: str, payload: dict[str, Any]) -> None:
    """A payload must match its event definition in @octokit/webhooks-schemas."""
    schema = webhook_schema()
    root = {
        "$ref": f"#/definitions/{name}${payload['action']}",
        "definitions": schema["definitions"],
    }
    jsonschema.Draft7Validator(root).validate(payload)


def webhook(name: str, action: str) -> dict[str, Any]:
    """A real example payload (from @octokit/webhooks-examples), a fresh copy."""
    return copy.deepcopy(json.loads((DATA / "webhooks" / f"{name}.{action}.json").read_text()))


def pr_event(fake: FakeGitHub, number: int = 2, action: str = "opened") -> dict[str, Any]:
    """A pull_request payload for the fake's PR ``number``, validated against the schema."""
    pr = fake.pulls[number]
    payload = webhook("pull_request", "opened" if action != "synchronize" else "synchronize")
    payload["action"] = action
    raw = payload["pull_request"]
    raw.update(number=number, title=pr.title, body=pr.body)
    raw["head"]["sha"], raw["base"]["sha"] = pr.head_sha, pr.base_sha
    raw["user"]["login"] = pr.author
    raw["labels"] = []
    if action == "edited":
        payload["changes"] = {"body": {"from": "before"}}
    validate_webhook("pull_request", payload)
    return payload


def comment_event(
    fake: FakeGitHub, comment: dict[str, Any], number: int = 2, action: str = "created"
) -> dict[str, Any]:
    """An issue_comment payload for a comment the fake holds (the example lacks issue.pull_request)."""
    payload = webhook("issue_comment", "created")
    payload["action"] = action
    payload["issue"]["number"] = number
    payload["issue"]["pull_request"] = {
        "url": f"https://api.github.com/repos/{REPO}/pulls/{number}",
        "html_url": f"https://github.com/{REPO}/pull/{number}",
        "diff_url": f"https://github.com/{REPO}/pull/{number}.diff",
        "patch_url": f"https://github.com/{REPO}/pull/{number}.patch",
    }
    c = payload["comment"]
    c.update(
        id=comment["id"],
        body=comment["body"],
        created_at=comment["created_at"],
        updated_at=comment["updated_at"],
    )
    c["user"]["login"] = comment["user"]["login"]
    c["user"]["type"] = comment["user"]["type"]
    if action == "edited":
        payload["changes"] = {"body": {"from": "before"}}
    validate_webhook("issue_comment", payload)
    return payload


def review_event(fake: FakeGitHub, review: dict[str, Any], number: int = 2) -> dict[str, Any]:
    pr = fake.pulls[number]
    payload = webhook("pull_request_review", "submitted")
    raw = payload["pull_request"]
    raw.update(number=number, title=pr.title, body=pr.body)
    raw["head"]["sha"], raw["base"]["sha"] = pr.head_sha, pr.base_sha
    r = payload["review"]
    r.update(id=review["id"], state=review["state"].lower(), commit_id=review["commit_id"])
    r["user"]["login"] = review["user"]["login"]
    validate_webhook("pull_request_review", payload)
    return payload


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    try:
        yield server
    finally:
        server.stop()
    assert not server.errors, (
        "requests or responses outside GitHub's REST description:\n"
        + "\n".join(dict.fromkeys(server.errors))
    )


@pytest.fixture(scope="session")
def app_key() -> tuple[str, str]:
    """An RSA key pair for a test GitHub App: (private PEM, public PEM)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


@pytest.fixture
def sleeps() -> list[float]:
    """The back-off sleeps the client asked for (recorded, not slept)."""
    return []


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch, sleeps: list[float]) -> None:
    """No client-side throttling and no real back-off sleeping against the local server."""
    monkeypatch.setattr(api, "THROTTLE", (0.0, 0.0))
    monkeypatch.setattr(api.RetryPolicy, "__init__", _fast_policy_init(sleeps))


def _fast_policy_init(sleeps: list[float]) -> Any:
    original = api.RetryPolicy.__init__

    def init(self: api.RetryPolicy, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("sleep", sleeps.append)
        original(self, *args, **kwargs)

    return init


def risky_pr(fake: FakeGitHub, *, number: int = 2, head: str = HEAD, **kw: Any) -> PR:
    pr = PR(
        number=number,
        title="fix: minor typo in cost explorer label",
        body="Fixes the label typo in the cost explorer.",
        base_sha=BASE,
        head_sha=head,
        files=copy.deepcopy(RISKY_FILES),
        commits=[{"message": "fix typo", "login": "Codertocat"}],
        **kw,
    )
    fake.pulls[number] = pr
    return pr


@dataclass
class Runner:
    """An Actions runner's environment around ``reviewer github``."""

    fake: FakeGitHub
    tmp: Path
    monkeypatch: pytest.MonkeyPatch

    def run(
        self,
        event_name: str,
        payload: dict[str, Any],
        *args: str,
        env: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        # a name the OS guarantees unique (O_EXCL): runs racing in threads never share, truncate or
        # read half of one event file, whatever the interpreter's threading
        fd, name = tempfile.mkstemp(prefix="event-", suffix=".json", dir=self.tmp)
        with os.fdopen(fd, "w") as fh:
            fh.write(json.dumps(payload))
        event = Path(name)
        values = {
            "GITHUB_EVENT_NAME": event_name,
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_TOKEN": "ghs_testtoken",
            "GITHUB_API_URL": self.fake.url,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_RUN_ID": "42",
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_OUTPUT": str(self.output),
            "RUNNER_TEMP": str(self.tmp / "runner"),
            **(env or {}),
        }
        for k, v in values.items():
            self.monkeypatch.setenv(k, v)
        self.summary.write_text("")
        self.output.write_text("")
        buf = io.StringIO()
        with redirect_stdout(buf):
            code = main(["github", *args])
        return code, buf.getvalue()

    @property
    def summary(self) -> Path:
        return self.tmp / "summary.md"

    @property
    def output(self) -> Path:
        return self.tmp / "output.txt"

    def outputs(self) -> dict[str, str]:
        return parse_outputs(self.output.read_text())


def parse_outputs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line:
            name, delim = line.split("<<", 1)
            j = lines.index(delim, i + 1)
            out[name] = "\n".join(lines[i + 1 : j])
            i = j + 1
        else:
            i += 1
    return out


@pytest.fixture
def runner(fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Runner:
    (tmp_path / "runner").mkdir()
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    os.environ.pop("OPENAI_API_KEY", None)
    return Runner(fake, tmp_path, monkeypatch)
