"""Security switches turned off in application code and settings (reviewer/scope/safeguards.py)."""

from __future__ import annotations

import pytest

from tests.helpers import scope_both


def _off(path: str, old: str | None, new: str) -> list[tuple[str, str | None, str]]:
    full, hunks = scope_both(path, old, new)
    got = sorted(
        (s.severity, s.symbol, s.detail) for s in full.signals if s.code == "code.safeguard_off"
    )
    assert got == sorted(
        (s.severity, s.symbol, s.detail) for s in hunks.signals if s.code == "code.safeguard_off"
    ), "modes disagree"
    return [(sev, sym, detail) for sev, sym, detail in got]


SETTINGS = (
    "DEFAULTS = {\n"
    '    "SESSION_COOKIE_NAME": "session",\n'
    '    "SESSION_COOKIE_HTTPONLY": True,\n'
    '    "SESSION_COOKIE_SECURE": False,\n'
    "}\n"
)


def test_a_session_cookie_switch_turned_off_in_a_settings_dict() -> None:
    new = SETTINGS.replace('"SESSION_COOKIE_HTTPONLY": True', '"SESSION_COOKIE_HTTPONLY": False')
    got = _off("src/app/config.py", SETTINGS, new)
    assert [(sev, sym) for sev, sym, _d in got] == [("high", "SESSION_COOKIE_HTTPONLY")]
    # the other way round hardens; a switch that was already off and stays so is no change
    hardened = SETTINGS.replace('"SESSION_COOKIE_SECURE": False', '"SESSION_COOKIE_SECURE": True')
    assert _off("src/app/config.py", SETTINGS, hardened) == []
    # a new setting written with its (insecure) default is not a toggle
    added = SETTINGS.replace("}\n", '    "CSRF_COOKIE_SECURE": False,\n}\n')
    assert _off("src/app/config.py", SETTINGS, added) == []


@pytest.mark.parametrize(
    ("path", "old", "new", "key"),
    [
        (
            "internal/client/http.go",
            "cfg := &tls.Config{\n\tMinVersion: tls.VersionTLS12,\n}\n",
            "cfg := &tls.Config{\n\tMinVersion: tls.VersionTLS12,\n\tInsecureSkipVerify: true,\n}\n",
            "InsecureSkipVerify",
        ),
        (
            "src/fetch.ts",
            "const agent = new https.Agent({ keepAlive: true });\n",
            "const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });\n",
            "rejectUnauthorized",
        ),
        (
            "app/sync.py",
            "r = requests.get(url, timeout=5)\n",
            "r = requests.get(url, timeout=5, verify=False)\n",
            "verify",
        ),
    ],
    ids=["go", "typescript", "python"],
)
def test_tls_verification_switched_off_where_it_was_never_set(
    path: str, old: str, new: str, key: str
) -> None:
    got = _off(path, old, new)
    assert [(sev, sym) for sev, sym, _d in got] == [("high", key)]
    assert "TLS certificates are not checked" in got[0][2]


def test_tests_and_docs_set_switches_on_purpose() -> None:
    old = "r = requests.get(url)\n"
    new = "r = requests.get(url, verify=False)\n"
    assert _off("tests/test_sync.py", old, new) == []
    assert _off("docs/guide.md", "Call `get(url)`.\n", "Call `get(url, verify=False)`.\n") == []


def test_an_unstated_switch_off_is_a_mismatch_and_a_statement_licenses_it() -> None:
    from reviewer.diff import parse_diff
    from reviewer.intent import parse_intent
    from reviewer.review import review
    from tests.helpers import git_diff

    new = SETTINGS.replace('"SESSION_COOKIE_HTTPONLY": True', '"SESSION_COOKIE_HTTPONLY": False')
    diff = parse_diff(git_diff("src/app/config.py", SETTINGS, new))
    quiet = review(diff, parse_intent("", title="Fix the session cookie name in the cli test"))
    assert (quiet.verdict, quiet.blast_radius.level) == ("mismatch", "critical")
    stated = review(
        diff, parse_intent("", title="Turn off SESSION_COOKIE_HTTPONLY so the SPA can read it")
    )
    toggles = [f for f in stated.findings if f.kind == "protection_toggle"]
    assert toggles and all(f.licensed and f.stated for f in toggles)


def test_a_package_managers_release_age_set_to_zero_or_taken_out() -> None:
    old = "packages:\n  - .\nminimumReleaseAge: 1440\n"
    (zero,) = _off("pnpm-workspace.yaml", old, old.replace("1440", "0"))
    assert zero[0] == "high" and zero[1] == "minimumReleaseAge"
    # taken out: the tool's default applies (a day for pnpm 11, none before): medium
    (gone,) = _off("pnpm-workspace.yaml", old, "packages:\n  - .\n")
    assert gone[0] == "medium"
    # a longer wait, or a wait added, is no switch turned off
    assert _off("pnpm-workspace.yaml", old, old.replace("1440", "10080")) == []
    assert (
        _off(".yarnrc.yml", "nodeLinker: pnp\n", "nodeLinker: pnp\nnpmMinimalAgeGate: 3d\n") == []
    )


def test_a_call_that_enforces_a_check_taken_out() -> None:
    old = (
        "class SessionAuthentication:\n    def authenticate(self, request):\n"
        "        user = request.user\n        self.enforce_csrf(request)\n        return (user, None)\n"
    )
    new = old.replace("        self.enforce_csrf(request)\n", "")
    (sig,) = _off("rest_framework/authentication.py", old, new)
    assert sig[0] == "high" and sig[1] == "enforce_csrf"
    # moved, not removed: it still runs
    moved = new.replace(
        "        user = request.user\n",
        "        self.enforce_csrf(request)\n        user = request.user\n",
    )
    assert _off("rest_framework/authentication.py", old, moved) == []


def test_a_password_hash_work_factor_lowered() -> None:
    old = "module Devise\n  @@stretches = 12\n  mattr_accessor :stretches\nend\n"
    (sig,) = _off("lib/devise.rb", old, old.replace("12", "1"))
    assert sig[0] == "high" and "stretches" in sig[2]
    # raised: stronger hashes
    assert _off("lib/devise.rb", old, old.replace("12", "13")) == []


def test_a_security_linter_taken_out_of_a_lint_config() -> None:
    old = "linters:\n  enable:\n    - errcheck\n    - gosec\n    - govet\n"
    for new in (old.replace("    - gosec\n", ""), old.replace("    - gosec\n", "    #- gosec\n")):
        (sig,) = _off(".golangci.yml", old, new)
        assert sig[0] == "high" and sig[1] == "gosec"
    # another linter, or gosec moved within the list, is no security check lost
    assert _off(".golangci.yml", old, old.replace("    - errcheck\n", "")) == []
    moved = "linters:\n  enable:\n    - gosec\n    - errcheck\n    - govet\n"
    assert _off(".golangci.yml", old, moved) == []


def test_an_options_default_and_a_sinatra_setting_turned_off() -> None:
    cli = "parser.add_argument(\n    '--verify',\n    default='yes',\n    help='SSL verification',\n)\n"
    (sig,) = _off("httpie/cli/definition.py", cli, cli.replace("default='yes'", "default='no'"))
    assert sig[0] == "high" and sig[1] == "verify"
    # the default of an option that guards nothing is not read
    other = cli.replace("--verify", "--pretty")
    assert (
        _off("httpie/cli/definition.py", other, other.replace("default='yes'", "default='no'"))
        == []
    )
    rb = "class Base\n  set :protection, true\n  set :logging, false\nend\n"
    (sig,) = _off(
        "lib/sinatra/base.rb", rb, rb.replace("set :protection, true", "set :protection, false")
    )
    assert sig[0] == "high" and sig[1] == "protection"


def test_a_trust_setting_opened_to_a_wildcard_trusts_every_client() -> None:
    old = 'forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")\n'
    for scope in scope_both("uvicorn/config.py", old, old.replace('"127.0.0.1"', '"*"')):
        assert any(s.code == "code.safeguard_off" and "wildcard" in s.detail for s in scope.signals)
    hosts = "ALLOWED_HOSTS = ['shop.example.com']\n"
    for scope in scope_both("shop/settings.py", hosts, "ALLOWED_HOSTS = ['*']\n"):
        assert {s.severity for s in scope.signals if s.code == "code.safeguard_off"} == {"high"}
    # a wildcard in a setting about something else, or one that was already there, is no change
    glob = 'include = ["src/*.py"]\n'
    for scope in scope_both("tool/config.py", 'include = ["src/a.py"]\n', glob):
        assert not [s for s in scope.signals if s.code == "code.safeguard_off"]
    both = "ALLOWED_HOSTS = ['*']  # dev\n"
    for scope in scope_both("shop/settings.py", "ALLOWED_HOSTS = ['*']\n", both):
        assert not [s for s in scope.signals if s.code == "code.safeguard_off"]
