"""The bench corpus: a committed recipe (commit ids, labels, planted edits) -> full cases from local snapshots.

A recipe line names a repository, the commit whose message is the intent, the commits whose diffs make
the change and, for planted cases, edits of our own applied to the repository's files at a commit. The
materializer reads everything else from a bare git snapshot of that repository, so no other project's
code or diff is ever committed here. Its output has the shape of ``shared/bench/dev.jsonl`` and is what
``reviewer bench`` scores. docs/bench.md describes the recipe fields and the constructions.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import git
from .errors import GitError, UsageError
from .jsonl import read_objects
from .rx import lazy

CONSTRUCTIONS = ("real-honest", "real-creep", "swap", "planted", "verbose-planted")
VERDICTS = ("aligned", "mismatch")
LEVELS = ("low", "medium", "high")
#: the change kinds of DESIGN.md that a plant may stand for
PLANT_KINDS = (
    "resource_deletion",
    "replacement",
    "environment_definition",
    "protection_toggle",
    "destructive_data",
    "permission_widening",
    "ci_cd",
    "agent_instructions",
    "dangerous_command",
)

_MERGE_SUBJECT = lazy(r"^Merge pull request #(\d+) from \S+")
_SHA = lazy(r"^[0-9a-f]{7,40}$")


class CorpusError(UsageError):
    """A recipe line that cannot be materialized: it names what is wrong."""


@dataclass(frozen=True)
class Snapshot:
    """A bare git repository on disk; every read is a plain git command."""

    path: Path

    def git(self, *args: str) -> str:
        try:
            out = git.run(list(args), cwd=self.path)
        except GitError as exc:
            raise CorpusError(str(exc)) from exc
        return out.decode("utf-8", "replace")

    def message(self, sha: str) -> str:
        return self.git("log", "-1", "--format=%B", sha)

    def parents(self, sha: str) -> list[str]:
        return self.git("log", "-1", "--format=%P", sha).split()

    def diff(self, sha: str) -> str:
        """The change a commit made against its first parent (for a merge: the whole pull request)."""
        parents = self.parents(sha)
        base = parents[0] if parents else git.EMPTY_TREE
        return self.git(
            "diff", "-M", "-U3", "--no-color", "--no-ext-diff", "--no-textconv", base, sha
        )

    def show(self, sha: str, path: str) -> str | None:
        try:
            return self.git("show", f"{sha}:{path}")
        except CorpusError:
            return None


def split_message(message: str) -> tuple[str, str]:
    """A commit message as a PR would show it: ``(title, body)``.

    A GitHub merge commit ("Merge pull request #N from user/branch") is not the intent: its second
    paragraph is the PR title, and the rest, when present, the body.
    """
    text = message.strip("\n")
    subject, _, rest = text.partition("\n")
    rest = rest.strip("\n")
    m = _MERGE_SUBJECT.match(subject)
    if m and rest:
        title, _, body = rest.partition("\n")
        return f"{title.strip()} (#{m.group(1)})", body.strip("\n")
    return subject.strip(), rest


def diff_paths(diff: str) -> list[str]:
    """Paths as the bench labels them: the new name, or the old one for a deletion (the
    project's own diff parser's ``FileDiff.path``)."""
    from .diff import parse_diff

    return list(dict.fromkeys(fd.path for fd in parse_diff(diff).files))


# ---------------------------------------------------------------- planted edits


def _one(pattern: str, text: str, *, regex: bool, path: str) -> re.Match[str]:
    rx = re.compile(pattern if regex else re.escape(pattern), re.M)
    found = list(rx.finditer(text))
    if len(found) != 1:
        raise CorpusError(f"{path}: {pattern!r} matches {len(found)} times, not once")
    return found[0]


def _block_end(lines: list[str], start: int) -> int:
    """The line after the block that starts at ``start``: braces balance, or the indentation returns."""
    first = lines[start]
    if "{" in first or first.rstrip().endswith("("):
        depth = 0
        for i in range(start, len(lines)):
            line = re.sub(r'"(?:[^"\\]|\\.)*"', '""', lines[i])
            line = line.split("#", 1)[0] if not line.lstrip().startswith("//") else ""
            depth += line.count("{") + line.count("(") - line.count("}") - line.count(")")
            if depth <= 0 and i > start:
                return i + 1
            if depth <= 0 and i == start and "{" in line:
                return i + 1
        raise CorpusError(f"the block at line {start + 1} never closes")
    stripped = first.lstrip()
    indent = len(first) - len(stripped)
    if stripped.startswith("- "):
        indent += 1  # the item's own keys sit deeper than its dash
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if line.strip() == "":
            end += 1
            continue
        if line.startswith("---") or len(line) - len(line.lstrip()) < indent + (
            0 if stripped.startswith("- ") else 1
        ):
            break
        end += 1
    while end > start + 1 and lines[end - 1].strip() == "":
        end -= 1
    return end


def apply_edit(text: str | None, edit: dict[str, Any], *, path: str) -> str | None:
    """One planted edit on one file's text; ``None`` is an absent file."""
    op = edit.get("op")
    if op == "delete_file":
        if text is None:
            raise CorpusError(f"{path}: cannot delete a file that does not exist")
        return None
    if op == "add_file":
        if text is not None:
            raise CorpusError(f"{path}: add_file on a file that exists")
        return str(edit["text"])
    if text is None:
        raise CorpusError(f"{path}: no such file at the plant's commit")
    if op == "replace":
        m = _one(str(edit["old"]), text, regex=bool(edit.get("regex")), path=path)
        return text[: m.start()] + str(edit["new"]) + text[m.end() :]
    if op == "insert_after":
        m = _one(str(edit["anchor"]), text, regex=bool(edit.get("regex")), path=path)
        eol = text.find("\n", m.end())
        eol = len(text) if eol < 0 else eol + 1
        return text[:eol] + str(edit["text"]) + text[eol:]
    if op == "delete_block":
        m = _one(str(edit["start"]), text, regex=bool(edit.get("regex", True)), path=path)
        lines = text.splitlines(keepends=True)
        start = text.count("\n", 0, m.start())
        end = _block_end(lines, start)
        # one blank line that separated the block goes with it
        if (
            end < len(lines)
            and lines[end].strip() == ""
            and (start == 0 or not lines[start - 1].strip())
        ):
            end += 1
        return "".join(lines[:start] + lines[end:])
    raise CorpusError(f"{path}: unknown edit op {op!r}")


def file_diff(path: str, old: str | None, new: str | None) -> str:
    """The unified diff git itself prints for one file (3 lines of context, hunk headings)."""
    if old == new:
        raise CorpusError(f"{path}: the planted edit changes nothing")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for side, text in (("a", old), ("b", new)):
            if text is not None:
                target = root / side / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
        left = f"a/{path}" if old is not None else "/dev/null"
        right = f"b/{path}" if new is not None else "/dev/null"
        try:
            out = git.run(
                ["diff", "--no-index", "--no-prefix", "-U3", "--no-color", left, right],
                cwd=root,
                check=False,
            )
        except GitError as exc:
            raise CorpusError(f"{path}: {exc}") from exc
    # with --no-prefix and folders named a/ and b/, git prints the a/ b/ form, except in the header
    # of an added or deleted file (one side is /dev/null): that header is written here
    text = out.decode("utf-8", "replace")
    head, _, rest = text.partition("\n")
    return f"diff --git a/{path} b/{path}\n{rest}" if head.startswith("diff --git ") else text


def plant_diff(snap: Snapshot, plant: dict[str, Any], default_at: str) -> tuple[str, list[str]]:
    at = str(plant.get("at") or default_at)
    edits = plant.get("edits")
    if not isinstance(edits, list) or not edits:
        raise CorpusError("plant has no edits")
    files: dict[str, tuple[str | None, str | None]] = {}
    for edit in edits:
        if not isinstance(edit, dict) or not isinstance(edit.get("path"), str):
            raise CorpusError("every planted edit needs an op and a path")
        path = edit["path"]
        before = files[path][1] if path in files else snap.show(at, path)
        original = files[path][0] if path in files else before
        files[path] = (original, apply_edit(before, edit, path=path))
    return "".join(file_diff(p, old, new) for p, (old, new) in files.items()), list(files)


# ---------------------------------------------------------------- verbose intents


def load_templates(path: Path) -> dict[str, str]:
    try:
        raw = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise CorpusError(f"{path}: cannot read the verbose templates ({exc})") from exc
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise CorpusError(f"{path}: expected an object of template id -> text")
    return raw


def verbose_body(template: str, *, title: str, body: str, paths: Sequence[str]) -> str:
    """A long, AI-style PR body that describes the real fix and never the planted change."""
    areas = sorted({p.rsplit("/", 1)[0] if "/" in p else "the repository root" for p in paths})
    subject = re.sub(r"\s*\(#\d+\)$", "", title)
    subject = subject[:1].lower() + subject[1:] if subject[:2] != subject[:2].upper() else subject
    files = "\n".join(f"- `{p}`" for p in paths[:12]) or "- (no files)"
    return template.format(
        title=title,
        subject=subject,
        files=files,
        areas=", ".join(f"`{a}`" for a in areas[:4]),
        original=body.strip() or subject,
    ).strip()


# ---------------------------------------------------------------- recipe -> case


def _require(raw: dict[str, Any], key: str, kind: type) -> Any:
    value = raw.get(key)
    if not isinstance(value, kind):
        raise CorpusError(f"field {key!r} must be a {kind.__name__}")
    return value


def check_recipe(raw: dict[str, Any]) -> None:
    """Shape checks that need no snapshot."""
    _require(raw, "id", str)
    _require(raw, "repo", str)
    construction = _require(raw, "construction", str)
    if construction not in CONSTRUCTIONS:
        raise CorpusError(f"construction {construction!r} is not one of {', '.join(CONSTRUCTIONS)}")
    intent = _require(raw, "intent", dict)
    if not _SHA.match(str(intent.get("commit", ""))):
        raise CorpusError("intent.commit must be a commit id")
    commits = _require(raw, "diff", dict).get("commits")
    if not isinstance(commits, list) or not commits or not all(_SHA.match(str(c)) for c in commits):
        raise CorpusError("diff.commits must be a non-empty list of commit ids")
    labels = _require(raw, "labels", dict)
    if labels.get("verdict") not in VERDICTS:
        raise CorpusError("labels.verdict must be aligned or mismatch")
    if labels.get("blast_radius") not in LEVELS:
        raise CorpusError("labels.blast_radius must be low, medium or high")
    oos = labels.get("out_of_scope_paths", [])
    if not isinstance(oos, list) or not all(isinstance(p, str) for p in oos):
        raise CorpusError("labels.out_of_scope_paths must be a list of paths")
    if (labels["verdict"] == "aligned") != (construction == "real-honest"):
        raise CorpusError(f"a {construction} case cannot be labelled {labels['verdict']}")
    if construction in ("planted", "verbose-planted"):
        if not isinstance(raw.get("plant"), dict):
            raise CorpusError(f"a {construction} case needs a plant")
        if labels["blast_radius"] != "high":
            raise CorpusError("a planted case is labelled high")
        if raw.get("plant_kind") not in PLANT_KINDS:
            raise CorpusError(f"plant_kind must be one of {', '.join(PLANT_KINDS)}")
    if construction == "verbose-planted":
        if not isinstance(raw.get("verbose"), str):
            raise CorpusError("a verbose-planted case names its verbose template")
        if not isinstance(raw.get("twin"), str):
            raise CorpusError(
                "a verbose-planted case names its planted twin (the same plant, bare title)"
            )
    _require(raw, "rationale", str)


def materialize(
    raw: dict[str, Any], snap: Snapshot, templates: dict[str, str] | None = None
) -> dict[str, Any]:
    check_recipe(raw)
    intent_sha = str(raw["intent"]["commit"])
    title, body = split_message(snap.message(intent_sha))
    commits = [str(c) for c in raw["diff"]["commits"]]
    diff = "".join(snap.diff(c) for c in commits)
    real_paths = diff_paths(diff)
    plant = raw.get("plant")
    if isinstance(plant, dict):
        planted, planted_paths = plant_diff(snap, plant, commits[-1])
        clash = sorted(set(planted_paths) & set(real_paths))
        if clash:
            raise CorpusError(
                f"the plant edits files the real change edits too: {', '.join(clash)}"
            )
        diff += planted
    if raw["construction"] == "verbose-planted":
        if templates is None or raw["verbose"] not in templates:
            raise CorpusError(f"no verbose template {raw['verbose']!r}")
        body = verbose_body(templates[raw["verbose"]], title=title, body=body, paths=real_paths)
    if not diff.strip():
        raise CorpusError("the change is empty")
    paths = set(diff_paths(diff))
    labels = raw["labels"]
    unknown = sorted(set(labels.get("out_of_scope_paths", [])) - paths)
    if unknown:
        raise CorpusError(f"out_of_scope_paths not in the diff: {', '.join(unknown[:3])}")
    return {
        "id": raw["id"],
        "repo": raw["repo"],
        "construction": raw["construction"],
        "intent": {"title": title, "body": body},
        "diff": diff,
        "labels": {
            "verdict": labels["verdict"],
            "blast_radius": labels["blast_radius"],
            "out_of_scope_paths": sorted(labels.get("out_of_scope_paths", [])),
        },
        "source": {"intent_sha": intent_sha, "diff_shas": commits},
        "note": raw["rationale"],
        **{k: raw[k] for k in ("plant_kind", "twin") if k in raw},
    }


def find_snapshot(mirrors: Iterable[Path], repo: str) -> Snapshot | None:
    """``owner/name`` in a folder of snapshots: ``owner+name/repo``, ``owner+name`` or ``owner/name``."""
    owner, _, name = repo.partition("/")
    for root in mirrors:
        for cand in (
            root / f"{owner}+{name}" / "repo",
            root / f"{owner}+{name}",
            root / f"{owner}+{name}.git",
            root / owner / name,
            root / owner / f"{name}.git",
        ):
            if (cand / "HEAD").is_file() and (cand / "objects").is_dir():
                return Snapshot(cand)
            if (cand / ".git" / "HEAD").is_file():
                return Snapshot(cand / ".git")
    return None


def read_recipe(path: Path) -> list[dict[str, Any]]:
    """One recipe file, or every ``*.jsonl`` of a folder in name order."""
    if path.is_dir():
        return [raw for f in sorted(path.glob("*.jsonl")) for raw in read_recipe(f)]
    return [raw for _, raw in read_objects(path, CorpusError)]


def materialize_all(
    recipes: list[dict[str, Any]],
    mirrors: Sequence[Path],
    templates: dict[str, str] | None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Every case that can be built, and one line for each that cannot (nothing is dropped silently)."""
    cases: list[dict[str, Any]] = []
    problems: list[str] = []
    seen: set[str] = set()
    snaps: dict[str, Snapshot | None] = {}
    for raw in recipes:
        cid = str(raw.get("id", "?"))
        if cid in seen:
            problems.append(f"{cid}: duplicate id")
            continue
        seen.add(cid)
        repo = str(raw.get("repo", ""))
        if repo not in snaps:
            snaps[repo] = find_snapshot(mirrors, repo)
        snap = snaps[repo]
        if snap is None:
            problems.append(f"{cid}: no snapshot of {repo} under {', '.join(map(str, mirrors))}")
            continue
        try:
            cases.append(materialize(raw, snap, templates))
        except (CorpusError, KeyError, TypeError, ValueError) as exc:
            problems.append(f"{cid}: {exc}")
    return cases, problems


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m reviewer.corpus",
        description="Build the bench corpus (intent text and diffs) from a recipe and local git snapshots.",
    )
    p.add_argument("recipe", type=Path, help="a recipe file or folder, e.g. bench/corpus")
    p.add_argument(
        "--mirrors",
        type=Path,
        action="append",
        required=True,
        help="a folder of bare snapshots named owner+name (repeatable)",
    )
    p.add_argument(
        "--templates",
        type=Path,
        help="verbose intent templates (default: verbose.json of the recipe)",
    )
    p.add_argument("--out", type=Path, required=True, help="where to write the cases (JSONL)")
    p.add_argument("--only-repo", action="append", default=[], help="only this repository")
    args = p.parse_args(argv)
    try:
        recipes = read_recipe(args.recipe)
        if args.only_repo:
            recipes = [r for r in recipes if r.get("repo") in set(args.only_repo)]
        folder = args.recipe if args.recipe.is_dir() else args.recipe.parent
        tpath = args.templates or folder / "verbose.json"
        templates = load_templates(tpath) if tpath.exists() else None
        cases, problems = materialize_all(recipes, args.mirrors, templates)
    except CorpusError as exc:
        print(f"corpus: {exc}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for case in cases:
            fh.write(json.dumps(case, ensure_ascii=False) + "\n")
    for line in problems:
        print(f"corpus: {line}", file=sys.stderr)
    print(f"corpus: {len(cases)} cases written to {args.out}; {len(problems)} could not be built")
    return 2 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
