"""Hunk fragments of block languages: reopen on the heading row the blocks a hunk is cut from."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from ...record import record
from ...rx import lazy
from ..engine import Segment
from .spec import SENTINEL


@record(slots=False)
class FragmentSyntax:
    """What a hunk fragment of a block language needs to parse as the inside of its blocks.

    A hunk starts wherever the change is, often deep inside a method of a class whose header is
    only known from git's section heading. Its first rows may close blocks that opened above it
    (``}`` or ``end`` rows less indented than anything before them); error recovery then ends
    the class there and parses the rest at top level, and the statements before look like
    garbage members. ``repair_fragment`` rewrites the virtual heading row so that it reopens the
    heading's block and one block for every such closer; the rows of the hunk are never changed.
    """

    #: a row (indentation stripped) that closes a block
    closer: re.Pattern[str]
    #: a row that starts a definition or member (function, method, class, field, annotation ...)
    header: re.Pattern[str]
    #: a row that starts a container (class, impl, module ...); None when the language has none
    container: re.Pattern[str] | None
    #: texts that open a function at top level, a method inside a container, a container, a block
    function_open: str
    method_open: str
    container_open: str | None = None
    block_open: str = "{"
    #: text that opens what a ``})`` row closes (a callback passed to a call)
    callback_open: str | None = None
    #: put before everything on the heading row (PHP's ``<?php``)
    prefix: str = ""
    #: rows starting so are comments: they neither open nor close blocks
    comment_prefixes: tuple[str, ...] = ("//", "/*", "*")
    #: the language has ``/* */`` comments (a fragment may start inside one)
    block_comment: bool = True
    #: blocks open with ``{`` (False: keyword blocks closed by ``end``)
    braces: bool = True
    #: for keyword blocks: a heading row that opens a block
    opens: re.Pattern[str] | None = None
    #: separates the texts put on the heading row
    joiner: str = " "
    #: line comment marker, cut from the heading before anything is appended to it
    line_comment: str = "//"
    #: the closers of the blocks still open at the end of a text (default: bracket counting)
    unclosed: Callable[[str], str] | None = None
    #: a heading that opens a namespace whose members are containers (C#): the hunk's rows are
    #: inside a class whose header it does not show
    namespace: re.Pattern[str] | None = None
    #: a row that starts a member of a container, where that differs from ``header`` (JS: a
    #: `const x =` row is a definition at top level but a statement inside a class)
    member: re.Pattern[str] | None = None


_BRACKETS = lazy(r"[{}()\[\]]")
_CLOSING = {"{": "}", "(": ")", "[": "]"}


def unclosed_brackets(text: str) -> str:
    """The closers of the brackets ``text`` leaves open, innermost first (strings not parsed)."""
    stack: list[str] = []
    for ch in _BRACKETS.findall(text):
        if ch in _CLOSING:
            stack.append(ch)
        elif stack and _CLOSING[stack[-1]] == ch:
            stack.pop()
    return "".join(_CLOSING[ch] for ch in reversed(stack))


def _cut_line_comment(text: str, marker: str) -> str:
    """The text before a trailing line comment (quotes are counted, not parsed)."""
    pos = text.find(marker)
    while pos >= 0:
        before = text[:pos]
        if (
            before.count('"') % 2 == 0
            and before.count("'") % 2 == 0
            and (pos == 0 or before[-1] in " \t")
        ):
            return before.rstrip()
        pos = text.find(marker, pos + 1)
    return text.rstrip()


def _unclosed_paren(text: str) -> int | None:
    """Position of the outermost ``(`` that the (truncated) heading never closes."""
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            stack.pop()
    return stack[0] if stack else None


def _heading_opens(head: str, syn: FragmentSyntax) -> bool:
    stripped = head.rstrip()
    if syn.braces:
        if stripped.endswith(("{", "(", "[")):
            return True
        return syn.header.match(stripped) is not None and "{" not in stripped
    return (syn.opens is not None and syn.opens.search(stripped) is not None) or (
        syn.header.match(stripped) is not None
    )


def _heading_text(head: str, syn: FragmentSyntax, brace_below: bool) -> str:
    """The heading as a complete block opener: cut where git truncated it, its brace restored."""
    text = head.rstrip()
    cut = None if text.endswith(("{", "(", "[")) else _unclosed_paren(text)
    if cut is not None:
        text = text[:cut] + "()"
    elif syn.braces and syn.container is not None and not text.endswith(("{", "(", "[")):
        m = syn.container.match(text)
        if m is not None and (
            text.count("<") != text.count(">") or text.count("[") != text.count("]")
        ):
            text = m.group(0)  # truncated inside a generic argument list
    if syn.braces and not text.endswith(("{", "(", "[")) and not brace_below:
        text += " {"
    return text


#: a fragment's code rows: (row, indentation, stripped text)
CodeRows = list[tuple[int, int, str]]


def _holds_members(code: CodeRows, lo: int, hi: int, syn: FragmentSyntax) -> bool | None:
    """Whether rows ``lo..hi`` (one block's direct content) look like a container's members.

    None when they hold no code at all.
    """
    i = bisect.bisect_left(code, (lo, -1, ""))
    j = bisect.bisect_right(code, (hi, 1 << 30, ""))
    if i >= j:
        return None
    top = min(ind for _r, ind, _s in code[i:j])
    member = syn.member or syn.header
    return any(ind == top and member.match(text) for _r, ind, text in code[i:j])


def repair_fragment(seg: Segment, syn: FragmentSyntax) -> Segment:
    """Reopen, on the heading row, the blocks that a hunk fragment is cut out of (class docstring)."""
    rows = seg.text.split("\n")
    body = 1 if seg.heading else 0
    head = _cut_line_comment(rows[0], syn.line_comment) if seg.heading else ""

    # rows that close a block opened above the fragment: less indented than every row before
    excess: list[int] = []
    code: CodeRows = []
    first_top: int | None = None  # first code row at the heading's indentation (column 0)
    low = 1 << 30
    in_comment = False
    comment_open = False
    prefixes = syn.comment_prefixes
    for r in range(body, len(rows)):
        row = rows[r]
        s = row.strip()
        if not s:
            continue
        if syn.block_comment and not code and not in_comment and s[0] == "*":
            in_comment = True  # the fragment starts inside a /* */ comment
        if in_comment:
            if "*/" in s:
                in_comment = False
                comment_open = comment_open or "/*" not in s.split("*/", 1)[0]
            continue
        if s.startswith(prefixes):
            continue
        ind = len(row) - len(row.lstrip(" \t"))
        code.append((r, ind, s))
        if ind < low:
            if syn.closer.match(s):
                excess.append(r)
            low = ind
        if first_top is None and ind == 0:
            first_top = r

    prefix = syn.prefix if syn.prefix and "<?" not in seg.text[:200] else ""
    opens = seg.heading and bool(head) and _heading_opens(head, syn)
    if not excess and not comment_open and not prefix and not opens:
        return _closed(seg, seg.text, syn, seg.heading)

    head_close: int | None = None  # index in ``excess`` of the row closing the heading's block
    if opens and first_top is not None:
        top_row = rows[first_top].strip()
        if first_top in excess:
            head_close = excess.index(first_top)
        elif not (syn.braces and top_row.startswith("{")):
            opens = False  # a new top-level definition: the heading's block ended above the hunk
    brace_below = first_top is not None and rows[first_top].strip().startswith("{")

    inner = excess if head_close is None else excess[:head_close]
    outer = [] if head_close is None else excess[head_close + 1 :]
    if not opens:
        inner, outer = [], excess

    # kinds from the outermost block inwards: container, method, function or block
    texts: list[str] = []
    parent = "top"
    bounds = dict(zip(excess, [body - 1, *excess], strict=False))  # closer row -> row before block
    for r in reversed(outer):
        parent = _push(texts, rows[r].strip(), code, bounds[r] + 1, r - 1, syn, parent)
    if opens:
        texts.append(_heading_text(head, syn, brace_below))
        if syn.namespace is not None and syn.namespace.match(head) and syn.container_open:
            texts.append(syn.container_open)
            parent = "container"
        elif syn.container is not None and syn.container.match(head):
            parent = "container"
        elif syn.header.match(head):
            parent = "function"
        else:
            parent = "block"
    elif head and not _heading_opens(head, syn) and not syn.closer.match(head.strip()):
        texts.insert(0, head)  # a statement (package clause, namespace ...): harmless context
    if parent == "container":
        # statements after the last closer the hunk shows: the hunk is inside a method
        tail_end = excess[head_close] - 1 if head_close is not None else len(rows) - 1
        if _holds_members(code, (inner[-1] if inner else body - 1) + 1, tail_end, syn) is False:
            texts.append(syn.method_open)
            parent = "function"
    for r in reversed(inner):
        parent = _push(texts, rows[r].strip(), code, bounds[r] + 1, r - 1, syn, parent)
    if (
        parent == "container"
        and _holds_members(code, body, (excess[0] if excess else len(rows)) - 1, syn) is False
    ):
        # statements directly under a class heading: the hunk starts inside one of its methods
        texts.append(syn.method_open)
    if comment_open:
        texts.append("/*")
    if prefix:
        texts.insert(0, prefix.rstrip())
    row0 = syn.joiner.join(t for t in texts if t)
    rest = "\n".join(rows[1:]) if seg.heading else seg.text
    return _closed(seg, row0 + "\n" + rest, syn, True)


def _closed(seg: Segment, text: str, syn: FragmentSyntax, heading: bool) -> Segment:
    """``text`` with the blocks it leaves open closed on its last, empty row: a ``/*`` comment
    the hunk ends inside (a doc comment whose ``*/`` is below the hunk), then the brackets."""
    count = syn.unclosed or unclosed_brackets
    # a hunk that ends inside a comment: close it; the brackets of its prose are not code
    opened = text.rfind("/*") if syn.block_comment else -1
    closers = "*/" + count(text[:opened]) if opened > text.rfind("*/") else count(text)
    if closers:
        text = text + closers if text.endswith("\n") else text + "\n" + closers
    if text is seg.text:
        return seg
    return Segment(
        side=seg.side,
        text=text,
        first_line=seg.first_line,
        heading=heading,
        prefix_rows=seg.prefix_rows,
    )


def _push(
    texts: list[str],
    closer: str,
    code: CodeRows,
    lo: int,
    hi: int,
    syn: FragmentSyntax,
    parent: str,
) -> str:
    """Append the opener matching ``closer`` and return the kind of block it opens."""
    if closer.startswith("})") and syn.callback_open is not None:
        texts.append(syn.callback_open)
        return "function"
    if closer.startswith(")"):
        texts.append(SENTINEL + "(")
        return "block"
    if closer.startswith("]"):
        texts.append("[")
        return "block"
    if syn.container_open is not None and _holds_members(code, lo, hi, syn):
        texts.append(syn.container_open)
        return "container"
    if parent == "container":
        texts.append(syn.method_open)
        return "function"
    if parent == "top":
        texts.append(syn.function_open)
        return "function"
    texts.append(syn.block_open)
    return "block"
