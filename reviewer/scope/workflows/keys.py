"""Risky settings of steps and jobs (unsecure commands, inherited secrets, kept credentials,
ignored failures) and third-party actions not pinned to a commit."""

from __future__ import annotations

import re

from ...models import CI_CD, PERMISSION_WIDENING, Severity, Signal
from ...rx import lazy
from ..yaml_view import Change
from .lines import item_lines, signal_at, uses_of
from .steps import check_of

_FIRST_PARTY = frozenset({"actions", "github"})
_SHA_RE = lazy(r"^[0-9a-f]{40}$", re.I)
_TRUE = frozenset({"true", "yes", "on"})
#: key -> (values that trigger, change kind, code, detail, severity)
_KEY_CHECKS: dict[str, tuple[frozenset[str], str, str, str, Severity]] = {
    "ACTIONS_ALLOW_UNSECURE_COMMANDS": (
        _TRUE,
        PERMISSION_WIDENING,
        "gha.unsecure_commands",
        "sets `ACTIONS_ALLOW_UNSECURE_COMMANDS`: steps' output can set environment variables and PATH",
        "high",
    ),
    "secrets": (
        frozenset({"inherit"}),
        CI_CD,
        "gha.secrets_inherit",
        "passes every secret to a called workflow (`secrets: inherit`)",
        "medium",
    ),
    "persist-credentials": (
        _TRUE,
        CI_CD,
        "gha.persist_credentials",
        "keeps the token in the checkout (`persist-credentials: true`)",
        "medium",
    ),
    "continue-on-error": (
        _TRUE,
        CI_CD,
        "gha.continue_on_error",
        "lets failures pass (`continue-on-error: true`)",
        "medium",
    ),
}


def key_value_checks(removed: list[Change], added: list[Change]) -> list[Signal]:
    """Risky settings the change adds, unpinned actions, ``persist-credentials: false`` dropped."""
    out: list[Signal] = []
    for ch in added:
        node = ch.node
        if ch.is_text or node is None:
            continue
        rule = _KEY_CHECKS.get(node.key)
        if rule is not None and node.scalar.lower() in rule[0]:
            check = gated_check(ch) if node.key == "continue-on-error" else None
            if check:
                detail = (
                    f"lets {check} fail without failing the job (`continue-on-error: true`): "
                    "it no longer gates merges"
                )
                out.append(signal_at(CI_CD, "gha.check_removed", detail, ch, "high"))
            else:
                out.append(signal_at(rule[1], rule[2], rule[3], ch, rule[4]))
        elif node.key == "uses":
            sig = _unpinned(ch)
            if sig is not None:
                out.append(sig)
    out.extend(_never_fails(removed, added))
    kept = sum(1 for ch in added if ch.key == "persist-credentials" and ch.value.lower() == "false")
    gone = [ch for ch in removed if ch.key == "persist-credentials" and ch.value.lower() == "false"]
    if len(gone) > kept:
        detail = "drops `persist-credentials: false`: the checkout keeps the token"
        out.append(signal_at(CI_CD, "gha.persist_credentials", detail, gone[0], "medium"))
    return out


#: an action input that decides whether its findings fail the job (trivy's `exit-code`, reviewdog's
#: `fail_on_error`, `fail-build` ...)
_FAIL_KEYS = frozenset(
    {
        "exit-code",
        "exit_code",
        "fail-on-error",
        "fail_on_error",
        "fail-build",
        "fail_build",
        "fail-on-findings",
        "fail_on_findings",
        "fail-on-alert",
        "fail_on_alert",
    }
)
_PASSING = frozenset({"0", "false", "no", "off", "never", "none"})


def _never_fails(removed: list[Change], added: list[Change]) -> list[Signal]:
    """A check's input set so that its findings no longer fail the job (`exit-code: "1"` -> `"0"`):
    the check still runs, and whatever it finds passes."""
    before = {
        ch.key: ch.value.strip("\"'").lower()
        for ch in removed
        if ch.key in _FAIL_KEYS and ch.value.strip("\"'").lower() not in _PASSING
    }
    return [
        signal_at(
            CI_CD,
            "gha.check_removed",
            f"sets `{ch.key}: {ch.value}`: what the check finds no longer fails the job",
            ch,
            "high",
        )
        for ch in added
        if ch.key in before and ch.value.strip("\"'").lower() in _PASSING
    ]


def _unpinned(ch: Change) -> Signal | None:
    ref = uses_of(ch)
    if not ref or ref.startswith(("./", "docker://")) or "@" not in ref:
        return None
    target, _, version = ref.partition("@")
    owner = target.split("/", 1)[0].lower()
    if owner in _FIRST_PARTY or _SHA_RE.match(version) or "${{" in ref:
        return None
    return signal_at(
        CI_CD,
        "gha.unpinned_action",
        f"uses third-party `{target}@{version}` by a movable ref, not a commit SHA",
        ch,
        "medium",
    )


def gated_check(ch: Change) -> str | None:
    """What the job or step a line sits in checks (a test, lint or scan run), or None: the
    step's ``uses``, ``run`` and ``name``, or the job's id, name and steps."""
    outline, node = ch.outline, ch.node
    if outline is None or node is None or node.parent < 0:
        return None
    item = outline.nodes[node.parent]
    if not (item.key == "-" or item.path == ("jobs",)):
        return None  # a workflow-wide setting: not one job's or step's
    return check_of(item_lines(outline, node.parent))
