"""One row of HCL at a time: comments, strings, brackets, heredoc openers, indentation."""

from __future__ import annotations

from ...rx import lazy

#: strings, comments, heredoc openers and brackets: everything that changes the structure
_LEX_RE = lazy(r'"(?:[^"\\\n]|\\.)*"?|#|//|/\*|<<-?[ \t]*"?[A-Za-z_][\w-]*"?|[{}()\[\]]')
_SPECIAL_RE = lazy(r'["#/<{}()\[\]]')
_HEREDOC_RE = lazy(r'<<(-?)[ \t]*"?([A-Za-z_][\w-]*)"?')
_LABEL_RE = lazy(r'"([^"\n]*)"|([A-Za-z_][\w-]*)')
_TERMINATOR_RE = lazy(r"^[ \t]*([A-Z][A-Z0-9_]*)[ \t]*$")
JSON_KEY_RE = lazy(r'"([A-Za-z_][\w:.-]*)"[ \t]*:')
_JSON_LIST_OPEN_RE = lazy(r'"([A-Za-z_][\w:.-]*)"[ \t]*:[ \t]*\[[^\]]*$')


def indent_of(line: str) -> int:
    n = 0
    for ch in line:
        if ch == " ":
            n += 1
        elif ch == "\t":
            n += 2
        else:
            break
    return n


def lex_row(
    line: str, in_comment: bool, spans: list[tuple[int, int]]
) -> tuple[str, list[tuple[str, int]], str | None, bool, bool]:
    """One row -> (code without comments, brackets, heredoc opened, still in /* */, had a comment).

    Comment spans (character columns) are appended to ``spans``.
    """
    if not in_comment and _SPECIAL_RE.search(line) is None:
        return line, [], None, False, False  # most rows: `key = value` with nothing to lex
    tokens: list[tuple[str, int]] = []
    code: list[str] = []
    heredoc: str | None = None
    had_comment = False
    pos = 0
    n = len(line)
    while pos < n:
        if in_comment:
            end = line.find("*/", pos)
            had_comment = True
            if end < 0:
                spans.append((pos, n))
                return "".join(code), tokens, heredoc, True, had_comment
            spans.append((pos, end + 2))
            code.append(" " * (end + 2 - pos))
            pos = end + 2
            in_comment = False
            continue
        m = _LEX_RE.search(line, pos)
        if m is None:
            code.append(line[pos:])
            break
        code.append(line[pos : m.start()])
        tok = m.group()
        first = tok[0]
        if tok in ("#", "//"):
            had_comment = True
            spans.append((m.start(), n))
            break
        if tok == "/*":
            in_comment = True
            spans.append((m.start(), m.end()))
            code.append("  ")
        elif first == "<":
            hd = _HEREDOC_RE.match(tok)
            if hd is not None:
                heredoc = hd.group(2)
            code.append(tok)
        else:
            if first != '"':
                tokens.append((tok, m.start()))
            code.append(tok)
        pos = m.end()
    return "".join(code), tokens, heredoc, in_comment, had_comment


def starts_in_heredoc(rows: list[str], first: int) -> str | None:
    """A fragment that starts inside a heredoc shows its terminator before any opener for it."""
    opened: set[str] = set()
    for r in range(first, min(len(rows), first + 400)):
        line = rows[r]
        if "<<" in line:
            for m in _HEREDOC_RE.finditer(line):
                opened.add(m.group(2))
        t = _TERMINATOR_RE.match(line)
        if t is not None and t.group(1) not in opened:
            return t.group(1)
    return None


def byte_spans(line: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if line.isascii():
        return spans
    return [
        (len(line[:a].encode("utf-8", "replace")), len(line[:b].encode("utf-8", "replace")))
        for a, b in spans
    ]


def run_above(run: list[int], r: int) -> int | None:
    """First row of the contiguous comment rows directly above row ``r``."""
    if not run or run[-1] != r - 1:
        return None
    first = run[-1]
    for c in reversed(run[:-1]):
        if c != first - 1:
            break
        first = c
    return first


def indent_unit(rows: list[str], first: int) -> int:
    """The indentation step of a fragment (2 for formatted Terraform)."""
    seen: set[int] = set()
    for line in rows[first : first + 200]:
        if line.strip():
            ind = indent_of(line)
            if ind:
                seen.add(ind)
    if not seen:
        return 2
    g = 0
    for ind in seen:
        g = _gcd(g, ind)
    return g if g in (2, 4) else 2


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


_HEADING_SHAPE_RE = lazy(r"^[A-Za-z_][\w-]*[ \t]+\S|^[A-Za-z_][\w-]*[ \t]*\{")


def is_block_heading(text: str) -> bool:
    # "EOF" or a tfvars assignment is not a block header
    return "=" not in text.split("{", 1)[0] and bool(_HEADING_SHAPE_RE.match(text))


def labels_of(text: str) -> tuple[str, ...]:
    return tuple(
        m.group(1) if m.group(1) is not None else m.group(2) for m in _LABEL_RE.finditer(text)
    )


def last_code_row_before(code: list[str], r: int) -> int:
    k = r - 1
    while k > 0 and not code[k].strip():
        k -= 1
    return max(k, 0)


def json_key(line: str, row: int, list_key: str | None, out: dict[int, str]) -> str | None:
    """Track which JSON key a heredoc row belongs to; returns the key of an open list."""
    m = JSON_KEY_RE.search(line)
    if m is not None:
        out[row] = m.group(1)
        lm = _JSON_LIST_OPEN_RE.search(line)
        return lm.group(1) if lm is not None else list_key if "]" not in line else None
    if list_key is not None:
        out[row] = list_key
        if "]" in line:
            return None
    return list_key
