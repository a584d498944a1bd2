"""RV2xx: risky change kinds (deletions, replacements, permissions ...) the intent does not license."""

from __future__ import annotations

from ..models import DESTRUCTIVE_KINDS, Finding, Severity, Signal
from ..rx import lazy
from . import KIND_RULES, Context, finding

_RAISE: dict[str, Severity] = {
    "info": "low",
    "low": "medium",
    "medium": "high",
    "high": "critical",
    "critical": "critical",
}
DESTRUCTIVE = DESTRUCTIVE_KINDS


def check(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for fs in ctx.scope.files:
        explained = ctx.match.files[fs.path].explained
        for sig in fs.signals:
            rule = KIND_RULES.get(sig.kind)
            if rule is None:
                continue
            licensed = ctx.match.licensed.get(sig, False)
            severity = _severity(sig, licensed=licensed, file_explained=explained)
            out.append(
                finding(
                    rule,
                    severity,
                    _title(sig, licensed),
                    path=fs.path,
                    line=sig.line,
                    symbol=sig.symbol,
                    kind=sig.kind,
                    side=sig.side,
                    licensed=licensed,
                    key=_stable_key(sig),
                )
            )
    return out


_TICKED = lazy(r"`([^`]+)`")


def _stable_key(sig: Signal) -> str:
    """What the signal is about, not how it is worded: the code and the names it quotes.

    Finding ids (and the ids of the questions, which carry the author's answers) must survive a
    rewording of the message and a shift of line numbers.
    """
    names = sorted(set(_TICKED.findall(sig.detail)))
    return f"{sig.code}:{sig.side}:{'|'.join(names) or sig.detail}"


def _severity(sig: Signal, *, licensed: bool, file_explained: bool) -> Severity:
    sev: Severity = sig.severity
    if licensed:
        return sev
    if sig.kind in DESTRUCTIVE and sev in ("info", "low"):
        sev = "medium"
    # destroying something nobody mentioned, in a file nobody mentioned: the incident shape
    if not file_explained and sig.kind in DESTRUCTIVE and sev == "high":
        return "critical"
    return sev


def _title(sig: Signal, licensed: bool) -> str:
    detail = sig.detail.rstrip(".")
    detail = detail[:1].upper() + detail[1:]
    return f"{detail} (stated in the intent)" if licensed else detail
