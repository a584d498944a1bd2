"""Helm charts: templates (Kubernetes objects read through ``{{ }}``), default values, Chart.yaml."""

from __future__ import annotations

from ..models import DEPENDENCY, GLOBAL_CONFIG, RESOURCE_DELETION, Signal
from . import kubernetes
from .engine import FileContext, Partial
from .yaml import analyze_keys
from .yaml_outline import SideView, changes, dedupe, fresh


def analyze_views(ctx: FileContext, old: SideView, new: SideView, family: str) -> Partial:
    if family == "helm-template":
        return _template(ctx, old, new)
    part = analyze_keys(ctx, old, new, language="helm")
    if family == "helm-values":
        part.signals.extend(_values_signals(ctx, old, new, part))
    else:
        part.signals.extend(_chart_signals(ctx, old, new))
    part.signals = dedupe(part.signals)
    return part


def _template(ctx: FileContext, old: SideView, new: SideView) -> Partial:
    part = kubernetes.analyze_views(ctx, old, new, template=True)
    if ctx.status == "deleted":
        objs = [s.name for s in part.symbols if s.kind == "object"]
        what = f" (renders {', '.join(f'`{o}`' for o in objs[:5])})" if objs else ""
        part.signals.insert(
            0,
            Signal(
                RESOURCE_DELETION,
                "helm.template_deleted",
                f"deletes Helm template `{ctx.path}`{what}",
                None,
                "old",
                None,
                "high",
            ),
        )
    else:
        for sym in part.symbols:
            if sym.kind == "object" and sym.change == "deleted":
                part.signals.append(
                    Signal(
                        RESOURCE_DELETION,
                        "helm.object_deleted",
                        f"removes `{sym.name}` from a Helm template",
                        sym.line,
                        "old",
                        sym.name,
                        "high",
                    )
                )
    return part


def _values_signals(ctx: FileContext, old: SideView, new: SideView, part: Partial) -> list[Signal]:
    """Every install takes its defaults from values.yaml: a changed key changes them all."""
    out: list[Signal] = []
    if ctx.status == "added" or part.cosmetic is not None:
        return out
    tops: dict[str, int | None] = {}
    for sym in part.symbols:
        if sym.kind == "key":
            tops.setdefault(sym.name.split(".", 1)[0], sym.line)
    verb = "deletes" if ctx.status == "deleted" else "changes"
    for top, line in list(tops.items())[:20]:
        out.append(
            Signal(
                GLOBAL_CONFIG,
                "helm.values",
                f"{verb} Helm default values under `{top}`",
                line,
                "old" if ctx.status == "deleted" else "new",
                top,
                "medium",
            )
        )
    if not tops and (ctx.added or ctx.removed):
        out.append(
            Signal(
                GLOBAL_CONFIG,
                "helm.values",
                f"{verb} Helm default values",
                None,
                "old" if ctx.status == "deleted" else "new",
                None,
                "medium",
            )
        )
    added, removed = changes(ctx, new), changes(ctx, old)
    out.extend(kubernetes.widening_signals(fresh(added, removed), None))
    out.extend(kubernetes.hardening_signals(removed, added, None))
    return out


def _chart_signals(ctx: FileContext, old: SideView, new: SideView) -> list[Signal]:
    if ctx.status == "deleted":
        return [
            Signal(
                RESOURCE_DELETION,
                "helm.chart_deleted",
                f"deletes Helm chart `{ctx.path}`",
                None,
                "old",
                None,
                "high",
            )
        ]
    out: list[Signal] = []
    for ch in (*changes(ctx, old), *changes(ctx, new)):
        if ctx.status != "added" and ch.node is not None and ch.path[:1] == ("dependencies",):
            out.append(
                Signal(
                    DEPENDENCY,
                    "helm.dependencies",
                    "changes the chart's dependencies",
                    ch.line,
                    ch.side,
                    "dependencies",
                    "medium",
                )
            )
            break
    return out
