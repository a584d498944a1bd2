"""RV2xx: risky change kinds (deletions, replacements, permissions ...) the intent does not license."""

from __future__ import annotations

from ..models import DANGEROUS_COMMAND, DESTRUCTIVE_KINDS, Finding, Severity, Signal
from ..rx import lazy
from ..statements import Reading, quote
from .base import KIND_RULES, Context, finding

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
            licensed = ctx.match.licensed.get((fs.path, sig), False)
            reading = ctx.match.readings.get((fs.path, sig))
            severity = _severity(sig, licensed=licensed, file_explained=explained)
            out.append(
                finding(
                    rule,
                    severity,
                    _title(sig, licensed, reading),
                    path=fs.path,
                    line=sig.line,
                    symbol=sig.symbol,
                    kind=sig.kind,
                    side=sig.side,
                    licensed=licensed,
                    key=_stable_key(sig),
                    stated=reading.stated if reading and licensed else None,
                    near=reading.near if reading and not licensed else None,
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
    if sig.kind in DESTRUCTIVE and sev == "low":
        sev = "medium"
    # a destructive command nobody stated (`rm -rf`, a force push) runs wherever the script runs
    if sig.kind == DANGEROUS_COMMAND and sev == "medium":
        sev = "high"
    # destroying something the intent never states is the incident shape, wherever it sits: a
    # file "explained" by shared words does not make it less so (more text never lowers severity)
    if sig.kind in DESTRUCTIVE and sev == "high":
        return "critical"
    # a signature reworked in a file the intent explains is part of the work it describes:
    # noted with its question, not called a mismatch. Removals and renames stay: they break
    # every caller whatever the intent says about the file
    if sig.code == "code.public_signature" and file_explained and sev == "medium":
        return "low"
    return sev


def _title(sig: Signal, licensed: bool, reading: Reading | None) -> str:
    detail = sig.detail.rstrip(".")
    detail = detail[:1].upper() + detail[1:]
    if licensed and reading and reading.stated:
        return f"{detail} (stated: {quote(reading.stated)})"
    if licensed:
        return f"{detail} (explained by the intent)"
    if reading and reading.near:
        return (
            f"{detail} (the intent comes close, {quote(reading.near, 80)}, but does not say it; "
            f"a statement would say «{reading.suggestion}»)"
        )
    return detail
