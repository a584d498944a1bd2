"""One template: resources, parameters and outputs as symbols, and the signals of its change."""

from __future__ import annotations

from ...models import GLOBAL_CONFIG, PUBLIC_API, RESOURCE_DELETION, Severity, Signal
from ..engine import FileContext, Partial
from ..yaml_view import (
    SideView,
    changes,
    cosmetic,
    dedupe,
    file_symbol,
    fresh,
    section_headers,
    symbol_changes,
)
from .permissions import widening
from .protection import policies, protections
from .resources import STATEFUL_RE, replacements, retyped
from .template import SECTIONS, definitions, exported, owner_of


def analyze_views(ctx: FileContext, old: SideView, new: SideView) -> Partial:
    """The scope of one CloudFormation or SAM template."""
    part = Partial(language="cloudformation")
    old_types: dict[str, str] = {}
    new_types: dict[str, str] = {}
    results, old_out, new_out = symbol_changes(
        ctx, definitions(old, old_types), definitions(new, new_types)
    )
    symbols = [sym for sym, _o, _n in results]
    part.symbols.extend(symbols)
    # a section's own header line (``Resources:``) is a container, not a change of its own
    old_heads = section_headers(old, ("Resources", *SECTIONS))
    new_heads = section_headers(new, ("Resources", *SECTIONS))
    stray = file_symbol(
        ctx,
        [*(n for n in new_out if n not in new_heads), *(n for n in old_out if n not in old_heads)],
    )
    if stray is not None:
        part.symbols.append(stray)
    part.cosmetic = cosmetic(ctx)

    whole = {s.name for s in symbols if s.kind == "resource" and s.change in ("added", "deleted")}
    for sym in symbols:
        if sym.kind == "resource" and sym.change == "deleted":
            t = old_types.get(sym.name, "")
            sev: Severity = "high" if not t or STATEFUL_RE.match(t) else "medium"
            shown = f" ({t})" if t else ""
            part.signals.append(
                Signal(
                    kind=RESOURCE_DELETION,
                    code="cfn.resource_deleted",
                    detail=f"deletes CloudFormation resource `{sym.name}`{shown}",
                    line=sym.line,
                    side="old",
                    symbol=sym.name,
                    severity=sev,
                )
            )
        elif sym.kind == "output" and sym.change == "deleted" and exported(old, sym.name):
            part.signals.append(
                Signal(
                    kind=PUBLIC_API,
                    code="cfn.export_removed",
                    detail=f"removes exported output `{sym.name}` (stacks importing it break)",
                    line=sym.line,
                    side="old",
                    symbol=sym.name,
                    severity="medium",
                )
            )
        elif sym.kind == "key" and sym.name == "Globals" and sym.change != "added":
            part.signals.append(
                Signal(
                    kind=GLOBAL_CONFIG,
                    code="cfn.globals",
                    detail="changes SAM `Globals` (every function and API inherits them)",
                    line=sym.line,
                    side="new",
                    symbol=sym.name,
                    severity="medium",
                )
            )

    removed, added = changes(ctx, old), changes(ctx, new)
    # what a deleted resource loses with it is that deletion, not a weakened live resource
    removed = [ch for ch in removed if owner_of(ch) not in whole]
    json = ctx.language == "json"
    signals: list[Signal] = []
    signals.extend(policies(removed, added, whole))
    signals.extend(protections(removed, fresh(added, removed)))
    if ctx.status not in ("added", "deleted"):
        signals.extend(replacements(removed, old_types, whole, json))
        signals.extend(replacements(added, new_types, whole, json))
        signals.extend(retyped(added, old_types, new_types))
    signals.extend(widening(removed, fresh(added, removed), new_types, json))
    part.signals.extend(dedupe(signals))
    return part
