"""HCL: the blocks and attributes of a whole file or of a hunk fragment, by a lexical scanner.

Structure comes from a lexical scanner, not from the tree-sitter HCL tree. A hunk fragment usually
starts inside a block (a ``    }`` whose opener is not shown, or the middle of a heredoc policy),
and tree-sitter's error recovery then folds the rest of the fragment into one ERROR node: three
quarters of the Terraform fragments of the dev set parse with errors, the ones starting with a
closing bracket lose every block after it. Formatted Terraform states its structure twice, by
brackets and by indentation, so a scanner that counts brackets, and trusts indentation where a
fragment hides an opener, reads whole files and fragments with one algorithm: both modes agree
by construction wherever the hunk text shows a block.
"""

from __future__ import annotations

from ...record import field, record
from ...rx import lazy
from ..engine import squash
from .hcl_rows import (
    byte_spans,
    indent_of,
    indent_unit,
    is_block_heading,
    json_key,
    labels_of,
    last_code_row_before,
    lex_row,
    run_above,
    starts_in_heredoc,
)

_BLOCK_HEAD_RE = lazy(r'^([A-Za-z_][\w-]*)((?:[ \t]+(?:"[^"\n]*"|[A-Za-z_][\w-]*))*)[ \t]*$')
_ATTR_RE = lazy(r'^[ \t]*(?:"([^"\n]+)"|([A-Za-z_][\w.-]*))[ \t]*(=|:)(?![=>])[ \t]*(.*)$')
_KEY_BEFORE_RE = lazy(r'(?:"([^"\n]+)"|([A-Za-z_][\w-]*))[ \t]*[=:][ \t]*$')
#: a truncated section heading (git cuts long ones) still names its block
_HEADING_RE = lazy(r'^([A-Za-z_][\w-]*)((?:[ \t]+(?:"[^"\n]*"?|[A-Za-z_][\w-]*))*)[ \t]*\{?')
_MAX_ROW = 20_000  # a row longer than this is data (minified JSON), not structure


@record(frozen=False, eq=False)
class Block:
    type: str
    labels: tuple[str, ...]
    head: int  # row of the header
    start: int  # row where its range starts (comments directly above included)
    end: int  # row of the closing bracket, or the segment's last row
    virtual: bool  # known only from the hunk's section heading
    parent: Block | None
    closed: bool = False


@record(frozen=False, eq=False)
class Attr:
    key: str
    row: int
    end: int
    top: Block | None  # the top-level block it sits in, None when the fragment does not say
    #: frames between the top-level block and the attribute: nested block types (a dynamic
    #: block by its label) and attribute keys; "?" marks levels the fragment does not show
    path: tuple[str, ...]
    start: int = -1  # first row of its range (comments directly above included)
    parts: list[str] = field(default_factory=list)
    heredoc: bool = False

    @property
    def value(self) -> str:
        return squash(" ".join(self.parts))


@record(frozen=False, eq=False)
class _Frame:
    char: str  # "{", "[", "(" or "?" for a level the fragment does not show
    kind: str  # block, object, list, call, unknown
    name: str
    indent: int
    real: bool
    block: Block | None = None


@record(frozen=False)
class Scan:
    """What the scanner read in one segment; rows are the segment's rows."""

    rows: list[str]
    #: each row without its comments (heredoc rows as they are)
    code: list[str]
    blocks: list[Block]
    attrs: list[Attr]
    #: the JSON key a heredoc row assigns or lists under (IAM policies written as JSON)
    json_keys: dict[int, str]
    #: innermost attribute covering each row
    row_attr: dict[int, Attr]
    heredoc_rows: set[int]
    #: comment spans per row, in bytes of the UTF-8 row (as cosmetic_level expects)
    comments: dict[int, list[tuple[int, int]]]


_CLOSE_OF = {"}": "{", "]": "[", ")": "("}


class _Scanner:
    """One pass over the rows of a segment; see ``scan``."""

    def __init__(self, text: str, *, heading: bool, fragment: bool) -> None:
        self.rows = [r[:-1] if r.endswith("\r") else r for r in text.split("\n")]
        self.code: list[str] = [""] * len(self.rows)
        self.heading = heading
        self.fragment = fragment
        self.blocks: list[Block] = []
        self.attrs: list[Attr] = []
        self.json_keys: dict[int, str] = {}
        self.row_attr: dict[int, Attr] = {}
        self.heredoc_rows: set[int] = set()
        self.comments: dict[int, list[tuple[int, int]]] = {}
        self.stack: list[_Frame] = []
        self.open_attrs: list[tuple[Attr, int]] = []  # (attr, stack depth where it started)
        self.heredoc: str | None = None
        self.heredoc_attr: Attr | None = None
        self.hd_list_key: str | None = None
        self.in_comment = False
        self.comment_run: list[int] = []  # comment rows directly above the current row
        self.unit = 2

    def run(self) -> Scan:
        first_real = 1 if self.heading else 0
        if self.fragment:
            self.unit = indent_unit(self.rows, first_real)
            self.heredoc = starts_in_heredoc(self.rows, first_real)
        for r, line in enumerate(self.rows):
            if len(line) > _MAX_ROW:
                line = line[:_MAX_ROW]
            if self.heading and r == 0:
                self._heading(line)
            elif self.heredoc is not None:
                self._heredoc_row(r, line)
            else:
                self._row(r, line)
        self._finish()
        return Scan(
            self.rows,
            self.code,
            self.blocks,
            self.attrs,
            self.json_keys,
            self.row_attr,
            self.heredoc_rows,
            self.comments,
        )

    # -- rows ---------------------------------------------------------------------------------
    def _heading(self, line: str) -> None:
        text = line.strip()
        head = _HEADING_RE.match(text)
        if head is None or not is_block_heading(text):
            return
        blk = Block(head.group(1), labels_of(head.group(2)), 0, 0, 0, True, None)
        self.blocks.append(blk)
        if text.endswith("}") and "{" in text:
            blk.closed = True  # a one-line block: nothing of the fragment is inside it
            return
        self.stack.append(_Frame("{", "block", head.group(1), 0, False, blk))

    def _heredoc_row(self, r: int, line: str) -> None:
        self.code[r] = line
        self.heredoc_rows.add(r)
        if line.strip() == self.heredoc:
            self.heredoc = None
            self.hd_list_key = None
            if self.heredoc_attr is not None:
                self.heredoc_attr.end = r
                self.row_attr[r] = self.heredoc_attr
            self.heredoc_attr = None
            self._close_attrs(r)
            return
        if self.heredoc_attr is None:
            # the fragment starts inside a heredoc whose attribute it does not show
            attr = Attr("?", r, r, _top_block(self.stack), (*_path(self.stack), "?"), r)
            attr.heredoc = True
            self.attrs.append(attr)
            self.heredoc_attr = attr
        self.heredoc_attr.end = r
        self.heredoc_attr.parts.append(line)
        self.row_attr[r] = self.heredoc_attr
        for a, _d in self.open_attrs:
            a.end = r
        self.hd_list_key = json_key(line, r, self.hd_list_key, self.json_keys)

    def _row(self, r: int, line: str) -> None:
        spans: list[tuple[int, int]] = []
        code, tokens, hd, in_comment_after, had_comment = lex_row(line, self.in_comment, spans)
        if spans:
            self.comments[r] = byte_spans(line, spans)
        was_in_comment = self.in_comment
        self.in_comment = in_comment_after
        self.code[r] = code
        stripped = code.strip()
        if not stripped:
            if had_comment or was_in_comment:
                self.comment_run.append(r)
            else:
                self.comment_run.clear()
            return
        indent = indent_of(line)
        comments_above = run_above(self.comment_run, r)
        self.comment_run.clear()

        # a header at column 0 is a top-level block: whatever the fragment left open is closed
        if (
            indent == 0
            and tokens
            and tokens[0][0] == "{"
            and _BLOCK_HEAD_RE.match(code[: tokens[0][1]].strip())
        ):
            self._reset(r)
        if self.fragment:
            _add_unseen_levels(self.stack, indent, self.unit)

        stack = self.stack
        am = _ATTR_RE.match(code)
        container = stack[-1] if stack else None
        row_key = ""
        for a, _d in self.open_attrs:
            a.parts.append(stripped)
        if am is not None and (
            container is None or container.kind in ("block", "object", "unknown")
        ):
            row_key = am.group(1) or am.group(2) or ""
            attr = Attr(
                row_key,
                r,
                r,
                _top_block(stack),
                _path(stack),
                comments_above if comments_above is not None else r,
                [am.group(4)],
            )
            self.attrs.append(attr)
            self.open_attrs.append((attr, len(stack)))

        prev_col = 0
        for tok, col in tokens:
            at_start = not code[:col].strip()
            if tok in "{[(":
                self._open(tok, code[prev_col:col], indent, r, row_key, comments_above)
            else:
                _close(stack, tok, indent, first=at_start, row=r)
            prev_col = col + 1
        for a, _d in self.open_attrs:
            a.end = r
        if self.open_attrs:
            self.row_attr[r] = self.open_attrs[-1][0]
        if hd is not None:
            self.heredoc = hd
            self.hd_list_key = None
            self.heredoc_attr = self.open_attrs[-1][0] if self.open_attrs else None
            if self.heredoc_attr is not None:
                self.heredoc_attr.heredoc = True
            return
        self._close_attrs(r)

    # -- structure ----------------------------------------------------------------------------
    def _open(
        self, tok: str, prefix: str, indent: int, r: int, row_key: str, comments_above: int | None
    ) -> None:
        stack = self.stack
        container = stack[-1] if stack else None
        inherited = (
            container.name
            if container is not None and container.kind not in ("block", "unknown")
            else ""
        )
        text = prefix.strip()
        if tok == "{":
            head = _BLOCK_HEAD_RE.match(text)
            if (
                head is not None
                and not row_key
                and (container is None or container.kind in ("block", "unknown"))
            ):
                parent = next((f.block for f in reversed(stack) if f.block is not None), None)
                labels = labels_of(head.group(2))
                btype = head.group(1)
                start = comments_above if comments_above is not None else r
                blk = Block(btype, labels, r, start, r, False, parent)
                self.blocks.append(blk)
                name = labels[0] if btype == "dynamic" and labels else btype
                stack.append(_Frame("{", "block", name, indent, True, blk))
                return
        key = _KEY_BEFORE_RE.search(text)
        name = (key.group(1) or key.group(2) or "") if key is not None else ""
        kind = {"{": "object", "[": "list", "(": "call"}[tok]
        stack.append(_Frame(tok, kind, name or row_key or inherited, indent, True))

    def _reset(self, r: int) -> None:
        for f in self.stack:
            if f.block is not None and not f.block.closed:
                f.block.end = max(f.block.head, last_code_row_before(self.code, r))
        self.stack.clear()
        for a, _d in self.open_attrs:
            a.end = max(a.row, min(a.end, r - 1))
        self.open_attrs.clear()

    def _close_attrs(self, r: int) -> None:
        depth = len(self.stack)
        while self.open_attrs and depth <= self.open_attrs[-1][1]:
            a, _d = self.open_attrs.pop()
            a.end = max(a.end, r)

    def _finish(self) -> None:
        last = len(self.rows) - 1
        while last > 0 and not self.rows[last].strip():
            last -= 1
        last = max(last, 0)
        for b in self.blocks:
            if not b.closed:
                b.end = (
                    max(b.end, b.head, last)
                    if any(f.block is b for f in self.stack)
                    else max(b.end, b.head)
                )


def scan(text: str, *, heading: bool, fragment: bool) -> Scan:
    """Read blocks and attributes out of one segment (a whole file or a hunk fragment)."""
    return _Scanner(text, heading=heading, fragment=fragment).run()


def _add_unseen_levels(stack: list[_Frame], indent: int, unit: int) -> None:
    """Deeper indentation than the innermost visible level means openers the fragment hides."""
    if stack and stack[-1].real:
        return
    base = stack[-1].indent if stack else -unit
    if indent > base + unit:
        stack.append(_Frame("?", "unknown", "?", indent - unit, False))


def _top_block(stack: list[_Frame]) -> Block | None:
    if stack and stack[0].kind == "block" and stack[0].block is not None:
        return stack[0].block
    return None


def _path(stack: list[_Frame]) -> tuple[str, ...]:
    out: list[str] = []
    if not stack or stack[0].kind != "block":
        out.append("?")
        frames = stack
    else:
        frames = stack[1:]
    for f in frames:
        if f.name and (not out or out[-1] != f.name):
            out.append(f.name)
    return tuple(out)


def _close(stack: list[_Frame], tok: str, indent: int, *, first: bool, row: int) -> None:
    opener = _CLOSE_OF[tok]
    if not stack:
        return
    if first:
        # formatted code closes a bracket at the indentation of the line that opened it
        for i in range(len(stack) - 1, -1, -1):
            f = stack[i]
            if f.indent == indent and f.char in (opener, "?"):
                for g in stack[i:]:
                    _end_block(g, row)
                del stack[i:]
                return
            if f.indent < indent:
                break
    top = stack[-1]
    if top.real and top.char == opener:
        _end_block(top, row)
        stack.pop()


def _end_block(frame: _Frame, row: int) -> None:
    if frame.block is not None and not frame.block.closed:
        frame.block.end = row
        frame.block.closed = True
