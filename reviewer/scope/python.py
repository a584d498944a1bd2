"""Python: functions, classes, methods, module variables, imports; public means no leading underscore."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..rx import lazy
from . import grammars
from .code import CodeSpec, analyzer
from .engine import REPAIRS, Definition, FileContext, Segment

if TYPE_CHECKING:
    from tree_sitter import Node


def _public(node: Node, name: str, spec: CodeSpec, ctx: FileContext) -> bool | None:
    if name.startswith("_") and not (name.startswith("__") and name.endswith("__")):
        return False
    # a public method of a private class is still private
    for anc in _ancestors(node):
        if anc.type == "class_definition":
            cname = anc.child_by_field_name("name")
            if cname is not None and (cname.text or b"").startswith(b"_"):
                return False
    return not ctx.path.rsplit("/", 1)[-1].startswith("_") or ctx.path.endswith("__init__.py")


def _accept(node: Node, kind: str) -> bool:
    # in a hunk fragment, indented code parses as module level; real module variables start at column 0
    return kind != "variable" or node.start_point[1] == 0


def _module_variable(node: Node) -> Node | None:
    """A captured assignment is a definition when its statement is at module level (the statement
    is the definition, so that comments above it belong to it); functions and classes are as captured.
    Checked here rather than nested in the query, which every cold start would compile."""
    if node.type != "assignment":
        return node
    stmt = node.parent
    if stmt is None or stmt.type != "expression_statement":
        return None
    top = stmt.parent
    return stmt if top is not None and top.type == "module" else None


def _docstring(node: Node) -> bool:
    """A string that is a statement on its own: a docstring, or commented-out text."""
    stmt = node.parent
    return stmt is not None and stmt.type == "expression_statement" and stmt.named_child_count == 1


def _ancestors(node: Node) -> list[Node]:
    out = []
    p = node.parent
    while p is not None:
        out.append(p)
        p = p.parent
    return out


_HEADER_RE = lazy(r"^([ \t]*)(?:async[ \t]+)?(def|class)[ \t]+([A-Za-z_]\w*)")


def _one_level(line: str) -> int:
    """One indentation level as the line writes it: a tab, or four spaces."""
    return 1 if line[:1] == "\t" else 4


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _refine(seg: Segment, defs: list[Definition]) -> list[Definition]:
    """Python blocks end where indentation says; a fragment's parse errors must not cut them short.

    Also recovers ``def``/``class`` headers that error recovery lost (a fragment starting in the
    middle of a bracketed expression).
    """
    if seg.whole:
        return defs  # a whole file parses as it is: only fragments need repairs
    rows = seg.text.split("\n")
    code_rows = [
        (r, _indent(t)) for r, t in enumerate(rows) if t.strip() and not t.lstrip().startswith("#")
    ]

    def block_end(row: int, indent: int) -> int:
        last = row
        for r, ind in code_rows:
            if r <= row:
                continue
            if ind <= indent:
                break
            last = r
        # trailing comments and blank lines inside the block belong to it
        nxt = next((r for r, ind in code_rows if r > row and ind <= indent), len(rows))
        return max(last, nxt - 1) if nxt > last else last

    by_head = {d.head: d for d in defs}
    out = list(defs)
    stack: list[tuple[int, str, str]] = []  # (indent, kind, qualified name)
    for r, text in enumerate(rows):
        m = _HEADER_RE.match(text)
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        ind = _indent(text)
        while stack and stack[-1][0] >= ind:
            stack.pop()
        if m is None:
            continue
        kind = "class" if m.group(2) == "class" else "function"
        parent = stack[-1] if stack else None
        name = m.group(3)
        qual = f"{parent[2]}.{name}" if parent else name
        if parent is not None and parent[1] == "class" and kind == "function":
            kind = "method"
        line = seg.clamp_line(r)
        end = seg.clamp_line(block_end(r, ind))
        # `def` more than one level below its class: the function it sits in is outside the hunk,
        # so it is local to that function (`async def body_stream()` inside `__call__`), not API
        hidden_host = (
            parent is not None and parent[1] == "class" and ind - parent[0] > _one_level(text)
        )
        d = by_head.get(line)
        if d is not None and hidden_host:
            d.public = False
            d.kind = "function"
            stack.append((ind, "function", d.name))
            continue
        if d is not None:
            d.end = max(d.end, end)
            if qual != d.name and qual.endswith("." + d.name):
                # error recovery lost the enclosing class that indentation still shows
                d.name, d.kind = qual, kind
            stack.append((ind, d.kind if d.kind != "method" else "function", d.name))
            continue
        local = (parent is not None and parent[1] == "function") or hidden_host
        if hidden_host:
            kind = "function"
        public = not local and not any(
            p.startswith("_") and not (p.startswith("__") and p.endswith("__"))
            for p in qual.split(".")
        )
        nd = Definition(kind, qual, line, end, line, "", "", public, virtual=seg.heading and r == 0)
        out.append(nd)
        stack.append((ind, kind if kind != "method" else "function", qual))
    return out


def _repair(heading: str | None, body: list[str]) -> tuple[list[str], list[str]]:
    """A hunk that starts or ends inside a docstring leaves one triple quote unpaired.

    Try reopening it at the start and closing it at the end; keep whichever parses cleaner.
    """
    for quote in ('"""', "'''"):
        if sum(row.count(quote) for row in body) % 2 == 0:
            continue
        first = next((r for r in body if r.strip()), "")
        indent = first[: len(first) - len(first.lstrip())]
        candidates: tuple[tuple[list[str], list[str]], ...] = (
            ([], [indent + quote]),
            ([indent + quote], []),
        )
        best = min(candidates, key=lambda c: _errors(heading, c[0] + body + c[1]))
        return best
    return [], []


def _errors(heading: str | None, rows: list[str]) -> int:
    text = "\n".join(([heading] if heading else []) + rows) + "\n"
    tree = grammars.parser("python").parse(text.encode("utf-8", "replace"))
    if not tree.root_node.has_error:
        return 0
    return sum(len(v) for v in captures_errors(tree.root_node).values())


def captures_errors(node: Node) -> dict[str, list[Node]]:
    from .engine import captures

    return captures("python", "(ERROR) @e (MISSING) @m", node)


REPAIRS["python"] = _repair

_OPEN, _CLOSE = "([{", ")]}"


def _top_level(text: str) -> list[tuple[int, str]]:
    """(offset, char) of the characters outside brackets and string literals."""
    out: list[tuple[int, str]] = []
    depth, quote = 0, ""
    for i, c in enumerate(text):
        if quote:
            if c == quote and text[i - 1] != "\\":
                quote = ""
            continue
        if c in "'\"":
            quote = c
        elif c in _OPEN:
            depth += 1
            if depth == 1:
                out.append((i, c))
        elif c in _CLOSE:
            depth -= 1
            if depth == 0:
                out.append((i, c))
        elif depth == 0:
            out.append((i, c))
    return out


def _unannotated(param: str) -> str:
    """``x:int=3`` -> ``x=3``; ``*args:Any`` -> ``*args``."""
    top = _top_level(param)
    eq = next((i for i, c in top if c == "="), len(param))
    colon = next((i for i, c in top if c == ":" and i < eq), None)
    if colon is None:
        return param
    return param[:colon] + param[eq:]


def _callers_see(signature: str) -> str:
    """A (whitespace-free) signature less its annotations: what a caller of it runs into.

    ``defhandle(self,ctx:AppContext,e:Exception)->Response:`` -> ``defhandle(self,ctx,e)``.
    Parameters, defaults and decorators stay. Only functions and methods are read so
    (``code.api``): a variable's annotation says what its value is (``limit: int = 3`` ->
    ``limit: str = "3"`` does change what callers get).
    """
    head = signature.rstrip(":")
    top = _top_level(head)
    opening = next((i for i, c in top if c == "("), None)
    if opening is None:
        return head
    closing = next((i for i, c in top if c == ")" and i > opening), None)
    if closing is None:
        return head
    inner = head[opening + 1 : closing]
    cuts = [i for i, c in _top_level(inner) if c == ","]
    params = [inner[a + 1 : b] for a, b in zip([-1, *cuts], [*cuts, len(inner)], strict=True)]
    return head[: opening + 1] + ",".join(_unannotated(p) for p in params) + ")"


SPEC = CodeSpec(
    grammar="python",
    callers_see=_callers_see,
    definitions="""
        (function_definition name: (identifier) @name) @def
        (class_definition name: (identifier) @name) @def
        (assignment left: (identifier) @name) @def
    """,
    kinds={
        "function_definition": "function",
        "class_definition": "class",
        "expression_statement": "variable",
    },
    containers=frozenset({"class_definition"}),
    functions=frozenset({"function_definition"}),
    wrappers=frozenset({"decorated_definition"}),
    comments="(comment) @c",
    docstring=_docstring,
    strings="(string) @s",
    imports="""
        (import_statement) @import
        (import_from_statement) @import
        (future_import_statement) @import
    """,
    is_public=_public,
    accept=_accept,
    definition_of=_module_variable,
    refine=_refine,
    ranged=True,
    qualify_locals=True,
    extra={"module_is_api": True},
)

analyze = analyzer(SPEC)
