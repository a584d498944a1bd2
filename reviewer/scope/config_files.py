"""Config files (role ``config``): feature-flag defaults, global settings, limits, committed secrets.

Key paths come from the line scanners of ``lex/keys.py``; what a changed setting means, from
``config_settings.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..models import PERMISSION_WIDENING, Side, Signal, Symbol, SymbolChange, severity_rank
from .config_settings import (
    ENV_FILE_RE,
    K8S_PATH,
    OWNED_BY_YAML_RE,
    RC_FILE_RE,
    TOKEN_MARKERS,
    TOKEN_RE,
    Value,
    classify,
    kind_of_file,
)
from .engine import FileContext, Partial
from .lex.keys import Pair, Rows, ini_pairs, json_pairs, segment_rows, toml_pairs, yaml_pairs

#: settings and signals reported per file (generated data files change thousands of keys)
MAX_SYMBOLS = 50
MAX_SIGNALS = 20


def _scanner(ctx: FileContext) -> Callable[[Rows], Iterator[Pair]] | None:
    lang = ctx.language
    lower = ctx.path.lower()
    if lang == "yaml":
        return yaml_pairs
    if lang == "json":
        return json_pairs
    if lang == "toml":
        return toml_pairs
    if lang in ("ini", "dotenv") or ENV_FILE_RE.search(lower) or RC_FILE_RE.search(lower):
        return ini_pairs
    return None


def _owned_by_yaml(ctx: FileContext) -> bool:
    if ctx.language not in ("yaml", "json"):
        return False
    sides: tuple[Side, Side] = ("old", "new")
    return any(
        OWNED_BY_YAML_RE.search(seg.text[:20_000]) for side in sides for seg in ctx.segments(side)
    )


def analyze(ctx: FileContext) -> Partial:
    from . import governance

    if governance.claims(ctx.path):
        return governance.analyze(ctx)
    part = Partial()
    scanner = _scanner(ctx)
    if scanner is None or _owned_by_yaml(ctx):
        return part
    kind = kind_of_file(ctx.path)
    old = _scalars(ctx, "old", scanner)
    new = _scalars(ctx, "new", scanner)
    if any(set(path) & K8S_PATH and len(path) > 1 for path in [*old, *new]):
        return part  # a manifest fragment whose header is out of view: yaml_families.py's
    signals: list[Signal] = []
    symbols: list[Symbol] = []
    for path in dict.fromkeys([*new, *old]):
        o, n = old.get(path), new.get(path)
        change: SymbolChange = "modified" if o and n else ("added" if n else "deleted")
        if o is not None and n is not None and sorted(o[1]) == sorted(n[1]):
            continue
        line = (n or o or (None, []))[0]
        symbols.append(Symbol("key", ".".join(path), change, line))
        sig = classify(path, o, n, kind)
        if sig is not None:
            signals.append(sig)
    flagged = {s.line for s in signals if s.code == "flag.secret"}
    signals.extend(s for s in _token_signals(ctx, example=kind.example) if s.line not in flagged)
    if ctx.language in ("yaml", "json"):
        symbols = []  # yaml_families.py names the keys of YAML and JSON files
    part.symbols = symbols[:MAX_SYMBOLS]
    if len(symbols) > MAX_SYMBOLS:
        part.notes.append(f"{len(symbols)} settings changed; {MAX_SYMBOLS} listed")
    part.signals = _cap(signals)
    return part


def _scalars(
    ctx: FileContext, side: Side, scanner: Callable[[Rows], Iterator[Pair]]
) -> dict[tuple[str, ...], Value]:
    """Changed settings of one side: path -> (line, values); list items gather under their list."""
    changed = ctx.changed(side)
    out: dict[tuple[str, ...], Value] = {}
    for seg in ctx.segments(side):
        for p in scanner(segment_rows(seg)):
            if p.line not in changed or p.value is None:
                continue
            path = tuple(x for x in p.path if x != "[]") or ("[]",)
            seen = out.get(path)
            if seen is None:
                out[path] = (p.line, [p.value])
            else:
                seen[1].append(p.value)
    return out


def _token_signals(ctx: FileContext, *, example: bool) -> list[Signal]:
    out: list[Signal] = []
    for n, text in sorted(ctx.added.items()):
        if any(marker in text for marker in TOKEN_MARKERS) and TOKEN_RE.search(text):
            what = "an example file" if example else "config"
            out.append(
                Signal(
                    kind=PERMISSION_WIDENING,
                    code="flag.secret",
                    detail=f"commits a credential-shaped token to {what}",
                    line=n,
                    side="new",
                    severity="high",
                )
            )
    return out


def _cap(signals: list[Signal]) -> list[Signal]:
    if len(signals) <= MAX_SIGNALS:
        return signals
    ranked = sorted(signals, key=lambda s: -severity_rank(s.severity))
    return ranked[:MAX_SIGNALS]
