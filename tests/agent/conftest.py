"""Fixtures for the agent tests: documented payloads, a repository, the hook run in-process."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reviewer.cli import main
from tests.conftest import Repo

DATA = Path(__file__).parent / "data"

REPORT_PY = 'def currency(amount):\n    return f"{amount:.2f} EUR"\n'
MAIN_TF = """\
resource "aws_db_instance" "main" {
  identifier          = "prod-db"
  engine              = "postgres"
  deletion_protection = true
}

resource "aws_s3_bucket" "logs" {
  bucket = "prod-logs"
}
"""
ASK = "Fix the currency bug in billing/report.py: the daily cost report shows EUR instead of USD"


def payload(name: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text())
    data.update(changes)
    return data


def fix_currency(repo: Repo) -> None:
    repo.write("billing/report.py", REPORT_PY.replace("EUR", "USD"))


def delete_database(repo: Repo) -> None:
    repo.write("infra/main.tf", MAIN_TF.split("\n\n", 1)[1])


@pytest.fixture
def project(repo: Repo) -> Repo:
    repo.write("billing/report.py", REPORT_PY)
    repo.write("infra/main.tf", MAIN_TF)
    repo.commit("Initial commit")
    return repo


HookRun = Callable[..., tuple[int, str, str]]


@pytest.fixture
def hook(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], project: Repo
) -> HookRun:
    """``hook(agent, payload_dict_or_raw_bytes)`` -> (exit code, stdout, stderr), in the project."""
    monkeypatch.chdir(project.path)

    def run(agent: str, data: dict[str, Any] | bytes) -> tuple[int, str, str]:
        raw = data if isinstance(data, bytes) else json.dumps(data).encode()
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
        capsys.readouterr()
        code = main(["agent", "hook", agent])
        out, err = capsys.readouterr()
        return code, out, err

    return run
