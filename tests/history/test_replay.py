"""Incident replays: every bundled incident is documented, sourced and stopped by the policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.config import Config
from reviewer.diff import parse_diff
from reviewer.history.replay import load_incidents, replay

INCIDENTS = load_incidents()


def test_there_are_at_least_five_replays_each_with_public_sources() -> None:
    assert len(INCIDENTS) >= 5
    for inc in INCIDENTS:
        assert inc.sources and all(s.startswith("https://") for s in inc.sources), inc.slug
        assert inc.intent.strip() and inc.title != inc.slug
        diff = parse_diff(inc.diff.decode())
        assert diff.files and not any(f.problems for f in diff.files), inc.slug


@pytest.mark.parametrize("incident", INCIDENTS, ids=lambda i: i.slug)
def test_every_incident_is_stopped_by_the_default_policy(incident: object) -> None:
    (row,) = replay([incident], Config())  # type: ignore[list-item]
    assert row["stopped"], row
    assert row["verdict"] == "mismatch"
    assert row["questions"]


def test_replay_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["replay"]) == 0
    out = capsys.readouterr().out
    assert f"{len(INCIDENTS)} of {len(INCIDENTS)} stopped" in out
    assert main(["replay", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["incident"] for r in rows} == {i.slug for i in INCIDENTS}
    # a policy that never blocks lets them all through: the command says so with exit 1
    lax = tmp_path / "lax.toml"
    lax.write_text('fail_on = "never"\n')
    assert main(["replay", "--config", str(lax)]) == 1
    assert "0 of" in capsys.readouterr().out
