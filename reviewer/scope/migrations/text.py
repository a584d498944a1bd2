"""A migration's text: its lines, the functions it defines (the rollback among them), comments."""

from __future__ import annotations

import bisect
import re

from ...rx import lazy
from ..engine import Segment, line_starts

_FUNC_RE = lazy(
    r"^[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)"  # Python, Ruby
    r"|^[ \t]*(?:export[ \t]+)?(?:public[ \t]+|private[ \t]+)?(?:async[ \t]+)?(?:function[ \t]*)?(\w+)[ \t]*\([^)]*\)[ \t]*(?::[ \t]*[\w<>\[\], .]+)?[ \t]*\{"
    r"|^[ \t]*(?:exports|module\.exports)\.(\w+)[ \t]*="
    r"|^[ \t]*(\w+)[ \t]*:[ \t]*(?:async[ \t]*)?(?:function\b|\()"
    r"|^[ \t]*(?:export[ \t]+)?(?:const|let|var)[ \t]+(\w+)[ \t]*=[ \t]*(?:async[ \t]*)?(?:function\b|\()"
    r"|^[ \t]*func[ \t]+(\w+)",  # Go (goose)
    re.M,
)
#: the rollback half of a migration, by function name (Go's goose: ``downAddUsers``)
DOWN_RE = lazy(
    r"^(?:down|downgrade|rollback|revert|backwards|reverse|undo)$|^down(?=[A-Z_0-9])", re.I
)
_NOT_FUNCS = frozenset(("if", "for", "while", "switch", "catch", "return", "function", "else"))
_COMMENT_START_RE = lazy(r"#|//|--|^\s*\*")


class Text:
    """A segment's text with its line numbers and the functions it defines."""

    def __init__(self, seg: Segment) -> None:
        self.seg = seg
        self.text = seg.text
        self.starts = line_starts(seg.text)
        funcs = [
            (m.start(), next(g for g in m.groups() if g)) for m in _FUNC_RE.finditer(self.text)
        ]
        self.funcs = [(pos, fn) for pos, fn in funcs if fn.lower() not in _NOT_FUNCS]
        self.func_pos = [p for p, _fn in self.funcs]

    def line_at(self, pos: int) -> int | None:
        return self.seg.line_of(bisect.bisect_right(self.starts, pos) - 1)

    def function_at(self, pos: int) -> str:
        i = bisect.bisect_right(self.func_pos, pos) - 1
        return self.funcs[i][1] if i >= 0 else ""

    def in_comment(self, pos: int) -> bool:
        row_start = self.starts[bisect.bisect_right(self.starts, pos) - 1]
        return bool(_COMMENT_START_RE.search(self.text[row_start:pos]))
