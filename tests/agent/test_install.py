"""``reviewer agent install``: merged into the agent's settings, never clobbering them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from reviewer.cli import main
from tests.conftest import Repo

SETTINGS = {
    "claude": ".claude/settings.json",
    "codex": ".codex/hooks.json",
    "gemini": ".gemini/settings.json",
    "cursor": ".cursor/hooks.json",
}


@pytest.mark.parametrize("agent", sorted(SETTINGS))
def test_install_writes_the_hooks_once(
    agent: str, repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo.path)
    assert main(["agent", "install", agent]) == 0
    path = repo.path / SETTINGS[agent]
    first = path.read_text()
    assert f"reviewer agent hook {agent}" in first
    assert main(["agent", "install", agent]) == 0
    assert path.read_text() == first
    assert "nothing changed" in capsys.readouterr().out


def test_install_keeps_existing_settings_and_hooks(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo.path)
    existing: dict[str, Any] = {
        "permissions": {"allow": ["Bash(npm test)"]},
        "hooks": {
            "Stop": [{"hooks": [{"type": "command", "command": "npm test"}]}],
            "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "x"}]}],
        },
    }
    repo.write(".claude/settings.json", json.dumps(existing))
    assert main(["agent", "install", "claude"]) == 0
    merged = json.loads((repo.path / ".claude/settings.json").read_text())
    assert merged["permissions"] == existing["permissions"]
    assert merged["hooks"]["PreToolUse"] == existing["hooks"]["PreToolUse"]
    stop = merged["hooks"]["Stop"]
    assert stop[0] == existing["hooks"]["Stop"][0]
    assert stop[1]["hooks"][0]["command"] == "reviewer agent hook claude"
    assert merged["hooks"]["UserPromptSubmit"][0]["hooks"][0]["command"] == (
        "reviewer agent hook claude"
    )


def test_print_shows_the_merge_and_writes_nothing(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo.path)
    repo.write(".cursor/hooks.json", json.dumps({"version": 1, "hooks": {"stop": []}}))
    assert main(["agent", "install", "cursor", "--print"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["hooks"]["stop"] == [{"command": "reviewer agent hook cursor"}]
    assert json.loads((repo.path / ".cursor/hooks.json").read_text())["hooks"]["stop"] == []


@pytest.mark.parametrize("text", ["{not json", "[]", '{"hooks": []}', '{"hooks": {"Stop": {}}}'])
def test_unusable_settings_are_an_error_that_changes_nothing(
    text: str, repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo.path)
    repo.write(".claude/settings.json", text)
    assert main(["agent", "install", "claude"]) == 2
    assert "nothing was changed" in capsys.readouterr().err
    assert (repo.path / ".claude/settings.json").read_text() == text
