"""What the readable renderers share: findings grouped by object, areas of a large change, and the
intent's own words behind an explanation. Pure; JSON and SARIF keep every finding as it is."""

from __future__ import annotations

from collections.abc import Sequence

from ..models import FileReview, Finding, Review, severity_rank
from ..record import record
from ..rx import lazy

#: from this many files on, a change is summarised by area before its files are listed
LARGE_REVIEW = 30

_FORCES = lazy(r"^Changes `([^`]+)`, which forces `[^`]+` to be destroyed and recreated")
_REKEY = lazy(r"^Switches `[^`]+` from `count` to `for_each`")
_WORD = lazy(r"[\w-]+")


@record
class Group:
    """The findings about one object (a resource, a symbol, or a file when they name none)."""

    name: str  # the object: a symbol, or the path
    path: str | None
    severity: str
    findings: tuple[Finding, ...]

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.rule for f in self.findings))

    @property
    def lines(self) -> tuple[int, ...]:
        return tuple(sorted({f.line for f in self.findings if f.line}))

    @property
    def licensed(self) -> bool:
        return all(f.licensed for f in self.findings)


def group_findings(findings: Sequence[Finding]) -> list[Group]:
    """One group per object and path, in the order of each group's first (riskiest) finding."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    home: dict[str, tuple[str, str]] = {}
    for f in findings:  # a file's own findings are its home; else the first object it changes
        if f.path and not f.symbol and f.rule != "RV101":
            home[f.path] = (f.path, f.path)
    for f in findings:
        if f.path and f.symbol:
            home.setdefault(f.path, (f.symbol, f.path))
    for f in findings:
        key = (f.symbol or f.path or f.rule + ":" + f.id, f.path or "")
        if f.rule == "RV101" and not f.symbol and f.path in home:
            # "file not explained" joins what the file does: the path is said once
            key = home[f.path]
        groups.setdefault(key, []).append(f)
    out = []
    for (name, path), items in groups.items():
        worst = max(items, key=lambda f: severity_rank(f.severity)).severity
        out.append(Group(name=name, path=path or None, severity=worst, findings=tuple(items)))
    return out


def describe(group: Group) -> str:
    """What happens to the object, in one line: ``destroyed and recreated (`a`, `b` changed); ...``."""
    if len(group.findings) == 1:
        return group.findings[0].title
    forced: list[str] = []
    parts: list[str] = []
    for f in group.findings:
        m = _FORCES.match(f.title)
        if m:
            forced.append(f"`{m.group(1)}`")
        elif _REKEY.match(f.title):
            parts.append("`count` → `for_each` re-keys every instance")
        else:
            parts.append(_without(f.title, group.name))
    if forced:
        parts.insert(0, f"destroyed and recreated ({', '.join(forced)} changed)")
    return "; ".join(dict.fromkeys(p for p in parts if p))


def _without(title: str, name: str) -> str:
    """A finding's title without the object it is grouped under (said once, before it)."""
    head = title.split(": ")[0] if ": " in title and f"`{name}`" in title.split(": ")[0] else title
    for prep in (" on ", " of ", " for ", " in ", " to ", " "):
        head = head.replace(f"{prep}`{name}`", "")
    return head.strip()


def where(group: Group) -> str:
    """``path:12`` or ``path`` lines ``12, 14–16``: the location, said once."""
    if not group.path:
        return ""
    lines = group.lines
    if not lines:
        return group.path
    if len(lines) == 1:
        return f"{group.path}:{lines[0]}"
    return f"{group.path}, lines {_ranges(lines)}"


def _ranges(lines: Sequence[int]) -> str:
    out: list[str] = []
    start = prev = lines[0]
    for n in [*lines[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(out)


def mentions_path(group: Group) -> bool:
    """Whether every title already names the path (then the location adds nothing but a line)."""
    return bool(group.path) and all(f"`{group.path}`" in f.title for f in group.findings)


# --- areas of a large change ---------------------------------------------------------------------


@record
class Area:
    name: str
    files: int
    additions: int
    deletions: int
    out_of_scope: int
    kinds: tuple[str, ...]
    risky: tuple[Group, ...]  # high or critical, riskiest first
    findings: int


def area_of(path: str) -> str:
    """The component a path belongs to: its first two directories (``infra/modules``), or the top."""
    parts = path.split("/")[:-1]
    return "/".join(parts[:2]) if parts else "(top level)"


def areas(review: Review) -> list[Area]:
    by_area: dict[str, list[FileReview]] = {}
    for fr in review.files:
        by_area.setdefault(area_of(fr.scope.path), []).append(fr)
    groups = group_findings(review.findings)
    out = []
    for name, frs in by_area.items():
        paths = {fr.scope.path for fr in frs}
        mine = [g for g in groups if g.path in paths]
        kinds: dict[str, None] = {}
        for fr in frs:
            kinds.update(dict.fromkeys(fr.scope.change_kinds))
        risky = tuple(
            g for g in mine if severity_rank(g.severity) >= severity_rank("high") and not g.licensed
        )
        out.append(
            Area(
                name=name,
                files=len(frs),
                additions=sum(fr.scope.additions for fr in frs),
                deletions=sum(fr.scope.deletions for fr in frs),
                out_of_scope=sum(1 for fr in frs if not fr.explained),
                kinds=tuple(kinds),
                risky=risky,
                findings=sum(len(g.findings) for g in mine),
            )
        )
    out.sort(
        key=lambda a: (
            -max((severity_rank(g.severity) for g in a.risky), default=-1),
            -len(a.risky),
            -a.out_of_scope,
            -(a.additions + a.deletions),
            a.name,
        )
    )
    return out


# --- explanations in the intent's own words ---------------------------------------------------------


def intent_words(stem: str, intent_text: str) -> str:
    """The word of the intent a matcher's stem came from (``dai`` -> ``daily``), else the stem."""
    low = stem.lower()
    for m in _WORD.finditer(intent_text):
        word = m.group(0)
        if word.lower().startswith(low):
            return word
    return stem


def explanation(reason: str, fr: FileReview, intent_text: str) -> str:
    """``path: cost, report`` -> ``"cost", "report" → path``: the intent's words and what they matched."""
    what, sep, rest = reason.partition(": ")
    if not sep or what not in ("path", "symbol", "changed lines", "context"):
        return reason
    stems = [s.strip() for s in rest.split(",") if s.strip()]
    words = list(dict.fromkeys(intent_words(s, intent_text) for s in stems))[:4]
    quoted = ", ".join(f'"{w}"' for w in words)
    if what == "symbol":
        names = [
            s.name for s in fr.scope.symbols if any(st.lower() in s.name.lower() for st in stems)
        ][:2]
        target = ", ".join(f"`{n}`" for n in names) if names else "a symbol"
    elif what == "path":
        target = "the path"
    elif what == "context":
        target = "the code around the change"
    else:
        target = "the changed lines"
    return f"{quoted} → {target}"
