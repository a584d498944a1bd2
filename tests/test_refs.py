"""Callers of a changed public symbol, counted in a real repository."""

from __future__ import annotations

import json

import pytest

from reviewer.cli import main
from tests.conftest import Repo


def test_widely_used_function_raises_the_blast_radius(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write("lib/money.py", "def convert_amount(value, rate):\n    return value * rate\n")
    for i in range(25):
        repo.write(
            f"app/use{i}.py",
            "from lib.money import convert_amount\n\nprint(convert_amount(1, 2))\n",
        )
    repo.commit("init")
    repo.git("checkout", "-q", "-b", "change")
    repo.write(
        "lib/money.py", "def convert_amount(value, rate, currency):\n    return value * rate\n"
    )
    repo.commit("Add currency to convert_amount")
    monkeypatch.chdir(repo.path)
    assert main(
        [
            "review",
            "--base",
            "main",
            "--intent",
            "Add a currency parameter to `convert_amount`",
            "--format",
            "json",
        ]
    ) in (0, 1)
    report = json.loads(capsys.readouterr().out)
    assert report["blast_radius"]["level"] == "high"
    assert any("referenced from 25 files" in r for r in report["blast_radius"]["reasons"])
