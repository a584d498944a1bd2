"""Fixtures for the hook tests: a repository with Terraform, a README and a bare remote."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Repo

MAIN_TF = """\
terraform {
  backend "s3" {
    bucket = "state"
    key    = "prod/terraform.tfstate"
  }
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_db_instance" "main" {
  identifier          = "prod-db"
  engine              = "postgres"
  deletion_protection = true
}

resource "aws_s3_bucket" "logs" {
  bucket = "prod-logs"
}
"""
README = "# Project\n\nThis is teh readme of the project.\n"
GUIDE = "# Guide\n\nHow to use the project.\n"
GOOD_ANSWER = (
    "The database was migrated to cluster B last week and snapshot snap-0142 is kept for 90 days."
)
QUESTION_RE = re.compile(r"\[ \] (Q[0-9A-F]{7})")


def destroy(repo: Repo) -> None:
    """The outage change: delete the database and force the VPC to be replaced."""
    text = (repo.path / "infra" / "main.tf").read_text()
    text = re.sub(r'resource "aws_db_instance".*?\n}\n\n', "", text, flags=re.S)
    repo.write("infra/main.tf", text.replace("10.0.0.0/16", "10.1.0.0/16"))


def fix_typo(repo: Repo) -> None:
    repo.write("README.md", README.replace("teh", "the"))


def open_questions(output: str) -> list[str]:
    return QUESTION_RE.findall(output)


@pytest.fixture
def project(repo: Repo) -> Repo:
    """A repository with one commit: Terraform, a README and a guide."""
    repo.write("infra/main.tf", MAIN_TF)
    repo.write("README.md", README)
    repo.write("docs/guide.md", GUIDE)
    repo.commit("Initial import")
    return repo


@pytest.fixture
def remote(project: Repo, tmp_path: Path) -> Path:
    """A bare 'origin' that has main."""
    bare = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    project.git("remote", "add", "origin", str(bare))
    project.git("push", "-q", "-u", "origin", "main")
    return bare
