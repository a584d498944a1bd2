"""An indentation outline of YAML and pretty-printed JSON, the same on whole files and hunk fragments.

tree-sitter-yaml loses almost everything on a hunk that starts inside a mapping (error recovery keeps
one pair), and Helm templates do not parse at all; indentation does not lie in either case. Each
line gives a node (a mapping key or a sequence item) whose parent is the nearest open node indented
less. A fragment's ancestors above its first line are unknown except for the hunk's section heading
(git's last top-level line); levels that cannot be seen are written ``GAP`` in a path, so that
consumers can tell an exact path (``spec.selector.matchLabels``) from a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...record import field, record
from ...rx import lazy
from ..engine import Segment, any_in

GAP = "\u2026"
#: a segment bigger than this is not outlined (the file says so)
MAX_SEGMENT_CHARS = 8_000_000
#: longer lines are cut before regexes see them (a minified bundle must not cost seconds)
MAX_LINE_CHARS = 20_000
#: nesting deeper than this is read as text: paths stay short on pathological input
MAX_DEPTH = 64

_KEY_RE = lazy(
    r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#'"{}\[\],&*!|>%@`-][^\s]*?|<<))[ \t]*:(?:[ \t]+|$)"""
)
#: a top-level key may hold spaces (GitLab job names): only there, where shell text never starts
_TOP_KEY_RE = lazy(r"""([^\s#'"{}\[\],&*!|>%@`-](?:[^:#'"]|:(?=\S))*?)[ \t]*:(?:[ \t]+|$)""")
_DASH_RE = lazy(r"-(?:[ \t]+|$)")
_BLOCK_RE = lazy(r"^[|>][0-9+-]*$")
_DOC_RE = lazy(r"^(---|\.\.\.)(\s|$)")
QUOTED_RE = lazy(r""""(?:[^"\\]|\\.)*"|'(?:[^']|'')*'""")
COMMENT_RE = lazy(r"(^|\s)#")
WS_RE = lazy(r"\s+")


@record(frozen=False)
class Node:
    """A mapping key or a sequence item (``key == "-"``) on one line."""

    line: int  # real line; a hunk heading gets the line before its fragment
    col: int
    key: str
    value: str = ""  # inline scalar, comment stripped ("" when the value is a nested block)
    parent: int = -1
    start: int = 0  # first line of its range: comment lines right above belong to it
    end: int = 0  # last line of its block
    doc: int = 0
    virtual: bool = False  # the hunk's section heading, not a line of the fragment
    block: bool = False  # the value is a block scalar (``|`` / ``>``)
    path: tuple[str, ...] = ()

    @property
    def fullpath(self) -> tuple[str, ...]:
        return (*self.path, self.key)

    @property
    def exact(self) -> bool:
        return GAP not in self.path

    @property
    def scalar(self) -> str:
        return unquote(self.value)


@record(frozen=False)
class Text:
    """A line that is not a key: block-scalar content, a template directive, a continuation."""

    line: int
    text: str
    owner: int  # index of the node it belongs to, -1 when unknown


@record(frozen=False, slots=False)
class Outline:
    """The outline of one segment (a whole file, or one hunk's fragment)."""

    segment: Segment
    nodes: list[Node] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    #: (first line, last line) of each document of the segment
    docs: list[tuple[int, int]] = field(default_factory=list)
    complete: bool = False
    unit: int = 2
    _kids: dict[int, list[int]] | None = None

    def children(self, idx: int) -> list[int]:
        if self._kids is None:
            kids: dict[int, list[int]] = {}
            for i, n in enumerate(self.nodes):
                kids.setdefault(n.parent, []).append(i)
            self._kids = kids
        return self._kids.get(idx, [])

    def child(self, idx: int, key: str) -> Node | None:
        for k in self.children(idx):
            if self.nodes[k].key == key:
                return self.nodes[k]
        return None

    def ancestors(self, idx: int) -> Iterator[Node]:
        p = self.nodes[idx].parent if idx >= 0 else -1
        while p >= 0:
            yield self.nodes[p]
            p = self.nodes[p].parent


def unquote(value: str) -> str:
    v = value.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v


def flow_items(value: str) -> list[str]:
    """``[a, "b"]`` -> ``["a", "b"]``; a plain scalar -> ``[scalar]``."""
    v = value.strip()
    if v.startswith("[") and v.endswith("]"):
        inner = QUOTED_RE.sub(lambda m: m.group(0).replace(",", "\0"), v[1:-1])
        return [unquote(p.replace("\0", ",")) for p in inner.split(",") if p.strip()]
    return [unquote(v)] if v else []


def strip_comment(value: str) -> str:
    if "#" not in value:
        return value.strip()
    masked = QUOTED_RE.sub(lambda m: "x" * len(m.group(0)), value)
    m = COMMENT_RE.search(masked)
    return (value[: m.start()] if m else value).strip()


def _depth(value: str) -> int:
    masked = QUOTED_RE.sub("", value).replace("{{", "").replace("}}", "")
    return masked.count("[") + masked.count("{") - masked.count("]") - masked.count("}")


def _open_quote(value: str) -> str:
    """The quote character of a quoted scalar that continues on the next line, else ''."""
    v = value.lstrip()
    if v[:1] not in ("'", '"'):
        return ""
    return "" if QUOTED_RE.match(v) else v[0]


class _Scanner:
    def __init__(self, seg: Segment, json: bool, complete: bool) -> None:
        self.seg = seg
        self.json = json
        self.out = Outline(seg, complete=complete)
        self.stack: list[int] = []
        self.last = seg.first_line - 1  # last content line seen
        self.pending: int | None = None  # first line of a comment block waiting for its node
        self.doc = 0
        self.doc_start = seg.first_line - (1 if seg.heading else 0)

    # -- stack --------------------------------------------------------------------------------
    def close(self, col: int, *, keep_keys: bool = False) -> None:
        """Close the open nodes indented ``col`` or deeper (keys at ``col`` stay when ``keep_keys``)."""
        nodes = self.out.nodes
        while self.stack:
            top = nodes[self.stack[-1]]
            if top.col < col or (top.col == col and keep_keys and top.key != "-"):
                break
            top.end = self.last
            self.stack.pop()

    def push(self, line: int, col: int, key: str, value: str, virtual: bool) -> int:
        nodes = self.out.nodes
        parent = self.stack[-1] if self.stack else -1
        start = self.pending if self.pending is not None and not virtual else line
        self.pending = None
        nodes.append(
            Node(
                line,
                col,
                key,
                value,
                parent,
                start,
                line,
                self.doc,
                virtual,
                bool(_BLOCK_RE.match(value)) if value else False,
            )
        )
        self.stack.append(len(nodes) - 1)
        return len(nodes) - 1

    # -- lines --------------------------------------------------------------------------------
    def run(self) -> Outline:
        rows = self.seg.text.split("\n")
        if rows and rows[-1] == "":
            rows.pop()
        block: int | None = None  # node owning a block scalar
        flow = 0  # open brackets of a multi-line flow collection
        quote = ""  # open quote of a multi-line quoted scalar
        owner_of_flow = -1
        heading = self.seg.heading
        # the heading row stands for the line before the fragment (Segment.clamp_line)
        base = self.seg.first_line - (1 if heading else 0)
        for row, raw in enumerate(rows):
            line = base + row
            virtual = heading and row == 0
            text = raw[:MAX_LINE_CHARS].rstrip("\r")
            stripped = text.strip()
            col = len(text) - len(text.lstrip(" \t"))
            if block is not None:
                if not stripped or col > self.out.nodes[block].col:
                    if stripped:
                        self.out.texts.append(Text(line, stripped, block))
                        self.last = line
                    continue
                block = None
            if (quote or flow > 0) and stripped and col <= self.out.nodes[owner_of_flow].col:
                # continuation lines are indented deeper than their key: this one is not one
                quote, flow = "", 0
            if quote or flow > 0:
                self.out.texts.append(Text(line, stripped, owner_of_flow))
                self.last = line
                if quote:
                    if text.count(quote) % 2 == 1:
                        quote = ""
                else:
                    flow += _depth(text)
                continue
            if not stripped:
                self.pending = None
                continue
            if stripped.startswith("#") or (self.json and stripped.startswith("//")):
                if self.pending is None:
                    self.pending = line
                continue
            if not self.json and col == 0 and _DOC_RE.match(stripped):
                self.close(-1)
                self.out.docs.append((self.doc_start, self.last))
                self.doc += 1
                # the separator belongs to neither document
                self.doc_start = line + 1
                self.pending = None
                continue
            idx = self.line_nodes(line, col, text[col:], virtual)
            self.last = line
            if idx is None:
                continue
            node = self.out.nodes[idx]
            if node.block:
                block = idx
            elif not self.json and node.value:
                if node.value[0] in "[{" and not node.value.startswith("{{"):
                    flow = max(_depth(node.value), 0)
                    owner_of_flow = idx
                else:
                    quote = _open_quote(node.value)
                    owner_of_flow = idx
        self.close(-1)
        self.out.docs.append((self.doc_start, self.last))
        return self.out

    def line_nodes(self, line: int, col: int, rest: str, virtual: bool) -> int | None:
        """Nodes of one content line; returns the innermost one (None for a text line)."""
        nodes = self.out.nodes
        pos = col
        made: int | None = None
        if len(self.stack) >= MAX_DEPTH and nodes[self.stack[-1]].col < col:
            self.out.texts.append(Text(line, rest.strip(), self.stack[-1]))
            return None
        if self.json and rest[:1] in "}]":
            self.last = line
            self.close(pos)
            return None
        while True:
            m = _DASH_RE.match(rest)
            if m is None:
                break
            self.close(pos, keep_keys=True)
            made = self.push(line, pos, "-", "", virtual)
            pos += m.end()
            rest = rest[m.end() :]
            if not rest or rest.startswith("#"):
                return made
        if self.json and rest.rstrip(",").strip() in ("{", "["):
            opener = nodes[self.stack[-1]] if self.stack else None
            if opener is not None and opener.value in ("[", "-"):
                self.close(pos)
                return self.push(line, pos, "-", "-" if rest.startswith("[") else "", virtual)
            return None
        km = _KEY_RE.match(rest)
        if km is None and pos == 0 and not self.json:
            km = _TOP_KEY_RE.match(rest)
            if km is not None:
                key = km.group(1)
                self.close(0)
                return self.push(line, 0, key, strip_comment(rest[km.end() :]), virtual)
        if km is not None:
            key = km.group(1) if km.group(1) is not None else km.group(2)
            if key is None:
                key = km.group(3)
            value = rest[km.end() :]
            value = value.strip().rstrip(",").strip() if self.json else strip_comment(value)
            self.close(pos)
            return self.push(line, pos, key, value, virtual)
        value = rest.strip().rstrip(",").strip() if self.json else strip_comment(rest)
        if made is not None:
            nodes[made].value = value
            return made
        top = self.stack[-1] if self.stack else -1
        if self.json and top >= 0 and nodes[top].value == "[":
            # a scalar element of a multi-line JSON array
            self.close(pos)
            return self.push(line, pos, "-", value, virtual)
        owner = top if top >= 0 and not nodes[top].virtual else -1
        if top >= 0 and nodes[top].virtual and nodes[top].block:
            owner = top
        self.out.texts.append(Text(line, rest.strip(), owner))
        return None


def _finish(out: Outline, json: bool) -> Outline:
    nodes = out.nodes
    deltas = [
        n.col - nodes[n.parent].col
        for n in nodes
        if n.parent >= 0
        and nodes[n.parent].key != "-"
        and not nodes[n.parent].virtual
        and n.col > nodes[n.parent].col
        and not nodes[n.parent].value.strip("{[")
        and nodes[n.parent].line != n.line
    ]
    out.unit = min(deltas) if deltas else 2
    for n in nodes:
        if n.parent < 0:
            if out.complete:
                n.path = ()
            elif json:
                n.path = () if n.col == out.unit else (GAP,)
            else:
                n.path = () if n.col == 0 else (GAP,)
            continue
        p = nodes[n.parent]
        if p.virtual and not out.complete:
            delta = n.col - p.col
            direct = delta == out.unit or (n.key == "-" and delta == 0)
            n.path = p.fullpath if direct else (*p.fullpath, GAP)
        else:
            n.path = p.fullpath
    return out


def outline(seg: Segment, *, json: bool = False, complete: bool | None = None) -> Outline:
    """The outline of ``seg``; ``complete`` when nothing above its first line is missing."""
    if complete is None:
        complete = seg.first_line == 1 and not seg.heading
    if len(seg.text) > MAX_SEGMENT_CHARS:
        return Outline(seg)
    return _finish(_Scanner(seg, json, complete).run(), json)


_SEPARATOR_RE = lazy(r"^(?:---|\.\.\.)(?:[ \t].*)?$", re.M)


def changed_documents(seg: Segment, changed: list[int]) -> list[Segment]:
    """The documents of a whole multi-document file that hold a changed line, as segments.

    Documents nobody touched name nothing and own no changed line; skipping them keeps a
    10,000-object bundle with a one-line change cheap.
    """
    text = seg.text
    # (line, first char, last char) of each separator
    cuts: list[tuple[int, int, int]] = []
    line, pos = seg.first_line, 0
    for m in _SEPARATOR_RE.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        cuts.append((line, m.start(), m.end()))
    if not cuts:
        return [seg]
    out: list[Segment] = []
    start_line, start_char = seg.first_line, 0
    total_lines = seg.first_line + text.count("\n")
    for sep_line, sep_start, sep_end in [*cuts, (total_lines + 1, len(text), len(text))]:
        if any_in(changed, start_line, sep_line - 1) and sep_start > start_char:
            out.append(Segment(seg.side, text[start_char:sep_start], start_line))
        start_line, start_char = sep_line + 1, sep_end + 1
    return out
