"""CI pipelines no language analyzer reads (Jenkinsfile): stages changed, shell steps scanned."""

from __future__ import annotations

from ...models import CI_CD, Signal
from ...rx import lazy
from ..engine import Definition, FileContext, Partial, Segment, diff_definitions
from ..lex.keys import segment_rows
from ..shell.danger import scan_commands
from .shared import file_verb

_GROOVY_SH_RE = lazy(
    r"""\b(?:sh|bat|powershell|pwsh)\s*\(?\s*(?:script\s*:\s*)?(['"]{1,3})(.*?)(?:\1|$)"""
)
_GROOVY_BLOCK_RE = lazy(
    r"""\b(?:sh|bat|powershell|pwsh)\s*\(?\s*(?:script\s*:\s*)?('''|\"\"\")(.*)$"""
)
_STAGE_RE = lazy(r"""\bstage\s*\(\s*['"]([^'"]+)['"]""")


def analyze(ctx: FileContext) -> Partial:
    part = Partial()
    language = ctx.language
    if language in ("markdown", "rst", "text"):
        return part
    if language in ("yaml", "json"):
        return part  # yaml_families.py reads workflow and pipeline YAML
    if ctx.status == "deleted":
        part.signals.append(
            Signal(
                kind=CI_CD,
                code="gov.ci_file",
                detail=f"deletes CI pipeline `{ctx.path}`",
                side="old",
                severity="high",
            )
        )
    else:
        part.signals.append(
            Signal(
                kind=CI_CD,
                code="gov.ci_file",
                detail=f"{file_verb(ctx)} CI pipeline `{ctx.path}`",
                side="new",
                severity="medium",
            )
        )
    if language in ("bash", "dockerfile", "make"):
        return part  # the shell/ analyzers scan these
    stages_old = [d for seg in ctx.segments("old") for d in _groovy_stages(seg)]
    stages_new = [d for seg in ctx.segments("new") for d in _groovy_stages(seg)]
    removed = [n for n in ctx.removed_sorted if ctx.removed[n].strip()]
    added = [n for n in ctx.added_sorted if ctx.added[n].strip()]
    changes, _o, _n = diff_definitions(
        stages_old, stages_new, removed, added, removed_set=ctx.removed, added_set=ctx.added
    )
    part.symbols.extend(sym for sym, _od, _nd in changes)
    for seg in ctx.segments("new"):
        part.signals.extend(scan_commands(_groovy_shell(seg), only=ctx.added))
    return part


def _groovy_stages(seg: Segment) -> list[Definition]:
    out: list[Definition] = []
    last = seg.first_line
    for row, text in enumerate(seg.text.split("\n")):
        line = seg.clamp_line(row)
        last = line
        m = _STAGE_RE.search(text)
        if m is None:
            continue
        if out:
            out[-1].end = line - 1
        out.append(
            Definition(
                "stage",
                m.group(1),
                line,
                line,
                line,
                "",
                "",
                None,
                virtual=seg.line_of(row) is None,
            )
        )
    if out:
        out[-1].end = last
    return out


def _groovy_shell(seg: Segment) -> list[tuple[int, str]]:
    """Shell text of ``sh '...'`` steps and ``sh '''...'''`` blocks, by line."""
    out: list[tuple[int, str]] = []
    block: str | None = None
    for line, text in segment_rows(seg):
        if line is None:
            continue
        if block is not None:
            end = text.find(block)
            out.append((line, text if end < 0 else text[:end]))
            if end >= 0:
                block = None
            continue
        b = _GROOVY_BLOCK_RE.search(text)
        if b is not None and b.group(1) not in b.group(2):
            block = b.group(1)
            if b.group(2).strip():
                out.append((line, b.group(2)))
            continue
        m = _GROOVY_SH_RE.search(text)
        if m is not None:
            out.append((line, m.group(2)))
    return out
