"""One side of a file read into definitions: blocks, locals and tfvars by Terraform address."""

from __future__ import annotations

import bisect
import re

from ...models import Side
from ...record import field, record
from ...rx import lazy
from ..engine import Definition, FileContext, Segment, any_in, digest, line_starts, squash
from ..lex.hcl import Attr, Block, Scan, scan
from ..lex.hcl_rows import indent_of

_ADDRESS_KINDS = {"resource": "", "data": "data.", "ephemeral": "ephemeral."}
_PREFIXED = {"module": "module.", "variable": "var.", "output": "output.", "check": "check."}


def unquote(value: str) -> str:
    v = value.strip().rstrip(",").strip()
    if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        return v[1:-1]
    return v


def _block_identity(b: Block, own: list[Attr]) -> tuple[str, str] | None:
    """(kind, name) of a block that is a definition, None for blocks that are not."""
    t = b.type
    if b.parent is not None:
        if b.parent.parent is None and b.parent.type == "terraform" and t in ("backend", "cloud"):
            return ("backend", "terraform." + ".".join((t, *b.labels)))
        return None
    if t in _ADDRESS_KINDS:
        return (t, _ADDRESS_KINDS[t] + ".".join(b.labels))
    if t in _PREFIXED:
        return (t, _PREFIXED[t] + ".".join(b.labels))
    if t == "locals":
        return None
    if t == "provider":
        alias = next((unquote(a.value) for a in own if a.key == "alias"), "")
        return ("provider", ".".join(["provider", *b.labels, *([alias] if alias else [])]))
    if t in ("moved", "removed", "import"):
        want = "to" if t == "import" else "from"
        ref = next((squash(a.value) for a in own if a.key == want), "")
        return (t, f"{t}.{ref}" if ref else t)
    if t == "terraform" and not b.labels:
        return ("terraform", "terraform")
    return (t, ".".join((t, *b.labels)))


@record(frozen=False)
class Reading:
    """Everything read from one side of a file."""

    defs: list[Definition] = field(default_factory=list)
    #: definition key of each scanned block, by block identity
    block_keys: dict[int, tuple[str, str]] = field(default_factory=dict)
    attrs: list[tuple[Segment, Scan, Attr]] = field(default_factory=list)
    scans: list[tuple[Segment, Scan]] = field(default_factory=list)
    #: ``local.x`` / ``var.x`` read by count / for_each in the blocks that were not scanned
    count_refs: set[str] = field(default_factory=set)


def read_side(ctx: FileContext, side: Side, *, tfvars: bool) -> Reading:
    out = Reading()
    fragment = not ctx.full
    for seg, text in _segment_texts(ctx, side, out):
        sc = scan(text, heading=seg.heading, fragment=fragment)
        out.scans.append((seg, sc))
        own: dict[int, list[Attr]] = {}
        for a in sc.attrs:
            out.attrs.append((seg, sc, a))
            if a.top is not None and a.path == ():
                own.setdefault(id(a.top), []).append(a)
        for b in sc.blocks:
            # nested definitions (a backend) are named by their labels alone
            ident = _block_identity(b, own.get(id(b), []) if b.parent is None else [])
            if ident is None:
                continue
            kind, name = ident
            out.block_keys[id(b)] = (kind, name)
            label_type = (
                b.labels[0] if kind in ("resource", "data", "ephemeral") and b.labels else ""
            )
            body = "\n".join(sc.rows[b.head + 1 : b.end + 1])
            out.defs.append(
                Definition(
                    kind=kind,
                    name=name,
                    start=seg.clamp_line(b.start),
                    end=seg.clamp_line(b.end),
                    head=seg.clamp_line(b.head),
                    digest="" if b.virtual else digest(f"{kind} {label_type}\n{body}"),
                    public=True if kind in ("variable", "output") else None,
                    virtual=b.virtual,
                )
            )
        for a in sc.attrs:
            local = a.top is not None and a.top.type == "locals" and a.path == ()
            tfvar = tfvars and a.top is None and a.path == ("?",) and toplevel(sc, a)
            if not (local or tfvar):
                continue
            out.defs.append(
                Definition(
                    kind="local" if local else "tfvar",
                    name=("local." if local else "var.") + a.key,
                    start=seg.clamp_line(a.start),
                    end=seg.clamp_line(a.end),
                    head=seg.clamp_line(a.row),
                    digest=digest(a.value),
                )
            )
    return out


def _segment_texts(ctx: FileContext, side: Side, out: Reading) -> list[tuple[Segment, str]]:
    """Segments with the text to scan.

    A whole file is cut into its top-level blocks and only the blocks that matter are scanned.
    On the new side of a diff, a stale section heading is replaced: git takes a hunk's heading
    from the old file, so when an earlier hunk renamed or removed that header line, the heading
    names a block the new side does not have; the block the hunk really sits in is then the
    last header the new side added before it.
    """
    segs = ctx.segments(side)
    if ctx.full:
        return [c for seg in segs for c in _chunks(ctx, seg, out)]
    if side == "old":
        return [(seg, seg.text) for seg in segs]
    removed = {t.strip() for t in ctx.removed.values() if t[:1] not in (" ", "\t")}
    added = {t.strip() for t in ctx.added.values()}
    stale = [seg.heading and seg.text.partition("\n")[0].strip() in removed - added for seg in segs]
    if not any(stale):
        return [(seg, seg.text) for seg in segs]
    result: list[tuple[Segment, str]] = []
    last_header = ""
    for i, seg in enumerate(segs):
        text = seg.text
        if stale[i]:
            text = last_header + "\n" + text.partition("\n")[2]
        result.append((seg, text))
        for r, row in enumerate(seg.text.split("\n")):
            line = seg.line_of(r)
            if (
                line is not None
                and line in ctx.added
                and row[:1].isalpha()
                and row.rstrip().endswith("{")
            ):
                last_header = row.rstrip()
    return result


_TOP_HEADER_RE = lazy(r'^([A-Za-z_][\w-]*)(?:[ \t]+(?:"[^"\n]*"|[A-Za-z_][\w-]*))*[ \t]*\{', re.M)
_HEREDOC_SPAN_RE = lazy(r'<<-?[ \t]*"?([A-Za-z_][\w-]*)"?[^\n]*\n(?:.*\n)*?[ \t]*\1[ \t]*$', re.M)
#: ``local.x`` / ``var.x``: what a count or for_each reads
REF_NAME_RE = lazy(r"\b(local|var)\.([A-Za-z_][\w-]*)")
_COUNT_LINE_RE = lazy(r"^([ \t]+)(?:count|for_each)[ \t]*=(.*(?:\n\1[ \t]+.*)*)", re.M)
#: blocks that are always read whole: other blocks refer to what they say
_ALWAYS_SCANNED = frozenset(("locals", "moved", "removed", "terraform"))
_SMALL_FILE = 400  # rows; below this, cutting a file up costs more than it saves


def _chunks(ctx: FileContext, seg: Segment, out: Reading) -> list[tuple[Segment, str]]:
    """A whole file -> its top-level blocks that hold changed lines (or that others depend on).

    Cuts only at column-0 block headers outside heredocs, where the scanner resets anyway, so a
    chunk is read exactly as it would be in the whole file. Comment lines directly above a
    header go with the block below them.
    """
    text = seg.text
    if text.count("\n") < _SMALL_FILE:
        return [(seg, text)]
    starts = line_starts(text)
    blocked: list[tuple[int, int]] = [(m.start(), m.end()) for m in _HEREDOC_SPAN_RE.finditer(text)]
    cuts: list[tuple[int, str]] = []  # (row, block type)
    for m in _TOP_HEADER_RE.finditer(text):
        pos = m.start()
        if any(a < pos < b for a, b in blocked):
            continue
        cuts.append((bisect.bisect_right(starts, pos) - 1, m.group(1)))
    if len(cuts) < 2:
        return [(seg, text)]
    rows = text.split("\n")
    bounds: list[tuple[int, str]] = [(0, "")]
    for row, btype in cuts:
        first = row
        while first > 0 and rows[first - 1].lstrip().startswith(("#", "//")):
            first -= 1
        if first > bounds[-1][0]:
            bounds.append((first, btype))
        else:
            bounds[-1] = (bounds[-1][0], btype)
    changed = ctx.changed_sorted(seg.side)
    result: list[tuple[Segment, str]] = []
    for i, (start, btype) in enumerate(bounds):
        end = bounds[i + 1][0] if i + 1 < len(bounds) else len(rows)
        chunk = "\n".join(rows[start:end])
        if btype in _ALWAYS_SCANNED or any_in(changed, start + 1, end):
            result.append((Segment(seg.side, chunk + "\n", start + 1), chunk + "\n"))
        elif btype in ("resource", "module", "data"):
            for m in _COUNT_LINE_RE.finditer(chunk):
                out.count_refs.update(
                    f"{r.group(1)}.{r.group(2)}" for r in REF_NAME_RE.finditer(m.group(2))
                )
    return result


def toplevel(sc: Scan, a: Attr) -> bool:
    line = sc.rows[a.row] if a.row < len(sc.rows) else ""
    return indent_of(line) == 0
