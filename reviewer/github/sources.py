"""What a review run reads: the diff, whole files, commits and the policy — from a local checkout when it
has the event's commits, else from the REST API. The policy always comes from the BASE commit."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import config as cfg
from .. import git
from ..config import Config
from ..diff import decode, parse_diff
from ..errors import ConfigError, GitError, GitHubError
from ..models import Diff
from ..record import field, record
from .ai import Commit
from .api import Client
from .event import PullRequest

if TYPE_CHECKING:
    from ..scope import BlobSource

#: the contents API is one request per file side: beyond this many, files are read from their hunks
MAX_API_BLOB_FILES = 40
MAX_API_BLOB_BYTES = 1024 * 1024


@record(frozen=False, slots=False)
class Material:
    diff: Diff
    commits: list[Commit]
    config: Config
    origin: str  # "local checkout" or "GitHub API"
    blobs: BlobSource | None = None
    notes: list[str] = field(default_factory=list)
    reader: git.BlobReader | None = None

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()


def gather(
    client: Client,
    pr: PullRequest,
    *,
    workspace: Path | None = None,
    config_path: str | None = None,
    max_blob_files: int = MAX_API_BLOB_FILES,
) -> Material:
    notes: list[str] = []
    if workspace is not None and _has_commits(workspace, pr, notes):
        material = _local(workspace, pr, config_path)
    else:
        material = _remote(client, pr, config_path, max_blob_files)
    material.notes[:0] = notes
    return material


def _has_commits(workspace: Path, pr: PullRequest, notes: list[str]) -> bool:
    """Whether the checkout can show the pull request's diff; a shallow one (``actions/checkout``
    fetches one commit by default) is deepened from ``origin`` until base and head meet."""
    try:
        if not git.inside_work_tree(workspace):
            return False
        git.resolve(pr.base_sha, cwd=workspace)
        git.resolve(pr.head_sha, cwd=workspace)
        git.merge_base(pr.base_sha, pr.head_sha, cwd=workspace)
    except GitError:
        pass
    else:
        return True
    try:
        shallow = git.is_shallow(workspace)
    except GitError:
        return False
    if not shallow:
        return False
    if git.deepen(pr.base_sha, pr.head_sha, cwd=workspace):
        notes.append("the checkout was shallow: its history was fetched down to the merge base")
        return True
    notes.append(
        "the checkout is shallow and its history could not be deepened to the merge base: the diff "
        "comes from the API (check out with `fetch-depth: 0` to review the local clone)"
    )
    return False


def _local(workspace: Path, pr: PullRequest, config_path: str | None) -> Material:
    fork = git.merge_base(pr.base_sha, pr.head_sha, cwd=workspace)
    diff = parse_diff(decode(git.diff_range(pr.base_sha, pr.head_sha, cwd=workspace)))
    out = git.run(
        ["log", "--format=%an%x1f%ae%x1f%B%x00", f"{fork}..{pr.head_sha}", "--"], cwd=workspace
    )
    commits = []
    for entry in out.decode("utf-8", "replace").split("\x00"):
        parts = entry.strip("\n").split("\x1f", 2)
        if len(parts) == 3:
            commits.append(
                Commit(message=parts[2].strip(), author_name=parts[0], author_email=parts[1])
            )

    def read(path: str) -> str | None:
        data = git.show_file(pr.base_sha, path, cwd=workspace)
        return data.decode("utf-8", "replace") if data is not None else None

    config = load_policy(read, config_path, pr.base_sha)
    reader = git.BlobReader(workspace)
    return Material(
        diff=diff,
        commits=commits,
        config=config,
        origin="local checkout",
        blobs=git.GitBlobs(reader, fork, pr.head_sha),
        reader=reader,
    )


def _remote(
    client: Client, pr: PullRequest, config_path: str | None, max_blob_files: int
) -> Material:
    files = client.pull_files(pr.repo, pr.number)
    text, missing = diff_from_files(files)
    notes = []
    if missing:
        shown = ", ".join(f"`{m}`" for m in missing[:5]) + (" ..." if len(missing) > 5 else "")
        notes.append(
            f"GitHub sent no patch for {len(missing)} file(s) (binary or too large): {shown}"
        )
    if len(files) >= 3000:
        notes.append(
            "GitHub lists at most 3000 files of a pull request: files beyond them are not reviewed"
        )
    commits = [_commit(c) for c in client.pull_commits(pr.repo, pr.number)]

    def read(path: str) -> str | None:
        data = client.file_at(pr.repo, path, pr.base_sha)
        return data.decode("utf-8", "replace") if data is not None else None

    config = load_policy(read, config_path, pr.base_sha)
    old_ref: str | None
    try:
        old_ref = client.merge_base(pr.repo, pr.base_sha, pr.head_sha)
    except GitHubError:
        old_ref = None
    blobs = ApiBlobs(client, pr.repo, old_ref, pr.head_sha, max_files=max_blob_files)
    return Material(
        diff=parse_diff(text),
        commits=commits,
        config=config,
        origin="GitHub API",
        blobs=blobs,
        notes=notes,
    )


def load_policy(read: Any, config_path: str | None, base_sha: str) -> Config:
    """The policy at the base commit: ``config_path`` when given, else .reviewer.toml / pyproject.toml."""
    try:
        return cfg.load_at(read, where=f"at {base_sha[:12]}", path=config_path)
    except ConfigError as exc:
        if config_path and "does not exist" in str(exc):
            raise GitHubError(
                f"config {config_path} does not exist at the base commit {base_sha[:12]}"
            ) from exc
        raise


def _commit(raw: dict[str, Any]) -> Commit:
    inner = raw.get("commit")
    inner = inner if isinstance(inner, dict) else {}
    author = inner.get("author")
    author = author if isinstance(author, dict) else {}
    account = raw.get("author")
    login = account.get("login") if isinstance(account, dict) else None
    return Commit(
        message=str(inner.get("message") or ""),
        author_login=login if isinstance(login, str) else None,
        author_name=str(author.get("name") or ""),
        author_email=str(author.get("email") or ""),
    )


def _quote(path: str) -> str:
    """Git's quoting of a path in diff headers, for names with quotes, backslashes or controls."""
    if not any(c in path for c in '"\\') and all(ord(c) >= 0x20 and ord(c) != 0x7F for c in path):
        return path
    body = path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{body}"'


def diff_from_files(files: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """The unified diff of a pull request, rebuilt from ``GET /pulls/{n}/files`` entries.

    Returns the text and the paths GitHub sent no patch for (binary or too large): those appear as
    binary files, so they are still in the scope, by name.
    """
    out: list[str] = []
    missing: list[str] = []
    for f in files:
        name = str(f.get("filename") or "")
        if not name:
            continue
        status = str(f.get("status") or "modified")
        old = str(f.get("previous_filename") or name)
        a, b = _quote("a/" + old), _quote("b/" + name)
        out.append(f"diff --git {a} {b}")
        if status == "added":
            out.append("new file mode 100644")
        elif status == "removed":
            out.append("deleted file mode 100644")
        elif status in ("renamed", "copied"):
            verb = "rename" if status == "renamed" else "copy"
            out += [f"{verb} from {_quote(old)}", f"{verb} to {_quote(name)}"]
        patch = f.get("patch")
        if isinstance(patch, str) and patch.startswith("@@"):
            out.append("--- /dev/null" if status == "added" else f"--- {a}")
            out.append("+++ /dev/null" if status == "removed" else f"+++ {b}")
            out.extend(patch.rstrip("\n").split("\n"))
        elif int(f.get("changes") or 0) > 0 or status in (
            "added",
            "removed",
            "modified",
            "changed",
        ):
            missing.append(name)
            out.append(
                f"Binary files {'/dev/null' if status == 'added' else a} and "
                f"{'/dev/null' if status == 'removed' else b} differ"
            )
    return ("\n".join(out) + "\n") if out else "", missing


class ApiBlobs:
    """A BlobSource over the contents API, with a cap on the number of files it fetches."""

    def __init__(
        self, client: Client, repo: str, old_ref: str | None, new_ref: str, *, max_files: int
    ) -> None:
        self._client = client
        self._repo = repo
        self._refs = {"old": old_ref, "new": new_ref}
        self._left = max_files * 2
        self.failures = 0

    def get(self, side: str, path: str) -> bytes | None:
        ref = self._refs.get(side)
        if ref is None or self._left <= 0:
            return None
        self._left -= 1
        try:
            data = self._client.file_at(self._repo, path, ref)
        except GitHubError:
            self.failures += 1
            return None
        return data if data is not None and len(data) <= MAX_API_BLOB_BYTES else None
