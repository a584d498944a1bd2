"""The language-independent half of scope extraction.

A file's change is seen from two sides. Each side is a list of *segments*: the whole file when git
holds both revisions ("full" mode), or one fragment per hunk otherwise ("hunks" mode, with the
hunk's section heading prepended so that a method is still qualified by its class). Analyzers read
definitions out of segments with tree-sitter; ``diff_definitions`` then turns the definitions of both
sides plus the changed line numbers into symbol changes. Because the decision depends only on
definitions and changed lines, both modes agree wherever the hunk text shows the definition.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from ..digest import short_hash
from ..models import FileDiff, FileStatus, Side, Signal, Symbol
from ..record import record
from ..rx import lazy
from . import grammars
from .grammars import QueryCursor

if TYPE_CHECKING:
    from tree_sitter import Node, Tree

#: fragments larger than this are not parsed (a 5 MB minified line); the file says so
MAX_PARSE_CHARS = 1_000_000
#: a line is read this far by the scanners of ``FileContext.added_text``
ADDED_LINE_CAP = 20_000

#: language -> repair of a hunk fragment: (heading, body rows) -> (rows to prepend, rows to append),
#: e.g. reopening a docstring the hunk starts inside of; registered by the language's module
FragmentRepair = Callable[[str | None, list[str]], tuple[list[str], list[str]]]
REPAIRS: dict[str, FragmentRepair] = {}
_WS_RE = lazy(r"\s+")


@record
class Segment:
    side: Side
    text: str
    first_line: int  # the real line number of the first real row
    heading: bool = False  # row 0 is the hunk's section heading, not a real line
    #: rows after the heading added to repair the fragment (an opening quote), not real lines
    prefix_rows: int = 0
    #: the whole file (full mode), not a hunk fragment: nothing to repair
    whole: bool = False

    def line_of(self, row: int) -> int | None:
        virtual = int(self.heading) + self.prefix_rows
        if row < virtual:
            return None
        return self.first_line + row - virtual

    def clamp_line(self, row: int) -> int:
        """Like line_of, but virtual rows map to the line before the fragment."""
        line = self.line_of(row)
        return self.first_line - 1 if line is None else line


class Definition:
    """A named definition found on one side: function, class, resource, object ..."""

    __slots__ = ("digest", "end", "head", "kind", "name", "public", "signature", "start", "virtual")

    def __init__(
        self,
        kind: str,
        name: str,
        start: int,  # first line of its range (decorators, modifiers and comments above included)
        end: int,
        head: int,  # the line that names it
        signature: str = "",
        digest: str = "",
        public: bool | None = None,
        virtual: bool = False,  # found only in a hunk's section heading: range known, header not
    ) -> None:
        self.kind = kind
        self.name = name
        self.start = start
        self.end = end
        self.head = head
        self.signature = signature
        self.digest = digest
        self.public = public
        self.virtual = virtual

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.name)

    def __repr__(self) -> str:
        return (
            f"Definition({self.kind!r}, {self.name!r}, {self.start}-{self.end}, head={self.head}, "
            f"public={self.public}, virtual={self.virtual})"
        )


class Partial:
    """What one analyzer found in one file."""

    __slots__ = ("cosmetic", "language", "notes", "signals", "symbols")

    def __init__(
        self,
        symbols: list[Symbol] | None = None,
        signals: list[Signal] | None = None,
        notes: list[str] | None = None,
        cosmetic: str | None = None,
        language: str | None = None,
    ) -> None:
        self.symbols: list[Symbol] = symbols if symbols is not None else []
        self.signals: list[Signal] = signals if signals is not None else []
        self.notes: list[str] = notes if notes is not None else []
        self.cosmetic = cosmetic
        #: language name to report when the analyzer knows better than the extension ("kubernetes")
        self.language = language


class FileContext:
    """Everything an analyzer may read about one changed file."""

    def __init__(
        self,
        fd: FileDiff,
        *,
        language: str,
        role: str,
        old_source: str | None = None,
        new_source: str | None = None,
    ) -> None:
        self.fd = fd
        self.path = fd.path
        self.old_path = fd.old_path or fd.path
        self.status: FileStatus = fd.status
        self.language = language
        self.role = role
        self.old_source = old_source
        self.new_source = new_source
        self.full = (
            (old_source is not None or fd.status == "added")
            and (new_source is not None or fd.status == "deleted")
            and (old_source is not None or new_source is not None)
        )
        self.notes: list[str] = []
        self._trees: dict[tuple[Side, str], list[tuple[Segment, Tree]]] = {}

    # -- lines ----------------------------------------------------------------------------
    @cached_property
    def hunk_lines(self) -> list[tuple[list[tuple[int, str]], list[tuple[int, str]]]]:
        """Per hunk, its removed and its added lines as ``(line number, text)``: one pass."""
        out = []
        for h in self.fd.hunks:
            removed: list[tuple[int, str]] = []
            added: list[tuple[int, str]] = []
            for prefix, old, new, text in h.numbered():
                if prefix == "+" and new is not None:
                    added.append((new, text))
                elif prefix == "-" and old is not None:
                    removed.append((old, text))
            out.append((removed, added))
        return out

    @cached_property
    def replaced(self) -> list[tuple[str, int, str]]:
        """``(removed text, added line number, added text)`` for each line a hunk replaces one for
        one (a hunk that takes out as many lines as it puts in, paired in order)."""
        out: list[tuple[str, int, str]] = []
        for removed, added in self.hunk_lines:
            if len(removed) == len(added) and removed:
                out.extend((r[1], a[0], a[1]) for r, a in zip(removed, added, strict=True))
        return out

    @cached_property
    def added(self) -> dict[int, str]:
        return {n: text for _removed, added in self.hunk_lines for n, text in added}

    @cached_property
    def added_text(self) -> str:
        """The added lines as one text (each cut at 20,000 characters): for scanners that look
        for a few literal words before anything line by line (credentials, security switches)."""
        return "\n".join(t[:ADDED_LINE_CAP] for t in self.added.values())

    @cached_property
    def removed(self) -> dict[int, str]:
        return {n: text for removed, _added in self.hunk_lines for n, text in removed}

    def changed(self, side: Side) -> dict[int, str]:
        return self.added if side == "new" else self.removed

    @cached_property
    def added_sorted(self) -> list[int]:
        return sorted(self.added)

    @cached_property
    def removed_sorted(self) -> list[int]:
        return sorted(self.removed)

    def changed_sorted(self, side: Side) -> list[int]:
        return self.added_sorted if side == "new" else self.removed_sorted

    # -- segments and trees -----------------------------------------------------------------
    def source(self, side: Side) -> str | None:
        return self.new_source if side == "new" else self.old_source

    def segments(self, side: Side) -> list[Segment]:
        if side == "new" and self.status == "deleted":
            return []
        if side == "old" and self.status == "added":
            return []
        if self.full:
            src = self.source(side)
            return [] if src is None else [Segment(side, src, 1, whole=True)]
        out: list[Segment] = []
        keep = "+" if side == "new" else "-"
        for h in self.fd.hunks:
            body = [line[1:] for line in h.lines if line[:1] in (" ", keep)]
            if not body:
                continue
            start = h.new_start if side == "new" else h.old_start
            heading = h.section.strip() != "" and not h.section.startswith((" ", "\t"))
            prefix: list[str] = []
            suffix: list[str] = []
            repair = REPAIRS.get(self.language)
            if repair is not None:
                prefix, suffix = repair(h.section if heading else None, body)
            text = "\n".join(([h.section] if heading else []) + prefix + body + suffix) + "\n"
            out.append(Segment(side, text, max(start, 1), heading, len(prefix)))
        return out

    def trees(self, side: Side, grammar: str | None = None) -> list[tuple[Segment, Tree]]:
        """Parse every segment of ``side`` with ``grammar`` (default: the file's language)."""
        name = grammar or self.language
        key = (side, name)
        cached = self._trees.get(key)
        if cached is not None:
            return cached
        out: list[tuple[Segment, Tree]] = []
        if grammars.available(name):
            parser = grammars.parser(name)
            for seg in self.segments(side):
                if len(seg.text) > MAX_PARSE_CHARS:
                    self.note(
                        f"{side} side has a fragment of {len(seg.text) // 1000} kB; "
                        "not parsed, reviewed from its lines only"
                    )
                    continue
                out.append((seg, parser.parse(seg.text.encode("utf-8", "replace"))))
        self._trees[key] = out
        return out

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


# --- tree helpers ---------------------------------------------------------------------------------


def captures(grammar: str, query_src: str, node: Node) -> dict[str, list[Node]]:
    return QueryCursor(grammars.query(grammar, query_src)).captures(node)


def text_of(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


def squash(text: str) -> str:
    return _WS_RE.sub(" ", text).strip()


def digest(text: str) -> str:
    return short_hash(squash(text).encode("utf-8", "replace"), 8)


def line_starts(text: str) -> list[int]:
    """The offset at which each line of ``text`` starts."""
    starts = [0]
    find = text.find
    pos = find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = find("\n", pos + 1)
    return starts


def lines_in(sorted_lines: Sequence[int], start: int, end: int) -> list[int]:
    lo = bisect.bisect_left(sorted_lines, start)
    hi = bisect.bisect_right(sorted_lines, end)
    return list(sorted_lines[lo:hi])


def any_in(sorted_lines: Sequence[int], start: int, end: int) -> bool:
    lo = bisect.bisect_left(sorted_lines, start)
    return lo < len(sorted_lines) and sorted_lines[lo] <= end


# --- definitions -> symbol changes ----------------------------------------------------------------


def merge_definitions(defs: Iterable[Definition]) -> dict[tuple[str, str], Definition]:
    """One definition per key; fragments of the same definition from several hunks are merged."""
    out: dict[tuple[str, str], Definition] = {}
    for d in defs:
        seen = out.get(d.key)
        if seen is None:
            out[d.key] = d
            continue
        # the fragment that shows the header wins the header line and signature
        if seen.virtual and not d.virtual:
            seen.head, seen.signature, seen.digest = d.head, d.signature, d.digest
            seen.public = d.public if d.public is not None else seen.public
            seen.virtual = False
        seen.start = min(seen.start, d.start)
        seen.end = max(seen.end, d.end)
    return out


def attribute_lines(
    defs: Iterable[Definition], lines: Sequence[int]
) -> tuple[dict[tuple[str, str], list[int]], list[int]]:
    """Give every changed line to the innermost definition containing it.

    Returns the lines per definition key and the lines outside every definition.
    """
    ordered = sorted(defs, key=lambda d: (d.start, -d.end))
    owned: dict[tuple[str, str], list[int]] = {}
    outside: list[int] = []
    stack: list[Definition] = []
    j = 0
    for line in lines:
        while j < len(ordered) and ordered[j].start <= line:
            d = ordered[j]
            while stack and stack[-1].end < d.start:
                stack.pop()
            stack.append(d)
            j += 1
        while stack and stack[-1].end < line:
            stack.pop()
        if stack:
            owned.setdefault(stack[-1].key, []).append(line)
        else:
            outside.append(line)
    return owned, outside


def diff_definitions(
    old_defs: Iterable[Definition],
    new_defs: Iterable[Definition],
    removed: Sequence[int],
    added: Sequence[int],
    *,
    removed_set: set[int] | dict[int, str] | None = None,
    added_set: set[int] | dict[int, str] | None = None,
) -> tuple[list[tuple[Symbol, Definition | None, Definition | None]], list[int], list[int]]:
    """Definitions of both sides + changed lines -> symbol changes.

    Returns ``[(symbol, old_def, new_def)]`` and the removed/added lines that no definition owns.
    """
    old_map = merge_definitions(old_defs)
    new_map = merge_definitions(new_defs)
    old_owned, old_outside = attribute_lines(old_map.values(), removed)
    new_owned, new_outside = attribute_lines(new_map.values(), added)
    rset = removed_set if removed_set is not None else set(removed)
    aset = added_set if added_set is not None else set(added)

    keys = list(dict.fromkeys([*old_owned, *new_owned]))
    results: list[tuple[Symbol, Definition | None, Definition | None]] = []
    added_defs: list[Definition] = []
    deleted_defs: list[Definition] = []
    for key in keys:
        o, n = old_map.get(key), new_map.get(key)
        if n is not None and o is None:
            if n.head in aset:
                added_defs.append(n)
                continue
            change = "modified"
        elif o is not None and n is None:
            if o.head in rset:
                deleted_defs.append(o)
                continue
            change = "modified"
        elif o is not None and n is not None:
            change = (
                "signature"
                if (o.signature and n.signature and o.signature != n.signature)
                else "modified"
            )
        else:  # pragma: no cover - keys come from the maps
            continue
        d = n or o
        assert d is not None
        pub = n.public if n is not None and n.public is not None else (o.public if o else None)
        results.append((Symbol(d.kind, d.name, change, d.head, None, pub), o, n))  # type: ignore[arg-type]

    # a definition that disappears under one name and appears under another with the same body
    by_digest: dict[tuple[str, str], list[Definition]] = {}
    for d in deleted_defs:
        if d.digest:
            by_digest.setdefault((d.kind, d.digest), []).append(d)
    for n in added_defs:
        candidates = by_digest.get((n.kind, n.digest)) if n.digest else None
        if candidates:
            o = candidates.pop(0)
            deleted_defs.remove(o)
            pub = n.public if n.public is not None else o.public
            results.append((Symbol(n.kind, n.name, "renamed", n.head, o.name, pub), o, n))
        else:
            results.append((Symbol(n.kind, n.name, "added", n.head, None, n.public), None, n))
    for o in deleted_defs:
        results.append((Symbol(o.kind, o.name, "deleted", o.head, None, o.public), o, None))
    results.sort(key=lambda r: (r[0].line or 0, r[0].name))
    return results, old_outside, new_outside


# --- cosmetic changes --------------------------------------------------------------------------------


def excluded_spans(
    trees: Iterable[tuple[Segment, Tree]],
    node_query: str,
    grammar: str,
    wanted: set[int] | dict[int, str],
    *,
    keep: Callable[[Node], bool] | None = None,
) -> dict[int, list[tuple[int, int]]]:
    """Byte spans per real line covered by nodes matched by ``node_query`` (comments, strings)."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for seg, tree in trees:
        for nodes in captures(grammar, node_query, tree.root_node).values():
            for node in nodes:
                if keep is not None and not keep(node):
                    continue
                (r0, c0), (r1, c1) = node.start_point, node.end_point
                for row in range(r0, r1 + 1):
                    line = seg.line_of(row)
                    if line is None or line not in wanted:
                        continue
                    start = c0 if row == r0 else 0
                    end = c1 if row == r1 else 1 << 30
                    spans.setdefault(line, []).append((start, end))
    return spans


def _residue(text: str, spans: list[tuple[int, int]] | None) -> str:
    if not spans:
        return _WS_RE.sub("", text)
    raw = text.encode("utf-8", "replace")
    keep = bytearray()
    pos = 0
    for start, end in sorted(spans):
        if start > pos:
            keep += raw[pos:start]
        pos = max(pos, end)
    keep += raw[pos:]
    return _WS_RE.sub("", keep.decode("utf-8", "replace"))


def cosmetic_level(
    ctx: FileContext,
    comment_spans: tuple[dict[int, list[tuple[int, int]]], dict[int, list[tuple[int, int]]]],
    string_spans: tuple[dict[int, list[tuple[int, int]]], dict[int, list[tuple[int, int]]]]
    | None = None,
) -> str | None:
    """``whitespace``, ``comments`` or ``strings`` when that is all a hunk-by-hunk comparison changes."""
    if ctx.status in ("added", "deleted") or not ctx.fd.hunks:
        return None
    levels = ["whitespace", "comments"] + (["strings"] if string_spans is not None else [])
    worst = 0
    merged = None
    for old_lines, new_lines in ctx.hunk_lines:
        # a line with no span cut out at a level reads as at "whitespace": strip it once
        old_bare = [_residue(t, None) for _, t in old_lines]
        new_bare = [_residue(t, None) for _, t in new_lines]
        if "".join(old_bare) == "".join(new_bare):
            continue  # level 0
        level = None
        for i in range(1, len(levels)):
            if i == 1:
                o_sp, n_sp = comment_spans
            else:
                assert string_spans is not None
                if merged is None:
                    merged = (
                        _merge_spans(comment_spans[0], string_spans[0]),
                        _merge_spans(comment_spans[1], string_spans[1]),
                    )
                o_sp, n_sp = merged
            if not any(line in o_sp for line, _ in old_lines) and not any(
                line in n_sp for line, _ in new_lines
            ):
                continue  # nothing cut out: reads as at "whitespace", which differs
            old_res = "".join(
                _residue(t, o_sp[line]) if line in o_sp else bare
                for (line, t), bare in zip(old_lines, old_bare, strict=True)
            )
            new_res = "".join(
                _residue(t, n_sp[line]) if line in n_sp else bare
                for (line, t), bare in zip(new_lines, new_bare, strict=True)
            )
            if old_res == new_res:
                level = i
                break
        if level is None:
            return None
        worst = max(worst, level)
    return levels[worst]


def _merge_spans(
    a: dict[int, list[tuple[int, int]]], b: dict[int, list[tuple[int, int]]]
) -> dict[int, list[tuple[int, int]]]:
    out = {k: list(v) for k, v in a.items()}
    for k, v in b.items():
        out.setdefault(k, []).extend(v)
    return out
