"""Helpers for scope tests: real ``git diff`` output for an old/new pair, in both modes."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from reviewer.diff import parse_diff
from reviewer.models import FileScope
from reviewer.record import fields
from reviewer.scope import scope_file


class DictBlobs:
    """A BlobSource over two dicts of path -> text."""

    def __init__(self, old: dict[str, str], new: dict[str, str]) -> None:
        self._sides = {"old": old, "new": new}

    def get(self, side: str, path: str) -> bytes | None:
        text = self._sides[side].get(path)
        return None if text is None else text.encode("utf-8")


def git_diff(path: str, old: str | None, new: str | None, *, context: int = 3) -> str:
    """The diff git itself prints for ``path`` going from ``old`` to ``new`` (None = absent)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        a, b = root / "a" / path, root / "b" / path
        for target, text in ((a, old), (b, new)):
            if text is not None:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text)
        left = f"a/{path}" if old is not None else "/dev/null"
        right = f"b/{path}" if new is not None else "/dev/null"
        proc = subprocess.run(
            ["git", "diff", "--no-index", "--no-prefix", f"-U{context}", "--no-color", left, right],
            cwd=root,
            capture_output=True,
            check=False,
        )
        text = proc.stdout.decode("utf-8")
    # with --no-prefix and directories named a/ and b/ git prints exactly the a/ b/ form
    return text


def scope_both(
    path: str, old: str | None, new: str | None, *, context: int = 3
) -> tuple[FileScope, FileScope]:
    """(full mode, hunk mode) scopes of one file change."""
    diff = parse_diff(git_diff(path, old, new, context=context))
    assert len(diff.files) == 1, diff
    fd = diff.files[0]
    blobs = DictBlobs(
        {path: old} if old is not None else {}, {path: new} if new is not None else {}
    )
    full = scope_file(fd, blobs)
    hunks = scope_file(fd, None)
    assert full.mode == "full" and hunks.mode == "hunks"
    return full, hunks


def summarize(fs: FileScope) -> dict[str, object]:
    """The part of a FileScope that golden files pin down."""
    return {
        "language": fs.language,
        "symbols": [
            {k: getattr(s, k) for k in fields(s) if getattr(s, k) is not None} for s in fs.symbols
        ],
        "change_kinds": list(fs.change_kinds),
        "signals": sorted({s.code for s in fs.signals}),
        "cosmetic": fs.cosmetic,
    }


def check_golden(case_dir: Path, update: bool) -> None:
    """Compare a case directory's old/new pair with its expected.json, in both modes.

    A case directory holds ``case.json`` (``{"path": "src/x.py", "hunk_mode": "same" | {...}}``),
    ``old`` and/or ``new`` (the file contents) and ``expected.json``. ``hunk_mode`` is ``"same"``
    when hunk-only mode must agree with full mode, or the expected hunk-mode summary plus a
    ``"why"`` explaining what the hunk text does not show.
    """
    meta = json.loads((case_dir / "case.json").read_text())
    old = (case_dir / "old").read_text() if (case_dir / "old").exists() else None
    new = (case_dir / "new").read_text() if (case_dir / "new").exists() else None
    full, hunks = scope_both(meta["path"], old, new, context=meta.get("context", 3))
    got_full, got_hunks = summarize(full), summarize(hunks)
    expected_path = case_dir / "expected.json"
    if update:
        meta_hunk = meta.get("hunk_mode", "same")
        if got_hunks == got_full and meta_hunk != "same":
            meta.pop("hunk_mode", None)  # the modes agree again: drop the stale exception
            (case_dir / "case.json").write_text(json.dumps(meta, indent=2) + "\n")
        elif meta_hunk == "same" and got_hunks != got_full:
            meta["hunk_mode"] = {"why": "TODO: explain", **got_hunks}
            (case_dir / "case.json").write_text(json.dumps(meta, indent=2) + "\n")
        elif isinstance(meta_hunk, dict):
            meta["hunk_mode"] = {"why": meta_hunk.get("why", "TODO"), **got_hunks}
            (case_dir / "case.json").write_text(json.dumps(meta, indent=2) + "\n")
        expected_path.write_text(json.dumps(got_full, indent=2) + "\n")
        return
    expected = json.loads(expected_path.read_text())
    assert got_full == expected, f"{case_dir.name}: full mode differs from expected.json"
    hunk_expect = meta.get("hunk_mode", "same")
    if hunk_expect == "same":
        assert got_hunks == got_full, f"{case_dir.name}: hunk mode differs from full mode"
    else:
        want = {k: v for k, v in hunk_expect.items() if k != "why"}
        assert hunk_expect.get("why") and "TODO" not in hunk_expect["why"], "explain the difference"
        assert got_hunks == want, f"{case_dir.name}: hunk mode differs from case.json"


def check_severities(case_dir: Path, expected: set[tuple[str, str]]) -> None:
    """Golden files pin signal codes; this pins their severities, in both modes."""
    meta = json.loads((case_dir / "case.json").read_text())
    sides = [case_dir / side for side in ("old", "new")]
    old, new = (p.read_text() if p.exists() else None for p in sides)
    full, hunks = scope_both(meta["path"], old, new, context=meta.get("context", 3))
    assert {(s.code, s.severity) for s in full.signals} == expected
    assert {(s.code, s.severity) for s in hunks.signals} == expected


def package_lock(count: int, *, bumped: bool) -> str:
    """An npm lockfile of ``count`` packages (2,000 make 20,000+ lines); ``bumped`` moves every
    ninth package a minor version and every 250th a major one."""
    packages: dict[str, object] = {"": {"name": "app", "version": "1.0.0"}}
    for i in range(count):
        major = 2 if bumped and i % 250 == 0 else 1
        minor = 5 if bumped and i % 9 == 0 else 4
        version = f"{major}.{minor}.0"
        packages[f"node_modules/pkg-{i}"] = {
            "version": version,
            "resolved": f"https://registry.npmjs.org/pkg-{i}/-/pkg-{i}-{version}.tgz",
            "integrity": f"sha512-{i:064d}",
            "license": "MIT",
            "dependencies": {
                f"pkg-{(i + 1) % count}": "^1.0.0",
                f"pkg-{(i + 2) % count}": "^1.0.0",
            },
        }
    doc = {
        "name": "app",
        "version": "1.0.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": packages,
    }
    return json.dumps(doc, indent=2) + "\n"
