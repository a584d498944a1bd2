"""The project's own ``.pre-commit-config.yaml``: valid, its ``intent-review`` hook is the one users
get (dogfooded), and ``.ci/run`` runs the same checks as its other hooks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pre_commit.clientlib import load_config, load_manifest

ROOT = Path(__file__).resolve().parents[2]


def _local_hooks() -> dict[str, dict[str, Any]]:
    config = load_config(str(ROOT / ".pre-commit-config.yaml"))  # raises on an invalid config
    (repo,) = config["repos"]
    assert repo["repo"] == "local"
    return {hook["id"]: hook for hook in repo["hooks"]}


def test_the_dogfood_hook_is_the_shipped_hook() -> None:
    shipped = {hook["id"]: hook for hook in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    ours = _local_hooks()["intent-review"]
    for key in ("name", "entry", "stages", "pass_filenames", "require_serial", "always_run"):
        assert ours[key] == shipped["intent-review"][key], key


def test_ci_runs_what_the_hooks_run() -> None:
    hooks = _local_hooks()
    assert set(hooks) == {"ruff-check", "ruff-format", "mypy", "intent-review"}
    ci = (ROOT / ".ci" / "run").read_text()
    assert "ruff check" in hooks["ruff-check"]["entry"] and "ruff check" in ci
    assert "ruff format" in hooks["ruff-format"]["entry"] and "ruff format --check" in ci
    assert hooks["mypy"]["entry"] == "mypy" and hooks["mypy"]["pass_filenames"] is False
    assert "\nmypy" in ci or " mypy" in ci
    raw = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    assert set(raw["default_install_hook_types"]) >= {"pre-commit", "commit-msg"}
