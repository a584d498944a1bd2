"""Makefiles: targets and variables changed, commands in recipes, release targets."""

from __future__ import annotations

import re

from ...models import CI_CD, Severity, Signal
from ...record import field, record
from ...rx import lazy
from ..engine import (
    Definition,
    FileContext,
    Partial,
    Segment,
    cosmetic_level,
    diff_definitions,
    digest,
    squash,
)
from ..lex.shell import odd_backslash
from .danger import scan_commands
from .scripts import line_comments

_MAKE_ASSIGN_RE = lazy(
    r"^(?:export\s+|override\s+)?([A-Za-z_][\w.-]*)\s*(?::{1,3}=|\?=|\+=|!=|=)\s*(.*)$"
)
_MAKE_TARGET_RE = lazy(r"^([^\s#:=][^:=#]*?)\s*(::?)(?![=:])(.*)$")
_MAKE_DIRECTIVE_RE = lazy(
    r"^\s*(?:ifeq|ifneq|ifdef|ifndef|else|endif|include|-include|sinclude|define|endef|export|"
    r"unexport|override|vpath)\b"
)
_MAKE_VAR_RE = lazy(r"\$\(([A-Za-z_][\w.-]*)\)")
_RELEASE_TARGET_RE = lazy(
    r"(?:^|[-_/.])(?:release|deploy|publish|upload|ship|rollout|promote|push|destroy|teardown)"
    r"(?:[-_/.]|$)",
    re.I,
)


@record(frozen=False, slots=False)
class _MakeFile:
    defs: list[Definition] = field(default_factory=list)
    recipes: list[tuple[int, str]] = field(default_factory=list)


def _make_recipe(text: str) -> str:
    body = text.lstrip("\t").lstrip("@+- ")
    return _MAKE_VAR_RE.sub(r"${\1}", body.replace("$$", "$"))


def _parse_make(seg: Segment) -> _MakeFile:
    out = _MakeFile()
    open_defs: list[Definition] = []
    in_define = False
    cont = False
    recipe_bodies: dict[int, list[str]] = {}
    for row, text in enumerate(seg.text.split("\n")):
        line = seg.clamp_line(row)
        real = seg.line_of(row) is not None
        if in_define:
            in_define = not text.strip().startswith("endef")
            continue
        if text.startswith("\t") or (cont and open_defs):
            if real:
                out.recipes.append((line, _make_recipe(text)))
            for d in open_defs:
                d.end = line
                recipe_bodies.setdefault(id(d), []).append(text.strip())
            cont = odd_backslash(text.rstrip())
            continue
        cont = False
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("define "):
            in_define = True
            continue
        for d in open_defs:
            d.digest = digest("\n".join(recipe_bodies.get(id(d), [])))
        open_defs = []
        if _MAKE_DIRECTIVE_RE.match(text):
            continue
        assign = _MAKE_ASSIGN_RE.match(text)
        if assign is not None:
            out.defs.append(
                Definition(
                    "variable",
                    assign.group(1),
                    line,
                    line,
                    line,
                    "",
                    digest(assign.group(2)),
                    None,
                    virtual=not real,
                )
            )
            continue
        target = _MAKE_TARGET_RE.match(text)
        if target is None:
            continue
        prereqs = target.group(3).split(";", 1)[0]
        for name in target.group(1).split():
            if name.startswith(".") and name.upper() == name:
                continue  # .PHONY, .SUFFIXES ...
            d = Definition(
                "target", name, line, line, line, squash(prereqs), "", None, virtual=not real
            )
            out.defs.append(d)
            open_defs.append(d)
    for d in open_defs:
        d.digest = digest("\n".join(recipe_bodies.get(id(d), [])))
    return out


def analyze(ctx: FileContext) -> Partial:
    part = Partial()
    parsed = {side: [_parse_make(seg) for seg in ctx.segments(side)] for side in ("old", "new")}
    old_defs = [d for p in parsed["old"] for d in p.defs]
    new_defs = [d for p in parsed["new"] for d in p.defs]
    removed = [n for n in ctx.removed_sorted if ctx.removed[n].strip()]
    added = [n for n in ctx.added_sorted if ctx.added[n].strip()]
    changes, _old_out, _new_out = diff_definitions(
        old_defs, new_defs, removed, added, removed_set=ctx.removed, added_set=ctx.added
    )
    for sym, _o, _n in changes:
        part.symbols.append(sym)
        if sym.kind == "target" and _RELEASE_TARGET_RE.search(sym.name):
            severity: Severity = "low" if sym.change == "added" else "medium"
            verb = {"added": "adds", "deleted": "deletes"}.get(sym.change, "changes")
            part.signals.append(
                Signal(
                    kind=CI_CD,
                    code="make.release_target",
                    detail=f"{verb} release target `{sym.name}`",
                    line=sym.line,
                    side="old" if sym.change == "deleted" else "new",
                    symbol=sym.name,
                    severity=severity,
                )
            )
    for p in parsed["new"]:
        part.signals.extend(scan_commands(p.recipes, only=ctx.added))
    if ctx.status == "deleted":
        part.signals.append(
            Signal(
                kind=CI_CD,
                code="make.deleted",
                detail=f"deletes the build file `{ctx.path}`",
                side="old",
                severity="medium",
            )
        )
    part.cosmetic = cosmetic_level(ctx, line_comments(ctx))  # type: ignore[arg-type]
    return part
