"""Shell commands Python runs: the argument list of ``subprocess.run([...])``, ``nox``'s
``session.run("git", "push", ...)``, ``os.system("...")``. Their string arguments, joined, are read
like any other command line."""

from __future__ import annotations

from ...rx import lazy
from ..engine import FileContext, Partial
from .danger import scan_commands

_CALL = lazy(
    r"\b(?:subprocess\.(?:run|call|check_call|check_output|Popen)|os\.system|os\.popen"
    r"|session\.run(?:_always|_install)?|run_command|sh)\s*\((?P<args>.*)"
)
_STRING = lazy(r"""(?<![\w])[rbuf]?(["'])((?:\\.|(?!\1).)*)\1""")


def analyze(ctx: FileContext) -> Partial:
    part = Partial()
    if not ctx.added or ctx.role in ("test", "docs"):
        return part
    lines: list[tuple[int, str]] = []
    for n, text in ctx.added.items():
        m = _CALL.search(text[:2_000])
        if m is None:
            continue
        words = [s.group(2) for s in _STRING.finditer(m.group("args"))]
        if words:
            lines.append((n, " ".join(words)))
    if lines:
        part.signals.extend(scan_commands(lines, only=ctx.added))
    return part
