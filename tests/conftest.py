"""Shared fixtures: a clean environment, real git repositories, golden files."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["REVIEWER_STRICT"] = "1"  # analyzer bugs must fail tests, not become notes

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Committer",
    "GIT_COMMITTER_EMAIL": "committer@example.com",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite golden files from the current output instead of comparing",
    )
    parser.addoption(
        "--run-slow",
        action="store_true",
        default=False,
        help="also run the slow lane (tests marked slow); on by default when CI is set",
    )


def _runs_slow(config: pytest.Config) -> bool:
    """The slow lane runs in CI (CI=true, as .ci/run sets), with --run-slow, with an explicit -m, or
    when a test file or test id is named: deselecting what was asked for by name helps no one."""
    if config.getoption("--run-slow") or config.getoption("markexpr"):
        return True
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        return True
    return any("::" in arg or arg.endswith(".py") for arg in config.args)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _runs_slow(config):
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]


def pytest_report_header(config: pytest.Config) -> str:
    if _runs_slow(config):
        return "slow lane: on"
    return "slow lane: off (tests marked slow are deselected; --run-slow or CI=true runs them)"


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(autouse=True)
def _clean_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """No test sees the developer's tokens, endpoints, git identity or caches."""
    for key in list(os.environ):
        if (
            key.startswith(
                ("OPENAI_", "GITHUB_", "AZURE_OPENAI", "GIT_", "PRE_COMMIT", "REVIEWER_")
            )
            and key != "REVIEWER_STRICT"
        ):
            monkeypatch.delenv(key, raising=False)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("NO_COLOR", "1")
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    yield


class Repo:
    """A real git repository in a temporary directory, with deterministic commits."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, input: str | None = None) -> str:
        out = subprocess.run(
            ["git", *args],
            cwd=self.path,
            input=input,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout

    def write(self, rel: str, content: str | bytes) -> Path:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
        return target

    def remove(self, rel: str) -> None:
        self.git("rm", "-q", rel)

    def commit(self, message: str, *, all: bool = True) -> str:
        if all:
            self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")
