"""Terraform addresses belong to a module (a directory), not a file; and a copy deletes nothing.

Real git repositories: the diffs are git's own, with its rename and copy detection, and every
case is checked in both modes (whole files from git, and the hunks alone)."""

from __future__ import annotations

import pytest

from reviewer import git
from reviewer.diff import decode, parse_diff
from reviewer.models import FileScope
from reviewer.scope import build_scope
from tests.conftest import Repo

BUCKET = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'
DB = (
    'resource "aws_db_instance" "db" {\n  engine            = "postgres"\n'
    '  instance_class    = "db.t3.micro"\n  allocated_storage = 20\n}\n'
)
#: enough other blocks that git sees a file the database moves to as new, not as a copy
BUCKETS = "".join(
    f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "acme-{i}"\n}}\n\n' for i in range(8)
)


def _scopes(repo: Repo, mode: str) -> dict[str, FileScope]:
    base, head, fork = git.pr_range("HEAD~1", "HEAD", cwd=repo.path) or ("", "", "")
    diff = parse_diff(decode(git.diff_range(base, head, cwd=repo.path)))
    if mode == "full":
        with git.BlobReader(repo.path) as reader:
            scope = build_scope(diff, blobs=git.GitBlobs(reader, fork, head))
    else:
        scope = build_scope(diff)
    return {fs.path: fs for fs in scope.files}


def _codes(fs: FileScope) -> set[str]:
    return {s.code for s in fs.signals}


@pytest.mark.parametrize("mode", ["full", "hunks"])
def test_a_resource_moved_to_another_file_of_its_module_is_not_destroyed(
    repo: Repo, mode: str
) -> None:
    repo.write("infra/main.tf", BUCKET + "\n" + DB)
    repo.commit("init")
    repo.write("infra/main.tf", BUCKET)
    repo.write("infra/database.tf", DB)  # git sees a copy of main.tf
    repo.commit("split main.tf")
    scopes = _scopes(repo, mode)
    main, database = scopes["infra/main.tf"], scopes["infra/database.tf"]
    assert database.status == "copied"
    assert "tf.resource_deleted" not in _codes(main) | _codes(database)
    assert any("moves to infra/database.tf" in n for n in main.notes), main.notes
    # the copy leaves the bucket out of main.tf's text: that is no deletion either
    assert not [s for s in database.symbols if s.change == "deleted"]
    if mode == "full":
        assert [(s.name, s.change) for s in database.symbols] == [("aws_db_instance.db", "added")]


@pytest.mark.parametrize("mode", ["full", "hunks"])
def test_a_resource_moved_to_another_module_is_still_destroyed(repo: Repo, mode: str) -> None:
    repo.write("infra/main.tf", BUCKET + "\n" + DB)
    repo.commit("init")
    repo.write("infra/main.tf", BUCKET)
    repo.write("modules/db/main.tf", DB)
    repo.commit("move the database into a module")
    scopes = _scopes(repo, mode)
    assert "tf.resource_deleted" in _codes(scopes["infra/main.tf"])


@pytest.mark.parametrize("mode", ["full", "hunks"])
def test_a_moved_block_in_another_file_carries_the_state(repo: Repo, mode: str) -> None:
    repo.write("infra/main.tf", BUCKET + "\n" + DB)
    repo.write("infra/versions.tf", 'terraform {\n  required_version = ">= 1.5"\n}\n')
    repo.commit("init")
    repo.write("infra/main.tf", BUCKET)
    repo.write(
        "infra/versions.tf",
        'terraform {\n  required_version = ">= 1.5"\n}\n\n'
        "moved {\n  from = aws_db_instance.db\n  to   = module.db.aws_db_instance.this\n}\n",
    )
    repo.write("infra/db.tf", 'module "db" {\n  source = "./modules/db"\n  size   = "small"\n}\n')
    repo.commit("the database becomes a module, its state moved")
    scopes = _scopes(repo, mode)
    main = scopes["infra/main.tf"]
    assert "tf.resource_deleted" not in _codes(main)
    # the target is inside a child module, where its block cannot be read: it may still be
    # replaced, so a medium signal stays
    (sig,) = [s for s in main.signals if s.code == "tf.moved_and_changed"]
    assert sig.severity == "medium" and sig.symbol == "aws_db_instance.db"
    assert "`module.db.aws_db_instance.this`" in sig.detail and "infra/versions.tf" in sig.detail
    # the moved block itself is still a state change to review
    assert "tf.state_move" in _codes(scopes["infra/versions.tf"])


@pytest.mark.parametrize("mode", ["full", "hunks"])
@pytest.mark.parametrize("size", ["db.t3.micro", "db.r6g.large"])
def test_a_moved_block_renaming_within_the_module_compares_the_blocks(
    repo: Repo, mode: str, size: str
) -> None:
    repo.write("infra/main.tf", BUCKET + "\n" + DB)
    repo.commit("init")
    repo.write("infra/main.tf", BUCKET)
    repo.write(
        "infra/database.tf",
        DB.replace('"db"', '"primary"').replace("db.t3.micro", size)
        + "\nmoved {\n  from = aws_db_instance.db\n  to   = aws_db_instance.primary\n}\n",
    )
    repo.commit("rename the database, with a moved block")
    main = _scopes(repo, mode)["infra/main.tf"]
    assert "tf.resource_deleted" not in _codes(main)
    if size == "db.t3.micro":  # the same block under its new name: Terraform keeps it
        assert "tf.moved_and_changed" not in _codes(main)
        assert any("moves to `aws_db_instance.primary`" in n for n in main.notes), main.notes
    else:  # a new instance class: it may be replaced
        assert "tf.moved_and_changed" in _codes(main)


def test_a_moved_block_in_another_module_does_not_count(repo: Repo) -> None:
    repo.write("infra/main.tf", BUCKET + "\n" + DB)
    repo.commit("init")
    repo.write("infra/main.tf", BUCKET)
    repo.write(
        "other/moves.tf", "moved {\n  from = aws_db_instance.db\n  to   = aws_db_instance.x\n}\n"
    )
    repo.commit("a moved block elsewhere")
    assert "tf.resource_deleted" in _codes(_scopes(repo, "full")["infra/main.tf"])


@pytest.mark.parametrize("mode", ["full", "hunks"])
def test_a_copied_code_file_removes_no_public_api(repo: Repo, mode: str) -> None:
    source = "".join(f"def handler_{i}(request):\n    return {i}\n\n\n" for i in range(12))
    repo.write("app/handlers.py", source)
    repo.commit("init")
    repo.write("app/handlers.py", source.replace("return 0", "return -1"))
    # a copy that keeps most of the source and drops its last two functions
    repo.write(
        "app/copy.py",
        source.replace("def handler_10(request):\n    return 10\n\n\n", "").replace(
            "def handler_11(request):\n    return 11\n\n\n", ""
        ),
    )
    repo.commit("copy the handlers")
    scopes = _scopes(repo, mode)
    copy = scopes["app/copy.py"]
    assert copy.status == "copied"
    assert "code.public_removed" not in _codes(copy)
    assert not [s for s in copy.symbols if s.change == "deleted"]
    assert any("a copy of app/handlers.py" in n for n in copy.notes)


@pytest.mark.parametrize("mode", ["full", "hunks"])
def test_a_file_renamed_into_another_module_changes_its_addresses(repo: Repo, mode: str) -> None:
    repo.write("envs/prod/db.tf", DB)
    repo.write("envs/prod/main.tf", BUCKET)
    repo.write(
        "envs/prod/network.tf", 'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n'
    )
    repo.commit("init")
    (repo.path / "envs" / "staging").mkdir()
    repo.git("mv", "envs/prod/db.tf", "envs/staging/db.tf")  # not a changed line
    repo.git("mv", "envs/prod/network.tf", "envs/prod/vpc.tf")  # same module: nothing moves
    repo.commit("move the database to staging")
    scopes = _scopes(repo, mode)
    moved, renamed = scopes["envs/staging/db.tf"], scopes["envs/prod/vpc.tf"]
    assert moved.status == renamed.status == "renamed"
    (signal,) = [s for s in moved.signals if s.code == "tf.module_changed"]
    assert signal.kind == "replacement" and signal.severity == "high"
    assert "`envs/prod` to `envs/staging`" in signal.detail
    assert "tf.module_changed" not in _codes(renamed)


def test_renaming_tfvars_or_other_files_is_not_a_module_change(repo: Repo) -> None:
    repo.write("envs/prod/prod.tfvars", 'region = "eu-west-1"\n')
    repo.write("envs/prod/README.md", "# prod\n")
    repo.commit("init")
    (repo.path / "envs" / "staging").mkdir()
    repo.git("mv", "envs/prod/prod.tfvars", "envs/staging/staging.tfvars")
    repo.git("mv", "envs/prod/README.md", "envs/staging/README.md")
    repo.commit("move")
    assert all("tf.module_changed" not in _codes(fs) for fs in _scopes(repo, "full").values())


def test_a_module_whose_lines_only_move_is_cosmetic(repo: Repo) -> None:
    repo.write("infra/main.tf", BUCKET + "\n" + DB)
    repo.commit("init")
    repo.write("infra/main.tf", BUCKET)
    repo.write("infra/database.tf", DB)
    repo.commit("split main.tf")
    full = _scopes(repo, "full")
    assert {p: fs.cosmetic for p, fs in full.items()} == {
        "infra/main.tf": "moved",
        "infra/database.tf": "moved",
    }
    # from the hunks alone the copy's text is unknown: nothing is claimed
    assert {fs.cosmetic for fs in _scopes(repo, "hunks").values()} == {None}


@pytest.mark.parametrize("mode", ["full", "hunks"])
def test_a_move_with_a_changed_attribute_is_not_cosmetic(repo: Repo, mode: str) -> None:
    repo.write("infra/main.tf", BUCKETS + DB)
    repo.commit("init")
    repo.write("infra/main.tf", BUCKETS)
    repo.write("infra/database.tf", DB.replace("db.t3.micro", "db.r6g.large"))
    repo.commit("move the database, and make it bigger")
    scopes = _scopes(repo, mode)
    assert scopes["infra/database.tf"].status == "added"  # too little like main.tf for a copy
    assert {fs.cosmetic for fs in scopes.values()} == {None}
    main = _codes(scopes["infra/main.tf"])
    assert "tf.resource_deleted" not in main  # the address stays ...
    assert "tf.moved_and_changed" in main  # ... but the block changes on the way


@pytest.mark.parametrize("mode", ["full", "hunks"])
def test_a_move_into_a_new_file_is_cosmetic_in_both_modes(repo: Repo, mode: str) -> None:
    repo.write("infra/main.tf", BUCKETS + DB)
    repo.commit("init")
    repo.write("infra/main.tf", BUCKETS)
    repo.write("infra/database.tf", DB)
    repo.commit("move the database")
    scopes = _scopes(repo, mode)
    assert scopes["infra/database.tf"].status == "added"
    assert {fs.cosmetic for fs in scopes.values()} == {"moved"}


@pytest.mark.parametrize("mode", ["full", "hunks"])
def test_a_copy_that_changes_the_moved_block_is_flagged_in_both_modes(
    repo: Repo, mode: str
) -> None:
    repo.write("infra/main.tf", BUCKET + "\n" + DB)
    repo.commit("init")
    repo.write("infra/main.tf", BUCKET)
    repo.write("infra/database.tf", DB.replace("engine ", "multi_az          = true\n  engine "))
    repo.commit("split main.tf, and make the database multi-AZ")
    scopes = _scopes(repo, mode)
    assert scopes["infra/database.tf"].status == "copied"
    codes = _codes(scopes["infra/main.tf"])
    assert "tf.resource_deleted" not in codes and "tf.moved_and_changed" in codes
