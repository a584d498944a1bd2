"""A repository with a merged history: squash merges, a merge commit, a revert, a policy change."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Repo

MAIN_TF = """\
resource "aws_db_instance" "main" {
  identifier          = "prod-db"
  engine              = "postgres"
  deletion_protection = true
}

resource "aws_s3_bucket" "logs" {
  bucket = "prod-logs"
}

resource "aws_s3_bucket" "assets" {
  bucket = "prod-assets"
}
"""
README = "# Project\n\nThis is teh readme.\n"


class History:
    """The repository and the commit ids of its story, by name."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.shas: dict[str, str] = {}


def at(monkeypatch: pytest.MonkeyPatch, date: str) -> None:
    monkeypatch.setenv("GIT_AUTHOR_DATE", date)
    monkeypatch.setenv("GIT_COMMITTER_DATE", date)


def drop(repo: Repo, address: str) -> None:
    kind, name = address.split(".")
    text = (repo.path / "infra" / "main.tf").read_text()
    text = re.sub(rf'resource "{kind}" "{name}" \{{.*?\n\}}\n\n?', "", text, flags=re.S)
    repo.write("infra/main.tf", text)


@pytest.fixture
def history(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> History:
    h = History(repo)
    at(monkeypatch, "2025-01-05T10:00:00Z")
    repo.write("infra/main.tf", MAIN_TF)
    repo.write("README.md", README)
    h.shas["initial"] = repo.commit("Initial import")

    at(monkeypatch, "2025-01-10T10:00:00Z")
    repo.write("README.md", README.replace("teh", "the"))
    h.shas["typo"] = repo.commit("Fix typo in README (#1)")

    # an outage: called a typo fix, it deletes the database; reverted the next day
    at(monkeypatch, "2025-02-03T10:00:00Z")
    drop(repo, "aws_db_instance.main")
    h.shas["outage"] = repo.commit("Fix typo in README (#2)")
    at(monkeypatch, "2025-02-04T10:00:00Z")
    repo.git("revert", "--no-edit", h.shas["outage"])
    h.shas["revert"] = repo.git("rev-parse", "HEAD").strip()

    # a merge whose message only names the branch: its commits say what it does
    at(monkeypatch, "2025-03-01T10:00:00Z")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("docs/guide.md", "# Guide\n\nHow to deploy.\n")
    h.shas["feature"] = repo.commit("Add the deployment guide docs/guide.md")
    repo.git("checkout", "-q", "main")
    repo.git(
        "merge", "-q", "--no-ff", "feature", "-m", "Merge pull request #4 from someone/feature"
    )
    h.shas["merge"] = repo.git("rev-parse", "HEAD").strip()

    # blocked, never reverted or hot-fixed: the noise a team would tune away
    at(monkeypatch, "2025-03-10T10:00:00Z")
    drop(repo, "aws_s3_bucket.logs")
    h.shas["tidy"] = repo.commit("chore: tidy the docs (#5)")

    # from here on the repository's own policy ignores deletions
    at(monkeypatch, "2025-04-01T10:00:00Z")
    repo.write(".reviewer.toml", '[rules]\nignore = ["RV1", "RV2", "RV301", "RV5"]\n')
    h.shas["policy"] = repo.commit("ci: add the reviewer policy (#6)")

    at(monkeypatch, "2025-04-02T10:00:00Z")
    drop(repo, "aws_s3_bucket.assets")
    h.shas["late"] = repo.commit("docs: update the readme <script>alert(1)</script> (#7)")
    return h
