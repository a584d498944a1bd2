"""Manifest entries compared old side against new: dependencies, runtimes, sources, install scripts."""

from __future__ import annotations

from ...models import Severity, Side, Symbol
from ...rx import lazy
from ..engine import FileContext, Partial, any_in
from ..lex.keys import segment_rows
from ..lex.versions import compare_versions, version_tuple
from .entries import Entry, Scanner, dependency_signal, is_url
from .manifests import INSTALL_SCRIPTS


def changed_entries(ctx: FileContext, side: Side, scanner: Scanner) -> list[Entry]:
    changed = ctx.changed(side)
    lines = [n for n in ctx.changed_sorted(side) if changed[n].strip()]
    if not lines:
        return []
    out: list[Entry] = []
    for seg in ctx.segments(side):
        for e in scanner(segment_rows(seg)):
            if any_in(lines, e.line, max(e.end, e.line)):
                out.append(e)
    return out


def pair_entries(old: list[Entry], new: list[Entry]) -> list[tuple[Entry | None, Entry | None]]:
    old_by: dict[tuple[str, str], list[Entry]] = {}
    for e in old:
        old_by.setdefault(e.key, []).append(e)
    out: list[tuple[Entry | None, Entry | None]] = []
    for n in new:
        olds = old_by.get(n.key)
        out.append((olds.pop(0) if olds else None, n))
    out.extend((o, None) for es in old_by.values() for o in es)
    return out


_SECTION_WORDS = {
    "runtime": "runtime dependency",
    "dev": "development dependency",
    "optional": "optional dependency",
    "peer": "peer dependency",
    "build": "build dependency",
    "override": "version override",
    "indirect": "indirect dependency",
    "property": "version property",
    "": "dependency",
}


def compare(
    part: Partial, o: Entry | None, n: Entry | None, *, library: bool, ctx: FileContext
) -> None:
    e = n or o
    assert e is not None
    change = "added" if o is None else ("deleted" if n is None else "modified")
    if (
        o is not None
        and n is not None
        and (o.spec, o.section, o.name) == (n.spec, n.section, n.name)
    ):
        return
    line = n.line if n is not None else (o.line if o is not None else None)
    sym_kind = {"dep": "dependency", "runtime": "runtime", "source": "source", "script": "script"}[
        e.kind
    ]
    part.symbols.append(Symbol(sym_kind, e.name, change, line))  # type: ignore[arg-type]
    side: Side = "old" if n is None else "new"
    if e.kind == "runtime":
        detail = _change_detail(f"the `{e.name}` requirement", o, n)
        part.signals.append(
            dependency_signal(
                code="dep.runtime",
                detail=detail,
                line=line,
                side=side,
                symbol=e.name,
                severity="medium",
            )
        )
    elif e.kind == "source":
        _source_signal(part, o, n, line)
    elif e.kind == "script":
        _script_signals(part, o, n, ctx)
    else:
        _dep_signals(part, o, n, line, library=library)


def _change_detail(what: str, o: Entry | None, n: Entry | None) -> str:
    if o is None and n is not None:
        return f"sets {what} to `{n.spec}`"
    if n is None and o is not None:
        return f"removes {what} (`{o.spec}`)"
    assert o is not None and n is not None
    return f"changes {what} from `{o.spec}` to `{n.spec}`"


def _source_signal(part: Partial, o: Entry | None, n: Entry | None, line: int | None) -> None:
    if n is None:
        assert o is not None
        part.signals.append(
            dependency_signal(
                code="dep.source",
                detail=f"removes package source `{o.name}` (`{o.spec}`)",
                line=line,
                side="old",
                symbol=o.name,
                severity="low",
            )
        )
        return
    local = n.name.startswith("replace ") and n.spec.startswith((".", "/"))
    severity: Severity = "medium" if local else "high"
    detail = _change_detail(f"package source `{n.name}`", o, n)
    part.signals.append(
        dependency_signal(
            code="dep.source",
            detail=detail,
            line=line,
            side="new",
            symbol=n.name,
            severity=severity,
        )
    )


def _dep_signals(
    part: Partial, o: Entry | None, n: Entry | None, line: int | None, *, library: bool
) -> None:
    if n is None:
        assert o is not None
        part.signals.append(
            dependency_signal(
                # an indirect requirement is what resolving the others wrote (as in a lockfile)
                code="dep.indirect" if o.section == "indirect" else "dep.removed",
                detail=f"removes {_SECTION_WORDS.get(o.section, 'dependency')} `{o.name}`",
                line=line,
                side="old",
                symbol=o.name,
                severity="low",
            )
        )
        return
    words = _SECTION_WORDS.get(n.section, "dependency")
    if o is None:
        severity: Severity = "medium" if library and n.section in ("runtime", "peer") else "low"
        shown = f" (`{n.spec}`)" if n.spec else ""
        part.signals.append(
            dependency_signal(
                code="dep.indirect" if n.section == "indirect" else "dep.added",
                detail=f"adds {words} `{n.name}`{shown}",
                line=line,
                side="new",
                symbol=n.name,
                severity=severity,
            )
        )
        if is_url(n.spec):
            part.signals.append(
                dependency_signal(
                    code="dep.source",
                    detail=f"installs `{n.name}` from `{n.spec}`",
                    line=line,
                    side="new",
                    symbol=n.name,
                    severity="medium",
                )
            )
        return
    if is_url(n.spec) and n.spec != o.spec:
        part.signals.append(
            dependency_signal(
                code="dep.source",
                detail=f"changes where `{n.name}` comes from: `{o.spec or 'registry'}` to `{n.spec}`",
                line=line,
                side="new",
                symbol=n.name,
                severity="high",
            )
        )
        return
    # transitive (indirect) 0.x modules move minor versions all the time, as in lockfiles
    level = None if is_url(o.spec) else _version_level(o.spec, n.spec, zero=n.section != "indirect")
    if level == "major":
        verb = (
            "downgrades"
            if (version_tuple(n.spec) or ()) < (version_tuple(o.spec) or ())
            else "bumps"
        )
        # a development tool's major version changes the build, not what users run
        tool = n.section in ("dev", "build")
        part.signals.append(
            dependency_signal(
                code="dep.major_bump",
                detail=f"{verb} {words} `{n.name}` from `{o.spec}` to `{n.spec}`",
                line=line,
                side="new",
                symbol=n.name,
                severity="low" if tool else "medium",
            )
        )
    else:
        severity = "low"
        if o.spec == n.spec:
            before = _SECTION_WORDS.get(o.section, "dependency")
            detail = f"reclassifies `{n.name}` as {words} (was {before})"
            if {o.section, n.section} == {"indirect", "runtime"}:
                # `// indirect` comes and goes with `go mod tidy`: the module graph and the build
                # stay the same (a dev dependency turned runtime, by contrast, ships to users)
                severity = "info"
        else:
            detail = f"updates {words} `{n.name}` from `{o.spec or 'any'}` to `{n.spec or 'any'}`"
        part.signals.append(
            dependency_signal(
                code="dep.updated",
                detail=detail,
                line=line,
                side="new",
                symbol=n.name,
                severity=severity,
            )
        )


def _version_level(old: str, new: str, *, zero: bool = True) -> str | None:
    if version_tuple(old) is None or version_tuple(new) is None:
        return "minor" if old != new else None
    return compare_versions(old, new, zero=zero)


#: a delete whose target starts outside the package: the home directory, the root, a parent
_DELETES_OUTSIDE = lazy(
    r"\brm\s+(?:-\w+\s+)*[^;&|]*?(?:^|\s)[\"']?(?:~|\$HOME|\$\{HOME\}|/(?!tmp\b)|\.\./)"
)


def _script_signals(part: Partial, o: Entry | None, n: Entry | None, ctx: FileContext) -> None:
    from ..shell.danger import scan_commands

    if n is None:
        return
    if n.name in INSTALL_SCRIPTS:
        # every machine that installs the package runs it: deleting outside the package there
        # (`rm -rf ~/.cache`) reaches into its users' homes
        outside = bool(_DELETES_OUTSIDE.search(n.spec))
        part.signals.append(
            dependency_signal(
                code="dep.install_script",
                detail=f"{'adds' if o is None else 'changes'} install script `{n.name}`: `{n.spec[:80]}`"
                + (
                    ": it deletes files outside the package wherever it is installed"
                    if outside
                    else ""
                ),
                line=n.line,
                side="new",
                symbol=n.name,
                severity="high" if outside else "medium",
            )
        )
    part.signals.extend(scan_commands([(n.line, n.spec)], only=ctx.added))
