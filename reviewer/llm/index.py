"""The scope index of a request: every changed file, symbol and listed finding, tersely. Pure.

One line per file (path, status, size, role, drift mark, change kinds, symbols) and, under it, its
findings with handles (``F1``, ``F2`` ...) numbered in the order they appear. What one part already
says is not restated by another: an unexplained file's finding is a mark on the file line, findings
that differ only in the one name they quote share a line, and a symbol a finding quotes is not listed
again. Text here is not yet redacted or defused: plan.py does both to everything it sends.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence

from ..models import FileDiff, FileReview, Finding, Review, Symbol, severity_rank
from ..record import record
from ..rx import lazy

MAX_SYMBOL_CHARS = 40
#: a shared prefix is factored out when it is at least this long and ends with one of these
MIN_STEM = 5
_SEPARATORS = "./:"
_STATUS = {"added": "A", "deleted": "D", "renamed": "R", "copied": "C"}  # modified: no mark
_CHANGE = {"added": "+", "deleted": "-", "modified": "~", "renamed": ">", "signature": "!"}
_QUOTED = lazy(r"`([^`\n]*)`")


def resolvable(f: Finding) -> bool:
    """The only findings an LLM may judge away: low-severity drift (an unexplained, harmless file)."""
    return f.rule == "RV101" and f.severity == "low" and f.source == "rules" and not f.licensed


def listed(f: Finding) -> bool:
    """Findings the model is told about: low and above, and intent targets the change misses."""
    return severity_rank(f.severity) >= severity_rank("low") or f.rule == "RV102"


@record
class Index:
    handles: dict[str, str]  # "F1" -> finding id
    head: str  # the blast radius's first reason and the findings of no changed file
    entries: tuple[str, ...]  # one per file, in the order given


def build_index(files: Sequence[tuple[FileDiff, FileReview | None]], review: Review) -> Index:
    known = {fd.path for fd, _ in files}
    by_path: dict[str | None, list[Finding]] = {}
    for f in review.findings:
        if listed(f):
            by_path.setdefault(f.path if f.path in known else None, []).append(f)
    handles: dict[str, str] = {}

    def handle(f: Finding) -> str:
        h = f"F{len(handles) + 1}"
        handles[h] = f.id
        return h

    head = [f"blast radius: {r}" for r in _news(review)]
    head += _finding_lines(by_path.get(None, []), None, handle, indent="")
    entries: list[str] = []
    for fd, fr in files:
        here = by_path.get(fd.path, [])
        marks = [_unexplained(f, handle(f)) for f in here if f.rule == "RV101"]
        others = [f for f in here if f.rule != "RV101"]
        quoted = {q for f in others for q in _QUOTED.findall(f.title)}
        lines = _finding_lines(others, fd.path, handle, indent="  ")
        entries.append("\n".join([file_line(fd, fr, marks, quoted), *lines]))
    return Index(handles=handles, head="\n".join(head), entries=tuple(entries))


def _news(review: Review) -> list[str]:
    """The blast radius's first reason, unless a listed finding already says it or it says nothing."""
    if review.blast_radius.level == "low" or not review.blast_radius.reasons:
        return []
    reason = re.sub(r" \(`[^`]*`\)$| \u2014 .*$", "", review.blast_radius.reasons[0]).casefold()
    if any(reason in f.title.casefold() for f in review.findings if listed(f)):
        return []
    return [review.blast_radius.reasons[0]]


def file_line(
    fd: FileDiff, fr: FileReview | None, marks: Sequence[str] = (), quoted: set[str] | None = None
) -> str:
    """``path [A|D|R|C] +a-d [role] [drift F2 | UNEXPLAINED] [kinds] [cosmetic:x] symbols``."""
    path = (
        fd.path if not fd.old_path or fd.old_path == fd.path else f"{fd.path} (from {fd.old_path})"
    )
    parts = [path]
    if fd.status in _STATUS:
        parts.append(_STATUS[fd.status])
    if fr is None:
        parts += [f"+{fd.additions}-{fd.deletions}", "UNANALYSED", *marks]
        return " ".join(parts)
    s = fr.scope
    parts.append(f"+{s.additions}-{s.deletions}")
    if s.role != "code":
        parts.append(s.role)
    parts += marks or ([] if fr.explained else ["UNEXPLAINED"])
    if s.change_kinds:
        parts.append("[" + ",".join(s.change_kinds) + "]")
    if s.cosmetic:
        parts.append(f"cosmetic:{s.cosmetic}")
    if fd.binary or s.language == "binary":
        parts.append("binary")
    skip = set(quoted or ()) | {fd.path, posixpath.basename(fd.path)}
    symbols = symbol_list([sym for sym in s.symbols if sym.name not in skip])
    if symbols:
        parts.append(symbols)
    return " ".join(parts)


def symbol_list(symbols: Sequence[Symbol]) -> str:
    """``resource- aws_vpc.{main, extra}; function~ handler``: every symbol, kinds said once,
    a prefix that neighbouring names share said once."""
    grouped: dict[str, list[str]] = {}
    for s in symbols:
        name = f"{s.old_name}>{s.name}" if s.change == "renamed" and s.old_name else s.name
        grouped.setdefault(f"{s.kind}{_CHANGE.get(s.change, '~')}", []).append(name)
    return "; ".join(f"{key} {', '.join(_factored(names))}" for key, names in grouped.items())


def _factored(names: Sequence[str]) -> list[str]:
    """Runs of names that share a prefix up to a separator: ``io.opencensus.{Span, Tracer}``."""
    out: list[str] = []
    run: list[str] = []
    stem = ""

    def flush() -> None:
        if len(run) > 1:
            out.append(stem + "{" + ", ".join(_short(n[len(stem) :]) for n in run) + "}")
        else:
            out.extend(_short(n) for n in run)

    for name in names:
        common = _stem(stem or (run[0] if run else ""), name) if run else ""
        if run and len(common) >= MIN_STEM:
            stem = common
            run.append(name)
            continue
        flush()
        run, stem = [name], ""
    flush()
    return out


def _stem(a: str, b: str) -> str:
    """The longest common prefix of ``a`` and ``b`` that ends with a separator."""
    n = 0
    limit = min(len(a), len(b))
    while n < limit and a[n] == b[n]:
        n += 1
    cut = max(a.rfind(sep, 0, n) for sep in _SEPARATORS)
    return a[: cut + 1] if cut >= 0 else ""


def _short(name: str) -> str:
    # Markdown sections are named by their first words
    return name if len(name) <= MAX_SYMBOL_CHARS else name[:MAX_SYMBOL_CHARS] + "…"


def _unexplained(f: Finding, handle: str) -> str:
    """The file line's mark for its RV101 finding: ``drift F2`` (judge it) or ``UNEXPLAINED F2 high``."""
    if resolvable(f):
        return f"drift {handle}"
    return f"UNEXPLAINED {handle} {f.severity}" + (" stated" if f.licensed else "")


def _finding_lines(
    findings: Sequence[Finding], path: str | None, handle: Callable[[Finding], str], indent: str
) -> list[str]:
    """One line per finding, except that findings alike but for the one name they quote share one."""
    groups: dict[tuple[str, ...], list[tuple[Finding, str]]] = {}
    for f in findings:
        title = re.sub(rf" ?`{re.escape(path)}`", "", f.title) if path else f.title
        title = title.replace(" (explained by the intent)", "")
        names = _QUOTED.findall(title)
        key = (
            (f.severity, str(f.licensed), _QUOTED.sub("…", title))
            if len(names) == 1
            else (f.id, title)
        )
        groups.setdefault(key, []).append((f, title))
    out: list[str] = []
    for members in groups.values():
        f, title = members[0]
        marks = f"{f.severity}{' stated' if f.licensed else ''}"
        if len(members) == 1:
            out.append(f"{indent}{handle(f)} {marks}: {title}")
            continue
        template = _QUOTED.sub("…", title)
        each = "; ".join(f"{handle(g)} {_QUOTED.findall(t)[0]}" for g, t in members)
        out.append(f"{indent}{marks}: {template}: {each}")
    return out
