"""Key paths out of YAML, JSON, TOML, INI and dotenv text, read line by line.

The scanners read a file line by line, so a hunk fragment that starts in the middle of a mapping
still yields its keys, with as much of the path as the fragment shows (plus the hunk heading, which
git takes from the nearest line above that starts with a letter: often the enclosing top-level key).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from ...record import record
from ...rx import lazy
from ..engine import Segment

Rows = Iterable[tuple[int | None, str]]


#: path components kept (10,000 nested brackets must not make every key cost 10,000 steps)
MAX_DEPTH = 32
#: tokens read per side before a scanner gives up (a minified 5 MB JSON line)
MAX_TOKENS = 400_000


@record
class Pair:
    """A key (or list item, key ``[]``) and its scalar value; ``value`` None opens a container."""

    line: int
    path: tuple[str, ...]
    value: str | None

    @property
    def key(self) -> str:
        return self.path[-1] if self.path else ""


def segment_rows(seg: Segment) -> list[tuple[int | None, str]]:
    """Rows of a segment with their real line numbers (None for a hunk's heading row)."""
    return [(seg.line_of(r), t.rstrip("\r")) for r, t in enumerate(seg.text.split("\n"))]


# --- JSON -------------------------------------------------------------------------------------

_JSON_TOKEN_RE = lazy(r"\"(?:[^\"\\]|\\.)*\"|[{}\[\]:,]|[^\s\"{}\[\]:,]+")


def _json_str(tok: str) -> str:
    try:
        value = json.loads(tok)
    except ValueError:
        return tok[1:-1]
    return value if isinstance(value, str) else tok[1:-1]


def json_pairs(rows: Rows) -> Iterator[Pair]:
    """Keys, values and array items of JSON (or JSONC) text, each with its path."""
    names: list[str] = []  # the key each open container sits under ("[]" in arrays)
    kinds: list[str] = []  # "{" or "["
    pending: str | None = None  # a key whose value comes next
    held: tuple[int | None, str] | None = None  # a string not yet known to be a key or a value
    budget = MAX_TOKENS

    def base() -> tuple[str, ...]:
        return tuple(n for n in names[:MAX_DEPTH] if n)

    def value(line: int | None, text: str) -> Iterator[Pair]:
        nonlocal pending
        key, pending = pending, None
        if line is None:
            return
        if key is not None:
            yield Pair(line, (*base(), key), text)
        elif kinds and kinds[-1] == "[":
            yield Pair(line, (*base(), "[]"), text)

    for line, text in rows:
        if text.lstrip().startswith("//"):
            continue
        for m in _JSON_TOKEN_RE.finditer(text):
            budget -= 1
            if budget < 0:
                return
            tok = m.group(0)
            if held is not None:
                h_line, h_text = held
                held = None
                if tok == ":":
                    pending = h_text
                    continue
                yield from value(h_line, h_text)
            if tok[0] == '"':
                held = (line, _json_str(tok))
            elif tok in ("{", "["):
                if pending is not None:
                    name = pending
                    if line is not None:
                        yield Pair(line, (*base(), pending), None)
                else:
                    name = "[]" if kinds and kinds[-1] == "[" else ""
                pending = None
                names.append(name)
                kinds.append(tok)
            elif tok in ("}", "]"):
                pending = None
                if names:
                    names.pop()
                    kinds.pop()
            elif tok not in (",", ":"):
                yield from value(line, tok)
    if held is not None:
        yield from value(*held)


# --- YAML ---------------------------------------------------------------------------------------

_YAML_KEY_RE = lazy(r"""^(?:"([^"]*)"|'([^']*)'|([^\s#'"{\[][^#]*?))\s*:(?:[ \t]+(.*))?$""")
_YAML_COMMENT_RE = lazy(r"""\s+#.*$""")
_BLOCK_SCALAR_RE = lazy(r"^[|>][-+0-9]*$")


def _yaml_value(raw: str) -> str:
    v = raw.strip()
    if "#" in v and not v.startswith(("'", '"')):
        v = _YAML_COMMENT_RE.sub("", v)
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        v = v[1:-1]
    return v


def yaml_pairs(rows: Rows) -> Iterator[Pair]:
    """Keys, values and list items of YAML text by indentation (flow collections stay values)."""
    stack: list[tuple[int, str]] = []
    block: int | None = None  # indentation of a key whose block scalar is being skipped
    for line, text in rows:
        content = text.strip()
        if not content or content.startswith("#"):
            continue
        indent = len(text) - len(text.lstrip(" "))
        if block is not None:
            if indent > block:
                continue
            block = None
        if content in ("---", "..."):
            stack = []
            continue
        item = False
        dash = indent
        while content.startswith("- ") or content == "-":
            item = True
            rest = content[2:].lstrip()
            indent += len(content) - len(rest)
            content = rest
            if not content:
                break
        while stack and stack[-1][0] >= (dash if item else indent):
            stack.pop()
        path = tuple(k for _i, k in stack[:MAX_DEPTH])
        if item:
            path = (*path, "[]")
            stack.append((indent - 1, "[]"))
        if not content:
            continue
        m = _YAML_KEY_RE.match(content)
        if m is None or (item and content.startswith(("{", "["))):
            if item and line is not None:
                yield Pair(line, path, _yaml_value(content))
            continue
        key = (
            m.group(1)
            if m.group(1) is not None
            else (m.group(2) if m.group(2) is not None else m.group(3))
        )
        key = key.strip()
        raw = m.group(4) or ""
        v = _yaml_value(raw)
        if not v or _BLOCK_SCALAR_RE.match(v) or (v.startswith("&") and " " not in v):
            if line is not None:
                yield Pair(line, (*path, key), None if not v or v.startswith("&") else v)
            if v and _BLOCK_SCALAR_RE.match(v):
                block = indent
            else:
                stack.append((indent, key))
            continue
        if line is not None:
            yield Pair(line, (*path, key), v)


# --- TOML ---------------------------------------------------------------------------------------

_TOML_TABLE_RE = lazy(r"^\s*\[\[?\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY_RE = lazy(
    r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+))*)\s*=\s*(.*)$"""
)
_TOML_STRING_RE = lazy(r"""\"(?:[^\"\\]|\\.)*\"|'[^']*'""")


def _toml_key(text: str) -> tuple[str, ...]:
    parts = re.findall(r"""\"[^\"]*\"|'[^']*'|[^.\s]+""", text)
    return tuple(p.strip("\"'") for p in parts)


def _strip_toml_comment(text: str) -> str:
    if "#" not in text:
        return text
    masked = _TOML_STRING_RE.sub(lambda m: "_" * len(m.group(0)), text)
    cut = masked.find("#")
    return text if cut < 0 else text[:cut]


def _toml_value(raw: str) -> str:
    v = raw.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        return v[1:-1]
    return v


def toml_pairs(rows: Rows) -> Iterator[Pair]:
    """Keys of TOML text qualified by their table; multi-line array items come as ``key.[]``."""
    table: tuple[str, ...] = ()
    array: tuple[str, ...] | None = None  # path of an open multi-line array
    for line, raw in rows:
        text = _strip_toml_comment(raw)
        if not text.strip():
            continue
        if array is not None:
            if line is not None:
                for m in _TOML_STRING_RE.finditer(text):
                    yield Pair(line, (*array, "[]"), _toml_value(m.group(0)))
                inline = re.search(r"\{[^}]*\}", text)
                if inline and not _TOML_STRING_RE.match(text.strip()):
                    yield Pair(line, (*array, "[]"), inline.group(0))
            masked = _TOML_STRING_RE.sub("", text)
            if masked.count("]") > masked.count("["):
                array = None
            continue
        t = _TOML_TABLE_RE.match(text)
        if t is not None and "=" not in text.split("]")[0]:
            table = _toml_key(t.group(1))
            continue
        k = _TOML_KEY_RE.match(text)
        if k is None:
            continue
        path = (*table, *_toml_key(k.group(1)))
        value = k.group(2).strip()
        if value.startswith("[") and not value.startswith("[["):
            masked = _TOML_STRING_RE.sub("", value)
            if masked.count("[") > masked.count("]"):
                array = path
            if line is not None:
                yield Pair(line, path, None)
                for m in _TOML_STRING_RE.finditer(value):
                    yield Pair(line, (*path, "[]"), _toml_value(m.group(0)))
            continue
        if line is not None:
            yield Pair(line, path, _toml_value(value))


# --- INI, properties, dotenv ----------------------------------------------------------------------

_INI_SECTION_RE = lazy(r"^\s*\[([^\]]+)\]\s*$")
_INI_EQ_RE = lazy(r"^(?:export\s+)?([^\s=#;\[][^=]*?)\s*=\s*(.*)$")
_INI_COLON_RE = lazy(r"^([^\s=:#;\[][^:=]*?)\s*:(?:\s+(.*))?$")


def ini_pairs(rows: Rows) -> Iterator[Pair]:
    """``key = value`` lines under ``[sections]``; indented lines continue the last key as items."""
    section: tuple[str, ...] = ()
    last: tuple[str, ...] | None = None
    for line, text in rows:
        stripped = text.strip()
        if not stripped or stripped.startswith(("#", ";", "!")):
            continue
        if text[:1] in (" ", "\t") and last is not None:
            if line is not None:
                yield Pair(line, (*last, "[]"), stripped)
            continue
        s = _INI_SECTION_RE.match(text)
        if s is not None:
            section = (s.group(1).strip(),)
            last = None
            continue
        k = _INI_EQ_RE.match(stripped) or _INI_COLON_RE.match(stripped)
        if k is None:
            last = None
            continue
        last = (*section, k.group(1))
        v = (k.group(2) or "").strip()
        if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
            v = v[1:-1]
        if line is not None:
            yield Pair(line, last, v if v else None)
