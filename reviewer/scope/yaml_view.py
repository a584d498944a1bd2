"""YAML and JSON sides as outlines, the changes between them, and the generic reading by keys."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..models import Side, Signal, Symbol
from ..record import field, record
from ..rx import lazy
from .engine import Definition, FileContext, Partial, diff_definitions
from .lex.yaml_outline import (
    COMMENT_RE,
    GAP,
    MAX_LINE_CHARS,
    MAX_SEGMENT_CHARS,
    QUOTED_RE,
    WS_RE,
    Node,
    Outline,
    Text,
    changed_documents,
    outline,
)


@record(frozen=False, slots=False)
class SideView:
    """Every outline of one side, with lookups by line."""

    side: Side
    outlines: list[Outline]
    #: line -> (outline, node index) of the nodes on that line, outermost first
    by_line: dict[int, list[tuple[Outline, int]]] = field(default_factory=dict)
    texts: dict[int, tuple[Outline, Text]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for ol in self.outlines:
            for i, n in enumerate(ol.nodes):
                if not n.virtual:
                    self.by_line.setdefault(n.line, []).append((ol, i))
            for t in ol.texts:
                self.texts[t.line] = (ol, t)

    def node_at(self, line: int) -> tuple[Outline, Node] | None:
        """The innermost node on ``line``."""
        found = self.by_line.get(line)
        if not found:
            return None
        ol, i = found[-1]
        return ol, ol.nodes[i]

    def nodes(self) -> Iterator[tuple[Outline, int, Node]]:
        for ol in self.outlines:
            for i, n in enumerate(ol.nodes):
                yield ol, i, n

    def visible_text(self) -> Iterator[str]:
        for ol in self.outlines:
            yield ol.segment.text


def side_view(ctx: FileContext, side: Side, *, json: bool = False) -> SideView:
    outs: list[Outline] = []
    for seg in ctx.segments(side):
        whole = seg.first_line == 1 and not seg.heading
        parts = [seg] if json or not whole else changed_documents(seg, ctx.changed_sorted(side))
        for part in parts:
            if len(part.text) > MAX_SEGMENT_CHARS:
                ctx.note(f"{side} side has a document of {len(part.text) // 1000} kB; not outlined")
                continue
            outs.append(outline(part, json=json, complete=whole))
    return SideView(side, outs)


# --- helpers shared by the YAML families -------------------------------------------------------------


@record
class Change:
    """A changed line with the node (or text) it falls in."""

    side: Side
    line: int
    text: str
    outline: Outline | None
    node: Node | None  # the node on the line, or the owner of a text line
    is_text: bool  # the line is content of ``node`` (block scalar, template line), not a key
    index: int = -1  # the node's index in ``outline``

    @property
    def path(self) -> tuple[str, ...]:
        """Where the line sits: the node's full path (a text line: its owner's)."""
        if self.node is None:
            return (GAP,)
        return self.node.fullpath

    @property
    def key(self) -> str:
        return "" if self.node is None or self.is_text else self.node.key

    @property
    def value(self) -> str:
        return "" if self.node is None or self.is_text else self.node.scalar


def changes(ctx: FileContext, view: SideView) -> list[Change]:
    """Every non-blank changed line of ``view``'s side, in order."""
    out: list[Change] = []
    lines = ctx.changed(view.side)
    for line in ctx.changed_sorted(view.side):
        text = lines[line]
        if not text.strip():
            continue
        found = view.by_line.get(line)
        if found:
            ol, i = found[-1]
            out.append(Change(view.side, line, text, ol, ol.nodes[i], False, i))
            continue
        t = view.texts.get(line)
        if t is not None:
            ol, tx = t
            owner = ol.nodes[tx.owner] if tx.owner >= 0 else None
            out.append(Change(view.side, line, text, ol, owner, True, tx.owner))
        else:
            out.append(Change(view.side, line, text, None, None, True))
    return out


def is_comment(text: str) -> bool:
    s = text.lstrip()
    return s.startswith("#") or s.startswith("//")


def _without_comment(text: str) -> str:
    """The line with its YAML comment cut off, indentation kept."""
    if "#" not in text:
        return text.rstrip()
    if text.lstrip().startswith("#"):
        return ""
    masked = QUOTED_RE.sub(lambda m: "x" * len(m.group(0)), text)
    m = COMMENT_RE.search(masked)
    return (text[: m.start()] if m else text).rstrip()


def _normal(seq: list[str], json: bool, comments: bool) -> str:
    if json:
        kept = [t for t in seq if not (comments and t.lstrip().startswith("//"))]
        return WS_RE.sub("", "".join(kept))
    lines = (_without_comment(t) if comments else t.rstrip() for t in seq)
    return "\n".join(t for t in lines if t.strip())


def cosmetic(ctx: FileContext) -> str | None:
    """``whitespace`` or ``comments`` when that is all the change touches.

    Indentation is structure in YAML, and a line moved inside a hunk moves a key: each hunk's whole
    old and new text (context included) is compared, not just its changed lines.
    """
    if ctx.status not in ("modified", "renamed") or not ctx.fd.hunks:
        return None
    json = ctx.language == "json"
    worst = 0
    for h in ctx.fd.hunks:
        old_seq: list[str] = []
        new_seq: list[str] = []
        for prefix, _o, _n, text in h.numbered():
            if prefix != "+":
                old_seq.append(text[:MAX_LINE_CHARS])
            if prefix != "-":
                new_seq.append(text[:MAX_LINE_CHARS])
        if _normal(old_seq, json, False) == _normal(new_seq, json, False):
            continue
        if _normal(old_seq, json, True) == _normal(new_seq, json, True):
            worst = 1
            continue
        return None
    return ("whitespace", "comments")[worst]


_STRUCTURAL_RE = lazy(r"^[\s{}\[\],]*$|^(---|\.\.\.)(\s.*)?$")


def file_symbol(ctx: FileContext, lines: Iterable[int]) -> Symbol | None:
    """A file-level symbol for changed lines no definition owns (None when there are none).

    Bare brackets never count; comments do not either when the whole file is added or deleted.
    """
    whole = ctx.status in ("added", "deleted")
    texts = {**ctx.removed, **ctx.added}
    first = min(
        (
            n
            for n in lines
            if not _STRUCTURAL_RE.match(texts.get(n, ""))
            and not (whole and is_comment(texts.get(n, "")))
        ),
        default=None,
    )
    if first is None:
        return None
    return Symbol("file", ctx.path, "modified", first if ctx.status != "deleted" else None)


def section_headers(view: SideView, keys: tuple[str, ...]) -> set[int]:
    """Lines of top-level container keys (``Resources:``, ``services:``) of one side."""
    return {
        n.line for _ol, _i, n in view.nodes() if n.path == () and n.key in keys and not n.virtual
    }


def real_lines(ctx: FileContext, side: Side) -> list[int]:
    """Changed lines of ``side`` that are not blank."""
    lines = ctx.changed(side)
    return [n for n in ctx.changed_sorted(side) if lines[n].strip()]


def count_by(items: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for it in items:
        out[it] = out.get(it, 0) + 1
    return out


def key_definitions(
    view: SideView,
    *,
    prefix: tuple[str, ...] = (),
    levels: int = 2,
    kind: str = "key",
    kinds: dict[tuple[str, ...], str] | None = None,
) -> list[Definition]:
    """Mapping keys under ``prefix`` down to ``levels`` levels, named by their dotted path.

    ``kinds`` maps a path (without the key) to the symbol kind of the keys directly under it.
    Keys under sequence items and keys whose ancestors are not all visible are left out.
    """
    out: list[Definition] = []
    depth = len(prefix)
    for _ol, _i, n in view.nodes():
        if n.key == "-" or not n.exact or len(n.path) >= depth + levels:
            continue
        if n.path[:depth] != prefix or "-" in n.path:
            continue
        k = kinds.get(n.path, kind) if kinds else kind
        out.append(
            Definition(
                k, ".".join(n.fullpath), n.start, max(n.end, n.line), n.line, virtual=n.virtual
            )
        )
    return out


def symbol_changes(
    ctx: FileContext, old_defs: Iterable[Definition], new_defs: Iterable[Definition]
) -> tuple[list[tuple[Symbol, Definition | None, Definition | None]], list[int], list[int]]:
    """``diff_definitions`` over the non-blank changed lines."""
    return diff_definitions(
        old_defs,
        new_defs,
        real_lines(ctx, "old"),
        real_lines(ctx, "new"),
        removed_set=ctx.removed,
        added_set=ctx.added,
    )


def dedupe(signals: Iterable[Signal]) -> list[Signal]:
    """One signal per (code, symbol, detail): the first line found stands for the others."""
    seen: set[tuple[str, str | None, str]] = set()
    out: list[Signal] = []
    for s in signals:
        k = (s.code, s.symbol, s.detail)
        if k not in seen:
            seen.add(k)
            out.append(s)
    return out


def _identity(ch: Change) -> str:
    if ch.is_text or ch.node is None:
        return "\0" + ch.text.strip()
    node = ch.node
    return f"{node.path[-1:]}|{node.key}|{node.scalar}"


def fresh(added: list[Change], removed: list[Change]) -> list[Change]:
    """Added lines that do not merely put back a removed one (a moved, re-indented or re-commented
    line is not new): what widening checks should read."""
    gone = count_by(_identity(ch) for ch in removed)
    out: list[Change] = []
    for ch in added:
        key = _identity(ch)
        if gone.get(key, 0) > 0:
            gone[key] -= 1
            continue
        out.append(ch)
    return out


def generic_definitions(ctx: FileContext, view: SideView) -> list[Definition]:
    # a whole file added or deleted is named by its top-level keys only
    levels = 1 if ctx.status in ("added", "deleted") else 2
    return key_definitions(view, levels=levels)


def analyze_keys(
    ctx: FileContext, old: SideView, new: SideView, *, language: str | None = None
) -> Partial:
    """Unknown YAML/JSON: the changed keys as symbols, no change kinds."""
    part = Partial(language=language)
    changes, old_out, new_out = symbol_changes(
        ctx, generic_definitions(ctx, old), generic_definitions(ctx, new)
    )
    part.symbols.extend(sym for sym, _o, _n in changes)
    stray = file_symbol(ctx, new_out or old_out)
    if stray is not None:
        part.symbols.append(stray)
    part.cosmetic = cosmetic(ctx)
    return part
