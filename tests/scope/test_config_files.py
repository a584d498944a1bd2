from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import check_severities, scope_both

GOLDEN = Path(__file__).parent / "golden" / "config_files"


#: (code, severity) of every golden case; expected.json pins the codes, this pins severities
SEVERITIES: dict[str, set[tuple[str, str]]] = {
    "env_secret_committed": {
        ("flag.config", "medium"),
        ("flag.secret", "high"),
    },
    "feature_flag_flipped": {
        ("flag.default", "medium"),
        ("flag.limit", "medium"),
    },
    "yaml_flags_and_limits": {
        ("flag.default", "medium"),
        ("flag.limit", "medium"),
    },
}


@pytest.mark.parametrize("case", sorted(p.name for p in GOLDEN.iterdir()), ids=str)
def test_golden_severities(case: str) -> None:
    check_severities(GOLDEN / case, SEVERITIES[case])


def _codes(path: str, old: str | None, new: str | None) -> list[tuple[str, str]]:
    full, hunks = scope_both(path, old, new)
    got: list[tuple[str, str]] = sorted({(s.code, s.severity) for s in full.signals})
    assert got == sorted({(s.code, s.severity) for s in hunks.signals}), "modes disagree"
    return got


@pytest.mark.parametrize(
    ("key", "old", "new", "expected"),
    [
        ("enable_new_checkout", "false", "true", [("flag.default", "medium")]),
        ("newCheckoutEnabled", "false", "true", [("flag.default", "medium")]),
        ("FEATURE_SEARCH_V2", "off", "on", [("flag.default", "medium")]),
        ("rollout_percentage", "10", "100", [("flag.default", "medium")]),
        ("request_timeout_ms", "3000", "500", [("flag.limit", "medium")]),
        ("max_retries", "3", "0", [("flag.limit", "medium")]),
        ("log_format", "json", "text", [("flag.config", "medium")]),
    ],
)
def test_global_settings(key: str, old: str, new: str, expected: list[tuple[str, str]]) -> None:
    before = f"[app]\nname = shop\n{key} = {old}\n"
    assert (
        _codes("config/production.ini", before, before.replace(f"= {old}", f"= {new}")) == expected
    )


@pytest.mark.parametrize(
    ("path", "line", "expected"),
    [
        (".env.production", "API_TOKEN=9f8e7d6c5b4a39281706f5e4", [("flag.secret", "high")]),
        (".env", "DB_PASSWORD=changeme", []),
        (".env", "DB_PASSWORD=${DB_PASSWORD}", []),
        (".env", "JWT_SECRET=", []),
        (".env", "TOKEN_URL=https://auth.example.com/token", [("flag.config", "medium")]),
        (".env", "MAX_TOKENS=4096", [("flag.config", "medium")]),
        (".env.example", "API_TOKEN=9f8e7d6c5b4a39281706f5e4", []),
        (".env.example", "AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP", [("flag.secret", "high")]),
        (
            "config/app.toml",
            '[aws]\naccess_key = "AKIAABCDEFGHIJKLMNOP"',
            [("flag.secret", "high")],
        ),
        ("config/db.yaml", "password: your-password-here", []),
        ("config/db.yaml", "password: kJ8#mP2$vL9q", [("flag.secret", "high")]),
    ],
)
def test_secrets(path: str, line: str, expected: list[tuple[str, str]]) -> None:
    base = {"yaml": "a: 1\n", "toml": "a = 1\n"}.get(path.rsplit(".", 1)[-1], "APP=1\n")
    assert _codes(path, base, base + line + "\n") == expected


def test_tool_configs_report_only_secrets() -> None:
    old = '{\n  "compilerOptions": {\n    "strict": false,\n    "maxNodeModuleJsDepth": 1\n  }\n}\n'
    new = old.replace("false", "true").replace(": 1", ": 2")
    assert _codes("tsconfig.json", old, new) == []
    lint_old = "linters:\n  enable:\n    - govet\n"
    assert _codes(".golangci.yml", lint_old, lint_old + "    - errcheck\n") == []


def test_kubernetes_and_workflow_files_are_left_to_yaml() -> None:
    k8s = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n"
    full, _ = scope_both(".github/cluster/web.yaml", k8s, k8s.replace("replicas: 2", "replicas: 5"))
    assert not [s for s in full.signals if s.code.startswith("flag.")]


def test_precommit_config_is_handed_to_governance() -> None:
    old = "repos:\n  - repo: https://github.com/psf/black\n    rev: 23.1.0\n    hooks:\n      - id: black\n"
    assert _codes(".pre-commit-config.yaml", old, old.replace("23.1.0", "24.2.0")) == [
        ("gov.precommit_rev", "low")
    ]


def test_generated_data_files_are_capped() -> None:
    old = "[data]\n" + "".join(f"k{i} = {i}\n" for i in range(300))
    new = "[data]\n" + "".join(f"k{i} = {i + 1}\n" for i in range(300))
    full, hunks = scope_both("config/defaults.toml", old, new)
    for fs in (full, hunks):
        assert len(fs.symbols) == 50 and len(fs.signals) == 20
        assert "300 settings changed; 50 listed" in fs.notes


def test_hostile_config_text_never_raises() -> None:
    junk = "[" * 10_000 + "{" * 10_000 + "a: " * 10_000 + "\ufffd" + "x" * 1_000_000
    for path in ("config/a.json", "config/a.yaml", "config/a.toml", "config/a.ini", ".env"):
        scope_both(path, junk, junk[::-1] + "\r\n")


@pytest.mark.parametrize(
    ("path", "old", "new", "expected"),
    [
        (
            ".npmrc",
            "registry=https://registry.npmjs.org/\n",
            "registry=https://npm.mirror.example/\n",
            [("flag.package_source", "high")],
        ),
        (
            ".npmrc",
            "save-exact=true\n",
            "save-exact=true\n//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}\n",
            [],
        ),
        (
            "pip.conf",
            "[global]\ntimeout = 60\n",
            "[global]\ntimeout = 60\nextra-index-url = https://pypi.mirror.example/simple\n",
            [("flag.package_source", "high")],
        ),
        (
            ".yarnrc.yml",
            "nodeLinker: node-modules\n",
            'nodeLinker: node-modules\nnpmRegistryServer: "https://registry.example.net"\n',
            [("flag.package_source", "high")],
        ),
    ],
)
def test_package_manager_sources(
    path: str, old: str, new: str, expected: list[tuple[str, str]]
) -> None:
    assert _codes(path, old, new) == expected


def test_helm_values_get_flag_signals_only() -> None:
    old = "featureX:\n  enabled: false\nimage:\n  tag: 1.0\nresources:\n  limits:\n    cpu: 500m\n"
    new = old.replace("false", "true").replace("1.0", "2.0").replace("500m", "1")
    full, _ = scope_both("values.yaml", old, new)
    assert [(s.code, s.symbol) for s in full.signals if s.code.startswith("flag.")] == [
        ("flag.default", "featureX.enabled")
    ]
