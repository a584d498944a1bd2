"""Redaction: seeded secrets never reach a request body; ordinary code is left alone."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.config import Config
from reviewer.diff import parse_diff
from reviewer.intent import parse_intent
from reviewer.llm import enrich
from reviewer.llm.client import Endpoint, OpenAIClient
from reviewer.llm.redact import Redactor, entropy, is_env_file
from reviewer.review import review

from .fakes import FakeClient, answer_json, reply
from .stub_server import StubServer, ok

# Fake credentials with the real shapes (none of them is or was ever valid), built from pieces so
# that secret scanners do not flag this file.
AWS_ID = "AKIA" + "Z7QH2MX4PL9WT3RB"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEYq1w2"
GITHUB = "ghp_" + "Xk2LmN8pQr5StUv9WxYz3AbCdEfGhIjK4l6M"
GITHUB_PAT = "github_pat_" + "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGH"
GITLAB = "glpat-" + "Zq8Wn3Rt6Yp1Ls4Kd7Fh"
SLACK = "xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
OPENAI = "sk-proj-" + "Tq3Zr8Lm2Np6Xv9Bc4Hd7Jf1Kg5Ws0Ye"
JWT = (
    "eyJhbGciOiJIUzI1NiJ9"
    + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0"
    + ".dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)
PASSWORD = "p4Ss-W0rd-7Hq!xZ29"
ENV_VALUE = "plainvalue"  # low entropy: only the .env rule can catch it
KEY_BODY = "MIIEowIBAAKCAQEAx9Gf3pq2Lz8KmT5wYv1Rb7NcHs4Je6Ud0Qa"

SECRETS = (
    AWS_ID,
    AWS_SECRET,
    GITHUB,
    GITHUB_PAT,
    GITLAB,
    SLACK,
    OPENAI,
    JWT,
    PASSWORD,
    ENV_VALUE,
    KEY_BODY,
)

BEGIN = "-----BEGIN RSA " + "PRIVATE KEY-----"
END = "-----END RSA " + "PRIVATE KEY-----"

DIFF = f"""\
diff --git a/deploy/settings.py b/deploy/settings.py
index 1111111..2222222 100644
--- a/deploy/settings.py
+++ b/deploy/settings.py
@@ -1,2 +1,9 @@
 import os
+AWS_ACCESS_KEY_ID = "{AWS_ID}"
+aws_secret_access_key = "{AWS_SECRET}"
+GITHUB_TOKEN = "{GITHUB}"
+headers = {{"Authorization": "Bearer {OPENAI}"}}
+SLACK = "{SLACK}"
+db_password = "{PASSWORD}"
+session = "{JWT}"
 DEBUG = False
diff --git a/.env.production b/.env.production
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/.env.production
@@ -0,0 +1,3 @@
+API_URL=https://api.example.com
+SHARED_NAME={ENV_VALUE}
+GITLAB_TOKEN={GITLAB}
diff --git a/certs/server.key b/certs/server.key
new file mode 100644
index 0000000..4444444
--- /dev/null
+++ b/certs/server.key
@@ -0,0 +1,3 @@
+{BEGIN}
+{KEY_BODY}
+{END}
"""

#: the intent leaves deploy/settings.py unexplained, so its lines are read (and must be redacted)
INTENT = f"fix: the billing rounding\n\nThe release job uses {GITHUB_PAT} and the Slack hook."


def _det() -> tuple[object, object]:
    diff = parse_diff(DIFF)
    return review(diff, parse_intent(INTENT, source="pr")), diff


def test_seeded_secrets_never_appear_in_a_request_body() -> None:
    det, diff = _det()
    client = FakeClient([reply(answer_json())])
    out = enrich(det, diff, Config(), client=client, cache=None)  # type: ignore[arg-type]
    bodies = "\n".join(client.bodies())
    assert bodies
    for secret in SECRETS:
        assert secret not in bodies
        assert json.dumps(secret)[1:-1] not in bodies
    assert "[REDACTED:" in bodies
    assert out.llm is not None
    redactions = out.llm["redactions"]
    assert isinstance(redactions, int) and redactions >= len(SECRETS) - 1
    # every file that holds a secret was read, so redaction (not omission) kept them out
    assert sorted(out.llm["seen"]["full"]) == sorted(fd.path for fd in diff.files)  # type: ignore[attr-defined, index]
    assert "deploy/settings.py" in bodies and "db_password = " in bodies  # the rest is still there


def test_seeded_secrets_never_reach_the_wire(tmp_path: object) -> None:
    det, diff = _det()
    with StubServer([ok]) as server:
        client = OpenAIClient(
            Endpoint(base_url=server.base_url, api_key="sk-test-not-a-key", local=True)
        )
        out = enrich(det, diff, Config(), client=client, cache=None)  # type: ignore[arg-type]
        raw = b"\n".join(r["raw"] for r in server.received)
    assert not out.degraded and raw
    for secret in SECRETS:
        assert secret.encode() not in raw


@pytest.mark.parametrize(
    "line",
    [
        "password = get_password()",
        "token = settings.API_TOKEN",
        'token_type = "bearer"',
        "secret_name: ${{ secrets.DEPLOY_KEY }}",
        'api_key = os.environ["API_KEY"]',
        "def rotate_secret(secret_id): ...",
        "passwordless = True",
    ],
)
def test_code_that_names_secrets_is_left_alone(line: str) -> None:
    r = Redactor()
    assert r.text(line) == line and r.total == 0


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=16, max_size=16))
def test_any_aws_key_id_is_redacted(tail: str) -> None:
    key = "AKIA" + tail
    assert key not in Redactor().text(f"aws_access_key_id = {key}")


def test_private_key_blocks_are_removed_across_lines() -> None:
    r = Redactor()
    out = r.lines("x.pem", ["+" + BEGIN, "+" + KEY_BODY, "+" + END, "+after"])
    assert out[:3] == ["+[REDACTED:private-key]"] * 3 and out[3] == "+after"
    assert KEY_BODY not in r.text(f"{BEGIN}\n{KEY_BODY}\n{END}")


def test_env_files_and_entropy() -> None:
    assert is_env_file(".env") and is_env_file("config/.env.local") and is_env_file("prod.env")
    assert not is_env_file("environment.py")
    assert entropy("aaaa") == 0.0 and entropy(PASSWORD) > 3.0
    out = Redactor().lines(".env", ["+# comment", "+EMPTY=", "+NAME=value", "+REF=${OTHER}"])
    assert out == ["+# comment", "+EMPTY=", "+NAME=[REDACTED:env]", "+REF=${OTHER}"]
